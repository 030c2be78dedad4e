/*
 * gitw.c - the libgit2 wrapper (see gitw.h for the design).
 *
 * Every libgit2 handle a function takes is released at its one `out:`
 * label. libgit2's own messages (git_error_last) are folded into the one
 * line rwb's error channel carries (rwb_fail, error.h). Never runs the git
 * binary, never prints.
 */
#define _GNU_SOURCE /* st_mtim, O_CLOEXEC */
#include "gitw.h"
#include "gitcred.h"
#include "gitscan.h"
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

#include <git2.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct gitw {
	git_repository *repo;    /* owned */
	git_repository *bare;    /* owned, lazily: the same .git opened bare (see tree_repo) */
};

static void init_once(void)
{
	static int done;
	if (!done) {
		git_libgit2_init();
		/* git itself does not re-hash every object it reads; libgit2
		 * does by default, which costs a third of a large diff */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		done = 1;
	}
}

/* libgit2's last message, one line. */
static const char *lg_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

int gitw_open(struct gitw **out, const char *path)
{
	git_repository *repo = NULL;
	int rc;

	*out = NULL;
	init_once();
	rc = git_repository_open_ext(&repo, path, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		return rwb_fail(RWB_ENOTREPO, "%s is not in a git repository", path);
	if (rc < 0)
		return rwb_fail(RWB_ENOTREPO, "cannot open the repository at %s: %s", path, lg_msg());
	*out = xcalloc(1, sizeof(**out));
	(*out)->repo = repo;
	return 0;
}

void gitw_free(struct gitw *g)
{
	if (!g)
		return;
	git_repository_free(g->bare);
	git_repository_free(g->repo);
	free(g);
}

const char *gitw_workdir(const struct gitw *g) { return git_repository_workdir(g->repo); }
const char *gitw_gitdir(const struct gitw *g) { return git_repository_path(g->repo); }

static uint64_t mtime_of(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	if (stat(path, &st) != 0)
		return 0;
	return (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec + (uint64_t)st.st_size;
}

uint64_t gitw_stamp(const struct gitw *g)
{
	const char *gd = gitw_gitdir(g);
	return mtime_of(gd, "index") * 3 + mtime_of(gd, "HEAD") * 5 + mtime_of(gd, "refs/heads") * 7 +
	       mtime_of(gd, "packed-refs") * 11 + mtime_of(gd, "MERGE_HEAD") * 13;
}

/* ---- status ---- */

const char *gitw_group_name(enum gitw_group grp)
{
	static const char *const names[] = { "staged", "unstaged", "untracked", "conflicted" };
	return (unsigned)grp < GITW_NGROUPS ? names[grp] : "?";
}

static void status_add(struct gitw_status *s, enum gitw_group grp, const char *path, const char *old,
		       const char *st, bool submodule)
{
	struct gitw_entry *e;

	s->list[grp] = xrealloc(s->list[grp], (size_t)(s->n[grp] + 1) * sizeof(*e));
	e = &s->list[grp][s->n[grp]++];
	e->path = xstrdup(path);
	e->old_path = old && strcmp(old, path) != 0 ? xstrdup(old) : NULL;
	snprintf(e->status, sizeof(e->status), "%s", st);
	e->submodule = submodule;
}

static const char *index_letter(unsigned f)
{
	if (f & GIT_STATUS_INDEX_NEW) return "A";
	if (f & GIT_STATUS_INDEX_DELETED) return "D";
	if (f & GIT_STATUS_INDEX_RENAMED) return "R";
	if (f & GIT_STATUS_INDEX_TYPECHANGE) return "T";
	if (f & GIT_STATUS_INDEX_MODIFIED) return "M";
	return NULL;
}

static const char *wt_letter(unsigned f)
{
	if (f & GIT_STATUS_WT_DELETED) return "D";
	if (f & GIT_STATUS_WT_RENAMED) return "R";
	if (f & GIT_STATUS_WT_TYPECHANGE) return "T";
	if (f & GIT_STATUS_WT_MODIFIED) return "M";
	return NULL;
}

/* git's two-letter code for an unmerged path (porcelain "u XY"). */
static void conflict_code(char out[3], git_index *idx, const char *path)
{
	const git_index_entry *anc = NULL, *ours = NULL, *theirs = NULL;

	snprintf(out, 3, "UU");
	if (git_index_conflict_get(&anc, &ours, &theirs, idx, path) != 0)
		return;
	if (anc && ours && theirs) snprintf(out, 3, "UU");
	else if (!anc && ours && theirs) snprintf(out, 3, "AA");
	else if (anc && ours) snprintf(out, 3, "UD");
	else if (anc && theirs) snprintf(out, 3, "DU");
	else if (ours) snprintf(out, 3, "AU");
	else if (theirs) snprintf(out, 3, "UA");
	else snprintf(out, 3, "DD");
}

/*
 * The upstream of branch NAME as git computes it from the config:
 * branch.NAME.remote and branch.NAME.merge, mapped through the remote's
 * fetch refspec (a remote of "." is this repository). git_branch_upstream
 * does the same through git_remote_lookup, which in libgit2 1.5 leaks
 * pcre2 match data on every call (PR #6382): one leak per status refresh.
 * NULL when the branch tracks nothing or the ref does not exist.
 */
static git_reference *upstream_of(git_repository *repo, const char *name)
{
	git_config *cfg = NULL;
	git_reference *up = NULL;
	const char *remote = NULL, *merge = NULL, *fetch = NULL;
	char *key = NULL, *ref = NULL;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return NULL;
	key = xasprintf("branch.%s.remote", name);
	if (git_config_get_string(&remote, cfg, key) < 0)
		goto out;
	free(key);
	key = xasprintf("branch.%s.merge", name);
	if (git_config_get_string(&merge, cfg, key) < 0)
		goto out;
	if (strcmp(remote, ".") == 0) {
		ref = xstrdup(merge);
	} else {
		free(key);
		key = xasprintf("remote.%s.fetch", remote);
		if (git_config_get_string(&fetch, cfg, key) == 0) {
			/* [+]SRC:DST, a trailing * on both sides maps the rest */
			const char *src = fetch + (*fetch == '+'), *colon = strchr(src, ':');
			size_t sl = colon ? (size_t)(colon - src) : 0;
			if (colon && sl > 0 && src[sl - 1] == '*' && strncmp(merge, src, sl - 1) == 0 &&
			    colon[1] && colon[strlen(colon) - 1] == '*')
				ref = xasprintf("%.*s%s", (int)(strlen(colon + 1) - 1), colon + 1, merge + sl - 1);
			else if (colon && strncmp(merge, src, sl) == 0 && merge[sl] == '\0')
				ref = xstrdup(colon + 1);
		}
		if (!ref && strncmp(merge, "refs/heads/", 11) == 0)
			ref = xasprintf("refs/remotes/%s/%s", remote, merge + 11);
	}
	if (ref && git_reference_lookup(&up, repo, ref) < 0)
		up = NULL;
out:
	free(key);
	free(ref);
	git_config_free(cfg);
	return up;
}

static void status_branch(struct gitw_status *s, git_repository *repo)
{
	git_reference *head = NULL, *up = NULL;
	int rc = git_repository_head(&head, repo);

	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		git_reference *sym = NULL;
		s->unborn = true;
		if (git_reference_lookup(&sym, repo, "HEAD") == 0 && git_reference_symbolic_target(sym)) {
			const char *t = git_reference_symbolic_target(sym);
			s->branch = xstrdup(strncmp(t, "refs/heads/", 11) == 0 ? t + 11 : t);
		}
		git_reference_free(sym);
		if (!s->branch)
			s->branch = xstrdup("(unknown)");
		return;
	}
	if (rc < 0) {
		s->branch = xstrdup("(unknown)");
		return;
	}
	if (git_reference_target(head)) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), git_reference_target(head));
		s->head = xstrdup(hex);
	}
	if (git_repository_head_detached(repo) == 1) {
		s->detached = true;
		s->branch = xstrdup("(detached)");
	} else {
		s->branch = xstrdup(git_reference_shorthand(head));
		if ((up = upstream_of(repo, git_reference_shorthand(head)))) {
			size_t a = 0, b = 0;
			s->upstream = xstrdup(git_reference_shorthand(up));
			if (git_reference_target(up) &&
			    git_graph_ahead_behind(&a, &b, repo, git_reference_target(head),
						   git_reference_target(up)) == 0) {
				s->ahead = (int)a;
				s->behind = (int)b;
			}
		}
	}
	git_reference_free(up);
	git_reference_free(head);
}

/* One status list into the groups. index_side / wt_side: which halves of
 * each entry to take (the fast path reads the halves from two lists).
 * Conflicts come with the work-tree half. */
static void status_collect(struct gitw_status *s, git_status_list *list, git_index *idx, bool index_side,
			   bool wt_side)
{
	for (size_t i = 0, n = git_status_list_entrycount(list); i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *hi = e->head_to_index, *iw = e->index_to_workdir;
		const char *path = iw ? iw->new_file.path : hi ? hi->new_file.path : NULL;
		const char *l;
		bool sub;

		if (!path)
			continue;
		if (e->status & GIT_STATUS_CONFLICTED) {
			char code[3];
			if (wt_side) {
				conflict_code(code, idx, path);
				status_add(s, GITW_CONFLICTED, path, NULL, code, false);
			}
			continue;
		}
		if (index_side && (l = index_letter(e->status)) != NULL && hi) {
			sub = hi->new_file.mode == GIT_FILEMODE_COMMIT || hi->old_file.mode == GIT_FILEMODE_COMMIT;
			status_add(s, GITW_STAGED, hi->new_file.path, hi->old_file.path, l, sub);
		}
		if (!wt_side || !iw)
			continue;
		if (e->status & GIT_STATUS_WT_NEW) {
			/* also after `git rm --cached`: staged D and untracked, as git says */
			status_add(s, GITW_UNTRACKED, iw->new_file.path, NULL, "?", false);
		} else if ((l = wt_letter(e->status)) != NULL) {
			sub = iw->new_file.mode == GIT_FILEMODE_COMMIT || iw->old_file.mode == GIT_FILEMODE_COMMIT;
			status_add(s, GITW_UNSTAGED, iw->new_file.path, iw->old_file.path, l, sub);
		}
	}
}

static const unsigned status_flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX |
				     GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;

/* libgit2's own walk of everything: the reference the fast path must equal. */
static int status_walk_all(struct gitw_status *s, struct gitw *g, git_index *idx)
{
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;

	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = status_flags;
	if (git_status_list_new(&list, g->repo, &opts) < 0)
		return rwb_fail(RWB_EIO, "cannot read the status: %s", lg_msg());
	status_collect(s, list, idx, true, true);
	git_status_list_free(list);
	return 0;
}

/* Past this many doubtful paths one full libgit2 walk is cheaper. */
#define GITW_SCAN_LIMIT 2000

static int scan_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/* The index file, read by gitscan (NULL when it is missing or unusual). */
static struct gitscan_index *read_index_file(struct gitw *g, int64_t *mtime_s)
{
	struct gitscan_index *ix = NULL;
	char *path = xasprintf("%sindex", gitw_gitdir(g));
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	free(path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size < 32) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	if (gitscan_index_read(&ix, map, (size_t)st.st_size) != 0)
		ix = NULL;
	munmap(map, (size_t)st.st_size);
	*mtime_s = (int64_t)st.st_mtim.tv_sec;
	return ix;
}

/* core.ignorecase: names on disk match index paths without regard to
 * case, which the scan's byte comparisons do not do: libgit2 then. */
static bool ignores_case(struct gitw *g)
{
	git_config *cfg = NULL;
	int on = 0;

	if (git_repository_config_snapshot(&cfg, g->repo) == 0 && git_config_get_bool(&on, cfg, "core.ignorecase") < 0)
		on = 0;
	git_config_free(cfg);
	return on != 0;
}

/* Nothing staged, proved without a diff: the index's cached root tree
 * equals HEAD's tree. */
static bool index_is_head(struct gitw *g, const struct gitscan_index *ix)
{
	git_object *tree = NULL;
	bool same = false;

	if (ix->plain && ix->has_tree && git_revparse_single(&tree, g->repo, "HEAD^{tree}") == 0)
		same = memcmp(git_object_id(tree)->id, ix->tree, 20) == 0;
	git_object_free(tree);
	return same;
}

/*
 * A doubtful path the fast path can judge without libgit2's index, with
 * libgit2's own rules: a tracked regular file of the same mode whose size
 * differs is modified (no content read: libgit2 does not read it either);
 * a tracked file that is gone is deleted; an untracked plain file or
 * symlink is untracked unless ignored. Everything else (folders,
 * submodules, type changes, same-size changes) returns false: libgit2.
 */
static bool judge_path(struct gitw_status *s, struct gitw *g, const struct gitscan_index *ix, const char *path)
{
	const struct gitscan_entry *e = gitscan_index_find(ix, path);
	char *full = xasprintf("%s%s", gitw_workdir(g), path);
	struct stat st;
	bool judged = false;
	int ignored = 0;

	if (lstat(full, &st) != 0) {
		if (errno == ENOENT && e && !e->suspect) {
			status_add(s, GITW_UNSTAGED, path, NULL, "D", false);
			judged = true;
		}
	} else if (e) {
		uint32_t mode = S_ISREG(st.st_mode) ? ((st.st_mode & S_IXUSR) ? 0100755 : 0100644) : 0;
		if (!e->suspect && mode && mode == e->mode && e->size > 0 && (uint32_t)st.st_size != e->size) {
			status_add(s, GITW_UNSTAGED, path, NULL, "M", false);
			judged = true;
		}
	} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !gitscan_index_has_dir(ix, path) &&
		   git_ignore_path_is_ignored(&ignored, g->repo, path) == 0) {
		if (!ignored)
			status_add(s, GITW_UNTRACKED, path, NULL, "?", false);
		judged = true;
	}
	free(full);
	return judged;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gitw_entry *)a)->path, ((const struct gitw_entry *)b)->path);
}

/*
 * The fast path (see gitw.h): gitscan reads the index file itself and
 * stats the work tree on several threads, while this thread proves that
 * nothing is staged (or asks libgit2 for the staged half). Doubtful paths
 * are judged here when the rule is plain (judge_path), else by libgit2,
 * which then loads its own index. Returns false to fall back to the full
 * walk (nothing added to s then).
 */
static bool status_fast(struct gitw_status *s, struct gitw *g)
{
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_status_list *staged = NULL, *wt = NULL;
	git_index *idx = NULL;
	struct gitscan_index *ix = NULL;
	struct gitscan *scan = NULL;
	struct gitw_status *mine = xcalloc(1, sizeof(*mine));
	char **paths = NULL, **rest = NULL;
	size_t npaths = 0, nrest = 0;
	int64_t mtime_s = 0;
	bool too_many = false, done = false;
	int rc = 0;

	if (ignores_case(g) || (ix = read_index_file(g, &mtime_s)) == NULL)
		goto out;
	if (gitscan_start(&scan, gitw_workdir(g), ix->entries, ix->n, mtime_s, scan_threads(), GITW_SCAN_LIMIT) != 0)
		goto out;
	if (!index_is_head(g, ix)) {
		opts.show = GIT_STATUS_SHOW_INDEX_ONLY;
		opts.flags = status_flags;
		rc = git_status_list_new(&staged, g->repo, &opts);
	}
	if (gitscan_finish(&paths, &npaths, &too_many, scan) != 0 || too_many || rc < 0)
		goto out; /* the full walk is cheaper, or reports the problem */
	rest = xcalloc(npaths ? npaths : 1, sizeof(*rest));
	for (size_t i = 0; i < npaths; i++)
		if (!judge_path(mine, g, ix, paths[i]))
			rest[nrest++] = paths[i];
	if (nrest) {
		opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
		opts.flags = status_flags | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
		opts.pathspec.strings = rest;
		opts.pathspec.count = nrest;
		if (git_status_list_new(&wt, g->repo, &opts) < 0 || git_repository_index(&idx, g->repo) < 0)
			goto out;
		status_collect(mine, wt, idx, false, true);
	}
	if (staged)
		status_collect(mine, staged, idx, true, false);
	for (int grp = 0; grp < GITW_NGROUPS; grp++) {
		if (grp != GITW_STAGED && mine->n[grp] > 1)
			qsort(mine->list[grp], (size_t)mine->n[grp], sizeof(struct gitw_entry), entry_cmp);
		s->list[grp] = mine->list[grp];
		s->n[grp] = mine->n[grp];
		mine->list[grp] = NULL;
		mine->n[grp] = 0;
	}
	done = true;
out:
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	free(rest);
	gitw_status_free(mine);
	git_index_free(idx);
	git_status_list_free(wt);
	git_status_list_free(staged);
	gitscan_index_free(ix);
	return done;
}

static int status_run(struct gitw_status **out, struct gitw *g, bool exact)
{
	git_index *idx = NULL;
	struct gitw_status *s = xcalloc(1, sizeof(*s));
	int rc = 0;

	*out = NULL;
	status_branch(s, g->repo);
	if (git_repository_is_bare(g->repo)) {
		s->bare = true;
		goto out;
	}
	if (!exact && (s->scanned = status_fast(s, g)))
		goto out;
	if (git_repository_index(&idx, g->repo) < 0) {
		rc = rwb_fail(RWB_EIO, "cannot read the index: %s", lg_msg());
		goto out;
	}
	rc = status_walk_all(s, g, idx);
out:
	git_index_free(idx);
	if (rc) {
		gitw_status_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int gitw_status(struct gitw_status **out, struct gitw *g)
{
	return status_run(out, g, false);
}

int gitw_status_exact(struct gitw_status **out, struct gitw *g)
{
	return status_run(out, g, true);
}

void gitw_status_free(struct gitw_status *s)
{
	if (!s)
		return;
	for (int grp = 0; grp < GITW_NGROUPS; grp++) {
		for (int i = 0; i < s->n[grp]; i++) {
			free(s->list[grp][i].path);
			free(s->list[grp][i].old_path);
		}
		free(s->list[grp]);
	}
	free(s->branch);
	free(s->head);
	free(s->upstream);
	free(s);
}

/* ---- diffs ---- */

static void *grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 64;
	while (*cap < need)
		*cap *= 2;
	return xrealloc(arr, *cap * elem);
}

/* Letters, digits, '_' and any non-ASCII byte (so spans never split a
 * UTF-8 sequence). */
static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* `unsafe` as a word, or a SAFETY comment. One pass over the bytes: this
 * runs on every line of a diff, and memmem's set-up per short line cost
 * 6% of a 200k-line diff. */
static bool mentions_unsafe(const char *s, size_t n)
{
	for (size_t i = 0; i + 6 <= n; i++) {
		if (s[i] == 'S' && memcmp(s + i, "SAFETY", 6) == 0)
			return true;
		if (s[i] == 'u' && memcmp(s + i, "unsafe", 6) == 0 && (i == 0 || !is_word_char(s[i - 1])) &&
		    (i + 6 == n || !is_word_char(s[i + 6])))
			return true;
	}
	return false;
}

struct build {
	struct gitw_diff *d;
	bool rust;               /* the current file is Rust: look for unsafe */
	int next_new;            /* the new-side number the next line would have */
};

static int cb_file(const git_diff_delta *delta, float progress, void *payload)
{
	struct build *b = payload;
	struct gitw_diff *d = b->d;
	struct gitw_file *f;
	static const char letters[] = { [GIT_DELTA_ADDED] = 'A', [GIT_DELTA_DELETED] = 'D',
		[GIT_DELTA_MODIFIED] = 'M', [GIT_DELTA_RENAMED] = 'R', [GIT_DELTA_COPIED] = 'C',
		[GIT_DELTA_TYPECHANGE] = 'T', [GIT_DELTA_UNTRACKED] = '?', [GIT_DELTA_UNMODIFIED] = ' ',
		[GIT_DELTA_CONFLICTED] = 'U' };

	(void)progress;
	d->files = grow(d->files, &d->cap_files, d->nfiles + 1, sizeof(*f));
	f = &d->files[d->nfiles++];
	memset(f, 0, sizeof(*f));
	f->old_path = xstrdup(delta->old_file.path);
	f->new_path = xstrdup(delta->new_file.path);
	f->status = (size_t)delta->status < sizeof(letters) && letters[delta->status] ? letters[delta->status] : '?';
	if (d->kind == GITW_DIFF_UNTRACKED)
		f->status = 'A';
	f->binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
	f->old_mode = delta->old_file.mode;
	f->new_mode = delta->new_file.mode;
	f->similarity = delta->similarity;
	f->first_hunk = d->nhunks;
	{
		size_t n = strlen(f->new_path);
		b->rust = n > 3 && strcmp(f->new_path + n - 3, ".rs") == 0;
	}
	return 0;
}

static int cb_binary(const git_diff_delta *delta, const git_diff_binary *binary, void *payload)
{
	struct build *b = payload;
	(void)delta;
	(void)binary;
	if (b->d->nfiles)
		b->d->files[b->d->nfiles - 1].binary = true;
	return 0;
}

static int cb_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
	struct build *b = payload;
	struct gitw_diff *d = b->d;
	struct gitw_hunk *h;
	size_t n = hunk->header_len;

	(void)delta;
	while (n && (hunk->header[n - 1] == '\n' || hunk->header[n - 1] == '\r'))
		n--;
	d->hunks = grow(d->hunks, &d->cap_hunks, d->nhunks + 1, sizeof(*h));
	h = &d->hunks[d->nhunks++];
	memset(h, 0, sizeof(*h));
	h->header = xstrndup(hunk->header, n);
	h->old_start = hunk->old_start;
	h->old_lines = hunk->old_lines;
	h->new_start = hunk->new_start;
	h->new_lines = hunk->new_lines;
	h->first_line = d->nlines;
	d->files[d->nfiles - 1].nhunks++;
	b->next_new = hunk->new_start > 0 ? hunk->new_start : 1;
	if (hunk->new_lines == 0)
		b->next_new = hunk->new_start + 1;
	return 0;
}

static int cb_line(const git_diff_delta *delta, const git_diff_hunk *hunk, const git_diff_line *line,
		   void *payload)
{
	struct build *b = payload;
	struct gitw_diff *d = b->d;
	struct gitw_hunk *h;
	struct gitw_line *l;
	size_t len = line->content_len;

	(void)delta;
	(void)hunk;
	if (!d->nhunks)
		return 0;
	h = &d->hunks[d->nhunks - 1];
	if (line->origin == GIT_DIFF_LINE_CONTEXT_EOFNL || line->origin == GIT_DIFF_LINE_ADD_EOFNL ||
	    line->origin == GIT_DIFF_LINE_DEL_EOFNL) {
		if (h->nlines)
			d->lines[h->first_line + h->nlines - 1].no_eol = true;
		return 0;
	}
	if (line->origin != '+' && line->origin != '-' && line->origin != ' ')
		return 0;
	while (len && line->content[len - 1] == '\n')
		len--;
	d->text = grow(d->text, &d->text_cap, d->text_len + len + 1, 1);
	memcpy(d->text + d->text_len, line->content, len);
	d->text[d->text_len + len] = '\0';
	d->lines = grow(d->lines, &d->cap_lines, d->nlines + 1, sizeof(*l));
	l = &d->lines[d->nlines++];
	l->off = (uint32_t)d->text_len;
	l->len = (uint32_t)len;
	d->text_len += len + 1;
	l->origin = line->origin;
	l->old_no = line->old_lineno;
	l->new_no = line->new_lineno;
	l->anchor = line->origin == '-' ? b->next_new : line->new_lineno;
	if (line->origin != '-')
		b->next_new = line->new_lineno + 1;
	l->pair = -1;
	l->no_eol = false;
	h->nlines++;
	if (line->origin == '+') {
		h->adds++;
		d->files[d->nfiles - 1].adds++;
	} else if (line->origin == '-') {
		h->dels++;
		d->files[d->nfiles - 1].dels++;
	}
	if (b->rust && mentions_unsafe(line->content, len))
		h->flags |= line->origin == ' ' ? GITW_HUNK_UNSAFE_NEAR : GITW_HUNK_UNSAFE_CHANGED;
	return 0;
}

/* Pairs each run of '-' lines with the '+' run after it (for word emphasis). */
static void pair_lines(struct gitw_diff *d)
{
	for (size_t hi = 0; hi < d->nhunks; hi++) {
		struct gitw_hunk *h = &d->hunks[hi];
		size_t i = h->first_line, end = h->first_line + h->nlines;
		if (h->flags & GITW_HUNK_UNSAFE_CHANGED)
			h->flags &= ~(unsigned)GITW_HUNK_UNSAFE_NEAR;
		while (i < end) {
			size_t ds = i, as, ae;
			while (i < end && d->lines[i].origin == '-')
				i++;
			as = i;
			while (i < end && d->lines[i].origin == '+')
				i++;
			ae = i;
			for (size_t k = 0; ds + k < as && as + k < ae; k++) {
				d->lines[ds + k].pair = (int32_t)(as + k);
				d->lines[as + k].pair = (int32_t)(ds + k);
			}
			if (i == ds)
				i++;
		}
	}
}

static int resolve_tree(git_tree **out, git_repository *repo, const char *spec)
{
	git_object *obj = NULL;
	int rc;

	*out = NULL;
	if (git_revparse_single(&obj, repo, spec) < 0)
		return rwb_fail(RWB_EINPUT, "unknown revision '%s': give a commit, branch or tag", spec);
	rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_TREE);
	git_object_free(obj);
	if (rc < 0)
		return rwb_fail(RWB_EINPUT, "'%s' does not name a commit or tree", spec);
	return 0;
}

/* HEAD's tree, or NULL (and 0) when HEAD is unborn. */
static int head_tree(git_tree **out, git_repository *repo)
{
	git_object *obj = NULL;
	int rc;

	*out = NULL;
	rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		return 0;
	if (rc < 0)
		return rc;
	*out = (git_tree *)obj;
	return 0;
}

/*
 * The handle for diffs between two trees (a commit, a range): the same
 * .git opened as a bare repository. libgit2 resolves every diffed path
 * against the work tree for its .gitattributes lookup (a realpath() per
 * file: 6 readlink calls for src/m00/f.rs, 18% of a 2,000-file commit
 * diff); a bare handle reads attributes from $GIT_DIR/info/attributes and
 * the index instead, which is what they say unless .gitattributes has
 * unstaged edits. Falls back to the normal handle.
 */
static git_repository *tree_repo(struct gitw *g)
{
	if (!g->bare && git_repository_workdir(g->repo) &&
	    git_repository_open_ext(&g->bare, git_repository_path(g->repo),
				    GIT_REPOSITORY_OPEN_BARE | GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		g->bare = NULL;
	return g->bare ? g->bare : g->repo;
}

int gitw_diff(struct gitw_diff **out, struct gitw *g, enum gitw_diff_kind kind, const char *rev,
	      const char *path)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;
	git_diff *diff = NULL;
	git_tree *a = NULL, *b = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL, *parent = NULL;
	char *pathv[1];
	struct build bld = { 0 };
	git_repository *trees = kind == GITW_DIFF_COMMIT || kind == GITW_DIFF_RANGE ? tree_repo(g) : g->repo;
	int rc = 0;

	*out = NULL;
	if (path && *path) {
		pathv[0] = (char *)path;
		opts.pathspec.strings = pathv;
		opts.pathspec.count = 1;
	}
	if (git_repository_is_bare(g->repo) && (kind == GITW_DIFF_UNSTAGED || kind == GITW_DIFF_STAGED ||
						kind == GITW_DIFF_UNTRACKED || kind == GITW_DIFF_REV ||
						kind == GITW_DIFF_REV_STAGED))
		return rwb_fail(RWB_EINPUT,
				"the repository is bare: there is no work tree or index to diff; give a revision");
	switch (kind) {
	case GITW_DIFF_UNTRACKED:
		opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_SHOW_UNTRACKED_CONTENT |
			      GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		/* fall through */
	case GITW_DIFF_UNSTAGED:
		rc = git_diff_index_to_workdir(&diff, g->repo, NULL, &opts);
		break;
	case GITW_DIFF_STAGED:
		if ((rc = head_tree(&a, g->repo)) < 0)
			break;
		rc = git_diff_tree_to_index(&diff, g->repo, a, NULL, &opts);
		break;
	case GITW_DIFF_REV:
	case GITW_DIFF_REV_STAGED:
		if ((rc = resolve_tree(&a, g->repo, rev ? rev : "HEAD")) != 0)
			goto out;
		if (kind == GITW_DIFF_REV)
			rc = git_diff_tree_to_workdir_with_index(&diff, g->repo, a, &opts);
		else
			rc = git_diff_tree_to_index(&diff, g->repo, a, NULL, &opts);
		break;
	case GITW_DIFF_COMMIT:
		if (git_revparse_single(&obj, trees, rev) < 0 ||
		    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
			rc = rwb_fail(RWB_EINPUT, "unknown commit '%s': give a hash, branch or tag", rev);
			goto out;
		}
		if (git_commit_parentcount(commit) > 0 && git_commit_parent(&parent, commit, 0) == 0 &&
		    git_commit_tree(&a, parent) < 0)
			break;
		rc = git_commit_tree(&b, commit);
		if (rc == 0)
			rc = git_diff_tree_to_tree(&diff, trees, a, b, &opts);
		break;
	case GITW_DIFF_RANGE: {
		const char *dots = rev ? strstr(rev, "..") : NULL;
		char *left;
		if (!dots || strstr(dots + 2, "..")) {
			rc = rwb_fail(RWB_EINPUT, "bad range '%s': use REV..REV", rev ? rev : "");
			goto out;
		}
		left = xstrndup(rev, (size_t)(dots - rev));
		rc = resolve_tree(&a, trees, *left ? left : "HEAD");
		free(left);
		if (rc == 0)
			rc = resolve_tree(&b, trees, dots[2] ? dots + 2 : "HEAD");
		if (rc)
			goto out;
		rc = git_diff_tree_to_tree(&diff, trees, a, b, &opts);
		break;
	}
	}
	if (rc < 0) {
		rc = rwb_fail(RWB_EIO, "cannot compute the diff: %s", lg_msg());
		goto out;
	}
	if (kind != GITW_DIFF_UNSTAGED && kind != GITW_DIFF_UNTRACKED) {
		fopts.flags = GIT_DIFF_FIND_RENAMES;
		git_diff_find_similar(diff, &fopts);
	}
	bld.d = xcalloc(1, sizeof(*bld.d));
	bld.d->kind = kind;
	if (git_diff_foreach(diff, cb_file, cb_binary, cb_hunk, cb_line, &bld) < 0) {
		rc = rwb_fail(RWB_EIO, "cannot read the diff: %s", lg_msg());
		gitw_diff_free(bld.d);
		goto out;
	}
	pair_lines(bld.d);
	*out = bld.d;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(parent);
	git_commit_free(commit);
	git_object_free(obj);
	return rc;
}

void gitw_diff_free(struct gitw_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].old_path);
		free(d->files[i].new_path);
	}
	for (size_t i = 0; i < d->nhunks; i++)
		free(d->hunks[i].header);
	free(d->files);
	free(d->hunks);
	free(d->lines);
	free(d->text);
	free(d);
}

/* ---- word emphasis ---- */

#define WD_MAX_TOK 256

static int tokenize(uint32_t *starts, const char *s, size_t n)
{
	int k = 0;
	size_t i = 0;

	while (i < n && k < WD_MAX_TOK) {
		starts[k++] = (uint32_t)i;
		if (is_word_char(s[i]))
			while (i < n && is_word_char(s[i]))
				i++;
		else if (s[i] == ' ' || s[i] == '\t')
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
		else
			i++;
	}
	if (i < n)
		return -1;
	starts[k] = (uint32_t)n;
	return k;
}

static bool tok_eq(const char *a, const uint32_t *as, int i, const char *b, const uint32_t *bs, int j)
{
	uint32_t la = as[i + 1] - as[i], lb = bs[j + 1] - bs[j];
	return la == lb && memcmp(a + as[i], b + bs[j], la) == 0;
}

static void add_span(struct gitw_span *sp, int *n, int max, uint32_t s, uint32_t e)
{
	if (s >= e)
		return;
	if (*n > 0 && sp[*n - 1].end == s) {
		sp[*n - 1].end = e;
		return;
	}
	if (*n < max) {
		sp[*n].start = s;
		sp[*n].end = e;
		(*n)++;
	} else if (max > 0) {
		sp[max - 1].end = e;
	}
}

void gitw_word_diff(struct gitw_span *aspans, int *na, struct gitw_span *bspans, int *nb, int max,
		    const char *a, size_t alen, const char *b, size_t blen)
{
	static uint32_t as[WD_MAX_TOK + 1], bs[WD_MAX_TOK + 1];
	static uint16_t lcs[WD_MAX_TOK + 1][WD_MAX_TOK + 1];
	int ka, kb, i, j;

	*na = *nb = 0;
	ka = tokenize(as, a, alen);
	kb = tokenize(bs, b, blen);
	if (ka < 0 || kb < 0) {
		/* too long for the token table: common prefix and suffix bytes */
		size_t p = 0, s = 0;
		while (p < alen && p < blen && a[p] == b[p])
			p++;
		while (s < alen - p && s < blen - p && a[alen - 1 - s] == b[blen - 1 - s])
			s++;
		add_span(aspans, na, max, (uint32_t)p, (uint32_t)(alen - s));
		add_span(bspans, nb, max, (uint32_t)p, (uint32_t)(blen - s));
		return;
	}
	for (i = ka; i >= 0; i--)
		for (j = kb; j >= 0; j--) {
			if (i == ka || j == kb)
				lcs[i][j] = 0;
			else if (tok_eq(a, as, i, b, bs, j))
				lcs[i][j] = (uint16_t)(lcs[i + 1][j + 1] + 1);
			else
				lcs[i][j] = lcs[i + 1][j] > lcs[i][j + 1] ? lcs[i + 1][j] : lcs[i][j + 1];
		}
	i = j = 0;
	while (i < ka || j < kb) {
		if (i < ka && j < kb && tok_eq(a, as, i, b, bs, j)) {
			i++;
			j++;
		} else if (j >= kb || (i < ka && lcs[i + 1][j] >= lcs[i][j + 1])) {
			add_span(aspans, na, max, as[i], as[i + 1]);
			i++;
		} else {
			add_span(bspans, nb, max, bs[j], bs[j + 1]);
			j++;
		}
	}
}

/* ---- staging ---- */

int gitw_parse_range(int *lo, int *hi, const char *s)
{
	char *end;
	long a, b;

	if (!isdigit((unsigned char)s[0]))
		return RWB_EUSAGE;
	a = strtol(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return RWB_EUSAGE;
		b = strtol(end + 1, &end, 10);
	}
	if (*end || a < 1 || b < a || b > 100000000)
		return RWB_EUSAGE;
	*lo = (int)a;
	*hi = (int)b;
	return 0;
}

static void quote_path(struct strbuf *sb, const char *prefix, const char *path)
{
	strbuf_adds(sb, prefix);
	strbuf_adds(sb, path);
}

/*
 * Builds a patch with the picked lines of the diff of one file. reverse
 * swaps the sides first (unstaging). Unpicked '-' lines become context
 * (they stay), unpicked '+' lines are left out. Returns the number of
 * changed lines in the patch.
 */
static int build_patch(struct strbuf *sb, const struct gitw_diff *d, const struct gitw_pick *pick,
		       bool reverse)
{
	const struct gitw_file *f = &d->files[0];
	int changes = 0, delta = 0;

	strbuf_addf(sb, "diff --git a/%s b/%s\n", f->old_path, f->new_path);
	quote_path(sb, "--- a/", reverse ? f->new_path : f->old_path);
	quote_path(sb, "\n+++ b/", reverse ? f->old_path : f->new_path);
	strbuf_addc(sb, '\n');
	for (size_t hi = 0; hi < f->nhunks; hi++) {
		const struct gitw_hunk *h = &d->hunks[f->first_hunk + hi];
		struct strbuf body = STRBUF_INIT;
		int old_n = 0, new_n = 0, hunk_changes = 0, old_start;

		if (pick->hunk && (int)hi + 1 != pick->hunk)
			continue;
		for (size_t li = 0; li < h->nlines; li++) {
			const struct gitw_line *l = &d->lines[h->first_line + li];
			char origin = l->origin;
			bool picked = true;
			if (pick->lo) {
				picked = l->anchor >= pick->lo && l->anchor <= pick->hi;
			}
			if (reverse)
				origin = origin == '+' ? '-' : origin == '-' ? '+' : ' ';
			if (origin != ' ' && !picked) {
				if (origin == '+')
					continue;
				origin = ' ';
			}
			strbuf_addc(&body, origin);
			strbuf_add(&body, d->text + l->off, l->len);
			strbuf_addc(&body, '\n');
			if (l->no_eol)
				strbuf_adds(&body, "\\ No newline at end of file\n");
			if (origin != '+')
				old_n++;
			if (origin != '-')
				new_n++;
			if (origin != ' ')
				hunk_changes++;
		}
		if (hunk_changes) {
			int new_start;
			old_start = reverse ? h->new_start : h->old_start;
			new_start = old_start + delta + (old_n == 0) - (new_n == 0);
			strbuf_addf(sb, "@@ -%d,%d +%d,%d @@\n", old_start, old_n, new_start, new_n);
			strbuf_add(sb, body.buf, body.len);
			delta += new_n - old_n;
			changes += hunk_changes;
		}
		strbuf_free(&body);
	}
	return changes;
}

static int apply_patch(git_repository *repo, const struct strbuf *patch, git_apply_location_t where)
{
	git_diff *diff = NULL;
	int rc = 0;

	if (git_diff_from_buffer(&diff, patch->buf, patch->len) < 0) {
		rc = rwb_fail(RWB_EINTERNAL, "cannot read the patch rwb built: %s", lg_msg());
		goto out;
	}
	if (git_apply(repo, diff, where, NULL) < 0)
		rc = rwb_fail(RWB_EIO, "the patch does not apply: %s", lg_msg());
out:
	git_diff_free(diff);
	return rc;
}

static int check_pick(const struct gitw_diff *d, const char *path, const struct gitw_pick *pick,
		      const char *which)
{
	if (d->nfiles == 0)
		return rwb_fail(RWB_EINPUT, "%s has no %s changes", path, which);
	if (d->nfiles > 1 || strcmp(d->files[0].new_path, path) != 0)
		return rwb_fail(RWB_EINPUT, "%s names more than one file: give one file's path", path);
	if (d->files[0].binary)
		return rwb_fail(RWB_EINPUT, "%s is binary: stage or unstage the whole file", path);
	if (pick->hunk && (size_t)pick->hunk > d->files[0].nhunks)
		return rwb_fail(RWB_EINPUT, "%s has %zu %s hunk%s; hunks count from 1", path,
				d->files[0].nhunks, which, d->files[0].nhunks == 1 ? "" : "s");
	return 0;
}

static int partial(struct gitw *g, const char *path, const struct gitw_pick *pick, bool unstage,
		   git_apply_location_t where)
{
	struct gitw_diff *d = NULL;
	struct strbuf patch = STRBUF_INIT;
	const char *which = unstage ? "staged" : "unstaged";
	int rc;

	rc = gitw_diff(&d, g, unstage ? GITW_DIFF_STAGED : GITW_DIFF_UNSTAGED, NULL, path);
	if (rc)
		goto out;
	if ((rc = check_pick(d, path, pick, which)) != 0)
		goto out;
	if (build_patch(&patch, d, pick, unstage) == 0) {
		rc = rwb_fail(RWB_EINPUT, "no %s changes of %s in lines %d-%d", which, path, pick->lo,
			      pick->hi);
		goto out;
	}
	rc = apply_patch(g->repo, &patch, where);
out:
	strbuf_free(&patch);
	gitw_diff_free(d);
	return rc;
}

static int bare_check(struct gitw *g)
{
	if (git_repository_is_bare(g->repo))
		return rwb_fail(RWB_EINPUT, "the repository is bare: it has no work tree to stage from");
	return 0;
}

int gitw_stage(struct gitw *g, const char *path, const struct gitw_pick *pick)
{
	git_index *idx = NULL;
	char full[4096];
	struct stat st;
	unsigned flags = 0;
	int rc;

	if ((rc = bare_check(g)) != 0)
		return rc;
	if (pick && (pick->hunk || pick->lo)) {
		if (git_status_file(&flags, g->repo, path) == 0 && (flags & GIT_STATUS_WT_NEW))
			return rwb_fail(RWB_EINPUT, "%s is untracked: stage the whole file first", path);
		return partial(g, path, pick, false, GIT_APPLY_LOCATION_INDEX);
	}
	if (git_repository_index(&idx, g->repo) < 0)
		return rwb_fail(RWB_EIO, "cannot read the index: %s", lg_msg());
	snprintf(full, sizeof(full), "%s%s", gitw_workdir(g), path);
	if (lstat(full, &st) == 0)
		rc = git_index_add_bypath(idx, path);
	else if (git_index_get_bypath(idx, path, 0) || git_index_get_bypath(idx, path, 1) ||
		 git_index_get_bypath(idx, path, 2))
		rc = git_index_remove_bypath(idx, path);
	else
		rc = GIT_ENOTFOUND;
	if (rc == GIT_ENOTFOUND)
		rc = rwb_fail(RWB_ENOTFOUND, "%s is neither in the work tree nor in the index", path);
	else if (rc < 0 || git_index_write(idx) < 0)
		rc = rwb_fail(RWB_EIO, "cannot stage %s: %s", path, lg_msg());
	git_index_free(idx);
	return rc;
}

int gitw_unstage(struct gitw *g, const char *path, const struct gitw_pick *pick)
{
	git_object *head = NULL;
	char *pathv[1] = { (char *)path };
	git_strarray ps = { pathv, 1 };
	int rc;

	if ((rc = bare_check(g)) != 0)
		return rc;
	if (pick && (pick->hunk || pick->lo))
		return partial(g, path, pick, true, GIT_APPLY_LOCATION_INDEX);
	rc = git_revparse_single(&head, g->repo, "HEAD");
	if (rc < 0 && rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH)
		return rwb_fail(RWB_EIO, "cannot read HEAD: %s", lg_msg());
	if (git_reset_default(g->repo, head, &ps) < 0)
		rc = rwb_fail(RWB_EIO, "cannot unstage %s: %s", path, lg_msg());
	else
		rc = 0;
	git_object_free(head);
	return rc;
}

int gitw_discard_hunk(struct gitw *g, const char *path, int hunk)
{
	struct gitw_diff *d = NULL;
	struct strbuf patch = STRBUF_INIT;
	struct gitw_pick pick = { .hunk = hunk };
	int rc;

	if ((rc = bare_check(g)) != 0)
		return rc;
	if ((rc = gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, path)) != 0)
		goto out;
	if ((rc = check_pick(d, path, &pick, "unstaged")) != 0)
		goto out;
	build_patch(&patch, d, &pick, true);
	rc = apply_patch(g->repo, &patch, GIT_APPLY_LOCATION_WORKDIR);
out:
	strbuf_free(&patch);
	gitw_diff_free(d);
	return rc;
}

/* ---- commits ---- */

static int collect_merge_head(const git_oid *oid, void *payload)
{
	git_oid *parents = payload;
	for (int i = 1; i < 16; i++)
		if (git_oid_is_zero(&parents[i])) {
			git_oid_cpy(&parents[i], oid);
			return 0;
		}
	return 0;
}

int gitw_commit(char *oid_out, struct gitw *g, const char *message, bool amend)
{
	git_signature *sig = NULL;
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_commit *head = NULL;
	git_buf msg = { 0 };
	git_oid tree_oid, new_oid, parent_oids[16];
	const git_commit *parents[16];
	int nparents = 0, rc = 0;

	memset(parent_oids, 0, sizeof(parent_oids));
	if ((rc = bare_check(g)) != 0)
		return rc;
	if ((message || !amend) &&
	    (git_message_prettify(&msg, message ? message : "", 1, '#') < 0 || msg.size == 0)) {
		rc = rwb_fail(RWB_EINPUT, "the commit message is empty: give one with -m MSG");
		goto out;
	}
	rc = git_signature_default(&sig, g->repo);
	if (rc == GIT_ENOTFOUND) {
		rc = rwb_fail(RWB_EENV,
			      "no git identity: set user.name and user.email (git config --global user.name 'Your Name'; "
			      "git config --global user.email you@example.com)");
		goto out;
	}
	if (rc < 0) {
		rc = rwb_fail(RWB_EENV, "cannot read the git identity: %s", lg_msg());
		goto out;
	}
	if (git_repository_index(&idx, g->repo) < 0) {
		rc = rwb_fail(RWB_EIO, "cannot read the index: %s", lg_msg());
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		rc = rwb_fail(RWB_EINPUT, "there are unresolved conflicts: resolve and stage them first");
		goto out;
	}
	if (git_index_write_tree(&tree_oid, idx) < 0 || git_tree_lookup(&tree, g->repo, &tree_oid) < 0) {
		rc = rwb_fail(RWB_EIO, "cannot write the index as a tree: %s", lg_msg());
		goto out;
	}
	rc = git_revparse_single((git_object **)&head, g->repo, "HEAD^{commit}");
	if (rc < 0 && rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) {
		rc = rwb_fail(RWB_EIO, "cannot read HEAD: %s", lg_msg());
		goto out;
	}
	rc = 0;
	if (amend) {
		if (!head) {
			rc = rwb_fail(RWB_EINPUT, "there is no commit to amend yet");
			goto out;
		}
		if (git_commit_amend(&new_oid, head, "HEAD", NULL, sig, NULL, message ? msg.ptr : NULL, tree) < 0) {
			rc = rwb_fail(RWB_EIO, "cannot amend: %s", lg_msg());
			goto out;
		}
	} else {
		bool merging = git_repository_state(g->repo) == GIT_REPOSITORY_STATE_MERGE;
		if (!merging && ((head && git_oid_equal(git_commit_tree_id(head), &tree_oid)) ||
				 (!head && git_index_entrycount(idx) == 0))) {
			rc = rwb_fail(RWB_EINPUT,
				      "nothing to commit: the index equals HEAD (stage changes first, or use --amend)");
			goto out;
		}
		if (head)
			git_oid_cpy(&parent_oids[0], git_commit_id(head));
		if (merging)
			git_repository_mergehead_foreach(g->repo, collect_merge_head, parent_oids);
		for (int i = 0; i < 16 && !git_oid_is_zero(&parent_oids[i]); i++) {
			git_commit *c = NULL;
			if (i == 0 && head) {
				parents[nparents++] = head;
				continue;
			}
			if (git_commit_lookup(&c, g->repo, &parent_oids[i]) == 0)
				parents[nparents++] = c;
		}
		if (!head)
			nparents = 0;
		rc = git_commit_create(&new_oid, g->repo, "HEAD", sig, sig, NULL, msg.ptr, tree, (size_t)nparents,
				       parents);
		for (int i = 1; i < nparents; i++)
			git_commit_free((git_commit *)parents[i]);
		if (rc < 0) {
			rc = rwb_fail(RWB_EIO, "cannot commit: %s", lg_msg());
			goto out;
		}
		if (merging)
			git_repository_state_cleanup(g->repo);
	}
	git_oid_tostr(oid_out, GIT_OID_HEXSZ + 1, &new_oid);
out:
	git_buf_dispose(&msg);
	git_commit_free(head);
	git_tree_free(tree);
	git_index_free(idx);
	git_signature_free(sig);
	return rc;
}

/* ---- log ---- */

static bool touches(git_repository *repo, git_commit *c, const char *path)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_commit *parent = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	char *pathv[1] = { (char *)path };
	bool hit = false;

	opts.pathspec.strings = pathv;
	opts.pathspec.count = 1;
	if (git_commit_parentcount(c) > 0 && (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&a, parent) < 0))
		goto out;
	if (git_commit_tree(&b, c) < 0 || git_diff_tree_to_tree(&diff, repo, a, b, &opts) < 0)
		goto out;
	hit = git_diff_num_deltas(diff) > 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(parent);
	return hit;
}

int gitw_commit_header(char **out, struct gitw *g, const char *rev)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	const git_signature *a;
	struct strbuf sb = STRBUF_INIT;
	char oid[GIT_OID_HEXSZ + 1], date[64];
	const char *msg;
	struct tm tm;
	time_t t;
	int off;

	*out = NULL;
	if (git_revparse_single(&obj, g->repo, rev ? rev : "HEAD") < 0 ||
	    git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		return rwb_fail(RWB_EINPUT, "unknown commit '%s': give a hash, branch or tag", rev ? rev : "HEAD");
	}
	git_object_free(obj);
	git_oid_tostr(oid, sizeof(oid), git_commit_id(c));
	a = git_commit_author(c);
	off = a->when.offset;
	t = (time_t)a->when.time + (time_t)off * 60;
	gmtime_r(&t, &tm);
	{
		char wd[8], mon[8], hms[16];
		strftime(wd, sizeof(wd), "%a", &tm);
		strftime(mon, sizeof(mon), "%b", &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		snprintf(date, sizeof(date), "%s %s %d %s %d", wd, mon, tm.tm_mday, hms, tm.tm_year + 1900);
	}
	strbuf_addf(&sb, "commit %s\n", oid);
	if (git_commit_parentcount(c) > 1) {
		strbuf_adds(&sb, "Merge:");
		for (unsigned i = 0; i < git_commit_parentcount(c); i++) {
			char p[GIT_OID_HEXSZ + 1];
			git_oid_tostr(p, 8, git_commit_parent_id(c, i));
			strbuf_addf(&sb, " %s", p);
		}
		strbuf_addc(&sb, '\n');
	}
	strbuf_addf(&sb, "Author: %s <%s>\n", a->name ? a->name : "", a->email ? a->email : "");
	strbuf_addf(&sb, "Date:   %s %c%02d%02d\n\n", date, off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	msg = git_commit_message(c);
	for (const char *p = msg ? msg : ""; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		strbuf_adds(&sb, "    ");
		strbuf_add(&sb, p, n);
		strbuf_addc(&sb, '\n');
		p += n + (nl ? 1 : 0);
	}
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	git_commit_free(c);
	*out = strbuf_detach(&sb);
	return 0;
}

int gitw_log(struct gitw_log **out, struct gitw *g, int max, const char *path)
{
	git_revwalk *walk = NULL;
	struct gitw_log *log = xcalloc(1, sizeof(*log));
	git_oid oid;
	int cap = 0, rc;

	*out = NULL;
	if (git_revwalk_new(&walk, g->repo) < 0) {
		gitw_log_free(log);
		return rwb_fail(RWB_EIO, "cannot walk the history: %s", lg_msg());
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	rc = git_revwalk_push_head(walk);
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		git_revwalk_free(walk);
		*out = log; /* no commits yet: an empty log */
		return 0;
	}
	while (rc == 0 && (max <= 0 || log->n < max) && git_revwalk_next(&oid, walk) == 0) {
		git_commit *c = NULL;
		const git_signature *a;
		struct gitw_commit_info *ci;
		const char *sum;

		if (git_commit_lookup(&c, g->repo, &oid) < 0)
			continue;
		if (path && *path && !touches(g->repo, c, path)) {
			git_commit_free(c);
			continue;
		}
		if (log->n == cap) {
			cap = cap ? cap * 2 : 64;
			log->commits = xrealloc(log->commits, (size_t)cap * sizeof(*ci));
		}
		ci = &log->commits[log->n++];
		git_oid_tostr(ci->oid, sizeof(ci->oid), &oid);
		a = git_commit_author(c);
		ci->time = a->when.time;
		ci->tz_minutes = a->when.offset;
		ci->author = xstrdup(a->name ? a->name : "");
		ci->email = xstrdup(a->email ? a->email : "");
		sum = git_commit_summary(c);
		ci->summary = xstrdup(sum ? sum : "");
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	*out = log;
	return 0;
}

void gitw_log_free(struct gitw_log *log)
{
	if (!log)
		return;
	for (int i = 0; i < log->n; i++) {
		free(log->commits[i].author);
		free(log->commits[i].email);
		free(log->commits[i].summary);
	}
	free(log->commits);
	free(log);
}

/* ---- push ---- */

struct push_state {
	int attempts;            /* credential callback calls (to stop retry loops) */
	char rejected[512];      /* a ref the remote refused, with its reason */
	struct gitcred *cred;    /* owned: the helpers for the URL (NULL: local remote) */
	bool cred_given;         /* a helper's credential was handed to libgit2 */
	bool cred_refused;       /* ... and the remote asked again: it was refused */
};

/*
 * ssh: the agent. https: git's credential helpers (gitcred.h), then the
 * platform's default credentials (NTLM/Negotiate). libgit2 calls back
 * again when the remote refused what it got: then the helpers are told to
 * erase it (as git does) and the push stops after 3 tries.
 */
static int push_credentials(git_credential **out, const char *url, const char *user_from_url,
			    unsigned int allowed, void *payload)
{
	struct push_state *ps = payload;

	(void)url;
	if (ps->cred_given && !ps->cred_refused) {
		ps->cred_refused = true;
		gitcred_reject(ps->cred);
	}
	if (++ps->attempts > 3 || ps->cred_refused)
		return GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out, user_from_url ? user_from_url : "git");
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && ps->cred && gitcred_fill(ps->cred) == 0 &&
	    git_credential_userpass_plaintext_new(out, ps->cred->username, ps->cred->password) == 0) {
		ps->cred_given = true;
		return 0;
	}
	if (allowed & GIT_CREDENTIAL_DEFAULT)
		return git_credential_default_new(out);
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user_from_url ? user_from_url : "git");
	return GIT_PASSTHROUGH;
}

static int push_update(const char *refname, const char *status, void *payload)
{
	struct push_state *ps = payload;
	if (status && !ps->rejected[0])
		snprintf(ps->rejected, sizeof(ps->rejected), "%s: %s", refname, status);
	return 0;
}

int gitw_push(char *summary_out, size_t summary_len, struct gitw *g, const char *remote,
	      const char *branch)
{
	git_push_options opts = GIT_PUSH_OPTIONS_INIT;
	git_remote *rem = NULL;
	git_reference *head = NULL;
	git_buf upname = { 0 };
	struct push_state ps = { 0 };
	git_config *cfg = NULL;
	git_remote_create_options ropts = GIT_REMOTE_CREATE_OPTIONS_INIT;
	const char *url = NULL;
	char refspec[1024], key[700], *name = NULL, *rname = NULL, *push_url = NULL;
	char *specs[1] = { refspec };
	git_strarray arr = { specs, 1 };
	int rc = 0;

	if (!branch) {
		if (git_repository_head(&head, g->repo) < 0 || !git_reference_is_branch(head)) {
			rc = rwb_fail(RWB_EINPUT, "HEAD is not on a branch (detached or no commits): name a branch to push");
			goto out;
		}
		name = xstrdup(git_reference_shorthand(head));
	} else {
		name = xstrdup(branch);
	}
	if (remote) {
		rname = xstrdup(remote);
	} else {
		char ref[600];
		snprintf(ref, sizeof(ref), "refs/heads/%s", name);
		rname = xstrdup(git_branch_upstream_remote(&upname, g->repo, ref) == 0 ? upname.ptr : "origin");
	}
	/*
	 * The remote's URL straight from the config and an anonymous remote:
	 * git_remote_lookup in libgit2 1.5 leaks pcre2 match data (its config
	 * regex iteration), and so does the url.*.insteadOf lookup of every
	 * remote it creates. rwb applies insteadOf / pushInsteadOf itself
	 * (gitcred_rewrite_url, git's rules: an explicit pushurl gets only
	 * insteadOf; a url used for pushing tries pushInsteadOf first). The
	 * tracking ref is updated below, as git does.
	 */
	if (git_repository_config_snapshot(&cfg, g->repo) < 0) {
		rc = rwb_fail(RWB_EIO, "cannot read the git config: %s", lg_msg());
		goto out;
	}
	snprintf(key, sizeof(key), "remote.%s.pushurl", rname);
	if (git_config_get_string(&url, cfg, key) == 0) {
		push_url = gitcred_rewrite_url(cfg, url, false);
	} else {
		snprintf(key, sizeof(key), "remote.%s.url", rname);
		if (git_config_get_string(&url, cfg, key) < 0) {
			rc = rwb_fail(RWB_EINPUT, "no remote named '%s' (add one with git remote add)", rname);
			goto out;
		}
		push_url = gitcred_rewrite_url(cfg, url, true);
	}
	url = push_url;
	if (gitcred_new(&ps.cred, cfg, url) != 0)
		ps.cred = NULL; /* a local path or file:// URL: no credential */
	ropts.repository = g->repo;
	ropts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(&rem, url, &ropts) < 0) {
		rc = rwb_fail(RWB_EINPUT, "bad URL for remote '%s': %s", rname, lg_msg());
		goto out;
	}
	snprintf(refspec, sizeof(refspec), "refs/heads/%s:refs/heads/%s", name, name);
	{
		git_reference *r = NULL;
		char ref[600];
		snprintf(ref, sizeof(ref), "refs/heads/%s", name);
		if (git_reference_lookup(&r, g->repo, ref) < 0) {
			rc = rwb_fail(RWB_EINPUT, "no local branch named '%s'", name);
			goto out;
		}
		git_reference_free(r);
	}
	opts.callbacks.credentials = push_credentials;
	opts.callbacks.push_update_reference = push_update;
	opts.callbacks.payload = &ps;
	if (git_remote_push(rem, &arr, &opts) < 0) {
		if (ps.cred_given && !ps.cred_refused && git_error_last() &&
		    git_error_last()->klass == GIT_ERROR_HTTP && strstr(lg_msg(), "auth"))
			gitcred_reject(ps.cred);
		rc = rwb_fail(RWB_EIO, "push to %s failed: %s", rname, lg_msg());
		goto out;
	}
	if (ps.cred_given && !ps.cred_refused)
		gitcred_approve(ps.cred); /* it was accepted: let the helpers keep it */
	if (ps.rejected[0]) {
		rc = rwb_fail(RWB_EFAILED, "the remote %s refused %s (pull and merge first?)", rname,
			      ps.rejected);
		goto out;
	}
	{
		/* refs/remotes/REMOTE/BRANCH now names what the remote has */
		git_reference *local = NULL, *track = NULL;
		char ref[600], tref[700];
		snprintf(ref, sizeof(ref), "refs/heads/%s", name);
		snprintf(tref, sizeof(tref), "refs/remotes/%s/%s", rname, name);
		if (git_reference_lookup(&local, g->repo, ref) == 0 && git_reference_target(local))
			git_reference_create(&track, g->repo, tref, git_reference_target(local), 1, "rwb push");
		git_reference_free(track);
		git_reference_free(local);
	}
	{
		/* the URL without "user:secret@", as git shows it */
		const char *sep = strstr(url, "://"), *at = sep ? strchr(sep + 3, '@') : NULL;
		const char *slash = sep ? strchr(sep + 3, '/') : NULL;
		if (at && (!slash || at < slash))
			snprintf(summary_out, summary_len, "%s -> %s (%.*s%s)", name, rname, (int)(sep + 3 - url), url,
				 at + 1);
		else
			snprintf(summary_out, summary_len, "%s -> %s (%s)", name, rname, url);
	}
out:
	gitcred_free(ps.cred);
	free(push_url);
	free(name);
	free(rname);
	git_buf_dispose(&upname);
	git_reference_free(head);
	git_remote_free(rem);
	git_config_free(cfg);
	return rc;
}

/* ---- for focus, the audit walk and completion ---- */

int gitw_open_here(struct gitw **out, const char *path)
{
	git_repository *repo = NULL;

	*out = NULL;
	init_once();
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return rwb_fail(RWB_ENOTREPO, "%s is not the top of a git work tree", path);
	*out = xcalloc(1, sizeof(**out));
	(*out)->repo = repo;
	return 0;
}

bool gitw_ignored(struct gitw *g, const char *rel, bool is_dir)
{
	int ign = 0;

	if (is_dir) {
		char *d = xasprintf("%s/", rel);
		git_ignore_path_is_ignored(&ign, g->repo, d);
		free(d);
	} else {
		git_ignore_path_is_ignored(&ign, g->repo, rel);
	}
	return ign == 1;
}

int gitw_head_tree_hex(char hex[41], struct gitw *g)
{
	git_oid head;
	git_commit *c = NULL;

	hex[0] = '\0';
	if (git_reference_name_to_id(&head, g->repo, "HEAD") != 0 || git_commit_lookup(&c, g->repo, &head) != 0)
		return RWB_ENOTFOUND;
	git_oid_tostr(hex, 41, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

int gitw_changes(struct gitw_change **out, size_t *n, struct gitw *g)
{
	git_status_list *status = NULL;
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&status, g->repo, &so) != 0)
		return rwb_fail(RWB_EIO, "cannot read the repository's status: %s", lg_msg());
	for (size_t i = 0; i < git_status_list_entrycount(status); i++) {
		const git_status_entry *e = git_status_byindex(status, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		const char *path;
		if (!d || e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED))
			continue;
		path = d->new_file.path ? d->new_file.path : d->old_file.path;
		*out = grow(*out, &cap, *n + 1, sizeof(**out));
		(*out)[*n].path = xstrdup(path);
		(*out)[*n].old_path = d->old_file.path && strcmp(d->old_file.path, path) != 0 ?
				      xstrdup(d->old_file.path) : NULL;
		(*n)++;
	}
	git_status_list_free(status);
	return 0;
}

void gitw_changes_free(struct gitw_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].old_path);
	}
	free(c);
}

static int lookup_tree_hex(git_tree **out, struct gitw *g, const char *hex)
{
	git_oid oid;

	*out = NULL;
	if (git_oid_fromstr(&oid, hex) != 0 || git_tree_lookup(out, g->repo, &oid) != 0)
		return RWB_ENOTFOUND;
	return 0;
}

struct path_list {
	char **v;
	size_t n, cap;
};

static int collect_delta_paths(const git_diff_delta *d, float progress, void *payload)
{
	struct path_list *pl = payload;

	(void)progress;
	pl->v = grow(pl->v, &pl->cap, pl->n + 2, sizeof(*pl->v));
	if (d->old_file.path)
		pl->v[pl->n++] = xstrdup(d->old_file.path);
	if (d->new_file.path && (!d->old_file.path || strcmp(d->old_file.path, d->new_file.path) != 0))
		pl->v[pl->n++] = xstrdup(d->new_file.path);
	return 0;
}

int gitw_tree_workdir_paths(char ***out, size_t *n, struct gitw *g, const char *tree_hex)
{
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts = GIT_DIFF_OPTIONS_INIT;
	struct path_list pl = { 0 };

	*out = NULL;
	*n = 0;
	if (tree_hex && lookup_tree_hex(&tree, g, tree_hex) != 0)
		return rwb_fail(RWB_ENOTFOUND, "tree %s is not in the repository", tree_hex);
	dopts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (git_diff_tree_to_workdir(&diff, g->repo, tree, &dopts) != 0) {
		git_tree_free(tree);
		return rwb_fail(RWB_EIO, "cannot diff the work tree: %s", lg_msg());
	}
	git_diff_foreach(diff, collect_delta_paths, NULL, NULL, NULL, &pl);
	git_diff_free(diff);
	git_tree_free(tree);
	*out = pl.v;
	*n = pl.n;
	return 0;
}

int gitw_tree_file(char **buf, size_t *len, struct gitw *g, const char *tree_hex, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	int rc = RWB_ENOTFOUND;

	*buf = NULL;
	*len = 0;
	if (lookup_tree_hex(&tree, g, tree_hex) != 0)
		return RWB_ENOTFOUND;
	if (git_tree_entry_bypath(&te, tree, path) == 0 && git_tree_entry_type(te) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(&blob, g->repo, git_tree_entry_id(te)) == 0) {
		*len = (size_t)git_blob_rawsize(blob);
		*buf = xmalloc(*len + 1);
		if (*len)
			memcpy(*buf, git_blob_rawcontent(blob), *len);
		(*buf)[*len] = '\0';
		rc = 0;
	}
	git_blob_free(blob);
	git_tree_entry_free(te);
	git_tree_free(tree);
	return rc;
}

struct change_counts {
	int hunks, added, removed;
};

static int count_hunk(const git_diff_delta *d, const git_diff_hunk *h, void *payload)
{
	(void)d;
	(void)h;
	((struct change_counts *)payload)->hunks++;
	return 0;
}

static int count_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l, void *payload)
{
	struct change_counts *c = payload;

	(void)d;
	(void)h;
	if (l->origin == GIT_DIFF_LINE_ADDITION)
		c->added++;
	else if (l->origin == GIT_DIFF_LINE_DELETION)
		c->removed++;
	return 0;
}

void gitw_count_changes(int *hunks, int *added, int *removed, const char *old, size_t oldlen,
			const char *cur, size_t curlen, const char *path)
{
	struct change_counts c = { 0 };

	init_once();
	git_diff_buffers(old, oldlen, path, cur, curlen, path, NULL, NULL, NULL, count_hunk, count_line, &c);
	*hunks = c.hunks;
	*added = c.added;
	*removed = c.removed;
}

void gitw_each_ref_name(struct gitw *g, void (*cb)(const char *name, void *data), void *data)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_config *cfg = NULL;
	git_config_iterator *cit = NULL;

	if (git_reference_iterator_new(&it, g->repo) == 0) {
		while (git_reference_next(&ref, it) == 0) {
			const char *name = git_reference_name(ref);
			if (strncmp(name, "refs/heads/", 11) == 0 || strncmp(name, "refs/tags/", 10) == 0 ||
			    strncmp(name, "refs/remotes/", 13) == 0) {
				const char *shorthand = git_reference_shorthand(ref);
				size_t n = strlen(shorthand);
				/* origin/HEAD is a pointer, not a branch to offer */
				if (!(n >= 5 && strcmp(shorthand + n - 5, "/HEAD") == 0))
					cb(shorthand, data);
			}
			git_reference_free(ref);
		}
	}
	/* remote names from remote.NAME.url (git_remote_list's regex leaks
	 * pcre2 match data in libgit2 1.5, libgit2 PR #6382) */
	if (git_repository_config_snapshot(&cfg, g->repo) == 0 && git_config_iterator_new(&cit, cfg) == 0) {
		git_config_entry *e;
		while (git_config_next(&e, cit) == 0) {
			size_t n = strlen(e->name);
			if (n > 11 && strncmp(e->name, "remote.", 7) == 0 && strcmp(e->name + n - 4, ".url") == 0) {
				char *name = xstrndup(e->name + 7, n - 11);
				cb(name, data);
				free(name);
			}
		}
	}
	git_config_iterator_free(cit);
	git_config_free(cfg);
	git_reference_iterator_free(it);
}

char *gitw_config_string(const char *repo_path, const char *key)
{
	git_repository *r = NULL;
	git_config *cfg = NULL, *snap = NULL;
	const char *v = NULL;
	char *value = NULL;

	init_once();
	if (repo_path && git_repository_open_ext(&r, repo_path, 0, NULL) == 0) {
		if (git_repository_config_snapshot(&snap, r) == 0 && git_config_get_string(&v, snap, key) == 0 &&
		    v && *v)
			value = xstrdup(v);
	} else if (git_config_open_default(&cfg) == 0 && git_config_snapshot(&snap, cfg) == 0 &&
		   git_config_get_string(&v, snap, key) == 0 && v && *v) {
		value = xstrdup(v);
	}
	git_config_free(snap);
	git_config_free(cfg);
	git_repository_free(r);
	return value;
}

void gitw_branch_label(const char *dir, char *buf, size_t n)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	int rc;

	if (n)
		buf[0] = '\0';
	init_once();
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
