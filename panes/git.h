/*
 * git.h - the git pane: status, diffs, staging, commits and log.
 */
#ifndef RWB_GIT_PANE_H
#define RWB_GIT_PANE_H

#include "pane.h"

struct pane *pane_git_new(struct app *a);

#endif
