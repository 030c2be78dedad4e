/*
 * diag.c - the diagnostics view: a build's errors and warnings, or a test
 * run's failed tests, as a list.
 *
 * Opened by a command result with "view":"diagnostics" (its "diagnostics"
 * array and/or its "failures" array, files relative to the repo) or by the
 * Metrics tab for the last build (read back from the store, so it works
 * after the job exited). Errors come first, then failed tests, then
 * warnings, each group sorted by file and line with a heading per file.
 *
 * Keys: Space (or Right/Left) unfolds an item into what rustc rendered
 * (spans with labels, notes, help and suggestions) or a failed test's
 * output; Enter opens the file viewer at the line, marked, with the message
 * on its status line, and q/Esc there comes back to this list (the viewer
 * gets this result as its "back"); o opens $VISUAL/$EDITOR at
 * FILE:LINE:COL in the terminal pane; n/p step; e shows `rustc --explain
 * CODE` or `cargo clippy --explain LINT`; a shows the diff of the item's
 * machine-applicable suggestion and y writes it.
 *
 * Never: draw a message or an explanation except through draw_text(), run
 * anything through a shell, or write a file the user has not seen the diff
 * of (a file that changed since the diff was shown is not written).
 */
#define _GNU_SOURCE
#include "overlay.h"
#include "app.h"
#include "cargo.h"
#include "cargomsg.h"
#include "draw.h"
#include "error.h"
#include "keys.h"
#include "listview.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct diag_item {
	char *level;                 /* owned: "error", "warning" */
	char *code;                  /* owned or NULL */
	char *message;               /* owned */
	char *file;                  /* owned or NULL: as cargo named it (repo-relative) */
	int line, column;
	char *rendered;              /* owned: rustc's rendered text without colours, or a
	                                failed test's output; NULL when there is none */
	cJSON *fixes;                /* owned: machine-applicable replacements, or NULL */
	bool failure;                /* a failed test, not a diagnostic */
	bool unfolded;               /* rendered is drawn under the item */
	int index;                   /* position in the result's array (kept across sorting) */
};

struct diag_view {
	struct app *app;             /* borrowed */
	struct diag_item *items;     /* owned, sorted: errors, then warnings; by file, line */
	int n;
	struct listview lv;          /* over items; its top and rows count rows (headings and
	                                unfolded text too) */
	int errors, warnings;
	char right[64];              /* border text */
	int failures;
	char *explain;               /* owned: the explanation or fix diff shown, or NULL (the list) */
	char *explain_code;          /* owned: its title ("rustc --explain E0308") */
	struct listview explain_lv;  /* over the explanation's lines (scrolled, no cursor) */
	char *fix_path;              /* owned while a fix's diff is shown: the file it writes */
	struct strbuf fix_old, fix_new; /* that file as read, and as the fix makes it */
	cJSON *source;               /* owned: the result that opened the view, the viewer's way back */
	char *title;                 /* owned: the overlay's title */
};

static int level_rank(const char *level)
{
	if (strcmp(level, "error") == 0)
		return 0;
	if (strcmp(level, "failed") == 0)
		return 1;
	if (strcmp(level, "warning") == 0)
		return 2;
	return 3;
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
		free(v->items[i].rendered);
		cJSON_Delete(v->items[i].fixes);
	}
	free(v->items);
	free(v->explain);
	free(v->explain_code);
	free(v->fix_path);
	strbuf_free(&v->fix_old);
	strbuf_free(&v->fix_new);
	cJSON_Delete(v->source);
	free(v->title);
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

static int count_lines(const char *t)
{
	int n = 0;

	if (!t || !*t)
		return 0;
	for (; *t; t++)
		if (*t == '\n' && t[1])
			n++;
	return n + 1;
}

/* Rows item i takes: its heading, its line, its unfolded text. */
static int item_rows(const struct diag_view *v, int i)
{
	const struct diag_item *d = &v->items[i];

	return (is_heading(v, i) ? 2 : 1) + (d->unfolded ? count_lines(d->rendered) : 0);
}

/* Row number of item i's own line in the drawn list. */
static int row_of(const struct diag_view *v, int i)
{
	int row = 0;

	for (int k = 0; k < i; k++)
		row += item_rows(v, k);
	return row + (is_heading(v, i) ? 1 : 0);
}

/* Where the selected item is drawn: its heading above, its unfolded text below. */
static struct listview_at sel_at(const struct diag_view *v)
{
	int sel = (int)v->lv.cursor;
	struct listview_at at = { .row = row_of(v, sel), .above = is_heading(v, sel),
				  .below = v->items[sel].unfolded ? count_lines(v->items[sel].rendered) : 0 };

	for (int k = 0; k < v->n; k++)
		at.total += item_rows(v, k);
	return at;
}

static const char *label_of(const struct diag_item *d)
{
	if (d->failure)
		return "FAILED";
	return strcmp(d->level, "error") == 0 ? "error" : d->level;
}

/* A hint line from a key table. */
static void draw_hint(WINDOW *win, int y, int cols, const struct keymap *m)
{
	struct strbuf hint = STRBUF_INIT;

	keymap_hint(&hint, m);
	draw_text(win, y, 1, cols - 1, strbuf_str(&hint), theme_attr(RWB_COLOR_PROMPT_HINT));
	strbuf_free(&hint);
}

static void draw_list(struct diag_view *v, WINDOW *win, int rows, int cols)
{
	int row = 0, list_rows = rows > 3 ? rows - 2 : rows;

	if (!v->n) {
		listview_set_rows(&v->lv, list_rows);
		draw_text(win, 0, 1, cols - 1, "no errors or warnings", theme_attr(RWB_COLOR_RESULT_OK));
		return;
	}
	/* the selected item, its heading and as much of its unfolded text as fits, in view */
	{
		struct listview_at at = sel_at(v);
		listview_set_rows_at(&v->lv, list_rows, &at);
	}
	for (int i = 0; i < v->n; i++) {
		const struct diag_item *d = &v->items[i];
		int rank = level_rank(d->level);
		char head[64];
		int x;
		if (is_heading(v, i)) {
			int y = row - (int)v->lv.top;
			if (y >= 0 && y < list_rows) {
				snprintf(head, sizeof(head), "%s in ", rank == 0 ? "errors" : rank == 1 ?
					 "failed tests" : rank == 2 ? "warnings" : d->level);
				x = draw_text(win, y, 1, cols - 1, head, theme_attr(RWB_COLOR_DIM));
				draw_text(win, y, 1 + x, cols - 1 - x, d->file ? d->file : "(no file)",
					  theme_attr(RWB_COLOR_DIFF_HEADER));
			}
			row++;
		}
		int y = row - (int)v->lv.top;
		bool sel = i == v->lv.cursor;
		if (y >= 0 && y < list_rows) {
			attr_t a = theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DEFAULT);
			char pos[48];
			if (sel)
				draw_fill(win, y, 0, cols, a);
			x = draw_text(win, y, 0, cols, d->rendered ? (d->unfolded ? "▾" : "▸") : " ",
				      sel ? a : theme_attr(RWB_COLOR_DIM));
			snprintf(pos, sizeof(pos), "%5d:%-3d ", d->line, d->column);
			x = 2;
			x += draw_text(win, y, x, cols - x, pos,
				       sel ? a : theme_attr(RWB_COLOR_LINE_NUMBER));
			x += draw_text(win, y, x, cols - x, label_of(d),
				       sel ? a : theme_attr(rank <= 1 ? RWB_COLOR_NOTICE_CRITICAL
									: RWB_COLOR_NOTICE_WARNING));
			if (d->code) {
				x += draw_text(win, y, x, cols - x, "[", a);
				x += draw_text(win, y, x, cols - x, d->code, a);
				x += draw_text(win, y, x, cols - x, "]", a);
			}
			x += draw_text(win, y, x, cols - x, " ", a);
			x += draw_text(win, y, x, cols - x, d->message, a);
			if (d->fixes)
				draw_text(win, y, x, cols - x, "  [a: fix]",
					  sel ? a : theme_attr(RWB_COLOR_DIFF_ADD));
		}
		row++;
		if (d->unfolded && d->rendered) {
			const char *p = d->rendered;
			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t len = nl ? (size_t)(nl - p) : strlen(p);
				y = row - (int)v->lv.top;
				if (y >= 0 && y < list_rows)
					draw_textn(win, y, 4, cols - 4, p, len, theme_attr(RWB_COLOR_HELP_TEXT));
				row++;
				if (!nl || !nl[1])
					break;
				p = nl + 1;
			}
		}
	}
	if (rows > 3)
		draw_hint(win, rows - 1, cols, &diag_keys);
}

static void draw_explain(struct diag_view *v, WINDOW *win, int rows, int cols)
{
	const char *p = v->explain;
	int line = 0, y = 0;

	listview_set_rows(&v->explain_lv, rows - 2);  /* the title above, the keys below */
	draw_text(win, y++, 1, cols - 1, v->explain_code, theme_attr(RWB_COLOR_HELP_KEY));
	while (*p && y < rows - 1) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		enum rwb_color role = RWB_COLOR_HELP_TEXT;
		if (v->fix_path)
			role = *p == '+' ? RWB_COLOR_DIFF_ADD : *p == '-' ? RWB_COLOR_DIFF_DEL :
			       *p == '@' ? RWB_COLOR_DIFF_HUNK : RWB_COLOR_DEFAULT;
		if (line++ >= v->explain_lv.top)
			draw_textn(win, y++, 1, cols - 1, p, len, theme_attr(role));
		p = nl ? nl + 1 : p + len;
	}
	draw_hint(win, rows - 1, cols, v->fix_path ? &diag_fix_keys : &diag_explain_keys);
}

static void view_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct diag_view *v = state;

	(void)focused;  /* an open overlay has the keyboard */
	if (rows < 1 || cols < 4)
		return;
	if (v->explain)
		draw_explain(v, win, rows, cols);
	else
		draw_list(v, win, rows, cols);
}

static char *item_path(struct diag_view *v, const char *file)
{
	return file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", app_repo(v->app), file);
}

/* The editor's arguments to open path at line:col, by the editor's name:
 * vi and friends take +call cursor(), nano +L,C, emacs/micro/kak +L:C,
 * helix FILE:L:C, VS Code -g FILE:L:C; any other +LINE FILE. */
static void editor_args(char **argv, int *n, const char *editor, const char *path, int line, int col,
			char **alloc)
{
	const char *base = strrchr(editor, '/') ? strrchr(editor, '/') + 1 : editor;

	if (line < 1)
		line = 1;
	if (col < 1)
		col = 1;
	if (!strcmp(base, "vi") || !strcmp(base, "vim") || !strcmp(base, "nvim") || !strcmp(base, "view")) {
		*alloc = xasprintf("+call cursor(%d, %d)", line, col);
	} else if (!strcmp(base, "nano")) {
		*alloc = xasprintf("+%d,%d", line, col);
	} else if (!strcmp(base, "emacs") || !strcmp(base, "emacsclient") || !strcmp(base, "micro") ||
		   !strcmp(base, "kak")) {
		*alloc = xasprintf("+%d:%d", line, col);
	} else if (!strcmp(base, "hx") || !strcmp(base, "helix")) {
		*alloc = xasprintf("%s:%d:%d", path, line, col);
		argv[(*n)++] = *alloc;
		return;
	} else if (!strcmp(base, "code") || !strcmp(base, "codium")) {
		*alloc = xasprintf("%s:%d:%d", path, line, col);
		argv[(*n)++] = "-g";
		argv[(*n)++] = *alloc;
		return;
	} else {
		*alloc = xasprintf("+%d", line);
	}
	argv[(*n)++] = *alloc;
	argv[(*n)++] = (char *)path;
}

/* o: $VISUAL/$EDITOR (split at spaces, never a shell) at FILE:LINE:COL in the terminal pane. */
static void open_editor(struct diag_view *v, const struct diag_item *d)
{
	const char *env = getenv("VISUAL") && *getenv("VISUAL") ? getenv("VISUAL")
			  : getenv("EDITOR") && *getenv("EDITOR") ? getenv("EDITOR") : "vi";
	char *words = xstrdup(env), *save = NULL, *alloc = NULL, *path;
	char *argv[16];
	int n = 0, rc;
	struct term_job_opts o = { 0 };

	if (!d->file) {
		app_notice(v->app, NOTICE_WARNING, "this item has no file");
		free(words);
		return;
	}
	path = item_path(v, d->file);
	for (char *w = strtok_r(words, " \t", &save); w && n < 12; w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	if (!n)
		argv[n++] = "vi";
	editor_args(argv, &n, argv[0], path, d->line, d->column, &alloc);
	argv[n] = NULL;
	o.argv = argv;
	o.cwd = app_repo(v->app);
	o.title = "editor";
	o.focus = true;
	/* the editor gets the keyboard, as the commit editor does */
	rc = app_job_start(v->app, &o, true);
	if (rc)
		app_notice(v->app, NOTICE_WARNING, "cannot start %s for %s:%d:%d: %s", argv[0], d->file,
			   d->line, d->column, rwb_strerror(rc));
	free(alloc);
	free(path);
	free(words);
	if (!rc)
		app_close_overlay(v->app);
}

/* Enter: the viewer at the line, marked, with the message; it comes back here. */
static void open_selected(struct diag_view *v)
{
	const struct diag_item *d = &v->items[v->lv.cursor];
	char *path, *msg;
	cJSON *req, *back;

	if (!d->file) {
		app_notice(v->app, NOTICE_WARNING, "this diagnostic has no file");
		return;
	}
	path = item_path(v, d->file);
	msg = d->code ? xasprintf("%s[%s]: %s", label_of(d), d->code, d->message)
		      : xasprintf("%s: %s", label_of(d), d->message);
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "view", "file");
	cJSON_AddStringToObject(req, "path", path);
	cJSON_AddNumberToObject(req, "line", d->line);
	cJSON_AddNumberToObject(req, "column", d->column);
	cJSON_AddStringToObject(req, "message", msg);
	cJSON_AddStringToObject(req, "level", d->level);
	if (v->source) {
		back = cJSON_Duplicate(v->source, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(back, "view");
		cJSON_AddStringToObject(back, "view", "diagnostics");
		cJSON_DeleteItemFromObjectCaseSensitive(back, "selected");
		cJSON_AddNumberToObject(back, "selected", d->index);
		if (v->title && !cJSON_GetObjectItemCaseSensitive(back, "title"))
			cJSON_AddStringToObject(back, "title", v->title);
		cJSON_AddItemToObject(req, "back", back);
	}
	free(msg);
	if (views_open(v->app, req)) {
		/* the viewer replaced this overlay (and freed v): nothing more to do */
		cJSON_Delete(req);
		free(path);
		return;
	}
	cJSON_Delete(req);
	free(path);
	open_editor(v, d);
}

/* Shows text (owned) under title (owned) in place of the list, from its first line. */
static void explain_open(struct diag_view *v, char *text, char *title)
{
	free(v->explain);
	free(v->explain_code);
	v->explain = text;
	v->explain_code = title;
	listview_set_count(&v->explain_lv, count_lines(text));
	listview_home(&v->explain_lv);
}

/* ---- a: a machine-applicable suggestion ---- */

static int fix_cmp(const void *pa, const void *pb)
{
	const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
	double x = cJSON_GetNumberValue(cJSON_GetObjectItem(a, "byte_start"));
	double y = cJSON_GetNumberValue(cJSON_GetObjectItem(b, "byte_start"));

	return x < y ? -1 : x > y;
}

static bool read_whole(struct strbuf *sb, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[8192];
	ssize_t r;

	strbuf_reset(sb);
	if (fd < 0)
		return false;
	while ((r = read(fd, buf, sizeof(buf))) > 0 && sb->len < (64u << 20))
		strbuf_add(sb, buf, (size_t)r);
	close(fd);
	return r == 0;
}

/* Lines [from, to) of text (0-based) with a prefix each, into out. */
static void diff_lines(struct strbuf *out, const char *text, size_t len, int from, int to, char mark)
{
	int line = 0;
	size_t i = 0;

	while (i < len && line < to) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (line >= from) {
			strbuf_addc(out, mark);
			strbuf_add(out, text + i, end - i);
			strbuf_addc(out, '\n');
		}
		line++;
		i = end + 1;
	}
}

static int line_count(const char *text, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	return len && text[len - 1] != '\n' ? n + 1 : n;
}

/* The line (0-based) that byte off is on. */
static int line_at(const char *text, size_t off)
{
	int n = 0;

	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n')
			n++;
	return n;
}

/* Builds the fix's new text and its diff; false (with a notice) when it cannot apply. */
static bool fix_prepare(struct diag_view *v, const struct diag_item *d)
{
	int n = cJSON_GetArraySize(d->fixes), first, last_old, last_new, ctx_from;
	const cJSON **f = xcalloc((size_t)n, sizeof(*f));
	const char *file = NULL;
	size_t pos = 0;
	struct strbuf diff = STRBUF_INIT;
	bool ok = false;

	for (int i = 0; i < n; i++) {
		f[i] = cJSON_GetArrayItem(d->fixes, i);
		const char *fi = cJSON_GetStringValue(cJSON_GetObjectItem(f[i], "file"));
		if (!fi || (file && strcmp(fi, file) != 0)) {
			app_notice(v->app, NOTICE_WARNING, "this suggestion changes more than one file; "
				   "use cargo fix");
			goto out;
		}
		file = fi;
	}
	qsort(f, (size_t)n, sizeof(*f), fix_cmp);
	free(v->fix_path);
	v->fix_path = item_path(v, file);
	if (!read_whole(&v->fix_old, v->fix_path)) {
		app_notice(v->app, NOTICE_WARNING, "cannot read %s: %s", file, strerror(errno));
		goto out;
	}
	strbuf_reset(&v->fix_new);
	for (int i = 0; i < n; i++) {
		double bs = cJSON_GetNumberValue(cJSON_GetObjectItem(f[i], "byte_start"));
		double be = cJSON_GetNumberValue(cJSON_GetObjectItem(f[i], "byte_end"));
		const char *repl = cJSON_GetStringValue(cJSON_GetObjectItem(f[i], "replacement"));
		if (!(bs >= 0) || !(be >= bs) || be > (double)v->fix_old.len || !repl) {
			app_notice(v->app, NOTICE_WARNING, "the suggestion no longer fits %s "
				   "(it changed since the build); build again", file);
			goto out;
		}
		if ((size_t)bs < pos) {
			/* the same replacement twice (a lib and its test target) is one */
			if (i && (size_t)bs == (size_t)cJSON_GetNumberValue(cJSON_GetObjectItem(f[i - 1], "byte_start")))
				continue;
			app_notice(v->app, NOTICE_WARNING, "the suggestion's parts overlap; use cargo fix");
			goto out;
		}
		strbuf_add(&v->fix_new, v->fix_old.buf + pos, (size_t)bs - pos);
		strbuf_adds(&v->fix_new, repl);
		pos = (size_t)be;
	}
	strbuf_add(&v->fix_new, v->fix_old.buf + pos, v->fix_old.len - pos);
	/* the changed lines: between the common head and the common tail */
	{
		size_t ol = v->fix_old.len, nl = v->fix_new.len, head = 0, tail = 0;
		while (head < ol && head < nl && v->fix_old.buf[head] == v->fix_new.buf[head])
			head++;
		while (tail < ol - head && tail < nl - head &&
		       v->fix_old.buf[ol - 1 - tail] == v->fix_new.buf[nl - 1 - tail])
			tail++;
		first = line_at(v->fix_old.buf, head);
		last_old = ol - tail > head ? line_at(v->fix_old.buf, ol - tail - 1) : first - 1;
		last_new = nl - tail > head ? line_at(v->fix_new.buf, nl - tail - 1) : first - 1;
		/* a change that ends in a newline is one line shorter than its span */
		if (last_old < first && last_new < first) {
			app_notice(v->app, NOTICE_INFO, "the suggestion changes nothing in %s", file);
			goto out;
		}
	}
	ctx_from = first > 2 ? first - 2 : 0;
	strbuf_addf(&diff, "--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n", file, file, ctx_from + 1,
		    last_old + 3 - ctx_from, ctx_from + 1, last_new + 3 - ctx_from);
	diff_lines(&diff, v->fix_old.buf, v->fix_old.len, ctx_from, first, ' ');
	diff_lines(&diff, v->fix_old.buf, v->fix_old.len, first, last_old + 1, '-');
	diff_lines(&diff, v->fix_new.buf, v->fix_new.len, first, last_new + 1, '+');
	diff_lines(&diff, v->fix_old.buf, v->fix_old.len, last_old + 1,
		   last_old + 3 < line_count(v->fix_old.buf, v->fix_old.len) ? last_old + 3 :
		   line_count(v->fix_old.buf, v->fix_old.len), ' ');
	explain_open(v, strbuf_detach(&diff), xasprintf("suggested change to %s (machine-applicable)", file));
	ok = true;
out:
	if (!ok) {
		free(v->fix_path);
		v->fix_path = NULL;
	}
	strbuf_free(&diff);
	free(f);
	return ok;
}

/* y on the diff: writes the new text, if the file is still what the diff was made from. */
static void fix_apply(struct diag_view *v)
{
	struct strbuf now = STRBUF_INIT;
	struct stat st;
	char *tmp = xasprintf("%s.rwb-fix", v->fix_path);
	int fd;
	bool done = false;

	if (!read_whole(&now, v->fix_path) || now.len != v->fix_old.len ||
	    memcmp(now.buf ? now.buf : "", v->fix_old.buf ? v->fix_old.buf : "", now.len) != 0) {
		app_notice(v->app, NOTICE_WARNING, "%s changed since the diff was shown; not written",
			   v->fix_path);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  stat(v->fix_path, &st) == 0 ? st.st_mode & 07777 : 0644);
	if (fd >= 0) {
		done = write(fd, v->fix_new.buf ? v->fix_new.buf : "", v->fix_new.len) == (ssize_t)v->fix_new.len;
		done = close(fd) == 0 && done && rename(tmp, v->fix_path) == 0;
	}
	if (!done) {
		unlink(tmp);
		app_notice(v->app, NOTICE_WARNING, "cannot write %s: %s", v->fix_path, strerror(errno));
		goto out;
	}
	cJSON_Delete(v->items[v->lv.cursor].fixes);
	v->items[v->lv.cursor].fixes = NULL;
	app_notice(v->app, NOTICE_INFO, "applied the suggestion to %s (build again to refresh the list)",
		   v->fix_path);
out:
	strbuf_free(&now);
	free(tmp);
}

static void explain_close(struct diag_view *v)
{
	free(v->explain);
	free(v->explain_code);
	free(v->fix_path);
	v->explain = v->explain_code = v->fix_path = NULL;
}

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* An explanation or a fix's diff */

static int k_explain_back(void *self, const struct key *k)
{
	(void)k;
	explain_close(self);
	return DONE;
}

static int k_fix_apply(void *self, const struct key *k)
{
	(void)k;
	fix_apply(self);
	explain_close(self);
	return DONE;
}

static int k_explain_scroll(void *self, const struct key *k)
{
	struct diag_view *v = self;

	keys_list_scroll(&v->explain_lv, k);
	return DONE;
}

#define B_SCROLL(h) { .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, Down/Up", \
		      .help = "scroll a line", .hint = (h), .run = k_explain_scroll }, \
		    { .keys = { KB_C(KEY_NPAGE), ' ', KB_C(KEY_PPAGE) }, .label = "PgDn/Space, PgUp", \
		      .help = "scroll a page", .run = k_explain_scroll }
#define B_BACK { .keys = { 27, 'q' }, .label = "Esc/q", .help = "back to the list", .hint = "back to the list", \
		 .run = k_explain_back }

static const struct keybind explain_binds[] = { B_SCROLL("scroll"), B_BACK };
const struct keymap diag_explain_keys = KEYMAP("Diagnostics: an explanation (e)", explain_binds);

static const struct keybind fix_binds[] = {
	{ .keys = { 'y' }, .label = "y", .help = "apply this change to the file", .hint = "apply this change",
	  .run = k_fix_apply },
	B_SCROLL(NULL), B_BACK,
};
const struct keymap diag_fix_keys = KEYMAP("Diagnostics: a suggested fix (a)", fix_binds);

/* The list */

static int k_move(void *self, const struct key *k)
{
	struct diag_view *v = self;
	long sel = v->lv.cursor;

	/* n and p wrap around; the other keys stop at the ends */
	if (keys_id(k) == 'n')
		listview_select(&v->lv, sel + 1 < v->lv.count ? sel + 1 : 0);
	else if (keys_id(k) == 'p')
		listview_select(&v->lv, sel > 0 ? sel - 1 : v->lv.count - 1);
	else
		keys_list_move(&v->lv, k);
	return DONE;
}

static int k_unfold(void *self, const struct key *k)
{
	struct diag_view *v = self;
	struct diag_item *d = &v->items[v->lv.cursor];
	int id = keys_id(k);

	if (!d->rendered)
		app_notice(v->app, NOTICE_INFO, "this item has no rendered text");
	else
		d->unfolded = id == KB_C(KEY_RIGHT) ? true : id == KB_C(KEY_LEFT) ? false : !d->unfolded;
	return DONE;
}

static int k_explain(void *self, const struct key *k)
{
	struct diag_view *v = self;
	const char *code = v->items[v->lv.cursor].code;
	bool clippy = code && strncmp(code, "clippy::", 8) == 0;
	char *text = code ? cargo_explain(code) : NULL;

	(void)k;
	if (!text) {
		app_notice(v->app, NOTICE_INFO, "%s", !code ? "this item has no code to explain" :
			   clippy ? "cargo clippy --explain knows no such lint (is clippy installed?)" :
			   code[0] == 'E' ? "rustc --explain has no text for this code" :
			   "a rustc lint: the unfolded text (Space) says what it checks");
		return DONE;
	}
	explain_close(v);
	explain_open(v, text, clippy ? xasprintf("cargo clippy --explain %s", code + 8)
				     : xasprintf("rustc --explain %s", code));
	return DONE;
}

static int k_fix(void *self, const struct key *k)
{
	struct diag_view *v = self;

	(void)k;
	if (!v->items[v->lv.cursor].fixes)
		app_notice(v->app, NOTICE_INFO, "this item has no machine-applicable suggestion");
	else
		fix_prepare(v, &v->items[v->lv.cursor]);
	return DONE;
}

static int k_editor(void *self, const struct key *k)
{
	struct diag_view *v = self;

	(void)k;
	open_editor(v, &v->items[v->lv.cursor]);
	return DONE;
}

static int k_open(void *self, const struct key *k)
{
	(void)k;
	open_selected(self);
	return DONE;
}

static int k_close(void *self, const struct key *k)
{
	(void)self;
	(void)k;
	return OVERLAY_CLOSE;
}

static const struct keybind diag_binds[] = {
	{ .keys = { '\n', '\r', KB_C(KEY_ENTER) }, .label = "Enter", .help = "the file at the line (q comes back)",
	  .hint = "view", .run = k_open },
	{ .keys = { 'o' }, .label = "o", .help = "open $EDITOR at the line and column", .hint = "$EDITOR",
	  .run = k_editor },
	{ .keys = { ' ', KB_C(KEY_RIGHT), KB_C(KEY_LEFT) }, .label = "Space, Right/Left",
	  .help = "unfold or fold what rustc printed (a test's output)", .hint = "unfold", .run = k_unfold },
	{ .keys = { 'n', 'p' }, .label = "n/p", .help = "next / previous item (wraps around)", .hint = "next/prev",
	  .run = k_move },
	{ .keys = { 'e' }, .label = "e", .help = "explain the code (rustc or clippy --explain)", .hint = "explain",
	  .run = k_explain },
	{ .keys = { 'a' }, .label = "a", .help = "apply the machine-applicable suggestion (shows its diff first)",
	  .hint = "apply fix", .run = k_fix },
	{ .keys = { 27, 'q' }, .label = "Esc/q", .help = "close", .hint = "close", .run = k_close },
	{ .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .run = k_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page", .run = k_move },
	{ .keys = { 'g', 'G', KB_C(KEY_HOME), KB_C(KEY_END) }, .label = "g/G, Home/End", .help = "first / last item",
	  .run = k_move },
};
const struct keymap diag_keys = KEYMAP("Diagnostics (a build's errors, a test run's failures)", diag_binds);

static int view_key(void *state, const struct key *k)
{
	struct diag_view *v = state;

	if (v->explain) {
		keymap_dispatch(v->fix_path ? &diag_fix_keys : &diag_explain_keys, v, k);
		return DONE;
	}
	if (!v->n)
		return PANE_IGNORED;
	return keymap_dispatch(&diag_keys, v, k);
}

static const char *view_right(void *state)
{
	struct diag_view *v = state;
	return v->right;
}

static const struct view_ops diag_ops = {
	.name = "diagnostics",
	.draw = view_draw,
	.key = view_key,
	.border_right = view_right,
	.destroy = view_free,
};

static void add_item(struct diag_view *v, const cJSON *d, bool failure, int index)
{
	struct diag_item *it = &v->items[v->n++];
	const cJSON *fixes = cJSON_GetObjectItemCaseSensitive(d, "fixes");
	const char *rendered = failure ? jstr(d, "output") : jstr(d, "rendered");

	it->index = index;
	it->failure = failure;
	it->level = xstrdup(failure ? "failed" : jstr(d, "level"));
	it->code = !failure && jstr(d, "code") ? xstrdup(jstr(d, "code")) : NULL;
	if (failure)
		it->message = jstr(d, "message") ? xasprintf("%s: %s", jstr(d, "name") ? jstr(d, "name") : "?",
							      jstr(d, "message"))
						 : xstrdup(jstr(d, "name") ? jstr(d, "name") : "?");
	else
		it->message = xstrdup(jstr(d, "message") ? jstr(d, "message") : "");
	it->file = jstr(d, "file") ? xstrdup(jstr(d, "file")) : NULL;
	it->line = jint(d, "line");
	it->column = jint(d, "column");
	/* the store keeps rustc's colours; they are drawn as text, so drop them */
	it->rendered = rendered && *rendered ? cargomsg_strip_ansi(rendered) : NULL;
	if (cJSON_IsArray(fixes) && cJSON_GetArraySize(fixes) > 0)
		it->fixes = cJSON_Duplicate(fixes, 1);
	switch (level_rank(it->level)) {
	case 0: v->errors++; break;
	case 1: v->failures++; break;
	case 2: v->warnings++; break;
	default: break;
	}
}

bool view_diagnostics_open(struct app *a, const cJSON *result)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(result, "diagnostics"), *d;
	const cJSON *fails = cJSON_GetObjectItemCaseSensitive(result, "failures");
	const cJSON *selected = cJSON_GetObjectItemCaseSensitive(result, "selected");
	const char *title = jstr(result, "title");
	struct diag_view *v;
	int cap = 0, index = 0;

	if (!cJSON_IsArray(arr) && !cJSON_IsArray(fails)) {
		app_notice(a, NOTICE_WARNING, "no diagnostics to show");
		return false;
	}
	v = xcalloc(1, sizeof(*v));
	v->app = a;
	cap = cJSON_GetArraySize(arr) + cJSON_GetArraySize(fails);
	v->items = xcalloc((size_t)(cap > 0 ? cap : 1), sizeof(*v->items));
	cJSON_ArrayForEach(d, arr) {
		if (cJSON_IsObject(d) && jstr(d, "level") && v->n < cap)
			add_item(v, d, false, index);
		index++;
	}
	cJSON_ArrayForEach(d, fails) {
		if (cJSON_IsObject(d) && v->n < cap)
			add_item(v, d, true, index);
		index++;
	}
	qsort(v->items, (size_t)v->n, sizeof(*v->items), item_cmp);
	listview_set_count(&v->lv, v->n);
	if (cJSON_IsNumber(selected))
		for (int i = 0; i < v->n; i++)
			if (v->items[i].index == selected->valueint)
				listview_select(&v->lv, i);
	if (v->failures && !v->errors && !v->warnings)
		snprintf(v->right, sizeof(v->right), "%d failed test%s", v->failures,
			 v->failures == 1 ? "" : "s");
	else
		snprintf(v->right, sizeof(v->right), "%d error%s, %d warning%s", v->errors,
			 v->errors == 1 ? "" : "s", v->warnings, v->warnings == 1 ? "" : "s");
	v->source = cJSON_Duplicate(result, 1);
	v->title = xstrdup(title ? title : "Diagnostics");
	app_open_overlay(a, &diag_ops, v, v->title);
	return true;
}
