/*
 * term.h - the terminal pane: the user's shell and every job, each in its
 * own pseudo-terminal rendered through libvterm's State layer into a grid
 * rwb owns (see panes/term.c and backend/vtgrid.c; keys in docs/terminal.md).
 *
 * The job API is how the rest of rwb runs programs the user should watch
 * (cargo, perf, $EDITOR, and slash commands marked CMD_JOB, which run as
 * `rwb --result-file F /command ...` so one implementation serves the
 * command line and the TUI). The rest of the TUI starts jobs through
 * app_job_start() (app.h), never by reaching into this pane.
 */
#ifndef RWB_TERM_H
#define RWB_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include "pane.h"

struct term_job_opts {
	char *const *argv;        /* program and arguments (argv[0] looked up in PATH) */
	const char *cwd;          /* working directory, NULL = the repo */
	char *const *env;         /* extra NAME=VALUE entries, NULL-terminated, or NULL */
	const char *title;        /* tab title ("cargo-build") */
	/* Called with output bytes as they arrive (after the screen got them). */
	void (*on_output)(void *data, const char *buf, size_t n);
	/* Called once when the job's process exits (status as from wait4). */
	void (*on_exit)(void *data, int status, const struct rusage *ru, long duration_ms);
	void *data;
	bool focus;               /* switch the pane to the job's tab */
};

struct pane *pane_term_new(struct app *a);
/* Starts a job in a new tab; *job_id identifies it (> 0). */
int pane_term_job_start(struct pane *p, const struct term_job_opts *o, int *job_id);
/* Sends a signal to the job's process group (SIGINT to cancel). */
int pane_term_job_signal(struct pane *p, int job_id, int signo);
/* Opens a tab that shows the file fd (owned from here on; -1: nothing to
 * show) as it grows: another process's job, an agent's (tui/agentwatch.c).
 * header is its first, dim line. The tab is added, never made the active
 * one and never focused. *job_id identifies it. */
int pane_term_follow_start(struct pane *p, const char *title, const char *header, int fd, int *job_id);
/* The followed job ended: its last output is read, the file closed and the
 * tab shows the exit status as a job's does. */
void pane_term_follow_end(struct pane *p, int job_id, int exit_status, long duration_ms);
/* Number of jobs this rwb runs (the shell tab and followed jobs not counted). */
int pane_term_jobs_running(struct pane *p);

/* Its key tables (keys.h), for help and the docs. */
struct keymap;
extern const struct keymap term_keys;          /* the live screen */
extern const struct keymap term_ended_keys;    /* a tab whose program ended */
extern const struct keymap term_scroll_keys;   /* scroll mode */
extern const struct keymap term_prompt_keys;   /* scroll mode's / and w line */

#endif
