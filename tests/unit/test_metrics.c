/*
 * test_metrics.c - runs, diagnostics and series in a real SQLite store in a
 * temporary folder: derived build metrics, resolved borrow errors,
 * benchmark regressions against the noise, generic series by name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cargomsg.h"
#include "error.h"
#include "metrics.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *dir;
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *path;

	f->dir = tu_tmpdir();
	path = xasprintf("%s/rwb.db", f->dir);
	assert_int_equal(store_open(&f->s, path, true), RWB_OK);
	free(path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void feed(struct cargomsg *m, const char *line)
{
	cargomsg_feed_line(m, line, strlen(line), NULL);
}

static char *diag_line(const char *level, const char *code, const char *file, int line)
{
	return xasprintf("{\"reason\":\"compiler-message\",\"message\":{\"level\":\"%s\","
			 "\"message\":\"m %s\",\"code\":{\"code\":\"%s\"},\"spans\":[{\"file_name\":"
			 "\"%s\",\"line_start\":%d,\"column_start\":2,\"is_primary\":true}]}}",
			 level, code, code, file, line);
}

static void record(struct fx *f, const char *cmd, int64_t at, int64_t dur, bool ok,
		   const struct cargomsg *m)
{
	struct metrics_run r = { .project = "/p", .command = cmd, .started_at = at,
				 .duration_ms = dur, .success = ok, .peak_rss_kb = 1000, .cpu_ms = 10 };
	struct cargomsg empty;
	int64_t id;

	cargomsg_init(&empty);
	assert_int_equal(metrics_record_run(f->s, &id, &r, m ? m : &empty), RWB_OK);
	assert_true(id > 0);
	cargomsg_release(&empty);
}

static const struct metric_series *find(const struct metric_series *v, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

static void test_three_builds_derived(void **state)
{
	struct fx *f = *state;
	struct metric_series *v;
	const struct metric_series *m;
	int n;

	record(f, "cargo-build", 1000, 1000, true, NULL);
	record(f, "cargo-build", 5000, 6000, false, NULL);
	record(f, "cargo-build", 20000, 2000, true, NULL);
	record(f, "rust-test", 30000, 99999, true, NULL); /* not a build: not counted */
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", NULL, 0, 30), RWB_OK);
	m = find(v, n, "compile_time_avg");
	assert_non_null(m);
	assert_float_equal(m->value, 3000.0, 1e-9);
	assert_int_equal(m->n, 3);
	assert_true(m->derived);
	m = find(v, n, "compile_time_p95");
	assert_float_equal(m->value, 6000.0, 1e-9);
	m = find(v, n, "build_success_rate");
	assert_float_equal(m->value, 2.0 / 3.0, 1e-9);
	/* the running rate: 1, 1/2, 2/3 */
	assert_float_equal(m->values[0], 1.0, 1e-9);
	assert_float_equal(m->values[1], 0.5, 1e-9);
	assert_string_equal(m->trend, "up");
	m = find(v, n, "duration_ms/cargo-build");
	assert_int_equal(m->samples, 3);
	assert_string_equal(m->trend, "down");
	assert_float_equal(find(v, n, "tasks_completed")->value, 0, 1e-9); /* an empty board counts 0 */
	metrics_series_free(v, n);

	/* a name selects one metric or its keyed family; --since narrows the window */
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", "duration_ms", 0, 2), RWB_OK);
	assert_int_equal(n, 2);
	m = find(v, n, "duration_ms/cargo-build");
	assert_int_equal(m->n, 2);
	assert_float_equal(m->values[1], 2000.0, 1e-9);
	metrics_series_free(v, n);
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", "compile_time_avg", 4000, 30), RWB_OK);
	assert_int_equal(n, 1);
	assert_float_equal(v[0].value, 4000.0, 1e-9);
	metrics_series_free(v, n);
}

static void test_p95_nearest_rank(void **state)
{
	double a[20];

	(void)state;
	for (int i = 0; i < 20; i++)
		a[i] = 20 - i;
	assert_float_equal(metrics_p95(a, 20), 19.0, 1e-9);
	a[0] = 7;
	assert_float_equal(metrics_p95(a, 1), 7.0, 1e-9);
}

static void test_borrow_errors_resolved(void **state)
{
	struct fx *f = *state;
	struct cargomsg a, b;
	struct metric_series *v;
	char *l1 = diag_line("error", "E0382", "src/main.rs", 8);
	char *l2 = diag_line("error", "E0499", "src/lib.rs", 3);
	char *l3 = diag_line("error", "E0106", "src/lib.rs", 9);
	cJSON *diags;
	int n;

	cargomsg_init(&a);
	feed(&a, l1);
	feed(&a, l2);
	feed(&a, l3);
	record(f, "cargo-build", 1000, 100, false, &a);
	/* the next build still has E0499 in src/lib.rs (moved a line), E0382 is gone */
	cargomsg_init(&b);
	free(l2);
	l2 = diag_line("error", "E0499", "src/lib.rs", 4);
	feed(&b, l2);
	record(f, "cargo-build", 2000, 100, false, &b);
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", NULL, 0, 30), RWB_OK);
	assert_float_equal(find(v, n, "borrow_checker_errors")->values[0], 2, 1e-9);
	assert_float_equal(find(v, n, "borrow_checker_errors")->value, 1, 1e-9);
	assert_float_equal(find(v, n, "borrow_checker_errors_resolved")->value, 1, 1e-9);
	assert_float_equal(find(v, n, "lifetime_errors_resolved")->value, 1, 1e-9);
	assert_float_equal(find(v, n, "errors_by_code/E0499")->value, 1, 1e-9);
	metrics_series_free(v, n);
	/* the last build's diagnostics stay readable after the job */
	assert_int_equal(metrics_last_diagnostics(&diags, f->s, "/p", "cargo-build"), RWB_OK);
	assert_int_equal(cJSON_GetArraySize(diags), 1);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(diags, 0), "line")->valueint, 4);
	cJSON_Delete(diags);
	assert_int_equal(metrics_last_diagnostics(&diags, f->s, "/other", NULL), RWB_ENOTFOUND);
	cargomsg_release(&a);
	cargomsg_release(&b);
	free(l1);
	free(l2);
	free(l3);
}

static void bench_run(struct fx *f, double mean, double sd, struct metrics_bench_change **ch)
{
	struct cargomsg m;
	struct metrics_run r = { .project = "/p", .command = "rust-benchmark", .started_at = 1,
				 .duration_ms = 1, .success = true };
	int64_t id;

	cargomsg_init(&m);
	m.benches = xcalloc(1, sizeof(*m.benches));
	m.nbenches = m.cap_benches = 1;
	m.benches[0] = (struct cargo_bench){ .id = xstrdup("fib 20"), .mean_ns = mean,
					     .median_ns = mean, .std_dev_ns = sd };
	assert_int_equal(metrics_record_run(f->s, &id, &r, &m), RWB_OK);
	assert_int_equal(metrics_record_benches(f->s, ch, "/p", id, &m), RWB_OK);
	cargomsg_release(&m);
}

static void test_benchmark_regression(void **state)
{
	struct fx *f = *state;
	struct metrics_bench_change *ch;
	struct metric_series *v;
	int n;

	bench_run(f, 1000, 20, &ch);
	assert_false(ch[0].has_previous);
	metrics_bench_changes_free(ch, 1);
	/* 4 % slower: within 5 % */
	bench_run(f, 1040, 20, &ch);
	assert_true(ch[0].has_previous);
	assert_float_equal(ch[0].change_pct, 4.0, 1e-9);
	assert_false(ch[0].regression);
	metrics_bench_changes_free(ch, 1);
	/* 10 % slower but the std-dev is 100 ns: noise */
	bench_run(f, 1144, 100, &ch);
	assert_false(ch[0].regression);
	metrics_bench_changes_free(ch, 1);
	/* 50 % slower, well beyond two std-devs */
	bench_run(f, 1716, 30, &ch);
	assert_true(ch[0].regression);
	assert_float_equal(ch[0].change_pct, 50.0, 1e-9);
	metrics_bench_changes_free(ch, 1);
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", "bench_mean_ns", 0, 30), RWB_OK);
	assert_int_equal(n, 1);
	assert_true(v[0].regression);
	metrics_series_free(v, n);
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", "bench_variance", 0, 30), RWB_OK);
	assert_float_equal(v[0].value, 900.0, 1e-9);
	metrics_series_free(v, n);
	assert_false(metrics_is_regression(0, 0, 10, 0));
}

static void test_generic_series_and_board(void **state)
{
	struct fx *f = *state;
	struct metric_series *v;
	int64_t done, failed;
	int n;

	assert_int_equal(metrics_add_sample(f->s, "/p", "unsafe_blocks", "", 4, 100), RWB_OK);
	assert_int_equal(metrics_add_sample(f->s, "/p", "unsafe_blocks", "", 3, 200), RWB_OK);
	assert_int_equal(metrics_add_sample(f->s, "/q", "unsafe_blocks", "", 50, 200), RWB_OK);
	assert_int_equal(metrics_board_counts(f->s, &done, &failed), RWB_OK);
	assert_int_equal(done + failed, 0);
	/* the board's own tasks (/agent-delegate, the Tasks tab): 2 done, 1 failed, 1 open */
	for (int i = 0; i < 4; i++) {
		int64_t id;
		assert_int_equal(board_task_add(f->s, &id, "agent", "work"), RWB_OK);
		if (i == 3)
			continue;
		assert_int_equal(board_task_move(f->s, id, "doing"), RWB_OK);
		assert_int_equal(board_task_move(f->s, id, i == 2 ? "failed" : "done"), RWB_OK);
	}
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", NULL, 0, 30), RWB_OK);
	assert_float_equal(find(v, n, "unsafe_blocks")->value, 3, 1e-9);
	assert_string_equal(find(v, n, "unsafe_blocks")->trend, "down");
	assert_float_equal(find(v, n, "tasks_completed")->value, 2, 1e-9);
	assert_float_equal(find(v, n, "tasks_failed")->value, 1, 1e-9);
	metrics_series_free(v, n);
	assert_int_equal(metrics_query(&v, &n, f->s, "/p", "no_such_metric", 0, 30), RWB_OK);
	assert_int_equal(n, 0);
	metrics_series_free(v, n);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel), *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
	FILE *fp;

	assert_int_equal(system(cmd), 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(cmd);
	free(path);
}

/* Every metric of the brief is answered: measured from the manifest, the
 * sources, criterion's files and the store, or unavailable with a reason */
static void test_brief_metrics_all_named(void **state)
{
	struct fx *f = *state;
	struct metric_series *v;
	char *proj = xasprintf("%s/proj", f->dir);
	const struct metric_series *m;
	int n;

	unsetenv("CARGO_TARGET_DIR");
	put(proj, "Cargo.toml", "[package]\nname = \"p\"\n\n[profile.release]\nlto = \"thin\" # fast\ncodegen-units = 1\n");
	put(proj, "src/lib.rs",
	    "use std::sync::{mpsc, Mutex};\n"
	    "// Mutex dyn _mm_add_ps in a comment count for nothing\n"
	    "pub fn f(x: impl Fn(), y: &dyn Fn(), z: Mutex<u8>) { let _ = (x, y, z, mpsc::channel::<u8>()); }\n"
	    "impl Clone for S { fn clone(&self) -> Self { S } }\n"
	    "#[target_feature(enable = \"avx2\")] unsafe fn g() { let _ = std::arch::x86_64::_mm_setzero_ps(); }\n");
	put(proj, "target/criterion/parse/new/sample.json",
	    "{\"sampling_mode\":\"Linear\",\"iters\":[1,2,3,4],\"times\":[100,220,300,4000]}");
	put(proj, "target/criterion/parse/new/benchmark.json",
	    "{\"full_id\":\"parse_json\",\"throughput\":{\"Elements\":10}}");
	assert_int_equal(metrics_query(&v, &n, f->s, proj, NULL, 0, 30), RWB_OK);
	for (int i = 0; i < METRICS_BRIEF_COUNT; i++) {
		bool named = false;
		for (int j = 0; j < n; j++) {
			size_t k = strlen(metrics_brief[i]);
			named |= strncmp(v[j].id, metrics_brief[i], k) == 0 && (v[j].id[k] == '\0' || v[j].id[k] == '/');
		}
		if (!named)
			fail_msg("brief metric %s is missing", metrics_brief[i]);
	}
	assert_float_equal(find(v, n, "lto_enabled")->value, 1, 1e-9);
	assert_float_equal(find(v, n, "codegen_units")->value, 1, 1e-9);
	/* one channel (mpsc twice) against one Mutex ... used twice: 2 of 4 */
	assert_float_equal(find(v, n, "data_race_prevention_score")->value, 50, 1e-9);
	/* impl Fn against dyn Fn; the item impl does not count */
	assert_float_equal(find(v, n, "zero_cost_abstractions")->value, 50, 1e-9);
	/* target_feature, std::arch, _mm_setzero_ps */
	assert_float_equal(find(v, n, "simd_usage")->value, 3, 1e-9);
	/* per iteration: 100, 110, 100, 1000 ns */
	assert_float_equal(find(v, n, "latency_p50/parse_json")->value, 100, 1e-9);
	assert_float_equal(find(v, n, "latency_p99/parse_json")->value, 1000, 1e-9);
	assert_float_equal(find(v, n, "throughput/parse_json")->value, 10 * 1e9 / 327.5, 1e-6);
	m = find(v, n, "allocations_per_sec");
	assert_non_null(m->unavailable);
	assert_int_equal(m->n, 0);
	assert_non_null(find(v, n, "unsafe_blocks")->unavailable);
	assert_non_null(strstr(find(v, n, "build_success_rate")->unavailable, "/cargo-build"));
	metrics_series_free(v, n);
	/* asked by name: the unavailable one answers with its reason */
	assert_int_equal(metrics_query(&v, &n, f->s, proj, "test_coverage", 0, 30), RWB_OK);
	assert_int_equal(n, 1);
	assert_non_null(v[0].unavailable);
	metrics_series_free(v, n);
	free(proj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_three_builds_derived, setup, teardown),
		cmocka_unit_test(test_p95_nearest_rank),
		cmocka_unit_test_setup_teardown(test_brief_metrics_all_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_borrow_errors_resolved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_benchmark_regression, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generic_series_and_board, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
