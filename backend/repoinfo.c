/*
 * repoinfo.c - repository discovery with libgit2.
 */
#define _POSIX_C_SOURCE 200809L
#include "repoinfo.h"
#include "error.h"
#include "xalloc.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void libgit2_init_once(void)
{
	static int done;
	if (!done) {
		git_libgit2_init();
		done = 1;
	}
}

int repoinfo_resolve(char **out, const char *arg, char *err, size_t errlen)
{
	char cwd[PATH_MAX], *abs;
	struct stat st;

	*out = NULL;
	if (arg) {
		if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "--repo %s: not a folder", arg);
			return RWB_EUSAGE;
		}
		abs = realpath(arg, NULL);
		if (!abs) {
			snprintf(err, errlen, "--repo %s: %s", arg, strerror(errno));
			return RWB_EUSAGE;
		}
		*out = abs;
		return RWB_OK;
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		snprintf(err, errlen, "cannot read the current folder: %s", strerror(errno));
		return RWB_EENV;
	}
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
	git_repository *repo = NULL;
	git_reference *head = NULL;
	int rc;

	if (n)
		buf[0] = '\0';
	libgit2_init_once();
	if (git_repository_open_ext(&repo, dir, 0, NULL) != 0)
		return;
	rc = git_repository_head(&head, repo);
	if (rc == GIT_EUNBORNBRANCH) {
		snprintf(buf, n, "(no commits)");
	} else if (rc == 0 && git_repository_head_detached(repo)) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, 8, git_reference_target(head));
		snprintf(buf, n, "HEAD@%s", hex);
	} else if (rc == 0) {
		snprintf(buf, n, "%s", git_reference_shorthand(head));
	}
	git_reference_free(head);
	git_repository_free(repo);
}
