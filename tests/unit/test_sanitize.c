/*
 * test_sanitize.c - outside text made safe to draw: every control visible,
 * valid UTF-8 kept, bad bytes and bidi overrides named, tabs expanded by
 * column (which the printable-ASCII fast path must keep counting).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

static void expect(const char *in, size_t len, unsigned flags, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	sanitize_text(&sb, in, len, flags);
	if (strcmp(strbuf_str(&sb), want) != 0)
		fail_msg("sanitize(%s) = '%s', want '%s'", in, strbuf_str(&sb), want);
	strbuf_free(&sb);
}

#define EXPECT(in, flags, want) expect(in, sizeof(in) - 1, flags, want)

static void test_controls_and_runs(void **state)
{
	(void)state;
	EXPECT("plain text, nothing to do", 0, "plain text, nothing to do");
	EXPECT("a\033[2Jb", 0, "a^[[2Jb");
	EXPECT("\033]0;pwned\007after", 0, "^[]0;pwned^Gafter");
	EXPECT("del\x7f!", 0, "del^?!");
	EXPECT("line1\nline2", 0, "line1^Jline2");
	EXPECT("line1\nline2", SANITIZE_KEEP_NEWLINE, "line1\nline2");
	EXPECT("nul\0byte", 0, "nul^@byte");
	EXPECT("", 0, "");
}

static void test_utf8_and_bad_bytes(void **state)
{
	(void)state;
	EXPECT("caf\xc3\xa9 \xe4\xb8\xad", 0, "caf\xc3\xa9 \xe4\xb8\xad");
	EXPECT("caf\xe9!", 0, "caf\\xe9!");
	EXPECT("\xff\xfe", 0, "\\xff\\xfe");
	EXPECT("c1 \xc2\x9b end", 0, "c1 \\x9b end");
	EXPECT("x\xe2\x80\xaey", 0, "x<U+202E>y");
}

static void test_tabs_count_columns(void **state)
{
	(void)state;
	/* columns keep counting over ASCII runs, controls and UTF-8 */
	EXPECT("ab\tc", SANITIZE_TAB_SPACES, "ab      c");
	EXPECT("abcdefgh\tc", SANITIZE_TAB_SPACES, "abcdefgh        c");
	EXPECT("\033x\tc", SANITIZE_TAB_SPACES, "^[x     c");
	EXPECT("\xc3\xa9\xc3\xa9\tc", SANITIZE_TAB_SPACES, "\xc3\xa9\xc3\xa9      c");
	EXPECT("a\nb\tc", SANITIZE_TAB_SPACES | SANITIZE_KEEP_NEWLINE, "a\nb       c");
	EXPECT("a\tb", SANITIZE_KEEP_TAB, "a\tb");
}

/* Writing the clean span as it is and sanitizing the rest gives exactly
 * sanitize_text's bytes, for random mixes of ASCII, controls, UTF-8 and
 * bad bytes, with every set of flags. */
static void test_clean_span_then_rest(void **state)
{
	static const char *const pieces[] = { "abc", " ", "\n", "\t", "\x1b[31m", "\x7f", "\xc3\xa9",
					       "\xe2\x80\xae", "\xff", "\xc2\x85", "x\ty", "" };
	unsigned seed = 7;
	(void)state;
	for (int round = 0; round < 2000; round++) {
		struct strbuf text = STRBUF_INIT, whole = STRBUF_INIT, split = STRBUF_INIT;
		unsigned flags = (unsigned)round % 8;
		int n = round % 9;
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			strbuf_adds(&text, pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))]);
		}
		sanitize_text(&whole, text.buf ? text.buf : "", text.len, flags);
		size_t plain = sanitize_clean_span(text.buf ? text.buf : "", text.len, flags);
		assert_true(plain <= text.len);
		strbuf_add(&split, text.buf ? text.buf : "", plain);
		sanitize_text(&split, (text.buf ? text.buf : "") + plain, text.len - plain, flags);
		assert_int_equal(split.len, whole.len);
		assert_memory_equal(split.buf ? split.buf : "", whole.buf ? whole.buf : "", whole.len);
		strbuf_free(&text);
		strbuf_free(&whole);
		strbuf_free(&split);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls_and_runs),
		cmocka_unit_test(test_utf8_and_bad_bytes),
		cmocka_unit_test(test_tabs_count_columns),
		cmocka_unit_test(test_clean_span_then_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
