/*
 * test_concurrency.c - the store's promise: several processes write at
 * once and no write is lost, no SQLITE_BUSY reaches a caller, and a writer
 * killed with SIGKILL at any moment loses nothing it had acknowledged.
 *
 * RWB_STRESS_WRITERS / RWB_STRESS_WRITES / RWB_CRASH_ROUNDS scale it (the
 * defaults are the issue's: 8 x 2,000 writes, 200 kills).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

static char *dir;

static int envint(const char *name, int dflt)
{
	const char *v = getenv(name);
	return v && atoi(v) > 0 ? atoi(v) : dflt;
}

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	return 0;
}

static int64_t count(struct store *s, const char *sql)
{
	sqlite3_stmt *q;
	int64_t n = -1;
	if (store_prepare(s, &q, sql) == RWB_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* One writer: mixed writes, each its own transaction. Exit status: the
 * number of failed writes (0 expected). */
static int writer(const char *path, int id, int writes)
{
	struct store *s;
	char key[64], line[128];
	int failed = 0;

	if (store_open(&s, path, true) != RWB_OK) {
		fprintf(stderr, "writer %d: %s\n", id, rwb_last_error());
		return 100;
	}
	for (int i = 0; i < writes; i++) {
		int rc;
		switch (i % 4) {
		case 0:
			snprintf(line, sizeof(line), "/w%d %d", id, i);
			rc = store_history_add(s, line, 0);
			break;
		case 1:
			snprintf(key, sizeof(key), "w%d.last", id);
			snprintf(line, sizeof(line), "%d", i);
			rc = store_setting_set(s, key, line);
			break;
		case 2: {
			int64_t job;
			rc = store_job_begin(s, &job, "stress", "[]", "/r", NULL);
			if (rc == RWB_OK)
				rc = store_job_end(s, job, 0, 1, 1);
			break;
		}
		default:
			/* a multi-statement transaction */
			rc = store_write_begin(s);
			if (rc == RWB_OK) {
				snprintf(line, sizeof(line), "/tx%d %d", id, i);
				rc = store_history_add(s, line, 0);
				if (rc == RWB_OK)
					rc = store_history_add(s, line, 1);
				if (rc == RWB_OK)
					rc = store_write_commit(s);
				else
					store_write_rollback(s);
			}
			break;
		}
		if (rc != RWB_OK) {
			fprintf(stderr, "writer %d write %d: %s (%s)\n", id, i, rwb_strerror(rc), rwb_last_error());
			failed++;
		}
	}
	store_free(s);
	return failed > 99 ? 99 : failed;
}

static void test_many_writers(void **state)
{
	int nw = envint("RWB_STRESS_WRITERS", 8), writes = envint("RWB_STRESS_WRITES", 2000);
	char *path = xasprintf("%s/stress.db", dir);
	struct store *s;
	pid_t pids[64];

	(void)state;
	assert_int_equal(store_open(&s, path, true), RWB_OK);
	store_free(s);
	for (int i = 0; i < nw && i < 64; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(writer(path, i, writes));
	}
	for (int i = 0; i < nw && i < 64; i++) {
		int status;
		waitpid(pids[i], &status, 0);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(store_open(&s, path, true), RWB_OK);
	int per = writes / 4 + (writes % 4 > 0), tx = writes / 4;
	/* history: one row per case 0, two per case 3 */
	assert_int_equal(count(s, "SELECT count(*) FROM history WHERE line LIKE '/w%'"), (int64_t)nw * per);
	assert_int_equal(count(s, "SELECT count(*) FROM history WHERE line LIKE '/tx%'"), (int64_t)nw * tx * 2);
	assert_int_equal(count(s, "SELECT count(*) FROM jobs WHERE name = 'stress' AND ended_at IS NOT NULL"),
			 (int64_t)nw * (writes / 4 + (writes % 4 > 2)));
	assert_int_equal(count(s, "SELECT count(*) FROM settings WHERE key LIKE 'w%.last'"), nw);
	sqlite3_stmt *q;
	assert_int_equal(store_prepare(s, &q, "PRAGMA integrity_check"), RWB_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	store_free(s);
	free(path);
}

static void test_sigkill_loses_nothing_acknowledged(void **state)
{
	int rounds = envint("RWB_CRASH_ROUNDS", 200);
	char *path = xasprintf("%s/crash.db", dir);
	struct store *s;
	unsigned seed = (unsigned)time(NULL);

	(void)state;
	srand(seed);
	assert_int_equal(store_open(&s, path, true), RWB_OK);
	store_free(s);
	int64_t acknowledged_total = 0;
	for (int r = 0; r < rounds; r++) {
		int p[2];
		assert_int_equal(pipe(p), 0);
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			struct store *w;
			if (store_open(&w, path, true) != RWB_OK)
				_exit(1);
			for (int i = 0; ; i++) {
				char line[64];
				snprintf(line, sizeof(line), "/crash %d %d", r, i);
				if (store_history_add(w, line, 0) != RWB_OK)
					_exit(2);
				/* acknowledged: the commit returned */
				if (write(p[1], &i, sizeof(i)) != sizeof(i))
					_exit(3);
			}
		}
		close(p[1]);
		struct timespec ts = { 0, (long)(rand() % 15000) * 1000 };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status, last = -1, v;
		waitpid(pid, &status, 0);
		while (read(p[0], &v, sizeof(v)) == sizeof(v))
			last = v;
		close(p[0]);
		/* the store opens, is intact, and holds every acknowledged write */
		assert_int_equal(store_open(&s, path, true), RWB_OK);
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM history WHERE line LIKE '/crash %d %%'", r);
		int64_t have = count(s, sql);
		if (have < last + 1)
			fail_msg("round %d (seed %u): %d writes acknowledged, %lld in the store", r, seed,
				 last + 1, (long long)have);
		acknowledged_total += last + 1;
		if (r % 20 == 0 || r == rounds - 1) {
			sqlite3_stmt *q;
			assert_int_equal(store_prepare(s, &q, "PRAGMA integrity_check"), RWB_OK);
			assert_int_equal(sqlite3_step(q), SQLITE_ROW);
			assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
			sqlite3_finalize(q);
		}
		store_free(s);
	}
	fprintf(stderr, "%d kills, %lld acknowledged writes, none lost\n", rounds,
		(long long)acknowledged_total);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_writers),
		cmocka_unit_test(test_sigkill_loses_nothing_acknowledged),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
