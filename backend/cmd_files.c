/*
 * cmd_files.c - file viewer, editor job, glob and grep.
 *
 * /file-read answers {"view":"file",...} so the TUI opens the viewer
 * (panes/viewer.c); on the command line it prints the numbered lines,
 * sanitized. /file-edit runs the user's editor with argv only (the
 * EDITOR value is split into words, never given to a shell); in the TUI it
 * is a job in the terminal pane. /glob-search and /grep-search walk the
 * repository through files.c, so .gitignore is honoured the same way.
 */
#define _GNU_SOURCE
#include "commands.h"
#include "cmdline.h"
#include "error.h"
#include "files.h"
#include "proc.h"
#include "sanitize.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ_MAX_LINES 200000   /* lines /file-read prints on the command line */

static const struct cmd_flag line_flags[] = {
	F_INT("line", "N", 1, 2147483647, "open at line N"),
	F_END
};

static const struct cmd_flag grep_flags[] = {
	{ .name = "type", .short_name = 't', .type = FLAG_STRING, .metavar = "TYPE", .flags = FLAGF_REPEAT,
	  .help = "only files of this type: rs, toml, md, c, h, py, js, ts, json, yaml, txt, ... "
		  "(-type rs and -t rs too; several allowed)" },
	F_INT("max", "N", 1, 10000000, "stop after N matches (default 100000)"),
	F_END
};

/* The absolute path of a PATH argument: relative to the repository first,
 * then to the current folder. *st is filled; RWB_ENOTFOUND when missing. */
static int resolve(struct cmd_ctx *ctx, char **abs, struct stat *st, const char *path, bool want_dir)
{
	char *cand[2] = { NULL, NULL };
	int rc = RWB_ENOTFOUND;

	*abs = NULL;
	if (path[0] == '/') {
		cand[0] = xstrdup(path);
	} else {
		cand[0] = xasprintf("%s/%s", ctx->repo ? ctx->repo : ".", path);
		cand[1] = xstrdup(path);
	}
	for (int i = 0; i < 2 && cand[i]; i++) {
		if (stat(cand[i], st) == 0) {
			char *real = realpath(cand[i], NULL);
			if (!real)
				continue;
			if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
				rc = cmd_fail(ctx, RWB_EINPUT, "%s is not a regular file: give a file to %s",
					      path, want_dir ? "search" : "open");
				free(real);
				goto out;
			}
			*abs = xstrdup(real);
			free(real);
			rc = RWB_OK;
			goto out;
		}
	}
	rc = cmd_fail(ctx, RWB_ENOTFOUND, "no such file: %s (paths are relative to the repository %s)",
		      path, ctx->repo ? ctx->repo : ".");
out:
	free(cand[0]);
	free(cand[1]);
	return rc;
}

/* Prints the numbered, sanitized lines of a mapped file from line `from`. */
static void print_lines(struct strbuf *out, const char *buf, size_t size, long from)
{
	const char *p = buf, *end = buf + size;
	long line = 1, shown = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (line >= from) {
			if (shown == READ_MAX_LINES) {
				strbuf_addf(out, "... (more lines follow; use --line %ld)\n", line);
				return;
			}
			strbuf_addf(out, "%6ld  ", line);
			sanitize_text(out, p, (size_t)(le - p), SANITIZE_TAB_SPACES);
			strbuf_addc(out, '\n');
			shown++;
		}
		line++;
		p = nl ? nl + 1 : end;
	}
}

static int run_file_read(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct stat st;
	char *abs = NULL;
	long line = cmd_arg_int(args, "line", 1);
	bool binary = false;
	int rc, fd;

	rc = resolve(ctx, &abs, &st, args->pos[0], false);
	if (rc)
		return rc;
	fd = open(abs, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = cmd_fail(ctx, errno == EACCES ? RWB_EPERM : RWB_EIO, "cannot open %s: %s", abs,
			      strerror(errno));
		goto out;
	}
	if (st.st_size > 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			rc = cmd_fail(ctx, RWB_EIO, "cannot read %s: %s", abs, strerror(errno));
			goto out;
		}
		binary = files_looks_binary(map, (size_t)st.st_size);
		if (!ctx->tui && !ctx->json)
			print_lines(&ctx->out, map, (size_t)st.st_size, line);
		munmap(map, (size_t)st.st_size);
	}
	close(fd);
	if (ctx->tui)
		strbuf_addf(&ctx->out, "opened %s at line %ld", args->pos[0], line);
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "view", "file");
	cJSON_AddStringToObject(ctx->result, "path", abs);
	cJSON_AddNumberToObject(ctx->result, "line", (double)line);
	cJSON_AddNumberToObject(ctx->result, "size", (double)st.st_size);
	cJSON_AddBoolToObject(ctx->result, "binary", binary);
out:
	free(abs);
	return rc;
}

/* The editor's words: EDITOR, else VISUAL, else vi; split like the prompt. */
static int editor_argv(struct cmd_ctx *ctx, char ***argv, int *argc)
{
	const char *ed = getenv("EDITOR");
	struct strbuf err = STRBUF_INIT;
	int rc;

	if (!ed || !*ed)
		ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = "vi";
	rc = cmdline_split(ed, argv, argc, &err);
	if (rc == RWB_OK && *argc == 0) {
		cmdline_free_argv(*argv, *argc);
		rc = RWB_EUSAGE;
		strbuf_adds(&err, "it is empty");
	}
	if (rc)
		rc = cmd_fail(ctx, RWB_EENV, "cannot use EDITOR '%s': %s", ed, strbuf_str(&err));
	strbuf_free(&err);
	return rc;
}

static int run_file_edit(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct stat st;
	char *abs = NULL, **ed = NULL, **argv = NULL, *plus = NULL;
	int edc = 0, n = 0, rc, status;
	long line = cmd_arg_int(args, "line", 0);
	struct proc_opts popts = { 0 };
	struct proc_result res;

	rc = resolve(ctx, &abs, &st, args->pos[0], false);
	if (rc)
		return rc;
	rc = editor_argv(ctx, &ed, &edc);
	if (rc)
		goto out;
	argv = xcalloc((size_t)edc + 3, sizeof(*argv));
	for (int i = 0; i < edc; i++)
		argv[n++] = ed[i];
	if (line > 0) {
		plus = xasprintf("+%ld", line);
		argv[n++] = plus;
	}
	argv[n++] = abs;
	argv[n] = NULL;
	/* the editor shares the terminal; with --json stdout holds only the answer */
	popts.inherit_stdio = true;
	popts.stdout_to_stderr = ctx->json;
	if (proc_run(&res, argv, &popts) != RWB_OK) {
		rc = cmd_fail(ctx, RWB_ENOTOOL, "%s: set EDITOR to an installed editor", res.errmsg);
		goto out;
	}
	status = res.status;
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "path", abs);
	cJSON_AddStringToObject(ctx->result, "editor", argv[0]);
	cJSON_AddNumberToObject(ctx->result, "exit_status", status);
	strbuf_addf(&ctx->out, "edited %s with %s\n", abs, argv[0]);
	if (status != 0)
		ctx->negative = true;
out:
	free(plus);
	free(argv);
	if (ed)
		cmdline_free_argv(ed, edc);
	free(abs);
	return rc;
}

static int run_glob(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct strbuf err = STRBUF_INIT;
	cJSON *res = NULL, *m;
	int rc = files_glob(&res, ctx->repo ? ctx->repo : ".", args->pos[0], &err);

	if (rc) {
		rc = cmd_fail(ctx, rc, "%s", strbuf_str(&err));
		strbuf_free(&err);
		return rc;
	}
	m = cJSON_GetObjectItem(res, "matches");
	if (ctx->tui) {
		int n = cJSON_GetArraySize(m), i = 0;
		strbuf_addf(&ctx->out, "%d file%s match %s", n, n == 1 ? "" : "s", args->pos[0]);
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(res, "matches")) {
			if (i++ == 50) {
				strbuf_adds(&ctx->out, "\n...");
				break;
			}
			strbuf_addc(&ctx->out, '\n');
			sanitize_text(&ctx->out, m->valuestring, strlen(m->valuestring), 0);
		}
	} else if (!ctx->json) {
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(res, "matches")) {
			sanitize_text(&ctx->out, m->valuestring, strlen(m->valuestring), 0);
			strbuf_addc(&ctx->out, '\n');
		}
	}
	if (!ctx->json && cJSON_GetArraySize(cJSON_GetObjectItem(res, "matches")) == 0) {
		strbuf_reset(&ctx->out);
		strbuf_addf(&ctx->out, "no file matches %s\n", args->pos[0]);
	}
	ctx->result = res;
	strbuf_free(&err);
	return RWB_OK;
}

static int run_grep(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct strbuf err = STRBUF_INIT;
	const char **types = xcalloc((size_t)args->nvalues + 1, sizeof(*types));
	struct files_grep_opts o = {
		.regex = args->pos[0],
		.types = types,
		.max_matches = (size_t)cmd_arg_int(args, "max", 0),
	};
	cJSON *res = NULL, *m;
	size_t n = 0;
	int rc;

	for (int i = 0; cmd_arg_nth(args, "type", i); i++)
		types[i] = cmd_arg_nth(args, "type", i);
	rc = files_grep(&res, &n, ctx->repo ? ctx->repo : ".", &o, &err);
	free(types);

	if (rc) {
		rc = cmd_fail(ctx, rc, "%s", strbuf_str(&err));
		strbuf_free(&err);
		return rc;
	}
	if (ctx->tui) {
		strbuf_addf(&ctx->out, "%zu match%s for %s", n, n == 1 ? "" : "es", args->pos[0]);
		if (n)
			cJSON_AddStringToObject(res, "view", "grep");
		cJSON_AddStringToObject(res, "root", ctx->repo ? ctx->repo : ".");
	} else if (!ctx->json) {
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(res, "matches")) {
			strbuf_addf(&ctx->out, "%s:%d:%d:%s\n",
				    cJSON_GetObjectItem(m, "file")->valuestring,
				    cJSON_GetObjectItem(m, "line")->valueint,
				    cJSON_GetObjectItem(m, "column")->valueint,
				    cJSON_GetObjectItem(m, "text")->valuestring);
		}
		if (!n)
			strbuf_addf(&ctx->out, "no match for %s\n", args->pos[0]);
		if (cJSON_IsTrue(cJSON_GetObjectItem(res, "truncated")))
			strbuf_addf(&ctx->out, "(stopped after %zu matches; use --max N)\n", n);
	}
	ctx->result = res;
	strbuf_free(&err);
	return RWB_OK;
}

const struct cmd_def commands_files[] = {
	{ .name = "file-read", .group = "Files", .summary = "read-only viewer with Rust highlighting",
	  .flags = line_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH, .run = run_file_read },
	{ .name = "file-edit", .group = "Files", .summary = "$EDITOR in the terminal pane",
	  .flags = line_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH, .traits = CMD_JOB | CMD_KEYS, .run = run_file_edit },
	{ .name = "glob-search", .group = "Files", .summary = "**/*.rs style matching, honours .gitignore",
	  .positional = "PATTERN", .min_pos = 1, .max_pos = 1, .run = run_glob },
	{ .name = "grep-search", .group = "Files", .summary = "regex search; results open at file:line",
	  .flags = grep_flags, .positional = "REGEX", .min_pos = 1, .max_pos = 1, .run = run_grep },
	{ .name = NULL }
};
