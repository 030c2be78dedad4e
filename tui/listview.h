/*
 * listview.h - one cursor and one window for every list a view shows
 * (tig's view.c move_view/scroll_view, htop's Panel.c): the selected
 * item, the first row drawn, how many items there are and how many rows
 * the list had at its last draw.
 *
 * A view embeds a struct listview (zeroed: an empty list at the top),
 * tells it the count whenever its items change (listview_set_count clamps
 * the cursor, so a list that shrank on reload keeps a valid selection) and
 * the rows each time it draws (listview_set_rows: the window fills up again
 * and scrolls so the cursor is in view); it draws items top .. top+rows-1
 * and marks the cursor. Its keys call listview_move, _page, _home and _end
 * (keys_list_move() in keys.h gives j/k, PgDn/PgUp and g/G that meaning).
 *
 * A page is the rows last drawn, and PgDn/PgUp move the cursor and the
 * window a page together, so the cursor keeps its row on the screen; at
 * either end the cursor stops on the first or last item (as in tig and htop).
 * Text without a cursor (an explanation, a preview) is a list of its
 * lines moved with listview_scroll (the window moves; the cursor, unseen,
 * is kept inside it) and listview_page. A list whose items are not one row
 * each (headings, unfolded text) tells where the cursor's item is drawn
 * with listview_set_rows_at; top and rows then count rows, the rest items.
 *
 * Pure arithmetic on four numbers, unit-tested (tests/unit/test_listview.c).
 * Never: draw, include curses, know what the items are, or leave the
 * cursor outside 0 .. count-1 (0 when the list is empty) or, after
 * listview_set_rows, out of the window.
 */
#ifndef RWB_LISTVIEW_H
#define RWB_LISTVIEW_H

struct listview {
	long cursor;   /* the selected item: 0 .. count-1, 0 when the list is empty */
	long count;    /* items in the list (lines of a text) */
	long top;      /* first row drawn, >= 0; settled by listview_set_rows */
	int rows;      /* rows the list had at its last draw (0 before it): a page */
};

/* Where the cursor's item is drawn, for a list whose items are not one row
 * each. When the rows do not all fit, its own row wins, then those above. */
struct listview_at {
	long row;      /* the item's own row, counted from the list's first row */
	int above;     /* rows just before it to show with it (its heading) */
	int below;     /* rows just after it to show with it (its unfolded text) */
	long total;    /* rows of the whole list */
};

/* The list has count items now: the cursor is clamped into it. */
void listview_set_count(struct listview *lv, long count);
/* At a draw: the list has rows rows (one per item). The window fills up
 * again after the list shrank and scrolls so the cursor is in it. */
void listview_set_rows(struct listview *lv, int rows);
/* The same for a list whose items are not one row each: the cursor's item
 * is drawn at at->row, with at->above and at->below rows around it. */
void listview_set_rows_at(struct listview *lv, int rows, const struct listview_at *at);

/* Moves the cursor delta items (negative: up), stopping at the ends. */
void listview_move(struct listview *lv, long delta);
/* PgDn (dir > 0) or PgUp (dir < 0): the cursor and the window move a page,
 * the rows last drawn (one before the first draw). */
void listview_page(struct listview *lv, int dir);
/* The first item, at the top; the last item, at the bottom. */
void listview_home(struct listview *lv);
void listview_end(struct listview *lv);
/* The cursor on item i (clamped); the window follows at the next draw. */
void listview_select(struct listview *lv, long i);
/* The cursor on item i, drawn `row` rows below the top (as far as the list
 * allows): the viewer shows a line it jumps to a third of the way down. */
void listview_select_at(struct listview *lv, long i, int row);
/* Moves the window delta rows, stopping at the ends; the cursor is pulled
 * along when it would leave the window. */
void listview_scroll(struct listview *lv, long delta);

#endif
