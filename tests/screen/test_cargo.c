/*
 * test_cargo.c - cargo in the TUI, in a real pseudo-terminal.
 *
 * 1. Three /cargo-build runs from the command line on the same store (two
 *    that succeed, then one with an error and a warning) give the Metrics
 *    tab its sparklines; Enter opens a chart; `d` opens the last build's
 *    diagnostics (errors first, grouped by file); n steps; e shows the
 *    rustc --explain text; Enter jumps to the line (the file viewer, or
 *    $EDITOR +LINE FILE in the terminal pane).
 * 2. /cargo-build typed at the prompt runs as a job in the terminal pane,
 *    cargo's own output appears there, and after the job exited the
 *    Metrics tab lists its diagnostics and Enter jumps to the error's line.
 *
 * Uses the terminal pane's job API (pane_term_job_start, on main since the
 * terminal-pane merge). Where it answers RWB_ENOTIMPL the parts that need
 * it are skipped with a message naming what is missing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "metrics.h"
#include "screen.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *dir, *crate, *db, *home;
};

static void copy_fixture(struct fx *f)
{
	char *script = xasprintf("cp -r '%s/tests/fixtures/cargo/clippy' '%s' && mkdir -p '%s/.cargo' && "
				 "cp '%s/tests/fixtures/cargo/offline-config.toml' '%s/.cargo/config.toml'",
				 RWB_TEST_SOURCE_DIR, f->crate, f->crate, RWB_TEST_SOURCE_DIR, f->crate);
	assert_int_equal(tu_sh(f->dir, script), 0);
	free(script);
}

static int cli_build(struct fx *f)
{
	char *argv[] = { RWB_BINARY, "--db", f->db, "--repo", f->crate, "/cargo-build", NULL };
	char *env[] = { "NO_COLOR=1", NULL };
	char *out = NULL, *err = NULL;
	int st = tu_run(f->crate, argv, env, &out, &err);

	free(out);
	free(err);
	return st;
}

/* Two benchmark runs, the second a regression, as /rust-benchmark records them. */
static void add_benchmark_runs(struct fx *f)
{
	struct store *st = NULL;
	char *project = metrics_project(f->crate);

	assert_int_equal(store_open(&st, f->db, true), RWB_OK);
	assert_int_equal(metrics_add_sample(st, project, "bench_mean_ns", "fib 20", 1000, 1000), RWB_OK);
	assert_int_equal(metrics_add_sample(st, project, "bench_regression", "fib 20", 0, 1000), RWB_OK);
	assert_int_equal(metrics_add_sample(st, project, "bench_mean_ns", "fib 20", 1800, 2000), RWB_OK);
	assert_int_equal(metrics_add_sample(st, project, "bench_regression", "fib 20", 1, 2000), RWB_OK);
	store_free(st);
	free(project);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *lib;

	f->dir = tu_tmpdir();
	f->crate = xasprintf("%s/crate", f->dir);
	f->db = xasprintf("%s/rwb.db", f->dir);
	f->home = xasprintf("%s/home", f->dir);
	copy_fixture(f);
	assert_int_equal(tu_sh(f->dir, "mkdir -p home"), 0);
	assert_int_equal(cli_build(f), 0);
	lib = xasprintf("%s/src/lib.rs", f->crate);
	tu_write(lib, "pub fn double(x: i32) -> i32 {\n    x * 2\n}\n\npub fn more(x: i32) -> i32 {\n"
		      "    x + 1\n}\n");
	assert_int_equal(cli_build(f), 0);
	/* the last build: a warning (unused variable) and an error (E0308) */
	tu_write(lib, "pub fn double(x: i32) -> i32 {\n    let unused = 1;\n    x * 2\n}\n\n"
		      "pub fn broken() -> u32 {\n    \"text\"\n}\n");
	assert_int_equal(cli_build(f), 1);
	free(lib);
	add_benchmark_runs(f);
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
	/* a fresh HOME, but rustup and cargo keep finding the real toolchain */
	const char *real = getenv("HOME") ? getenv("HOME") : "/root";
	char *home = xasprintf("HOME=%s", f->home);
	char *rustup = getenv("RUSTUP_HOME") ? xasprintf("RUSTUP_HOME=%s", getenv("RUSTUP_HOME"))
					     : xasprintf("RUSTUP_HOME=%s/.rustup", real);
	char *cargo = getenv("CARGO_HOME") ? xasprintf("CARGO_HOME=%s", getenv("CARGO_HOME"))
					   : xasprintf("CARGO_HOME=%s/.cargo", real);
	char *env[] = { home, rustup, cargo, "RWB_SHELL=/bin/sh", "EDITOR=/bin/echo", "VISUAL=",
			"NO_COLOR=", NULL };
	struct screen *s = screen_start(argv, 120, 40, env);

	free(home);
	free(rustup);
	free(cargo);
	assert_non_null(s);
	assert_true(screen_wait_for(s, "Metrics", 5000));
	return s;
}

static bool any_block(struct screen *s)
{
	static const char *const b[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int hits = 0;

	for (int i = 0; i < 8; i++)
		hits += screen_contains(s, b[i]);
	return hits >= 2; /* at least two heights: a line, not a fill */
}

static void test_metrics_tab_and_diagnostics(void **state)
{
	struct fx *f = *state;
	struct screen *s = start(f);
	int row, col, row2, col2;

	screen_send(s, K_F5);
	screen_send(s, "2");
	assert_true(screen_wait_for(s, "compile_time_avg", 5000));
	assert_true(screen_contains(s, "build_success_rate"));
	assert_true(screen_contains(s, "67%"));
	assert_true(screen_contains(s, "last build: FAILED, 1 error, 1 warning"));
	if (!any_block(s))
		screen_dump(s);
	assert_true(any_block(s));

	/* the regressed benchmark: flagged with ! and drawn in the audit-bad role (bold) */
	{
		struct screen_cell_info ci;
		/* the selection is on the first row (allocations_per_sec, unavailable:
		 * the brief's metrics are all listed), off the benchmark's: its own
		 * colours show */
		assert_true(screen_contains(s, "unavailable: "));
		screen_pump(s, 300);
		assert_true(screen_find(s, "bench_mean_ns/fib 20", &row, &col));
		screen_cell(s, row, col, &ci);
		assert_true(ci.bold);
		assert_false(ci.fg_default);
		assert_true(screen_find(s, "1.80 us ↑!", &row2, &col2));
		assert_int_equal(row2, row);
		screen_send(s, "j"); /* onto the benchmark */
		screen_pump(s, 200);
	}

	/* a chart of the selected metric, then back */
	screen_send(s, K_ENTER);
	assert_true(screen_wait_for(s, "Chart: bench_mean_ns/fib 20", 3000));
	assert_true(screen_contains(s, "2 runs, oldest left"));
	assert_true(screen_contains(s, "REGRESSION against the previous run"));
	screen_send(s, K_ESC);
	assert_true(screen_wait_gone(s, "Chart: ", 3000));
	/* down to compile_time_p95: the rows between depend on what the crate
	 * measures, so step and try the chart until it is that one */
	for (int i = 0; i < 40 && !screen_contains(s, "Chart: compile_time_p95"); i++) {
		screen_send(s, "j");
		screen_send(s, K_ENTER);
		screen_pump(s, 150);
		if (screen_contains(s, "Chart: ") && !screen_contains(s, "Chart: compile_time_p95")) {
			screen_send(s, K_ESC);
			assert_true(screen_wait_gone(s, "Chart: ", 3000));
		}
	}
	assert_true(screen_wait_for(s, "Chart: compile_time_p95", 3000));
	assert_true(screen_contains(s, "3 runs, oldest left"));
	screen_send(s, K_ESC);
	assert_true(screen_wait_gone(s, "Chart: ", 3000));

	/* it survives a resize */
	screen_resize(s, 90, 30);
	assert_true(screen_wait_for(s, "compile_time_avg", 3000));
	screen_resize(s, 120, 40);

	/* the last build's diagnostics: errors first, grouped by file */
	screen_send(s, "d");
	assert_true(screen_wait_for(s, "Diagnostics of the last build", 3000));
	assert_true(screen_contains(s, "1 error, 1 warning"));
	assert_true(screen_find(s, "errors in src/lib.rs", &row, &col));
	assert_true(screen_find(s, "warnings in src/lib.rs", &row2, &col2));
	assert_true(row < row2);
	assert_true(screen_contains(s, "error[E0308] mismatched types"));
	assert_true(screen_contains(s, "warning[unused_variables]"));

	/* n steps to the warning, p back; e explains the error's code */
	screen_send(s, "e");
	assert_true(screen_wait_for(s, "rustc --explain E0308", 5000));
	screen_send(s, K_ESC);
	assert_true(screen_wait_for(s, "errors in src/lib.rs", 3000));
	screen_send(s, "n");
	screen_send(s, "e");
	assert_true(screen_wait_for(s, "a rustc lint: the unfolded text (Space) says what it checks", 3000));
	screen_send(s, "p");

	/* Enter jumps to the error's line: the file viewer when it is there, else
	 * $EDITOR +LINE FILE (/bin/echo here) as a job in the terminal pane */
	screen_send(s, K_ENTER);
	if (screen_wait_for(s, "+7 /", 5000)) {
		assert_true(screen_contains(s, "crate/src/lib.rs"));
	} else if (screen_contains(s, "not implemented yet")) {
		fprintf(stderr, "test_cargo: SKIPPED the jump to the line: no file viewer and no "
			"terminal-pane jobs (pane_term_job_start) on this branch\n");
	} else {
		/* the file viewer, at line 7 */
		assert_true(screen_wait_for(s, "\"text\"", 3000));
	}
	screen_send(s, K_ESC);
	screen_pump(s, 300); /* apart, or ESC ^Q reads as Alt-^Q */
	screen_send(s, K_CTRL_Q);
	/* a clean exit (under the sanitizers: no leak, no error) */
	assert_int_equal(screen_wait_exit(s, 5000), 0);
	screen_free(s);
}

static void test_build_job_in_terminal_pane(void **state)
{
	struct fx *f = *state;
	struct screen *s = start(f);

	/* the prompt has the focus at start */
	screen_send(s, "/cargo-build");
	screen_pump(s, 200);
	screen_send(s, K_ENTER);
	screen_pump(s, 1500);
	if (screen_contains(s, "not implemented yet")) {
		fprintf(stderr, "test_cargo: SKIPPED /cargo-build in the terminal pane: it NEEDS "
			"pane_term_job_start (terminal-pane branch); merge main once it lands\n");
		screen_free(s);
		skip();
	}
	/* cargo's own rendered output, in the terminal pane */
	if (!screen_wait_for(s, "mismatched types", 60000))
		screen_dump(s);
	assert_true(screen_contains(s, "mismatched types"));
	/* the job's answer opens the diagnostics list on its own (the results
	 * area lists the error too: wait for the list's heading) */
	if (!screen_wait_for(s, "errors in src/lib.rs", 60000))
		screen_dump(s);
	assert_true(screen_contains(s, "error[E0308] mismatched types"));
	/* (the job's own text output lists the diagnostic too, before it exits) */
	if (!screen_wait_for(s, "Diagnostics", 10000))
		screen_dump(s);
	assert_true(screen_contains(s, "Diagnostics"));
	screen_send(s, K_ESC);
	screen_pump(s, 300);
	/* and the results area has the job's summary */
	assert_true(screen_wait_for(s, "exit 1", 5000));
	/* the job's diagnostics are in the store: the Metrics tab lists them after it exited,
	 * and Enter runs $EDITOR (/bin/echo here) +LINE FILE in the terminal pane */
	screen_send(s, K_F5);
	screen_send(s, "2");
	assert_true(screen_wait_for(s, "last build: FAILED", 5000));
	screen_send(s, "d");
	assert_true(screen_wait_for(s, "Diagnostics of the last build", 3000));
	assert_true(screen_contains(s, "error[E0308] mismatched types"));
	screen_send(s, K_ENTER);
	/* the file viewer opens at the diagnostic's line */
	if (!screen_wait_for(s, "line 7/8", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "line 7/8"));
	assert_true(screen_contains(s, "crate/src/lib.rs"));
	screen_send(s, K_CTRL_Q);
	screen_pump(s, 300);
	screen_send(s, "y");
	screen_wait_exit(s, 3000);
	screen_free(s);
}

int main(void)
{
	/* the harness turns screen cells into UTF-8 with wctomb() */
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_metrics_tab_and_diagnostics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_job_in_terminal_pane, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
