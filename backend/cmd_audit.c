/*
 * cmd_audit.c - unsafe audit, pair review and the audit ledger.
 *
 * /unsafe-audit scans and lists, /audit-review records one verdict,
 * /audit-check is the CI gate, /audit-export and /audit-import move the
 * ledger between the store and the repository. The work is in audit.c and
 * unsafe_scan.c; this file parses arguments and shapes the answers.
 * --check-soundness runs cargo clippy with the unsafe lints and, when a
 * nightly toolchain with miri is installed, cargo +nightly miri test: by
 * argv, never through a shell.
 */
#define _GNU_SOURCE
#include "audit.h"
#include "commands.h"
#include "coverage.h"
#include "error.h"
#include "proc.h"
#include "store.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- shaping items ---------------------------------------------------------- */

static cJSON *item_json(const struct audit_item *it, bool full)
{
	cJSON *o = cJSON_CreateObject(), *rv;

	cJSON_AddStringToObject(o, "id", it->id);
	cJSON_AddStringToObject(o, "file", it->file);
	cJSON_AddNumberToObject(o, "line", it->line);
	cJSON_AddNumberToObject(o, "line_end", it->line_end);
	cJSON_AddStringToObject(o, "kind", unsafe_kind_name(it->kind));
	cJSON_AddBoolToObject(o, "documented", it->documented);
	cJSON_AddStringToObject(o, "status", audit_status_name(it->status));
	cJSON_AddBoolToObject(o, "clippy_would_flag", it->clippy_flags);
	cJSON_AddStringToObject(o, "module", it->module ? it->module : "");
	cJSON_AddStringToObject(o, "function", it->function ? it->function : "");
	if (it->name && *it->name)
		cJSON_AddStringToObject(o, "name", it->name);
	cJSON_AddStringToObject(o, "fingerprint", it->fingerprint);
	if (it->safety) {
		cJSON_AddStringToObject(o, "safety", it->safety);
		cJSON_AddNumberToObject(o, "safety_line", it->safety_line);
	}
	cJSON_AddNumberToObject(o, "sound", it->sound);
	rv = cJSON_AddArrayToObject(o, "reviewers");
	/* each reviewer's latest verdict on the current code */
	for (int i = 0; i < it->nverdicts; i++) {
		const struct audit_verdict *v = &it->verdicts[i];
		bool latest = v->current;
		for (int j = i + 1; j < it->nverdicts && latest; j++)
			if (it->verdicts[j].current && strcmp(it->verdicts[j].reviewer, v->reviewer) == 0)
				latest = false;
		if (!latest)
			continue;
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "reviewer", v->reviewer);
		cJSON_AddStringToObject(r, "verdict", v->verdict);
		cJSON_AddStringToObject(r, "note", v->note ? v->note : "");
		cJSON_AddNumberToObject(r, "at", (double)v->at);
		cJSON_AddItemToArray(rv, r);
	}
	if (full && it->code)
		cJSON_AddStringToObject(o, "code", it->code);
	return o;
}

static const char *where_of(const struct audit_item *it, char *buf, size_t n)
{
	const char *fn = it->function && *it->function ? it->function : "";
	const char *mod = it->module && *it->module ? it->module : "";

	snprintf(buf, n, "%s%s%s", mod, *mod && *fn ? "::" : "", *mod || *fn ? fn : "(crate)");
	if (!*mod && !*fn)
		snprintf(buf, n, "(top level)");
	return buf;
}

static void item_line(struct strbuf *sb, const struct audit_item *it, int required)
{
	char where[160];

	strbuf_addf(sb, "%s:%d-%d  %-6s %-28s %-12s %s", it->file, it->line, it->line_end,
		    unsafe_kind_name(it->kind), where_of(it, where, sizeof(where)),
		    it->documented ? "documented" : "UNDOCUMENTED", audit_status_name(it->status));
	if (it->status == AUDIT_PARTIAL || it->status == AUDIT_APPROVED)
		strbuf_addf(sb, " (%d/%d)", it->sound, required);
	strbuf_addf(sb, "  %s\n", it->id);
}

static void summary(cJSON *result, struct strbuf *out, const struct audit_list *l)
{
	int total = 0, documented = 0, reviewed = 0;
	cJSON *s = cJSON_AddObjectToObject(result, "summary");

	for (size_t i = 0; i < l->n; i++) {
		total++;
		documented += l->items[i].documented;
		reviewed += l->items[i].status == AUDIT_APPROVED;
	}
	cJSON_AddNumberToObject(s, "total", total);
	cJSON_AddNumberToObject(s, "documented", documented);
	cJSON_AddNumberToObject(s, "reviewed", reviewed);
	cJSON_AddNumberToObject(s, "required_reviewers", l->required);
	strbuf_addf(out, "%d unsafe item%s: %d documented, %d reviewed (%d reviewer%s needed)\n",
		    total, total == 1 ? "" : "s", documented, reviewed, l->required,
		    l->required == 1 ? "" : "s");
}

/* The PATH positional or --file, whichever was given (not both). */
static int scope_arg(struct cmd_ctx *ctx, const struct cmd_args *a, const char **only)
{
	const char *file = cmd_arg(a, "file");

	*only = a->npos > 0 ? a->pos[0] : NULL;
	if (file && *only)
		return cmd_fail(ctx, RWB_EUSAGE, "give PATH or --file, not both");
	if (file)
		*only = file;
	return RWB_OK;
}

/* ---- --check-soundness --------------------------------------------------------- */

/* Runs argv in dir; its output (stdout and stderr) goes to stream and,
 * up to a limit, into *captured. Returns the exit status, -1 when it could
 * not start. */
static int run_tool(const char *dir, char *const argv[], FILE *stream, struct strbuf *captured)
{
	struct proc_opts o = { .cwd = dir, .out = captured, .out_stream = stream, .merge_stderr = true,
			       .max_capture = 8u << 20, .forward_sigint = true };
	struct proc_result res;

	if (proc_run(&res, argv, &o) != RWB_OK)
		return -1;
	return res.status;
}

static const char *const soundness_lints[] = {
	"clippy::undocumented_unsafe_blocks", "clippy::missing_safety_doc",
	"clippy::multiple_unsafe_ops_per_block", "clippy::unnecessary_safety_comment",
	"clippy::unnecessary_safety_doc", "clippy::not_unsafe_ptr_arg_deref",
	"clippy::ptr_as_ptr", "clippy::cast_ptr_alignment", "clippy::transmute_ptr_to_ptr",
	"clippy::borrow_as_ptr", "clippy::mem_forget", "unsafe_op_in_unsafe_fn", NULL,
};

static void check_soundness(struct cmd_ctx *ctx, cJSON *result, const struct cmd_args *a)
{
	cJSON *snd = cJSON_AddObjectToObject(result, "soundness");
	cJSON *cl = cJSON_AddObjectToObject(snd, "clippy");
	cJSON *mi = cJSON_AddObjectToObject(snd, "miri");
	char *manifest = xasprintf("%s/Cargo.toml", ctx->repo);
	struct stat sb;
	FILE *stream = ctx->tui ? NULL : ctx->stream;

	if (stat(manifest, &sb) != 0) {
		cJSON_AddBoolToObject(cl, "ran", 0);
		cJSON_AddStringToObject(cl, "reason", "no Cargo.toml in the repository");
		cJSON_AddBoolToObject(mi, "ran", 0);
		cJSON_AddStringToObject(mi, "reason", "no Cargo.toml in the repository");
		strbuf_adds(&ctx->out, "soundness: no Cargo.toml here, clippy and miri did not run\n");
		free(manifest);
		return;
	}
	free(manifest);

	/* cargo clippy with the unsafe lints as warnings */
	{
		/* cargo's own flags and +TOOLCHAIN (cmdline.h) go to clippy, -- ARGS after the lints */
		const char **argv = xcalloc((size_t)(a->ncargo + a->nrest) + 64, sizeof(*argv));
		int n = 0, rc, warnings = 0, errors = 0;
		struct strbuf cap = STRBUF_INIT;
		argv[n++] = "cargo";
		if (a->toolchain)
			argv[n++] = a->toolchain;
		argv[n++] = "clippy";
		argv[n++] = "--message-format=short";
		for (int i = 0; i < a->ncargo; i++)
			if (strncmp(a->cargo[i], "--message-format", 16) != 0)
				argv[n++] = a->cargo[i];
		argv[n++] = "--";
		for (int i = 0; soundness_lints[i]; i++) {
			argv[n++] = "-W";
			argv[n++] = soundness_lints[i];
		}
		for (int i = 0; i < a->nrest; i++)
			argv[n++] = a->rest[i];
		argv[n] = NULL;
		rc = run_tool(ctx->repo, (char *const *)argv, stream, &cap);
		free(argv);
		for (const char *p = strbuf_str(&cap); (p = strstr(p, ": warning: ")); p++)
			warnings++;
		for (const char *p = strbuf_str(&cap); (p = strstr(p, ": error: ")); p++)
			errors++;
		strbuf_free(&cap);
		cJSON_AddBoolToObject(cl, "ran", rc >= 0);
		if (rc < 0) {
			cJSON_AddStringToObject(cl, "reason", "cargo clippy is not installed");
			strbuf_adds(&ctx->out, "soundness: cargo clippy is not installed, did not run\n");
		} else {
			cJSON *lints = cJSON_AddArrayToObject(cl, "lints");
			for (int i = 0; soundness_lints[i]; i++)
				cJSON_AddItemToArray(lints, cJSON_CreateString(soundness_lints[i]));
			cJSON_AddNumberToObject(cl, "exit_status", rc);
			cJSON_AddNumberToObject(cl, "warnings", warnings);
			cJSON_AddNumberToObject(cl, "errors", errors);
			strbuf_addf(&ctx->out, "soundness: cargo clippy with %d unsafe lints ran: exit %d, "
				    "%d warnings, %d errors\n", (int)(sizeof(soundness_lints) / sizeof(*soundness_lints)) - 1,
				    rc, warnings, errors);
		}
	}

	/* miri, when a nightly toolchain with it is installed */
	{
		char *const probe[] = { "cargo", "+nightly", "miri", "--version", NULL };
		char *const test[] = { "cargo", "+nightly", "miri", "test", NULL };
		struct strbuf cap = STRBUF_INIT;
		int rc = run_tool(ctx->repo, probe, NULL, &cap);
		strbuf_free(&cap);
		if (rc != 0) {
			cJSON_AddBoolToObject(mi, "ran", 0);
			cJSON_AddStringToObject(mi, "reason", "no nightly toolchain with miri (rustup +nightly component add miri)");
			strbuf_adds(&ctx->out, "soundness: miri did not run: no nightly toolchain with miri installed\n");
		} else {
			rc = run_tool(ctx->repo, test, stream, NULL);
			cJSON_AddBoolToObject(mi, "ran", 1);
			cJSON_AddNumberToObject(mi, "exit_status", rc);
			cJSON_AddBoolToObject(mi, "success", rc == 0);
			strbuf_addf(&ctx->out, "soundness: cargo +nightly miri test ran: %s (exit %d)\n",
				    rc == 0 ? "passed" : "FAILED", rc);
			if (rc != 0)
				ctx->negative = true;
		}
	}
}

/* A block or fn: code a test can run (coverage.c's "tested"). */
static bool has_code(const struct audit_item *it)
{
	return it->kind == UNSAFE_BLOCK || it->kind == UNSAFE_FN;
}

/* ---- commands -------------------------------------------------------------------- */

static int run_unsafe_audit(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	const char *only;
	char err[512];
	int rc;
	long req = cmd_arg_int(a, "required-reviewers", 0);

	rc = scope_arg(ctx, a, &only);
	if (rc)
		return rc;
	if ((a->ncargo || a->toolchain || a->has_rest) && !cmd_arg_bool(a, "check-soundness"))
		return cmd_fail(ctx, RWB_EUSAGE, "/unsafe-audit: cargo's flags (%s) go to the clippy run of "
				"--check-soundness; give --check-soundness or leave them out",
				a->toolchain ? a->toolchain : a->ncargo ? a->cargo[0] : "--");
	if (ctx->tui && cmd_arg_bool(a, "check-soundness"))
		return cmd_fail(ctx, RWB_EUSAGE, "--check-soundness builds the crate with clippy and miri; "
				"run `rwb /unsafe-audit --check-soundness` in the terminal pane (F3)");
	if (req) {
		rc = audit_set_required(ctx->store, ctx->repo, (int)req);
		if (rc)
			return cmd_fail(ctx, rc, "cannot store the reviewer count: %s", ctx->store->errmsg);
	}
	rc = audit_scan(&l, ctx->store, ctx->repo, only, err, sizeof(err));
	if (rc)
		return cmd_fail(ctx, rc, "%s", err);
	ctx->result = cJSON_CreateObject();
	/* the items as JSON only for a reader of JSON: 10,000 items cost 25 ms */
	cJSON *items = ctx->text_only ? NULL : cJSON_AddArrayToObject(ctx->result, "items");
	struct coverage_cache cc = { 0 };
	for (size_t i = 0; i < l.n; i++) {
		if (items) {
			cJSON *o = item_json(&l.items[i], cmd_arg_bool(a, "code"));
			cJSON_AddItemToArray(items, o);
			coverage_item_json(o, &cc, ctx->store, ctx->repo, l.items[i].file,
					   has_code(&l.items[i]), l.items[i].line, l.items[i].line_end);
		}
		item_line(&ctx->out, &l.items[i], l.required);
	}
	coverage_cache_release(&cc);
	summary(ctx->result, &ctx->out, &l);
	audit_list_release(&l);
	if (cmd_arg_bool(a, "check-soundness"))
		check_soundness(ctx, ctx->result, a);
	return RWB_OK;
}

static int run_audit_review(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	struct audit_item *it;
	char err[512];
	char *reviewer;
	const char *id = cmd_arg(a, "id");
	int rc;

	/* the item must be current: rescan so its fingerprint is today's */
	rc = audit_scan(&l, ctx->store, ctx->repo, NULL, err, sizeof(err));
	if (rc)
		return cmd_fail(ctx, rc, "%s", err);
	audit_list_release(&l);
	reviewer = audit_reviewer(cmd_arg(a, "reviewer"), ctx->repo);
	rc = audit_review(ctx->store, ctx->repo, id, cmd_arg(a, "verdict"), reviewer,
			  cmd_arg(a, "note"), err, sizeof(err));
	if (rc) {
		free(reviewer);
		return cmd_fail(ctx, rc, "%s", err);
	}
	rc = audit_load(&l, ctx->store, ctx->repo, false);
	if (rc) {
		free(reviewer);
		return cmd_fail(ctx, rc, "cannot read the audit: %s", ctx->store->errmsg);
	}
	it = audit_list_find(&l, id);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "id", id);
	cJSON_AddStringToObject(ctx->result, "status", it ? audit_status_name(it->status) : "gone");
	cJSON_AddStringToObject(ctx->result, "reviewer", reviewer);
	cJSON_AddStringToObject(ctx->result, "verdict", cmd_arg(a, "verdict"));
	if (it) {
		cJSON *o = item_json(it, false);
		cJSON_AddItemToObject(ctx->result, "reviewers",
				      cJSON_DetachItemFromObject(o, "reviewers"));
		cJSON_AddNumberToObject(ctx->result, "sound", it->sound);
		cJSON_AddNumberToObject(ctx->result, "required_reviewers", l.required);
		cJSON_Delete(o);
		strbuf_addf(&ctx->out, "%s: %s by %s; the item is now %s (%d of %d sound)\n", id,
			    cmd_arg(a, "verdict"), reviewer, audit_status_name(it->status), it->sound,
			    l.required);
	}
	free(reviewer);
	audit_list_release(&l);
	return RWB_OK;
}

static int run_audit_check(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	struct coverage_cache cc = { 0 };
	bool need_tested = cmd_arg_bool(a, "require-tested");
	char err[512];
	int rc, open = 0, untested = 0;

	if (need_tested && !coverage_have_run(ctx->store, ctx->repo))
		return cmd_fail(ctx, RWB_EENV, "--require-tested: no coverage run of this repository "
				"yet (run /rust-test --coverage first)");
	rc = audit_scan(&l, ctx->store, ctx->repo, a->npos ? a->pos[0] : NULL, err, sizeof(err));
	if (rc)
		return cmd_fail(ctx, rc, "%s", err);
	ctx->result = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(ctx->result, "items");
	for (size_t i = 0; i < l.n; i++) {
		struct audit_item *it = &l.items[i];
		bool ok = it->documented && it->status == AUDIT_APPROVED;
		char where[160];
		cJSON *o = item_json(it, false);
		coverage_item_json(o, &cc, ctx->store, ctx->repo, it->file, has_code(it), it->line,
				   it->line_end);
		bool not_run = need_tested && cJSON_IsFalse(cJSON_GetObjectItem(o, "tested"));
		ok = ok && !not_run;
		untested += not_run;
		cJSON_AddBoolToObject(o, "ok", ok);
		cJSON_AddItemToArray(items, o);
		open += !ok;
		strbuf_addf(&ctx->out, "%-4s %s:%d %s %s: %s%s%s", ok ? "ok" : "FAIL", it->file, it->line,
			    unsafe_kind_name(it->kind), where_of(it, where, sizeof(where)),
			    it->documented ? "" : "undocumented",
			    it->documented || it->status == AUDIT_APPROVED ? "" : ", ",
			    it->status == AUDIT_APPROVED ? "" : audit_status_name(it->status));
		if (it->status != AUDIT_APPROVED)
			strbuf_addf(&ctx->out, " (%d/%d sound)", it->sound, l.required);
		else if (it->documented)
			strbuf_addf(&ctx->out, "approved");
		if (not_run)
			strbuf_adds(&ctx->out, ", no test executes it");
		strbuf_addf(&ctx->out, " [%s]\n", it->id);
	}
	coverage_cache_release(&cc);
	summary(ctx->result, &ctx->out, &l);
	if (need_tested) {
		cJSON_AddNumberToObject(ctx->result, "untested", untested);
		strbuf_addf(&ctx->out, "%d unsafe item%s no test executes\n", untested,
			    untested == 1 ? "" : "s");
	}
	cJSON_AddNumberToObject(ctx->result, "open", open);
	cJSON_AddBoolToObject(ctx->result, "ok", open == 0);
	if (open) {
		strbuf_addf(&ctx->out, "audit-check: %d item%s undocumented%s\n", open,
			    open == 1 ? "" : "s", need_tested ? ", not approved or not tested"
							       : " or not approved");
		ctx->negative = true;
	}
	audit_list_release(&l);
	return RWB_OK;
}

/* Writes text to path atomically (temporary file, then rename). */
static int write_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = RWB_OK;

	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return RWB_EIO;
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		rc = RWB_EIO;
	} else if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		rc = RWB_EIO;
	}
	free(tmp);
	return rc;
}

static int run_audit_export(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	struct strbuf text = STRBUF_INIT;
	char err[512];
	char *path;
	int rc, ni, nv;

	/* bring the items up to date first */
	rc = audit_scan(&l, ctx->store, ctx->repo, NULL, err, sizeof(err));
	if (rc)
		return cmd_fail(ctx, rc, "%s", err);
	audit_list_release(&l);
	rc = audit_export(&text, ctx->store, ctx->repo, &ni, &nv);
	if (rc)
		return cmd_fail(ctx, rc, "cannot read the audit: %s", ctx->store->errmsg);
	if (cmd_arg(a, "file")) {
		path = xstrdup(cmd_arg(a, "file"));
	} else {
		char *dir = xasprintf("%s/.rwb", ctx->repo);
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			rc = cmd_fail(ctx, RWB_EIO, "cannot create %s: %s", dir, strerror(errno));
			free(dir);
			strbuf_free(&text);
			return rc;
		}
		free(dir);
		path = xasprintf("%s/%s", ctx->repo, AUDIT_LEDGER_PATH);
	}
	rc = write_atomic(path, text.buf, text.len, err, sizeof(err));
	if (rc) {
		rc = cmd_fail(ctx, rc, "%s", err);
	} else {
		ctx->result = cJSON_CreateObject();
		cJSON_AddStringToObject(ctx->result, "file", path);
		cJSON_AddNumberToObject(ctx->result, "items", ni);
		cJSON_AddNumberToObject(ctx->result, "verdicts", nv);
		strbuf_addf(&ctx->out, "wrote %s: %d items, %d verdicts\n", path, ni, nv);
	}
	free(path);
	strbuf_free(&text);
	return rc;
}

static int run_audit_import(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *path = cmd_arg(a, "file");
	char err[512];
	struct stat sb;
	FILE *f;
	char *buf;
	size_t len;
	int rc, ni, nv;

	f = fopen(path, "rb");
	if (!f)
		return cmd_fail(ctx, RWB_EUSAGE, "cannot read %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > (64 << 20)) {
		fclose(f);
		return cmd_fail(ctx, RWB_EINPUT, "%s: not a regular file of at most 64 MB", path);
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	len = fread(buf, 1, (size_t)sb.st_size, f);
	buf[len] = '\0';
	fclose(f);
	rc = audit_import(ctx->store, ctx->repo, buf, len, &ni, &nv, err, sizeof(err));
	free(buf);
	if (rc)
		return cmd_fail(ctx, rc, "%s: %s; nothing was imported", path, err);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "file", path);
	cJSON_AddNumberToObject(ctx->result, "items_added", ni);
	cJSON_AddNumberToObject(ctx->result, "verdicts_added", nv);
	strbuf_addf(&ctx->out, "imported %s: %d new items, %d new verdicts\n", path, ni, nv);
	return RWB_OK;
}

static const struct cmd_flag audit_flags[] = {
	F_PATH("file", "F", "only this file"),
	F_BOOL("check-soundness", "add clippy's unsafe lints and cargo miri test when available"),
	F_INT("required-reviewers", "N", 1, 20, "how many distinct sound verdicts approve an item here (stored per repository)"),
	F_BOOL("code", "include each item's code in the JSON answer"),
	F_END
};

static const struct cmd_flag check_flags[] = {
	F_BOOL("require-tested", "also fail on an unsafe block or fn the last /rust-test --coverage did not execute"),
	F_END
};

static const struct cmd_flag review_flags[] = {
	{ .name = "id", .type = FLAG_STRING, .metavar = "ID", .help = "the unsafe item",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_UNSAFE_ID },
	{ .name = "verdict", .type = FLAG_ENUM, .values = "sound|unsound|needs-work",
	  .help = "the reviewer's verdict", .flags = FLAGF_REQUIRED },
	F_STR("note", "TEXT", "why"),
	F_STR("reviewer", "NAME", "who (default: git user.name, else $USER)"),
	F_END
};

static const struct cmd_flag export_flags[] = {
	F_PATH("file", "F", "where to write (default .rwb/audits.json in the repo)"),
	F_END
};

static const struct cmd_flag import_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the ledger to read",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_END
};

const struct cmd_def commands_audit[] = {
	{ .name = "unsafe-audit", .group = "Cargo and toolchain",
	  .summary = "every unsafe block, fn, impl, trait and extern block with its SAFETY state",
	  .flags = audit_flags, .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH,
	  .cargo = "clippy", .run = run_unsafe_audit },
	{ .name = "audit-review", .group = "Review, tracking and coordination",
	  .summary = "record one reviewer's verdict on one unsafe item", .flags = review_flags,
	  .run = run_audit_review },
	{ .name = "audit-check", .group = "Review, tracking and coordination",
	  .summary = "exit 1 while any unsafe item is undocumented or lacks its sign-offs",
	  .flags = check_flags, .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH, .run = run_audit_check },
	{ .name = "audit-export", .group = "Review, tracking and coordination",
	  .summary = "the audit ledger as a deterministic, mergeable file", .flags = export_flags,
	  .run = run_audit_export },
	{ .name = "audit-import", .group = "Review, tracking and coordination",
	  .summary = "read an audit ledger back (all or nothing)", .flags = import_flags,
	  .run = run_audit_import },
	{ .name = NULL }
};
