/*
 * cmd_analysis.c - profiling, connascence, focus tracking and the task board:
 * the slash commands and the MCP tools over profile.c, perffold.c, board.c,
 * connascence.c and focus.c.
 *
 * /rust-profiling is the one job here: profile.c builds, records and folds
 * (perf's orchestration); this file turns what it collected into the
 * answer, the folded file, the SVG and the profile metrics.
 */
#define _GNU_SOURCE
#include "commands.h"
#include "board.h"
#include "connascence.h"
#include "error.h"
#include "focus.h"
#include "mcp.h"
#include "perffold.h"
#include "proc.h"
#include "profile.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ profiling */

/* The answer: folded file, SVG, top functions (JSON, text, metrics). */
static int profiling_answer(struct cmd_ctx *ctx, struct perffold *f, const char *tool, const char *what,
			    const char *dir, const char *base, const char *data, const char *event, const char *cg)
{
	char *folded = xasprintf("%s/%s.folded", dir, base), *svg = xasprintf("%s/%s.svg", dir, base);
	struct perffold_func *fns = NULL;
	size_t nfns = 0, ntop;
	cJSON *res, *top;
	int rc = RWB_OK;

	if (perffold_samples(f) == 0) {
		ctx->negative = true;
		rc = cmd_fail(ctx, RWB_EFAILED, "there are no samples of %s: it ran too briefly; give it more work "
			      "or a longer --duration", what);
		goto out;
	}
	if (perffold_write_folded(f, folded) != RWB_OK || perffold_write_svg(f, svg, base) != RWB_OK) {
		rc = cmd_fail(ctx, RWB_EIO, "cannot write %s or %s", folded, svg);
		goto out;
	}
	perffold_functions(f, &fns, &nfns);
	ntop = nfns < 20 ? nfns : 20;
	res = cJSON_CreateObject();
	top = cJSON_CreateArray();
	cJSON_AddNumberToObject(res, "samples", (double)perffold_samples(f));
	strbuf_addf(&ctx->out, "%" PRIu64 " samples of %s (%s, call graph %s)\n  %7s %7s  %s\n",
		    perffold_samples(f), what, event, cg, "self%", "total%", "function");
	if (ctx->store && store_write_begin(ctx->store) == RWB_OK) {
		for (size_t i = 0; i < ntop && i < 10; i++) {
			board_metric_add(ctx->store, "profile_self_pct", fns[i].name, fns[i].self_pct);
			board_metric_add(ctx->store, "profile_total_pct", fns[i].name, fns[i].total_pct);
		}
		board_metric_add(ctx->store, "profile_samples", base, (double)perffold_samples(f));
		store_write_commit(ctx->store);
	}
	for (size_t i = 0; i < ntop; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "function", fns[i].name);
		cJSON_AddNumberToObject(o, "self_pct", (double)(int64_t)(fns[i].self_pct * 100 + 0.5) / 100);
		cJSON_AddNumberToObject(o, "total_pct", (double)(int64_t)(fns[i].total_pct * 100 + 0.5) / 100);
		cJSON_AddNumberToObject(o, "self", (double)fns[i].self);
		cJSON_AddNumberToObject(o, "total", (double)fns[i].total);
		cJSON_AddItemToArray(top, o);
		if (i < 15)
			strbuf_addf(&ctx->out, "  %6.2f%% %6.2f%%  %s\n", fns[i].self_pct, fns[i].total_pct, fns[i].name);
	}
	strbuf_addf(&ctx->out, "folded: %s\nflame graph: %s\n", folded, svg);
	cJSON_AddItemToObject(res, "top", top);
	cJSON_AddStringToObject(res, "svg", svg);
	cJSON_AddStringToObject(res, "folded", folded);
	cJSON_AddStringToObject(res, "data", data);
	cJSON_AddStringToObject(res, "binary", what);
	cJSON_AddStringToObject(res, "event", event);
	cJSON_AddStringToObject(res, "call_graph", cg);
	cJSON_AddStringToObject(res, "tool", tool);
	cJSON_AddStringToObject(res, "view", "flame");
	ctx->result = res;
out:
	perffold_functions_free(fns, nfns);
	free(folded);
	free(svg);
	return rc;
}

/* The orchestration is profile.c's; this turns what it collected into the
 * answer. */
static int run_profiling(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	char *path = profile_path(ctx->repo, cmd_arg(args, "binary"));
	struct profile_req q = {
		.path = path, .shown = cmd_arg(args, "binary"),
		.duration_ms = cmd_arg_duration_ms(args, "duration", 0),
		.args = args->rest, .nargs = args->nrest, .progress = ctx->stream,
	};
	struct profile_run r;
	int rc = profile_collect(&r, &q);

	free(path);
	if (rc != RWB_OK) {
		ctx->negative = r.build_failed;
		return cmd_fail_last(ctx, rc);
	}
	rc = profiling_answer(ctx, r.fold, cmd_arg(args, "tool"), r.what, r.dir, r.base, r.data, r.event,
			      r.call_graph);
	profile_run_release(&r);
	return rc;
}

/* ---------------------------------------------------------------- board */

static cJSON *task_json(int64_t id, const char *agent, const char *task, const char *status)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "agent", agent);
	cJSON_AddStringToObject(o, "task", task);
	cJSON_AddStringToObject(o, "status", status);
	return o;
}

static int run_delegate(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *agent = cmd_arg(args, "agent"), *task = cmd_arg(args, "task");
	int64_t id;
	int rc;

	if (!*agent || !*task)
		return cmd_fail(ctx, RWB_EUSAGE, "--agent and --task must not be empty");
	if (strlen(agent) > BOARD_MAX_TEXT || strlen(task) > BOARD_MAX_TEXT)
		return cmd_fail(ctx, RWB_EINPUT, "--agent and --task take at most %d bytes each", BOARD_MAX_TEXT);
	if ((rc = board_task_add(ctx->store, &id, agent, task)) != RWB_OK)
		return cmd_fail(ctx, rc, "cannot add the task: %s", rwb_last_error());
	ctx->result = task_json(id, agent, task, "open");
	if (ctx->store->agent)
		cJSON_AddStringToObject(ctx->result, "delegated_by", ctx->store->agent);
	strbuf_addf(&ctx->out, "task %lld for %s: %s (open)\n", (long long)id, agent, task);
	return RWB_OK;
}

/*
 * Who "this agent" is for /agent-receive: --agent, else $RWB_AGENT, else
 * the login name ($USER, else the password entry's), else "me". An AI
 * agent sets RWB_AGENT once for its session; a person is their login.
 */
static const char *this_agent(const struct cmd_args *args, const char **why)
{
	const char *a = cmd_arg(args, "agent");
	struct passwd *pw;

	if (a && *a) {
		*why = "--agent";
		return a;
	}
	if ((a = getenv("RWB_AGENT")) && *a) {
		*why = "RWB_AGENT";
		return a;
	}
	*why = "the login name (set RWB_AGENT or give --agent)";
	if ((a = getenv("USER")) && *a)
		return a;
	pw = getpwuid(getuid());
	return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : "me";
}

static int run_receive(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *why, *agent = this_agent(args, &why), *task = cmd_arg(args, "task");
	struct board_task t;
	int64_t id;
	int rc;

	if (strlen(agent) > BOARD_MAX_TEXT || (task && strlen(task) > BOARD_MAX_TEXT))
		return cmd_fail(ctx, RWB_EINPUT, "--agent and --task take at most %d bytes each", BOARD_MAX_TEXT);
	if (task) {
		if (!*task)
			return cmd_fail(ctx, RWB_EUSAGE, "--task must not be empty");
		if ((rc = board_task_receive(ctx->store, &id, agent, task)) != RWB_OK)
			return cmd_fail(ctx, rc, "cannot record the task: %s", rwb_last_error());
		ctx->result = task_json(id, agent, task, "doing");
		cJSON_AddStringToObject(ctx->result, "origin", "received");
		cJSON_AddStringToObject(ctx->result, "agent_from", why);
		strbuf_addf(&ctx->out, "task %lld received by %s: %s (doing)\n", (long long)id, agent, task);
		return RWB_OK;
	}
	rc = board_task_claim(ctx->store, &t, agent);
	if (rc == RWB_ENOTFOUND) {
		ctx->result = cJSON_CreateObject();
		cJSON_AddNullToObject(ctx->result, "task");
		cJSON_AddStringToObject(ctx->result, "agent", agent);
		cJSON_AddStringToObject(ctx->result, "agent_from", why);
		strbuf_addf(&ctx->out, "no open task for %s\n", agent);
		ctx->negative = true;
		return RWB_OK;
	}
	if (rc != RWB_OK)
		return cmd_fail(ctx, rc, "cannot claim a task: %s", rwb_last_error());
	ctx->result = task_json(t.id, t.agent, t.task, "doing");
	cJSON_AddStringToObject(ctx->result, "origin", t.origin);
	cJSON_AddStringToObject(ctx->result, "agent_from", why);
	strbuf_addf(&ctx->out, "task %lld for %s: %s (claimed: doing)\n", (long long)t.id, t.agent, t.task);
	board_tasks_free_one(&t);
	return RWB_OK;
}

static int run_escalate(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *level = cmd_arg(args, "level"), *msg = cmd_arg(args, "message");
	int64_t id;
	int rc;

	if (!*msg)
		return cmd_fail(ctx, RWB_EUSAGE, "--message must not be empty");
	if (strlen(msg) > BOARD_MAX_TEXT)
		return cmd_fail(ctx, RWB_EINPUT, "--message takes at most %d bytes", BOARD_MAX_TEXT);
	if ((rc = board_notice_post(ctx->store, &id, level, msg)) != RWB_OK)
		return cmd_fail(ctx, rc, "cannot post the notice: %s", rwb_last_error());
	ctx->result = cJSON_CreateObject();
	cJSON_AddNumberToObject(ctx->result, "id", (double)id);
	cJSON_AddStringToObject(ctx->result, "level", level);
	cJSON_AddStringToObject(ctx->result, "message", msg);
	strbuf_addf(&ctx->out, "notice %lld (%s) posted to every rwb on this store\n", (long long)id, level);
	return RWB_OK;
}

/* ---------------------------------------------------------- connascence */

static char *repo_file(const char *repo, const char *file)
{
	if (file[0] == '/' || access(file, F_OK) == 0 || !repo)
		return xstrdup(file);
	return xasprintf("%s/%s", repo, file);
}

static int run_connascence(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	char *path = repo_file(ctx->repo, cmd_arg(args, "file"));
	struct conn_report *r = NULL;
	int rc = connascence_analyze_file(&r, path);

	if (rc != RWB_OK) {
		rc = cmd_fail_last(ctx, rc);
		goto out;
	}
	if (ctx->store)
		board_metric_add(ctx->store, "connascence_score", path, r->score);
	strbuf_addf(&ctx->out, "%s: score %d, %zu finding%s\n", path, r->score, r->n, r->n == 1 ? "" : "s");
	for (size_t i = 0; i < r->n; i++)
		strbuf_addf(&ctx->out, "  %5d  %-10s %s\n", r->findings[i].line, r->findings[i].kind,
			    r->findings[i].message);
	ctx->result = connascence_json(r);
out:
	connascence_report_free(r);
	free(path);
	return rc;
}

/* ---------------------------------------------------------------- focus */

static int run_focus_start(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	int64_t id;
	int rc = focus_start(ctx->store, &id, ctx->repo, args->pos, args->npos);
	cJSON *focus;

	if (rc != RWB_OK)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	cJSON_AddNumberToObject(ctx->result, "baseline", (double)id);
	focus = cJSON_AddArrayToObject(ctx->result, "focus");
	for (int i = 0; i < args->npos; i++)
		cJSON_AddItemToArray(focus, cJSON_CreateString(args->pos[i]));
	strbuf_addf(&ctx->out, "focus %lld started on %s; /focus-check shows how far the change spreads\n",
		    (long long)id, args->npos ? "the given paths" : "the whole repository");
	return RWB_OK;
}

static int run_focus_check(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct focus_report *r = NULL;
	int rc = focus_check(ctx->store, &r, ctx->repo);

	(void)args;
	if (rc != RWB_OK)
		return cmd_fail_last(ctx, rc);
	strbuf_addf(&ctx->out, "%zu files, %d hunks, +%d -%d lines, %d outside the focus, %d new unsafe\n",
		    r->nfiles, r->hunks, r->added, r->removed, r->outside, r->new_unsafe);
	for (size_t i = 0; i < r->nfiles; i++)
		strbuf_addf(&ctx->out, "  %-8s %s  (%d hunks, +%d -%d)%s%s\n", r->files[i].change, r->files[i].path,
			    r->files[i].hunks, r->files[i].added, r->files[i].removed,
			    r->files[i].outside ? "  outside the focus" : "",
			    r->files[i].new_unsafe ? "  new unsafe" : "");
	for (int i = 0; i < r->nwarnings; i++)
		strbuf_addf(&ctx->out, "warning: %s\n", r->warnings[i]);
	ctx->result = focus_report_json(r);
	focus_report_free(r);
	return RWB_OK;
}

/* ---------------------------------------------------------------- table */

static const struct cmd_flag profiling_flags[] = {
	{ .name = "tool", .type = FLAG_ENUM, .values = "perf|flamegraph", .help = "the profiler",
	  .flags = FLAGF_REQUIRED },
	{ .name = "binary", .type = FLAG_PATH, .metavar = "PATH", .help = "program or cargo target",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_DUR_RANGE("duration", "TIME", 1, 3600000, "stop recording after TIME (60s, 1m, 500ms, ...)"),
	F_END
};

static const struct cmd_flag connascence_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the Rust file",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_END
};

static const struct cmd_flag delegate_flags[] = {
	F_REQ("agent", "NAME", "who the task is for"),
	F_REQ("task", "TEXT", "what to do"),
	F_END
};

static const struct cmd_flag receive_flags[] = {
	F_STR("task", "TEXT", "record this task as received and in progress"),
	F_STR("agent", "NAME", "who receives (default: $RWB_AGENT, else the login name)"),
	F_END
};

static const struct cmd_flag escalate_flags[] = {
	{ .name = "level", .type = FLAG_ENUM, .values = "info|warning|critical",
	  .help = "how urgent", .flags = FLAGF_REQUIRED },
	F_REQ("message", "TEXT", "the notice"),
	F_END
};

const struct cmd_def commands_analysis[] = {
	{ .name = "rust-profiling", .group = "Cargo and toolchain",
	  .summary = "perf record with call graphs, folded stacks, flame graph and SVG",
	  .flags = profiling_flags, .passthrough = true, .traits = CMD_JOB, .run = run_profiling },
	{ .name = "connascence", .group = "Review, tracking and coordination",
	  .summary = "coupling report: position, meaning, value, long parameter lists, god types",
	  .flags = connascence_flags, .run = run_connascence },
	{ .name = "focus-start", .group = "Review, tracking and coordination",
	  .summary = "record a baseline of the work tree for the focus paths",
	  .positional = "PATH...", .max_pos = -1, .pos_complete = COMPLETE_PATH, .run = run_focus_start },
	{ .name = "focus-check", .group = "Review, tracking and coordination",
	  .summary = "how far the change has spread since /focus-start", .run = run_focus_check },
	{ .name = "agent-delegate", .group = "Review, tracking and coordination",
	  .summary = "a task on the shared board, assigned to NAME", .flags = delegate_flags,
	  .run = run_delegate },
	{ .name = "agent-receive", .group = "Review, tracking and coordination",
	  .summary = "record a task this agent received (doing), or claim its oldest open one (exit 1: none)",
	  .flags = receive_flags, .run = run_receive },
	{ .name = "agent-escalate", .group = "Review, tracking and coordination",
	  .summary = "a notice shown in every rwb sharing the store", .flags = escalate_flags,
	  .run = run_escalate },
	{ .name = NULL }
};

/* ------------------------------------------------------------ MCP tools */

static const char *arg_str(const cJSON *args, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static int tool_analyze_file(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *file = arg_str(args, "file");
	char *path;
	struct conn_report *r = NULL;
	int rc;

	if (!file)
		return rwb_fail(RWB_EINPUT, "analyze_file needs \"file\": the path of a Rust source file");
	if ((rc = mcp_path_inside(repo, file, &path)) != RWB_OK)
		return rc;
	rc = connascence_analyze_file(&r, path);
	if (rc == RWB_OK) {
		board_metric_add(s, "connascence_score", path, r->score);
		*result = connascence_json(r);
	}
	connascence_report_free(r);
	free(path);
	return rc;
}

static int tool_start_tracking(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const cJSON *paths = cJSON_GetObjectItemCaseSensitive(args, "paths"), *p;
	char **v = NULL;
	int n = 0, rc;
	int64_t id;

	if (paths && !cJSON_IsArray(paths))
		return rwb_fail(RWB_EINPUT, "start_tracking: \"paths\" must be an array of paths relative to the repository");
	cJSON_ArrayForEach(p, paths) {
		if (!cJSON_IsString(p)) {
			free(v);
			return rwb_fail(RWB_EINPUT, "start_tracking: every entry of \"paths\" must be a string");
		}
		{
			char *res = NULL;
			if ((rc = mcp_path_inside(repo, p->valuestring, &res)) != RWB_OK) {
				free(v);
				return rc;
			}
			free(res);
		}
		v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
		v[n++] = p->valuestring;
	}
	rc = focus_start(s, &id, repo, v, n);
	free(v);
	if (rc != RWB_OK)
		return rc;
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "baseline", (double)id);
	cJSON_AddItemToObject(*result, "focus", paths ? cJSON_Duplicate(paths, 1) : cJSON_CreateArray());
	return RWB_OK;
}

static int tool_analyze_changes(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	struct focus_report *r = NULL;
	int rc = focus_check(s, &r, repo);

	(void)args;
	if (rc != RWB_OK)
		return rc;
	*result = focus_report_json(r);
	focus_report_free(r);
	return RWB_OK;
}

static int tool_delegate(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *agent = arg_str(args, "agent"), *task = arg_str(args, "task");
	int64_t id;
	int rc;

	(void)repo;
	if (!agent || !task || strlen(agent) > BOARD_MAX_TEXT || strlen(task) > BOARD_MAX_TEXT)
		return rwb_fail(RWB_EINPUT, "delegate needs \"agent\" and \"task\" (non-empty strings of at most 4000 bytes)");
	if ((rc = board_task_add(s, &id, agent, task)) != RWB_OK)
		return rc;
	*result = task_json(id, agent, task, "open");
	return RWB_OK;
}

static int tool_receive(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *agent = arg_str(args, "agent"), *task = arg_str(args, "task");
	struct board_task t;

	if (!agent || !*agent)
		agent = getenv("RWB_AGENT");
	int64_t id;
	int rc;

	(void)repo;
	if (!agent || strlen(agent) > BOARD_MAX_TEXT || (task && strlen(task) > BOARD_MAX_TEXT))
		return rwb_fail(RWB_EINPUT, "receive needs \"agent\" (a non-empty string, else RWB_AGENT) and takes an optional \"task\" "
				"(at most 4000 bytes)");
	if (task) {
		if ((rc = board_task_receive(s, &id, agent, task)) != RWB_OK)
			return rc;
		*result = task_json(id, agent, task, "doing");
		cJSON_AddStringToObject(*result, "origin", "received");
		return RWB_OK;
	}
	rc = board_task_claim(s, &t, agent);
	if (rc == RWB_ENOTFOUND) {
		*result = cJSON_CreateObject();
		cJSON_AddNullToObject(*result, "task");
		cJSON_AddStringToObject(*result, "agent", agent);
		return RWB_OK;
	}
	if (rc != RWB_OK)
		return rc;
	*result = task_json(t.id, t.agent, t.task, "doing");
	cJSON_AddStringToObject(*result, "origin", t.origin);
	board_tasks_free_one(&t);
	return RWB_OK;
}

static int tool_escalate(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *level = arg_str(args, "level"), *msg = arg_str(args, "message");
	int64_t id;
	int rc;

	(void)repo;
	if (!board_level_valid(level) || !msg || strlen(msg) > BOARD_MAX_TEXT)
		return rwb_fail(RWB_EINPUT, "escalate needs \"level\" (info, warning or critical) and a \"message\" of 1 to 4000 bytes");
	if ((rc = board_notice_post(s, &id, level, msg)) != RWB_OK)
		return rc;
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "id", (double)id);
	cJSON_AddStringToObject(*result, "level", level);
	return RWB_OK;
}

/* Schemas from the registry's flag tables where a command backs the tool;
 * start_tracking's "paths" is /focus-start's PATH... as a named array. */
static cJSON *schema_analyze_file(void)
{
	return mcp_schema_from_command("connascence", NULL);
}

static cJSON *schema_analyze_changes(void)
{
	return mcp_schema_from_command("focus-check", NULL);
}

static cJSON *schema_delegate(void)
{
	return mcp_schema_from_command("agent-delegate", NULL);
}

static cJSON *schema_receive(void)
{
	return mcp_schema_from_command("agent-receive", NULL);
}

static cJSON *schema_escalate(void)
{
	return mcp_schema_from_command("agent-escalate", NULL);
}

/* delegate's and receive's answer (receive: "task": null when none is open) */
#define TASK_OUTPUT "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"agent\":" \
	"{\"type\":\"string\"},\"task\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},\"status\":{\"type\":\"string\"}}," \
	"\"required\":[\"agent\",\"task\"]}"

const struct mcp_tool mcp_tools_analysis[] = {
	{ .name = "analyze_file",
	  .description = "Connascence (coupling) report of one Rust file in the repository: positional parameters, "
			 "magic numbers, repeated literals, long parameter lists, god types; each with line and fix.",
	  .schema = schema_analyze_file, .call = tool_analyze_file,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"file\":{\"type\":\"string\"},\"score\":"
			   "{\"type\":\"number\"},\"findings\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
			   "\"properties\":{\"kind\":{\"type\":\"string\"},\"line\":{\"type\":\"integer\"},"
			   "\"message\":{\"type\":\"string\"}}}}},\"required\":[\"file\",\"score\",\"findings\"]}" },
	{ .name = "start_tracking",
	  .description = "Start a focus: remember the work tree now so analyze_changes can report how far a "
			 "change spreads (optionally limited to the given paths).",
	  .input_schema = "{\"type\":\"object\",\"properties\":{\"paths\":{\"type\":\"array\","
			  "\"items\":{\"type\":\"string\"},\"description\":\"the focus paths, inside the repository\"}},"
			  "\"additionalProperties\":false}",
	  .call = tool_start_tracking,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"baseline\":{\"type\":\"integer\"},\"focus\":"
			   "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"baseline\"]}" },
	{ .name = "analyze_changes",
	  .description = "Files, hunks and lines changed since start_tracking, paths outside the focus, new "
			 "unsafe, and warnings when thresholds are passed.",
	  .schema = schema_analyze_changes, .call = tool_analyze_changes,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"files_changed\":{\"type\":\"integer\"},"
			   "\"lines_changed\":{\"type\":\"integer\"},\"new_unsafe\":{\"type\":\"integer\"},"
			   "\"outside\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"warnings\":"
			   "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
			   "\"required\":[\"files_changed\",\"warnings\"]}" },
	{ .name = "delegate",
	  .description = "Put a task for an agent or person on the shared task board.",
	  .schema = schema_delegate, .call = tool_delegate, .output_schema = TASK_OUTPUT },
	{ .name = "receive",
	  .description = "The receiving side of delegate: with \"task\", record a task this agent received "
			 "and is working on; without it, claim the agent's oldest open task (it becomes doing; "
			 "\"task\": null when there is none). \"agent\" defaults to RWB_AGENT.",
	  .schema = schema_receive, .call = tool_receive, .output_schema = TASK_OUTPUT },
	{ .name = "escalate",
	  .description = "Post a notice every rwb on this store shows at once; critical ones stay until "
			 "someone acknowledges them.",
	  .schema = schema_escalate, .call = tool_escalate,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"level\":"
			   "{\"type\":\"string\"}},\"required\":[\"id\",\"level\"]}" },
	{ .name = NULL }
};
