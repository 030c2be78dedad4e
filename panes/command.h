/*
 * command.h - the command pane: the prompt (line editing, history, Ctrl-R,
 * Tab completion, a usage hint) and the results area above it that keeps
 * the last commands' answers.
 */
#ifndef RWB_COMMAND_H
#define RWB_COMMAND_H

#include "pane.h"

enum result_kind { RESULT_OK, RESULT_WARNING, RESULT_ERROR, RESULT_RUNNING };

struct pane *pane_command_new(struct app *a);
/* Appends an answer to the results area. command may be NULL (a notice). */
void pane_command_add_result(struct pane *p, const char *command, const char *text,
			     enum result_kind kind);
/* Puts text in the prompt (e.g. "/" when the user types '/' elsewhere). */
void pane_command_start(struct pane *p, const char *text);
/* Runs a command line (records it in the shared history). */
void pane_command_run(struct pane *p, const char *line);

/* Its key tables (keys.h), for help and the docs. */
struct keymap;
extern const struct keymap command_keys;         /* the prompt and the results */
extern const struct keymap command_search_keys;  /* the history search (Ctrl-R) */

#endif
