/*
 * dispatch.c - runs a command line for the TUI (see dispatch.h).
 *
 * Design: dispatch_line() records the line in the store's history, splits
 * and parses it (cmdline.h), and dispatch_decide() picks how it runs.
 * Commands marked CMD_JOB run as `rwb --result-file F /cmd ...` jobs in the
 * terminal pane (app_job_start), so the user watches cargo's own output
 * there, and their answer lands in the results area when they exit; a
 * CMD_KEYS job (an editor) takes the keyboard and gives it back at its
 * end. Every other command runs inline through the registry and answers at
 * once. A result is human text: its first line is the one-line summary a
 * folded result shows (`build failed: 1 error, 2 warnings (0.2 s)`), the
 * rest the detail (the job's F.txt, or the command's text answer; a
 * JSON-only answer is flattened to `key: value` lines). The JSON answer is
 * kept beside it for Alt-C (copy, OSC 52) and opens the view it names
 * (views_open). A write that answered with a preview asks y/n in the status
 * line and runs again with --yes (a CMD_YES_JOB write as a job). A /theme
 * that succeeded repaints the screen in the new colours.
 *
 * Never: run a command line through a shell (argv only), or run a program
 * from the loop (a program is a job; the TUI never waits for it).
 */
#define _POSIX_C_SOURCE 200809L
#include "dispatch.h"
#include "app.h"
#include "cmdline.h"
#include "command.h"
#include "error.h"
#include "overlay.h"
#include "registry.h"
#include "store.h"
#include "strbuf.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct job_ctx {
	struct app *app;     /* borrowed */
	char *line;          /* owned */
	char *result_path;   /* owned */
	char *name;          /* owned: "/watch", as the status bar counts it */
	int result_id;       /* the RESULT_RUNNING answer it replaces at its end */
	bool keys;           /* CMD_KEYS: the terminal pane has the keyboard while it runs */
	enum app_pane back;  /* ... and this pane gets it back */
};

static void run_line(struct app *a, const char *line, bool confirmed);

/* The results area every answer goes to. */
static struct pane *results(struct app *a)
{
	return app_pane(a, APP_PANE_COMMAND);
}

enum dispatch_how dispatch_decide(const struct cmd_args *args, bool confirmed)
{
	unsigned traits = args->def->traits;

	/* a write that runs a program (cargo new) never blocks the TUI: it
	 * goes to the terminal pane as a job, --yes given */
	if (confirmed)
		return traits & CMD_YES_JOB ? DISPATCH_JOB : DISPATCH_INLINE;
	if (!args->def->run)
		return DISPATCH_NOT_IMPLEMENTED;
	/* CMD --help answers inline, even for a job command */
	if ((traits & CMD_JOB) && !args->help)
		return traits & CMD_KEYS ? DISPATCH_JOB_KEYS : DISPATCH_JOB;
	return DISPATCH_INLINE;
}

bool dispatch_wants_confirmation(const struct cmd_args *args, bool confirmed, int status,
				 const cJSON *result)
{
	return status == 0 && !confirmed && (args->def->traits & CMD_CONFIRM) && result &&
	       cJSON_IsTrue(cJSON_GetObjectItem(result, "needs_confirmation"));
}

/* ---- answers as text ---- */

/* One scalar as text ("yes", "12", "text"); false for arrays and objects. */
static bool scalar_text(struct strbuf *out, const cJSON *v)
{
	if (cJSON_IsString(v))
		strbuf_adds(out, v->valuestring);
	else if (cJSON_IsBool(v))
		strbuf_adds(out, cJSON_IsTrue(v) ? "yes" : "no");
	else if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble)
		strbuf_addf(out, "%lld", (long long)v->valuedouble);
	else if (cJSON_IsNumber(v))
		strbuf_addf(out, "%.4g", v->valuedouble);
	else if (cJSON_IsNull(v))
		strbuf_adds(out, "-");
	else
		return false;
	return true;
}

/*
 * A JSON answer that came without text, as lines a person reads: a first
 * line of up to four scalar fields, then one line per field (arrays as
 * their length and first items, objects as their scalar fields).
 */
static void summarize_json(struct strbuf *out, const cJSON *j)
{
	const cJSON *v;
	int shown = 0;

	if (!cJSON_IsObject(j)) {
		if (!scalar_text(out, j))
			strbuf_adds(out, "done");
		return;
	}
	cJSON_ArrayForEach(v, j) {
		if (shown == 4 || cJSON_IsArray(v) || cJSON_IsObject(v))
			continue;
		strbuf_addf(out, "%s%s: ", shown ? ", " : "", v->string);
		scalar_text(out, v);
		shown++;
	}
	if (!shown)
		strbuf_adds(out, "done");
	cJSON_ArrayForEach(v, j) {
		const cJSON *e;
		int n = 0;
		if (cJSON_IsArray(v)) {
			strbuf_addf(out, "\n%s: %d", v->string, cJSON_GetArraySize(v));
			cJSON_ArrayForEach(e, v) {
				const cJSON *f;
				int k = 0;
				if (n++ == 20) {
					strbuf_adds(out, "\n  ...");
					break;
				}
				strbuf_adds(out, "\n  ");
				if (scalar_text(out, e))
					continue;
				cJSON_ArrayForEach(f, e) {
					if (cJSON_IsArray(f) || cJSON_IsObject(f) || k == 6)
						continue;
					strbuf_addf(out, "%s%s: ", k++ ? ", " : "", f->string);
					scalar_text(out, f);
				}
			}
		} else if (cJSON_IsObject(v)) {
			strbuf_addf(out, "\n%s:", v->string);
			cJSON_ArrayForEach(e, v) {
				if (n++ == 20) {
					strbuf_adds(out, " ...");
					break;
				}
				strbuf_addf(out, " %s=", e->string);
				if (!scalar_text(out, e))
					strbuf_adds(out, "{...}");
			}
		} else if (shown-- <= 0) {
			strbuf_addf(out, "\n%s: ", v->string);
			scalar_text(out, v);
		}
	}
}

/* The JSON answer Alt-C copies: compact, allocated with cJSON's allocator. */
static void keep_json(struct app *a, int result_id, const cJSON *json)
{
	char *t = cJSON_PrintUnformatted(json);

	pane_command_set_json(results(a), result_id, t);
	cJSON_free(t);
}

/* ---- jobs ---- */

/* The job's answer from its result file (F) and its text (F.txt): the
 * error's message, else the text, else the JSON summarized. Opens the view
 * the answer names. *json: the parsed answer (the caller deletes it). */
static void job_answer(struct strbuf *text, cJSON **json, struct job_ctx *j, int code)
{
	char *txt_path = xasprintf("%s.txt", j->result_path);
	char *raw = strbuf_read_file(j->result_path, PANE_COMMAND_RESULT_MAX, NULL);
	char *human = strbuf_read_file(txt_path, PANE_COMMAND_RESULT_MAX, NULL);

	*json = raw ? cJSON_Parse(raw) : NULL;
	if (raw) {
		cJSON *err = *json ? cJSON_GetObjectItem(*json, "error") : NULL;
		if (err && cJSON_IsString(cJSON_GetObjectItem(err, "message")))
			strbuf_addf(text, "%s", cJSON_GetObjectItem(err, "message")->valuestring);
		else if (human && *human)
			strbuf_adds(text, human);
		else if (*json)
			summarize_json(text, *json);
		if (*json && (code == 0 || code == 1) && !app_quitting(j->app))
			views_open(j->app, *json);
	}
	unlink(j->result_path);
	unlink(txt_path);
	free(raw);
	free(human);
	free(txt_path);
}

static void job_exited(void *data, int status, const struct rusage *ru, long duration_ms)
{
	struct job_ctx *j = data;
	struct strbuf text = STRBUF_INIT;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), id = j->result_id;
	cJSON *json;

	(void)ru;
	job_answer(&text, &json, j, code);
	while (text.len && text.buf[text.len - 1] == '\n')
		text.buf[--text.len] = '\0';
	if (!text.len)
		strbuf_addf(&text, "exited with status %d", code);
	strbuf_addf(&text, "\n(%.1f s, exit %d; output in the terminal pane: F3%s)", duration_ms / 1000.0,
		    code, json ? "; Alt-C copies the JSON answer" : "");
	if (!pane_command_set_result(results(j->app), id, strbuf_str(&text),
				     code == 0 ? RESULT_OK : code == 1 ? RESULT_WARNING : RESULT_ERROR))
		id = pane_command_add_result(results(j->app), j->line, strbuf_str(&text),
					     code == 0 ? RESULT_OK : RESULT_ERROR);
	if (json)
		keep_json(j->app, id, json);
	cJSON_Delete(json);
	strbuf_free(&text);
	app_job_ended(j->app, j->name);
	/* leaving the editor gives the keyboard back (unless the user moved it) */
	if (j->keys && !app_quitting(j->app) && app_focused(j->app) == APP_PANE_TERMINAL)
		app_focus(j->app, j->back);
	app_store_touched(j->app);
	pane_damage(results(j->app));
	free(j->line);
	free(j->name);
	free(j->result_path);
	free(j);
}

/* The job's argv: this rwb on the same store and repository, answering
 * into result_path; the strings are borrowed. */
static char **job_argv(struct app *a, const char *result_path, int argc, char **argv, bool yes)
{
	char **jargv = xcalloc((size_t)argc + 10, sizeof(*jargv));
	int n = 0;

	jargv[n++] = (char *)app_argv0(a);
	if (app_db_path(a)) {
		jargv[n++] = "--db";
		jargv[n++] = (char *)app_db_path(a);
	}
	jargv[n++] = "--repo";
	jargv[n++] = (char *)app_repo(a);
	jargv[n++] = "--result-file";
	jargv[n++] = (char *)result_path;
	if (yes)
		jargv[n++] = "--yes";
	for (int i = 0; i < argc; i++)
		jargv[n++] = argv[i];
	jargv[n] = NULL;
	return jargv;
}

static void run_job(struct app *a, const char *line, int argc, char **argv, bool keys, bool yes)
{
	static int seq;  /* names the result files of this process's jobs */
	/* the person's job, even when their shell names an agent: it shows in
	 * its own tab, not again as an agent's (tui/agentwatch.c) */
	static char *const person_env[] = { "RWB_AGENT=", NULL };
	struct job_ctx *j = xcalloc(1, sizeof(*j));
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *result_path = xasprintf("%s/rwb-result-%d-%d.json", tmpdir, (int)getpid(), ++seq);
	char **jargv = job_argv(a, result_path, argc, argv, yes);
	struct term_job_opts o = { .argv = jargv, .cwd = app_repo(a), .title = argv[0] + 1,
				   .env = person_env, .on_exit = job_exited, .data = j, .focus = true };
	int rc;

	j->app = a;
	j->line = xstrdup(line);
	j->result_path = result_path;
	/* focus follows the job that needs keys, and comes back when it ends */
	j->keys = keys;
	j->back = app_focused(a);
	rc = app_job_start(a, &o, keys);
	free(jargv);
	if (rc) {
		pane_command_add_result(results(a), line, rwb_strerror(rc), RESULT_ERROR);
		free(j->line);
		free(j->result_path);
		free(j);
		return;
	}
	j->result_id = pane_command_add_result(results(a), line, "running in the terminal pane (F3 to watch)",
					       RESULT_RUNNING);
	j->name = xstrdup(argv[0]);
	app_job_started(a, j->name);
}

/* ---- inline ---- */

static void confirmed(struct app *a, bool yes, void *data)
{
	char *line = data;

	if (yes)
		run_line(a, line, true);
	else
		pane_command_add_result(results(a), line, "not written (declined)", RESULT_WARNING);
	free(line);
}

/* A /theme that succeeded: every pane again in the new colours. */
static void theme_switch(struct app *a, const char *name)
{
	char notice[256];

	theme_init(name, notice, sizeof(notice));
	if (notice[0])
		app_notice(a, NOTICE_WARNING, "%s", notice);
	clearok(curscr, TRUE);
	for (int i = 0; i < APP_PANE_COUNT; i++)
		pane_damage(app_pane(a, (enum app_pane)i));
}

/* The inline answer into the results area: the error, else the text, else
 * the JSON summarized. */
static void inline_answer(struct app *a, const char *line, int status, const struct cmd_ctx *ctx)
{
	struct strbuf text = STRBUF_INIT;
	int id;

	if (status != 0 && ctx->error) {
		pane_command_add_result(results(a), line, ctx->error,
					status == 1 ? RESULT_WARNING : RESULT_ERROR);
		return;
	}
	if (ctx->out.len)
		strbuf_add(&text, ctx->out.buf, ctx->out.len);
	else if (ctx->result)
		summarize_json(&text, ctx->result);
	else
		strbuf_adds(&text, "done");
	id = pane_command_add_result(results(a), line, strbuf_str(&text),
				     status == 0 ? RESULT_OK : RESULT_WARNING);
	strbuf_free(&text);
	if (ctx->result)
		keep_json(a, id, ctx->result);
}

static void run_inline(struct app *a, const char *line, const struct cmd_args *args, bool yes)
{
	struct cmd_ctx ctx;
	int status;

	cmd_ctx_init(&ctx);
	ctx.store = app_store(a);
	ctx.repo = app_repo(a);
	ctx.argv0 = app_argv0(a);
	ctx.tui = true;
	ctx.yes = yes;
	ctx.stream = NULL;
	status = cmd_execute(&ctx, args);
	inline_answer(a, line, status, &ctx);
	/* a write that needs confirmation: the command answered with a preview */
	if (dispatch_wants_confirmation(args, yes, status, ctx.result))
		app_confirm(a, "write these changes?", confirmed, xstrdup(line));
	if (status == 0 && ctx.result)
		views_open(a, ctx.result);
	if (strcmp(args->def->name, "theme") == 0 && status == 0)
		theme_switch(a, args->pos[0]);
	cmd_ctx_release(&ctx);
	app_store_touched(a);
}

/* ---- lines ---- */

static void run_line(struct app *a, const char *line, bool confirmed_write)
{
	struct cmd_args args;
	char **argv = NULL;
	int argc = 0, rc;
	enum dispatch_how how;

	rc = cmdline_split(line, &argv, &argc);
	if (rc == RWB_OK)
		rc = cmdline_parse(&args, argc, argv);
	if (rc) {
		pane_command_add_result(results(a), line, rwb_last_error(), RESULT_ERROR);
		cmdline_free_argv(argv, argc);
		return;
	}
	how = dispatch_decide(&args, confirmed_write);
	if (how == DISPATCH_NOT_IMPLEMENTED) {
		char *msg = xasprintf("/%s is not implemented yet", args.def->name);
		pane_command_add_result(results(a), line, msg, RESULT_ERROR);
		free(msg);
	} else if (how == DISPATCH_INLINE) {
		run_inline(a, line, &args, confirmed_write);
	} else {
		run_job(a, line, argc, argv, how == DISPATCH_JOB_KEYS, confirmed_write);
	}
	cmd_args_release(&args);
	cmdline_free_argv(argv, argc);
}

void dispatch_line(struct app *a, const char *line)
{
	while (*line == ' ')
		line++;
	if (!*line)
		return;
	store_history_add(app_store(a), line, 0);
	run_line(a, line, false);
	pane_damage(results(a));
}
