/*
 * test_strbuf.c - the growable buffer: strbuf_addf formats into the room
 * there is and formats again only what did not fit, so the text must come
 * out whole whether it fits, just fits, or needs a grow; the two ways to
 * read a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* strbuf_addpad and strbuf_addint give what %-*s and %lld give, at the
 * edges: empty, exactly the width, wider, zero, negatives, the extremes. */
static void test_pad_and_int_match_printf(void **state)
{
	static const char *const words[] = { "", "fn", "block!", "a_rather_long_module::function_name" };
	static const long long ints[] = { 0, 7, -7, 10, 99999, -100000, INT64_MAX, INT64_MIN };
	struct strbuf sb = STRBUF_INIT;
	char want[128];

	(void)state;
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		for (size_t width = 0; width < 40; width += 3) {
			strbuf_reset(&sb);
			strbuf_addpad(&sb, words[w], width);
			snprintf(want, sizeof(want), "%-*s", (int)width, words[w]);
			assert_string_equal(strbuf_str(&sb), want);
		}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		strbuf_reset(&sb);
		strbuf_addint(&sb, ints[i]);
		snprintf(want, sizeof(want), "%lld", ints[i]);
		assert_string_equal(strbuf_str(&sb), want);
	}
	strbuf_free(&sb);
}

/* strbuf_read_file: the whole file, or up to a bound (one read past it at
 * most), and NULL for a file that is not there. */
static void test_read_file(void **state)
{
	char path[] = "/tmp/rwb-test-strbuf-XXXXXX", *text;
	int fd = mkstemp(path);
	size_t len;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	for (int i = 0; i < 20000; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	text = strbuf_read_file(path, 0, &len);
	assert_int_equal(strlen(text), 20000);
	assert_int_equal(len, 20000);
	assert_int_equal(text[19999], 'a' + 19999 % 26);
	free(text);
	text = strbuf_read_file(path, 100, NULL);
	assert_true(strlen(text) >= 100 && strlen(text) < 100 + 8192);
	free(text);
	unlink(path);
	assert_null(strbuf_read_file(path, 0, NULL));
}

/* strbuf_read_whole: a whole regular file up to max (NULs counted), one
 * byte more refused, and what is not a regular file refused at once (a
 * FIFO with no writer would block a plain open). */
static void test_read_whole(void **state)
{
	char dir[] = "/tmp/rwb-test-whole-XXXXXX", path[128], fifo[128], *text;
	size_t len = 99;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 20000; i++)
		fputc(i % 1000 == 0 ? '\0' : 'a' + i % 26, f);
	fclose(f);
	text = strbuf_read_whole(path, 20000, &len);
	assert_non_null(text);
	assert_int_equal(len, 20000);
	assert_int_equal(text[19999], 'a' + 19999 % 26);
	assert_int_equal(text[20000], '\0');
	assert_int_equal(text[1000], '\0');
	free(text);
	errno = 0;
	assert_null(strbuf_read_whole(path, 19999, &len));
	assert_int_equal(errno, EFBIG);
	assert_int_equal(len, 0);
	/* a folder and a FIFO: refused, without waiting */
	assert_null(strbuf_read_whole(dir, 1 << 20, NULL));
	assert_int_equal(errno, EFBIG);
	snprintf(fifo, sizeof(fifo), "%s/p", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_null(strbuf_read_whole(fifo, 1 << 20, NULL));
	assert_int_equal(errno, EFBIG);
	/* an empty file is "", a missing one NULL with open's errno */
	f = fopen(path, "wb");
	fclose(f);
	text = strbuf_read_whole(path, 0, &len);
	assert_non_null(text);
	assert_string_equal(text, "");
	assert_int_equal(len, 0);
	free(text);
	unlink(path);
	unlink(fifo);
	assert_null(strbuf_read_whole(path, 10, NULL));
	assert_int_equal(errno, ENOENT);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addf_every_length),
		cmocka_unit_test(test_addf_empty_and_fresh),
		cmocka_unit_test(test_pad_and_int_match_printf),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
