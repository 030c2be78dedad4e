/*
 * test_strbuf.c - the growable buffer: strbuf_addf formats into the room
 * there is and formats again only what did not fit, so the text must come
 * out whole whether it fits, just fits, or needs a grow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Lines of every length from 0 to 300 bytes, one after another, against
 * the same text built with snprintf. */
static void test_addf_every_length(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *want = calloc(1, 64 * 1024), line[512];
	size_t wl = 0;

	(void)state;
	assert_non_null(want);
	for (int n = 0; n <= 300; n++) {
		memset(line, 'a' + n % 26, (size_t)n);
		line[n] = '\0';
		strbuf_addf(&sb, "%s|%d\n", line, n);
		wl += (size_t)snprintf(want + wl, 64 * 1024 - wl, "%s|%d\n", line, n);
		assert_int_equal(sb.len, wl);
		assert_true(sb.len < sb.cap);
		assert_int_equal(sb.buf[sb.len], '\0');
	}
	assert_memory_equal(sb.buf, want, wl);
	strbuf_free(&sb);
	free(want);
}

static void test_addf_empty_and_fresh(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addf(&sb, "%s", "");
	assert_int_equal(sb.len, 0);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_addf(&sb, "%d-%s", 42, "x");
	assert_string_equal(strbuf_str(&sb), "42-x");
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addf_every_length),
		cmocka_unit_test(test_addf_empty_and_fresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
