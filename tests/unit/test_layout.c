/*
 * test_layout.c - pane rectangles at every size from 1x1 to 500x200: inside
 * the screen, never overlapping, the command pane at the bottom, and the
 * four panes all visible at 80x24, 120x40 and 250x70.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "layout.h"

static bool overlap(struct layout_rect a, struct layout_rect b)
{
	if (!a.h || !b.h)
		return false;
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void check(int cols, int rows, bool zoom, int focus)
{
	struct layout l;
	layout_compute(&l, cols, rows, zoom, focus);
	for (int i = 0; i < LAYOUT_PANES; i++) {
		struct layout_rect r = l.pane[i];
		if (!r.h)
			continue;
		assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= cols && r.y + r.h <= rows);
		if (l.status_row >= 0)
			assert_true(r.y + r.h <= l.status_row);
		for (int j = i + 1; j < LAYOUT_PANES; j++)
			assert_false(overlap(r, l.pane[j]));
	}
	/* the focused pane is always shown */
	if (cols >= 1 && rows >= 2)
		assert_true(l.pane[focus].h > 0);
}

static void test_all_sizes(void **state)
{
	(void)state;
	for (int cols = 1; cols <= 500; cols += (cols < 100 ? 1 : 7))
		for (int rows = 1; rows <= 200; rows += (rows < 40 ? 1 : 9))
			for (int f = 0; f < LAYOUT_PANES; f++) {
				check(cols, rows, false, f);
				check(cols, rows, true, f);
			}
}

static void test_standard_sizes(void **state)
{
	static const int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 250, 70 }, { 300, 90 } };
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct layout l;
		int cols = sizes[i][0], rows = sizes[i][1];
		layout_compute(&l, cols, rows, false, LAYOUT_COMMAND);
		assert_false(l.compact);
		assert_int_equal(l.status_row, rows - 1);
		for (int p = 0; p < LAYOUT_PANES; p++)
			assert_true(l.pane[p].h >= 5 && l.pane[p].w >= 20);
		/* command pane spans the bottom, right above the status bar */
		assert_int_equal(l.pane[LAYOUT_COMMAND].w, cols);
		assert_int_equal(l.pane[LAYOUT_COMMAND].y + l.pane[LAYOUT_COMMAND].h, rows - 1);
		/* terminal on the left, top */
		assert_int_equal(l.pane[LAYOUT_TERMINAL].x, 0);
		assert_int_equal(l.pane[LAYOUT_TERMINAL].y, 0);
		/* the upper panes fill the width */
		int right = l.pane[LAYOUT_GIT].x + l.pane[LAYOUT_GIT].w;
		int right2 = l.pane[LAYOUT_BROWSER].x + l.pane[LAYOUT_BROWSER].w;
		assert_int_equal(right > right2 ? right : right2, cols);
	}
	/* wide screens put the three upper panes side by side */
	struct layout l;
	layout_compute(&l, 250, 70, false, 0);
	assert_int_equal(l.pane[LAYOUT_GIT].y, 0);
	assert_int_equal(l.pane[LAYOUT_BROWSER].y, 0);
	layout_compute(&l, 80, 24, false, 0);
	assert_true(l.pane[LAYOUT_BROWSER].y > 0);
}

static void test_zoom_and_compact(void **state)
{
	struct layout l;
	(void)state;
	layout_compute(&l, 120, 40, true, LAYOUT_GIT);
	assert_int_equal(l.pane[LAYOUT_GIT].w, 120);
	assert_int_equal(l.pane[LAYOUT_GIT].h, 39);
	assert_int_equal(l.pane[LAYOUT_TERMINAL].h, 0);
	layout_compute(&l, 20, 5, false, LAYOUT_BROWSER);
	assert_true(l.compact);
	assert_int_equal(l.pane[LAYOUT_BROWSER].h, 4);
	layout_compute(&l, 0, 0, false, 0);
	assert_int_equal(l.status_row, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_sizes),
		cmocka_unit_test(test_standard_sizes),
		cmocka_unit_test(test_zoom_and_compact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
