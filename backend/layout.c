/*
 * layout.c - pane rectangles for a screen size (see layout.h).
 */
#include "layout.h"

#include <string.h>

static struct layout_rect rect(int y, int x, int h, int w)
{
	struct layout_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };
	if (r.h == 0 || r.w == 0)
		r.h = r.w = 0;
	return r;
}

void layout_compute(struct layout *out, int cols, int rows, bool zoom, int focus)
{
	int usable, cmd_h, top_h;

	memset(out, 0, sizeof(*out));
	if (focus < 0 || focus >= LAYOUT_PANES)
		focus = LAYOUT_COMMAND;
	if (cols < 1 || rows < 1) {
		out->status_row = -1;
		out->compact = true;
		return;
	}
	out->status_row = rows >= 2 ? rows - 1 : -1;
	usable = rows >= 2 ? rows - 1 : rows;
	out->compact = cols < 60 || rows < 16;
	if (zoom || out->compact) {
		out->pane[focus] = rect(0, 0, usable, cols);
		return;
	}
	cmd_h = rows / 4;
	if (cmd_h < 7)
		cmd_h = 7;
	if (cmd_h > 16)
		cmd_h = 16;
	top_h = usable - cmd_h;
	out->pane[LAYOUT_COMMAND] = rect(top_h, 0, cmd_h, cols);
	if (cols >= 160) {
		int term_w = cols * 46 / 100, git_w = cols * 27 / 100;
		out->pane[LAYOUT_TERMINAL] = rect(0, 0, top_h, term_w);
		out->pane[LAYOUT_GIT] = rect(0, term_w, top_h, git_w);
		out->pane[LAYOUT_BROWSER] = rect(0, term_w + git_w, top_h, cols - term_w - git_w);
	} else {
		int term_w = cols / 2, git_h = top_h / 2;
		out->pane[LAYOUT_TERMINAL] = rect(0, 0, top_h, term_w);
		out->pane[LAYOUT_GIT] = rect(0, term_w, git_h, cols - term_w);
		out->pane[LAYOUT_BROWSER] = rect(git_h, term_w, top_h - git_h, cols - term_w);
	}
}
