/*
 * pane.h - the pane object: one of the app's four tiled views and the state
 * every pane shares.
 *
 * Each pane struct embeds struct pane as its first member, so a pane's
 * view slots (view.h) get the pane's own struct as self. The app owns the
 * frame (border and title) and the body window inside it; a pane draws
 * only into the window its draw slot is given (p->body).
 *
 * Never: keep a frame or body window across calls (the app re-creates them
 * on every layout change).
 */
#ifndef RWB_PANE_H
#define RWB_PANE_H

#include "view.h"

struct pane {
	const struct view_ops *ops;  /* static table */
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
