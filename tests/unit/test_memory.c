/*
 * test_memory.c - the memory store over a real SQLite file in a temp dir:
 * versions and restore, soft delete and purge, expiry under a settable
 * clock, glob retrieval, every search mode on a fixed corpus with known
 * best answers, the export/import round trip (byte-identical) and every
 * malformed import leaving the store unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "memory.h"
#include "store.h"
#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

#define HOUR_MS (3600LL * 1000)
#define DAY_MS (24 * HOUR_MS)

static int64_t fake_now = 1767225600000LL; /* 2026-01-01T00:00:00Z */

static int64_t fake_clock(void)
{
	return fake_now;
}

struct fixture {
	char *dir;
	struct store *s;
};

static struct store *open_store(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct store *s = NULL;

	assert_int_equal(store_open(&s, path, true), RWB_OK);
	free(path);
	return s;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	unsetenv("RWB_EMBED_CMD");
	fake_now = 1767225600000LL;
	memory_set_clock(fake_clock);
	f->dir = tu_tmpdir();
	f->s = open_store(f->dir, "store.db");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	memory_set_clock(NULL);
	unsetenv("RWB_EMBED_CMD");
	return 0;
}

static void put(struct store *s, const char *key, const char *value, const char *layer, const char *project)
{
	struct memory_input in = { .key = key, .value = value, .layer = layer, .project = project };
	int rc = memory_store(s, NULL, &in);

	if (rc)
		fail_msg("store %s: %s", key, rwb_last_error());
}

static int count_rows(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(store_prepare(s, &st, sql), RWB_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_versions_and_restore(void **state)
{
	struct fixture *f = *state;
	struct memory_input in = { .key = "ns/proj/notes", .value = "first", .layer = "long_term",
				   .category = "perf", .tags = "a,b" };
	struct memory_entry e;
	struct memory_list l;

	assert_int_equal(memory_store(f->s, &e, &in), RWB_OK);
	assert_int_equal(e.version, 1);
	memory_entry_release(&e);
	fake_now += 1000;
	put(f->s, "ns/proj/notes", "second", NULL, NULL);
	fake_now += 1000;
	put(f->s, "ns/proj/notes", "third", NULL, NULL);

	assert_int_equal(memory_retrieve(f->s, &l, "ns/proj/notes", true), RWB_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].value, "third");
	assert_int_equal(l.v[0].version, 3);
	/* an update keeps metadata it does not give */
	assert_string_equal(l.v[0].layer, "long_term");
	assert_string_equal(l.v[0].category, "perf");
	assert_string_equal(l.v[0].tags, "a,b");
	assert_int_equal(l.v[0].created_at, 1767225600000LL);
	assert_int_equal(l.v[0].updated_at, 1767225602000LL);
	assert_int_equal(l.v[0].access_count, 1);
	memory_list_release(&l);

	assert_int_equal(memory_history(f->s, &l, "ns/proj/notes"), RWB_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].value, "third");
	assert_string_equal(l.v[1].value, "second");
	assert_string_equal(l.v[2].value, "first");
	assert_int_equal(l.v[2].version, 1);
	memory_list_release(&l);

	assert_int_equal(memory_restore(f->s, &e, "ns/proj/notes", 1), RWB_OK);
	assert_int_equal(e.version, 4);
	assert_string_equal(e.value, "first");
	memory_entry_release(&e);
	assert_int_equal(memory_restore(f->s, &e, "ns/proj/notes", 9), RWB_ENOTFOUND);
	assert_non_null(strstr(rwb_last_error(), "no version 9"));
	assert_int_equal(memory_history(f->s, &l, "ns/proj/notes"), RWB_OK);
	assert_int_equal(l.n, 4);
	memory_list_release(&l);
}

static void test_soft_delete_and_purge(void **state)
{
	struct fixture *f = *state;
	struct memory_list l;
	struct memory_results r;
	struct memory_query q = { .text = "borrowck", .mode = MEMORY_FULLTEXT };
	int n;

	put(f->s, "ns/p/a", "borrowck notes v1", "long_term", NULL);
	put(f->s, "ns/p/a", "borrowck notes v2", NULL, NULL);
	put(f->s, "ns/p/b", "other", "long_term", NULL);
	assert_int_equal(memory_delete(f->s, "ns/p/a"), RWB_OK);
	assert_int_equal(memory_delete(f->s, "ns/p/a"), RWB_ENOTFOUND);
	assert_int_equal(memory_retrieve(f->s, &l, "ns/**", false), RWB_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].key, "ns/p/b");
	memory_list_release(&l);
	for (int m = 0; m < 3; m++) {
		q.mode = (enum memory_mode)m;
		assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
		for (int i = 0; i < r.n; i++)
			assert_string_not_equal(r.v[i].e.key, "ns/p/a");
		memory_results_release(&r);
	}
	/* history survives the delete; undo brings it back */
	assert_int_equal(memory_history(f->s, &l, "ns/p/a"), RWB_OK);
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].deleted);
	memory_list_release(&l);
	assert_int_equal(memory_undelete(f->s, "ns/p/a"), RWB_OK);
	q.mode = MEMORY_HYBRID;
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	assert_true(r.n >= 1);
	assert_string_equal(r.v[0].e.key, "ns/p/a");
	memory_results_release(&r);
	/* storing to a deleted key starts from its last version */
	assert_int_equal(memory_delete(f->s, "ns/p/a"), RWB_OK);
	assert_int_equal(memory_purge(f->s, &n, false), RWB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(memory_history(f->s, &l, "ns/p/a"), RWB_ENOTFOUND);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_versions WHERE key = 'ns/p/a'"), 0);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_entries"), 1);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_vectors"), 1);
	/* purge --all drops the history of live entries too */
	put(f->s, "ns/p/b", "other v2", NULL, NULL);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_versions"), 1);
	assert_int_equal(memory_purge(f->s, &n, true), RWB_OK);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_versions"), 0);
	assert_int_equal(memory_retrieve(f->s, &l, "ns/p/b", false), RWB_OK);
	assert_int_equal(l.n, 1);
	memory_list_release(&l);
}

static void test_expiry(void **state)
{
	struct fixture *f = *state;
	struct memory_input in = { .key = "t/p/custom", .value = "custom expiry", .layer = "long_term",
				   .expires_in_ms = 2 * HOUR_MS };
	struct memory_list l;
	struct memory_results r;
	struct memory_query q = { .text = "expiry", .mode = MEMORY_HYBRID };
	int n;

	put(f->s, "t/p/short", "short expiry", "short_term", NULL);
	put(f->s, "t/p/mid", "mid expiry", "mid_term", NULL);
	put(f->s, "t/p/long", "long expiry", "long_term", NULL);
	assert_int_equal(memory_store(f->s, NULL, &in), RWB_OK);

	fake_now += 3 * HOUR_MS; /* custom (2 h) gone, short (24 h) still here */
	assert_int_equal(memory_retrieve(f->s, &l, "t/**", false), RWB_OK);
	assert_int_equal(l.n, 3);
	memory_list_release(&l);

	fake_now += DAY_MS; /* short gone at once from every read */
	assert_int_equal(memory_retrieve(f->s, &l, "t/**", false), RWB_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].key, "t/p/long");
	assert_string_equal(l.v[1].key, "t/p/mid");
	memory_list_release(&l);
	for (int m = 0; m < 3; m++) {
		q.mode = (enum memory_mode)m;
		assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
		assert_int_equal(r.n, 2);
		memory_results_release(&r);
	}
	assert_int_equal(memory_count(f->s, &n), RWB_OK);
	assert_int_equal(n, 2);
	/* the rows are still in the file until the next write purges them */
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_entries"), 4);
	put(f->s, "t/p/other", "trigger", "long_term", NULL);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_entries"), 3);

	/* retention is a setting */
	assert_int_equal(store_setting_set(f->s, "memory.retention.mid_term", "1h"), RWB_OK);
	put(f->s, "t/p/mid2", "mid two", "mid_term", NULL);
	fake_now += 2 * HOUR_MS;
	assert_int_equal(memory_retrieve(f->s, &l, "t/p/mid2", false), RWB_OK);
	assert_int_equal(l.n, 0);
	memory_list_release(&l);
	fake_now += 30 * DAY_MS;
	assert_int_equal(memory_retrieve(f->s, &l, "t/**", false), RWB_OK);
	assert_int_equal(l.n, 2); /* long and other: forever */
	assert_int_equal(l.v[0].expires_at, 0);
	memory_list_release(&l);
}

static void test_glob(void **state)
{
	struct fixture *f = *state;
	const char *keys[] = { "a/b/c", "a/x/c", "a/b/c/d", "a/b", "ab/b/c", "z/b/c" };
	struct { const char *pattern; const char *want; } cases[] = {
		{ "a/b/c", "a/b/c" },
		{ "a/*/c", "a/b/c a/x/c" },
		{ "a/*", "a/b" },
		{ "a/**", "a/b a/b/c a/b/c/d a/x/c" },
		{ "**/c", "a/b/c a/x/c ab/b/c z/b/c" },
		{ "a/**/d", "a/b/c/d" },
		{ "*/b/c", "a/b/c ab/b/c z/b/c" },
		{ "a*/b/*", "a/b/c ab/b/c" },
		{ "nothing/**", "" },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		put(f->s, keys[i], keys[i], "long_term", NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct memory_list l;
		struct strbuf got = STRBUF_INIT;
		assert_int_equal(memory_retrieve(f->s, &l, cases[i].pattern, false), RWB_OK);
		for (int k = 0; k < l.n; k++)
			strbuf_addf(&got, "%s%s", k ? " " : "", l.v[k].key);
		if (strcmp(strbuf_str(&got), cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[i].pattern, strbuf_str(&got), cases[i].want);
		strbuf_free(&got);
		memory_list_release(&l);
	}
	/* delete by glob: one command, one transaction */
	{
		struct memory_list l;
		int n = 0;
		assert_int_equal(memory_delete_matching(f->s, &n, "a/*/c"), RWB_OK);
		assert_int_equal(n, 2);
		assert_int_equal(memory_retrieve(f->s, &l, "a/**", false), RWB_OK);
		assert_int_equal(l.n, 2);
		assert_string_equal(l.v[0].key, "a/b");
		assert_string_equal(l.v[1].key, "a/b/c/d");
		memory_list_release(&l);
		assert_int_equal(memory_delete_matching(f->s, &n, "a/*/c"), RWB_ENOTFOUND);
		assert_int_equal(memory_delete(f->s, "a/*"), RWB_EINPUT);
		assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_vectors"), 4);
		assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_fts WHERE memory_fts MATCH 'c'"), 3);
	}
	assert_int_equal(memory_key_check("a//b"), RWB_EINPUT);
	assert_int_equal(memory_key_check("a/*/b"), RWB_EINPUT);
	assert_int_equal(memory_key_check("/a"), RWB_EINPUT);
}

/* The fixed corpus and its known best answers. */
static const struct { const char *key, *project, *value; } corpus[] = {
	{ "rust/tokio-app/runtime", "tokio-app",
	  "Build the tokio runtime with Builder::new_multi_thread().worker_threads(4).enable_all().build() "
	  "and block_on the main future." },
	{ "rust/tokio-app/shared-state", "tokio-app",
	  "Share state between tasks with Arc<Mutex<T>>: clone the Arc into each task and keep the guard "
	  "short; never hold it across .await." },
	{ "rust/tokio-app/channels", "tokio-app",
	  "A bounded channel (tokio::sync::mpsc::channel(64)) gives backpressure: send().await waits "
	  "when the receiver is slow." },
	{ "rust/core/lifetimes", "core",
	  "A lifetime annotation such as fn longest<'a>(x: &'a str, y: &'a str) -> &'a str tells the "
	  "borrow checker how the output borrow relates to the inputs." },
	{ "rust/core/errors", "core",
	  "Library error types: an enum with thiserror derive, one variant per failure, #[from] for "
	  "io::Error; applications use anyhow::Result with context()." },
	{ "rust/ffi/wrappers", "ffi",
	  "Wrap raw pointers from C in a struct with Drop; every unsafe block carries a SAFETY comment "
	  "naming the invariant the caller upholds." },
	{ "rust/perf/simd", "perf",
	  "Use std::arch intrinsics behind is_x86_feature_detected!(\"avx2\") for SIMD loops; keep a "
	  "scalar fallback." },
	{ "rust/perf/arena", "perf",
	  "Arena allocation with bumpalo: allocate many small nodes in one region and free them all at "
	  "once; references borrow the arena." },
	{ "rust/core/typestate", "core",
	  "The typestate pattern: encode a connection's state in its type (Conn<Open>, Conn<Closed>) so "
	  "invalid transitions do not compile." },
	{ "rust/core/dispatch", "core",
	  "Enum dispatch instead of Box<dyn Trait>: a match over variants inlines and avoids the vtable "
	  "call." },
	{ "rust/perf/profiling", "perf",
	  "Profile with perf record -g and cargo flamegraph; optimise the hottest frames first and "
	  "measure with criterion." },
	{ "rust/core/hashmap", "core",
	  "HashMap::with_capacity avoids rehashing; the entry API (map.entry(k).or_insert(v)) does one "
	  "lookup." },
};

static void load_corpus(struct store *s)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		put(s, corpus[i].key, corpus[i].value, "long_term", corpus[i].project);
		fake_now += 1000;
	}
}

static void expect_top(struct store *s, enum memory_mode mode, const char *query, const char *want)
{
	struct memory_query q = { .text = query, .mode = mode, .limit = 5 };
	struct memory_results r;
	int rc = memory_search(s, &r, &q);

	if (rc)
		fail_msg("search '%s': %s", query, rwb_last_error());
	if (!want) {
		if (r.n != 0)
			fail_msg("mode %d '%s': want no results, got %s first", mode, query, r.v[0].e.key);
	} else if (r.n == 0 || strcmp(r.v[0].e.key, want) != 0) {
		fail_msg("mode %d '%s': want %s first, got %s", mode, query, want, r.n ? r.v[0].e.key : "nothing");
	}
	for (int i = 1; i < r.n; i++)
		assert_true(r.v[i - 1].score >= r.v[i].score);
	memory_results_release(&r);
}

static void test_search_modes(void **state)
{
	struct fixture *f = *state;
	struct memory_query q = { .text = "bounded channel", .mode = MEMORY_FULLTEXT, .mark_open = "<<",
				  .mark_close = ">>" };
	struct memory_results r;

	load_corpus(f->s);
	/* full text: BM25, prefix, phrase, filters */
	expect_top(f->s, MEMORY_FULLTEXT, "tokio runtime", "rust/tokio-app/runtime");
	expect_top(f->s, MEMORY_FULLTEXT, "backpress*", "rust/tokio-app/channels");
	expect_top(f->s, MEMORY_FULLTEXT, "\"borrow checker\"", "rust/core/lifetimes");
	expect_top(f->s, MEMORY_FULLTEXT, "\"checker borrow\"", NULL);
	expect_top(f->s, MEMORY_FULLTEXT, "arena project:perf", "rust/perf/arena");
	expect_top(f->s, MEMORY_FULLTEXT, "arena project:core", NULL);
	expect_top(f->s, MEMORY_FULLTEXT, "borrow key:rust/perf/*", "rust/perf/arena");
	expect_top(f->s, MEMORY_FULLTEXT, "unsafe SAFETY layer:long_term", "rust/ffi/wrappers");
	expect_top(f->s, MEMORY_FULLTEXT, "unsafe layer:short_term", NULL);
	expect_top(f->s, MEMORY_FULLTEXT, "Arc<Mutex<T>>", "rust/tokio-app/shared-state");
	expect_top(f->s, MEMORY_FULLTEXT, "lifetme anotation", NULL);
	/* vector: identifier splitting and typos */
	expect_top(f->s, MEMORY_VECTOR, "arc mutex", "rust/tokio-app/shared-state");
	expect_top(f->s, MEMORY_VECTOR, "lifetme anotation", "rust/core/lifetimes");
	expect_top(f->s, MEMORY_VECTOR, "hash map capacity", "rust/core/hashmap");
	expect_top(f->s, MEMORY_VECTOR, "flamegraph profiling", "rust/perf/profiling");
	/* hybrid: both, fused */
	expect_top(f->s, MEMORY_HYBRID, "arc mutex", "rust/tokio-app/shared-state");
	expect_top(f->s, MEMORY_HYBRID, "lifetme anotation", "rust/core/lifetimes");
	expect_top(f->s, MEMORY_HYBRID, "enum dispatch vtable", "rust/core/dispatch");
	expect_top(f->s, MEMORY_HYBRID, "typestate", "rust/core/typestate");
	expect_top(f->s, MEMORY_HYBRID, "simd project:perf", "rust/perf/simd");

	/* snippets mark the match */
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	assert_true(r.n >= 1);
	assert_non_null(strstr(r.v[0].snippet, "<<bounded>>"));
	assert_non_null(strstr(r.v[0].snippet, "<<channel>>"));
	assert_int_equal(r.v[0].fts_rank, 1);
	memory_results_release(&r);
	q.text = "lifetme anotation";
	q.mode = MEMORY_VECTOR;
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	assert_non_null(strstr(r.v[0].snippet, "<<lifetime>>"));
	memory_results_release(&r);
	/* bad queries are one clear error */
	q.text = "\"open phrase";
	assert_int_equal(memory_search(f->s, &r, &q), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "unclosed"));
	q.text = "x layer:forever";
	assert_int_equal(memory_search(f->s, &r, &q), RWB_EINPUT);
	q.text = "project:core";
	assert_int_equal(memory_search(f->s, &r, &q), RWB_EINPUT);
	/* odd FTS syntax in the text is taken literally, never an SQL error */
	q.mode = MEMORY_HYBRID;
	q.text = "AND OR NOT ( ) * : ^ NEAR(a b)";
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	memory_results_release(&r);
}

static void test_access_boost(void **state)
{
	struct fixture *f = *state;
	struct memory_query q = { .text = "twin", .mode = MEMORY_HYBRID };
	struct memory_results r;
	struct memory_list l;

	put(f->s, "b/p/one", "twin note", "long_term", NULL);
	put(f->s, "b/p/two", "twin note", "long_term", NULL);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(memory_retrieve(f->s, &l, "b/p/two", true), RWB_OK);
		memory_list_release(&l);
	}
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].e.key, "b/p/two");
	memory_results_release(&r);
}

static char *export_text(struct store *s, int *n)
{
	char *text = NULL;
	assert_int_equal(memory_export(s, &text, n, NULL), RWB_OK);
	return text;
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct store *b = open_store(f->dir, "b.db");
	struct memory_input in = { .key = "x/y/tagged", .value = "line one\nline \"two\"\t\u00e9\u4e2d",
				   .layer = "short_term", .category = "c", .project = "y", .intent = "i",
				   .tags = "starter,x" };
	char *a_text, *b_text, *b_text2;
	int na, nb, n;

	load_corpus(f->s);
	assert_int_equal(memory_store(f->s, NULL, &in), RWB_OK);
	put(f->s, "x/y/versions", "v1", NULL, NULL);
	put(f->s, "x/y/versions", "v2", NULL, NULL);
	a_text = export_text(f->s, &na);
	assert_int_equal(na, 14);
	assert_int_equal(memory_import(b, &n, a_text, strlen(a_text)), RWB_OK);
	assert_int_equal(n, 14);
	b_text = export_text(b, &nb);
	assert_string_equal(a_text, b_text);
	fake_now += HOUR_MS;
	b_text2 = export_text(b, &nb);
	assert_string_equal(b_text, b_text2);
	/* and the imported store searches the same */
	expect_top(b, MEMORY_HYBRID, "lifetme anotation", "rust/core/lifetimes");
	expect_top(b, MEMORY_FULLTEXT, "starter", "x/y/tagged");
	free(a_text);
	free(b_text);
	free(b_text2);
	store_free(b);
}

static void test_malformed_imports(void **state)
{
	struct fixture *f = *state;
	char *big = xmalloc(MEMORY_MAX_VALUE + 200), *before, *after;
	struct { const char *doc; const char *want[3]; } cases[] = {
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[", { "not valid JSON", NULL } },
		{ "[1,2]", { "wrong shape", NULL } },
		{ "{\"format\":\"other\",\"version\":1,\"entries\":[]}", { "wrong shape", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":2,\"entries\":[]}", { "\"version\"", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":{}}", { "\"entries\"", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/ok\",\"value\":\"v\"},7]}",
		  { "entry 1", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/ok\",\"value\":\"v\"},"
		  "{\"key\":\"n/p/bad\",\"value\":\"v\",\"layer\":\"forever\"}]}",
		  { "entry 1", "n/p/bad", "\"layer\"" } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"value\":\"v\"}]}",
		  { "entry 0", "\"key\"", "missing" } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/k\"}]}",
		  { "entry 0", "n/p/k", "\"value\"" } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n//k\",\"value\":\"v\"}]}",
		  { "entry 0", "\"key\"", "empty segment" } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/k\",\"value\":\"v\","
		  "\"created_at\":\"yesterday\"}]}", { "entry 0", "\"created_at\"", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/k\",\"value\":\"v\","
		  "\"tags\":[1]}]}", { "\"tags\"", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/k\",\"value\":\"v\","
		  "\"version\":-3}]}", { "\"version\"", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/k\",\"value\":\"v\"},"
		  "{\"key\":\"n/p/k\",\"value\":\"w\"}]}", { "entry 1", "twice", NULL } },
		{ "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/k\",\"value\":\"v\","
		  "\"layer\":\"a\\nb\\u001b[2J\"}]}", { "\"layer\"", "a\\nb\\x1b[2J", NULL } },
		{ NULL, { "entry 1", "n/p/big", "1 MB" } }, /* too large: built below */
	};
	int n;

	load_corpus(f->s);
	before = export_text(f->s, &n);
	{
		struct strbuf sb = STRBUF_INIT;
		strbuf_adds(&sb, "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[{\"key\":\"n/p/ok\",\"value\":\"v\"},"
			    "{\"key\":\"n/p/big\",\"value\":\"");
		memset(big, 'x', MEMORY_MAX_VALUE + 1);
		strbuf_add(&sb, big, MEMORY_MAX_VALUE + 1);
		strbuf_adds(&sb, "\"}]}");
		free(big);
		big = strbuf_detach(&sb);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *doc = cases[i].doc ? cases[i].doc : big;
		int got = -1;
		assert_int_equal(memory_import(f->s, &got, doc, strlen(doc)), RWB_EINPUT);
		assert_int_equal(got, 0);
		assert_int_equal(rwb_last_code(), RWB_EINPUT);
		assert_null(strchr(rwb_last_error(), '\n'));
		for (int k = 0; k < 3 && cases[i].want[k]; k++)
			if (!strstr(rwb_last_error(), cases[i].want[k]))
				fail_msg("case %zu: '%s' lacks '%s'", i, rwb_last_error(), cases[i].want[k]);
		after = export_text(f->s, &n);
		assert_string_equal(before, after);
		free(after);
	}
	/* a too-large value through memory_store: one error, nothing changed */
	{
		char *huge = xmalloc(MEMORY_MAX_VALUE + 2);
		memset(huge, 'y', MEMORY_MAX_VALUE + 1);
		huge[MEMORY_MAX_VALUE + 1] = 0;
		struct memory_input in = { .key = "n/p/huge", .value = huge };
		assert_int_equal(memory_store(f->s, NULL, &in), RWB_EINPUT);
		assert_non_null(strstr(rwb_last_error(), "1 MB"));
		free(huge);
	}
	after = export_text(f->s, &n);
	assert_string_equal(before, after);
	free(after);
	free(before);
	free(big);
}

static void test_external_embedder(void **state)
{
	struct fixture *f = *state;
	char *script = xasprintf("%s/embed.sh", f->dir), *cmd, *id = NULL;
	struct memory_query q = { .text = "tokio please", .mode = MEMORY_VECTOR, .limit = 3 };
	struct memory_results r;

	/* a toy model: dimension 4, one axis per topic */
	tu_write(script, "t=$(cat)\n"
		 "case \"$t\" in *tokio*) echo '1 0 0 0.1';; *lifetime*) echo '0 1 0 0.1';; *) echo '0 0 1 0.1';; esac\n");
	load_corpus(f->s);
	assert_int_equal(store_setting_get(f->s, "memory.embedder", &id), RWB_OK);
	assert_string_equal(id, "builtin-3/256");
	free(id);
	cmd = xasprintf("sh '%s'", script);
	setenv("RWB_EMBED_CMD", cmd, 1);
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	assert_true(r.n >= 1);
	assert_non_null(strstr(r.v[0].e.key, "tokio-app"));
	memory_results_release(&r);
	/* every vector was re-made by the new embedder */
	assert_int_equal(store_setting_get(f->s, "memory.embedder", &id), RWB_OK);
	assert_non_null(strstr(id, "/4"));
	free(id);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_vectors WHERE length(vec) = 4"), 12);
	/* a program that never reads its stdin (the write gets EPIPE) is no crash */
	setenv("RWB_EMBED_CMD", "sh -c 'exec 0<&-; sleep 0.2; echo 1 0 0 0'", 1);
	q.text = "a long enough query to fill the pipe? no: the entries are re-embedded first";
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	memory_results_release(&r);
	q.text = "tokio please";
	/* a broken program is one clear error */
	setenv("RWB_EMBED_CMD", "sh -c 'echo not-a-number'", 1);
	assert_int_equal(memory_search(f->s, &r, &q), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "not a number"));
	setenv("RWB_EMBED_CMD", "/nonexistent/embedder", 1);
	assert_true(memory_search(f->s, &r, &q) != RWB_OK);
	assert_non_null(strstr(rwb_last_error(), "RWB_EMBED_CMD"));
	/* back to the built-in: re-embedded again */
	unsetenv("RWB_EMBED_CMD");
	expect_top(f->s, MEMORY_VECTOR, "lifetme anotation", "rust/core/lifetimes");
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM memory_vectors WHERE length(vec) = 256"), 12);
	free(cmd);
	free(script);
}

static void test_vector_cache(void **state)
{
	struct fixture *f = *state;
	char *cache = xasprintf("%s/store.db-vec", f->dir);
	struct store *other = open_store(f->dir, "store.db");
	size_t len = 0;
	char *text;

	load_corpus(f->s);
	expect_top(f->s, MEMORY_VECTOR, "arc mutex", "rust/tokio-app/shared-state");
	text = tu_read(cache, &len);
	assert_non_null(text);
	assert_int_equal(len, 24 + 12 * (16 + 256));
	free(text);
	/* another connection (process) writes: the cache is stale and rebuilt */
	put(other, "rust/zz/mutex-guide", "arc mutex arc mutex guard lock", "long_term", NULL);
	expect_top(f->s, MEMORY_VECTOR, "arc mutex guard lock", "rust/zz/mutex-guide");
	assert_int_equal(memory_delete(other, "rust/zz/mutex-guide"), RWB_OK);
	expect_top(f->s, MEMORY_VECTOR, "arc mutex guard lock", "rust/tokio-app/shared-state");
	/* a damaged or foreign cache file is never trusted */
	tu_write(cache, "RWBVEC1\0garbage that is not a pack");
	expect_top(f->s, MEMORY_VECTOR, "lifetme anotation", "rust/core/lifetimes");
	text = tu_read(cache, &len);
	assert_int_equal(len, 24 + 12 * (16 + 256));
	free(text);
	/* a store made again from scratch never trusts an old cache file */
	{
		char *path = xasprintf("%s/again.db", f->dir), *again_cache = xasprintf("%s/again.db-vec", f->dir);
		struct store *a = open_store(f->dir, "again.db");
		/* the same number of writes, the same row ids, other contents */
		put(a, "x/y/one", "tokio runtime builder notes", "long_term", NULL);
		put(a, "x/y/two", "lifetime annotation borrow notes", "long_term", NULL);
		expect_top(a, MEMORY_VECTOR, "tokio runtime builder", "x/y/one");
		store_free(a);
		unlink(path);
		a = open_store(f->dir, "again.db");
		put(a, "x/y/one", "lifetime annotation borrow notes", "long_term", NULL);
		put(a, "x/y/two", "tokio runtime builder notes", "long_term", NULL);
		expect_top(a, MEMORY_VECTOR, "tokio runtime builder", "x/y/two");
		store_free(a);
		free(path);
		free(again_cache);
	}
	/* a lost cache file is rebuilt */
	unlink(cache);
	expect_top(f->s, MEMORY_VECTOR, "hash map capacity", "rust/core/hashmap");
	assert_non_null(text = tu_read(cache, &len));
	free(text);
	store_free(other);
	free(cache);
}

/* The namespace is a field of its own (migration 2): stored, kept across an
 * update that does not give it, in history, export/import, and a search
 * filter beside category and agent; a store made before it is upgraded. */
static void test_namespace_field(void **state)
{
	struct fixture *f = *state;
	struct memory_entry e;
	struct memory_list l;
	struct memory_results r;
	char *text = NULL;
	int n = 0;
	struct memory_input a = { .key = "rsd/io/zero-copy", .value = "zero copy io_uring pattern",
				  .ns = "rust-patterns", .layer = "long_term", .category = "performance-pattern",
				  .agent = "rust-systems-developer" };
	struct memory_input b = { .key = "rsd/io/other", .value = "another io_uring pattern", .ns = "elsewhere" };
	struct memory_input a2 = { .key = "rsd/io/zero-copy", .value = "zero copy io_uring pattern v2" };

	assert_int_equal(memory_store(f->s, &e, &a), RWB_OK);
	assert_string_equal(e.ns, "rust-patterns");
	assert_string_equal(e.key, "rsd/io/zero-copy");  /* not glued to the key */
	memory_entry_release(&e);
	assert_int_equal(memory_store(f->s, NULL, &b), RWB_OK);
	assert_int_equal(memory_store(f->s, &e, &a2), RWB_OK);
	assert_string_equal(e.ns, "rust-patterns");      /* kept by an update */
	memory_entry_release(&e);
	assert_int_equal(memory_history(f->s, &l, "rsd/io/zero-copy"), RWB_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].ns, "rust-patterns");
	memory_list_release(&l);

	struct memory_query q = { .text = "io_uring pattern", .ns = "rust-patterns" };
	assert_int_equal(memory_search(f->s, &r, &q), RWB_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].e.key, "rsd/io/zero-copy");
	memory_results_release(&r);
	struct memory_query q2 = { .text = "io_uring namespace:elsewhere", .mode = MEMORY_FULLTEXT };
	assert_int_equal(memory_search(f->s, &r, &q2), RWB_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].e.key, "rsd/io/other");
	memory_results_release(&r);
	struct memory_query q3 = { .text = "pattern", .category = "performance-pattern",
				   .agent = "rust-systems-developer" };
	assert_int_equal(memory_search(f->s, &r, &q3), RWB_OK);
	assert_int_equal(r.n, 1);
	memory_results_release(&r);

	/* a long query: 32 terms searched, the rest reported */
	{
		struct strbuf sb = STRBUF_INIT;
		for (int i = 0; i < 100; i++)
			strbuf_addf(&sb, "word%d ", i);
		struct memory_query q4 = { .text = sb.buf };
		assert_int_equal(memory_search(f->s, &r, &q4), RWB_OK);
		assert_int_equal(r.cut, 100 - MEMORY_MAX_QUERY_TERMS);
		memory_results_release(&r);
		strbuf_free(&sb);
	}

	/* export and import keep it */
	assert_int_equal(memory_export(f->s, &text, &n, "rsd/**"), RWB_OK);
	assert_non_null(strstr(text, "\"namespace\""));
	{
		struct store *s2 = open_store(f->dir, "other.db");
		assert_int_equal(memory_import(s2, &n, text, strlen(text)), RWB_OK);
		assert_int_equal(memory_retrieve(s2, &l, "rsd/io/zero-copy", false), RWB_OK);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.v[0].ns, "rust-patterns");
		memory_list_release(&l);
		store_free(s2);
	}
	free(text);

	/* a store from before migration 2 is upgraded, its entries kept */
	{
		struct store *old = open_store(f->dir, "old.db");
		put(old, "a/b/c", "before namespaces", "long_term", NULL);
		assert_int_equal(store_exec(old, "ALTER TABLE memory_entries DROP COLUMN namespace;"
					    "ALTER TABLE memory_versions DROP COLUMN namespace;"
					    "UPDATE rwb_schema SET version = 1 WHERE module = 'memory'"), RWB_OK);
		store_free(old);
		old = open_store(f->dir, "old.db");
		assert_int_equal(count_rows(old, "SELECT version FROM rwb_schema WHERE module = 'memory'"), 2);
		assert_int_equal(memory_retrieve(old, &l, "a/b/c", false), RWB_OK);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.v[0].ns, "");
		memory_list_release(&l);
		store_free(old);
	}
}

static void test_tree_and_seed(void **state)
{
	struct fixture *f = *state;
	struct memory_tree t;
	char *flag = NULL;
	int n;

	load_corpus(f->s);
	assert_int_equal(memory_tree(f->s, &t), RWB_OK);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.v[0].name, "rust");
	assert_int_equal(t.v[0].count, 12);
	assert_string_equal(t.v[1].name, "rust/core");
	assert_int_equal(t.v[1].count, 5);
	assert_int_equal(t.v[1].depth, 1);
	memory_tree_release(&t);
	/* a store that has entries is not seeded, but remembers it was asked */
	assert_int_equal(memory_seed_starter(f->s), RWB_OK);
	assert_int_equal(memory_count(f->s, &n), RWB_OK);
	assert_int_equal(n, 12);
	assert_int_equal(store_setting_get(f->s, "memory.starter_seeded", &flag), RWB_OK);
	free(flag);
	{
		struct store *b = open_store(f->dir, "seed.db");
		struct memory_list l;
		assert_int_equal(memory_seed_starter(b), RWB_OK);
		assert_int_equal(memory_count(b, &n), RWB_OK);
		assert_true(n >= 25);
		assert_int_equal(memory_retrieve(b, &l, "**", false), RWB_OK);
		for (int i = 0; i < l.n; i++) {
			assert_string_equal(l.v[i].layer, "long_term");
			assert_non_null(strstr(l.v[i].tags, "starter"));
		}
		memory_list_release(&l);
		/* idempotent: deleting them all does not bring them back */
		assert_int_equal(memory_retrieve(b, &l, "**", false), RWB_OK);
		for (int i = 0; i < l.n; i++)
			assert_int_equal(memory_delete(b, l.v[i].key), RWB_OK);
		memory_list_release(&l);
		assert_int_equal(memory_seed_starter(b), RWB_OK);
		assert_int_equal(memory_count(b, &n), RWB_OK);
		assert_int_equal(n, 0);
		store_free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_versions_and_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_soft_delete_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_glob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_boost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_imports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_embedder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vector_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_and_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespace_field, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
