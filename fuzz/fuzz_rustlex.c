/*
 * fuzz_rustlex.c - the Rust lexer, whole-input and line by line: tokens
 * must tile the input exactly, never read past it, and line numbers must
 * never go backwards.
 */
#include "rustlex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct rustlex lx;
	struct rust_token t;
	size_t covered = 0;
	int line = 1;

	rustlex_init(&lx, src, size);
	while (rustlex_next(&lx, &t)) {
		if (t.start != covered || t.len == 0 || t.line < line || t.end_line < t.line)
			abort();
		covered += t.len;
		line = t.line;
	}
	if (covered != size)
		abort();

	rustlex_init(&lx, NULL, 0);
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(src + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - src) : size;
		rustlex_init_line(&lx, src + i, end - i);
		covered = 0;
		while (rustlex_next(&lx, &t)) {
			if (t.start != covered || t.len == 0)
				abort();
			covered += t.len;
		}
		if (covered != end - i)
			abort();
		i = end + 1;
	}
	return 0;
}
