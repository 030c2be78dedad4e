/*
 * test_draw_rust.c - the one mapping from Rust tokens to syntax roles that
 * every pane showing Rust uses (tui/draw.c: draw_rust_role).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "draw.h"
#include "rustlex.h"

/* The role of the first token of line that spells word. */
static enum rwb_color role_of(const char *line, const char *word)
{
	struct rustlex lx;
	struct rust_token t;
	size_t len = strlen(line), wl = strlen(word);

	rustlex_init(&lx, NULL, 0);
	rustlex_init_line(&lx, line, len);
	while (rustlex_next(&lx, &t))
		if (t.len == wl && memcmp(line + t.start, word, wl) == 0)
			return draw_rust_role(&t, line, len);
	fail_msg("no token '%s' in '%s'", word, line);
	return RWB_COLOR_DEFAULT;
}

static void test_roles(void **state)
{
	const char *line = "pub unsafe fn f<'a>(x: &'a Vec<u8>) -> Option<i32> { println!(\"{}\", 0x1f); } // done";

	(void)state;
	assert_int_equal(role_of(line, "pub"), RWB_COLOR_SYN_KEYWORD);
	assert_int_equal(role_of(line, "unsafe"), RWB_COLOR_SYN_UNSAFE);
	assert_int_equal(role_of(line, "fn"), RWB_COLOR_SYN_KEYWORD);
	assert_int_equal(role_of(line, "'a"), RWB_COLOR_SYN_LIFETIME);
	assert_int_equal(role_of(line, "Vec"), RWB_COLOR_SYN_TYPE);
	assert_int_equal(role_of(line, "x"), RWB_COLOR_DEFAULT);
	assert_int_equal(role_of(line, "println"), RWB_COLOR_SYN_MACRO);
	assert_int_equal(role_of(line, "\"{}\""), RWB_COLOR_SYN_STRING);
	assert_int_equal(role_of(line, "0x1f"), RWB_COLOR_SYN_NUMBER);
	assert_int_equal(role_of(line, "// done"), RWB_COLOR_SYN_COMMENT);
	assert_int_equal(role_of(line, "{"), RWB_COLOR_DEFAULT);
	/* `a != b` is a comparison, not a macro call; a name at the end of the line is plain */
	assert_int_equal(role_of("if a != b { c", "a"), RWB_COLOR_DEFAULT);
	assert_int_equal(role_of("if a != b { c", "c"), RWB_COLOR_DEFAULT);
	assert_int_equal(role_of("macro_rules! m", "macro_rules"), RWB_COLOR_SYN_MACRO);
	assert_int_equal(role_of("/// docs", "/// docs"), RWB_COLOR_SYN_COMMENT);
	assert_int_equal(role_of("let c = b'x';", "b'x'"), RWB_COLOR_SYN_STRING);
	assert_int_equal(role_of("r#\"raw\"#", "r#\"raw\"#"), RWB_COLOR_SYN_STRING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
