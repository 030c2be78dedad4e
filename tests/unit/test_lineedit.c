/*
 * test_lineedit.c - prompt editing (readline keys on UTF-8 text), Tab
 * completion candidates, and sanitizing of outside text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "lineedit.h"
#include "sanitize.h"
#include "testutil.h"
#include "xalloc.h"

static void test_editing(void **state)
{
	struct lineedit e;
	(void)state;
	lineedit_init(&e);
	lineedit_set(&e, "/memory-search --query héllo wörld");
	lineedit_word_left(&e);
	assert_string_equal(lineedit_str(&e) + e.cursor, "wörld");
	lineedit_kill_word_back(&e);
	assert_string_equal(lineedit_str(&e), "/memory-search --query wörld");
	lineedit_yank(&e);
	assert_string_equal(lineedit_str(&e), "/memory-search --query héllo wörld");
	lineedit_end(&e);
	lineedit_backspace(&e);
	assert_string_equal(lineedit_str(&e), "/memory-search --query héllo wörl");
	lineedit_left(&e); lineedit_left(&e);
	lineedit_kill_to_end(&e);
	assert_string_equal(lineedit_str(&e), "/memory-search --query héllo wö");
	lineedit_left(&e);
	lineedit_delete(&e);
	assert_string_equal(lineedit_str(&e), "/memory-search --query héllo w");
	lineedit_home(&e);
	lineedit_word_right(&e);
	assert_int_equal(e.cursor, strlen("/memory"));
	lineedit_kill_to_start(&e);
	assert_string_equal(lineedit_str(&e), "-search --query héllo w");
	assert_int_equal(e.cursor, 0);
	/* control characters and escapes never enter the line */
	lineedit_set(&e, "");
	lineedit_insert(&e, "a\033[2Jb\x07\nc", 10);
	assert_string_equal(lineedit_str(&e), "a[2Jb c");
	/* invalid UTF-8 is dropped */
	lineedit_set(&e, "x\xff\xfey");
	assert_string_equal(lineedit_str(&e), "xy");
	/* width of wide characters */
	lineedit_set(&e, "漢字");
	assert_int_equal(lineedit_cursor_col(&e), 4);
	lineedit_left(&e);
	assert_int_equal(lineedit_cursor_col(&e), 2);
	lineedit_transpose(&e);
	assert_string_equal(lineedit_str(&e), "字漢");
	lineedit_release(&e);
}

static void test_huge_paste(void **state)
{
	struct lineedit e;
	char *big = xmalloc(3 << 20);
	(void)state;
	memset(big, 'x', 3 << 20);
	lineedit_init(&e);
	lineedit_insert(&e, big, 3 << 20);
	assert_int_equal(e.text.len, LINEEDIT_MAX);
	lineedit_insert(&e, "more", 4);
	assert_int_equal(e.text.len, LINEEDIT_MAX);
	lineedit_release(&e);
	free(big);
}

static bool has(const struct completion *c, const char *item)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->items[i], item) == 0)
			return true;
	return false;
}

static void test_complete(void **state)
{
	struct completion c;
	struct complete_env env = { 0 };
	char *dir = tu_tmpdir(), *p;
	(void)state;

	complete_line(&c, "/cargo-b", 8, &env);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0], "/cargo-build");
	assert_int_equal(c.start, 0);
	complete_release(&c);

	complete_line(&c, "/memory-s", 9, &env);
	assert_true(has(&c, "/memory-search") && has(&c, "/memory-store"));
	p = complete_common_prefix(&c);
	assert_string_equal(p, "/memory-s");
	free(p);
	complete_release(&c);

	complete_line(&c, "/memory-search --mo", 19, &env);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0], "--mode");
	complete_release(&c);

	complete_line(&c, "/memory-search --mode ", 22, &env);
	assert_int_equal(c.n, 3);
	assert_true(has(&c, "fulltext") && has(&c, "hybrid") && has(&c, "vector"));
	complete_release(&c);

	complete_line(&c, "/rust-optimize --opt-level ", 27, &env);
	assert_int_equal(c.n, 6);
	complete_release(&c);

	/* a command that runs cargo offers that subcommand's own flags */
	complete_line(&c, "/cargo-clippy --all-", 20, &env);
	assert_true(has(&c, "--all-targets") && has(&c, "--all-features"));
	complete_release(&c);
	complete_line(&c, "/cargo-publish --", 17, &env);
	assert_true(has(&c, "--dry-run") && has(&c, "--verify") && has(&c, "--no-verify") &&
		    has(&c, "--allow-dirty") && has(&c, "--manifest-path"));
	assert_false(has(&c, "--all-targets")); /* cargo publish has none */
	complete_release(&c);
	complete_line(&c, "/rust-test --wor", 16, &env);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0], "--workspace");
	complete_release(&c);
	/* after --, the words are the tool's */
	complete_line(&c, "/cargo-clippy -- --all", 22, &env);
	assert_int_equal(c.n, 0);
	complete_release(&c);
	/* no cargo flags for a command that runs no cargo */
	complete_line(&c, "/grep-search x --all", 20, &env);
	assert_int_equal(c.n, 0);
	complete_release(&c);

	p = xasprintf("%s/src/main.rs", dir);
	tu_write(p, "fn main() {}\n");
	free(p);
	p = xasprintf("%s/Cargo.toml", dir);
	tu_write(p, "[package]\n");
	free(p);
	env.cwd = dir;
	complete_line(&c, "/file-read sr", 13, &env);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0], "src/");
	complete_release(&c);
	complete_line(&c, "/file-read src/", 15, &env);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0], "src/main.rs");
	assert_int_equal(c.start, 11);
	complete_release(&c);
	complete_line(&c, "/help cargo-", 12, &env);
	assert_true(has(&c, "cargo-build") && has(&c, "cargo-clippy"));
	complete_release(&c);
	tu_rmtree(dir);
	free(dir);
}

static void test_sanitize(void **state)
{
	char *s;
	(void)state;
	s = sanitize_dup("ok \033]0;title\007 \033[2J done", 0);
	assert_string_equal(s, "ok ^[]0;title^G ^[[2J done");
	free(s);
	s = sanitize_dup("a\tb\nc\x7f", SANITIZE_KEEP_NEWLINE | SANITIZE_TAB_SPACES);
	assert_string_equal(s, "a       b\nc^?");
	free(s);
	s = sanitize_dup("bad \xff\xc3 c1 \xc2\x9b end", 0);
	assert_string_equal(s, "bad \\xff\\xc3 c1 \\x9b end");
	free(s);
	s = sanitize_dup("if user \xe2\x80\xae admin", 0);
	assert_string_equal(s, "if user <U+202E> admin");
	free(s);
	s = sanitize_dup("héllo 漢字", 0);
	assert_string_equal(s, "héllo 漢字");
	assert_int_equal(sanitize_width(s, strlen(s)), 10);
	free(s);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editing),
		cmocka_unit_test(test_huge_paste),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_sanitize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
