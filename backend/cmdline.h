/*
 * cmdline.h - splitting a prompt line like a shell and parsing it against a
 * command's definition.
 *
 * Quoting follows the POSIX shell for the cases people type: 'single'
 * quotes are literal, "double" quotes honour \" \\ \$ \`, a backslash
 * outside quotes escapes the next character. No expansion happens: no
 * variables, globs or command substitution (argv only, never a shell).
 *
 * Parsing accepts --flag value, --flag=value, -n VALUE for flags that have a
 * short name, and "--" to pass the rest through. Every error is one line
 * naming what was wrong and what is accepted, with the nearest valid name.
 */
#ifndef RWB_CMDLINE_H
#define RWB_CMDLINE_H

#include "registry.h"
#include "strbuf.h"

/* Splits line into words. *argv is NULL-terminated and owned by the caller
 * (cmdline_free_argv). On error returns RWB_EUSAGE with a message in err. */
int cmdline_split(const char *line, char ***argv, int *argc, struct strbuf *err);
void cmdline_free_argv(char **argv, int argc);

/* Parses argv (argv[0] is "/name" or "name") into out. On error returns
 * RWB_EUSAGE with one line in err and out is released. */
int cmdline_parse(struct cmd_args *out, int argc, char *const *argv, struct strbuf *err);
void cmd_args_release(struct cmd_args *a);

/* Edit distance, used for "did you mean". */
int cmdline_distance(const char *a, const char *b);
/* Shell-quotes word into sb when it needs quoting. */
void cmdline_quote(struct strbuf *sb, const char *word);

#endif
