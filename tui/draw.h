/*
 * draw.h - drawing helpers every pane uses.
 *
 * Text handed to draw_text() is sanitized (control characters and escape
 * sequences shown, never sent) and clipped to a width in columns, wide
 * characters included. Nothing else in rwb writes outside text to a window.
 */
#ifndef RWB_DRAW_H
#define RWB_DRAW_H

#include <curses.h>
#include <stddef.h>
#include "rustlex.h"
#include "themefile.h"

/* Draws UTF-8 text at (y, x) using at most maxw columns; returns columns
 * used. Control characters appear as ^X / \xNN in the ESCAPED role. */
int draw_text(WINDOW *w, int y, int x, int maxw, const char *text, attr_t attr);
/* draw_text, but a name too long for maxw is shortened in the middle
 * with "…": a path keeps its first and last parts
 * ("rwb-starter/…/bounded-channels"), other names their start and end
 * ("clippy_warnings/clippy::…map_clone"). Show the whole name elsewhere. */
int draw_text_mid(WINDOW *w, int y, int x, int maxw, const char *text, attr_t attr);
/* draw_text over up to maxrows lines of maxw columns (a long name shown
 * whole); returns the lines used (at least 1). */
int draw_text_wrap(WINDOW *w, int y, int x, int maxw, int maxrows, const char *text, attr_t attr);
/* The same for a byte range. */
int draw_textn(WINDOW *w, int y, int x, int maxw, const char *text, size_t len, attr_t attr);
/* Fills n columns from (y, x) with spaces in attr. */
void draw_fill(WINDOW *w, int y, int x, int n, attr_t attr);
/* Clears the whole window to the DEFAULT role. */
void draw_clear(WINDOW *w);
/* A box around the window with title (and optional right-hand text) in the
 * top border; focused panes use the *_FOCUS roles and a heavier marker. */
void draw_frame(WINDOW *w, const char *title, const char *right, int focused);
/* The syntax role of a Rust token in line (len bytes): keywords, `unsafe`
 * on its own, types (capitalised names), macro calls (a name directly
 * followed by `!`, not `!=`), lifetimes, strings and chars, numbers,
 * comments; RWB_COLOR_DEFAULT for the rest. Every pane that shows Rust
 * colours it through this one function. */
enum rwb_color draw_rust_role(const struct rust_token *t, const char *line, size_t len);

#endif
