/*
 * cargo.c - the cargo child process: pipes, process group, SIGINT, wait4.
 *
 * Design: fork + execvp with a close-on-exec status pipe, so a missing
 * cargo is told apart from a cargo that failed. The parent polls both
 * pipes, splits stdout into lines for cargomsg and copies stderr through;
 * a self-pipe turns SIGINT into an event that is forwarded to the child's
 * process group. The previous SIGINT disposition is restored afterwards.
 */
#define _GNU_SOURCE
#include "cargo.h"
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STDERR_TAIL (8u << 10)

extern char **environ;

static int sigint_pipe[2] = { -1, -1 };

static void on_sigint(int sig)
{
	int saved = errno;
	(void)sig;
	if (sigint_pipe[1] >= 0 && write(sigint_pipe[1], "i", 1) < 0) {
		/* nothing to do: a full pipe already holds an event */
	}
	errno = saved;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cargo_outcome_release(struct cargo_outcome *o)
{
	free(o->stderr_tail);
	o->stderr_tail = NULL;
}

bool cargo_have_program(const char *program)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	if (strchr(program, '/'))
		return access(program, X_OK) == 0;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *dir ? dir : ".", program);
		struct stat st;
		found = stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

static char **build_env(const char *const *extra)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	for (size_t i = 0; extra && extra[i]; i++)
		k++;
	env = xcalloc(n + k + 1, sizeof(*env));
	n = 0;
	for (size_t i = 0; environ[i]; i++) {
		bool overridden = false;
		const char *eq = strchr(environ[i], '=');
		size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		for (size_t j = 0; extra && extra[j]; j++)
			if (strncmp(extra[j], environ[i], nl) == 0 && extra[j][nl] == '=')
				overridden = true;
		if (!overridden)
			env[n++] = environ[i];
	}
	for (size_t j = 0; extra && extra[j]; j++)
		env[n++] = (char *)extra[j];
	env[n] = NULL;
	return env;
}

static void flush_lines(struct strbuf *acc, struct cargomsg *msg, FILE *stream, bool final)
{
	size_t start = 0;
	struct strbuf human = STRBUF_INIT;

	for (size_t i = 0; i < acc->len; i++) {
		if (acc->buf[i] != '\n')
			continue;
		cargomsg_feed_line(msg, acc->buf + start, i - start, stream ? &human : NULL);
		start = i + 1;
	}
	if (final && start < acc->len) {
		cargomsg_feed_line(msg, acc->buf + start, acc->len - start, stream ? &human : NULL);
		start = acc->len;
	}
	if (start) {
		memmove(acc->buf, acc->buf + start, acc->len - start);
		acc->len -= start;
		acc->buf[acc->len] = '\0';
	}
	if (stream && human.len) {
		fwrite(human.buf, 1, human.len, stream);
		fflush(stream);
	}
	strbuf_free(&human);
}

/* cargo's stderr lines also feed cargomsg (its "Running" lines name test binaries). */
static void stderr_lines(struct strbuf *acc, struct cargomsg *msg, bool final)
{
	size_t start = 0;

	for (size_t i = 0; i < acc->len; i++) {
		if (acc->buf[i] != '\n')
			continue;
		if (i > start && acc->buf[start] != '{')
			cargomsg_feed_line(msg, acc->buf + start, i - start, NULL);
		start = i + 1;
	}
	if (final)
		start = acc->len;
	if (start) {
		memmove(acc->buf, acc->buf + start, acc->len - start);
		acc->len -= start;
		if (acc->buf)
			acc->buf[acc->len] = '\0';
	}
}

/* Strips ANSI escapes from cargo's stderr so the "Running" lines match. */
static void add_plain(struct strbuf *acc, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\033') {
			i++;
			if (i < n && buf[i] == '[')
				while (i + 1 < n && !(buf[i + 1] >= '@' && buf[i + 1] <= '~'))
					i++;
			i++;
			continue;
		}
		strbuf_addc(acc, buf[i]);
	}
}

int cargo_run(struct cargo_outcome *out, struct cargomsg *msg, const struct cargo_run_opts *o,
	      char *errbuf, size_t n)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, statp[2] = { -1, -1 };
	struct sigaction sa, old_sa;
	struct strbuf acc = STRBUF_INIT, eacc = STRBUF_INIT, tail = STRBUF_INIT;
	char **argv = NULL, **env = NULL;
	size_t nargs = 0;
	pid_t pid;
	int rc = RWB_OK, wstatus = 0, child_errno = 0;
	int64_t t0;
	struct rusage ru;
	bool open_out = true, open_err = true;

	memset(out, 0, sizeof(*out));
	errbuf[0] = '\0';
	if (!cargo_have_program("cargo")) {
		snprintf(errbuf, n, "cargo is not installed or not on PATH (install it with rustup or "
			 "Debian's cargo package)");
		return RWB_ENOTOOL;
	}
	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(statp, O_CLOEXEC) ||
	    pipe2(sigint_pipe, O_CLOEXEC | O_NONBLOCK)) {
		snprintf(errbuf, n, "cannot create pipes for cargo: %s", strerror(errno));
		rc = RWB_EIO;
		goto out;
	}
	while (o->args[nargs])
		nargs++;
	argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = "cargo";
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)o->args[i];
	env = build_env(o->env);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		sigaction(SIGINT, &old_sa, NULL);
		snprintf(errbuf, n, "cannot start cargo: %s", strerror(errno));
		rc = RWB_EIO;
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		int e;
		signal(SIGINT, SIG_DFL);
		setpgid(0, 0);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		if (o->repo && chdir(o->repo) != 0) {
			e = errno;
			if (write(statp[1], &e, sizeof(e)) < 0)
				_exit(126);
			_exit(126);
		}
		execvpe("cargo", argv, env);
		e = errno;
		if (write(statp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	close(statp[1]);
	outp[1] = errp[1] = statp[1] = -1;
	if (read(statp[0], &child_errno, sizeof(child_errno)) != (ssize_t)sizeof(child_errno))
		child_errno = 0;

	while (open_out || open_err) {
		struct pollfd fds[3] = {
			{ .fd = open_out ? outp[0] : -1, .events = POLLIN },
			{ .fd = open_err ? errp[0] : -1, .events = POLLIN },
			{ .fd = sigint_pipe[0], .events = POLLIN },
		};
		char buf[65536];
		ssize_t r;

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents & POLLIN) {
			while (read(sigint_pipe[0], buf, sizeof(buf)) > 0)
				;
			out->cancelled = true;
			kill(-pid, SIGINT);
		}
		/* stderr first: cargo's "Running" lines queue test binary names (cargomsg.h) */
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read(errp[0], buf, sizeof(buf));
			if (r > 0) {
				if (o->stream) {
					fwrite(buf, 1, (size_t)r, o->stream);
					fflush(o->stream);
				}
				add_plain(&eacc, buf, (size_t)r);
				strbuf_add(&tail, buf, (size_t)r);
				if (tail.len > 2 * STDERR_TAIL) {
					memmove(tail.buf, tail.buf + tail.len - STDERR_TAIL, STDERR_TAIL);
					tail.len = STDERR_TAIL;
					tail.buf[tail.len] = '\0';
				}
				stderr_lines(&eacc, msg, false);
			} else if (r == 0 || errno != EINTR) {
				open_err = false;
			}
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read(outp[0], buf, sizeof(buf));
			if (r > 0) {
				if (o->raw_stdout && o->raw_stdout->len < (8u << 20))
					strbuf_add(o->raw_stdout, buf, (size_t)r);
				strbuf_add(&acc, buf, (size_t)r);
				flush_lines(&acc, msg, o->stream, false);
			} else if (r == 0 || errno != EINTR) {
				open_out = false;
			}
		}
	}
	flush_lines(&acc, msg, o->stream, true);
	stderr_lines(&eacc, msg, true);
	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR) {
			memset(&ru, 0, sizeof(ru));
			break;
		}
		char ev;
		if (read(sigint_pipe[0], &ev, 1) > 0) {
			out->cancelled = true;
			kill(-pid, SIGINT);
		}
	}
	sigaction(SIGINT, &old_sa, NULL);
	out->duration_ms = now_ms() - t0;
	out->exit_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	out->peak_rss_kb = ru.ru_maxrss;
	out->cpu_ms = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	out->stderr_tail = strbuf_detach(&tail);
	if (!out->stderr_tail)
		out->stderr_tail = xstrdup("");
	if (child_errno) {
		if (child_errno == ENOENT)
			snprintf(errbuf, n, "cargo is not installed or not on PATH");
		else
			snprintf(errbuf, n, "cannot run cargo in %s: %s", o->repo ? o->repo : ".",
				 strerror(child_errno));
		rc = child_errno == ENOENT ? RWB_ENOTOOL : RWB_EENV;
	} else if (out->cancelled) {
		snprintf(errbuf, n, "cancelled (SIGINT sent to cargo)");
		rc = RWB_ECANCEL;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (statp[i] >= 0)
			close(statp[i]);
		if (sigint_pipe[i] >= 0)
			close(sigint_pipe[i]);
		sigint_pipe[i] = -1;
	}
	strbuf_free(&acc);
	strbuf_free(&eacc);
	strbuf_free(&tail);
	free(argv);
	free(env);
	return rc;
}

/* The first line of text starting at p (allocated, without colours). */
static char *line_at(const char *p)
{
	size_t n = strcspn(p, "\n");
	struct strbuf sb = STRBUF_INIT;
	char *s;

	add_plain(&sb, p, n);
	s = strbuf_detach(&sb);
	return s ? s : xstrdup("");
}

bool cargo_is_usage_error(const char *text)
{
	static const char *const usage[] = {
		"\nUsage: cargo ", "error: unexpected argument", "error: invalid value",
		"error: a value is required for", "can't mix --doc", "takes one argument",
		"did not match any packages", "does not contain this feature",
		"none of the selected packages contains", "error: could not parse",
		"error: the argument '", "no bin target named", "no test target named",
		"no example target named", "no bench target named", "no test target matches pattern",
		"no bench target matches pattern", "cannot specify two kinds of `message-format`",
		"error: unrecognized subcommand", "error: no such command", NULL,
	};
	for (int i = 0; usage[i]; i++)
		if (strstr(text, usage[i]))
			return true;
	return false;
}

int cargo_classify_failure(const char *text, char *errbuf, size_t n)
{
	struct strbuf plain = STRBUF_INIT;
	const char *t, *e;
	char *line;
	int rc = 0;

	add_plain(&plain, text, strlen(text));
	t = strbuf_str(&plain);
	e = strstr(t, "error: ");
	line = e ? line_at(e + 7) : xstrdup("");
	if (cargo_is_usage_error(t)) {
		/* cargo judged its own flags: its error line (and its tip), exit 2 */
		const char *tip = strstr(t, "tip: ");
		char *tl = tip ? line_at(tip) : NULL;
		snprintf(errbuf, n, "cargo: %s%s%s", line, tl ? " (" : "", tl ? tl : "");
		if (tl && strlen(errbuf) + 2 < n)
			strcat(errbuf, ")");
		free(tl);
		rc = RWB_EUSAGE;
	} else if (strstr(t, "error: toolchain '") && strstr(t, "is not installed")) {
		snprintf(errbuf, n, "%s (rustup toolchain list shows those installed)", line);
		rc = RWB_EENV;
	} else if (strstr(t, "could not find `Cargo.toml`")) {
		snprintf(errbuf, n, "not a Rust crate: %s (use --repo DIR to point at a folder with a "
			 "Cargo.toml)", line);
		rc = RWB_EENV;
	} else if (strstr(t, "is ambiguous") || strstr(t, "two packages named") || strstr(t, "virtual manifest") ||
		   strstr(t, "There are multiple") || strstr(t, "could not determine which")) {
		snprintf(errbuf, n, "the workspace member is ambiguous: %s (run it with --repo set to "
			 "the member's folder)", line);
		rc = RWB_EENV;
	} else if (strstr(t, "--> Cargo.toml") || strstr(t, "failed to parse manifest") ||
		   strstr(t, "failed to load manifest") || strstr(t, "Cargo.toml:")) {
		const char *loc = strstr(t, "--> ");
		char *where = loc ? line_at(loc + 4) : xstrdup("Cargo.toml");
		snprintf(errbuf, n, "Cargo.toml is malformed (%s): %s", where, line);
		free(where);
		rc = RWB_EENV;
	} else if (strstr(t, "is replaced with non-remote-registry source") ||
		   strstr(t, "config.json not found in registry") ||
		   strstr(t, "failed to update registry") || strstr(t, "no token found")) {
		snprintf(errbuf, n, "the registry cannot be reached from here (offline or source "
			 "replaced): %s", line);
		rc = RWB_EENV;
	} else if (strstr(t, "no matching package") || strstr(t, "failed to select a version") ||
		   strstr(t, "failed to get `") || strstr(t, "attempting to make an HTTP request") ||
		   strstr(t, "Could not resolve host")) {
		snprintf(errbuf, n, "a dependency cannot be resolved (offline?): %s", line);
		rc = RWB_EENV;
	}
	free(line);
	strbuf_free(&plain);
	return rc;
}

char *cargo_explain(const char *code)
{
	int p[2];
	pid_t pid;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t r;
	int status = 0;

	if (!code || code[0] != 'E' || strlen(code) != 5 || strspn(code + 1, "0123456789") != 4)
		return NULL;
	if (pipe2(p, O_CLOEXEC))
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(p[1], 1);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		execlp("rustc", "rustc", "--explain", code, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while ((r = read(p[0], buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (sb.len < (1u << 20))
			strbuf_add(&sb, buf, (size_t)r);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !sb.len) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}
