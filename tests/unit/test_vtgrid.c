/*
 * test_vtgrid.c - terminal-pane conformance: fixed escape-sequence streams
 * fed into the grid the pane draws, compared cell by cell (text, colours,
 * attributes) with the grid a VT100/xterm must show; plus the scrollback
 * ring (wrap, 10,000 lines, resize), marks, search and keyboard encoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "vtgrid.h"

#define FEED(g, s) vtgrid_feed((g), (s), strlen(s))

/* Compares every screen row's text with want (rows entries). */
static void expect_screen(struct vtgrid *g, const char *const *want)
{
	int rows, cols;

	vtgrid_size(g, &rows, &cols);
	for (int y = 0; y < rows; y++) {
		struct strbuf sb = STRBUF_INIT;
		vtgrid_line_text(g, y, &sb, NULL);
		if (strcmp(strbuf_str(&sb), want[y]) != 0)
			fail_msg("row %d: got '%s', want '%s'", y, strbuf_str(&sb), want[y]);
		strbuf_free(&sb);
	}
}

/*
 * Compares the style of every cell with a map: one character per cell, each
 * naming an entry of the legend ('.' = default colours, no attributes).
 */
struct style { char key; uint32_t fg, bg; };

static void expect_styles(struct vtgrid *g, const char *const *map, const struct style *legend)
{
	int rows, cols;

	vtgrid_size(g, &rows, &cols);
	for (int y = 0; y < rows; y++) {
		const struct vtrow *r = vtgrid_line(g, y);
		assert_int_equal((int)strlen(map[y]), cols);
		for (int x = 0; x < cols; x++) {
			uint32_t fg = 0, bg = 0;
			if (map[y][x] != '.') {
				const struct style *s = legend;
				while (s->key && s->key != map[y][x])
					s++;
				assert_true(s->key);
				fg = s->fg;
				bg = s->bg;
			}
			if (r->cells[x].fg != fg || r->cells[x].bg != bg)
				fail_msg("cell %d,%d: fg %08x bg %08x, want fg %08x bg %08x", y, x,
					 r->cells[x].fg, r->cells[x].bg, fg, bg);
		}
	}
}

static void test_sgr(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(3, 12, 100, NULL, NULL);
	FEED(g, "\033[1;31mR\033[0m\033[4;42mG\033[0m\033[38;5;208mX\033[38;2;10;20;30mY\033[0m"
		"\033[3;7;9mZ\033[0m\033[95;104mB\033[39mD\033[0m\r\n"
		"\033[48;2;1;2;3m\033[K\033[0mplain");
	const char *text[] = { "RGXYZBD", "plain", "" };
	expect_screen(g, text);
	const struct style legend[] = {
		{ 'r', VTATTR_BOLD | VTCOLOR_MAKE(VTCOLOR_INDEX, 1), 0 },
		{ 'g', VTATTR_UNDERLINE, VTCOLOR_MAKE(VTCOLOR_INDEX, 2) },
		{ 'x', VTCOLOR_MAKE(VTCOLOR_INDEX, 208), 0 },
		{ 'y', VTCOLOR_MAKE(VTCOLOR_RGB, 0x0a141e), 0 },
		{ 'z', VTATTR_ITALIC | VTATTR_REVERSE | VTATTR_STRIKE, 0 },
		{ 'b', VTCOLOR_MAKE(VTCOLOR_INDEX, 13), VTCOLOR_MAKE(VTCOLOR_INDEX, 12) },
		{ 'd', 0, VTCOLOR_MAKE(VTCOLOR_INDEX, 12) },
		/* EL with an RGB background fills the erased cells with it (BCE) */
		{ 'e', 0, VTCOLOR_MAKE(VTCOLOR_RGB, 0x010203) },
		{ 0, 0, 0 },
	};
	const char *map[] = { "rgxyzbd.....", ".....eeeeeee", "............" };
	/* "plain" overwrote the first five erased cells with the default pen */
	expect_styles(g, map, legend);
	vtgrid_free(g);
}

static void test_wide_and_combining(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(2, 8, 10, NULL, NULL);
	uint32_t chars[VTGRID_MAX_COMBINE + 1];
	FEED(g, "\xe6\xbc\xa2\xe5\xad\x97" "e\xcc\x81" "x");   /* 漢字 é x */
	const struct vtrow *r = vtgrid_line(g, 0);
	assert_int_equal(vtgrid_cell_chars(g, &r->cells[0], chars), 1);
	assert_int_equal(chars[0], 0x6f22);
	assert_int_equal(r->cells[1].ch, VTCELL_CONT);
	assert_int_equal(r->cells[3].ch, VTCELL_CONT);
	assert_int_equal(vtgrid_cell_chars(g, &r->cells[4], chars), 2);
	assert_int_equal(chars[0], 'e');
	assert_int_equal(chars[1], 0x301);
	assert_int_equal(r->cells[5].ch, 'x');
	int row, col;
	bool vis;
	vtgrid_cursor(g, &row, &col, &vis);
	assert_int_equal(col, 6);
	/* overwriting the second half of a wide character blanks the first */
	FEED(g, "\033[1;2HA");
	const char *text[] = { " A\xe5\xad\x97" "e\xcc\x81x", "" };
	expect_screen(g, text);
	/* a wide character at the last column wraps to the next line */
	FEED(g, "\033[1;8H\xe6\xbc\xa2");
	const char *text2[] = { " A\xe5\xad\x97" "e\xcc\x81x", "\xe6\xbc\xa2" };
	expect_screen(g, text2);
	vtgrid_free(g);
}

static void test_scroll_region_and_lines(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(6, 6, 100, NULL, NULL);
	FEED(g, "1\r\n2\r\n3\r\n4\r\n5\r\n6");
	/* region rows 2..5: two new lines scroll only inside it */
	FEED(g, "\033[2;5r\033[5;1H\nA\r\nB");
	const char *t1[] = { "1", "4", "5", "A", "B", "6" };
	expect_screen(g, t1);
	assert_int_equal(vtgrid_scrollback_count(g), 0);  /* nothing left the top */
	/* reverse index at the region's top scrolls it down */
	FEED(g, "\033[2;1H\033MR");
	const char *t2[] = { "1", "R", "4", "5", "A", "6" };
	expect_screen(g, t2);
	/* insert and delete lines inside the region */
	FEED(g, "\033[3;1H\033[L");
	const char *t3[] = { "1", "R", "", "4", "5", "6" };
	expect_screen(g, t3);
	FEED(g, "\033[2;1H\033[2M");
	const char *t4[] = { "1", "4", "5", "", "", "6" };
	expect_screen(g, t4);
	/* insert / delete characters */
	FEED(g, "\033[r\033[1;1Habcdef\033[1;2H\033[2@XY\033[1;5H\033[P");
	const char *t5[] = { "aXYbd", "4", "5", "", "", "6" };
	expect_screen(g, t5);
	/* erase in line / display */
	FEED(g, "\033[1;3H\033[K\033[3;1H\033[J");
	const char *t6[] = { "aX", "4", "", "", "", "" };
	expect_screen(g, t6);
	FEED(g, "\033[2;1H\033[1J");
	const char *t7[] = { "", "", "", "", "", "" };
	expect_screen(g, t7);
	vtgrid_free(g);
}

static void test_altscreen(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(4, 10, 100, NULL, NULL);
	int row, col;
	bool vis;

	FEED(g, "$ less\r\nmain\r\n");
	FEED(g, "\033[?1049h\033[HALT SCREEN\033[3;1H\033[31mred");
	assert_true(vtgrid_altscreen(g));
	const char *alt[] = { "ALT SCREEN", "", "red", "" };
	expect_screen(g, alt);
	/* a flood on the alt screen never reaches the scrollback */
	for (int i = 0; i < 20; i++)
		FEED(g, "\r\nline");
	assert_int_equal(vtgrid_scrollback_count(g), 0);
	FEED(g, "\033[?1049l");
	assert_false(vtgrid_altscreen(g));
	const char *main_scr[] = { "$ less", "main", "", "" };
	expect_screen(g, main_scr);
	vtgrid_cursor(g, &row, &col, &vis);
	assert_int_equal(row, 2);
	assert_int_equal(col, 0);
	assert_true(vtgrid_take_events(g) & VTGRID_EV_ALTSCREEN);
	vtgrid_free(g);
}

static void test_title_bell_cursor(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(4, 10, 100, NULL, NULL);
	int row, col;
	bool vis;

	FEED(g, "\033]2;my title\007\007\033[?25l\033[3;4H");
	assert_string_equal(vtgrid_title(g), "my title");
	unsigned ev = vtgrid_take_events(g);
	assert_true(ev & VTGRID_EV_TITLE);
	assert_true(ev & VTGRID_EV_BELL);
	assert_int_equal(vtgrid_take_events(g), 0);
	vtgrid_cursor(g, &row, &col, &vis);
	assert_int_equal(row, 2);
	assert_int_equal(col, 3);
	assert_false(vis);
	vtgrid_free(g);
}

static void test_scrollback_wrap(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(5, 20, 10000, NULL, NULL);
	char line[64];
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < 25000; i++) {
		snprintf(line, sizeof(line), "%sline %d", i ? "\r\n" : "", i);
		FEED(g, line);
	}
	/* 25000 lines: 4 above the last on screen, the 10000 before them kept */
	assert_int_equal(vtgrid_scrollback_count(g), 10000);
	assert_int_equal((int)vtgrid_lines_pushed(g), 24995);
	vtgrid_line_text(g, -1, &sb, NULL);
	assert_string_equal(strbuf_str(&sb), "line 24994");
	strbuf_reset(&sb);
	vtgrid_line_text(g, -10000, &sb, NULL);
	assert_string_equal(strbuf_str(&sb), "line 14995");
	assert_null(vtgrid_line(g, -10001));
	strbuf_reset(&sb);
	vtgrid_line_text(g, 4, &sb, NULL);
	assert_string_equal(strbuf_str(&sb), "line 24999");

	/* search finds a line 5,000 lines up, and its column */
	uint64_t at;
	int col, width, l;
	assert_true(vtgrid_search(g, "LINE 19999", vtgrid_lines_pushed(g) + 4, -1, &at, &col, &width));
	assert_true(vtgrid_line_of(g, at, &l));
	assert_int_equal(l, -4996);
	assert_int_equal(col, 0);
	assert_int_equal(width, 10);
	assert_false(vtgrid_search(g, "line 100 ", vtgrid_lines_pushed(g) + 4, -1, &at, &col, &width));

	/* shrinking the scrollback keeps the newest lines */
	vtgrid_set_scrollback(g, 3);
	assert_int_equal(vtgrid_scrollback_count(g), 3);
	strbuf_reset(&sb);
	vtgrid_line_text(g, -3, &sb, NULL);
	assert_string_equal(strbuf_str(&sb), "line 24992");
	strbuf_free(&sb);
	vtgrid_free(g);
}

static void test_resize(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(4, 10, 100, NULL, NULL);
	int row, col;
	bool vis;

	FEED(g, "a\r\nb\r\nc\r\nd");
	/* shrinking with the cursor at the bottom pushes the top into the scrollback */
	vtgrid_resize(g, 2, 5);
	const char *t1[] = { "c", "d" };
	expect_screen(g, t1);
	assert_int_equal(vtgrid_scrollback_count(g), 2);
	vtgrid_cursor(g, &row, &col, &vis);
	assert_int_equal(row, 1);
	/* growing brings them back */
	vtgrid_resize(g, 5, 12);
	const char *t2[] = { "a", "b", "c", "d", "" };
	expect_screen(g, t2);
	assert_int_equal(vtgrid_scrollback_count(g), 0);
	vtgrid_cursor(g, &row, &col, &vis);
	assert_int_equal(row, 3);
	FEED(g, "0123456789AB");
	const char *t3[] = { "a", "b", "c", "d0123456789A", "B" };
	expect_screen(g, t3);
	vtgrid_free(g);
}

static void test_marks(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(3, 10, 100, NULL, NULL);
	uint64_t m;

	FEED(g, "\033]133;A\007$ one\r\nout\r\n");
	FEED(g, "\033]133;A\007$ two\r\nout\r\nout\r\n");
	assert_true(vtgrid_mark_find(g, vtgrid_lines_pushed(g) + 2, -1, &m));
	int l;
	assert_true(vtgrid_line_of(g, m, &l));
	struct strbuf sb = STRBUF_INIT;
	vtgrid_line_text(g, l, &sb, NULL);
	assert_string_equal(strbuf_str(&sb), "$ two");
	uint64_t m2;
	assert_true(vtgrid_mark_find(g, m, -1, &m2));
	assert_int_equal((int)m2, 0);
	assert_false(vtgrid_mark_find(g, m2, -1, &m));
	strbuf_free(&sb);
	vtgrid_free(g);
}

static void collect(void *data, const char *buf, size_t n)
{
	strbuf_add(data, buf, n);
}

static void test_keyboard_and_replies(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	struct vtgrid *g = vtgrid_new(3, 10, 100, collect, &out);

	vtgrid_key(g, VTERM_KEY_UP, VTERM_MOD_NONE);
	vtgrid_key(g, VTERM_KEY_UP, VTERM_MOD_CTRL);
	vtgrid_key_char(g, 'x', VTERM_MOD_ALT);
	vtgrid_key(g, VTERM_KEY_FUNCTION(5), VTERM_MOD_NONE);
	assert_string_equal(strbuf_str(&out), "\033[A\033[1;5A\033x\033[15~");
	/* application cursor keys (DECCKM) */
	strbuf_reset(&out);
	FEED(g, "\033[?1h");
	vtgrid_key(g, VTERM_KEY_UP, VTERM_MOD_NONE);
	assert_string_equal(strbuf_str(&out), "\033OA");
	/* a soft reset (the shell restarted) drops the modes, keeps the text */
	FEED(g, "kept");
	vtgrid_soft_reset(g);
	strbuf_reset(&out);
	vtgrid_key(g, VTERM_KEY_UP, VTERM_MOD_NONE);
	assert_string_equal(strbuf_str(&out), "\033[A");
	struct strbuf line = STRBUF_INIT;
	vtgrid_line_text(g, 0, &line, NULL);
	assert_string_equal(strbuf_str(&line), "kept");
	strbuf_free(&line);
	FEED(g, "\033[?1h");
	/* paste: bracketed only after the program asks */
	strbuf_reset(&out);
	vtgrid_paste(g, "ls", 2);
	assert_string_equal(strbuf_str(&out), "ls");
	strbuf_reset(&out);
	FEED(g, "\033[?2004h");
	vtgrid_paste(g, "ls", 2);
	assert_string_equal(strbuf_str(&out), "\033[200~ls\033[201~");
	/* device status report answers the cursor position */
	strbuf_reset(&out);
	FEED(g, "\033[2;3H\033[6n");
	assert_string_equal(strbuf_str(&out), "\033[2;3R");
	strbuf_free(&out);
	vtgrid_free(g);
}

static void test_rep_and_split_sequences(void **state)
{
	(void)state;
	struct vtgrid *g = vtgrid_new(3, 10, 10, NULL, NULL);

	/* REP with nothing to repeat, or after a zero-width glyph, is ignored
	 * (libvterm 0.1.4 loops forever on it) */
	FEED(g, "\033[b\xe2\x80\x8b\033[5b");
	/* REP repeats the last glyph, never past the end of the line */
	FEED(g, "\r\nab\033[3b\r\nxy\033[99b");
	const char *t1[] = { "", "abbbb", "xyyyyyyyyy" };
	expect_screen(g, t1);
	/* sequences split across chunks, one byte at a time */
	const char *seq = "\033[1;1H\033[1;32mG\033[0m\033[2;1H\033[K\033[3b";
	for (size_t i = 0; seq[i]; i++)
		vtgrid_feed(g, seq + i, 1);
	const char *t2[] = { "G", "GGG", "xyyyyyyyyy" };  /* REP repeats G, wherever the cursor is */
	expect_screen(g, t2);
	assert_int_equal(vtgrid_line(g, 0)->cells[0].fg, VTATTR_BOLD | VTCOLOR_MAKE(VTCOLOR_INDEX, 2));
	/* a control character inside a CSI acts in place */
	FEED(g, "\033[3;1H\033[\r2K");
	const char *t3[] = { "G", "GGG", "" };
	expect_screen(g, t3);
	vtgrid_free(g);

	/* more intermediates than rwb holds before '[' still make a CSI for
	 * libvterm; a REP there with nothing to repeat once hung it (found by
	 * the long fuzz run), so the whole overlong sequence is dropped */
	g = vtgrid_new(3, 10, 10, NULL, NULL);
	FEED(g, "\033$$$$$$$$$$$$$$$$$$$$[2147483647b");
	FEED(g, "\033$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$[9999b");
	FEED(g, "\033((((((((((((((((B" "ok");
	const char *t4[] = { "ok", "", "" };
	expect_screen(g, t4);
	vtgrid_free(g);

	/* ESC ESC [ b: the first ESC is cancelled, not handed to libvterm
	 * alone (which left libvterm in an escape while rwb was not, and a
	 * later "[b" hung it; found by a fuzz run) */
	g = vtgrid_new(3, 10, 10, NULL, NULL);
	{
		static const char hang[] = "\x0e\r\xcc\x81\033\000\033[b\x81\r\xcc[b";
		vtgrid_feed(g, hang, sizeof(hang) - 1);
	}
	FEED(g, "\x0f\033\033[2J\033[1;1Hab\033\033\033[2;1Hcd");
	const char *t5[] = { "ab", "cd", "" };
	expect_screen(g, t5);
	vtgrid_free(g);

	/* a string terminator reaches libvterm whole (ESC and '\\' in one
	 * write): libvterm 0.1.4 read past the buffer when they came apart
	 * (found by a fuzz run; the ASan build of this test catches it),
	 * even when the program's output splits them */
	g = vtgrid_new(3, 10, 10, NULL, NULL);
	{
		static const char osc[] = "\033]\033\\";
		char *heap = malloc(sizeof(osc) - 1);
		memcpy(heap, osc, sizeof(osc) - 1);
		vtgrid_feed(g, heap, sizeof(osc) - 1);
		free(heap);
	}
	/* the terminator split across two feeds still ends the string: the
	 * text after it is drawn, not swallowed */
	FEED(g, "\033]0;split title\033");
	FEED(g, "\\after");
	const char *t6[] = { "after", "", "" };
	expect_screen(g, t6);
	vtgrid_free(g);

	/* a resize puts the scroll region back to the whole screen and keeps
	 * the cursor: libvterm 0.1.4 kept a region that no longer fit (rows
	 * 4-6 on a 2-row screen) and moved memory by a negative size (found
	 * by a fuzz run; the ASan build of this test catches it) */
	g = vtgrid_new(6, 11, 2, NULL, NULL);
	FEED(g, "\033[?1049h\033[4;6r\033[6;3H");
	vtgrid_resize(g, 2, 5);
	{
		int r, c;
		bool vis;
		vtgrid_cursor(g, &r, &c, &vis);
		assert_int_equal(r, 1);
		assert_int_equal(c, 2);
	}
	FEED(g, "\xc2\xc2xyz\n\n\xc2\xc2");
	vtgrid_resize(g, 1, 3);
	FEED(g, "\xc2\xc2\r\n\033[Mab\033[L");
	vtgrid_free(g);
}

/* A cursor saved before the screen shrank and restored after it: libvterm
 * 0.1.4 does not clamp the saved cursor, so it reported row 5 on a 2-row
 * screen, and the next resize went by that row and read past its row list
 * (found by a fuzz run after ESC[?1049h; the ASan build of this test
 * catches it). */
static void test_resize_restored_cursor(void **state)
{
	(void)state;
	int r, c;
	bool vis;
	/* DECSC / DECRC */
	struct vtgrid *g = vtgrid_new(6, 10, 2, NULL, NULL);

	FEED(g, "\033[6;3H\0337");
	vtgrid_resize(g, 2, 10);
	FEED(g, "\0338");
	vtgrid_cursor(g, &r, &c, &vis);
	assert_int_equal(r, 1);
	assert_int_equal(c, 2);
	vtgrid_resize(g, 1, 10);
	FEED(g, "x");
	const char *t1[] = { "  x" };
	expect_screen(g, t1);
	vtgrid_free(g);

	/* the alternate screen saves the cursor on the way in and restores it
	 * on the way out */
	g = vtgrid_new(6, 10, 2, NULL, NULL);
	FEED(g, "\033[6;4H\033[?1049h");
	vtgrid_resize(g, 2, 3);
	FEED(g, "\033[?1049l");
	vtgrid_resize(g, 1, 3);
	vtgrid_cursor(g, &r, &c, &vis);
	assert_int_equal(r, 0);
	assert_int_equal(c, 2);
	FEED(g, "\033[?1049h\0338y");
	vtgrid_resize(g, 3, 2);
	vtgrid_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sgr),
		cmocka_unit_test(test_wide_and_combining),
		cmocka_unit_test(test_scroll_region_and_lines),
		cmocka_unit_test(test_altscreen),
		cmocka_unit_test(test_title_bell_cursor),
		cmocka_unit_test(test_scrollback_wrap),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_keyboard_and_replies),
		cmocka_unit_test(test_rep_and_split_sequences),
		cmocka_unit_test(test_resize_restored_cursor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
