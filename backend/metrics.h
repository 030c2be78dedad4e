/*
 * metrics.h - what cargo jobs measured, kept in the store per project.
 *
 * Three tables (schema_metrics): cargo_runs (one row per cargo job:
 * command, duration, success, counts, peak RSS, CPU time),
 * cargo_diagnostics (every diagnostic of a run, so the TUI can list the
 * last build's after its job exited) and metric_samples (NAME, KEY, value,
 * time: the generic series /metrics and the Metrics tab read by name; other
 * subsystems add theirs, e.g. unsafe_blocks, with metrics_add_sample()).
 *
 * A metric's id is NAME, or NAME/KEY for a keyed series
 * ("clippy_warnings/clippy::needless_return", "bench_mean_ns/fib 20",
 * "duration_ms/cargo-build"). Derived metrics (build_success_rate,
 * compile_time_avg, compile_time_p95, tasks_completed, tasks_failed, and
 * the rest of the brief's list: see metrics_brief and docs/cargo.md) are
 * computed when read, from the store (cargo runs, the board, the unsafe
 * audit), the manifest's [profile.release], criterion's files under the
 * target folder and a scan of the project's .rs files. A brief metric that
 * cannot be measured is still answered, with the reason. A project is the
 * repo folder's real path.
 *
 * Never: write outside one short transaction per run, or fail a build
 * answer because recording it failed (callers report that separately).
 */
#ifndef RWB_METRICS_H
#define RWB_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "cargomsg.h"

struct store;

struct metrics_run {
	const char *project;         /* borrowed: metrics_project() of the repo */
	const char *command;         /* borrowed: "cargo-build", "rust-test", ... */
	int64_t started_at;          /* ms since the epoch */
	int64_t duration_ms;
	bool success;
	int64_t peak_rss_kb, cpu_ms; /* from wait4 */
};

/* One benchmark compared with its previous run. */
struct metrics_bench_change {
	char *id;                    /* owned */
	double mean_ns, median_ns, std_dev_ns;
	bool has_previous;           /* change_pct is meaningful */
	double change_pct;           /* (mean - previous mean) / previous mean * 100 */
	bool regression;             /* slower beyond the noise (see metrics.c) */
};

/* One series as read back. */
struct metric_series {
	char *id;                    /* owned: NAME or NAME/KEY */
	double *values;              /* owned: oldest first, at most the points asked for */
	int64_t *ts;                 /* owned: ms since the epoch, parallel to values */
	int n;
	int samples;                 /* samples in the window (may exceed n) */
	double value;                /* the latest value */
	const char *trend;           /* "up", "down", "flat" or "new" */
	bool derived;                /* computed from other series */
	bool regression;             /* a benchmark whose latest run regressed */
	char *unavailable;           /* owned: why this brief metric cannot be measured for the
				      * project (n == 0, value 0), or NULL when it has values */
};

/* The brief's metrics, in its order (METRICS_BRIEF_COUNT names): each is in
 * metrics_query()'s answer, measured or with `unavailable` set. */
#define METRICS_BRIEF_COUNT 24
extern const char *const metrics_brief[METRICS_BRIEF_COUNT];

/* The project name of a repo folder (its real path; allocated). */
char *metrics_project(const char *repo);

/*
 * Records a finished cargo run and what msg holds (diagnostics, warnings
 * and errors by code, clippy lints, test counts, borrow-checker and
 * lifetime errors seen and resolved since the previous run of the same
 * command). *run_id receives the new run's id.
 */
int metrics_record_run(struct store *s, int64_t *run_id, const struct metrics_run *r,
		       const struct cargomsg *msg);

/*
 * Records benchmark results of run_id and compares each with the previous
 * run of the same id. *changes (allocated, msg->nbenches entries).
 */
int metrics_record_benches(struct store *s, struct metrics_bench_change **changes,
			   const char *project, int64_t run_id, const struct cargomsg *msg);
void metrics_bench_changes_free(struct metrics_bench_change *c, size_t n);
/* Whether a change is beyond the noise: > 5 % slower and more than two
 * standard deviations (the larger of the two runs') above the old mean. */
bool metrics_is_regression(double old_mean, double old_sd, double new_mean, double new_sd);

/* Adds one sample of a generic series (for other subsystems). */
int metrics_add_sample(struct store *s, const char *project, const char *name, const char *key,
		       double value, int64_t ts);

/*
 * Reads every series of the project (or those whose id is name or starts
 * with "name/"), with samples newer than since_ms (0: all), keeping the last
 * max_points values of each, plus the derived metrics. Sorted by id.
 */
int metrics_query(struct metric_series **out, int *n, struct store *s, const char *project,
		  const char *name, int64_t since_ms, int max_points);
void metrics_series_free(struct metric_series *v, int n);

/* p95 by the nearest-rank method over n values (n > 0); values are sorted. */
double metrics_p95(double *values, int n);

/*
 * The diagnostics of the project's last run of command (NULL: the last run
 * that produced any compile output): a JSON array of
 * {"level","code","message","file","line","column","rendered"}, and that
 * run's command and time. RWB_ENOTFOUND when there is no such run.
 */
int metrics_last_diagnostics(cJSON **out, struct store *s, const char *project,
			     const char *command);

/* The last run of command ("cargo-build" or "rust-test"): success and when. */
int metrics_last_run(struct store *s, const char *project, const char *command, bool *success,
		     int64_t *ended_at, int *warnings, int *errors);

/*
 * Tasks counted by the board: reads its "tasks" table when it exists
 * (status 'done'/'completed' and 'failed'); RWB_ENOTFOUND when it does not.
 */
int metrics_board_counts(struct store *s, int64_t *completed, int64_t *failed);

#endif
