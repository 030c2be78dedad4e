/*
 * test_themefile.c - built-in themes, the theme file reader (errors name
 * file and line), and colour reduction for 8/16/256/direct terminals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "themefile.h"

static void test_builtins(void **state)
{
	struct theme t;
	(void)state;
	for (const char *const *n = themefile_builtin_names(); *n; n++) {
		assert_true(themefile_builtin(&t, *n));
		assert_string_equal(t.name, *n);
		/* the focused pane must stand out in every theme, mono included */
		const struct theme_style *a = &t.style[RWB_COLOR_PANE_TITLE_FOCUS];
		const struct theme_style *b = &t.style[RWB_COLOR_PANE_TITLE];
		assert_true(memcmp(a, b, sizeof(*a)) != 0);
	}
	assert_false(themefile_builtin(&t, "no-such"));
	assert_true(themefile_known("mono"));
	assert_false(themefile_known("../etc/passwd"));
}

static void test_parse_ok(void **state)
{
	struct theme t;
	const char *text =
		"# my theme\n"
		"inherit = light\n"
		"\n"
		"diff-add = #00ff00 default bold,underline\n"
		"pane-title-focus = bright-white 25 reverse\r\n"
		"dim = 8\n";
	(void)state;
	themefile_builtin(&t, "default");
	assert_int_equal(themefile_parse(&t, text, strlen(text), "x.theme"), RWB_OK);
	assert_int_equal(t.style[RWB_COLOR_DIFF_ADD].fg.kind, THEME_COLOR_RGB);
	assert_int_equal(t.style[RWB_COLOR_DIFF_ADD].fg.value, 0x00ff00);
	assert_int_equal(t.style[RWB_COLOR_DIFF_ADD].attrs, THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE);
	assert_int_equal(t.style[RWB_COLOR_PANE_TITLE_FOCUS].fg.value, 15);
	assert_int_equal(t.style[RWB_COLOR_PANE_TITLE_FOCUS].bg.value, 25);
	assert_int_equal(t.style[RWB_COLOR_DIM].fg.value, 8);
	/* inherited from light */
	struct theme light;
	themefile_builtin(&light, "light");
	assert_memory_equal(&t.style[RWB_COLOR_SYN_STRING], &light.style[RWB_COLOR_SYN_STRING],
			    sizeof(struct theme_style));
}

static void expect_error(const char *text, const char *fragment)
{
	struct theme t;

	themefile_builtin(&t, "default");
	assert_int_equal(themefile_parse(&t, text, strlen(text), "bad.theme"), RWB_EINPUT);
	if (!strstr(rwb_last_error(), fragment))
		fail_msg("'%s' lacks '%s'", rwb_last_error(), fragment);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("diff-add = green\nno-such-role = red\n", "bad.theme:2: unknown role");
	expect_error("diff-add = greenish\n", "bad.theme:1: 'greenish' is not a colour");
	expect_error("diff-add green\n", "bad.theme:1: expected ROLE = FG");
	expect_error("\n\ndiff-add = red blue sparkly\n", "bad.theme:3:");
	expect_error("diff-add = #12345\n", "is not a colour");
	expect_error("diff-add = 256\n", "is not a colour");
	expect_error("dim = red\ninherit = mono\n", "bad.theme:2: inherit must come before");
	expect_error("inherit = nothing\n", "inherit takes a built-in theme");
	expect_error("diff-add =\n", "takes FG");
	{
		char bin[] = "diff-add = red\0oops\n";
		struct theme t;
		themefile_builtin(&t, "default");
		assert_int_equal(themefile_parse(&t, bin, sizeof(bin) - 1, "bin.theme"),
				 RWB_EINPUT);
	}
}

static void test_reduce(void **state)
{
	bool bright;
	struct theme_color red = { THEME_COLOR_INDEX, 1 }, bred = { THEME_COLOR_INDEX, 9 };
	struct theme_color rgb = { THEME_COLOR_RGB, 0xff0000 }, def = { THEME_COLOR_DEFAULT, 0 };
	struct theme_color i196 = { THEME_COLOR_INDEX, 196 };
	(void)state;
	assert_int_equal(themefile_reduce(def, 256, &bright), -1);
	assert_int_equal(themefile_reduce(red, 8, &bright), 1);
	assert_false(bright);
	assert_int_equal(themefile_reduce(bred, 8, &bright), 1);
	assert_true(bright);
	assert_int_equal(themefile_reduce(bred, 16, &bright), 9);
	assert_int_equal(themefile_index_rgb(themefile_reduce(rgb, 256, &bright)), 0xff0000);
	struct theme_color teal = { THEME_COLOR_RGB, 0x008787 };
	assert_int_equal(themefile_reduce(teal, 256, &bright), 30);
	assert_int_equal(themefile_reduce(rgb, 0x1000000, &bright), 0xff0000);
	assert_int_equal(themefile_reduce(i196, 0x1000000, &bright), 0xff0000);
	int r = themefile_reduce(i196, 16, &bright);
	assert_true(r == 9 || r == 1);
	assert_int_equal(themefile_reduce(red, 0, &bright), -1);
	assert_int_equal(themefile_index_rgb(231), 0xffffff);
	assert_int_equal(themefile_index_rgb(232), 0x080808);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_reduce),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
