/*
 * test_board_notices.c - two rwb instances on one store in two pseudo-
 * terminals: a notice posted with /agent-escalate in one appears in the
 * other's screen within a second; a critical notice stays until it is
 * acknowledged with A in the Tasks tab (the ack reaches both); a task
 * delegated in one shows on the other's board and moves with d / D there;
 * a task added with a on one board shows on the other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
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

static struct screen *start(void)
{
	/* the acknowledgement records who "I" am as audit verdicts do:
	 * $RWB_REVIEWER first (not $USER, not rwb-PID) */
	char *env[] = { "USER=tester", "RWB_REVIEWER=alice", NULL };

	return tu_world_start(w, w->repo, 140, 40, env, "Tasks");
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Whether the status bar (the last row) shows text. */
static bool status_has(struct screen *s, const char *text)
{
	char *row = screen_row(s, 39);
	bool yes = row && strstr(row, text);
	free(row);
	return yes;
}

static void test_notice_reaches_other_instance(void **state)
{
	struct screen *a, *b;
	struct timespec t0;

	(void)state;
	a = start();
	b = start();

	/* an info notice: B posts it, A shows it within a second */
	screen_send(b, "/agent-escalate --level warning --message 'the build on main is red'" K_ENTER);
	assert_true(screen_wait_for(b, "posted to every rwb", 3000));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!screen_wait_for(a, "the build on main is red", 1000)) {
		screen_dump(a);
		fail_msg("the notice did not reach the other rwb within a second");
	}
	fprintf(stderr, "notice reached the other rwb after %ld ms\n", ms_since(&t0));

	/* a critical one: shown in A, still there after the info timeout would end */
	screen_send(b, "/agent-escalate --level critical --message 'stop merging: lexer regression'" K_ENTER);
	assert_true(screen_wait_for(b, "posted to every rwb", 3000));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(screen_wait_for(a, "stop merging: lexer regression", 1000));
	fprintf(stderr, "critical notice after %ld ms\n", ms_since(&t0));
	/* the Tasks tab lists it at the top, in both instances */
	screen_send(a, K_F5);
	screen_send(a, "4");
	assert_true(screen_wait_for(a, "CRITICAL #2", 2000));
	screen_pump(a, 6000);
	assert_true(screen_contains(a, "stop merging: lexer regression"));
	/* A acknowledges it; B's board lets go of it too */
	screen_send(b, K_F5);
	screen_send(b, "4");
	assert_true(screen_wait_for(b, "CRITICAL #2", 2000));
	assert_true(status_has(b, "critical: stop merging"));
	screen_send(a, "A");
	assert_true(screen_wait_for(a, "acknowledged by alice", 2000));
	assert_true(screen_wait_gone(a, "CRITICAL #2", 2000));
	assert_true(screen_wait_gone(b, "CRITICAL #2", 2000));
	assert_true(screen_wait_for(b, "(acknowledged)", 2000));
	/* ... and so do both status bars (B's within its store poll) */
	assert_false(status_has(a, "critical: stop merging"));
	{
		bool gone = false;
		for (int i = 0; i < 20 && !gone; i++) {
			gone = !status_has(b, "critical: stop merging");
			if (!gone)
				screen_pump(b, 100);
		}
		if (!gone)
			screen_dump(b);
		assert_true(gone);
	}

	/* a task delegated in B appears on A's board and moves there */
	screen_send(b, K_F2);
	screen_send(b, "/agent-delegate --agent bob --task 'profile the parser'" K_ENTER);
	if (!screen_wait_for(a, "profile the parser", 2000)) {
		screen_dump(b);
		screen_dump(a);
		fail_msg("the delegated task did not reach the other board");
	}
	screen_send(a, "D");  /* open -> done is refused with the reason */
	assert_true(screen_wait_for(a, "open -> doing", 2000));
	screen_send(a, "d");
	assert_true(screen_wait_for(a, "task 1 is doing", 2000));
	assert_true(screen_wait_for(b, "doing", 2000));
	screen_send(a, "D");
	assert_true(screen_wait_for(a, "task 1 is done", 2000));
	/* a adds a task from the board itself; B shows it */
	screen_send(a, "a");
	assert_true(screen_wait_for(a, "new task (AGENT: TEXT)", 2000));
	screen_send(a, "no colon here" K_ENTER);
	assert_true(screen_wait_for(a, "write AGENT: TEXT", 2000));
	screen_send(a, "a");
	screen_send(a, "carol: write the docs" K_ENTER);
	assert_true(screen_wait_for(a, "task 2 added for carol", 2000));
	assert_true(screen_wait_for(b, "write the docs", 2000));
	/* it survives a resize */
	screen_resize(a, 90, 26);
	if (!screen_wait_for(a, "profile the", 2000)) {
		screen_dump(a);
		fail_msg("the board is gone after a resize");
	}

	screen_send(a, K_CTRL_Q);
	screen_send(b, K_CTRL_Q);
	screen_wait_exit(a, 3000);
	screen_wait_exit(b, 3000);
	screen_free(a);
	screen_free(b);
	{
		char *q = xasprintf("test \"$(sqlite3 %s \"select status from board_tasks where id = 1\")\" = done && "
				    "test \"$(sqlite3 %s \"select who from board_acks where notice_id = 2\")\" = alice",
				    w->db, w->db);
		assert_int_equal(tu_sh(NULL, q), 0);
		free(q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notice_reaches_other_instance, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
