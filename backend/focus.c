/*
 * focus.c - the baseline and the spread of a change (see focus.h).
 *
 * The baseline is the HEAD tree id plus a snapshot of every file that
 * differed from HEAD when the focus started (content, or "absent" for a
 * deletion). The old side of a file is that snapshot when there is one,
 * else its blob in the baseline tree, else nothing (a new file). The files
 * looked at are the union of the snapshot's paths and libgit2's diff of the
 * baseline tree against the work tree (untracked files included), so a
 * commit made during the focus does not hide what it changed. Git is
 * read through gitw.h only.
 */
#define _GNU_SOURCE
#include "focus.h"
#include "board.h"
#include "error.h"
#include "gitw.h"
#include "rustlex.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int focus_count_unsafe(const char *src, size_t len)
{
	struct rustlex lx;
	struct rust_token t;
	int n = 0;

	rustlex_init(&lx, src, len);
	while (rustlex_next(&lx, &t))
		if (t.kind == RUST_TOK_KEYWORD && t.len == 6 && memcmp(src + t.start, "unsafe", 6) == 0)
			n++;
	return n;
}

static int open_repo(struct gitw **repo, const char *path)
{
	if (gitw_open(repo, path) != 0)
		return rwb_fail(RWB_ENOTREPO, "%s is not in a git repository: /focus-start needs one "
				"(git init)", path);
	if (!gitw_workdir(*repo)) {
		gitw_free(*repo);
		*repo = NULL;
		return rwb_fail(RWB_ENOTREPO, "%s is a bare repository: focus needs a work tree", path);
	}
	return RWB_OK;
}

/* The work tree's path without the trailing slash (allocated). */
static char *workdir_of(struct gitw *repo)
{
	char *w = xstrdup(gitw_workdir(repo));
	size_t n = strlen(w);
	if (n > 1 && w[n - 1] == '/')
		w[n - 1] = '\0';
	return w;
}

/* Reads a work-tree file; false when it is absent (or not a file). */
static bool read_work(const char *workdir, const char *rel, char **buf, size_t *len)
{
	char *p = xasprintf("%s/%s", workdir, rel);
	struct stat st;
	FILE *fp;
	bool ok = false;

	*buf = NULL;
	*len = 0;
	if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && (fp = fopen(p, "rb"))) {
		size_t want = (size_t)st.st_size;
		*buf = xmalloc(want + 1);
		*len = fread(*buf, 1, want, fp);
		(*buf)[*len] = '\0';
		fclose(fp);
		ok = true;
	}
	free(p);
	return ok;
}

/* A focus path made relative to the work tree; NULL (and RWB_EINPUT in the
 * error channel) when it is missing or outside it. */
static char *relative_focus(const char *workdir, const char *repo_arg, const char *p)
{
	char *joined, real[PATH_MAX];
	size_t wl = strlen(workdir);

	if (p[0] == '/')
		joined = xstrdup(p);
	else
		joined = xasprintf("%s/%s", repo_arg, p);
	if (!realpath(joined, real)) {
		rwb_fail(RWB_EINPUT, "focus path %s does not exist (paths are relative to %s)", p, repo_arg);
		free(joined);
		return NULL;
	}
	free(joined);
	if (strcmp(real, workdir) == 0)
		return xstrdup("");
	if (strncmp(real, workdir, wl) != 0 || real[wl] != '/') {
		rwb_fail(RWB_EINPUT, "focus path %s is outside the repository %s", p, workdir);
		return NULL;
	}
	return xstrdup(real + wl + 1);
}

struct status_paths {
	char **v;
	size_t n;
};

static int focus_insert_file(struct store *s, int64_t id, const char *path, bool present, const char *buf,
			     size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "INSERT OR REPLACE INTO focus_files (baseline_id, path, present, content)"
					" VALUES (?, ?, ?, ?)")) != RWB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, present);
	if (present)
		sqlite3_bind_blob(st, 4, buf ? buf : "", (int)len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return rc;
}

int focus_start(struct store *s, int64_t *id, const char *repo_path, char *const paths[], int npaths)
{
	struct gitw *repo = NULL;
	struct gitw_change *changes = NULL;
	size_t nchanges = 0;
	char head_hex[41] = "";
	char *workdir = NULL, *paths_json = NULL;
	cJSON *arr = cJSON_CreateArray();
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = open_repo(&repo, repo_path)) != RWB_OK) {
		cJSON_Delete(arr);
		return rc;
	}
	workdir = workdir_of(repo);
	for (int i = 0; i < npaths; i++) {
		char *rel = relative_focus(workdir, repo_path, paths[i]);
		if (!rel) {
			rc = RWB_EINPUT;
			goto out;
		}
		cJSON_AddItemToArray(arr, cJSON_CreateString(rel));
		free(rel);
	}
	gitw_head_tree_hex(head_hex, repo);  /* "" when HEAD is unborn */
	if ((rc = gitw_changes(&changes, &nchanges, repo)) != RWB_OK)
		goto out;
	paths_json = cJSON_PrintUnformatted(arr);
	if ((rc = store_write_begin(s)) != RWB_OK)
		goto out;
	if ((rc = store_prepare(s, &st, "UPDATE focus_baselines SET active = 0 WHERE repo = ?")) != RWB_OK)
		goto rollback;
	sqlite3_bind_text(st, 1, workdir, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rc = store_prepare(s, &st, "INSERT INTO focus_baselines (repo, head, paths, created_at, active)"
					" VALUES (?, ?, ?, ?, 1)")) != RWB_OK)
		goto rollback;
	sqlite3_bind_text(st, 1, workdir, -1, SQLITE_TRANSIENT);
	if (head_hex[0])
		sqlite3_bind_text(st, 2, head_hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, paths_json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, store_now_ms());
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_error(s, sqlite3_errcode(s->db));
		sqlite3_finalize(st);
		goto rollback;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < nchanges; i++) {
		const char *path = changes[i].path;
		char *buf;
		size_t len;
		bool present;
		present = read_work(workdir, path, &buf, &len);
		if (present && len > FOCUS_MAX_CONTENT) {
			free(buf);
			buf = NULL;
			len = 0;
		}
		rc = focus_insert_file(s, *id, path, present, buf, len);
		free(buf);
		if (rc != RWB_OK)
			goto rollback;
		/* a rename's old path is gone from the work tree */
		if (changes[i].old_path &&
		    (rc = focus_insert_file(s, *id, changes[i].old_path, false, NULL, 0)) != RWB_OK)
			goto rollback;
	}
	rc = store_write_commit(s);
	goto out;
rollback:
	store_write_rollback(s);
out:
	gitw_changes_free(changes, nchanges);
	cJSON_Delete(arr);
	free(paths_json);
	free(workdir);
	gitw_free(repo);
	return rc;
}

/* ---------------------------------------------------------------- check */

struct baseline_file {
	char *path;              /* owned */
	bool present;
	char *content;           /* owned; NULL when absent */
	size_t len;
};

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct focus_file *)a)->path, ((const struct focus_file *)b)->path);
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void add_warning(struct focus_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_warning(struct focus_report *r, const char *fmt, ...)
{
	va_list ap;
	r->warnings = xrealloc(r->warnings, (size_t)(r->nwarnings + 1) * sizeof(*r->warnings));
	va_start(ap, fmt);
	r->warnings[r->nwarnings++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static long setting_long(struct store *s, const char *key, long dflt)
{
	char *v = NULL, *end;
	long x = dflt;

	if (store_setting_get(s, key, &v) == RWB_OK && v) {
		long y = strtol(v, &end, 10);
		if (end != v && *end == '\0' && y >= 0)
			x = y;
	}
	free(v);
	return x;
}

/* The active baseline of repo: id, tree hex, paths JSON, start time. */
static int load_baseline(struct store *s, const char *workdir, int64_t *id, char **tree, char **paths,
			 int64_t *at)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*tree = *paths = NULL;
	if ((rc = store_prepare(s, &st, "SELECT id, head, paths, created_at FROM focus_baselines"
					" WHERE repo = ? AND active = 1 ORDER BY id DESC LIMIT 1")) != RWB_OK)
		return rc;
	sqlite3_bind_text(st, 1, workdir, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			*tree = xstrdup((const char *)sqlite3_column_text(st, 1));
		*paths = xstrdup((const char *)sqlite3_column_text(st, 2));
		*at = sqlite3_column_int64(st, 3);
	} else {
		rc = RWB_ENOTFOUND;
	}
	sqlite3_finalize(st);
	return rc;
}

static int load_files(struct store *s, int64_t id, struct baseline_file **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, &st, "SELECT path, present, content FROM focus_files WHERE baseline_id = ?"
					" ORDER BY path")) != RWB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct baseline_file *f;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		f = &(*out)[(*n)++];
		f->path = xstrdup((const char *)sqlite3_column_text(st, 0));
		f->present = sqlite3_column_int(st, 1) != 0;
		f->len = (size_t)sqlite3_column_bytes(st, 2);
		f->content = NULL;
		if (f->present) {
			f->content = xmalloc(f->len + 1);
			if (f->len)
				memcpy(f->content, sqlite3_column_blob(st, 2), f->len);
			f->content[f->len] = '\0';
		}
	}
	sqlite3_finalize(st);
	return RWB_OK;
}

int focus_check(struct store *s, struct focus_report **out, const char *repo_path)
{
	struct gitw *repo = NULL;
	struct focus_report *r = NULL;
	struct baseline_file *bf = NULL;
	size_t nbf = 0;
	struct status_paths sp = { 0 };
	char *workdir = NULL, *tree_hex = NULL, *paths_json = NULL;
	cJSON *paths = NULL, *p;
	int rc;

	*out = NULL;
	if ((rc = open_repo(&repo, repo_path)) != RWB_OK)
		return rc;
	workdir = workdir_of(repo);
	r = xcalloc(1, sizeof(*r));
	rc = load_baseline(s, workdir, &r->baseline_id, &tree_hex, &paths_json, &r->started_at);
	if (rc == RWB_ENOTFOUND) {
		rwb_fail(rc, "no focus is active in %s: run /focus-start [PATH...] first", workdir);
		goto out;
	}
	if (rc != RWB_OK)
		goto out;
	paths = cJSON_Parse(paths_json);
	cJSON_ArrayForEach(p, paths) {
		if (!cJSON_IsString(p))
			continue;
		r->focus = xrealloc(r->focus, (size_t)(r->nfocus + 1) * sizeof(*r->focus));
		r->focus[r->nfocus++] = xstrdup(p->valuestring);
	}
	if ((rc = load_files(s, r->baseline_id, &bf, &nbf)) != RWB_OK)
		goto out;
	rc = gitw_tree_workdir_paths(&sp.v, &sp.n, repo, tree_hex);
	if (rc == RWB_ENOTFOUND)
		rwb_fail(rc, "the focus baseline's tree %s is gone from the repository: run /focus-start "
			 "again", tree_hex);
	if (rc != RWB_OK)
		goto out;
	for (size_t i = 0; i < nbf; i++) {
		sp.v = xrealloc(sp.v, (sp.n + 1) * sizeof(*sp.v));
		sp.v[sp.n++] = xstrdup(bf[i].path);
	}
	if (sp.n)
		qsort(sp.v, sp.n, sizeof(*sp.v), path_cmp);
	for (size_t i = 0; i < sp.n; i++) {
		const char *path = sp.v[i];
		const char *old = NULL;
		char *oldbuf = NULL, *cur = NULL;
		size_t oldlen = 0, curlen = 0;
		bool old_present = false, cur_present;
		struct baseline_file key = { .path = (char *)path }, *b = NULL;
		struct focus_file *ff;
		if (i > 0 && strcmp(path, sp.v[i - 1]) == 0)
			continue;
		for (size_t k = 0; k < nbf && !b; k++)
			if (strcmp(bf[k].path, key.path) == 0)
				b = &bf[k];
		if (b) {
			old_present = b->present;
			old = b->content;
			oldlen = b->len;
		} else if (tree_hex && gitw_tree_file(&oldbuf, &oldlen, repo, tree_hex, path) == RWB_OK) {
			old = oldbuf;
			old_present = true;
		}
		cur_present = read_work(workdir, path, &cur, &curlen);
		if (old_present == cur_present && (!cur_present || (oldlen == curlen && memcmp(old, cur, curlen) == 0))) {
			free(oldbuf);
			free(cur);
			continue;
		}
		r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
		ff = &r->files[r->nfiles++];
		memset(ff, 0, sizeof(*ff));
		ff->path = xstrdup(path);
		ff->change = !old_present ? "added" : !cur_present ? "deleted" : "modified";
		gitw_count_changes(&ff->hunks, &ff->added, &ff->removed, old_present ? old : NULL, oldlen,
				   cur_present ? cur : NULL, curlen, path);
		if (strlen(path) > 3 && strcmp(path + strlen(path) - 3, ".rs") == 0) {
			int before = old_present ? focus_count_unsafe(old, oldlen) : 0;
			int after = cur_present ? focus_count_unsafe(cur, curlen) : 0;
			ff->new_unsafe = after > before ? after - before : 0;
		}
		ff->outside = r->nfocus > 0;
		for (int k = 0; k < r->nfocus && ff->outside; k++)
			if (under(path, r->focus[k]))
				ff->outside = false;
		r->hunks += ff->hunks;
		r->added += ff->added;
		r->removed += ff->removed;
		r->new_unsafe += ff->new_unsafe;
		r->outside += ff->outside;
		free(oldbuf);
		free(cur);
	}
	if (r->nfiles)
		qsort(r->files, r->nfiles, sizeof(*r->files), file_cmp);
	{
		long max_files = setting_long(s, "focus.max_files", FOCUS_DEFAULT_MAX_FILES);
		long max_hunks = setting_long(s, "focus.max_hunks", FOCUS_DEFAULT_MAX_HUNKS);
		long max_lines = setting_long(s, "focus.max_lines", FOCUS_DEFAULT_MAX_LINES);
		if ((long)r->nfiles > max_files)
			add_warning(r, "%zu files changed, more than focus.max_files (%ld)", r->nfiles, max_files);
		if (r->hunks > max_hunks)
			add_warning(r, "%d hunks changed, more than focus.max_hunks (%ld)", r->hunks, max_hunks);
		if (r->added + r->removed > max_lines)
			add_warning(r, "%d lines changed, more than focus.max_lines (%ld)", r->added + r->removed,
				    max_lines);
		if (r->outside > 0)
			add_warning(r, "%d file%s changed outside the focus", r->outside, r->outside == 1 ? "" : "s");
		if (r->new_unsafe > 0)
			add_warning(r, "%d new unsafe item%s", r->new_unsafe, r->new_unsafe == 1 ? "" : "s");
	}
	*out = r;
	r = NULL;
	rc = RWB_OK;
out:
	for (size_t i = 0; i < sp.n; i++)
		free(sp.v[i]);
	free(sp.v);
	for (size_t i = 0; i < nbf; i++) {
		free(bf[i].path);
		free(bf[i].content);
	}
	free(bf);
	cJSON_Delete(paths);
	free(tree_hex);
	free(paths_json);
	free(workdir);
	focus_report_free(r);
	gitw_free(repo);
	return rc;
}

void focus_report_free(struct focus_report *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nfocus; i++)
		free(r->focus[i]);
	free(r->focus);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	for (int i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r);
}

cJSON *focus_report_json(const struct focus_report *r)
{
	cJSON *o = cJSON_CreateObject(), *files = cJSON_CreateArray(), *focus = cJSON_CreateArray(),
	      *outside = cJSON_CreateArray(), *warn = cJSON_CreateArray();

	cJSON_AddNumberToObject(o, "baseline", (double)r->baseline_id);
	cJSON_AddNumberToObject(o, "started_at", (double)r->started_at);
	for (int i = 0; i < r->nfocus; i++)
		cJSON_AddItemToArray(focus, cJSON_CreateString(r->focus[i]));
	cJSON_AddItemToObject(o, "focus", focus);
	cJSON_AddNumberToObject(o, "files_changed", (double)r->nfiles);
	cJSON_AddNumberToObject(o, "hunks", r->hunks);
	cJSON_AddNumberToObject(o, "lines_added", r->added);
	cJSON_AddNumberToObject(o, "lines_removed", r->removed);
	cJSON_AddNumberToObject(o, "lines_changed", r->added + r->removed);
	cJSON_AddNumberToObject(o, "new_unsafe", r->new_unsafe);
	for (size_t i = 0; i < r->nfiles; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "path", r->files[i].path);
		cJSON_AddStringToObject(f, "change", r->files[i].change);
		cJSON_AddNumberToObject(f, "hunks", r->files[i].hunks);
		cJSON_AddNumberToObject(f, "added", r->files[i].added);
		cJSON_AddNumberToObject(f, "removed", r->files[i].removed);
		cJSON_AddNumberToObject(f, "new_unsafe", r->files[i].new_unsafe);
		cJSON_AddBoolToObject(f, "outside", r->files[i].outside);
		cJSON_AddItemToArray(files, f);
		if (r->files[i].outside)
			cJSON_AddItemToArray(outside, cJSON_CreateString(r->files[i].path));
	}
	cJSON_AddItemToObject(o, "files", files);
	cJSON_AddItemToObject(o, "outside", outside);
	for (int i = 0; i < r->nwarnings; i++)
		cJSON_AddItemToArray(warn, cJSON_CreateString(r->warnings[i]));
	cJSON_AddItemToObject(o, "warnings", warn);
	return o;
}

char *focus_status(struct store *s, const char *repo_path)
{
	struct gitw *repo = NULL;
	char *workdir, *tree = NULL, *paths = NULL, *text = NULL;
	int64_t id, at;
	cJSON *arr;

	if (open_repo(&repo, repo_path) != RWB_OK)
		return NULL;
	workdir = workdir_of(repo);
	gitw_free(repo);
	if (load_baseline(s, workdir, &id, &tree, &paths, &at) == RWB_OK) {
		arr = cJSON_Parse(paths);
		if (cJSON_GetArraySize(arr) == 0)
			text = xstrdup("focus: whole repository");
		else if (cJSON_GetArraySize(arr) == 1 && cJSON_IsString(cJSON_GetArrayItem(arr, 0)))
			text = xasprintf("focus: %s", cJSON_GetArrayItem(arr, 0)->valuestring);
		else
			text = xasprintf("focus: %s +%d", cJSON_IsString(cJSON_GetArrayItem(arr, 0)) ?
				       cJSON_GetArrayItem(arr, 0)->valuestring : "?", cJSON_GetArraySize(arr) - 1);
		cJSON_Delete(arr);
	}
	free(tree);
	free(paths);
	free(workdir);
	return text;
}
