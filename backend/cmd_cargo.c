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
#include "coverage.h"
#include "cmdline.h"
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

/*
 * The user's words for cargo (args->cargo, cmdline.h) hold flag: "--name",
 * "--name=V", or for a short flag "-p", "-pV".
 */
static const char *user_flag(const struct cmd_args *args, const char *flag)
{
	size_t n = strlen(flag);

	for (int i = 0; args && i < args->ncargo; i++) {
		const char *w = args->cargo[i];
		if (strncmp(w, flag, n) != 0)
			continue;
		if (w[n] == '\0')
			return w + n;
		if (w[n] == '=' && flag[1] == '-')
			return w + n + 1;
		if (flag[1] != '-')
			return w + n;
	}
	return NULL;
}

static bool user_gave(const struct cmd_args *args, const char *flag)
{
	return user_flag(args, flag) != NULL;
}

/* The user's --message-format, when it is not a JSON one (rwb then asks for JSON). */
static bool user_format_plain(const struct cmd_args *args)
{
	const char *v = user_flag(args, "--message-format");
	return v && !strstr(v, "json");
}

/*
 * Adds +TOOLCHAIN, the subcommand and the message/colour options every job
 * uses, unless the user gave them: a --message-format of the user's that is
 * JSON is kept as it is; "short" becomes json-diagnostic-short.
 */
static void cargo_base(struct argvb *a, const struct cmd_ctx *ctx, const struct cmd_args *args,
		       const char *sub, bool json)
{
	bool color = want_color(ctx);
	const char *fmt = user_flag(args, "--message-format");

	if (args && args->toolchain)
		argv_add(a, args->toolchain);
	argv_add(a, sub);
	if (json && (!fmt || !strstr(fmt, "json"))) {
		if (fmt && strstr(fmt, "short"))
			argv_add(a, "--message-format=json-diagnostic-short");
		else
			argv_add(a, color ? "--message-format=json-diagnostic-rendered-ansi"
					  : "--message-format=json");
	}
	if (!user_gave(args, "--color"))
		argv_add(a, color ? "--color=always" : "--color=never");
}

/* Adds flag unless the user gave it among cargo's words. */
static void add_unless_given(struct argvb *a, const struct cmd_args *args, const char *flag)
{
	if (!user_gave(args, flag))
		argv_add(a, flag);
}

/* Adds the user's cargo words for which keep() is true (all when keep is
 * NULL), leaving out a plain --message-format that cargo_base replaced. */
static void cargo_user(struct argvb *a, const struct cmd_args *args, bool json,
		       bool (*keep)(const char *word))
{
	bool plain = json && user_format_plain(args);

	for (int i = 0; args && i < args->ncargo; i++) {
		const char *w = args->cargo[i];
		if (plain && strncmp(w, "--message-format", 16) == 0)
			continue;
		if (keep && !keep(w))
			continue;
		argv_add(a, w);
	}
}

/* "--" and the user's words after it, then the tool arguments rwb adds. */
static void cargo_rest(struct argvb *a, const struct cmd_args *args, const char *const *extra)
{
	if (!(args && args->has_rest) && !(extra && extra[0]))
		return;
	argv_add(a, "--");
	for (int i = 0; args && i < args->nrest; i++)
		argv_add(a, args->rest[i]);
	for (int i = 0; extra && extra[i]; i++)
		argv_add(a, extra[i]);
}

/* Whether the user's words after "--" hold word. */
static bool rest_has(const struct cmd_args *args, const char *word)
{
	for (int i = 0; args && i < args->nrest; i++)
		if (strcmp(args->rest[i], word) == 0)
			return true;
	return false;
}

/* Runs `cargo metadata --no-deps` in the repo; the parsed document or NULL. */
static cJSON *cargo_metadata(const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *argv[8];
	int n = 0;
	struct cargomsg msg;
	struct cargo_outcome oc;
	struct strbuf raw = STRBUF_INIT;
	struct cargo_run_opts o = { .repo = ctx->repo, .args = argv, .raw_stdout = &raw };
	const char *mp = user_flag(args, "--manifest-path");
	char *mpw = mp ? xasprintf("--manifest-path=%s", mp) : NULL;
	cJSON *doc = NULL;

	if (args && args->toolchain)
		argv[n++] = args->toolchain;
	argv[n++] = "metadata";
	argv[n++] = "--no-deps";
	argv[n++] = "--format-version=1";
	if (mpw)
		argv[n++] = mpw;
	argv[n] = NULL;
	cargomsg_init(&msg);
	if (cargo_run(&oc, &msg, &o) == RWB_OK && oc.exit_status == 0)
		doc = cJSON_Parse(strbuf_str(&raw));
	cargo_outcome_release(&oc);
	cargomsg_release(&msg);
	strbuf_free(&raw);
	free(mpw);
	return doc;
}

/* The package name of a -p SPEC ("name", "name@1.0", "name:1.0"), allocated. */
static char *spec_name(const char *spec)
{
	const char *hash = strrchr(spec, '#');
	size_t n;

	if (hash && strchr(hash, '@'))
		spec = hash + 1;
	n = strcspn(spec, "@:");
	return xstrndup(spec, n);
}

/* The folder of a manifest path (allocated), real when it exists. */
static char *manifest_dir(const char *repo, const char *path)
{
	char *full = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", repo, path);
	char *slash, *real;

	slash = strrchr(full, '/');
	if (slash && strcmp(slash + 1, "Cargo.toml") == 0)
		*slash = '\0';
	real = realpath(full, NULL);
	if (real) {
		free(full);
		return real;
	}
	return full;
}

/*
 * Where a run's metrics go: the package's folder when the user's flags
 * pick one package (-p NAME, --manifest-path), else the repository.
 */
static char *job_project(const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *pkg = user_flag(args, "--package");
	const char *mp = user_flag(args, "--manifest-path");
	int npkg = 0;
	char *name, *dir = NULL;
	cJSON *doc, *p;

	if (!pkg)
		pkg = user_flag(args, "-p");
	for (int i = 0; args && i < args->ncargo; i++)
		if (strncmp(args->cargo[i], "--package", 9) == 0 ||
		    (strncmp(args->cargo[i], "-p", 2) == 0 && args->cargo[i][2]))
			npkg++;
	if (!pkg || !*pkg || npkg != 1 || user_gave(args, "--workspace") || user_gave(args, "--all"))
		return mp && *mp ? manifest_dir(ctx->repo, mp) : metrics_project(ctx->repo);
	if (!(doc = cargo_metadata(ctx, args)))
		return metrics_project(ctx->repo);
	name = spec_name(pkg);
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "packages")) {
		const cJSON *n = cJSON_GetObjectItem(p, "name"), *m = cJSON_GetObjectItem(p, "manifest_path");
		if (cJSON_IsString(n) && cJSON_IsString(m) && strcmp(n->valuestring, name) == 0) {
			dir = manifest_dir(ctx->repo, m->valuestring);
			break;
		}
	}
	free(name);
	cJSON_Delete(doc);
	return dir ? dir : metrics_project(ctx->repo);
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
	int rc;

	cargomsg_init(&j->msg);
	memset(&j->oc, 0, sizeof(j->oc));
	strbuf_reset(&j->raw);
	j->project = j->project ? j->project : metrics_project(ctx->repo);
	j->started_at = store_now_ms();
	j->run_id = 0;
	rc = cargo_run(&j->oc, &j->msg, &o);
	if (rc)
		return cmd_fail_last(ctx, rc);
	if (j->oc.exit_status != 0 && cargomsg_count(&j->msg, "error") == 0 && j->msg.nbins == 0) {
		rc = cargo_classify_failure(j->oc.stderr_tail);
		if (rc)
			return cmd_fail_last(ctx, rc);
	}
	if (ctx->store) {
		r = (struct metrics_run){ .project = j->project, .command = command,
					  .started_at = j->started_at, .duration_ms = j->oc.duration_ms,
					  .success = j->oc.exit_status == 0,
					  .peak_rss_kb = j->oc.peak_rss_kb, .cpu_ms = j->oc.cpu_ms };
		if (metrics_record_run(ctx->store, &j->run_id, &r, &j->msg) != RWB_OK && ctx->stream)
			fprintf(ctx->stream, "rwb: could not record the run: %s\n", rwb_last_error());
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
	if (children && d->rendered) {
		/* what rustc printed: spans with labels, notes, help and suggestions */
		char *plain = cargomsg_strip_ansi(d->rendered);
		cJSON_AddStringToObject(o, "rendered", plain);
		free(plain);
	}
	if (children && d->nfixes) {
		cJSON *arr = cJSON_AddArrayToObject(o, "fixes");
		for (int i = 0; i < d->nfixes; i++) {
			const struct cargo_fix *f = &d->fixes[i];
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "file", f->file);
			cJSON_AddNumberToObject(x, "byte_start", (double)f->byte_start);
			cJSON_AddNumberToObject(x, "byte_end", (double)f->byte_end);
			cJSON_AddNumberToObject(x, "line_start", f->line_start);
			cJSON_AddNumberToObject(x, "column_start", f->column_start);
			cJSON_AddNumberToObject(x, "line_end", f->line_end);
			cJSON_AddNumberToObject(x, "column_end", f->column_end);
			cJSON_AddStringToObject(x, "replacement", f->replacement);
			cJSON_AddItemToArray(arr, x);
		}
	}
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

	cargo_base(&a, ctx, args, "build", true);
	if (cmd_arg_bool(args, "release"))
		argv_add(&a, "--release");
	for (int i = 0; cmd_arg_nth(args, "target", i); i++) {
		argv_add(&a, "--target");
		argv_add(&a, cmd_arg_nth(args, "target", i));
	}
	for (int i = 0; cmd_arg_nth(args, "features", i); i++) {
		argv_add(&a, "--features");
		argv_add(&a, cmd_arg_nth(args, "features", i));
	}
	if (cmd_arg_bool(args, "all-targets"))
		argv_add(&a, "--all-targets");
	cargo_user(&a, args, true, NULL);
	cargo_rest(&a, args, NULL);
	j.project = job_project(ctx, args);
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

/* libtest rejected "-Z unstable-options" (a toolchain without RUSTC_BOOTSTRAP support). */
static bool json_tests_rejected(const struct job *j)
{
	return j->msg.nbins == 0 && j->msg.build_finished && j->msg.build_success &&
	       (strstr(j->raw.buf ? j->raw.buf : "", "unstable-options") ||
		strstr(j->oc.stderr_tail, "unstable-options") || strstr(j->oc.stderr_tail, "-Z"));
}

/* The "failures:" section of `cargo test`: each failed test's output, then the names. */
static void print_failures(FILE *f, const struct cargomsg *m)
{
	fputs("\nfailures:\n", f);
	for (size_t i = 0; i < m->ncases; i++) {
		const struct cargo_test_case *c = &m->cases[i];
		if (strcmp(c->status, "failed") != 0)
			continue;
		fprintf(f, "\n---- %s stdout ----\n%s", c->name, c->output ? c->output : "");
		if (c->output && *c->output && c->output[strlen(c->output) - 1] != '\n')
			fputc('\n', f);
	}
	fputs("\nfailures:\n", f);
	for (size_t i = 0; i < m->ncases; i++)
		if (strcmp(m->cases[i].status, "failed") == 0)
			fprintf(f, "    %s\n", m->cases[i].name);
	fputc('\n', f);
	fflush(f);
}

/* Target selectors, which cargo refuses to mix with --doc. */
static bool is_selector(const char *w)
{
	static const char *const sel[] = { "--lib", "--bins", "--bin", "--tests", "--test", "--examples",
					   "--example", "--benches", "--bench", "--all-targets", NULL };
	for (int i = 0; sel[i]; i++) {
		size_t n = strlen(sel[i]);
		if (strncmp(w, sel[i], n) == 0 && (w[n] == '\0' || w[n] == '='))
			return true;
	}
	return false;
}

static bool not_doc(const char *w)
{
	return strcmp(w, "--doc") != 0;
}

static bool for_doc_run(const char *w)
{
	return !is_selector(w) && not_doc(w);
}

/* What cargo metadata says of the tested packages: whether one has a
 * library (doc tests), and "--test=NAME" for each tests/ target (allocated). */
struct test_targets {
	bool known;                  /* cargo metadata answered */
	bool has_lib;
	char **tests;                /* owned "--test=NAME" words */
	int ntests;
};

static void test_targets_read(struct test_targets *t, const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	cJSON *doc = cargo_metadata(ctx, args), *p, *tg;
	const char *pkg = user_flag(args, "--package");
	char *want = NULL, *root = realpath(ctx->repo, NULL);
	int matched = 0;

	memset(t, 0, sizeof(*t));
	if (!doc) {
		free(root);
		return;
	}
	t->known = true;
	if (!pkg)
		pkg = user_flag(args, "-p");
	want = pkg && *pkg ? spec_name(pkg) : NULL;
	/* the package asked for; else the one at the repo root; else every member */
	for (int pass = 0; pass < 2 && !matched; pass++) {
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "packages")) {
			const cJSON *n = cJSON_GetObjectItem(p, "name"), *m = cJSON_GetObjectItem(p, "manifest_path");
			char *dir = cJSON_IsString(m) ? manifest_dir(ctx->repo, m->valuestring) : NULL;
			bool take = pass == 1 || (want ? cJSON_IsString(n) && strcmp(n->valuestring, want) == 0
					     : dir && root && strcmp(dir, root) == 0);
			free(dir);
			if (!take)
				continue;
			matched++;
			cJSON_ArrayForEach(tg, cJSON_GetObjectItem(p, "targets")) {
				const cJSON *k, *name = cJSON_GetObjectItem(tg, "name");
				cJSON_ArrayForEach(k, cJSON_GetObjectItem(tg, "kind")) {
					if (!cJSON_IsString(k) || !cJSON_IsString(name))
						continue;
					if (strcmp(k->valuestring, "lib") == 0 || strcmp(k->valuestring, "rlib") == 0 ||
					    strcmp(k->valuestring, "proc-macro") == 0)
						t->has_lib = true;
					if (strcmp(k->valuestring, "test") == 0) {
						t->tests = xrealloc(t->tests, (size_t)(t->ntests + 1) * sizeof(*t->tests));
						t->tests[t->ntests++] = xasprintf("--test=%s", name->valuestring);
					}
				}
			}
		}
		if (want)
			break;
	}
	free(want);
	free(root);
	cJSON_Delete(doc);
}

static void test_targets_release(struct test_targets *t)
{
	for (int i = 0; i < t->ntests; i++)
		free(t->tests[i]);
	free(t->tests);
	memset(t, 0, sizeof(*t));
}

/*
 * One `cargo test` run of the words in a (before "--"): per-test JSON events
 * from libtest when json_events (falling back to the plain format where
 * libtest refuses them), else the plain format.
 */
static int test_run(struct cmd_ctx *ctx, struct job *j, struct argvb *a, const struct cmd_args *args,
		    bool json_events, struct coverage_run *cov)
{
	static const char *const bootstrap[] = { "RUSTC_BOOTSTRAP=1", NULL };
	static const char *const json_args[] = { "-Z", "unstable-options", "--format", "json", NULL };
	int nbase = a->n, rc;

	if (json_events && !getenv("RWB_TEST_PLAIN") && !rest_has(args, "--format")) {
		cargo_rest(a, args, json_args);
		rc = job_run(ctx, j, "rust-test", a->v, coverage_env(cov, bootstrap));
		if (rc == RWB_OK && json_tests_rejected(j)) {
			char *project = xstrdup(j->project);
			if (ctx->stream)
				fprintf(ctx->stream, "rwb: libtest's JSON output is unavailable here; "
					"running the tests with the plain format\n");
			job_release(j);
			memset(j, 0, sizeof(*j));
			j->project = project;
			a->n = nbase;
			a->v[a->n] = NULL;
			cargo_rest(a, args, NULL);
			rc = job_run(ctx, j, "rust-test", a->v, coverage_env(cov, NULL));
		}
		return rc;
	}
	cargo_rest(a, args, NULL);
	return job_run(ctx, j, "rust-test", a->v, coverage_env(cov, NULL));
}

static void test_cases_json(cJSON *fails, cJSON *bins, struct strbuf *names, const struct cargomsg *m)
{
	for (size_t i = 0; i < m->ncases; i++) {
		const struct cargo_test_case *c = &m->cases[i];
		cJSON *f;
		if (strcmp(c->status, "failed") != 0)
			continue;
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", c->name);
		if (c->binary)
			cJSON_AddStringToObject(f, "binary", c->binary);
		if (c->output)
			cJSON_AddStringToObject(f, "output", c->output);
		if (c->file) {
			cJSON_AddStringToObject(f, "file", c->file);
			cJSON_AddNumberToObject(f, "line", c->line);
			cJSON_AddNumberToObject(f, "column", c->column);
		}
		if (c->message)
			cJSON_AddStringToObject(f, "message", c->message);
		cJSON_AddItemToArray(fails, f);
		strbuf_addf(names, "  FAILED %s", c->name);
		if (c->file)
			strbuf_addf(names, " at %s:%d:%d", c->file, c->line, c->column);
		if (c->message)
			strbuf_addf(names, ": %s", c->message);
		strbuf_addc(names, '\n');
	}
	for (size_t i = 0; i < m->nbins; i++) {
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "name", m->bins[i].name);
		cJSON_AddNumberToObject(b, "passed", m->bins[i].passed);
		cJSON_AddNumberToObject(b, "failed", m->bins[i].failed);
		cJSON_AddNumberToObject(b, "ignored", m->bins[i].ignored);
		cJSON_AddItemToArray(bins, b);
	}
}

/*
 * cargo test with rwb's selectors (--lib, --bins, --integration: the tests/
 * targets, --doc) and cargo's own flags. cargo refuses --doc beside other
 * target selectors, so the doc tests then run as a second cargo run and the
 * counts are merged.
 */
static int cmd_rust_test(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct argvb a = { 0 }, d = { 0 };
	struct job j = { 0 }, dj = { 0 };
	struct test_targets tt = { 0 };
	struct strbuf failed_names = STRBUF_INIT;
	bool lib = cmd_arg_bool(args, "lib"), bins = cmd_arg_bool(args, "bins");
	bool integ = cmd_arg_bool(args, "integration");
	bool doc = cmd_arg_bool(args, "doc") || user_gave(args, "--doc");
	bool user_sel = false, split, run_main = true, run_doc = false, ok = true;
	int rc = RWB_OK, passed = 0, failed = 0, ignored = 0, errors = 0;
	int dpassed = 0, dfailed = 0, dignored = 0;
	int64_t duration = 0;
	cJSON *fails, *binsj;
	struct coverage_run *cov = NULL;
	char *project;

	/* --coverage: the same runs, instrumented, in a target directory of its own */
	if (cmd_arg_bool(args, "coverage") && (rc = coverage_begin(&cov, ctx->repo)))
		return cmd_fail_last(ctx, rc);
	project = job_project(ctx, args);

	j.project = xstrdup(project);
	dj.project = xstrdup(project);
	for (int i = 0; i < args->ncargo; i++)
		user_sel |= is_selector(args->cargo[i]);
	split = doc && (lib || bins || integ || user_sel);
	if (integ || split)
		test_targets_read(&tt, ctx, args);
	if (integ && tt.known && tt.ntests == 0 && !lib && !bins && !user_sel)
		run_main = false; /* --integration alone, and there is no tests/ target */
	run_doc = split && (!tt.known || tt.has_lib);

	if (run_main) {
		cargo_base(&a, ctx, args, "test", true);
		add_unless_given(&a, args, "--no-fail-fast");
		if (lib)
			argv_add(&a, "--lib");
		if (bins)
			argv_add(&a, "--bins");
		if (integ && tt.known) {
			for (int i = 0; i < tt.ntests; i++)
				argv_add(&a, tt.tests[i]);
		} else if (integ) {
			argv_add(&a, "--test");
			argv_add(&a, "*");
		}
		if (doc && !split && !user_gave(args, "--doc"))
			argv_add(&a, "--doc");
		cargo_user(&a, args, true, split ? not_doc : NULL);
		if (args->npos)
			argv_add(&a, args->pos[0]);
		/* doc tests alone keep rustdoc's plain format */
		rc = test_run(ctx, &j, &a, args, !(doc && !split), cov);
		if (rc)
			goto out;
		cargomsg_test_totals(&j.msg, &passed, &failed, &ignored);
		errors += cargomsg_count(&j.msg, "error");
		duration += j.oc.duration_ms;
		ok = j.oc.exit_status == 0 && failed == 0;
	}
	if (run_doc) {
		cargo_base(&d, ctx, args, "test", true);
		add_unless_given(&d, args, "--no-fail-fast");
		argv_add(&d, "--doc");
		cargo_user(&d, args, true, for_doc_run);
		if (args->npos)
			argv_add(&d, args->pos[0]);
		rc = test_run(ctx, &dj, &d, args, false, cov);
		if (rc)
			goto out;
		cargomsg_test_totals(&dj.msg, &dpassed, &dfailed, &dignored);
		errors += cargomsg_count(&dj.msg, "error");
		duration += dj.oc.duration_ms;
		ok = ok && dj.oc.exit_status == 0 && dfailed == 0;
		passed += dpassed;
		failed += dfailed;
		ignored += dignored;
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", ok);
	cJSON_AddNumberToObject(ctx->result, "passed", passed);
	cJSON_AddNumberToObject(ctx->result, "failed", failed);
	cJSON_AddNumberToObject(ctx->result, "ignored", ignored);
	cJSON_AddNumberToObject(ctx->result, "duration_ms", (double)duration);
	cJSON_AddBoolToObject(ctx->result, "per_test_events", run_main && j.msg.test_json);
	if (run_doc) {
		cJSON *dt = cJSON_AddObjectToObject(ctx->result, "doc_tests");
		cJSON_AddNumberToObject(dt, "passed", dpassed);
		cJSON_AddNumberToObject(dt, "failed", dfailed);
		cJSON_AddNumberToObject(dt, "ignored", dignored);
	}
	fails = cJSON_AddArrayToObject(ctx->result, "failures");
	binsj = cJSON_AddArrayToObject(ctx->result, "binaries");
	test_cases_json(fails, binsj, &failed_names, &j.msg);
	if (run_doc)
		test_cases_json(fails, binsj, &failed_names, &dj.msg);
	/* libtest's JSON events carry each failure's output, but nothing printed
	 * it: print it as `cargo test` does, so the terminal shows why */
	if (run_main && j.msg.test_json && ctx->stream && failed)
		print_failures(ctx->stream, &j.msg);
	if (errors) {
		cJSON *arr = cJSON_AddArrayToObject(ctx->result, "diagnostics");
		for (int k = 0; k < 2; k++) {
			const struct cargomsg *m = k ? &dj.msg : &j.msg;
			if ((k == 0 && !run_main) || (k == 1 && !run_doc))
				continue;
			for (size_t i = 0; i < m->ndiags; i++)
				if (diag_counts(&m->diags[i]))
					cJSON_AddItemToArray(arr, diag_json(&m->diags[i], true));
		}
	}
	/* the list of errors, or of failed tests (Enter: the panic's line) */
	if (errors || cJSON_GetArraySize(fails) > 0) {
		cJSON_AddStringToObject(ctx->result, "view", "diagnostics");
		if (!errors)
			cJSON_AddStringToObject(ctx->result, "title", "Failed tests");
	}
	strbuf_addf(&ctx->out, "tests %s: %d passed, %d failed, %d ignored", ok ? "passed" : "failed",
		    passed, failed, ignored);
	if (run_doc)
		strbuf_addf(&ctx->out, " (doc tests: %d passed, %d failed)", dpassed, dfailed);
	strbuf_addf(&ctx->out, " (%.1f s)\n", duration / 1000.0);
	if (!run_main && !run_doc)
		strbuf_adds(&ctx->out, "no integration tests: the package has no tests/ target\n");
	strbuf_add(&ctx->out, failed_names.buf ? failed_names.buf : "", failed_names.len);
	if (errors) {
		human_diags(&ctx->out, &j.msg, 20);
		if (run_doc)
			human_diags(&ctx->out, &dj.msg, 20);
	}
	if (cov)
		rc = coverage_finish(cov, ctx, j.project, j.raw.buf);
	ctx->negative = !ok;
out:
	coverage_run_free(cov);
	free(project);
	test_targets_release(&tt);
	strbuf_free(&failed_names);
	job_release(&j);
	job_release(&dj);
	free(a.v);
	free(d.v);
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
	cargo_base(&a, ctx, args, "clippy", true);
	if (cmd_arg_bool(args, "fix")) {
		argv_add(&a, "--fix");
		add_unless_given(&a, args, "--allow-dirty");
		add_unless_given(&a, args, "--allow-staged");
	}
	cargo_user(&a, args, true, NULL);
	cargo_rest(&a, args, NULL);
	j.project = job_project(ctx, args);
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

/* The first 64 KiB of a file (allocated), or NULL. */
static char *read_head(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = xmalloc(65537);
	n = fread(buf, 1, 65536, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Whether one of the crate's sources opens with a #![feature(...)] (a
 * libtest #[bench] needs #![feature(test)]): such a crate builds on nightly only. */
static bool needs_nightly(const char *repo)
{
	static const char *const files[] = { "src/lib.rs", "src/main.rs", NULL };
	char *dir = xasprintf("%s/benches", repo);
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	for (const char *const *f = files; *f && !found; f++) {
		char *path = xasprintf("%s/%s", repo, *f), *text = read_head(path);
		found = text && strstr(text, "#![feature(");
		free(text);
		free(path);
	}
	while (d && !found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *path, *text;
		if (n < 4 || strcmp(e->d_name + n - 3, ".rs") != 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		text = read_head(path);
		found = text && strstr(text, "#![feature(");
		free(text);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	return found;
}

/* Why cargo bench could not run: its first error, else its last "error" line. */
static void bench_failure_reason(char *out, size_t len, const struct job *j)
{
	const char *tail = j->oc.stderr_tail ? j->oc.stderr_tail : "", *best = NULL;

	for (size_t i = 0; i < j->msg.ndiags; i++) {
		if (strcmp(j->msg.diags[i].level, "error") == 0) {
			const struct cargo_diag *d = &j->msg.diags[i];
			snprintf(out, len, "%s%s%s%s%s%s", d->code ? d->code : "", d->code ? ": " : "",
				 d->message, d->file ? " (" : "", d->file ? d->file : "", d->file ? ")" : "");
			return;
		}
	}
	for (const char *p = tail; (p = strstr(p, "error")); p++)
		if (p == tail || p[-1] == '\n')
			best = p;
	if (best)
		snprintf(out, len, "%.*s", (int)strcspn(best, "\n"), best);
	else
		snprintf(out, len, "cargo bench exited with status %d", j->oc.exit_status);
}

static int bench_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cargo_bench *)a)->id, ((const struct cargo_bench *)b)->id);
}

static int cmd_rust_benchmark(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct argvb a = { 0 };
	struct job j = { 0 };
	struct metrics_bench_change *ch = NULL;
	char warm[32], meas[32], *tdir = NULL, reason[600];
	cJSON *arr;
	int rc, regressions = 0;
	int64_t since;
	/* libtest's #[bench] needs #![feature(test)]: rustup's nightly runs it */
	bool nightly = needs_nightly(ctx->repo);

	if (nightly && !args->toolchain)
		argv_add(&a, "+nightly");
	cargo_base(&a, ctx, args, "bench", true);
	{
		bool user_sel = false;
		for (int i = 0; i < args->ncargo; i++)
			user_sel |= is_selector(args->cargo[i]);
		if (!user_sel) {
			/* the bench targets only: libtest's unit-test harness takes no criterion flags */
			argv_add(&a, "--bench");
			argv_add(&a, "*");
		}
	}
	cargo_user(&a, args, true, NULL);
	argv_add(&a, "--");
	if (cmd_arg(args, "function"))
		argv_add(&a, cmd_arg(args, "function"));
	if (nightly && (cmd_arg(args, "warmup") || cmd_arg(args, "measurement")) && ctx->stream)
		fprintf(ctx->stream, "rwb: --warmup and --measurement are criterion's; libtest's "
			"#[bench] chooses its own times\n");
	if (nightly) {
		/* libtest's harness does not take criterion's flags */
	} else if (cmd_arg(args, "warmup")) {
		snprintf(warm, sizeof(warm), "%g", (double)cmd_arg_duration_ms(args, "warmup", 3000) / 1000.0);
		argv_add(&a, "--warm-up-time");
		argv_add(&a, warm);
	}
	if (!nightly && cmd_arg(args, "measurement")) {
		snprintf(meas, sizeof(meas), "%g", (double)cmd_arg_duration_ms(args, "measurement", 5000) / 1000.0);
		argv_add(&a, "--measurement-time");
		argv_add(&a, meas);
	}
	for (int i = 0; i < args->nrest; i++)
		argv_add(&a, args->rest[i]);
	j.project = job_project(ctx, args);
	/* this run's results only: a file's time is the kernel's coarse clock
	 * (a tick behind at most), and a run right after another must not
	 * take the other's results (a whole second of margin did) */
	since = store_now_ms() - 10;
	rc = job_run(ctx, &j, "rust-benchmark", a.v, NULL);
	if (rc == RWB_OK && j.oc.exit_status != 0) {
		/* a benchmark that cannot run is the environment's answer (exit 3),
		 * not a regression (exit 1) */
		bench_failure_reason(reason, sizeof(reason), &j);
		if (nightly && (strstr(reason, "toolchain") || strstr(reason, "+nightly")))
			rc = cmd_fail(ctx, RWB_ENOTOOL, "the crate uses #![feature] and needs a nightly "
				      "toolchain (rustup toolchain install nightly): %s", reason);
		else
			rc = cmd_fail(ctx, RWB_EENV, "the benchmarks could not run: %s", reason);
	}
	if (rc)
		goto out;
	tdir = target_dir(ctx->repo);
	cargomsg_read_criterion(&j.msg, tdir, since);
	if (j.msg.nbenches > 1)
		qsort(j.msg.benches, j.msg.nbenches, sizeof(*j.msg.benches), bench_id_cmp);
	if (ctx->store && j.run_id && j.msg.nbenches)
		metrics_record_benches(ctx->store, &ch, j.project, j.run_id, &j.msg);
	ctx->result = cJSON_CreateObject();
	cJSON_AddBoolToObject(ctx->result, "success", j.oc.exit_status == 0);
	arr = cJSON_AddArrayToObject(ctx->result, "benchmarks");
	for (size_t i = 0; i < j.msg.nbenches; i++)
		regressions += ch && ch[i].regression;
	/* the summary line first: the results area folds to it */
	strbuf_addf(&ctx->out, "benchmarks (%s): %zu measured, %d regressed (%.1f s)\n",
		    nightly ? "libtest, nightly" : "criterion", j.msg.nbenches, regressions,
		    j.oc.duration_ms / 1000.0);
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
		cJSON_AddItemToArray(arr, o);
		strbuf_addf(&ctx->out, "  %-30s mean %.1f ns  median %.1f ns  sd %.1f ns", b->id,
			    b->mean_ns, b->median_ns, b->std_dev_ns);
		if (ch && ch[i].has_previous)
			strbuf_addf(&ctx->out, "  %+.1f%%%s", ch[i].change_pct,
				    ch[i].regression ? "  REGRESSION" : "");
		strbuf_addc(&ctx->out, '\n');
	}
	cJSON_AddNumberToObject(ctx->result, "regressions", regressions);
	cJSON_AddStringToObject(ctx->result, "harness", nightly ? "libtest" : "criterion");
	cJSON_AddNumberToObject(ctx->result, "duration_ms", (double)j.oc.duration_ms);
	if (j.oc.exit_status != 0) {
		add_diagnostics(ctx->result, &j.msg);
		strbuf_adds(&ctx->out, "cargo bench failed\n");
		ctx->negative = true;
	} else if (!j.msg.nbenches) {
		strbuf_addf(&ctx->out, nightly ? "no #[bench] results in libtest's output\n" :
			    "no criterion results under %s/criterion (is criterion a "
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

	/* --allow-dirty is rwb's default here (nothing is uploaded); --allow-dirty false drops it */
	bool dirty = !cmd_arg(args, "allow-dirty") || cmd_arg_bool(args, "allow-dirty");
	bool verify = !cmd_arg(args, "verify") || cmd_arg_bool(args, "verify");

	if (dry) {
		cargo_base(&a, ctx, args, "publish", false);
		argv_add(&a, "--dry-run");
	} else {
		cargo_base(&a, ctx, args, "package", false);
		add_unless_given(&a, args, "--list");
	}
	if (dirty)
		add_unless_given(&a, args, "--allow-dirty");
	if (!verify)
		add_unless_given(&a, args, "--no-verify");
	cargo_user(&a, args, false, NULL);
	cargo_rest(&a, args, NULL);
	j.project = job_project(ctx, args);
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
	const struct cmd_args *args; /* borrowed: cargo's own flags, +TOOLCHAIN, -- ARGS */
};

/* The first .rs file under dir (depth-first, sorted) that defines `fn name`:
 * its real path (allocated), or NULL. */
static char *find_function_file(const char *dir, const char *name, int depth)
{
	struct dirent **list = NULL;
	char *found = NULL;
	int n;

	if (depth > 12 || (n = scandir(dir, &list, NULL, alphasort)) < 0)
		return NULL;
	for (int i = 0; i < n; i++) {
		const char *e = list[i]->d_name;
		size_t len = strlen(e);
		char *sub;
		struct stat st;
		int first, last;
		if (!found && e[0] != '.' && strcmp(e, "target") != 0) {
			sub = xasprintf("%s/%s", dir, e);
			if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				found = find_function_file(sub, name, depth + 1);
			else if (len > 3 && strcmp(e + len - 3, ".rs") == 0 && function_range(sub, name, &first, &last))
				found = realpath(sub, NULL);
			free(sub);
		}
		free(list[i]);
	}
	free(list);
	return found;
}

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
		/* no --file: the crate's file that defines the function */
		static const char *const dirs[] = { "src", "tests", "examples", "benches", NULL };
		for (int i = 0; !want && dirs[i]; i++) {
			char *d = xasprintf("%s/%s", ctx->repo, dirs[i]);
			want = find_function_file(d, flt->function, 0);
			free(d);
		}
		if (!want) {
			rc = cmd_fail(ctx, RWB_EINPUT, "no function named %s in the crate's .rs files (give "
				      "--file F when it is elsewhere)", flt->function);
			goto out;
		}
		if (!function_range(want, flt->function, &first, &last)) {
			rc = cmd_fail(ctx, RWB_EINPUT, "no function named %s in %s", flt->function,
				      flt->file);
			goto out;
		}
	}
	if (flt->use_clippy) {
		static const char *const lints[] = { "-W", "clippy::needless_lifetimes", "-W",
						     "clippy::extra_unused_lifetimes", NULL };
		cargo_base(&a, ctx, flt->args, "clippy", true);
		cargo_user(&a, flt->args, true, NULL);
		cargo_rest(&a, flt->args, lints);
	} else {
		cargo_base(&a, ctx, flt->args, "check", true);
		cargo_user(&a, flt->args, true, NULL);
		cargo_rest(&a, flt->args, NULL);
	}
	j.project = job_project(ctx, flt->args);
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
			    .explain_in_text = cmd_arg_bool(args, "explain-moves"), .args = args };
	return filtered_check(ctx, &f);
}

static int cmd_lifetime_analysis(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct filter f = { .command = "lifetime-analysis", .code_ok = is_lifetime,
			    .file = cmd_arg(args, "file"), .function = cmd_arg(args, "function"),
			    .use_clippy = have_clippy(), .args = args };
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
		rc = cmd_fail(ctx, rc, "cannot read the metrics: %s", rwb_last_error());
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
	{
		/* the watched command's line: cargo's flags, +TOOLCHAIN and -- ARGS
		 * given to /watch, parsed against that command's own flags */
		struct argvb w = { 0 };
		char *name = xasprintf("/%s", def->name);
		argv_add(&w, name);
		if (args->toolchain)
			argv_add(&w, args->toolchain);
		for (int i = 0; i < args->ncargo; i++)
			argv_add(&w, args->cargo[i]);
		if (args->has_rest) {
			argv_add(&w, "--");
			for (int i = 0; i < args->nrest; i++)
				argv_add(&w, args->rest[i]);
		}
		rc = cmdline_parse(&sub, w.n, (char *const *)w.v);
		if (rc)
			cmd_fail(ctx, rc, "/watch %s: %s", what, rwb_last_error());
		free(name);
		free(w.v);
		if (rc)
			return rc;
	}
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
	cmd_args_release(&sub);
	return rc;
}

static const struct cmd_flag build_flags[] = {
	{ .name = "release", .short_name = 'r', .type = FLAG_BOOL, .help = "build with the release profile" },
	{ .name = "target", .type = FLAG_STRING, .metavar = "TRIPLE", .help = "build for the target triple",
	  .flags = FLAGF_REPEAT },
	{ .name = "features", .short_name = 'F', .type = FLAG_STRING, .metavar = "F",
	  .help = "comma-separated features to enable", .flags = FLAGF_REPEAT },
	F_BOOL("all-targets", "build every target (tests, benches, examples)"),
	F_END
};

static const struct cmd_flag test_flags[] = {
	F_BOOL("lib", "test only the library"),
	F_BOOL("bins", "test only the binaries"),
	F_BOOL("integration", "the integration tests (the tests/ targets)"),
	F_BOOL("doc", "the doc tests (a second cargo run beside other selectors; counts merged)"),
	F_BOOL("coverage", "measure line, region and function coverage (-C instrument-coverage, llvm-cov)"),
	F_END
};

static const struct cmd_flag clippy_flags[] = {
	F_BOOL("fix", "apply clippy's suggested fixes"),
	F_END
};

static const struct cmd_flag bench_flags[] = {
	{ .name = "function", .type = FLAG_STRING, .metavar = "F", .help = "only benchmarks matching F",
	  .complete = COMPLETE_BENCH },
	F_DUR_RANGE("warmup", "TIME", 0, 3600000, "criterion warm-up time (3s, 500ms, ...)"),
	F_DUR_RANGE("measurement", "TIME", 1, 3600000, "criterion measurement time (10s, 1m, ...)"),
	F_END
};

static const struct cmd_flag publish_flags[] = {
	{ .name = "dry-run", .short_name = 'n', .type = FLAG_BOOL,
	  .help = "cargo publish --dry-run (without it: cargo package --list); rwb never uploads" },
	F_BOOL("verify", "build the packaged crate (cargo's default); --verify false passes --no-verify"),
	F_BOOL("allow-dirty", "package uncommitted changes (rwb's default); --allow-dirty false does not"),
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
	F_STR("function", "NAME", "only diagnostics inside this function (found in the crate without --file)"),
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
	  .flags = build_flags, .cargo = "build", .traits = CMD_JOB,
	  .run = cmd_cargo_build },
	{ .name = "rust-test", .group = "Cargo and toolchain",
	  .summary = "cargo test --no-fail-fast; records passed/failed/ignored per binary",
	  .flags = test_flags, .positional = "FILTER", .max_pos = 1, .cargo = "test", .traits = CMD_JOB,
	  .run = cmd_rust_test },
	{ .name = "cargo-clippy", .group = "Cargo and toolchain",
	  .summary = "clippy with JSON messages; warnings counted by lint",
	  .flags = clippy_flags, .cargo = "clippy", .traits = CMD_JOB,
	  .run = cmd_cargo_clippy },
	{ .name = "rust-benchmark", .group = "Cargo and toolchain",
	  .summary = "cargo bench (criterion, or libtest #[bench] on nightly); records "
		     "mean/median/std-dev, flags regressions",
	  .flags = bench_flags, .cargo = "bench", .traits = CMD_JOB,
	  .run = cmd_rust_benchmark },
	{ .name = "cargo-publish", .group = "Cargo and toolchain",
	  .summary = "cargo publish --dry-run / cargo package --list: what would ship",
	  .flags = publish_flags, .cargo = "publish", .traits = CMD_JOB,
	  .run = cmd_cargo_publish },
	{ .name = "ownership-check", .group = "Cargo and toolchain",
	  .summary = "move and borrow diagnostics in a file, with rustc --explain text",
	  .flags = ownership_flags, .cargo = "check", .traits = CMD_JOB,
	  .run = cmd_ownership_check },
	{ .name = "lifetime-analysis", .group = "Cargo and toolchain",
	  .summary = "lifetime diagnostics plus clippy's needless/unused lifetime lints",
	  .flags = lifetime_flags, .cargo = "clippy", .traits = CMD_JOB,
	  .run = cmd_lifetime_analysis },
	{ .name = "metrics", .group = "Review, tracking and coordination",
	  .summary = "the metrics kept in the store, with trends",
	  .flags = metrics_flags, .positional = "NAME", .max_pos = 1,
	  .run = cmd_metrics },
	{ .name = "watch", .group = "Cargo and toolchain",
	  .summary = "re-run build, test or clippy when files under src/ change",
	  .flags = watch_flags, .positional = "build|test|clippy", .max_pos = 1, .cargo = "build", .traits = CMD_JOB,
	  .run = cmd_watch },
	{ .name = NULL }
};
