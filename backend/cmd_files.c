/*
 * cmd_files.c - file viewer, editor job, glob and grep.
 *
 * /file-read answers {"view":"file",...} so the TUI opens the viewer
 * (panes/viewer.c); on the command line it prints the numbered lines,
 * sanitized. /file-edit runs the user's editor with argv only (the
 * EDITOR value is split into words, never given to a shell); in the TUI it
 * is a job in the terminal pane. /glob-search and /grep-search walk the
 * repository through files.c, so .gitignore is honoured the same way.
 *
 * /file-write replaces a file's content (from --content, --from or
 * standard input): a new file is written at once, an existing one only
 * after the diff was shown and confirmed (--yes; the TUI asks), through
 * scaffold_write_atomic() (temporary file in the same folder, fsync,
 * rename, mode kept). A relative path must stay inside the repository
 * (symbolic links included); an absolute one may go anywhere. In the TUI
 * without content it hands over to /file-edit ("view": "edit").
 */
#define _GNU_SOURCE
#include "commands.h"
#include "cmdline.h"
#include "error.h"
#include "files.h"
#include "proc.h"
#include "sanitize.h"
#include "scaffold.h"
#include "store.h"
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
#define WRITE_MAX_BYTES (64L * 1024 * 1024) /* content /file-write takes */

static const struct cmd_flag line_flags[] = {
	F_INT("line", "N", 1, 2147483647, "open at line N"),
	F_END
};

static const struct cmd_flag write_flags[] = {
	F_STR("content", "TEXT", "the new content (else --from, else standard input)"),
	F_PATH("from", "FILE", "read the new content from FILE"),
	F_BOOL("yes", "replace an existing file without asking"),
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
	int rc;

	if (!ed || !*ed)
		ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = "vi";
	rc = cmdline_split(ed, argv, argc);
	if (rc == RWB_OK && *argc == 0) {
		cmdline_free_argv(*argv, *argc);
		rc = rwb_fail(RWB_EUSAGE, "it is empty");
	}
	if (rc)
		rc = cmd_fail(ctx, RWB_EENV, "cannot use EDITOR '%s': %s", ed, rwb_last_error());
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

/* ---- /file-write ---- */

/* Reads all of fd (at most WRITE_MAX_BYTES) into *out; -1 with errno, or
 * -2 when it is larger. */
static int write_slurp(int fd, struct strbuf *out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (out->len + (size_t)n > (size_t)WRITE_MAX_BYTES)
			return -2;
		strbuf_add(out, buf, (size_t)n);
	}
	return 0;
}

/* The deepest existing folder of path (allocated, real path). */
static char *write_existing_parent(const char *path)
{
	char *dup = xstrdup(path), *real = NULL;

	for (;;) {
		char *slash = strrchr(dup, '/');
		if (!slash) {
			real = realpath(".", NULL);
			break;
		}
		*slash = '\0';
		if ((real = realpath(*dup ? dup : "/", NULL)) != NULL)
			break;
	}
	free(dup);
	return real;
}

/* Whether a relative path stays in the repository: no ".." above its root,
 * and the folder it lands in (symbolic links followed) is inside it. */
static bool write_inside(const char *repo, const char *rel, const char *abs)
{
	char *root = realpath(repo, NULL), *parent;
	int depth = 0;
	bool inside;

	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (n && !(n == 1 && p[0] == '.'))
			depth++;
		if (depth < 0) {
			free(root);
			return false;
		}
		p += n;
		p += *p == '/';
	}
	parent = write_existing_parent(abs);
	inside = root && parent && strncmp(parent, root, strlen(root)) == 0 &&
		 (parent[strlen(root)] == '\0' || parent[strlen(root)] == '/' || strcmp(root, "/") == 0);
	free(root);
	free(parent);
	return inside;
}

static int run_file_write(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *path = args->pos[0], *content = cmd_arg(args, "content"), *from = cmd_arg(args, "from");
	const char *repo = ctx->repo ? ctx->repo : ".";
	struct strbuf text = STRBUF_INIT, old = STRBUF_INIT, diff = STRBUF_INIT;
	char *abs = NULL;
	const char *source;
	bool exists, yes = ctx->yes || cmd_arg_bool(args, "yes"), binary;
	struct stat st;
	int rc = RWB_OK, fd;

	if (!*path)
		return cmd_fail(ctx, RWB_EUSAGE, "/file-write needs a PATH");
	if (content && from)
		return cmd_fail(ctx, RWB_EUSAGE, "give --content or --from, not both");
	abs = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", repo, path);
	if (path[0] != '/' && !write_inside(repo, path, abs)) {
		rc = cmd_fail(ctx, RWB_EINPUT, "%s is outside the repository %s: give an absolute path to write there",
			      path, repo);
		goto out;
	}
	if (stat(abs, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = cmd_fail(ctx, RWB_EINPUT, "%s is not a regular file: give a file to write", path);
		goto out;
	}
	if (!content && !from && ctx->tui) {
		/* the prompt has no standard input: the editor writes the file
		 * (a new one is made empty first, /file-edit opens existing files) */
		if (access(abs, F_OK) != 0 && scaffold_write_atomic(abs, "", 0) != RWB_OK) {
			rc = cmd_fail(ctx, RWB_EIO, "cannot create %s: %s", abs, strerror(errno));
			goto out;
		}
		ctx->result = cJSON_CreateObject();
		cJSON_AddStringToObject(ctx->result, "view", "edit");
		cJSON_AddStringToObject(ctx->result, "path", abs);
		strbuf_addf(&ctx->out, "no --content or --from: opening %s in $EDITOR", path);
		goto out;
	}
	if (content) {
		strbuf_adds(&text, content);
		source = "--content";
	} else {
		int r;
		if (from) {
			fd = open(from, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				rc = cmd_fail(ctx, RWB_ENOTFOUND, "cannot read --from %s: %s", from, strerror(errno));
				goto out;
			}
			source = from;
		} else {
			if (isatty(STDIN_FILENO)) {
				rc = cmd_fail(ctx, RWB_EUSAGE, "no content: give --content TEXT, --from FILE or pipe it "
					      "on standard input (or use /file-edit %s)", path);
				goto out;
			}
			fd = STDIN_FILENO;
			source = "standard input";
		}
		r = write_slurp(fd, &text);
		if (fd != STDIN_FILENO)
			close(fd);
		if (r == -2) {
			rc = cmd_fail(ctx, RWB_EINPUT, "the content from %s is larger than %ld MiB", source,
				      WRITE_MAX_BYTES >> 20);
			goto out;
		}
		if (r < 0) {
			rc = cmd_fail(ctx, RWB_EIO, "cannot read %s: %s", source, strerror(errno));
			goto out;
		}
	}
	exists = stat(abs, &st) == 0;
	if (exists) {
		fd = open(abs, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || write_slurp(fd, &old) != 0) {
			if (fd >= 0)
				close(fd);
			rc = cmd_fail(ctx, errno == EACCES ? RWB_EPERM : RWB_EIO, "cannot read %s: %s", abs,
				      strerror(errno));
			goto out;
		}
		close(fd);
	}
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "path", abs);
	cJSON_AddStringToObject(ctx->result, "source", source);
	cJSON_AddNumberToObject(ctx->result, "bytes", (double)text.len);
	cJSON_AddStringToObject(ctx->result, "action", exists ? "replace" : "create");
	if (exists && old.len == text.len && (!text.len || memcmp(old.buf, text.buf, text.len) == 0)) {
		cJSON_AddBoolToObject(ctx->result, "needs_confirmation", false);
		cJSON_AddBoolToObject(ctx->result, "written", false);
		cJSON_AddStringToObject(ctx->result, "diff", "");
		strbuf_addf(&ctx->out, "%s already has this content: nothing to write\n", path);
		goto out;
	}
	binary = (text.len && (memchr(text.buf, '\0', text.len) || files_looks_binary(text.buf, text.len))) ||
		 (old.len && (memchr(old.buf, '\0', old.len) || files_looks_binary(old.buf, old.len)));
	if (binary)
		strbuf_addf(&diff, "binary content: %s has %zu bytes, the new content %zu\n", path, old.len, text.len);
	else
		scaffold_diff(&diff, path, exists ? strbuf_str(&old) : NULL, strbuf_str(&text));
	cJSON_AddStringToObject(ctx->result, "diff", strbuf_str(&diff));
	if (exists && !yes) {
		cJSON_AddBoolToObject(ctx->result, "needs_confirmation", true);
		cJSON_AddBoolToObject(ctx->result, "written", false);
		strbuf_addf(&ctx->out, "replace %s\n", path);
		if (!ctx->tui)
			sanitize_text(&ctx->out, strbuf_str(&diff), diff.len, SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB);
		if (!ctx->tui)
			strbuf_adds(&ctx->out, "nothing written: run again with --yes to replace the file\n");
		goto out;
	}
	if (scaffold_write_atomic(abs, text.buf ? text.buf : "", text.len) != RWB_OK) {
		rc = cmd_fail(ctx, errno == EACCES ? RWB_EPERM : RWB_EIO, "cannot write %s: %s", abs, strerror(errno));
		goto out;
	}
	cJSON_AddBoolToObject(ctx->result, "needs_confirmation", false);
	cJSON_AddBoolToObject(ctx->result, "written", true);
	if (ctx->store) {
		/* what was written, by hash: the write is a store change, so the run
		 * is recorded (job row and history) as /file-edit's are */
		char h[17], *key = xasprintf("file-write:%s", abs);
		scaffold_hash(h, text.buf ? text.buf : "", text.len);
		store_setting_set(ctx->store, key, h);
		free(key);
	}
	strbuf_addf(&ctx->out, "%s %s (%zu bytes from %s)\n", exists ? "replaced" : "created", path, text.len, source);
out:
	strbuf_free(&text);
	strbuf_free(&old);
	strbuf_free(&diff);
	free(abs);
	return rc;
}

static int run_glob(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	cJSON *res = NULL, *m;
	int rc = files_glob(&res, ctx->repo ? ctx->repo : ".", args->pos[0]);

	if (rc)
		return cmd_fail_last(ctx, rc);
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
	return RWB_OK;
}

static int run_grep(struct cmd_ctx *ctx, const struct cmd_args *args)
{
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
	rc = files_grep(&res, &n, ctx->repo ? ctx->repo : ".", &o);
	free(types);

	if (rc)
		return cmd_fail_last(ctx, rc);
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
	return RWB_OK;
}

const struct cmd_def commands_files[] = {
	{ .name = "file-read", .group = "Files", .summary = "read-only viewer with Rust highlighting",
	  .flags = line_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH, .run = run_file_read },
	{ .name = "file-edit", .group = "Files", .summary = "$EDITOR in the terminal pane",
	  .flags = line_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH, .traits = CMD_JOB | CMD_KEYS, .run = run_file_edit },
	{ .name = "file-write", .group = "Files",
	  .summary = "write a file from --content, --from or stdin; shows the diff and asks before replacing",
	  .flags = write_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH, .traits = CMD_CONFIRM, .run = run_file_write },
	{ .name = "glob-search", .group = "Files", .summary = "**/*.rs style matching, honours .gitignore",
	  .positional = "PATTERN", .min_pos = 1, .max_pos = 1, .run = run_glob },
	{ .name = "grep-search", .group = "Files", .summary = "regex search; results open at file:line",
	  .flags = grep_flags, .positional = "REGEX", .min_pos = 1, .max_pos = 1, .run = run_grep },
	{ .name = NULL }
};
