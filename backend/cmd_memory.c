/*
 * cmd_memory.c - the memory (pattern store) commands: thin wrappers that
 * turn flags into memory.h calls and answers into cli.md's JSON shapes.
 *
 * Never: write a partial export file (it goes to F.tmp and is renamed) or
 * change the store when a flag or file is bad.
 */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"
#include "error.h"
#include "memory.h"
#include "memshare.h"
#include "store.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LAYERS "short_term|mid_term|long_term"

/* Reads a file of at most MEMORY_MAX_VALUE bytes. */
static int read_value_file(struct cmd_ctx *ctx, const char *path, char **out, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t n;

	*out = NULL;
	if (!f)
		return cmd_fail(ctx, RWB_EINPUT, "cannot read %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return cmd_fail(ctx, RWB_EINPUT, "%s is a folder; give a file", path);
	}
	*out = xmalloc(max + 2);
	n = fread(*out, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		free(*out);
		*out = NULL;
		return cmd_fail(ctx, RWB_EINPUT, "%s is larger than %zu bytes (the most accepted)", path, max);
	}
	(*out)[n] = 0;
	if (strlen(*out) != n) {
		free(*out);
		*out = NULL;
		return cmd_fail(ctx, RWB_EINPUT, "%s contains NUL bytes; only text can be stored", path);
	}
	*len = n;
	return RWB_OK;
}

static int run_store(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *value = cmd_arg(a, "value"), *file = cmd_arg(a, "file");
	char *content = NULL, when[40];
	struct memory_entry e;
	size_t len = 0;
	int rc;

	if ((value && file) || (!value && !file))
		return cmd_fail(ctx, RWB_EUSAGE, "give exactly one of --value TEXT or --file F");
	if (file) {
		rc = read_value_file(ctx, file, &content, MEMORY_MAX_VALUE, &len);
		if (rc)
			return rc;
		value = content;
	}
	struct memory_input in = {
		.key = cmd_arg(a, "key"), .value = value, .layer = cmd_arg(a, "layer"),
		.category = cmd_arg(a, "category"), .project = cmd_arg(a, "project"),
		.intent = cmd_arg(a, "intent"), .tags = cmd_arg(a, "tags"),
		.agent = cmd_arg(a, "agent") ? cmd_arg(a, "agent") : getenv("RWB_AGENT"),
		.ns = cmd_arg(a, "namespace"),
		.expires_in_ms = cmd_arg_duration(a, "expires-in", 0) * 1000,
	};
	rc = memory_store(ctx->store, &e, &in);
	free(content);
	if (rc)
		return cmd_fail_last(ctx, rc);
	memory_iso_time(when, sizeof(when), e.created_at);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "key", e.key);
	cJSON_AddNumberToObject(ctx->result, "version", e.version);
	cJSON_AddStringToObject(ctx->result, "layer", e.layer);
	cJSON_AddStringToObject(ctx->result, "created_at", when);
	strbuf_addf(&ctx->out, "stored %s (version %d, %s)\n", e.key, e.version, e.layer);
	memory_entry_release(&e);
	return RWB_OK;
}

static int run_retrieve(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct memory_list l;
	cJSON *arr;
	int rc = memory_retrieve(ctx->store, &l, cmd_arg(a, "key"), true);

	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(ctx->result, "entries");
	for (int i = 0; i < l.n; i++) {
		cJSON_AddItemToArray(arr, memory_entry_json(&l.v[i]));
		strbuf_addf(&ctx->out, "== %s (v%d, %s)\n%s\n", l.v[i].key, l.v[i].version, l.v[i].layer,
			    l.v[i].value);
	}
	if (l.n == 0)
		strbuf_addf(&ctx->out, "no entry matches %s\n", cmd_arg(a, "key"));
	memory_list_release(&l);
	return RWB_OK;
}

static int run_search(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *mode = cmd_arg(a, "mode");
	struct memory_query q = {
		.text = cmd_arg(a, "query"), .limit = (int)cmd_arg_int(a, "limit", 10),
		.project = cmd_arg(a, "project"), .layer = cmd_arg(a, "layer"),
		.category = cmd_arg(a, "category"), .ns = cmd_arg(a, "namespace"), .agent = cmd_arg(a, "agent"),
		.mode = !mode || !strcmp(mode, "hybrid") ? MEMORY_HYBRID :
			!strcmp(mode, "fulltext") ? MEMORY_FULLTEXT : MEMORY_VECTOR,
	};
	struct memory_results r;
	struct timespec t0, t1;
	cJSON *arr;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = memory_search(ctx->store, &r, &q);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "mode", mode ? mode : "hybrid");
	/* the search alone, without starting the process and opening the store */
	cJSON_AddNumberToObject(ctx->result, "took_ms",
				(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (r.cut) {
		cJSON_AddNumberToObject(ctx->result, "terms_cut", r.cut);
		strbuf_addf(&ctx->out, "(the query's last %d terms were not searched for: at most %d are)\n", r.cut,
			    MEMORY_MAX_QUERY_TERMS);
	}
	arr = cJSON_AddArrayToObject(ctx->result, "results");
	for (int i = 0; i < r.n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", r.v[i].e.key);
		cJSON_AddNumberToObject(o, "score", r.v[i].score);
		cJSON_AddStringToObject(o, "snippet", r.v[i].snippet);
		cJSON_AddStringToObject(o, "layer", r.v[i].e.layer);
		cJSON_AddStringToObject(o, "category", r.v[i].e.category);
		cJSON_AddStringToObject(o, "project", r.v[i].e.project);
		cJSON_AddNumberToObject(o, "version", r.v[i].e.version);
		if (r.v[i].fts_rank)
			cJSON_AddNumberToObject(o, "fulltext_rank", r.v[i].fts_rank);
		if (r.v[i].vec_rank)
			cJSON_AddNumberToObject(o, "vector_rank", r.v[i].vec_rank);
		cJSON_AddItemToArray(arr, o);
		strbuf_addf(&ctx->out, "%2d. %-50s %.4f  %s\n", i + 1, r.v[i].e.key, r.v[i].score, r.v[i].snippet);
	}
	if (r.n == 0)
		strbuf_adds(&ctx->out, "no results\n");
	memory_results_release(&r);
	return RWB_OK;
}

static int run_delete(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *key = cmd_arg(a, "key");
	int n = 0, rc = memory_delete_matching(ctx->store, &n, key);

	if (rc == RWB_ENOTFOUND)
		return cmd_fail(ctx, rc, "no entry %s \"%s\" (see /memory-retrieve --key '**')",
				strchr(key, '*') ? "matches" : "has the key", key);
	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "key", key);
	cJSON_AddBoolToObject(ctx->result, "deleted", true);
	cJSON_AddNumberToObject(ctx->result, "count", n);
	strbuf_addf(&ctx->out, "deleted %d %s matching %s (kept in history until /memory-purge)\n", n,
		    n == 1 ? "entry" : "entries", key);
	return RWB_OK;
}

/* The patterns file's path in the repository, its folder made. */
static char *share_path(struct cmd_ctx *ctx, int *rc)
{
	char *dir = xasprintf("%s/.rwb", ctx->repo);

	*rc = RWB_OK;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		*rc = cmd_fail(ctx, RWB_EIO, "cannot create %s: %s", dir, strerror(errno));
	free(dir);
	return *rc ? NULL : xasprintf("%s/%s", ctx->repo, MEMSHARE_PATH);
}

/* Makes sure .rwb/.gitattributes marks the patterns file merge=union, so
 * git merges two people's lines without conflicts. *added: it was written. */
static int share_attributes(struct cmd_ctx *ctx, bool *added)
{
	char *path = xasprintf("%s/%s", ctx->repo, MEMSHARE_ATTRIBUTES), line[512];
	FILE *f = fopen(path, "r");
	bool have = false;
	int rc = RWB_OK;

	*added = false;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		have |= !strcmp(line, MEMSHARE_ATTRIBUTE_LINE);
	}
	if (f)
		fclose(f);
	if (!have) {
		f = fopen(path, "a");
		if (!f || fprintf(f, "%s\n", MEMSHARE_ATTRIBUTE_LINE) < 0 || fclose(f) != 0)
			rc = cmd_fail(ctx, RWB_EIO, "cannot write %s: %s", path, strerror(errno));
		else
			*added = true;
	}
	free(path);
	return rc;
}

static int write_file_atomic(struct cmd_ctx *ctx, const char *file, const char *text)
{
	char *tmp = xasprintf("%s.tmp", file);
	FILE *f = fopen(tmp, "w");
	int rc = RWB_OK;

	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, file) != 0) {
		rc = cmd_fail(ctx, RWB_EIO, "cannot write %s: %s", file, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

static int entry_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct memory_entry *)a)->key, ((const struct memory_entry *)b)->key);
}

/*
 * A patterns file already there (teammates' lines not imported yet) is never
 * lost by an export: its versions and the store's are merged by the merge
 * rule (an export that follows an import writes what it read, plus the
 * store's own). *kept: keys only the file had; *nv: lines now.
 */
static int share_keep_file(struct cmd_ctx *ctx, const char *file, char **text, int *kept, int *nv)
{
	struct memory_list old, mine;
	char *buf = NULL, *merged = NULL;
	size_t len = 0;
	int rc;

	*kept = 0;
	if (access(file, F_OK) != 0)
		return RWB_OK;
	if ((rc = read_value_file(ctx, file, &buf, (size_t)1 << 31, &len)))
		return rc;
	if (len == 0) {
		free(buf);
		return RWB_OK;
	}
	rc = memshare_parse(&old, buf, len);
	free(buf);
	if (rc)
		return cmd_fail(ctx, rc, "%s: %s; it is not overwritten (fix it or move it away, then export again)", file,
				rwb_last_error());
	if ((rc = memshare_parse(&mine, *text, strlen(*text)))) {
		memory_list_release(&old);
		return cmd_fail_last(ctx, rc);
	}
	/* both by key (the export is sorted): keys only the file has */
	qsort(old.v, (size_t)old.n, sizeof(*old.v), entry_key_cmp);
	for (int i = 0, k = 0; i < old.n; i++) {
		while (k < mine.n && strcmp(mine.v[k].key, old.v[i].key) < 0)
			k++;
		if ((k == mine.n || strcmp(mine.v[k].key, old.v[i].key) != 0) &&
		    (i == 0 || strcmp(old.v[i - 1].key, old.v[i].key) != 0))
			(*kept)++;
	}
	mine.v = xrealloc(mine.v, ((size_t)mine.n + (size_t)old.n + 1) * sizeof(*mine.v));
	memcpy(mine.v + mine.n, old.v, (size_t)old.n * sizeof(*old.v));
	mine.n += old.n;
	free(old.v);
	memshare_merge_all(&mine);
	rc = memshare_format(&merged, &mine);
	memory_list_release(&mine);
	if (rc)
		return cmd_fail_last(ctx, rc);
	free(*text);
	*text = merged;
	*nv = 0;
	for (const char *p = merged; (p = strchr(p, '\n')); p++)
		(*nv)++;
	(*nv)--;  /* the header */
	return RWB_OK;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

static int run_export(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *format = cmd_arg(a, "format");
	char *file = cmd_arg(a, "file") ? xstrdup(cmd_arg(a, "file")) : NULL, *text = NULL;
	struct memory_filter f = {
		.pattern = cmd_arg(a, "key"), .ns = cmd_arg(a, "namespace"), .layer = cmd_arg(a, "layer"),
		.tags = cmd_arg(a, "tag"),
	};
	bool lines = format ? !strcmp(format, "lines") : !file || ends_with(file, ".jsonl"), attr = false;
	int n = 0, nv = 0, kept = 0, rc;

	if (!file) {
		file = share_path(ctx, &rc);
		if (rc)
			return rc;
		if ((rc = share_attributes(ctx, &attr)))
			goto out;
	}
	if (lines)
		rc = memory_share_export(ctx->store, &text, &n, &nv, &f);
	else
		rc = memory_export_filtered(ctx->store, &text, &n, &f);
	if (rc) {
		rc = cmd_fail_last(ctx, rc);
		goto out;
	}
	if (lines && (rc = share_keep_file(ctx, file, &text, &kept, &nv)))
		goto out;
	if ((rc = write_file_atomic(ctx, file, text)))
		goto out;
	ctx->result = cJSON_CreateObject();
	cJSON_AddNumberToObject(ctx->result, "exported", n);
	cJSON_AddStringToObject(ctx->result, "file", file);
	cJSON_AddStringToObject(ctx->result, "format", lines ? "lines" : "json");
	if (lines) {
		cJSON_AddNumberToObject(ctx->result, "versions", nv);
		cJSON_AddNumberToObject(ctx->result, "kept", kept);
	}
	if (attr)
		cJSON_AddStringToObject(ctx->result, "gitattributes", MEMSHARE_ATTRIBUTE_LINE);
	if (lines)
		strbuf_addf(&ctx->out, "exported %d entries to %s (%d versions in the file)\n", n, file, nv);
	else
		strbuf_addf(&ctx->out, "exported %d entries to %s\n", n, file);
	if (kept)
		strbuf_addf(&ctx->out, "kept %d keys of the file this store does not have (/memory-import takes them)\n",
			    kept);
	if (attr)
		strbuf_addf(&ctx->out, "added \"%s\" to %s/%s: git merges teammates' lines without conflicts\n",
			    MEMSHARE_ATTRIBUTE_LINE, ctx->repo, MEMSHARE_ATTRIBUTES);
out:
	free(file);
	free(text);
	return rc;
}

static int run_import(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	char *file = cmd_arg(a, "file") ? xstrdup(cmd_arg(a, "file")) :
		     xasprintf("%s/%s", ctx->repo, MEMSHARE_PATH);
	char *text = NULL;
	size_t len = 0;
	int n = 0, rc = read_value_file(ctx, file, &text, (size_t)1 << 31, &len);
	struct memory_share_stats st;
	bool lines;

	if (rc)
		goto out;
	lines = memshare_detect(text, len);
	if (lines)
		rc = memory_share_import(ctx->store, &st, text, len);
	else
		rc = memory_import(ctx->store, &n, text, len);
	if (rc) {
		rc = cmd_fail(ctx, rc, "%s: %s; nothing was imported", file, rwb_last_error());
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	if (lines) {
		n = st.added + st.updated;
		cJSON_AddNumberToObject(ctx->result, "imported", n);
		cJSON_AddStringToObject(ctx->result, "file", file);
		cJSON_AddStringToObject(ctx->result, "format", "lines");
		cJSON_AddNumberToObject(ctx->result, "keys", st.keys);
		cJSON_AddNumberToObject(ctx->result, "versions", st.versions);
		cJSON_AddNumberToObject(ctx->result, "added", st.added);
		cJSON_AddNumberToObject(ctx->result, "updated", st.updated);
		cJSON_AddNumberToObject(ctx->result, "unchanged", st.unchanged);
		cJSON_AddNumberToObject(ctx->result, "expired", st.expired);
		strbuf_addf(&ctx->out, "%s: %d keys: %d added, %d updated, %d unchanged", file, st.keys, st.added,
			    st.updated, st.unchanged);
		if (st.expired)
			strbuf_addf(&ctx->out, ", %d expired (left as they were)", st.expired);
		strbuf_addc(&ctx->out, '\n');
	} else {
		cJSON_AddNumberToObject(ctx->result, "imported", n);
		cJSON_AddStringToObject(ctx->result, "file", file);
		cJSON_AddStringToObject(ctx->result, "format", "json");
		strbuf_addf(&ctx->out, "imported %d entries from %s\n", n, file);
	}
out:
	free(text);
	free(file);
	return rc;
}

static int run_purge(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int n = 0, rc = memory_purge(ctx->store, &n, cmd_arg_bool(a, "all"));

	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	cJSON_AddNumberToObject(ctx->result, "purged", n);
	strbuf_addf(&ctx->out, "purged %d entries\n", n);
	return RWB_OK;
}

static int run_history(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct memory_list l;
	cJSON *arr;
	const char *key = cmd_arg(a, "key");
	int rc = memory_history(ctx->store, &l, key);

	if (rc == RWB_ENOTFOUND)
		return cmd_fail(ctx, rc, "no entry has the key \"%s\"", key);
	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "key", key);
	arr = cJSON_AddArrayToObject(ctx->result, "versions");
	for (int i = 0; i < l.n; i++) {
		char when[40];
		cJSON_AddItemToArray(arr, memory_entry_json(&l.v[i]));
		memory_iso_time(when, sizeof(when), l.v[i].updated_at);
		strbuf_addf(&ctx->out, "v%-3d %s %s%s\n", l.v[i].version, when, l.v[i].layer,
			    l.v[i].deleted ? " (deleted)" : "");
	}
	memory_list_release(&l);
	return RWB_OK;
}

static int run_restore(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct memory_entry e;
	int rc = memory_restore(ctx->store, &e, cmd_arg(a, "key"), (int)cmd_arg_int(a, "version", 0));

	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "key", e.key);
	cJSON_AddNumberToObject(ctx->result, "version", e.version);
	cJSON_AddNumberToObject(ctx->result, "restored_from", cmd_arg_int(a, "version", 0));
	strbuf_addf(&ctx->out, "restored %s version %ld as version %d\n", e.key, cmd_arg_int(a, "version", 0),
		    e.version);
	memory_entry_release(&e);
	return RWB_OK;
}

static const struct cmd_flag store_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "K", .help = "NAMESPACE/PROJECT/DATA-TYPE",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_STR("value", "TEXT", "the value"),
	F_PATH("file", "F", "store this file's content as the value"),
	F_ENUM("layer", LAYERS, "retention layer (default mid_term)"),
	F_STR("category", "C", "category"),
	F_STR("project", "P", "project"),
	F_STR("intent", "I", "what the entry is for"),
	F_STR("tags", "a,b", "comma-separated tags"),
	F_STR("namespace", "NS", "namespace (its own field, searchable)"),
	F_STR("agent", "NAME", "who stored it (default $RWB_AGENT)"),
	F_DUR("expires-in", "DURATION", "expire after this long (overrides the layer's retention)"),
	F_END
};

static const struct cmd_flag key_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "PATTERN", .help = "key or glob (* one segment, ** any)",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_END
};

static const struct cmd_flag delete_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "K", .help = "the key (or glob: * one segment, ** any) to delete",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_END
};

static const struct cmd_flag search_flags[] = {
	{ .name = "query", .type = FLAG_STRING, .metavar = "TEXT", .help = "what to look for",
	  .flags = FLAGF_REQUIRED },
	F_INT("limit", "N", 1, 1000, "at most N results (default 10)"),
	F_ENUM("mode", "hybrid|fulltext|vector", "search mode (default hybrid)"),
	F_STR("project", "P", "only this project"),
	F_ENUM("layer", LAYERS, "only this layer"),
	F_STR("category", "C", "only this category"),
	F_STR("namespace", "NS", "only this namespace"),
	F_STR("agent", "NAME", "only entries stored by this agent"),
	F_END
};

static const struct cmd_flag export_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F",
	  .help = "the file to write (default " MEMSHARE_PATH " in the repo, for git)", .complete = COMPLETE_PATH },
	{ .name = "key", .type = FLAG_STRING, .metavar = "PATTERN", .help = "only keys matching (team/** for a prefix)",
	  .complete = COMPLETE_MEMKEY },
	F_STR("namespace", "NS", "only entries of this namespace"),
	F_ENUM("layer", LAYERS, "only entries of this layer"),
	F_STR("tag", "a,b", "only entries carrying one of these tags"),
	F_ENUM("format", "json|lines", "lines: one version a line, merged by git (default for .jsonl and no --file)"),
	F_END
};

static const struct cmd_flag import_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F",
	  .help = "the file to read (default " MEMSHARE_PATH " in the repo); its format is recognised",
	  .complete = COMPLETE_PATH },
	F_END
};

static const struct cmd_flag purge_flags[] = {
	F_BOOL("all", "also purge the history of live entries"),
	F_END
};

static const struct cmd_flag history_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "K", .help = "the entry",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_END
};

static const struct cmd_flag restore_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "K", .help = "the entry",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	{ .name = "version", .type = FLAG_INT, .metavar = "N", .help = "the version to bring back",
	  .min = 1, .max = 1000000000, .flags = FLAGF_REQUIRED },
	F_END
};

const struct cmd_def commands_memory[] = {
	{ .name = "memory-store", .group = "Memory",
	  .summary = "insert or update an entry (same key = new version, old kept)", .flags = store_flags, .run = run_store },
	{ .name = "memory-retrieve", .group = "Memory",
	  .summary = "entries whose key matches (* one segment, ** any)", .flags = key_flags, .run = run_retrieve },
	{ .name = "memory-search", .group = "Memory",
	  .summary = "ranked search: hybrid, full text (FTS5) or vector", .flags = search_flags, .run = run_search },
	{ .name = "memory-delete", .group = "Memory",
	  .summary = "delete an entry (kept in history until purged)", .flags = delete_flags, .run = run_delete },
	{ .name = "memory-export", .group = "Memory",
	  .summary = "write entries to a JSON file, or their versions to " MEMSHARE_PATH " for git",
	  .flags = export_flags, .run = run_export },
	{ .name = "memory-import", .group = "Memory",
	  .summary = "read entries from a JSON or patterns file (merging versions; all or nothing)",
	  .flags = import_flags, .run = run_import },
	{ .name = "memory-purge", .group = "Memory",
	  .summary = "remove deleted and expired entries for good", .flags = purge_flags, .run = run_purge },
	{ .name = "memory-history", .group = "Memory",
	  .summary = "every version of an entry, newest first", .flags = history_flags, .run = run_history },
	{ .name = "memory-restore", .group = "Memory",
	  .summary = "store an earlier version again as the newest", .flags = restore_flags, .run = run_restore },
	{ .name = NULL }
};
