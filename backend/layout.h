/*
 * layout.h - where the four panes and the status bar go for a screen size.
 *
 * Pure arithmetic (no curses) so it can be unit-tested at any size:
 *   - the status bar is the last row;
 *   - the command pane spans the bottom, above the status bar;
 *   - above it, the terminal pane on the left, and git over browser on the
 *     right (80 to 159 columns), or terminal | git | browser side by side
 *     (160 columns and more);
 *   - below 60x16 only the focused pane is shown (compact), as in zoom.
 * Rectangles never overlap and always lie inside the screen; a pane that
 * does not fit has h = w = 0.
 */
#ifndef RWB_LAYOUT_H
#define RWB_LAYOUT_H

#include <stdbool.h>

enum { LAYOUT_COMMAND, LAYOUT_TERMINAL, LAYOUT_GIT, LAYOUT_BROWSER, LAYOUT_PANES };

struct layout_rect {
	int y, x, h, w;
};

struct layout {
	struct layout_rect pane[LAYOUT_PANES];
	int status_row;     /* -1 when the screen has no room for it */
	bool compact;       /* only the focused pane is shown */
};

void layout_compute(struct layout *out, int cols, int rows, bool zoom, int focus);

#endif
