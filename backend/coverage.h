/*
 * coverage.h - test coverage measured with rustc's -C instrument-coverage
 * and a matching llvm-profdata/llvm-cov pair, kept per repository.
 *
 * /rust-test --coverage runs cargo test with coverage_env() added to its
 * environment: RUSTFLAGS and RUSTDOCFLAGS with -C instrument-coverage (doc
 * tests persisted so their binaries can be read), a target directory of
 * its own (TARGET/rwb-coverage, so the normal build is not invalidated) and
 * LLVM_PROFILE_FILE in a folder emptied for the run. coverage_finish()
 * then merges the raw profiles with the first tool pair that reads them
 * (rustup's llvm-tools component, then Debian's llvm-N newest first),
 * exports the figures of the test binaries cargo reported (JSON summary,
 * read with cJSON) and each line's count (lcov text), keeps only the
 * repository's own files, answers per file and in total, records the
 * test_coverage metric and stores the executed and missed lines of the
 * run (table coverage_files), which the viewer, the git pane's diff and
 * the unsafe audit read back through coverage_file_load().
 *
 * Never: touch the normal target directory, run a shell, or trust a
 * number or a path from llvm-cov's output to be in range or present.
 */
#ifndef RWB_COVERAGE_H
#define RWB_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

struct cmd_ctx;
struct store;

/* count/covered of one kind (lines, regions, functions). */
struct coverage_count {
	long count, covered;
};

/* One source file of a report. */
struct coverage_filerep {
	char *file;                  /* owned: relative to the repository root */
	struct coverage_count lines, regions, functions;
	int *hits;                   /* owned: hits[line] for 1..nlines: -1 not instrumented,
	                                0 not executed, 1 executed (from the lcov export) */
	int nlines;                  /* the largest line with an entry */
	int cap;                     /* entries allocated in hits (> nlines when any) */
};

/* What llvm-cov said about the repository's own files. */
struct coverage_report {
	struct coverage_filerep *files; /* owned, in llvm-cov's order */
	size_t n, cap;
	struct coverage_count lines, regions, functions; /* sums over files */
};

void coverage_report_release(struct coverage_report *r);
/* Percentage of c (100 when nothing was counted). */
double coverage_pct(struct coverage_count c);

/*
 * Parses `llvm-cov export -format=text -summary-only` JSON into r (zero it
 * first): the files under root (an absolute, real path; others are
 * dropped), named relative to it. RWB_EINPUT when the text is not such an
 * export.
 */
int coverage_parse_summary(struct coverage_report *r, const char *json, const char *root);
/*
 * Adds the per-line counts of `llvm-cov export -format=lcov` text (DA:
 * lines) to the files of r already parsed; other files are ignored.
 */
int coverage_parse_lcov(struct coverage_report *r, const char *text, size_t len, const char *root);

/* ---- the /rust-test --coverage run ---- */

struct coverage_run;

/*
 * Prepares a coverage run of the crate in repo: finds the candidate tool
 * pairs (RWB_ENOTOOL, the error channel naming the package to install,
 * when there is none), empties the profile and doc-test folders. *out is
 * allocated.
 */
int coverage_begin(struct coverage_run **out, const char *repo);
/* base (NULL-terminated NAME=VALUE list, may be NULL) with the run's
 * variables added; base itself when r is NULL. Owned by r. */
const char *const *coverage_env(struct coverage_run *r, const char *const *base);
/*
 * After cargo test ran: merges, exports, answers under result's "coverage"
 * and in ctx->out, records the metric and the lines in ctx->store.
 * cargo_stdout is cargo's JSON message stream (for the test executables).
 * Returns 0, or cmd_fail()'s code (RWB_ENOTOOL when no tool reads the
 * profiles: exit 3 naming the package).
 */
int coverage_finish(struct coverage_run *r, struct cmd_ctx *ctx, const char *project,
		    const char *cargo_stdout);
void coverage_run_free(struct coverage_run *r);

/* ---- what the last run stored (schema_coverage, listed in schema.h) ---- */

/* Replaces the stored lines of project (a metrics_project() path) by r's. */
int coverage_store_save(struct store *s, const char *project, const struct coverage_report *r,
			int64_t ts);

enum coverage_state {
	COVERAGE_NONE = -1,          /* no run, or the line holds no code */
	COVERAGE_MISSED = 0,         /* no test executed it */
	COVERAGE_HIT = 1,            /* a test executed it */
};

/* The stored lines of one file, for drawing. */
struct coverage_file {
	signed char *state;          /* owned: state[line] for 1..nlines, enum coverage_state */
	int nlines;                  /* the largest line with a state */
	int cap;                     /* entries allocated in state */
	bool found;                  /* the last coverage run of its repository measured it,
	                                and the file was not changed since */
	bool stale;                  /* measured, but changed since: not used */
	int64_t ts;                  /* when that run was */
};

/*
 * Loads the stored lines of path (absolute, or relative to the current
 * folder): the run whose repository holds it. Not found is not an error
 * (f->found false). Zero f first; release with coverage_file_release().
 */
int coverage_file_load(struct coverage_file *f, struct store *s, const char *path);
void coverage_file_release(struct coverage_file *f);
/* The state of one line (COVERAGE_NONE out of range or when not found). */
enum coverage_state coverage_line(const struct coverage_file *f, int line);
/* "coverage: N of M lines executed; ! marks the N not executed" for a status line. */
void coverage_status(char *buf, size_t n, const struct coverage_file *f);
/* The marker column for a line: '!' missed, ' ' otherwise. */
char coverage_marker(const struct coverage_file *f, int line);
/*
 * Whether a test executed lines [line, line_end] of f: COVERAGE_HIT when
 * one of them ran, COVERAGE_MISSED when some hold code and none ran,
 * COVERAGE_NONE when none holds code or f was not measured.
 */
enum coverage_state coverage_range(const struct coverage_file *f, int line, int line_end);

/*
 * For the unsafe audit: whether the last coverage run of repo executed
 * lines [line, line_end] of file (relative to repo). A cache keeps the
 * last file loaded (audit items come sorted by file). COVERAGE_NONE when
 * repo has no coverage run, or the lines hold no code (unsafe impl,
 * trait); COVERAGE_MISSED also for a block or fn (code: true) in a file
 * no test binary compiled.
 */
struct coverage_cache {
	char *path;                  /* owned: the file loaded, or NULL */
	struct coverage_file f;      /* its lines */
	bool checked;                /* has_run is known */
	bool has_run;                /* repo has a coverage run */
};
enum coverage_state coverage_item_tested(struct coverage_cache *c, struct store *s, const char *repo,
					 const char *file, bool code, int line, int line_end);
/* Adds "tested": true|false|null to an audit item's JSON object. */
void coverage_item_json(cJSON *o, struct coverage_cache *c, struct store *s, const char *repo,
			const char *file, bool code, int line, int line_end);
/* Whether repo has a stored coverage run. */
bool coverage_have_run(struct store *s, const char *repo);
void coverage_cache_release(struct coverage_cache *c);

/* Executed and instrumented counts over a set of lines (patch coverage). */
struct coverage_patch {
	int executed, missed;
};
void coverage_patch_add(struct coverage_patch *p, const struct coverage_file *f, int line);

#endif
