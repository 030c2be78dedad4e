/*
 * test_coverage_store.c - coverage.c without cargo: llvm-cov's summary JSON and
 * lcov text read into a report (only the repository's files, named
 * relative to it; hostile numbers refused), the lines stored in a real
 * SQLite store and read back for a file by its path, the lookups the
 * viewer, the diff and the audit use (marker, range, patch coverage), and
 * a file edited after the run no longer marked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "coverage.h"
#include "error.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *dir, *root;            /* the temporary folder; its real path is the repository */
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *path;

	f->dir = tu_tmpdir();
	f->root = realpath(f->dir, NULL);
	path = xasprintf("%s/rwb.db", f->dir);
	assert_int_equal(store_open(&f->s, path, true), RWB_OK);
	free(path);
	path = xasprintf("%s/src", f->dir);
	mkdir(path, 0755);
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
	free(f->root);
	free(f);
	return 0;
}

static char *summary_json(const char *root)
{
	return xasprintf(
		"{\"data\":[{\"files\":["
		"{\"filename\":\"%s/src/lib.rs\",\"summary\":{\"lines\":{\"count\":10,\"covered\":6},"
		"\"regions\":{\"count\":8,\"covered\":5},\"functions\":{\"count\":3,\"covered\":2}}},"
		"{\"filename\":\"/root/.cargo/registry/src/x/lib.rs\",\"summary\":{\"lines\":{\"count\":99,"
		"\"covered\":1}}},"
		"{\"filename\":\"%s/tests/it.rs\",\"summary\":{\"lines\":{\"count\":2,\"covered\":2},"
		"\"regions\":{\"count\":2,\"covered\":2},\"functions\":{\"count\":1,\"covered\":1}}},"
		"{\"filename\":\"%s/src/bad.rs\",\"summary\":{\"lines\":{\"count\":2,\"covered\":5}}}"
		"],\"totals\":{}}],\"type\":\"llvm.coverage.json.export\"}",
		root, root, root);
}

static void test_parse(void **state)
{
	struct fx *f = *state;
	struct coverage_report r = { 0 };
	char *json = summary_json(f->root);
	char *lcov = xasprintf("SF:%s/src/lib.rs\nFN:1,f\nDA:2,3\nDA:3,0\nDA:4,0\nDA:5,18446744073709551615\n"
			       "DA:5,0\nDA:0,1\nDA:99999999999,1\nDA:x,1\nLF:10\nend_of_record\n"
			       "SF:/elsewhere/src/lib.rs\nDA:7,0\nend_of_record\n", f->root);

	assert_int_equal(coverage_parse_summary(&r, json, f->root), RWB_OK);
	/* the registry's file is dropped; a covered count above its count is refused (0/0) */
	assert_int_equal(r.n, 3);
	assert_string_equal(r.files[0].file, "src/lib.rs");
	assert_string_equal(r.files[1].file, "tests/it.rs");
	assert_int_equal(r.files[2].lines.count, 0);
	assert_int_equal(r.lines.count, 12);
	assert_int_equal(r.lines.covered, 8);
	assert_int_equal(r.regions.count, 10);
	assert_int_equal(r.functions.covered, 3);
	assert_true(coverage_pct(r.lines) > 66.66 && coverage_pct(r.lines) < 66.67);
	assert_int_equal(coverage_parse_lcov(&r, lcov, strlen(lcov), f->root), RWB_OK);
	assert_int_equal(r.files[0].nlines, 5);
	assert_int_equal(r.files[0].hits[1], COVERAGE_NONE);
	assert_int_equal(r.files[0].hits[2], COVERAGE_HIT);
	assert_int_equal(r.files[0].hits[3], COVERAGE_MISSED);
	/* a line listed twice (two instantiations) ran when either did */
	assert_int_equal(r.files[0].hits[5], COVERAGE_HIT);
	assert_null(r.files[1].hits);
	coverage_report_release(&r);
	/* names that climb out of the root are not the crate's; a doubled slash is
	 * the same file (found by fuzz_coverage: "/r//src/lib.rs" kept "/src/lib.rs") */
	{
		char *odd = xasprintf("{\"data\":[{\"files\":["
				      "{\"filename\":\"%s//src/a.rs\",\"summary\":{}},"
				      "{\"filename\":\"%s/../etc/x.rs\",\"summary\":{}},"
				      "{\"filename\":\"%s/src/../../y.rs\",\"summary\":{}},"
				      "{\"filename\":\"%s/src/..\",\"summary\":{}},"
				      "{\"filename\":\"%sx/src/z.rs\",\"summary\":{}}]}]}",
				      f->root, f->root, f->root, f->root, f->root);
		assert_int_equal(coverage_parse_summary(&r, odd, f->root), RWB_OK);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.files[0].file, "src/a.rs");
		coverage_report_release(&r);
		free(odd);
	}
	/* not an export */
	assert_int_equal(coverage_parse_summary(&r, "{\"type\":1}", f->root), RWB_EINPUT);
	assert_int_equal(coverage_parse_summary(&r, "not json", f->root), RWB_EINPUT);
	coverage_report_release(&r);
	free(json);
	free(lcov);
}

/* A report of one file with hits as given ("-" none, "0" missed, "1" hit per line). */
static void one_file(struct coverage_report *r, const char *file, const char *hits)
{
	struct coverage_filerep *fr;
	int n = (int)strlen(hits);

	memset(r, 0, sizeof(*r));
	r->files = xcalloc(1, sizeof(*r->files));
	r->n = r->cap = 1;
	fr = &r->files[0];
	fr->file = xstrdup(file);
	fr->nlines = n;
	fr->cap = n + 1;
	fr->hits = xcalloc((size_t)n + 1, sizeof(int));
	fr->hits[0] = COVERAGE_NONE;
	for (int i = 0; i < n; i++)
		fr->hits[i + 1] = hits[i] == '1' ? COVERAGE_HIT : hits[i] == '0' ? COVERAGE_MISSED : COVERAGE_NONE;
}

static void test_store_and_lookup(void **state)
{
	struct fx *f = *state;
	struct coverage_report r;
	struct coverage_file cf;
	struct coverage_patch p = { 0 };
	struct coverage_cache cc = { 0 };
	char *path = xasprintf("%s/src/lib.rs", f->dir), status[200];

	tu_write(path, "fn a() {}\n");
	/* lines: 1 hit, 2 hit, 3 missed, 4 none, 5-7 missed, 8 hit */
	one_file(&r, "src/lib.rs", "110-0001");
	r.files[0].hits[7] = COVERAGE_MISSED;
	assert_false(coverage_have_run(f->s, f->dir));
	assert_int_equal(coverage_store_save(f->s, f->root, &r, (int64_t)time(NULL) * 1000 + 60000), RWB_OK);
	assert_true(coverage_have_run(f->s, f->dir));
	assert_int_equal(coverage_file_load(&cf, f->s, path), RWB_OK);
	assert_true(cf.found);
	assert_int_equal(coverage_line(&cf, 1), COVERAGE_HIT);
	assert_int_equal(coverage_line(&cf, 3), COVERAGE_MISSED);
	assert_int_equal(coverage_line(&cf, 4), COVERAGE_NONE);
	assert_int_equal(coverage_line(&cf, 6), COVERAGE_MISSED);
	assert_int_equal(coverage_line(&cf, 8), COVERAGE_HIT);
	assert_int_equal(coverage_line(&cf, 9), COVERAGE_NONE);
	assert_int_equal(coverage_line(&cf, 0), COVERAGE_NONE);
	assert_int_equal(coverage_marker(&cf, 3), '!');
	assert_int_equal(coverage_marker(&cf, 2), ' ');
	assert_int_equal(coverage_marker(&cf, 4), ' ');
	/* an item executed when any of its lines ran; no code: unknown */
	assert_int_equal(coverage_range(&cf, 5, 7), COVERAGE_MISSED);
	assert_int_equal(coverage_range(&cf, 3, 8), COVERAGE_HIT);
	assert_int_equal(coverage_range(&cf, 4, 4), COVERAGE_NONE);
	for (int l = 1; l <= 9; l++)
		coverage_patch_add(&p, &cf, l);
	assert_int_equal(p.executed, 3);
	assert_int_equal(p.missed, 4);
	coverage_status(status, sizeof(status), &cf);
	assert_string_equal(status, "coverage: 3 of 7 lines executed by the tests; ! marks the 4 not executed");
	coverage_file_release(&cf);
	/* the audit's view: a file the run did not compile holds untested code */
	assert_int_equal(coverage_item_tested(&cc, f->s, f->dir, "src/lib.rs", true, 5, 7), COVERAGE_MISSED);
	assert_int_equal(coverage_item_tested(&cc, f->s, f->dir, "src/other.rs", true, 1, 3), COVERAGE_MISSED);
	assert_int_equal(coverage_item_tested(&cc, f->s, f->dir, "src/other.rs", false, 1, 3), COVERAGE_NONE);
	coverage_cache_release(&cc);
	/* a file outside any measured repository */
	assert_int_equal(coverage_file_load(&cf, f->s, "/etc/hostname"), RWB_OK);
	assert_false(cf.found);
	assert_int_equal(coverage_marker(&cf, 1), ' ');
	coverage_file_release(&cf);
	/* the next run replaces the lines */
	coverage_report_release(&r);
	one_file(&r, "src/lib.rs", "111");
	assert_int_equal(coverage_store_save(f->s, f->root, &r, (int64_t)time(NULL) * 1000 + 60000), RWB_OK);
	assert_int_equal(coverage_file_load(&cf, f->s, path), RWB_OK);
	assert_int_equal(coverage_line(&cf, 3), COVERAGE_HIT);
	assert_int_equal(coverage_line(&cf, 6), COVERAGE_NONE);
	coverage_file_release(&cf);
	/* edited after the run: its lines may have moved, nothing is marked */
	coverage_report_release(&r);
	one_file(&r, "src/lib.rs", "000");
	assert_int_equal(coverage_store_save(f->s, f->root, &r, 1000), RWB_OK);
	assert_int_equal(coverage_file_load(&cf, f->s, path), RWB_OK);
	assert_false(cf.found);
	assert_true(cf.stale);
	assert_int_equal(coverage_marker(&cf, 1), ' ');
	coverage_file_release(&cf);
	coverage_report_release(&r);
	free(path);
}

/* A crate in a folder of the repository: the audit (run at the repository's
 * root) finds the crate's run; the innermost measured folder wins. */
static void test_crate_inside_repository(void **state)
{
	struct fx *f = *state;
	struct coverage_report r;
	struct coverage_cache cc = { 0 };
	char *sub = xasprintf("%s/crate", f->root), *file = xasprintf("%s/crate/src/x.rs", f->dir);
	char *dir = xasprintf("%s/crate/src", f->dir);
	int64_t later = (int64_t)time(NULL) * 1000 + 60000;

	assert_int_equal(tu_sh(f->dir, "mkdir -p crate/src"), 0);
	tu_write(file, "fn x() {}\n");
	one_file(&r, "src/x.rs", "10");
	assert_int_equal(coverage_store_save(f->s, sub, &r, later), RWB_OK);
	coverage_report_release(&r);
	/* the repository's own run knows nothing of crate/src/x.rs */
	one_file(&r, "src/lib.rs", "1");
	assert_int_equal(coverage_store_save(f->s, f->root, &r, later), RWB_OK);
	coverage_report_release(&r);
	assert_true(coverage_have_run(f->s, dir) || coverage_have_run(f->s, f->dir));
	assert_int_equal(coverage_item_tested(&cc, f->s, f->dir, "crate/src/x.rs", true, 1, 1), COVERAGE_HIT);
	assert_int_equal(coverage_item_tested(&cc, f->s, f->dir, "crate/src/x.rs", true, 2, 2), COVERAGE_MISSED);
	coverage_cache_release(&cc);
	free(sub);
	free(file);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_store_and_lookup),
		cmocka_unit_test(test_crate_inside_repository),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
