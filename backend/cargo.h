/*
 * cargo.h - running cargo (and rustc --explain) as a child process.
 *
 * cargo_run() starts `cargo ARGS...` with argv (never a shell) in the repo,
 * in its own process group, stdin from /dev/null, stdout and stderr on
 * pipes. Each stdout line goes through cargomsg_feed_line(); what a person
 * would have seen (rendered diagnostics with their colours, libtest's
 * lines, cargo's own stderr) is written to the stream as it arrives. A
 * SIGINT to rwb while cargo runs is forwarded to cargo's process group and
 * the run ends as RWB_ECANCEL. wait4() gives peak RSS and CPU time.
 *
 * When cargo cannot do the job at all (missing, not a crate, a broken
 * Cargo.toml, an ambiguous package) the run returns RWB_ENOTOOL or RWB_EENV
 * with one clear line in the error channel (error.h), instead of a negative
 * build answer.
 *
 * Never: run a shell, let cargo inherit the terminal's stdin, or leave a
 * child behind (the run waits for it even when cancelled).
 */
#ifndef RWB_CARGO_H
#define RWB_CARGO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cargomsg.h"
#include "strbuf.h"

struct cargo_run_opts {
	const char *repo;            /* borrowed: working directory */
	const char *const *args;     /* borrowed: words after "cargo", NULL-terminated */
	const char *const *env;      /* borrowed: extra NAME=VALUE, NULL-terminated, or NULL */
	FILE *stream;                /* borrowed: live human output, or NULL */
	struct strbuf *raw_stdout;   /* borrowed: receives cargo's stdout as is, or NULL */
};

struct cargo_outcome {
	int exit_status;             /* cargo's exit status, 128+signal when killed */
	int64_t duration_ms;         /* wall-clock time */
	int64_t peak_rss_kb;         /* from wait4 */
	int64_t cpu_ms;              /* user + system time of cargo and what it waited for */
	bool cancelled;              /* SIGINT arrived while it ran */
	char *stderr_tail;           /* owned: the last few KB cargo wrote to stderr */
};

void cargo_outcome_release(struct cargo_outcome *o);

/*
 * Runs cargo; msg receives every stdout line. Returns 0 when cargo ran
 * (whatever its exit status), RWB_ECANCEL, or RWB_ENOTOOL / RWB_EENV /
 * RWB_EIO with one line in the error channel.
 */
int cargo_run(struct cargo_outcome *out, struct cargomsg *msg, const struct cargo_run_opts *o);

/*
 * After a failed run: when cargo's stderr says it refused its arguments,
 * returns RWB_EUSAGE with cargo's error line in the error channel; when it
 * says the problem is the set-up (no Cargo.toml, a malformed one, an
 * ambiguous package, an offline dependency that is missing), returns
 * RWB_EENV with one line there; otherwise 0.
 */
int cargo_classify_failure(const char *stderr_text);

/* Whether cargo's stderr says it refused its arguments (an unknown flag, a
 * bad value, --doc mixed with other selectors, an unknown package, feature
 * or target): classify_failure then gives RWB_EUSAGE and cargo's own line. */
bool cargo_is_usage_error(const char *stderr_text);

/* The `rustc --explain CODE` text, or for "clippy::LINT" the `cargo clippy
 * --explain LINT` text (allocated); NULL when there is none. */
char *cargo_explain(const char *code);

/* Whether program is found on PATH. */
bool cargo_have_program(const char *program);

#endif
