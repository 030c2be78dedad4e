/*
 * repoinfo.h - which folder rwb acts on, and its branch for the status bar.
 *
 * The default --repo is the work tree of the git repository containing the
 * current directory, else the current directory itself (cli.md).
 */
#ifndef RWB_REPOINFO_H
#define RWB_REPOINFO_H

#include <stddef.h>

/* Resolves --repo (arg may be NULL) into an absolute path in *out.
 * RWB_EUSAGE, with a message in the error channel, when arg is not a folder. */
int repoinfo_resolve(char **out, const char *arg);
/* The current branch ("main"), "HEAD@1a2b3c4" when detached, "(no commits)"
 * for an unborn branch; "" when dir is not in a git repository. */
void repoinfo_branch(const char *dir, char *buf, size_t n);

#endif
