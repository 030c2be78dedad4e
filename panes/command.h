/*
 * command.h - the command pane: the prompt (line editing, history, Ctrl-R,
 * Tab completion, a usage hint) and the results area above it that keeps
 * the last commands' answers. The prompt hands the lines it reads to the
 * dispatcher (tui/dispatch.c), which answers here.
 */
#ifndef RWB_COMMAND_H
#define RWB_COMMAND_H

#include "pane.h"

enum result_kind { RESULT_OK, RESULT_WARNING, RESULT_ERROR, RESULT_RUNNING };

/* The results area keeps no more of one answer's text. */
#define PANE_COMMAND_RESULT_MAX (256 * 1024)

struct pane *pane_command_new(struct app *a);
/* Appends an answer to the results area (text cut at PANE_COMMAND_RESULT_MAX,
 * trailing newlines dropped). command may be NULL (a notice). Returns the
 * answer's id (> 0) for the two calls below. */
int pane_command_add_result(struct pane *p, const char *command, const char *text,
			    enum result_kind kind);
/* Replaces answer id's text (as given) and kind: a running job's answer when
 * it ends. False when the answer has left the results area. */
bool pane_command_set_result(struct pane *p, int id, const char *text, enum result_kind kind);
/* Keeps json (the compact JSON answer Alt-C copies; copied, NULL: none)
 * beside answer id; nothing when it has left the results area. */
void pane_command_set_json(struct pane *p, int id, const char *json);
/* Puts text in the prompt (e.g. "/" when the user types '/' elsewhere). */
void pane_command_start(struct pane *p, const char *text);

/* Its key tables (keys.h), for help and the docs. */
struct keymap;
extern const struct keymap command_keys;         /* the prompt and the results */
extern const struct keymap command_search_keys;  /* the history search (Ctrl-R) */

#endif
