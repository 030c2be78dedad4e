/*
 * cargo.c - cargo as a child process, through the process runner (proc.c).
 *
 * Design: proc_run starts cargo in a process group of its own and forwards
 * a SIGINT to it; this file splits cargo's stdout into lines for cargomsg,
 * lets the runner copy stderr through to the stream, strips stderr's
 * colours so cargo's "Running" lines reach cargomsg too, and keeps the
 * stderr tail that cargo_classify_failure() reads.
 */
#define _GNU_SOURCE
#include "cargo.h"
#include "error.h"
#include "proc.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STDERR_TAIL (8u << 10)

void cargo_outcome_release(struct cargo_outcome *o)
{
	free(o->stderr_tail);
	o->stderr_tail = NULL;
}

bool cargo_have_program(const char *program)
{
	return proc_in_path(program);
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

/* What the runner's sinks share while cargo runs. */
struct cargo_feed {
	struct cargomsg *msg;
	const struct cargo_run_opts *o;
	struct strbuf acc;           /* stdout not yet split into lines */
	struct strbuf eacc;          /* stderr without colours, not yet split */
	struct strbuf tail;          /* the last STDERR_TAIL..2*STDERR_TAIL bytes of stderr */
};

static int feed_stdout(void *data, const char *buf, size_t n)
{
	struct cargo_feed *f = data;

	if (f->o->raw_stdout && f->o->raw_stdout->len < (8u << 20))
		strbuf_add(f->o->raw_stdout, buf, n);
	strbuf_add(&f->acc, buf, n);
	flush_lines(&f->acc, f->msg, f->o->stream, false);
	return 0;
}

/* stderr is copied to the stream by the runner; here it feeds cargomsg
 * (its "Running" lines queue test binary names, cargomsg.h) and the tail */
static int feed_stderr(void *data, const char *buf, size_t n)
{
	struct cargo_feed *f = data;

	add_plain(&f->eacc, buf, n);
	strbuf_add(&f->tail, buf, n);
	if (f->tail.len > 2 * STDERR_TAIL) {
		memmove(f->tail.buf, f->tail.buf + f->tail.len - STDERR_TAIL, STDERR_TAIL);
		f->tail.len = STDERR_TAIL;
		f->tail.buf[f->tail.len] = '\0';
	}
	stderr_lines(&f->eacc, f->msg, false);
	return 0;
}

int cargo_run(struct cargo_outcome *out, struct cargomsg *msg, const struct cargo_run_opts *o)
{
	struct cargo_feed f = { .msg = msg, .o = o, .acc = STRBUF_INIT, .eacc = STRBUF_INIT,
				.tail = STRBUF_INIT };
	struct proc_opts po = { .cwd = o->repo, .env = (char *const *)o->env, .on_out = feed_stdout,
				.out_data = &f, .on_err = feed_stderr, .err_data = &f, .stream = o->stream,
				.forward_sigint = true };
	struct proc_result res;
	char **argv = NULL;
	size_t nargs = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!proc_in_path("cargo"))
		return rwb_fail(RWB_ENOTOOL, "cargo is not installed or not on PATH (install it with "
				"rustup or Debian's cargo package)");
	while (o->args[nargs])
		nargs++;
	argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = "cargo";
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)o->args[i];
	rc = proc_run(&res, argv, &po);
	flush_lines(&f.acc, msg, o->stream, true);
	stderr_lines(&f.eacc, msg, true);
	out->exit_status = res.status;
	out->duration_ms = res.duration_ms;
	out->peak_rss_kb = res.peak_rss_kb;
	out->cpu_ms = res.cpu_ms;
	out->cancelled = res.interrupted;
	out->stderr_tail = strbuf_detach(&f.tail);
	if (!out->stderr_tail)
		out->stderr_tail = xstrdup("");
	if (rc != RWB_OK) {
		if (rc == RWB_ENOTOOL && o->repo && access(o->repo, X_OK) != 0)
			rc = RWB_EENV;
		rwb_fail(rc, "%s", res.errmsg);
	} else if (out->cancelled) {
		rc = rwb_fail(RWB_ECANCEL, "cancelled (SIGINT sent to cargo)");
	}
	strbuf_free(&f.acc);
	strbuf_free(&f.eacc);
	free(argv);
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

int cargo_classify_failure(const char *text)
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
		rc = rwb_fail(RWB_EUSAGE, "cargo: %s%s%s%s", line, tl ? " (" : "", tl ? tl : "",
			      tl ? ")" : "");
		free(tl);
	} else if (strstr(t, "error: toolchain '") && strstr(t, "is not installed")) {
		rc = rwb_fail(RWB_EENV, "%s (rustup toolchain list shows those installed)", line);
	} else if (strstr(t, "could not find `Cargo.toml`")) {
		rc = rwb_fail(RWB_EENV, "not a Rust crate: %s (use --repo DIR to point at a folder with a "
			      "Cargo.toml)", line);
	} else if (strstr(t, "is ambiguous") || strstr(t, "two packages named") || strstr(t, "virtual manifest") ||
		   strstr(t, "There are multiple") || strstr(t, "could not determine which")) {
		rc = rwb_fail(RWB_EENV, "the workspace member is ambiguous: %s (run it with --repo set to "
			      "the member's folder)", line);
	} else if (strstr(t, "--> Cargo.toml") || strstr(t, "failed to parse manifest") ||
		   strstr(t, "failed to load manifest") || strstr(t, "Cargo.toml:")) {
		const char *loc = strstr(t, "--> ");
		char *where = loc ? line_at(loc + 4) : xstrdup("Cargo.toml");
		rc = rwb_fail(RWB_EENV, "Cargo.toml is malformed (%s): %s", where, line);
		free(where);
	} else if (strstr(t, "is replaced with non-remote-registry source") ||
		   strstr(t, "config.json not found in registry") ||
		   strstr(t, "failed to update registry") || strstr(t, "no token found")) {
		rc = rwb_fail(RWB_EENV, "the registry cannot be reached from here (offline or source "
			      "replaced): %s", line);
	} else if (strstr(t, "no matching package") || strstr(t, "failed to select a version") ||
		   strstr(t, "failed to get `") || strstr(t, "attempting to make an HTTP request") ||
		   strstr(t, "Could not resolve host")) {
		rc = rwb_fail(RWB_EENV, "a dependency cannot be resolved (offline?): %s", line);
	}
	free(line);
	strbuf_free(&plain);
	return rc;
}

char *cargo_explain(const char *code)
{
	char *const argv[] = { "rustc", "--explain", (char *)code, NULL };

	/* a clippy lint ("clippy::needless_return") is explained by clippy itself */
	const char *lint = code && strncmp(code, "clippy::", 8) == 0 ? code + 8 : NULL;

	if (lint ? !*lint || strspn(lint, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(lint)
		 : !code || code[0] != 'E' || strlen(code) != 5 || strspn(code + 1, "0123456789") != 4)
		return NULL;
	if (lint) {
		char *const clippy[] = { "cargo", "clippy", "--explain", (char *)lint, NULL };
		return proc_output(clippy, NULL, 1u << 20);
	}
	return proc_output(argv, NULL, 1u << 20);
}
