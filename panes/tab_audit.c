/*
 * tab_audit.c - the Audit tab of the browser pane.
 *
 * Until its issue lands the tab says what it will hold.
 */
#include "browser.h"
#include "draw.h"
#include "theme.h"

static void audit_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	(void)state;
	(void)focused;
	if (rows > 0)
		draw_text(win, 0, 1, cols - 1, "unsafe items and their reviews (/unsafe-audit, /audit-review)", theme_attr(RWB_COLOR_DIM));
}

const struct browser_tab_ops tab_audit_ops = {
	.name = "Audit",
	.draw = audit_draw,
};
