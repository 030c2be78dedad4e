/*
 * test_xalloc.c - the heap reservation of a one-shot run (xalloc_reserve):
 * after it, the heap's next large block starts at a huge page (the part
 * below the first 2 MB boundary is held by a block of its own) inside a
 * range the kernel was told to back with transparent huge pages, on the
 * thread that reserved and on a thread of its own; outside a one-shot run
 * it changes nothing. The checks read this process's own /proc/self/smaps.
 *
 * Never: assert anything where the policy does not apply (a sanitizer's
 * allocator, a libc other than glibc): xalloc_exit_reclaims() says when.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define HUGE (2u << 20)

/* Whether the mapping holding address a has the kernel's "hg" flag
 * (MADV_HUGEPAGE). */
static bool advised_huge(uintptr_t a)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false, hg = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {   /* a mapping's first line */
			in = a >= lo && a < hi;
			continue;
		}
		if (in && strncmp(line, "VmFlags:", 8) == 0) {
			hg = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return hg;
}

/* Reserves, then checks where a 1 MB block lands: within 4 KB of a 2 MB
 * boundary (the holding block ends a few bytes below it, so the block
 * starts there), in advised memory. Without the holding block it starts
 * anywhere up to 2 MB below the boundary. */
static void check_reserve(void)
{
	xalloc_reserve(24u << 20);
	char *q = xmalloc(1u << 20);
	uintptr_t off = (uintptr_t)q % HUGE;

	assert_true(off < 4096 || HUGE - off < 4096);
	assert_true(advised_huge((uintptr_t)q + 4096));   /* (q itself may be 48 bytes below) */
	memset(q, 1, 1u << 20);   /* (usable: a real block) */
	free(q);
}

static void *reserve_thread(void *arg)
{
	(void)arg;
	check_reserve();
	return NULL;
}

static void test_next_block_on_huge_page(void **state)
{
	(void)state;
	xalloc_set_batch(true);
	if (!xalloc_exit_reclaims())
		skip();   /* the policy does not apply in this build */
	check_reserve();
	/* a thread's own heap (glibc: an arena of its own) */
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, reserve_thread, NULL), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	xalloc_set_batch(false);
}

static void test_not_batch_changes_nothing(void **state)
{
	(void)state;
	xalloc_set_batch(false);
	assert_false(xalloc_exit_reclaims());
	xalloc_reserve(24u << 20);   /* a no-op: nothing to see, nothing fails */
	char *q = xmalloc(64);
	q[63] = 0;
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_batch_changes_nothing),
		cmocka_unit_test(test_next_block_on_huge_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
