/*
 * test_memshare.c - the patterns line file and its merge rule: the rule on
 * plain entries (higher version wins, then the later updated_at, then the
 * content hash; copies dropped; numbers unique and never lowered; the same
 * answer whatever the input order and when merged again), the file's
 * round trip to the same bytes, every refusal naming its line, and two real
 * stores converging through export and import with a failed import
 * changing nothing.
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
#include "memshare.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

static struct memory_entry ent(const char *value, int version, int64_t updated)
{
	struct memory_entry e = { 0 };

	e.key = xstrdup("team/app/k");
	e.value = xstrdup(value);
	e.layer = xstrdup("long_term");
	e.category = xstrdup("");
	e.project = xstrdup("");
	e.intent = xstrdup("");
	e.tags = xstrdup("");
	e.agent = xstrdup("");
	e.ns = xstrdup("");
	e.version = version;
	e.created_at = 1000;
	e.updated_at = updated;
	return e;
}

static void release(struct memory_entry *v, int n)
{
	for (int i = 0; i < n; i++)
		memory_entry_release(&v[i]);
}

/* "value@version,..." oldest first */
static char *describe(const struct memory_entry *v, int n)
{
	char buf[1024] = "";

	for (int i = 0; i < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, sizeof(buf) - l, "%s%s@%d", i ? "," : "", v[i].value, v[i].version);
	}
	return xstrdup(buf);
}

static void expect_merge(struct memory_entry *v, int n, const char *want)
{
	int m = memshare_merge(v, n);
	char *got = describe(v, m);

	assert_string_equal(got, want);
	free(got);
	release(v, m);
}

static void test_higher_version_wins(void **state)
{
	/* version 3 from long ago beats version 2 from now */
	struct memory_entry v[] = { ent("new-v2", 2, 9000), ent("old-v3", 3, 100), ent("base", 1, 50) };

	(void)state;
	expect_merge(v, 3, "base@1,new-v2@2,old-v3@3");
}

static void test_tie_later_update_wins(void **state)
{
	/* both made version 2 from version 1: the later edit is 3, the other stays 2 */
	struct memory_entry v[] = { ent("bob", 2, 300), ent("base", 1, 50), ent("alice", 2, 200), ent("base", 1, 50) };

	(void)state;
	expect_merge(v, 4, "base@1,alice@2,bob@3");
}

static void test_tie_hash_any_order(void **state)
{
	/* same version and time: the hash decides, the same way whatever the order */
	struct memory_entry a[] = { ent("x", 2, 300), ent("y", 2, 300) };
	struct memory_entry b[] = { ent("y", 2, 300), ent("x", 2, 300) };
	int na, nb;
	char *da, *db;

	(void)state;
	na = memshare_merge(a, 2);
	nb = memshare_merge(b, 2);
	da = describe(a, na);
	db = describe(b, nb);
	assert_string_equal(da, db);
	assert_int_equal(a[0].version, 2);
	assert_int_equal(a[1].version, 3);
	free(da);
	free(db);
	release(a, na);
	release(b, nb);
}

static void test_copies_dropped(void **state)
{
	/* a teammate's renumbered copy of the same version is the same version */
	struct memory_entry v[] = { ent("base", 1, 50), ent("edit", 2, 60), ent("edit", 3, 60), ent("base", 1, 50) };

	(void)state;
	expect_merge(v, 4, "base@1,edit@3");
}

static void test_numbers_never_lowered(void **state)
{
	/* a purged store exported only version 5 */
	struct memory_entry v[] = { ent("five", 5, 500), ent("one", 1, 10), ent("two", 2, 20) };

	(void)state;
	expect_merge(v, 3, "one@1,two@2,five@5");
}

static void test_merge_idempotent(void **state)
{
	struct memory_entry v[8];
	int m, m2;
	char *first, *second;

	(void)state;
	v[0] = ent("base", 1, 50);
	v[1] = ent("alice", 2, 200);
	v[2] = ent("bob", 2, 300);
	v[3] = ent("carol", 2, 300);
	m = memshare_merge(v, 4);
	first = describe(v, m);
	/* merge the result with a copy of itself and with an older copy */
	for (int i = 0; i < m; i++) {
		v[m + i] = v[i];
		v[m + i].key = xstrdup(v[i].key);
		v[m + i].value = xstrdup(v[i].value);
		v[m + i].layer = xstrdup(v[i].layer);
		v[m + i].category = xstrdup("");
		v[m + i].project = xstrdup("");
		v[m + i].intent = xstrdup("");
		v[m + i].tags = xstrdup("");
		v[m + i].agent = xstrdup("");
		v[m + i].ns = xstrdup("");
	}
	v[m + 2].version = 2;  /* the copy from before the first merge */
	m2 = memshare_merge(v, 2 * m);
	second = describe(v, m2);
	assert_string_equal(first, second);
	/* bob and carol tie on version and time: the hash orders them */
	assert_int_equal(strncmp(first, "base@1,alice@2,", 15), 0);
	assert_int_equal(m2, 4);
	free(first);
	free(second);
	release(v, m2);
}

static void test_merge_all_keys(void **state)
{
	struct memory_list l = { .v = xcalloc(5, sizeof(struct memory_entry)), .n = 5 };
	char *d;

	(void)state;
	l.v[0] = ent("b2", 2, 20);
	l.v[1] = ent("a1", 1, 10);
	l.v[2] = ent("b1", 1, 10);
	l.v[3] = ent("b2", 2, 20);  /* a copy */
	l.v[4] = ent("a2", 2, 30);
	free(l.v[1].key);
	l.v[1].key = xstrdup("team/app/a");
	free(l.v[4].key);
	l.v[4].key = xstrdup("team/app/a");
	memshare_merge_all(&l);
	d = describe(l.v, l.n);
	assert_string_equal(d, "a1@1,a2@2,b1@1,b2@2");
	assert_string_equal(l.v[0].key, "team/app/a");
	free(d);
	memory_list_release(&l);
}

static const char *H = MEMSHARE_HEADER "\n";

static char *line(const char *key, int version, const char *value, const char *updated)
{
	return xasprintf("{\"key\":\"%s\",\"version\":%d,\"value\":\"%s\",\"layer\":\"long_term\","
			 "\"created_at\":\"2026-01-01T00:00:00.000Z\",\"updated_at\":\"%s\"}\n",
			 key, version, value, updated);
}

static void test_format_round_trip(void **state)
{
	char *l1 = line("b/x/y", 1, "one\\n\\u00e9\\\"", "2026-01-01T00:00:00.000Z");
	char *l2 = line("a/x/y", 2, "two", "2026-01-02T00:00:00.000Z");
	char *text = xasprintf("%s%s%s", H, l1, l2), *out = NULL, *out2 = NULL;
	struct memory_list l;

	(void)state;
	assert_true(memshare_detect(text, strlen(text)));
	assert_int_equal(memshare_parse(&l, text, strlen(text)), RWB_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(memshare_format(&out, &l), RWB_OK);
	/* sorted by key, fixed field order */
	assert_string_equal(l.v[0].key, "a/x/y");
	assert_non_null(strstr(out, "\"tags\":[],\"agent\":\"\",\"namespace\":\"\""));
	memory_list_release(&l);
	assert_int_equal(memshare_parse(&l, out, strlen(out)), RWB_OK);
	assert_int_equal(memshare_format(&out2, &l), RWB_OK);
	assert_string_equal(out, out2);
	assert_int_equal(out[strlen(out) - 1], '\n');
	assert_null(strchr(out, '\r'));
	memory_list_release(&l);
	free(out);
	free(out2);
	free(text);
	free(l1);
	free(l2);
	/* the document format is not taken for the line format */
	assert_false(memshare_detect("{\n\"format\": \"rwb-memory\"}", 24));
	assert_false(memshare_detect("{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[]}", 48));
}

static void expect_refusal(const char *text, size_t len, const char *want)
{
	struct memory_list l;

	rwb_error_clear();
	assert_int_equal(memshare_parse(&l, text, len), RWB_EINPUT);
	assert_int_equal(rwb_last_code(), RWB_EINPUT);
	assert_null(strchr(rwb_last_error(), '\n'));
	if (!strstr(rwb_last_error(), want))
		fail_msg("wanted \"%s\" in: %s", want, rwb_last_error());
}

static void test_refusals_name_the_line(void **state)
{
	char *ok = line("team/x/y", 1, "v", "2026-01-01T00:00:00.000Z"), *t;

	(void)state;
	t = xasprintf("%s%s{\"key\":\n", H, ok);
	expect_refusal(t, strlen(t), "line 3: not valid JSON");
	free(t);
	t = xasprintf("%s\n%s{\"key\":\"a/b\",\"version\":1.5,\"value\":\"v\"}\n", H, ok);
	expect_refusal(t, strlen(t), "line 4 (key \"a/b\"): field \"version\"");
	free(t);
	t = xasprintf("%s%s{\"key\":\"a/b\",\"version\":1,\"value\":7}\n", H, ok);
	expect_refusal(t, strlen(t), "line 3 (key \"a/b\"): field \"value\": must be a string");
	free(t);
	t = xasprintf("%s{\"key\":\"a/b\",\"version\":1,\"value\":\"\xc3\x28\"}\n", H);
	expect_refusal(t, strlen(t), "line 2: is not valid UTF-8");
	free(t);
	t = xasprintf("%s{\"key\":\"a/b\",\"version\":1,\"value\":\"x\\u0000y\"}\n", H);
	expect_refusal(t, strlen(t), "line 2: holds \\u0000");
	free(t);
	t = xasprintf("%s{\"key\":\"a/*\",\"version\":1,\"value\":\"v\"}\n", H);
	expect_refusal(t, strlen(t), "field \"key\"");
	free(t);
	t = xasprintf("%s%s", ok, H);
	expect_refusal(t, strlen(t), "line 1: the file must start with the header");
	free(t);
	t = xasprintf("{\"format\":\"rwb-patterns\",\"version\":2}\n%s", ok);
	expect_refusal(t, strlen(t), "line 1: field \"version\"");
	free(t);
	t = xasprintf("%s%s=======\n", H, ok);
	expect_refusal(t, strlen(t), "line 3: a git conflict marker");
	free(t);
	t = xasprintf("%s{\"key\":\"a/b\",\"version\":1,\"value\":\"v\",\"created_at\":\"yesterday\","
		      "\"updated_at\":\"2026-01-01T00:00:00Z\"}\n", H);
	expect_refusal(t, strlen(t), "field \"created_at\"");
	free(t);
	expect_refusal("", 0, "line 1: the file is empty");
	{
		/* a huge line, refused before it is parsed */
		size_t n = strlen(H) + MEMSHARE_MAX_LINE + 10;
		char *big = xmalloc(n + 1);
		memcpy(big, H, strlen(H));
		memset(big + strlen(H), 'a', n - strlen(H));
		big[n] = 0;
		expect_refusal(big, n, "line 2: is 8388618 bytes long");
		free(big);
	}
	/* CRLF and blank lines are fine */
	t = xasprintf("{\"format\":\"rwb-patterns\",\"version\":1}\r\n\r\n%s", ok);
	{
		struct memory_list l;
		assert_int_equal(memshare_parse(&l, t, strlen(t)), RWB_OK);
		assert_int_equal(l.n, 1);
		memory_list_release(&l);
	}
	free(t);
	free(ok);
}

/* ---- two real stores ---- */

static int64_t fake_now = 1767225600000LL;

static int64_t fake_clock(void)
{
	return fake_now;
}

static struct store *open_store(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct store *s = NULL;

	assert_int_equal(store_open(&s, path, true), RWB_OK);
	free(path);
	return s;
}

static void put(struct store *s, const char *key, const char *value)
{
	struct memory_input in = { .key = key, .value = value, .layer = "long_term" };

	fake_now += 1000;
	assert_int_equal(memory_store(s, NULL, &in), RWB_OK);
}

static char *export(struct store *s)
{
	char *text = NULL;
	int n, nv;

	assert_int_equal(memory_share_export(s, &text, &n, &nv, NULL), RWB_OK);
	return text;
}

static void import(struct store *s, const char *text, struct memory_share_stats *st)
{
	int rc = memory_share_import(s, st, text, strlen(text));

	if (rc)
		fail_msg("import: %s", rwb_last_error());
}

static char *history(struct store *s, const char *key)
{
	struct memory_list h;
	char *d;

	assert_int_equal(memory_history(s, &h, key), RWB_OK);
	d = describe(h.v, h.n);
	memory_list_release(&h);
	return d;
}

static void test_two_stores_converge(void **state)
{
	char *dir = tu_tmpdir(), *ta, *tb, *both, *bad, *ha, *hb;
	struct store *a = open_store(dir, "a.db"), *b = open_store(dir, "b.db");
	struct memory_share_stats st;
	struct memory_list l;

	(void)state;
	unsetenv("RWB_EMBED_CMD");
	memory_set_clock(fake_clock);
	put(a, "team/app/k", "base");
	ta = export(a);
	import(b, ta, &st);
	assert_int_equal(st.added, 1);
	free(ta);
	put(a, "team/app/k", "alice");
	put(b, "team/app/k", "bob");       /* later: wins */
	put(b, "team/app/only-bob", "b");
	ta = export(a);
	tb = export(b);
	/* git's union merge: both files' lines (the header twice is fine) */
	both = xasprintf("%s%s", ta, tb);
	import(a, both, &st);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.added, 1);
	import(b, both, &st);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.unchanged, 1);
	ha = history(a, "team/app/k");
	hb = history(b, "team/app/k");
	assert_string_equal(ha, "bob@3,alice@2,base@1");
	assert_string_equal(ha, hb);
	free(ha);
	free(hb);
	free(ta);
	free(tb);
	ta = export(a);
	tb = export(b);
	assert_string_equal(ta, tb);
	/* again: nothing changes */
	import(a, tb, &st);
	assert_int_equal(st.unchanged, 2);
	assert_int_equal(st.added + st.updated, 0);
	/* a file that fails on its last line changes nothing */
	bad = xasprintf("%s{\"key\":\"team/app/k\",\"version\":9,\"value\":\"v\",\"created_at\":"
			"\"2026-01-01T00:00:00.000Z\",\"updated_at\":\"2026-01-01T00:00:00.000Z\"}\n{broken\n", ta);
	{
		assert_int_equal(memory_share_import(a, &st, bad, strlen(bad)), RWB_EINPUT);
	}
	assert_int_equal(memory_retrieve(a, &l, "team/app/k", false), RWB_OK);
	assert_int_equal(l.v[0].version, 3);
	assert_string_equal(l.v[0].value, "bob");
	memory_list_release(&l);
	/* the found entry is searchable (indexed) after an import */
	{
		struct memory_query q = { .text = "bob", .mode = MEMORY_FULLTEXT };
		struct memory_results r;
		assert_int_equal(memory_search(a, &r, &q), RWB_OK);
		assert_true(r.n >= 1);
		memory_results_release(&r);
	}
	free(bad);
	free(ta);
	free(tb);
	free(both);
	store_free(a);
	store_free(b);
	tu_rmtree(dir);
	free(dir);
	memory_set_clock(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_higher_version_wins),
		cmocka_unit_test(test_tie_later_update_wins),
		cmocka_unit_test(test_tie_hash_any_order),
		cmocka_unit_test(test_copies_dropped),
		cmocka_unit_test(test_numbers_never_lowered),
		cmocka_unit_test(test_merge_idempotent),
		cmocka_unit_test(test_merge_all_keys),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_refusals_name_the_line),
		cmocka_unit_test(test_two_stores_converge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
