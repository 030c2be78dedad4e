/*
 * viewer.c - the read-only file view and the grep results list.
 *
 * The file is mapped, never read whole, so a 1 GB log opens at once. Lines
 * are found through a sparse index built as far as the view has needed:
 * the start of every 64th line, extended with memchr() when a key asks for
 * a line (or a search hit) further on. Binary files (a NUL in the first
 * 8 KiB) are shown as a hex dump, 16 bytes a row. Rust sources are
 * highlighted with rustlex, whose per-line state is warmed up over the 200
 * lines above the screen. Every byte reaches the terminal through
 * draw_textn(), so escape sequences in a file are shown, never sent.
 *
 * Keys: j/k or arrows, PgDn/PgUp/space/b, g/G (or Home/End) first/last
 * line, :N Enter goes to line N, / TEXT Enter searches forward, n/N next
 * and previous hit, q/Esc closes (back to the grep list or the diagnostics
 * list it came from). Opened from the diagnostics list, the diagnostic's
 * line is marked in the gutter (>) and its message stays on the bottom line.
 *
 * The grep list ("view":"grep") shows file:line:text rows; Enter opens
 * the viewer at the row's line, and closing the viewer comes back to it.
 */
#define _GNU_SOURCE
#include "overlay.h"
#include "app.h"
#include "coverage.h"
#include "draw.h"
#include "error.h"
#include "files.h"
#include "keys.h"
#include "listview.h"
#include "rustlex.h"
#include "sanitize.h"
#include "theme.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK_EVERY 64          /* a mark for every 64th line start */
#define HEX_WIDTH 16           /* bytes per row of a binary file */
#define WARM_LINES 200         /* lines lexed above the screen for highlighting */
#define LINE_DRAW_MAX 8192     /* bytes of one line considered for drawing */
#define INDEX_STEP (8u << 20)  /* bytes indexed per step while searching */

enum viewer_mode { MODE_NORMAL, MODE_SEARCH, MODE_GOTO };

struct grepview;

struct viewer {
	struct app *app;        /* borrowed */
	char *path;             /* owned: absolute path */
	const char *map;        /* owned mapping of size bytes, NULL when empty */
	size_t size;
	bool binary;            /* hex dump rows instead of lines */
	bool rust;              /* highlight with rustlex */
	size_t *marks;          /* owned: marks[k] = offset of line k*MARK_EVERY+1 */
	size_t nmarks, capmarks;
	size_t scanned;         /* bytes indexed so far */
	long lines;             /* line starts known so far */
	bool complete;          /* the whole file is indexed: lines is the total */
	struct listview lv;     /* over the lines known (count = lines): the current line is cursor + 1 */
	enum viewer_mode mode;
	char input[256];        /* what is typed after / or : */
	size_t input_len;
	char *query;            /* owned: the last search, or NULL */
	char status[200];       /* message for the bottom line */
	char border[96];
	struct grepview *back;  /* owned while set: the list to return to */
	cJSON *back_view;       /* owned: the result that reopens the list it came from, or NULL */
	long mark_line;         /* the diagnostic's line (marked), 0 when none */
	int mark_column;
	char *mark_msg;         /* owned: its message, or NULL */
	bool mark_error;        /* an error or failure (else a warning) */
	struct coverage_file cov; /* owned: the last coverage run's lines, for the marker column */
};

static const struct view_ops viewer_ops;
static const struct view_ops grep_ops;
static void grepview_free(void *state);

/* ---- the line index ---- */

static void add_mark(struct viewer *v, size_t off)
{
	if (v->nmarks == v->capmarks) {
		v->capmarks = v->capmarks ? 2 * v->capmarks : 1024;
		v->marks = xrealloc(v->marks, v->capmarks * sizeof(*v->marks));
	}
	v->marks[v->nmarks++] = off;
}

/* Indexes until `want` lines are known, `upto` bytes are scanned, or EOF. */
static void index_to(struct viewer *v, long want, size_t upto)
{
	if (v->binary) {
		v->lines = v->size ? (long)((v->size + HEX_WIDTH - 1) / HEX_WIDTH) : 1;
		v->complete = true;
		v->scanned = v->size;
		return;
	}
	while (!v->complete && (v->lines < want || v->scanned < upto)) {
		const char *nl = memchr(v->map + v->scanned, '\n', v->size - v->scanned);
		if (!nl) {
			v->scanned = v->size;
			v->complete = true;
			break;
		}
		v->scanned = (size_t)(nl - v->map) + 1;
		if (v->scanned >= v->size) {
			v->complete = true;
			break;
		}
		v->lines++;
		if ((v->lines - 1) % MARK_EVERY == 0)
			add_mark(v, v->scanned);
	}
}

/* Byte range of line n (1-based, must be known). */
static void line_range(struct viewer *v, long n, size_t *start, size_t *end)
{
	size_t off;
	long k;

	if (v->binary) {
		*start = (size_t)(n - 1) * HEX_WIDTH;
		*end = *start + HEX_WIDTH > v->size ? v->size : *start + HEX_WIDTH;
		return;
	}
	if (!v->size) {
		*start = *end = 0;
		return;
	}
	k = (n - 1) / MARK_EVERY;
	off = v->marks[k];
	for (long i = k * MARK_EVERY + 1; i < n; i++) {
		const char *nl = memchr(v->map + off, '\n', v->size - off);
		off = nl ? (size_t)(nl - v->map) + 1 : v->size;
	}
	*start = off;
	{
		const char *nl = memchr(v->map + off, '\n', v->size - off);
		*end = nl ? (size_t)(nl - v->map) : v->size;
	}
}

/* The line holding byte off. */
static long line_of(struct viewer *v, size_t off)
{
	size_t lo = 0, hi;
	long line;

	if (v->binary)
		return (long)(off / HEX_WIDTH) + 1;
	index_to(v, 0, off + 1);
	hi = v->nmarks;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (v->marks[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	line = (long)lo * MARK_EVERY + 1;
	for (const char *p = v->map + v->marks[lo]; (p = memchr(p, '\n', (size_t)(v->map + off - p)));
	     p++)
		line++;
	return line;
}

/* Indexes until `want` lines are known (or EOF), and the list has them. */
static void known(struct viewer *v, long want)
{
	index_to(v, want, 0);
	listview_set_count(&v->lv, v->lines);
}

/* Moves to line n and shows it a third of the way down. */
static void go_line(struct viewer *v, long n)
{
	known(v, n < LONG_MAX - v->lv.rows ? n + v->lv.rows : LONG_MAX);
	listview_select_at(&v->lv, n - 1, v->lv.rows > 3 ? v->lv.rows / 3 : 0);
}

/* ---- opening ---- */

static int viewer_new(struct viewer **out, struct app *a, const char *path, long line)
{
	struct viewer *v;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n;

	*out = NULL;
	if (fd < 0)
		return rwb_fail(RWB_EIO, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return rwb_fail(RWB_EINPUT, "%s is not a regular file", path);
	}
	v = xcalloc(1, sizeof(*v));
	v->app = a;
	v->path = xstrdup(path);
	v->size = (size_t)st.st_size;
	if (v->size) {
		void *m = mmap(NULL, v->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			int rc = rwb_fail(RWB_EIO, "cannot map %s: %s", path, strerror(errno));
			close(fd);
			free(v->path);
			free(v);
			return rc;
		}
		v->map = m;
		madvise(m, v->size, MADV_SEQUENTIAL);
	}
	close(fd);
	v->binary = v->size && files_looks_binary(v->map, v->size);
	n = strlen(path);
	v->rust = !v->binary && n > 3 && strcmp(path + n - 3, ".rs") == 0;
	add_mark(v, 0);
	v->lines = 1;
	v->complete = v->size == 0;
	listview_set_rows(&v->lv, 20);  /* the window until the first draw (go_line) */
	coverage_file_load(&v->cov, app_store(a), path);
	go_line(v, line > 0 ? line : 1);
	if (line > v->lines)
		snprintf(v->status, sizeof(v->status), "the file has %ld lines", v->lines);
	else if (v->cov.found)
		coverage_status(v->status, sizeof(v->status), &v->cov);
	*out = v;
	return 0;
}

static void viewer_free(void *state)
{
	struct viewer *v = state;

	if (!v)
		return;
	if (v->map)
		munmap((void *)v->map, v->size);
	grepview_free(v->back);
	cJSON_Delete(v->back_view);
	free(v->mark_msg);
	free(v->marks);
	free(v->query);
	free(v->path);
	coverage_file_release(&v->cov);
	free(v);
}

/* ---- drawing ---- */

/* Draws bytes with per-byte attributes, expanding tabs; returns the column after. */
static int draw_attr_run(WINDOW *w, int y, int x, int maxx, const char *s, size_t n, const attr_t *attrs, int x0)
{
	size_t i = 0;

	while (i < n && x < maxx) {
		size_t j = i;
		if (s[i] == '\t') {
			int to = x0 + ((x - x0) / 8 + 1) * 8;
			if (to > maxx)
				to = maxx;
			draw_fill(w, y, x, to - x, attrs[i]);
			x = to;
			i++;
			continue;
		}
		while (j < n && s[j] != '\t' && attrs[j] == attrs[i])
			j++;
		x += draw_textn(w, y, x, maxx - x, s + i, j - i, attrs[i]);
		i = j;
	}
	return x;
}

static void draw_hex_row(struct viewer *v, WINDOW *w, int y, int x, int maxx, long row)
{
	size_t start, end;
	char buf[HEX_WIDTH * 4 + 32];
	int n = 0;

	line_range(v, row, &start, &end);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%08zx  ", start);
	for (size_t i = start; i < start + HEX_WIDTH; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, i < end ? "%02x " : "   ",
			      i < end ? (unsigned char)v->map[i] : 0);
	buf[n++] = ' ';
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)v->map[i];
		buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	buf[n] = '\0';
	draw_text(w, y, x, maxx - x, buf, theme_attr(RWB_COLOR_DEFAULT));
}

/* A hint line from a key table, into line. */
static void hint_line(char *line, size_t n, const struct keymap *m)
{
	struct strbuf sb = STRBUF_INIT;

	keymap_hint(&sb, m);
	snprintf(line, n, "%s", strbuf_str(&sb));
	strbuf_free(&sb);
}

static void viewer_draw(void *state, WINDOW *w, int rows, int cols, bool focused)
{
	struct viewer *v = state;
	int text_rows = rows > 1 ? rows - 1 : rows, gutter;
	long top, cur, last, first_lex;
	struct rustlex lx;
	attr_t *attrs = xmalloc(LINE_DRAW_MAX * sizeof(*attrs));
	char num[64];

	(void)focused;  /* an open overlay has the keyboard */
	/* the lines of the window wherever it settles: around the cursor, or below the top */
	known(v, (v->lv.cursor > v->lv.top ? v->lv.cursor : v->lv.top) + 1 + text_rows);
	listview_set_rows(&v->lv, text_rows);
	top = v->lv.top + 1;
	cur = v->lv.cursor + 1;
	last = top + text_rows - 1;
	if (last > v->lines)
		last = v->lines;
	snprintf(num, sizeof(num), "%ld", last > 9999 ? last : 9999);
	gutter = (int)strlen(num) + 1 + (v->cov.found ? 1 : 0);  /* the coverage marker column */
	if (v->binary)
		gutter = 0;
	first_lex = v->rust ? (top > WARM_LINES ? top - WARM_LINES : 1) : top;
	rustlex_init(&lx, NULL, 0);
	for (long ln = first_lex; ln <= last; ln++) {
		int y = (int)(ln - top);
		size_t start, end, n;
		const char *s;

		line_range(v, ln, &start, &end);
		s = v->map ? v->map + start : "";
		n = end - start;
		if (n > LINE_DRAW_MAX)
			n = LINE_DRAW_MAX;
		for (size_t i = 0; i < n; i++)
			attrs[i] = theme_attr(RWB_COLOR_DEFAULT);
		if (v->rust) {
			struct rust_token t;
			rustlex_init_line(&lx, s, n);
			while (rustlex_next(&lx, &t)) {
				attr_t at = theme_attr(draw_rust_role(&t, s, n));
				for (size_t i = t.start; i < t.start + t.len && i < n; i++)
					attrs[i] = at;
			}
		}
		if (ln < top)
			continue;
		if (v->binary) {
			draw_hex_row(v, w, y, 0, cols, ln);
			continue;
		}
		if (v->query && *v->query) {
			size_t ql = strlen(v->query);
			for (const char *m = s; (m = memmem(m, n - (size_t)(m - s), v->query, ql)); m += ql)
				for (size_t i = (size_t)(m - s); i < (size_t)(m - s) + ql && i < n; i++)
					attrs[i] = theme_attr(RWB_COLOR_MATCH);
		}
		/* digits, the coverage column when there is one, the diagnostic's mark */
		snprintf(num, sizeof(num), "%*ld%s%c", gutter > 24 ? 23 : gutter - 1 - v->cov.found, ln,
			 v->cov.found ? " " : "", ln == v->mark_line ? '>' : ' ');
		draw_text(w, y, 0, cols, num, theme_attr(ln == cur ? RWB_COLOR_SELECTION :
							 ln == v->mark_line ? (v->mark_error ? RWB_COLOR_NOTICE_CRITICAL
										: RWB_COLOR_NOTICE_WARNING) :
							 RWB_COLOR_LINE_NUMBER));
		if (v->cov.found && coverage_marker(&v->cov, (int)ln) != ' ')
			draw_text(w, y, gutter - 2, cols, "!", theme_attr(RWB_COLOR_DIFF_DEL));
		if (n && s[n - 1] == '\r')
			n--;
		draw_attr_run(w, y, gutter, cols, s, n, attrs, gutter);
	}
	free(attrs);
	/* the bottom line: the prompt, a message, or the keys */
	if (rows > 1) {
		char line[300];
		draw_fill(w, rows - 1, 0, cols, theme_attr(RWB_COLOR_STATUS_BAR));
		if (v->mode != MODE_NORMAL)
			snprintf(line, sizeof(line), "%c%.*s", v->mode == MODE_SEARCH ? '/' : ':', (int)v->input_len, v->input);
		else if (v->status[0])
			snprintf(line, sizeof(line), "%s", v->status);
		else if (v->mark_msg)
			snprintf(line, sizeof(line), "> %ld:%d %s   (q back to the list)", v->mark_line,
				 v->mark_column, v->mark_msg);
		else
			hint_line(line, sizeof(line), &viewer_keys);
		draw_text(w, rows - 1, 0, cols, line, theme_attr(RWB_COLOR_STATUS_BAR));
	}
}

static const char *viewer_border(void *state)
{
	struct viewer *v = state;

	if (v->binary)
		snprintf(v->border, sizeof(v->border), " binary, %zu bytes (hex) ", v->size);
	else
		snprintf(v->border, sizeof(v->border), " line %ld/%ld%s ", v->lv.cursor + 1, v->lines, v->complete ? "" : "+");
	return v->border;
}

static bool viewer_cursor(void *state, int *y, int *x)
{
	struct viewer *v = state;

	if (v->mode == MODE_NORMAL)
		return false;
	*y = v->lv.rows;
	*x = 1 + (int)sanitize_width(v->input, v->input_len);
	return true;
}

/* ---- search ---- */

static void search(struct viewer *v, bool forward)
{
	size_t ql, start, end, from;
	const char *hit = NULL;
	bool wrapped = false;

	if (!v->query || !*v->query) {
		snprintf(v->status, sizeof(v->status), "no search yet: type / and the text");
		return;
	}
	if (!v->size) {
		snprintf(v->status, sizeof(v->status), "not found: %s", v->query);
		return;
	}
	ql = strlen(v->query);
	line_range(v, v->lv.cursor + 1, &start, &end);
	if (forward) {
		from = end < v->size ? end + 1 : v->size;
		hit = memmem(v->map + from, v->size - from, v->query, ql);
		if (!hit) {
			hit = memmem(v->map, from, v->query, ql);
			wrapped = true;
		}
	} else {
		/* the last hit before the current line, else the last in the file */
		for (int pass = 0; pass < 2 && !hit; pass++) {
			size_t limit = pass == 0 ? start : v->size;
			for (const char *m = v->map; (m = memmem(m, limit - (size_t)(m - v->map), v->query, ql)); m++)
				hit = m;
			wrapped = pass == 1;
		}
	}
	if (!hit) {
		char *q = sanitize_dup(v->query, 0);
		snprintf(v->status, sizeof(v->status), "not found: %s", q);
		free(q);
		return;
	}
	go_line(v, line_of(v, (size_t)(hit - v->map)));
	snprintf(v->status, sizeof(v->status), "%s", wrapped ? "search wrapped around" : "");
}

/* ---- keys ---- */

static int back_to_list(struct viewer *v);

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* The / or : line */

static int k_input_enter(void *self, const struct key *k)
{
	struct viewer *v = self;
	enum viewer_mode m = v->mode;

	(void)k;
	v->input[v->input_len] = '\0';
	v->mode = MODE_NORMAL;
	if (m == MODE_SEARCH) {
		if (v->input_len) {
			free(v->query);
			v->query = xstrdup(v->input);
		}
		search(v, true);
	} else {
		char *end;
		long n = strtol(v->input, &end, 10);
		if (!v->input_len || *end || n < 1)
			snprintf(v->status, sizeof(v->status), "not a line number: type :N with N from 1");
		else
			go_line(v, n);
	}
	return DONE;
}

static int k_input_cancel(void *self, const struct key *k)
{
	struct viewer *v = self;

	(void)k;
	v->mode = MODE_NORMAL;
	return DONE;
}

static int k_input_backspace(void *self, const struct key *k)
{
	struct viewer *v = self;

	(void)k;
	while (v->input_len && (v->input[v->input_len - 1] & 0xC0) == 0x80)
		v->input_len--;
	if (v->input_len)
		v->input_len--;
	else
		v->mode = MODE_NORMAL;
	return DONE;
}

static const struct keybind input_binds[] = {
	{ .keys = { '\r', '\n' }, .label = "Enter", .help = "search, or go to the line", .run = k_input_enter },
	{ .keys = { 27 }, .label = "Esc", .help = "cancel", .run = k_input_cancel },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H",
	  .help = "delete a character (on an empty line: cancel)", .run = k_input_backspace },
};
const struct keymap viewer_input_keys = KEYMAP("File viewer: the / or : line", input_binds);

/* Reading */

static int k_move(void *self, const struct key *k)
{
	struct viewer *v = self;
	int id = keys_id(k);

	/* G needs the whole file; a line or a page, what the window can reach */
	known(v, id == 'G' || id == KB_C(KEY_END) ? LONG_MAX : v->lv.cursor + 1 + 2L * (v->lv.rows + 1));
	if (id == '\r')
		listview_move(&v->lv, 1);
	else
		keys_list_move(&v->lv, k);
	return DONE;
}

static int k_prompt(void *self, const struct key *k)
{
	struct viewer *v = self;

	v->mode = keys_id(k) == '/' ? MODE_SEARCH : MODE_GOTO;
	v->input_len = 0;
	return DONE;
}

static int k_next(void *self, const struct key *k)
{
	struct viewer *v = self;

	search(v, keys_id(k) == 'n');
	return DONE;
}

static int k_back(void *self, const struct key *k)
{
	struct viewer *v = self;

	(void)k;
	if (v->back)
		return back_to_list(v);
	if (v->back_view) {
		cJSON *back = v->back_view;
		struct app *a = v->app;
		v->back_view = NULL;
		/* replaces (and frees) the viewer: v is not touched after this */
		if (!views_open(a, back))
			app_close_overlay(a);
		cJSON_Delete(back);
		return PANE_HANDLED;
	}
	return PANE_IGNORED;  /* the app closes the view */
}

static const struct keybind viewer_binds[] = {
	{ .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP), '\r' }, .label = "j/k, Down/Up, Enter",
	  .help = "a line down / up", .hint = "scroll", .run = k_move },
	{ .keys = { '/' }, .label = "/", .help = "search (a regular expression)", .hint = "search", .run = k_prompt },
	{ .keys = { 'n', 'N' }, .label = "n/N", .help = "next / previous match", .hint = "next/prev", .run = k_next },
	{ .keys = { ':' }, .label = ":", .help = "go to line N (type :N, Enter)", .hint = "N go to line",
	  .run = k_prompt },
	{ .keys = { 'g', 'G', KB_C(KEY_HOME), KB_C(KEY_END) }, .label = "g/G, Home/End", .help = "first / last line",
	  .hint = "first/last", .run = k_move },
	{ .keys = { 'q', 27 }, .label = "q/Esc", .help = "close (back to the list it was opened from)",
	  .hint = "close", .run = k_back },
	{ .keys = { KB_C(KEY_NPAGE), ' ', KEY_CTRL('f'), KB_C(KEY_PPAGE), 'b', KEY_CTRL('b') },
	  .label = "PgDn/Space/Ctrl-F, PgUp/b/Ctrl-B", .help = "a page down / up", .run = k_move },
};
const struct keymap viewer_keys = KEYMAP("File viewer", viewer_binds);

static int viewer_key(void *state, const struct key *k)
{
	struct viewer *v = state;

	if (v->mode != MODE_NORMAL) {
		if (keymap_dispatch(&viewer_input_keys, v, k) != PANE_IGNORED)
			return DONE;
		if (!k->is_code && !k->alt && k->ch >= 32 && k->ch != 127) {
			char mb[8];
			int n = wctomb(mb, (wchar_t)k->ch);
			if (n > 0 && v->input_len + (size_t)n < sizeof(v->input) - 1) {
				memcpy(v->input + v->input_len, mb, (size_t)n);
				v->input_len += (size_t)n;
			}
		}
		return DONE;
	}
	v->status[0] = '\0';
	return keymap_dispatch(&viewer_keys, v, k);
}

static const struct view_ops viewer_ops = {
	.name = "file",
	.draw = viewer_draw,
	.key = viewer_key,
	.border_right = viewer_border,
	.cursor = viewer_cursor,
	.destroy = viewer_free,
};

static char *title_of(const char *path)
{
	return sanitize_dup(path, 0);
}

bool view_file_open(struct app *a, const cJSON *result)
{
	const cJSON *path = cJSON_GetObjectItem(result, "path"), *line = cJSON_GetObjectItem(result, "line");
	struct viewer *v;
	char *title;

	if (!cJSON_IsString(path))
		return false;
	if (viewer_new(&v, a, path->valuestring, cJSON_IsNumber(line) ? (long)line->valuedouble : 1) != 0) {
		app_notice(a, NOTICE_WARNING, "%s", rwb_last_error());
		return false;
	}
	{
		const cJSON *mark = cJSON_GetObjectItem(result, "message");
		const cJSON *col = cJSON_GetObjectItem(result, "column");
		const cJSON *back = cJSON_GetObjectItem(result, "back");
		const char *level = cJSON_GetStringValue(cJSON_GetObjectItem(result, "level"));
		if (cJSON_IsString(mark)) {
			v->mark_line = cJSON_IsNumber(line) && line->valuedouble >= 1 ? (long)line->valuedouble : 1;
			v->mark_column = cJSON_IsNumber(col) && col->valuedouble >= 0 && col->valuedouble < 1e9
					 ? (int)col->valuedouble : 0;
			v->mark_msg = xstrdup(mark->valuestring);
			v->mark_error = !level || strcmp(level, "warning") != 0;
		}
		if (cJSON_IsObject(back))
			v->back_view = cJSON_Duplicate(back, 1);
	}
	title = title_of(path->valuestring);
	app_open_overlay(a, &viewer_ops, v, title);
	free(title);
	return true;
}

/* ---- the grep results list ---- */

struct grepview {
	struct app *app;        /* borrowed */
	cJSON *matches;         /* owned copy of the result's "matches" */
	char *root;             /* owned: what the files are relative to */
	int n;                  /* matches */
	struct listview lv;     /* over matches */
	bool handed_off;        /* a viewer owns this list while it is open */
	char status[320];
	char border[64];
};

static void grepview_free(void *state)
{
	struct grepview *g = state;

	if (!g || g->handed_off)
		return;
	cJSON_Delete(g->matches);
	free(g->root);
	free(g);
}

static void grep_draw(void *state, WINDOW *w, int rows, int cols, bool focused)
{
	struct grepview *g = state;
	int text_rows = rows > 1 ? rows - 1 : rows;

	(void)focused;  /* an open overlay has the keyboard */
	listview_set_rows(&g->lv, text_rows);
	for (int y = 0; y < text_rows && g->lv.top + y < g->n; y++) {
		const cJSON *m = cJSON_GetArrayItem(g->matches, (int)g->lv.top + y);
		const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(m, "file"));
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(m, "text"));
		bool sel = g->lv.top + y == g->lv.cursor;
		char num[32];
		int x = 0;

		if (sel)
			draw_fill(w, y, 0, cols, theme_attr(RWB_COLOR_SELECTION));
		x += draw_text(w, y, x, cols - x, file ? file : "?",
			       theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIFF_HEADER));
		snprintf(num, sizeof(num), ":%d: ", cJSON_GetObjectItem(m, "line") ? cJSON_GetObjectItem(m, "line")->valueint : 0);
		x += draw_text(w, y, x, cols - x, num, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_LINE_NUMBER));
		if (text) {
			const char *t = text + strspn(text, " \t");
			draw_text(w, y, x, cols - x, t, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DEFAULT));
		}
	}
	if (rows > 1) {
		draw_fill(w, rows - 1, 0, cols, theme_attr(RWB_COLOR_STATUS_BAR));
		char line[300];
		hint_line(line, sizeof(line), &grep_keys);
		draw_text(w, rows - 1, 0, cols, g->status[0] ? g->status : line, theme_attr(RWB_COLOR_STATUS_BAR));
	}
}

static const char *grep_border(void *state)
{
	struct grepview *g = state;

	snprintf(g->border, sizeof(g->border), " %ld/%d ", g->n ? g->lv.cursor + 1 : 0, g->n);
	return g->border;
}

static int k_grep_move(void *self, const struct key *k)
{
	struct grepview *g = self;

	keys_list_move(&g->lv, k);
	return DONE;
}

static int k_grep_open(void *self, const struct key *k)
{
	struct grepview *g = self;
	const cJSON *m = cJSON_GetArrayItem(g->matches, (int)g->lv.cursor);
	const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(m, "file"));
	const cJSON *line = cJSON_GetObjectItem(m, "line");
	struct viewer *v;
	char *path, *title;

	(void)k;
	if (!file)
		return PANE_HANDLED;
	path = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", g->root, file);
	if (viewer_new(&v, g->app, path, cJSON_IsNumber(line) ? (long)line->valuedouble : 1) != 0) {
		snprintf(g->status, sizeof(g->status), "%s", rwb_last_error());
		free(path);
		return DONE;
	}
	v->back = g;
	g->handed_off = true;
	title = title_of(path);
	/* replaces this view: g survives because it is handed off */
	app_open_overlay(g->app, &viewer_ops, v, title);
	free(title);
	free(path);
	return PANE_HANDLED;
}

static int k_grep_close(void *self, const struct key *k)
{
	(void)self;
	(void)k;
	return OVERLAY_CLOSE;
}

static const struct keybind grep_binds[] = {
	{ .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move", .hint = "move",
	  .run = k_grep_move },
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "open the file at the line (q comes back)",
	  .hint = "open at the line", .run = k_grep_open },
	{ .keys = { 'g', 'G', KB_C(KEY_HOME), KB_C(KEY_END) }, .label = "g/G, Home/End", .help = "first / last match",
	  .hint = "first/last", .run = k_grep_move },
	{ .keys = { 'q', 27 }, .label = "q/Esc", .help = "close", .hint = "close", .run = k_grep_close },
	{ .keys = { KB_C(KEY_NPAGE), ' ', KB_C(KEY_PPAGE), 'b' }, .label = "PgDn/Space, PgUp/b", .help = "move a page",
	  .run = k_grep_move },
};
const struct keymap grep_keys = KEYMAP("Search results (/grep)", grep_binds);

static int grep_key(void *state, const struct key *k)
{
	struct grepview *g = state;

	g->status[0] = '\0';
	return keymap_dispatch(&grep_keys, g, k);
}

static const struct view_ops grep_ops = {
	.name = "grep",
	.draw = grep_draw,
	.key = grep_key,
	.border_right = grep_border,
	.destroy = grepview_free,
};

static int back_to_list(struct viewer *v)
{
	struct grepview *g = v->back;

	v->back = NULL;
	g->handed_off = false;
	/* replaces (and frees) the viewer: return without touching v */
	app_open_overlay(g->app, &grep_ops, g, "grep results");
	return PANE_HANDLED;
}

bool view_grep_open(struct app *a, const cJSON *result)
{
	const cJSON *m = cJSON_GetObjectItem(result, "matches");
	const cJSON *root = cJSON_GetObjectItem(result, "root");
	struct grepview *g;

	if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) == 0)
		return false;
	g = xcalloc(1, sizeof(*g));
	g->app = a;
	g->matches = cJSON_Duplicate(m, 1);
	g->n = cJSON_GetArraySize(m);
	listview_set_count(&g->lv, g->n);
	g->root = xstrdup(cJSON_IsString(root) ? root->valuestring : app_repo(a));
	app_open_overlay(a, &grep_ops, g, "grep results");
	return true;
}
