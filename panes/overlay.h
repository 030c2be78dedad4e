/*
 * overlay.h - full-screen views over the panes: the file viewer, /grep's
 * results, the diagnostics list, a flame graph, a metric's chart. One is
 * open at a time (opening another replaces it); Esc/q closes it unless the
 * view handles them. F1, F2-F6 and Ctrl-Q stay global.
 *
 * An overlay is a view (view.h): its opener allocates the state and hands
 * it with the view's ops to app_open_overlay(); the app draws the frame
 * (title, border_right) and calls draw with focused true, since an open
 * overlay has the keyboard; closing it calls .destroy.
 *
 * A command that wants a view answers with "view": NAME in its JSON result
 * (plus what the view needs); the dispatcher (tui/dispatch.c) then calls
 * views_open(), which finds NAME in the table in views.c.
 *
 * Never: touch a view's state after app_open_overlay() or
 * app_close_overlay() replaced it (it is freed).
 */
#ifndef RWB_OVERLAY_H
#define RWB_OVERLAY_H

#include <cjson/cJSON.h>
#include "pane.h"

#define OVERLAY_CLOSE (1 << 8)   /* a key handler's result: close the view */

/* Opens a view (the app owns state from now on and frees it through ops->destroy). */
void app_open_overlay(struct app *a, const struct view_ops *ops, void *state, const char *title);
void app_close_overlay(struct app *a);
/* Marks the open view for redrawing. */
void app_damage_overlay(struct app *a);

/* Opens the view a command result names ("view": NAME); false when it
 * names none or the view could not open (it then said why). */
bool views_open(struct app *a, const cJSON *result);

/* Their key tables (keys.h), for help and the docs. */
struct keymap;
extern const struct keymap viewer_keys;        /* panes/viewer.c: the file viewer */
extern const struct keymap viewer_input_keys;  /* panes/viewer.c: its / and : line */
extern const struct keymap grep_keys;          /* panes/viewer.c: /grep's results */
extern const struct keymap diag_keys;          /* panes/diag.c: the list */
extern const struct keymap diag_explain_keys;  /* panes/diag.c: an explanation */
extern const struct keymap diag_fix_keys;      /* panes/diag.c: a suggested fix */
extern const struct keymap flame_keys;         /* panes/flame.c: the graph */
extern const struct keymap flame_table_keys;   /* panes/flame.c: its function table */
extern const struct keymap flame_search_keys;  /* panes/flame.c: its search */

/* The openers views.c knows, one per view file. */
bool view_file_open(struct app *a, const cJSON *result);        /* panes/viewer.c */
bool view_diagnostics_open(struct app *a, const cJSON *result); /* panes/diag.c */
bool view_flame_open(struct app *a, const cJSON *result);       /* panes/flame.c */
bool view_grep_open(struct app *a, const cJSON *result);        /* panes/viewer.c */

#endif
