/*
 * command.c - the prompt and the results area.
 *
 * The prompt edits a line, completes it (Tab), browses and searches the
 * history (Up/Down, Ctrl-R) and hands the line to app_run_command(), which
 * gives it to the dispatcher (tui/dispatch.c): parsing, running inline or
 * as a job, confirmation and /theme are not done here. The results area
 * keeps the answers the dispatcher and the notices add: a result is human
 * text whose first line is the one-line summary a folded result shows, with
 * the JSON answer beside it for Alt-C (copy, OSC 52); a running job's
 * answer is replaced by id when the job ends. History lives in the store:
 * every rwb on the store shares it, across restarts.
 *
 * Never: run, parse or decide how to run a command line here.
 */
#define _POSIX_C_SOURCE 200809L
#include "command.h"
#include "app.h"
#include "cmdline.h"
#include "complete.h"
#include "complete_kinds.h"
#include "draw.h"
#include "keys.h"
#include "lineedit.h"
#include "registry.h"
#include "sanitize.h"
#include "store.h"
#include "theme.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RESULTS 200

struct result {
	char *command;          /* owned; NULL for a notice */
	char *text;             /* owned: summary line, then the detail; sanitized when drawn */
	char *json;             /* owned: the JSON answer (compact), or NULL */
	enum result_kind kind;
	bool collapsed;
	int id;                 /* > 0, from next_id: how the dispatcher finds it again */
};

struct command_pane {
	struct pane base;
	struct lineedit edit;           /* the prompt */
	struct result results[MAX_RESULTS]; /* ring: oldest first from first */
	int first, count;
	int scroll;                     /* lines scrolled up from the bottom */
	int selected;                   /* result index (0 = newest) for Ctrl-O */
	/* history browsing (Up/Down) */
	char **hist;                    /* owned: newest first */
	int nhist, hist_pos;            /* hist_pos -1: editing a new line */
	char *saved_line;               /* the line being typed before browsing */
	/* Ctrl-R search */
	bool searching;
	struct lineedit search;
	int search_skip;
	char *search_hit;               /* owned */
	/* completion listing shown in the hint line */
	char hint_override[512];
	int next_id;                    /* the id of the next result */
};

static struct command_pane *cp_of(struct pane *p)
{
	return (struct command_pane *)p;
}

static struct result *result_at(struct command_pane *c, int i)
{
	return &c->results[(c->first + i) % MAX_RESULTS];
}

static struct result *result_push(struct command_pane *c)
{
	struct result *r;

	if (c->count == MAX_RESULTS) {
		r = result_at(c, 0);
		free(r->command);
		free(r->text);
		free(r->json);
		c->first = (c->first + 1) % MAX_RESULTS;
		c->count--;
	}
	r = result_at(c, c->count++);
	memset(r, 0, sizeof(*r));
	/* older answers fold away so the newest is visible */
	for (int i = 0; i + 1 < c->count; i++) {
		struct result *o = result_at(c, i);
		if (o->kind != RESULT_ERROR && o->kind != RESULT_RUNNING)
			o->collapsed = true;
	}
	c->scroll = 0;
	c->selected = 0;
	return r;
}

/* The result with this id, or NULL when it has left the ring. */
static struct result *result_find(struct command_pane *c, int id)
{
	for (int i = 0; i < c->count; i++)
		if (result_at(c, i)->id == id)
			return result_at(c, i);
	return NULL;
}

int pane_command_add_result(struct pane *p, const char *command, const char *text,
			    enum result_kind kind)
{
	struct command_pane *c = cp_of(p);
	struct result *r = result_push(c);
	size_t len = strlen(text);

	if (len > PANE_COMMAND_RESULT_MAX)
		len = PANE_COMMAND_RESULT_MAX;
	r->command = command ? xstrdup(command) : NULL;
	r->text = xstrndup(text, len);
	while (len && r->text[len - 1] == '\n')
		r->text[--len] = '\0';
	r->kind = kind;
	r->id = ++c->next_id;
	p->damaged = true;
	return r->id;
}

bool pane_command_set_result(struct pane *p, int id, const char *text, enum result_kind kind)
{
	struct result *r = result_find(cp_of(p), id);

	if (!r)
		return false;
	free(r->text);
	r->text = xstrdup(text);
	r->kind = kind;
	p->damaged = true;
	return true;
}

void pane_command_set_json(struct pane *p, int id, const char *json)
{
	struct result *r = result_find(cp_of(p), id);

	if (!r)
		return;
	free(r->json);
	r->json = json ? xstrdup(json) : NULL;
}

void pane_command_start(struct pane *p, const char *text)
{
	struct command_pane *c = cp_of(p);

	lineedit_set(&c->edit, text);
	c->hist_pos = -1;
	p->damaged = true;
}

/* ---- history ---- */

static int hist_collect(void *data, int64_t id, const char *line)
{
	struct command_pane *c = data;

	(void)id;
	for (int i = 0; i < c->nhist; i++)
		if (strcmp(c->hist[i], line) == 0)
			return 0;
	c->hist = xrealloc(c->hist, (size_t)(c->nhist + 1) * sizeof(*c->hist));
	c->hist[c->nhist++] = xstrdup(line);
	return 0;
}

static void hist_reload(struct command_pane *c)
{
	for (int i = 0; i < c->nhist; i++)
		free(c->hist[i]);
	free(c->hist);
	c->hist = NULL;
	c->nhist = 0;
	store_history_each(app_store(c->base.app), 500, hist_collect, c);
}

static void hist_move(struct command_pane *c, int dir)
{
	int pos = c->hist_pos + dir;

	if (c->hist_pos == -1 && dir > 0) {
		hist_reload(c);
		free(c->saved_line);
		c->saved_line = xstrdup(lineedit_str(&c->edit));
	}
	if (pos < -1 || pos >= c->nhist)
		return;
	c->hist_pos = pos;
	lineedit_set(&c->edit, pos == -1 ? (c->saved_line ? c->saved_line : "") : c->hist[pos]);
}

static void search_update(struct command_pane *c)
{
	free(c->search_hit);
	c->search_hit = NULL;
	if (c->search.text.len)
		store_history_search(app_store(c->base.app), lineedit_str(&c->search), c->search_skip,
				     &c->search_hit);
}

/* ---- completion ---- */

static void do_complete(struct command_pane *c)
{
	struct completion comp;
	struct complete_kinds_env kenv = { app_store(c->base.app), app_repo(c->base.app) };
	struct complete_env env = { .cwd = app_repo(c->base.app), .provider = complete_kinds_provide,
				    .provider_data = &kenv };
	const char *line = lineedit_str(&c->edit);

	complete_line(&comp, line, c->edit.cursor, &env);
	c->hint_override[0] = '\0';
	if (comp.n == 0) {
		snprintf(c->hint_override, sizeof(c->hint_override), "no completions");
	} else {
		char *prefix = complete_common_prefix(&comp);
		size_t have = comp.end - comp.start;
		/* replace the word being completed with the prefix (or the one match) */
		if (strlen(prefix) >= have) {
			struct strbuf nl = STRBUF_INIT;
			strbuf_add(&nl, line, comp.start);
			if (comp.n == 1) {
				bool dir = prefix[0] && prefix[strlen(prefix) - 1] == '/';
				/* quote a single match that needs it */
				struct strbuf q = STRBUF_INIT;
				cmdline_quote(&q, prefix);
				strbuf_adds(&nl, q.buf && !dir ? strbuf_str(&q) : prefix);
				strbuf_free(&q);
				if (!dir)
					strbuf_addc(&nl, ' ');
			} else {
				strbuf_adds(&nl, prefix);
			}
			size_t cursor = nl.len;
			strbuf_adds(&nl, line + comp.end);
			lineedit_set(&c->edit, strbuf_str(&nl));
			c->edit.cursor = cursor;
			strbuf_free(&nl);
		}
		if (comp.n > 1) {
			size_t off = 0;
			for (int i = 0; i < comp.n && off + 2 < sizeof(c->hint_override); i++)
				off += (size_t)snprintf(c->hint_override + off, sizeof(c->hint_override) - off,
							"%s%s", i ? "  " : "", comp.items[i]);
		}
		free(prefix);
	}
	complete_release(&comp);
}

/* ---- drawing ---- */

static void hint_for(struct command_pane *c, struct strbuf *out)
{
	const char *line = lineedit_str(&c->edit);
	char name[64];
	size_t n = strcspn(line, " ");
	const struct cmd_def *d;

	if (c->hint_override[0]) {
		strbuf_adds(out, c->hint_override);
		return;
	}
	if (line[0] != '/' || n >= sizeof(name)) {
		strbuf_adds(out, "type /command (");
		keymap_hint(out, &command_keys);
		strbuf_adds(out, "  F1 help)");
		return;
	}
	memcpy(name, line, n);
	name[n] = '\0';
	d = registry_find(name);
	if (!d) {
		const char *near = n > 1 ? registry_nearest(name) : NULL;
		if (near && line[n] == ' ')
			strbuf_addf(out, "unknown command; did you mean /%s?", near);
		else
			strbuf_adds(out, "Tab completes the command name");
		return;
	}
	cmd_usage(out, d);
	strbuf_addf(out, "  — %s", d->summary);
}

static int text_lines(const char *t)
{
	int n = 1;
	for (; *t; t++)
		if (*t == '\n')
			n++;
	return n;
}

static void command_draw(void *self, WINDOW *w, int rows, int cols, bool focused)
{
	struct command_pane *c = self;
	int res_rows = rows - 2, y;
	struct strbuf hint = STRBUF_INIT;

	(void)focused;
	draw_clear(w);
	if (rows <= 0 || cols <= 0)
		return;
	if (res_rows < 0)
		res_rows = 0;
	/* results: lay out the lines bottom-up */
	{
		int total = 0;
		for (int i = 0; i < c->count; i++) {
			struct result *r = result_at(c, i);
			total += 1 + (r->collapsed ? 0 : text_lines(r->text));
		}
		int skip_from_bottom = c->scroll;
		if (skip_from_bottom > total - res_rows)
			skip_from_bottom = total - res_rows > 0 ? total - res_rows : 0;
		c->scroll = skip_from_bottom;
		int line_no = 0, first_line = total - res_rows - skip_from_bottom;
		if (first_line < 0)
			first_line = 0;
		y = total < res_rows ? res_rows - total : 0;
		for (int i = 0; i < c->count && y < res_rows; i++) {
			struct result *r = result_at(c, i);
			bool selected = (c->count - 1 - i) == c->selected;
			/* header */
			if (line_no >= first_line) {
				enum rwb_color role = r->kind == RESULT_ERROR ? RWB_COLOR_RESULT_ERROR :
						      r->kind == RESULT_WARNING ? RWB_COLOR_NOTICE_WARNING :
						      r->kind == RESULT_RUNNING ? RWB_COLOR_STATUS_ACCENT :
						      RWB_COLOR_RESULT_OK;
				const char *mark = r->kind == RESULT_ERROR ? "✗" : r->kind == RESULT_WARNING ? "!" :
						   r->kind == RESULT_RUNNING ? "…" : "✓";
				int x = draw_text(w, y, 0, cols, r->collapsed ? "▸ " : "▾ ",
						  theme_attr(selected ? RWB_COLOR_SELECTION_DIM : RWB_COLOR_DIM));
				x += draw_text(w, y, x, cols - x, mark, theme_attr(role));
				x += draw_text(w, y, x, cols - x, " ", A_NORMAL);
				if (r->command)
					x += draw_text(w, y, x, cols - x, r->command, theme_attr(RWB_COLOR_PROMPT));
				if (r->collapsed || !r->command) {
					const char *t = r->text;
					size_t len = strcspn(t, "\n");
					x += draw_text(w, y, x, cols - x, r->command ? "  " : "", A_NORMAL);
					draw_textn(w, y, x, cols - x, t, len,
						   theme_attr(r->kind == RESULT_ERROR ? RWB_COLOR_RESULT_ERROR : RWB_COLOR_DIM));
				}
				y++;
			}
			line_no++;
			if (r->collapsed)
				continue;
			const char *t = r->text;
			bool first_text = true;
			while (y < res_rows) {
				size_t len = strcspn(t, "\n");
				if (!(first_text && !r->command)) {
					if (line_no >= first_line) {
						draw_textn(w, y, 4, cols - 4, t, len,
							   theme_attr(r->kind == RESULT_ERROR ? RWB_COLOR_RESULT_ERROR :
								      RWB_COLOR_DEFAULT));
						y++;
					}
				} else if (line_no >= first_line) {
					/* notices show their text in the header */
				}
				line_no++;
				first_text = false;
				if (!t[len])
					break;
				t += len + 1;
			}
		}
	}
	/* prompt */
	if (c->searching) {
		int x = draw_text(w, rows - (rows >= 2 ? 2 : 1), 0, cols, "(history) ",
				  theme_attr(RWB_COLOR_PROMPT));
		x += draw_text(w, rows - (rows >= 2 ? 2 : 1), x, cols - x, lineedit_str(&c->search),
			       theme_attr(RWB_COLOR_MATCH));
		x += draw_text(w, rows - (rows >= 2 ? 2 : 1), x, cols - x, ": ", theme_attr(RWB_COLOR_PROMPT));
		draw_text(w, rows - (rows >= 2 ? 2 : 1), x, cols - x,
			  c->search_hit ? c->search_hit : "(no match)", theme_attr(RWB_COLOR_DEFAULT));
	} else {
		int py = rows - (rows >= 2 ? 2 : 1);
		int x = draw_text(w, py, 0, cols, "› ", theme_attr(RWB_COLOR_PROMPT));
		size_t col = lineedit_cursor_col(&c->edit);
		const char *s = lineedit_str(&c->edit);
		/* scroll the line horizontally so the cursor stays visible */
		size_t skip = col + 2 >= (size_t)(cols - x) ? col - (size_t)(cols - x) + 2 : 0;
		size_t i = 0, wsum = 0, slen = c->edit.text.len;
		while (i < slen && wsum < skip) {
			unsigned cp;
			int n = sanitize_utf8_decode(s + i, slen - i, &cp);
			wsum += sanitize_width(s + i, (size_t)(n ? n : 1));
			i += (size_t)(n ? n : 1);
		}
		draw_text(w, py, x, cols - x, s + i, theme_attr(RWB_COLOR_DEFAULT));
	}
	if (rows >= 2) {
		hint_for(c, &hint);
		draw_text(w, rows - 1, 2, cols - 2, strbuf_str(&hint), theme_attr(RWB_COLOR_PROMPT_HINT));
	}
	strbuf_free(&hint);
}

static bool command_cursor(void *self, int *y, int *x)
{
	struct command_pane *c = self;
	int rows = getmaxy(c->base.body), cols = getmaxx(c->base.body);
	size_t col;

	if (c->searching || rows <= 0)
		return false;
	col = lineedit_cursor_col(&c->edit);
	*y = rows - (rows >= 2 ? 2 : 1);
	*x = 2 + (int)(col + 2 >= (size_t)(cols - 2) ? (size_t)(cols - 4) : col);
	if (*x >= cols)
		*x = cols - 1;
	return true;
}

/* ---- keys ---- */

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* The history search (Ctrl-R) */

static int k_search_older(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	c->search_skip++;
	search_update(c);
	if (!c->search_hit) {
		c->search_skip--;
		search_update(c);
	}
	return DONE;
}

static int k_search_cancel(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	c->searching = false;
	return DONE;
}

static int k_search_run(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	c->searching = false;
	if (c->search_hit)
		lineedit_set(&c->edit, c->search_hit);
	app_run_command(c->base.app, lineedit_str(&c->edit));
	lineedit_set(&c->edit, "");
	return DONE;
}

static int k_search_backspace(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	lineedit_backspace(&c->search);
	c->search_skip = 0;
	search_update(c);
	return DONE;
}

static const struct keybind search_binds[] = {
	{ .keys = { KEY_CTRL('r') }, .label = "Ctrl-R", .help = "an older match", .run = k_search_older },
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "run the match", .run = k_search_run },
	{ .keys = { 27, KEY_CTRL('g') }, .label = "Esc/Ctrl-G", .help = "cancel", .run = k_search_cancel },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_search_backspace },
};
const struct keymap command_search_keys = KEYMAP("Command prompt: history search (Ctrl-R; type to search, "
						 "any other key edits the match)", search_binds);

static int search_key(struct command_pane *c, const struct key *k)
{
	if (keymap_dispatch(&command_search_keys, c, k) != PANE_IGNORED)
		return DONE;
	if (!k->is_code && !k->alt && k->ch >= 0x20) {
		lineedit_insert_cp(&c->search, (unsigned)k->ch);
		c->search_skip = 0;
		search_update(c);
	} else {
		/* any other key accepts the match for editing */
		c->searching = false;
		if (c->search_hit)
			lineedit_set(&c->edit, c->search_hit);
	}
	return DONE;
}

/* Alt-C: the selected result's JSON answer to the clipboard (OSC 52, as the
 * terminal pane's y does). */
static void copy_json(struct command_pane *c)
{
	struct result *r = c->count ? result_at(c, c->count - 1 - c->selected) : NULL;
	struct strbuf seq = STRBUF_INIT;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len;
	ssize_t w;

	if (!r || !r->json) {
		app_notice(c->base.app, NOTICE_INFO, "this result has no JSON answer to copy");
		return;
	}
	len = strlen(r->json);
	strbuf_adds(&seq, "\033]52;c;");
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)r->json[i] << 16;
		if (i + 1 < len)
			v |= (unsigned char)r->json[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)r->json[i + 2];
		strbuf_addc(&seq, b64[(v >> 18) & 63]);
		strbuf_addc(&seq, b64[(v >> 12) & 63]);
		strbuf_addc(&seq, i + 1 < len ? b64[(v >> 6) & 63] : '=');
		strbuf_addc(&seq, i + 2 < len ? b64[v & 63] : '=');
	}
	strbuf_adds(&seq, "\a");
	w = write(STDOUT_FILENO, seq.buf, seq.len);
	app_notice(c->base.app, NOTICE_INFO, w == (ssize_t)seq.len ?
		   "copied the JSON answer of %s to the clipboard (OSC 52, %zu bytes)" :
		   "could not write the clipboard sequence for %s (%zu bytes)",
		   r->command ? r->command : "the notice", len);
	strbuf_free(&seq);
}

/* The prompt: line editing */

static int k_edit(void *self, const struct key *k)
{
	struct command_pane *c = self;
	struct lineedit *e = &c->edit;

	switch (keys_id(k)) {
	case KEY_CTRL('a'): case KB_C(KEY_HOME): lineedit_home(e); break;
	case KEY_CTRL('e'): case KB_C(KEY_END): lineedit_end(e); break;
	case KEY_CTRL('b'): case KB_C(KEY_LEFT): lineedit_left(e); break;
	case KEY_CTRL('f'): case KB_C(KEY_RIGHT): lineedit_right(e); break;
	case KB_A('b'): lineedit_word_left(e); break;
	case KB_A('f'): lineedit_word_right(e); break;
	case KB_A('d'): {
		size_t from = e->cursor;
		lineedit_word_right(e);
		size_t to = e->cursor;
		e->cursor = from;
		for (size_t i = from; i < to; i++)
			lineedit_delete(e);
		break;
	}
	case KEY_CTRL('w'): case KB_A(127): case KB_A(8): lineedit_kill_word_back(e); break;
	case KEY_CTRL('u'): lineedit_kill_to_start(e); break;
	case KEY_CTRL('k'): lineedit_kill_to_end(e); break;
	case KEY_CTRL('y'): lineedit_yank(e); break;
	case KEY_CTRL('t'): lineedit_transpose(e); break;
	case KEY_CTRL('d'): case KB_C(KEY_DC): lineedit_delete(e); break;
	default: lineedit_backspace(e); break;  /* Backspace, Ctrl-H */
	}
	return DONE;
}

static int k_run(void *self, const struct key *k)
{
	struct command_pane *c = self;
	char *line = xstrdup(lineedit_str(&c->edit));

	(void)k;
	lineedit_set(&c->edit, "");
	c->hist_pos = -1;
	app_run_command(c->base.app, line);
	free(line);
	return DONE;
}

static int k_complete(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	if (c->edit.text.len == 0)
		return PANE_IGNORED; /* Tab on an empty prompt cycles focus */
	do_complete(c);
	return DONE;
}

static int k_clear(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	if (!c->edit.text.len)
		return PANE_IGNORED;
	lineedit_set(&c->edit, "");
	return DONE;
}

static int k_history(void *self, const struct key *k)
{
	int id = keys_id(k);

	hist_move(self, id == KB_C(KEY_UP) || id == KEY_CTRL('p') ? +1 : -1);
	return DONE;
}

static int k_history_search(void *self, const struct key *k)
{
	struct command_pane *c = self;

	(void)k;
	c->searching = true;
	c->search_skip = 0;
	lineedit_set(&c->search, "");
	search_update(c);
	return DONE;
}

/* The results */

static int k_results(void *self, const struct key *k)
{
	struct command_pane *c = self;
	int page = getmaxy(c->base.body) > 3 ? getmaxy(c->base.body) - 3 : 1;

	switch (keys_id(k)) {
	case KB_C(KEY_PPAGE): c->scroll += page; break;
	case KB_C(KEY_NPAGE):
		c->scroll -= page;
		if (c->scroll < 0)
			c->scroll = 0;
		break;
	case KB_C(KEY_SR):  /* Shift-Up: select an older result */
		if (c->selected + 1 < c->count)
			c->selected++;
		break;
	case KB_C(KEY_SF):
		if (c->selected > 0)
			c->selected--;
		break;
	case KEY_CTRL('l'):
		for (int i = 0; i < c->count; i++)
			result_at(c, i)->collapsed = true;
		break;
	case KEY_CTRL('o'):
		if (c->count) {
			struct result *r = result_at(c, c->count - 1 - c->selected);
			r->collapsed = !r->collapsed;
		}
		break;
	default:  /* Alt-C */
		copy_json(c);
		break;
	}
	return DONE;
}

static const struct keybind command_binds[] = {
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "run the command", .run = k_run },
	{ .keys = { '\t' }, .label = "Tab", .help = "complete the command name, a flag, a flag's value (enums, paths, ...)",
	  .hint = "completes", .run = k_complete },
	{ .keys = { KB_C(KEY_UP), KEY_CTRL('p'), KB_C(KEY_DOWN), KEY_CTRL('n') }, .label = "Up/Down, Ctrl-P/Ctrl-N",
	  .help = "previous / next line of the history", .run = k_history },
	{ .keys = { KEY_CTRL('r') }, .label = "Ctrl-R",
	  .help = "search the history every rwb on the store shares (again: older; Enter runs, Esc cancels)",
	  .hint = "searches history", .run = k_history_search },
	{ .keys = { KEY_CTRL('a'), KEY_CTRL('e'), KB_C(KEY_HOME), KB_C(KEY_END) }, .label = "Ctrl-A/Ctrl-E, Home/End",
	  .help = "start / end of the line", .run = k_edit },
	{ .keys = { KEY_CTRL('b'), KEY_CTRL('f'), KB_C(KEY_LEFT), KB_C(KEY_RIGHT) },
	  .label = "Ctrl-B/Ctrl-F, Left/Right", .help = "one character", .run = k_edit },
	{ .keys = { KB_A('b'), KB_A('f') }, .label = "Alt-b/Alt-f", .help = "one word back / forward", .run = k_edit },
	{ .keys = { KEY_CTRL('w'), KB_A(127), KB_A(8) }, .label = "Ctrl-W, Alt-Backspace/Alt-Ctrl-H",
	  .help = "delete the word before", .run = k_edit },
	{ .keys = { KB_A('d') }, .label = "Alt-d", .help = "delete the word after", .run = k_edit },
	{ .keys = { KEY_CTRL('u'), KEY_CTRL('k') }, .label = "Ctrl-U/Ctrl-K", .help = "delete to the start / to the end",
	  .run = k_edit },
	{ .keys = { KEY_CTRL('y') }, .label = "Ctrl-Y", .help = "yank back what was deleted", .run = k_edit },
	{ .keys = { KEY_CTRL('t') }, .label = "Ctrl-T", .help = "swap two characters", .run = k_edit },
	{ .keys = { KEY_CTRL('d'), KB_C(KEY_DC) }, .label = "Ctrl-D/Delete", .help = "delete the character under the cursor",
	  .run = k_edit },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete the character before",
	  .run = k_edit },
	{ .keys = { 27 }, .label = "Esc", .help = "clear the line", .run = k_clear },
	{ .keys = { KB_C(KEY_PPAGE), KB_C(KEY_NPAGE) }, .label = "PgUp/PgDn", .help = "scroll the results a page",
	  .run = k_results },
	{ .keys = { KB_C(KEY_SR), KB_C(KEY_SF) }, .label = "Shift-Up/Shift-Down", .help = "select an older / newer result",
	  .run = k_results },
	{ .keys = { KEY_CTRL('o') }, .label = "Ctrl-O", .help = "fold or unfold the selected result", .run = k_results },
	{ .keys = { KEY_CTRL('l') }, .label = "Ctrl-L", .help = "fold every result", .run = k_results },
	{ .keys = { KB_A('c') }, .label = "Alt-c", .help = "copy the selected result's JSON answer (OSC 52)",
	  .run = k_results },
};
const struct keymap command_keys = KEYMAP("Command prompt (type a /command)", command_binds);

static int command_key(void *self, const struct key *k)
{
	struct command_pane *c = self;
	int r;

	if (c->searching)
		return search_key(c, k);
	c->hint_override[0] = '\0';
	if ((r = keymap_dispatch(&command_keys, c, k)) != PANE_IGNORED || k->alt || k->is_code)
		return r;
	if (k->ch < 0x20)
		return PANE_IGNORED;
	lineedit_insert_cp(&c->edit, (unsigned)k->ch);
	return DONE;
}

static void command_reload(void *self)
{
	(void)self; /* history is re-read when the user starts browsing it */
}

static void command_destroy(void *self)
{
	struct command_pane *c = self;

	for (int i = 0; i < c->count; i++) {
		free(result_at(c, i)->command);
		free(result_at(c, i)->text);
		free(result_at(c, i)->json);
	}
	for (int i = 0; i < c->nhist; i++)
		free(c->hist[i]);
	free(c->hist);
	free(c->saved_line);
	free(c->search_hit);
	lineedit_release(&c->edit);
	lineedit_release(&c->search);
	free(c);
}

static const struct view_ops command_ops = {
	.name = "command",
	.destroy = command_destroy,
	.draw = command_draw,
	.key = command_key,
	.reload = command_reload,
	.cursor = command_cursor,
};

struct pane *pane_command_new(struct app *a)
{
	struct command_pane *c = xcalloc(1, sizeof(*c));

	c->base.ops = &command_ops;
	c->base.app = a;
	c->base.title = "Command";
	c->hist_pos = -1;
	lineedit_init(&c->edit);
	lineedit_init(&c->search);
	return &c->base;
}
