/*
 * diag.c - the diagnostics view: a build's errors and warnings as a list.
 *
 * Opened by a command result with "view":"diagnostics" (its "diagnostics"
 * array, files relative to the repo) or by the Metrics tab for the last
 * build (read back from the store, so it works after the job exited).
 * Errors come first, then warnings, each group sorted by file and line with
 * a heading per file. Enter opens the file viewer at the line ("view":
 * "file"), or $EDITOR +LINE FILE as a terminal-pane job when the viewer is
 * not available; n/p step through; e shows `rustc --explain CODE`.
 *
 * Never: draw a message or an explanation except through draw_text(), or
 * run anything through a shell.
 */
#define _GNU_SOURCE
#include "overlay.h"
#include "app.h"
#include "cargo.h"
#include "draw.h"
#include "error.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct diag_item {
	char *level;                 /* owned: "error", "warning" */
	char *code;                  /* owned or NULL */
	char *message;               /* owned */
	char *file;                  /* owned or NULL: as cargo named it (repo-relative) */
	int line, column;
};

struct diag_view {
	struct app *app;             /* borrowed */
	struct diag_item *items;     /* owned, sorted: errors, then warnings; by file, line */
	int n;
	int sel;                     /* selected item */
	int top;                     /* first drawn row of the list (rows include headings) */
	int errors, warnings;
	char right[64];              /* border text */
	char *explain;               /* owned: the explanation shown, or NULL (the list) */
	char *explain_code;          /* owned: its code */
	int explain_top;             /* first line of the explanation drawn */
};

static int level_rank(const char *level)
{
	if (strcmp(level, "error") == 0)
		return 0;
	if (strcmp(level, "warning") == 0)
		return 1;
	return 2;
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct diag_item *a = pa, *b = pb;
	int r = level_rank(a->level) - level_rank(b->level);

	if (r)
		return r;
	r = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (r)
		return r;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->column - b->column;
}

static const char *jstr(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jint(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e9 ? v->valueint : 0;
}

static void view_free(void *state)
{
	struct diag_view *v = state;

	for (int i = 0; i < v->n; i++) {
		free(v->items[i].level);
		free(v->items[i].code);
		free(v->items[i].message);
		free(v->items[i].file);
	}
	free(v->items);
	free(v->explain);
	free(v->explain_code);
	free(v);
}

/* The list as rows: a heading row where the (level, file) group changes. */
static bool is_heading(const struct diag_view *v, int i)
{
	const struct diag_item *a = &v->items[i], *b;

	if (i == 0)
		return true;
	b = &v->items[i - 1];
	return level_rank(a->level) != level_rank(b->level) ||
	       strcmp(a->file ? a->file : "", b->file ? b->file : "") != 0;
}

/* Row number of item i in the drawn list. */
static int row_of(const struct diag_view *v, int i)
{
	int row = 0;

	for (int k = 0; k <= i; k++)
		row += is_heading(v, k) ? 2 : 1;
	return row - 1;
}

static void draw_list(struct diag_view *v, WINDOW *win, int rows, int cols)
{
	int row = 0, sel_row = v->n ? row_of(v, v->sel) : 0;
	int list_rows = rows > 3 ? rows - 2 : rows;

	if (!v->n) {
		draw_text(win, 0, 1, cols - 1, "no errors or warnings", theme_attr(RWB_COLOR_RESULT_OK));
		return;
	}
	if (sel_row < v->top)
		v->top = sel_row > 0 && is_heading(v, v->sel) ? sel_row - 1 : sel_row;
	if (sel_row >= v->top + list_rows)
		v->top = sel_row - list_rows + 1;
	for (int i = 0; i < v->n; i++) {
		const struct diag_item *d = &v->items[i];
		bool err = level_rank(d->level) == 0;
		char head[64];
		int x;
		if (is_heading(v, i)) {
			int y = row - v->top;
			if (y >= 0 && y < list_rows) {
				snprintf(head, sizeof(head), "%s in ", err ? "errors" : d->level);
				x = draw_text(win, y, 1, cols - 1, head, theme_attr(RWB_COLOR_DIM));
				draw_text(win, y, 1 + x, cols - 1 - x, d->file ? d->file : "(no file)",
					  theme_attr(RWB_COLOR_DIFF_HEADER));
			}
			row++;
		}
		int y = row - v->top;
		if (y >= 0 && y < list_rows) {
			attr_t a = theme_attr(i == v->sel ? RWB_COLOR_SELECTION : RWB_COLOR_DEFAULT);
			char pos[48];
			if (i == v->sel)
				draw_fill(win, y, 0, cols, a);
			snprintf(pos, sizeof(pos), "%5d:%-3d ", d->line, d->column);
			x = 2;
			x += draw_text(win, y, x, cols - x, pos,
				       i == v->sel ? a : theme_attr(RWB_COLOR_LINE_NUMBER));
			x += draw_text(win, y, x, cols - x, err ? "error" : d->level,
				       i == v->sel ? a : theme_attr(err ? RWB_COLOR_NOTICE_CRITICAL
									: RWB_COLOR_NOTICE_WARNING));
			if (d->code) {
				x += draw_text(win, y, x, cols - x, "[", a);
				x += draw_text(win, y, x, cols - x, d->code, a);
				x += draw_text(win, y, x, cols - x, "]", a);
			}
			x += draw_text(win, y, x, cols - x, " ", a);
			draw_text(win, y, x, cols - x, d->message, a);
		}
		row++;
	}
	if (rows > 3)
		draw_text(win, rows - 1, 1, cols - 1,
			  "Enter open at line   n/p next/previous   e explain code   Esc close",
			  theme_attr(RWB_COLOR_PROMPT_HINT));
}

static void draw_explain(struct diag_view *v, WINDOW *win, int rows, int cols)
{
	const char *p = v->explain;
	int line = 0, y = 0;
	char title[64];

	snprintf(title, sizeof(title), "rustc --explain %s", v->explain_code);
	draw_text(win, y++, 1, cols - 1, title, theme_attr(RWB_COLOR_HELP_KEY));
	while (*p && y < rows - 1) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (line++ >= v->explain_top)
			draw_textn(win, y++, 1, cols - 1, p, len, theme_attr(RWB_COLOR_HELP_TEXT));
		p = nl ? nl + 1 : p + len;
	}
	draw_text(win, rows - 1, 1, cols - 1, "j/k scroll   Esc/q back to the list",
		  theme_attr(RWB_COLOR_PROMPT_HINT));
}

static void view_draw(void *state, WINDOW *win, int rows, int cols)
{
	struct diag_view *v = state;

	if (rows < 1 || cols < 4)
		return;
	if (v->explain)
		draw_explain(v, win, rows, cols);
	else
		draw_list(v, win, rows, cols);
}

/* Opens the selected diagnostic's file: the viewer, else $EDITOR in a job. */
static void open_selected(struct diag_view *v)
{
	const struct diag_item *d = &v->items[v->sel];
	const char *repo = app_repo(v->app);
	char *path, *line_arg;
	cJSON *req;
	int rc, job;

	if (!d->file) {
		app_notice(v->app, NOTICE_WARNING, "this diagnostic has no file");
		return;
	}
	path = d->file[0] == '/' ? xstrdup(d->file) : xasprintf("%s/%s", repo, d->file);
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "view", "file");
	cJSON_AddStringToObject(req, "path", path);
	cJSON_AddNumberToObject(req, "line", d->line);
	if (views_open(v->app, req)) {
		/* the viewer replaced this overlay (and freed v): nothing more to do */
		cJSON_Delete(req);
		free(path);
		return;
	}
	cJSON_Delete(req);
	{
		const char *editor = getenv("VISUAL") && *getenv("VISUAL") ? getenv("VISUAL")
					: getenv("EDITOR") && *getenv("EDITOR") ? getenv("EDITOR") : "vi";
		char *argv[4];
		struct term_job_opts o = { 0 };
		line_arg = xasprintf("+%d", d->line > 0 ? d->line : 1);
		argv[0] = (char *)editor;
		argv[1] = line_arg;
		argv[2] = path;
		argv[3] = NULL;
		o.argv = argv;
		o.cwd = repo;
		o.title = "editor";
		o.focus = true;
		rc = pane_term_job_start(app_pane(v->app, APP_PANE_TERMINAL), &o, &job);
		if (rc)
			app_notice(v->app, NOTICE_WARNING, "cannot start %s %s %s: %s", editor, line_arg,
				   d->file, rwb_strerror(rc));
		else
			app_close_overlay(v->app);
		free(line_arg);
	}
	free(path);
}

static int view_key(void *state, const struct key *k)
{
	struct diag_view *v = state;

	if (v->explain) {
		if (key_is(k, 'q') || key_is(k, 27)) {
			free(v->explain);
			free(v->explain_code);
			v->explain = v->explain_code = NULL;
			return PANE_HANDLED | PANE_REDRAW;
		}
		if (key_is(k, 'j') || key_is_code(k, KEY_DOWN) || key_is(k, ' ') ||
		    key_is_code(k, KEY_NPAGE))
			v->explain_top += key_is(k, ' ') || key_is_code(k, KEY_NPAGE) ? 10 : 1;
		else if ((key_is(k, 'k') || key_is_code(k, KEY_UP)) && v->explain_top > 0)
			v->explain_top--;
		else if (key_is_code(k, KEY_PPAGE))
			v->explain_top = v->explain_top > 10 ? v->explain_top - 10 : 0;
		return PANE_HANDLED | PANE_REDRAW;
	}
	if (!v->n)
		return PANE_IGNORED;
	if (key_is(k, 'j') || key_is_code(k, KEY_DOWN) || key_is(k, 'n')) {
		if (v->sel + 1 < v->n)
			v->sel++;
		else if (key_is(k, 'n'))
			v->sel = 0;
		return PANE_HANDLED | PANE_REDRAW;
	}
	if (key_is(k, 'k') || key_is_code(k, KEY_UP) || key_is(k, 'p')) {
		if (v->sel > 0)
			v->sel--;
		else if (key_is(k, 'p'))
			v->sel = v->n - 1;
		return PANE_HANDLED | PANE_REDRAW;
	}
	if (key_is_code(k, KEY_HOME) || key_is(k, 'g')) {
		v->sel = 0;
		return PANE_HANDLED | PANE_REDRAW;
	}
	if (key_is_code(k, KEY_END) || key_is(k, 'G')) {
		v->sel = v->n - 1;
		return PANE_HANDLED | PANE_REDRAW;
	}
	if (key_is(k, 'e')) {
		const char *code = v->items[v->sel].code;
		char *text = code ? cargo_explain(code) : NULL;
		if (!text) {
			app_notice(v->app, NOTICE_INFO, "%s has no rustc --explain text",
				   code ? code : "this diagnostic");
			return PANE_HANDLED | PANE_REDRAW;
		}
		v->explain = text;
		v->explain_code = xstrdup(code);
		v->explain_top = 0;
		return PANE_HANDLED | PANE_REDRAW;
	}
	if (key_is(k, '\n') || key_is(k, '\r') || key_is_code(k, KEY_ENTER)) {
		open_selected(v);
		return PANE_HANDLED | PANE_REDRAW;
	}
	return PANE_IGNORED;
}

static const char *view_right(void *state)
{
	struct diag_view *v = state;
	return v->right;
}

static const struct overlay_ops diag_ops = {
	.name = "diagnostics",
	.draw = view_draw,
	.key = view_key,
	.border_right = view_right,
	.free = view_free,
};

bool view_diagnostics_open(struct app *a, const cJSON *result)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(result, "diagnostics"), *d;
	const char *title = jstr(result, "title");
	struct diag_view *v;
	int cap;

	if (!cJSON_IsArray(arr)) {
		app_notice(a, NOTICE_WARNING, "no diagnostics to show");
		return false;
	}
	v = xcalloc(1, sizeof(*v));
	v->app = a;
	cap = cJSON_GetArraySize(arr);
	v->items = xcalloc((size_t)(cap > 0 ? cap : 1), sizeof(*v->items));
	cJSON_ArrayForEach(d, arr) {
		struct diag_item *it;
		const char *level = jstr(d, "level");
		if (!cJSON_IsObject(d) || !level || v->n >= cap)
			continue;
		it = &v->items[v->n++];
		it->level = xstrdup(level);
		it->code = jstr(d, "code") ? xstrdup(jstr(d, "code")) : NULL;
		it->message = xstrdup(jstr(d, "message") ? jstr(d, "message") : "");
		it->file = jstr(d, "file") ? xstrdup(jstr(d, "file")) : NULL;
		it->line = jint(d, "line");
		it->column = jint(d, "column");
		if (level_rank(level) == 0)
			v->errors++;
		else if (level_rank(level) == 1)
			v->warnings++;
	}
	qsort(v->items, (size_t)v->n, sizeof(*v->items), item_cmp);
	snprintf(v->right, sizeof(v->right), "%d error%s, %d warning%s", v->errors,
		 v->errors == 1 ? "" : "s", v->warnings, v->warnings == 1 ? "" : "s");
	app_open_overlay(a, &diag_ops, v, title ? title : "Diagnostics");
	return true;
}
