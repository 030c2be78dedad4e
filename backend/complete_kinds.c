/*
 * complete_kinds.c - Tab candidates from the repository and the store.
 *
 * Git refs come from libgit2 (local branches, tags, remote-tracking
 * branches by their short names, and remote names for /git-push),
 * benchmark names from the folders criterion leaves under
 * target/criterion/, unsafe item ids from the audit ledger and memory keys
 * from the memory store.
 *
 * Never: write to the repository or the store, or run a program.
 */
#include "complete_kinds.h"
#include "audit.h"
#include "memory.h"
#include "xalloc.h"

#include <dirent.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_if(struct completion *out, const char *prefix, const char *item)
{
	if (strncmp(item, prefix, strlen(prefix)) == 0)
		complete_add(out, item);
}

static void gitrefs(const char *repo_path, const char *prefix, struct completion *out)
{
	git_repository *repo = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_config *cfg = NULL;
	git_config_iterator *cit = NULL;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_path ? repo_path : ".", 0, NULL) != 0)
		goto out;
	add_if(out, prefix, "HEAD");
	if (git_reference_iterator_new(&it, repo) == 0) {
		while (git_reference_next(&ref, it) == 0) {
			const char *name = git_reference_name(ref);
			if (strncmp(name, "refs/heads/", 11) == 0 || strncmp(name, "refs/tags/", 10) == 0 ||
			    strncmp(name, "refs/remotes/", 13) == 0) {
				const char *shorthand = git_reference_shorthand(ref);
				size_t n = strlen(shorthand);
				/* origin/HEAD is a pointer, not a branch to offer */
				if (!(n >= 5 && strcmp(shorthand + n - 5, "/HEAD") == 0))
					add_if(out, prefix, shorthand);
			}
			git_reference_free(ref);
		}
	}
	/* remote names from remote.NAME.url (git_remote_list's regex leaks
	 * pcre2 match data in libgit2 1.5, libgit2 PR #6382) */
	if (git_repository_config_snapshot(&cfg, repo) == 0 && git_config_iterator_new(&cit, cfg) == 0) {
		git_config_entry *e;
		while (git_config_next(&e, cit) == 0) {
			size_t n = strlen(e->name);
			if (n > 11 && strncmp(e->name, "remote.", 7) == 0 && strcmp(e->name + n - 4, ".url") == 0) {
				char *name = xstrndup(e->name + 7, n - 11);
				add_if(out, prefix, name);
				free(name);
			}
		}
	}
out:
	git_config_iterator_free(cit);
	git_config_free(cfg);
	git_reference_iterator_free(it);
	git_repository_free(repo);
	git_libgit2_shutdown();
}

static void benches(const char *repo_path, const char *prefix, struct completion *out)
{
	char *dir = xasprintf("%s/target/criterion", repo_path ? repo_path : ".");
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d))) {
			char *sub;
			struct stat st;
			if (de->d_name[0] == '.' || strcmp(de->d_name, "report") == 0)
				continue;
			sub = xasprintf("%s/%s", dir, de->d_name);
			if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				add_if(out, prefix, de->d_name);
			free(sub);
		}
		closedir(d);
	}
	free(dir);
}

#define MEMKEY_MAX 5000   /* keys looked at for one Tab */

static void memkeys(struct store *s, const char *prefix, struct completion *out)
{
	struct memory_list l = { 0 };

	if (memory_retrieve_max(s, &l, "**", false, MEMKEY_MAX) == 0)
		for (int i = 0; i < l.n; i++)
			add_if(out, prefix, l.v[i].key);
	memory_list_release(&l);
}

static void add_id(void *data, const char *id)
{
	complete_add(data, id);
}

void complete_kinds_provide(void *data, enum complete_kind kind, const char *prefix,
			    struct completion *out)
{
	const struct complete_kinds_env *env = data;
	const char *repo = env ? env->repo : NULL;

	if (!prefix)
		prefix = "";
	switch (kind) {
	case COMPLETE_GITREF:
		gitrefs(repo, prefix, out);
		break;
	case COMPLETE_BENCH:
		benches(repo, prefix, out);
		break;
	case COMPLETE_UNSAFE_ID:
		if (env && env->store)
			audit_complete_ids(env->store, repo ? repo : ".", prefix, add_id, out);
		break;
	case COMPLETE_MEMKEY:
		if (env && env->store)
			memkeys(env->store, prefix, out);
		break;
	default:
		break;
	}
}
