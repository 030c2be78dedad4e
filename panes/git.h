/*
 * git.h - the git pane: status, diffs with hunk and line staging, the
 * commit message editor and the log (see git.c and docs/git.md).
 */
#ifndef RWB_GIT_PANE_H
#define RWB_GIT_PANE_H

#include <cjson/cJSON.h>
#include "pane.h"

struct pane *pane_git_new(struct app *a);

/* Its key tables, one per mode (keys.h). */
struct keymap;
extern const struct keymap git_status_keys;
extern const struct keymap git_diff_keys;
extern const struct keymap git_log_keys;
extern const struct keymap git_commit_keys;
/* Shows a diff in the pane: kind "unstaged", "staged", "commit" or "range"
 * (rev for the last two), path NULL for the whole change. False when the
 * pane has no repository or the diff could not be read (the pane says why). */
bool pane_git_show_diff(struct pane *p, const char *kind, const char *rev, const char *path);
/* The "git-diff" view a /git-diff result names: shows it in the git pane
 * and focuses it (for the table in panes/views.c). */
bool view_git_diff_open(struct app *a, const cJSON *result);

#endif
