/*
 * test_coverage.c - what /rust-test --coverage stored, in the TUI, against
 * a real crate with a partly tested function (cargo, rustc and llvm-cov
 * run for real, offline): the viewer marks the lines no test executed with
 * `!`; the git pane's diff marks the added lines no test executed and
 * shows the patch coverage; the Audit tab says which unsafe block is
 * tested; the Metrics tab lists test_coverage after two runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

struct fx {
	char *dir, *crate, *db, *home;
	double first, last;      /* line coverage of the first and the last run, as printed */
};

static int coverage_run(struct fx *f)
{
	char *argv[] = { RWB_BINARY, "--db", f->db, "--repo", f->crate, "/rust-test", "--coverage", NULL };
	char *env[] = { "NO_COLOR=1", NULL };
	char *out = NULL, *err = NULL;
	int st = tu_run(f->crate, argv, env, &out, &err);

	if (st != 0)
		fprintf(stderr, "rust-test --coverage: %d\n%s\n%s\n", st, out ? out : "", err ? err : "");
	else if (out && strstr(out, "): lines "))
		f->last = atof(strstr(out, "): lines ") + 9);
	if (f->first == 0)
		f->first = f->last;
	free(out);
	free(err);
	return st;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *script;

	f->dir = tu_tmpdir();
	f->crate = xasprintf("%s/crate", f->dir);
	f->db = xasprintf("%s/rwb.db", f->dir);
	f->home = xasprintf("%s/home", f->dir);
	script = xasprintf("mkdir -p home && cp -r '%s/tests/fixtures/cargo/covered' '%s' && "
			   "mkdir -p '%s/.cargo' && cp '%s/tests/fixtures/cargo/offline-config.toml' "
			   "'%s/.cargo/config.toml' && cd '%s' && printf 'target/\\n' > .gitignore && "
			   "git init -q . && git add . && git -c user.name=t -c user.email=t@example.com "
			   "commit -qm base",
			   RWB_TEST_SOURCE_DIR, f->crate, f->crate, RWB_TEST_SOURCE_DIR, f->crate, f->crate);
	assert_int_equal(tu_sh(f->dir, script), 0);
	free(script);
	assert_int_equal(coverage_run(f), 0);
	/* the change under review: one added function a new test runs, one nothing runs */
	script = xasprintf("cd '%s' && printf '%%s\\n' '' 'pub fn added_tested(x: u32) -> u32 {' "
			   "'    x + 1' '}' '' 'pub fn added_untested(x: u32) -> u32 {' '    x + 7' '}' '' "
			   "'#[test]' 'fn added_test() {' '    assert_eq!(added_tested(1), 2);' '}' "
			   ">> src/lib.rs", f->crate);
	assert_int_equal(tu_sh(f->dir, script), 0);
	free(script);
	assert_int_equal(coverage_run(f), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->crate);
	free(f->db);
	free(f->home);
	free(f);
	return 0;
}

static struct screen *start(struct fx *f)
{
	char *argv[] = { RWB_BINARY, "--db", f->db, "--repo", f->crate, NULL };
	char *home = xasprintf("HOME=%s", f->home);
	char *env[] = { home, "RWB_SHELL=/bin/sh", "GIT_CONFIG_NOSYSTEM=1", NULL };
	struct screen *s = screen_start(argv, 120, 40, env);

	free(home);
	assert_non_null(s);
	assert_true(screen_wait_for(s, "Command", 5000));
	return s;
}

static void expect(struct screen *s, const char *text)
{
	if (!screen_wait_for(s, text, 5000)) {
		screen_dump(s);
		fail_msg("not on the screen: %s", text);
	}
}

static void shown(struct screen *s, const char *text, bool want)
{
	if (screen_contains(s, text) != want) {
		screen_dump(s);
		fail_msg("%s on the screen: %s", want ? "not" : "unexpectedly", text);
	}
}

static void test_viewer_marks_untested_lines(void **state)
{
	struct fx *f = *state;
	struct screen *s = start(f);

	screen_send(s, K_F2);
	screen_send(s, "/file-read src/lib.rs --line 1" K_ENTER);
	expect(s, "coverage: ");
	expect(s, "lines executed by the tests; ! marks the");
	/* the marker column: line number, marker, blank, text */
	shown(s, "!     unsafe { *p + 1 }", true);       /* read_untested: no test */
	shown(s, "      unsafe { *p }", true);            /* read_tested: a test ran it */
	shown(s, "!     unsafe { *p }", false);
	shown(s, "!         let up = x + 1;", true);     /* half's odd branch */
	shown(s, "!         x / 2", false);              /* its even branch ran */
	screen_send(s, ":45" K_ENTER);
	expect(s, "line 45/51");
	shown(s, "!     x + 7", true);                   /* added_untested */
	shown(s, "      x + 1", true);                   /* added_tested */
	shown(s, "!     x + 1", false);
	screen_quit(s);
}

static void test_diff_marks_untested_added_lines(void **state)
{
	struct fx *f = *state;
	struct screen *s = start(f);

	screen_send(s, K_F4);
	expect(s, "Unstaged (1)");
	expect(s, "M  src/lib.rs");
	screen_send(s, K_ENTER);
	expect(s, "+pub fn added_tested");
	shown(s, "!+    x + 7", true);
	shown(s, "+    x + 1", true);
	shown(s, "!+    x + 1", false);
	shown(s, "!+pub fn added_tested", false);
	/* 9 added lines hold code: added_tested 3 and the test 3 ran, added_untested 3 did not */
	expect(s, "patch coverage 67% (6/9)");
	screen_quit(s);
}

static void test_audit_tab_and_metrics(void **state)
{
	struct fx *f = *state;
	struct screen *s = start(f);

	screen_send(s, K_F5);
	screen_pump(s, 200);
	screen_send(s, "3");
	screen_pump(s, 200);
	screen_send(s, K_F6);   /* zoom the browser pane */
	expect(s, "read_tested");
	expect(s, "UNTESTED");
	{
		int row, col;
		char *line;
		assert_true(screen_find(s, "read_untested", &row, &col));
		line = screen_row(s, row);
		assert_non_null(strstr(line, "UNTESTED"));
		free(line);
		assert_true(screen_find(s, "read_tested", &row, &col));
		line = screen_row(s, row);
		assert_non_null(strstr(line, "tested"));
		assert_null(strstr(line, "UNTESTED"));
		free(line);
	}
	screen_send(s, K_F6);
	screen_send(s, "2");
	expect(s, "Enter chart");
	/* the brief's metrics come first: step down until the row is in view */
	for (int i = 0; i < 80 && !screen_contains(s, "test_coverage "); i++) {
		screen_send(s, "j");
		screen_pump(s, 30);
	}
	expect(s, "test_coverage");
	{
		/* two runs, the second's figure lower (a function no test runs was added) */
		int row, col;
		char *line, want[32];
		assert_true(f->last < f->first);
		snprintf(want, sizeof(want), "%.1f%% ↓", f->last);
		assert_true(screen_find(s, "test_coverage", &row, &col));
		line = screen_row(s, row);
		if (!strstr(line, want))
			screen_dump(s);
		assert_non_null(strstr(line, want));
		free(line);
	}
	screen_quit(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_viewer_marks_untested_lines),
		cmocka_unit_test(test_diff_marks_untested_added_lines),
		cmocka_unit_test(test_audit_tab_and_metrics),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
