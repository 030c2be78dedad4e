/*
 * commands.h - each subsystem's command table (see registry.h).
 *
 * Every table is an array of struct cmd_def ending in { .name = NULL }.
 */
#ifndef RWB_COMMANDS_H
#define RWB_COMMANDS_H

#include "registry.h"

extern const struct cmd_def commands_core[];     /* cmd_core.c: help, theme */
extern const struct cmd_def commands_cargo[];    /* cmd_cargo.c: cargo jobs, metrics, watch */
extern const struct cmd_def commands_git[];      /* cmd_git.c: status, diff, stage, commit, log, push */
extern const struct cmd_def commands_memory[];   /* cmd_memory.c: the pattern store */
extern const struct cmd_def commands_audit[];    /* cmd_audit.c: unsafe audit and review */
extern const struct cmd_def commands_analysis[]; /* cmd_analysis.c: profiling, connascence, focus, board */
extern const struct cmd_def commands_files[];    /* cmd_files.c: file-read/edit, glob, grep */
extern const struct cmd_def commands_scaffold[]; /* cmd_scaffold.c: project init and templates */

#endif
