/*
 * complete_kinds.c - Tab candidates from the repository and the store.
 *
 * Git refs come from libgit2 through gitw.h (local branches, tags, remote-tracking
 * branches by their short names, and remote names for /git-push),
 * benchmark names from the folders criterion leaves under
 * target/criterion/, unsafe item ids from the audit ledger and memory keys
 * from the memory store.
 *
 * Never: write to the repository or the store, or run a program.
 */
#include "complete_kinds.h"
#include "audit.h"
#include "gitw.h"
#include "memory.h"
#include "xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_if(struct completion *out, const char *prefix, const char *item)
{
	if (strncmp(item, prefix, strlen(prefix)) == 0)
		complete_add(out, item);
}

struct ref_filter {
	struct completion *out;
	const char *prefix;
};

static void add_ref(const char *name, void *data)
{
	struct ref_filter *f = data;
	add_if(f->out, f->prefix, name);
}

static void gitrefs(const char *repo_path, const char *prefix, struct completion *out)
{
	struct gitw *g = NULL;
	struct ref_filter f = { out, prefix };

	if (gitw_open(&g, repo_path ? repo_path : ".") != 0)
		return;
	add_if(out, prefix, "HEAD");
	gitw_each_ref_name(g, add_ref, &f);
	gitw_free(g);
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
