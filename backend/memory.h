/*
 * memory.h - the memory store: namespaced entries with layers, versions,
 * soft delete, expiry, and hybrid (full-text + vector) search.
 *
 * Keys are paths NAMESPACE/PROJECT/DATA-TYPE (1 to 16 non-empty segments,
 * no '*'). Every store of an existing key keeps the previous content in
 * memory_versions (history you can browse and restore); a delete only marks
 * the entry until memory_purge(). Layers give a default retention (short
 * 24 h, mid 30 days, long forever; settings memory.retention.LAYER in
 * seconds, 0 = forever); an explicit expiry overrides it. Expired entries
 * are invisible to every read at once and removed lazily by the next write.
 *
 * Search: full text is FTS5 with BM25 (prefix "foo*", phrases "a b", and
 * key:/project:/layer:/category:/namespace:/agent: filters in the query text; at most
 * MEMORY_MAX_QUERY_TERMS terms are searched for, so a query's cost is linear in its length); vector is
 * cosine over the int8 embeddings in memory_vectors (see embed.h); hybrid
 * fuses both ranked lists by reciprocal rank fusion plus small boosts for
 * recency and access count.
 *
 * All times are milliseconds since the epoch; JSON shows ISO-8601 UTC.
 * Never: change the store on bad input (imports are one transaction and
 * validated before anything is written).
 */
#ifndef RWB_MEMORY_H
#define RWB_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

struct store;

#define MEMORY_MAX_VALUE (1024 * 1024)  /* bytes */
#define MEMORY_MAX_KEY 512              /* bytes */
#define MEMORY_MAX_QUERY_TERMS 32       /* terms of a search query; the rest is dropped (results.cut) */

struct memory_entry {
	char *key;                  /* owned */
	char *value;                /* owned */
	char *layer;                /* owned: short_term | mid_term | long_term */
	char *category, *project, *intent, *tags, *agent; /* owned; "" when unset; tags "a,b" */
	char *ns;                   /* owned: the namespace field ("" when unset) */
	int64_t created_at;         /* first version, ms */
	int64_t updated_at;         /* this version, ms */
	int64_t accessed_at;        /* last retrieve, ms */
	int64_t expires_at;         /* ms, 0 = never */
	int64_t access_count;
	int version;                /* 1, 2, ... */
	bool deleted;               /* soft-deleted (history only) */
};

struct memory_list {
	struct memory_entry *v;     /* owned array */
	int n;
};

/* What to store; NULL fields mean "" (layer: mid_term). */
struct memory_input {
	const char *key, *value, *layer, *category, *project, *intent, *tags, *agent;
	const char *ns;             /* the namespace field (not a key prefix) */
	int64_t expires_in_ms;      /* > 0: expire after this; 0: the layer's retention */
};

enum memory_mode { MEMORY_HYBRID, MEMORY_FULLTEXT, MEMORY_VECTOR };

struct memory_query {
	const char *text;           /* with optional key:/project:/layer:/category: filters */
	enum memory_mode mode;
	int limit;                  /* <= 0: 10 */
	const char *project;        /* filter, or NULL */
	const char *layer;          /* filter, or NULL */
	const char *category;       /* filter, or NULL */
	const char *ns;             /* namespace filter, or NULL */
	const char *agent;          /* filter, or NULL */
	const char *mark_open;      /* snippet match marks; NULL: "[" */
	const char *mark_close;     /* NULL: "]" */
};

struct memory_result {
	struct memory_entry e;      /* owned */
	int64_t id;                 /* the entry's row id */
	double score;               /* higher is better */
	char *snippet;              /* owned; the match between the marks */
	int fts_rank, vec_rank;     /* 1-based ranks in each list, 0 = absent */
};

struct memory_results {
	struct memory_result *v;    /* owned, best first */
	int n;
	int cut;                    /* query terms past MEMORY_MAX_QUERY_TERMS, not searched for */
};

/* Counts per key prefix for the browser's tree. */
struct memory_node {
	char *name;                 /* owned: "ns" or "ns/project" */
	int depth;                  /* 0 namespace, 1 project */
	int count;                  /* live entries under it */
};

struct memory_tree {
	struct memory_node *v;      /* owned, sorted by name */
	int n;
};

/* The clock every memory function reads (tests set their own). */
void memory_set_clock(int64_t (*now_ms)(void));
int64_t memory_now(void);

/* Checks a key; on error the error channel (error.h) says why. Every
 * function here that fails says why there: bad input in its own words,
 * a store failure in the store's. */
int memory_key_check(const char *key);
/* True when key matches pattern ('*' one segment, '**' any number). */
bool memory_glob_match(const char *pattern, const char *key);

/* Inserts or updates (old content kept as a version). out (may be NULL)
 * receives the stored entry. */
int memory_store(struct store *s, struct memory_entry *out, const struct memory_input *in);
/* Live entries whose key matches pattern, sorted by key. touch: count the
 * access (access_count, accessed_at). */
int memory_retrieve(struct store *s, struct memory_list *out, const char *pattern, bool touch);
/* The same, stopping after max entries (0: all). */
int memory_retrieve_max(struct store *s, struct memory_list *out, const char *pattern, bool touch, int max);
/* Marks an entry deleted; RWB_ENOTFOUND when no live entry has the key. */
int memory_delete(struct store *s, const char *key);
/* Marks every live entry whose key matches pattern ('*' / '**' globs, or
 * one exact key) deleted; *count says how many. RWB_ENOTFOUND for none. */
int memory_delete_matching(struct store *s, int *count, const char *pattern);
/* Brings back a deleted entry (the TUI's undo). */
int memory_undelete(struct store *s, const char *key);
/* All versions of key, newest first (the live one included). */
int memory_history(struct store *s, struct memory_list *out, const char *key);
/* Stores version `version` of key again as its newest version. */
int memory_restore(struct store *s, struct memory_entry *out, const char *key, int version);
/* Removes deleted and expired entries (and their history); all: also the
 * history of live entries. *count: entries removed. */
int memory_purge(struct store *s, int *count, bool all);
/* Ranked search; RWB_EINPUT on bad query text. */
int memory_search(struct store *s, struct memory_results *out, const struct memory_query *q);
/* Namespaces and projects with counts. */
int memory_tree(struct store *s, struct memory_tree *out);
/* Live entry count. */
int memory_count(struct store *s, int *count);

/* The export document of live entries matching pattern (NULL: all):
 * {"format":"rwb-memory","version":1,"entries":[...]} sorted by key,
 * deterministic. *text allocated. */
int memory_export(struct store *s, char **text, int *count, const char *pattern);
/* Which live entries an export takes; a NULL field takes any. */
struct memory_filter {
	const char *pattern;        /* key glob ('*' one segment, '**' any) */
	const char *ns;             /* the namespace field */
	const char *layer;
	const char *tags;           /* "a,b": entries carrying any of them */
};
bool memory_filter_match(const struct memory_filter *f, const struct memory_entry *e);
/* memory_export with every filter. */
int memory_export_filtered(struct store *s, char **text, int *count, const struct memory_filter *f);

/* What a patterns import did, per key of the file. */
struct memory_share_stats {
	int keys;                   /* keys in the file */
	int versions;               /* lines (versions) in the file */
	int added;                  /* keys new to the store */
	int updated;                /* keys whose live entry or history changed */
	int unchanged;              /* the store already had every version */
	int expired;                /* the newest version has expired: left as it was */
};
/* The patterns line file (memshare.h) of the live entries f takes, each
 * with its history: *count keys, *nversions lines. */
int memory_share_export(struct store *s, char **text, int *count, int *nversions, const struct memory_filter *f);
/* Imports a patterns line file with memshare.h's merge rule, all or
 * nothing; bad input: RWB_EINPUT ("line N: ..."). */
int memory_share_import(struct store *s, struct memory_share_stats *st, const char *text, size_t len);

/* Validates then imports a document, all or nothing; the error names the
 * entry and field. */
int memory_import(struct store *s, int *count, const char *text, size_t len);
/* Only the validation step (the fuzzer's target). */
int memory_import_check(const char *text, size_t len, int *count);
/* Imports the starter library into an empty store once (settings flag
 * memory.starter_seeded); a no-op afterwards. */
int memory_seed_starter(struct store *s);

/* An entry in the /memory-retrieve JSON shape. */
cJSON *memory_entry_json(const struct memory_entry *e);
/* ISO-8601 UTC "2026-11-29T00:32:40.123Z" into buf (>= 32 bytes). */
void memory_iso_time(char *buf, size_t n, int64_t ms);
/* Adds NAME: the ISO time of ms to o, or null when ms is 0. */
void memory_json_time(cJSON *o, const char *name, int64_t ms);
/* Parses "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; false when it is not that. */
bool memory_iso_parse(const char *s, int64_t *ms);

void memory_entry_release(struct memory_entry *e);
void memory_list_release(struct memory_list *l);
void memory_results_release(struct memory_results *r);
void memory_tree_release(struct memory_tree *t);

#endif
