/*
 * browser.c - the browser pane: a strip of tabs in its border and the
 * active tab drawn in its body (see browser.h).
 *
 * The pane and its tabs are views of one protocol (view.h), so the pane's
 * draw, key and cursor slots pass their arguments on to the active tab's
 * slot of the same name.
 *
 * Keys: [ and ] or Left/Right switch tabs, 1-4 pick one; everything else
 * goes to the active tab first.
 *
 * Never: draw a tab that is not the active one.
 */
#define _POSIX_C_SOURCE 200809L
#include "browser.h"
#include "keys.h"
#include "app.h"
#include "draw.h"
#include "strbuf.h"
#include "theme.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct view_ops *const tab_table[] = {
	&tab_memory_ops, &tab_metrics_ops, &tab_audit_ops, &tab_tasks_ops,
};
#define NTABS ((int)(sizeof(tab_table) / sizeof(tab_table[0])))

struct browser_pane {
	struct pane base;
	void *state[NTABS];      /* owned by each tab's create/destroy */
	int active;
	struct strbuf strip;     /* the border text */
};

static struct browser_pane *bp_of(struct pane *p)
{
	return (struct browser_pane *)p;
}

static void browser_draw(void *self, WINDOW *win, int rows, int cols, bool focused)
{
	struct browser_pane *b = self;
	const struct view_ops *t = tab_table[b->active];

	draw_clear(win);
	if (t->draw)
		t->draw(b->state[b->active], win, rows, cols, focused);
}

static const char *browser_border_right(void *self)
{
	struct browser_pane *b = self;

	strbuf_reset(&b->strip);
	for (int i = 0; i < NTABS; i++) {
		if (i)
			strbuf_addc(&b->strip, ' ');
		strbuf_addf(&b->strip, i == b->active ? "[%s]" : "%s", tab_table[i]->name);
	}
	return strbuf_str(&b->strip);
}

static void switch_tab(struct browser_pane *b, int to)
{
	b->active = (to + NTABS) % NTABS;
	if (tab_table[b->active]->reload)
		tab_table[b->active]->reload(b->state[b->active]);
	b->base.damaged = true;
	/* the tab strip lives in the frame */
}

static int k_tab(void *self, const struct key *k)
{
	struct browser_pane *b = self;
	int id = keys_id(k);

	if (id == ']' || id == KB_C(KEY_RIGHT))
		switch_tab(b, b->active + 1);
	else if (id == '[' || id == KB_C(KEY_LEFT))
		switch_tab(b, b->active - 1);
	else if (id >= '1' && id < '1' + NTABS)
		switch_tab(b, id - '1');
	else
		return PANE_IGNORED;
	return PANE_HANDLED | PANE_REDRAW;
}

static const struct keybind browser_binds[] = {
	{ .keys = { ']', KB_C(KEY_RIGHT) }, .label = "] / Right", .help = "next tab", .run = k_tab },
	{ .keys = { '[', KB_C(KEY_LEFT) }, .label = "[ / Left", .help = "previous tab", .run = k_tab },
	{ .keys = { '1', '2', '3', '4' }, .label = "1-4", .help = "that tab (Memory, Metrics, Audit, Tasks)",
	  .run = k_tab },
};
const struct keymap browser_keys = KEYMAP("Browser pane (when the tab does not use the key)", browser_binds);

static int browser_key(void *self, const struct key *k)
{
	struct browser_pane *b = self;
	const struct view_ops *t = tab_table[b->active];
	int r = t->key ? t->key(b->state[b->active], k) : PANE_IGNORED;

	if (r != PANE_IGNORED)
		return r;
	return keymap_dispatch(&browser_keys, b, k);
}

static void browser_reload(void *self)
{
	struct browser_pane *b = self;

	/* every tab reloads: the Tasks tab raises notices even when hidden */
	for (int i = 0; i < NTABS; i++)
		if (tab_table[i]->reload)
			tab_table[i]->reload(b->state[i]);
}

static bool browser_cursor(void *self, int *y, int *x)
{
	struct browser_pane *b = self;
	const struct view_ops *t = tab_table[b->active];

	return t->cursor ? t->cursor(b->state[b->active], y, x) : false;
}

static void browser_destroy(void *self)
{
	struct browser_pane *b = self;

	for (int i = 0; i < NTABS; i++)
		if (tab_table[i]->destroy)
			tab_table[i]->destroy(b->state[i]);
	strbuf_free(&b->strip);
	free(b);
}

static const struct view_ops browser_ops = {
	.name = "browser",
	.destroy = browser_destroy,
	.draw = browser_draw,
	.key = browser_key,
	.reload = browser_reload,
	.border_right = browser_border_right,
	.cursor = browser_cursor,
};

struct pane *pane_browser_new(struct app *a)
{
	struct browser_pane *b = xcalloc(1, sizeof(*b));

	b->base.ops = &browser_ops;
	b->base.app = a;
	b->base.title = "Browser";
	for (int i = 0; i < NTABS; i++) {
		b->state[i] = tab_table[i]->create ? tab_table[i]->create(a) : NULL;
		if (tab_table[i]->reload)
			tab_table[i]->reload(b->state[i]);
	}
	return &b->base;
}

bool pane_browser_show(struct pane *p, const char *tab_name)
{
	struct browser_pane *b = bp_of(p);

	for (int i = 0; i < NTABS; i++) {
		if (strcasecmp(tab_table[i]->name, tab_name) == 0) {
			switch_tab(b, i);
			return true;
		}
	}
	return false;
}

void *pane_browser_tab_state(struct pane *p, const char *tab_name)
{
	struct browser_pane *b = bp_of(p);

	for (int i = 0; i < NTABS; i++)
		if (strcasecmp(tab_table[i]->name, tab_name) == 0)
			return b->state[i];
	return NULL;
}
