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
#include "sshsig.h"
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

static int write_atomic(const char *path, const char *text, size_t len);

/* ---- shaping items ---------------------------------------------------------- */

static cJSON *verdict_json(const struct audit_verdict *v)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "reviewer", v->reviewer);
	cJSON_AddStringToObject(r, "verdict", v->verdict);
	cJSON_AddStringToObject(r, "note", v->note ? v->note : "");
	cJSON_AddNumberToObject(r, "at", (double)v->at);
	cJSON_AddStringToObject(r, "signature", audit_sig_name(v->sig));
	if (v->principal)
		cJSON_AddStringToObject(r, "principal", v->principal);
	if (v->key_fp)
		cJSON_AddStringToObject(r, "key_fingerprint", v->key_fp);
	if (audit_is_agent(v->reviewer))
		cJSON_AddBoolToObject(r, "agent", 1);
	cJSON_AddBoolToObject(r, "counted", v->counted);
	if (v->why)
		cJSON_AddStringToObject(r, "why", v->why);
	return r;
}

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
	cJSON_AddNumberToObject(o, "signed_sound", it->signed_sound);
	if (it->forged)
		cJSON_AddNumberToObject(o, "forged", it->forged);
	rv = cJSON_AddArrayToObject(o, "reviewers");
	/* each reviewer's latest verdict on the current code (audit.c decides) */
	for (int i = 0; i < it->nverdicts; i++) {
		const struct audit_verdict *v = &it->verdicts[i];
		if (v->latest)
			cJSON_AddItemToArray(rv, verdict_json(v));
	}
	if (full && it->code)
		cJSON_AddStringToObject(o, "code", it->code);
	return o;
}

/* "module::function", the one that is there, or "(top level)"; cut to
 * n - 1 bytes. */
static const char *where_of(const struct audit_item *it, char *buf, size_t n)
{
	const char *fn = it->function && *it->function ? it->function : "";
	const char *mod = it->module && *it->module ? it->module : "";
	const char *parts[3] = { mod, *mod && *fn ? "::" : "", fn };
	size_t at = 0;

	if (!*mod && !*fn)
		parts[0] = "(top level)";
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(parts[k]);
		if (l > n - 1 - at)
			l = n - 1 - at;
		memcpy(buf + at, parts[k], l);
		at += l;
	}
	buf[at] = '\0';
	return buf;
}

/* One item's line, put together by hand, not by printf: the 10,000 lines of
 * a registry scan cost 7 ms through vsnprintf, a tenth of that now. */
static void item_line(struct strbuf *sb, const struct audit_item *it, int required)
{
	char where[160];

	strbuf_adds(sb, it->file);
	strbuf_addc(sb, ':');
	strbuf_addint(sb, it->line);
	strbuf_addc(sb, '-');
	strbuf_addint(sb, it->line_end);
	strbuf_add(sb, "  ", 2);
	strbuf_addpad(sb, unsafe_kind_name(it->kind), 6);
	strbuf_addc(sb, ' ');
	strbuf_addpad(sb, where_of(it, where, sizeof(where)), 28);
	strbuf_addc(sb, ' ');
	strbuf_addpad(sb, it->documented ? "documented" : "UNDOCUMENTED", 12);
	strbuf_addc(sb, ' ');
	strbuf_adds(sb, audit_status_name(it->status));
	if (it->status == AUDIT_PARTIAL || it->status == AUDIT_APPROVED) {
		strbuf_add(sb, " (", 2);
		strbuf_addint(sb, it->sound);
		strbuf_addc(sb, '/');
		strbuf_addint(sb, required);
		strbuf_addc(sb, ')');
	}
	strbuf_add(sb, "  ", 2);
	strbuf_adds(sb, it->id);
	strbuf_addc(sb, '\n');
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
			return cmd_fail(ctx, rc, "cannot store the reviewer count: %s", rwb_last_error());
	}
	if (cmd_arg(a, "agents-count")) {
		rc = store_setting_set(ctx->store, "audit.agents_count",
				       cmd_arg_bool(a, "agents-count") ? "true" : "false");
		if (rc)
			return cmd_fail(ctx, rc, "cannot store the setting audit.agents_count: %s",
					rwb_last_error());
	}
	if (cmd_arg(a, "require-signatures")) {
		rc = audit_set_require_signatures(ctx->store, ctx->repo, cmd_arg_bool(a, "require-signatures"));
		if (rc)
			return cmd_fail(ctx, rc, "cannot store the signature policy: %s", rwb_last_error());
	}
	rc = audit_scan(&l, ctx->store, ctx->repo, only);
	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	/* the items as JSON only for a reader of JSON: 10,000 items cost 25 ms */
	cJSON *items = ctx->text_only ? NULL : cJSON_AddArrayToObject(ctx->result, "items");
	struct coverage_cache cc = { 0 };
	strbuf_grow(&ctx->out, l.n * 128);   /* about a line's length: one allocation, not a doubling copy */
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
	if (!xalloc_exit_reclaims())
		audit_list_release(&l);   /* (else the exit frees it at once) */
	if (cmd_arg_bool(a, "check-soundness"))
		check_soundness(ctx, ctx->result, a);
	return RWB_OK;
}

/* The key a verdict is signed with: --key, else (an agent) $RWB_AGENT_KEY,
 * else (a person) git's user.signingKey or the ssh-agent's first key. */
static char *review_key(const struct cmd_args *a, const char *repo, bool agent)
{
	const char *k = cmd_arg(a, "key");

	if (cmd_arg_bool(a, "unsigned"))
		return NULL;
	if (k && *k)
		return xstrdup(k);
	if (agent) {
		k = getenv("RWB_AGENT_KEY");
		return k && *k ? xstrdup(k) : NULL;   /* never the person's key */
	}
	return sshsig_default_key(repo);
}

static int run_audit_review(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	struct audit_item *it;
	char *reviewer, *agent, *key;
	const char *id = cmd_arg(a, "id");
	int rc;

	if (cmd_arg(a, "agent") && cmd_arg(a, "reviewer"))
		return cmd_fail(ctx, RWB_EUSAGE, "give --reviewer or --agent, not both");
	if (cmd_arg_bool(a, "unsigned") && cmd_arg(a, "key"))
		return cmd_fail(ctx, RWB_EUSAGE, "give --key or --unsigned, not both");
	/* the item must be current: rescan so its fingerprint is today's */
	rc = audit_scan(&l, ctx->store, ctx->repo, NULL);
	if (rc)
		return cmd_fail_last(ctx, rc);
	audit_list_release(&l);
	agent = audit_agent_name(cmd_arg(a, "agent"));
	reviewer = agent ? agent : audit_reviewer(cmd_arg(a, "reviewer"), ctx->repo);
	key = review_key(a, ctx->repo, agent != NULL);
	rc = audit_review_signed(ctx->store, ctx->repo, id, cmd_arg(a, "verdict"), reviewer,
				 cmd_arg(a, "note"), key);
	free(key);
	if (rc) {
		free(reviewer);
		return cmd_fail_last(ctx, rc);
	}
	rc = audit_load(&l, ctx->store, ctx->repo, false);
	if (rc) {
		free(reviewer);
		return cmd_fail(ctx, rc, "cannot read the audit: %s", rwb_last_error());
	}
	it = audit_list_find(&l, id);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "id", id);
	cJSON_AddStringToObject(ctx->result, "status", it ? audit_status_name(it->status) : "gone");
	cJSON_AddStringToObject(ctx->result, "reviewer", reviewer);
	cJSON_AddStringToObject(ctx->result, "verdict", cmd_arg(a, "verdict"));
	if (it) {
		/* the verdict just given: the newest of this reviewer */
		const struct audit_verdict *mine = audit_latest_verdict(it, reviewer);
		cJSON *o = item_json(it, false);
		cJSON_AddItemToObject(ctx->result, "reviewers",
				      cJSON_DetachItemFromObject(o, "reviewers"));
		cJSON_AddNumberToObject(ctx->result, "sound", it->sound);
		cJSON_AddNumberToObject(ctx->result, "required_reviewers", l.required);
		cJSON_AddBoolToObject(ctx->result, "require_signatures", l.require_signatures);
		cJSON_AddBoolToObject(ctx->result, "agents_count", l.agents_count);
		if (mine)
			cJSON_AddItemToObject(ctx->result, "recorded", verdict_json(mine));
		cJSON_Delete(o);
		strbuf_addf(&ctx->out, "%s: %s by %s", id, cmd_arg(a, "verdict"), reviewer);
		if (mine && mine->sig == AUDIT_SIG_GOOD)
			strbuf_addf(&ctx->out, ", signed as %s (%s)", mine->principal, mine->key_fp ? mine->key_fp : "");
		else if (mine && mine->signature)
			strbuf_addf(&ctx->out, ", signed but %s: %s", audit_sig_name(mine->sig), mine->why ? mine->why : "");
		else
			strbuf_addf(&ctx->out, ", unsigned%s", mine && mine->why ? " (it does not count here)" : "");
		strbuf_addf(&ctx->out, "; the item is now %s (%d of %d sound)\n", audit_status_name(it->status),
			    it->sound, l.required);
	}
	free(reviewer);
	audit_list_release(&l);
	return RWB_OK;
}

/* Why an item fails the gate, in a few words ("" when it passes). */
static void check_reasons(struct strbuf *sb, const struct audit_item *it, int required)
{
	int unsigned_n = 0, untrusted = 0;

	if (!it->documented)
		strbuf_adds(sb, "undocumented");
	if (it->status != AUDIT_APPROVED) {
		strbuf_addf(sb, "%s%s (%d/%d sound)", sb->len ? ", " : "", audit_status_name(it->status),
			    it->sound, required);
		for (int i = 0; i < it->nverdicts; i++) {
			const struct audit_verdict *v = &it->verdicts[i];
			if (!v->latest || v->counted)
				continue;
			unsigned_n += v->sig == AUDIT_SIG_NONE;
			untrusted += v->sig == AUDIT_SIG_UNTRUSTED;
		}
		if (unsigned_n)
			strbuf_addf(sb, ", %d unsigned verdict%s not counted", unsigned_n, unsigned_n == 1 ? "" : "s");
		if (untrusted)
			strbuf_addf(sb, ", %d verdict%s by keys not in the allowed signers", untrusted,
				    untrusted == 1 ? "" : "s");
	}
	if (it->forged)
		strbuf_addf(sb, "%s%d forged verdict%s", sb->len ? ", " : "", it->forged, it->forged == 1 ? "" : "s");
}

static int run_audit_check(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	struct coverage_cache cc = { 0 };
	bool need_tested = cmd_arg_bool(a, "require-tested");
	int rc, open = 0, untested = 0, forged = 0;
	const char *rev = cmd_arg(a, "rev"), *ledger = cmd_arg(a, "ledger");
	bool staged = cmd_arg_bool(a, "staged");
	char *lpath, *text;
	size_t len;

	if (staged && rev)
		return cmd_fail(ctx, RWB_EUSAGE, "give --staged or --rev, not both");
	if ((staged || rev) && a->npos)
		return cmd_fail(ctx, RWB_EUSAGE, "PATH cannot go with --staged or --rev (they check the whole tree)");
	if (need_tested && !coverage_have_run(ctx->store, ctx->repo))
		return cmd_fail(ctx, RWB_EENV, "--require-tested: no coverage run of this repository "
				"yet (run /rust-test --coverage first)");
	if (staged || rev)
		rc = audit_scan_tree(&l, ctx->store, ctx->repo, rev);
	else
		rc = audit_scan(&l, ctx->store, ctx->repo, a->npos ? a->pos[0] : NULL);
	if (rc)
		return cmd_fail_last(ctx, rc);
	ctx->result = cJSON_CreateObject();
	/* the repository's ledger counts too: what CI and a fresh clone have */
	if (!staged && !rev) {
		lpath = ledger ? xstrdup(ledger) : xasprintf("%s/%s", ctx->repo, AUDIT_LEDGER_PATH);
		text = strbuf_read_whole(lpath, 64u << 20, &len);
		if (!text && ledger) {
			rc = cmd_fail(ctx, RWB_EUSAGE, "cannot read %s: %s", lpath, strerror(errno));
			free(lpath);
			audit_list_release(&l);
			return rc;
		}
		if (text && audit_merge_ledger(&l, text, len) != RWB_OK) {
			strbuf_addf(&ctx->out, "FAIL ledger %s: %s\n", lpath, rwb_last_error());
			cJSON_AddStringToObject(ctx->result, "ledger_error", rwb_last_error());
			open++;
		}
		free(text);
		free(lpath);
	}
	cJSON *items = cJSON_AddArrayToObject(ctx->result, "items");
	for (size_t i = 0; i < l.n; i++) {
		struct audit_item *it = &l.items[i];
		bool ok = it->documented && it->status == AUDIT_APPROVED && !it->forged;
		char where[160];
		struct strbuf why = STRBUF_INIT;
		cJSON *o = item_json(it, false);
		coverage_item_json(o, &cc, ctx->store, ctx->repo, it->file, has_code(it), it->line,
				   it->line_end);
		bool not_run = need_tested && cJSON_IsFalse(cJSON_GetObjectItem(o, "tested"));
		ok = ok && !not_run;
		untested += not_run;
		cJSON_AddBoolToObject(o, "ok", ok);
		open += !ok;
		check_reasons(&why, it, l.required);
		if (!ok)
			cJSON_AddStringToObject(o, "why", strbuf_str(&why));
		strbuf_addf(&ctx->out, "%-4s %s:%d %s %s: %s%s [%s]\n", ok ? "ok" : "FAIL", it->file, it->line,
			    unsafe_kind_name(it->kind), where_of(it, where, sizeof(where)),
			    ok ? "approved" : strbuf_str(&why),
			    !not_run ? "" : why.len ? ", no test executes it" : "no test executes it", it->id);
		strbuf_free(&why);
		/* every forged verdict, named: who, what, when and why */
		cJSON *fj = it->forged ? cJSON_AddArrayToObject(o, "forged_verdicts") : NULL;
		for (int k = 0; k < it->nverdicts; k++) {
			const struct audit_verdict *v = &it->verdicts[k];
			if (v->sig != AUDIT_SIG_FORGED)
				continue;
			forged++;
			strbuf_addf(&ctx->out, "FORGED %s: the %s verdict of %s (at %lld%s) on item %s: %s\n",
				    it->file, v->verdict, v->reviewer, (long long)v->at,
				    v->from_ledger ? ", from the ledger" : ", in the store", it->id,
				    v->why ? v->why : "forged");
			cJSON_AddItemToArray(fj, verdict_json(v));
		}
		cJSON_AddItemToArray(items, o);
	}
	coverage_cache_release(&cc);
	summary(ctx->result, &ctx->out, &l);
	if (need_tested) {
		cJSON_AddNumberToObject(ctx->result, "untested", untested);
		strbuf_addf(&ctx->out, "%d unsafe item%s no test executes\n", untested,
			    untested == 1 ? "" : "s");
	}
	cJSON_AddNumberToObject(ctx->result, "open", open);
	cJSON_AddNumberToObject(ctx->result, "forged", forged);
	cJSON_AddBoolToObject(ctx->result, "require_signatures", l.require_signatures);
	cJSON_AddBoolToObject(ctx->result, "ok", open == 0);
	if (open) {
		strbuf_addf(&ctx->out, "audit-check: %d item%s undocumented, not approved%s or with forged verdicts%s\n",
			    open, open == 1 ? "" : "s", need_tested ? ", not tested" : "",
			    staged ? " in the staged tree" : rev ? " in that commit" : "");
		ctx->negative = true;
	}
	audit_list_release(&l);
	return RWB_OK;
}

/* ---- the git hooks ------------------------------------------------------------------- */

#define HOOK_CHAINED_SUFFIX ".rwb-chained"

/* Single quotes for sh. */
static void sh_quote(struct strbuf *sb, const char *s)
{
	strbuf_adds(sb, "'");
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_add(sb, s, 1);
	}
	strbuf_adds(sb, "'");
}

static char *hook_text(const char *name, const char *self)
{
	struct strbuf sb = STRBUF_INIT;
	bool push = strcmp(name, "pre-push") == 0;

	strbuf_addf(&sb, "#!/bin/sh\n" AUDIT_HOOK_MARK " (%s), written by `rwb /audit-hook install`.\n"
		    "# `rwb /audit-hook remove` takes it out and puts back the hook it chained to.\n"
		    "# Skip it once with `git %s --no-verify`.\n", name, push ? "push" : "commit");
	strbuf_adds(&sb, "hookdir=$(dirname \"$0\")\n");
	if (push)
		strbuf_adds(&sb, "input=$(cat)\n");
	strbuf_addf(&sb, "if [ -x \"$hookdir/%s" HOOK_CHAINED_SUFFIX "\" ]; then\n", name);
	if (push)
		strbuf_addf(&sb, "\tprintf '%%s\\n' \"$input\" | \"$hookdir/%s" HOOK_CHAINED_SUFFIX "\" \"$@\" || exit $?\n", name);
	else
		strbuf_addf(&sb, "\t\"$hookdir/%s" HOOK_CHAINED_SUFFIX "\" \"$@\" || exit $?\n", name);
	strbuf_adds(&sb, "fi\nrwb=");
	sh_quote(&sb, self ? self : "rwb");
	strbuf_adds(&sb, "\n[ -x \"$rwb\" ] || rwb=$(command -v rwb) || {\n"
		    "\techo \"rwb audit gate: rwb is not installed here; git --no-verify skips the gate\" >&2\n"
		    "\texit 1\n}\n");
	if (push) {
		strbuf_adds(&sb, "printf '%s\\n' \"$input\" | while read -r lref lsha rref rsha; do\n"
			    "\t[ -n \"$lsha\" ] || continue\n"
			    "\tcase $lsha in *[!0]*) ;; *) continue ;; esac\n"
			    "\tif ! out=$(\"$rwb\" /audit-check --rev \"$lsha\" 2>&1); then\n"
			    "\t\tprintf '%s\\n' \"$out\" | grep -E '^(FAIL|FORGED)' >&2\n"
			    "\t\techo \"rwb audit gate: push of $lref refused: unsafe code not documented or not signed off "
			    "(rwb /audit-check --rev $lsha; git push --no-verify skips this)\" >&2\n"
			    "\t\texit 1\n\tfi\ndone || exit 1\n"
			    "exit 0\n");
	} else {
		strbuf_adds(&sb, "if ! out=$(\"$rwb\" /audit-check --staged 2>&1); then\n"
			    "\tprintf '%s\\n' \"$out\" | grep -E '^(FAIL|FORGED)' >&2 ||\n"
			    "\t\tprintf '%s\\n' \"$out\" >&2\n"
			    "\techo \"rwb audit gate: commit refused: unsafe code not documented or not signed off "
			    "(rwb /audit-check --staged; git commit --no-verify skips this)\" >&2\n"
			    "\texit 1\nfi\nexit 0\n");
	}
	return strbuf_detach(&sb);
}

static int run_audit_hook(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *action = a->pos[0];
	const char *const names[] = { "pre-commit", "pre-push", NULL };
	char *dir = audit_hooks_dir(ctx->repo), *self = NULL;
	int rc = RWB_OK;

	if (strcmp(action, "install") != 0 && strcmp(action, "remove") != 0) {
		free(dir);
		return cmd_fail(ctx, RWB_EUSAGE, "\"%s\": give install or remove", action);
	}
	if (!dir)
		return cmd_fail(ctx, RWB_ENOTREPO, "%s is not a git repository (no hooks folder)", ctx->repo);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		rc = cmd_fail(ctx, RWB_EIO, "cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	ctx->result = cJSON_CreateObject();
	cJSON *hooks = cJSON_AddArrayToObject(ctx->result, "hooks");
	/* this rwb by the absolute path main() found (a bare name: the PATH's) */
	if (strcmp(action, "install") == 0 && ctx->argv0 && strchr(ctx->argv0, '/'))
		self = xstrdup(ctx->argv0);
	for (int i = 0; names[i] && !rc; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *chained = xasprintf("%s%s", path, HOOK_CHAINED_SUFFIX);
		struct stat sb;
		bool exists = lstat(path, &sb) == 0;
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "hook", path);
		if (strcmp(action, "install") == 0) {
			bool chain = exists && !audit_hook_is_ours(path);
			if (chain && lstat(chained, &sb) == 0) {
				rc = cmd_fail(ctx, RWB_EEXIST, "%s and %s both exist: move one away first", path, chained);
			} else if (chain && rename(path, chained) != 0) {
				rc = cmd_fail(ctx, RWB_EIO, "cannot move %s aside: %s", path, strerror(errno));
			} else {
				char *text = hook_text(names[i], self);
				rc = write_atomic(path, text, strlen(text));
				free(text);
				if (rc)
					rc = cmd_fail_last(ctx, rc);
				else if (chmod(path, 0755) != 0)
					rc = cmd_fail(ctx, RWB_EIO, "cannot make %s executable: %s", path, strerror(errno));
			}
			if (!rc) {
				bool has_chain = lstat(chained, &sb) == 0;
				cJSON_AddStringToObject(h, "state", "installed");
				if (has_chain)
					cJSON_AddStringToObject(h, "chained", chained);
				strbuf_addf(&ctx->out, "installed %s%s%s\n", path, has_chain ? ", calling the previous hook " : "",
					    has_chain ? chained : "");
			}
		} else {
			if (!exists) {
				cJSON_AddStringToObject(h, "state", "absent");
				strbuf_addf(&ctx->out, "%s: no hook\n", path);
			} else if (!audit_hook_is_ours(path)) {
				cJSON_AddStringToObject(h, "state", "not rwb's, left alone");
				strbuf_addf(&ctx->out, "%s is not rwb's hook: left alone\n", path);
			} else if (unlink(path) != 0) {
				rc = cmd_fail(ctx, RWB_EIO, "cannot remove %s: %s", path, strerror(errno));
			} else if (lstat(chained, &sb) == 0 && rename(chained, path) != 0) {
				rc = cmd_fail(ctx, RWB_EIO, "cannot put %s back: %s", chained, strerror(errno));
			} else {
				bool restored = lstat(path, &sb) == 0;
				cJSON_AddStringToObject(h, "state", restored ? "restored" : "removed");
				strbuf_addf(&ctx->out, "%s %s\n", restored ? "restored the previous" : "removed", path);
			}
		}
		cJSON_AddItemToArray(hooks, h);
		free(path);
		free(chained);
	}
	if (!rc && self)
		cJSON_AddStringToObject(ctx->result, "rwb", self);
	free(self);
	free(dir);
	return rc;
}

/* Writes text to path atomically (temporary file, then rename). */
static int write_atomic(const char *path, const char *text, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = RWB_OK;

	if (!f) {
		rc = rwb_fail(RWB_EIO, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		rc = rwb_fail(RWB_EIO, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	} else if (rename(tmp, path) != 0) {
		rc = rwb_fail(RWB_EIO, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

static int run_audit_export(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct audit_list l;
	struct strbuf text = STRBUF_INIT;
	char *path;
	int rc, ni, nv;

	/* bring the items up to date first */
	rc = audit_scan(&l, ctx->store, ctx->repo, NULL);
	if (rc)
		return cmd_fail_last(ctx, rc);
	audit_list_release(&l);
	rc = audit_export(&text, ctx->store, ctx->repo, &ni, &nv);
	if (rc)
		return cmd_fail(ctx, rc, "cannot read the audit: %s", rwb_last_error());
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
	rc = write_atomic(path, text.buf, text.len);
	if (rc) {
		rc = cmd_fail_last(ctx, rc);
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
	char *buf;
	size_t len;
	int rc, ni, nv, nf;
	char fmsg[600];

	buf = strbuf_read_whole(path, 64u << 20, &len);
	if (!buf && errno == EFBIG)
		return cmd_fail(ctx, RWB_EINPUT, "%s: not a regular file of at most 64 MB", path);
	if (!buf)
		return cmd_fail(ctx, RWB_EUSAGE, "cannot read %s: %s", path, strerror(errno));
	rc = audit_import_checked(ctx->store, ctx->repo, buf, len, &ni, &nv, &nf, fmsg, sizeof(fmsg));
	free(buf);
	if (rc)
		return cmd_fail(ctx, rc, "%s: %s; nothing was imported", path, rwb_last_error());
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "file", path);
	cJSON_AddNumberToObject(ctx->result, "items_added", ni);
	cJSON_AddNumberToObject(ctx->result, "verdicts_added", nv);
	cJSON_AddNumberToObject(ctx->result, "forged", nf);
	strbuf_addf(&ctx->out, "imported %s: %d new items, %d new verdicts\n", path, ni, nv);
	if (nf) {
		cJSON_AddStringToObject(ctx->result, "first_forged", fmsg);
		strbuf_addf(&ctx->out, "FORGED %s\n%d forged verdict%s left out\n", fmsg, nf, nf == 1 ? "" : "s");
		ctx->negative = true;
	}
	return RWB_OK;
}

static const struct cmd_flag audit_flags[] = {
	F_PATH("file", "F", "only this file"),
	F_BOOL("check-soundness", "add clippy's unsafe lints and cargo miri test when available"),
	F_INT("required-reviewers", "N", 1, 20, "how many distinct sound verdicts approve an item here (stored per repository)"),
	F_BOOL("code", "include each item's code in the JSON answer"),
	F_BOOL("require-signatures", "only verdicts signed by a key of .rwb/allowed_signers count here (stored per repository; =false turns it off)"),
	F_BOOL("agents-count", "an agent's unsigned verdict counts as a person's (the store's setting audit.agents_count; =false: never)"),
	F_END
};

static const struct cmd_flag review_flags[] = {
	{ .name = "id", .type = FLAG_STRING, .metavar = "ID", .help = "the unsafe item",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_UNSAFE_ID },
	{ .name = "verdict", .type = FLAG_ENUM, .values = "sound|unsound|needs-work",
	  .help = "the reviewer's verdict", .flags = FLAGF_REQUIRED },
	F_STR("note", "TEXT", "why"),
	F_STR("reviewer", "NAME", "who (default: git user.name, else $USER)"),
	F_STR("agent", "NAME", "an agent's verdict, named agent:NAME (default: $RWB_AGENT when set)"),
	F_STR("key", "KEY", "sign with this SSH key: a key file or key::TYPE BASE64 (default: git user.signingKey, else the ssh-agent's first key; an agent's: $RWB_AGENT_KEY)"),
	F_BOOL("unsigned", "record the verdict without a signature"),
	F_END
};

static const struct cmd_flag check_flags[] = {
	F_BOOL("staged", "check what is staged for the next commit (the index), not the work tree"),
	F_STR("rev", "REV", "check the tree of this commit"),
	F_PATH("ledger", "F", "the ledger to count and verify (default .rwb/audits.json in the repo)"),
	F_BOOL("require-tested", "also fail on an unsafe block or fn the last /rust-test --coverage did not execute"),
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
	  .summary = "exit 1 while any unsafe item is undocumented, lacks its sign-offs or has a forged one",
	  .flags = check_flags, .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH,
	  .run = run_audit_check },
	{ .name = "audit-hook", .group = "Review, tracking and coordination",
	  .summary = "install or remove the git pre-commit and pre-push hooks that run /audit-check",
	  .positional = "install|remove", .min_pos = 1, .max_pos = 1, .run = run_audit_hook },
	{ .name = "audit-export", .group = "Review, tracking and coordination",
	  .summary = "the audit ledger as a deterministic, mergeable file", .flags = export_flags,
	  .run = run_audit_export },
	{ .name = "audit-import", .group = "Review, tracking and coordination",
	  .summary = "read an audit ledger back (all or nothing)", .flags = import_flags,
	  .run = run_audit_import },
	{ .name = NULL }
};
