/*
 * test_perffold.c - folding recorded `perf script` text (tests/fixtures/perf:
 * a Rust program with a known hot function, recorded with perf on this kind
 * of machine, legacy and v0 mangling), function figures, the folded file
 * round trip and the SVG (checked with xmllint).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "perffold.h"
#include "testutil.h"

#define FIX RWB_TEST_SOURCE_DIR "/tests/fixtures/perf/"

static const char *small =
	"# a comment line\n"
	"my prog 123/124 [001] 10.5: 250000 cpu-clock:\n"
	"\t    55d4c8a0b1c2 _ZN3hot4leaf17h0123456789abcdefE+0x12 (/tmp/hot)\n"
	"\t    55d4c8a0b1c2 _RINvCs1234_3hot3midAhj4_E+0x1 (/tmp/hot)\n"
	"\t    7f0000000000 main+0x80 (/tmp/hot)\n"
	"\n"
	"my prog 123/124 [001] 10.6: 250000 cpu-clock:\n"
	"\t    55d4c8a0b1c2 _ZN3hot4leaf17h0123456789abcdefE+0x14 (/tmp/hot)\n"
	"\t    55d4c8a0b1c2 _RINvCs1234_3hot3midAhj4_E+0x1 (/tmp/hot)\n"
	"\t    7f0000000000 main+0x80 (/tmp/hot)\n"
	"\n"
	"other 9 [000] 11.0: 1 cpu-clock:\n"
	"\t    7f0000000001 [unknown] (/usr/lib/libc.so.6)\n"
	"\t    0 [unknown] ([unknown])\n"
	"\n"
	"my prog 123/124 [001] 10.7: 250000 cpu-clock:\n"
	"\t    7f0000000000 main+0x80 (/tmp/hot)\n";

static void check_small(struct perffold *f)
{
	struct perffold_stack *st;
	size_t n;

	assert_int_equal(perffold_samples(f), 4);
	perffold_stacks(f, &st, &n);
	assert_int_equal(n, 3);
	assert_string_equal(st[0].stack, "my prog;main;hot::mid::<[u8, 4]>;hot::leaf");
	assert_int_equal(st[0].count, 2);
	assert_string_equal(st[1].stack, "my prog;main");
	assert_string_equal(st[2].stack, "other;[unknown];[libc.so.6]");
	free(st);
}

static void test_small_any_chunking(void **state)
{
	struct perffold *f;
	size_t len = strlen(small);

	(void)state;
	perffold_new(&f);
	assert_int_equal(perffold_feed(f, small, len), RWB_OK);
	perffold_finish(f);
	check_small(f);
	perffold_free(f);
	/* one byte at a time gives the same stacks */
	perffold_new(&f);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(perffold_feed(f, small + i, 1), RWB_OK);
	perffold_finish(f);
	check_small(f);
	perffold_free(f);
}

static void test_small_functions(void **state)
{
	struct perffold *f;
	struct perffold_func *fn;
	size_t n;

	(void)state;
	perffold_new(&f);
	perffold_feed(f, small, strlen(small));
	perffold_finish(f);
	perffold_functions(f, &fn, &n);
	assert_int_equal(n, 5);
	assert_string_equal(fn[0].name, "hot::leaf");
	assert_int_equal(fn[0].self, 2);
	assert_true(fn[0].self_pct > 49.9 && fn[0].self_pct < 50.1);
	/* equal self: the higher total first */
	assert_string_equal(fn[1].name, "main");
	assert_int_equal(fn[1].self, 1);
	assert_int_equal(fn[1].total, 3);
	assert_true(fn[1].total_pct > 74.9 && fn[1].total_pct < 75.1);
	assert_string_equal(fn[2].name, "[libc.so.6]");
	perffold_functions_free(fn, n);
	perffold_free(f);
}

static void test_recursion_counted_once(void **state)
{
	struct perffold *f;
	struct perffold_func *fn;
	size_t n;
	const char *folded = "p;fib;fib;fib 3\np;fib 1\n";

	(void)state;
	perffold_new(&f);
	assert_int_equal(perffold_parse_folded(f, folded, strlen(folded)), RWB_OK);
	perffold_functions(f, &fn, &n);
	assert_int_equal(n, 1);
	assert_int_equal(fn[0].total, 4);
	assert_int_equal(fn[0].self, 4);
	assert_true(fn[0].total_pct <= 100.0);
	perffold_functions_free(fn, n);
	perffold_free(f);
}

/* Independent count: samples whose leaf frame line mentions name. */
static void count_fixture(const char *text, const char *name, int *samples, int *leaf_hits)
{
	const char *p = text;
	bool want_leaf = false;

	*samples = *leaf_hits = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[0] != '\t' && p[0] != ' ') {
			(*samples)++;
			want_leaf = true;
		} else if (len > 0 && want_leaf) {
			char *line = strndup(p, len);
			if (strstr(line, name))
				(*leaf_hits)++;
			free(line);
			want_leaf = false;
		}
		p = nl ? nl + 1 : p + len;
	}
}

static void check_recorded(const char *file, const char *hot_mangled, const char *run_name)
{
	struct perffold *f;
	struct perffold_func *fn;
	size_t n, len;
	char *text = tu_read(file, &len);
	int samples, hits;
	bool run_seen = false;

	assert_non_null(text);
	count_fixture(text, hot_mangled, &samples, &hits);
	assert_true(samples >= 50);
	assert_true(hits > samples / 2);
	perffold_new(&f);
	assert_int_equal(perffold_read_script(f, file), RWB_OK);
	assert_int_equal(perffold_samples(f), (uint64_t)samples);
	perffold_functions(f, &fn, &n);
	assert_string_equal(fn[0].name, "hot::hot_spin");
	assert_int_equal(fn[0].self, (uint64_t)hits);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(fn[i].name, run_name) == 0) {
			run_seen = true;
			assert_true(fn[i].total >= fn[0].total);
		}
		assert_null(strstr(fn[i].name, "_ZN"));
		assert_null(strstr(fn[i].name, "_RNv"));
	}
	assert_true(run_seen);
	perffold_functions_free(fn, n);
	perffold_free(f);
	free(text);
}

static void test_recorded_v0(void **state)
{
	(void)state;
	check_recorded(FIX "hot_v0.script", "3hot8hot_spin", "<hot::W<u32>>::run");
}

static void test_recorded_legacy(void **state)
{
	(void)state;
	check_recorded(FIX "hot_legacy.script", "3hot8hot_spin", "hot::W<T>::run");
}

static void test_folded_round_trip_and_svg(void **state)
{
	char *dir = tu_tmpdir();
	char *folded = NULL, *svg = NULL, *out = NULL, *err = NULL;
	struct perffold *f, *g;
	struct perffold_stack *a, *b;
	size_t na, nb;
	int rc;

	(void)state;
	perffold_new(&f);
	assert_int_equal(perffold_read_script(f, FIX "hot_v0.script"), RWB_OK);
	/* hostile names must not break the XML */
	perffold_add(f, "x;<a & \"b\">;c'\x01\xff", 16, 3);
	assert_int_equal(asprintf(&folded, "%s/out.folded", dir) > 0, 1);
	assert_int_equal(asprintf(&svg, "%s/out.svg", dir) > 0, 1);
	assert_int_equal(perffold_write_folded(f, folded), RWB_OK);
	assert_int_equal(perffold_write_svg(f, svg, "hot <test>"), RWB_OK);
	perffold_new(&g);
	assert_int_equal(perffold_read_folded(g, folded), RWB_OK);
	perffold_stacks(f, &a, &na);
	perffold_stacks(g, &b, &nb);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].stack, b[i].stack);
		assert_int_equal(a[i].count, b[i].count);
	}
	/* the hottest stack is the first line and ends in the hot function */
	assert_non_null(strstr(a[0].stack, "hot::hot_spin"));
	free(a);
	free(b);
	rc = tu_run(dir, (char *const[]){ "xmllint", "--noout", svg, NULL }, NULL, &out, &err);
	if (rc != 0)
		fprintf(stderr, "xmllint: %s\n", err ? err : "");
	assert_int_equal(rc, 0);
	{
		size_t len;
		char *text = tu_read(svg, &len);
		assert_non_null(strstr(text, "hot::hot_spin"));
		assert_non_null(strstr(text, "&lt;a &amp; &quot;b&quot;&gt;"));
		free(text);
	}
	perffold_free(f);
	perffold_free(g);
	free(out);
	free(err);
	free(folded);
	free(svg);
	tu_rmtree(dir);
	free(dir);
}

static void test_bad_input(void **state)
{
	struct perffold *f;
	const char *bad_folded[] = { "a;b\n", "a;b x\n", "a;b 12x\n", " 5\n", "a;b 99999999999999999999999\n" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad_folded) / sizeof(bad_folded[0]); i++) {
		perffold_new(&f);
		assert_int_equal(perffold_parse_folded(f, bad_folded[i], strlen(bad_folded[i])), RWB_EINPUT);
		assert_null(strchr(rwb_last_error(), '\n'));
		perffold_free(f);
	}
	perffold_new(&f);
	assert_int_equal(perffold_feed(f, "abc\0def", 7), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "NUL"));
	perffold_free(f);
	perffold_new(&f);
	assert_int_equal(perffold_read_script(f, "/nonexistent/perf.txt"), RWB_ENOTFOUND);
	perffold_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_any_chunking),
		cmocka_unit_test(test_small_functions),
		cmocka_unit_test(test_recursion_counted_once),
		cmocka_unit_test(test_recorded_v0),
		cmocka_unit_test(test_recorded_legacy),
		cmocka_unit_test(test_folded_round_trip_and_svg),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
