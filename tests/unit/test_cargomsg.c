/*
 * test_cargomsg.c - the cargo message reader on output recorded from real
 * cargo 1.95 runs (tests/fixtures/cargo/recorded), on libtest's plain and
 * JSON formats, on criterion's estimates, and on broken input; a failed
 * test's panic location, libtest's #[bench] lines, fixes, no-op builds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cargo.h"
#include "cargomsg.h"
#include "error.h"
#include "testutil.h"
#include "xalloc.h"

static char *fixture(const char *name)
{
	char *path = xasprintf("%s/tests/fixtures/cargo/recorded/%s", RWB_TEST_SOURCE_DIR, name);
	char *text = tu_read(path, NULL);

	assert_non_null(text);
	free(path);
	return text;
}

/* Feeds every line of text; returns the human output (allocated). */
static char *feed_all(struct cargomsg *m, const char *text)
{
	struct strbuf human = STRBUF_INIT;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		cargomsg_feed_line(m, p, n, &human);
		p += n + (nl ? 1 : 0);
	}
	return human.buf ? strbuf_detach(&human) : xstrdup("");
}

static void test_build_with_warning_and_error(void **state)
{
	struct cargomsg m;
	char *text = fixture("build-diag.stdout"), *human;
	const struct cargo_diag *w, *e;

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, text);
	assert_int_equal(m.malformed, 0);
	assert_true(m.build_finished);
	assert_false(m.build_success);
	assert_int_equal(cargomsg_count(&m, "warning"), 1);
	assert_int_equal(cargomsg_count(&m, "error"), 1);
	w = &m.diags[0];
	e = &m.diags[1];
	assert_string_equal(w->code, "unused_imports");
	assert_string_equal(w->file, "src/main.rs");
	assert_int_equal(w->line, 1);
	assert_int_equal(w->column, 5);
	assert_true(w->nchildren >= 1);
	assert_string_equal(e->level, "error");
	assert_string_equal(e->code, "E0308");
	assert_string_equal(e->message, "mismatched types");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->column, 18);
	/* the rendered text keeps rustc's colours for the terminal pane */
	assert_non_null(strstr(human, "\033["));
	assert_non_null(strstr(human, "mismatched types"));
	free(human);
	free(text);
	cargomsg_release(&m);
}

static void test_clippy_lint(void **state)
{
	struct cargomsg m;
	char *text = fixture("clippy.stdout"), *human;

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, text);
	assert_int_equal(cargomsg_count(&m, "warning"), 1);
	assert_string_equal(m.diags[0].code, "clippy::needless_return");
	assert_string_equal(m.diags[0].file, "src/lib.rs");
	assert_int_equal(m.diags[0].line, 2);
	assert_true(m.build_success);
	free(human);
	free(text);
	cargomsg_release(&m);
}

static void test_libtest_json_events(void **state)
{
	struct cargomsg m;
	char *text = fixture("test-json.stdout"), *human;
	int p, f, i;
	bool seen_failed = false;

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, text);
	assert_true(m.test_json);
	cargomsg_test_totals(&m, &p, &f, &i);
	assert_int_equal(p, 3);
	assert_int_equal(f, 1);
	assert_int_equal(i, 1);
	assert_int_equal(m.nbins, 3);
	assert_int_equal(m.bins[0].passed, 2);
	assert_int_equal(m.bins[1].passed, 1);
	for (size_t k = 0; k < m.ncases; k++) {
		if (strcmp(m.cases[k].status, "failed") == 0) {
			assert_string_equal(m.cases[k].name, "tests::wrong_sum");
			assert_non_null(strstr(m.cases[k].output, "two and two"));
			seen_failed = true;
		}
	}
	assert_true(seen_failed);
	assert_non_null(strstr(human, "test tests::wrong_sum ... FAILED"));
	free(human);
	free(text);
	cargomsg_release(&m);
}

static void test_libtest_plain_lines(void **state)
{
	struct cargomsg m;
	char *text = fixture("test-plain.stdout"), *human;
	int p, f, i;

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, text);
	assert_false(m.test_json);
	cargomsg_test_totals(&m, &p, &f, &i);
	assert_int_equal(p, 3);
	assert_int_equal(f, 1);
	assert_int_equal(i, 1);
	assert_int_equal(m.nbins, 3);
	/* the failing test's captured output is kept */
	for (size_t k = 0; k < m.ncases; k++)
		if (strcmp(m.cases[k].status, "failed") == 0)
			assert_non_null(strstr(m.cases[k].output, "about to compare"));
	free(human);
	free(text);
	cargomsg_release(&m);
}

static void test_binary_names_from_running_lines(void **state)
{
	struct cargomsg m;
	static const char *const lines[] = {
		"     Running unittests src/lib.rs (target/debug/deps/x-0123abcd)",
		"running 2 tests",
		"test a ... ok",
		"test b ... ignored, needs a network",
		"test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s",
		"   Doc-tests x",
		"running 0 tests",
		"test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
	};

	(void)state;
	cargomsg_init(&m);
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
		cargomsg_feed_line(&m, lines[k], strlen(lines[k]), NULL);
	assert_int_equal(m.nbins, 2);
	assert_string_equal(m.bins[0].name, "unittests src/lib.rs");
	assert_int_equal(m.bins[0].ignored, 1);
	assert_string_equal(m.bins[1].name, "Doc-tests x");
	assert_int_equal(m.ncases, 2);
	assert_string_equal(m.cases[1].status, "ignored");
	cargomsg_release(&m);
}

/* cargo's stderr ran ahead of the test binaries' stdout: names still pair up in order */
static void test_binary_names_arriving_early(void **state)
{
	struct cargomsg m;
	static const char *const lines[] = {
		"     Running unittests src/lib.rs (target/debug/deps/t-1)",
		"error: test failed, to rerun pass `--lib`",
		"     Running tests/integration.rs (target/debug/deps/integration-2)",
		"{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 2 }",
		"{ \"type\": \"test\", \"name\": \"a\", \"event\": \"failed\" }",
		"{ \"type\": \"test\", \"name\": \"b\", \"event\": \"ok\" }",
		"{ \"type\": \"suite\", \"event\": \"failed\", \"passed\": 1, \"failed\": 1, \"ignored\": 0 }",
		"{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }",
		"{ \"type\": \"test\", \"name\": \"c\", \"event\": \"ok\" }",
		"{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": 1, \"failed\": 0, \"ignored\": 0 }",
	};

	(void)state;
	cargomsg_init(&m);
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
		cargomsg_feed_line(&m, lines[k], strlen(lines[k]), NULL);
	assert_int_equal(m.nbins, 2);
	assert_string_equal(m.bins[0].name, "unittests src/lib.rs");
	assert_int_equal(m.bins[0].failed, 1);
	assert_string_equal(m.bins[1].name, "tests/integration.rs");
	assert_int_equal(m.bins[1].passed, 1);
	assert_string_equal(m.cases[0].binary, "unittests src/lib.rs");
	assert_string_equal(m.cases[2].binary, "tests/integration.rs");
	cargomsg_release(&m);
}

static void test_malformed_lines_are_counted(void **state)
{
	struct cargomsg m;
	static const char broken_span[] =
		"{\"reason\":\"compiler-message\",\"message\":{\"spans\":[{\"is_primary\":true,"
		"\"line_start\":1e300,\"file_name\":7}],\"children\":[1,2,{}]}}";
	static const char *const bad[] = {
		"{", "{\"reason\":", "{\"reason\":\"compiler-message\",\"message\":5}",
		broken_span, "[1,2,3]", "{}{}",
	};
	char nul[] = "{\"a\":1}\0{";

	(void)state;
	cargomsg_init(&m);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		cargomsg_feed_line(&m, bad[k], strlen(bad[k]), NULL);
	cargomsg_feed_line(&m, nul, sizeof(nul) - 1, NULL);
	assert_int_equal(m.malformed, 4);
	/* the object with a broken span becomes a diagnostic without a place */
	assert_int_equal(m.ndiags, 1);
	assert_null(m.diags[0].file);
	assert_int_equal(m.diags[0].line, 0);
	assert_string_equal(m.diags[0].level, "unknown");
	cargomsg_release(&m);
}

static void test_duplicates_and_summaries_dropped(void **state)
{
	struct cargomsg m;
	const char *d = "{\"reason\":\"compiler-message\",\"message\":{\"level\":\"warning\","
			"\"message\":\"unused\",\"code\":{\"code\":\"dead_code\"},\"spans\":[{\"file_name\":"
			"\"src/a.rs\",\"line_start\":3,\"column_start\":1,\"is_primary\":true}]}}";
	const char *s = "{\"reason\":\"compiler-message\",\"message\":{\"level\":\"warning\","
			"\"message\":\"2 warnings emitted\",\"code\":null,\"spans\":[]}}";

	(void)state;
	cargomsg_init(&m);
	cargomsg_feed_line(&m, d, strlen(d), NULL);
	cargomsg_feed_line(&m, d, strlen(d), NULL);
	cargomsg_feed_line(&m, s, strlen(s), NULL);
	assert_int_equal(m.ndiags, 1);
	assert_int_equal(cargomsg_count(&m, "warning"), 1);
	cargomsg_release(&m);
}

static void test_criterion_tree(void **state)
{
	char *dir = tu_tmpdir(), *est = fixture("criterion-estimates.json");
	char *meta = fixture("criterion-benchmark.json");
	char *p;
	struct cargomsg m;

	(void)state;
	p = xasprintf("%s/criterion/sum squares/new/estimates.json", dir);
	tu_write(p, est);
	free(p);
	p = xasprintf("%s/criterion/sum squares/new/benchmark.json", dir);
	tu_write(p, meta);
	free(p);
	/* a group without benchmark.json is named by its folders; base/ is ignored */
	p = xasprintf("%s/criterion/group a/fn b/new/estimates.json", dir);
	tu_write(p, est);
	free(p);
	p = xasprintf("%s/criterion/group a/fn b/base/estimates.json", dir);
	tu_write(p, "{ not json");
	free(p);
	p = xasprintf("%s/criterion/broken/new/estimates.json", dir);
	tu_write(p, "{\"mean\":{\"point_estimate\":\"fast\"}}");
	free(p);
	cargomsg_init(&m);
	assert_int_equal(cargomsg_read_criterion(&m, dir, 0), RWB_OK);
	assert_int_equal(m.nbenches, 2);
	assert_string_equal(m.benches[0].id, "group a/fn b");
	assert_string_equal(m.benches[1].id, "sum squares");
	assert_float_equal(m.benches[1].mean_ns, 9358.130031168039, 1e-6);
	assert_float_equal(m.benches[1].median_ns, 7613.274158183242, 1e-6);
	assert_float_equal(m.benches[1].std_dev_ns, 2943.6691936973302, 1e-6);
	cargomsg_release(&m);
	cargomsg_init(&m);
	assert_int_equal(cargomsg_read_criterion(&m, "/nonexistent-rwb", 0), RWB_ENOTFOUND);
	cargomsg_release(&m);
	tu_rmtree(dir);
	free(dir);
	free(est);
	free(meta);
}

static void test_panic_location(void **state)
{
	char *file, *msg;
	int line, col;

	(void)state;
	/* Rust 1.73 on: the location ends the line, the message follows */
	assert_true(cargomsg_panic_location("about to compare\n\nthread 'tests::wrong_sum' (23301) panicked at "
					    "src/lib.rs:22:9:\nassertion `left == right` failed: two and two\n"
					    "  left: 4\n right: 5\n", &file, &line, &col, &msg));
	assert_string_equal(file, "src/lib.rs");
	assert_int_equal(line, 22);
	assert_int_equal(col, 9);
	assert_string_equal(msg, "assertion `left == right` failed: two and two");
	free(file);
	free(msg);
	/* before 1.73: the message first, quoted */
	assert_true(cargomsg_panic_location("thread 'x' panicked at 'it's broken', tests/it.rs:5:13\n",
					    &file, &line, &col, &msg));
	assert_string_equal(file, "tests/it.rs");
	assert_int_equal(line, 5);
	assert_int_equal(col, 13);
	assert_string_equal(msg, "it's broken");
	free(file);
	free(msg);
	/* no panic, or no location */
	assert_false(cargomsg_panic_location("just output\n", &file, &line, &col, &msg));
	assert_null(file);
	assert_false(cargomsg_panic_location("panicked at nowhere:x:1\n", &file, &line, &col, &msg));
	assert_false(cargomsg_panic_location("panicked at :1:2\n", &file, &line, &col, &msg));
	assert_false(cargomsg_panic_location(NULL, &file, &line, &col, &msg));
}

static void test_failure_keeps_location(void **state)
{
	struct cargomsg m;
	char *text = fixture("test-json.stdout"), *human;
	bool seen = false;

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, text);
	for (size_t k = 0; k < m.ncases; k++) {
		if (strcmp(m.cases[k].status, "failed") != 0)
			continue;
		assert_string_equal(m.cases[k].file, "src/lib.rs");
		assert_int_equal(m.cases[k].line, 22);
		assert_non_null(strstr(m.cases[k].message, "two and two"));
		seen = true;
	}
	assert_true(seen);
	free(human);
	free(text);
	cargomsg_release(&m);
}

static void test_libtest_bench_lines(void **state)
{
	struct cargomsg m;
	char *human = NULL;
	static const char lines[] =
		"running 3 tests\n"
		"test bench_sum_large ... bench:       1,234 ns/iter (+/- 56)\n"
		"test group::bench_small ... bench:           4.80 ns/iter (+/- 5.52)\n"
		"test not_a_bench ... bench: fast\n"
		"test result: ok. 0 passed; 0 failed; 0 ignored; 3 measured; 0 filtered out\n";

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, lines);
	assert_int_equal(m.nbenches, 2);
	assert_string_equal(m.benches[0].id, "bench_sum_large");
	assert_true(m.benches[0].median_ns == 1234 && m.benches[0].mean_ns == 1234);
	assert_true(m.benches[0].std_dev_ns == 56);
	assert_string_equal(m.benches[1].id, "group::bench_small");
	assert_true(m.benches[1].median_ns > 4.79 && m.benches[1].median_ns < 4.81);
	free(human);
	cargomsg_release(&m);
}

static void test_fixes_rendered_and_noop(void **state)
{
	struct cargomsg m;
	char *text = fixture("build-diag.stdout"), *human, *plain;
	int fixes = 0;

	(void)state;
	cargomsg_init(&m);
	human = feed_all(&m, text);
	for (size_t i = 0; i < m.ndiags; i++)
		fixes += m.diags[i].nfixes;
	assert_true(fixes > 0);
	assert_false(cargomsg_noop_build(&m)); /* it failed */
	plain = cargomsg_strip_ansi("\033[1m\033[91merror[E0308]\033[0m: x\n");
	assert_string_equal(plain, "error[E0308]: x\n");
	free(plain);
	free(human);
	free(text);
	cargomsg_release(&m);
	/* every artifact fresh and a successful build: nothing was compiled */
	cargomsg_init(&m);
	human = feed_all(&m, "{\"reason\":\"compiler-artifact\",\"fresh\":true}\n"
			     "{\"reason\":\"build-finished\",\"success\":true}\n");
	assert_true(cargomsg_noop_build(&m));
	free(human);
	cargomsg_release(&m);
	cargomsg_init(&m);
	human = feed_all(&m, "{\"reason\":\"compiler-artifact\",\"fresh\":true}\n"
			     "{\"reason\":\"compiler-artifact\",\"fresh\":false}\n"
			     "{\"reason\":\"build-finished\",\"success\":true}\n");
	assert_false(cargomsg_noop_build(&m));
	free(human);
	cargomsg_release(&m);
}

static void test_explain_clippy_lint(void **state)
{
	char *text;

	(void)state;
	if (!cargo_have_program("cargo-clippy")) {
		puts("clippy is not installed: its --explain is not tried");
		return;
	}
	text = cargo_explain("clippy::needless_return");
	assert_non_null(text);
	assert_non_null(strstr(text, "return"));
	free(text);
	assert_null(cargo_explain("clippy::no_such_lint_here"));
	assert_null(cargo_explain("clippy::bad name"));
}

static void test_code_classes(void **state)
{
	(void)state;
	assert_true(cargomsg_is_borrow_code("E0382"));
	assert_true(cargomsg_is_borrow_code("E0716"));
	assert_false(cargomsg_is_borrow_code("E0106"));
	assert_true(cargomsg_is_lifetime_code("E0106"));
	assert_true(cargomsg_is_lifetime_code("E0621"));
	assert_false(cargomsg_is_lifetime_code(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_with_warning_and_error),
		cmocka_unit_test(test_clippy_lint),
		cmocka_unit_test(test_libtest_json_events),
		cmocka_unit_test(test_libtest_plain_lines),
		cmocka_unit_test(test_binary_names_from_running_lines),
		cmocka_unit_test(test_binary_names_arriving_early),
		cmocka_unit_test(test_malformed_lines_are_counted),
		cmocka_unit_test(test_duplicates_and_summaries_dropped),
		cmocka_unit_test(test_criterion_tree),
		cmocka_unit_test(test_code_classes),
		cmocka_unit_test(test_panic_location),
		cmocka_unit_test(test_failure_keeps_location),
		cmocka_unit_test(test_libtest_bench_lines),
		cmocka_unit_test(test_fixes_rendered_and_noop),
		cmocka_unit_test(test_explain_clippy_lint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
