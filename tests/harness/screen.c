/*
 * screen.c - a pty + libvterm screen for driving the real binary.
 */
#define _GNU_SOURCE
#include "screen.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

struct screen {
	int fd;            /* pty master */
	pid_t pid;
	bool exited;
	int status;
	VTerm *vt;
	VTermScreen *vs;
	int rows, cols;
	bool seen_output;  /* the child has written to its terminal */
};

extern char **environ;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void output_cb(const char *bytes, size_t len, void *user)
{
	struct screen *s = user;
	while (len > 0) {
		ssize_t n = write(s->fd, bytes, len);
		if (n <= 0)
			break;
		bytes += n;
		len -= (size_t)n;
	}
}

struct screen *screen_start(char *const argv[], int cols, int rows, char *const env[])
{
	struct screen *s = xcalloc(1, sizeof(*s));
	struct winsize ws = { (unsigned short)rows, (unsigned short)cols, 0, 0 };

	/* the test process renders cells to UTF-8 with wctomb */
	setlocale(LC_ALL, "C.UTF-8");
	s->rows = rows;
	s->cols = cols;
	s->pid = forkpty(&s->fd, NULL, NULL, &ws);
	if (s->pid < 0)
		fatal("forkpty: %s", strerror(errno));
	if (s->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		unsetenv("NO_COLOR");
		unsetenv("RWB_SCRIPT");
		if (!getenv("LANG") || !strstr(getenv("LANG"), "UTF-8"))
			setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		for (int i = 0; env && env[i]; i++)
			putenv(env[i]);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
	s->vt = vterm_new(rows, cols);
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, output_cb, s);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_enable_altscreen(s->vs, 1);
	vterm_screen_reset(s->vs, 1);
	return s;
}

int screen_pid(struct screen *s)
{
	return s->pid;
}

static void reap(struct screen *s)
{
	if (!s->exited && waitpid(s->pid, &s->status, WNOHANG) == s->pid)
		s->exited = true;
}

void screen_pump(struct screen *s, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		int64_t left = end - now_ms();
		struct pollfd p = { s->fd, POLLIN, 0 };
		char buf[65536];
		ssize_t n;

		if (left < 0)
			left = 0;
		if (poll(&p, 1, (int)left) <= 0) {
			reap(s);
			if (now_ms() >= end)
				return;
			continue;
		}
		n = read(s->fd, buf, sizeof(buf));
		if (n > 0) {
			s->seen_output = true;
			vterm_input_write(s->vt, buf, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			reap(s);
			if (s->exited)
				return;
			struct timespec ts = { 0, 5000000 };
			nanosleep(&ts, NULL);
		}
		if (now_ms() >= end)
			return;
	}
}

char *screen_row(struct screen *s, int row)
{
	struct strbuf sb = STRBUF_INIT;

	for (int col = 0; col < s->cols; col++) {
		VTermScreenCell cell;
		VTermPos pos = { row, col };
		if (!vterm_screen_get_cell(s->vs, pos, &cell))
			break;
		if (cell.chars[0] == (uint32_t)-1)
			continue; /* right half of a wide character */
		if (cell.chars[0] == 0) {
			strbuf_addc(&sb, ' ');
			continue;
		}
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++) {
			char mb[8];
			int n = wctomb(mb, (wchar_t)cell.chars[i]);
			if (n > 0)
				strbuf_add(&sb, mb, (size_t)n);
		}
		if (cell.width == 2)
			col++;
	}
	while (sb.len && sb.buf[sb.len - 1] == ' ')
		sb.buf[--sb.len] = '\0';
	return strbuf_detach(&sb);
}

char *screen_text(struct screen *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (int r = 0; r < s->rows; r++) {
		char *line = screen_row(s, r);
		strbuf_adds(&sb, line);
		strbuf_addc(&sb, '\n');
		free(line);
	}
	return strbuf_detach(&sb);
}

bool screen_find(struct screen *s, const char *text, int *row, int *col)
{
	for (int r = 0; r < s->rows; r++) {
		char *line = screen_row(s, r);
		char *hit = strstr(line, text);
		if (hit) {
			if (row)
				*row = r;
			if (col) {
				/* columns: count code points before the hit (narrow text) */
				int c = 0;
				for (char *p = line; p < hit; p++)
					if (((unsigned char)*p & 0xc0) != 0x80)
						c++;
				*col = c;
			}
			free(line);
			return true;
		}
		free(line);
	}
	return false;
}

bool screen_contains(struct screen *s, const char *text)
{
	return screen_find(s, text, NULL, NULL);
}

/* Reads until no output has come for quiet_ms (at most max_ms in all). */
static void settle(struct screen *s, int quiet_ms, int max_ms)
{
	int64_t end = now_ms() + max_ms;

	while (now_ms() < end && !s->exited) {
		struct pollfd p = { s->fd, POLLIN, 0 };

		if (poll(&p, 1, quiet_ms) <= 0)
			return;
		screen_pump(s, 1);
	}
}

bool screen_wait_first(struct screen *s, const char *text, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (!screen_contains(s, text)) {
		if (now_ms() >= end || s->exited)
			return screen_contains(s, text);
		screen_pump(s, 20);
	}
	return true;
}

bool screen_wait_for(struct screen *s, const char *text, int timeout_ms)
{
	if (!screen_wait_first(s, text, timeout_ms))
		return false;
	/* rwb draws a frame in more than one write (and a slow run, ASan under
	 * load, spaces them out): let the rest of the frame arrive, so what a
	 * test reads next belongs to the same frame as the text it waited for */
	settle(s, 30, 500);
	return true;
}

bool screen_wait_gone(struct screen *s, const char *text, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (screen_contains(s, text)) {
		if (now_ms() >= end)
			return false;
		screen_pump(s, 20);
	}
	return true;
}

void screen_send(struct screen *s, const char *bytes)
{
	size_t len = strlen(bytes);
	int64_t ready_by = now_ms() + 20000;

	/* Keys typed before the program has set up its terminal are echoed by
	 * the line discipline and lost (seen under ASan: F4 drawn as "^[OS" on
	 * an empty screen). curses sets raw mode before its first refresh, so
	 * the first byte the child writes means keys are read from now on. */
	while (!s->seen_output && !s->exited && now_ms() < ready_by)
		screen_pump(s, 20);
	while (len > 0) {
		ssize_t n = write(s->fd, bytes, len);
		if (n < 0 && errno == EAGAIN) {
			screen_pump(s, 5);
			continue;
		}
		if (n <= 0)
			break;
		bytes += n;
		len -= (size_t)n;
	}
}

void screen_resize(struct screen *s, int cols, int rows)
{
	struct winsize ws = { (unsigned short)rows, (unsigned short)cols, 0, 0 };

	s->rows = rows;
	s->cols = cols;
	vterm_set_size(s->vt, rows, cols);
	ioctl(s->fd, TIOCSWINSZ, &ws);
}

int screen_wait_exit(struct screen *s, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (!s->exited && now_ms() < end)
		screen_pump(s, 20);
	reap(s);
	if (!s->exited)
		return -1;
	return WIFEXITED(s->status) ? WEXITSTATUS(s->status) : 128 + WTERMSIG(s->status);
}

void screen_cell(struct screen *s, int row, int col, struct screen_cell_info *out)
{
	VTermScreenCell cell;
	VTermPos pos = { row, col };

	memset(out, 0, sizeof(*out));
	if (!vterm_screen_get_cell(s->vs, pos, &cell))
		return;
	out->bold = cell.attrs.bold;
	out->underline = cell.attrs.underline != 0;
	out->reverse = cell.attrs.reverse;
	out->italic = cell.attrs.italic;
	out->fg_default = VTERM_COLOR_IS_DEFAULT_FG(&cell.fg);
	out->bg_default = VTERM_COLOR_IS_DEFAULT_BG(&cell.bg);
	out->fg_index = VTERM_COLOR_IS_INDEXED(&cell.fg) ? cell.fg.indexed.idx : -1;
	out->bg_index = VTERM_COLOR_IS_INDEXED(&cell.bg) ? cell.bg.indexed.idx : -1;
	vterm_screen_convert_color_to_rgb(s->vs, &cell.fg);
	vterm_screen_convert_color_to_rgb(s->vs, &cell.bg);
	out->fg_r = cell.fg.rgb.red; out->fg_g = cell.fg.rgb.green; out->fg_b = cell.fg.rgb.blue;
	out->bg_r = cell.bg.rgb.red; out->bg_g = cell.bg.rgb.green; out->bg_b = cell.bg.rgb.blue;
}

void screen_dump(struct screen *s)
{
	char *t = screen_text(s);
	fprintf(stderr, "---- screen %dx%d ----\n%s---- end ----\n", s->cols, s->rows, t);
	free(t);
}

void screen_free(struct screen *s)
{
	if (!s)
		return;
	reap(s);
	if (!s->exited) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &s->status, 0);
	}
	close(s->fd);
	vterm_free(s->vt);
	free(s);
}
