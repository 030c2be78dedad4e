/*
 * app.c - the TUI shell.
 *
 * Design: one loop (tui/loop.c) over stdin, the panes' descriptors and a
 * signal self-pipe. Input callbacks mark damage; the loop's idle hook
 * renders at most once per FRAME_MS: damaged panes draw into their windows,
 * wnoutrefresh() each, and one doupdate() goes out. The app owns every
 * window (frames and bodies) and re-creates them on every layout change.
 *
 * The terminal is restored on every exit path: normal quit, SIGTERM and
 * SIGHUP (through the loop, so cleanup runs), and crashes (SIGSEGV & co.,
 * through a minimal async-signal-safe restore before the default action).
 *
 * Never: let a key go unanswered for more than a frame while output floods
 * in (stdin is polled before any pty), or draw from a callback.
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "agentwatch.h"
#include "audit.h"
#include "browser.h"
#include "cmdline.h"
#include "command.h"
#include "dispatch.h"
#include "draw.h"
#include "error.h"
#include "focus.h"
#include "git.h"
#include "keys.h"
#include "layout.h"
#include "loop.h"
#include "overlay.h"
#include "registry.h"
#include "repoinfo.h"
#include "sanitize.h"
#include "script.h"
#include "store.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define FRAME_MS 16
#define NOTICE_MS 6000
#define STORE_POLL_MS 300

struct app {
	struct loop *loop;                 /* owned */
	struct store *store;               /* borrowed from main */
	const struct app_options *opts;    /* borrowed */
	struct pane *panes[APP_PANE_COUNT];/* owned */
	int focus;                         /* enum app_pane */
	bool zoom;
	bool compact;                      /* layout shows only the focused pane */
	bool layout_dirty;                 /* windows must be re-created */
	bool all_dirty;                    /* everything must be redrawn */
	bool status_dirty;
	int64_t last_frame;
	WINDOW *status;                    /* owned; NULL when no room */
	int rows, cols;
	/* help overlay */
	bool help_open;
	int help_scroll;
	struct strbuf help_text;           /* owned: lines of the overlay */
	/* status bar state */
	char branch[128];
	char *me;                          /* owned: app_me(), read once */
	char **jobs;                       /* owned: names of the running jobs, in start order */
	int njobs, capjobs;
	char result_text[160];             /* last build/test result ("" when none) */
	enum notice_level result_level;
	char focus_text[160];              /* the active focus ("" when none) */
	char notice[512];
	enum notice_level notice_level;
	int64_t notice_until;              /* 0: stays until replaced */
	/* confirmation in the status line */
	char confirm_q[256];
	void (*confirm_cb)(struct app *a, bool yes, void *data);
	void *confirm_data;
	bool confirm_quit;                 /* the pending confirmation is "quit?" */
	/* the open overlay view */
	const struct view_ops *ov_ops;     /* NULL when none */
	void *ov_state;                    /* owned through ov_ops->destroy */
	char ov_title[128];
	bool ov_dirty;
	/* script mode */
	struct script *script;             /* owned, or NULL */
	struct agentwatch *agents;         /* owned: agents' jobs shown live */
	int64_t wait_for_deadline;
	const struct script_step *waiting; /* STEP_WAIT_FOR in progress */
	bool quitting;
	int exit_status;
};

static struct app *the_app;            /* for the fatal and signal paths */
static struct termios saved_termios;
static bool have_termios;
static bool curses_active;

/* ---- terminal restore ---- */

static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = false;
		endwin();
	}
}

static void crash_handler(int signo)
{
	/* async-signal-safe: leave the alternate screen, show the cursor,
	 * reset attributes, and put the tty modes back */
	static const char reset[] = "\033[0m\033[?25h\033[?2004l\033[?1049l\033[?1l\033>\r\n";
	(void)!write(STDOUT_FILENO, reset, sizeof(reset) - 1);
	if (have_termios)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	signal(signo, SIG_DFL);
	raise(signo);
}

static void install_crash_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_handler;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- accessors for panes ---- */

struct loop *app_loop(struct app *a) { return a->loop; }
struct store *app_store(struct app *a) { return a->store; }
const char *app_repo(struct app *a) { return a->opts->repo; }
const char *app_argv0(struct app *a) { return a->opts->argv0; }
const char *app_db_path(struct app *a) { return a->opts->db_path; }
bool app_quitting(struct app *a) { return a->quitting; }
struct pane *app_pane(struct app *a, enum app_pane which) { return a->panes[which]; }

void pane_damage(struct pane *p)
{
	p->damaged = true;
}

int pane_rows(const struct pane *p)
{
	return p->visible && p->body ? getmaxy(p->body) : 0;
}

int pane_cols(const struct pane *p)
{
	return p->visible && p->body ? getmaxx(p->body) : 0;
}

void app_notice(struct app *a, enum notice_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->notice, sizeof(a->notice), fmt, ap);
	va_end(ap);
	a->notice_level = level;
	a->notice_until = level == NOTICE_CRITICAL ? 0 : loop_now_ms() + NOTICE_MS;
	a->status_dirty = true;
	if (level != NOTICE_INFO && a->panes[APP_PANE_COMMAND])
		pane_command_add_result(a->panes[APP_PANE_COMMAND], NULL, a->notice,
					level == NOTICE_CRITICAL ? RESULT_ERROR : RESULT_WARNING);
}

bool app_notice_withdraw(struct app *a, const char *text)
{
	if (a->notice_level != NOTICE_CRITICAL || !a->notice[0] || strcmp(a->notice, text) != 0)
		return false;
	a->notice[0] = '\0';
	a->notice_level = NOTICE_INFO;
	a->notice_until = 0;
	a->status_dirty = true;
	return true;
}

const char *app_me(struct app *a)
{
	if (!a->me)
		a->me = audit_reviewer(getenv("RWB_REVIEWER"), a->opts->repo);
	return a->me;
}

void app_set_result_status(struct app *a, const char *text, enum notice_level level)
{
	if (strcmp(a->result_text, text ? text : "") == 0 && a->result_level == level)
		return;
	snprintf(a->result_text, sizeof(a->result_text), "%s", text ? text : "");
	a->result_level = level;
	a->status_dirty = true;
}

int app_job_start(struct app *a, const struct term_job_opts *o, bool keyboard)
{
	int job_id, rc = pane_term_job_start(a->panes[APP_PANE_TERMINAL], o, &job_id);

	if (rc == RWB_OK && keyboard)
		app_focus(a, APP_PANE_TERMINAL);
	return rc;
}

void app_job_started(struct app *a, const char *name)
{
	if (a->njobs == a->capjobs) {
		a->capjobs = a->capjobs ? 2 * a->capjobs : 4;
		a->jobs = xrealloc(a->jobs, (size_t)a->capjobs * sizeof(*a->jobs));
	}
	a->jobs[a->njobs++] = xstrdup(name ? name : "job");
	a->status_dirty = true;
}

void app_job_ended(struct app *a, const char *name)
{
	/* the newest job of that name (equal names are equal to the count) */
	for (int i = a->njobs - 1; i >= 0; i--)
		if (strcmp(a->jobs[i], name ? name : "job") == 0) {
			free(a->jobs[i]);
			memmove(a->jobs + i, a->jobs + i + 1, (size_t)(a->njobs - i - 1) * sizeof(*a->jobs));
			a->njobs--;
			break;
		}
	a->status_dirty = true;
}

int app_jobs_shown(const struct app *a)
{
	return a->njobs;
}

static void refresh_focus(struct app *a)
{
	char *f = focus_status(a->store, a->opts->repo);

	if (strcmp(f ? f : "", a->focus_text) != 0) {
		snprintf(a->focus_text, sizeof(a->focus_text), "%s", f ? f : "");
		a->status_dirty = true;
	}
	free(f);
}

void app_store_touched(struct app *a)
{
	refresh_focus(a);
	if (a->agents)
		agentwatch_store_changed(a->agents);
	for (int i = 0; i < APP_PANE_COUNT; i++) {
		struct pane *p = a->panes[i];
		if (p && p->ops->reload && !(a->quitting && i == APP_PANE_TERMINAL)) {
			p->ops->reload(p);
			p->damaged = true;
		}
	}
}

void app_confirm(struct app *a, const char *question,
		 void (*cb)(struct app *a, bool yes, void *data), void *data)
{
	snprintf(a->confirm_q, sizeof(a->confirm_q), "%s [y/n]", question);
	a->confirm_cb = cb;
	a->confirm_data = data;
	a->confirm_quit = false;
	a->status_dirty = true;
}

enum app_pane app_focused(const struct app *a)
{
	return (enum app_pane)a->focus;
}

void app_focus(struct app *a, enum app_pane which)
{
	if ((int)which == a->focus)
		return;
	struct pane *old = a->panes[a->focus], *now = a->panes[which];
	old->focused = false;
	if (old->ops->focus)
		old->ops->focus(old, false);
	a->focus = (int)which;
	now->focused = true;
	if (now->ops->focus)
		now->ops->focus(now, true);
	old->damaged = now->damaged = true;
	if (a->zoom || a->compact)
		a->layout_dirty = true;
}

/* ---- layout ---- */

static void free_windows(struct app *a)
{
	for (int i = 0; i < APP_PANE_COUNT; i++) {
		struct pane *p = a->panes[i];
		if (p->body)
			delwin(p->body);
		if (p->frame)
			delwin(p->frame);
		p->body = p->frame = NULL;
		p->visible = false;
	}
	if (a->status)
		delwin(a->status);
	a->status = NULL;
}

static void relayout(struct app *a)
{
	struct layout lay;

	getmaxyx(stdscr, a->rows, a->cols);
	free_windows(a);
	layout_compute(&lay, a->cols, a->rows, a->zoom, a->focus);
	a->compact = lay.compact;
	for (int i = 0; i < APP_PANE_COUNT; i++) {
		struct pane *p = a->panes[i];
		struct layout_rect r = lay.pane[i];
		p->y = r.y; p->x = r.x; p->h = r.h; p->w = r.w;
		if (r.h >= 3 && r.w >= 4) {
			p->frame = newwin(r.h, r.w, r.y, r.x);
			p->body = newwin(r.h - 2, r.w - 2, r.y + 1, r.x + 1);
		} else if (r.h >= 1 && r.w >= 1) {
			/* too small for a border: the body alone */
			p->body = newwin(r.h, r.w, r.y, r.x);
		}
		p->visible = p->body != NULL;
		if (p->body) {
			keypad(p->body, FALSE);
			if (p->ops->resize)
				p->ops->resize(p, getmaxy(p->body), getmaxx(p->body));
		}
		p->damaged = true;
	}
	if (lay.status_row >= 0)
		a->status = newwin(1, a->cols, lay.status_row, 0);
	a->layout_dirty = false;
	a->all_dirty = true;
	a->status_dirty = true;
}

/* ---- drawing ---- */

static void draw_status(struct app *a)
{
	WINDOW *w = a->status;
	attr_t base = theme_attr(RWB_COLOR_STATUS_BAR), acc = theme_attr(RWB_COLOR_STATUS_ACCENT);
	int x = 0, cols;
	const char *repo = strrchr(a->opts->repo, '/');
	char buf[256];

	if (!w)
		return;
	cols = getmaxx(w);
	wbkgdset(w, ' ' | base);
	werase(w);
	draw_fill(w, 0, 0, cols, base);
	if (a->confirm_cb || a->confirm_quit) {
		draw_text(w, 0, 1, cols - 1, a->confirm_q, theme_attr(RWB_COLOR_NOTICE_WARNING) | A_BOLD);
		wnoutrefresh(w);
		return;
	}
	x += draw_text(w, 0, x, cols - x, " rwb ", acc);
	repo = repo && repo[1] ? repo + 1 : a->opts->repo;
	snprintf(buf, sizeof(buf), "│ %s ", repo);
	x += draw_text(w, 0, x, cols - x, buf, base);
	if (a->branch[0]) {
		snprintf(buf, sizeof(buf), "│ ⎇ %s ", a->branch);
		x += draw_text(w, 0, x, cols - x, buf, base);
	}
	if (a->njobs == 1) {
		snprintf(buf, sizeof(buf), "│ running %.200s ", a->jobs[0]);
		x += draw_text(w, 0, x, cols - x, buf, acc);
	} else if (a->njobs > 1) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "│ %d jobs:", a->njobs);
		for (int i = 0; i < a->njobs && sb.len < 200; i++)
			strbuf_addf(&sb, " %s", a->jobs[i]);
		strbuf_adds(&sb, " ");
		x += draw_text(w, 0, x, cols - x, strbuf_str(&sb), acc);
		strbuf_free(&sb);
	}
	if (a->result_text[0]) {
		snprintf(buf, sizeof(buf), "│ %s ", a->result_text);
		x += draw_text(w, 0, x, cols - x, buf,
			       a->result_level == NOTICE_INFO ? base : theme_attr(RWB_COLOR_NOTICE_WARNING));
	}
	if (a->focus_text[0]) {
		snprintf(buf, sizeof(buf), "│ %s ", a->focus_text);
		x += draw_text(w, 0, x, cols - x, buf, acc);
	}
	if (a->notice[0]) {
		enum rwb_color role = a->notice_level == NOTICE_CRITICAL ? RWB_COLOR_NOTICE_CRITICAL :
				      a->notice_level == NOTICE_WARNING ? RWB_COLOR_NOTICE_WARNING :
				      RWB_COLOR_STATUS_BAR;
		x += draw_text(w, 0, x, cols - x, "│ ", base);
		x += draw_text(w, 0, x, cols - x, a->notice, theme_attr(role));
		x += draw_text(w, 0, x, cols - x, " ", base);
	}
	{
		const char *store = a->opts->db_path ? a->opts->db_path : "";
		const char *help = " F1 help ";
		int hw = (int)strlen(help);
		int sw = (int)sanitize_width(store, strlen(store)) + 3;
		if (cols - x > hw + sw + 2) {
			snprintf(buf, sizeof(buf), "│ %s ", store);
			draw_text(w, 0, cols - hw - sw, sw, buf, base);
		}
		if (cols - x > hw)
			draw_text(w, 0, cols - hw, hw, help, acc);
	}
	wnoutrefresh(w);
}

/* Every view's keys from the tables the handlers dispatch through (keys.h),
 * then the commands from the registry. */
static void build_help(struct app *a)
{
	struct strbuf *sb = &a->help_text;

	strbuf_reset(sb);
	for (const struct keymap *const *m = keys_all(); *m; m++) {
		keymap_help(sb, *m);
		strbuf_adds(sb, "\n");
	}
	strbuf_adds(sb, "Commands (type /help COMMAND at the prompt for flags)\n");
	for (const struct cmd_def *const *d = registry_all(); *d; d++)
		strbuf_addf(sb, "  /%-20s %s%s\n", (*d)->name, (*d)->summary,
			    (*d)->run ? "" : " (not implemented yet)");
}

static void draw_help(struct app *a)
{
	int h = a->rows - 2, w = a->cols - 4, y = 1, x = 2, lines = 0, row;
	const char *p;
	WINDOW *win;

	if (h < 3 || w < 10) {
		h = a->rows > 1 ? a->rows - 1 : a->rows;
		w = a->cols;
		y = x = 0;
	}
	if (h < 1 || w < 1)
		return;
	if (w > 100) {
		x += (w - 100) / 2;
		w = 100;
	}
	win = newwin(h, w, y, x);
	if (!win)
		return;
	draw_clear(win);
	if (h >= 3 && w >= 10)
		draw_frame(win, "Help", "F1/Esc close", 1);
	for (p = strbuf_str(&a->help_text); *p; p++)
		if (*p == '\n')
			lines++;
	int inner = h >= 3 ? h - 2 : h, off = h >= 3 ? 1 : 0;
	if (a->help_scroll > lines - inner)
		a->help_scroll = lines - inner > 0 ? lines - inner : 0;
	p = strbuf_str(&a->help_text);
	for (int i = 0; i < a->help_scroll && *p; i++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	for (row = 0; row < inner && *p; row++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool heading = len && p[0] != ' ';
		draw_textn(win, row + off, off + 1, w - 2 * off - 1, p, len,
			   theme_attr(heading ? RWB_COLOR_HELP_KEY : RWB_COLOR_HELP_TEXT));
		p = nl ? nl + 1 : p + len;
	}
	wnoutrefresh(win);
	delwin(win);
}

void app_open_overlay(struct app *a, const struct view_ops *ops, void *state, const char *title)
{
	app_close_overlay(a);
	a->ov_ops = ops;
	a->ov_state = state;
	snprintf(a->ov_title, sizeof(a->ov_title), "%s", title ? title : ops->name);
	a->ov_dirty = true;
}

void app_close_overlay(struct app *a)
{
	if (!a->ov_ops)
		return;
	if (a->ov_ops->destroy)
		a->ov_ops->destroy(a->ov_state);
	a->ov_ops = NULL;
	a->ov_state = NULL;
	a->all_dirty = true;
}

void app_damage_overlay(struct app *a)
{
	a->ov_dirty = true;
}

/* The overlay's rectangle: the whole screen above the status bar. It
 * covers all of it: an inset let the panes' frames show at its edges
 * (`┌╔ Diagnostics`). */
static void overlay_rect(struct app *a, int *y, int *x, int *h, int *w)
{
	*y = 0;
	*x = 0;
	*h = a->rows > 1 ? a->rows - 1 : a->rows;
	*w = a->cols;
}

static void draw_overlay(struct app *a)
{
	int y, x, h, w;
	WINDOW *frame, *body;

	overlay_rect(a, &y, &x, &h, &w);
	if (h < 1 || w < 1)
		return;
	frame = newwin(h, w, y, x);
	if (!frame)
		return;
	draw_clear(frame);
	if (h >= 3 && w >= 6) {
		const char *right = a->ov_ops->border_right ? a->ov_ops->border_right(a->ov_state) : NULL;
		draw_frame(frame, a->ov_title, right, 1);
		body = derwin(frame, h - 2, w - 2, 1, 1);
	} else {
		body = derwin(frame, h, w, 0, 0);
	}
	if (body) {
		draw_clear(body);
		if (a->ov_ops->draw)
			a->ov_ops->draw(a->ov_state, body, getmaxy(body), getmaxx(body), true);
		int cy, cx;
		touchwin(frame);
		wnoutrefresh(frame);
		if (a->ov_ops->cursor && a->ov_ops->cursor(a->ov_state, &cy, &cx)) {
			int by, bx;
			getbegyx(body, by, bx);
			curs_set(1);
			setsyx(by + cy, bx + cx);
		}
		delwin(body);
	} else {
		wnoutrefresh(frame);
	}
	delwin(frame);
	a->ov_dirty = false;
}

static void render(struct app *a)
{
	bool any = false;

	if (a->layout_dirty) {
		relayout(a);
		clearok(curscr, TRUE);
	}
	if (a->all_dirty) {
		/* stdscr is never drawn on; erase it so no stale text survives a
		 * layout change in the gaps between windows */
		wbkgdset(stdscr, ' ' | theme_attr(RWB_COLOR_DEFAULT));
		werase(stdscr);
		wnoutrefresh(stdscr);
	}
	for (int i = 0; i < APP_PANE_COUNT; i++) {
		struct pane *p = a->panes[i];
		if (!p->visible || !(p->damaged || a->all_dirty))
			continue;
		if (a->ov_ops && !a->all_dirty) {
			/* covered by the overlay: draw later, when it closes */
			continue;
		}
		if (p->frame) {
			const char *right = p->ops->border_right ? p->ops->border_right(p) : NULL;
			draw_clear(p->frame);
			draw_frame(p->frame, p->title, right, p->focused);
			wnoutrefresh(p->frame);
		}
		if (p->ops->draw)
			p->ops->draw(p, p->body, getmaxy(p->body), getmaxx(p->body), p->focused);
		wnoutrefresh(p->body);
		p->damaged = false;
		any = true;
	}
	if (a->status_dirty || a->all_dirty || any) {
		draw_status(a);
		a->status_dirty = false;
	}
	if (a->ov_ops && !a->help_open)
		draw_overlay(a);
	if (a->help_open)
		draw_help(a);
	/* cursor */
	if (!a->ov_ops || a->help_open) {
		struct pane *f = a->panes[a->focus];
		int cy, cx;
		if (!a->help_open && f->visible && f->ops->cursor && f->ops->cursor(f, &cy, &cx)) {
			int by, bx;
			getbegyx(f->body, by, bx);
			curs_set(1);
			move(by + cy, bx + cx);
			wnoutrefresh(stdscr);
			/* leave the physical cursor there */
			setsyx(by + cy, bx + cx);
		} else {
			curs_set(0);
		}
	}
	doupdate();
	a->all_dirty = false;
	a->last_frame = loop_now_ms();
}

static bool anything_damaged(struct app *a)
{
	if (a->layout_dirty || a->all_dirty || a->status_dirty || (a->ov_ops && a->ov_dirty))
		return true;
	for (int i = 0; i < APP_PANE_COUNT; i++)
		if (a->panes[i]->damaged && a->panes[i]->visible)
			return true;
	return false;
}

static int idle(struct loop *l, void *data)
{
	struct app *a = data;
	int64_t now = loop_now_ms();

	(void)l;
	if (a->notice_until && now >= a->notice_until) {
		a->notice[0] = '\0';
		a->notice_until = 0;
		a->status_dirty = true;
	}
	if (!anything_damaged(a))
		return a->notice_until ? (int)(a->notice_until - now) : -1;
	if (now - a->last_frame < FRAME_MS)
		return (int)(FRAME_MS - (now - a->last_frame));
	render(a);
	return a->notice_until ? (int)(a->notice_until - now) : -1;
}

/* ---- keys ---- */

static void quit_now(struct app *a)
{
	a->quitting = true;
	loop_stop(a->loop);
}

static void request_quit(struct app *a)
{
	int running = pane_term_jobs_running(a->panes[APP_PANE_TERMINAL]);

	if (running > 0 && !a->script) {
		snprintf(a->confirm_q, sizeof(a->confirm_q),
			 "%d job%s still running: quit and stop %s? [y/n]", running,
			 running == 1 ? " is" : "s are", running == 1 ? "it" : "them");
		a->confirm_quit = true;
		a->status_dirty = true;
		return;
	}
	quit_now(a);
}

static void toggle_help(struct app *a)
{
	a->help_open = !a->help_open;
	a->help_scroll = 0;
	if (a->help_open)
		build_help(a);
	a->all_dirty = true;
}

static int k_help(void *self, const struct key *k)
{
	(void)k;
	toggle_help(self);
	return PANE_HANDLED;
}

static int k_focus(void *self, const struct key *k)
{
	/* F2-F5 or Alt-1..4, in enum app_pane's order */
	int which = k->alt ? (int)(k->ch - '1') : (int)k->ch - KEY_F(2);

	app_focus(self, (enum app_pane)which);
	return PANE_HANDLED;
}

static int k_zoom(void *self, const struct key *k)
{
	struct app *a = self;

	(void)k;
	a->zoom = !a->zoom;
	a->layout_dirty = true;
	return PANE_HANDLED;
}

static int k_quit(void *self, const struct key *k)
{
	(void)k;
	request_quit(self);
	return PANE_HANDLED;
}

static const struct keybind global_binds[] = {
	{ .keys = { KB_C(KEY_F(1)) }, .label = "F1", .help = "this help", .run = k_help },
	{ .keys = { KB_C(KEY_F(2)), KB_A('1') }, .label = "F2 / Alt-1", .help = "focus the command prompt",
	  .run = k_focus },
	{ .keys = { KB_C(KEY_F(3)), KB_A('2') }, .label = "F3 / Alt-2", .help = "focus the terminal pane",
	  .run = k_focus },
	{ .keys = { KB_C(KEY_F(4)), KB_A('3') }, .label = "F4 / Alt-3", .help = "focus the git pane",
	  .run = k_focus },
	{ .keys = { KB_C(KEY_F(5)), KB_A('4') }, .label = "F5 / Alt-4", .help = "focus the browser pane",
	  .run = k_focus },
	{ .keys = { KB_C(KEY_F(6)) }, .label = "F6", .help = "zoom the focused pane to full screen and back",
	  .run = k_zoom },
	{ .keys = { KEY_CTRL('q') }, .label = "Ctrl-Q", .help = "quit (asks first while a job is running)",
	  .run = k_quit },
};
const struct keymap app_keys_global = KEYMAP("Keys everywhere", global_binds);

static int k_cycle(void *self, const struct key *k)
{
	struct app *a = self;
	int step = k->is_code ? APP_PANE_COUNT - 1 : 1;

	app_focus(a, (enum app_pane)((a->focus + step) % APP_PANE_COUNT));
	return PANE_HANDLED;
}

static int k_command(void *self, const struct key *k)
{
	struct app *a = self;

	(void)k;
	if (a->focus == APP_PANE_COMMAND)
		return PANE_IGNORED;
	app_focus(a, APP_PANE_COMMAND);
	pane_command_start(a->panes[APP_PANE_COMMAND], "/");
	return PANE_HANDLED;
}

static const struct keybind outside_binds[] = {
	{ .keys = { '\t', KB_C(KEY_BTAB) }, .label = "Tab / Shift-Tab", .help = "cycle focus", .run = k_cycle },
	{ .keys = { '/' }, .label = "/", .help = "start a command", .run = k_command },
};
const struct keymap app_keys_outside = KEYMAP("Keys outside the terminal pane (when the pane does not use them)",
					      outside_binds);

static int k_help_close(void *self, const struct key *k)
{
	(void)k;
	toggle_help(self);
	return PANE_HANDLED;
}

static int k_help_move(void *self, const struct key *k)
{
	struct app *a = self;
	int d = keys_id(k) == KB_C(KEY_NPAGE) || keys_id(k) == ' ' ? a->rows / 2 :
		keys_id(k) == KB_C(KEY_PPAGE) ? -(a->rows / 2) :
		keys_id(k) == 'j' || keys_id(k) == KB_C(KEY_DOWN) ? 1 : -1;

	a->help_scroll = a->help_scroll + d > 0 ? a->help_scroll + d : 0;
	return PANE_HANDLED;
}

static const struct keybind help_binds[] = {
	{ .keys = { 27, 'q' }, .label = "Esc / q", .help = "close this help (F1 too)", .run = k_help_close },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "scroll a line",
	  .run = k_help_move },
	{ .keys = { KB_C(KEY_NPAGE), ' ', KB_C(KEY_PPAGE) }, .label = "PgDn/Space, PgUp",
	  .help = "scroll half a screen", .run = k_help_move },
};
const struct keymap app_keys_help = KEYMAP("Help (F1)", help_binds);

const struct keymap *const *keys_all(void)
{
	static const struct keymap *const all[] = {
		&app_keys_global, &app_keys_outside, &app_keys_help,
		&command_keys, &command_search_keys,
		&term_keys, &term_ended_keys, &term_scroll_keys, &term_prompt_keys,
		&git_status_keys, &git_diff_keys, &git_log_keys, &git_commit_keys,
		&diag_keys, &diag_explain_keys, &diag_fix_keys,
		&viewer_keys, &viewer_input_keys, &grep_keys,
		&flame_keys, &flame_table_keys, &flame_search_keys,
		&browser_keys, &tab_memory_list_keys, &tab_memory_search_keys, &tab_memory_entry_keys,
		&tab_memory_history_keys, &tab_metrics_keys, &tab_audit_keys, &tab_audit_note_keys,
		&tab_tasks_keys, &tab_tasks_field_keys,
		NULL,
	};
	return all;
}

static void handle_key(struct app *a, const struct key *k)
{
	struct pane *p;
	int r;

	if (a->confirm_quit || a->confirm_cb) {
		bool yes = !k->is_code && (k->ch == 'y' || k->ch == 'Y');
		bool no = (!k->is_code && (k->ch == 'n' || k->ch == 'N' || k->ch == 27)) ||
			  (!k->is_code && k->ch == KEY_CTRL('g'));
		if (!yes && !no)
			return;
		if (a->confirm_quit) {
			a->confirm_quit = false;
			a->status_dirty = true;
			if (yes)
				quit_now(a);
			return;
		}
		void (*cb)(struct app *, bool, void *) = a->confirm_cb;
		void *data = a->confirm_data;
		a->confirm_cb = NULL;
		a->status_dirty = true;
		cb(a, yes, data);
		return;
	}
	if (key_is_code(k, KEY_RESIZE)) {
		a->layout_dirty = true;
		return;
	}
	if (keymap_dispatch(&app_keys_global, a, k) != PANE_IGNORED)
		return;
	if (a->help_open) {
		keymap_dispatch(&app_keys_help, a, k);
		a->all_dirty = true;
		return;
	}
	if (a->ov_ops) {
		r = a->ov_ops->key ? a->ov_ops->key(a->ov_state, k) : PANE_IGNORED;
		if (r == PANE_IGNORED && !k->is_code && !k->alt && (k->ch == 27 || k->ch == 'q'))
			r = OVERLAY_CLOSE;
		if (r & OVERLAY_CLOSE)
			app_close_overlay(a);
		else
			a->ov_dirty = true;
		if (r & PANE_QUIT)
			request_quit(a);
		return;
	}
	p = a->panes[a->focus];
	r = p->ops->key ? p->ops->key(p, k) : PANE_IGNORED;
	if (r & PANE_REDRAW)
		p->damaged = true;
	if (r & PANE_QUIT)
		request_quit(a);
	if (r != PANE_IGNORED)
		return;
	if (p->ops->wants_all_keys)
		return;
	keymap_dispatch(&app_keys_outside, a, k);
}

static void read_keys(struct loop *l, int fd, int revents, void *data)
{
	struct app *a = data;
	wint_t ch;
	int rc;

	(void)l;
	(void)fd;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* the controlling terminal went away (SSH dropped) */
		quit_now(a);
		return;
	}
	/* drain everything that is there, in one go */
	while ((rc = get_wch(&ch)) != ERR) {
		struct key k = { rc == KEY_CODE_YES, false, ch };
		if (!k.is_code && ch == 27) {
			wint_t next;
			int r2 = get_wch(&next);
			if (r2 != ERR) {
				if (r2 == OK && next == 27) {
					/* Esc Esc: one Esc, then another */
					handle_key(a, &k);
				} else {
					k.alt = true;
					k.is_code = r2 == KEY_CODE_YES;
					k.ch = next;
				}
			}
		}
		handle_key(a, &k);
		if (a->quitting)
			return;
	}
}

/* ---- signals and periodic work ---- */

static void on_winch(struct loop *l, int signo, void *data)
{
	struct app *a = data;
	struct winsize ws;

	(void)l;
	(void)signo;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	a->layout_dirty = true;
}

static void on_terminate(struct loop *l, int signo, void *data)
{
	struct app *a = data;

	(void)l;
	a->exit_status = 128 + signo;
	quit_now(a);
}

static int poll_store(struct loop *l, void *data)
{
	struct app *a = data;

	(void)l;
	if (store_changed(a->store))
		app_store_touched(a);
	return STORE_POLL_MS;
}

static int poll_branch(struct loop *l, void *data)
{
	struct app *a = data;
	char branch[sizeof(a->branch)];

	(void)l;
	repoinfo_branch(a->opts->repo, branch, sizeof(branch));
	if (strcmp(branch, a->branch) != 0) {
		memcpy(a->branch, branch, sizeof(branch));
		a->status_dirty = true;
	}
	return 2000;
}

/* ---- script mode ---- */

static void save_screen(struct app *a, const char *path)
{
	FILE *f = fopen(path, "w");
	int rows, cols;

	if (!f) {
		app_notice(a, NOTICE_WARNING, "script: cannot write %s: %s", path, strerror(errno));
		return;
	}
	getmaxyx(curscr, rows, cols);
	for (int y = 0; y < rows; y++) {
		struct strbuf line = STRBUF_INIT;
		for (int x = 0; x < cols; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t at;
			short pair;
			char mb[64];
			if (mvwin_wch(curscr, y, x, &cc) == ERR)
				break;
			if (getcchar(&cc, wch, &at, &pair, NULL) == ERR)
				continue;
			if (!wch[0])
				continue; /* the second column of a wide character */
			for (int k = 0; wch[k]; k++) {
				int n = wctomb(mb, wch[k]);
				if (n > 0)
					strbuf_add(&line, mb, (size_t)n);
			}
		}
		while (line.len && line.buf[line.len - 1] == ' ')
			line.buf[--line.len] = '\0';
		fprintf(f, "%s\n", strbuf_str(&line));
		strbuf_free(&line);
	}
	fclose(f);
}

static bool screen_contains(const char *text)
{
	int rows, cols;
	bool found = false;

	getmaxyx(curscr, rows, cols);
	for (int y = 0; y < rows && !found; y++) {
		struct strbuf line = STRBUF_INIT;
		for (int x = 0; x < cols; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t at;
			short pair;
			char mb[64];
			if (mvwin_wch(curscr, y, x, &cc) == ERR || getcchar(&cc, wch, &at, &pair, NULL) == ERR)
				continue;
			for (int k = 0; wch[k]; k++) {
				int n = wctomb(mb, wch[k]);
				if (n > 0)
					strbuf_add(&line, mb, (size_t)n);
			}
		}
		found = strstr(strbuf_str(&line), text) != NULL;
		strbuf_free(&line);
	}
	return found;
}

static int script_tick(struct loop *l, void *data)
{
	struct app *a = data;
	const struct script_step *st;

	(void)l;
	if (anything_damaged(a))
		render(a);
	if (a->waiting) {
		if (screen_contains(a->waiting->arg))
			a->waiting = NULL;
		else if (loop_now_ms() < a->wait_for_deadline)
			return 20;
		else {
			app_notice(a, NOTICE_WARNING, "script: '%s' did not appear", a->waiting->arg);
			a->waiting = NULL;
		}
	}
	st = script_next(a->script);
	if (!st) {
		/* the script ran out: the keyboard takes over */
		return LOOP_TIMER_STOP;
	}
	switch (st->kind) {
	case STEP_KEYS:
		for (int i = 0; i < st->nkeys && !a->quitting; i++)
			handle_key(a, &st->keys[i]);
		return 1;
	case STEP_SAVE_SCREEN:
		render(a);
		save_screen(a, st->arg);
		return 0;
	case STEP_WAIT:
		return st->ms;
	case STEP_WAIT_FOR:
		a->waiting = st;
		a->wait_for_deadline = loop_now_ms() + 10000;
		return 1;
	case STEP_QUIT:
		quit_now(a);
		return LOOP_TIMER_STOP;
	case STEP_END:
		break;
	}
	return LOOP_TIMER_STOP;
}

/* ---- commands ---- */

void app_run_command(struct app *a, const char *line)
{
	dispatch_line(a, line);
}

/* ---- main ---- */

static void fatal_hook(void)
{
	restore_terminal();
}

int app_main(const struct app_options *opts, struct store *store)
{
	struct app *a = xcalloc(1, sizeof(*a));
	char notice[512] = "", *theme = NULL;
	SCREEN *scr;

	a->opts = opts;
	a->store = store;
	if (opts->script) {
		a->script = script_load(opts->script);
		if (!a->script) {
			fprintf(stderr, "rwb: %s\n", rwb_last_error());
			free(a);
			return 2;
		}
	}
	if (!isatty(STDIN_FILENO) && !a->script) {
		fprintf(stderr, "rwb: the TUI needs a terminal on standard input "
			"(run a command with 'rwb /COMMAND', or a script with --script FILE)\n");
		free(a);
		return 2;
	}
	if (!getenv("TERM") || !*getenv("TERM")) {
		fprintf(stderr, "rwb: TERM is not set; set it to your terminal's type (e.g. xterm-256color)\n");
		script_free(a->script);
		free(a);
		return 3;
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_termios) == 0)
		have_termios = true;
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "rwb: cannot use terminal type '%s' (no terminfo entry)\n", getenv("TERM"));
		script_free(a->script);
		free(a);
		return 3;
	}
	the_app = a;
	curses_active = true;
	xalloc_set_fatal_hook(fatal_hook);
	install_crash_handlers();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	meta(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	/* --theme beats the store's remembered choice */
	if (!opts->theme && store_setting_get(store, "theme", &theme) != RWB_OK)
		theme = NULL;
	theme_init(opts->theme ? opts->theme : theme, notice, sizeof(notice));
	if (opts->theme && !notice[0])
		store_setting_set(store, "theme", opts->theme);
	free(theme);

	a->loop = loop_new();
	loop_add_fd(a->loop, STDIN_FILENO, POLLIN, read_keys, a);
	loop_add_signal(a->loop, SIGWINCH, on_winch, a);
	loop_add_signal(a->loop, SIGTERM, on_terminate, a);
	loop_add_signal(a->loop, SIGHUP, on_terminate, a);
	signal(SIGPIPE, SIG_IGN);
	a->panes[APP_PANE_COMMAND] = pane_command_new(a);
	a->panes[APP_PANE_TERMINAL] = pane_term_new(a);
	a->panes[APP_PANE_GIT] = pane_git_new(a);
	a->panes[APP_PANE_BROWSER] = pane_browser_new(a);
	a->focus = APP_PANE_COMMAND;
	a->panes[APP_PANE_COMMAND]->focused = true;
	if (a->panes[APP_PANE_COMMAND]->ops->focus)
		a->panes[APP_PANE_COMMAND]->ops->focus(a->panes[APP_PANE_COMMAND], true);
	a->layout_dirty = true;
	if (notice[0])
		app_notice(a, NOTICE_WARNING, "%s", notice);
	poll_branch(a->loop, a);
	refresh_focus(a);
	a->agents = agentwatch_new(a);
	loop_add_timer(a->loop, STORE_POLL_MS, poll_store, a);
	loop_add_timer(a->loop, 2000, poll_branch, a);
	loop_set_idle(a->loop, idle, a);
	if (a->script)
		loop_add_timer(a->loop, 0, script_tick, a);
	render(a);
	loop_run(a->loop);

	app_close_overlay(a);
	agentwatch_free(a->agents);
	a->agents = NULL;
	/* the terminal first: ending its jobs reports to the command pane and
	 * refreshes the others, which must still be there */
	static const enum app_pane free_order[] = {
		APP_PANE_TERMINAL, APP_PANE_GIT, APP_PANE_BROWSER, APP_PANE_COMMAND,
	};
	for (size_t i = 0; i < sizeof(free_order) / sizeof(free_order[0]); i++) {
		struct pane *p = a->panes[free_order[i]];
		if (p->body) delwin(p->body);
		if (p->frame) delwin(p->frame);
		p->body = p->frame = NULL;
		p->visible = false;
		if (p->ops->destroy)
			p->ops->destroy(p);
		a->panes[free_order[i]] = NULL;
	}
	if (a->status)
		delwin(a->status);
	restore_terminal();
	delscreen(scr);
	xalloc_set_fatal_hook(NULL);
	loop_free(a->loop);
	script_free(a->script);
	strbuf_free(&a->help_text);
	for (int i = 0; i < a->njobs; i++)
		free(a->jobs[i]);
	free(a->jobs);
	free(a->me);
	the_app = NULL;
	int status = a->exit_status;
	free(a);
	return status;
}
