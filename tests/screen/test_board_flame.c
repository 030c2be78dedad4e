/*
 * test_board_flame.c - the flame graph overlay in a real pseudo-terminal:
 * /rust-profiling --tool flamegraph on a program with a known hot function
 * opens the view; the hot function is drawn, t shows the table with it
 * first, s re-sorts, / searches, Enter zooms, u zooms out, a resize keeps
 * it drawn and Esc closes it.
 *
 * It needs perf that can record, rustc, and the terminal pane's jobs
 * (/rust-profiling runs as a job); without them it says why and skips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

static struct tu_world *w;
static char *prog;           /* w->dir/prog/hot, the profiled program */

static const char hot_rs[] =
	"use std::hint::black_box;\n"
	"#[inline(never)]\n"
	"fn very_hot_loop(n: u64) -> u64 {\n"
	"    let mut x = 0u64;\n"
	"    for i in 0..n { x = black_box(x.wrapping_mul(31).wrapping_add(i ^ (x >> 3))); }\n"
	"    x\n"
	"}\n"
	"#[inline(never)]\n"
	"fn mild(n: u64) -> u64 { (0..n).map(|i| black_box(i)).sum() }\n"
	"fn main() {\n"
	"    let mut t = 0;\n"
	"    for _ in 0..8 { t += very_hot_loop(20_000_000); t += mild(200_000); }\n"
	"    println!(\"{}\", t);\n"
	"}\n";

static int setup(void **state)
{
	char *cmd;

	(void)state;
	w = tu_world_new();
	prog = xasprintf("%s/prog/hot", w->dir);
	cmd = xasprintf("mkdir -p '%s/prog'", w->dir);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_world_free(w);
	free(prog);
	return 0;
}

static void test_flame_view(void **state)
{
	char *src = xasprintf("%s/prog/hot.rs", w->dir), *cmd, *line;
	static char path_env[8192];
	char *env[] = { path_env, NULL };
	struct screen *s;
	int row, col;

	(void)state;
	tu_write(src, hot_rs);
	cmd = xasprintf("command -v perf >/dev/null && perf record -q -e cpu-clock -o %s/probe.data true "
			">/dev/null 2>&1 && rustc -O -g -o %s %s", w->dir, prog, src);
	if (tu_sh(NULL, cmd) != 0) {
		fprintf(stderr, "SKIP: perf cannot record here or rustc is missing\n");
		free(cmd);
		free(src);
		skip();
	}
	free(cmd);
	snprintf(path_env, sizeof(path_env), "PATH=%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	s = tu_world_start(w, w->repo, 140, 40, env, "Tasks");
	line = xasprintf("/rust-profiling --tool flamegraph --binary %s" K_ENTER, prog);
	screen_send(s, line);
	free(line);
	for (int waited = 0; waited < 60000; waited += 200) {
		screen_pump(s, 200);
		if (screen_contains(s, "Flame graph") || screen_contains(s, "not implemented"))
			break;
	}
	if (!screen_contains(s, "Flame graph")) {
		if (screen_contains(s, "not implemented")) {
			fprintf(stderr, "SKIP: the terminal pane cannot run jobs in this build, so /rust-profiling "
					"cannot run in the TUI\n");
			screen_send(s, K_CTRL_Q);
			screen_wait_exit(s, 3000);
			screen_free(s);
			free(src);
			skip();
		}
		screen_dump(s);
		fail_msg("the flame view did not open after /rust-profiling finished");
	}
	assert_true(screen_wait_for(s, "hot::very_hot_loop", 2000));
	assert_true(screen_contains(s, "samples"));

	/* the table: the hot function first, sorted by self */
	screen_send(s, "t");
	assert_true(screen_wait_for(s, "SELF%", 2000));
	assert_true(screen_find(s, "SELF%", &row, &col));
	line = screen_row(s, row + 1);
	assert_non_null(strstr(line, "hot::very_hot_loop"));
	free(line);
	screen_send(s, "s");
	assert_true(screen_wait_for(s, "sorted by total", 2000));
	screen_send(s, "t");
	assert_true(screen_wait_gone(s, "sorted by total", 2000));

	/* search highlights and selects it; Enter zooms into it, u zooms out */
	screen_send(s, "/very_hot" K_ENTER);
	assert_true(screen_wait_for(s, "\"very_hot\" matches", 2000));
	screen_send(s, K_ENTER);
	assert_true(screen_wait_for(s, "zoomed: hot::very_hot_loop", 2000));
	screen_send(s, "u");  /* one level out: its caller */
	assert_true(screen_wait_gone(s, "zoomed: hot::very_hot_loop", 2000));
	assert_true(screen_contains(s, "zoomed:"));
	screen_send(s, "0");  /* back to all samples */
	assert_true(screen_wait_gone(s, "zoomed:", 2000));

	/* it survives a resize */
	screen_resize(s, 90, 26);
	assert_true(screen_wait_for(s, "Flame graph", 2000));
	assert_true(screen_wait_for(s, "samples", 2000));

	screen_send(s, K_ESC);
	assert_true(screen_wait_gone(s, "Flame graph", 2000));
	screen_quit(s);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flame_view, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
