/*
 * cmd_git.c - the git slash commands (/git-status, /git-diff, /git-stage,
 * /git-unstage, /git-commit, /git-push, /git-log) through libgit2 (gitw.c).
 *
 * Each run function opens the repository at ctx->repo, does one thing, and
 * answers twice: human text in ctx->out (like git's own short output) and
 * a JSON document in ctx->result (shapes in shared/spec/cli.md; fields are
 * only ever added). Bad input is one line and exit 2; a folder that is not
 * a repository is exit 3. Nothing here runs the git binary.
 */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"
#include "error.h"
#include "gitw.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int open_repo(struct gitw **g, struct cmd_ctx *ctx)
{
	int rc = gitw_open(g, ctx->repo ? ctx->repo : ".");
	if (rc)
		return cmd_fail_last(ctx, rc);
	return 0;
}

static cJSON *entries_json(const struct gitw_status *s, enum gitw_group grp)
{
	cJSON *arr = cJSON_CreateArray();

	for (int i = 0; i < s->n[grp]; i++) {
		const struct gitw_entry *e = &s->list[grp][i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", e->path);
		cJSON_AddStringToObject(o, "status", e->status);
		if (e->old_path)
			cJSON_AddStringToObject(o, "old_path", e->old_path);
		if (e->submodule)
			cJSON_AddBoolToObject(o, "submodule", true);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static int run_status(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct gitw *g = NULL;
	struct gitw_status *s = NULL;
	int rc;

	(void)args;
	if ((rc = open_repo(&g, ctx)) != 0)
		return rc;
	if ((rc = gitw_status(&s, g)) != 0) {
		cmd_fail_last(ctx, rc);
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "branch", s->branch);
	cJSON_AddNumberToObject(ctx->result, "ahead", s->ahead);
	cJSON_AddNumberToObject(ctx->result, "behind", s->behind);
	if (s->upstream)
		cJSON_AddStringToObject(ctx->result, "upstream", s->upstream);
	else
		cJSON_AddNullToObject(ctx->result, "upstream");
	if (s->head)
		cJSON_AddStringToObject(ctx->result, "head", s->head);
	else
		cJSON_AddNullToObject(ctx->result, "head");
	cJSON_AddBoolToObject(ctx->result, "detached", s->detached);
	cJSON_AddBoolToObject(ctx->result, "unborn", s->unborn);
	cJSON_AddBoolToObject(ctx->result, "bare", s->bare);
	for (int grp = 0; grp < GITW_NGROUPS; grp++)
		cJSON_AddItemToObject(ctx->result, gitw_group_name(grp), entries_json(s, grp));

	strbuf_addf(&ctx->out, "## %s", s->branch);
	if (s->unborn)
		strbuf_adds(&ctx->out, " (no commits yet)");
	if (s->upstream)
		strbuf_addf(&ctx->out, "...%s [ahead %d, behind %d]", s->upstream, s->ahead, s->behind);
	if (s->bare)
		strbuf_adds(&ctx->out, " (bare repository: no work tree)");
	strbuf_addc(&ctx->out, '\n');
	for (int grp = 0; grp < GITW_NGROUPS; grp++)
		for (int i = 0; i < s->n[grp]; i++) {
			const struct gitw_entry *e = &s->list[grp][i];
			strbuf_addf(&ctx->out, "%-10s %-2s %s", gitw_group_name(grp), e->status, e->path);
			if (e->old_path)
				strbuf_addf(&ctx->out, " (from %s)", e->old_path);
			if (e->submodule)
				strbuf_adds(&ctx->out, " [submodule]");
			strbuf_addc(&ctx->out, '\n');
		}
out:
	gitw_status_free(s);
	gitw_free(g);
	return rc;
}

static const char *mode_name(uint32_t mode)
{
	switch (mode) {
	case 0100644: return "100644";
	case 0100755: return "100755";
	case 0120000: return "120000";
	case 0160000: return "160000";
	case 0040000: return "040000";
	default: return "0";
	}
}

/* The diff as git prints it (binary files and mode changes named). */
static void diff_text(struct strbuf *sb, const struct gitw_diff *d)
{
	for (size_t fi = 0; fi < d->nfiles; fi++) {
		const struct gitw_file *f = &d->files[fi];
		strbuf_addf(sb, "diff --git a/%s b/%s\n", f->old_path, f->new_path);
		if (f->status == 'A')
			strbuf_addf(sb, "new file mode %s\n", mode_name(f->new_mode));
		else if (f->status == 'D')
			strbuf_addf(sb, "deleted file mode %s\n", mode_name(f->old_mode));
		else if (f->old_mode != f->new_mode)
			strbuf_addf(sb, "old mode %s\nnew mode %s\n", mode_name(f->old_mode), mode_name(f->new_mode));
		if (f->status == 'R')
			strbuf_addf(sb, "similarity index %d%%\nrename from %s\nrename to %s\n", f->similarity,
				    f->old_path, f->new_path);
		if (f->binary) {
			strbuf_addf(sb, "Binary files %s%s and %s%s differ\n", f->status == 'A' ? "" : "a/",
				    f->status == 'A' ? "/dev/null" : f->old_path, f->status == 'D' ? "" : "b/",
				    f->status == 'D' ? "/dev/null" : f->new_path);
			continue;
		}
		if (!f->nhunks)
			continue;
		strbuf_addf(sb, "--- %s%s\n+++ %s%s\n", f->status == 'A' ? "" : "a/",
			    f->status == 'A' ? "/dev/null" : f->old_path, f->status == 'D' ? "" : "b/",
			    f->status == 'D' ? "/dev/null" : f->new_path);
		for (size_t hi = 0; hi < f->nhunks; hi++) {
			const struct gitw_hunk *h = &d->hunks[f->first_hunk + hi];
			strbuf_addf(sb, "%s\n", h->header);
			for (size_t li = 0; li < h->nlines; li++) {
				const struct gitw_line *l = &d->lines[h->first_line + li];
				strbuf_addc(sb, l->origin);
				strbuf_add(sb, gitw_line_text(d, l), l->len);
				strbuf_addc(sb, '\n');
				if (l->no_eol)
					strbuf_adds(sb, "\\ No newline at end of file\n");
			}
		}
	}
}

static cJSON *diff_json(const struct gitw_diff *d)
{
	cJSON *files = cJSON_CreateArray();

	for (size_t fi = 0; fi < d->nfiles; fi++) {
		const struct gitw_file *f = &d->files[fi];
		cJSON *fo = cJSON_CreateObject(), *hunks = cJSON_CreateArray();
		char st[2] = { f->status, 0 };
		cJSON_AddStringToObject(fo, "path", f->new_path);
		cJSON_AddStringToObject(fo, "old_path", f->old_path);
		cJSON_AddStringToObject(fo, "status", st);
		cJSON_AddBoolToObject(fo, "binary", f->binary);
		cJSON_AddStringToObject(fo, "old_mode", mode_name(f->old_mode));
		cJSON_AddStringToObject(fo, "new_mode", mode_name(f->new_mode));
		cJSON_AddNumberToObject(fo, "adds", f->adds);
		cJSON_AddNumberToObject(fo, "dels", f->dels);
		for (size_t hi = 0; hi < f->nhunks; hi++) {
			const struct gitw_hunk *h = &d->hunks[f->first_hunk + hi];
			cJSON *ho = cJSON_CreateObject(), *lines = cJSON_CreateArray();
			cJSON_AddStringToObject(ho, "header", h->header);
			cJSON_AddNumberToObject(ho, "old_start", h->old_start);
			cJSON_AddNumberToObject(ho, "old_lines", h->old_lines);
			cJSON_AddNumberToObject(ho, "new_start", h->new_start);
			cJSON_AddNumberToObject(ho, "new_lines", h->new_lines);
			cJSON_AddBoolToObject(ho, "unsafe", (h->flags & GITW_HUNK_UNSAFE_CHANGED) != 0);
			for (size_t li = 0; li < h->nlines; li++) {
				const struct gitw_line *l = &d->lines[h->first_line + li];
				cJSON *lo = cJSON_CreateObject();
				char o[2] = { l->origin, 0 };
				char *text = xstrndup(gitw_line_text(d, l), l->len);
				cJSON_AddStringToObject(lo, "origin", o);
				cJSON_AddNumberToObject(lo, "old", l->old_no);
				cJSON_AddNumberToObject(lo, "new", l->new_no);
				cJSON_AddStringToObject(lo, "text", text);
				free(text);
				cJSON_AddItemToArray(lines, lo);
			}
			cJSON_AddItemToObject(ho, "lines", lines);
			cJSON_AddItemToArray(hunks, ho);
		}
		cJSON_AddItemToObject(fo, "hunks", hunks);
		cJSON_AddItemToArray(files, fo);
	}
	return files;
}

static const char *kind_name(enum gitw_diff_kind k)
{
	switch (k) {
	case GITW_DIFF_UNSTAGED: return "unstaged";
	case GITW_DIFF_STAGED: return "staged";
	case GITW_DIFF_COMMIT: return "commit";
	case GITW_DIFF_RANGE: return "range";
	case GITW_DIFF_UNTRACKED: return "untracked";
	case GITW_DIFF_REV: return "rev";
	case GITW_DIFF_REV_STAGED: return "rev-staged";
	}
	return "?";
}

/*
 * /git-diff and /git-show: what git means by them. `git diff REV` is REV
 * against the work tree (--staged: against the index), `A..B` two trees,
 * `REV^!` and `git show REV` the commit's own change (REV^ -> REV).
 */
static int diff_common(struct cmd_ctx *ctx, const struct cmd_args *args, bool show)
{
	struct gitw *g = NULL;
	struct gitw_diff *d = NULL;
	const char *name = show ? "/git-show" : "/git-diff";
	const char *rev = args->npos ? args->pos[0] : NULL;
	const char *path = args->nrest ? args->rest[0] : NULL;
	bool staged = !show && cmd_arg_bool(args, "staged");
	enum gitw_diff_kind kind = GITW_DIFF_UNSTAGED;
	char *own = NULL, *header = NULL;
	int rc;

	if (args->nrest > 1)
		return cmd_fail(ctx, RWB_EUSAGE, "%s takes one PATH after --, got %d", name, args->nrest);
	if (rev && !*rev)
		return cmd_fail(ctx, RWB_EUSAGE, "%s: the revision is empty; give %s", name,
				show ? "REV" : "REV, REV^! or REV..REV");
	if (show && !rev)
		rev = "HEAD";
	if (rev) {
		size_t n = strlen(rev);
		if (n > 2 && strcmp(rev + n - 2, "^!") == 0) {
			rev = own = xstrndup(rev, n - 2);
			kind = GITW_DIFF_COMMIT;
		} else if (show) {
			kind = GITW_DIFF_COMMIT;
		} else if (strstr(rev, "..")) {
			kind = GITW_DIFF_RANGE;
		} else {
			kind = staged ? GITW_DIFF_REV_STAGED : GITW_DIFF_REV;
		}
		if (staged && kind != GITW_DIFF_REV_STAGED) {
			free(own);
			return cmd_fail(ctx, RWB_EUSAGE, "/git-diff: --staged takes one revision, not a range or REV^!");
		}
	} else if (staged) {
		kind = GITW_DIFF_STAGED;
	}
	if ((rc = open_repo(&g, ctx)) != 0) {
		free(own);
		return rc;
	}
	if ((rc = gitw_diff(&d, g, kind, rev, path)) != 0) {
		cmd_fail_last(ctx, rc);
		goto out;
	}
	if (show && gitw_commit_header(&header, g, rev) != 0)
		header = NULL;
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "view", "git-diff");   /* the git pane's diff view, for both */
	if (header)
		cJSON_AddStringToObject(ctx->result, "header", header);
	cJSON_AddStringToObject(ctx->result, "kind", kind_name(kind));
	if (rev)
		cJSON_AddStringToObject(ctx->result, "rev", rev);
	if (path)
		cJSON_AddStringToObject(ctx->result, "path", path);
	cJSON_AddNumberToObject(ctx->result, "file_count", (double)d->nfiles);
	cJSON_AddNumberToObject(ctx->result, "line_count", (double)d->nlines);
	if (ctx->json) /* the full model only when someone reads JSON */
		cJSON_AddItemToObject(ctx->result, "files", diff_json(d));
	if (ctx->tui && d->nlines > 2000) /* the prompt's results area is no place for it */
		strbuf_addf(&ctx->out, "diff of %zu files, %zu lines: the git pane (F4) shows it%s\n", d->nfiles,
			    d->nlines, kind == GITW_DIFF_COMMIT ? " (l, then Enter on the commit)" : " (D)");
	else if (!ctx->json) {
		if (show && header)
			strbuf_addf(&ctx->out, "%s\n\n", header);
		diff_text(&ctx->out, d);
	}
	if (!ctx->json && d->nfiles == 0)
		strbuf_adds(&ctx->out, "(no changes)\n");
out:
	gitw_diff_free(d);
	gitw_free(g);
	free(own);
	free(header);
	return rc;
}

static int run_diff(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return diff_common(ctx, args, false);
}

static int run_show(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return diff_common(ctx, args, true);
}

static int run_stage_common(struct cmd_ctx *ctx, const struct cmd_args *args, bool unstage)
{
	struct gitw *g = NULL;
	struct gitw_pick pick = { 0 };
	const char *path = args->pos[0], *lines = cmd_arg(args, "lines");
	const char *verb = unstage ? "unstage" : "stage";
	int rc;

	pick.hunk = (int)cmd_arg_int(args, "hunk", 0);
	if (lines && gitw_parse_range(&pick.lo, &pick.hi, lines))
		return cmd_fail(ctx, RWB_EUSAGE, "/git-%s: bad --lines '%s': use A-B with 1 <= A <= B (or one line A)",
				verb, lines);
	if (!*path)
		return cmd_fail(ctx, RWB_EUSAGE, "/git-%s: the path is empty", verb);
	if ((rc = open_repo(&g, ctx)) != 0)
		return rc;
	rc = unstage ? gitw_unstage(g, path, &pick) : gitw_stage(g, path, &pick);
	if (rc) {
		cmd_fail_last(ctx, rc);
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "path", path);
	cJSON_AddStringToObject(ctx->result, "action", unstage ? "unstaged" : "staged");
	if (pick.hunk)
		cJSON_AddNumberToObject(ctx->result, "hunk", pick.hunk);
	if (pick.lo) {
		cJSON_AddNumberToObject(ctx->result, "from_line", pick.lo);
		cJSON_AddNumberToObject(ctx->result, "to_line", pick.hi);
	}
	strbuf_addf(&ctx->out, "%s %s", unstage ? "unstaged" : "staged", path);
	if (pick.hunk)
		strbuf_addf(&ctx->out, " hunk %d", pick.hunk);
	if (pick.lo)
		strbuf_addf(&ctx->out, " lines %d-%d", pick.lo, pick.hi);
	strbuf_addc(&ctx->out, '\n');
out:
	gitw_free(g);
	return rc;
}

static int run_stage(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return run_stage_common(ctx, args, false);
}

static int run_unstage(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return run_stage_common(ctx, args, true);
}

static int run_commit(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct gitw *g = NULL;
	const char *msg = cmd_arg(args, "message");
	bool amend = cmd_arg_bool(args, "amend");
	char oid[41];
	int rc;

	if (!msg && !amend)
		return cmd_fail(ctx, RWB_EUSAGE, "/git-commit needs a message: -m MSG (or --amend to keep the last one)");
	if ((rc = open_repo(&g, ctx)) != 0)
		return rc;
	if ((rc = gitw_commit(oid, g, msg, amend)) != 0) {
		cmd_fail_last(ctx, rc);
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "commit", oid);
	cJSON_AddBoolToObject(ctx->result, "amend", amend);
	strbuf_addf(&ctx->out, "%s %.12s\n", amend ? "amended" : "committed", oid);
out:
	gitw_free(g);
	return rc;
}

static int run_push(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct gitw *g = NULL;
	const char *remote = args->npos > 0 ? args->pos[0] : NULL;
	const char *branch = args->npos > 1 ? args->pos[1] : NULL;
	char summary[1200];
	int rc;

	if ((remote && !*remote) || (branch && !*branch))
		return cmd_fail(ctx, RWB_EUSAGE, "/git-push: empty remote or branch name");
	if ((rc = open_repo(&g, ctx)) != 0)
		return rc;
	if ((rc = gitw_push(summary, sizeof(summary), g, remote, branch)) != 0) {
		cmd_fail_last(ctx, rc);
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "pushed", summary);
	strbuf_addf(&ctx->out, "pushed %s\n", summary);
out:
	gitw_free(g);
	return rc;
}

static void iso_date(char *buf, size_t n, int64_t t, int tz_minutes)
{
	time_t local = (time_t)(t + (int64_t)tz_minutes * 60);
	struct tm tm;
	/* git keeps offsets within +-99:59; clamp so the text always fits */
	int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;

	if (off > 99 * 60 + 59)
		off = 99 * 60 + 59;
	gmtime_r(&local, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tz_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

static int run_log(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct gitw *g = NULL;
	struct gitw_log *log = NULL;
	const char *path = args->npos ? args->pos[0] : NULL;
	cJSON *arr;
	int rc;

	if ((rc = open_repo(&g, ctx)) != 0)
		return rc;
	if ((rc = gitw_log(&log, g, (int)cmd_arg_int(args, "max-count", 0), path)) != 0) {
		cmd_fail_last(ctx, rc);
		goto out;
	}
	ctx->result = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(ctx->result, "commits");
	for (int i = 0; i < log->n; i++) {
		const struct gitw_commit_info *c = &log->commits[i];
		cJSON *o = cJSON_CreateObject();
		char date[96];
		iso_date(date, sizeof(date), c->time, c->tz_minutes);
		cJSON_AddStringToObject(o, "hash", c->oid);
		cJSON_AddStringToObject(o, "date", date);
		cJSON_AddStringToObject(o, "author", c->author);
		cJSON_AddStringToObject(o, "email", c->email);
		cJSON_AddStringToObject(o, "summary", c->summary);
		cJSON_AddItemToArray(arr, o);
		strbuf_addf(&ctx->out, "%.7s %.10s %-16s %s\n", c->oid, date, c->author, c->summary);
	}
out:
	gitw_log_free(log);
	gitw_free(g);
	return rc;
}

static const struct cmd_flag diff_flags[] = {
	F_BOOL("staged", "the index instead of the work tree (git diff --cached)"),
	F_END
};

static const struct cmd_flag stage_flags[] = {
	F_INT("hunk", "N", 1, 1000000, "only hunk N (from 1, in git diff order)"),
	F_STR("lines", "A-B", "only work-tree lines A to B"),
	F_END
};

static const struct cmd_flag commit_flags[] = {
	{ .name = "message", .short_name = 'm', .type = FLAG_STRING, .metavar = "MSG",
	  .help = "the commit message" },
	F_BOOL("amend", "replace the last commit"),
	F_END
};

static const struct cmd_flag log_flags[] = {
	{ .name = "max-count", .short_name = 'n', .type = FLAG_INT, .metavar = "N", .min = 1,
	  .max = 10000000, .help = "at most N commits" },
	F_END
};

const struct cmd_def commands_git[] = {
	{ .name = "git-status", .group = "Git",
	  .summary = "branch, ahead/behind, staged, unstaged, untracked and conflicted files" ,
	  .run = run_status },
	{ .name = "git-diff", .group = "Git",
	  .summary = "as git diff: unstaged, --staged, REV against the work tree, A..B, REV^!",
	  .flags = diff_flags, .positional = "REV[..REV]", .max_pos = 1, .passthrough = true,
	  .pos_complete = COMPLETE_GITREF ,
	  .run = run_diff },
	{ .name = "git-show", .group = "Git", .summary = "a commit's own change (REV^ to REV), as git show",
	  .positional = "[REV]", .max_pos = 1, .passthrough = true,
	  .pos_complete = COMPLETE_GITREF ,
	  .run = run_show },
	{ .name = "git-stage", .group = "Git", .summary = "stage a file, a hunk or a range of lines",
	  .flags = stage_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH ,
	  .run = run_stage },
	{ .name = "git-unstage", .group = "Git", .summary = "unstage a file, a hunk or a range of lines",
	  .flags = stage_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH ,
	  .run = run_unstage },
	{ .name = "git-commit", .group = "Git",
	  .summary = "commit with the configured identity; refuses an empty commit",
	  .flags = commit_flags ,
	  .run = run_commit },
	{ .name = "git-push", .group = "Git", .summary = "push to a remote (ssh agent or credential helper)",
	  .positional = "[REMOTE] [BRANCH]", .max_pos = 2, .pos_complete = COMPLETE_GITREF ,
	  .run = run_push },
	{ .name = "git-log", .group = "Git", .summary = "history list; Enter shows a commit's diff",
	  .flags = log_flags, .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH ,
	  .run = run_log },
	{ .name = NULL }
};
