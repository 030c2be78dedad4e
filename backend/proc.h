/*
 * proc.h - the one way rwb runs a program (model: tmux's job.c job_run,
 * tig's io.c io_run / io_run_buf).
 *
 * A child runs from an argv, never through a shell unless the caller asks
 * for one (opts.shell, as git's "!helper" credential lines do). It runs in a
 * process group of its own, so a timeout or a cancel ends everything it
 * started. Its stdin is the caller's input (or /dev/null); its stdout goes
 * to a callback or is captured; its stderr is captured, streamed, or both;
 * captures are bounded. The outcome is one struct: exit status (128 +
 * signal when killed), how long it ran, its peak RSS and CPU time.
 *
 * A program that cannot run (not found, not executable, its folder gone)
 * is one return code, RWB_ENOTOOL, with one line in res->errmsg: every
 * caller reports it the same way, never as exit 126 or 127.
 *
 * Never: a shell unless opts.shell; a descriptor leaked into the child (every
 * pipe is close-on-exec); called from the TUI's event loop (it blocks until
 * the child exits: the TUI runs programs as jobs in the terminal pane).
 */
#ifndef RWB_PROC_H
#define RWB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

/* Receives a chunk of the child's output; a non-zero return is remembered
 * in res->sink_rc (the child still runs to its end and output is drained). */
typedef int (*proc_sink_fn)(void *data, const char *buf, size_t n);

struct proc_opts {
	const char *cwd;              /* folder to run in; NULL: the current one */
	char *const *env;             /* NAME=VALUE added to the environment, or NULL */
	const char *input;            /* written to stdin, then closed; NULL: /dev/null */
	size_t input_len;             /* bytes of input */
	proc_sink_fn on_out;          /* stdout chunks, or NULL */
	void *out_data;               /* passed to on_out */
	struct strbuf *out;           /* stdout captured here, or NULL */
	FILE *out_stream;             /* stdout copied here as it comes, or NULL */
	bool merge_stderr;            /* stderr goes where stdout goes (one pipe, in order) */
	proc_sink_fn on_err;          /* stderr chunks, or NULL (also captured/streamed) */
	void *err_data;               /* passed to on_err */
	struct strbuf *err;           /* stderr captured here, or NULL */
	FILE *stream;                 /* stderr copied here as it comes, or NULL */
	size_t max_capture;           /* bound for out and err captures; 0: 16 MiB */
	bool kill_on_overflow;        /* a capture past max_capture kills the group at once */
	long timeout_ms;              /* > 0: SIGINT to the group after this long */
	long kill_grace_ms;           /* after the timeout's SIGINT, SIGKILL this much later; 0: 5 s */
	bool shell;                   /* argv[0] is a command line for "sh -c" */
	bool inherit_stdio;           /* the child shares rwb's terminal (an editor): stdin,
				       * stdout, stderr and the process group; nothing is
				       * captured and rwb ignores SIGINT while it waits */
	bool stdout_to_stderr;        /* with inherit_stdio: the child's stdout is rwb's stderr */
	bool forward_sigint;          /* a SIGINT to rwb while it waits goes to the child's group */
	int cancel_fd;                /* > 0: when readable, SIGINT to the child's group (SIGKILL
				       * kill_grace_ms later): another thread's cancel; an rwb
				       * child forwards the SIGINT to the program it runs */
};

struct proc_result {
	int status;                   /* exit status; 128 + signal when killed; -1 if never ran */
	long duration_ms;             /* wall time from fork to exit */
	long cpu_ms;                  /* user + system CPU of the child and what it waited for */
	long peak_rss_kb;             /* the largest RSS of the child or a descendant it waited for */
	bool timed_out;               /* the timeout fired */
	bool interrupted;             /* a SIGINT was forwarded */
	bool cancelled;               /* cancel_fd became readable; the group was ended */
	bool truncated;               /* a capture reached max_capture; the rest was dropped */
	int sink_rc;                  /* the first non-zero return of a sink, else 0 */
	char errmsg[256];             /* why it could not run, when proc_run returned RWB_ENOTOOL */
};

/*
 * Runs argv (argv[0] looked up in PATH unless it has a '/') and waits for it.
 * Returns RWB_OK when the program ran, whatever its exit status; RWB_ENOTOOL
 * when it could not be started (res->errmsg says why); RWB_EIO when pipes or
 * fork failed.
 */
int proc_run(struct proc_result *res, char *const argv[], const struct proc_opts *opts);

/* True when prog can be run: an executable path, or a name found in PATH. */
bool proc_in_path(const char *prog);

/* Runs argv and returns its stdout when it exits 0 with output (bounded to
 * max bytes, 0: 1 MiB), else NULL. For short queries ("rustc --print sysroot"). */
char *proc_output(char *const argv[], const char *cwd, size_t max);

#endif
