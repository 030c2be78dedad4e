/*
 * test_robust.c - the terminal is restored after SIGTERM, SIGHUP (an SSH
 * drop) and SIGSEGV; extreme sizes (20x5 up to 500x200) draw without a
 * crash; a 1 MB paste into the prompt stays responsive.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

static struct tu_world *w;

static int setup(void **state)
{
	(void)state;
	w = tu_world_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_world_free(w);
	return 0;
}

static struct screen *start(int cols, int rows)
{
	return tu_world_start(w, w->dir, cols, rows, NULL, "Command");
}

static void signal_restores(int signo, int want_status)
{
	struct screen *s = start(100, 30);
	kill(screen_pid(s), signo);
	int status = screen_wait_exit(s, 5000);
	if (status != want_status)
		fail_msg("signal %d: exit %d, wanted %d", signo, status, want_status);
	screen_pump(s, 100);
	/* back on the main screen: rwb's panes are gone */
	if (screen_contains(s, "Command") || screen_contains(s, "Browser")) {
		screen_dump(s);
		fail_msg("signal %d left rwb's screen behind", signo);
	}
	screen_free(s);
}

static void test_signals_restore_terminal(void **state)
{
	(void)state;
	signal_restores(SIGTERM, 128 + SIGTERM);
	signal_restores(SIGHUP, 128 + SIGHUP);
	signal_restores(SIGSEGV, 128 + SIGSEGV);
}

static void test_extreme_sizes(void **state)
{
	static const int sizes[][2] = { { 20, 5 }, { 500, 200 }, { 1, 1 }, { 21, 6 }, { 300, 90 } };
	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct screen *s = start(120, 40);
		screen_resize(s, sizes[i][0], sizes[i][1]);
		screen_pump(s, 200);
		/* F1 and F6 at that size too */
		screen_send(s, K_F1);
		screen_pump(s, 100);
		screen_send(s, K_ESC);
		/* Esc and F6 at once read as Alt-F6 and left the help open (the
		 * old help's first page happened to name the Browser pane) */
		screen_pump(s, 100);
		screen_send(s, K_F6);
		screen_pump(s, 100);
		screen_send(s, K_F6);
		screen_resize(s, 120, 40);
		if (!screen_wait_for(s, "Browser", 3000)) {
			screen_dump(s);
			fail_msg("no recovery after %dx%d", sizes[i][0], sizes[i][1]);
		}
		screen_send(s, K_CTRL_Q);
		assert_int_equal(screen_wait_exit(s, 5000), 0);
		screen_free(s);
	}
}

static void test_huge_paste(void **state)
{
	(void)state;
	struct screen *s = start(120, 40);
	size_t n = 1 << 20;
	char *paste = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		paste[i] = (char)('a' + i % 26);
	paste[n - 1] = 'Z';
	paste[n] = '\0';
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	screen_send(s, paste);
	/* the end of the paste shows at the prompt (the line scrolls to the cursor) */
	if (!screen_wait_for(s, "qrstuZ", 20000 * RWB_TEST_SLOW)) {
		screen_dump(s);
		fail();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "1 MiB paste took %.2f s\n", secs);
	assert_true(secs < 20.0 * RWB_TEST_SLOW);
	/* still responsive: clear the line and quit */
	screen_send(s, "\x15"); /* Ctrl-U */
	assert_true(screen_wait_gone(s, "qrstuZ", 5000));
	screen_send(s, K_CTRL_Q);
	assert_int_equal(screen_wait_exit(s, 5000), 0);
	screen_free(s);
	free(paste);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals_restore_terminal),
		cmocka_unit_test(test_extreme_sizes),
		cmocka_unit_test(test_huge_paste),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
