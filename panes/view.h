/*
 * view.h - the view protocol: one set of slots for everything that draws
 * into a window and takes keys (tmux's struct window_mode).
 *
 * A view is a const struct view_ops of designated initializers and a state
 * pointer its slots get as self. The four panes (self: the pane's struct,
 * struct pane embedded first), the browser's tabs (self: what .create
 * returned) and the overlays (self: what their opener passed to
 * app_open_overlay) all use it. A NULL slot means "nothing to do": no
 * drawing, PANE_IGNORED for a key, no cursor, no border text. The host
 * (the app for panes and overlays, the browser pane for its tabs) owns the
 * window and calls the slots; it never draws inside a view.
 *
 * A key slot returns PANE_* bits (PANE_IGNORED lets the host's keymap have
 * the key; overlays may add OVERLAY_CLOSE, overlay.h).
 *
 * Never: call a slot without checking it for NULL, or give a view a window
 * it may keep (the host re-creates windows on every layout change).
 */
#ifndef RWB_VIEW_H
#define RWB_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

struct app;

enum pane_result {
	PANE_IGNORED = 0,
	PANE_HANDLED = 1 << 0,
	PANE_REDRAW = 1 << 1,
	PANE_QUIT = 1 << 2,
};

/* One key as get_wch() gave it, with Alt folded in. */
struct key {
	bool is_code;   /* ch is a KEY_* code (function keys, arrows) */
	bool alt;       /* ESC came first (Alt/Meta) */
	wint_t ch;      /* the character or the KEY_* code */
};

/* Key helpers */
#define KEY_CTRL(c) ((c) & 0x1f)
static inline bool key_is(const struct key *k, wint_t ch)
{
	return !k->is_code && !k->alt && k->ch == ch;
}
static inline bool key_is_code(const struct key *k, int code)
{
	return k->is_code && !k->alt && k->ch == (wint_t)code;
}

struct view_ops {
	const char *name;                 /* "git", "Memory" (a tab's strip label), "file" */
	/* Allocate the state, for a host that makes its views from a table (the
	 * browser's tabs); NULL when the view has a constructor of its own
	 * (pane_X_new, an overlay's opener). */
	void *(*create)(struct app *a);
	/* Release the state and everything it owns. */
	void (*destroy)(void *self);
	/* Draw into win (rows x cols, already cleared for tabs and overlays).
	 * focused: the view has the keyboard (the browser's for its tabs). */
	void (*draw)(void *self, WINDOW *win, int rows, int cols, bool focused);
	/* A key while the view has the keyboard: PANE_* bits. */
	int (*key)(void *self, const struct key *k);
	/* The view's window was re-created with this size. */
	void (*resize)(void *self, int rows, int cols);
	/* The keyboard moved to or away from the view. */
	void (*focus)(void *self, bool focused);
	/* The store changed (another rwb or this one wrote): read it again. */
	void (*reload)(void *self);
	/* Text for the right of the frame's top border (tabs, counts), or NULL. */
	const char *(*border_right)(void *self);
	/* Where the hardware cursor goes (window coordinates); false hides it. */
	bool (*cursor)(void *self, int *y, int *x);
	/* True: every key but the global ones goes to the view (the terminal). */
	bool wants_all_keys;
};

#endif
