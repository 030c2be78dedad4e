/*
 * test_board.c - the shared board on a real SQLite store: tasks and their
 * flow, counts for /metrics, notices seen by a second connection (another
 * rwb process on the same file), acknowledgements, analysis metrics.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "error.h"
#include "store.h"
#include "testutil.h"

struct fixture {
	char *dir, *db;
	struct store *a, *b;   /* two connections, as two rwb processes */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	if (asprintf(&f->db, "%s/rwb.db", f->dir) < 0)
		return -1;
	assert_int_equal(store_open(&f->a, f->db, true), RWB_OK);
	assert_int_equal(store_open(&f->b, f->db, true), RWB_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_free(f->a);
	store_free(f->b);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static void test_task_flow(void **state)
{
	struct fixture *f = *state;
	int64_t id1, id2, id3, done, failed;
	struct board_task *t;
	size_t n;

	assert_int_equal(board_task_add(f->a, &id1, "alice", "fix the lexer"), RWB_OK);
	assert_int_equal(board_task_add(f->a, &id2, "claude", "write docs"), RWB_OK);
	assert_int_equal(board_task_add(f->a, &id3, "bob", "profile the parser"), RWB_OK);
	assert_int_equal(board_task_add(f->a, &id3, "", "x"), RWB_EINPUT);
	/* open -> done skips doing: refused with a reason */
	assert_int_equal(board_task_move(f->a, id1, "done"), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "open -> doing"));
	assert_int_equal(board_task_move(f->a, id1, "doing"), RWB_OK);
	assert_int_equal(board_task_move(f->b, id1, "done"), RWB_OK);
	assert_int_equal(board_task_move(f->a, id1, "doing"), RWB_EINPUT);
	assert_int_equal(board_task_move(f->a, id2, "doing"), RWB_OK);
	assert_int_equal(board_task_move(f->a, id2, "failed"), RWB_OK);
	assert_int_equal(board_task_move(f->a, 999, "doing"), RWB_ENOTFOUND);
	assert_int_equal(board_task_move(f->a, id3, "doing"), RWB_OK);
	assert_int_equal(board_task_counts(f->b, &done, &failed), RWB_OK);
	assert_int_equal(done, 1);
	assert_int_equal(failed, 1);
	assert_int_equal(board_tasks(f->b, &t, &n), RWB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(t[0].id, id3);  /* doing first */
	assert_string_equal(t[0].status, "doing");
	assert_string_equal(t[0].agent, "bob");
	board_tasks_free(t, n);
}

/* /agent-receive: a received task is doing at once; claims take the oldest
 * open task of that agent only, once, across two connections */
static void test_receive_and_claim(void **state)
{
	struct fixture *f = *state;
	int64_t id1, id2, id3, idr;
	struct board_task c, *t;
	size_t n;

	assert_int_equal(board_task_add(f->a, &id1, "perf", "bench the runtime"), RWB_OK);
	assert_int_equal(board_task_add(f->a, &id2, "wasm", "build the frontend"), RWB_OK);
	assert_int_equal(board_task_add(f->a, &id3, "perf", "bench the parser"), RWB_OK);
	assert_int_equal(board_task_receive(f->b, &idr, "perf", "Build async HTTP microservice"), RWB_OK);
	assert_int_equal(board_task_receive(f->b, &idr, "perf", ""), RWB_EINPUT);

	assert_int_equal(board_task_claim(f->b, &c, "perf"), RWB_OK);
	assert_int_equal(c.id, id1);
	assert_string_equal(c.status, "doing");
	assert_string_equal(c.origin, "delegated");
	board_tasks_free_one(&c);
	assert_int_equal(board_task_claim(f->a, &c, "perf"), RWB_OK);
	assert_int_equal(c.id, id3);
	board_tasks_free_one(&c);
	assert_int_equal(board_task_claim(f->a, &c, "perf"), RWB_ENOTFOUND);
	assert_null(c.task);
	assert_int_equal(board_task_claim(f->a, &c, "nobody"), RWB_ENOTFOUND);

	assert_int_equal(board_tasks(f->a, &t, &n), RWB_OK);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		if (t[i].id == id2)
			assert_string_equal(t[i].status, "open");
		else
			assert_string_equal(t[i].status, "doing");
		assert_string_equal(t[i].origin, t[i].id == idr ? "received" : "delegated");
	}
	board_tasks_free(t, n);
}

static void test_notices_cross_process(void **state)
{
	struct fixture *f = *state;
	int64_t last, id1, id2;
	struct board_notice *v;
	size_t n;

	assert_int_equal(board_notice_last_id(f->b, &last), RWB_OK);
	assert_int_equal(last, 0);
	store_changed(f->b);
	assert_int_equal(board_notice_post(f->a, &id1, "warning", "build is red"), RWB_OK);
	assert_int_equal(board_notice_post(f->a, &id2, "critical", "stop merging"), RWB_OK);
	assert_int_equal(board_notice_post(f->a, &id2, "loud", "x"), RWB_EINPUT);
	assert_false(board_level_valid("fatal"));
	/* the other connection notices the write and reads the new notices */
	assert_int_equal(store_changed(f->b), 1);
	assert_int_equal(board_notices(f->b, last, 0, &v, &n), RWB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].level, "warning");
	assert_string_equal(v[1].message, "stop merging");
	assert_false(v[1].acked);
	board_notices_free(v, n);
	assert_int_equal(board_notices_open_critical(f->b, &v, &n), RWB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].message, "stop merging");
	board_notices_free(v, n);
	assert_int_equal(board_notice_ack(f->b, id1 + 1, "bob"), RWB_OK);
	assert_int_equal(board_notices_open_critical(f->a, &v, &n), RWB_OK);
	assert_int_equal(n, 0);
	board_notices_free(v, n);
	assert_int_equal(board_notice_ack(f->b, 4242, "bob"), RWB_ENOTFOUND);
	assert_int_equal(board_notices_recent(f->a, 10, &v, &n), RWB_OK);
	assert_int_equal(n, 2);
	assert_true(v[0].acked);   /* newest first: the critical one */
	assert_false(v[1].acked);
	board_notices_free(v, n);
}

struct seen {
	int n;
	double last_value;
	char label[64];
};

static int metric_cb(void *data, const char *name, const char *label, double value, int64_t at)
{
	struct seen *s = data;
	(void)at;
	if (strcmp(name, "connascence_score") == 0) {
		s->n++;
		s->last_value = value;
		snprintf(s->label, sizeof(s->label), "%s", label);
	}
	return 0;
}

static void test_metrics_latest(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };

	assert_int_equal(board_metric_add(f->a, "connascence_score", "src/a.rs", 7), RWB_OK);
	assert_int_equal(board_metric_add(f->a, "connascence_score", "src/a.rs", 4), RWB_OK);
	assert_int_equal(board_metric_add(f->a, "profile_self_pct", "hot", 91.5), RWB_OK);
	assert_int_equal(board_metrics_each(f->b, metric_cb, &s), RWB_OK);
	assert_int_equal(s.n, 1);
	assert_true(s.last_value == 4);
	assert_string_equal(s.label, "src/a.rs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_task_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_and_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notices_cross_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_latest, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
