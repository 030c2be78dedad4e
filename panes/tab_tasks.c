/*
 * tab_tasks.c - the Tasks tab: the shared task board and its notices.
 *
 * The browser calls .reload whenever the store's data_version moves (any
 * rwb on the store wrote; checked about every 300 ms), and the tab then
 * re-reads the tasks and raises every notice newer than the last one it
 * saw through app_notice(), so a notice posted by one rwb shows in every
 * other within a second. Critical notices stay listed at the top of the tab
 * (and in the status bar) until someone acknowledges them with `A`; the
 * acknowledgement is recorded in the store, so every rwb lets go of it.
 *
 * Keys: j/k or arrows select, d doing, D done, f failed, o back to open,
 * A acknowledge the oldest open critical notice, a add a task ("AGENT:
 * TEXT" typed in a field at the bottom), n / N show one agent at a time
 * (next / previous; after the last, every task again). Tasks an agent
 * recorded itself (/agent-receive --task) are marked "received:"; a
 * claimed task shows as doing; a task an agent put on the board shows
 * "from NAME:". With one agent shown, the list holds what it received
 * (tasks for it) and what it delegated (tasks it put on the board for
 * others, marked "to NAME:"), under a line that counts both. Text from the
 * store is drawn only through draw_text().
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "board.h"
#include "browser.h"
#include "draw.h"
#include "error.h"
#include "keys.h"
#include "listview.h"
#include "store.h"
#include "theme.h"
#include "xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define TASKS_RECENT_NOTICES 5

struct tasks_tab {
	struct app *app;                 /* borrowed */
	struct board_task *tasks;        /* owned */
	size_t ntasks;
	struct board_notice *recent;     /* owned: newest first */
	size_t nrecent;
	struct board_notice *critical;   /* owned: open critical notices, oldest first */
	size_t ncritical;
	int *vis;                        /* owned: indexes into tasks of the rows shown */
	int nvis;
	char *agent;                     /* owned: the one agent shown, NULL for every task */
	struct listview lv;              /* over vis */
	int64_t last_seen;               /* newest notice already raised */
	bool loaded;                     /* last_seen is set */
	char status[256];                /* the answer to the last key, or "" */
	bool adding;                     /* typing a new task in the field */
	char field[512];                 /* the new task: "AGENT: TEXT" (UTF-8) */
	size_t field_len;
	int rows;                        /* body rows at the last draw (for the cursor) */
};

#define TASKS_FIELD_PROMPT "new task (AGENT: TEXT): "
/* A critical notice in the status bar (load_critical finds it by this text). */
#define CRITICAL_FMT "critical: %s (Tasks tab: A acknowledges)"

static enum notice_level level_of(const char *level)
{
	if (strcmp(level, "critical") == 0)
		return NOTICE_CRITICAL;
	if (strcmp(level, "warning") == 0)
		return NOTICE_WARNING;
	return NOTICE_INFO;
}

static enum rwb_color role_of(const char *level)
{
	switch (level_of(level)) {
	case NOTICE_CRITICAL: return RWB_COLOR_NOTICE_CRITICAL;
	case NOTICE_WARNING: return RWB_COLOR_NOTICE_WARNING;
	default: return RWB_COLOR_NOTICE_INFO;
	}
}

static enum rwb_color status_role(const char *status)
{
	if (strcmp(status, "doing") == 0)
		return RWB_COLOR_AUDIT_PENDING;
	if (strcmp(status, "done") == 0)
		return RWB_COLOR_AUDIT_OK;
	if (strcmp(status, "failed") == 0)
		return RWB_COLOR_AUDIT_BAD;
	return RWB_COLOR_DEFAULT;
}

/* Whether task k concerns the agent shown: it received it or delegated it. */
static bool shown(const struct tasks_tab *t, const struct board_task *k)
{
	return !t->agent || strcmp(k->agent, t->agent) == 0 ||
	       (k->delegated_by && strcmp(k->delegated_by, t->agent) == 0);
}

/* The rows shown, from the tasks and the agent; the selection stays on
 * task `id` when it is still shown. */
static void refilter(struct tasks_tab *t, int64_t id)
{
	free(t->vis);
	t->vis = xcalloc(t->ntasks + 1, sizeof(*t->vis));
	t->nvis = 0;
	for (size_t i = 0; i < t->ntasks; i++)
		if (shown(t, &t->tasks[i]))
			t->vis[t->nvis++] = (int)i;
	listview_set_count(&t->lv, t->nvis);
	for (int i = 0; i < t->nvis && id; i++)
		if (t->tasks[t->vis[i]].id == id)
			listview_select(&t->lv, i);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Shows the next (dir 1) or previous (-1) agent by name, after the last
 * one every task again. Agents are the names tasks are for or from. */
static void next_agent(struct tasks_tab *t, int dir)
{
	const char **names = xcalloc(2 * t->ntasks + 1, sizeof(*names));
	size_t n = 0, u = 0;
	int at = -1, next;

	for (size_t i = 0; i < t->ntasks; i++) {
		names[n++] = t->tasks[i].agent;
		if (t->tasks[i].delegated_by && *t->tasks[i].delegated_by)
			names[n++] = t->tasks[i].delegated_by;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (!u || strcmp(names[u - 1], names[i]) != 0)
			names[u++] = names[i];
	for (size_t i = 0; i < u && t->agent; i++)
		if (strcmp(names[i], t->agent) == 0)
			at = (int)i;
	/* positions -1 (every task), 0 .. u-1 */
	next = at + dir;
	if (next >= (int)u)
		next = -1;
	else if (next < -1)
		next = (int)u - 1;
	free(t->agent);
	t->agent = next >= 0 ? xstrdup(names[next]) : NULL;
	free(names);
	listview_home(&t->lv);
	refilter(t, 0);
	if (t->agent)
		snprintf(t->status, sizeof(t->status), "showing %.100s: what it received and delegated (n next, N previous)",
			 t->agent);
	else
		snprintf(t->status, sizeof(t->status), "showing every task");
}

/*
 * The open critical notices again. One acknowledged (here or by another
 * rwb on the store) leaves the status bar at this poll: its notice is
 * withdrawn, and the newest one still open, if any, takes its place.
 */
static void load_critical(struct tasks_tab *t, struct store *s)
{
	struct board_notice *old = t->critical;
	size_t nold = t->ncritical;

	t->critical = NULL;
	t->ncritical = 0;
	board_notices_open_critical(s, &t->critical, &t->ncritical);
	for (size_t i = 0; i < nold; i++) {
		bool open = false;
		char text[512];   /* the status bar's notice length */
		for (size_t k = 0; k < t->ncritical && !open; k++)
			open = t->critical[k].id == old[i].id;
		if (open)
			continue;
		snprintf(text, sizeof(text), CRITICAL_FMT, old[i].message);
		if (app_notice_withdraw(t->app, text) && t->ncritical)
			app_notice(t->app, NOTICE_CRITICAL, CRITICAL_FMT, t->critical[t->ncritical - 1].message);
	}
	board_notices_free(old, nold);
}

static void tasks_reload(void *state)
{
	struct tasks_tab *t = state;
	struct store *s = app_store(t->app);
	struct board_notice *fresh = NULL;
	size_t nfresh = 0;
	int64_t keep;

	if (!s)
		return;
	keep = t->nvis ? t->tasks[t->vis[t->lv.cursor]].id : 0;
	board_tasks_free(t->tasks, t->ntasks);
	t->tasks = NULL;
	t->ntasks = 0;
	board_tasks(s, &t->tasks, &t->ntasks);
	refilter(t, keep);
	board_notices_free(t->recent, t->nrecent);
	t->recent = NULL;
	t->nrecent = 0;
	board_notices_recent(s, TASKS_RECENT_NOTICES, &t->recent, &t->nrecent);
	load_critical(t, s);
	if (!t->loaded) {
		/* at start-up only the open critical notices are raised again */
		board_notice_last_id(s, &t->last_seen);
		t->loaded = true;
		if (t->ncritical) {
			const struct board_notice *c = &t->critical[t->ncritical - 1];
			app_notice(t->app, NOTICE_CRITICAL, CRITICAL_FMT, c->message);
		}
		return;
	}
	if (board_notices(s, t->last_seen, 0, &fresh, &nfresh) != 0)
		return;
	/* a burst raises only its newest few; the tab lists the rest */
	for (size_t i = nfresh > 20 ? nfresh - 20 : 0; i < nfresh; i++) {
		const struct board_notice *v = &fresh[i];
		if (v->acked)
			continue;
		if (level_of(v->level) == NOTICE_CRITICAL)
			app_notice(t->app, NOTICE_CRITICAL, CRITICAL_FMT, v->message);
		else
			app_notice(t->app, level_of(v->level), "%s: %s", v->level, v->message);
	}
	if (nfresh)
		t->last_seen = fresh[nfresh - 1].id;
	/* a later info or warning must not bury an open critical notice */
	if (nfresh && t->ncritical && level_of(fresh[nfresh - 1].level) != NOTICE_CRITICAL) {
		const struct board_notice *c = &t->critical[t->ncritical - 1];
		app_notice(t->app, NOTICE_CRITICAL, CRITICAL_FMT, c->message);
	}
	board_notices_free(fresh, nfresh);
}

static void *tasks_create(struct app *a)
{
	struct tasks_tab *t = xcalloc(1, sizeof(*t));

	t->app = a;
	return t;
}

static void tasks_destroy(void *state)
{
	struct tasks_tab *t = state;

	if (!t)
		return;
	board_tasks_free(t->tasks, t->ntasks);
	board_notices_free(t->recent, t->nrecent);
	board_notices_free(t->critical, t->ncritical);
	free(t->vis);
	free(t->agent);
	free(t);
}

static void tasks_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct tasks_tab *t = state;
	int y = 0, list_rows, notice_rows;
	char line[64];

	if (rows <= 0 || cols <= 2)
		return;
	/* open critical notices first: they stay until acknowledged */
	for (size_t i = 0; i < t->ncritical && y < rows - 1 && y < 3; i++, y++) {
		snprintf(line, sizeof(line), "CRITICAL #%lld ", (long long)t->critical[i].id);
		draw_fill(win, y, 0, cols, theme_attr(RWB_COLOR_NOTICE_CRITICAL));
		int x = draw_text(win, y, 1, cols - 1, line, theme_attr(RWB_COLOR_NOTICE_CRITICAL) | A_BOLD);
		draw_text(win, y, 1 + x, cols - 1 - x, t->critical[i].message, theme_attr(RWB_COLOR_NOTICE_CRITICAL));
	}
	notice_rows = rows - y >= 10 ? (int)(t->nrecent < TASKS_RECENT_NOTICES ? t->nrecent : TASKS_RECENT_NOTICES) + 1 : 0;
	if (t->nrecent == 0)
		notice_rows = 0;
	list_rows = rows - y - notice_rows - 2 - (t->agent ? 1 : 0);  /* header, agent line, key line */
	if (list_rows < 1)
		list_rows = 1;
	if (t->agent && y < rows - 1) {
		/* the one agent shown: what it received and what it delegated */
		int received = 0, delegated = 0, x = 1;
		char counts[96];
		for (int i = 0; i < t->nvis; i++) {
			const struct board_task *k = &t->tasks[t->vis[i]];
			received += strcmp(k->agent, t->agent) == 0;
			delegated += k->delegated_by && strcmp(k->delegated_by, t->agent) == 0 &&
				     strcmp(k->agent, t->agent) != 0;
		}
		x += draw_text(win, y, x, cols - x, "agent ", theme_attr(RWB_COLOR_PANE_TITLE));
		x += draw_text(win, y, x, cols - x, t->agent, theme_attr(RWB_COLOR_PANE_TITLE) | A_BOLD);
		snprintf(counts, sizeof(counts), ": received %d, delegated %d  (n/N: next agent)", received, delegated);
		draw_text(win, y, x, cols - x, counts, theme_attr(RWB_COLOR_PANE_TITLE));
		y++;
	}
	draw_text(win, y, 1, cols - 1, "status  #id  agent         task", theme_attr(RWB_COLOR_PANE_TITLE));
	y++;
	if (t->ntasks == 0) {
		draw_text(win, y, 1, cols - 1, "no tasks yet: /agent-delegate --agent NAME --task TEXT, /agent-receive --task TEXT",
			  theme_attr(RWB_COLOR_DIM));
	}
	listview_set_rows(&t->lv, list_rows);
	for (int i = (int)t->lv.top; i < t->nvis && i < t->lv.top + list_rows && y < rows; i++, y++) {
		const struct board_task *k = &t->tasks[t->vis[i]];
		bool sent = t->agent && strcmp(k->agent, t->agent) != 0;  /* one it delegated */
		bool selected = i == t->lv.cursor;
		attr_t base = selected ? theme_attr(focused ? RWB_COLOR_SELECTION : RWB_COLOR_SELECTION_DIM)
				       : theme_attr(RWB_COLOR_DEFAULT);
		int x = 1;
		if (selected)
			draw_fill(win, y, 0, cols, base);
		x += draw_text(win, y, x, cols - x, k->status, selected ? base : theme_attr(status_role(k->status)));
		x = 9;
		if (x < cols) {
			snprintf(line, sizeof(line), "%-4lld ", (long long)k->id);
			x += draw_text(win, y, x, cols - x, line, selected ? base : theme_attr(RWB_COLOR_LINE_NUMBER));
		}
		if (x < cols) {
			int w = draw_text(win, y, x, cols - x < 13 ? cols - x : 13, k->agent, base);
			x += w < 14 ? 14 : w + 1;
		}
		/* a task the agent recorded itself (/agent-receive --task) */
		if (x < cols && k->origin && strcmp(k->origin, "received") == 0)
			x += draw_text(win, y, x, cols - x, "received: ", selected ? base : theme_attr(RWB_COLOR_DIM));
		/* who put it on the board, or (one agent shown) whom it went to */
		if (x < cols && (sent || (k->delegated_by && *k->delegated_by))) {
			char *who = sent ? xasprintf("to %s: ", k->agent) : xasprintf("from %s: ", k->delegated_by);
			x += draw_text(win, y, x, cols - x, who, selected ? base : theme_attr(RWB_COLOR_DIM));
			free(who);
		}
		if (x < cols)
			draw_text(win, y, x, cols - x, k->task, base);
	}
	if (notice_rows && y < rows) {
		y = rows - 1 - notice_rows;
		draw_text(win, y++, 1, cols - 1, "recent notices", theme_attr(RWB_COLOR_PANE_TITLE));
		for (size_t i = 0; i < t->nrecent && y < rows - 1; i++, y++) {
			const struct board_notice *v = &t->recent[i];
			int x = 1;
			snprintf(line, sizeof(line), "%-8s ", v->level);
			x += draw_text(win, y, x, cols - x, line, theme_attr(role_of(v->level)));
			x += draw_text(win, y, x, cols - x, v->message, theme_attr(RWB_COLOR_DEFAULT));
			if (v->acked && x + 2 < cols)
				draw_text(win, y, x + 1, cols - x - 1, "(acknowledged)", theme_attr(RWB_COLOR_DIM));
		}
	}
	t->rows = rows;
	if (t->adding) {
		int x = 1;
		draw_fill(win, rows - 1, 0, cols, theme_attr(RWB_COLOR_PROMPT));
		x += draw_text(win, rows - 1, x, cols - x, TASKS_FIELD_PROMPT, theme_attr(RWB_COLOR_PROMPT_HINT));
		draw_text(win, rows - 1, x, cols - x, t->field, theme_attr(RWB_COLOR_PROMPT));
	} else if (rows > 1) {
		if (t->status[0])
			draw_text(win, rows - 1, 1, cols - 1, t->status, theme_attr(RWB_COLOR_NOTICE_WARNING));
		else
		{
			struct strbuf hint = STRBUF_INIT;
			keymap_hint(&hint, &tab_tasks_keys);
			draw_text(win, rows - 1, 1, cols - 1, strbuf_str(&hint), theme_attr(RWB_COLOR_HELP_TEXT));
			strbuf_free(&hint);
		}
	}
}

static void move_selected(struct tasks_tab *t, const char *status)
{
	struct store *s = app_store(t->app);
	int rc;

	if (!t->nvis) {
		snprintf(t->status, sizeof(t->status), "no task selected");
		return;
	}
	rc = board_task_move(s, t->tasks[t->vis[t->lv.cursor]].id, status);
	if (rc == 0) {
		snprintf(t->status, sizeof(t->status), "task %lld is %s", (long long)t->tasks[t->vis[t->lv.cursor]].id, status);
		app_store_touched(t->app);
	} else {
		snprintf(t->status, sizeof(t->status), "%s", rwb_last_error());
	}
}

static void acknowledge(struct tasks_tab *t)
{
	struct store *s = app_store(t->app);
	const char *who = app_me(t->app);   /* the identity audit verdicts record */
	int64_t id;

	if (!t->ncritical) {
		snprintf(t->status, sizeof(t->status), "no critical notice is waiting");
		return;
	}
	id = t->critical[0].id;
	if (board_notice_ack(s, id, who) == 0) {
		snprintf(t->status, sizeof(t->status), "critical notice %lld acknowledged by %s", (long long)id, who);
		app_notice(t->app, NOTICE_INFO, "critical notice %lld acknowledged", (long long)id);
		app_store_touched(t->app);
	} else {
		snprintf(t->status, sizeof(t->status), "cannot record the acknowledgement: %.180s", rwb_last_error());
	}
}

static void add_from_field(struct tasks_tab *t)
{
	char *colon = strchr(t->field, ':'), *agent, *task;
	int64_t id;

	if (!colon) {
		snprintf(t->status, sizeof(t->status), "write AGENT: TEXT, for example  bob: profile the parser");
		return;
	}
	*colon = '\0';
	agent = t->field;
	task = colon + 1;
	while (*agent == ' ')
		agent++;
	while (*task == ' ')
		task++;
	for (char *e = agent + strlen(agent); e > agent && e[-1] == ' ';)
		*--e = '\0';
	if (!*agent || !*task) {
		snprintf(t->status, sizeof(t->status), "both the agent and the task must be given: AGENT: TEXT");
		return;
	}
	if (board_task_add(app_store(t->app), &id, agent, task) == 0) {
		snprintf(t->status, sizeof(t->status), "task %lld added for %.100s", (long long)id, agent);
		app_store_touched(t->app);
	} else {
		snprintf(t->status, sizeof(t->status), "cannot add the task: %.180s", rwb_last_error());
	}
}

/* ---- keys (keys.h) ---- */

static int k_field_cancel(void *self, const struct key *k)
{
	struct tasks_tab *t = self;

	(void)k;
	t->adding = false;
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_field_add(void *self, const struct key *k)
{
	struct tasks_tab *t = self;

	(void)k;
	t->adding = false;
	add_from_field(t);
	tasks_reload(t);
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_field_backspace(void *self, const struct key *k)
{
	struct tasks_tab *t = self;

	(void)k;
	/* drop one UTF-8 character */
	while (t->field_len > 0 && ((unsigned char)t->field[--t->field_len] & 0xc0) == 0x80)
		;
	t->field[t->field_len] = '\0';
	return PANE_HANDLED | PANE_REDRAW;
}

static const struct keybind field_binds[] = {
	{ .keys = { '\n', '\r', KB_C(KEY_ENTER) }, .label = "Enter", .help = "add the task", .run = k_field_add },
	{ .keys = { 27 }, .label = "Esc", .help = "cancel", .run = k_field_cancel },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_field_backspace },
};
const struct keymap tab_tasks_field_keys = KEYMAP("Browser: Tasks tab, a new task (AGENT: TEXT)", field_binds);

static int field_key(struct tasks_tab *t, const struct key *k)
{
	if (keymap_dispatch(&tab_tasks_field_keys, t, k) == PANE_IGNORED && !k->is_code && !k->alt &&
	    k->ch >= 0x20 && k->ch != 0x7f) {
		char mb[MB_LEN_MAX];
		mbstate_t ps = { 0 };
		size_t n = wcrtomb(mb, (wchar_t)k->ch, &ps);
		if (n != (size_t)-1 && t->field_len + n < sizeof(t->field)) {
			memcpy(t->field + t->field_len, mb, n);
			t->field_len += n;
			t->field[t->field_len] = '\0';
		}
	}
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_move(void *self, const struct key *k)
{
	struct tasks_tab *t = self;

	keys_list_move(&t->lv, k);
	return PANE_HANDLED | PANE_REDRAW;
}

/* The list is re-sorted after a change: tasks_reload keeps the same task
 * selected (refilter). */
static int reselect(struct tasks_tab *t)
{
	tasks_reload(t);
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_agent(void *self, const struct key *k)
{
	next_agent(self, keys_id(k) == 'n' ? 1 : -1);
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_state(void *self, const struct key *k)
{
	struct tasks_tab *t = self;
	int id = keys_id(k);

	move_selected(t, id == 'd' ? "doing" : id == 'D' ? "done" : id == 'f' ? "failed" : "open");
	return reselect(t);
}

static int k_ack(void *self, const struct key *k)
{
	(void)k;
	acknowledge(self);
	return reselect(self);
}

static int k_add(void *self, const struct key *k)
{
	struct tasks_tab *t = self;

	(void)k;
	t->adding = true;
	t->field[0] = '\0';
	t->field_len = 0;
	return reselect(t);
}

static const struct keybind tasks_binds[] = {
	{ .keys = { 'a' }, .label = "a", .help = "add a task (AGENT: TEXT)", .hint = "add", .run = k_add },
	{ .keys = { 'n', 'N' }, .label = "n/N", .help = "show one agent at a time: what it received and delegated (next / previous, then all)",
	  .hint = "agent", .run = k_agent },
	{ .keys = { 'd' }, .label = "d", .help = "mark doing", .hint = "doing", .run = k_state },
	{ .keys = { 'D' }, .label = "D", .help = "mark done", .hint = "done", .run = k_state },
	{ .keys = { 'f' }, .label = "f", .help = "mark failed", .hint = "failed", .run = k_state },
	{ .keys = { 'o' }, .label = "o", .help = "open again", .hint = "reopen", .run = k_state },
	{ .keys = { 'A' }, .label = "A", .help = "acknowledge the critical notices", .hint = "ack critical",
	  .run = k_ack },
	{ .keys = { 'j', 'k', KB_C(KEY_DOWN), KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move", .run = k_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page", .run = k_move },
	{ .keys = { 'g', 'G', KB_C(KEY_HOME), KB_C(KEY_END) }, .label = "g/G, Home/End", .help = "first / last task",
	  .run = k_move },
};
const struct keymap tab_tasks_keys = KEYMAP("Browser: Tasks tab", tasks_binds);

static bool tasks_cursor(void *state, int *y, int *x)
{
	struct tasks_tab *t = state;

	if (!t->adding || t->rows < 1)
		return false;
	*y = t->rows - 1;
	*x = 1 + (int)strlen(TASKS_FIELD_PROMPT) + (int)mbstowcs(NULL, t->field, 0);
	return true;
}

static int tasks_key(void *state, const struct key *k)
{
	struct tasks_tab *t = state;

	if (t->adding)
		return field_key(t, k);
	t->status[0] = '\0';
	return keymap_dispatch(&tab_tasks_keys, t, k);
}

const struct view_ops tab_tasks_ops = {
	.name = "Tasks",
	.create = tasks_create,
	.destroy = tasks_destroy,
	.draw = tasks_draw,
	.key = tasks_key,
	.reload = tasks_reload,
	.cursor = tasks_cursor,
};
