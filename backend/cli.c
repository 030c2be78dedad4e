/*
 * cli.c - the command-line front end of the registry.
 *
 * With RWB_AGENT set (rwb mcp's `rwb` tool sets it for its children) every
 * command is an agent's job: its row names the agent, its live output is
 * also written to a file beside the store and its summary to the row at
 * the end, so every rwb on the store shows it as it runs (agentjob.h).
 *
 * Never: print anything but the one JSON document on stdout with --json,
 * nor anything but warnings and errors on stderr then (no human answer, no
 * live job output: a script reads the JSON, a person runs without --json).
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "agentjob.h"
#include "cmdline.h"
#include "error.h"
#include "registry.h"
#include "sanitize.h"
#include "store.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* The human answer beside the JSON one (F.txt): the TUI's results area shows
 * it, as a shell would have. Written first, so F's arrival means both exist. */
static void write_result_text(const char *path, const struct strbuf *human)
{
	char *txt, *tmp;
	FILE *f;

	if (!human->len)
		return;
	txt = xasprintf("%s.txt", path);
	tmp = xasprintf("%s.tmp", txt);
	f = fopen(tmp, "w");
	if (f) {
		fwrite(human->buf, 1, human->len, f);
		if (fclose(f) == 0)
			rename(tmp, txt);
	}
	free(tmp);
	free(txt);
}

static void write_result_file(const char *path, const cJSON *result)
{
	char *text, *tmp;
	FILE *f;

	if (!path)
		return;
	text = result ? cJSON_PrintUnformatted(result) : NULL;
	tmp = xasprintf("%s.tmp", path);
	f = fopen(tmp, "w");
	if (f) {
		fputs(text ? text : "{}", f);
		fputc('\n', f);
		if (fclose(f) == 0)
			rename(tmp, path);
	}
	free(tmp);
	cJSON_free(text);
}

/* Human text leaves sanitized: whatever a file, a diff, a commit message or a
 * memory value held, no control sequence reaches the user's terminal. */
static void put_human(FILE *f, const char *text, size_t len)
{
	const unsigned flags = SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB;
	struct strbuf clean = STRBUF_INIT;
	/* the plain part as it is (usually all of it: no copy of a long answer) */
	size_t plain = sanitize_clean_span(text, len, flags);

	fwrite(text, 1, plain, f);
	if (plain < len) {
		sanitize_text(&clean, text + plain, len - plain, flags);
		fwrite(clean.buf ? clean.buf : "", 1, clean.len, f);
	}
	strbuf_free(&clean);
}

static void emit(const struct cli_options *o, struct cmd_ctx *ctx, int status)
{
	if (status != 0 && ctx->error) {
		cmd_error_json(ctx);
		if (!o->json) {
			fputs("rwb: ", stderr);
			put_human(stderr, ctx->error, strlen(ctx->error));
			fputc('\n', stderr);
		}
	}
	if (o->json) {
		char *text;
		if (!ctx->result)
			ctx->result = cJSON_CreateObject();
		text = cJSON_PrintUnformatted(ctx->result);
		fputs(text, stdout);
		fputc('\n', stdout);
		cJSON_free(text);
	} else if (ctx->out.len) {
		put_human(stdout, ctx->out.buf, ctx->out.len);
	} else if (status == 0 && ctx->result) {
		char *text = cJSON_Print(ctx->result);
		puts(text);
		cJSON_free(text);
	}
	if (o->result_file)
		write_result_text(o->result_file, &ctx->out);
	write_result_file(o->result_file, ctx->result);
	fflush(stdout);
}

static char *joined_line(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < argc; i++) {
		if (i)
			strbuf_addc(&sb, ' ');
		cmdline_quote(&sb, argv[i]);
	}
	return strbuf_detach(&sb);
}

static char *args_json(int argc, char **argv)
{
	cJSON *arr = cJSON_CreateArray();
	char *text, *copy;

	for (int i = 1; i < argc; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(argv[i]));
	text = cJSON_PrintUnformatted(arr);
	copy = xstrdup(text);
	cJSON_free(text);
	cJSON_Delete(arr);
	return copy;
}

int cli_run(const struct cli_options *o, int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct cmd_args args;
	struct store *store = NULL;
	struct agentjob_log *log = NULL;
	const char *agent = getenv("RWB_AGENT");
	int status, rc;
	int64_t job_id = 0, started, changes;

	cmd_ctx_init(&ctx);
	ctx.json = o->json;
	ctx.repo = o->repo;
	ctx.argv0 = o->argv0;
	ctx.yes = o->yes;
	ctx.text_only = !o->json && !o->result_file;
	/* --json: stderr keeps warnings and errors only, so no live job output */
	ctx.stream = o->json ? NULL : stderr;
	rc = cmdline_parse(&args, argc, argv);
	if (rc) {
		cmd_fail_last(&ctx, rc);
		status = rwb_exit_status(rc);
		emit(o, &ctx, status);
		cmd_ctx_release(&ctx);
		return status;
	}
	if (args.help) {
		/* CMD --help: the command's help, no store, nothing recorded */
		status = cmd_execute(&ctx, &args);
		emit(o, &ctx, status);
		cmd_args_release(&args);
		cmd_ctx_release(&ctx);
		return status;
	}
	if (!(args.def->traits & CMD_NO_STORE)) {
		char *path = NULL;
		bool is_explicit;
		rc = store_resolve_path(&path, &is_explicit, o->db_path);
		if (rc) {
			cmd_fail(&ctx, rc, "cannot find a place for the store: set HOME, RWB_DB or --db");
		} else {
			rc = store_open(&store, path, is_explicit);
			if (rc)
				cmd_fail_last(&ctx, rc);
		}
		free(path);
		if (rc) {
			status = rwb_exit_status(rc);
			emit(o, &ctx, status);
			cmd_args_release(&args);
			cmd_ctx_release(&ctx);
			return status;
		}
		/* an agent's every command is a job the person on the store
		 * watches: its row names the agent, its output goes to a file
		 * beside the store too (agentjob.h) */
		store_set_agent(store, agent);
		if (store->agent && agentjob_log_open(&log, store->path, ctx.stream) == RWB_OK)
			ctx.stream = agentjob_log_stream(log);
		if ((args.def->traits & CMD_JOB) || store->agent) {
			/* a job may run for minutes: its row shows it running */
			char *aj = args_json(argc, argv);
			store_job_begin(store, &job_id, args.def->name, aj, o->repo,
					log ? agentjob_log_path(log) : NULL);
			free(aj);
		}
	}
	ctx.store = store;
	started = store_now_ms();
	changes = store ? store_total_changes(store) : 0;
	status = cmd_execute(&ctx, &args);
	emit(o, &ctx, status);
	if (log) {
		/* the answer ends the output a watcher sees, as in a shell */
		struct strbuf tail = STRBUF_INIT;
		const char *text = status != 0 && ctx.error ? ctx.error : ctx.out.buf;
		if (text && *text) {
			sanitize_text(&tail, text, strlen(text), SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB);
			if (tail.len && tail.buf[tail.len - 1] != '\n')
				strbuf_addc(&tail, '\n');
			agentjob_log_append(log, tail.buf, tail.len);
		}
		strbuf_free(&tail);
		ctx.stream = NULL;
		agentjob_log_close(log);
	}
	/* Recorded, after the answer is out: jobs (their row shows them
	 * running, their durations feed the metrics) and the commands that
	 * changed the store. A query that changed nothing writes nothing: the
	 * shell keeps its own history, and a read-only run then costs no
	 * write transaction and no checkpoint at close. A job the TUI started
	 * (--result-file) leaves the history line to the TUI's prompt. */
	if (store && (job_id || store_total_changes(store) != changes)) {
		struct rusage ru;
		char *line = o->result_file ? NULL : joined_line(argc, argv);
		getrusage(RUSAGE_CHILDREN, &ru);
		int64_t rss = ru.ru_maxrss;
		int64_t cpu = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
			      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
		if (job_id) {
			if (store->agent) {
				char *sum = agentjob_summary(ctx.error, ctx.out.buf, status);
				store_job_summary(store, job_id, sum);
				free(sum);
			}
			store_job_end(store, job_id, status, rss, cpu);
			if (log)
				agentjob_prune(store, agentjob_kept());
			if (line)
				store_history_add(store, line, status);
		} else {
			char *aj = args_json(argc, argv);
			struct store_job_done done = {
				.name = args.def->name, .args_json = aj, .repo = o->repo,
				.started_ms = started, .exit_status = status,
				.peak_rss_kb = rss, .cpu_ms = cpu, .line = line,
			};
			store_job_record(store, &done);
			free(aj);
		}
		free(line);
	}
	cmd_args_release(&args);
	cmd_ctx_release(&ctx);
	store_free(store);
	return status;
}
