/*
 * fuzz_coverage.c - the readers of llvm-cov's output (coverage.c): the
 * input up to its first NUL byte as `llvm-cov export -format=text
 * -summary-only` JSON, the rest as `-format=lcov` text, for files under
 * the root /r. Nothing may crash, leak or read out of bounds, and every
 * count must stay in range (covered <= count, lines within the array).
 */
#include "coverage.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *nul = memchr(p, '\0', size);
	size_t jl = nul ? (size_t)(nul - p) : size;
	char *json = xstrndup(p, jl);
	const char *lcov = nul ? nul + 1 : p;
	size_t ll = nul ? size - jl - 1 : size;
	struct coverage_report r = { 0 };

	coverage_parse_summary(&r, json, "/r");
	coverage_parse_lcov(&r, lcov, ll, "/r");
	for (size_t i = 0; i < r.n; i++) {
		const struct coverage_filerep *f = &r.files[i];
		assert(f->lines.covered <= f->lines.count && f->lines.covered >= 0);
		assert(f->regions.covered <= f->regions.count);
		assert(f->functions.covered <= f->functions.count);
		assert(strncmp(f->file, "../", 3) != 0 && f->file[0] != '/');
		for (int l = 1; l <= f->nlines; l++)
			assert(f->hits[l] >= COVERAGE_NONE && f->hits[l] <= COVERAGE_HIT);
	}
	(void)coverage_pct(r.lines);
	coverage_report_release(&r);
	free(json);
	return 0;
}
