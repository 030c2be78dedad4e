/*
 * fuzz_gitignore.c - .gitignore parsing and glob matching: the first line
 * of the input is a path, the rest ignore rules; nothing may crash, hang
 * or leak, and a rule list always gives one of its three verdicts.
 */
#include "files.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - (const char *)data) : size;
	char *path = xstrndup((const char *)data, plen);
	const char *rules = nl ? nl + 1 : (const char *)data + size;
	size_t rlen = size - (size_t)(rules - (const char *)data);
	struct files_ignore *ig = files_ignore_parse("", rules, rlen);
	int v1 = files_ignore_check(ig, path, false), v2 = files_ignore_check(ig, path, true);
	char *pat = xstrndup(rules, rlen);

	if (v1 < -1 || v1 > 1 || v2 < -1 || v2 > 1)
		abort();
	(void)files_glob_match(pat, path);
	(void)files_glob_match(path, pat);
	free(pat);
	files_ignore_free(ig);
	free(path);
	return 0;
}
