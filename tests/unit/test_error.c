/*
 * test_error.c - the thread's last error (backend/error.h): what rwb_fail
 * records, what rwb_fail_wrap puts in front of it, where a long message is
 * cut, that clearing forgets it, and that each thread has its own.
 *
 * Never: depend on another test's leftover error (each test clears first).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static void test_fail_records(void **state)
{
	(void)state;
	rwb_error_clear();
	assert_int_equal(rwb_fail(RWB_EINPUT, "%s: no such file or folder", "src/x.rs"), RWB_EINPUT);
	assert_int_equal(rwb_last_code(), RWB_EINPUT);
	assert_string_equal(rwb_last_error(), "src/x.rs: no such file or folder");
	/* the next failure replaces it */
	rwb_fail(RWB_EIO, "disk on fire");
	assert_int_equal(rwb_last_code(), RWB_EIO);
	assert_string_equal(rwb_last_error(), "disk on fire");
	/* the last message may be an argument of the next */
	rwb_fail(RWB_EIO, "%s, %s", rwb_last_error(), rwb_last_error());
	assert_string_equal(rwb_last_error(), "disk on fire, disk on fire");
}

/* An empty message (or none) reads as the code's own text. */
static void test_empty_message_is_strerror(void **state)
{
	(void)state;
	rwb_error_clear();
	assert_string_equal(rwb_last_error(), rwb_strerror(RWB_OK));
	rwb_fail(RWB_ENOTFOUND, "%s", "");
	assert_string_equal(rwb_last_error(), "not found");
}

static void test_wrap(void **state)
{
	(void)state;
	rwb_error_clear();
	rwb_fail(RWB_ESTORE, "store /tmp/x.db: database is locked");
	assert_int_equal(rwb_fail_wrap(RWB_EBUSY, "cannot record the %s", "audit"), RWB_EBUSY);
	assert_int_equal(rwb_last_code(), RWB_EBUSY);
	assert_string_equal(rwb_last_error(), "cannot record the audit: store /tmp/x.db: database is locked");
	/* twice: the outer context goes first */
	rwb_fail_wrap(RWB_EBUSY, "audit gate");
	assert_string_equal(rwb_last_error(),
			    "audit gate: cannot record the audit: store /tmp/x.db: database is locked");
	/* wrapping nothing wraps the code's text */
	rwb_error_clear();
	rwb_fail(RWB_EIO, "%s", "");
	rwb_fail_wrap(RWB_EIO, "cannot read");
	assert_string_equal(rwb_last_error(), "cannot read: input/output error");
}

static void test_clear(void **state)
{
	(void)state;
	rwb_fail(RWB_EPERM, "no");
	rwb_error_clear();
	assert_int_equal(rwb_last_code(), RWB_OK);
	assert_string_equal(rwb_last_error(), "ok");
}

/* A message longer than the channel is cut to RWB_ERROR_MAX - 1 bytes,
 * never in the middle of a UTF-8 character, and a wrap that overflows
 * keeps its context. */
static void test_truncation(void **state)
{
	char *big = malloc(RWB_ERROR_MAX * 2);
	size_t len;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', RWB_ERROR_MAX * 2 - 1);
	big[RWB_ERROR_MAX * 2 - 1] = '\0';
	rwb_fail(RWB_EINPUT, "%s", big);
	len = strlen(rwb_last_error());
	assert_int_equal(len, RWB_ERROR_MAX - 1);
	assert_memory_equal(rwb_last_error(), big, len);

	/* "é" (2 bytes) across the cut: the whole character goes */
	memset(big, 'a', RWB_ERROR_MAX - 2);
	memcpy(big + RWB_ERROR_MAX - 2, "\xc3\xa9zz", 5);
	rwb_fail(RWB_EINPUT, "%s", big);
	assert_int_equal(strlen(rwb_last_error()), RWB_ERROR_MAX - 2);
	/* "€" (3 bytes) that fits just so is kept */
	memset(big, 'a', RWB_ERROR_MAX - 4);
	memcpy(big + RWB_ERROR_MAX - 4, "\xe2\x82\xac" "zz", 6);
	rwb_fail(RWB_EINPUT, "%s", big);
	assert_int_equal(strlen(rwb_last_error()), RWB_ERROR_MAX - 1);
	assert_memory_equal(rwb_last_error() + RWB_ERROR_MAX - 4, "\xe2\x82\xac", 3);

	/* a wrap of a full message: the context first, the old text cut */
	memset(big, 'b', RWB_ERROR_MAX * 2 - 1);
	big[RWB_ERROR_MAX * 2 - 1] = '\0';
	rwb_fail(RWB_EIO, "%s", big);
	rwb_fail_wrap(RWB_EIO, "context");
	assert_int_equal(strlen(rwb_last_error()), RWB_ERROR_MAX - 1);
	assert_memory_equal(rwb_last_error(), "context: bbb", 12);
	free(big);
}

struct thread_run {
	pthread_barrier_t *both;   /* both threads have recorded before either reads */
	int code;                  /* what this thread records */
	char text[64];             /* and with which message */
	int got_code;              /* what it read back */
	char got[64];
};

static void *thread_main(void *arg)
{
	struct thread_run *r = arg;

	rwb_fail(r->code, "%s", r->text);
	pthread_barrier_wait(r->both);
	rwb_fail_wrap(r->code, "in thread");
	pthread_barrier_wait(r->both);
	r->got_code = rwb_last_code();
	snprintf(r->got, sizeof(r->got), "%s", rwb_last_error());
	return NULL;
}

/* Two threads fail at the same time; each reads its own failure back,
 * and the main thread's error is untouched. */
static void test_threads_isolated(void **state)
{
	pthread_barrier_t both;
	struct thread_run a = { .both = &both, .code = RWB_EINPUT, .text = "first thread" };
	struct thread_run b = { .both = &both, .code = RWB_EIO, .text = "second thread" };
	pthread_t ta, tb;

	(void)state;
	rwb_fail(RWB_EPERM, "main thread");
	assert_int_equal(pthread_barrier_init(&both, NULL, 2), 0);
	assert_int_equal(pthread_create(&ta, NULL, thread_main, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, thread_main, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&both);
	assert_int_equal(a.got_code, RWB_EINPUT);
	assert_string_equal(a.got, "in thread: first thread");
	assert_int_equal(b.got_code, RWB_EIO);
	assert_string_equal(b.got, "in thread: second thread");
	assert_int_equal(rwb_last_code(), RWB_EPERM);
	assert_string_equal(rwb_last_error(), "main thread");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_records),
		cmocka_unit_test(test_empty_message_is_strerror),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_threads_isolated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
