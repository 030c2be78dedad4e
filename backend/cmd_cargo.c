/*
 * cmd_cargo.c - cargo jobs, diagnostics filters, metrics and watch mode.
 *
 * Each job command builds cargo's argv, runs it through cargo_run() (live
 * output to ctx->stream: stderr on the command line, the terminal pane in
 * the TUI, where these commands run as `rwb --result-file F /cmd`),
 * records the run in the store (metrics.c) and answers with the summary
 * shapes of ../shared/spec/cli.md. A failed build or failed tests are a
 * negative answer (exit 1); cargo missing, no crate, a broken Cargo.toml
 * or an ambiguous package are environment problems (exit 3).
 *
 * Never: run a shell, upload a crate, or kill a running build because a
 * file changed (watch mode waits for it to finish).
 */
#define _GNU_SOURCE
#include "commands.h"
#include "cargo.h"
#include "cargomsg.h"
#include "error.h"
#include "metrics.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WATCH_DEBOUNCE_MS 300
#define METRIC_POINTS 30

/* A growing NULL-terminated argv of borrowed or owned-elsewhere strings. */
struct argvb {
	const char **v;
	int n, cap;
};

static void argv_add(struct argvb *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, (size_t)a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

/* One cargo job: what it printed, how it ended, where it was recorded. */
struct job {
	struct cargomsg msg;         /* parsed output */
	struct cargo_outcome oc;     /* exit status, time, RSS */
	char *project;               /* owned: metrics_project(repo) */
	int64_t started_at;          /* ms since the epoch */
	int64_t run_id;              /* cargo_runs row, 0 when not recorded */
	struct strbuf raw;           /* cargo's stdout as is (publish lists files there) */
};

static bool want_color(const struct cmd_ctx *ctx)
{
	const char *nc = getenv("NO_COLOR");
	return ctx->stream && isatty(fileno(ctx->stream)) && !(nc && *nc);
}

/* Adds the subcommand and message/colour options every job uses. */
static void cargo_base(struct argvb *a, const struct cmd_ctx *ctx, const char *sub, bool json)
{
	bool color = want_color(ctx);

	argv_add(a, sub);
	if (json)
		argv_add(a, color ? "--message-format=json-diagnostic-rendered-ansi"
				  : "--message-format=json");
	argv_add(a, color ? "--color=always" : "--color=never");
}

static void job_release(struct job *j)
{
	cargomsg_release(&j->msg);
	cargo_outcome_release(&j->oc);
	free(j->project);
	strbuf_free(&j->raw);
}

/*
 * Runs cargo for command, then records it. Returns 0 when cargo ran and
 * its output is a real answer (success or not), else the failure code
 * after cmd_fail().
 */
static int job_run(struct cmd_ctx *ctx, struct job *j, const char *command, const char *const *args,
		   const char *const *env)
{
	struct cargo_run_opts o = { .repo = ctx->repo, .args = args, .env = env,
				    .stream = ctx->stream, .raw_stdout = &j->raw };
	struct metrics_run r;
	char err[1024];
	int rc;

	cargomsg_init(&j->msg);
	memset(&j->oc, 0, sizeof(j->oc));
	strbuf_reset(&j->raw);
	j->project = j->project ? j->project : metrics_project(ctx->repo);
	j->started_at = store_now_ms();
	j->run_id = 0;
	rc = cargo_run(&j->oc, &j->msg, &o, err, sizeof(err));
	if (rc)
		return cmd_fail(ctx, rc, "%s", err);
	if (j->oc.exit_status != 0 && cargomsg_count(&j->msg, "error") == 0 && j->msg.nbins == 0) {
		rc = cargo_classify_failure(j->oc.stderr_tail, err, sizeof(err));
		if (rc)
			return cmd_fail(ctx, rc, "%s", err);
	}
	if (ctx->store) {
		r = (struct metrics_run){ .project = j->project, .command = command,
					  .started_at = j->started_at, .duration_ms = j->oc.duration_ms,
					  .success = j->oc.exit_status == 0,
					  .peak_rss_kb = j->oc.peak_rss_kb, .cpu_ms = j->oc.cpu_ms };
		if (metrics_record_run(ctx->store, &j->run_id, &r, &j->msg) != RWB_OK && ctx->stream)
			fprintf(ctx->stream, "rwb: could not record the run: %s\n", ctx->store->errmsg);
	}
	return RWB_OK;
}

static cJSON *diag_json(const struct cargo_diag *d, bool children)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "level", d->level);
	if (d->code)
		cJSON_AddStringToObject(o, "code", d->code);
	else
		cJSON_AddNullToObject(o, "code");
	cJSON_AddStringToObject(o, "message", d->message);
	if (d->file)
		cJSON_AddStringToObject(o, "file", d->file);
	else
		cJSON_AddNullToObject(o, "file");
	cJSON_AddNumberToObject(o, "line", d->line);
	cJSON_AddNumberToObject(o, "column", d->column);
	if (children && d->nchildren) {
		cJSON *arr = cJSON_AddArrayToObject(o, "children");
		for (int i = 0; i < d->nchildren; i++)
			cJSON_AddItemToArray(arr, diag_json(&d->children[i], false));
	}
	return o;
}

/* Top-level diagnostics that are errors or warnings (notes alone are not). */
static bool diag_counts(const struct cargo_diag *d)
{
	return strcmp(d->level, "error") == 0 || strcmp(d->level, "warning") == 0;
}

static void add_diagnostics(cJSON *result, const struct cargomsg *m)
{
	cJSON *arr = cJSON_AddArrayToObject(result, "diagnostics");

	for (size_t i = 0; i < m->ndiags; i++)
		if (diag_counts(&m->diags[i]))
			cJSON_AddItemToArray(arr, diag_json(&m->diags[i], true));
}

static void human_diags(struct strbuf *out, const struct cargomsg *m, size_t limit)
{
	size_t shown = 0;

	for (size_t i = 0; i < m->ndiags && shown < limit; i++) {
		const struct cargo_diag *d = &m->diags[i];
		if (!diag_counts(d))
			continue;
		strbuf_addf(out, "  %s:%d:%d %s%s%s%s %s\n", d->file ? d->file : "-", d->line, d->column,
			    d->level, d->code ? "[" : "", d->code ? d->code : "", d->code ? "]" : "",
			    d->message);
		shown++;
	}
}

static int cmd_cargo_build(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct argvb a = { 0 };
	struct job j = { 0 };
	int rc, errors, warnings;
	bool ok;

	cargo_base(&a, ctx, "build", true);
	if (cmd_arg_bool(args, "release"))
		argv_add(&a, "--release");
	if (cmd_arg(args, "target")) {
		argv_add(&a, "--target");
		argv_add(&a, cmd_arg(args, "target"));
	}
	if (cmd_arg(args, "features")) {
		argv_add(&a, "--features");
		argv_add(&a, cmd_arg(args, "features"));
	}
	if (cmd_arg_bool(args, "all-targets"))
		argv_add(&a, "--all-targets");
	rc = job_run(ctx, &j, "cargo-build", a.v, NULL);
	if (rc)
		goto out;
	ok = j.oc.exit_status == 0;
	errors = cargomsg_count(&j.msg, "error");
	warnings = cargomsg_count(&j.msg, "warning");
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", ok);
	cJSON_AddNumberToObject(ctx->result, "duration_ms", (double)j.oc.duration_ms);
	cJSON_AddNumberToObject(ctx->result, "warnings", warnings);
	cJSON_AddNumberToObject(ctx->result, "errors", errors);
	cJSON_AddNumberToObject(ctx->result, "peak_rss_kb", (double)j.oc.peak_rss_kb);
	cJSON_AddNumberToObject(ctx->result, "cpu_ms", (double)j.oc.cpu_ms);
	add_diagnostics(ctx->result, &j.msg);
	/* a failed build opens the list in the TUI; warnings alone stay in the Metrics tab (d) */
	if (errors > 0)
		cJSON_AddStringToObject(ctx->result, "view", "diagnostics");
	strbuf_addf(&ctx->out, "build %s: %d error%s, %d warning%s (%.1f s)\n",
		    ok ? "succeeded" : "failed", errors, errors == 1 ? "" : "s", warnings,
		    warnings == 1 ? "" : "s", j.oc.duration_ms / 1000.0);
	human_diags(&ctx->out, &j.msg, 50);
	ctx->negative = !ok;
out:
	job_release(&j);
	free(a.v);
	return rc;
}

/* "coverage": what cargo-llvm-cov or cargo-tarpaulin measured, or why not. */
static void coverage(struct cmd_ctx *ctx, struct job *j, cJSON *result)
{
	cJSON *cov = cJSON_AddObjectToObject(result, "coverage");
	char *dir = NULL, *file = NULL, *text = NULL;
	const char *tool = NULL;
	struct argvb a = { 0 };
	struct job cj = { 0 };
	double pct = -1;

	if (cargo_have_program("cargo-llvm-cov"))
		tool = "cargo-llvm-cov";
	else if (cargo_have_program("cargo-tarpaulin"))
		tool = "cargo-tarpaulin";
	if (!tool) {
		cJSON_AddBoolToObject(cov, "available", false);
		cJSON_AddStringToObject(cov, "reason",
					"neither cargo-llvm-cov nor cargo-tarpaulin is installed "
					"(cargo install cargo-llvm-cov, with rustup's llvm-tools component)");
		strbuf_adds(&ctx->out, "coverage unavailable: neither cargo-llvm-cov nor "
			    "cargo-tarpaulin is installed\n");
		return;
	}
	dir = xasprintf("%s/rwb-cov-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		cJSON_AddBoolToObject(cov, "available", false);
		cJSON_AddStringToObject(cov, "reason", "cannot create a temporary folder");
		goto out;
	}
	if (strcmp(tool, "cargo-llvm-cov") == 0) {
		file = xasprintf("%s/cov.json", dir);
		argv_add(&a, "llvm-cov");
		argv_add(&a, "--no-fail-fast");
		argv_add(&a, "--json");
		argv_add(&a, "--summary-only");
		argv_add(&a, "--output-path");
		argv_add(&a, file);
	} else {
		file = xasprintf("%s/tarpaulin-report.json", dir);
		argv_add(&a, "tarpaulin");
		argv_add(&a, "--out");
		argv_add(&a, "Json");
		argv_add(&a, "--output-dir");
		argv_add(&a, dir);
	}
	cj.project = xstrdup(j->project);
	if (job_run(ctx, &cj, "test-coverage", a.v, NULL) == RWB_OK) {
		FILE *f = fopen(file, "r");
		struct strbuf sb = STRBUF_INIT;
		char buf[4096];
		size_t n;
		if (f) {
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < (64u << 20))
				strbuf_add(&sb, buf, n);
			fclose(f);
		}
		text = strbuf_detach(&sb);
		if (text) {
			cJSON *root = cJSON_Parse(text);
			const cJSON *v = NULL;
			if (strcmp(tool, "cargo-llvm-cov") == 0) {
				const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "data"), 0);
				v = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "totals"),
									    "lines"), "percent");
			} else {
				v = cJSON_GetObjectItem(root, "coverage");
			}
			if (cJSON_IsNumber(v))
				pct = v->valuedouble;
			cJSON_Delete(root);
		}
	} else {
		free(ctx->error);
		ctx->error = NULL;
		ctx->error_code = 0;
	}
	cJSON_AddStringToObject(cov, "tool", tool);
	cJSON_AddBoolToObject(cov, "available", pct >= 0);
	if (pct >= 0) {
		cJSON_AddNumberToObject(cov, "lines_pct", pct);
		strbuf_addf(&ctx->out, "coverage (%s): %.1f%% of lines\n", tool, pct);
		if (ctx->store)
			metrics_add_sample(ctx->store, j->project, "test_coverage", "", pct, store_now_ms());
	} else {
		cJSON_AddStringToObject(cov, "reason", "the coverage tool ran but gave no total");
	}
out:
	job_release(&cj);
	free(a.v);
	if (file)
		unlink(file);
	if (dir)
		rmdir(dir);
	free(file);
	free(dir);
	free(text);
}

/* libtest rejected "-Z unstable-options" (a toolchain without RUSTC_BOOTSTRAP support). */
static bool json_tests_rejected(const struct job *j)
{
	return j->msg.nbins == 0 && j->msg.build_finished && j->msg.build_success &&
	       (strstr(j->raw.buf ? j->raw.buf : "", "unstable-options") ||
		strstr(j->oc.stderr_tail, "unstable-options") || strstr(j->oc.stderr_tail, "-Z"));
}

static int cmd_rust_test(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const bootstrap[] = { "RUSTC_BOOTSTRAP=1", NULL };
	struct argvb a = { 0 };
	struct job j = { 0 };
	int rc, passed, failed, ignored, errors;
	bool ok, doc = cmd_arg_bool(args, "doc");
	cJSON *fails, *bins;
	int nbase;

	cargo_base(&a, ctx, "test", true);
	argv_add(&a, "--no-fail-fast");
	if (cmd_arg_bool(args, "lib"))
		argv_add(&a, "--lib");
	if (cmd_arg_bool(args, "bins"))
		argv_add(&a, "--bins");
	if (doc)
		argv_add(&a, "--doc");
	nbase = a.n;
	if (args->npos)
		argv_add(&a, args->pos[0]);
	/* per-test JSON events from libtest; doc tests (rustdoc) keep the plain format */
	if (!doc && !getenv("RWB_TEST_PLAIN")) {
		argv_add(&a, "--");
		argv_add(&a, "-Z");
		argv_add(&a, "unstable-options");
		argv_add(&a, "--format");
		argv_add(&a, "json");
		rc = job_run(ctx, &j, "rust-test", a.v, bootstrap);
		if (rc == RWB_OK && json_tests_rejected(&j)) {
			if (ctx->stream)
				fprintf(ctx->stream, "rwb: libtest's JSON output is unavailable here; "
					"running the tests with the plain format\n");
			job_release(&j);
			memset(&j, 0, sizeof(j));
			a.n = nbase;
			a.v[a.n] = NULL;
			if (args->npos)
				argv_add(&a, args->pos[0]);
			rc = job_run(ctx, &j, "rust-test", a.v, NULL);
		}
	} else {
		rc = job_run(ctx, &j, "rust-test", a.v, NULL);
	}
	if (rc)
		goto out;
	cargomsg_test_totals(&j.msg, &passed, &failed, &ignored);
	errors = cargomsg_count(&j.msg, "error");
	ok = j.oc.exit_status == 0 && failed == 0;
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", ok);
	cJSON_AddNumberToObject(ctx->result, "passed", passed);
	cJSON_AddNumberToObject(ctx->result, "failed", failed);
	cJSON_AddNumberToObject(ctx->result, "ignored", ignored);
	cJSON_AddNumberToObject(ctx->result, "duration_ms", (double)j.oc.duration_ms);
	cJSON_AddBoolToObject(ctx->result, "per_test_events", j.msg.test_json);
	fails = cJSON_AddArrayToObject(ctx->result, "failures");
	for (size_t i = 0; i < j.msg.ncases; i++) {
		const struct cargo_test_case *c = &j.msg.cases[i];
		cJSON *f;
		if (strcmp(c->status, "failed") != 0)
			continue;
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", c->name);
		if (c->binary)
			cJSON_AddStringToObject(f, "binary", c->binary);
		if (c->output)
			cJSON_AddStringToObject(f, "output", c->output);
		cJSON_AddItemToArray(fails, f);
	}
	bins = cJSON_AddArrayToObject(ctx->result, "binaries");
	for (size_t i = 0; i < j.msg.nbins; i++) {
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "name", j.msg.bins[i].name);
		cJSON_AddNumberToObject(b, "passed", j.msg.bins[i].passed);
		cJSON_AddNumberToObject(b, "failed", j.msg.bins[i].failed);
		cJSON_AddNumberToObject(b, "ignored", j.msg.bins[i].ignored);
		cJSON_AddItemToArray(bins, b);
	}
	if (errors) {
		add_diagnostics(ctx->result, &j.msg);
		cJSON_AddStringToObject(ctx->result, "view", "diagnostics");
	}
	strbuf_addf(&ctx->out, "tests %s: %d passed, %d failed, %d ignored (%.1f s)\n",
		    ok ? "passed" : "failed", passed, failed, ignored, j.oc.duration_ms / 1000.0);
	for (size_t i = 0; i < j.msg.ncases; i++)
		if (strcmp(j.msg.cases[i].status, "failed") == 0)
			strbuf_addf(&ctx->out, "  FAILED %s\n", j.msg.cases[i].name);
	if (errors)
		human_diags(&ctx->out, &j.msg, 20);
	if (cmd_arg_bool(args, "coverage"))
		coverage(ctx, &j, ctx->result);
	ctx->negative = !ok;
out:
	job_release(&j);
	free(a.v);
	return rc;
}

static bool have_clippy(void)
{
	return cargo_have_program("cargo-clippy");
}

static int cmd_cargo_clippy(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct argvb a = { 0 };
	struct job j = { 0 };
	cJSON *by;
	int rc, warnings, errors;

	if (!have_clippy())
		return cmd_fail(ctx, RWB_ENOTOOL, "clippy is not installed (rustup component add clippy)");
	cargo_base(&a, ctx, "clippy", true);
	if (cmd_arg_bool(args, "fix")) {
		argv_add(&a, "--fix");
		argv_add(&a, "--allow-dirty");
		argv_add(&a, "--allow-staged");
	}
	if (args->has_rest) {
		argv_add(&a, "--");
		for (int i = 0; i < args->nrest; i++)
			argv_add(&a, args->rest[i]);
	}
	rc = job_run(ctx, &j, "cargo-clippy", a.v, NULL);
	if (rc)
		goto out;
	warnings = cargomsg_count(&j.msg, "warning");
	errors = cargomsg_count(&j.msg, "error");
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", j.oc.exit_status == 0);
	cJSON_AddNumberToObject(ctx->result, "warnings", warnings);
	cJSON_AddNumberToObject(ctx->result, "errors", errors);
	cJSON_AddNumberToObject(ctx->result, "duration_ms", (double)j.oc.duration_ms);
	by = cJSON_AddObjectToObject(ctx->result, "by_lint");
	for (size_t i = 0; i < j.msg.ndiags; i++) {
		const struct cargo_diag *d = &j.msg.diags[i];
		cJSON *n;
		if (!diag_counts(d) || !d->code || strncmp(d->code, "clippy::", 8) != 0)
			continue;
		n = cJSON_GetObjectItemCaseSensitive(by, d->code);
		if (n)
			cJSON_SetNumberValue(n, n->valuedouble + 1);
		else
			cJSON_AddNumberToObject(by, d->code, 1);
	}
	add_diagnostics(ctx->result, &j.msg);
	if (warnings + errors)
		cJSON_AddStringToObject(ctx->result, "view", "diagnostics");
	strbuf_addf(&ctx->out, "clippy: %d warning%s, %d error%s\n", warnings, warnings == 1 ? "" : "s",
		    errors, errors == 1 ? "" : "s");
	human_diags(&ctx->out, &j.msg, 50);
	ctx->negative = j.oc.exit_status != 0;
out:
	job_release(&j);
	free(a.v);
	return rc;
}

static char *target_dir(const char *repo)
{
	const char *t = getenv("CARGO_TARGET_DIR");

	if (t && *t)
		return t[0] == '/' ? xstrdup(t) : xasprintf("%s/%s", repo, t);
	return xasprintf("%s/target", repo);
}

static int cmd_rust_benchmark(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct argvb a = { 0 };
	struct job j = { 0 };
	struct metrics_bench_change *ch = NULL;
	char warm[32], meas[32], *tdir = NULL;
	cJSON *arr;
	int rc, regressions = 0;
	time_t since;

	cargo_base(&a, ctx, "bench", true);
	argv_add(&a, "--bench");
	argv_add(&a, "*");
	argv_add(&a, "--");
	if (cmd_arg(args, "function"))
		argv_add(&a, cmd_arg(args, "function"));
	if (cmd_arg(args, "warmup")) {
		snprintf(warm, sizeof(warm), "%g", cmd_arg_number(args, "warmup", 3));
		argv_add(&a, "--warm-up-time");
		argv_add(&a, warm);
	}
	if (cmd_arg(args, "measurement")) {
		snprintf(meas, sizeof(meas), "%g", cmd_arg_number(args, "measurement", 5));
		argv_add(&a, "--measurement-time");
		argv_add(&a, meas);
	}
	since = time(NULL) - 1;
	rc = job_run(ctx, &j, "rust-benchmark", a.v, NULL);
	if (rc)
		goto out;
	tdir = target_dir(ctx->repo);
	cargomsg_read_criterion(&j.msg, tdir, since);
	if (ctx->store && j.run_id && j.msg.nbenches)
		metrics_record_benches(ctx->store, &ch, j.project, j.run_id, &j.msg);
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", j.oc.exit_status == 0);
	arr = cJSON_AddArrayToObject(ctx->result, "benchmarks");
	for (size_t i = 0; i < j.msg.nbenches; i++) {
		const struct cargo_bench *b = &j.msg.benches[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", b->id);
		cJSON_AddNumberToObject(o, "mean_ns", b->mean_ns);
		cJSON_AddNumberToObject(o, "median_ns", b->median_ns);
		cJSON_AddNumberToObject(o, "std_dev_ns", b->std_dev_ns);
		cJSON_AddNumberToObject(o, "variance", b->std_dev_ns * b->std_dev_ns);
		if (ch && ch[i].has_previous)
			cJSON_AddNumberToObject(o, "change_pct", ch[i].change_pct);
		else
			cJSON_AddNullToObject(o, "change_pct");
		cJSON_AddBoolToObject(o, "regression", ch && ch[i].regression);
		regressions += ch && ch[i].regression;
		cJSON_AddItemToArray(arr, o);
		strbuf_addf(&ctx->out, "  %-30s mean %.1f ns  median %.1f ns  sd %.1f ns", b->id,
			    b->mean_ns, b->median_ns, b->std_dev_ns);
		if (ch && ch[i].has_previous)
			strbuf_addf(&ctx->out, "  %+.1f%%%s", ch[i].change_pct,
				    ch[i].regression ? "  REGRESSION" : "");
		strbuf_addc(&ctx->out, '\n');
	}
	cJSON_AddNumberToObject(ctx->result, "regressions", regressions);
	cJSON_AddNumberToObject(ctx->result, "duration_ms", (double)j.oc.duration_ms);
	if (j.oc.exit_status != 0) {
		add_diagnostics(ctx->result, &j.msg);
		strbuf_adds(&ctx->out, "cargo bench failed\n");
		ctx->negative = true;
	} else if (!j.msg.nbenches) {
		strbuf_addf(&ctx->out, "no criterion results under %s/criterion (is criterion a "
			    "dev-dependency with harness = false?)\n", tdir);
	} else if (regressions) {
		strbuf_addf(&ctx->out, "%d benchmark%s regressed\n", regressions,
			    regressions == 1 ? "" : "s");
		ctx->negative = true;
	}
out:
	metrics_bench_changes_free(ch, j.msg.nbenches);
	job_release(&j);
	free(tdir);
	free(a.v);
	return rc;
}

static int cmd_cargo_publish(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct argvb a = { 0 };
	struct job j = { 0 };
	bool dry = cmd_arg_bool(args, "dry-run");
	cJSON *files;
	int rc;

	if (dry) {
		cargo_base(&a, ctx, "publish", false);
		argv_add(&a, "--dry-run");
		argv_add(&a, "--allow-dirty");
	} else {
		cargo_base(&a, ctx, "package", false);
		argv_add(&a, "--list");
		argv_add(&a, "--allow-dirty");
	}
	rc = job_run(ctx, &j, "cargo-publish", a.v, NULL);
	if (rc)
		goto out;
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", j.oc.exit_status == 0);
	cJSON_AddBoolToObject(ctx->result, "dry_run", dry);
	cJSON_AddBoolToObject(ctx->result, "uploaded", false);
	files = cJSON_AddArrayToObject(ctx->result, "files");
	if (!dry && j.raw.len) {
		char *save = NULL, *copy = xstrdup(j.raw.buf);
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			cJSON_AddItemToArray(files, cJSON_CreateString(l));
			strbuf_addf(&ctx->out, "  %s\n", l);
		}
		free(copy);
	}
	strbuf_addf(&ctx->out, "%s %s (nothing was uploaded)\n",
		    dry ? "cargo publish --dry-run" : "cargo package --list",
		    j.oc.exit_status == 0 ? "succeeded" : "failed");
	if (j.oc.exit_status != 0) {
		char *tail = j.oc.stderr_tail;
		char *e = strstr(tail, "error");
		cJSON_AddStringToObject(ctx->result, "message", e ? e : tail);
		ctx->negative = true;
	}
out:
	job_release(&j);
	free(a.v);
	return rc;
}

/* Whether diagnostic file d_file (as cargo names it) is the file `want` (a real path). */
static bool same_file(const char *repo, const char *d_file, const char *want)
{
	char *p, *real;
	bool same;

	if (!d_file || !want)
		return false;
	p = d_file[0] == '/' ? xstrdup(d_file) : xasprintf("%s/%s", repo, d_file);
	real = realpath(p, NULL);
	same = real && strcmp(real, want) == 0;
	free(real);
	free(p);
	return same;
}

/* The lines [*first, *last] of the body of `fn name` in path; false when not found. */
static bool function_range(const char *path, const char *name, int *first, int *last)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int ln = 0, depth = 0;
	bool in = false, opened = false;
	size_t nl = strlen(name);

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		ln++;
		if (!in) {
			char *p = strstr(line, "fn ");
			while (p) {
				char *q = p + 3;
				while (*q == ' ')
					q++;
				if ((p == line || p[-1] == ' ' || p[-1] == '\t') && strncmp(q, name, nl) == 0 &&
				    (q[nl] == '(' || q[nl] == '<' || q[nl] == ' ')) {
					in = true;
					*first = ln;
					break;
				}
				p = strstr(p + 1, "fn ");
			}
		}
		if (in) {
			for (char *c = line; *c; c++) {
				if (*c == '/' && c[1] == '/')
					break;
				if (*c == '{') {
					depth++;
					opened = true;
				} else if (*c == '}') {
					depth--;
				}
			}
			if (opened && depth <= 0) {
				*last = ln;
				fclose(f);
				return true;
			}
		}
	}
	fclose(f);
	if (in)
		*last = ln;
	return in;
}

/* Shared by /ownership-check and /lifetime-analysis. */
struct filter {
	const char *command;         /* the run's name */
	bool (*code_ok)(const char *code);
	const char *file;            /* the user's --file, or NULL */
	const char *function;        /* --function, or NULL */
	bool use_clippy;             /* run clippy (lifetime lints) instead of check */
	bool explain_in_text;        /* print the whole explanation in the human answer */
};

static bool is_borrow(const char *code)
{
	return cargomsg_is_borrow_code(code);
}

static bool is_lifetime(const char *code)
{
	return cargomsg_is_lifetime_code(code);
}

static int filtered_check(struct cmd_ctx *ctx, const struct filter *flt)
{
	struct argvb a = { 0 };
	struct job j = { 0 };
	char *want = NULL, *full = NULL;
	int first = 0, last = INT_MAX, rc = RWB_OK, n = 0, errors = 0;
	cJSON *arr, *expl;

	if (flt->file) {
		full = flt->file[0] == '/' ? xstrdup(flt->file) : xasprintf("%s/%s", ctx->repo, flt->file);
		want = realpath(full, NULL);
		if (!want && flt->file[0] != '/') {
			want = realpath(flt->file, NULL);
		}
		if (!want) {
			rc = cmd_fail(ctx, RWB_EINPUT, "no such file: %s (give a Rust file of the crate, "
				      "relative to the repo or absolute)", flt->file);
			goto out;
		}
	}
	if (flt->function) {
		if (!want) {
			rc = cmd_fail(ctx, RWB_EUSAGE, "--function needs --file (the file that defines it)");
			goto out;
		}
		if (!function_range(want, flt->function, &first, &last)) {
			rc = cmd_fail(ctx, RWB_EINPUT, "no function named %s in %s", flt->function,
				      flt->file);
			goto out;
		}
	}
	if (flt->use_clippy) {
		cargo_base(&a, ctx, "clippy", true);
		argv_add(&a, "--");
		argv_add(&a, "-W");
		argv_add(&a, "clippy::needless_lifetimes");
		argv_add(&a, "-W");
		argv_add(&a, "clippy::extra_unused_lifetimes");
	} else {
		cargo_base(&a, ctx, "check", true);
	}
	rc = job_run(ctx, &j, flt->command, a.v, NULL);
	if (rc)
		goto out;
	ctx->result = cJSON_CreateObject();
	if (flt->file)
		cJSON_AddStringToObject(ctx->result, "file", flt->file);
	arr = cJSON_AddArrayToObject(ctx->result, "diagnostics");
	expl = cJSON_AddObjectToObject(ctx->result, "explanations");
	for (size_t i = 0; i < j.msg.ndiags; i++) {
		const struct cargo_diag *d = &j.msg.diags[i];
		if (!diag_counts(d) || !flt->code_ok(d->code))
			continue;
		if (want && !same_file(ctx->repo, d->file, want))
			continue;
		if (d->line < first || d->line > last)
			continue;
		cJSON_AddItemToArray(arr, diag_json(d, true));
		n++;
		errors += strcmp(d->level, "error") == 0;
		strbuf_addf(&ctx->out, "%s:%d:%d %s[%s] %s\n", d->file ? d->file : "-", d->line,
			    d->column, d->level, d->code, d->message);
		if (!cJSON_GetObjectItemCaseSensitive(expl, d->code)) {
			char *text = cargo_explain(d->code);
			if (text) {
				cJSON_AddStringToObject(expl, d->code, text);
				if (flt->explain_in_text)
					strbuf_addf(&ctx->out, "\n%s\n", text);
				free(text);
			}
		}
	}
	cJSON_AddNumberToObject(ctx->result, "count", n);
	cJSON_AddBoolToObject(ctx->result, "build_success", j.oc.exit_status == 0);
	cJSON_AddStringToObject(ctx->result, "view", "diagnostics");
	if (!n)
		strbuf_addf(&ctx->out, "no %s diagnostics%s%s\n",
			    flt->code_ok == is_borrow ? "move/borrow" : "lifetime",
			    flt->file ? " in " : "", flt->file ? flt->file : "");
	ctx->negative = errors > 0;
out:
	job_release(&j);
	free(a.v);
	free(want);
	free(full);
	return rc;
}

static int cmd_ownership_check(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct filter f = { .command = "ownership-check", .code_ok = is_borrow,
			    .file = cmd_arg(args, "file"),
			    .explain_in_text = cmd_arg_bool(args, "explain-moves") };
	return filtered_check(ctx, &f);
}

static int cmd_lifetime_analysis(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct filter f = { .command = "lifetime-analysis", .code_ok = is_lifetime,
			    .file = cmd_arg(args, "file"), .function = cmd_arg(args, "function"),
			    .use_clippy = have_clippy() };
	(void)cmd_arg_bool(args, "suggest-elision"); /* clippy's lints are always asked for */
	return filtered_check(ctx, &f);
}

static int cmd_metrics(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct metric_series *v = NULL;
	const char *name = args->npos ? args->pos[0] : NULL;
	long since = cmd_arg_duration(args, "since", 0);
	int64_t since_ms = since > 0 ? store_now_ms() - (int64_t)since * 1000 : 0;
	char *project = metrics_project(ctx->repo);
	cJSON *all;
	int n = 0, rc;

	rc = metrics_query(&v, &n, ctx->store, project, name, since_ms, METRIC_POINTS);
	if (rc) {
		rc = cmd_fail(ctx, rc, "cannot read the metrics: %s", ctx->store->errmsg);
		goto out;
	}
	if (name && n == 0) {
		rc = cmd_fail(ctx, RWB_ENOTFOUND, "no metric named %s for %s (see /metrics for the "
			      "names recorded)", name, project);
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "project", project);
	all = cJSON_AddObjectToObject(ctx->result, "metrics");
	for (int i = 0; i < n; i++) {
		cJSON *m, *h;
		if (v[i].unavailable) {
			/* a metric of the brief that cannot be measured here: named, with why */
			m = cJSON_AddObjectToObject(all, v[i].id);
			cJSON_AddNullToObject(m, "value");
			cJSON_AddStringToObject(m, "unavailable", v[i].unavailable);
			strbuf_addf(&ctx->out, "%-48s unavailable: %s\n", v[i].id, v[i].unavailable);
			continue;
		}
		m = cJSON_CreateObject();
		h = cJSON_CreateDoubleArray(v[i].values, v[i].n);
		cJSON_AddNumberToObject(m, "value", v[i].value);
		cJSON_AddNumberToObject(m, "samples", v[i].samples);
		cJSON_AddStringToObject(m, "trend", v[i].trend);
		cJSON_AddItemToObject(m, "history", h);
		if (v[i].derived)
			cJSON_AddTrueToObject(m, "derived");
		if (v[i].regression)
			cJSON_AddTrueToObject(m, "regression");
		cJSON_AddItemToObject(all, v[i].id, m);
		strbuf_addf(&ctx->out, "%-48s %14.6g  %-4s %s%s\n", v[i].id, v[i].value,
			    strcmp(v[i].trend, "up") == 0 ? "up" : strcmp(v[i].trend, "down") == 0 ? "down"
				: strcmp(v[i].trend, "flat") == 0 ? "=" : "new",
			    v[i].derived ? "(derived)" : "", v[i].regression ? " REGRESSION" : "");
	}
	if (!n)
		strbuf_addf(&ctx->out, "no metrics recorded yet for %s (run /cargo-build, /rust-test, "
			    "...)\n", project);
out:
	metrics_series_free(v, n);
	free(project);
	return rc;
}

/* ---- watch mode ---- */

static volatile sig_atomic_t watch_stop;

static void watch_on_sigint(int sig)
{
	(void)sig;
	watch_stop = 1;
}

static void watch_add_tree(int fd, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > 16)
		return;
	inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		struct stat st;
		char *sub;
		if (e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			watch_add_tree(fd, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

/* A change that should trigger a run: Rust sources (not editor backups), new folders. */
static bool watch_relevant(const struct inotify_event *ev)
{
	size_t n;

	if (!ev->len || ev->name[0] == '.' || ev->name[0] == '#')
		return false;
	if (ev->mask & IN_ISDIR)
		return (ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0;
	n = strlen(ev->name);
	return n > 3 && strcmp(ev->name + n - 3, ".rs") == 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads pending events; true when any is relevant. New folders are watched. */
static bool watch_drain(int fd, const char *src)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool any = false;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + r;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (watch_relevant(ev)) {
				any = true;
				if (ev->mask & IN_ISDIR)
					watch_add_tree(fd, src, 0);
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return any;
}

static int cmd_watch(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *what = args->npos ? args->pos[0] : "build";
	int (*run)(struct cmd_ctx *, const struct cmd_args *);
	const struct cmd_def *def;
	struct cmd_args sub = { 0 };
	struct sigaction sa, old;
	char *src = NULL;
	struct stat st;
	int fd = -1, runs = 0, rc = RWB_OK;
	cJSON *last = NULL;
	bool last_ok = true;

	if (cmd_arg_bool(args, "stop"))
		return cmd_fail(ctx, RWB_EUSAGE, "--stop: a watch runs until you press Ctrl-C in its "
				"terminal tab (or cancel the job)");
	if (strcmp(what, "build") == 0)
		def = registry_find("cargo-build");
	else if (strcmp(what, "test") == 0)
		def = registry_find("rust-test");
	else if (strcmp(what, "clippy") == 0)
		def = registry_find("cargo-clippy");
	else
		return cmd_fail(ctx, RWB_EUSAGE, "unknown watch target '%s' (accepted: build, test, clippy)",
				what);
	run = def->run;
	sub.def = def;
	src = xasprintf("%s/src", ctx->repo);
	if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = cmd_fail(ctx, RWB_EENV, "not a Rust crate: %s has no src/ folder to watch", ctx->repo);
		goto out;
	}
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		rc = cmd_fail(ctx, RWB_EENV, "inotify is unavailable: %s", strerror(errno));
		goto out;
	}
	watch_add_tree(fd, src, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_on_sigint;
	sigemptyset(&sa.sa_mask);
	watch_stop = 0;
	sigaction(SIGINT, &sa, &old);
	for (bool pending = true; !watch_stop;) {
		int64_t quiet_since;
		if (pending) {
			struct cmd_ctx one = *ctx;
			int r;
			/* drain what the previous run left behind: saves during a run queue one rerun */
			one.result = NULL;
			one.error = NULL;
			one.negative = false;
			memset(&one.out, 0, sizeof(one.out));
			if (ctx->stream)
				fprintf(ctx->stream, "\n[rwb watch] running /%s (run %d)\n", def->name, runs + 1);
			r = run(&one, &sub);
			sigaction(SIGINT, &sa, NULL);
			runs++;
			if (ctx->stream) {
				fputs(one.error ? one.error : strbuf_str(&one.out), ctx->stream);
				if (one.error)
					fputc('\n', ctx->stream);
				fprintf(ctx->stream, "[rwb watch] waiting for changes under src/ (Ctrl-C stops)\n");
				fflush(ctx->stream);
			}
			cJSON_Delete(last);
			last = one.result;
			last_ok = r == RWB_OK && !one.negative;
			strbuf_free(&one.out);
			free(one.error);
			if (r == RWB_ECANCEL)
				break;
			pending = watch_drain(fd, src);
			if (pending)
				continue;
		}
		/* wait for a relevant change, then for WATCH_DEBOUNCE_MS of quiet */
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 500) <= 0)
			continue;
		if (!watch_drain(fd, src))
			continue;
		quiet_since = mono_ms();
		while (!watch_stop && mono_ms() - quiet_since < WATCH_DEBOUNCE_MS) {
			if (poll(&p, 1, WATCH_DEBOUNCE_MS) > 0 && watch_drain(fd, src))
				quiet_since = mono_ms();
		}
		pending = true;
	}
	sigaction(SIGINT, &old, NULL);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "watch", what);
	cJSON_AddNumberToObject(ctx->result, "runs", runs);
	if (last)
		cJSON_AddItemToObject(ctx->result, "last", last);
	last = NULL;
	strbuf_addf(&ctx->out, "watched %s: %d run%s, the last %s\n", what, runs, runs == 1 ? "" : "s",
		    last_ok ? "succeeded" : "failed");
out:
	cJSON_Delete(last);
	if (fd >= 0)
		close(fd);
	free(src);
	return rc;
}

static const struct cmd_flag build_flags[] = {
	F_BOOL("release", "build with the release profile"),
	F_STR("target", "TRIPLE", "build for the target triple"),
	F_STR("features", "F", "comma-separated features to enable"),
	F_BOOL("all-targets", "build every target (tests, benches, examples)"),
	F_END
};

static const struct cmd_flag test_flags[] = {
	F_BOOL("lib", "test only the library"),
	F_BOOL("bins", "test only the binaries"),
	F_BOOL("doc", "run only the doc tests"),
	F_BOOL("coverage", "measure coverage with cargo-llvm-cov or cargo-tarpaulin"),
	F_END
};

static const struct cmd_flag clippy_flags[] = {
	F_BOOL("fix", "apply clippy's suggested fixes"),
	F_END
};

static const struct cmd_flag bench_flags[] = {
	{ .name = "function", .type = FLAG_STRING, .metavar = "F", .help = "only benchmarks matching F",
	  .complete = COMPLETE_BENCH },
	{ .name = "warmup", .type = FLAG_NUMBER, .metavar = "SECS", .min = 0, .max = 3600,
	  .help = "criterion warm-up time" },
	{ .name = "measurement", .type = FLAG_NUMBER, .metavar = "SECS", .min = 0, .max = 3600,
	  .help = "criterion measurement time" },
	F_END
};

static const struct cmd_flag publish_flags[] = {
	F_BOOL("dry-run", "only show what would ship (the default: rwb never uploads)"),
	F_END
};

static const struct cmd_flag ownership_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the Rust file to check",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_BOOL("explain-moves", "add the rustc --explain text of each code"),
	F_END
};

static const struct cmd_flag lifetime_flags[] = {
	F_PATH("file", "F", "only diagnostics in this file"),
	F_STR("function", "NAME", "only diagnostics inside this function"),
	F_BOOL("suggest-elision", "add clippy's needless_lifetimes suggestions"),
	F_END
};

static const struct cmd_flag metrics_flags[] = {
	F_DUR("since", "DURATION", "only samples newer than this (24h, 7d, ...)"),
	F_END
};

static const struct cmd_flag watch_flags[] = {
	F_BOOL("stop", "stop watching"),
	F_END
};

const struct cmd_def commands_cargo[] = {
	{ .name = "cargo-build", .group = "Cargo and toolchain",
	  .summary = "build; diagnostics from cargo's JSON; records duration, warnings, errors, RSS",
	  .flags = build_flags, .traits = CMD_JOB,
	  .run = cmd_cargo_build },
	{ .name = "rust-test", .group = "Cargo and toolchain",
	  .summary = "cargo test --no-fail-fast; records passed/failed/ignored per binary",
	  .flags = test_flags, .positional = "FILTER", .max_pos = 1, .traits = CMD_JOB,
	  .run = cmd_rust_test },
	{ .name = "cargo-clippy", .group = "Cargo and toolchain",
	  .summary = "clippy with JSON messages; warnings counted by lint",
	  .flags = clippy_flags, .passthrough = true, .traits = CMD_JOB,
	  .run = cmd_cargo_clippy },
	{ .name = "rust-benchmark", .group = "Cargo and toolchain",
	  .summary = "cargo bench (criterion); records mean/median/std-dev, flags regressions",
	  .flags = bench_flags, .traits = CMD_JOB,
	  .run = cmd_rust_benchmark },
	{ .name = "cargo-publish", .group = "Cargo and toolchain",
	  .summary = "cargo publish --dry-run / cargo package --list: what would ship",
	  .flags = publish_flags, .traits = CMD_JOB,
	  .run = cmd_cargo_publish },
	{ .name = "ownership-check", .group = "Cargo and toolchain",
	  .summary = "move and borrow diagnostics in a file, with rustc --explain text",
	  .flags = ownership_flags, .traits = CMD_JOB,
	  .run = cmd_ownership_check },
	{ .name = "lifetime-analysis", .group = "Cargo and toolchain",
	  .summary = "lifetime diagnostics plus clippy's needless/unused lifetime lints",
	  .flags = lifetime_flags, .traits = CMD_JOB,
	  .run = cmd_lifetime_analysis },
	{ .name = "metrics", .group = "Review, tracking and coordination",
	  .summary = "the metrics kept in the store, with trends",
	  .flags = metrics_flags, .positional = "NAME", .max_pos = 1,
	  .run = cmd_metrics },
	{ .name = "watch", .group = "Cargo and toolchain",
	  .summary = "re-run build, test or clippy when files under src/ change",
	  .flags = watch_flags, .positional = "build|test|clippy", .max_pos = 1, .traits = CMD_JOB,
	  .run = cmd_watch },
	{ .name = NULL }
};
