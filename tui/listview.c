/*
 * listview.c - the cursor and window arithmetic of every list (listview.h).
 *
 * Every function leaves the cursor inside the list; the window is
 * settled (full, with the cursor in it) by listview_set_rows at each draw,
 * and kept above the list's end wherever the rows are known.
 *
 * Never: anything but arithmetic on the struct (no allocation, no I/O, no
 * curses), or cursor + delta where delta may be huge (it would overflow).
 */
#include "listview.h"

static long clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static long last_item(const struct listview *lv)
{
	return lv->count > 0 ? lv->count - 1 : 0;
}

/* The lowest the window goes: its last row on the list's last row. */
static long max_top(long total, int rows)
{
	return total > rows ? total - rows : 0;
}

void listview_set_count(struct listview *lv, long count)
{
	lv->count = count > 0 ? count : 0;
	lv->cursor = clamp(lv->cursor, 0, last_item(lv));
	if (lv->top < 0)
		lv->top = 0;
}

void listview_set_rows_at(struct listview *lv, int rows, const struct listview_at *at)
{
	long first = at->row - at->above, last = at->row + at->below;

	lv->rows = rows > 0 ? rows : 0;
	/* a list that shrank leaves no empty rows under its end */
	lv->top = clamp(lv->top, 0, max_top(at->total, lv->rows));
	if (!lv->rows)
		return;
	if (last >= lv->top + lv->rows)
		lv->top = last - lv->rows + 1;
	if (first < lv->top)
		lv->top = first;
	if (at->row >= lv->top + lv->rows)
		lv->top = at->row - lv->rows + 1;
	if (lv->top < 0)
		lv->top = 0;
}

void listview_set_rows(struct listview *lv, int rows)
{
	listview_set_rows_at(lv, rows, &(struct listview_at){ .row = lv->cursor, .total = lv->count });
}

void listview_move(struct listview *lv, long delta)
{
	long last = last_item(lv);

	/* no cursor + delta: G in a viewer moves LONG_MAX lines */
	if (delta > last - lv->cursor)
		lv->cursor = last;
	else if (delta < -lv->cursor)
		lv->cursor = 0;
	else
		lv->cursor += delta;
}

void listview_page(struct listview *lv, int dir)
{
	long page = lv->rows > 0 ? lv->rows : 1, step = dir < 0 ? -page : page;

	lv->top = clamp(lv->top + step, 0, max_top(lv->count, lv->rows));
	listview_move(lv, step);
}

void listview_home(struct listview *lv)
{
	lv->cursor = lv->top = 0;
}

void listview_end(struct listview *lv)
{
	lv->cursor = last_item(lv);
	lv->top = max_top(lv->count, lv->rows);
}

void listview_select(struct listview *lv, long i)
{
	lv->cursor = clamp(i, 0, last_item(lv));
}

void listview_select_at(struct listview *lv, long i, int row)
{
	listview_select(lv, i);
	lv->top = lv->cursor > row ? lv->cursor - row : 0;
}

void listview_scroll(struct listview *lv, long delta)
{
	long top = lv->top;

	/* the same care as listview_move: no top + delta */
	if (delta > max_top(lv->count, lv->rows) - top)
		top = max_top(lv->count, lv->rows);
	else if (delta < -top)
		top = 0;
	else
		top += delta;
	lv->top = top;
	if (lv->cursor < top)
		lv->cursor = top;
	if (lv->rows > 0 && lv->cursor >= top + lv->rows)
		lv->cursor = top + lv->rows - 1;
	lv->cursor = clamp(lv->cursor, 0, last_item(lv));
}
