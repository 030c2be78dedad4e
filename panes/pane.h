/*
 * pane.h - the pane object: an ops table and the state every pane shares.
 *
 * Each pane struct embeds struct pane as its first member and has one
 * const struct pane_ops with designated initializers; a NULL member means
 * the default (do nothing). The app owns the frame (border and title) and
 * the body window inside it; a pane draws only into p->body.
 *
 * Key handlers return a bitmask: PANE_HANDLED, PANE_REDRAW, PANE_QUIT, or
 * PANE_IGNORED to let the global keymap have the key.
 */
#ifndef RWB_PANE_H
#define RWB_PANE_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

struct app;
struct pane;

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

struct pane_ops {
	const char *name;                                 /* "git" */
	/* Draw the content into p->body (already sized). */
	void (*draw)(struct pane *p);
	/* Handle a key while focused; return PANE_* bits. */
	int (*key)(struct pane *p, const struct key *k);
	/* The body was re-created with a new size. */
	void (*resize)(struct pane *p);
	/* Focus moved to or away from the pane. */
	void (*focus)(struct pane *p, bool focused);
	/* Another process (or this one) changed the store. */
	void (*store_changed)(struct pane *p);
	/* Extra text for the right of the top border (tabs, counts); may be NULL. */
	const char *(*border_right)(struct pane *p);
	/* Where the hardware cursor goes when focused (body coordinates);
	 * false hides it. */
	bool (*cursor)(struct pane *p, int *y, int *x);
	/* Release everything the pane owns (not the struct pane base). */
	void (*free)(struct pane *p);
	/* True: every key but the global ones goes to the pane (terminal). */
	bool wants_all_keys;
};

struct pane {
	const struct pane_ops *ops;  /* static table */
	struct app *app;             /* borrowed back pointer */
	const char *title;           /* static: "Terminal" */
	WINDOW *frame;               /* owned by the app: border and title */
	WINDOW *body;                /* owned by the app: inside the border */
	int y, x, h, w;              /* frame rectangle on screen */
	bool visible;                /* laid out this frame (zoom hides others) */
	bool focused;
	bool damaged;                /* needs drawing before the next frame */
};

/* Marks the pane for drawing in the next frame. */
void pane_damage(struct pane *p);
/* Body size helpers (0 when hidden). */
int pane_rows(const struct pane *p);
int pane_cols(const struct pane *p);

#endif
