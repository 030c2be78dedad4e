/*
 * test_agentjob.c - an agent's job as the store keeps it for a watcher, on
 * a real SQLite store with two connections (the agent's rwb and the
 * person's): the jobs row names the agent and its output file, the tee
 * writes to both the stream and the file (0600, folder 0700), the summary
 * is one clean line, only files rwb made beside the store are accepted or
 * removed, and the watcher's queries see new and ended jobs.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agentjob.h"
#include "board.h"
#include "error.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

struct fixture {
	char *dir, *db;
	struct store *agent, *person;   /* two connections, as two rwb processes */
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	f->db = xasprintf("%s/rwb.db", f->dir);
	assert_int_equal(store_open(&f->agent, f->db, true), RWB_OK);
	assert_int_equal(store_open(&f->person, f->db, true), RWB_OK);
	store_set_agent(f->agent, "bot");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_free(f->agent);
	store_free(f->person);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static int count_cb(void *data, const struct agentjob *j)
{
	int *n = data;

	assert_string_equal(j->agent, "bot");
	(*n)++;
	return 0;
}

static void test_job_row_file_and_summary(void **state)
{
	struct fixture *f = *state;
	struct agentjob_log *log;
	struct agentjob j;
	struct stat st;
	FILE *also = tmpfile();
	char buf[256] = "", *path, *sum;
	int64_t before = agentjob_last_id(f->person), id;
	int n = 0;
	size_t k;

	assert_int_equal(agentjob_log_open(&log, f->db, also), RWB_OK);
	path = xstrdup(agentjob_log_path(log));
	assert_true(agentjob_path_ok(f->db, path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	{
		char *dir = xasprintf("%s.jobs", f->db);
		assert_int_equal(stat(dir, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
		free(dir);
	}
	assert_int_equal(store_job_begin(f->agent, &id, "cargo-build", "[\"--release\"]", "/r", path), RWB_OK);
	/* the person's connection sees it, running */
	assert_int_equal(agentjob_since(f->person, before, count_cb, &n), RWB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(agentjob_get(f->person, id, &j), RWB_OK);
	assert_false(j.ended);
	assert_string_equal(j.output, path);
	assert_string_equal(j.args, "[\"--release\"]");
	agentjob_release(&j);
	/* what the command writes goes to both */
	fputs("   Compiling x\n", agentjob_log_stream(log));
	agentjob_log_append(log, "done\n", 5);
	agentjob_log_close(log);
	rewind(also);
	k = fread(buf, 1, sizeof(buf) - 1, also);
	buf[k] = 0;
	assert_string_equal(buf, "   Compiling x\n");
	fclose(also);
	{
		char *text = tu_read(path, NULL);
		assert_string_equal(text, "   Compiling x\ndone\n");
		free(text);
	}
	sum = agentjob_summary(NULL, "\nbuild succeeded: 0 errors\ndetail\n", 0);
	assert_int_equal(store_job_summary(f->agent, id, sum), RWB_OK);
	free(sum);
	assert_int_equal(store_job_end(f->agent, id, 0, -1, -1), RWB_OK);
	assert_int_equal(agentjob_get(f->person, id, &j), RWB_OK);
	assert_true(j.ended);
	assert_int_equal(j.exit_status, 0);
	assert_string_equal(j.summary, "build succeeded: 0 errors");
	agentjob_release(&j);
	/* a person's job is not an agent's */
	n = 0;
	assert_int_equal(store_job_begin(f->person, &id, "git-status", "[]", "/r", NULL), RWB_OK);
	assert_int_equal(agentjob_since(f->person, before, count_cb, &n), RWB_OK);
	assert_int_equal(n, 1);
	/* pruning keeps none: the finished file goes, its row forgets it */
	assert_int_equal(agentjob_prune(f->agent, 0), RWB_OK);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(agentjob_since(f->person, before, count_cb, &n), RWB_OK);
	free(path);
}

static void test_summary(void **state)
{
	char *s, big[600];

	(void)state;
	s = agentjob_summary("cannot read x", "ignored", 3);
	assert_string_equal(s, "cannot read x");
	free(s);
	s = agentjob_summary("an error that did not fail", "ok: 2 files\nmore", 0);
	assert_string_equal(s, "ok: 2 files");
	free(s);
	s = agentjob_summary(NULL, NULL, 0);
	assert_string_equal(s, "done");
	free(s);
	s = agentjob_summary(NULL, "", 4);
	assert_string_equal(s, "exit 4");
	free(s);
	/* no control sequence survives */
	s = agentjob_summary(NULL, "red \033[31mtext\007", 0);
	assert_null(strchr(s, '\033'));
	assert_null(strchr(s, '\007'));
	free(s);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	s = agentjob_summary(NULL, big, 0);
	assert_true(strlen(s) <= 203);
	assert_string_equal(s + strlen(s) - 3, "...");
	free(s);
}

static void test_path_ok(void **state)
{
	struct fixture *f = *state;
	struct agentjob_log *log;
	char *dir = xasprintf("%s.jobs", f->db), *p, *link, *rel;

	assert_int_equal(agentjob_log_open(&log, f->db, NULL), RWB_OK);
	/* the store spelled another way (through "..") is the same store */
	rel = xasprintf("%s/../%s/rwb.db", f->dir, strrchr(f->dir, '/') + 1);
	assert_true(agentjob_path_ok(rel, agentjob_log_path(log)));
	free(rel);
	/* a link in the folder to a file elsewhere is refused */
	p = xasprintf("%s/secret", f->dir);
	tu_write(p, "not a log\n");
	link = xasprintf("%s/1-2.log", dir);
	assert_int_equal(symlink(p, link), 0);
	assert_false(agentjob_path_ok(f->db, link));
	/* names rwb does not make, and files outside the folder */
	assert_false(agentjob_path_ok(f->db, p));
	free(p);
	p = xasprintf("%s/notes.txt", dir);
	tu_write(p, "x\n");
	assert_false(agentjob_path_ok(f->db, p));
	assert_false(agentjob_path_ok(f->db, NULL));
	assert_false(agentjob_path_ok(f->db, "/etc/passwd"));
	/* pruning never removes what it did not make */
	{
		int64_t id;
		assert_int_equal(store_job_begin(f->agent, &id, "x", "[]", "/r", link), RWB_OK);
		assert_int_equal(store_job_end(f->agent, id, 0, -1, -1), RWB_OK);
		assert_int_equal(agentjob_prune(f->agent, 0), RWB_OK);
		char *secret = xasprintf("%s/secret", f->dir);
		assert_int_equal(access(secret, F_OK), 0);
		free(secret);
	}
	agentjob_log_close(log);
	free(p);
	free(link);
	free(dir);
}

static void test_delegated_by(void **state)
{
	struct fixture *f = *state;
	struct board_task *t;
	size_t n;
	int64_t id;

	assert_int_equal(board_task_add(f->agent, &id, "bob", "profile the parser"), RWB_OK);
	assert_int_equal(board_task_add(f->person, &id, "bot", "review"), RWB_OK);
	assert_int_equal(board_task_receive(f->agent, &id, "bot", "fix the build"), RWB_OK);
	assert_int_equal(board_tasks(f->person, &t, &n), RWB_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].task, "profile the parser") == 0)
			assert_string_equal(t[i].delegated_by, "bot");
		else
			assert_string_equal(t[i].delegated_by, "");  /* a person's, or received */
	}
	board_tasks_free(t, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_job_row_file_and_summary, setup, teardown),
		cmocka_unit_test(test_summary),
		cmocka_unit_test_setup_teardown(test_path_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delegated_by, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
