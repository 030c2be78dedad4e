/*
 * profile.c - /rust-profiling's orchestration (see profile.h): the source
 * --binary names, perf's preflight, the cargo build with debug info, perf
 * record and perf script into the folder.
 *
 * Never: run a shell, or keep perf's output in memory (it streams into the
 * folder, which keeps one line).
 */
#define _GNU_SOURCE
#include "profile.h"
#include "elf_fp.h"
#include "error.h"
#include "perffold.h"
#include "proc.h"
#include "strbuf.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ processes */

static int strbuf_sink(void *data, const char *buf, size_t n)
{
	strbuf_add(data, buf, n);
	return RWB_OK;
}

static int fold_sink(void *data, const char *buf, size_t n)
{
	return perffold_feed(data, buf, n);
}

/* The last non-empty line of text (into out, size n). */
static void last_line(char *out, size_t n, const char *text)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(out, n, "%.*s", (int)(end - start), start);
}

/* ------------------------------------------------------------ profiling */

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The crate folder a path names: a folder with Cargo.toml, a Cargo.toml, or
 * a program under CRATE/target/(release|debug)/; NULL when none. */
static char *crate_of(const char *path)
{
	char *p = xstrdup(path), *manifest, *t;

	manifest = xasprintf("%s/Cargo.toml", p);
	if (is_dir(p) && is_file(manifest)) {
		free(manifest);
		return p;
	}
	free(manifest);
	t = strrchr(p, '/');
	if (t && strcmp(t + 1, "Cargo.toml") == 0 && is_file(p)) {
		*t = '\0';
		return p;
	}
	if (!t && strcmp(p, "Cargo.toml") == 0 && is_file(p)) {
		free(p);
		return xstrdup(".");
	}
	t = strstr(p, "/target/release/");
	if (!t)
		t = strstr(p, "/target/debug/");
	if (t) {
		*t = '\0';
		manifest = xasprintf("%s/Cargo.toml", p);
		if (is_file(manifest)) {
			free(manifest);
			return p;
		}
		free(manifest);
	}
	free(p);
	return NULL;
}

struct cargo_artifacts {
	char **exes;          /* owned: executables of bin targets */
	int n;
};

/* Collects "executable" of bin compiler-artifact messages. */
static void cargo_collect(struct cargo_artifacts *a, const char *json_lines)
{
	const char *p = json_lines;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		cJSON *m = cJSON_ParseWithLength(p, len);
		const cJSON *reason = cJSON_GetObjectItem(m, "reason");
		const cJSON *exe = cJSON_GetObjectItem(m, "executable");
		const cJSON *kind = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "target"), "kind");
		bool bin = false;
		const cJSON *k;
		cJSON_ArrayForEach(k, kind)
			bin = bin || (cJSON_IsString(k) && strcmp(k->valuestring, "bin") == 0);
		if (cJSON_IsString(reason) && strcmp(reason->valuestring, "compiler-artifact") == 0 &&
		    cJSON_IsString(exe) && bin) {
			a->exes = xrealloc(a->exes, (size_t)(a->n + 1) * sizeof(*a->exes));
			a->exes[a->n++] = xstrdup(exe->valuestring);
		}
		cJSON_Delete(m);
		p += len;
		if (*p == '\n')
			p++;
	}
}

static const char perf_install_hint[] =
	"perf is not installed: install it with `apt-get install linux-perf` (Debian) or "
	"`apt-get install linux-tools-$(uname -r)` (Ubuntu)";

/* Checks perf and its permission. */
static int profiling_preflight(void)
{
	FILE *fp;
	int paranoid = 2;

	if (!proc_in_path("perf"))
		return rwb_fail(RWB_ENOTOOL, "%s", perf_install_hint);
	fp = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	if (fp) {
		if (fscanf(fp, "%d", &paranoid) != 1)
			paranoid = 2;
		fclose(fp);
	}
	if (geteuid() != 0 && paranoid > 2)
		return rwb_fail(RWB_EPERM,
				"perf may not record here: /proc/sys/kernel/perf_event_paranoid is %d; allow it with "
				"`sudo sysctl kernel.perf_event_paranoid=2` (1 to include kernel frames) or run as root",
				paranoid);
	return RWB_OK;
}

/* cpu-clock when the machine has no hardware counters (virtual machines). */
static const char *profiling_event(void)
{
	struct strbuf err = STRBUF_INIT;
	struct proc_opts o = { .err = &err };
	struct proc_result res;
	const char *ev = "cycles";
	char *const argv[] = { "perf", "stat", "-x,", "-e", "instructions", "true", NULL };

	if (proc_run(&res, argv, &o) != RWB_OK || res.status != 0 ||
	    strstr(strbuf_str(&err), "not supported") || strstr(strbuf_str(&err), "not counted"))
		ev = "cpu-clock";
	strbuf_free(&err);
	return ev;
}

static int profiling_build(struct profile_run *r, FILE *progress, const char *crate, const char *want_exe,
			   char **exe)
{
	struct strbuf out = STRBUF_INIT;
	char *const argv[] = { "cargo", "build", "--release", "--message-format=json-render-diagnostics", NULL };
	char *const env[] = { "CARGO_PROFILE_RELEASE_DEBUG=true", NULL };
	struct proc_opts o = { .cwd = crate, .env = env, .on_out = strbuf_sink, .out_data = &out,
			       .stream = progress, .forward_sigint = true };
	struct proc_result res;
	struct cargo_artifacts arts = { 0 };
	int status, rc;

	*exe = NULL;
	if (!proc_in_path("cargo"))
		return rwb_fail(RWB_ENOTOOL, "cargo is not installed: %s is a cargo crate and must be built "
				"(install rustup or `apt-get install cargo`)", crate);
	if (progress)
		fprintf(progress, "rwb: building %s with debug info (CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release)\n",
			crate);
	rc = proc_run(&res, argv, &o);
	if (rc != RWB_OK) {
		rc = rwb_fail(rc, "%s", res.errmsg);
		goto out;
	}
	status = res.status;
	if (status != 0) {
		r->build_failed = true;
		rc = rwb_fail(RWB_EFAILED, "cargo build --release failed in %s (exit %d): fix the build first",
			      crate, status);
		goto out;
	}
	cargo_collect(&arts, strbuf_str(&out));
	if (want_exe) {
		*exe = xstrdup(want_exe);
		if (!is_file(*exe)) {
			rc = rwb_fail(RWB_ENOTFOUND, "cargo built %s but %s is not one of its programs", crate, want_exe);
			free(*exe);
			*exe = NULL;
		}
	} else if (arts.n == 1) {
		*exe = xstrdup(arts.exes[0]);
	} else if (arts.n == 0) {
		rc = rwb_fail(RWB_EINPUT, "%s has no binary target to profile: --binary must name a program", crate);
	} else {
		struct strbuf names = STRBUF_INIT;
		for (int i = 0; i < arts.n; i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", arts.exes[i]);
		rc = rwb_fail(RWB_EINPUT, "%s has %d binaries: name one with --binary (%s)", crate, arts.n,
			      strbuf_str(&names));
		strbuf_free(&names);
	}
out:
	for (int i = 0; i < arts.n; i++)
		free(arts.exes[i]);
	free(arts.exes);
	strbuf_free(&out);
	return rc;
}

char *profile_path(const char *repo, const char *p)
{
	char *joined, real[PATH_MAX];

	if (p[0] == '/' || access(p, F_OK) == 0 || !repo)
		joined = xstrdup(p);
	else
		joined = xasprintf("%s/%s", repo, p);
	if (realpath(joined, real)) {
		free(joined);
		return xstrdup(real);
	}
	return joined;
}

enum profile_source {
	PROFILE_PROGRAM,   /* a program (or cargo target) to record */
	PROFILE_PERFDATA,  /* a perf.data recorded before */
	PROFILE_SCRIPT,    /* `perf script` text saved before */
};

/* What --binary names, from the file's first bytes. */
static enum profile_source profile_source_of(const char *path)
{
	unsigned char head[4096];
	size_t n = 0;
	FILE *fp;

	if (!is_file(path) || !(fp = fopen(path, "rb")))
		return PROFILE_PROGRAM;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	if (n >= 8 && memcmp(head, "PERFILE2", 8) == 0)
		return PROFILE_PERFDATA;
	if ((n >= 4 && memcmp(head, "\x7f" "ELF", 4) == 0) || access(path, X_OK) == 0 || n == 0 ||
	    memchr(head, '\0', n))
		return PROFILE_PROGRAM;
	return PROFILE_SCRIPT;
}

/* Records exe with perf into data; the event and call-graph mode used. */
static int profiling_record(const struct profile_req *q, const char *exe, const char *data, const char **event,
			    bool *fp)
{
	long long duration = q->duration_ms;
	struct strbuf err = STRBUF_INIT;
	char **argv;
	int argc = 0, status, rc;
	struct proc_opts o = { .err = &err, .timeout_ms = duration, .kill_grace_ms = 60000,
			       .forward_sigint = true };
	struct proc_result res;

	*event = profiling_event();
	*fp = elf_has_frame_pointers(exe);
	argv = xcalloc((size_t)q->nargs + 16, sizeof(*argv));
	argv[argc++] = "perf";
	argv[argc++] = "record";
	argv[argc++] = "-q";
	argv[argc++] = "-o";
	argv[argc++] = (char *)data;
	argv[argc++] = "-e";
	argv[argc++] = (char *)*event;
	argv[argc++] = "-F";
	argv[argc++] = "999";
	argv[argc++] = "--call-graph";
	argv[argc++] = *fp ? "fp" : "dwarf";
	argv[argc++] = "--";
	argv[argc++] = (char *)exe;
	for (int i = 0; i < q->nargs; i++)
		argv[argc++] = q->args[i];
	if (q->progress)
		fprintf(q->progress, "rwb: perf record -e %s --call-graph %s -- %s%s\n", *event, *fp ? "fp" : "dwarf",
			exe, duration ? " (stopping after --duration)" : "");
	rc = proc_run(&res, argv, &o);
	status = res.status;
	if (rc != RWB_OK) {
		rc = rwb_fail(RWB_ENOTOOL, "%s", perf_install_hint);
	} else if (status != 0 && !res.timed_out && !is_file(data)) {
		char line[512];
		last_line(line, sizeof(line), strbuf_str(&err));
		if (strstr(strbuf_str(&err), "paranoid") || strstr(strbuf_str(&err), "ermission"))
			rc = rwb_fail(RWB_EPERM, "perf may not record here (%s): lower "
				      "/proc/sys/kernel/perf_event_paranoid (`sudo sysctl kernel.perf_event_paranoid=1`) "
				      "or run as root", line);
		else
			rc = rwb_fail(RWB_EFAILED, "perf record failed (exit %d): %s", status, line);
	}
	free(argv);
	strbuf_free(&err);
	return rc;
}

/* Pipes `perf script` of data into the folder. */
static int profiling_script(struct perffold *f, const char *data)
{
	char *const argv[] = { "perf", "script", "-i", (char *)data, "--no-demangle", "--no-inline", NULL };
	struct strbuf err = STRBUF_INIT;
	struct proc_opts o = { .on_out = fold_sink, .out_data = f, .err = &err };
	struct proc_result res;
	int status, rc = proc_run(&res, argv, &o);

	status = res.status;
	if (rc == RWB_OK && res.sink_rc)
		rc = RWB_EINPUT;

	if (rc == RWB_ENOTOOL) {
		rc = rwb_fail(RWB_ENOTOOL, "%s", perf_install_hint);
	} else if (rc != RWB_OK) {
		/* the folder's complaint, or why perf could not be read at all */
		rc = rwb_fail(rc, "cannot read perf's samples: %s",
			      res.sink_rc ? rwb_last_error() : res.errmsg);
	} else if (status != 0) {
		char line[512];
		last_line(line, sizeof(line), strbuf_str(&err));
		rc = rwb_fail(RWB_EFAILED, "perf script failed on %s (exit %d): %s", data, status, line);
	} else {
		perffold_finish(f);
	}
	strbuf_free(&err);
	return rc;
}

/* dir/rwb-profile next to path, created; base: path's file name. */
static int profile_dir(const char *path, char **dir, char **base)
{
	const char *slash = strrchr(path, '/');

	*base = xstrdup(slash ? slash + 1 : path);
	*dir = slash ? xasprintf("%.*s/rwb-profile", (int)(slash - path), path) : xstrdup("rwb-profile");
	if (mkdir(*dir, 0755) != 0 && errno != EEXIST)
		return rwb_fail(RWB_EIO, "cannot create %s: %s", *dir, strerror(errno));
	return RWB_OK;
}

void profile_run_release(struct profile_run *r)
{
	perffold_free(r->fold);
	free(r->what);
	free(r->dir);
	free(r->base);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

/* A program or crate: built when it is a crate, then recorded. */
static int collect_program(struct profile_run *r, const struct profile_req *q)
{
	char *crate = crate_of(q->path);
	bool fp = false;
	int rc;

	if (crate) {
		bool names_program = strstr(q->path, "/target/") && is_file(q->path) && access(q->path, X_OK) == 0;
		rc = profiling_build(r, q->progress, crate, names_program ? q->path : NULL, &r->what);
		free(crate);
		if (rc != RWB_OK)
			return rc;
	} else {
		if (!is_file(q->path) || access(q->path, X_OK) != 0)
			return rwb_fail(RWB_EINPUT, "--binary %s is neither an executable file nor a cargo crate "
					"(a folder with Cargo.toml), a perf.data or `perf script` output", q->shown);
		r->what = xstrdup(q->path);
	}
	if ((rc = profile_dir(r->what, &r->dir, &r->base)) != RWB_OK)
		return rc;
	r->data = xasprintf("%s/%s.perf.data", r->dir, r->base);
	if ((rc = profiling_record(q, r->what, r->data, &r->event, &fp)) != RWB_OK)
		return rc;
	r->call_graph = fp ? "fp" : "dwarf";
	return profiling_script(r->fold, r->data);
}

int profile_collect(struct profile_run *out, const struct profile_req *q)
{
	enum profile_source src = profile_source_of(q->path);
	int rc;

	memset(out, 0, sizeof(*out));
	out->event = out->call_graph = "recorded";
	perffold_new(&out->fold);
	if (src == PROFILE_SCRIPT) {
		/* a saved `perf script` text: no perf needed */
		rc = perffold_read_script(out->fold, q->path);
		if (rc == RWB_OK && perffold_samples(out->fold) == 0)
			rc = rwb_fail(RWB_EINPUT, "%s has no samples: --binary takes a program, a cargo crate, "
				      "a perf.data or `perf script` output", q->shown);
	} else if ((rc = profiling_preflight()) == RWB_OK) {
		if (src == PROFILE_PERFDATA)
			rc = profiling_script(out->fold, q->path);
		else
			rc = collect_program(out, q);
	}
	if (rc == RWB_OK && !out->what) {
		out->what = xstrdup(q->path);
		out->data = xstrdup(q->path);
		rc = profile_dir(q->path, &out->dir, &out->base);
	}
	if (rc != RWB_OK) {
		bool failed = out->build_failed;
		profile_run_release(out);
		out->build_failed = failed;
	}
	return rc;
}
