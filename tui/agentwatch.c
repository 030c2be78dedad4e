/*
 * agentwatch.c - the person sees the agents' work live.
 *
 * Design: the app polls the store's data_version (STORE_POLL_MS) and calls
 * agentwatch_store_changed() when another process wrote. A new jobs row
 * with an agent (id above the last one seen; the rows before this rwb
 * started are history, not news) opens a terminal tab named
 * "AGENT: /command" that follows the job's output file
 * (pane_term_follow_start, read every FOLLOW_MS by the pane) and an info
 * notice. When the row has its end, the tab reads the rest and shows the
 * exit status, the summary goes to the results area as the command's
 * answer, and a notice names the agent and the status. An agent job that
 * starts and ends between two polls is shown the same way, all at once.
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
#include "term.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct watched {
	int64_t store_id;            /* the jobs row */
	int tab;                     /* the terminal pane's job id of its tab, 0 when none */
	char *agent;                 /* owned: sanitized name */
	char *line;                  /* owned: "/command args", sanitized */
};

struct agentwatch {
	struct app *app;             /* borrowed */
	int64_t last_id;             /* newest jobs row looked at */
	struct watched *jobs;        /* owned: running jobs shown */
	int n, cap;
};

struct agentwatch *agentwatch_new(struct app *a)
{
	struct agentwatch *w = xcalloc(1, sizeof(*w));

	w->app = a;
	w->last_id = app_store(a) ? agentjob_last_id(app_store(a)) : 0;
	return w;
}

void agentwatch_free(struct agentwatch *w)
{
	if (!w)
		return;
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
	if (j->output && agentjob_path_ok(app_store(a)->path, j->output))
		fd = open(j->output, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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

void agentwatch_store_changed(struct agentwatch *w)
{
	struct store *s = app_store(w->app);

	if (!s || app_quitting(w->app))
		return;
	agentjob_since(s, w->last_id, on_new_job, w);
	for (int i = 0; i < w->n;) {
		struct watched *x = &w->jobs[i];
		struct agentjob j;
		int rc = agentjob_get(s, x->store_id, &j);
		if ((rc == 0 && !j.ended) || (rc != 0 && rc != RWB_ENOTFOUND)) {
			agentjob_release(&j);  /* running, or not readable now: next time */
			i++;
			continue;
		}
		if (rc == 0)
			report_end(w, x, &j);
		else if (x->tab)
			pane_term_follow_end(app_pane(w->app, APP_PANE_TERMINAL), x->tab, 1, 0);
		agentjob_release(&j);
		free(x->agent);
		free(x->line);
		w->jobs[i] = w->jobs[--w->n];
	}
}
