/*
 * coverage.c - test coverage through -C instrument-coverage, llvm-profdata
 * and llvm-cov (see coverage.h).
 *
 * The tool pairs are tried in order (RWB_LLVM_TOOLS="PROFDATA,COV;..." when
 * set, else rustup's llvm-tools, then /usr/bin/llvm-profdata-N with
 * llvm-cov-N, N from 30 down, then the unversioned names): the first whose
 * llvm-profdata merges the run's raw profiles and whose llvm-cov exports
 * them is used, which is the exact test of "reads this toolchain's format"
 * (rustc's LLVM version alone says too little: Debian's LLVM 19 reads what
 * rustc 1.95's LLVM 22 writes, LLVM 14 does not). When none does, the raw
 * profile's header version names the oldest LLVM that reads it.
 *
 * Stored per repository (one row per project in coverage_runs, its files
 * in coverage_files with the executed and missed lines as "1-4,7" ranges),
 * replaced by each run.
 */
#define _GNU_SOURCE
#include "coverage.h"
#include "error.h"
#include "metrics.h"
#include "proc.h"
#include "registry.h"
#include "schema.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINES 10000000     /* a line number beyond this in llvm-cov's output is refused */

/* ---- the report ---------------------------------------------------------------- */

void coverage_report_release(struct coverage_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->files[i].file);
		free(r->files[i].hits);
	}
	free(r->files);
	memset(r, 0, sizeof(*r));
}

double coverage_pct(struct coverage_count c)
{
	return c.count > 0 ? 100.0 * (double)c.covered / (double)c.count : 100.0;
}

/* path relative to root ("/a/b" under "/a" is "b"), or NULL when outside. */
static const char *under_root(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) != 0 || path[n] != '/')
		return NULL;
	path += n;
	while (*path == '/')
		path++;
	/* a name that climbs out of the root is not the crate's */
	if (!*path || strcmp(path, "..") == 0 || strncmp(path, "../", 3) == 0 ||
	    strstr(path, "/../") || (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
		return NULL;
	return path;
}

static struct coverage_count count_of(const cJSON *summary, const char *kind)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(summary, kind);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "count");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "covered");
	struct coverage_count r = { 0, 0 };

	if (cJSON_IsNumber(c) && cJSON_IsNumber(v) && c->valuedouble >= 0 && c->valuedouble < 1e12 &&
	    v->valuedouble >= 0 && v->valuedouble <= c->valuedouble) {
		r.count = (long)c->valuedouble;
		r.covered = (long)v->valuedouble;
	}
	return r;
}

static void count_add(struct coverage_count *a, struct coverage_count b)
{
	a->count += b.count;
	a->covered += b.covered;
}

static struct coverage_filerep *report_find(struct coverage_report *r, const char *rel)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->files[i].file, rel) == 0)
			return &r->files[i];
	return NULL;
}

int coverage_parse_summary(struct coverage_report *r, const char *json, const char *root)
{
	cJSON *doc = cJSON_Parse(json ? json : "");
	const cJSON *data, *d, *files, *f;
	int rc = RWB_OK;

	data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	if (!cJSON_IsArray(data)) {
		rc = RWB_EINPUT;
		goto out;
	}
	cJSON_ArrayForEach(d, data) {
		files = cJSON_GetObjectItemCaseSensitive(d, "files");
		cJSON_ArrayForEach(f, files) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "filename");
			const cJSON *sum = cJSON_GetObjectItemCaseSensitive(f, "summary");
			const char *rel;
			struct coverage_filerep *fr;
			if (!cJSON_IsString(name) || !cJSON_IsObject(sum))
				continue;
			rel = under_root(name->valuestring, root);
			if (!rel || report_find(r, rel))
				continue;
			if (r->n == r->cap) {
				r->cap = r->cap ? r->cap * 2 : 16;
				r->files = xrealloc(r->files, r->cap * sizeof(*r->files));
			}
			fr = &r->files[r->n++];
			memset(fr, 0, sizeof(*fr));
			fr->file = xstrdup(rel);
			fr->lines = count_of(sum, "lines");
			fr->regions = count_of(sum, "regions");
			fr->functions = count_of(sum, "functions");
			count_add(&r->lines, fr->lines);
			count_add(&r->regions, fr->regions);
			count_add(&r->functions, fr->functions);
		}
	}
out:
	cJSON_Delete(doc);
	return rc;
}

/* Parses a decimal in [0, max] at *p; advances *p. */
static bool parse_num(const char **p, const char *end, long max, long *v)
{
	long n = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		if (n > (LONG_MAX - 9) / 10)
			return false;
		n = n * 10 + (*s++ - '0');
	}
	if (n > max)
		return false;
	*p = s;
	*v = n;
	return true;
}

int coverage_parse_lcov(struct coverage_report *r, const char *text, size_t len, const char *root)
{
	const char *p = text, *end = text + len;
	struct coverage_filerep *cur = NULL;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le - p > 3 && memcmp(p, "SF:", 3) == 0) {
			char *path = xstrndup(p + 3, (size_t)(le - p - 3));
			const char *rel = under_root(path, root);
			cur = rel ? report_find(r, rel) : NULL;
			free(path);
		} else if (cur && le - p > 3 && memcmp(p, "DA:", 3) == 0) {
			const char *s = p + 3;
			long line, hits;
			if (parse_num(&s, le, MAX_LINES, &line) && line >= 1 && s < le && *s == ',') {
				s++;
				/* llvm-cov prints counts as unsigned 64-bit: saturate */
				hits = 0;
				while (s < le && *s >= '0' && *s <= '9')
					hits = hits < 1000000 ? hits * 10 + (*s++ - '0') : (s++, hits);
				if (line >= cur->cap) {
					/* doubling: llvm-cov lists a file's lines one by one */
					long cap = cur->cap ? 2L * cur->cap : 64;
					if (cap <= line)
						cap = line + 1;
					cur->hits = xrealloc(cur->hits, (size_t)cap * sizeof(*cur->hits));
					for (long i = cur->cap; i < cap; i++)
						cur->hits[i] = COVERAGE_NONE;
					cur->cap = (int)cap;
				}
				if (line > cur->nlines)
					cur->nlines = (int)line;
				if (cur->hits[line] != COVERAGE_HIT)
					cur->hits[line] = hits > 0 ? COVERAGE_HIT : COVERAGE_MISSED;
			}
		} else if (le - p >= 13 && memcmp(p, "end_of_record", 13) == 0) {
			cur = NULL;
		}
		p = nl ? nl + 1 : NULL;
	}
	return RWB_OK;
}

/* ---- tools ------------------------------------------------------------------------ */

struct tool_pair {
	char *profdata, *cov;        /* owned paths or names */
	char *label;                 /* owned: "llvm-19", "rustup llvm-tools", ... */
};

struct coverage_run {
	char *repo;                  /* owned: real path of the crate's folder */
	char *target;                /* owned: the coverage target directory */
	char *profdir;               /* owned: TARGET/profraw, emptied per run */
	char *docdir;                /* owned: TARGET/doctests, emptied per run */
	struct tool_pair *tools;     /* owned candidates, in the order tried */
	int ntools;
	char *env_strings[8];        /* owned NAME=VALUE */
	const char **env;            /* owned array: base + env_strings, NULL-terminated */
	int rustc_llvm;              /* rustc's LLVM major, 0 unknown */
};

static void add_tool(struct coverage_run *r, const char *pd, const char *cov, const char *label)
{
	if (!proc_in_path(pd) || !proc_in_path(cov))
		return;
	r->tools = xrealloc(r->tools, (size_t)(r->ntools + 1) * sizeof(*r->tools));
	r->tools[r->ntools++] = (struct tool_pair){ xstrdup(pd), xstrdup(cov), xstrdup(label) };
}

static int rustc_llvm_major(const char *repo)
{
	char *argv[] = { "rustc", "--version", "--verbose", NULL };
	char *out = proc_output(argv, repo, 0), *v;
	int major = 0;

	if (out && (v = strstr(out, "LLVM version: ")))
		major = atoi(v + 14);
	free(out);
	return major;
}

static void find_tools(struct coverage_run *r)
{
	const char *forced = getenv("RWB_LLVM_TOOLS");

	if (forced && *forced) {
		char *copy = xstrdup(forced), *save = NULL;
		for (char *pair = strtok_r(copy, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
			char *comma = strchr(pair, ',');
			if (!comma)
				continue;
			*comma = '\0';
			add_tool(r, pair, comma + 1, pair);
		}
		free(copy);
		return;
	}
	/* rustup's llvm-tools component matches its toolchain by construction */
	char *argv[] = { "rustc", "--print", "sysroot", NULL };
	char *sysroot = proc_output(argv, r->repo, 0);
	if (sysroot) {
		char *pat;
		glob_t g;
		sysroot[strcspn(sysroot, "\r\n")] = '\0';
		pat = xasprintf("%s/lib/rustlib/*/bin/llvm-profdata", sysroot);
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++) {
				char *cov = xstrdup(g.gl_pathv[i]);
				strcpy(cov + strlen(cov) - strlen("llvm-profdata"), "llvm-cov");
				add_tool(r, g.gl_pathv[i], cov, "rustup llvm-tools");
				free(cov);
			}
			globfree(&g);
		}
		free(pat);
		free(sysroot);
	}
	for (int n = 30; n >= 11; n--) {
		char pd[64], cov[64], label[32];
		snprintf(pd, sizeof(pd), "/usr/bin/llvm-profdata-%d", n);
		snprintf(cov, sizeof(cov), "/usr/bin/llvm-cov-%d", n);
		snprintf(label, sizeof(label), "llvm-%d", n);
		add_tool(r, pd, cov, label);
	}
	add_tool(r, "llvm-profdata", "llvm-cov", "llvm-profdata");
}

/* The Debian package that reads raw profiles of this header version. */
static char *package_for(const struct coverage_run *r, const char *profraw)
{
	unsigned char h[16];
	uint64_t version = 0;
	int llvm = 0;
	FILE *f = profraw ? fopen(profraw, "rb") : NULL;

	if (f && fread(h, 1, sizeof(h), f) == sizeof(h)) {
		for (int i = 0; i < 8; i++)
			version |= (uint64_t)h[8 + i] << (8 * i);
		version &= 0xffffffffu;  /* the high bits are variant flags */
	}
	if (f)
		fclose(f);
	/* INSTR_PROF_RAW_VERSION: 8 up to LLVM 16, 9 in 17-18, 10 from 19 */
	if (version >= 1 && version <= 8)
		llvm = 14;
	else if (version == 9)
		llvm = 18;
	else if (version == 10)
		llvm = 19;
	else
		llvm = r->rustc_llvm > 0 ? r->rustc_llvm : 19;
	return xasprintf("llvm-%d", llvm);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int fresh_dir(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		return rwb_fail(RWB_EIO, "cannot empty %s: %s", path, strerror(errno));
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return rwb_fail(RWB_EIO, "cannot create %s: %s", path, strerror(errno));
	return RWB_OK;
}

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

int coverage_begin(struct coverage_run **out, const char *repo)
{
	struct coverage_run *r = xcalloc(1, sizeof(*r));
	const char *tdir = getenv("CARGO_TARGET_DIR");
	const char *rf = getenv("RUSTFLAGS"), *rdf = getenv("RUSTDOCFLAGS");
	char *real = realpath(repo ? repo : ".", NULL);
	int rc, e = 0;

	*out = NULL;
	r->repo = real ? real : xstrdup(repo ? repo : ".");
	find_tools(r);
	r->rustc_llvm = rustc_llvm_major(r->repo);
	if (r->ntools == 0) {
		int v = r->rustc_llvm >= 19 || r->rustc_llvm == 0 ? 19 : r->rustc_llvm;
		rwb_fail(RWB_ENOTOOL, "coverage needs llvm-profdata and llvm-cov of LLVM %d or newer: "
			 "apt-get install llvm-%d%s", v, v,
			 proc_in_path("rustup") ? " (or rustup component add llvm-tools)" : "");
		coverage_run_free(r);
		return RWB_ENOTOOL;
	}
	if (tdir && *tdir)
		r->target = xasprintf("%s/rwb-coverage", tdir);
	else
		r->target = xasprintf("%s/target/rwb-coverage", r->repo);
	if (tdir && *tdir && tdir[0] != '/') {
		char *abs = xasprintf("%s/%s", r->repo, r->target);
		free(r->target);
		r->target = abs;
	}
	r->profdir = xasprintf("%s/profraw", r->target);
	r->docdir = xasprintf("%s/doctests", r->target);
	if (mkdir_p(r->target) != 0) {
		rwb_fail(RWB_EIO, "cannot create %s: %s", r->target, strerror(errno));
		coverage_run_free(r);
		return RWB_EIO;
	}
	rc = fresh_dir(r->profdir);
	if (!rc)
		rc = fresh_dir(r->docdir);
	if (rc) {
		coverage_run_free(r);
		return rc;
	}
	r->env_strings[e++] = xasprintf("RUSTFLAGS=%s%s-C instrument-coverage", rf ? rf : "",
					rf && *rf ? " " : "");
	/* doc tests: their binaries are kept only with --persist-doctests, unstable on stable */
	r->env_strings[e++] = xasprintf("RUSTDOCFLAGS=%s%s-C instrument-coverage -Z unstable-options "
					"--persist-doctests %s", rdf ? rdf : "", rdf && *rdf ? " " : "",
					r->docdir);
	r->env_strings[e++] = xasprintf("CARGO_TARGET_DIR=%s", r->target);
	r->env_strings[e++] = xasprintf("LLVM_PROFILE_FILE=%s/rwb-%%p-%%m.profraw", r->profdir);
	r->env_strings[e++] = xstrdup("RUSTC_BOOTSTRAP=1");
	*out = r;
	return RWB_OK;
}

const char *const *coverage_env(struct coverage_run *r, const char *const *base)
{
	int n = 0, k = 0;

	if (!r)
		return base;
	while (base && base[n])
		n++;
	free(r->env);
	r->env = xcalloc((size_t)n + 9, sizeof(*r->env));
	for (int i = 0; i < n; i++)
		r->env[k++] = base[i];
	for (int i = 0; r->env_strings[i]; i++)
		r->env[k++] = r->env_strings[i];
	r->env[k] = NULL;
	return r->env;
}

void coverage_run_free(struct coverage_run *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ntools; i++) {
		free(r->tools[i].profdata);
		free(r->tools[i].cov);
		free(r->tools[i].label);
	}
	free(r->tools);
	for (int i = 0; r->env_strings[i]; i++)
		free(r->env_strings[i]);
	free(r->env);
	free(r->repo);
	free(r->target);
	free(r->profdir);
	free(r->docdir);
	free(r);
}

/* ---- finishing a run ---------------------------------------------------------------- */

struct strv {
	char **v;                    /* owned strings, NULL-terminated */
	int n, cap;
};

static void strv_add(struct strv *s, char *owned)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = owned;
	s->v[s->n] = NULL;
}

static bool strv_has(const struct strv *s, const char *x)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

static void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Test executables from cargo's compiler-artifact messages. */
static void test_executables(struct strv *objs, const char *cargo_stdout)
{
	const char *p = cargo_stdout;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 2 && *p == '{' && memmem(p, len, "\"compiler-artifact\"", 19)) {
			cJSON *m = cJSON_ParseWithLength(p, len);
			const cJSON *exe = cJSON_GetObjectItemCaseSensitive(m, "executable");
			const cJSON *prof = cJSON_GetObjectItemCaseSensitive(m, "profile");
			if (cJSON_IsString(exe) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prof, "test")) &&
			    !strv_has(objs, exe->valuestring))
				strv_add(objs, xstrdup(exe->valuestring));
			cJSON_Delete(m);
		}
		p = nl ? nl + 1 : NULL;
	}
}

static struct strv *walk_out;

static int add_exec(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode) && (st->st_mode & S_IXUSR))
		strv_add(walk_out, xstrdup(path));
	return 0;
}

static void files_with_suffix(struct strv *out, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t sl = strlen(suffix);

	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0)
			strv_add(out, xasprintf("%s/%s", dir, e->d_name));
	}
	if (d)
		closedir(d);
}

/* Runs argv, capturing stdout (when out) and stderr; true when it exited 0. */
static bool run_tool(char *const *argv, struct strbuf *out, struct strbuf *errb)
{
	struct proc_opts o = { .out = out, .err = errb, .max_capture = 256u << 20,
			       .forward_sigint = true };
	struct proc_result res;
	struct strbuf sink = STRBUF_INIT;
	bool ok;

	if (!out)
		o.out = &sink;
	ok = proc_run(&res, argv, &o) == RWB_OK && res.status == 0 && !res.truncated;
	strbuf_free(&sink);
	return ok;
}

/* The first line of text, for an error message. */
static void first_line(char *dst, size_t n, const struct strbuf *sb)
{
	const char *s = strbuf_str(sb);
	const char *e = s + strcspn(s, "\n");

	while (*s && (e - s) == 0) {
		s = e + 1;
		e = s + strcspn(s, "\n");
	}
	for (const char *pre = "warning: "; pre; pre = strcmp(pre, "error: ") ? "error: " : NULL)
		if ((size_t)(e - s) > strlen(pre) && strncmp(s, pre, strlen(pre)) == 0)
			s += strlen(pre);
	snprintf(dst, n, "%.*s", (int)(e - s), s);
}

static const char *ignore_regex(void)
{
	/* not the crate's own: the standard library, crates.io (cargo's or Debian's), git deps */
	return "-ignore-filename-regex=^/rustc/|/\\.cargo/registry/|/\\.cargo/git/|"
	       "^/usr/share/cargo/registry/";
}

/* llvm-cov export ARGS with the objects: argv owned by the strv. */
static void export_argv(struct strv *a, const struct tool_pair *t, const char *format,
			const char *profdata, const struct strv *objs)
{
	strv_add(a, xstrdup(t->cov));
	strv_add(a, xstrdup("export"));
	strv_add(a, xasprintf("-format=%s", format));
	if (strcmp(format, "text") == 0)
		strv_add(a, xstrdup("-summary-only"));
	strv_add(a, xasprintf("-instr-profile=%s", profdata));
	strv_add(a, xstrdup(ignore_regex()));
	for (int i = 0; i < objs->n; i++) {
		if (i)
			strv_add(a, xstrdup("-object"));
		strv_add(a, xstrdup(objs->v[i]));
	}
}

static cJSON *count_json(struct coverage_count c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "count", (double)c.count);
	cJSON_AddNumberToObject(o, "covered", (double)c.covered);
	cJSON_AddNumberToObject(o, "percent", coverage_pct(c));
	return o;
}

static void answer(struct cmd_ctx *ctx, cJSON *cov, const struct coverage_report *rep,
		   const char *tool)
{
	cJSON *files = cJSON_AddArrayToObject(cov, "files");

	cJSON_AddItemToObject(cov, "lines", count_json(rep->lines));
	cJSON_AddItemToObject(cov, "regions", count_json(rep->regions));
	cJSON_AddItemToObject(cov, "functions", count_json(rep->functions));
	cJSON_AddNumberToObject(cov, "lines_pct", coverage_pct(rep->lines));
	strbuf_addf(&ctx->out, "coverage (%s): lines %.2f%% (%ld/%ld), regions %.2f%% (%ld/%ld), "
		    "functions %.2f%% (%ld/%ld)\n", tool, coverage_pct(rep->lines), rep->lines.covered,
		    rep->lines.count, coverage_pct(rep->regions), rep->regions.covered,
		    rep->regions.count, coverage_pct(rep->functions), rep->functions.covered,
		    rep->functions.count);
	for (size_t i = 0; i < rep->n; i++) {
		const struct coverage_filerep *f = &rep->files[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "file", f->file);
		cJSON_AddItemToObject(o, "lines", count_json(f->lines));
		cJSON_AddItemToObject(o, "regions", count_json(f->regions));
		cJSON_AddItemToObject(o, "functions", count_json(f->functions));
		cJSON_AddItemToArray(files, o);
		strbuf_addf(&ctx->out, "  %-40s lines %6.2f%% (%ld/%ld)  regions %6.2f%%  functions %6.2f%%\n",
			    f->file, coverage_pct(f->lines), f->lines.covered, f->lines.count,
			    coverage_pct(f->regions), coverage_pct(f->functions));
	}
}

int coverage_finish(struct coverage_run *r, struct cmd_ctx *ctx, const char *project,
		    const char *cargo_stdout)
{
	struct strv profs = { 0 }, objs = { 0 }, argv = { 0 };
	struct strbuf out = STRBUF_INIT, errb = STRBUF_INIT, lcov = STRBUF_INIT;
	struct coverage_report rep = { 0 };
	char *profdata = xasprintf("%s/rwb.profdata", r->target);
	const struct tool_pair *used = NULL;
	char why[300] = "";
	cJSON *cov;
	int rc = RWB_OK, ndoc;

	if (!ctx->result)
		ctx->result = cJSON_CreateObject();
	cov = cJSON_AddObjectToObject(ctx->result, "coverage");
	files_with_suffix(&profs, r->profdir, ".profraw");
	test_executables(&objs, cargo_stdout);
	ndoc = objs.n;
	walk_out = &objs;
	nftw(r->docdir, add_exec, 16, FTW_PHYS);
	walk_out = NULL;
	ndoc = objs.n - ndoc;
	if (profs.n == 0 || objs.n == 0) {
		cJSON_AddBoolToObject(cov, "available", false);
		cJSON_AddStringToObject(cov, "reason", profs.n == 0 ? "no test wrote a profile"
					: "cargo reported no test executable");
		strbuf_addf(&ctx->out, "coverage: nothing measured (%s)\n",
			    profs.n == 0 ? "no test wrote a profile" : "cargo reported no test executable");
		goto out;
	}
	for (int t = 0; t < r->ntools && !used; t++) {
		strv_free(&argv);
		strv_add(&argv, xstrdup(r->tools[t].profdata));
		strv_add(&argv, xstrdup("merge"));
		strv_add(&argv, xstrdup("-sparse"));
		strv_add(&argv, xstrdup("-o"));
		strv_add(&argv, xstrdup(profdata));
		for (int i = 0; i < profs.n; i++)
			strv_add(&argv, xstrdup(profs.v[i]));
		strbuf_reset(&errb);
		if (!run_tool(argv.v, NULL, &errb)) {
			if (!*why)
				first_line(why, sizeof(why), &errb);
			continue;
		}
		strv_free(&argv);
		export_argv(&argv, &r->tools[t], "text", profdata, &objs);
		strbuf_reset(&out);
		strbuf_reset(&errb);
		if (!run_tool(argv.v, &out, &errb)) {
			first_line(why, sizeof(why), &errb);
			continue;
		}
		coverage_report_release(&rep);
		if (coverage_parse_summary(&rep, strbuf_str(&out), r->repo) != RWB_OK) {
			snprintf(why, sizeof(why), "%s export gave no coverage JSON", r->tools[t].cov);
			continue;
		}
		strv_free(&argv);
		export_argv(&argv, &r->tools[t], "lcov", profdata, &objs);
		strbuf_reset(&errb);
		if (!run_tool(argv.v, &lcov, &errb)) {
			first_line(why, sizeof(why), &errb);
			continue;
		}
		coverage_parse_lcov(&rep, lcov.buf ? lcov.buf : "", lcov.len, r->repo);
		used = &r->tools[t];
	}
	if (!used) {
		char *pkg = package_for(r, profs.v[0]);
		rc = cmd_fail(ctx, RWB_ENOTOOL, "no llvm-profdata/llvm-cov here reads rustc's coverage "
			      "profiles (%s): apt-get install %s%s", why, pkg,
			      proc_in_path("rustup") ? " (or rustup component add llvm-tools)" : "");
		free(pkg);
		goto out;
	}
	cJSON_AddBoolToObject(cov, "available", true);
	cJSON_AddStringToObject(cov, "tool", used->label);
	cJSON_AddStringToObject(cov, "llvm_cov", used->cov);
	cJSON_AddStringToObject(cov, "profdata", profdata);
	cJSON_AddNumberToObject(cov, "profiles", profs.n);
	cJSON_AddNumberToObject(cov, "doc_test_binaries", ndoc);
	{
		cJSON *oa = cJSON_AddArrayToObject(cov, "objects");
		for (int i = 0; i < objs.n; i++)
			cJSON_AddItemToArray(oa, cJSON_CreateString(objs.v[i]));
	}
	answer(ctx, cov, &rep, used->label);
	if (ctx->store) {
		int64_t now = store_now_ms();
		if (metrics_add_sample(ctx->store, project, "test_coverage", "", coverage_pct(rep.lines),
				       now) != RWB_OK ||
		    coverage_store_save(ctx->store, project, &rep, now) != RWB_OK) {
			if (ctx->stream)
				fprintf(ctx->stream, "rwb: could not record the coverage: %s\n",
					rwb_last_error());
		}
	}
out:
	strv_free(&profs);
	strv_free(&objs);
	strv_free(&argv);
	strbuf_free(&out);
	strbuf_free(&errb);
	strbuf_free(&lcov);
	coverage_report_release(&rep);
	free(profdata);
	return rc;
}

/* ---- the store ------------------------------------------------------------------------ */

static const struct store_migration coverage_migrations[] = {
	{ 1,
	  "CREATE TABLE coverage_runs(id INTEGER PRIMARY KEY, project TEXT NOT NULL UNIQUE,"
	  " ts INTEGER NOT NULL, lines_count INTEGER NOT NULL, lines_covered INTEGER NOT NULL,"
	  " regions_count INTEGER NOT NULL, regions_covered INTEGER NOT NULL,"
	  " functions_count INTEGER NOT NULL, functions_covered INTEGER NOT NULL);"
	  "CREATE TABLE coverage_files(run_id INTEGER NOT NULL"
	  " REFERENCES coverage_runs(id) ON DELETE CASCADE, file TEXT NOT NULL,"
	  " lines_count INTEGER NOT NULL, lines_covered INTEGER NOT NULL,"
	  " executed TEXT NOT NULL, missed TEXT NOT NULL, PRIMARY KEY(run_id, file));" },
};

const struct store_module schema_coverage = {
	"coverage", coverage_migrations, sizeof(coverage_migrations) / sizeof(coverage_migrations[0])
};

/* "1-4,7,9-12": the lines of f whose state is want. */
static char *ranges(const struct coverage_filerep *f, int want)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	for (int l = 1; l <= f->nlines; l++) {
		int e = l;
		if (f->hits[l] != want)
			continue;
		while (e + 1 <= f->nlines && f->hits[e + 1] == want)
			e++;
		if (sb.len)
			strbuf_addc(&sb, ',');
		if (e > l)
			strbuf_addf(&sb, "%d-%d", l, e);
		else
			strbuf_addf(&sb, "%d", l);
		l = e;
	}
	s = strbuf_detach(&sb);
	return s ? s : xstrdup("");
}

int coverage_store_save(struct store *s, const char *project, const struct coverage_report *r,
			int64_t ts)
{
	sqlite3_stmt *st = NULL;
	int64_t run;
	int rc = store_write_begin(s);

	if (rc)
		return rc;
	rc = store_prepare(s, &st, "DELETE FROM coverage_runs WHERE project = ?");
	if (rc)
		goto fail;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	rc = store_prepare(s, &st, "INSERT INTO coverage_runs(project, ts, lines_count, lines_covered,"
			   " regions_count, regions_covered, functions_count, functions_covered)"
			   " VALUES(?,?,?,?,?,?,?,?)");
	if (rc)
		goto fail;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, r->lines.count);
	sqlite3_bind_int64(st, 4, r->lines.covered);
	sqlite3_bind_int64(st, 5, r->regions.count);
	sqlite3_bind_int64(st, 6, r->regions.covered);
	sqlite3_bind_int64(st, 7, r->functions.count);
	sqlite3_bind_int64(st, 8, r->functions.covered);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	run = sqlite3_last_insert_rowid(s->db);
	rc = store_prepare(s, &st, "INSERT INTO coverage_files(run_id, file, lines_count, lines_covered,"
			   " executed, missed) VALUES(?,?,?,?,?,?)");
	if (rc)
		goto fail;
	for (size_t i = 0; i < r->n; i++) {
		const struct coverage_filerep *f = &r->files[i];
		char *hit = ranges(f, COVERAGE_HIT), *miss = ranges(f, COVERAGE_MISSED);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, f->file, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, f->lines.count);
		sqlite3_bind_int64(st, 4, f->lines.covered);
		sqlite3_bind_text(st, 5, hit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, miss, -1, SQLITE_TRANSIENT);
		free(hit);
		free(miss);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto sqlfail;
	}
	sqlite3_finalize(st);
	return store_write_commit(s);
sqlfail:
	rc = store_error(s, sqlite3_errcode(s->db));
fail:
	sqlite3_finalize(st);
	store_write_rollback(s);
	return rc;
}

/* Marks the lines of "1-4,7" text as state. */
static void apply_ranges(struct coverage_file *f, const char *text, int state)
{
	const char *p = text, *end = text + strlen(text);

	while (p < end) {
		long a, b;
		if (!parse_num(&p, end, MAX_LINES, &a))
			break;
		b = a;
		if (p < end && *p == '-') {
			p++;
			if (!parse_num(&p, end, MAX_LINES, &b) || b < a)
				break;
		}
		if (b >= f->cap) {
			long cap = f->cap ? 2L * f->cap : 64;
			if (cap <= b)
				cap = b + 1;
			f->state = xrealloc(f->state, (size_t)cap);
			memset(f->state + f->cap, COVERAGE_NONE, (size_t)(cap - f->cap));
			f->cap = (int)cap;
		}
		if (b > f->nlines)
			f->nlines = (int)b;
		for (long l = a; l >= 1 && l <= b; l++)
			f->state[l] = (signed char)state;
		if (p < end && *p == ',')
			p++;
		else
			break;
	}
}

int coverage_file_load(struct coverage_file *f, struct store *s, const char *path)
{
	char *real = path ? realpath(path, NULL) : NULL;
	sqlite3_stmt *st = NULL;
	int64_t run = 0;
	size_t plen = 0;
	struct stat sb;
	int rc = RWB_OK;

	memset(f, 0, sizeof(*f));
	if (!real || !s)
		goto out;
	/* the run of the innermost measured repository holding the file, then its row by key */
	rc = store_prepare(s, &st, "SELECT id, length(project), ts FROM coverage_runs"
			   " WHERE substr(?1, 1, length(project) + 1) = project || '/'"
			   " ORDER BY length(project) DESC LIMIT 1");
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, real, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		run = sqlite3_column_int64(st, 0);
		plen = (size_t)sqlite3_column_int64(st, 1);
		f->ts = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!run || plen + 1 >= strlen(real))
		goto out;
	rc = store_prepare(s, &st, "SELECT executed, missed FROM coverage_files"
			   " WHERE run_id = ? AND file = ?");
	if (rc)
		goto out;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, real + plen + 1, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		f->found = true;
		apply_ranges(f, (const char *)sqlite3_column_text(st, 0), COVERAGE_HIT);
		apply_ranges(f, (const char *)sqlite3_column_text(st, 1), COVERAGE_MISSED);
	}
	sqlite3_finalize(st);
	/* edited since the run: its line numbers may no longer be the run's */
	if (f->found && stat(real, &sb) == 0 &&
	    (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000 > f->ts) {
		f->found = false;
		f->stale = true;
	}
out:
	free(real);
	return rc;
}

void coverage_file_release(struct coverage_file *f)
{
	if (!f)
		return;
	free(f->state);
	memset(f, 0, sizeof(*f));
}

enum coverage_state coverage_line(const struct coverage_file *f, int line)
{
	if (!f || !f->found || line < 1 || line > f->nlines)
		return COVERAGE_NONE;
	return (enum coverage_state)f->state[line];
}

void coverage_status(char *buf, size_t n, const struct coverage_file *f)
{
	int hit = 0, missed = 0;

	for (int l = 1; f->found && l <= f->nlines; l++) {
		hit += f->state[l] == COVERAGE_HIT;
		missed += f->state[l] == COVERAGE_MISSED;
	}
	snprintf(buf, n, "coverage: %d of %d lines executed by the tests; ! marks the %d not executed",
		 hit, hit + missed, missed);
}

char coverage_marker(const struct coverage_file *f, int line)
{
	return coverage_line(f, line) == COVERAGE_MISSED ? '!' : ' ';
}

enum coverage_state coverage_range(const struct coverage_file *f, int line, int line_end)
{
	enum coverage_state st = COVERAGE_NONE;

	for (int l = line; l <= line_end; l++) {
		enum coverage_state s = coverage_line(f, l);
		if (s == COVERAGE_HIT)
			return COVERAGE_HIT;
		if (s == COVERAGE_MISSED)
			st = COVERAGE_MISSED;
	}
	return st;
}

void coverage_patch_add(struct coverage_patch *p, const struct coverage_file *f, int line)
{
	enum coverage_state s = coverage_line(f, line);

	if (s == COVERAGE_HIT)
		p->executed++;
	else if (s == COVERAGE_MISSED)
		p->missed++;
}

/* ---- the unsafe audit ------------------------------------------------------------------ */

bool coverage_have_run(struct store *s, const char *repo)
{
	char *project = metrics_project(repo);
	sqlite3_stmt *st = NULL;
	bool have = false;

	/* the repository itself, a crate inside it, or a repository inside a measured crate */
	if (s && store_prepare(s, &st, "SELECT 1 FROM coverage_runs WHERE project = ?1"
			       " OR substr(project, 1, length(?1) + 1) = ?1 || '/'"
			       " OR substr(?1, 1, length(project) + 1) = project || '/'") == RWB_OK) {
		sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
		have = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	free(project);
	return have;
}

enum coverage_state coverage_item_tested(struct coverage_cache *c, struct store *s, const char *repo,
					 const char *file, bool code, int line, int line_end)
{
	char *path;

	if (!c->checked) {
		c->has_run = coverage_have_run(s, repo);
		c->checked = true;
	}
	if (!c->has_run)
		return COVERAGE_NONE;
	path = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", repo, file);
	if (!c->path || strcmp(c->path, path) != 0) {
		coverage_file_release(&c->f);
		free(c->path);
		c->path = path;
		coverage_file_load(&c->f, s, path);
	} else {
		free(path);
	}
	if (!c->f.found)
		return code ? COVERAGE_MISSED : COVERAGE_NONE;
	return coverage_range(&c->f, line, line_end);
}

void coverage_item_json(cJSON *o, struct coverage_cache *c, struct store *s, const char *repo,
			const char *file, bool code, int line, int line_end)
{
	enum coverage_state st = coverage_item_tested(c, s, repo, file, code, line, line_end);

	if (st == COVERAGE_NONE)
		cJSON_AddNullToObject(o, "tested");
	else
		cJSON_AddBoolToObject(o, "tested", st == COVERAGE_HIT);
}

void coverage_cache_release(struct coverage_cache *c)
{
	if (!c)
		return;
	coverage_file_release(&c->f);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
