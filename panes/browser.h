/*
 * browser.h - the browser pane and its tabs (Memory, Metrics, Audit, Tasks,
 * plus tabs later issues add such as Diagnostics or Flame).
 *
 * The browser pane owns the tab strip in its border and forwards draw, key
 * and reload calls to the active tab. A tab is a view (view.h): a const
 * struct view_ops with designated initializers whose .create allocates the
 * state the other slots get (once, when the browser is created) and whose
 * .destroy frees it. A tab draws only into the WINDOW it is given (the
 * browser's body: the tab strip is in the border); its draw's focused is
 * the browser pane's, and every tab reloads when the store changes (the
 * Tasks tab raises notices even when hidden).
 *
 * Never: keep the window a tab is given (the app re-creates the body on
 * every layout change).
 */
#ifndef RWB_BROWSER_H
#define RWB_BROWSER_H

#include "pane.h"

/* The tabs, in strip order; defined in each tab's file. */
extern const struct view_ops tab_memory_ops;   /* panes/tab_memory.c */
extern const struct view_ops tab_metrics_ops;  /* panes/tab_metrics.c */
extern const struct view_ops tab_audit_ops;    /* panes/tab_audit.c */
extern const struct view_ops tab_tasks_ops;    /* panes/tab_tasks.c */

/* Their key tables (keys.h), for help and the docs. */
struct keymap;
extern const struct keymap browser_keys;              /* panes/browser.c: switching tabs */
extern const struct keymap tab_memory_list_keys;       /* panes/tab_memory.c: the list */
extern const struct keymap tab_memory_search_keys;     /* panes/tab_memory.c: the search field */
extern const struct keymap tab_memory_entry_keys;      /* panes/tab_memory.c: an open entry */
extern const struct keymap tab_memory_history_keys;    /* panes/tab_memory.c: an entry's history */
extern const struct keymap tab_metrics_keys;          /* panes/tab_metrics.c */
extern const struct keymap tab_audit_keys;            /* panes/tab_audit.c: the list */
extern const struct keymap tab_audit_note_keys;       /* panes/tab_audit.c: a verdict's note */
extern const struct keymap tab_tasks_keys;            /* panes/tab_tasks.c */
extern const struct keymap tab_tasks_field_keys;      /* panes/tab_tasks.c: a new task */

struct pane *pane_browser_new(struct app *a);
/* Shows the tab with this name ("Audit"); false when there is none. */
bool pane_browser_show(struct pane *p, const char *tab_name);
/* The state of the tab named tab_name, for commands that drive it. */
void *pane_browser_tab_state(struct pane *p, const char *tab_name);

#endif
