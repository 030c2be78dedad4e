/*
 * test_viewer.c - /file-read opens the viewer at the line, `/` search and
 * `:N` goto move it, escape sequences in the file are shown and never sent,
 * a binary file shows as hex, the viewer survives a resize, and
 * /grep-search opens a results list whose Enter opens the viewer at the
 * line and whose q comes back to the list. PgDn/PgUp move a page, the
 * rows drawn, and the current line keeps its row (tui/listview.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

static struct tu_world *w;
static char *dir;            /* w->dir: the files viewed, and the repository */

static int setup(void **state)
{
	char *path, *big;
	size_t off = 0;
	(void)state;
	w = tu_world_new();
	dir = w->dir;
	/* a Rust file of 300 lines with a needle at line 250 and an escape at 5 */
	big = xmalloc(300 * 64);
	for (int i = 1; i <= 300; i++) {
		if (i == 250)
			off += (size_t)sprintf(big + off, "fn needle_here() -> u32 { %d }\n", i);
		else if (i == 5)
			off += (size_t)sprintf(big + off, "// evil \033[2J\033]0;pwned\007 text\n");
		else if (i == 6)
			off += (size_t)sprintf(big + off, "// latin1 caf\xe9 \xff\xfe end\n");
		else
			off += (size_t)sprintf(big + off, "let filler_%d = %d;\n", i, i);
	}
	path = xasprintf("%s/src/main.rs", dir);
	tu_write(path, big);
	free(path);
	free(big);
	path = xasprintf("%s/blob.bin", dir);
	{
		FILE *f = fopen(path, "wb");
		const char bytes[] = "ABC\0\001\002\377xyz";
		fwrite(bytes, 1, sizeof(bytes) - 1, f);
		fclose(f);
	}
	free(path);
	tu_sh(dir, "git init -q . && printf 'ignored/\\n' > .gitignore && mkdir -p ignored && "
		   "echo 'fn needle_here() {}' > ignored/x.rs");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_world_free(w);
	return 0;
}

static struct screen *start(int cols, int rows)
{
	return tu_world_start(w, dir, cols, rows, NULL, "Command");
}

static void expect(struct screen *s, const char *text)
{
	screen_expect(s, text);
}

static void test_read_search_goto(void **state)
{
	struct screen *s = start(120, 40);
	int row, col;
	(void)state;
	screen_send(s, K_F2);
	screen_send(s, "/file-read src/main.rs --line 3" K_ENTER);
	expect(s, "line 3/");
	expect(s, "let filler_3 = 3;");
	/* the escape sequence is shown, the title was not changed */
	expect(s, "^[[2J");
	assert_false(screen_contains(s, "pwned\n"));
	/* bytes that are not UTF-8 are shown as \xNN */
	expect(s, "caf\\xe9 \\xff\\xfe end");
	/* / search finds the line far below */
	screen_send(s, "/needle_here" K_ENTER);
	expect(s, "line 250/");
	assert_true(screen_find(s, "fn needle_here()", &row, &col));
	/* Rust highlighting: the keyword `fn` is drawn unlike the text after it */
	{
		struct screen_cell_info kw, plain;
		screen_cell(s, row, col, &kw);
		screen_cell(s, row, col + 23, &plain); /* the `u32` type name */
		screen_cell(s, row, col + 2, &plain);  /* the blank after fn */
		if (kw.fg_index == plain.fg_index && kw.fg_r == plain.fg_r && kw.fg_g == plain.fg_g &&
		    kw.fg_b == plain.fg_b && kw.bold == plain.bold && kw.fg_default == plain.fg_default) {
			screen_dump(s);
			fail_msg("the keyword fn is not highlighted");
		}
	}
	/* :N goes to a line, G to the last */
	screen_send(s, ":120" K_ENTER);
	expect(s, "line 120/");
	expect(s, "let filler_120 = 120;");
	screen_send(s, "G");
	expect(s, "line 300/300");
	/* resize keeps the current line */
	screen_resize(s, 80, 20);
	expect(s, "line 300/300");
	expect(s, "let filler_300");
	screen_send(s, "q");
	if (!screen_wait_gone(s, "line 300/300", 3000)) {
		screen_dump(s);
		fail_msg("q did not close the viewer");
	}
	screen_free(s);
}

/* Where "let filler_N = N;" is on the screen; false when it is not shown. */
static bool filler_at(struct screen *s, int n, int *row)
{
	char text[64];
	int col;

	snprintf(text, sizeof(text), "let filler_%d = %d;", n, n);
	return screen_find(s, text, row, &col);
}

/* Waits up to 3 s for filler line n to be drawn on row want (the status
 * line and the text can arrive in two writes). */
static bool filler_on_row(struct screen *s, int n, int want)
{
	int row;

	for (int waited = 0; waited < 3000; waited += 50) {
		if (filler_at(s, n, &row) && row == want)
			return true;
		screen_pump(s, 50);
	}
	return false;
}

static void test_page_keeps_row(void **state)
{
	struct screen *s = start(120, 40);
	int top_row, cur_row, hint_row, col, page;
	char text[32];
	(void)state;
	screen_send(s, K_F2);
	screen_send(s, "/file-read src/main.rs --line 3" K_ENTER);
	expect(s, "line 3/");
	/* the status line, the text and the key line can come in separate
	 * writes: wait for each before reading where it is */
	expect(s, "let filler_1 = 1;");
	expect(s, "let filler_3 = 3;");
	expect(s, "j/k scroll");
	assert_true(filler_at(s, 1, &top_row));
	assert_true(filler_at(s, 3, &cur_row));
	assert_true(screen_find(s, "j/k scroll", &hint_row, &col));
	page = hint_row - top_row;   /* the text rows, above the key line */
	assert_true(page > 5);
	screen_send(s, "\033[6~");  /* PgDn */
	snprintf(text, sizeof(text), "line %d/", 3 + page);
	expect(s, text);
	/* a whole page: the first line shown follows the last one shown before */
	assert_true(filler_on_row(s, 1 + page, top_row));
	assert_true(filler_on_row(s, 3 + page, cur_row));
	screen_send(s, "\033[5~");  /* PgUp */
	expect(s, "line 3/");
	assert_true(filler_on_row(s, 1, top_row));
	screen_free(s);
}

static void test_binary_shown_as_hex(void **state)
{
	struct screen *s = start(120, 40);
	(void)state;
	screen_send(s, K_F2);
	screen_send(s, "/file-read blob.bin" K_ENTER);
	expect(s, "binary, 10 bytes");
	expect(s, "41 42 43 00 01 02 ff 78 79 7a");
	screen_free(s);
}

/* A 1 GB file opens at once and G reaches its end: nothing loads it whole. */
static void test_huge_file(void **state)
{
	char *path = xasprintf("%s/huge.log", dir), *cmd;
	struct screen *s;
	FILE *f = fopen(path, "w");
	(void)state;
	for (int i = 1; i <= 1000; i++)
		fprintf(f, "log line %d\n", i);
	fclose(f);
	/* the rest is a hole: 1 GB without writing it */
	cmd = xasprintf("truncate -s 1G %s && printf 'last words\\n' >> %s", path, path);
	assert_int_equal(tu_sh(dir, cmd), 0);
	free(cmd);
	s = start(120, 40);
	screen_send(s, K_F2);
	screen_send(s, "/file-read huge.log --line 500" K_ENTER);
	expect(s, "log line 500");
	expect(s, "line 500/");
	screen_send(s, "G");
	if (!screen_wait_for(s, "line 1001/1001", 20000)) {
		screen_dump(s);
		fail_msg("G did not reach the end of the 1 GB file");
	}
	/* the last line is a billion NULs and the words: clipped, shown safely */
	expect(s, "1001 ^@^@^@");
	screen_send(s, "g");
	expect(s, "log line 1");
	screen_free(s);
	unlink(path);
	free(path);
}

static void test_grep_list_opens_viewer(void **state)
{
	struct screen *s = start(120, 40);
	(void)state;
	screen_send(s, K_F2);
	screen_send(s, "/grep-search needle_[a-z]+ --type rs" K_ENTER);
	expect(s, "grep results");
	expect(s, "src/main.rs:250:");
	/* the ignored folder is not searched */
	assert_false(screen_contains(s, "ignored/x.rs"));
	screen_send(s, K_ENTER);
	expect(s, "line 250/");
	screen_send(s, "q");
	expect(s, "grep results");
	expect(s, "1/1");
	screen_send(s, "q");
	if (!screen_wait_gone(s, "grep results", 3000)) {
		screen_dump(s);
		fail_msg("q did not close the grep list");
	}
	screen_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_search_goto),
		cmocka_unit_test(test_page_keeps_row),
		cmocka_unit_test(test_binary_shown_as_hex),
		cmocka_unit_test(test_huge_file),
		cmocka_unit_test(test_grep_list_opens_viewer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
