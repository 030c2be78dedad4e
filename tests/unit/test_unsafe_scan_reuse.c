/*
 * test_unsafe_scan_reuse.c - one scanner over many files (what the audit's
 * threads do): its token and doc buffers carry over from file to file, so
 * every file must come out exactly as a fresh scan gives it, whatever came
 * before (a big file that grew the buffers, a file without unsafe, a file
 * whose only `unsafe` is in comments and strings, a file cut off inside a
 * raw string).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "unsafe_scan.h"

static void assert_same_items(const struct unsafe_file *a, const struct unsafe_file *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct unsafe_item *x = &a->items[i], *y = &b->items[i];
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->line_end, y->line_end);
		assert_int_equal(x->start, y->start);
		assert_int_equal(x->end, y->end);
		assert_string_equal(x->module, y->module);
		assert_string_equal(x->function, y->function);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->documented, y->documented);
		assert_int_equal(x->clippy_flags, y->clippy_flags);
		assert_int_equal(x->safety_line, y->safety_line);
		assert_true((x->safety == NULL) == (y->safety == NULL));
		if (x->safety)
			assert_string_equal(x->safety, y->safety);
		assert_true(x->fingerprint == y->fingerprint);
	}
}

/* A file of n functions, each with a documented unsafe block and doc
 * comments (a few thousand tokens per hundred functions). */
static char *big_file(int n)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < n; i++)
		strbuf_addf(&sb,
			    "/// Reads slot %d.\n"
			    "pub fn read_%d(p: *const u32) -> u32 {\n"
			    "    // SAFETY: the caller passes a valid pointer (%d)\n"
			    "    let v = unsafe { *p.add(%d) };\n"
			    "    v + %d\n"
			    "}\n\n", i, i, i, i, i);
	return strbuf_detach(&sb);
}

static void test_reuse_matches_fresh(void **state)
{
	char *big = big_file(2000);
	const char *files[] = {
		big,
		"fn plain() { let x = 1; }\n",
		"// unsafe in a comment, \"unsafe\" in a string: no items\n"
		"fn f() -> &'static str { \"unsafe { }\" }\n/* unsafe */\n",
		"/// # Safety\n/// Call it right.\npub unsafe fn g() {}\n"
		"unsafe impl Send for X {}\nunsafe trait T {}\nunsafe extern \"C\" { fn h(); }\n",
		"fn k() { unsafe { f() } }\nlet s = r##\"cut off inside a raw string unsafe { }",
		big,
		"",
	};
	const char *paths[] = { "src/lib.rs", "src/a.rs", "src/b/mod.rs", "src/c.rs", "src/d.rs",
				"src/e.rs", "src/empty.rs" };
	struct unsafe_scanner *sc = unsafe_scan_new();
	size_t expect_n[] = { 2000, 0, 0, 4, 1, 2000, 0 };

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct unsafe_file reused = { 0 }, fresh = { 0 };
		size_t len = strlen(files[f]);
		char *exact = malloc(len ? len : 1);   /* no NUL: reads past len show */
		assert_non_null(exact);
		memcpy(exact, files[f], len);
		unsafe_scan_file(sc, &reused, exact, len, paths[f]);
		unsafe_scan_source(&fresh, exact, len, paths[f]);
		assert_int_equal(reused.n, expect_n[f]);
		assert_same_items(&reused, &fresh);
		unsafe_file_release(&reused);
		unsafe_file_release(&fresh);
		free(exact);
	}
	unsafe_scan_free(sc);
	unsafe_scan_free(NULL);
	free(big);
}

/* The big file's items: every block documented, lines and modules right,
 * also when the scanner saw other files first. */
static void test_big_file_items(void **state)
{
	char *big = big_file(1500);
	struct unsafe_scanner *sc = unsafe_scan_new();
	struct unsafe_file out = { 0 };

	(void)state;
	unsafe_scan_file(sc, &out, "fn a() { unsafe {} }", 20, "src/x.rs");
	unsafe_file_release(&out);
	unsafe_scan_file(sc, &out, big, strlen(big), "src/deep/mod.rs");
	assert_int_equal(out.n, 1500);
	for (size_t i = 0; i < out.n; i++) {
		char fn[32];
		assert_int_equal(out.items[i].kind, UNSAFE_BLOCK);
		assert_int_equal(out.items[i].line, 4 + 7 * (int)i);
		assert_true(out.items[i].documented);
		assert_int_equal(out.items[i].safety_line, 3 + 7 * (int)i);
		assert_string_equal(out.items[i].module, "deep");
		snprintf(fn, sizeof(fn), "read_%zu", i);
		assert_string_equal(out.items[i].function, fn);
	}
	unsafe_file_release(&out);
	unsafe_scan_free(sc);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_matches_fresh),
		cmocka_unit_test(test_big_file_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
