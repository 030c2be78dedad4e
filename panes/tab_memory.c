/*
 * tab_memory.c - the Memory tab of the browser pane: browse and search the
 * pattern store.
 *
 * Layout: a search line on top; below it a tree of namespaces/projects
 * with counts (when the pane is wide enough), the list of entries (all
 * under the selected tree node, or the ranked results of the query), and
 * a preview of the selected entry with its code highlighted as Rust.
 * Enter opens an entry full width; h shows its history (Enter on a
 * version restores it); e edits it in $EDITOR as a job of the terminal
 * pane; d deletes and u undoes; y copies its code to the clipboard with
 * OSC 52 and w writes it to a file. Every key is in docs/memory.md.
 *
 * The search runs on each key in the loop's thread: memory_search over a
 * few thousand entries takes a millisecond or two, and p50 stays under
 * 25 ms at 100k entries (bench/memory.sh), below a key repeat.
 *
 * Never: draw entry text except through draw_text (it is sanitized), or
 * write OSC 52 unless the user pressed the key.
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "browser.h"
#include "keys.h"
#include "listview.h"
#include "cmdline.h"
#include "draw.h"
#include "error.h"
#include "memory.h"
#include "rustlex.h"
#include "strbuf.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAB_MAX_QUERY 256
#define TAB_BROWSE_MAX 5000  /* entries listed without a query */
#define TAB_SEARCH_LIMIT 200
#define TAB_TREE_W 26
#define TAB_TREE_MIN_COLS 100

enum view { VIEW_LIST, VIEW_ENTRY, VIEW_HISTORY };

/* One row of the list: an entry and what the search said about it. */
struct row {
	struct memory_entry *e;  /* borrowed from list or results */
	const char *snippet;     /* borrowed, or NULL when browsing */
	double score;
};

struct memory_tab {
	struct app *a;                 /* borrowed */
	enum view view;
	char query[TAB_MAX_QUERY];     /* the search field's text */
	size_t qlen;
	bool editing;                  /* keys go into the search field */
	bool tree_focus;               /* j/k move in the tree */
	struct memory_tree tree;       /* owned */
	struct listview tree_lv;       /* over "(all)" and the tree's nodes: node cursor - 1 */
	struct memory_list list;       /* owned: entries when browsing */
	struct memory_results results; /* owned: entries when searching */
	struct row *rows;              /* owned array over list or results */
	int nrows;
	struct listview lv;            /* over rows (in a search each row takes two lines) */
	int layer_filter;              /* 0 all, 1.. memory layer */
	char *category_filter;         /* owned or NULL */
	char *project_filter;          /* owned or NULL */
	char *search_error;            /* owned: a bad query's message */
	struct memory_list history;    /* owned: versions of the open entry */
	struct listview hist_lv;       /* over history */
	char *open_key;                /* owned: the entry shown in ENTRY/HISTORY */
	struct listview text;          /* over the previewed value's lines (scrolled, no cursor) */
	char *undo_key;                /* owned: the last deleted key */
	char *delete_key;              /* owned: the key a delete confirmation asks about */
	char *edit_file;               /* owned: the temp file of a running edit */
	char *edit_key;                /* owned */
	char *edit_original;           /* owned: the value before the edit */
};

static const char *const layer_names[] = { "all", "short_term", "mid_term", "long_term" };

static struct row *cur_row(struct memory_tab *t)
{
	return t->nrows ? &t->rows[t->lv.cursor] : NULL;
}

/* The tree node selected, -1 for everything. */
static int tree_node(const struct memory_tab *t)
{
	return (int)t->tree_lv.cursor - 1;
}

static void tab_rows_clear(struct memory_tab *t)
{
	memory_list_release(&t->list);
	memory_results_release(&t->results);
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}

static bool passes_filters(struct memory_tab *t, const struct memory_entry *e)
{
	if (t->layer_filter && strcmp(e->layer, layer_names[t->layer_filter]) != 0)
		return false;
	if (t->category_filter && strcmp(e->category, t->category_filter) != 0)
		return false;
	if (t->project_filter && strcmp(e->project, t->project_filter) != 0)
		return false;
	return true;
}

static char *tree_pattern(struct memory_tab *t)
{
	if (tree_node(t) < 0)
		return xstrdup("**");
	return xasprintf("%s/**", t->tree.v[tree_node(t)].name);
}

/* Rebuilds the rows from the store: browse or search. */
static void tab_refresh(struct memory_tab *t)
{
	struct store *s = app_store(t->a);
	char *keep = cur_row(t) ? xstrdup(cur_row(t)->e->key) : NULL;

	tab_rows_clear(t);
	free(t->search_error);
	t->search_error = NULL;
	memory_tree_release(&t->tree);
	memory_tree(s, &t->tree);
	listview_set_count(&t->tree_lv, t->tree.n + 1);
	if (t->qlen == 0) {
		char *pat = tree_pattern(t);
		memory_retrieve_max(s, &t->list, pat, false, TAB_BROWSE_MAX);
		free(pat);
		t->rows = xcalloc((size_t)t->list.n + 1, sizeof(*t->rows));
		for (int i = 0; i < t->list.n; i++)
			if (passes_filters(t, &t->list.v[i]))
				t->rows[t->nrows++] = (struct row){ &t->list.v[i], NULL, 0 };
	} else {
		struct strbuf q = STRBUF_INIT;
		strbuf_add(&q, t->query, t->qlen);
		if (tree_node(t) >= 0)
			strbuf_addf(&q, " key:%s/**", t->tree.v[tree_node(t)].name);
		struct memory_query mq = {
			.text = strbuf_str(&q), .mode = MEMORY_HYBRID, .limit = TAB_SEARCH_LIMIT,
			.layer = t->layer_filter ? layer_names[t->layer_filter] : NULL,
			.project = t->project_filter, .mark_open = "\x01", .mark_close = "\x02",
		};
		if (memory_search(s, &t->results, &mq) != 0)
			t->search_error = xstrdup(rwb_last_error());
		strbuf_free(&q);
		t->rows = xcalloc((size_t)t->results.n + 1, sizeof(*t->rows));
		for (int i = 0; i < t->results.n; i++)
			if (passes_filters(t, &t->results.v[i].e))
				t->rows[t->nrows++] = (struct row){ &t->results.v[i].e, t->results.v[i].snippet,
								    t->results.v[i].score };
	}
	listview_set_count(&t->lv, t->nrows);
	listview_select(&t->lv, 0);
	/* keep the selection on the same entry when browsing */
	for (int i = 0; keep && t->qlen == 0 && i < t->nrows; i++)
		if (strcmp(t->rows[i].e->key, keep) == 0)
			listview_select(&t->lv, i);
	free(keep);
}

static void tab_load_history(struct memory_tab *t)
{
	memory_list_release(&t->history);
	if (t->open_key)
		memory_history(app_store(t->a), &t->history, t->open_key);
	listview_set_count(&t->hist_lv, t->history.n);
}

/* ---- drawing ---- */

/* The code of an entry: its fenced ``` blocks, else the whole value. */
static char *entry_code(const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = value;
	bool any = false;

	while ((p = strstr(p, "```")) != NULL) {
		const char *body = strchr(p + 3, '\n'), *end;
		if (!body)
			break;
		body++;
		end = strstr(body, "```");
		if (!end)
			end = body + strlen(body);
		strbuf_add(&sb, body, (size_t)(end - body));
		any = true;
		p = *end ? end + 3 : end;
	}
	if (!any)
		strbuf_adds(&sb, value);
	return strbuf_detach(&sb);
}

/* Draws one line of code with Rust highlighting (plain without a lexer). */
static void draw_code_line(WINDOW *w, int y, int x, int width, const char *line, size_t len,
			   struct rustlex *lx)
{
	struct rust_token tok;
	int col = 0;

	rustlex_init_line(lx, line, len);
	while (col < width && rustlex_next(lx, &tok) && tok.kind != RUST_TOK_EOF) {
		attr_t at = theme_attr(draw_rust_role(&tok, line, len));
		col += draw_textn(w, y, x + col, width - col, line + tok.start, tok.len, at);
	}
}

/* Draws value from line `scroll`, fenced code highlighted; returns lines. */
static int draw_value(WINDOW *w, int y0, int x, int rows, int width, const char *value, int scroll)
{
	struct rustlex lx;
	const char *p = value;
	bool in_code = false;
	int line = 0, y = y0;

	rustlex_init(&lx, NULL, 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool fence = len >= 3 && memcmp(p, "```", 3) == 0;
		if (line >= scroll && y < y0 + rows) {
			if (fence)
				draw_textn(w, y, x, width, p, len, theme_attr(RWB_COLOR_DIM));
			else if (in_code)
				draw_code_line(w, y, x, width, p, len, &lx);
			else
				draw_textn(w, y, x, width, p, len, theme_attr(RWB_COLOR_DEFAULT));
			y++;
		} else if (in_code && !fence) {
			/* keep the lexer's state for lines scrolled past */
			struct rust_token tok;
			rustlex_init_line(&lx, p, len);
			while (rustlex_next(&lx, &tok) && tok.kind != RUST_TOK_EOF)
				;
		}
		if (fence) {
			in_code = !in_code;
			rustlex_init(&lx, NULL, 0);
		}
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return line;
}

/* A snippet with \x01..\x02 marks drawn in the MATCH role. */
static void draw_snippet(WINDOW *w, int y, int x, int width, const char *snip, attr_t base)
{
	int col = 0;
	bool mark = false;

	while (*snip && col < width) {
		size_t n = strcspn(snip, "\x01\x02");
		if (n)
			col += draw_textn(w, y, x + col, width - col, snip, n,
					  mark ? theme_attr(RWB_COLOR_MATCH) : base);
		snip += n;
		if (*snip == '\x01')
			mark = true;
		else if (*snip == '\x02')
			mark = false;
		if (*snip)
			snip++;
	}
}

static void draw_header(struct memory_tab *t, WINDOW *w, int cols, bool focused)
{
	struct strbuf sb = STRBUF_INIT;
	attr_t hint = theme_attr(RWB_COLOR_PROMPT_HINT);
	int col;

	col = draw_text(w, 0, 0, cols, "/", theme_attr(t->editing && focused ? RWB_COLOR_PROMPT : RWB_COLOR_DIM));
	if (t->qlen)
		col += draw_textn(w, 0, col + 1, cols - col - 1, t->query, t->qlen, theme_attr(RWB_COLOR_PROMPT)) + 1;
	else
		col += draw_text(w, 0, col + 1, cols - col - 1, t->editing ? "" : "search (type /)", hint) + 1;
	strbuf_addf(&sb, "  layer:%s", layer_names[t->layer_filter]);
	if (t->category_filter)
		strbuf_addf(&sb, " category:%s", t->category_filter);
	if (t->project_filter)
		strbuf_addf(&sb, " project:%s", t->project_filter);
	strbuf_addf(&sb, "  %d %s", t->nrows, t->qlen ? "results" : "entries");
	if (col + 2 < cols)
		draw_text(w, 0, col + 1, cols - col - 1, strbuf_str(&sb), theme_attr(RWB_COLOR_DIM));
	strbuf_free(&sb);
}

static void draw_tree(struct memory_tab *t, WINDOW *w, int y0, int rows, int width)
{
	int total = 0, y = y0;

	for (int i = 0; i < t->tree.n; i++)
		if (t->tree.v[i].depth == 0)
			total += t->tree.v[i].count;
	listview_set_rows(&t->tree_lv, rows);
	/* row 0 is "(all)", node -1 */
	for (int i = (int)t->tree_lv.top - 1; i < t->tree.n && y < y0 + rows; i++, y++) {
		char buf[64];
		const char *name;
		int count, depth;
		bool sel = i == tree_node(t);
		attr_t at = sel ? theme_attr(t->tree_focus ? RWB_COLOR_SELECTION : RWB_COLOR_SELECTION_DIM) :
				  theme_attr(RWB_COLOR_DEFAULT);
		if (i < 0) {
			name = "(all)";
			count = total;
			depth = 0;
		} else {
			const char *slash = strrchr(t->tree.v[i].name, '/');
			name = slash ? slash + 1 : t->tree.v[i].name;
			count = t->tree.v[i].count;
			depth = t->tree.v[i].depth;
		}
		if (sel)
			draw_fill(w, y, 0, width, at);
		draw_text(w, y, 1 + depth * 2, width - 8 - depth * 2, name, at);
		snprintf(buf, sizeof(buf), "%6d", count);
		draw_text(w, y, width - 7, 7, buf, sel ? at : theme_attr(RWB_COLOR_DIM));
	}
}

static void draw_list(struct memory_tab *t, WINDOW *w, int y0, int x, int rows, int width, bool focused)
{
	int per = t->qlen ? 2 : 1;

	listview_set_rows(&t->lv, rows / per);  /* top and rows count entries */
	if (t->search_error) {
		draw_text(w, y0, x, width, t->search_error, theme_attr(RWB_COLOR_RESULT_ERROR));
		return;
	}
	if (t->nrows == 0) {
		draw_text(w, y0, x + 1, width - 1, t->qlen ? "no results" :
			  "no entries: /memory-store --key NS/PROJECT/TYPE --value TEXT", theme_attr(RWB_COLOR_DIM));
		return;
	}
	for (int i = (int)t->lv.top, y = y0; i < t->nrows && y + per <= y0 + rows; i++, y += per) {
		struct row *r = &t->rows[i];
		bool sel = i == t->lv.cursor;
		attr_t at = sel ? theme_attr(focused && !t->tree_focus ? RWB_COLOR_SELECTION : RWB_COLOR_SELECTION_DIM) :
				  theme_attr(RWB_COLOR_DEFAULT);
		char meta[48];
		int mw;
		snprintf(meta, sizeof(meta), " %c v%d", r->e->layer[0] == 's' ? 'S' : r->e->layer[0] == 'm' ? 'M' : 'L',
			 r->e->version);
		mw = (int)strlen(meta);
		if (sel)
			draw_fill(w, y, x, width, at);
		draw_text_mid(w, y, x + 1, width - mw - 2, r->e->key, at);
		draw_text(w, y, x + width - mw, mw, meta, sel ? at : theme_attr(RWB_COLOR_DIM));
		if (per == 2 && r->snippet)
			draw_snippet(w, y + 1, x + 3, width - 4, r->snippet, theme_attr(RWB_COLOR_DIM));
	}
}

/* The entry's heading: its whole key (over up to three lines: the list
 * shortens it), then layer, version, category, project, tags. Returns the
 * lines used. */
static int draw_entry_head(WINDOW *w, int y, int x, int width, const struct memory_entry *e)
{
	char c[40], u[40], buf[256];
	int k;

	memory_iso_time(c, sizeof(c), e->created_at);
	memory_iso_time(u, sizeof(u), e->updated_at);
	k = draw_text_wrap(w, y, x, width, 3, e->key, theme_attr(RWB_COLOR_PANE_TITLE_FOCUS));
	snprintf(buf, sizeof(buf), "%s  v%d  %s%s%s%s  updated %.16s", e->layer, e->version,
		 *e->category ? "category " : "", e->category, *e->project ? "  project " : "", e->project, u);
	draw_text(w, y + k, x, width, buf, theme_attr(RWB_COLOR_DIM));
	if (*e->tags || *e->intent) {
		snprintf(buf, sizeof(buf), "%s%s%s%s", *e->tags ? "tags " : "", e->tags,
			 *e->intent ? "  intent " : "", e->intent);
		draw_text(w, y + k + 1, x, width, buf, theme_attr(RWB_COLOR_DIM));
	}
	return k + 2;
}

/* Lines draw_value() draws of value: a last newline ends a line, it starts none. */
static int value_lines(const char *value)
{
	int n = 0;
	const char *p = value;

	for (; *p; p++)
		n += *p == '\n';
	return p > value && p[-1] != '\n' ? n + 1 : n;
}

/* The entry's heading, then its value from the line text scrolled to. */
static void draw_preview(WINDOW *w, int y0, int x, int rows, int width, const struct memory_entry *e,
			 struct listview *text)
{
	int head;

	if (!e || rows < 6 || width < 8)
		return;
	head = draw_entry_head(w, y0, x, width, e) + 1;
	listview_set_count(text, value_lines(e->value));
	listview_set_rows(text, rows - head);
	draw_value(w, y0 + head, x, rows - head, width, e->value, (int)text->top);
}

/* A view's hint line, from its key table. */
static void draw_hint(WINDOW *win, int y, int cols, const struct keymap *m)
{
	struct strbuf hint = STRBUF_INIT;

	keymap_hint(&hint, m);
	draw_text(win, y, 0, cols, strbuf_str(&hint), theme_attr(RWB_COLOR_HELP_TEXT));
	strbuf_free(&hint);
}

static void memory_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct memory_tab *t = state;
	struct row *r = cur_row(t);
	int body = rows - 2, x = 0;

	if (rows < 3 || cols < 20) {
		draw_text(win, 0, 0, cols, "(too small)", theme_attr(RWB_COLOR_DIM));
		return;
	}
	draw_header(t, win, cols, focused);
	if (t->view == VIEW_ENTRY) {
		struct memory_entry *e = NULL;
		for (int i = 0; i < t->nrows && !e; i++)
			if (t->open_key && strcmp(t->rows[i].e->key, t->open_key) == 0)
				e = t->rows[i].e;
		if (!e) {
			draw_text(win, 2, 1, cols - 1, "the entry is gone (deleted or expired); q goes back",
				  theme_attr(RWB_COLOR_DIM));
		} else {
			draw_preview(win, 2, 1, body, cols - 2, e, &t->text);
		}
		draw_hint(win, rows - 1, cols, &tab_memory_entry_keys);
		return;
	}
	if (t->view == VIEW_HISTORY) {
		int lw = cols / 3 < 24 ? 24 : cols / 3, y = 2;
		if (lw > cols / 2)
			lw = cols / 2;
		draw_text(win, 1, 1, lw, "history", theme_attr(RWB_COLOR_PANE_TITLE));
		listview_set_rows(&t->hist_lv, body - 1);
		for (int i = (int)t->hist_lv.top; i < t->history.n && y < rows - 1; i++, y++) {
			struct memory_entry *e = &t->history.v[i];
			char when[40], buf[96];
			attr_t at = i == t->hist_lv.cursor ? theme_attr(RWB_COLOR_SELECTION) : theme_attr(RWB_COLOR_DEFAULT);
			memory_iso_time(when, sizeof(when), e->updated_at);
			snprintf(buf, sizeof(buf), "v%-3d %.10s %.5s%s%s", e->version, when, when + 11,
				 i == 0 ? " current" : "", e->deleted ? " deleted" : "");
			if (i == t->hist_lv.cursor)
				draw_fill(win, y, 0, lw, at);
			draw_text(win, y, 1, lw - 1, buf, at);
		}
		if (t->history.n)
			draw_preview(win, 1, lw + 2, body, cols - lw - 3, &t->history.v[t->hist_lv.cursor], &t->text);
		draw_hint(win, rows - 1, cols, &tab_memory_history_keys);
		return;
	}
	if (cols >= TAB_TREE_MIN_COLS) {
		draw_tree(t, win, 1, body, TAB_TREE_W);
		x = TAB_TREE_W + 1;
	}
	{
		int lw = (cols - x) * 45 / 100;
		draw_list(t, win, 1, x, body, lw, focused);
		if (r)
			draw_preview(win, 1, x + lw + 2, body, cols - x - lw - 3, r->e, &t->text);
	}
	draw_hint(win, rows - 1, cols, &tab_memory_list_keys);
}

static bool memory_cursor(void *state, int *y, int *x)
{
	struct memory_tab *t = state;

	if (!t->editing)
		return false;
	*y = 0;
	*x = 2 + (int)t->qlen;
	return true;
}

/* ---- actions ---- */

static void base64(struct strbuf *out, const unsigned char *s, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		strbuf_addc(out, tbl[v >> 18 & 63]);
		strbuf_addc(out, tbl[v >> 12 & 63]);
		strbuf_addc(out, i + 1 < n ? tbl[v >> 6 & 63] : '=');
		strbuf_addc(out, i + 2 < n ? tbl[v & 63] : '=');
	}
}

static struct memory_entry *open_entry(struct memory_tab *t)
{
	if (t->view == VIEW_HISTORY)
		return t->history.n ? &t->history.v[t->hist_lv.cursor] : NULL;
	if (t->view == VIEW_ENTRY) {
		for (int i = 0; i < t->nrows; i++)
			if (t->open_key && strcmp(t->rows[i].e->key, t->open_key) == 0)
				return t->rows[i].e;
		return NULL;
	}
	return cur_row(t) ? cur_row(t)->e : NULL;
}

static void yank_clipboard(struct memory_tab *t)
{
	struct memory_entry *e = open_entry(t);
	struct strbuf sb = STRBUF_INIT;
	char *code;
	ssize_t w;

	if (!e)
		return;
	code = entry_code(e->value);
	strbuf_adds(&sb, "\033]52;c;");
	base64(&sb, (const unsigned char *)code, strlen(code));
	strbuf_adds(&sb, "\a");
	/* straight to the outer terminal, on the user's key only */
	fflush(stdout);
	w = write(STDOUT_FILENO, sb.buf, sb.len);
	app_notice(t->a, w == (ssize_t)sb.len ? NOTICE_INFO : NOTICE_WARNING,
		   w == (ssize_t)sb.len ? "copied the code of %s to the clipboard (OSC 52, %zu bytes)" :
		   "could not write the clipboard sequence for %s (%zu bytes)", e->key, strlen(code));
	strbuf_free(&sb);
	free(code);
}

static void yank_file(struct memory_tab *t)
{
	struct memory_entry *e = open_entry(t);
	const char *base;
	char *code, *path, *name;
	int fd;

	if (!e)
		return;
	base = strrchr(e->key, '/');
	name = xstrdup(base ? base + 1 : e->key);
	for (char *c = name; *c; c++)
		if (*c == '/' || *c == ' ' || *c == '.')
			*c = '-';
	path = xasprintf("%s/%s.rs", app_repo(t->a), name);
	code = entry_code(e->value);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		app_notice(t->a, NOTICE_WARNING, "cannot write %s: %s (nothing overwritten)", path, strerror(errno));
	} else {
		size_t n = strlen(code);
		bool ok = write(fd, code, n) == (ssize_t)n;
		ok = close(fd) == 0 && ok;
		app_notice(t->a, ok ? NOTICE_INFO : NOTICE_WARNING, ok ? "wrote the code of %s to %s" :
			   "could not write all of %s to %s", e->key, path);
	}
	free(code);
	free(path);
	free(name);
}

static void delete_answer(struct app *a, bool yes, void *data)
{
	struct memory_tab *t = data;
	char *key = t->delete_key;

	(void)a;
	t->delete_key = NULL;
	if (!key)
		return;
	if (!yes) {
		app_notice(t->a, NOTICE_INFO, "kept %s", key);
		free(key);
		return;
	}
	if (memory_delete(app_store(t->a), key) == 0) {
		free(t->undo_key);
		t->undo_key = key;
		app_notice(t->a, NOTICE_INFO, "deleted %s; u undoes", key);
		t->view = VIEW_LIST;
		tab_refresh(t);
		app_store_touched(t->a);
	} else {
		app_notice(t->a, NOTICE_WARNING, "could not delete %s", key);
		free(key);
	}
}

/* d asks first (y deletes, anything else keeps it; u undoes a delete). */
static void delete_selected(struct memory_tab *t)
{
	struct memory_entry *e = open_entry(t);
	char q[600];

	if (!e || t->view == VIEW_HISTORY || t->delete_key)
		return;
	t->delete_key = xstrdup(e->key);
	snprintf(q, sizeof(q), "Delete memory entry %.400s? (u undoes it)", e->key);
	app_confirm(t->a, q, delete_answer, t);
}

static void undo_delete(struct memory_tab *t)
{
	if (!t->undo_key) {
		app_notice(t->a, NOTICE_INFO, "nothing to undo");
		return;
	}
	if (memory_undelete(app_store(t->a), t->undo_key) == 0)
		app_notice(t->a, NOTICE_INFO, "brought back %s", t->undo_key);
	else
		app_notice(t->a, NOTICE_WARNING, "could not bring back %s (purged?)", t->undo_key);
	free(t->undo_key);
	t->undo_key = NULL;
	tab_refresh(t);
	app_store_touched(t->a);
}

static void restore_selected(struct memory_tab *t)
{
	struct memory_entry *e, out;

	if (!t->history.n)
		return;
	e = &t->history.v[t->hist_lv.cursor];
	if (t->hist_lv.cursor == 0 && !e->deleted) {
		app_notice(t->a, NOTICE_INFO, "v%d is already the current version", e->version);
		return;
	}
	if (memory_restore(app_store(t->a), &out, e->key, e->version) == 0) {
		app_notice(t->a, NOTICE_INFO, "restored %s v%d as v%d", out.key, e->version, out.version);
		memory_entry_release(&out);
		listview_home(&t->hist_lv);
		tab_refresh(t);
		tab_load_history(t);
		app_store_touched(t->a);
	} else {
		app_notice(t->a, NOTICE_WARNING, "%s", rwb_last_error());
	}
}

static void edit_done(void *data, int status, const struct rusage *ru, long duration_ms)
{
	struct memory_tab *t = data;
	size_t len = 0;
	char *text = NULL;
	FILE *f;

	(void)ru;
	(void)duration_ms;
	if (!t->edit_file)
		return;
	f = fopen(t->edit_file, "rb");
	if (f) {
		struct strbuf sb = STRBUF_INIT;
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len <= MEMORY_MAX_VALUE)
			strbuf_add(&sb, buf, n);
		fclose(f);
		len = sb.len;
		text = strbuf_detach(&sb);
	}
	if (!text || status != 0) {
		app_notice(t->a, NOTICE_WARNING, "the editor ended with status %d; %s unchanged",
			   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), t->edit_key);
	} else if (strcmp(text, t->edit_original) == 0) {
		app_notice(t->a, NOTICE_INFO, "%s unchanged", t->edit_key);
	} else if (strlen(text) != len) {
		app_notice(t->a, NOTICE_WARNING, "the edited file has NUL bytes; %s unchanged", t->edit_key);
	} else {
		struct memory_input in = { .key = t->edit_key, .value = text };
		struct memory_entry e;
		if (memory_store(app_store(t->a), &e, &in) == 0) {
			app_notice(t->a, NOTICE_INFO, "saved %s as v%d", e.key, e.version);
			memory_entry_release(&e);
			tab_refresh(t);
			app_store_touched(t->a);
		} else {
			app_notice(t->a, NOTICE_WARNING, "%s", rwb_last_error());
		}
	}
	unlink(t->edit_file);
	free(t->edit_file);
	free(t->edit_key);
	free(t->edit_original);
	t->edit_file = t->edit_key = t->edit_original = NULL;
	free(text);
	pane_damage(app_pane(t->a, APP_PANE_BROWSER));
}

static void edit_selected(struct memory_tab *t)
{
	struct memory_entry *e = open_entry(t);
	const char *editor = getenv("VISUAL") && *getenv("VISUAL") ? getenv("VISUAL") :
			     getenv("EDITOR") && *getenv("EDITOR") ? getenv("EDITOR") : "vi";
	const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char **argv = NULL, **full;
	int argc = 0, fd, rc;
	size_t n;

	if (!e || t->view == VIEW_HISTORY)
		return;
	if (t->edit_file) {
		app_notice(t->a, NOTICE_INFO, "an edit of %s is still open", t->edit_key);
		return;
	}
	if ((rc = cmdline_split(editor, &argv, &argc)) != 0 || argc == 0) {
		app_notice(t->a, NOTICE_WARNING, "cannot use EDITOR=%s: %s", editor, rc ? rwb_last_error() : "");
		if (argv)
			cmdline_free_argv(argv, argc);
		return;
	}
	t->edit_file = xasprintf("%s/rwb-memory-XXXXXX.md", tmpdir);
	fd = mkstemps(t->edit_file, 3);
	n = strlen(e->value);
	if (fd < 0 || write(fd, e->value, n) != (ssize_t)n) {
		app_notice(t->a, NOTICE_WARNING, "cannot write a temporary file in %s", tmpdir);
		if (fd >= 0) {
			close(fd);
			unlink(t->edit_file);
		}
		free(t->edit_file);
		t->edit_file = NULL;
		cmdline_free_argv(argv, argc);
		return;
	}
	close(fd);
	t->edit_key = xstrdup(e->key);
	t->edit_original = xstrdup(e->value);
	full = xcalloc((size_t)argc + 2, sizeof(char *));
	for (int i = 0; i < argc; i++)
		full[i] = argv[i];
	full[argc] = t->edit_file;
	struct term_job_opts o = {
		.argv = full, .title = "edit", .on_exit = edit_done, .data = t, .focus = true,
	};
	if (app_job_start(t->a, &o, true) != 0) {
		app_notice(t->a, NOTICE_WARNING, "cannot start %s", argv[0]);
		unlink(t->edit_file);
		free(t->edit_file);
		free(t->edit_key);
		free(t->edit_original);
		t->edit_file = t->edit_key = t->edit_original = NULL;
	}
	free(full);
	cmdline_free_argv(argv, argc);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Cycles a filter through the distinct non-empty values in the store
 * (sorted), then back to "all". */
static void cycle_filter(struct memory_tab *t, char **filter, bool category)
{
	struct memory_list all;
	const char **vals;
	const char *next = NULL;
	int nv = 0;

	memory_retrieve_max(app_store(t->a), &all, "**", false, TAB_BROWSE_MAX);
	vals = xcalloc((size_t)all.n + 1, sizeof(*vals));
	for (int i = 0; i < all.n; i++) {
		const char *v = category ? all.v[i].category : all.v[i].project;
		if (*v)
			vals[nv++] = v;
	}
	qsort(vals, (size_t)nv, sizeof(*vals), str_cmp);
	for (int k = 0; k < nv && !next; k++)
		if (!*filter || strcmp(vals[k], *filter) > 0)
			next = vals[k];
	free(*filter);
	*filter = next ? xstrdup(next) : NULL;
	free(vals);
	memory_list_release(&all);
	listview_home(&t->lv);
	tab_refresh(t);
}

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* The keys the browser and the app switch tabs and panes with: an open
 * entry or history passes them on (a stray letter is swallowed). */
static bool tab_switch_key(const struct key *k)
{
	return key_is(k, '\t') || key_is_code(k, KEY_BTAB) || key_is(k, '[') || key_is(k, ']') ||
		key_is_code(k, KEY_LEFT) || key_is_code(k, KEY_RIGHT) ||
		(!k->is_code && !k->alt && k->ch >= '1' && k->ch <= '9');
}

/* ---- the search field ---- */

static int k_search_end(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->editing = false;
	t->tree_focus = false;
	return DONE;
}

static int k_search_backspace(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	if (t->qlen) {
		/* drop one UTF-8 character */
		do
			t->qlen--;
		while (t->qlen && ((unsigned char)t->query[t->qlen] & 0xc0) == 0x80);
		t->query[t->qlen] = 0;
		tab_refresh(t);
	}
	return DONE;
}

static int k_search_clear(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->qlen = 0;
	t->query[0] = 0;
	tab_refresh(t);
	return DONE;
}

static const struct keybind search_binds[] = {
	{ .keys = { 27, '\r', '\n', KB_C(KEY_ENTER), KB_C(KEY_DOWN) }, .label = "Enter/Esc/Down",
	  .help = "leave the field (the search stays)", .run = k_search_end },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_search_backspace },
	{ .keys = { KEY_CTRL('u') }, .label = "Ctrl-U", .help = "clear the search", .run = k_search_clear },
};
const struct keymap tab_memory_search_keys = KEYMAP("Browser: Memory tab, search field (type to search)",
						    search_binds);

static int key_search_field(struct memory_tab *t, const struct key *k)
{
	int r = keymap_dispatch(&tab_memory_search_keys, t, k);

	if (r != PANE_IGNORED)
		return r;
	if (!k->is_code && !k->alt && k->ch >= 0x20 && k->ch != 0x7f) {
		char buf[8];
		mbstate_t st;
		size_t n;
		memset(&st, 0, sizeof(st));
		n = wcrtomb(buf, (wchar_t)k->ch, &st);
		if (n != (size_t)-1 && t->qlen + n < sizeof(t->query)) {
			memcpy(t->query + t->qlen, buf, n);
			t->qlen += n;
			t->query[t->qlen] = 0;
			tab_refresh(t);
		}
		return DONE;
	}
	if (key_is(k, '\t'))
		return PANE_IGNORED;
	return PANE_HANDLED;
}

/* ---- keys every view has ---- */

/* The preview's text: J/K a line (five in a history; j/k too in an open
 * entry), PgDn/PgUp a page. */
static int k_text_scroll(void *self, const struct key *k)
{
	struct memory_tab *t = self;
	int id = keys_id(k), lines = t->view == VIEW_HISTORY ? 5 : 1;

	if (id == 'J' || id == 'K')
		listview_scroll(&t->text, id == 'J' ? lines : -lines);
	else
		keys_list_scroll(&t->text, k);
	return DONE;
}

static int k_search(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->editing = true;
	t->view = VIEW_LIST;
	return DONE;
}

static int k_yank(void *self, const struct key *k)
{
	(void)k;
	yank_clipboard(self);
	return DONE;
}

static int k_write(void *self, const struct key *k)
{
	(void)k;
	yank_file(self);
	return DONE;
}

static int k_edit(void *self, const struct key *k)
{
	(void)k;
	edit_selected(self);
	return DONE;
}

static int k_delete(void *self, const struct key *k)
{
	(void)k;
	delete_selected(self);
	return DONE;
}

static int k_undo(void *self, const struct key *k)
{
	(void)k;
	undo_delete(self);
	return DONE;
}

static int k_history(void *self, const struct key *k)
{
	struct memory_tab *t = self;
	struct memory_entry *e = open_entry(t);

	(void)k;
	if (!e)
		return PANE_HANDLED;
	free(t->open_key);
	t->open_key = xstrdup(e->key);
	listview_home(&t->hist_lv);
	listview_home(&t->text);
	tab_load_history(t);
	t->view = VIEW_HISTORY;
	return DONE;
}

#define B_SEARCH(h) { .keys = { '/' }, .label = "/", .help = "search (type; Enter or Esc leaves the field)", \
		      .hint = (h), .run = k_search }
#define B_EDIT(h) { .keys = { 'e' }, .label = "e", .help = "edit the entry in $EDITOR", .hint = (h), .run = k_edit }
#define B_DELETE(h) { .keys = { 'd' }, .label = "d", .help = "delete the entry (asks first)", .hint = (h), \
		      .run = k_delete }
#define B_UNDO(h) { .keys = { 'u' }, .label = "u", .help = "bring back the entry just deleted", .hint = (h), \
		    .run = k_undo }
#define B_YANK(h) { .keys = { 'y' }, .label = "y", .help = "copy the entry's code to the clipboard (OSC 52)", \
		    .hint = (h), .run = k_yank }
#define B_WRITE(h) { .keys = { 'w' }, .label = "w", .help = "write the entry's code to a file", .hint = (h), \
		     .run = k_write }
#define B_HISTORY(h) { .keys = { 'H' }, .label = "H", .help = "the entry's versions", .hint = (h), \
		       .run = k_history }

/* ---- the list (and the tree) ---- */

static int k_list_open(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	if (!cur_row(t))
		return PANE_IGNORED;
	if (t->tree_focus) {
		t->tree_focus = false;
		return DONE;
	}
	free(t->open_key);
	t->open_key = xstrdup(cur_row(t)->e->key);
	t->view = VIEW_ENTRY;
	listview_home(&t->text);
	return DONE;
}

static int k_list_move(void *self, const struct key *k)
{
	struct memory_tab *t = self;
	int id = keys_id(k);
	long was = t->lv.cursor;

	/* in the tree, j/k choose the node the list shows; pages and ends are the list's */
	if (t->tree_focus && (id == 'j' || id == 'k' || id == KB_C(KEY_DOWN) || id == KB_C(KEY_UP))) {
		keys_list_move(&t->tree_lv, k);
		t->lv.top = 0;  /* another list: from its top */
		listview_home(&t->text);
		tab_refresh(t);
		return DONE;
	}
	keys_list_move(&t->lv, k);
	if (t->lv.cursor != was)
		listview_home(&t->text);
	return DONE;
}

static int k_list_tree(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->tree_focus = !t->tree_focus;
	return DONE;
}

static int k_list_filter(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	switch (keys_id(k)) {
	case 'L':
		t->layer_filter = (t->layer_filter + 1) % 4;
		tab_refresh(t);
		break;
	case 'C': cycle_filter(t, &t->category_filter, true); break;
	default: cycle_filter(t, &t->project_filter, false); break;
	}
	return DONE;
}

static int k_list_clear(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->qlen = 0;
	t->query[0] = 0;
	t->layer_filter = 0;
	free(t->category_filter);
	free(t->project_filter);
	t->category_filter = t->project_filter = NULL;
	listview_home(&t->tree_lv);
	tab_refresh(t);
	return DONE;
}

static int k_list_esc(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	if (!t->qlen)
		return PANE_IGNORED;
	t->qlen = 0;
	t->query[0] = 0;
	tab_refresh(t);
	return DONE;
}

static const struct keybind list_binds[] = {
	B_SEARCH("search"),
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "open the entry (in the tree: the list)",
	  .hint = "open", .run = k_list_open },
	B_HISTORY("history"), B_EDIT("edit"), B_DELETE("delete"), B_UNDO("undo"), B_YANK("copy"),
	{ .keys = { 'L', 'C', 'P' }, .label = "L/C/P", .help = "filter by layer, category, project (each cycles)",
	  .hint = "filter", .run = k_list_filter },
	{ .keys = { 't' }, .label = "t", .help = "between the tree and the list", .hint = "tree", .run = k_list_tree },
	B_WRITE(NULL),
	{ .keys = { 'x' }, .label = "x", .help = "clear the search and the filters", .run = k_list_clear },
	{ .keys = { 27 }, .label = "Esc", .help = "clear the search", .run = k_list_esc },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move (in the tree too)",
	  .run = k_list_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page", .run = k_list_move },
	{ .keys = { 'g', KB_C(KEY_HOME), 'G', KB_C(KEY_END) }, .label = "g/Home, G/End", .help = "first / last entry",
	  .run = k_list_move },
	{ .keys = { 'J', 'K' }, .label = "J/K", .help = "scroll the preview", .run = k_text_scroll },
};
const struct keymap tab_memory_list_keys = KEYMAP("Browser: Memory tab", list_binds);

/* ---- an open entry ---- */

static int k_entry_back(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->view = VIEW_LIST;
	free(t->open_key);
	t->open_key = NULL;
	listview_home(&t->text);
	return DONE;
}

static const struct keybind entry_binds[] = {
	{ .keys = { 'j', 'k', 'J', 'K', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, J/K, Down/Up",
	  .help = "scroll", .hint = "scroll", .run = k_text_scroll },
	B_HISTORY("history"), B_EDIT("edit"), B_YANK("copy code"), B_WRITE("write code"), B_DELETE("delete"),
	{ .keys = { 'q', 'h', 27 }, .label = "q/h, Esc", .help = "back to the list", .hint = "back",
	  .run = k_entry_back },
	{ .keys = { KB_C(KEY_NPAGE), ' ', KB_C(KEY_PPAGE) }, .label = "PgDn/Space, PgUp", .help = "scroll a page",
	  .run = k_text_scroll },
	B_UNDO(NULL), B_SEARCH(NULL),
};
const struct keymap tab_memory_entry_keys = KEYMAP("Browser: Memory tab, an open entry", entry_binds);

/* ---- an entry's history ---- */

static int k_hist_back(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	(void)k;
	t->view = t->open_key ? VIEW_ENTRY : VIEW_LIST;
	listview_home(&t->text);
	return DONE;
}

static int k_hist_move(void *self, const struct key *k)
{
	struct memory_tab *t = self;

	keys_list_move(&t->hist_lv, k);
	listview_home(&t->text);
	return DONE;
}

static int k_hist_restore(void *self, const struct key *k)
{
	(void)k;
	restore_selected(self);
	return DONE;
}

static const struct keybind history_binds[] = {
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "the next / previous version",
	  .hint = "version", .run = k_hist_move },
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER), 'r' }, .label = "Enter/r", .help = "restore this version (as the newest)",
	  .hint = "restore", .run = k_hist_restore },
	{ .keys = { 'J', 'K' }, .label = "J/K", .help = "scroll the version's text", .hint = "scroll", .run = k_text_scroll },
	{ .keys = { 'q', 'h', 27 }, .label = "q/h, Esc", .help = "back", .hint = "back", .run = k_hist_back },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "scroll a page",
	  .run = k_text_scroll },
	B_EDIT(NULL), B_DELETE(NULL), B_UNDO(NULL), B_YANK(NULL), B_WRITE(NULL), B_SEARCH(NULL),
};
const struct keymap tab_memory_history_keys = KEYMAP("Browser: Memory tab, an entry's history", history_binds);

static int memory_key(void *state, const struct key *k)
{
	struct memory_tab *t = state;
	int r;

	if (t->editing)
		return key_search_field(t, k);
	switch (t->view) {
	case VIEW_HISTORY: r = keymap_dispatch(&tab_memory_history_keys, t, k); break;
	case VIEW_ENTRY: r = keymap_dispatch(&tab_memory_entry_keys, t, k); break;
	default: return keymap_dispatch(&tab_memory_list_keys, t, k);
	}
	if (r != PANE_IGNORED)
		return r;
	return tab_switch_key(k) ? PANE_IGNORED : PANE_HANDLED;
}

static void memory_reload(void *state)
{
	struct memory_tab *t = state;

	tab_refresh(t);
	if (t->view == VIEW_HISTORY)
		tab_load_history(t);
}

static void *memory_create(struct app *a)
{
	struct memory_tab *t = xcalloc(1, sizeof(*t));

	t->a = a;
	if (app_store(a))
		tab_refresh(t);
	return t;
}

static void memory_destroy(void *state)
{
	struct memory_tab *t = state;

	if (!t)
		return;
	tab_rows_clear(t);
	memory_tree_release(&t->tree);
	memory_list_release(&t->history);
	free(t->category_filter);
	free(t->project_filter);
	free(t->search_error);
	free(t->open_key);
	free(t->undo_key);
	free(t->delete_key);
	if (t->edit_file)
		unlink(t->edit_file);
	free(t->edit_file);
	free(t->edit_key);
	free(t->edit_original);
	free(t);
}

const struct view_ops tab_memory_ops = {
	.name = "Memory",
	.create = memory_create,
	.destroy = memory_destroy,
	.draw = memory_draw,
	.key = memory_key,
	.reload = memory_reload,
	.cursor = memory_cursor,
};
