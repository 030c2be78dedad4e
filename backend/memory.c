/*
 * memory.c - the memory store (see memory.h): schema, writes with version
 * history, glob retrieval, search, export and import.
 *
 * Design: memory_entries holds the live row of every key (a soft-deleted
 * row keeps deleted_at); memory_versions holds every earlier content;
 * memory_fts is an external-content FTS5 index over live rows kept in step
 * by this file's code (fts_row), not by triggers: a trigger (or a foreign
 * key) makes every write a statement transaction, and FTS5 flushes its
 * pending index to a new segment at every statement savepoint, which made
 * an import five times slower. memory_vectors holds one int8 embedding per
 * live row, apart from the entries so the vector scan reads a small
 * contiguous table; for the same reason it has no FOREIGN KEY (its rows
 * are removed with their entries here).
 * Writers share cached statements (struct memory_writer) so an import of
 * 100k entries is one transaction of prepared steps.
 *
 * Never: let an expired or deleted entry out of a read, or leave a half
 * import behind.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include "memory.h"
#include "datadir.h"
#include "embed.h"
#include "memshare.h"
#include "error.h"
#include "schema.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"
#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct store_migration memory_migrations[] = {
	{ 1,
	  "CREATE TABLE memory_entries ("
	  " id INTEGER PRIMARY KEY,"
	  " key TEXT NOT NULL UNIQUE,"
	  " value TEXT NOT NULL,"
	  " layer TEXT NOT NULL CHECK (layer IN ('short_term','mid_term','long_term')),"
	  " category TEXT NOT NULL DEFAULT '',"
	  " project TEXT NOT NULL DEFAULT '',"
	  " intent TEXT NOT NULL DEFAULT '',"
	  " tags TEXT NOT NULL DEFAULT '',"
	  " agent TEXT NOT NULL DEFAULT '',"
	  " created_at INTEGER NOT NULL,"
	  " updated_at INTEGER NOT NULL,"
	  " accessed_at INTEGER NOT NULL,"
	  " access_count INTEGER NOT NULL DEFAULT 0,"
	  " expires_at INTEGER,"
	  " version INTEGER NOT NULL DEFAULT 1,"
	  " deleted_at INTEGER);"
	  "CREATE INDEX memory_entries_expiry ON memory_entries(expires_at) WHERE expires_at IS NOT NULL;"
	  "CREATE INDEX memory_entries_deleted ON memory_entries(deleted_at) WHERE deleted_at IS NOT NULL;"
	  "CREATE TABLE memory_versions ("
	  " key TEXT NOT NULL,"
	  " version INTEGER NOT NULL,"
	  " value TEXT NOT NULL,"
	  " layer TEXT NOT NULL,"
	  " category TEXT NOT NULL DEFAULT '',"
	  " project TEXT NOT NULL DEFAULT '',"
	  " intent TEXT NOT NULL DEFAULT '',"
	  " tags TEXT NOT NULL DEFAULT '',"
	  " agent TEXT NOT NULL DEFAULT '',"
	  " created_at INTEGER NOT NULL,"
	  " updated_at INTEGER NOT NULL,"
	  " expires_at INTEGER,"
	  " PRIMARY KEY (key, version)) WITHOUT ROWID;"
	  "CREATE TABLE memory_vectors ("
	  " id INTEGER PRIMARY KEY," /* memory_entries.id; no FOREIGN KEY: see fts_row */
	  " expires_at INTEGER,"
	  " vec BLOB NOT NULL);"
	  "CREATE VIRTUAL TABLE memory_fts USING fts5(key, value, tags, category, project, intent,"
	  " content='memory_entries', content_rowid='id',"
	  " tokenize='unicode61 remove_diacritics 2');"
	  "INSERT INTO memory_fts(memory_fts, rank) VALUES('rank', 'bm25(4.0, 1.0, 3.0, 2.0, 2.0, 2.0)');"
	  "" },
	/* the namespace as its own field (MCP's metadata.namespace), not a key prefix */
	{ 2,
	  "ALTER TABLE memory_entries ADD COLUMN namespace TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE memory_versions ADD COLUMN namespace TEXT NOT NULL DEFAULT '';" },
};

const struct store_module schema_memory = {
	"memory", memory_migrations, sizeof(memory_migrations) / sizeof(memory_migrations[0])
};

static const char *const memory_layers[] = { "short_term", "mid_term", "long_term", NULL };
/* default retention per layer in seconds (0 = forever) */
static const int64_t memory_retention_default[] = { 24 * 3600, 30 * 24 * 3600, 0 };

#define ENTRY_COLS "key, value, layer, category, project, intent, tags, agent, created_at, " \
	"updated_at, accessed_at, expires_at, access_count, version, deleted_at, namespace"
#define LIVE "deleted_at IS NULL AND (expires_at IS NULL OR expires_at > ?1)"

static int64_t (*memory_clock)(void) = store_now_ms;
static int vec_bump(struct store *s);

void memory_set_clock(int64_t (*now_ms)(void))
{
	memory_clock = now_ms ? now_ms : store_now_ms;
}

int64_t memory_now(void)
{
	return memory_clock();
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* msg (taken) as one printable line: control characters from user text
 * become \n, \t or \xNN, so an error message never breaks a line or sends
 * an escape sequence. */
static char *one_line(char *msg)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = msg; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n')
			strbuf_adds(&sb, "\\n");
		else if (c == '\t')
			strbuf_adds(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(&sb, "\\x%02x", c);
		else
			strbuf_addc(&sb, (char)c);
	}
	free(msg);
	return strbuf_detach(&sb);
}

/* Records msg (taken) as one printable line (one_line) in the error channel
 * (error.h) and returns code. */
static int fail_line(int code, char *msg)
{
	char *line = one_line(msg);

	rwb_fail(code, "%s", line);
	free(line);
	return code;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	return xstrdup(t ? t : "");
}

/* Reads ENTRY_COLS starting at column c0. */
static void entry_from_row(struct memory_entry *e, sqlite3_stmt *st, int c0)
{
	e->key = col_dup(st, c0 + 0);
	e->value = col_dup(st, c0 + 1);
	e->layer = col_dup(st, c0 + 2);
	e->category = col_dup(st, c0 + 3);
	e->project = col_dup(st, c0 + 4);
	e->intent = col_dup(st, c0 + 5);
	e->tags = col_dup(st, c0 + 6);
	e->agent = col_dup(st, c0 + 7);
	e->created_at = sqlite3_column_int64(st, c0 + 8);
	e->updated_at = sqlite3_column_int64(st, c0 + 9);
	e->accessed_at = sqlite3_column_int64(st, c0 + 10);
	e->expires_at = sqlite3_column_int64(st, c0 + 11);
	e->access_count = sqlite3_column_int64(st, c0 + 12);
	e->version = sqlite3_column_int(st, c0 + 13);
	e->deleted = sqlite3_column_type(st, c0 + 14) != SQLITE_NULL;
	e->ns = col_dup(st, c0 + 15);
}

void memory_entry_release(struct memory_entry *e)
{
	if (!e)
		return;
	free(e->key);
	free(e->value);
	free(e->layer);
	free(e->category);
	free(e->project);
	free(e->intent);
	free(e->tags);
	free(e->agent);
	free(e->ns);
	memset(e, 0, sizeof(*e));
}

void memory_list_release(struct memory_list *l)
{
	for (int i = 0; i < l->n; i++)
		memory_entry_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void memory_results_release(struct memory_results *r)
{
	for (int i = 0; i < r->n; i++) {
		memory_entry_release(&r->v[i].e);
		free(r->v[i].snippet);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

void memory_tree_release(struct memory_tree *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static void list_push(struct memory_list *l, int *cap, struct memory_entry *e)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		l->v = xrealloc(l->v, (size_t)*cap * sizeof(*l->v));
	}
	l->v[l->n++] = *e;
}

/* ---- keys and globs ---- */

int memory_key_check(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	int segs = 1;

	if (n == 0)
		return rwb_fail(RWB_EINPUT, "the key is empty; keys look like NAMESPACE/PROJECT/DATA-TYPE");
	if (n > MEMORY_MAX_KEY)
		return rwb_fail(RWB_EINPUT, "the key is %zu bytes; at most %d are accepted", n, MEMORY_MAX_KEY);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c < 0x20 || c == 0x7f || c == '*')
			return rwb_fail(RWB_EINPUT, "the key \"%.80s\" contains %s; keys are paths of names separated by '/'",
					c == '*' ? key : "(control character)",
					c == '*' ? "'*' (a pattern, not a key)" : "a control character");
		if (c == '/') {
			if (i == 0 || i + 1 == n || key[i + 1] == '/')
				return fail_line(RWB_EINPUT, xasprintf("the key \"%.80s\" has an empty segment; "
								       "keys look like NAMESPACE/PROJECT/DATA-TYPE", key));
			segs++;
		}
	}
	if (segs > 16)
		return fail_line(RWB_EINPUT, xasprintf("the key \"%.80s\" has %d segments; at most 16 are "
						       "accepted", key, segs));
	return RWB_OK;
}

/* Matches one segment pattern p[0..pn) against s[0..sn) ('*' any run, no '/'). */
static bool glob_segment(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

static bool glob_match_at(const char *p, const char *s)
{
	const char *pe = strchr(p, '/'), *se;
	size_t pn = pe ? (size_t)(pe - p) : strlen(p);

	if (pn == 2 && p[0] == '*' && p[1] == '*') {
		/* zero or more whole segments */
		if (!pe)
			return true;
		for (const char *t = s;; ) {
			if (glob_match_at(pe + 1, t))
				return true;
			t = strchr(t, '/');
			if (!t)
				return false;
			t++;
		}
	}
	se = strchr(s, '/');
	if (!glob_segment(p, pn, s, se ? (size_t)(se - s) : strlen(s)))
		return false;
	if (!pe && !se)
		return true;
	if (!pe || !se)
		return pe && !se && strcmp(pe + 1, "**") == 0 ? false : false;
	return glob_match_at(pe + 1, se + 1);
}

bool memory_glob_match(const char *pattern, const char *key)
{
	return glob_match_at(pattern, key);
}

static void sql_glob(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *p = (const char *)sqlite3_value_text(argv[0]);
	const char *k = (const char *)sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx, p && k && memory_glob_match(p, k));
}

static void memory_register(struct store *s)
{
	sqlite3_create_function(s->db, "rwb_memory_glob", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				NULL, sql_glob, NULL, NULL);
}

/* The literal prefix of a pattern (up to its first '*'), allocated. */
static char *glob_prefix(const char *pattern)
{
	const char *star = strchr(pattern, '*');
	return star ? xstrndup(pattern, (size_t)(star - pattern)) : xstrdup(pattern);
}

/* ---- settings-backed retention ---- */

static int layer_index(const char *layer)
{
	for (int i = 0; memory_layers[i]; i++)
		if (strcmp(memory_layers[i], layer) == 0)
			return i;
	return -1;
}

/* Retention in ms for a layer (0 = forever), from memory.retention.LAYER. */
static int64_t layer_retention_ms(struct store *s, int layer)
{
	char key[64], *v = NULL;
	int64_t sec = memory_retention_default[layer];

	snprintf(key, sizeof(key), "memory.retention.%s", memory_layers[layer]);
	if (store_setting_get(s, key, &v) == RWB_OK) {
		long d = cmd_parse_duration(v);
		if (d >= 0)
			sec = d;
	}
	free(v);
	return sec * 1000;
}

/* ---- the full-text index, kept in step by code ---- */

#define FTS_COLS "key, value, tags, category, project, intent"

/*
 * Adds (remove = false) or removes the live row id to/from memory_fts.
 * The row is read back from memory_entries, so call it after an insert
 * and before an update or delete. A deleted row is not in the index.
 */
static int fts_row(struct store *s, sqlite3_stmt **cache, int64_t id, bool remove)
{
	static const char *const sql[3] = {
		"INSERT INTO memory_fts(rowid, " FTS_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"INSERT INTO memory_fts(memory_fts, rowid, " FTS_COLS ") VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"SELECT " FTS_COLS " FROM memory_entries WHERE id = ?1 AND deleted_at IS NULL",
	};
	sqlite3_stmt *local[3] = { NULL }, **st = cache ? cache : local;
	int rc = RWB_OK;

	for (int i = 0; i < 3 && !rc; i++)
		if (!st[i] && (i == 2 || i == (int)remove))
			rc = store_prepare(s, &st[i], sql[i]);
	if (rc)
		goto out;
	sqlite3_bind_int64(st[2], 1, id);
	rc = sqlite3_step(st[2]);
	if (rc == SQLITE_ROW) {
		sqlite3_stmt *ins = st[remove];
		sqlite3_bind_int64(ins, 1, id);
		for (int i = 0; i < 6; i++)
			sqlite3_bind_value(ins, 2 + i, sqlite3_column_value(st[2], i));
		rc = sqlite3_step(ins);
		rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
	} else {
		rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	}
	sqlite3_reset(st[2]);
out:
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(local[i]);
	return rc;
}

/* Removes every live row matching where (?1 = now, ?2 = key) from the index. */
static int fts_remove_where(struct store *s, const char *where, int64_t now, const char *key)
{
	sqlite3_stmt *st = NULL;
	char *sql = xasprintf("INSERT INTO memory_fts(memory_fts, rowid, " FTS_COLS ")"
			      " SELECT 'delete', id, " FTS_COLS " FROM memory_entries"
			      " WHERE deleted_at IS NULL AND %s", where);
	int rc = store_prepare(s, &st, sql);

	free(sql);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	if (key)
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
}

/* ---- the writer: cached statements for stores and imports ---- */

struct memory_writer {
	struct store *s;           /* borrowed */
	struct embedder *emb;      /* owned */
	sqlite3_stmt *sel;         /* the current row of a key */
	sqlite3_stmt *archive;     /* copy a row into memory_versions */
	sqlite3_stmt *update;      /* overwrite the row with new content */
	sqlite3_stmt *insert;      /* a new key */
	sqlite3_stmt *vec;         /* upsert the embedding */
	sqlite3_stmt *fts[3];      /* fts_row's add, remove and read statements */
	bool defer_fts;            /* import: index the new rows in one statement at the end */
	bool vec_dirty;            /* vectors changed: bump the cache generation */
	struct strbuf fts_ids;     /* the deferred ids as a JSON array body "1,2,3" */
	int64_t retention[3];      /* ms per layer, 0 = forever */
};

static void writer_free(struct memory_writer *w)
{
	/* inside the caller's transaction, before its commit (or rollback) */
	if (w->vec_dirty)
		vec_bump(w->s);
	sqlite3_finalize(w->sel);
	sqlite3_finalize(w->archive);
	sqlite3_finalize(w->update);
	sqlite3_finalize(w->insert);
	sqlite3_finalize(w->vec);
	sqlite3_finalize(w->fts[0]);
	sqlite3_finalize(w->fts[1]);
	sqlite3_finalize(w->fts[2]);
	strbuf_free(&w->fts_ids);
	embed_free(w->emb);
	memset(w, 0, sizeof(*w));
}

static int writer_init(struct memory_writer *w, struct store *s)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->s = s;
	w->emb = embed_new();
	for (int i = 0; i < 3; i++)
		w->retention[i] = layer_retention_ms(s, i);
	rc = store_prepare(s, &w->sel, "SELECT id, version, created_at, layer, category, project, intent,"
			   " tags, agent, namespace, deleted_at FROM memory_entries WHERE key = ?1");
	if (!rc)
		rc = store_prepare(s, &w->archive,
				   "INSERT OR REPLACE INTO memory_versions(key, version, value, layer, category, project,"
				   " intent, tags, agent, created_at, updated_at, expires_at, namespace)"
				   " SELECT key, version, value, layer, category, project, intent, tags, agent,"
				   " created_at, updated_at, expires_at, namespace FROM memory_entries WHERE id = ?1");
	if (!rc)
		rc = store_prepare(s, &w->update,
				   "UPDATE memory_entries SET value = ?2, layer = ?3, category = ?4, project = ?5,"
				   " intent = ?6, tags = ?7, agent = ?8, updated_at = ?9, expires_at = ?10,"
				   " version = ?11, deleted_at = NULL, created_at = ?12, namespace = ?13 WHERE id = ?1");
	if (!rc)
		rc = store_prepare(s, &w->insert,
				   "INSERT INTO memory_entries(key, value, layer, category, project, intent, tags,"
				   " agent, created_at, updated_at, accessed_at, expires_at, version, namespace)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13)");
	if (!rc)
		rc = store_prepare(s, &w->vec,
				   "INSERT OR REPLACE INTO memory_vectors(id, expires_at, vec) VALUES (?1, ?2, ?3)");
	if (rc)
		writer_free(w);
	return rc;
}

/* The text an entry's embedding is made from. */
static void embed_source(struct strbuf *sb, const char *key, const char *category, const char *project,
			 const char *intent, const char *tags, const char *ns, const char *agent, const char *value)
{
	/* the key is the entry's title: it counts twice */
	strbuf_reset(sb);
	strbuf_addf(sb, "%s\n%s\n%s %s %s %s %s %s\n", key, key, str_or_empty(category), str_or_empty(project),
		    str_or_empty(intent), str_or_empty(tags), str_or_empty(ns), str_or_empty(agent));
	strbuf_add(sb, value, strnlen(value, EMBED_MAX_INPUT));
}

static int writer_embed(struct memory_writer *w, int64_t id, int64_t expires_at, const char *text,
			size_t len)
{
	float *v = NULL;
	int8_t *q;
	int rc = embed_text(&v, w->emb, text, len);

	if (rc)
		return rc;
	q = xmalloc((size_t)w->emb->dim);
	embed_quantize(q, v, w->emb->dim);
	sqlite3_bind_int64(w->vec, 1, id);
	if (expires_at)
		sqlite3_bind_int64(w->vec, 2, expires_at);
	else
		sqlite3_bind_null(w->vec, 2);
	sqlite3_bind_blob(w->vec, 3, q, w->emb->dim, SQLITE_STATIC);
	w->vec_dirty = true;
	rc = sqlite3_step(w->vec);
	sqlite3_reset(w->vec);
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(w->s, rc);
	free(q);
	free(v);
	return rc;
}

/* Removes expired rows (and their history) for good: the lazy purge. */
static int purge_expired(struct store *s, int64_t now, int *count)
{
	sqlite3_stmt *st = NULL;
	int rc = fts_remove_where(s, "expires_at IS NOT NULL AND expires_at <= ?1", now, NULL);

	if (rc)
		return rc;
	rc = store_prepare(s, &st,
			       "DELETE FROM memory_versions WHERE key IN (SELECT key FROM memory_entries"
			       " WHERE expires_at IS NOT NULL AND expires_at <= ?1)");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc);
	rc = store_prepare(s, &st, "DELETE FROM memory_vectors WHERE id IN (SELECT id FROM memory_entries"
			   " WHERE expires_at IS NOT NULL AND expires_at <= ?1)");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc);
	if (sqlite3_changes(s->db) > 0 && (rc = vec_bump(s)) != RWB_OK)
		return rc;
	rc = store_prepare(s, &st, "DELETE FROM memory_entries WHERE expires_at IS NOT NULL AND expires_at <= ?1");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	if (count)
		*count += sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
}

/*
 * One put. Import passes explicit times and a version (used for a new
 * key); version 0 means "next". expires_at < 0: the layer's retention.
 */
struct put {
	const struct memory_input *in;  /* borrowed: what to store */
	int64_t created_at, updated_at; /* 0: now */
	int64_t expires_at;             /* -1: from expires_in / layer; 0 none; else absolute */
	int version;                    /* 0: next */
};

static int writer_put_row(struct memory_writer *w, struct memory_entry *out, const struct put *p,
			  const struct memory_input *in, bool exists, int64_t id, int version, int64_t created,
			  int64_t now, size_t vlen, struct strbuf *scratch)
{
	const char *layer = in->layer && *in->layer ? in->layer : "mid_term";
	int li = layer_index(layer), rc;
	int64_t expires = 0;

	if (li < 0)
		return fail_line(RWB_EINPUT, xasprintf("layer \"%.40s\" is not one of short_term, mid_term, "
						       "long_term", layer));
	if (!in->value)
		return rwb_fail(RWB_EINPUT, "no value: give --value TEXT or --file F");
	if (vlen > MEMORY_MAX_VALUE)
		return rwb_fail(RWB_EINPUT, "the value is %zu bytes; at most %d (1 MB) are accepted", vlen, MEMORY_MAX_VALUE);
	if (p->expires_at >= 0)
		expires = p->expires_at;
	else if (in->expires_in_ms > 0)
		expires = now + in->expires_in_ms;
	else if (w->retention[li])
		expires = now + w->retention[li];
	if (exists) {
		sqlite3_bind_int64(w->archive, 1, id);
		rc = sqlite3_step(w->archive);
		sqlite3_reset(w->archive);
		if (rc != SQLITE_DONE)
			return store_error(w->s, rc);
		/* the old content leaves the index (a no-op for a deleted row) */
		rc = fts_row(w->s, w->fts, id, true);
		if (rc)
			return rc;
	}
	{
		sqlite3_stmt *st = exists ? w->update : w->insert;
		if (exists)
			sqlite3_bind_int64(st, 1, id);
		else
			sqlite3_bind_text(st, 1, in->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, in->value, (int)vlen, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, layer, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, str_or_empty(in->category), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, str_or_empty(in->project), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, str_or_empty(in->intent), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, str_or_empty(in->tags), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, str_or_empty(in->agent), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 13, str_or_empty(in->ns), -1, SQLITE_STATIC);
		if (exists) {
			sqlite3_bind_int64(st, 9, p->updated_at ? p->updated_at : now);
			if (expires)
				sqlite3_bind_int64(st, 10, expires);
			else
				sqlite3_bind_null(st, 10);
			sqlite3_bind_int(st, 11, version);
			sqlite3_bind_int64(st, 12, created);
		} else {
			sqlite3_bind_int64(st, 9, created);
			sqlite3_bind_int64(st, 10, p->updated_at ? p->updated_at : (p->created_at ? created : now));
			if (expires)
				sqlite3_bind_int64(st, 11, expires);
			else
				sqlite3_bind_null(st, 11);
			sqlite3_bind_int(st, 12, version);
		}
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_error(w->s, rc);
		if (!exists)
			id = sqlite3_last_insert_rowid(w->s->db);
		if (w->defer_fts) {
			strbuf_addf(&w->fts_ids, "%s%lld", w->fts_ids.len ? "," : "", (long long)id);
		} else {
			rc = fts_row(w->s, w->fts, id, false);
			if (rc)
				return rc;
		}
	}
	embed_source(scratch, in->key, in->category, in->project, in->intent, in->tags, in->ns, in->agent,
		     in->value);
	rc = writer_embed(w, id, expires, scratch->buf, scratch->len);
	if (rc)
		return rc;
	if (out) {
		memset(out, 0, sizeof(*out));
		out->key = xstrdup(in->key);
		out->value = xstrdup(in->value);
		out->layer = xstrdup(layer);
		out->category = xstrdup(str_or_empty(in->category));
		out->project = xstrdup(str_or_empty(in->project));
		out->intent = xstrdup(str_or_empty(in->intent));
		out->tags = xstrdup(str_or_empty(in->tags));
		out->agent = xstrdup(str_or_empty(in->agent));
		out->ns = xstrdup(str_or_empty(in->ns));
		out->created_at = created;
		out->updated_at = p->updated_at ? p->updated_at : now;
		out->accessed_at = now;
		out->expires_at = expires;
		out->version = version;
	}
	return RWB_OK;
}

static int writer_put(struct memory_writer *w, struct memory_entry *out, const struct put *p,
		      struct strbuf *scratch)
{
	struct memory_input merged = *p->in, *in = &merged;
	char *kept[7] = { NULL };
	int64_t now = memory_now(), id = 0, created;
	int version = p->version > 0 ? p->version : 1, rc;
	bool exists;
	size_t vlen = in->value ? strlen(in->value) : 0;

	rc = memory_key_check(in->key);
	if (rc)
		return rc;
	sqlite3_bind_text(w->sel, 1, in->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(w->sel);
	exists = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(w->sel);
		return store_error(w->s, rc);
	}
	created = p->created_at ? p->created_at : now;
	if (exists) {
		const char **fields[7] = { &merged.layer, &merged.category, &merged.project, &merged.intent,
					   &merged.tags, &merged.agent, &merged.ns };
		bool was_deleted = sqlite3_column_type(w->sel, 10) != SQLITE_NULL;
		id = sqlite3_column_int64(w->sel, 0);
		version = sqlite3_column_int(w->sel, 1) + 1;
		if (!p->created_at)
			created = sqlite3_column_int64(w->sel, 2);
		/* an update keeps the metadata it does not give (not a deleted entry's) */
		for (int i = 0; i < 7 && !was_deleted; i++) {
			if (!*fields[i]) {
				kept[i] = col_dup(w->sel, 3 + i);
				*fields[i] = kept[i];
			}
		}
	}
	sqlite3_reset(w->sel);
	rc = writer_put_row(w, out, p, in, exists, id, version, created, now, vlen, scratch);
	for (int i = 0; i < 7; i++)
		free(kept[i]);
	return rc;
}

/*
 * Makes sure every vector was made by the current embedder: when the
 * setting memory.embedder names another one, re-embeds every live entry.
 * Runs inside the caller's write transaction.
 */
static int writer_sync_embedder(struct memory_writer *w)
{
	char *cur = NULL;
	sqlite3_stmt *st = NULL;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (w->emb->cmd && !w->emb->dim) {
		/* learn the external program's dimension first */
		float *v = NULL;
		rc = embed_text(&v, w->emb, "rwb", 3);
		free(v);
		if (rc)
			return rc;
	}
	rc = store_setting_get(w->s, "memory.embedder", &cur);
	if (rc == RWB_OK && strcmp(cur, w->emb->id) == 0) {
		free(cur);
		return RWB_OK;
	}
	free(cur);
	rc = store_exec(w->s, "DELETE FROM memory_vectors");
	if (!rc)
		rc = store_prepare(w->s, &st, "SELECT id, key, category, project, intent, tags, value, expires_at,"
				   " namespace, agent FROM memory_entries WHERE deleted_at IS NULL");
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		embed_source(&sb, (const char *)sqlite3_column_text(st, 1),
			     (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			     (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
			     (const char *)sqlite3_column_text(st, 8), (const char *)sqlite3_column_text(st, 9),
			     (const char *)sqlite3_column_text(st, 6));
		rc = writer_embed(w, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 7), sb.buf, sb.len);
	}
	sqlite3_finalize(st);
	strbuf_free(&sb);
	if (!rc)
		rc = store_setting_set(w->s, "memory.embedder", w->emb->id);
	return rc;
}

/* Starts a write of entries: the transaction, the writer, expired entries
 * purged and the embedder's vectors in step. On failure nothing is left
 * open (rolled back, writer freed). */
static int writer_open(struct memory_writer *w, struct store *s)
{
	int rc = store_write_begin(s);

	if (rc)
		return rc;
	rc = writer_init(w, s);
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	rc = purge_expired(s, memory_now(), NULL);
	if (!rc)
		rc = writer_sync_embedder(w);
	if (rc) {
		writer_free(w);
		store_write_rollback(s);
	}
	return rc;
}

int memory_store(struct store *s, struct memory_entry *out, const struct memory_input *in)
{
	struct memory_writer w;
	struct strbuf scratch = STRBUF_INIT;
	struct put p = { .in = in, .expires_at = -1 };
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	rc = writer_open(&w, s);
	if (rc)
		return rc;
	rc = writer_put(&w, out, &p, &scratch);
	writer_free(&w);
	strbuf_free(&scratch);
	if (rc) {
		store_write_rollback(s);
		if (out)
			memory_entry_release(out);
		return rc;
	}
	return store_write_commit(s);
}

/* ---- reads ---- */

int memory_retrieve(struct store *s, struct memory_list *out, const char *pattern, bool touch)
{
	return memory_retrieve_max(s, out, pattern, touch, 0);
}

int memory_retrieve_max(struct store *s, struct memory_list *out, const char *pattern, bool touch, int max)
{
	sqlite3_stmt *st = NULL;
	char *prefix = glob_prefix(pattern), *upper;
	bool exact = strchr(pattern, '*') == NULL;
	int64_t now = memory_now();
	int cap = 0, rc;

	memset(out, 0, sizeof(*out));
	upper = xasprintf("%s\xff", prefix);
	rc = store_prepare(s, &st, exact ?
			   "SELECT " ENTRY_COLS ", id FROM memory_entries WHERE " LIVE " AND key = ?2" :
			   "SELECT " ENTRY_COLS ", id FROM memory_entries WHERE " LIVE
			   " AND key >= ?2 AND key < ?3 ORDER BY key");
	if (rc)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	if (!exact)
		sqlite3_bind_text(st, 3, upper, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct memory_entry e;
		if (!exact && !memory_glob_match(pattern, (const char *)sqlite3_column_text(st, 0)))
			continue;
		entry_from_row(&e, st, 0);
		list_push(out, &cap, &e);
		if (max > 0 && out->n >= max)
			break;
	}
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	st = NULL;
	if (!rc && touch && out->n) {
		rc = store_write_begin(s);
		if (!rc)
			rc = store_prepare(s, &st, "UPDATE memory_entries SET access_count = access_count + 1,"
					   " accessed_at = ?1 WHERE key = ?2");
		for (int i = 0; !rc && i < out->n; i++) {
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_text(st, 2, out->v[i].key, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = store_error(s, sqlite3_errcode(s->db));
			sqlite3_reset(st);
			out->v[i].access_count++;
			out->v[i].accessed_at = now;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc)
			store_write_rollback(s);
		else
			rc = store_write_commit(s);
	}
out:
	if (rc)
		memory_list_release(out);
	free(prefix);
	free(upper);
	return rc;
}

static int exec_bound(struct store *s, const char *sql, const char *key, int64_t now, int *changes)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, sql);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	if (key)
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (changes)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
}

int memory_delete_matching(struct store *s, int *count, const char *pattern)
{
	const char *match = strchr(pattern, '*') ? "rwb_memory_glob(?2, key)" : "key = ?2";
	char *where = xasprintf("%s AND (expires_at IS NULL OR expires_at > ?1)", match);
	char *upd = xasprintf("UPDATE memory_entries SET deleted_at = ?1 WHERE deleted_at IS NULL AND %s", where);
	char *vec = xasprintf("DELETE FROM memory_vectors WHERE id IN (SELECT id FROM memory_entries"
			      " WHERE deleted_at = ?1 AND %s)", match);
	int rc, changes = 0;
	int64_t now = memory_now();

	*count = 0;
	memory_register(s);
	rc = store_write_begin(s);
	if (rc)
		goto out;
	rc = fts_remove_where(s, where, now, pattern);
	if (!rc)
		rc = exec_bound(s, upd, pattern, now, &changes);
	if (!rc && changes)
		rc = exec_bound(s, vec, pattern, now, NULL);
	if (!rc && changes)
		rc = vec_bump(s);
	if (!rc && !changes)
		rc = RWB_ENOTFOUND;
	if (rc) {
		store_write_rollback(s);
		goto out;
	}
	rc = store_write_commit(s);
	if (!rc)
		*count = changes;
out:
	free(where);
	free(upd);
	free(vec);
	return rc;
}

int memory_delete(struct store *s, const char *key)
{
	int n;

	if (strchr(key, '*'))
		return RWB_EINPUT;
	return memory_delete_matching(s, &n, key);
}

int memory_undelete(struct store *s, const char *key)
{
	struct memory_writer w;
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, changes = 0;

	rc = store_write_begin(s);
	if (rc)
		return rc;
	rc = exec_bound(s, "UPDATE memory_entries SET deleted_at = NULL WHERE key = ?2 AND deleted_at IS NOT NULL"
			" AND ?1 IS NOT NULL", key, 0, &changes);
	if (!rc && !changes)
		rc = RWB_ENOTFOUND;
	if (!rc)
		rc = writer_init(&w, s);
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	rc = store_prepare(s, &st, "SELECT id, key, category, project, intent, tags, value, expires_at,"
			   " namespace, agent FROM memory_entries WHERE key = ?1");
	if (!rc) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			embed_source(&sb, key, (const char *)sqlite3_column_text(st, 2),
				     (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
				     (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 8),
				     (const char *)sqlite3_column_text(st, 9), (const char *)sqlite3_column_text(st, 6));
			rc = writer_embed(&w, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 7),
					  sb.buf, sb.len);
			if (!rc)
				rc = fts_row(s, NULL, sqlite3_column_int64(st, 0), false);
		}
	}
	sqlite3_finalize(st);
	writer_free(&w);
	strbuf_free(&sb);
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	return store_write_commit(s);
}

int memory_history(struct store *s, struct memory_list *out, const char *key)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, &st,
			   "SELECT " ENTRY_COLS " FROM memory_entries WHERE key = ?1"
			   " AND (expires_at IS NULL OR expires_at > ?2)"
			   " UNION ALL SELECT key, value, layer, category, project, intent, tags, agent, created_at,"
			   " updated_at, 0, expires_at, 0, version, NULL, namespace FROM memory_versions WHERE key = ?1"
			   " AND EXISTS (SELECT 1 FROM memory_entries WHERE key = ?1"
			   " AND (expires_at IS NULL OR expires_at > ?2))"
			   " ORDER BY 14 DESC");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, memory_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct memory_entry e;
		entry_from_row(&e, st, 0);
		list_push(out, &cap, &e);
	}
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	if (!rc && out->n == 0)
		rc = RWB_ENOTFOUND;
	if (rc)
		memory_list_release(out);
	return rc;
}

int memory_restore(struct store *s, struct memory_entry *out, const char *key, int version)
{
	struct memory_list h;
	int rc = memory_history(s, &h, key);

	if (rc) {
		rwb_fail(rc, "no entry has the key \"%s\"", key);
		return rc;
	}
	rc = RWB_ENOTFOUND;
	for (int i = 0; i < h.n; i++) {
		struct memory_entry *e = &h.v[i];
		if (e->version != version)
			continue;
		struct memory_input in = {
			.key = e->key, .value = e->value, .layer = e->layer, .category = e->category,
			.project = e->project, .intent = e->intent, .tags = e->tags, .agent = e->agent,
			.ns = e->ns,
		};
		rc = memory_store(s, out, &in);
		break;
	}
	if (rc == RWB_ENOTFOUND)
		rwb_fail(rc, "\"%s\" has no version %d (it has 1 to %d)", key, version, h.v[0].version);
	memory_list_release(&h);
	return rc;
}

int memory_purge(struct store *s, int *count, bool all)
{
	int rc, n = 0;
	int64_t now = memory_now();

	*count = 0;
	rc = store_write_begin(s);
	if (rc)
		return rc;
	rc = purge_expired(s, now, &n);
	if (!rc)
		rc = exec_bound(s, "DELETE FROM memory_versions WHERE ?1 IS NOT NULL AND key IN"
				" (SELECT key FROM memory_entries WHERE deleted_at IS NOT NULL)", NULL, now, NULL);
	if (!rc) {
		int d = 0;
		rc = exec_bound(s, "DELETE FROM memory_entries WHERE ?1 IS NOT NULL AND deleted_at IS NOT NULL",
				NULL, now, &d);
		n += d;
	}
	if (!rc && all)
		rc = exec_bound(s, "DELETE FROM memory_versions WHERE ?1 IS NOT NULL", NULL, now, NULL);
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	*count = n;
	return store_write_commit(s);
}

int memory_count(struct store *s, int *count)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT count(*) FROM memory_entries WHERE " LIVE);

	*count = 0;
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, memory_now());
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? RWB_OK : store_error(s, rc);
}

static int node_cmp(const void *a, const void *b)
{
	const struct memory_node *x = a, *y = b;
	const char *xs = strchr(x->name, '/'), *ys = strchr(y->name, '/');
	size_t xn = xs ? (size_t)(xs - x->name) : strlen(x->name);
	size_t yn = ys ? (size_t)(ys - y->name) : strlen(y->name);
	int c = strncmp(x->name, y->name, xn < yn ? xn : yn);

	if (c)
		return c;
	if (xn != yn)
		return xn < yn ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth - y->depth;
	return strcmp(x->name, y->name);
}

int memory_tree(struct store *s, struct memory_tree *out)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc, last[2] = { -1, -1 };

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, &st, "SELECT key FROM memory_entries WHERE " LIVE " ORDER BY key");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, memory_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *s1 = strchr(k, '/');
		const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
		for (int depth = 0; depth < 2; depth++) {
			size_t n = depth == 0 ? (s1 ? (size_t)(s1 - k) : strlen(k)) :
					      (s2 ? (size_t)(s2 - k) : 0);
			int found = -1;
			if (n == 0)
				break;
			if (last[depth] >= 0 && strlen(out->v[last[depth]].name) == n &&
			    memcmp(out->v[last[depth]].name, k, n) == 0)
				found = last[depth];
			for (int i = 0; found < 0 && i < out->n; i++)
				if (out->v[i].depth == depth && strlen(out->v[i].name) == n &&
				    memcmp(out->v[i].name, k, n) == 0)
					found = i;
			if (found < 0) {
				if (out->n == cap) {
					cap = cap ? cap * 2 : 16;
					out->v = xrealloc(out->v, (size_t)cap * sizeof(*out->v));
				}
				out->v[out->n] = (struct memory_node){ xstrndup(k, n), depth, 0 };
				found = out->n++;
			}
			out->v[found].count++;
			last[depth] = found;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		memory_tree_release(out);
		return store_error(s, rc);
	}
	if (out->n > 1)
		qsort(out->v, (size_t)out->n, sizeof(*out->v), node_cmp);
	return RWB_OK;
}

/* ---- search ---- */

struct parsed_query {
	struct strbuf fts_and;     /* FTS5 query, terms ANDed */
	struct strbuf fts_or;      /* the same terms ORed */
	struct strbuf plain;       /* the words for the embedder and snippets */
	int nterms;                /* terms and phrases in the FTS query */
	int cut;                   /* terms past MEMORY_MAX_QUERY_TERMS, dropped */
	char *key, *project, *layer, *category, *ns, *agent; /* owned filters or NULL */
};

static void pq_release(struct parsed_query *q)
{
	strbuf_free(&q->fts_and);
	strbuf_free(&q->fts_or);
	strbuf_free(&q->plain);
	free(q->key);
	free(q->project);
	free(q->layer);
	free(q->category);
	free(q->ns);
	free(q->agent);
}

static bool has_word_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

static void pq_add_term(struct parsed_query *q, const char *t, size_t n, bool prefix)
{
	struct strbuf term = STRBUF_INIT;

	if (!has_word_char(t, n))
		return;
	if (q->nterms >= MEMORY_MAX_QUERY_TERMS) {
		/* bounded work per query: the rest is dropped and reported */
		q->cut++;
		return;
	}
	strbuf_addc(&term, '"');
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '"')
			strbuf_addc(&term, '"');
		strbuf_addc(&term, t[i]);
	}
	strbuf_addc(&term, '"');
	if (prefix)
		strbuf_addc(&term, '*');
	if (q->nterms++) {
		strbuf_addc(&q->fts_and, ' ');
		strbuf_adds(&q->fts_or, " OR ");
	}
	strbuf_adds(&q->fts_and, strbuf_str(&term));
	strbuf_adds(&q->fts_or, strbuf_str(&term));
	if (q->plain.len)
		strbuf_addc(&q->plain, ' ');
	strbuf_add(&q->plain, t, n);
	strbuf_free(&term);
}

/* Splits the query text into FTS terms, phrases and field filters. */
static int pq_parse(struct parsed_query *q, const char *text)
{
	const char *p = text;

	memset(q, 0, sizeof(*q));
	while (*p) {
		const char *start, *colon;
		size_t n;
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			if (!end)
				return rwb_fail(RWB_EINPUT, "the query has an unclosed '\"'; phrases look like \"a b\"");
			pq_add_term(q, p + 1, (size_t)(end - p - 1), end[1] == '*');
			p = end + 1 + (end[1] == '*');
			continue;
		}
		start = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - start);
		colon = memchr(start, ':', n);
		if (colon && colon > start && colon + 1 < p && colon[1] != ':') {
			size_t fn = (size_t)(colon - start);
			char **slot = NULL;
			if (fn == 3 && !memcmp(start, "key", 3))
				slot = &q->key;
			else if (fn == 7 && !memcmp(start, "project", 7))
				slot = &q->project;
			else if (fn == 5 && !memcmp(start, "layer", 5))
				slot = &q->layer;
			else if (fn == 8 && !memcmp(start, "category", 8))
				slot = &q->category;
			else if (fn == 9 && !memcmp(start, "namespace", 9))
				slot = &q->ns;
			else if (fn == 5 && !memcmp(start, "agent", 5))
				slot = &q->agent;
			if (slot) {
				free(*slot);
				*slot = xstrndup(colon + 1, (size_t)(p - colon - 1));
				if (slot == &q->layer && layer_index(*slot) < 0)
					return fail_line(RWB_EINPUT, xasprintf("layer:%.40s is not one of short_term, "
									       "mid_term, long_term", *slot));
				continue;
			}
		}
		pq_add_term(q, start, n > 1 && start[n - 1] == '*' ? n - 1 : n, n > 1 && start[n - 1] == '*');
	}
	return RWB_OK;
}

struct hit {
	int64_t id;                /* memory_entries.id */
	double score;              /* higher is better (-bm25, cosine or fused) */
	char *snippet;             /* owned, from FTS5 */
};

struct hits {
	struct hit *v;             /* owned, in rank order */
	int n, cap;
};

static void hits_push(struct hits *h, int64_t id, double score, char *snippet)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 32;
		h->v = xrealloc(h->v, (size_t)h->cap * sizeof(*h->v));
	}
	h->v[h->n++] = (struct hit){ id, score, snippet };
}

static void hits_free(struct hits *h)
{
	for (int i = 0; i < h->n; i++)
		free(h->v[i].snippet);
	free(h->v);
}

#define FILTERS " AND (?5 IS NULL OR e.project = ?5) AND (?6 IS NULL OR e.layer = ?6)" \
	" AND (?7 IS NULL OR e.category = ?7) AND (?8 IS NULL OR rwb_memory_glob(?8, e.key))" \
	" AND (?10 IS NULL OR e.namespace = ?10) AND (?11 IS NULL OR e.agent = ?11)"

static void bind_filters(sqlite3_stmt *st, const struct parsed_query *pq, const struct memory_query *q)
{
	const char *project = pq->project ? pq->project : q->project;
	const char *layer = pq->layer ? pq->layer : q->layer;
	const char *category = pq->category ? pq->category : q->category;
	const char *ns = pq->ns ? pq->ns : q->ns;
	const char *agent = pq->agent ? pq->agent : q->agent;

	if (ns)
		sqlite3_bind_text(st, 10, ns, -1, SQLITE_STATIC);
	if (agent)
		sqlite3_bind_text(st, 11, agent, -1, SQLITE_STATIC);
	if (project)
		sqlite3_bind_text(st, 5, project, -1, SQLITE_STATIC);
	if (layer)
		sqlite3_bind_text(st, 6, layer, -1, SQLITE_STATIC);
	if (category)
		sqlite3_bind_text(st, 7, category, -1, SQLITE_STATIC);
	if (pq->key)
		sqlite3_bind_text(st, 8, pq->key, -1, SQLITE_STATIC);
}

/* Column i as a one-line snippet (newlines and tabs as spaces), allocated. */
static char *flat_snippet(sqlite3_stmt *st, int i)
{
	char *snip = col_dup(st, i);

	for (char *c = snip; *c; c++)
		if (*c == '\n' || *c == '\t' || *c == '\r')
			*c = ' ';
	return snip;
}

/* FTS5's snippet of one row for match (NULL when the row does not match). */
static char *fts_snippet(struct store *s, sqlite3_stmt **st, const char *match, int64_t id,
			 const char *open, const char *close)
{
	char *snip = NULL;

	if (!*st && store_prepare(s, st, "SELECT snippet(memory_fts, -1, ?1, ?2, '…', 12) FROM memory_fts"
				  " WHERE memory_fts MATCH ?3 AND rowid = ?4") != RWB_OK)
		return NULL;
	sqlite3_bind_text(*st, 1, open, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 2, close, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 3, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(*st, 4, id);
	if (sqlite3_step(*st) == SQLITE_ROW)
		snip = flat_snippet(*st, 0);
	sqlite3_reset(*st);
	return snip;
}

static int search_fts(struct store *s, struct hits *out, const struct parsed_query *pq,
		      const struct memory_query *q, const char *match, int limit, int64_t now, bool snippets)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, snippets ?
			       "SELECT f.rowid, f.rank, snippet(memory_fts, -1, ?1, ?2, '…', 12)"
			       " FROM memory_fts f JOIN memory_entries e ON e.id = f.rowid"
			       " WHERE memory_fts MATCH ?3 AND (e.expires_at IS NULL OR e.expires_at > ?4)"
			       FILTERS " ORDER BY f.rank LIMIT ?9" :
			       "SELECT f.rowid, f.rank, NULL"
			       " FROM memory_fts f JOIN memory_entries e ON e.id = f.rowid"
			       " WHERE memory_fts MATCH ?3 AND (e.expires_at IS NULL OR e.expires_at > ?4)"
			       FILTERS " ORDER BY f.rank LIMIT ?9");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, q->mark_open ? q->mark_open : "[", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->mark_close ? q->mark_close : "]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	bind_filters(st, pq, q);
	sqlite3_bind_int(st, 9, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *snip = snippets ? flat_snippet(st, 2) : NULL;
		hits_push(out, sqlite3_column_int64(st, 0), -sqlite3_column_double(st, 1), snip);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
}

/* A bounded min-heap of the best (score, id) pairs. */
struct topk {
	struct hit *v;             /* owned: a min-heap on score, k slots */
	int n, k;                  /* used, capacity */
};

static void topk_push(struct topk *t, int64_t id, double score)
{
	int i;

	if (t->n < t->k) {
		i = t->n++;
	} else if (score > t->v[0].score) {
		/* replace the root and sift down */
		int j = 0;
		for (;;) {
			int l = 2 * j + 1, r = l + 1, m = j;
			double ms = score;
			if (l < t->n && t->v[l].score < ms) {
				m = l;
				ms = t->v[l].score;
			}
			if (r < t->n && t->v[r].score < ms)
				m = r;
			if (m == j)
				break;
			t->v[j] = t->v[m];
			j = m;
		}
		t->v[j] = (struct hit){ id, score, NULL };
		return;
	} else {
		return;
	}
	while (i > 0 && t->v[(i - 1) / 2].score > score) {
		t->v[i] = t->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	t->v[i] = (struct hit){ id, score, NULL };
}

static int hit_desc(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The vector cache: a file next to the store (STORE-vec) holding every
 * vector of memory_vectors packed (ids, expiries, then the int8 vectors),
 * so a search reads 26 MB with one read() instead of stepping 100k rows
 * (measured: 21 ms of CPU for the row scan alone). Writers set the
 * generation memory.vec_generation to a new random number in the
 * transaction that changes vectors; a reader whose cache has another generation rebuilds it from
 * the table (inside one read transaction, so the generation and the rows
 * agree) and replaces the file atomically. A hybrid search scans the pack
 * on a second thread while SQLite runs the full-text query on this one;
 * the scan touches no SQLite and is joined before the search returns. The table stays the truth: a
 * missing, foreign or damaged cache file is rebuilt, never trusted.
 */
#define VEC_MAGIC "RWBVEC1"

struct vec_pack {
	int64_t gen;               /* the generation the pack was made at */
	int dim, n;                /* bytes per vector, vectors */
	int64_t *ids;              /* n ids: owned, or inside map */
	int64_t *expires;          /* n expiries (0 never): owned, or inside map */
	int8_t *vecs;              /* n * dim values: owned, or inside map */
	void *map;                 /* the mapped cache file, or NULL */
	size_t map_len;            /* bytes mapped */
};

static void vec_pack_free(struct vec_pack *p)
{
	if (p->map) {
		munmap(p->map, p->map_len);
	} else {
		free(p->ids);
		free(p->expires);
		free(p->vecs);
	}
	memset(p, 0, sizeof(*p));
}

static int vec_bump(struct store *s)
{
	/* a random generation, not a counter: a store file made again from
	 * scratch must not meet an old cache file with the same number */
	return store_exec(s, "INSERT INTO settings(key, value) VALUES ('memory.vec_generation', random())"
			  " ON CONFLICT(key) DO UPDATE SET value = random()");
}

static int64_t vec_generation(struct store *s)
{
	char *v = NULL;
	int64_t g = 0;

	if (store_setting_get(s, "memory.vec_generation", &v) == RWB_OK)
		g = strtoll(v, NULL, 10);
	free(v);
	return g;
}

static char *vec_cache_path(struct store *s)
{
	if (!s->path || !*s->path || strcmp(s->path, ":memory:") == 0)
		return NULL;
	return xasprintf("%s-vec", s->path);
}

static bool write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Maps the cache file when it is of generation gen and dimension dim (one
 * mmap with the pages populated up front: no copy, no fault per page). */
static bool vec_cache_load(struct vec_pack *p, const char *path, int64_t gen, int dim)
{
	const char *m;
	int64_t hgen, hn_64;
	int32_t hdim, hn;
	struct stat st;
	void *map;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

	memset(p, 0, sizeof(*p));
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || st.st_size < 24) {
		close(fd);
		return false;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return false;
	m = map;
	memcpy(&hgen, m + 8, 8);
	memcpy(&hdim, m + 16, 4);
	memcpy(&hn, m + 20, 4);
	hn_64 = hn;
	if (memcmp(m, VEC_MAGIC, 8) != 0 || hgen != gen || hdim != dim || hn < 0 ||
	    24 + hn_64 * (16 + dim) != (int64_t)st.st_size) {
		munmap(map, (size_t)st.st_size);
		return false;
	}
	p->map = map;
	p->map_len = (size_t)st.st_size;
	p->gen = gen;
	p->dim = dim;
	p->n = hn;
	p->ids = (int64_t *)(void *)(m + 24);
	p->expires = (int64_t *)(void *)(m + 24 + (size_t)hn * 8);
	p->vecs = (int8_t *)(void *)(m + 24 + (size_t)hn * 16);
	return true;
}

/* Writes the pack to path atomically (a temporary file renamed over it). */
static void vec_cache_save(const struct vec_pack *p, const char *path)
{
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	int32_t dim = p->dim, n = p->n;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0) {
		free(tmp);
		return;
	}
	ok = write_full(fd, VEC_MAGIC, 8) && write_full(fd, &p->gen, 8) && write_full(fd, &dim, 4) &&
	     write_full(fd, &n, 4) && write_full(fd, p->ids, (size_t)n * 8) &&
	     write_full(fd, p->expires, (size_t)n * 8) && write_full(fd, p->vecs, (size_t)n * (size_t)dim);
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
	free(tmp);
}

/* The pack for this store at its current generation: from the cache file
 * or rebuilt from memory_vectors (then saved). */
static int vec_pack_get(struct store *s, struct vec_pack *p, int dim)
{
	sqlite3_stmt *st = NULL;
	char *path = vec_cache_path(s);
	int cap = 0, rc;
	bool in_tx = false;

	memset(p, 0, sizeof(*p));
	if (sqlite3_get_autocommit(s->db)) {
		rc = store_exec(s, "BEGIN");
		if (rc)
			goto out;
		in_tx = true;
	}
	p->gen = vec_generation(s);
	if (vec_cache_load(p, path, p->gen, dim)) {
		rc = RWB_OK;
		goto out;
	}
	p->dim = dim;
	p->gen = vec_generation(s);
	rc = store_prepare(s, &st, "SELECT id, expires_at, vec FROM memory_vectors");
	if (rc)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 2) != dim)
			continue;
		if (p->n == cap) {
			cap = cap ? cap * 2 : 1024;
			p->ids = xrealloc(p->ids, (size_t)cap * 8);
			p->expires = xrealloc(p->expires, (size_t)cap * 8);
			p->vecs = xrealloc(p->vecs, (size_t)cap * (size_t)dim);
		}
		p->ids[p->n] = sqlite3_column_int64(st, 0);
		p->expires[p->n] = sqlite3_column_int64(st, 1);
		memcpy(p->vecs + (size_t)p->n * (size_t)dim, sqlite3_column_blob(st, 2), (size_t)dim);
		p->n++;
	}
	if (rc == SQLITE_DONE) {
		rc = RWB_OK;
		if (path)
			vec_cache_save(p, path);
	} else if (rc != RWB_OK) {
		rc = store_error(s, rc);
	}
out:
	sqlite3_finalize(st);
	if (in_tx)
		store_exec(s, "COMMIT");
	free(path);
	if (rc)
		vec_pack_free(p);
	return rc;
}

/* A scan of the packed vectors: no SQLite, so it may run on its own
 * thread while the full-text query runs (hybrid search). */
struct vec_job {
	struct vec_pack pack;      /* owned */
	const int8_t *qv;          /* borrowed query vector */
	int dim, limit;            /* vector bytes, hits kept */
	int64_t now;               /* expiry cut-off, ms */
	struct hits out;           /* owned result, best first */
};

static void vec_job_run(struct vec_job *j)
{
	struct topk t = { xmalloc((size_t)j->limit * sizeof(struct hit)), 0, j->limit };
	int32_t qn = 0, vn;

	for (int i = 0; i < j->dim; i++)
		qn += j->qv[i] * j->qv[i];
	for (int i = 0; qn && i < j->pack.n; i++) {
		int32_t dot;
		if (j->pack.expires[i] && j->pack.expires[i] <= j->now)
			continue;
		dot = embed_dot_q(&vn, j->qv, j->pack.vecs + (size_t)i * (size_t)j->dim, j->dim);
		if (vn)
			topk_push(&t, j->pack.ids[i], dot / sqrt((double)qn * vn));
	}
	qsort(t.v, (size_t)t.n, sizeof(*t.v), hit_desc);
	for (int i = 0; i < t.n; i++)
		if (t.v[i].score > 0)
			hits_push(&j->out, t.v[i].id, t.v[i].score, NULL);
	free(t.v);
}

static void *vec_job_thread(void *arg)
{
	vec_job_run(arg);
	return NULL;
}

/* The vector search with filters: rows joined with their entries in SQL. */
static int search_vec_filtered(struct store *s, struct hits *out, const struct parsed_query *pq,
			       const struct memory_query *q, const int8_t *qv, int dim, int limit, int64_t now)
{
	sqlite3_stmt *st = NULL;
	struct topk t = { xmalloc((size_t)limit * sizeof(struct hit)), 0, limit };
	int32_t qn = 0, vn;
	int rc = RWB_OK;

	for (int i = 0; i < dim; i++)
		qn += qv[i] * qv[i];
	if (!qn)
		goto out;
	rc = store_prepare(s, &st, "SELECT v.id, v.vec FROM memory_vectors v JOIN memory_entries e ON e.id = v.id"
			   " WHERE (v.expires_at IS NULL OR v.expires_at > ?4)" FILTERS);
	if (rc)
		goto out;
	sqlite3_bind_int64(st, 4, now);
	bind_filters(st, pq, q);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const int8_t *v = sqlite3_column_blob(st, 1);
		int32_t dot;
		if (!v || sqlite3_column_bytes(st, 1) != dim)
			continue;
		dot = embed_dot_q(&vn, qv, v, dim);
		if (vn)
			topk_push(&t, sqlite3_column_int64(st, 0), dot / sqrt((double)qn * vn));
	}
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	qsort(t.v, (size_t)t.n, sizeof(*t.v), hit_desc);
	for (int i = 0; !rc && i < t.n; i++)
		if (t.v[i].score > 0)
			hits_push(out, t.v[i].id, t.v[i].score, NULL);
out:
	sqlite3_finalize(st);
	free(t.v);
	return rc;
}

struct snip_ctx {
	const char *value;         /* borrowed: the text searched */
	char **qwords;             /* owned: the query's words, lower-cased */
	int nq;
	size_t at, span;           /* the first close word's byte range */
	bool found;
};

static void snip_word(void *data, const char *w, size_t n, size_t at, size_t span)
{
	struct snip_ctx *c = data;

	if (c->found || n < 2)
		return;
	for (int i = 0; i < c->nq; i++) {
		size_t qn = strlen(c->qwords[i]);
		int tol = qn >= 8 ? 2 : qn >= 4 ? 1 : 0;
		if ((n == qn && memcmp(w, c->qwords[i], n) == 0) ||
		    (tol && (size_t)abs((int)n - (int)qn) <= (size_t)tol &&
		     cmdline_distance(w, c->qwords[i]) <= tol)) {
			c->found = true;
			c->at = at;
			c->span = span;
			return;
		}
	}
}

static void collect_qword(void *data, const char *w, size_t n, size_t at, size_t span)
{
	struct snip_ctx *c = data;
	(void)at;
	(void)span;
	if (n < 2)
		return;
	c->qwords = xrealloc(c->qwords, (size_t)(c->nq + 1) * sizeof(char *));
	c->qwords[c->nq++] = xstrndup(w, n);
}

/* A snippet for a hit FTS5 did not find: the window around the first word
 * close to a query word, marked; else the value's start. */
static char *make_snippet(const char *value, const char *query, const char *open, const char *close)
{
	struct snip_ctx c = { .value = value };
	struct strbuf sb = STRBUF_INIT;
	size_t len = strnlen(value, EMBED_MAX_INPUT), from, to;

	embed_words(query, strlen(query), collect_qword, &c);
	embed_words(value, len, snip_word, &c);
	if (!c.found) {
		c.at = 0;
		c.span = 0;
	}
	from = c.at > 40 ? c.at - 40 : 0;
	while (from > 0 && ((unsigned char)value[from] & 0xc0) == 0x80)
		from--;
	to = c.at + c.span + 60 < len ? c.at + c.span + 60 : len;
	while (to < len && ((unsigned char)value[to] & 0xc0) == 0x80)
		to++;
	if (from > 0)
		strbuf_adds(&sb, "…");
	for (size_t i = from; i < to; i++) {
		if (c.found && i == c.at)
			strbuf_adds(&sb, open);
		strbuf_addc(&sb, value[i] == '\n' || value[i] == '\t' ? ' ' : value[i]);
		if (c.found && i + 1 == c.at + c.span)
			strbuf_adds(&sb, close);
	}
	if (to < len)
		strbuf_adds(&sb, "…");
	for (int i = 0; i < c.nq; i++)
		free(c.qwords[i]);
	free(c.qwords);
	return strbuf_detach(&sb);
}

static int fetch_entry(struct store *s, sqlite3_stmt **st, struct memory_entry *e, int64_t id)
{
	int rc;

	if (!*st) {
		rc = store_prepare(s, st, "SELECT " ENTRY_COLS " FROM memory_entries WHERE id = ?1");
		if (rc)
			return rc;
	}
	sqlite3_bind_int64(*st, 1, id);
	rc = sqlite3_step(*st);
	if (rc == SQLITE_ROW)
		entry_from_row(e, *st, 0);
	sqlite3_reset(*st);
	return rc == SQLITE_ROW ? RWB_OK : rc == SQLITE_DONE ? RWB_ENOTFOUND : store_error(s, rc);
}

#define RRF_K 60.0
#define HYBRID_MIN_COSINE 0.1
#define HYBRID_DEPTH 50

int memory_search(struct store *s, struct memory_results *out, const struct memory_query *q)
{
	struct parsed_query pq;
	struct hits fts = { 0 }, vec = { 0 }, fused = { 0 };
	struct memory_writer w = { 0 };
	struct vec_job job = { 0 };
	sqlite3_stmt *fetch = NULL, *snip = NULL;
	const char *match = NULL;
	int8_t *qv = NULL;
	pthread_t thread;
	bool threaded = false, filtered;
	int64_t now = memory_now();
	int limit = q->limit > 0 ? q->limit : 10, rc, depth;
	const char *open = q->mark_open ? q->mark_open : "[", *close = q->mark_close ? q->mark_close : "]";

	memset(out, 0, sizeof(*out));
	memory_register(s);
	rc = pq_parse(&pq, q->text ? q->text : "");
	if (rc)
		goto out;
	if (pq.nterms == 0) {
		rc = rwb_fail(RWB_EINPUT, "the query has no words to look for (filters alone need words too)");
		goto out;
	}
	depth = q->mode == MEMORY_HYBRID ? (limit > HYBRID_DEPTH ? limit : HYBRID_DEPTH) : limit;
	filtered = pq.key || pq.project || pq.layer || pq.category || pq.ns || pq.agent || q->project ||
		   q->layer || q->category || q->ns || q->agent;
	out->cut = pq.cut;
	if (q->mode != MEMORY_FULLTEXT) {
		/* the query vector, a re-embedding when the embedder changed, the pack */
		float *v = NULL;
		char *cur = NULL;
		w.emb = embed_new();
		rc = embed_text(&v, w.emb, pq.plain.buf, pq.plain.len);
		if (rc)
			goto out;
		if (store_setting_get(s, "memory.embedder", &cur) == RWB_OK && strcmp(cur, w.emb->id) != 0) {
			struct memory_writer ww;
			rc = store_write_begin(s);
			if (!rc && !(rc = writer_init(&ww, s))) {
				rc = writer_sync_embedder(&ww);
				writer_free(&ww);
			}
			if (rc)
				store_write_rollback(s);
			else
				rc = store_write_commit(s);
		}
		free(cur);
		if (!rc) {
			qv = xmalloc((size_t)w.emb->dim);
			embed_quantize(qv, v, w.emb->dim);
			job.qv = qv;
			job.dim = w.emb->dim;
			job.limit = depth;
			job.now = now;
			if (filtered)
				rc = search_vec_filtered(s, &vec, &pq, q, qv, w.emb->dim, depth, now);
			else
				rc = vec_pack_get(s, &job.pack, w.emb->dim);
		}
		free(v);
		if (rc)
			goto out;
		/* hybrid: the scan runs beside the full-text query */
		if (!filtered && q->mode == MEMORY_HYBRID && pthread_create(&thread, NULL, vec_job_thread, &job) == 0)
			threaded = true;
		else if (!filtered)
			vec_job_run(&job);
	}
	if (q->mode != MEMORY_VECTOR) {
		bool snippets = q->mode == MEMORY_FULLTEXT;
		match = strbuf_str(&pq.fts_and);
		rc = search_fts(s, &fts, &pq, q, match, depth, now, snippets);
		if (!rc && fts.n == 0 && pq.nterms > 1) {
			match = strbuf_str(&pq.fts_or);
			rc = search_fts(s, &fts, &pq, q, match, depth, now, snippets);
		}
		if (rc)
			rwb_fail_wrap(rc, "full-text search failed");
	}
	if (threaded) {
		pthread_join(thread, NULL);
		threaded = false;
	}
	if (!filtered && q->mode != MEMORY_FULLTEXT) {
		vec = job.out;
		job.out = (struct hits){ 0 };
	}
	if (rc)
		goto out;
	/* fuse */
	if (q->mode == MEMORY_FULLTEXT) {
		fused = fts;
		fts = (struct hits){ 0 };
	} else if (q->mode == MEMORY_VECTOR) {
		fused = vec;
		vec = (struct hits){ 0 };
	} else {
		for (int i = 0; i < fts.n; i++) {
			hits_push(&fused, fts.v[i].id, 1.0 / (RRF_K + i + 1), fts.v[i].snippet);
			fts.v[i].snippet = NULL;
		}
		for (int i = 0; i < vec.n; i++) {
			int j;
			/* below the noise floor of hashed features (about 1/sqrt(dim))
			 * a vector hit says nothing; it would only pad the list */
			if (vec.v[i].score < HYBRID_MIN_COSINE)
				break;
			for (j = 0; j < fused.n && fused.v[j].id != vec.v[i].id; j++)
				;
			if (j < fused.n)
				fused.v[j].score += 1.0 / (RRF_K + i + 1);
			else
				hits_push(&fused, vec.v[i].id, 1.0 / (RRF_K + i + 1), NULL);
		}
	}
	out->v = xcalloc((size_t)(fused.n ? fused.n : 1), sizeof(*out->v));
	for (int i = 0; i < fused.n; i++) {
		struct memory_result *r = &out->v[out->n];
		if (fetch_entry(s, &fetch, &r->e, fused.v[i].id) != RWB_OK)
			continue;
		r->id = fused.v[i].id;
		r->score = fused.v[i].score;
		if (q->mode == MEMORY_HYBRID) {
			double age_days = (double)(now - r->e.updated_at) / 86400000.0;
			/* small boosts: at most a third of one rank step at the top */
			r->score += 0.002 * exp(-(age_days > 0 ? age_days : 0) / 30.0);
			r->score += 0.001 * fmin(1.0, log1p((double)r->e.access_count) / 5.0);
		}
		for (int j = 0; j < fts.n; j++)
			if (fts.v[j].id == fused.v[i].id)
				r->fts_rank = j + 1;
		for (int j = 0; j < vec.n; j++)
			if (vec.v[j].id == fused.v[i].id)
				r->vec_rank = j + 1;
		if (q->mode == MEMORY_FULLTEXT)
			r->fts_rank = i + 1;
		if (q->mode == MEMORY_VECTOR)
			r->vec_rank = i + 1;
		r->snippet = fused.v[i].snippet;  /* the rest after the cut */
		fused.v[i].snippet = NULL;
		out->n++;
	}
	{
		/* best first; ties by key for a stable order */
		for (int i = 1; i < out->n; i++) {
			struct memory_result x = out->v[i];
			int j = i - 1;
			while (j >= 0 && (out->v[j].score < x.score ||
					  (out->v[j].score == x.score && strcmp(out->v[j].e.key, x.e.key) > 0))) {
				out->v[j + 1] = out->v[j];
				j--;
			}
			out->v[j + 1] = x;
		}
		for (int i = limit; i < out->n; i++) {
			memory_entry_release(&out->v[i].e);
			free(out->v[i].snippet);
		}
		if (out->n > limit)
			out->n = limit;
	}
	/* snippets only for what is shown: FTS5's for full-text hits, ours else */
	for (int i = 0; i < out->n; i++) {
		struct memory_result *r = &out->v[i];
		if (!r->snippet && r->fts_rank && match)
			r->snippet = fts_snippet(s, &snip, match, r->id, open, close);
		if (!r->snippet)
			r->snippet = make_snippet(r->e.value, pq.plain.buf, open, close);
	}
	rc = RWB_OK;
out:
	if (threaded)
		pthread_join(thread, NULL);
	vec_pack_free(&job.pack);
	hits_free(&job.out);
	free(qv);
	sqlite3_finalize(snip);
	sqlite3_finalize(fetch);
	embed_free(w.emb);
	hits_free(&fts);
	hits_free(&vec);
	hits_free(&fused);
	pq_release(&pq);
	if (rc)
		memory_results_release(out);
	return rc;
}

/* ---- JSON, export and import ---- */

void memory_iso_time(char *buf, size_t n, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	char tmp[128];
	size_t len;

	if (n == 0)
		return;
	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	len = strlen(tmp);
	if (len >= n)
		len = n - 1;
	memcpy(buf, tmp, len);
	buf[len] = 0;
}

bool memory_iso_parse(const char *s, int64_t *ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, frac = 0, used = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 || used != 19)
		return false;
	s += used;
	if (*s == '.') {
		int digits = 0;
		for (s++; isdigit((unsigned char)*s); s++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*s - '0');
		if (digits == 0)
			return false;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (strcmp(s, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    y < 1970)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return true;
}

static cJSON *tags_json(const char *tags)
{
	cJSON *arr = cJSON_CreateArray();
	const char *p = tags;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n) {
			char *t = xstrndup(p, n);
			cJSON_AddItemToArray(arr, cJSON_CreateString(t));
			free(t);
		}
		p = c ? c + 1 : NULL;
	}
	return arr;
}

/* NAME: the time as ISO 8601 UTC, or null when ms is 0 (never set). */
void memory_json_time(cJSON *o, const char *name, int64_t ms)
{
	char buf[40];

	if (!ms) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	memory_iso_time(buf, sizeof(buf), ms);
	cJSON_AddStringToObject(o, name, buf);
}

cJSON *memory_entry_json(const struct memory_entry *e)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "key", e->key);
	cJSON_AddStringToObject(o, "value", e->value);
	cJSON_AddStringToObject(o, "layer", e->layer);
	cJSON_AddStringToObject(o, "category", e->category);
	cJSON_AddStringToObject(o, "project", e->project);
	cJSON_AddStringToObject(o, "intent", e->intent);
	cJSON_AddItemToObject(o, "tags", tags_json(e->tags));
	cJSON_AddStringToObject(o, "agent", e->agent);
	if (e->ns && *e->ns)
		cJSON_AddStringToObject(o, "namespace", e->ns);
	cJSON_AddNumberToObject(o, "version", e->version);
	memory_json_time(o, "created_at", e->created_at);
	memory_json_time(o, "updated_at", e->updated_at);
	memory_json_time(o, "expires_at", e->expires_at);
	return o;
}

bool memory_filter_match(const struct memory_filter *f, const struct memory_entry *e)
{
	if (!f)
		return true;
	if (f->pattern && *f->pattern && !memory_glob_match(f->pattern, e->key))
		return false;
	if (f->ns && *f->ns && strcmp(f->ns, str_or_empty(e->ns)) != 0)
		return false;
	if (f->layer && *f->layer && strcmp(f->layer, str_or_empty(e->layer)) != 0)
		return false;
	if (f->tags && *f->tags) {
		/* any of the wanted tags among the entry's */
		for (const char *w = f->tags; *w;) {
			size_t wn = strcspn(w, ",");
			for (const char *t = str_or_empty(e->tags); *t;) {
				size_t tn = strcspn(t, ",");
				if (tn == wn && wn && !memcmp(t, w, wn))
					return true;
				t += tn + (t[tn] == ',');
			}
			w += wn + (w[wn] == ',');
		}
		return false;
	}
	return true;
}

/* Live entries f takes, sorted by key. */
static int retrieve_filtered(struct store *s, struct memory_list *l, const struct memory_filter *f)
{
	int rc = memory_retrieve(s, l, f && f->pattern && *f->pattern ? f->pattern : "**", false), k = 0;

	if (rc)
		return rc;
	for (int i = 0; i < l->n; i++) {
		if (memory_filter_match(f, &l->v[i]))
			l->v[k++] = l->v[i];
		else
			memory_entry_release(&l->v[i]);
	}
	l->n = k;
	return RWB_OK;
}

int memory_export(struct store *s, char **text, int *count, const char *pattern)
{
	struct memory_filter f = { .pattern = pattern };

	return memory_export_filtered(s, text, count, &f);
}

int memory_export_filtered(struct store *s, char **text, int *count, const struct memory_filter *f)
{
	struct memory_list l;
	cJSON *doc, *arr;
	char *t;
	int rc = retrieve_filtered(s, &l, f);

	*text = NULL;
	*count = 0;
	if (rc)
		return rc;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "format", "rwb-memory");
	cJSON_AddNumberToObject(doc, "version", 1);
	arr = cJSON_AddArrayToObject(doc, "entries");
	for (int i = 0; i < l.n; i++)
		cJSON_AddItemToArray(arr, memory_entry_json(&l.v[i]));
	t = cJSON_Print(doc);
	*text = xasprintf("%s\n", t);
	*count = l.n;
	cJSON_free(t);
	cJSON_Delete(doc);
	memory_list_release(&l);
	return RWB_OK;
}

/* One validated entry of an import document (strings borrowed from the JSON). */
struct import_item {
	struct memory_input in;
	char *tags;                 /* owned: joined tags */
	int version;
	int64_t created_at, updated_at, expires_at;
};

static int import_fail(int idx, const char *key, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int import_fail(int idx, const char *key, const char *field, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "entry %d", idx);
	if (key)
		strbuf_addf(&sb, " (key \"%.80s\")", key);
	if (field)
		strbuf_addf(&sb, ": field \"%s\"", field);
	strbuf_adds(&sb, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return fail_line(RWB_EINPUT, strbuf_detach(&sb));
}

static int import_string(const cJSON *o, const char *field, const char **out, int idx, const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, field);

	*out = NULL;
	if (!f || cJSON_IsNull(f))
		return RWB_OK;
	if (!cJSON_IsString(f))
		return import_fail(idx, key, field, "must be a string");
	*out = f->valuestring;
	return RWB_OK;
}

static int import_time(const cJSON *o, const char *field, int64_t *out, int idx, const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, field);

	*out = 0;
	if (!f || cJSON_IsNull(f))
		return RWB_OK;
	if (!cJSON_IsString(f) || !memory_iso_parse(f->valuestring, out))
		return import_fail(idx, key, field,
				   "must be an ISO-8601 UTC time like \"2026-01-31T12:00:00.000Z\" (or null)");
	return RWB_OK;
}

static int import_entry(struct import_item *it, const cJSON *e, int idx)
{
	const cJSON *key, *value, *tags, *ver;
	const char *k;
	int rc;

	memset(it, 0, sizeof(*it));
	if (!cJSON_IsObject(e))
		return import_fail(idx, NULL, NULL, "must be an object with at least \"key\" and \"value\"");
	key = cJSON_GetObjectItemCaseSensitive(e, "key");
	if (!cJSON_IsString(key))
		return import_fail(idx, NULL, "key", key ? "must be a string" : "is missing (required)");
	k = key->valuestring;
	if (memory_key_check(k)) {
		char *why = xstrdup(rwb_last_error());
		rc = import_fail(idx, k, "key", "%s", why);
		free(why);
		return rc;
	}
	value = cJSON_GetObjectItemCaseSensitive(e, "value");
	if (!cJSON_IsString(value))
		return import_fail(idx, k, "value", value ? "must be a string" : "is missing (required)");
	if (strlen(value->valuestring) > MEMORY_MAX_VALUE)
		return import_fail(idx, k, "value", "is %zu bytes; at most %d (1 MB) are accepted",
				   strlen(value->valuestring), MEMORY_MAX_VALUE);
	it->in.key = k;
	it->in.value = value->valuestring;
	if ((rc = import_string(e, "layer", &it->in.layer, idx, k)) ||
	    (rc = import_string(e, "category", &it->in.category, idx, k)) ||
	    (rc = import_string(e, "project", &it->in.project, idx, k)) ||
	    (rc = import_string(e, "intent", &it->in.intent, idx, k)) ||
	    (rc = import_string(e, "agent", &it->in.agent, idx, k)) ||
	    (rc = import_string(e, "namespace", &it->in.ns, idx, k)) ||
	    (rc = import_time(e, "created_at", &it->created_at, idx, k)) ||
	    (rc = import_time(e, "updated_at", &it->updated_at, idx, k)) ||
	    (rc = import_time(e, "expires_at", &it->expires_at, idx, k)))
		return rc;
	if (it->in.layer && layer_index(it->in.layer) < 0)
		return import_fail(idx, k, "layer", "\"%.40s\" is not one of short_term, mid_term, long_term",
				   it->in.layer);
	tags = cJSON_GetObjectItemCaseSensitive(e, "tags");
	if (tags && !cJSON_IsNull(tags)) {
		struct strbuf sb = STRBUF_INIT;
		const cJSON *t;
		if (cJSON_IsString(tags)) {
			strbuf_adds(&sb, tags->valuestring);
		} else if (cJSON_IsArray(tags)) {
			cJSON_ArrayForEach(t, tags) {
				if (!cJSON_IsString(t) || strchr(t->valuestring, ',')) {
					strbuf_free(&sb);
					return import_fail(idx, k, "tags",
							   "must be an array of strings without ','");
				}
				if (sb.len)
					strbuf_addc(&sb, ',');
				strbuf_adds(&sb, t->valuestring);
			}
		} else {
			return import_fail(idx, k, "tags", "must be an array of strings");
		}
		it->tags = strbuf_detach(&sb);
		it->in.tags = it->tags;
	}
	ver = cJSON_GetObjectItemCaseSensitive(e, "version");
	if (ver && !cJSON_IsNull(ver)) {
		if (!cJSON_IsNumber(ver) || ver->valuedouble < 1 || ver->valuedouble > 1e9 ||
		    ver->valuedouble != (double)(int)ver->valuedouble)
			return import_fail(idx, k, "version", "must be a whole number from 1");
		it->version = (int)ver->valuedouble;
	}
	return RWB_OK;
}

static int key_cmp(const void *a, const void *b)
{
	const struct import_item *x = a, *y = b;
	return strcmp(x->in.key, y->in.key);
}

/* Parses and validates a document into items (borrowing from *doc). */
static int import_parse(cJSON **doc, struct import_item **items, int *n, const char *text, size_t len)
{
	const char *end = NULL;
	const cJSON *fmt, *ver, *entries, *e;
	struct import_item *v = NULL;
	int i = 0, rc = RWB_OK;

	*items = NULL;
	*n = 0;
	*doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!*doc) {
		size_t at = end && end >= text ? (size_t)(end - text) : 0, line = 1;
		for (size_t k = 0; k < at && k < len; k++)
			line += text[k] == '\n';
		return rwb_fail(RWB_EINPUT, "not valid JSON (line %zu, byte %zu); expected {\"format\":\"rwb-memory\","
				"\"version\":1,\"entries\":[...]}", line, at);
	}
	fmt = cJSON_GetObjectItemCaseSensitive(*doc, "format");
	ver = cJSON_GetObjectItemCaseSensitive(*doc, "version");
	entries = cJSON_GetObjectItemCaseSensitive(*doc, "entries");
	if (!cJSON_IsObject(*doc) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "rwb-memory") != 0)
		return rwb_fail(RWB_EINPUT, "wrong shape: expected an object with \"format\":\"rwb-memory\", \"version\":1 "
				"and \"entries\":[...]");
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		return rwb_fail(RWB_EINPUT, "wrong shape: field \"version\" must be 1 (the only format version this rwb reads)");
	if (!cJSON_IsArray(entries))
		return rwb_fail(RWB_EINPUT, "wrong shape: field \"entries\" must be an array of entries");
	v = xcalloc((size_t)cJSON_GetArraySize(entries) + 1, sizeof(*v));
	cJSON_ArrayForEach(e, entries) {
		rc = import_entry(&v[i], e, i);
		if (rc)
			break;
		i++;
	}
	if (!rc && i > 1) {
		/* duplicate keys would make the result depend on the order */
		struct import_item *sorted = xmalloc((size_t)i * sizeof(*sorted));
		memcpy(sorted, v, (size_t)i * sizeof(*sorted));
		qsort(sorted, (size_t)i, sizeof(*sorted), key_cmp);
		for (int k = 1; k < i && !rc; k++) {
			if (strcmp(sorted[k].in.key, sorted[k - 1].in.key) == 0) {
				int idx = 0;
				for (int j = 0; j < i; j++)
					if (strcmp(v[j].in.key, sorted[k].in.key) == 0)
						idx = j;
				rc = import_fail(idx, sorted[k].in.key, "key", "appears twice in the file");
			}
		}
		free(sorted);
	}
	if (rc) {
		for (int k = 0; k <= i && k < cJSON_GetArraySize(entries); k++)
			free(v[k].tags);
		free(v);
		return rc;
	}
	*items = v;
	*n = i;
	return RWB_OK;
}

static void items_free(struct import_item *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].tags);
	free(v);
}

int memory_import_check(const char *text, size_t len, int *count)
{
	cJSON *doc = NULL;
	struct import_item *v = NULL;
	int n = 0, rc;

	rc = import_parse(&doc, &v, &n, text, len);
	items_free(v, n);
	cJSON_Delete(doc);
	*count = n;
	return rc;
}

/* Indexes the rows a deferred writer (import) wrote, in one statement: one
 * FTS5 flush, not one per row. */
static int writer_flush_fts(struct memory_writer *w)
{
	sqlite3_stmt *st = NULL;
	char *ids;
	int rc;

	if (!w->fts_ids.len)
		return RWB_OK;
	ids = xasprintf("[%s]", w->fts_ids.buf);
	rc = store_prepare(w->s, &st, "INSERT INTO memory_fts(rowid, " FTS_COLS ") SELECT id, " FTS_COLS
			   " FROM memory_entries WHERE id IN (SELECT value FROM json_each(?1))"
			   " AND deleted_at IS NULL");
	if (!rc) {
		sqlite3_bind_text(st, 1, ids, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? RWB_OK : store_error(w->s, sqlite3_errcode(w->s->db));
	}
	sqlite3_finalize(st);
	free(ids);
	if (rc)
		rwb_fail_wrap(rc, "indexing the imported entries failed");
	return rc;
}

int memory_import(struct store *s, int *count, const char *text, size_t len)
{
	cJSON *doc = NULL;
	struct import_item *v = NULL;
	struct memory_writer w;
	struct strbuf scratch = STRBUF_INIT;
	int n = 0, rc;

	*count = 0;
	rc = import_parse(&doc, &v, &n, text, len);
	if (rc)
		goto out;
	/* a big import wants a bigger page cache than the 2 MB default */
	store_exec(s, "PRAGMA cache_size = -65536");
	rc = writer_open(&w, s);
	if (rc)
		goto out;
	w.defer_fts = true;
	for (int i = 0; !rc && i < n; i++) {
		struct put p = {
			.in = &v[i].in, .created_at = v[i].created_at, .updated_at = v[i].updated_at,
			.expires_at = v[i].expires_at ? v[i].expires_at : (v[i].created_at ? 0 : -1),
			.version = v[i].version,
		};
		rc = writer_put(&w, NULL, &p, &scratch);
		if (rc)
			fail_line(rc, xasprintf("entry %d (key \"%.80s\"): %s", i, v[i].in.key,
						rwb_last_error()));
	}
	if (!rc)
		rc = writer_flush_fts(&w);
	writer_free(&w);
	if (rc) {
		store_write_rollback(s);
		goto out;
	}
	rc = store_write_commit(s);
	if (!rc)
		*count = n;
out:
	strbuf_free(&scratch);
	items_free(v, n);
	cJSON_Delete(doc);
	return rc;
}

/* ---- patterns through git: the line file (memshare.h) ---- */

int memory_share_export(struct store *s, char **text, int *count, int *nversions, const struct memory_filter *f)
{
	struct memory_list l, all = { 0 };
	int rc = retrieve_filtered(s, &l, f), cap = 0;

	*text = NULL;
	*count = 0;
	*nversions = 0;
	if (rc)
		return rc;
	for (int i = 0; !rc && i < l.n; i++) {
		struct memory_list h;
		rc = memory_history(s, &h, l.v[i].key);
		for (int k = 0; !rc && k < h.n; k++)
			list_push(&all, &cap, &h.v[k]);
		if (!rc)
			free(h.v);
	}
	if (!rc)
		rc = memshare_format(text, &all);
	if (!rc) {
		*count = l.n;
		*nversions = all.n;
	}
	memory_list_release(&all);
	memory_list_release(&l);
	return rc;
}

static void entry_copy(struct memory_entry *d, const struct memory_entry *e)
{
	*d = *e;
	d->key = xstrdup(e->key);
	d->value = xstrdup(str_or_empty(e->value));
	d->layer = xstrdup(str_or_empty(e->layer));
	d->category = xstrdup(str_or_empty(e->category));
	d->project = xstrdup(str_or_empty(e->project));
	d->intent = xstrdup(str_or_empty(e->intent));
	d->tags = xstrdup(str_or_empty(e->tags));
	d->agent = xstrdup(str_or_empty(e->agent));
	d->ns = xstrdup(str_or_empty(e->ns));
	d->deleted = false;
}

static int share_entry_cmp(const void *a, const void *b)
{
	return memshare_cmp(a, b);
}

static int key_then_version(const void *pa, const void *pb)
{
	const struct memory_entry *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : a->version < b->version ? -1 : a->version > b->version;
}

/* The statements of a patterns import besides the writer's. */
struct share_stmts {
	sqlite3_stmt *live;         /* the key's row, deleted or not */
	sqlite3_stmt *hist;         /* its history */
	sqlite3_stmt *del;          /* drop its history */
	sqlite3_stmt *ins;          /* one history row */
};

/* Reads key's versions in the store into cur (sorted by the merge order);
 * *id is the live row's (0: none), *deleted whether it is deleted. */
static int share_load(struct memory_writer *w, struct share_stmts *q, const char *key, struct memory_list *cur,
		      int64_t *id, bool *deleted)
{
	int cap = 0, rc;

	memset(cur, 0, sizeof(*cur));
	*id = 0;
	*deleted = false;
	sqlite3_bind_text(q->live, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q->live);
	if (rc == SQLITE_ROW) {
		struct memory_entry e;
		entry_from_row(&e, q->live, 0);
		*id = sqlite3_column_int64(q->live, 16);
		*deleted = e.deleted;
		e.deleted = false;
		list_push(cur, &cap, &e);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(q->live);
	if (rc != SQLITE_DONE)
		return store_error(w->s, rc);
	sqlite3_bind_text(q->hist, 1, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q->hist)) == SQLITE_ROW) {
		struct memory_entry e;
		entry_from_row(&e, q->hist, 0);
		list_push(cur, &cap, &e);
	}
	sqlite3_reset(q->hist);
	if (rc != SQLITE_DONE)
		return store_error(w->s, rc);
	if (cur->n > 1)   /* an empty list has no array */
		qsort(cur->v, (size_t)cur->n, sizeof(*cur->v), share_entry_cmp);
	return RWB_OK;
}

/* Merges one key's file versions f[0..nf) into the store. */
static int share_key(struct memory_writer *w, struct share_stmts *q, const struct memory_entry *f, int nf,
		     int64_t now, struct strbuf *scratch, struct memory_share_stats *st)
{
	struct memory_list cur;
	struct memory_entry *all, *top;
	int64_t id;
	bool deleted, same = true, known = true;
	int n, m, rc = share_load(w, q, f[0].key, &cur, &id, &deleted);

	if (rc)
		return rwb_fail_wrap(rc, "key \"%.80s\"", f[0].key);
	n = cur.n + nf;
	all = xcalloc((size_t)n, sizeof(*all));
	for (int i = 0; i < cur.n; i++)
		entry_copy(&all[i], &cur.v[i]);
	for (int i = 0; i < nf; i++)
		entry_copy(&all[cur.n + i], &f[i]);
	m = memshare_merge(all, n);
	/* unchanged: the store already holds exactly the merged history */
	same = m == cur.n;
	for (int i = 0; same && i < m; i++)
		same = all[i].version == cur.v[i].version && memshare_same(&all[i], &cur.v[i]);
	for (int i = 0; deleted && i < nf; i++) {
		bool found = false;
		for (int k = 0; k < cur.n && !found; k++)
			found = memshare_same(&f[i], &cur.v[k]);
		known &= found;
	}
	top = &all[m - 1];
	if (same || (deleted && known)) {
		/* a key deleted here stays deleted until someone makes a new version */
		st->unchanged++;
		goto out;
	}
	if (top->expires_at && top->expires_at <= now) {
		st->expired++;
		goto out;
	}
	sqlite3_bind_text(q->del, 1, top->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q->del);
	sqlite3_reset(q->del);
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(w->s, rc);
	for (int i = 0; !rc && i < m - 1; i++) {
		const struct memory_entry *e = &all[i];
		const char *t[] = { e->key, NULL, e->value, e->layer, e->category, e->project, e->intent, e->tags,
				    e->agent };
		for (int k = 0; k < 9; k++)
			if (k != 1)
				sqlite3_bind_text(q->ins, k + 1, t[k], -1, SQLITE_STATIC);
		sqlite3_bind_int(q->ins, 2, e->version);
		sqlite3_bind_int64(q->ins, 10, e->created_at);
		sqlite3_bind_int64(q->ins, 11, e->updated_at);
		if (e->expires_at)
			sqlite3_bind_int64(q->ins, 12, e->expires_at);
		else
			sqlite3_bind_null(q->ins, 12);
		sqlite3_bind_text(q->ins, 13, e->ns, -1, SQLITE_STATIC);
		rc = sqlite3_step(q->ins);
		sqlite3_reset(q->ins);
		rc = rc == SQLITE_DONE ? RWB_OK : store_error(w->s, rc);
	}
	if (!rc && id)
		rc = fts_row(w->s, w->fts, id, true);  /* the old content leaves the index */
	if (!rc) {
		sqlite3_stmt *up = id ? w->update : w->insert;
		if (id)
			sqlite3_bind_int64(up, 1, id);
		else
			sqlite3_bind_text(up, 1, top->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, top->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 3, top->layer, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 4, top->category, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 5, top->project, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 6, top->intent, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 7, top->tags, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 8, top->agent, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 13, top->ns, -1, SQLITE_STATIC);
		if (id) {
			sqlite3_bind_int64(up, 9, top->updated_at);
			if (top->expires_at)
				sqlite3_bind_int64(up, 10, top->expires_at);
			else
				sqlite3_bind_null(up, 10);
			sqlite3_bind_int(up, 11, top->version);
			sqlite3_bind_int64(up, 12, top->created_at);
		} else {
			sqlite3_bind_int64(up, 9, top->created_at);
			sqlite3_bind_int64(up, 10, top->updated_at);
			if (top->expires_at)
				sqlite3_bind_int64(up, 11, top->expires_at);
			else
				sqlite3_bind_null(up, 11);
			sqlite3_bind_int(up, 12, top->version);
		}
		rc = sqlite3_step(up);
		sqlite3_reset(up);
		rc = rc == SQLITE_DONE ? RWB_OK : store_error(w->s, rc);
		if (!rc && !id)
			id = sqlite3_last_insert_rowid(w->s->db);
	}
	if (rc)
		rwb_fail_wrap(rc, "key \"%.80s\"", f[0].key);   /* the store's message */
	if (!rc) {
		strbuf_addf(&w->fts_ids, "%s%lld", w->fts_ids.len ? "," : "", (long long)id);
		embed_source(scratch, top->key, top->category, top->project, top->intent, top->tags, top->ns,
			     top->agent, top->value);
		rc = writer_embed(w, id, top->expires_at, scratch->buf, scratch->len);
	}
	if (!rc) {
		if (cur.n)
			st->updated++;
		else
			st->added++;
	}
out:
	for (int i = 0; i < m; i++)
		memory_entry_release(&all[i]);
	free(all);
	memory_list_release(&cur);
	return rc;
}

int memory_share_import(struct store *s, struct memory_share_stats *st, const char *text, size_t len)
{
	struct memory_list file;
	struct memory_writer w;
	struct share_stmts q = { NULL };
	struct strbuf scratch = STRBUF_INIT;
	int64_t now = memory_now();
	int rc;

	memset(st, 0, sizeof(*st));
	rc = memshare_parse(&file, text, len);
	if (rc)
		return rc;
	if (file.n > 1)
		qsort(file.v, (size_t)file.n, sizeof(*file.v), key_then_version);
	rc = writer_open(&w, s);
	if (rc)
		goto out;
	w.defer_fts = true;
	rc = store_prepare(s, &q.live, "SELECT " ENTRY_COLS ", id FROM memory_entries WHERE key = ?1");
	if (!rc)
		rc = store_prepare(s, &q.hist, "SELECT key, value, layer, category, project, intent, tags, agent,"
				   " created_at, updated_at, 0, expires_at, 0, version, NULL, namespace"
				   " FROM memory_versions WHERE key = ?1");
	if (!rc)
		rc = store_prepare(s, &q.del, "DELETE FROM memory_versions WHERE key = ?1");
	if (!rc)
		rc = store_prepare(s, &q.ins, "INSERT INTO memory_versions(key, version, value, layer, category,"
				   " project, intent, tags, agent, created_at, updated_at, expires_at, namespace)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	st->versions = file.n;
	for (int i = 0, j; !rc && i < file.n; i = j) {
		for (j = i; j < file.n && !strcmp(file.v[j].key, file.v[i].key); j++)
			;
		st->keys++;
		rc = share_key(&w, &q, &file.v[i], j - i, now, &scratch, st);
	}
	if (!rc)
		rc = writer_flush_fts(&w);
	sqlite3_finalize(q.live);
	sqlite3_finalize(q.hist);
	sqlite3_finalize(q.del);
	sqlite3_finalize(q.ins);
	writer_free(&w);
	if (rc)
		store_write_rollback(s);
	else
		rc = store_write_commit(s);
	if (rc) {
		int keys = st->keys, versions = st->versions;
		memset(st, 0, sizeof(*st));
		st->keys = keys;
		st->versions = versions;
	}
out:
	strbuf_free(&scratch);
	memory_list_release(&file);
	return rc;
}

int memory_seed_starter(struct store *s)
{
	char *flag = NULL, *text = NULL;
	const char *env = getenv("RWB_MEMORY_STARTER");
	size_t len = 0;
	int rc, n = 0;

	if (store_setting_get(s, "memory.starter_seeded", &flag) == RWB_OK) {
		free(flag);
		return RWB_OK;
	}
	rc = memory_count(s, &n);
	if (rc)
		return rc;
	if (n == 0) {
		if (env && *env)
			text = strbuf_read_file(env, 0, &len);
		if (!text) {
			char *path = datadir_find("memory-starter.json");
			text = path ? strbuf_read_file(path, 0, &len) : NULL;
			free(path);
		}
		if (!text)
			return RWB_ENOTFOUND;
		rc = memory_import(s, &n, text, len);
		free(text);
		if (rc)
			return rc;
	}
	return store_setting_set(s, "memory.starter_seeded", "1");
}
