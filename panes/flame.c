/*
 * flame.c - the interactive flame graph: an overlay over the panes that
 * opens when a command answers "view":"flame" with "folded": PATH.
 *
 * Layout is an icicle: the zoomed frame spans the first row, its callees
 * below it, each as wide as its share of the samples. Frames are blocks of
 * a theme role (reverse video, so they stay blocks without colour) with
 * the name inside when it fits; frames one or two columns wide are block
 * characters. The layout is computed from the tree at every draw, so a
 * resize just draws again.
 *
 * Keys: arrows or hjkl move between frames (up/k: caller, down/j: hottest
 * callee, left/right: siblings), Enter zooms into the selected frame,
 * Backspace or u zooms out, / searches (matching frames highlighted, n
 * jumps to the next), t toggles a table of functions sorted by self or
 * total (s switches), Esc or q closes. Names come from the profile file and
 * are drawn only through draw_text().
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "draw.h"
#include "error.h"
#include "keys.h"
#include "listview.h"
#include "overlay.h"
#include "perffold.h"
#include "strbuf.h"
#include "theme.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLAME_SEARCH_MAX 128

struct flame_view {
	struct perffold *fold;         /* owned */
	struct perffold_node *root;    /* owned: the whole tree */
	struct perffold_node *zoom;    /* borrowed: the frame spanning the top row */
	struct perffold_node *sel;     /* borrowed: the selected frame */
	struct perffold_func *funcs;   /* owned: the table's rows */
	size_t nfuncs;
	bool table;                    /* showing the table instead of the graph */
	bool sort_total;               /* table sorted by total instead of self */
	struct listview table_lv;      /* over funcs */
	bool searching;                /* typing a search */
	char search[FLAME_SEARCH_MAX]; /* the search ("" none) */
	size_t search_len;
	uint64_t match_samples;        /* samples under matching frames (outermost only) */
	char border[256];
};

static const enum rwb_color frame_roles[] = {
	RWB_COLOR_CHART, RWB_COLOR_DIFF_ADD, RWB_COLOR_NOTICE_WARNING,
	RWB_COLOR_SYN_TYPE, RWB_COLOR_SYN_STRING, RWB_COLOR_SYN_KEYWORD,
};

static unsigned name_hash(const char *s)
{
	unsigned h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static bool matches_name(const struct flame_view *v, const char *name)
{
	return v->search[0] && strstr(name, v->search) != NULL;
}

static bool matches(const struct flame_view *v, const struct perffold_node *n)
{
	return matches_name(v, n->name);
}

static uint64_t match_count(const struct flame_view *v, const struct perffold_node *n)
{
	uint64_t sum = 0;

	if (matches(v, n))
		return n->total;
	for (size_t i = 0; i < n->nkids; i++)
		sum += match_count(v, n->kids[i]);
	return sum;
}

static void draw_frame_at(struct flame_view *v, WINDOW *win, const struct perffold_node *n, int y, int x0,
			  int w)
{
	attr_t attr;
	bool sel = n == v->sel;

	if (sel)
		attr = theme_attr(RWB_COLOR_SELECTION) | A_BOLD;
	else if (matches(v, n))
		attr = theme_attr(RWB_COLOR_MATCH) | A_REVERSE | A_BOLD;
	else
		attr = theme_attr(frame_roles[name_hash(n->name) % (sizeof(frame_roles) / sizeof(frame_roles[0]))]) |
		       A_REVERSE;
	if (w <= 2) {
		attr_t block = sel ? attr : (attr & ~A_REVERSE);
		for (int i = 0; i < w; i++)
			draw_text(win, y, x0 + i, 1, sel ? " " : "\xe2\x96\x88", block);
		return;
	}
	draw_fill(win, y, x0, w - 1, attr);
	draw_text(win, y, x0, w - 1, n->name, attr);
}

/* Draws n over columns [x0, x1) at row y, then its callees below. */
static void draw_node(struct flame_view *v, WINDOW *win, const struct perffold_node *n, int y, int x0, int x1,
		      int rows)
{
	uint64_t cum = 0;

	if (y >= rows || x1 <= x0)
		return;
	draw_frame_at(v, win, n, y, x0, x1 - x0);
	if (n->total == 0)
		return;
	for (size_t i = 0; i < n->nkids; i++) {
		const struct perffold_node *k = n->kids[i];
		int a = x0 + (int)((double)cum * (x1 - x0) / (double)n->total);
		int b = x0 + (int)((double)(cum + k->total) * (x1 - x0) / (double)n->total);
		cum += k->total;
		draw_node(v, win, k, y + 1, a, b, rows);
	}
}

static int func_cmp_total(const void *a, const void *b)
{
	const struct perffold_func *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int func_cmp_self(const void *a, const void *b)
{
	const struct perffold_func *x = a, *y = b;

	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void draw_table(struct flame_view *v, WINDOW *win, int rows, int cols)
{
	char line[64];
	int list = rows - 2;

	snprintf(line, sizeof(line), "%8s %8s  function  (sorted by %s; s switches)", v->sort_total ? "self%" : "SELF%",
		 v->sort_total ? "TOTAL%" : "total%", v->sort_total ? "total" : "self");
	draw_text(win, 0, 1, cols - 1, line, theme_attr(RWB_COLOR_PANE_TITLE));
	listview_set_rows(&v->table_lv, list);
	for (int i = 0; i < list && v->table_lv.top + i < (long)v->nfuncs; i++) {
		const struct perffold_func *f = &v->funcs[v->table_lv.top + i];
		bool sel = v->table_lv.top + i == v->table_lv.cursor;
		attr_t attr = sel ? theme_attr(RWB_COLOR_SELECTION) : theme_attr(RWB_COLOR_DEFAULT);
		int x;
		if (sel)
			draw_fill(win, i + 1, 0, cols, attr);
		snprintf(line, sizeof(line), "%7.2f%% %7.2f%%  ", f->self_pct, f->total_pct);
		x = 1 + draw_text(win, i + 1, 1, cols - 1, line, sel ? attr : theme_attr(RWB_COLOR_SYN_NUMBER));
		draw_text(win, i + 1, x, cols - x, f->name,
			  sel ? attr : matches_name(v, f->name) ? theme_attr(RWB_COLOR_MATCH) : attr);
	}
}

static void flame_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct flame_view *v = state;
	struct strbuf status = STRBUF_INIT;

	(void)focused;  /* an open overlay has the keyboard */
	draw_clear(win);
	if (rows < 2 || cols < 4)
		return;
	if (v->table) {
		draw_table(v, win, rows, cols);
	} else {
		draw_node(v, win, v->zoom, 0, 0, cols, rows - 1);
	}
	/* the status line: the selected frame, or the search being typed */
	if (v->searching) {
		strbuf_addf(&status, "search: %s", v->search);
		draw_fill(win, rows - 1, 0, cols, theme_attr(RWB_COLOR_PROMPT));
		draw_text(win, rows - 1, 1, cols - 1, strbuf_str(&status), theme_attr(RWB_COLOR_PROMPT));
	} else {
		const struct perffold_node *n = v->sel;
		double all = v->root->total ? (double)v->root->total : 1;
		if (v->table && v->nfuncs)
			strbuf_addf(&status, "%zu functions", v->nfuncs);
		else
			strbuf_addf(&status, "%s  %" PRIu64 " samples  total %.2f%%  self %.2f%%", n->name, n->total,
				    100.0 * (double)n->total / all, 100.0 * (double)n->self / all);
		if (v->search[0])
			strbuf_addf(&status, "  |  \"%s\" matches %.2f%%", v->search, 100.0 * (double)v->match_samples / all);
		draw_fill(win, rows - 1, 0, cols, theme_attr(RWB_COLOR_STATUS_BAR));
		draw_text(win, rows - 1, 1, cols - 1, strbuf_str(&status), theme_attr(RWB_COLOR_STATUS_BAR));
	}
	strbuf_free(&status);
}

static bool in_subtree(const struct perffold_node *n, const struct perffold_node *top)
{
	for (; n; n = n->parent)
		if (n == top)
			return true;
	return false;
}

static const struct perffold_node *hottest_kid(const struct perffold_node *n)
{
	const struct perffold_node *best = NULL;

	for (size_t i = 0; i < n->nkids; i++)
		if (!best || n->kids[i]->total > best->total)
			best = n->kids[i];
	return best;
}

static void move_sibling(struct flame_view *v, int dir)
{
	struct perffold_node *p = v->sel->parent;

	if (!p || v->sel == v->zoom)
		return;
	for (size_t i = 0; i < p->nkids; i++) {
		if (p->kids[i] != v->sel)
			continue;
		if (dir < 0 && i > 0)
			v->sel = p->kids[i - 1];
		else if (dir > 0 && i + 1 < p->nkids)
			v->sel = p->kids[i + 1];
		return;
	}
}

/* Pre-order walk: the next frame after n that matches (wrapping). */
static struct perffold_node *next_in_order(struct perffold_node *n)
{
	if (n->nkids)
		return n->kids[0];
	while (n->parent) {
		struct perffold_node *p = n->parent;
		for (size_t i = 0; i + 1 < p->nkids; i++)
			if (p->kids[i] == n)
				return p->kids[i + 1];
		n = p;
	}
	return n;  /* the root: wrap */
}

static void next_match(struct flame_view *v)
{
	struct perffold_node *n = v->sel;

	if (!v->search[0])
		return;
	do {
		n = next_in_order(n);
		if (matches(v, n)) {
			if (!in_subtree(n, v->zoom))
				v->zoom = v->root;
			v->sel = n;
			return;
		}
	} while (n != v->sel);
}

static void sort_table(struct flame_view *v)
{
	qsort(v->funcs, v->nfuncs, sizeof(*v->funcs), v->sort_total ? func_cmp_total : func_cmp_self);
}

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* The search field (/) */

static int k_search_cancel(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	v->searching = false;
	v->search[0] = '\0';
	v->search_len = 0;
	v->match_samples = 0;
	return DONE;
}

static int k_search_done(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	v->searching = false;
	v->match_samples = match_count(v, v->root);
	if (!matches(v, v->sel))
		next_match(v);
	return DONE;
}

static int k_search_backspace(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	if (v->search_len)
		v->search[--v->search_len] = '\0';
	return DONE;
}

static const struct keybind search_binds[] = {
	{ .keys = { '\n', '\r', KB_C(KEY_ENTER) }, .label = "Enter", .help = "select the first match", .run = k_search_done },
	{ .keys = { 27, KB_C(KEY_EXIT) }, .label = "Esc/Exit", .help = "cancel the search", .run = k_search_cancel },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_search_backspace },
};
const struct keymap flame_search_keys = KEYMAP("Flame graph: the search (/)", search_binds);

static int search_key(struct flame_view *v, const struct key *k)
{
	if (keymap_dispatch(&flame_search_keys, v, k) == PANE_IGNORED && !k->is_code && !k->alt &&
	    k->ch >= 0x20 && k->ch < 0x7f && v->search_len + 1 < sizeof(v->search)) {
		v->search[v->search_len++] = (char)k->ch;
		v->search[v->search_len] = '\0';
	}
	if (v->searching)
		v->match_samples = match_count(v, v->root);
	return DONE;
}

/* Keys of both the graph and the table */

static int k_table(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	v->table = !v->table;
	return DONE;
}

static int k_search(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	v->searching = true;
	v->search[0] = '\0';
	v->search_len = 0;
	return DONE;
}

static int k_next(void *self, const struct key *k)
{
	(void)k;
	next_match(self);
	return DONE;
}

#define B_SEARCH(h) { .keys = { '/' }, .label = "/", .help = "search function names", .hint = (h), .run = k_search }
#define B_NEXT { .keys = { 'n' }, .label = "n", .help = "the next match", .run = k_next }

/* The table (t) */

static int k_table_move(void *self, const struct key *k)
{
	struct flame_view *v = self;

	keys_list_move(&v->table_lv, k);
	return DONE;
}

static int k_table_sort(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	v->sort_total = !v->sort_total;
	sort_table(v);
	listview_home(&v->table_lv);
	return DONE;
}

static int k_table_show(void *self, const struct key *k)
{
	struct flame_view *v = self;

	(void)k;
	if (!v->nfuncs)
		return PANE_IGNORED;
	/* show this function in the graph */
	snprintf(v->search, sizeof(v->search), "%s", v->funcs[v->table_lv.cursor].name);
	v->search_len = strlen(v->search);
	v->match_samples = match_count(v, v->root);
	v->table = false;
	v->zoom = v->root;
	if (!matches(v, v->sel))
		next_match(v);
	return DONE;
}

static const struct keybind table_binds[] = {
	{ .keys = { '\n', '\r', KB_C(KEY_ENTER) }, .label = "Enter", .help = "show the function in the graph",
	  .run = k_table_show },
	{ .keys = { 's' }, .label = "s", .help = "sort by self or by total time", .run = k_table_sort },
	{ .keys = { 't' }, .label = "t", .help = "back to the graph", .run = k_table },
	B_SEARCH(NULL), B_NEXT,
	{ .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .run = k_table_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page",
	  .run = k_table_move },
};
const struct keymap flame_table_keys = KEYMAP("Flame graph: the function table (t)", table_binds);

/* The graph */

static int k_graph(void *self, const struct key *k)
{
	struct flame_view *v = self;
	const struct perffold_node *kid;

	switch (keys_id(k)) {
	case 'k': case KB_C(KEY_UP):
		if (v->sel != v->zoom && v->sel->parent)
			v->sel = v->sel->parent;
		break;
	case 'j': case KB_C(KEY_DOWN):
		if ((kid = hottest_kid(v->sel)))
			v->sel = (struct perffold_node *)kid;
		break;
	case 'h': case KB_C(KEY_LEFT): move_sibling(v, -1); break;
	case 'l': case KB_C(KEY_RIGHT): move_sibling(v, 1); break;
	case '\n': case '\r': case KB_C(KEY_ENTER): v->zoom = v->sel; break;
	case '0': case KB_C(KEY_HOME): v->zoom = v->sel = v->root; break;
	default:  /* u, Backspace */
		if (v->zoom->parent)
			v->zoom = v->zoom->parent;
		break;
	}
	return DONE;
}

static const struct keybind graph_binds[] = {
	{ .keys = { '\n', '\r', KB_C(KEY_ENTER) }, .label = "Enter", .help = "zoom into the selected frame",
	  .hint = "zoom", .run = k_graph },
	{ .keys = { 'u', KB_C(KEY_BACKSPACE), 127, 8 }, .label = "u, Backspace/Ctrl-H", .help = "zoom out a level",
	  .hint = "out", .run = k_graph },
	B_SEARCH("search"),
	{ .keys = { 't' }, .label = "t", .help = "the function table", .hint = "table", .run = k_table },
	B_NEXT,
	{ .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, Down/Up",
	  .help = "the hottest callee / the caller", .run = k_graph },
	{ .keys = { 'h', 'l', KB_C(KEY_LEFT), KB_C(KEY_RIGHT) }, .label = "h/l, Left/Right",
	  .help = "the previous / next frame on the level", .run = k_graph },
	{ .keys = { '0', KB_C(KEY_HOME) }, .label = "0/Home", .help = "the whole graph again", .run = k_graph },
};
const struct keymap flame_keys = KEYMAP("Flame graph", graph_binds);

static int flame_key(void *state, const struct key *k)
{
	struct flame_view *v = state;

	if (v->searching)
		return search_key(v, k);
	return keymap_dispatch(v->table ? &flame_table_keys : &flame_keys, v, k);
}

static const char *flame_border_right(void *state)
{
	struct flame_view *v = state;

	if (v->zoom == v->root) {
		struct strbuf hint = STRBUF_INIT;
		keymap_hint(&hint, &flame_keys);
		snprintf(v->border, sizeof(v->border), "%" PRIu64 " samples  %s", v->root->total, strbuf_str(&hint));
		strbuf_free(&hint);
	} else {
		snprintf(v->border, sizeof(v->border), "%" PRIu64 " samples  zoomed: %.60s  u out", v->root->total,
			 v->zoom->name);
	}
	return v->border;
}

static bool flame_cursor(void *state, int *y, int *x)
{
	(void)state;
	(void)y;
	(void)x;
	return false;
}

static void flame_free(void *state)
{
	struct flame_view *v = state;

	if (!v)
		return;
	perffold_node_free(v->root);
	perffold_functions_free(v->funcs, v->nfuncs);
	perffold_free(v->fold);
	free(v);
}

static const struct view_ops flame_ops = {
	.name = "flame",
	.draw = flame_draw,
	.key = flame_key,
	.border_right = flame_border_right,
	.cursor = flame_cursor,
	.destroy = flame_free,
};

bool view_flame_open(struct app *a, const cJSON *result)
{
	const cJSON *folded = cJSON_GetObjectItemCaseSensitive(result, "folded");
	struct flame_view *v;
	char title[128];
	int rc;

	if (!cJSON_IsString(folded)) {
		app_notice(a, NOTICE_WARNING, "the flame view needs \"folded\": the path of a folded-stacks file");
		return false;
	}
	v = xcalloc(1, sizeof(*v));
	perffold_new(&v->fold);
	rc = perffold_read_folded(v->fold, folded->valuestring);
	if (rc != 0 || perffold_samples(v->fold) == 0) {
		app_notice(a, NOTICE_WARNING, "cannot show the flame graph of %s: %s", folded->valuestring,
			   rc ? rwb_last_error() : "it has no samples");
		flame_free(v);
		return false;
	}
	v->root = perffold_tree(v->fold, false);
	v->zoom = v->sel = v->root;
	/* start on the hottest path's first frame below the process */
	{
		const struct perffold_node *k = hottest_kid(v->root);
		if (k)
			v->sel = (struct perffold_node *)k;
	}
	perffold_functions(v->fold, &v->funcs, &v->nfuncs);
	listview_set_count(&v->table_lv, (long)v->nfuncs);
	snprintf(title, sizeof(title), "Flame graph");
	app_open_overlay(a, &flame_ops, v, title);
	return true;
}
