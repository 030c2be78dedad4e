/*
 * test_proc.c - the process runner on real programs: exit statuses, a
 * program that cannot run, stdin fed while stdout is read (no deadlock on
 * large data), bounded captures, a timeout that ends the whole process
 * group, the shell only when asked, and no descriptor leaked to the child.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "proc.h"

static void test_status_and_capture(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct proc_opts o = { .out = &out, .err = &err };
	struct proc_result r;
	char *const ok[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };

	(void)state;
	assert_int_equal(proc_run(&r, ok, &o), RWB_OK);
	assert_int_equal(r.status, 3);
	assert_string_equal(strbuf_str(&out), "out\n");
	assert_string_equal(strbuf_str(&err), "err\n");
	assert_false(r.truncated);
	strbuf_free(&out);
	strbuf_free(&err);
}

static void test_cannot_run(void **state)
{
	struct proc_result r;
	char *const missing[] = { "rwb-no-such-program-here", NULL };
	char *const here[] = { "true", NULL };
	struct proc_opts gone = { .cwd = "/nonexistent/folder" };

	(void)state;
	assert_int_equal(proc_run(&r, missing, NULL), RWB_ENOTOOL);
	assert_non_null(strstr(r.errmsg, "cannot run rwb-no-such-program-here"));
	assert_int_equal(proc_run(&r, here, &gone), RWB_ENOTOOL);
	assert_non_null(strstr(r.errmsg, "/nonexistent/folder"));
	assert_false(proc_in_path("rwb-no-such-program-here"));
	assert_true(proc_in_path("sh"));
}

static void test_input_large(void **state)
{
	size_t n = 4u << 20;
	char *data = malloc(n);
	struct strbuf out = STRBUF_INIT;
	struct proc_opts o = { .input = data, .input_len = n, .out = &out };
	struct proc_result r;
	char *const cat[] = { "cat", NULL };

	(void)state;
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(proc_run(&r, cat, &o), RWB_OK);
	assert_int_equal(r.status, 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.buf, data, n);
	strbuf_free(&out);
	free(data);
}

static void test_bounded(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct proc_opts o = { .out = &out, .max_capture = 1000 };
	struct proc_result r;
	char *const yes[] = { "sh", "-c", "head -c 100000 /dev/zero", NULL };

	(void)state;
	assert_int_equal(proc_run(&r, yes, &o), RWB_OK);
	assert_int_equal(r.status, 0);
	assert_int_equal(out.len, 1000);
	assert_true(r.truncated);
	strbuf_free(&out);
}

static void test_timeout_kills_group(void **state)
{
	struct strbuf out = STRBUF_INIT;
	/* the grandchild ignores nothing but keeps stdout open: only a group kill ends it */
	struct proc_opts o = { .out = &out, .timeout_ms = 300, .kill_grace_ms = 300 };
	struct proc_result r;
	char *const slow[] = { "sh", "-c", "trap '' INT; sleep 30 & sleep 30; echo never", NULL };

	(void)state;
	assert_int_equal(proc_run(&r, slow, &o), RWB_OK);
	assert_true(r.timed_out);
	assert_true(r.status >= 128);
	assert_true(r.duration_ms < 5000);
	assert_null(strstr(strbuf_str(&out), "never"));
	strbuf_free(&out);
}

static void test_shell_only_when_asked(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct proc_opts argv_only = { .out = &out };
	struct proc_opts shell = { .out = &out, .shell = true };
	struct proc_result r;
	char *const echo[] = { "echo", "$HOME;", "x", NULL };
	char *const line[] = { "echo a; echo b", NULL };

	(void)state;
	assert_int_equal(proc_run(&r, echo, &argv_only), RWB_OK);
	assert_string_equal(strbuf_str(&out), "$HOME; x\n");
	strbuf_reset(&out);
	assert_int_equal(proc_run(&r, line, &shell), RWB_OK);
	assert_string_equal(strbuf_str(&out), "a\nb\n");
	strbuf_free(&out);
}

static void test_no_descriptor_leaks(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct proc_opts o = { .out = &out, .input = "x", .input_len = 1 };
	struct proc_result r;
	char *const ls[] = { "ls", "/proc/self/fd", NULL };
	int inherited = 0, count = 0;

	(void)state;
	/* what this process itself lets children inherit (ctest's, the shell's) */
	for (int fd = 3; fd < 1024; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC))
			inherited++;
	}
	assert_int_equal(proc_run(&r, ls, &o), RWB_OK);
	for (const char *p = strbuf_str(&out); *p; p++)
		count += *p == '\n';
	/* 0, 1, 2, ls's own directory handle, and nothing of the runner's */
	assert_int_equal(count, 4 + inherited);
	strbuf_free(&out);
}

static void test_output_helper(void **state)
{
	char *const echo[] = { "echo", "hello", NULL };
	char *const fails[] = { "false", NULL };
	char *s;

	(void)state;
	s = proc_output(echo, NULL, 0);
	assert_string_equal(s, "hello\n");
	free(s);
	assert_null(proc_output(fails, NULL, 0));
}

/*
 * Programs run from several threads at once, as the audit's signature
 * checks do: each run gets its own output back, a child that leaves most
 * of its input unread does not kill the process with SIGPIPE, and no run
 * closes a descriptor of another's (a double close of the read ends made
 * one thread's poll spin on POLLNVAL while its ssh-keygen lay defunct).
 */
#define THREAD_RUNS 60
static char big_input[256u << 10];

static void *run_many(void *arg)
{
	long id = (long)arg;
	char tag[32];
	long bad = 0;

	snprintf(tag, sizeof(tag), "thread-%ld", id);
	for (int i = 0; i < THREAD_RUNS; i++) {
		struct strbuf out = STRBUF_INIT;
		struct proc_opts o = { .out = &out, .input = big_input, .input_len = sizeof(big_input),
				       .timeout_ms = 20000 };
		struct proc_result r;
		char *const argv[] = { "sh", "-c", "head -c 1 >/dev/null; echo \"$0\"", tag, NULL };
		char want[40];
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);   /* numbers reused by other threads */

		snprintf(want, sizeof(want), "%s\n", tag);
		if (proc_run(&r, argv, &o) != RWB_OK || r.status != 0 || r.timed_out ||
		    strcmp(strbuf_str(&out), want) != 0)
			bad++;
		if (fd >= 0 && close(fd) != 0)
			bad++;   /* someone closed our descriptor */
		strbuf_free(&out);
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	pthread_t th[4];

	(void)state;
	memset(big_input, 'x', sizeof(big_input));
	for (long t = 0; t < 4; t++)
		assert_int_equal(pthread_create(&th[t], NULL, run_many, (void *)t), 0);
	for (int t = 0; t < 4; t++) {
		void *bad;
		assert_int_equal(pthread_join(th[t], &bad), 0);
		assert_int_equal((long)bad, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_and_capture),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_input_large),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_shell_only_when_asked),
		cmocka_unit_test(test_no_descriptor_leaks),
		cmocka_unit_test(test_output_helper),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
