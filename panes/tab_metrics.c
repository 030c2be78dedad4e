/*
 * tab_metrics.c - the Metrics tab of the browser pane.
 *
 * Until its issue lands the tab says what it will hold.
 */
#include "browser.h"
#include "draw.h"
#include "theme.h"

static void metrics_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	(void)state;
	(void)focused;
	if (rows > 0)
		draw_text(win, 0, 1, cols - 1, "build, test and benchmark metrics over time (/metrics)", theme_attr(RWB_COLOR_DIM));
}

const struct browser_tab_ops tab_metrics_ops = {
	.name = "Metrics",
	.draw = metrics_draw,
};
