/*
 * repoinfo.c - repository discovery (the branch label through gitw.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "repoinfo.h"
#include "error.h"
#include "gitw.h"
#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int repoinfo_resolve(char **out, const char *arg)
{
	char cwd[PATH_MAX], *abs;
	struct stat st;

	*out = NULL;
	if (arg) {
		if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))
			return rwb_fail(RWB_EUSAGE, "--repo %s: not a folder", arg);
		abs = realpath(arg, NULL);
		if (!abs)
			return rwb_fail(RWB_EUSAGE, "--repo %s: %s", arg, strerror(errno));
		*out = abs;
		return RWB_OK;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return rwb_fail(RWB_EENV, "cannot read the current folder: %s", strerror(errno));
	/* walk up to the folder holding .git (a folder, or a file for worktrees
	 * and submodules) — without starting libgit2, whose start-up (TLS
	 * certificates) would cost every command a few milliseconds */
	{
		char *dir = xstrdup(cwd);
		for (;;) {
			char *probe = xasprintf("%s/.git", dir[0] ? dir : "");
			bool found = stat(probe, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));
			free(probe);
			if (found) {
				*out = xstrdup(dir[0] ? dir : "/");
				break;
			}
			char *slash = strrchr(dir, '/');
			if (!slash || !dir[0])
				break;
			*slash = '\0';
		}
		free(dir);
	}
	if (!*out)
		*out = xstrdup(cwd);
	return RWB_OK;
}

void repoinfo_branch(const char *dir, char *buf, size_t n)
{
	gitw_branch_label(dir, buf, n);
}
