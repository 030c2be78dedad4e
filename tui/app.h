/*
 * app.h - the TUI shell: four panes, focus, zoom, the status bar, the help
 * overlay, notices, script mode, and the one frame per damage.
 *
 * Panes reach the rest of rwb only through this API, never through each
 * other's internals.
 */
#ifndef RWB_APP_H
#define RWB_APP_H

#include <stdbool.h>
#include <stdint.h>
#include "pane.h"

struct loop;
struct store;

enum app_pane {
	APP_PANE_COMMAND,
	APP_PANE_TERMINAL,
	APP_PANE_GIT,
	APP_PANE_BROWSER,
	APP_PANE_COUNT
};

enum notice_level { NOTICE_INFO, NOTICE_WARNING, NOTICE_CRITICAL };

struct app_options {
	const char *db_path;      /* --db, or NULL */
	const char *repo;         /* resolved --repo (never NULL) */
	const char *theme;        /* --theme, or NULL (the store's, else default) */
	const char *script;       /* --script / RWB_SCRIPT file, or NULL */
	const char *argv0;        /* path of this binary */
};

struct app;

/* Runs the TUI until the user quits; returns the process exit status. */
int app_main(const struct app_options *opts, struct store *store);

/* For panes */
struct loop *app_loop(struct app *a);
struct store *app_store(struct app *a);
const char *app_repo(struct app *a);
const char *app_argv0(struct app *a);
const char *app_db_path(struct app *a);
struct pane *app_pane(struct app *a, enum app_pane which);
void app_focus(struct app *a, enum app_pane which);
/* The pane that has the keyboard. */
enum app_pane app_focused(const struct app *a);
/* A message in the status bar (and the results area for warnings). */
void app_notice(struct app *a, enum notice_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Takes a critical notice off the status bar (it was acknowledged,
 * here or by another rwb on the store): only when the notice shown is
 * critical and its text is text. */
bool app_notice_withdraw(struct app *a, const char *text);
/* Who "I" am, for every record rwb writes in my name (audit verdicts,
 * acknowledgements): $RWB_REVIEWER, else git's user.name for the
 * repository, else $USER, else "unknown" (audit_reviewer). */
const char *app_me(struct app *a);
/* Runs a slash command line as if typed at the prompt (dispatch_line,
 * tui/dispatch.h: recorded in the history, answered in the results area). */
void app_run_command(struct app *a, const char *line);
/* Starts a job in the terminal pane (pane_term_job_start, term.h): the one
 * way the TUI runs a program the user watches. keyboard: once the job
 * started, the terminal pane takes the keyboard (an editor). 0, or a
 * negative RWB_E* code when the job could not start. Not counted by the
 * status bar (app_job_started is). */
struct term_job_opts;
int app_job_start(struct app *a, const struct term_job_opts *o, bool keyboard);
/* The status bar's running-job indicator counts jobs: each started job
 * (name: "/watch") is shown until its own end, whatever ends first
 * ("running /watch", "2 jobs: /watch /file-edit"). */
void app_job_started(struct app *a, const char *name);
void app_job_ended(struct app *a, const char *name);
/* How many jobs the indicator counts. */
int app_jobs_shown(const struct app *a);
/* The last build/test result, shown in the status bar until replaced
 * ("" clears it); level WARNING draws it as a failure. */
void app_set_result_status(struct app *a, const char *text, enum notice_level level);
/* Something changed in the store (this process wrote): panes refresh. */
void app_store_touched(struct app *a);
/* Ask the user y/n in the status line; cb gets true for yes. */
void app_confirm(struct app *a, const char *question, void (*cb)(struct app *a, bool yes, void *data),
		 void *data);
/* Whether the app is quitting. */
bool app_quitting(struct app *a);

#endif
