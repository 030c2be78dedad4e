/*
 * term.c - the terminal pane: the user's shell and every job, each in its
 * own pseudo-terminal, parsed by libvterm's State layer into a vtgrid
 * (backend/vtgrid.c) and drawn into the pane with the outer terminal's
 * colours.
 *
 * Design: one tab per pty. The shell is tab 1 and comes back with Enter
 * when it ends; jobs (pane_term_job_start) get their own tab, keep their
 * screen and scrollback after they finish, and are recorded in the store's
 * jobs table (rwb's own slash commands record their own row). Another
 * process's job (an agent's, tui/agentwatch.c) gets a tab with no pty
 * that follows its output file (pane_term_follow_start). Pty output
 * is read non-blocking in 64 KiB chunks from the loop and fed to the grid
 * in 8 KiB slices within a 4 ms budget per round; it only marks damage:
 * the app draws at most once per frame, and only damaged rows are redrawn,
 * so a flooding program never starves the keys (stdin is polled first). Children are reaped on SIGCHLD (wait4 with
 * WNOHANG for our own pids only) after their last output has been read.
 *
 * Colours: every cell's (fg, bg) is reduced to what the outer terminal has
 * (theme_colors(), themefile_reduce()) and gets an extended colour pair
 * from THEME_FIRST_FREE_PAIR up (after the theme's roles when the terminal
 * has fewer pairs), allocated on demand and recycled least recently used
 * when the pair table is full.
 *
 * Keys: everything but the app's global keys goes to the program through
 * libvterm's keyboard encoder; the pane keeps F7 (scroll mode),
 * Shift-PgUp/PgDn and Alt-PgUp/PgDn (tabs). docs/terminal.md lists them.
 *
 * Never: draw from a callback, send program output to the outer terminal
 * except through curses cells (control characters cannot reach a cell),
 * block on a pty, or let the program's end take rwb with it.
 */
#define _GNU_SOURCE
#include "term.h"
#include "app.h"
#include "draw.h"
#include "error.h"
#include "keys.h"
#include "loop.h"
#include "sanitize.h"
#include "store.h"
#include "strbuf.h"
#include "theme.h"
#include "vtgrid.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>
#include <wchar.h>

#define READ_CHUNK 65536
#define READ_BUDGET_MS 4        /* per pty per loop round */
#define DRAIN_MAX (4u << 20)    /* read after the process ended */
#define FEED_SLICE 8192         /* bytes fed between clock checks */
#define MAX_TABS 32
#define FINISHED_TABS_DEFAULT 8 /* finished job tabs kept (RWB_FINISHED_TABS) */
#define PAIR_CACHE_MAX 4096
#define PAIR_HASH 8192
#define SEARCH_MAX 256
#define REDUCE_CACHE 1024
#define KEY_SCROLL_MODE KEY_F(7)
#define FOLLOW_MS 200           /* a followed file is read this often */

struct term_pane;

struct term_tab {
	struct term_pane *tp;        /* borrowed back pointer */
	int id;                      /* job id (> 0); the shell tab is 0 */
	bool is_shell;               /* tab 1: restarts with Enter, never closed */
	char name[48];               /* tab label: "sh", "cargo-build" */
	struct vtgrid *g;            /* owned */
	int fd;                      /* pty master, -1 when closed */
	pid_t pid;                   /* 0 once reaped */
	bool reaped;                 /* wait4 returned its status */
	bool finished;               /* output drained and the end handled */
	int status;                  /* wait status, valid when reaped */
	struct rusage ru;            /* from wait4, valid when reaped */
	int64_t started_ms, ended_ms;  /* loop_now_ms() at spawn and at the end */
	int64_t store_id;            /* jobs row, 0 when none */
	void (*on_output)(void *data, const char *buf, size_t n);  /* job API, may be NULL */
	void (*on_exit)(void *data, int status, const struct rusage *ru, long duration_ms);  /* NULL once called */
	void *cb_data;               /* borrowed: the job API's data */
	int follow_fd;               /* a file followed as it grows (another process's job), -1 none */
	int64_t follow_timer;        /* the timer reading follow_fd, 0 when none */
	bool follow_cr;              /* the last byte fed from follow_fd was '\r' */
	struct strbuf outq;          /* bytes waiting to be written to the pty */
	char *in;                    /* owned: READ_CHUNK bytes read, NULL until the first read */
	size_t in_len, in_off;       /* in[in_off..in_len) not fed yet */
	int64_t in_timer;            /* timer feeding the rest of `in`, 0 when none */
	bool watching_out;           /* POLLOUT requested */
	/* scrollback view and scroll mode */
	int view;                    /* lines scrolled back (0 = live) */
	uint64_t seen_pushed;        /* vtgrid_lines_pushed() at the last draw */
	bool scroll_mode;            /* keys move through the scrollback */
	uint64_t cur_line;           /* scroll-mode cursor (absolute line) */
	bool selecting;              /* lines sel_anchor..cur_line are selected */
	uint64_t sel_anchor;         /* absolute line where the selection began */
	char search[SEARCH_MAX];     /* last search */
	char search_note[SEARCH_MAX + 48]; /* "no match for 'x' above", shown in the scroll line; "" none */
	bool have_match;             /* match_* hold the last search hit */
	uint64_t match_line;         /* absolute line of the hit */
	int match_col, match_width;  /* columns of the hit */
};

enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_WRITE };

struct pair_entry {
	int fg, bg;                  /* reduced colours (-1 default) */
	int next;                    /* hash chain, -1 ends */
	uint64_t used;               /* frame stamp for LRU */
	bool live;                   /* init_extended_pair succeeded */
};

struct term_pane {
	struct pane base;            /* first member: the pane object */
	struct term_tab *tabs[MAX_TABS];  /* owned; tabs[0] is the shell */
	int ntabs;                   /* 1..MAX_TABS once the shell started */
	int active;                  /* index into tabs */
	int next_job_id;             /* ids handed to pane_term_job_start() callers */
	int rows, cols;              /* the body's size (what ptys are told) */
	bool full_redraw;            /* the body must be drawn completely */
	bool sigchld_added;          /* our SIGCHLD handler is in the loop */
	bool paste_on;               /* outer terminal's bracketed paste enabled */
	char border[512];            /* border_right text */
	/* the prompt line of scroll mode */
	enum prompt_kind prompt;     /* scroll mode's prompt line, if open */
	char prompt_buf[SEARCH_MAX]; /* what is typed at it (UTF-8) */
	/* bracketed paste from the outer terminal: ESC [ 2 0 0 ~ ... ESC [ 2 0 1 ~ */
	int paste_match;             /* bytes of the marker matched so far */
	bool pasting;                /* between the paste markers */
	struct strbuf paste;         /* pasted text so far */
	/* colour pairs */
	struct pair_entry pairs[PAIR_CACHE_MAX];  /* pair pair_base + i */
	int pair_head[PAIR_HASH];    /* hash of (fg, bg) -> first entry, -1 none */
	int npairs, pair_cap;        /* entries in use; at most pair_cap */
	int pair_base;               /* the first pair number the pane uses */
	uint64_t frame;              /* draws so far: the LRU clock */
	int default_fg, default_bg;  /* the DEFAULT role's colours */
	uint32_t reduce_key[REDUCE_CACHE];  /* colour word + 1 (0: empty slot) */
	int reduce_val[REDUCE_CACHE];       /* the reduced colour */
	bool reduce_bright[REDUCE_CACHE];   /* 8-colour terminals: add bold */
	/* extended key codes (modifiers) from terminfo */
	struct { int code; VTermKey key; int mod; } xkeys[96];  /* curses code -> key + modifiers */
	int nxkeys;                  /* entries in xkeys */
	int alt_pgup, alt_pgdn;      /* tab switching chord, 0 when unknown */
};

static struct term_pane *tp_of(struct pane *p)
{
	return (struct term_pane *)p;
}

static struct term_tab *active_tab(struct term_pane *tp)
{
	return tp->ntabs ? tp->tabs[tp->active] : NULL;
}

static bool tab_running(const struct term_tab *t)
{
	return (t->pid > 0 || t->follow_fd >= 0 || t->follow_timer) && !t->finished;
}

/* ---- writing to the program ---- */

static void pty_readable(struct loop *l, int fd, int revents, void *data);

static void flush_out(struct term_tab *t)
{
	while (t->fd >= 0 && t->outq.len) {
		ssize_t n = write(t->fd, t->outq.buf, t->outq.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		memmove(t->outq.buf, t->outq.buf + n, t->outq.len - (size_t)n);
		t->outq.len -= (size_t)n;
		t->outq.buf[t->outq.len] = '\0';
	}
	bool want = t->fd >= 0 && t->outq.len > 0;
	if (want != t->watching_out && t->fd >= 0) {
		loop_set_fd_events(app_loop(t->tp->base.app), t->fd, want ? POLLIN | POLLOUT : POLLIN);
		t->watching_out = want;
	}
	if (t->fd < 0)
		strbuf_reset(&t->outq);
}

static void grid_output(void *data, const char *buf, size_t n)
{
	struct term_tab *t = data;

	if (t->fd < 0 || t->outq.len > (1u << 20))
		return;  /* nobody listens, or the program stopped reading */
	strbuf_add(&t->outq, buf, n);
	flush_out(t);
}

/* ---- processes ---- */

static void feed_local(struct term_tab *t, const char *text)
{
	vtgrid_feed(t->g, text, strlen(text));
}

/* Starts argv in a new pty of the pane's size; 0 or an RWB_E* code. */
static int tab_spawn(struct term_tab *t, char *const *argv, const char *cwd, char *const *env)
{
	struct term_pane *tp = t->tp;
	struct winsize ws = { (unsigned short)tp->rows, (unsigned short)tp->cols, 0, 0 };
	int fd = -1, errpipe[2];
	pid_t pid;
	char errbuf[256];
	ssize_t n;

	if (pipe2(errpipe, O_CLOEXEC) != 0)
		return RWB_EIO;
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		close(errpipe[0]);
		close(errpipe[1]);
		return RWB_EIO;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		close(errpipe[0]);
		setenv("TERM", "xterm-256color", 1);
		setenv("COLORTERM", "truecolor", 1);
		unsetenv("LINES");
		unsetenv("COLUMNS");
		unsetenv("RWB_SCRIPT");
		for (int i = 0; env && env[i]; i++)
			putenv(env[i]);
		if (cwd && chdir(cwd) != 0) {
			int len = snprintf(errbuf, sizeof(errbuf), "cannot enter %s: %s", cwd, strerror(errno));
			(void)!write(errpipe[1], errbuf, (size_t)len);
			_exit(127);
		}
		execvp(argv[0], argv);
		int len = snprintf(errbuf, sizeof(errbuf), "cannot run %s: %s", argv[0], strerror(errno));
		(void)!write(errpipe[1], errbuf, (size_t)len);
		_exit(127);
	}
	close(errpipe[1]);
	do
		n = read(errpipe[0], errbuf, sizeof(errbuf) - 1);
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	t->fd = fd;
	t->pid = pid;
	t->reaped = t->finished = false;
	t->started_ms = loop_now_ms();
	loop_add_fd(app_loop(tp->base.app), fd, POLLIN, pty_readable, t);
	if (n > 0) {
		/* exec failed: the child reports and exits; SIGCHLD finishes it */
		errbuf[n] = '\0';
		char *safe = sanitize_dup(errbuf, 0);
		feed_local(t, "\033[31m");
		feed_local(t, safe);
		feed_local(t, "\033[0m\r\n");
		free(safe);
	}
	return RWB_OK;
}

static const char *shell_path(void)
{
	const char *s = getenv("RWB_SHELL");

	if (!s || !*s)
		s = getenv("SHELL");
	return s && *s ? s : "/bin/sh";
}

static void shell_start(struct term_tab *t)
{
	const char *sh = shell_path();
	char *argv[] = { (char *)sh, NULL };
	const char *base = strrchr(sh, '/');

	struct app *a = t->tp->base.app;
	const char *self = app_argv0(a), *slash = strrchr(self, '/');
	const char *path = getenv("PATH");
	/* `rwb /cmd` typed in the shell acts on this rwb's store, with this binary */
	char *env[3] = { NULL, NULL, NULL };
	int ne = 0;

	if (app_db_path(a))
		env[ne++] = xasprintf("RWB_DB=%s", app_db_path(a));
	if (slash && slash > self)
		env[ne++] = xasprintf("PATH=%.*s%s%s", (int)(slash - self), self,
				      path && *path ? ":" : "", path ? path : "");
	snprintf(t->name, sizeof(t->name), "%s", base ? base + 1 : sh);
	if (tab_spawn(t, argv, app_repo(a), env) != RWB_OK) {
		feed_local(t, "\033[31mcannot start a shell (forkpty failed)\033[0m\r\n");
		t->finished = true;
	}
	for (int i = 0; i < ne; i++)
		free(env[i]);
}

/* The process ended and its output is drained: report once. */
static void tab_finish(struct term_tab *t)
{
	struct term_pane *tp = t->tp;
	struct app *a = tp->base.app;
	long duration;
	int code;
	char line[256];

	if (t->finished)
		return;
	t->finished = true;
	t->ended_ms = loop_now_ms();
	duration = (long)(t->ended_ms - t->started_ms);
	if (t->fd >= 0) {
		loop_del_fd(app_loop(a), t->fd);
		close(t->fd);
		t->fd = -1;
	}
	strbuf_reset(&t->outq);
	t->watching_out = false;
	code = WIFEXITED(t->status) ? WEXITSTATUS(t->status) :
	       WIFSIGNALED(t->status) ? 128 + WTERMSIG(t->status) : 1;
	if (t->store_id > 0) {
		int64_t cpu = (int64_t)(t->ru.ru_utime.tv_sec + t->ru.ru_stime.tv_sec) * 1000 +
			      (t->ru.ru_utime.tv_usec + t->ru.ru_stime.tv_usec) / 1000;
		store_job_end(app_store(a), t->store_id, code, t->ru.ru_maxrss, cpu);
		app_store_touched(a);
	}
	/* leave the alternate screen so the message and the output show */
	if (vtgrid_altscreen(t->g))
		feed_local(t, "\033[?1049l");
	{
		int r, c;
		bool vis;
		vtgrid_cursor(t->g, &r, &c, &vis);
		feed_local(t, c > 0 ? "\033[0m\r\n" : "\033[0m");
	}
	if (WIFSIGNALED(t->status))
		snprintf(line, sizeof(line), "\033[1;31m[%s killed by signal %d (%s) after %.1f s]",
			 t->is_shell ? "shell" : "job", WTERMSIG(t->status),
			 strsignal(WTERMSIG(t->status)), duration / 1000.0);
	else
		snprintf(line, sizeof(line), "\033[1;%dm[%s exited with status %d after %.1f s]",
			 code ? 31 : 32, t->is_shell ? "shell" : "job", code, duration / 1000.0);
	feed_local(t, line);
	feed_local(t, t->is_shell ? "\033[0m\r\nEnter restarts the shell\r\n" :
		   "\033[0m\r\nx closes this tab; Alt-PgUp/PgDn switch tabs\r\n");
	if (t->is_shell)
		app_notice(a, NOTICE_INFO, "the shell ended (status %d): Enter in the terminal pane restarts it", code);
	pane_damage(&tp->base);
	if (t->on_exit) {
		void (*cb)(void *, int, const struct rusage *, long) = t->on_exit;
		t->on_exit = NULL;
		cb(t->cb_data, t->status, &t->ru, duration);
	}
}

static int tab_index(const struct term_tab *t)
{
	for (int i = 0; i < t->tp->ntabs; i++)
		if (t->tp->tabs[i] == t)
			return i;
	return 0;
}

static int feed_later(struct loop *l, void *data);

/*
 * Reads what the program wrote, in READ_CHUNK reads, and feeds it to the
 * grid in FEED_SLICE pieces for at most READ_BUDGET_MS; what is left of a
 * read waits in t->in (a 0 ms timer comes back for it), so one slow chunk
 * never holds up the keyboard. all: until nothing is left (the process
 * ended), bounded by DRAIN_MAX.
 */
static void pty_drain(struct term_tab *t, bool all)
{
	int64_t start = loop_now_ms();
	size_t total = 0;
	bool got = false;

	for (;;) {
		if (t->in_off < t->in_len) {
			size_t n = t->in_len - t->in_off;
			if (n > FEED_SLICE)
				n = FEED_SLICE;
			vtgrid_feed(t->g, t->in + t->in_off, n);
			if (t->on_output)
				t->on_output(t->cb_data, t->in + t->in_off, n);
			t->in_off += n;
			total += n;
			got = true;
			if (!all && loop_now_ms() - start >= READ_BUDGET_MS)
				break;
			if (all && total >= DRAIN_MAX)
				break;  /* a background process still floods: the rest is dropped */
			continue;
		}
		if (t->fd < 0)
			break;
		if (!t->in)
			t->in = xmalloc(READ_CHUNK);
		ssize_t n = read(t->fd, t->in, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				/* EIO: every slave descriptor closed */
				if (t->reaped)
					tab_finish(t);
				else if (t->fd >= 0) {
					loop_del_fd(app_loop(t->tp->base.app), t->fd);
					close(t->fd);
					t->fd = -1;
				}
			}
			break;
		}
		t->in_len = (size_t)n;
		t->in_off = 0;
	}
	if (all || t->finished)
		t->in_len = t->in_off = 0;
	if (t->in_off < t->in_len && !t->in_timer)
		t->in_timer = loop_add_timer(app_loop(t->tp->base.app), 0, feed_later, t);
	if (got) {
		unsigned ev = vtgrid_take_events(t->g);
		if (ev & VTGRID_EV_BELL)
			app_notice(t->tp->base.app, NOTICE_INFO, "bell in terminal tab %d (%s)",
				   tab_index(t) + 1, t->name);
		pane_damage(&t->tp->base);
	}
}

static int feed_later(struct loop *l, void *data)
{
	struct term_tab *t = data;

	(void)l;
	pty_drain(t, false);
	if (t->in_off < t->in_len)
		return 0;
	t->in_timer = 0;
	return LOOP_TIMER_STOP;
}

static void pty_readable(struct loop *l, int fd, int revents, void *data)
{
	struct term_tab *t = data;

	(void)l;
	(void)fd;
	if (revents & POLLOUT)
		flush_out(t);
	if (revents & (POLLIN | POLLHUP | POLLERR))
		pty_drain(t, false);
}

static void on_sigchld(struct loop *l, int signo, void *data)
{
	struct term_pane *tp = data;

	(void)l;
	(void)signo;
	for (int i = 0; i < tp->ntabs; i++) {
		struct term_tab *t = tp->tabs[i];
		if (t->pid <= 0 || t->reaped)
			continue;
		pid_t r = wait4(t->pid, &t->status, WNOHANG, &t->ru);
		if (r != t->pid)
			continue;
		t->reaped = true;
		pty_drain(t, true);  /* the last output first */
		tab_finish(t);
	}
}

/* ---- tabs ---- */

/* Scrollback lines per tab: RWB_SCROLLBACK, else the default; *bad is set
 * when the variable is there but not a number of lines. */
static int scrollback_lines_checked(bool *bad)
{
	const char *sb = getenv("RWB_SCROLLBACK");
	int lines = VTGRID_SCROLLBACK_DEFAULT;

	*bad = false;
	if (sb && *sb) {
		char *end;
		long v = strtol(sb, &end, 10);
		if (*end == '\0' && v >= 0 && v <= VTGRID_SCROLLBACK_MAX)
			lines = (int)v;
		else
			*bad = true;
	}
	return lines;
}

static int scrollback_lines(void)
{
	bool bad;
	return scrollback_lines_checked(&bad);
}

static struct term_tab *tab_new(struct term_pane *tp, bool is_shell)
{
	struct term_tab *t = xcalloc(1, sizeof(*t));
	int rows = tp->rows > 0 ? tp->rows : 24, cols = tp->cols > 0 ? tp->cols : 80;

	t->tp = tp;
	t->is_shell = is_shell;
	t->fd = -1;
	t->follow_fd = -1;
	t->g = vtgrid_new(rows, cols, scrollback_lines(), grid_output, t);
	return t;
}

static void tab_free(struct term_tab *t)
{
	if (!t)
		return;
	if (t->fd >= 0) {
		loop_del_fd(app_loop(t->tp->base.app), t->fd);
		close(t->fd);
	}
	if (t->in_timer)
		loop_del_timer(app_loop(t->tp->base.app), t->in_timer);
	if (t->follow_timer)
		loop_del_timer(app_loop(t->tp->base.app), t->follow_timer);
	if (t->follow_fd >= 0)
		close(t->follow_fd);
	vtgrid_free(t->g);
	strbuf_free(&t->outq);
	free(t->in);
	free(t);
}

static void tab_select(struct term_pane *tp, int i)
{
	if (i < 0 || i >= tp->ntabs)
		return;
	tp->active = i;
	tp->prompt = PROMPT_NONE;
	tp->full_redraw = true;
	vtgrid_damage_all(tp->tabs[i]->g);
	pane_damage(&tp->base);
}

/* Finished job tabs kept: RWB_FINISHED_TABS (0 to MAX_TABS - 1), else
 * the default; *bad is set when the variable is there but not such a
 * number. */
static int finished_tabs_max(bool *bad)
{
	const char *v = getenv("RWB_FINISHED_TABS");
	char *end;
	long n;

	*bad = false;
	if (!v || !*v)
		return FINISHED_TABS_DEFAULT;
	n = strtol(v, &end, 10);
	if (*end || n < 0 || n > MAX_TABS - 1) {
		*bad = true;
		return FINISHED_TABS_DEFAULT;
	}
	return (int)n;
}

static void tab_close(struct term_pane *tp, int i);

/* Closes the finished job tabs that ended first until `keep` are left (the
 * tab on screen stays); their answers are in the store already. */
static void prune_finished(struct term_pane *tp, int keep)
{
	for (;;) {
		int n = 0, oldest = -1;
		for (int i = 1; i < tp->ntabs; i++) {
			const struct term_tab *t = tp->tabs[i];
			if (t->is_shell || !t->finished)
				continue;
			n++;
			if (i != tp->active && (oldest < 0 || t->ended_ms < tp->tabs[oldest]->ended_ms))
				oldest = i;
		}
		if (n <= keep || oldest < 0)
			return;
		tab_close(tp, oldest);
	}
}

static void tab_close(struct term_pane *tp, int i)
{
	struct term_tab *t = tp->tabs[i];

	if (i == 0 || tab_running(t))
		return;  /* the shell tab stays; running jobs are stopped first */
	tab_free(t);
	memmove(tp->tabs + i, tp->tabs + i + 1, (size_t)(tp->ntabs - i - 1) * sizeof(*tp->tabs));
	tp->ntabs--;
	tab_select(tp, tp->active >= tp->ntabs ? tp->ntabs - 1 : tp->active > i ? tp->active - 1 :
		   tp->active);
}

/* ---- colours ---- */

/* The outer terminal's colour for a cell colour word (-2: the theme's
 * default); nearest-colour searches are cached per word. */
static int reduce(struct term_pane *tp, uint32_t word, bool *bright)
{
	struct theme_color c;
	unsigned slot = (word ^ (word >> 11) ^ (word >> 22)) & (REDUCE_CACHE - 1);
	int v;

	*bright = false;
	switch (VTCOLOR_KIND(word)) {
	case VTCOLOR_INDEX:
		c.kind = THEME_COLOR_INDEX;
		break;
	case VTCOLOR_RGB:
		c.kind = THEME_COLOR_RGB;
		break;
	default:
		return -2;  /* the role's default */
	}
	if (tp->reduce_key[slot] == word + 1) {
		*bright = tp->reduce_bright[slot];
		return tp->reduce_val[slot];
	}
	c.value = VTCOLOR_VALUE(word);
	v = themefile_reduce(c, theme_colors(), bright);
	tp->reduce_key[slot] = word + 1;
	tp->reduce_val[slot] = v;
	tp->reduce_bright[slot] = *bright;
	return v;
}

/* A pair for (fg, bg), allocated or recycled; 0 when none can be had. */
static int pair_for(struct term_pane *tp, int fg, int bg)
{
	unsigned h = ((unsigned)fg * 31u + (unsigned)bg * 1000003u) & (PAIR_HASH - 1);
	int i, victim = -1;

	if (fg == tp->default_fg && bg == tp->default_bg)
		return theme_pair(RWB_COLOR_DEFAULT);
	for (i = tp->pair_head[h]; i >= 0; i = tp->pairs[i].next)
		if (tp->pairs[i].fg == fg && tp->pairs[i].bg == bg) {
			tp->pairs[i].used = tp->frame;
			return tp->pair_base + i;
		}
	if (tp->pair_cap <= 0)
		return 0;
	if (tp->npairs < tp->pair_cap) {
		victim = tp->npairs++;
	} else {
		/* least recently used; unlink it from its chain */
		uint64_t best = UINT64_MAX;
		for (i = 0; i < tp->npairs; i++)
			if (tp->pairs[i].used < best) {
				best = tp->pairs[i].used;
				victim = i;
			}
		struct pair_entry *v = &tp->pairs[victim];
		unsigned vh = ((unsigned)v->fg * 31u + (unsigned)v->bg * 1000003u) & (PAIR_HASH - 1);
		int *pp = &tp->pair_head[vh];
		while (*pp >= 0 && *pp != victim)
			pp = &tp->pairs[*pp].next;
		if (*pp == victim)
			*pp = v->next;
	}
	if (init_extended_pair(tp->pair_base + victim, fg, bg) != OK) {
		tp->pairs[victim].live = false;
		tp->pairs[victim].fg = tp->pairs[victim].bg = -3;
		tp->pairs[victim].next = -1;
		return 0;
	}
	tp->pairs[victim] = (struct pair_entry){ fg, bg, tp->pair_head[h], tp->frame, true };
	tp->pair_head[h] = victim;
	return tp->pair_base + victim;
}

static void cell_style(struct term_pane *tp, const struct vtcell *c, attr_t *attr, int *pair)
{
	bool fb = false, bb = false;
	int fg, bg;
	attr_t a = A_NORMAL;

	if (c->fg & VTATTR_BOLD) a |= A_BOLD;
	if (c->fg & VTATTR_ITALIC) a |= A_ITALIC;
	if (c->fg & VTATTR_UNDERLINE) a |= A_UNDERLINE;
	if (c->fg & VTATTR_REVERSE) a |= A_REVERSE;
	if (c->fg & VTATTR_BLINK) a |= A_BLINK;
	if (c->fg & VTATTR_STRIKE) a |= A_DIM;  /* curses has no strike-through */
	*pair = 0;
	if (theme_colors() >= 8) {
		fg = reduce(tp, c->fg & VTCOLOR_MASK, &fb);
		bg = reduce(tp, c->bg & VTCOLOR_MASK, &bb);
		if (fg == -2)
			fg = tp->default_fg;
		if (bg == -2)
			bg = tp->default_bg;
		if (fb)
			a |= A_BOLD;
		*pair = pair_for(tp, fg, bg);
	} else {
		*pair = theme_pair(RWB_COLOR_DEFAULT);
	}
	*attr = a;
}

/* ---- drawing ---- */

static bool printable(uint32_t ch)
{
	return ch >= 0x20 && !(ch >= 0x7f && ch < 0xa0) && ch <= 0x10ffff &&
	       !(ch >= 0xd800 && ch < 0xe000);
}

static void draw_row(struct term_pane *tp, struct term_tab *t, int y, const struct vtrow *r,
		     int hl_from, int hl_to, bool selected)
{
	WINDOW *w = tp->base.body;
	int cols = getmaxx(w), x = 0;
	attr_t hl = theme_attr(RWB_COLOR_MATCH), sel = theme_attr(RWB_COLOR_SELECTION);

	for (; r && x < cols && x < r->cols; x++) {
		const struct vtcell *c = &r->cells[x];
		uint32_t chars[VTGRID_MAX_COMBINE + 1];
		wchar_t wch[CCHARW_MAX + 1];
		cchar_t cc;
		attr_t a;
		int pair, n, k = 0;
		bool wide = x + 1 < r->cols && r->cells[x + 1].ch == VTCELL_CONT;

		if (c->ch == VTCELL_CONT)
			continue;  /* drawn with its first column */
		cell_style(tp, c, &a, &pair);
		n = vtgrid_cell_chars(t->g, c, chars);
		if (n == 0 || !printable(chars[0])) {
			wch[k++] = L' ';
		} else {
			int cw = wcwidth((wchar_t)chars[0]);
			if (cw != (wide ? 2 : 1))
				wch[k++] = wide ? L'?' : L'\xfffd';  /* libc and libvterm disagree */
			else
				wch[k++] = (wchar_t)chars[0];
			for (int i = 1; i < n && k < CCHARW_MAX; i++)
				if (cw == (wide ? 2 : 1) && printable(chars[i]) && wcwidth((wchar_t)chars[i]) == 0)
					wch[k++] = (wchar_t)chars[i];
		}
		wch[k] = L'\0';
		if (x >= hl_from && x < hl_to) {
			a = (hl & ~A_COLOR) | A_BOLD;
			pair = theme_pair(RWB_COLOR_MATCH);
		} else if (selected) {
			a = sel & ~A_COLOR;
			pair = theme_pair(RWB_COLOR_SELECTION);
		}
		if (wide && x + 1 >= cols) {
			/* half a wide character does not fit: a blank */
			wch[0] = L' ';
			wch[1] = L'\0';
		}
		setcchar(&cc, wch, a, 0, &pair);
		mvwadd_wch(w, y, x, &cc);
		if (wide && wch[0] == L'?' && x + 1 < cols) {
			wch[0] = L' ';
			setcchar(&cc, wch, a, 0, &pair);
			mvwadd_wch(w, y, x + 1, &cc);
		}
	}
	if (x < cols) {
		if (selected) {
			draw_fill(w, y, x, cols - x, sel);
		} else {
			/* the default colours to the edge (scrollback rows may be narrower) */
			wchar_t sp[2] = { L' ', L'\0' };
			cchar_t cc;
			attr_t a;
			int pair;
			cell_style(tp, &(struct vtcell){ 0, 0, 0 }, &a, &pair);
			setcchar(&cc, sp, a, 0, &pair);
			for (; x < cols; x++)
				mvwadd_wch(w, y, x, &cc);
		}
	}
}

static void draw_prompt(struct term_pane *tp, struct term_tab *t)
{
	WINDOW *w = tp->base.body;
	int rows = getmaxy(w), cols = getmaxx(w);
	char buf[SEARCH_MAX + 64];

	if (tp->prompt != PROMPT_NONE) {
		snprintf(buf, sizeof(buf), "%s%s", tp->prompt == PROMPT_SEARCH ? "/" : "write to: ",
			 tp->prompt_buf);
	} else if (t->search_note[0]) {
		int x;
		snprintf(buf, sizeof(buf), "-- scroll %d/%d --  ", t->view, vtgrid_scrollback_count(t->g));
		draw_fill(w, rows - 1, 0, cols, theme_attr(RWB_COLOR_PROMPT));
		x = draw_text(w, rows - 1, 0, cols, buf, theme_attr(RWB_COLOR_PROMPT_HINT));
		draw_text(w, rows - 1, x, cols - x, t->search_note, theme_attr(RWB_COLOR_RESULT_ERROR));
		return;
	} else {
		struct strbuf hint = STRBUF_INIT;
		keymap_hint(&hint, &term_scroll_keys);
		snprintf(buf, sizeof(buf), "-- scroll %d/%d --  %s", t->view, vtgrid_scrollback_count(t->g),
			 strbuf_str(&hint));
		strbuf_free(&hint);
	}
	draw_fill(w, rows - 1, 0, cols, theme_attr(RWB_COLOR_PROMPT));
	draw_text(w, rows - 1, 0, cols, buf, theme_attr(tp->prompt ? RWB_COLOR_PROMPT :
							   RWB_COLOR_PROMPT_HINT));
}

static void sel_range(const struct term_tab *t, uint64_t *a, uint64_t *b)
{
	*a = t->sel_anchor < t->cur_line ? t->sel_anchor : t->cur_line;
	*b = t->sel_anchor < t->cur_line ? t->cur_line : t->sel_anchor;
}

static void term_draw(void *self, WINDOW *w, int rows, int cols, bool focused)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);
	int grows, gcols;
	uint64_t pushed;

	(void)cols;
	(void)focused;
	if (!t)
		return;
	tp->frame++;
	pushed = vtgrid_lines_pushed(t->g);
	if (t->view > 0 && pushed != t->seen_pushed) {
		/* keep the viewed lines in place while output arrives */
		t->view += (int)(pushed - t->seen_pushed);
		tp->full_redraw = true;
	}
	if (t->view > vtgrid_scrollback_count(t->g))
		t->view = vtgrid_scrollback_count(t->g);
	if (t->view < 0)
		t->view = 0;  /* a reflow can take lines back from the scrollback */
	t->seen_pushed = pushed;
	vtgrid_size(t->g, &grows, &gcols);
	bool all = tp->full_redraw || t->view > 0 || t->scroll_mode;
	for (int y = 0; y < rows; y++) {
		int line = y - t->view;
		if (!all && !vtgrid_row_damaged(t->g, line))
			continue;
		int hf = -1, ht = -1;
		uint64_t abs = pushed + (uint64_t)(int64_t)line;
		bool selected = false;
		if (t->scroll_mode && t->have_match && abs == t->match_line) {
			hf = t->match_col;
			ht = t->match_col + t->match_width;
		}
		if (t->scroll_mode && t->selecting) {
			uint64_t a, b;
			sel_range(t, &a, &b);
			selected = abs >= a && abs <= b;
		}
		draw_row(tp, t, y, line < grows ? vtgrid_line(t->g, line) : NULL, hf, ht, selected);
	}
	if (t->scroll_mode)
		draw_prompt(tp, t);
	vtgrid_clear_damage(t->g);
	tp->full_redraw = t->scroll_mode || t->view > 0;
	touchwin(w);
}

static bool term_cursor(void *self, int *y, int *x)
{
	struct term_pane *tp = self;
	struct pane *p = &tp->base;
	struct term_tab *t = active_tab(tp);
	bool vis;
	int line;

	if (!t)
		return false;
	if (t->scroll_mode) {
		if (tp->prompt != PROMPT_NONE) {
			*y = pane_rows(p) - 1;
			*x = (int)sanitize_width(tp->prompt_buf, strlen(tp->prompt_buf)) +
			     (tp->prompt == PROMPT_SEARCH ? 1 : 10);
			if (*x >= pane_cols(p))
				*x = pane_cols(p) - 1;
			return true;
		}
		if (!vtgrid_line_of(t->g, t->cur_line, &line))
			return false;
		*y = line + t->view;
		*x = 0;
		return *y >= 0 && *y < pane_rows(p);
	}
	if (t->view > 0 || t->finished)
		return false;
	vtgrid_cursor(t->g, y, x, &vis);
	return vis && *y < pane_rows(p) && *x < pane_cols(p);
}

static const char *term_border(void *self)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < tp->ntabs; i++) {
		struct term_tab *x = tp->tabs[i];
		const char *state = "";
		char buf[96];
		if (x->finished) {
			int code = WIFEXITED(x->status) ? WEXITSTATUS(x->status) : 128 + WTERMSIG(x->status);
			snprintf(buf, sizeof(buf), code == 0 ? " ok" : " exit %d", code);
			state = buf;
		}
		strbuf_addf(&sb, "%s%d:%s%s%s ", i == tp->active ? "[" : "", i + 1, x->name,
			    state, i == tp->active ? "]" : "");
	}
	if (t && vtgrid_title(t->g)[0]) {
		char *safe = sanitize_dup(vtgrid_title(t->g), 0);
		strbuf_addf(&sb, "- %.60s ", safe);
		free(safe);
	}
	if (t && t->scroll_mode)
		strbuf_adds(&sb, "SCROLL ");
	snprintf(tp->border, sizeof(tp->border), "%s", strbuf_str(&sb));
	strbuf_free(&sb);
	return tp->border;
}

/* ---- size ---- */

static void tab_resize(struct term_pane *tp, struct term_tab *t)
{
	struct winsize ws = { (unsigned short)tp->rows, (unsigned short)tp->cols, 0, 0 };
	int r, c;

	vtgrid_size(t->g, &r, &c);
	if (r != tp->rows || c != tp->cols)
		vtgrid_resize(t->g, tp->rows, tp->cols);
	if (t->fd >= 0)
		ioctl(t->fd, TIOCSWINSZ, &ws);  /* the kernel sends SIGWINCH */
}

static void term_resize(void *self, int rows, int cols)
{
	struct term_pane *tp = self;

	if (rows < 1 || cols < 1)
		return;  /* hidden (another pane is zoomed): keep the size */
	tp->rows = rows;
	tp->cols = cols;
	if (tp->ntabs == 0) {
		struct term_tab *t = tab_new(tp, true);
		tp->tabs[tp->ntabs++] = t;
		shell_start(t);
	}
	for (int i = 0; i < tp->ntabs; i++)
		tab_resize(tp, tp->tabs[i]);
	tp->full_redraw = true;
	pane_damage(&tp->base);
}

/* ---- scroll mode ---- */

static void scroll_clamp(struct term_tab *t, int rows)
{
	int line, sbc = vtgrid_scrollback_count(t->g), grows, gcols;
	uint64_t pushed = vtgrid_lines_pushed(t->g);

	vtgrid_size(t->g, &grows, &gcols);
	if (!vtgrid_line_of(t->g, t->cur_line, &line)) {
		line = (int64_t)t->cur_line < (int64_t)pushed - sbc ? -sbc : grows - 1;
		t->cur_line = pushed + (uint64_t)(int64_t)line;
	}
	/* the cursor line must be visible: rows of the viewport are line + view */
	int visible_rows = rows - 1;  /* the hint line */
	if (visible_rows < 1)
		visible_rows = 1;
	if (line + t->view < 0)
		t->view = -line;
	if (line + t->view >= visible_rows)
		t->view = visible_rows - 1 - line;
	if (t->view < 0)
		t->view = 0;
	if (t->view > sbc)
		t->view = sbc;
}

static void scroll_enter(struct term_tab *t)
{
	int r, c;
	bool vis;

	if (t->scroll_mode)
		return;
	t->scroll_mode = true;
	vtgrid_cursor(t->g, &r, &c, &vis);
	t->cur_line = vtgrid_lines_pushed(t->g) + (uint64_t)(r - t->view);
	t->seen_pushed = vtgrid_lines_pushed(t->g);
	t->selecting = false;
}

static void scroll_leave(struct term_pane *tp, struct term_tab *t)
{
	t->scroll_mode = false;
	t->selecting = false;
	t->have_match = false;
	t->view = 0;
	tp->prompt = PROMPT_NONE;
	tp->full_redraw = true;
}

static void scroll_move(struct term_pane *tp, struct term_tab *t, int64_t by)
{
	uint64_t oldest = vtgrid_lines_pushed(t->g) - (uint64_t)vtgrid_scrollback_count(t->g);
	int grows, gcols;

	vtgrid_size(t->g, &grows, &gcols);
	uint64_t last = vtgrid_lines_pushed(t->g) + (uint64_t)grows - 1;
	int64_t l = (int64_t)t->cur_line + by;
	if (l < (int64_t)oldest)
		l = (int64_t)oldest;
	if (l > (int64_t)last)
		l = (int64_t)last;
	t->cur_line = (uint64_t)l;
	scroll_clamp(t, tp->rows);
}

static void do_search(struct term_pane *tp, struct term_tab *t, int dir)
{
	uint64_t at;
	int col, width;
	uint64_t from = t->cur_line;

	if (!t->search[0])
		return;
	if (t->have_match)
		from = dir < 0 ? t->match_line - 1 : t->match_line + 1;
	if (vtgrid_search(t->g, t->search, from, dir, &at, &col, &width)) {
		t->have_match = true;
		t->match_line = at;
		t->match_col = col;
		t->match_width = width;
		t->cur_line = at;
		t->search_note[0] = '\0';
		scroll_clamp(t, tp->rows);
	} else {
		/* said where the eyes are: in the scroll line, until the next key */
		snprintf(t->search_note, sizeof(t->search_note), "no match for '%s' %s", t->search,
			 dir < 0 ? "above" : "below");
	}
}

/* The selected lines (or the cursor line) as text. */
static void selection_text(struct term_tab *t, struct strbuf *out)
{
	uint64_t a = t->cur_line, b = t->cur_line;
	int line;

	if (t->selecting)
		sel_range(t, &a, &b);
	for (uint64_t l = a; l <= b; l++) {
		if (!vtgrid_line_of(t->g, l, &line))
			continue;
		vtgrid_line_text(t->g, line, out, NULL);
		strbuf_addc(out, '\n');
	}
}

static void copy_osc52(struct term_pane *tp, struct term_tab *t)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf text = STRBUF_INIT, seq = STRBUF_INIT;
	int lines = 0;

	selection_text(t, &text);
	for (size_t i = 0; i < text.len; i++)
		lines += text.buf[i] == '\n';
	strbuf_adds(&seq, "\033]52;c;");
	for (size_t i = 0; i < text.len; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)text.buf[i] << 16;
		if (i + 1 < text.len) v |= (uint32_t)(unsigned char)text.buf[i + 1] << 8;
		if (i + 2 < text.len) v |= (unsigned char)text.buf[i + 2];
		strbuf_addc(&seq, b64[(v >> 18) & 63]);
		strbuf_addc(&seq, b64[(v >> 12) & 63]);
		strbuf_addc(&seq, i + 1 < text.len ? b64[(v >> 6) & 63] : '=');
		strbuf_addc(&seq, i + 2 < text.len ? b64[v & 63] : '=');
	}
	strbuf_adds(&seq, "\a");
	/* only base64 and our own framing reach the terminal */
	fflush(stdout);
	(void)!write(STDOUT_FILENO, seq.buf, seq.len);
	app_notice(tp->base.app, NOTICE_INFO, "copied %d line%s to the clipboard (OSC 52)", lines,
		   lines == 1 ? "" : "s");
	strbuf_free(&text);
	strbuf_free(&seq);
	t->selecting = false;
}

static void write_selection(struct term_pane *tp, struct term_tab *t, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	char *full = NULL;
	FILE *f;

	if (!*path) {
		app_notice(tp->base.app, NOTICE_WARNING, "no file name given: nothing written");
		return;
	}
	if (path[0] == '~' && path[1] == '/' && getenv("HOME"))
		full = xasprintf("%s%s", getenv("HOME"), path + 1);
	else if (path[0] != '/')
		full = xasprintf("%s/%s", app_repo(tp->base.app), path);
	else
		full = xstrdup(path);
	selection_text(t, &text);
	f = fopen(full, "w");
	if (!f || fwrite(text.buf ? text.buf : "", 1, text.len, f) != text.len) {
		app_notice(tp->base.app, NOTICE_WARNING, "cannot write %s: %s", full, strerror(errno));
	} else {
		app_notice(tp->base.app, NOTICE_INFO, "wrote the selection to %s", full);
		t->selecting = false;
	}
	if (f)
		fclose(f);
	free(full);
	strbuf_free(&text);
}

/* ---- keys (keys.h): scroll mode and its prompt ---- */

#define DONE (PANE_HANDLED | PANE_REDRAW)

static int k_prompt_cancel(void *self, const struct key *k)
{
	struct term_pane *tp = self;

	(void)k;
	tp->prompt = PROMPT_NONE;
	return DONE;
}

static int k_prompt_enter(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);

	(void)k;
	if (tp->prompt == PROMPT_SEARCH) {
		snprintf(t->search, sizeof(t->search), "%s", tp->prompt_buf);
		t->have_match = false;
		tp->prompt = PROMPT_NONE;
		do_search(tp, t, -1);
	} else {
		tp->prompt = PROMPT_NONE;
		write_selection(tp, t, tp->prompt_buf);
	}
	return DONE;
}

static int k_prompt_backspace(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	size_t len = strlen(tp->prompt_buf);

	(void)k;
	while (len > 0 && ((unsigned char)tp->prompt_buf[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	tp->prompt_buf[len] = '\0';
	return DONE;
}

static const struct keybind prompt_binds[] = {
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "search, or write the file",
	  .run = k_prompt_enter },
	{ .keys = { 27 }, .label = "Esc", .help = "cancel", .run = k_prompt_cancel },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_prompt_backspace },
};
const struct keymap term_prompt_keys = KEYMAP("Terminal pane: scroll mode's / and w line", prompt_binds);

static int prompt_key(struct term_pane *tp, struct term_tab *t, const struct key *k)
{
	size_t len = strlen(tp->prompt_buf);

	(void)t;
	if (keymap_dispatch(&term_prompt_keys, tp, k) == PANE_IGNORED && !k->is_code && !k->alt &&
	    k->ch >= 0x20 && k->ch != 0x7f) {
		char mb[8];
		int n = wctomb(mb, (wchar_t)k->ch);
		if (n > 0 && len + (size_t)n < sizeof(tp->prompt_buf)) {
			memcpy(tp->prompt_buf + len, mb, (size_t)n);
			tp->prompt_buf[len + (size_t)n] = '\0';
		}
	}
	return DONE;
}

static int k_scroll_move(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);
	int page = tp->rows > 2 ? tp->rows - 2 : 1;

	switch (keys_id(k)) {
	case KB_C(KEY_UP): case 'k': scroll_move(tp, t, -1); break;
	case KB_C(KEY_DOWN): case 'j': scroll_move(tp, t, 1); break;
	case KB_C(KEY_HOME): case 'g': scroll_move(tp, t, INT32_MIN); break;
	case KB_C(KEY_END): case 'G': scroll_move(tp, t, INT32_MAX); break;
	case KB_C(KEY_PPAGE): case KB_C(KEY_SPREVIOUS): case 'b': case KEY_CTRL('b'): case KEY_CTRL('u'):
		scroll_move(tp, t, -page);
		break;
	case KB_C(KEY_NPAGE): case KB_C(KEY_SNEXT):
		scroll_move(tp, t, page);
		if (t->view == 0 && !t->selecting && !t->have_match)
			scroll_leave(tp, t);  /* paged back to the live screen */
		break;
	default:  /* Space, Ctrl-F, Ctrl-D */
		scroll_move(tp, t, page);
		break;
	}
	return DONE;
}

static int k_scroll_leave(void *self, const struct key *k)
{
	struct term_pane *tp = self;

	(void)k;
	scroll_leave(tp, active_tab(tp));
	return DONE;
}

static int k_scroll_prompt(void *self, const struct key *k)
{
	struct term_pane *tp = self;

	if (keys_id(k) == '/') {
		tp->prompt = PROMPT_SEARCH;
		tp->prompt_buf[0] = '\0';
	} else {
		tp->prompt = PROMPT_WRITE;
		snprintf(tp->prompt_buf, sizeof(tp->prompt_buf), "rwb-selection.txt");
	}
	return DONE;
}

static int k_scroll_next(void *self, const struct key *k)
{
	struct term_pane *tp = self;

	do_search(tp, active_tab(tp), keys_id(k) == 'n' ? -1 : 1);
	return DONE;
}

static int k_scroll_mark(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);
	uint64_t m;

	if (vtgrid_mark_find(t->g, t->cur_line, keys_id(k) == '[' ? -1 : 1, &m)) {
		t->cur_line = m;
		scroll_clamp(t, tp->rows);
	}
	return DONE;
}

static int k_scroll_select(void *self, const struct key *k)
{
	struct term_tab *t = active_tab(self);

	(void)k;
	t->selecting = !t->selecting;
	t->sel_anchor = t->cur_line;
	return DONE;
}

static int k_scroll_copy(void *self, const struct key *k)
{
	(void)k;
	copy_osc52(self, active_tab(self));
	return DONE;
}

static int k_scroll_close(void *self, const struct key *k)
{
	struct term_pane *tp = self;

	(void)k;
	if (tp->active > 0 && !tab_running(active_tab(tp)))
		tab_close(tp, tp->active);
	return DONE;
}

static int k_tab_number(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	int i = keys_id(k) - '1';

	if (i < tp->ntabs)
		tab_select(tp, i);
	return DONE;
}

static const struct keybind scroll_binds[] = {
	{ .keys = { '/' }, .label = "/", .help = "search back (a regular expression)", .hint = "search",
	  .run = k_scroll_prompt },
	{ .keys = { 'n', 'N' }, .label = "n/N", .help = "the next older / newer match", .hint = "next/prev",
	  .run = k_scroll_next },
	{ .keys = { '[', ']' }, .label = "[/]", .help = "the previous / next prompt mark", .hint = "marks",
	  .run = k_scroll_mark },
	{ .keys = { 'v' }, .label = "v", .help = "select lines (again: stop)", .hint = "select", .run = k_scroll_select },
	{ .keys = { 'y' }, .label = "y", .help = "copy the selection (OSC 52)", .hint = "copy", .run = k_scroll_copy },
	{ .keys = { 'w' }, .label = "w", .help = "write the selection to a file", .hint = "write", .run = k_scroll_prompt },
	{ .keys = { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, .label = "1-9", .help = "that tab", .hint = "tab",
	  .run = k_tab_number },
	{ .keys = { 27, 'q', KB_C(KEY_F(7)) }, .label = "Esc/q, F7", .help = "back to the live screen", .hint = "live",
	  .run = k_scroll_leave },
	{ .keys = { KB_C(KEY_UP), KB_C(KEY_DOWN), 'k', 'j' }, .label = "Up/Down, k/j", .help = "a line",
	  .run = k_scroll_move },
	{ .keys = { KB_C(KEY_PPAGE), KB_C(KEY_NPAGE), KB_C(KEY_SPREVIOUS), KB_C(KEY_SNEXT) },
	  .label = "PgUp/PgDn, Shift-PgUp/Shift-PgDn", .help = "a page (PgDn at the bottom: live again)",
	  .run = k_scroll_move },
	{ .keys = { 'g', 'G', KB_C(KEY_HOME), KB_C(KEY_END) }, .label = "g/G, Home/End",
	  .help = "the oldest line / the live screen's last", .run = k_scroll_move },
	{ .keys = { 'b', KEY_CTRL('b'), KEY_CTRL('u'), ' ', KEY_CTRL('f'), KEY_CTRL('d') },
	  .label = "b/Ctrl-B/Ctrl-U, Space/Ctrl-F/Ctrl-D", .help = "a page up / down", .run = k_scroll_move },
	{ .keys = { 'x' }, .label = "x", .help = "close the tab when its job has ended", .run = k_scroll_close },
};
const struct keymap term_scroll_keys = KEYMAP("Terminal pane: scroll mode (F7, Shift-PgUp)", scroll_binds);

static int scroll_key(struct term_pane *tp, struct term_tab *t, const struct key *k)
{
	struct key kk = *k;

	if (tp->prompt != PROMPT_NONE)
		return prompt_key(tp, t, k);
	t->search_note[0] = '\0';   /* a key after "no match" takes the note away */
	if (kk.is_code)
		kk.alt = false;     /* Alt-Up scrolls as Up does */
	else if (kk.alt)
		return PANE_HANDLED;
	if (keymap_dispatch(&term_scroll_keys, tp, &kk) == PANE_IGNORED)
		return kk.is_code ? PANE_HANDLED : DONE;
	return DONE;
}

/* ---- keys to the program ---- */

static void build_xkeys(struct term_pane *tp)
{
	static const struct { const char *cap; VTermKey key; } caps[] = {
		{ "kUP", VTERM_KEY_UP }, { "kDN", VTERM_KEY_DOWN }, { "kLFT", VTERM_KEY_LEFT },
		{ "kRIT", VTERM_KEY_RIGHT }, { "kHOM", VTERM_KEY_HOME }, { "kEND", VTERM_KEY_END },
		{ "kPRV", VTERM_KEY_PAGEUP }, { "kNXT", VTERM_KEY_PAGEDOWN }, { "kIC", VTERM_KEY_INS },
		{ "kDC", VTERM_KEY_DEL },
	};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		for (int m = 3; m <= 8; m++) {
			char name[16];
			snprintf(name, sizeof(name), "%s%d", caps[i].cap, m);
			char *s = tigetstr(name);
			if (!s || s == (char *)-1)
				continue;
			int code = key_defined(s);
			if (code <= 0 || tp->nxkeys >= (int)(sizeof(tp->xkeys) / sizeof(tp->xkeys[0])))
				continue;
			tp->xkeys[tp->nxkeys].code = code;
			tp->xkeys[tp->nxkeys].key = caps[i].key;
			tp->xkeys[tp->nxkeys].mod = m - 1;
			tp->nxkeys++;
			if (caps[i].key == VTERM_KEY_PAGEUP && m == 3)
				tp->alt_pgup = code;
			if (caps[i].key == VTERM_KEY_PAGEDOWN && m == 3)
				tp->alt_pgdn = code;
		}
}

/* Sends a curses key code to the program; false when it has no encoding. */
static bool send_code(struct term_pane *tp, struct term_tab *t, int code, int mod)
{
	static const struct { int code; VTermKey key; int mod; } map[] = {
		{ KEY_UP, VTERM_KEY_UP, 0 }, { KEY_DOWN, VTERM_KEY_DOWN, 0 },
		{ KEY_LEFT, VTERM_KEY_LEFT, 0 }, { KEY_RIGHT, VTERM_KEY_RIGHT, 0 },
		{ KEY_HOME, VTERM_KEY_HOME, 0 }, { KEY_END, VTERM_KEY_END, 0 },
		{ KEY_PPAGE, VTERM_KEY_PAGEUP, 0 }, { KEY_NPAGE, VTERM_KEY_PAGEDOWN, 0 },
		{ KEY_IC, VTERM_KEY_INS, 0 }, { KEY_DC, VTERM_KEY_DEL, 0 },
		{ KEY_BACKSPACE, VTERM_KEY_BACKSPACE, 0 }, { KEY_ENTER, VTERM_KEY_KP_ENTER, 0 },
		{ KEY_BTAB, VTERM_KEY_TAB, VTERM_MOD_SHIFT }, { KEY_SR, VTERM_KEY_UP, VTERM_MOD_SHIFT },
		{ KEY_SF, VTERM_KEY_DOWN, VTERM_MOD_SHIFT }, { KEY_SLEFT, VTERM_KEY_LEFT, VTERM_MOD_SHIFT },
		{ KEY_SRIGHT, VTERM_KEY_RIGHT, VTERM_MOD_SHIFT },
		{ KEY_SHOME, VTERM_KEY_HOME, VTERM_MOD_SHIFT }, { KEY_SEND, VTERM_KEY_END, VTERM_MOD_SHIFT },
		{ KEY_SIC, VTERM_KEY_INS, VTERM_MOD_SHIFT }, { KEY_SDC, VTERM_KEY_DEL, VTERM_MOD_SHIFT },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].code == code) {
			vtgrid_key(t->g, map[i].key, map[i].mod | mod);
			return true;
		}
	if (code >= KEY_F(1) && code <= KEY_F(60)) {
		int n = code - KEY_F(0) - 1;   /* 0-based */
		static const int fmods[] = { 0, VTERM_MOD_SHIFT, VTERM_MOD_CTRL,
					     VTERM_MOD_CTRL | VTERM_MOD_SHIFT, VTERM_MOD_ALT };
		vtgrid_key(t->g, VTERM_KEY_FUNCTION(n % 12 + 1), fmods[n / 12] | mod);
		return true;
	}
	for (int i = 0; i < tp->nxkeys; i++)
		if (tp->xkeys[i].code == code) {
			vtgrid_key(t->g, tp->xkeys[i].key, tp->xkeys[i].mod | mod);
			return true;
		}
	return false;
}

static void send_char(struct term_tab *t, wint_t ch, bool alt)
{
	int mod = alt ? VTERM_MOD_ALT : 0;

	switch (ch) {
	case '\r': vtgrid_key(t->g, VTERM_KEY_ENTER, mod); return;
	case '\t': vtgrid_key(t->g, VTERM_KEY_TAB, mod); return;
	case 27: vtgrid_key(t->g, VTERM_KEY_ESCAPE, mod); return;
	case 127: vtgrid_key(t->g, VTERM_KEY_BACKSPACE, mod); return;
	default: vtgrid_key_char(t->g, (uint32_t)ch, mod); return;
	}
}

/* Outer bracketed paste: ESC [ 2 0 0 ~ starts, ESC [ 2 0 1 ~ ends. The app
 * hands ESC [ over as Alt-[. Returns true when the key was consumed. */
static bool paste_key(struct term_pane *tp, struct term_tab *t, const struct key *k)
{
	static const char start[] = "200~", end[] = "201~";

	if (k->is_code)
		return false;
	if (k->alt && k->ch == '[') {
		tp->paste_match = 1;
		return true;
	}
	if (tp->paste_match > 0) {
		int i = tp->paste_match - 1;   /* index into "20x~" */
		const char *want = tp->pasting ? end : start;
		if (k->ch == (wint_t)(unsigned char)want[i]) {
			tp->paste_match++;
			if (want[i] == '~') {
				tp->paste_match = 0;
				if (tp->pasting) {
					tp->pasting = false;
					vtgrid_paste(t->g, tp->paste.buf ? tp->paste.buf : "", tp->paste.len);
					strbuf_reset(&tp->paste);
				} else {
					tp->pasting = true;
				}
			}
			return true;
		}
		/* not a marker: what was held back goes on as typed */
		char held[8] = "\033[";
		memcpy(held + 2, want, (size_t)i);
		if (tp->pasting)
			strbuf_add(&tp->paste, held, (size_t)i + 2);
		else {
			vtgrid_key_char(t->g, '[', VTERM_MOD_ALT);
			for (int j = 0; j < i; j++)
				vtgrid_key_char(t->g, (uint32_t)(unsigned char)want[j], 0);
		}
		tp->paste_match = 0;
	}
	if (tp->pasting) {
		char mb[8];
		int n = k->ch == 27 ? 1 : wctomb(mb, (wchar_t)k->ch);
		if (k->ch == 27)
			mb[0] = 27;
		if (k->alt)
			strbuf_addc(&tp->paste, 27);
		if (n > 0)
			strbuf_add(&tp->paste, mb, (size_t)n);
		return true;
	}
	return false;
}

/* ---- keys (keys.h): the live screen; everything else goes to the program ---- */

static int k_scroll_enter(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);

	scroll_enter(t);
	if (keys_id(k) == KB_C(KEY_SPREVIOUS))
		scroll_move(tp, t, -(tp->rows > 2 ? tp->rows - 2 : 1));
	else
		scroll_clamp(t, tp->rows);
	return DONE;
}

static int k_live(void *self, const struct key *k)
{
	(void)self;
	(void)k;
	return PANE_HANDLED;  /* already live */
}

static int k_tab_cycle(void *self, const struct key *k)
{
	struct term_pane *tp = self;

	tab_select(tp, (tp->active + (keys_id(k) == KB_A(KB_C(KEY_PPAGE)) ? tp->ntabs - 1 : 1)) % tp->ntabs);
	return DONE;
}

static const struct keybind live_binds[] = {
	{ .keys = { KB_C(KEY_F(7)), KB_C(KEY_SPREVIOUS) }, .label = "F7 / Shift-PgUp",
	  .help = "scroll mode (Shift-PgUp pages up at once)", .run = k_scroll_enter },
	{ .keys = { KB_A(KB_C(KEY_PPAGE)), KB_A(KB_C(KEY_NPAGE)) }, .label = "Alt-PgUp/Alt-PgDn",
	  .help = "previous / next tab", .run = k_tab_cycle },
	{ .keys = { KB_C(KEY_SNEXT) }, .label = "Shift-PgDn", .help = "nothing: the screen is live (not sent on)",
	  .run = k_live },
};
const struct keymap term_keys = KEYMAP("Terminal pane (every other key goes to the program)", live_binds);

static int k_ended_enter(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);

	if (t->is_shell && keys_id(k) == '\r' && t->finished) {
		/* the old session's screen and scrollback stay above */
		vtgrid_soft_reset(t->g);
		t->status = 0;
		t->pid = 0;
		t->view = 0;
		shell_start(t);
		tp->full_redraw = true;
	} else if (!t->is_shell && t->finished) {
		tab_close(tp, tp->active);
	}
	return DONE;
}

static const struct keybind ended_binds[] = {
	{ .keys = { '\r' }, .label = "Enter", .help = "start the shell again (a job's tab: close it)",
	  .run = k_ended_enter },
	{ .keys = { 'x' }, .label = "x", .help = "close a finished job's tab", .run = k_ended_enter },
};
const struct keymap term_ended_keys = KEYMAP("Terminal pane: a tab whose program ended", ended_binds);

static int term_key(void *self, const struct key *k)
{
	struct term_pane *tp = self;
	struct term_tab *t = active_tab(tp);
	struct key kk = *k;
	int r;

	if (!t)
		return PANE_IGNORED;
	if (t->scroll_mode)
		return scroll_key(tp, t, k);
	/* Alt-PgUp/PgDn come as codes of their own (kPRV3/kNXT3) */
	if (kk.is_code && tp->alt_pgup && (int)kk.ch == tp->alt_pgup)
		kk = (struct key){ .is_code = true, .alt = true, .ch = KEY_PPAGE };
	else if (kk.is_code && tp->alt_pgdn && (int)kk.ch == tp->alt_pgdn)
		kk = (struct key){ .is_code = true, .alt = true, .ch = KEY_NPAGE };
	if ((r = keymap_dispatch(&term_keys, tp, &kk)) != PANE_IGNORED)
		return r;
	if (t->finished || t->fd < 0) {
		/* nothing runs here: Enter restarts the shell, x closes a job tab */
		keymap_dispatch(&term_ended_keys, tp, k);
		return DONE;
	}
	if (paste_key(tp, t, k))
		return PANE_HANDLED;
	if (t->view > 0) {
		t->view = 0;
		tp->full_redraw = true;
	}
	if (k->is_code) {
		if (k->ch == KEY_RESIZE)
			return PANE_IGNORED;
		send_code(tp, t, (int)k->ch, k->alt ? VTERM_MOD_ALT : 0);
	} else {
		send_char(t, k->ch, k->alt);
	}
	return PANE_HANDLED;
}

static void outer_paste_mode(struct term_pane *tp, bool on)
{
	/* ask the outer terminal to mark pastes, so they reach the program
	 * as one bracketed paste when it asked for it */
	if (tp->paste_on == on || !isatty(STDOUT_FILENO))
		return;
	tp->paste_on = on;
	fflush(stdout);
	(void)!write(STDOUT_FILENO, on ? "\033[?2004h" : "\033[?2004l", 8);
}

static void term_focus(void *self, bool focused)
{
	outer_paste_mode(self, focused);
}

/* ---- life cycle ---- */

static void term_destroy(void *self)
{
	struct term_pane *tp = self;
	int64_t deadline;
	bool any = false;

	outer_paste_mode(tp, false);
	for (int i = 0; i < tp->ntabs; i++) {
		struct term_tab *t = tp->tabs[i];
		if (t->pid > 0 && !t->reaped) {
			/* the shell's foreground job has a process group of its own */
			pid_t fg = t->fd >= 0 ? tcgetpgrp(t->fd) : -1;
			if (fg > 0 && fg != t->pid)
				kill(-fg, SIGHUP);
			kill(-t->pid, SIGHUP);
			kill(-t->pid, SIGTERM);
			kill(-t->pid, SIGCONT);
			any = true;
		}
	}
	/* give them a moment, then make sure */
	deadline = loop_now_ms() + 300;
	while (any && loop_now_ms() < deadline) {
		any = false;
		for (int i = 0; i < tp->ntabs; i++) {
			struct term_tab *t = tp->tabs[i];
			if (t->pid > 0 && !t->reaped) {
				if (waitpid(t->pid, &t->status, WNOHANG) == t->pid)
					t->reaped = true;
				else
					any = true;
			}
		}
		if (any)
			usleep(5000);
	}
	for (int i = 0; i < tp->ntabs; i++) {
		struct term_tab *t = tp->tabs[i];
		if (t->pid > 0 && !t->reaped) {
			kill(-t->pid, SIGKILL);
			waitpid(t->pid, &t->status, 0);
			t->reaped = true;
		}
		if (t->store_id > 0 && !t->finished) {
			int code = WIFEXITED(t->status) ? WEXITSTATUS(t->status) : 128 + WTERMSIG(t->status);
			store_job_end(app_store(tp->base.app), t->store_id, code, -1, -1);
		}
		if (t->on_exit) {
			/* the app frees this pane first, so the job's owner is still
			 * there to hear that the job ended with rwb */
			void (*cb)(void *, int, const struct rusage *, long) = t->on_exit;
			t->on_exit = NULL;
			cb(t->cb_data, t->status, &t->ru, 0);
		}
		tab_free(t);
	}
	tp->ntabs = 0;
	strbuf_free(&tp->paste);
	free(tp);
}

static const struct view_ops term_ops = {
	.name = "terminal",
	.destroy = term_destroy,
	.draw = term_draw,
	.key = term_key,
	.resize = term_resize,
	.focus = term_focus,
	.border_right = term_border,
	.cursor = term_cursor,
	.wants_all_keys = true,
};

struct pane *pane_term_new(struct app *a)
{
	struct term_pane *tp = xcalloc(1, sizeof(*tp));
	short dp = theme_pair(RWB_COLOR_DEFAULT);

	tp->base.ops = &term_ops;
	tp->base.app = a;
	tp->base.title = "Terminal";
	tp->next_job_id = 1;
	for (int i = 0; i < PAIR_HASH; i++)
		tp->pair_head[i] = -1;
	/* pairs from THEME_FIRST_FREE_PAIR up; terminals with fewer pairs (xterm:
	 * 64) lend the ones after the theme's roles (role i uses pair i + 1) */
	tp->pair_base = COLOR_PAIRS > THEME_FIRST_FREE_PAIR ? THEME_FIRST_FREE_PAIR : RWB_COLOR_COUNT + 1;
	tp->pair_cap = COLOR_PAIRS - tp->pair_base;
	if (tp->pair_cap > PAIR_CACHE_MAX)
		tp->pair_cap = PAIR_CACHE_MAX;
	tp->default_fg = tp->default_bg = -1;
	if (dp > 0) {
		int fg, bg;
		if (extended_pair_content(dp, &fg, &bg) == OK) {
			tp->default_fg = fg;
			tp->default_bg = bg;
		}
	}
	build_xkeys(tp);
	bool bad;
	scrollback_lines_checked(&bad);
	if (bad)
		app_notice(a, NOTICE_WARNING, "RWB_SCROLLBACK='%.40s' is not a number of lines (0 to %d): "
			   "the terminal pane keeps %d", getenv("RWB_SCROLLBACK"), VTGRID_SCROLLBACK_MAX,
			   VTGRID_SCROLLBACK_DEFAULT);
	finished_tabs_max(&bad);
	if (bad)
		app_notice(a, NOTICE_WARNING, "RWB_FINISHED_TABS='%.40s' is not a number of tabs (0 to %d): "
			   "the terminal pane keeps %d finished job tabs", getenv("RWB_FINISHED_TABS"),
			   MAX_TABS - 1, FINISHED_TABS_DEFAULT);
	if (loop_add_signal(app_loop(a), SIGCHLD, on_sigchld, tp) == 0)
		tp->sigchld_added = true;
	return &tp->base;
}

static char *argv_json(char *const *argv)
{
	cJSON *arr = cJSON_CreateArray();
	char *s;

	for (int i = 0; argv[i]; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(argv[i]));
	s = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return s;
}

/*
 * Before a new job or followed tab: finished tabs over the limit go, and at
 * MAX_TABS the oldest finished one (never the one the person is looking at
 * when keep_active); RWB_EBUSY when every tab still runs. A pane not yet
 * sized gets 80x24.
 */
static int make_room(struct term_pane *tp, bool keep_active)
{
	bool bad;

	prune_finished(tp, finished_tabs_max(&bad));
	if (tp->ntabs == MAX_TABS) {
		for (int i = 1; i < tp->ntabs; i++)
			if (!tab_running(tp->tabs[i]) && !(keep_active && i == tp->active)) {
				tab_close(tp, i);
				break;
			}
		if (tp->ntabs == MAX_TABS)
			return RWB_EBUSY;
	}
	if (tp->rows < 1 || tp->cols < 1) {
		tp->rows = tp->rows > 0 ? tp->rows : 24;
		tp->cols = tp->cols > 0 ? tp->cols : 80;
	}
	return RWB_OK;
}

int pane_term_job_start(struct pane *p, const struct term_job_opts *o, int *job_id)
{
	struct term_pane *tp = tp_of(p);
	struct term_tab *t;
	struct strbuf head = STRBUF_INIT;
	int rc;

	*job_id = 0;
	if (!o->argv || !o->argv[0])
		return RWB_EUSAGE;
	if (make_room(tp, false) != RWB_OK)
		return RWB_EBUSY;
	t = tab_new(tp, false);
	t->id = tp->next_job_id++;
	snprintf(t->name, sizeof(t->name), "%s", o->title && *o->title ? o->title : o->argv[0]);
	{
		char *safe = sanitize_dup(t->name, 0);
		snprintf(t->name, sizeof(t->name), "%s", safe);
		free(safe);
	}
	/* a header line and a mark where the job starts */
	vtgrid_mark_here(t->g);
	strbuf_adds(&head, "\033[2m$");
	for (int i = 0; o->argv[i]; i++) {
		char *safe = sanitize_dup(o->argv[i], 0);
		strbuf_addf(&head, " %s", safe);
		free(safe);
	}
	strbuf_adds(&head, "\033[0m\r\n");
	vtgrid_feed(t->g, head.buf, head.len);
	strbuf_free(&head);
	t->on_output = o->on_output;
	t->on_exit = o->on_exit;
	t->cb_data = o->data;
	/* rwb itself (slash commands run as jobs) records its own jobs row with
	 * the command's name; everything else is recorded here */
	if (app_store(p->app) && strcmp(o->argv[0], app_argv0(p->app)) != 0) {
		char *aj = argv_json(o->argv);
		if (store_job_begin(app_store(p->app), &t->store_id, t->name, aj, app_repo(p->app), NULL) != RWB_OK)
			t->store_id = 0;
		cJSON_free(aj);
	}
	rc = tab_spawn(t, o->argv, o->cwd ? o->cwd : app_repo(p->app), o->env);
	if (rc) {
		if (t->store_id > 0)
			store_job_end(app_store(p->app), t->store_id, 127, -1, -1);
		tab_free(t);
		return rc;
	}
	tp->tabs[tp->ntabs++] = t;
	*job_id = t->id;
	if (o->focus)
		tab_select(tp, tp->ntabs - 1);
	pane_damage(p);
	return RWB_OK;
}

static struct term_tab *find_job(struct term_pane *tp, int job_id)
{
	for (int i = 1; i < tp->ntabs; i++)
		if (tp->tabs[i]->id == job_id)
			return tp->tabs[i];
	return NULL;
}

int pane_term_job_signal(struct pane *p, int job_id, int signo)
{
	struct term_tab *t = find_job(tp_of(p), job_id);

	if (!t || !tab_running(t) || t->pid <= 0)
		return RWB_ENOTFOUND;  /* a followed job belongs to another process */
	if (kill(-t->pid, signo) != 0 && kill(t->pid, signo) != 0)
		return RWB_EIO;
	return RWB_OK;
}

int pane_term_jobs_running(struct pane *p)
{
	struct term_pane *tp = tp_of(p);
	int n = 0;

	for (int i = 1; i < tp->ntabs; i++)
		n += tab_running(tp->tabs[i]) && tp->tabs[i]->pid > 0;
	return n;
}

/* ---- following another process's job ---- */

/*
 * Feeds what was added to the followed file since the last read, for at
 * most READ_BUDGET_MS (all: until its end, bounded by DRAIN_MAX). The file
 * is a program's output written to a file, not to a tty: '\n' gets the
 * '\r' a tty's ONLCR would have added. The grid parses it as it parses a
 * pty's output (nothing reaches the outer terminal but curses cells).
 */
static void follow_read(struct term_tab *t, bool all)
{
	int64_t start = loop_now_ms();
	size_t total = 0;
	char out[2 * FEED_SLICE];
	bool got = false;

	if (!t->in)
		t->in = xmalloc(READ_CHUNK);
	while (t->follow_fd >= 0) {
		ssize_t n = read(t->follow_fd, t->in, FEED_SLICE);
		size_t k = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			char c = t->in[i];
			if (c == '\n' && !t->follow_cr)
				out[k++] = '\r';
			out[k++] = c;
			t->follow_cr = c == '\r';
		}
		vtgrid_feed(t->g, out, k);
		total += (size_t)n;
		got = true;
		if (all ? total >= DRAIN_MAX : loop_now_ms() - start >= READ_BUDGET_MS)
			break;
	}
	if (got) {
		vtgrid_take_events(t->g);  /* a followed job's bell is not ours to ring */
		pane_damage(&t->tp->base);
	}
}

static int follow_tick(struct loop *l, void *data)
{
	struct term_tab *t = data;

	(void)l;
	follow_read(t, false);
	return FOLLOW_MS;
}

int pane_term_follow_start(struct pane *p, const char *title, const char *header, int fd, int *job_id)
{
	struct term_pane *tp = tp_of(p);
	struct term_tab *t;
	char *safe;

	*job_id = 0;
	if (make_room(tp, true) != RWB_OK)
		return RWB_EBUSY;
	t = tab_new(tp, false);
	t->id = tp->next_job_id++;
	safe = sanitize_dup(title ? title : "job", 0);
	snprintf(t->name, sizeof(t->name), "%s", safe);
	free(safe);
	vtgrid_mark_here(t->g);
	if (header) {
		safe = sanitize_dup(header, 0);
		feed_local(t, "\033[2m");
		feed_local(t, safe);
		feed_local(t, "\033[0m\r\n");
		free(safe);
	}
	t->follow_fd = fd;
	t->started_ms = loop_now_ms();
	t->follow_timer = loop_add_timer(app_loop(p->app), 0, follow_tick, t);
	/* a new tab, never the active one: the person keeps what they are doing */
	tp->tabs[tp->ntabs++] = t;
	*job_id = t->id;
	pane_damage(p);
	return RWB_OK;
}

void pane_term_follow_end(struct pane *p, int job_id, int exit_status, long duration_ms)
{
	struct term_tab *t = find_job(tp_of(p), job_id);

	if (!t || t->finished)
		return;
	follow_read(t, true);  /* the last output first */
	if (t->follow_timer) {
		loop_del_timer(app_loop(p->app), t->follow_timer);
		t->follow_timer = 0;
	}
	if (t->follow_fd >= 0) {
		close(t->follow_fd);
		t->follow_fd = -1;
	}
	t->status = (exit_status & 0xff) << 8;  /* as wait() reports an exit */
	t->reaped = true;
	/* its own duration, not how long this rwb watched it */
	t->started_ms = loop_now_ms() - duration_ms;
	tab_finish(t);
}
