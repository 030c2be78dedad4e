/*
 * agentwatch.c - the person sees the agents' work live.
 *
 * Design: the app polls the store's data_version (STORE_POLL_MS) and calls
 * agentwatch_store_changed() when another process wrote. A new jobs row
 * with an agent (id above the last one seen; of the rows before this rwb
 * started only the jobs still running are news) opens a terminal tab named
 * "AGENT: /command" that follows the job's output file
 * (pane_term_follow_start, read every FOLLOW_MS by the pane) and an info
 * notice. When the row has its end, the tab reads the rest and shows the
 * exit status, the summary goes to the results area as the command's
 * answer, and a notice names the agent and the status. An agent job that
 * starts and ends between two polls is shown the same way, all at once.
 * A job whose process is gone without recording its end (killed: an MCP
 * host's cancel ends in SIGKILL) would follow forever: once a second the
 * process named in its file's name (<ms>-<pid>.log) is checked, and a
 * vanished one ends its tab with a notice that says so.
 *
 * Never: take the focus or change the terminal pane's active tab (the
 * person may be typing), open a file the store names outside its own
 * <db>.jobs folder (agentjob_path_ok), or draw: panes are only damaged.
 */
#define _GNU_SOURCE
#include "agentwatch.h"
#include "agentjob.h"
#include "app.h"
#include "cmdline.h"
#include "command.h"
#include "error.h"
#include "sanitize.h"
#include "store.h"
#include "strbuf.h"
#include "loop.h"
#include "term.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct watched {
	int64_t store_id;            /* the jobs row */
	int tab;                     /* the terminal pane's job id of its tab, 0 when none */
	char *agent;                 /* owned: sanitized name */
	char *line;                  /* owned: "/command args", sanitized */
	pid_t pid;                   /* the job's process (from its file's name), 0 unknown */
};

struct agentwatch {
	struct app *app;             /* borrowed */
	int64_t last_id;             /* newest jobs row looked at */
	struct watched *jobs;        /* owned: running jobs shown */
	int n, cap;
	int64_t timer;               /* the once-a-second check for vanished processes */
};

#define ALIVE_CHECK_MS 1000

static int check_alive(struct loop *l, void *data);
static int on_new_job(void *data, const struct agentjob *j);

/* A job running when this rwb starts, unless its process is gone (a row
 * left unended by a job that was killed is history). */
static int on_running_job(void *data, const struct agentjob *j)
{
	int pid = agentjob_pid(j);

	if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
		return 0;
	return on_new_job(data, j);
}

struct agentwatch *agentwatch_new(struct app *a)
{
	struct agentwatch *w = xcalloc(1, sizeof(*w));

	w->app = a;
	if (app_store(a)) {
		/* the agents' jobs already running show too, from their start */
		agentjob_running(app_store(a), on_running_job, w);
		w->last_id = agentjob_last_id(app_store(a));
	}
	w->timer = loop_add_timer(app_loop(a), ALIVE_CHECK_MS, check_alive, w);
	return w;
}

void agentwatch_free(struct agentwatch *w)
{
	if (!w)
		return;
	if (w->timer)
		loop_del_timer(app_loop(w->app), w->timer);
	for (int i = 0; i < w->n; i++) {
		free(w->jobs[i].agent);
		free(w->jobs[i].line);
	}
	free(w->jobs);
	free(w);
}

/* "/name arg ..." from the row's name and its JSON argument array. */
static char *job_line(const struct agentjob *j)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *args = j->args ? cJSON_Parse(j->args) : NULL, *a;
	char *safe;

	strbuf_addf(&sb, "/%s", j->name ? j->name : "?");
	cJSON_ArrayForEach(a, args) {
		if (!cJSON_IsString(a))
			continue;
		strbuf_addc(&sb, ' ');
		cmdline_quote(&sb, a->valuestring);
	}
	cJSON_Delete(args);
	safe = sanitize_dup(strbuf_str(&sb), 0);
	strbuf_free(&sb);
	return safe;
}

static void report_end(struct agentwatch *w, struct watched *x, const struct agentjob *j)
{
	struct app *a = w->app;
	struct strbuf text = STRBUF_INIT;
	char *cmd = xasprintf("%s: %s", x->agent, x->line);
	char *summary = sanitize_dup(j->summary && *j->summary ? j->summary : "(no summary)", 0);

	if (x->tab)
		pane_term_follow_end(app_pane(a, APP_PANE_TERMINAL), x->tab, j->exit_status, (long)j->duration_ms);
	strbuf_addf(&text, "%s\n(agent %s, %.1f s, exit %d; output in the terminal pane: F3)", summary, x->agent,
		    j->duration_ms / 1000.0, j->exit_status);
	pane_command_add_result(app_pane(a, APP_PANE_COMMAND), cmd, strbuf_str(&text),
				j->exit_status == 0 ? RESULT_OK : j->exit_status == 1 ? RESULT_WARNING : RESULT_ERROR);
	app_notice(a, NOTICE_INFO, "agent %s: %s %s (exit %d): %s", x->agent, x->line,
		   j->exit_status == 0 ? "done" : "failed", j->exit_status, summary);
	strbuf_free(&text);
	free(summary);
	free(cmd);
}

static int on_new_job(void *data, const struct agentjob *j)
{
	struct agentwatch *w = data;
	struct app *a = w->app;
	struct watched x = { .store_id = j->id };
	char *title, *header;
	int fd = -1;

	w->last_id = j->id;
	x.agent = sanitize_dup(j->agent ? j->agent : "agent", 0);
	x.line = job_line(j);
	if (j->output && agentjob_path_ok(app_store(a)->path, j->output)) {
		fd = open(j->output, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		x.pid = (pid_t)agentjob_pid(j);
	}
	title = xasprintf("%s: /%s", x.agent, j->name ? j->name : "?");
	header = xasprintf("%s$ %s", x.agent, x.line);
	if (pane_term_follow_start(app_pane(a, APP_PANE_TERMINAL), title, header, fd, &x.tab) != 0) {
		if (fd >= 0)
			close(fd);
		x.tab = 0;
	}
	free(title);
	free(header);
	if (!j->ended)
		app_notice(a, NOTICE_INFO, "agent %s started %s (terminal pane, F3)", x.agent, x.line);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 8;
		w->jobs = xrealloc(w->jobs, (size_t)w->cap * sizeof(*w->jobs));
	}
	w->jobs[w->n++] = x;
	return 0;
}

/* Ends w->jobs[i]: reported from its row j, or (NULL) its process is gone
 * without an end recorded. */
static void drop(struct agentwatch *w, int i, const struct agentjob *j)
{
	struct watched *x = &w->jobs[i];

	if (j) {
		report_end(w, x, j);
	} else {
		if (x->tab)
			pane_term_follow_end(app_pane(w->app, APP_PANE_TERMINAL), x->tab, 1, 0);
		app_notice(w->app, NOTICE_WARNING, "agent %s: %s ended without recording its end (its process is gone)",
			   x->agent, x->line);
	}
	free(x->agent);
	free(x->line);
	w->jobs[i] = w->jobs[--w->n];
}

/* Ends the watched job i when its row has ended (1), or (gone) when its
 * row has not but its process is gone. */
static bool settle(struct agentwatch *w, int i, bool gone)
{
	struct agentjob j;
	int rc = agentjob_get(app_store(w->app), w->jobs[i].store_id, &j);

	if (rc == 0 && j.ended) {
		drop(w, i, &j);
	} else if (gone || rc == RWB_ENOTFOUND) {
		drop(w, i, NULL);
	} else {
		agentjob_release(&j);  /* running, or not readable now: next time */
		return false;
	}
	agentjob_release(&j);
	return true;
}

void agentwatch_store_changed(struct agentwatch *w)
{
	struct store *s = app_store(w->app);

	if (!s || app_quitting(w->app))
		return;
	agentjob_since(s, w->last_id, on_new_job, w);
	for (int i = 0; i < w->n;)
		if (!settle(w, i, false))
			i++;
}

static int check_alive(struct loop *l, void *data)
{
	struct agentwatch *w = data;

	(void)l;
	if (app_quitting(w->app))
		return ALIVE_CHECK_MS;
	for (int i = 0; i < w->n;) {
		pid_t pid = w->jobs[i].pid;
		bool gone = pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
		if (!gone || !settle(w, i, true))
			i++;
	}
	return ALIVE_CHECK_MS;
}
