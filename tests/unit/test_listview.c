/*
 * test_listview.c - the one cursor-and-window routine every list uses
 * (tui/listview.h): line moves, pages that carry the window with the
 * cursor, the ends, a list that shrinks under the cursor, an empty list,
 * windows of 0 and 1 rows, a list shorter than its window, text scrolled
 * without a cursor, lists with headings and unfolded text, and what the
 * list keys mean (keys_list_move, keys_list_scroll). After every draw the
 * cursor is in the list and in the window, and the window is full.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>

#include "keys.h"
#include "listview.h"

/* A list of count items drawn in rows rows once. */
static struct listview drawn(long count, int rows)
{
	struct listview lv = { 0 };

	listview_set_count(&lv, count);
	listview_set_rows(&lv, rows);
	return lv;
}

/* What every draw must leave. */
static void check(const struct listview *lv)
{
	assert_true(lv->cursor >= 0);
	assert_true(lv->cursor < (lv->count > 0 ? lv->count : 1));
	assert_true(lv->top >= 0);
	if (lv->rows > 0 && lv->count > 0) {
		assert_true(lv->cursor >= lv->top);
		assert_true(lv->cursor < lv->top + lv->rows);
		/* no empty rows under the list's end while items are above the window */
		assert_true(lv->top <= (lv->count > lv->rows ? lv->count - lv->rows : 0));
	}
}

/* Does op, then draws again in the same rows. */
#define AFTER(lv, op) do { op; listview_set_rows(&(lv), (lv).rows); check(&(lv)); } while (0)

static void test_moves(void **state)
{
	struct listview lv = drawn(10, 4);

	(void)state;
	check(&lv);
	for (int i = 0; i < 3; i++)
		AFTER(lv, listview_move(&lv, 1));
	assert_int_equal(lv.cursor, 3);
	assert_int_equal(lv.top, 0);
	AFTER(lv, listview_move(&lv, 1));   /* the window follows one row */
	assert_int_equal(lv.cursor, 4);
	assert_int_equal(lv.top, 1);
	AFTER(lv, listview_move(&lv, 100)); /* stops at the last item */
	assert_int_equal(lv.cursor, 9);
	assert_int_equal(lv.top, 6);
	AFTER(lv, listview_move(&lv, -2));  /* up inside the window: it stays */
	assert_int_equal(lv.cursor, 7);
	assert_int_equal(lv.top, 6);
	AFTER(lv, listview_move(&lv, -100));
	assert_int_equal(lv.cursor, 0);
	assert_int_equal(lv.top, 0);
	/* no overflow at the extremes (G in a viewer moves LONG_MAX lines) */
	AFTER(lv, listview_move(&lv, LONG_MAX));
	assert_int_equal(lv.cursor, 9);
	AFTER(lv, listview_move(&lv, -LONG_MAX));
	assert_int_equal(lv.cursor, 0);
	AFTER(lv, listview_select(&lv, 6));
	assert_int_equal(lv.cursor, 6);
	AFTER(lv, listview_select(&lv, 60));
	assert_int_equal(lv.cursor, 9);
	AFTER(lv, listview_select(&lv, -1));
	assert_int_equal(lv.cursor, 0);
}

/* A page is the rows last drawn; the cursor keeps its row on the screen. */
static void test_pages(void **state)
{
	struct listview lv = drawn(100, 10);

	(void)state;
	AFTER(lv, listview_move(&lv, 3));
	AFTER(lv, listview_page(&lv, 1));
	assert_int_equal(lv.cursor, 13);
	assert_int_equal(lv.top, 10);
	AFTER(lv, listview_page(&lv, 1));
	assert_int_equal(lv.cursor, 23);
	assert_int_equal(lv.top, 20);
	AFTER(lv, listview_page(&lv, -1));
	assert_int_equal(lv.cursor, 13);
	assert_int_equal(lv.top, 10);
	/* at the end the window stops full and the cursor goes on to the last item */
	for (int i = 0; i < 20; i++)
		AFTER(lv, listview_page(&lv, 1));
	assert_int_equal(lv.cursor, 99);
	assert_int_equal(lv.top, 90);
	AFTER(lv, listview_page(&lv, -1));
	assert_int_equal(lv.cursor, 89);
	assert_int_equal(lv.top, 80);
	/* at the top, PgUp goes to the first item */
	for (int i = 0; i < 20; i++)
		AFTER(lv, listview_page(&lv, -1));
	assert_int_equal(lv.cursor, 0);
	assert_int_equal(lv.top, 0);
	/* a window of another height pages by its own rows */
	listview_set_rows(&lv, 7);
	AFTER(lv, listview_page(&lv, 1));
	assert_int_equal(lv.cursor, 7);
	assert_int_equal(lv.top, 7);
}

static void test_ends(void **state)
{
	struct listview lv = drawn(100, 10);

	(void)state;
	AFTER(lv, listview_end(&lv));
	assert_int_equal(lv.cursor, 99);
	assert_int_equal(lv.top, 90);
	AFTER(lv, listview_home(&lv));
	assert_int_equal(lv.cursor, 0);
	assert_int_equal(lv.top, 0);
}

/* A reload that leaves fewer items: the cursor stays on the list and the
 * window fills up again. */
static void test_shrink(void **state)
{
	struct listview lv = drawn(100, 10);

	(void)state;
	AFTER(lv, listview_select(&lv, 80));
	assert_int_equal(lv.top, 71);
	listview_set_count(&lv, 20);
	assert_int_equal(lv.cursor, 19);
	listview_set_rows(&lv, 10);
	check(&lv);
	assert_int_equal(lv.top, 10);
	listview_set_count(&lv, 5);
	assert_int_equal(lv.cursor, 4);
	listview_set_rows(&lv, 10);
	check(&lv);
	assert_int_equal(lv.top, 0);
	/* the cursor kept where the list still reaches */
	lv = drawn(50, 10);
	AFTER(lv, listview_select(&lv, 12));
	listview_set_count(&lv, 30);
	listview_set_rows(&lv, 10);
	assert_int_equal(lv.cursor, 12);
	check(&lv);
	listview_set_count(&lv, 0);
	assert_int_equal(lv.cursor, 0);
	listview_set_rows(&lv, 10);
	assert_int_equal(lv.top, 0);
}

static void test_empty(void **state)
{
	struct listview lv = drawn(0, 10);

	(void)state;
	check(&lv);
	AFTER(lv, listview_move(&lv, 1));
	AFTER(lv, listview_move(&lv, -1));
	AFTER(lv, listview_page(&lv, 1));
	AFTER(lv, listview_page(&lv, -1));
	AFTER(lv, listview_end(&lv));
	AFTER(lv, listview_home(&lv));
	AFTER(lv, listview_scroll(&lv, 3));
	AFTER(lv, listview_select(&lv, 4));
	AFTER(lv, listview_select_at(&lv, 4, 2));
	assert_int_equal(lv.cursor, 0);
	assert_int_equal(lv.top, 0);
	/* a zeroed listview is an empty list at the top */
	lv = (struct listview){ 0 };
	listview_page(&lv, 1);
	listview_set_rows(&lv, 5);
	check(&lv);
}

static void test_no_rows_and_one_row(void **state)
{
	struct listview lv = drawn(10, 0);

	(void)state;
	/* no rows drawn yet (or a window too small): a page is one item */
	listview_page(&lv, 1);
	assert_int_equal(lv.cursor, 1);
	listview_page(&lv, -1);
	assert_int_equal(lv.cursor, 0);
	listview_set_rows(&lv, -3);
	assert_int_equal(lv.rows, 0);
	check(&lv);
	/* one row: the cursor is the row shown */
	lv = drawn(10, 1);
	for (int i = 0; i < 12; i++) {
		AFTER(lv, listview_move(&lv, 1));
		assert_int_equal(lv.top, lv.cursor);
	}
	AFTER(lv, listview_page(&lv, -1));
	assert_int_equal(lv.cursor, 8);
	assert_int_equal(lv.top, 8);
	AFTER(lv, listview_home(&lv));
	assert_int_equal(lv.top, 0);
}

static void test_shorter_than_window(void **state)
{
	struct listview lv = drawn(3, 10);

	(void)state;
	AFTER(lv, listview_page(&lv, 1));
	assert_int_equal(lv.cursor, 2);
	assert_int_equal(lv.top, 0);
	AFTER(lv, listview_end(&lv));
	assert_int_equal(lv.top, 0);
	AFTER(lv, listview_scroll(&lv, 5));
	assert_int_equal(lv.top, 0);
	AFTER(lv, listview_page(&lv, -1));
	assert_int_equal(lv.cursor, 0);
}

/* Text without a cursor: the window moves, the unseen cursor stays in it. */
static void test_scroll(void **state)
{
	struct listview lv = drawn(50, 10);

	(void)state;
	AFTER(lv, listview_scroll(&lv, 1));
	assert_int_equal(lv.top, 1);
	assert_int_equal(lv.cursor, 1);
	AFTER(lv, listview_scroll(&lv, 100));
	assert_int_equal(lv.top, 40);
	AFTER(lv, listview_scroll(&lv, -3));
	assert_int_equal(lv.top, 37);
	AFTER(lv, listview_page(&lv, -1));
	assert_int_equal(lv.top, 27);
	AFTER(lv, listview_page(&lv, 1));
	AFTER(lv, listview_page(&lv, 1));
	assert_int_equal(lv.top, 40);
	AFTER(lv, listview_scroll(&lv, -LONG_MAX));
	assert_int_equal(lv.top, 0);
	AFTER(lv, listview_scroll(&lv, LONG_MAX));
	assert_int_equal(lv.top, 40);
	AFTER(lv, listview_home(&lv));
	assert_int_equal(lv.top, 0);
}

/* The viewer shows a line it jumps to a third of the way down. */
static void test_select_at(void **state)
{
	struct listview lv = drawn(300, 30);

	(void)state;
	AFTER(lv, listview_select_at(&lv, 249, 10));
	assert_int_equal(lv.cursor, 249);
	assert_int_equal(lv.top, 239);
	AFTER(lv, listview_select_at(&lv, 2, 10));
	assert_int_equal(lv.top, 0);
	/* near the end the window stays full */
	AFTER(lv, listview_select_at(&lv, 299, 10));
	assert_int_equal(lv.top, 270);
}

/* Items that are not one row each: a heading above, unfolded text below. */
static void test_rows_at(void **state)
{
	struct listview lv = { 0 };
	struct listview_at at;

	(void)state;
	listview_set_count(&lv, 5);
	/* coming up to an item under a heading shows the heading too */
	lv.top = 9;
	listview_select(&lv, 2);
	at = (struct listview_at){ .row = 6, .above = 1, .total = 20 };
	listview_set_rows_at(&lv, 4, &at);
	assert_int_equal(lv.top, 5);
	/* going down to an item with unfolded text shows the text as it fits */
	at = (struct listview_at){ .row = 10, .below = 2, .total = 20 };
	listview_set_rows_at(&lv, 4, &at);
	assert_int_equal(lv.top, 9);
	/* text longer than the window: the item's own row and heading win */
	at = (struct listview_at){ .row = 12, .above = 1, .below = 30, .total = 50 };
	listview_set_rows_at(&lv, 4, &at);
	assert_int_equal(lv.top, 11);
	/* one row: the item's own row, not its heading */
	listview_set_rows_at(&lv, 1, &at);
	assert_int_equal(lv.top, 12);
	/* a list that shrank leaves no empty rows at the end */
	lv.top = 40;
	at = (struct listview_at){ .row = 3, .total = 8 };
	listview_set_rows_at(&lv, 6, &at);
	assert_int_equal(lv.top, 2);
	assert_int_equal(lv.rows, 6);
}

/* Any sequence of keys, reloads and resizes leaves the cursor in the list
 * and in the window after the next draw. */
static void test_always_visible(void **state)
{
	struct listview lv = { 0 };

	(void)state;
	srand(7);
	for (int i = 0; i < 200000; i++) {
		switch (rand() % 10) {
		case 0: listview_move(&lv, rand() % 7 - 3); break;
		case 1: listview_page(&lv, rand() % 2 ? 1 : -1); break;
		case 2: listview_home(&lv); break;
		case 3: listview_end(&lv); break;
		case 4: listview_set_count(&lv, rand() % 4 ? rand() % 60 : 0); break;
		case 5: listview_scroll(&lv, rand() % 21 - 10); break;
		case 6: listview_select(&lv, rand() % 80 - 10); break;
		case 7: listview_select_at(&lv, rand() % 80, rand() % 12); break;
		default: break;
		}
		listview_set_rows(&lv, rand() % 8 ? lv.rows : rand() % 15);
		check(&lv);
	}
}

static struct key ch(int c)
{
	return (struct key){ .ch = (wint_t)c };
}

static struct key code(int c)
{
	return (struct key){ .is_code = true, .ch = (wint_t)c };
}

/* What j/k, PgDn/PgUp and g/G (and the pagers' other names) do. */
static void test_list_keys(void **state)
{
	struct listview lv = drawn(100, 10);
	struct key k;

	(void)state;
	k = ch('j');
	assert_true(keys_list_move(&lv, &k));
	assert_int_equal(lv.cursor, 1);
	k = code(KEY_DOWN);
	keys_list_move(&lv, &k);
	k = ch('k');
	keys_list_move(&lv, &k);
	assert_int_equal(lv.cursor, 1);
	k = code(KEY_NPAGE);
	keys_list_move(&lv, &k);
	assert_int_equal(lv.cursor, 11);
	for (const char *p = " \x04\x06"; *p; p++) {  /* Space, Ctrl-D, Ctrl-F */
		k = ch(*p);
		keys_list_move(&lv, &k);
	}
	assert_int_equal(lv.cursor, 41);
	for (const char *p = "b\x15\x02"; *p; p++) {  /* b, Ctrl-U, Ctrl-B */
		k = ch(*p);
		keys_list_move(&lv, &k);
	}
	assert_int_equal(lv.cursor, 11);
	k = ch('G');
	keys_list_move(&lv, &k);
	assert_int_equal(lv.cursor, 99);
	k = code(KEY_HOME);
	keys_list_move(&lv, &k);
	assert_int_equal(lv.cursor, 0);
	k = code(KEY_END);
	keys_list_move(&lv, &k);
	assert_int_equal(lv.cursor, 99);
	k = ch('g');
	keys_list_move(&lv, &k);
	assert_int_equal(lv.cursor, 0);
	/* any other key is the view's */
	k = ch('x');
	assert_false(keys_list_move(&lv, &k));
	k = (struct key){ .alt = true, .ch = 'j' };
	assert_false(keys_list_move(&lv, &k));
	assert_int_equal(lv.cursor, 0);
	/* in text, a line key moves the window */
	k = ch('j');
	assert_true(keys_list_scroll(&lv, &k));
	assert_int_equal(lv.top, 1);
	k = ch('x');
	assert_false(keys_list_scroll(&lv, &k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moves),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_no_rows_and_one_row),
		cmocka_unit_test(test_shorter_than_window),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_select_at),
		cmocka_unit_test(test_rows_at),
		cmocka_unit_test(test_always_visible),
		cmocka_unit_test(test_list_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
