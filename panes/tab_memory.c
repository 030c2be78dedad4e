/*
 * tab_memory.c - the Memory tab of the browser pane.
 *
 * Until its issue lands the tab says what it will hold.
 */
#include "browser.h"
#include "draw.h"
#include "theme.h"

static void memory_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	(void)state;
	(void)focused;
	if (rows > 0)
		draw_text(win, 0, 1, cols - 1, "the pattern store: /memory-store adds entries, /memory-search finds them", theme_attr(RWB_COLOR_DIM));
}

const struct browser_tab_ops tab_memory_ops = {
	.name = "Memory",
	.draw = memory_draw,
};
