/*
 * metrics.c - cargo runs, their diagnostics and the generic metric series.
 *
 * Design: a run is written in one IMMEDIATE transaction (run row,
 * diagnostics, samples), so readers in other rwb processes never see half
 * a run. Series are read generically by name, so metrics other subsystems
 * add show up in /metrics and the Metrics tab without changes here. The
 * derived metrics are recomputed on read as running values over the
 * /cargo-build runs, which gives them a history to draw.
 */
#define _GNU_SOURCE
#include "metrics.h"
#include "board.h"
#include "cargotoml.h"
#include "error.h"
#include "files.h"
#include "rustlex.h"
#include "schema.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct store_migration metrics_migrations[] = {
	{ 1,
	  "CREATE TABLE cargo_runs(id INTEGER PRIMARY KEY, project TEXT NOT NULL,"
	  " command TEXT NOT NULL, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,"
	  " success INTEGER NOT NULL, warnings INTEGER NOT NULL DEFAULT 0,"
	  " errors INTEGER NOT NULL DEFAULT 0, peak_rss_kb INTEGER, cpu_ms INTEGER);"
	  "CREATE INDEX cargo_runs_project ON cargo_runs(project, command, id);"
	  "CREATE TABLE cargo_diagnostics(id INTEGER PRIMARY KEY,"
	  " run_id INTEGER NOT NULL REFERENCES cargo_runs(id) ON DELETE CASCADE,"
	  " level TEXT NOT NULL, code TEXT, message TEXT NOT NULL, file TEXT, line INTEGER,"
	  " col INTEGER, rendered TEXT);"
	  "CREATE INDEX cargo_diagnostics_run ON cargo_diagnostics(run_id);"
	  "CREATE TABLE metric_samples(id INTEGER PRIMARY KEY, project TEXT NOT NULL,"
	  " name TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', value REAL NOT NULL,"
	  " run_id INTEGER, ts INTEGER NOT NULL);"
	  "CREATE INDEX metric_samples_series ON metric_samples(project, name, key, ts);" },
};

const struct store_module schema_metrics = {
	"metrics", metrics_migrations, sizeof(metrics_migrations) / sizeof(metrics_migrations[0])
};

char *metrics_project(const char *repo)
{
	char *real = realpath(repo ? repo : ".", NULL);
	char *copy;

	if (!real)
		return xstrdup(repo ? repo : ".");
	copy = xstrdup(real);
	free(real);
	return copy;
}

static int sample(struct store *s, const char *project, const char *name, const char *key,
		  double value, int64_t run_id, int64_t ts)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st,
			       "INSERT INTO metric_samples(project, name, key, value, run_id, ts)"
			       " VALUES(?,?,?,?,?,?)");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, key ? key : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, value);
	if (run_id)
		sqlite3_bind_int64(st, 5, run_id);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, ts);
	rc = sqlite3_step(st) == SQLITE_DONE ? RWB_OK : store_error(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return rc;
}

int metrics_add_sample(struct store *s, const char *project, const char *name, const char *key,
		       double value, int64_t ts)
{
	int rc = store_write_begin(s);

	if (rc)
		return rc;
	rc = sample(s, project, name, key, value, 0, ts);
	if (rc)
		store_write_rollback(s);
	else
		rc = store_write_commit(s);
	return rc;
}

/* A small string -> count map (linear: a build has few distinct codes). */
struct counts {
	char **keys;
	int *n;
	size_t len, cap;
};

static void counts_add(struct counts *c, const char *key)
{
	for (size_t i = 0; i < c->len; i++) {
		if (strcmp(c->keys[i], key) == 0) {
			c->n[i]++;
			return;
		}
	}
	if (c->len == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->keys = xrealloc(c->keys, c->cap * sizeof(*c->keys));
		c->n = xrealloc(c->n, c->cap * sizeof(*c->n));
	}
	c->keys[c->len] = xstrdup(key);
	c->n[c->len++] = 1;
}

static void counts_free(struct counts *c)
{
	for (size_t i = 0; i < c->len; i++)
		free(c->keys[i]);
	free(c->keys);
	free(c->n);
}

/* The previous run of the same command: its borrow/lifetime places. */
static int previous_places(struct store *s, struct counts *borrow, struct counts *life,
			   const char *project, const char *command, int64_t run_id)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st,
			       "SELECT d.code, d.file FROM cargo_diagnostics d WHERE d.run_id ="
			       " (SELECT id FROM cargo_runs WHERE project = ? AND command = ? AND id < ?"
			       "  ORDER BY id DESC LIMIT 1) AND d.code IS NOT NULL AND d.level = 'error'");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, command, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *file = (const char *)sqlite3_column_text(st, 1);
		char *place = xasprintf("%s\t%s", file ? file : "", code);
		if (cargomsg_is_borrow_code(code))
			counts_add(borrow, place);
		else if (cargomsg_is_lifetime_code(code))
			counts_add(life, place);
		free(place);
	}
	sqlite3_finalize(st);
	return RWB_OK;
}

/* How many places of prev (file+code) are absent from the current diagnostics. */
static int resolved(const struct counts *prev, const struct cargomsg *m, bool borrow)
{
	int gone = 0;

	for (size_t i = 0; i < prev->len; i++) {
		bool still = false;
		for (size_t j = 0; j < m->ndiags && !still; j++) {
			const struct cargo_diag *d = &m->diags[j];
			char *place;
			if (!d->code || strcmp(d->level, "error") != 0 ||
			    (borrow ? !cargomsg_is_borrow_code(d->code) : !cargomsg_is_lifetime_code(d->code)))
				continue;
			place = xasprintf("%s\t%s", d->file ? d->file : "", d->code);
			still = strcmp(place, prev->keys[i]) == 0;
			free(place);
		}
		if (!still)
			gone += prev->n[i];
	}
	return gone;
}

static int insert_run(struct store *s, int64_t *run_id, const struct metrics_run *r,
		      int warnings, int errors)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st,
			       "INSERT INTO cargo_runs(project, command, started_at, duration_ms, success,"
			       " warnings, errors, peak_rss_kb, cpu_ms) VALUES(?,?,?,?,?,?,?,?,?)");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, r->project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->command, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, r->started_at);
	sqlite3_bind_int64(st, 4, r->duration_ms);
	sqlite3_bind_int(st, 5, r->success);
	sqlite3_bind_int(st, 6, warnings);
	sqlite3_bind_int(st, 7, errors);
	sqlite3_bind_int64(st, 8, r->peak_rss_kb);
	sqlite3_bind_int64(st, 9, r->cpu_ms);
	rc = sqlite3_step(st) == SQLITE_DONE ? RWB_OK : store_error(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	*run_id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int insert_diags(struct store *s, int64_t run_id, const struct cargomsg *m)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st,
			       "INSERT INTO cargo_diagnostics(run_id, level, code, message, file, line,"
			       " col, rendered) VALUES(?,?,?,?,?,?,?,?)");
	if (rc)
		return rc;
	for (size_t i = 0; i < m->ndiags && rc == RWB_OK; i++) {
		const struct cargo_diag *d = &m->diags[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, d->level, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, d->code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, d->message, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, d->file, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 6, d->line);
		sqlite3_bind_int(st, 7, d->column);
		sqlite3_bind_text(st, 8, d->rendered, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_error(s, sqlite3_errcode(s->db));
	}
	sqlite3_finalize(st);
	return rc;
}

static bool counts_has(const struct counts *c, const char *key)
{
	for (size_t i = 0; i < c->len; i++)
		if (strcmp(c->keys[i], key) == 0)
			return true;
	return false;
}

/* A 0 sample for each key of series name whose latest sample is above 0 and
 * that this run did not count. Only clippy reports clippy's lints, so other
 * commands leave "clippy::" keys alone. */
static int zero_gone_codes(struct store *s, const char *project, const char *name,
			   const struct counts *now, bool clippy, int64_t run_id, int64_t ts)
{
	sqlite3_stmt *st = NULL;
	char **gone = NULL;
	size_t n = 0;
	int rc = store_prepare(s, &st,
			       "SELECT key FROM metric_samples m WHERE project = ?1 AND name = ?2"
			       " AND value > 0 AND id = (SELECT MAX(id) FROM metric_samples"
			       " WHERE project = ?1 AND name = ?2 AND key = m.key)");

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		if (!key || counts_has(now, key) || (!clippy && strncmp(key, "clippy::", 8) == 0))
			continue;
		gone = xrealloc(gone, (n + 1) * sizeof(*gone));
		gone[n++] = xstrdup(key);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = sample(s, project, name, gone[i], 0, run_id, ts);
		free(gone[i]);
	}
	free(gone);
	return rc;
}

int metrics_record_run(struct store *s, int64_t *run_id, const struct metrics_run *r,
		       const struct cargomsg *m)
{
	struct counts warn = { 0 }, err = { 0 }, lint = { 0 }, pb = { 0 }, pl = { 0 };
	int warnings = cargomsg_count(m, "warning"), errors = cargomsg_count(m, "error");
	int borrow = 0, life = 0, passed, failed, ignored;
	int64_t ts = r->started_at + r->duration_ms;
	const char *p = r->project, *c = r->command;
	int rc;

	*run_id = 0;
	for (size_t i = 0; i < m->ndiags; i++) {
		const struct cargo_diag *d = &m->diags[i];
		const char *code = d->code ? d->code : "(no code)";
		if (strcmp(d->level, "warning") == 0) {
			counts_add(&warn, code);
			if (d->code && strncmp(d->code, "clippy::", 8) == 0)
				counts_add(&lint, d->code);
		} else if (strcmp(d->level, "error") == 0) {
			counts_add(&err, code);
			if (d->code && strncmp(d->code, "clippy::", 8) == 0)
				counts_add(&lint, d->code);
			borrow += cargomsg_is_borrow_code(d->code);
			life += cargomsg_is_lifetime_code(d->code);
		}
	}
	cargomsg_test_totals(m, &passed, &failed, &ignored);
	rc = store_write_begin(s);
	if (rc)
		goto out;
	rc = insert_run(s, run_id, r, warnings, errors);
	if (!rc)
		rc = insert_diags(s, *run_id, m);
	if (!rc)
		rc = previous_places(s, &pb, &pl, p, c, *run_id);
#define S(name, key, v) do { if (!rc) rc = sample(s, p, name, key, (double)(v), *run_id, ts); } while (0)
	S("duration_ms", c, r->duration_ms);
	/* compile_time_avg/_p95 leave out builds that compiled nothing */
	if (m->build_finished)
		S("noop_build", c, cargomsg_noop_build(m) ? 1 : 0);
	S("success", c, r->success ? 1 : 0);
	S("peak_rss_kb", c, r->peak_rss_kb);
	S("cpu_ms", c, r->cpu_ms);
	if (strcmp(c, "rust-benchmark") != 0 && strcmp(c, "cargo-publish") != 0) {
		S("warnings", c, warnings);
		S("errors", c, errors);
		for (size_t i = 0; i < warn.len; i++)
			S("warnings_by_code", warn.keys[i], warn.n[i]);
		for (size_t i = 0; i < err.len; i++)
			S("errors_by_code", err.keys[i], err.n[i]);
		/* a code the last samples still count, gone from a build that ran to
		 * its end: fixed, so its series drops to 0 */
		if (m->build_finished) {
			if (!rc)
				rc = zero_gone_codes(s, p, "warnings_by_code", &warn,
						     strcmp(c, "cargo-clippy") == 0, *run_id, ts);
			if (!rc)
				rc = zero_gone_codes(s, p, "errors_by_code", &err,
						     strcmp(c, "cargo-clippy") == 0, *run_id, ts);
		}
		S("borrow_checker_errors", "", borrow);
		S("lifetime_errors", "", life);
		S("borrow_checker_errors_resolved", "", resolved(&pb, m, true));
		S("lifetime_errors_resolved", "", resolved(&pl, m, false));
	}
	if (strcmp(c, "cargo-clippy") == 0) {
		int total = 0;
		for (size_t i = 0; i < lint.len; i++) {
			S("clippy_warnings", lint.keys[i], lint.n[i]);
			total += lint.n[i];
		}
		S("clippy_warnings", "", total);
	}
	if (strcmp(c, "rust-test") == 0 && m->nbins) {
		S("test_passed", "", passed);
		S("test_failed", "", failed);
		S("test_ignored", "", ignored);
		for (size_t i = 0; i < m->nbins; i++) {
			S("test_passed", m->bins[i].name, m->bins[i].passed);
			S("test_failed", m->bins[i].name, m->bins[i].failed);
			S("test_ignored", m->bins[i].name, m->bins[i].ignored);
		}
	}
#undef S
	if (rc)
		store_write_rollback(s);
	else
		rc = store_write_commit(s);
out:
	counts_free(&warn);
	counts_free(&err);
	counts_free(&lint);
	counts_free(&pb);
	counts_free(&pl);
	return rc;
}

bool metrics_is_regression(double old_mean, double old_sd, double new_mean, double new_sd)
{
	double noise = 2.0 * (old_sd > new_sd ? old_sd : new_sd);

	if (!(old_mean > 0))
		return false;
	return (new_mean - old_mean) / old_mean * 100.0 > 5.0 && new_mean - old_mean > noise;
}

/* The latest value of one series before run_id, or false when none. */
static bool previous_value(struct store *s, double *v, const char *project, const char *name,
			   const char *key, int64_t run_id)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (store_prepare(s, &st,
			  "SELECT value FROM metric_samples WHERE project = ? AND name = ? AND key = ?"
			  " AND (run_id IS NULL OR run_id < ?) ORDER BY ts DESC, id DESC LIMIT 1"))
		return false;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_double(st, 0);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

int metrics_record_benches(struct store *s, struct metrics_bench_change **changes,
			   const char *project, int64_t run_id, const struct cargomsg *m)
{
	struct metrics_bench_change *c = xcalloc(m->nbenches + 1, sizeof(*c));
	int64_t ts = store_now_ms();
	int rc;

	for (size_t i = 0; i < m->nbenches; i++) {
		const struct cargo_bench *b = &m->benches[i];
		double pm, psd;
		c[i].id = xstrdup(b->id);
		c[i].mean_ns = b->mean_ns;
		c[i].median_ns = b->median_ns;
		c[i].std_dev_ns = b->std_dev_ns;
		if (previous_value(s, &pm, project, "bench_mean_ns", b->id, run_id) && pm > 0) {
			if (!previous_value(s, &psd, project, "bench_std_dev_ns", b->id, run_id))
				psd = 0;
			c[i].has_previous = true;
			c[i].change_pct = (b->mean_ns - pm) / pm * 100.0;
			c[i].regression = metrics_is_regression(pm, psd, b->mean_ns, b->std_dev_ns);
		}
	}
	rc = store_write_begin(s);
	for (size_t i = 0; i < m->nbenches && !rc; i++) {
		const char *id = c[i].id;
		rc = sample(s, project, "bench_mean_ns", id, c[i].mean_ns, run_id, ts);
		if (!rc)
			rc = sample(s, project, "bench_median_ns", id, c[i].median_ns, run_id, ts);
		if (!rc)
			rc = sample(s, project, "bench_std_dev_ns", id, c[i].std_dev_ns, run_id, ts);
		if (!rc)
			rc = sample(s, project, "bench_variance", id, c[i].std_dev_ns * c[i].std_dev_ns,
				    run_id, ts);
		if (!rc && c[i].has_previous)
			rc = sample(s, project, "bench_change_pct", id, c[i].change_pct, run_id, ts);
		if (!rc)
			rc = sample(s, project, "bench_regression", id, c[i].regression ? 1 : 0, run_id, ts);
	}
	if (!rc)
		rc = store_write_commit(s);
	else
		store_write_rollback(s);
	*changes = c;
	return rc;
}

void metrics_bench_changes_free(struct metrics_bench_change *c, size_t n)
{
	if (!c)
		return;
	for (size_t i = 0; i < n; i++)
		free(c[i].id);
	free(c);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double metrics_p95(double *values, int n)
{
	int rank;

	qsort(values, (size_t)n, sizeof(*values), dbl_cmp);
	rank = (int)ceil(0.95 * n);
	if (rank < 1)
		rank = 1;
	return values[rank - 1];
}

static struct metric_series *series_push(struct metric_series **v, int *n, int *cap, const char *id)
{
	struct metric_series *m;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, (size_t)*cap * sizeof(**v));
	}
	m = &(*v)[(*n)++];
	memset(m, 0, sizeof(*m));
	m->id = xstrdup(id);
	return m;
}

static void series_finish(struct metric_series *m, const double *vals, const int64_t *ts,
			  int count, int max_points)
{
	int start = count > max_points ? count - max_points : 0;

	m->samples = count;
	m->n = count - start;
	m->values = xcalloc((size_t)(m->n ? m->n : 1), sizeof(*m->values));
	m->ts = xcalloc((size_t)(m->n ? m->n : 1), sizeof(*m->ts));
	memcpy(m->values, vals + start, (size_t)m->n * sizeof(*vals));
	memcpy(m->ts, ts + start, (size_t)m->n * sizeof(*ts));
	m->value = count ? vals[count - 1] : 0;
	if (count < 2)
		m->trend = "new";
	else if (vals[count - 1] > vals[count - 2] * (1 + 1e-9) + 1e-12)
		m->trend = "up";
	else if (vals[count - 1] < vals[count - 2] * (1 - 1e-9) - 1e-12)
		m->trend = "down";
	else
		m->trend = "flat";
}

static bool wanted(const char *name, const char *id)
{
	size_t n;

	if (!name || !*name)
		return true;
	n = strlen(name);
	return strncmp(id, name, n) == 0 && (id[n] == '\0' || id[n] == '/');
}

/*
 * build_success_rate (every /cargo-build), compile_time_avg and
 * compile_time_p95 (the builds that compiled something: a build whose
 * artifacts were all fresh, as a watch build after a save that changed
 * nothing, is left out) and compile_time_noop_avg (those no-op builds, kept
 * apart), as running values. Runs recorded before the no-op mark existed
 * count as compiles.
 */
static void derive_builds(struct metric_series **v, int *n, int *cap, struct store *s,
			  const char *project, const char *name, int64_t since, int max_points)
{
	sqlite3_stmt *st = NULL;
	double *dur = NULL, *rate = NULL, *avg = NULL, *p95 = NULL, *tmp = NULL, *noop = NULL;
	int64_t *ts = NULL, *cts = NULL, *nts = NULL;
	int count = 0, ccount = 0, ncount = 0, cap_rows = 0, ok = 0;
	double sum = 0, nsum = 0;

	if (store_prepare(s, &st,
			  "SELECT r.duration_ms, r.success, r.started_at + r.duration_ms, m.value"
			  " FROM cargo_runs r LEFT JOIN metric_samples m ON m.project = r.project"
			  " AND m.name = 'noop_build' AND m.key = 'cargo-build' AND m.run_id = r.id"
			  " WHERE r.project = ? AND r.command = 'cargo-build' AND r.started_at >= ?"
			  " ORDER BY r.id"))
		return;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, since);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double d = sqlite3_column_double(st, 0);
		bool is_noop = sqlite3_column_type(st, 3) != SQLITE_NULL && sqlite3_column_double(st, 3) > 0;
		if (count == cap_rows) {
			cap_rows = cap_rows ? cap_rows * 2 : 16;
			dur = xrealloc(dur, (size_t)cap_rows * sizeof(*dur));
			rate = xrealloc(rate, (size_t)cap_rows * sizeof(*rate));
			avg = xrealloc(avg, (size_t)cap_rows * sizeof(*avg));
			p95 = xrealloc(p95, (size_t)cap_rows * sizeof(*p95));
			noop = xrealloc(noop, (size_t)cap_rows * sizeof(*noop));
			tmp = xrealloc(tmp, (size_t)cap_rows * sizeof(*tmp));
			ts = xrealloc(ts, (size_t)cap_rows * sizeof(*ts));
			cts = xrealloc(cts, (size_t)cap_rows * sizeof(*cts));
			nts = xrealloc(nts, (size_t)cap_rows * sizeof(*nts));
		}
		ok += sqlite3_column_int(st, 1) != 0;
		ts[count] = sqlite3_column_int64(st, 2);
		count++;
		rate[count - 1] = (double)ok / count;
		if (is_noop) {
			nsum += d;
			nts[ncount] = ts[count - 1];
			ncount++;
			noop[ncount - 1] = nsum / ncount;
			continue;
		}
		dur[ccount] = d;
		cts[ccount] = ts[count - 1];
		sum += d;
		ccount++;
		avg[ccount - 1] = sum / ccount;
		memcpy(tmp, dur, (size_t)ccount * sizeof(*tmp));
		p95[ccount - 1] = metrics_p95(tmp, ccount);
	}
	sqlite3_finalize(st);
	if (count && wanted(name, "build_success_rate")) {
		struct metric_series *m = series_push(v, n, cap, "build_success_rate");
		m->derived = true;
		series_finish(m, rate, ts, count, max_points);
	}
	if (ccount && wanted(name, "compile_time_avg")) {
		struct metric_series *m = series_push(v, n, cap, "compile_time_avg");
		m->derived = true;
		series_finish(m, avg, cts, ccount, max_points);
	}
	if (ccount && wanted(name, "compile_time_p95")) {
		struct metric_series *m = series_push(v, n, cap, "compile_time_p95");
		m->derived = true;
		series_finish(m, p95, cts, ccount, max_points);
	}
	if (ncount && wanted(name, "compile_time_noop_avg")) {
		struct metric_series *m = series_push(v, n, cap, "compile_time_noop_avg");
		m->derived = true;
		series_finish(m, noop, nts, ncount, max_points);
	}
	free(dur);
	free(rate);
	free(avg);
	free(p95);
	free(noop);
	free(tmp);
	free(ts);
	free(cts);
	free(nts);
}

static void metrics_series_release(struct metric_series *m)
{
	free(m->unavailable);
	free(m->id);
	free(m->values);
	free(m->ts);
}

static int series_cmp(const void *a, const void *b)
{
	return strcmp(((const struct metric_series *)a)->id, ((const struct metric_series *)b)->id);
}

/* ---- the brief's metrics: each one measured, or unavailable with the reason ---- */

const char *const metrics_brief[METRICS_BRIEF_COUNT] = {
	/* task completion */
	"tasks_completed", "tasks_failed", "compile_time_avg", "compile_time_p95", "build_success_rate",
	/* quality */
	"clippy_warnings", "unsafe_blocks", "unsafe_blocks_documented", "test_coverage", "benchmark_variance",
	/* performance */
	"throughput", "latency_p50", "latency_p99", "memory_usage_peak", "allocations_per_sec", "cpu_utilization",
	/* safety */
	"soundness_proofs", "lifetime_errors_resolved", "borrow_checker_errors", "data_race_prevention_score",
	/* optimisation */
	"zero_cost_abstractions", "simd_usage", "lto_enabled", "codegen_units",
};

#define SCAN_MAX_FILES 5000
#define SCAN_MAX_FILE (4u << 20)

static bool have_id(const struct metric_series *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (wanted(name, v[i].id))
			return true;
	return false;
}

/* A one-value derived series, unless name filters it out or it is there. */
static void put_value(struct metric_series **v, int *n, int *cap, const char *want, const char *id, double value)
{
	int64_t now = store_now_ms();
	struct metric_series *m;

	if (!wanted(want, id) || have_id(*v, *n, id))
		return;
	m = series_push(v, n, cap, id);
	series_finish(m, &value, &now, 1, 1);
	m->derived = true;
}

static void put_unavailable(struct metric_series **v, int *n, int *cap, const char *want, const char *id,
			    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void put_unavailable(struct metric_series **v, int *n, int *cap, const char *want, const char *id,
			    const char *fmt, ...)
{
	struct metric_series *m;
	va_list ap;

	if (!wanted(want, id) || have_id(*v, *n, id))
		return;
	double none = 0;
	int64_t at = 0;

	m = series_push(v, n, cap, id);
	series_finish(m, &none, &at, 0, 1);
	m->derived = true;
	va_start(ap, fmt);
	m->unavailable = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The latest value of series id, or false. */
static bool latest(const struct metric_series *v, int n, const char *id, double *out)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0 && v[i].samples > 0) {
			*out = v[i].value;
			return true;
		}
	return false;
}

/* lto_enabled and codegen_units from [profile.release] of the manifest. */
static void brief_manifest(struct metric_series **v, int *n, int *cap, const char *project, const char *want)
{
	char *path = xasprintf("%s/Cargo.toml", project), *lto = NULL, *cgu = NULL;
	char *text = strbuf_read_whole(path, 4u << 20, NULL);
	struct cargotoml *t = NULL;

	if (!text || cargotoml_parse(&t, text, strlen(text)) != RWB_OK) {
		const char *why = text ? "its Cargo.toml does not parse" : "the project has no Cargo.toml";
		put_unavailable(v, n, cap, want, "lto_enabled", "%s", why);
		put_unavailable(v, n, cap, want, "codegen_units", "%s", why);
		goto out;
	}
	lto = cargotoml_get(t, "profile.release", "lto");
	cgu = cargotoml_get(t, "profile.release", "codegen-units");
	/* lto = true, "fat", "thin" or "on" is cross-crate LTO; false, "off" and
	 * none (cargo's default: thin-local only) are not */
	put_value(v, n, cap, want, "lto_enabled",
		  lto && (strcmp(lto, "true") == 0 || strcmp(lto, "\"fat\"") == 0 || strcmp(lto, "\"thin\"") == 0 ||
			  strcmp(lto, "\"on\"") == 0 || strcmp(lto, "\"yes\"") == 0) ? 1 : 0);
	/* cargo's release default is 16 */
	put_value(v, n, cap, want, "codegen_units", cgu ? strtod(cgu, NULL) : 16);
out:
	cargotoml_free(t);
	free(lto);
	free(cgu);
	free(text);
	free(path);
}

/* p (0..100) of the sorted values by the nearest-rank method. */
static double rank(const double *sorted, int n, double p)
{
	int r = (int)ceil(p / 100.0 * n);
	return sorted[r < 1 ? 0 : r > n ? n - 1 : r - 1];
}

struct criterion_scan {
	struct metric_series **v;
	int *n, *cap;
	const char *want;
	int found;
};

/* One criterion benchmark folder (it holds new/sample.json). */
static void criterion_bench(struct criterion_scan *c, const char *dir, const char *rel)
{
	char *sp = xasprintf("%s/new/sample.json", dir), *bp = xasprintf("%s/new/benchmark.json", dir);
	char *stext = strbuf_read_whole(sp, 8u << 20, NULL), *btext = strbuf_read_whole(bp, 1u << 20, NULL), *id;
	cJSON *sample = stext ? cJSON_Parse(stext) : NULL, *bench = btext ? cJSON_Parse(btext) : NULL;
	const cJSON *iters = cJSON_GetObjectItem(sample, "iters"), *times = cJSON_GetObjectItem(sample, "times");
	const cJSON *full = cJSON_GetObjectItem(bench, "full_id"), *tp = cJSON_GetObjectItem(bench, "throughput");
	int k = cJSON_GetArraySize(iters);
	double *per = NULL, sum = 0;

	if (k < 1 || k != cJSON_GetArraySize(times))
		goto out;
	per = xcalloc((size_t)k, sizeof(*per));
	for (int i = 0; i < k; i++) {
		double it = cJSON_GetArrayItem(iters, i)->valuedouble, tm = cJSON_GetArrayItem(times, i)->valuedouble;
		per[i] = it > 0 ? tm / it : 0;   /* ns per iteration */
		sum += per[i];
	}
	qsort(per, (size_t)k, sizeof(*per), dbl_cmp);
	id = cJSON_IsString(full) ? xstrdup(full->valuestring) : xstrdup(rel);
	{
		char *p50 = xasprintf("latency_p50/%s", id), *p99 = xasprintf("latency_p99/%s", id);
		char *thr = xasprintf("throughput/%s", id);
		double mean = sum / k, per_iter = 1;
		const cJSON *e = NULL;
		/* throughput: the elements or bytes criterion was told one
		 * iteration handles (else one operation) per second of mean time */
		if (cJSON_IsObject(tp) && (e = tp->child) && cJSON_IsNumber(e))
			per_iter = e->valuedouble;
		put_value(c->v, c->n, c->cap, c->want, p50, rank(per, k, 50));
		put_value(c->v, c->n, c->cap, c->want, p99, rank(per, k, 99));
		if (mean > 0)
			put_value(c->v, c->n, c->cap, c->want, thr, per_iter * 1e9 / mean);
		free(p50);
		free(p99);
		free(thr);
	}
	free(id);
	c->found++;
out:
	free(per);
	cJSON_Delete(sample);
	cJSON_Delete(bench);
	free(stext);
	free(btext);
	free(sp);
	free(bp);
}

static void criterion_walk(struct criterion_scan *c, const char *dir, const char *rel, int depth)
{
	DIR *d;
	struct dirent *e;
	char *probe = xasprintf("%s/new/sample.json", dir);
	bool is_bench = access(probe, R_OK) == 0;

	free(probe);
	if (is_bench && *rel) {
		criterion_bench(c, dir, rel);
		return;
	}
	if (depth > 4 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char *sub, *subrel;
		struct stat st;
		if (e->d_name[0] == '.' || strcmp(e->d_name, "report") == 0)
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		subrel = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			criterion_walk(c, sub, subrel, depth + 1);
		free(sub);
		free(subrel);
	}
	closedir(d);
}

/* latency_p50, latency_p99 and throughput of each criterion benchmark. */
static void brief_criterion(struct metric_series **v, int *n, int *cap, const char *project, const char *want)
{
	const char *env = getenv("CARGO_TARGET_DIR");
	char *dir = env && *env == '/' ? xasprintf("%s/criterion", env) : xasprintf("%s/target/criterion", project);
	struct criterion_scan c = { v, n, cap, want, 0 };

	criterion_walk(&c, dir, "", 0);
	if (!c.found) {
		put_unavailable(v, n, cap, want, "throughput", "no criterion results in %s (run /rust-benchmark with "
				"criterion benchmarks)", dir);
		put_unavailable(v, n, cap, want, "latency_p50", "no criterion results in %s (run /rust-benchmark with "
				"criterion benchmarks)", dir);
		put_unavailable(v, n, cap, want, "latency_p99", "no criterion results in %s (run /rust-benchmark with "
				"criterion benchmarks)", dir);
	}
	free(dir);
}

struct source_counts {
	int files;
	int channels, shared;           /* message passing against locks and atomics */
	int impl_types, dyn_types;      /* impl Trait against dyn Trait */
	int simd;                       /* explicit SIMD places */
};

static bool tok_is(const char *src, const struct rust_span *t, const char *word)
{
	size_t n = strlen(word);
	return t->len == n && memcmp(src + t->start, word, n) == 0;
}

/* An x86 SIMD intrinsic or vector type: _mm_*, _mm256_*, _mm512_*, __m128*, __m256*, __m512*. */
static bool simd_ident(const char *s, size_t n)
{
	static const char *const prefix[] = { "_mm_", "_mm256_", "_mm512_", "__m128", "__m256", "__m512" };

	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (n >= strlen(prefix[i]) && memcmp(s, prefix[i], strlen(prefix[i])) == 0)
			return true;
	return false;
}

static void scan_source(struct source_counts *c, const char *src, size_t len)
{
	struct rustlex lx;
	struct rust_span toks[1024];
	unsigned skip = 1u << RUST_TOK_WHITESPACE | 1u << RUST_TOK_LINE_COMMENT | 1u << RUST_TOK_BLOCK_COMMENT |
			1u << RUST_TOK_DOC_COMMENT;
	struct rust_span prev[3] = { { 0 } };   /* the last three tokens, newest first */
	int have = 0;
	size_t got;

	rustlex_init(&lx, src, len);
	while ((got = rustlex_run(&lx, toks, 1024, skip)) > 0) {
		for (size_t i = 0; i < got; i++) {
			const struct rust_span *t = &toks[i];
			if (t->kind == RUST_TOK_IDENT) {
				if (tok_is(src, t, "mpsc") || tok_is(src, t, "oneshot") || tok_is(src, t, "broadcast") ||
				    tok_is(src, t, "crossbeam_channel") || tok_is(src, t, "flume") ||
				    tok_is(src, t, "async_channel") || tok_is(src, t, "sync_channel"))
					c->channels++;
				else if (tok_is(src, t, "Mutex") || tok_is(src, t, "RwLock") ||
					 (t->len > 6 && memcmp(src + t->start, "Atomic", 6) == 0))
					c->shared++;
				if (tok_is(src, t, "target_feature") ||
				    simd_ident(src + t->start, t->len) ||
				    ((tok_is(src, t, "simd") || tok_is(src, t, "arch")) && have >= 3 &&
				     prev[0].kind == RUST_TOK_PUNCT && src[prev[0].start] == ':' &&
				     (tok_is(src, &prev[2], "std") || tok_is(src, &prev[2], "core"))))
					c->simd++;
			} else if (t->kind == RUST_TOK_KEYWORD) {
				if (tok_is(src, t, "dyn"))
					c->dyn_types++;
				else if (tok_is(src, t, "impl") && have >= 1 && prev[0].kind == RUST_TOK_PUNCT &&
					 strchr("(,:<&=>", src[prev[0].start]))
					c->impl_types++;
			}
			prev[2] = prev[1];
			prev[1] = prev[0];
			prev[0] = *t;
			if (have < 3)
				have++;
		}
		if (got < 1024)
			break;
	}
}

/* files_walk_fn: counts one .rs file of the project (files.c's walk:
 * rwb's one set of rules); stops the walk at SCAN_MAX_FILES. */
static int scan_one(void *data, const char *rel, const char *abs, const struct stat *stp)
{
	struct source_counts *c = data;
	char *text;

	(void)stp;
	if (c->files >= SCAN_MAX_FILES)
		return 1;
	if (!files_is_rust(rel))
		return 0;
	text = strbuf_read_whole(abs, SCAN_MAX_FILE, NULL);
	if (text) {
		scan_source(c, text, strlen(text));
		c->files++;
	}
	free(text);
	return 0;
}

/* data_race_prevention_score, zero_cost_abstractions, simd_usage. */
static void brief_sources(struct metric_series **v, int *n, int *cap, const char *project, const char *want)
{
	struct source_counts c = { 0 };

	if (!wanted(want, "data_race_prevention_score") && !wanted(want, "zero_cost_abstractions") &&
	    !wanted(want, "simd_usage"))
		return;
	files_walk(project, scan_one, &c);
	if (!c.files) {
		put_unavailable(v, n, cap, want, "data_race_prevention_score", "no .rs files in %s", project);
		put_unavailable(v, n, cap, want, "zero_cost_abstractions", "no .rs files in %s", project);
		put_unavailable(v, n, cap, want, "simd_usage", "no .rs files in %s", project);
		return;
	}
	if (c.channels + c.shared)
		put_value(v, n, cap, want, "data_race_prevention_score", 100.0 * c.channels / (c.channels + c.shared));
	else
		put_unavailable(v, n, cap, want, "data_race_prevention_score", "the %d .rs files use no channel, "
				"Mutex, RwLock or atomic: no shared state between threads to score", c.files);
	if (c.impl_types + c.dyn_types)
		put_value(v, n, cap, want, "zero_cost_abstractions",
			  100.0 * c.impl_types / (c.impl_types + c.dyn_types));
	else
		put_unavailable(v, n, cap, want, "zero_cost_abstractions", "the %d .rs files have no impl Trait "
				"and no dyn Trait type to compare", c.files);
	put_value(v, n, cap, want, "simd_usage", c.simd);
}

/* Every metric of the brief: derived when it can be, else unavailable. */
static void brief_complete(struct metric_series **v, int *n, int *cap, struct store *s, const char *project,
			   const char *want, int64_t since)
{
	sqlite3_stmt *st = NULL;
	int64_t done, failed;
	double x, y;

	if (board_task_counts(s, &done, &failed) == RWB_OK) {
		put_value(v, n, cap, want, "tasks_completed", (double)done);
		put_value(v, n, cap, want, "tasks_failed", (double)failed);
	}
	for (const char *const *m = (const char *const[]){ "compile_time_avg", "compile_time_p95", NULL }; *m; m++)
		put_unavailable(v, n, cap, want, *m, "no /cargo-build that compiled something recorded for this "
				"project yet (no-op builds count apart, as compile_time_noop_avg)");
	put_unavailable(v, n, cap, want, "build_success_rate", "no /cargo-build run recorded for this project yet");
	put_unavailable(v, n, cap, want, "clippy_warnings", "no /cargo-clippy run recorded for this project yet");
	put_unavailable(v, n, cap, want, "borrow_checker_errors", "no compiling run (/cargo-build, /cargo-clippy, "
			"/ownership-check, ...) recorded for this project yet");
	put_unavailable(v, n, cap, want, "lifetime_errors_resolved", "no compiling run (/cargo-build, "
			"/cargo-clippy, /lifetime-analysis, ...) recorded for this project yet");
	put_unavailable(v, n, cap, want, "test_coverage", "no coverage measured: /rust-test --coverage needs "
			"cargo-llvm-cov or cargo-tarpaulin installed");
	/* the unsafe audit's counts */
	if (store_prepare(s, &st, "SELECT total, documented, reviewed FROM audit_counts WHERE repo = ?") == RWB_OK) {
		sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			put_value(v, n, cap, want, "unsafe_blocks", sqlite3_column_double(st, 0));
			put_value(v, n, cap, want, "unsafe_blocks_documented", sqlite3_column_double(st, 1));
			put_value(v, n, cap, want, "unsafe_blocks_reviewed", sqlite3_column_double(st, 2));
			/* an unsafe item with a SAFETY argument */
			put_value(v, n, cap, want, "soundness_proofs", sqlite3_column_double(st, 1));
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	for (const char *const *m = (const char *const[]){ "unsafe_blocks", "unsafe_blocks_documented",
							   "soundness_proofs", NULL }; *m; m++)
		put_unavailable(v, n, cap, want, *m, "no /unsafe-audit run for this project yet");
	/* benchmark_variance: the largest relative standard deviation (%) of the
	 * latest run of each benchmark */
	{
		double worst = -1;
		for (int i = 0; i < *n; i++) {
			char *mean_id;
			if (strncmp((*v)[i].id, "bench_std_dev_ns/", 17) != 0)
				continue;
			mean_id = xasprintf("bench_mean_ns/%s", (*v)[i].id + 17);
			if (latest(*v, *n, mean_id, &x) && x > 0 && 100.0 * (*v)[i].value / x > worst)
				worst = 100.0 * (*v)[i].value / x;
			free(mean_id);
		}
		if (worst >= 0)
			put_value(v, n, cap, want, "benchmark_variance", worst);
		else
			put_unavailable(v, n, cap, want, "benchmark_variance", "no /rust-benchmark run recorded for "
					"this project yet");
	}
	/* memory_usage_peak (KiB) and cpu_utilization (%) over the project's
	 * recorded cargo jobs in the window */
	if (store_prepare(s, &st, "SELECT max(CASE WHEN name = 'peak_rss_kb' THEN value END),"
				  " sum(CASE WHEN name = 'cpu_ms' THEN value END),"
				  " sum(CASE WHEN name = 'duration_ms' THEN value END)"
				  " FROM metric_samples WHERE project = ? AND ts >= ?"
				  " AND name IN ('peak_rss_kb', 'cpu_ms', 'duration_ms')") == RWB_OK) {
		sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, since);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			put_value(v, n, cap, want, "memory_usage_peak", sqlite3_column_double(st, 0));
			x = sqlite3_column_double(st, 1);
			y = sqlite3_column_double(st, 2);
			if (y > 0)
				put_value(v, n, cap, want, "cpu_utilization", 100.0 * x / y);
		}
		sqlite3_finalize(st);
	}
	put_unavailable(v, n, cap, want, "memory_usage_peak", "no cargo job recorded for this project yet");
	put_unavailable(v, n, cap, want, "cpu_utilization", "no cargo job recorded for this project yet");
	put_unavailable(v, n, cap, want, "allocations_per_sec", "rwb counts no allocations: that needs an "
			"allocation profiler (heaptrack, valgrind --tool=dhat) or a counting global allocator in "
			"the benchmark, none of which rwb runs");
	brief_manifest(v, n, cap, project, want);
	brief_criterion(v, n, cap, project, want);
	brief_sources(v, n, cap, project, want);
}

int metrics_query(struct metric_series **out, int *n, struct store *s, const char *project,
		  const char *name, int64_t since_ms, int max_points)
{
	sqlite3_stmt *st = NULL;
	struct metric_series *v = NULL;
	int count = 0, cap = 0, rows = 0, cap_rows = 0, rc;
	double *vals = NULL;
	int64_t *ts = NULL;
	char *cur = NULL;

	*out = NULL;
	*n = 0;
	if (max_points < 1)
		max_points = 1;
	rc = store_prepare(s, &st,
			   "SELECT CASE WHEN key = '' THEN name ELSE name || '/' || key END AS id,"
			   " value, ts FROM metric_samples WHERE project = ? AND ts >= ?"
			   " ORDER BY id, ts, metric_samples.id");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, since_ms);
	for (;;) {
		int step = sqlite3_step(st);
		const char *id = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (cur && (!id || strcmp(id, cur) != 0)) {
			series_finish(series_push(&v, &count, &cap, cur), vals, ts, rows, max_points);
			free(cur);
			cur = NULL;
			rows = 0;
		}
		if (!id)
			break;
		if (!cur)
			cur = xstrdup(id);
		if (rows == cap_rows) {
			cap_rows = cap_rows ? cap_rows * 2 : 16;
			vals = xrealloc(vals, (size_t)cap_rows * sizeof(*vals));
			ts = xrealloc(ts, (size_t)cap_rows * sizeof(*ts));
		}
		vals[rows] = sqlite3_column_double(st, 1);
		ts[rows++] = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	free(vals);
	free(ts);
	derive_builds(&v, &count, &cap, s, project, name, since_ms, max_points);
	brief_complete(&v, &count, &cap, s, project, name, since_ms);
	for (int i = 0; i < count; i++) {
		if (strncmp(v[i].id, "bench_mean_ns/", 14) == 0) {
			char *rid = xasprintf("bench_regression/%s", v[i].id + 14);
			for (int j = 0; j < count; j++)
				if (strcmp(v[j].id, rid) == 0 && v[j].value != 0)
					v[i].regression = v[j].regression = true;
			free(rid);
		}
	}
	for (int i = 0; i < count; i++) {
		if (!wanted(name, v[i].id)) {
			metrics_series_release(&v[i]);
			v[i--] = v[--count];
		}
	}
	if (count > 1)
		qsort(v, (size_t)count, sizeof(*v), series_cmp);
	*out = v;
	*n = count;
	return RWB_OK;
}

void metrics_series_free(struct metric_series *v, int n)
{
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		metrics_series_release(&v[i]);
	free(v);
}

static void add_text(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	if (t)
		cJSON_AddStringToObject(o, name, (const char *)t);
	else
		cJSON_AddNullToObject(o, name);
}

int metrics_last_diagnostics(cJSON **out, struct store *s, const char *project, const char *command)
{
	sqlite3_stmt *st = NULL;
	int64_t run = 0;
	int rc;

	*out = NULL;
	rc = store_prepare(s, &st,
			   command ? "SELECT id FROM cargo_runs WHERE project = ? AND command = ?"
				     " ORDER BY id DESC LIMIT 1"
				   : "SELECT id FROM cargo_runs WHERE project = ? AND command NOT IN"
				     " ('rust-benchmark', 'cargo-publish') ORDER BY id DESC LIMIT 1");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	if (command)
		sqlite3_bind_text(st, 2, command, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		run = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!run)
		return RWB_ENOTFOUND;
	rc = store_prepare(s, &st,
			   "SELECT level, code, message, file, line, col, rendered FROM cargo_diagnostics"
			   " WHERE run_id = ? ORDER BY id");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run);
	*out = cJSON_CreateArray();
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *d = cJSON_CreateObject();
		add_text(d, "level", st, 0);
		add_text(d, "code", st, 1);
		add_text(d, "message", st, 2);
		add_text(d, "file", st, 3);
		cJSON_AddNumberToObject(d, "line", sqlite3_column_int(st, 4));
		cJSON_AddNumberToObject(d, "column", sqlite3_column_int(st, 5));
		add_text(d, "rendered", st, 6);
		cJSON_AddItemToArray(*out, d);
	}
	sqlite3_finalize(st);
	return RWB_OK;
}

int metrics_last_run(struct store *s, const char *project, const char *command, bool *success,
		     int64_t *ended_at, int *warnings, int *errors)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st,
			       "SELECT success, started_at + duration_ms, warnings, errors FROM cargo_runs"
			       " WHERE project = ? AND command = ? ORDER BY id DESC LIMIT 1");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, command, -1, SQLITE_TRANSIENT);
	rc = RWB_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*success = sqlite3_column_int(st, 0) != 0;
		*ended_at = sqlite3_column_int64(st, 1);
		*warnings = sqlite3_column_int(st, 2);
		*errors = sqlite3_column_int(st, 3);
		rc = RWB_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int metrics_board_counts(struct store *s, int64_t *completed, int64_t *failed)
{
	return board_task_counts(s, completed, failed);
}
