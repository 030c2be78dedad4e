/*
 * fuzz_gitw.c - the git wrapper's parsers of outside text: the --lines
 * range ("A-B") and the word-level emphasis tokenizer over two arbitrary
 * lines (spans must stay inside their line, ordered and non-empty).
 */
#include "gitw.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t alen = nl ? (size_t)(nl - data) : size / 2;
	const char *b = text + alen + (nl ? 1 : 0);
	size_t blen = size - (size_t)(b - text);
	struct gitw_span sa[8], sb[8];
	int na, nb, lo, hi;
	char *s = xstrndup(text, size < 64 ? size : 64);

	if (gitw_parse_range(&lo, &hi, s) == 0 && (lo < 1 || hi < lo))
		abort();
	free(s);
	gitw_word_diff(sa, &na, sb, &nb, 8, text, alen, b, blen);
	for (int i = 0; i < na; i++)
		if (sa[i].start >= sa[i].end || sa[i].end > alen || (i && sa[i].start < sa[i - 1].end))
			abort();
	for (int i = 0; i < nb; i++)
		if (sb[i].start >= sb[i].end || sb[i].end > blen || (i && sb[i].start < sb[i - 1].end))
			abort();
	return 0;
}
