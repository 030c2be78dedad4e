/*
 * proc.c - the one process runner (see proc.h).
 *
 * Design: fork + execvp with a close-on-exec status pipe, so "could not
 * start" (the child writes its errno there) is told apart from "ran and
 * failed" (the pipe closes on exec). The child makes its own process group;
 * the parent polls stdout, stderr, the stdin pipe it feeds and, when asked,
 * a self-pipe that turns SIGINT into an event forwarded to the group. The
 * parent reaps with wait4 for the CPU time and peak RSS.
 *
 * Never: a shell unless asked; a pipe without O_CLOEXEC; an unbounded capture.
 */
#define _GNU_SOURCE
#include "proc.h"
#include "error.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CAPTURE (16u << 20)
#define KILL_GRACE_MS 5000

static int sigint_pipe[2] = { -1, -1 };

static void on_sigint(int sig)
{
	int saved = errno;

	(void)sig;
	if (sigint_pipe[1] >= 0 && write(sigint_pipe[1], "i", 1) < 0) {
		/* a full pipe already holds an event */
	}
	errno = saved;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool proc_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	if (!prog || !*prog)
		return false;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	copy = xstrdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *dir ? dir : ".", prog);
		struct stat st;
		found = access(p, X_OK) == 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode);
		free(p);
	}
	free(copy);
	return found;
}

/* The child's side: never returns. */
static void child_exec(char *const argv[], const struct proc_opts *o, int in_fd, int out_fd,
		       int err_fd, int stat_fd)
{
	int e;

	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (o->inherit_stdio) {
		if (o->stdout_to_stderr)
			dup2(2, 1);
		goto run;
	}
	setpgid(0, 0);
	if (in_fd < 0)
		in_fd = open("/dev/null", O_RDONLY);
	if (in_fd >= 0)
		dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(o->merge_stderr ? out_fd : err_fd, 2);
run:
	if (o->cwd && chdir(o->cwd) != 0) {
		e = errno;
		if (write(stat_fd, &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	for (int i = 0; o->env && o->env[i]; i++)
		putenv(o->env[i]);
	if (o->shell)
		execl("/bin/sh", "sh", "-c", argv[0], (char *)NULL);
	else
		execvp(argv[0], argv);
	e = errno;
	if (write(stat_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

struct stream_state {
	int fd;                       /* read end, -1 once closed */
	struct strbuf *cap;           /* capture, or NULL */
	proc_sink_fn sink;            /* callback, or NULL */
	void *data;
	FILE *copy;                   /* copied here, or NULL */
};

static void take(struct proc_result *res, struct stream_state *s, const char *buf, size_t n,
		 size_t max)
{
	if (s->sink) {
		int rc = s->sink(s->data, buf, n);
		if (rc && !res->sink_rc)
			res->sink_rc = rc;
	}
	if (s->cap) {
		size_t room = s->cap->len < max ? max - s->cap->len : 0;
		if (room < n)
			res->truncated = true;
		strbuf_add(s->cap, buf, n < room ? n : room);
	}
	if (s->copy) {
		fwrite(buf, 1, n, s->copy);
		fflush(s->copy);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void fill_usage(struct proc_result *res, int wst, const struct rusage *ru, int64_t t0)
{
	res->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	res->duration_ms = (long)(now_ms() - t0);
	res->cpu_ms = ru->ru_utime.tv_sec * 1000 + ru->ru_utime.tv_usec / 1000 +
		      ru->ru_stime.tv_sec * 1000 + ru->ru_stime.tv_usec / 1000;
	res->peak_rss_kb = ru->ru_maxrss;
}

static void cannot_run(struct proc_result *res, const char *prog, const struct proc_opts *o, int e)
{
	snprintf(res->errmsg, sizeof(res->errmsg), "cannot run %s: %s%s%s%s", prog, strerror(e),
		 o->cwd ? " (in " : "", o->cwd ? o->cwd : "", o->cwd ? ")" : "");
}

/* inherit_stdio: the child shares the terminal; only the status pipe. */
static int run_interactive(struct proc_result *res, char *const argv[], const struct proc_opts *o)
{
	int statp[2], child_errno = 0, wst = 0;
	struct sigaction ign, old_int, old_quit;
	struct rusage ru;
	int64_t t0;
	pid_t pid;

	if (pipe2(statp, O_CLOEXEC)) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot create a pipe: %s", strerror(errno));
		return RWB_EIO;
	}
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	fflush(NULL);
	t0 = now_ms();
	pid = fork();
	if (pid == 0)
		child_exec(argv, o, -1, 1, 2, statp[1]);
	close(statp[1]);
	if (pid < 0) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot fork: %s", strerror(errno));
		close(statp[0]);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		return RWB_EIO;
	}
	if (read(statp[0], &child_errno, sizeof(child_errno)) != (ssize_t)sizeof(child_errno))
		child_errno = 0;
	close(statp[0]);
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &wst, 0, &ru) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (child_errno) {
		cannot_run(res, o->shell ? "sh" : argv[0], o, child_errno);
		return RWB_ENOTOOL;
	}
	fill_usage(res, wst, &ru, t0);
	return RWB_OK;
}

int proc_run(struct proc_result *res, char *const argv[], const struct proc_opts *opts)
{
	static const struct proc_opts none;
	const struct proc_opts *o = opts ? opts : &none;
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, statp[2] = { -1, -1 };
	struct stream_state st[2];
	struct sigaction sa, old_sa;
	sigset_t old_mask;
	bool pipe_saved = false, got_epipe = false;
	struct rusage ru;
	size_t max = o->max_capture ? o->max_capture : DEFAULT_CAPTURE, in_off = 0;
	int64_t t0, deadline = 0, kill_at = 0;
	int wst = 0, child_errno = 0, rc = RWB_OK;
	bool overflow_killed = false;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->status = -1;
	if (!argv || !argv[0]) {
		snprintf(res->errmsg, sizeof(res->errmsg), "no program to run");
		return RWB_ENOTOOL;
	}
	if (o->inherit_stdio)
		return run_interactive(res, argv, o);
	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(statp, O_CLOEXEC) ||
	    (o->input && pipe2(inp, O_CLOEXEC))) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot create pipes: %s", strerror(errno));
		rc = RWB_EIO;
		goto out;
	}
	if (o->forward_sigint) {
		if (pipe2(sigint_pipe, O_CLOEXEC | O_NONBLOCK)) {
			rc = RWB_EIO;
			goto out;
		}
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_sa);
	}
	fflush(NULL);
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot fork: %s", strerror(errno));
		rc = RWB_EIO;
		goto restore;
	}
	if (pid == 0)
		child_exec(argv, o, inp[0], outp[1], errp[1], statp[1]);
	setpgid(pid, pid);
	close_fd(&inp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&statp[1]);
	if (read(statp[0], &child_errno, sizeof(child_errno)) == (ssize_t)sizeof(child_errno)) {
		while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
			;
		cannot_run(res, o->shell ? "sh" : argv[0], o, child_errno);
		rc = RWB_ENOTOOL;
		goto restore;
	}
	if (inp[1] >= 0) {
		/* A child that exits without reading all its input must not kill
		 * rwb. SIGPIPE is blocked in this thread only (the disposition is
		 * process-wide: saving and restoring it raced between threads
		 * running programs at once) and a SIGPIPE our write raised is
		 * taken back below. The child was forked before: its mask is
		 * untouched. */
		sigset_t pipe_set;
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pipe_saved = pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask) == 0;
		fcntl(inp[1], F_SETFL, O_NONBLOCK);
	}
	/* the read ends now belong to st[]: closed once, there (a second close
	 * of the same number in a threaded caller closed another thread's
	 * pipe, which then polled POLLNVAL forever) */
	st[0] = (struct stream_state){ outp[0], o->out, o->on_out, o->out_data, o->out_stream };
	st[1] = (struct stream_state){ errp[0], o->err, o->on_err, o->err_data, o->stream };
	outp[0] = errp[0] = -1;
	if (o->timeout_ms > 0)
		deadline = t0 + o->timeout_ms;
	while (st[0].fd >= 0 || st[1].fd >= 0) {
		struct pollfd pfd[5] = {
			{ .fd = st[0].fd, .events = POLLIN },
			{ .fd = st[1].fd, .events = POLLIN },
			{ .fd = inp[1], .events = POLLOUT },
			{ .fd = o->forward_sigint ? sigint_pipe[0] : -1, .events = POLLIN },
			{ .fd = o->cancel_fd > 0 && !res->cancelled ? o->cancel_fd : -1, .events = POLLIN },
		};
		int wait_ms = -1;
		char buf[65536];
		int64_t now = now_ms();

		if (deadline && !res->timed_out && now >= deadline) {
			kill(-pid, SIGINT);
			res->timed_out = true;
			kill_at = now + (o->kill_grace_ms > 0 ? o->kill_grace_ms : KILL_GRACE_MS);
		}
		if (kill_at && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = 0;
		}
		if (deadline && !res->timed_out)
			wait_ms = (int)(deadline - now);
		else if (kill_at)
			wait_ms = (int)(kill_at - now);
		if (poll(pfd, 5, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[3].revents & POLLIN) {
			while (read(sigint_pipe[0], buf, sizeof(buf)) > 0)
				;
			res->interrupted = true;
			kill(-pid, SIGINT);
		}
		if (pfd[4].revents & (POLLIN | POLLHUP | POLLERR)) {
			res->cancelled = true;
			/* SIGINT, as Ctrl-C: an rwb child forwards it to its own child's group */
			kill(-pid, SIGINT);
			kill_at = now_ms() + (o->kill_grace_ms > 0 ? o->kill_grace_ms : KILL_GRACE_MS);
		}
		if (pfd[2].revents & POLLNVAL)
			inp[1] = -1;   /* closed under us: dropped, as above */
		else if (pfd[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
			ssize_t w = write(inp[1], o->input + in_off, o->input_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 && errno == EPIPE)
				got_epipe = true;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off >= o->input_len)
				close_fd(&inp[1]);
		}
		/* stderr first: what a program says on stderr before its output
		 * (cargo's "Running BINARY") must reach a sink before that output */
		for (int i = 1; i >= 0; i--) {
			ssize_t n;
			if (st[i].fd >= 0 && (pfd[i].revents & POLLNVAL)) {
				/* the descriptor was closed under us (a double close
				 * elsewhere in the process): it can yield nothing, and
				 * polling it again would spin; its number may be someone
				 * else's now, so it is dropped, not closed */
				st[i].fd = -1;
				continue;
			}
			if (st[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(st[i].fd, buf, sizeof(buf));
			if (n > 0) {
				take(res, &st[i], buf, (size_t)n, max);
				if (res->truncated && o->kill_on_overflow && !overflow_killed) {
					kill(-pid, SIGKILL);
					overflow_killed = true;
				}
			} else if (n == 0 || errno != EINTR)
				close_fd(&st[i].fd);
		}
	}
	close_fd(&st[0].fd);
	close_fd(&st[1].fd);
	close_fd(&inp[1]);
	if (pipe_saved) {
		if (got_epipe) {
			sigset_t pipe_set;
			struct timespec zero = { 0, 0 };
			sigemptyset(&pipe_set);
			sigaddset(&pipe_set, SIGPIPE);
			while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
				;
		}
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	}
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &wst, 0, &ru) < 0 && errno == EINTR)
		;
	fill_usage(res, wst, &ru, t0);
restore:
	if (o->forward_sigint) {
		sigaction(SIGINT, &old_sa, NULL);
		close_fd(&sigint_pipe[0]);
		close_fd(&sigint_pipe[1]);
	}
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&inp[i]);
		close_fd(&outp[i]);
		close_fd(&errp[i]);
		close_fd(&statp[i]);
	}
	return rc;
}

char *proc_output(char *const argv[], const char *cwd, size_t max)
{
	struct strbuf out = STRBUF_INIT;
	struct proc_opts o = { .cwd = cwd, .out = &out, .max_capture = max ? max : (1u << 20) };
	struct proc_result res;

	if (proc_run(&res, argv, &o) != RWB_OK || res.status != 0 || !out.len) {
		strbuf_free(&out);
		return NULL;
	}
	return strbuf_detach(&out);
}
