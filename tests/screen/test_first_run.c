/*
 * test_first_run.c - issue 16's first half in a real pseudo-terminal.
 *
 * 1. First run as the README has it: the demo crate laid out by
 *    scripts/demo-repo.sh, rwb started by a relative path (./bin/rwb, as
 *    `make run` starts ./build/rwb) from another folder, `/cargo-build`
 *    typed at the prompt: the job runs (no "cannot run ./bin/rwb", exit
 *    127) and its result is one human line. The terminal pane's shell has
 *    RWB_DB and rwb's folder on PATH, so `rwb /memory-store ...` typed there
 *    lands in the same store. The git pane shows the change, not target/ or
 *    Cargo.lock.
 * 2. A failed test: /rust-test's result says which test failed where and
 *    why; the list of failed tests opens, Space unfolds the test's output
 *    (left/right), Enter opens the viewer at the panic's line, marked, with
 *    the message, q comes back to the list. The terminal tab shows the
 *    output as cargo test does and the scroll-mode search finds it.
 * 3. Diagnostics: Space unfolds rustc's rendered text, e explains the
 *    code, o opens $EDITOR at FILE:LINE:COL, a shows a machine-applicable
 *    suggestion's diff and y writes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen.h"
#include "testutil.h"
#include "xalloc.h"

#define K_F7 "\033[18~"

struct fx {
	char *dir, *db, *home;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *script;

	f->dir = tu_tmpdir();
	f->db = xasprintf("%s/rwb.db", f->dir);
	f->home = xasprintf("%s/home", f->dir);
	/* ./bin/rwb: a relative path that means nothing in the crate's folder */
	script = xasprintf("mkdir -p home bin && ln -s '%s' bin/rwb && "
			   "printf '#!/bin/sh\\necho \"EDITOR-ARGS: $*\"\\n' > bin/nano && chmod +x bin/nano",
			   RWB_BINARY);
	assert_int_equal(tu_sh(f->dir, script), 0);
	free(script);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->home);
	free(f);
	return 0;
}

static void copy_fixture(struct fx *f, const char *fixture, const char *name)
{
	char *script = xasprintf("cp -r '%s/tests/fixtures/cargo/%s' '%s' && mkdir -p '%s/.cargo' && "
				 "cp '%s/tests/fixtures/cargo/offline-config.toml' '%s/.cargo/config.toml'",
				 RWB_TEST_SOURCE_DIR, fixture, name, name, RWB_TEST_SOURCE_DIR, name);
	assert_int_equal(tu_sh(f->dir, script), 0);
	free(script);
}

/* rwb as ./bin/rwb from the test's folder, on repo (relative to it). */
static struct screen *start(struct fx *f, const char *repo, const char *editor)
{
	char *argv[] = { "./bin/rwb", "--db", f->db, "--repo", (char *)repo, NULL };
	const char *real = getenv("HOME") ? getenv("HOME") : "/root";
	char *home = xasprintf("HOME=%s", f->home);
	char *rustup = getenv("RUSTUP_HOME") ? xasprintf("RUSTUP_HOME=%s", getenv("RUSTUP_HOME"))
					     : xasprintf("RUSTUP_HOME=%s/.rustup", real);
	char *cargo = getenv("CARGO_HOME") ? xasprintf("CARGO_HOME=%s", getenv("CARGO_HOME"))
					   : xasprintf("CARGO_HOME=%s/.cargo", real);
	char *ed = xasprintf("EDITOR=%s", editor ? editor : "/bin/echo");
	char *env[] = { home, rustup, cargo, "RWB_SHELL=/bin/sh", ed, "VISUAL=", "NO_COLOR=",
			"RUST_BACKTRACE=0", "RWB_DB=", NULL };
	char cwd[4096];
	struct screen *s;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	s = screen_start(argv, 120, 40, env);
	assert_int_equal(chdir(cwd), 0);
	free(home);
	free(rustup);
	free(cargo);
	free(ed);
	assert_non_null(s);
	assert_true(screen_wait_for(s, "Command", 5000));
	return s;
}

static void quit(struct screen *s)
{
	screen_send(s, K_CTRL_Q);
	screen_pump(s, 300);
	if (screen_contains(s, "quit"))
		screen_send(s, "y");
	assert_int_equal(screen_wait_exit(s, 5000), 0);
	screen_free(s);
}

static void test_first_run(void **state)
{
	struct fx *f = *state;
	struct screen *s;
	char *script = xasprintf("sh '%s/scripts/demo-repo.sh' demo", RWB_TEST_SOURCE_DIR);
	char *argv[] = { RWB_BINARY, "--db", f->db, "/memory-retrieve", "--key", "first-run/shell", NULL };
	char *out = NULL, *err = NULL, *want;

	assert_int_equal(tu_sh(f->dir, script), 0);
	free(script);
	s = start(f, "demo", NULL);
	screen_send(s, "/cargo-build");
	screen_pump(s, 200);
	screen_send(s, K_ENTER);
	/* the job ran: its result is one human line, not JSON, not exit 127 */
	if (!screen_wait_for(s, "build succeeded: 0 errors", 120000))
		screen_dump(s);
	assert_true(screen_contains(s, "build succeeded: 0 errors"));
	assert_false(screen_contains(s, "cannot run"));
	assert_false(screen_contains(s, "exit 127"));
	assert_false(screen_contains(s, "\"success\""));
	if (!screen_wait_for(s, "exit 0; output in the terminal pane", 10000))
		screen_dump(s);
	assert_true(screen_contains(s, "exit 0; output in the terminal pane"));

	/* the terminal pane's shell: this store and this rwb */
	screen_send(s, K_F3);
	screen_pump(s, 300);
	screen_send(s, "x"); /* closes the finished job's tab: back to the shell */
	screen_pump(s, 300);
	screen_send(s, "rwb /memory-store --key first-run/shell --value from-the-pane && echo STORED-OK\r");
	if (!screen_wait_for(s, "STORED-OK", 15000))
		screen_dump(s);
	assert_true(screen_contains(s, "STORED-OK"));
	screen_send(s, "echo \"db=$RWB_DB\"\r");
	want = xasprintf("db=%s", f->db);
	assert_true(screen_wait_for(s, want, 5000));
	free(want);

	/* the git pane: the user's change, not the build's output */
	screen_send(s, K_F4);
	if (!screen_wait_for(s, "checksum.rs", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "checksum.rs"));
	assert_false(screen_contains(s, "Cargo.lock"));
	assert_false(screen_contains(s, "target/"));
	quit(s);

	/* what the pane's rwb stored is in this store */
	assert_int_equal(tu_run(f->dir, argv, NULL, &out, &err), 0);
	assert_non_null(strstr(out, "from-the-pane"));
	free(out);
	free(err);
}

static void test_failed_test_says_why(void **state)
{
	struct fx *f = *state;
	struct screen *s;
	int row, col;

	copy_fixture(f, "tests", "testy");
	s = start(f, "testy", NULL);
	screen_send(s, "/rust-test");
	screen_pump(s, 200);
	screen_send(s, K_ENTER);
	/* the list of failed tests opens on its own */
	if (!screen_wait_for(s, "Failed tests", 120000))
		screen_dump(s);
	assert_true(screen_contains(s, "1 failed test"));
	assert_true(screen_contains(s, "failed tests in src/lib.rs"));
	assert_true(screen_contains(s, "FAILED tests::wrong_sum: assertion `left == right` failed: two and two"));
	/* Space unfolds the test's output */
	screen_send(s, " ");
	assert_true(screen_wait_for(s, "left: 4", 3000));
	assert_true(screen_contains(s, "about to compare"));
	/* Enter: the viewer at the panic's line, marked, with the message */
	screen_send(s, K_ENTER);
	if (!screen_wait_for(s, "line 22/", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "22>"));
	assert_true(screen_contains(s, "> 22:9 FAILED: tests::wrong_sum"));
	/* q: back to the list, the same item selected */
	screen_send(s, "q");
	assert_true(screen_wait_for(s, "failed tests in src/lib.rs", 3000));
	assert_true(screen_contains(s, "Failed tests"));
	screen_send(s, K_ESC);
	assert_true(screen_wait_gone(s, "failed tests in src/lib.rs", 3000));
	/* the results area: the summary, then the failure and why */
	assert_true(screen_contains(s, "tests failed: 3 passed, 1 failed, 1 ignored"));
	assert_true(screen_contains(s, "FAILED tests::wrong_sum at src/lib.rs:22:9"));
	/* the terminal tab shows cargo test's failures section; scroll-mode search finds it */
	screen_send(s, K_F3);
	screen_pump(s, 300);
	screen_send(s, K_F7);
	screen_pump(s, 200);
	screen_send(s, "/");
	screen_send(s, "right: 5");
	screen_send(s, K_ENTER);
	screen_pump(s, 500);
	if (!screen_find(s, "right: 5", &row, &col))
		screen_dump(s);
	assert_true(screen_find(s, "right: 5", &row, &col));
	assert_true(screen_contains(s, "---- tests::wrong_sum stdout ----"));
	screen_send(s, K_ESC);
	screen_pump(s, 300);
	/* a newer result folds this one to its summary line */
	screen_send(s, K_F2);
	screen_send(s, "/help metrics");
	screen_send(s, K_ENTER);
	if (!screen_wait_for(s, "/rust-test  tests failed: 3 passed, 1 failed, 1 ignored", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "/rust-test  tests failed: 3 passed, 1 failed, 1 ignored"));
	quit(s);
}

static void test_diagnostics_unfold_explain_edit_fix(void **state)
{
	struct fx *f = *state;
	struct screen *s;
	char *nano = xasprintf("%s/bin/nano", f->dir), *main_rs, *text;

	copy_fixture(f, "diag", "diag");
	s = start(f, "diag", nano);
	screen_send(s, "/cargo-build");
	screen_pump(s, 200);
	screen_send(s, K_ENTER);
	/* the list opens on its own when the job ends */
	if (!screen_wait_for(s, "errors in src/main.rs", 120000))
		screen_dump(s);
	assert_true(screen_contains(s, "error[E0308] mismatched types"));
	/* Space: what rustc rendered, span labels included */
	screen_send(s, " ");
	if (!screen_wait_for(s, "expected `u32`, found `&str`", 3000))
		screen_dump(s);
	assert_true(screen_contains(s, "expected `u32`, found `&str`"));
	assert_true(screen_contains(s, "expected due to this"));
	screen_send(s, " ");
	assert_true(screen_wait_gone(s, "expected due to this", 3000));
	/* e: rustc --explain */
	screen_send(s, "e");
	assert_true(screen_wait_for(s, "rustc --explain E0308", 5000));
	screen_send(s, K_ESC);
	assert_true(screen_wait_for(s, "errors in src/main.rs", 3000));
	/* a on the warning: the diff of its machine-applicable fix, y writes it */
	screen_send(s, "n");
	screen_send(s, "a");
	if (!screen_wait_for(s, "suggested change to src/main.rs", 3000))
		screen_dump(s);
	assert_true(screen_contains(s, "-use std::collections::HashMap;"));
	screen_send(s, "y");
	assert_true(screen_wait_for(s, "applied the suggestion", 3000));
	main_rs = xasprintf("%s/diag/src/main.rs", f->dir);
	text = tu_read(main_rs, NULL);
	assert_non_null(text);
	assert_null(strstr(text, "HashMap"));
	assert_non_null(strstr(text, "let n: u32 = \"not a number\";"));
	free(text);
	free(main_rs);
	/* o: $EDITOR at FILE:LINE:COL (nano's +LINE,COL) in the terminal pane */
	screen_send(s, "p");
	screen_send(s, "o");
	if (!screen_wait_for(s, "EDITOR-ARGS: +4,18 ", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "diag/src/main.rs"));
	free(nano);
	quit(s);
}

int main(void)
{
	/* the harness turns screen cells into UTF-8 with wctomb() */
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_test_says_why, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diagnostics_unfold_explain_edit_fix, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
