/*
 * fuzz_rustlex.c - the Rust lexer, whole-input and line by line: tokens
 * must tile the input exactly, never read past it, and line numbers must
 * never go backwards. rustlex_run (batches, a skip mask) must give exactly
 * the tokens rustlex_next gives (and the same unsafe_seen, true exactly
 * when an `unsafe` keyword token came); the batch size and mask come from
 * the input's first bytes. Its marks must be exactly the stored PUNCT and
 * KEYWORD tokens the mark table picks by first byte.
 */
#include "rustlex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool same(const struct rust_token *a, const struct rust_span *b)
{
	return a->kind == (enum rust_tok)b->kind && a->start == b->start && a->len == b->len &&
		a->line == b->line && a->end_line == b->end_line &&
		a->unterminated == b->unterminated && a->inner_doc == b->inner_doc;
}

/* braces, ';' and '/' as PUNCT; keywords starting m, i, p, u; 'r' both */
static const unsigned char mark_tbl[256] = {
	['{'] = 1, ['}'] = 1, [';'] = 1, ['/'] = 1,
	['m'] = 2, ['i'] = 2, ['p'] = 2, ['u'] = 2, ['r'] = 3,
};

/* rustlex_run against rustlex_next on the whole input. */
static void check_run(const char *src, size_t size, size_t batch, unsigned skip)
{
	struct rustlex a, b;
	struct rust_token want;
	struct rust_span got[16];
	uint32_t marks[16];
	size_t n;

	rustlex_init(&a, src, size);
	rustlex_init(&b, src, size);
	b.mark = mark_tbl;
	b.marks = marks;
	do {
		size_t nm = 0;
		b.nmarks = 0;
		b.mark_base = 7;
		n = rustlex_run(&b, got, batch, skip);
		if (n > batch)
			abort();
		for (size_t k = 0; k < n; k++) {
			unsigned m = mark_tbl[got[k].first];
			if (((m & 1) && got[k].kind == RUST_TOK_PUNCT) ||
			    ((m & 2) && got[k].kind == RUST_TOK_KEYWORD))
				if (nm >= b.nmarks || marks[nm++] != 7 + k)
					abort();
		}
		if (nm != b.nmarks)
			abort();
		for (size_t k = 0; k < n; k++) {
			do {
				if (!rustlex_next(&a, &want))
					abort();
			} while (skip & (1u << want.kind));
			if (!same(&want, &got[k]) || got[k].first != (unsigned char)src[got[k].start])
				abort();
		}
	} while (n == batch);
	while (rustlex_next(&a, &want))
		if (!(skip & (1u << want.kind)))
			abort();
	if (a.line != b.line || b.pos != size || a.unsafe_seen != b.unsafe_seen)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct rustlex lx;
	struct rust_token t;
	size_t covered = 0;
	int line = 1;
	bool saw_unsafe = false;

	rustlex_init(&lx, src, size);
	while (rustlex_next(&lx, &t)) {
		if (t.start != covered || t.len == 0 || t.line < line || t.end_line < t.line)
			abort();
		saw_unsafe |= t.kind == RUST_TOK_KEYWORD && t.len == 6 &&
			memcmp(src + t.start, "unsafe", 6) == 0;
		covered += t.len;
		line = t.line;
	}
	/* unsafe_seen: exactly when an `unsafe` keyword token came */
	if (covered != size || lx.unsafe_seen != saw_unsafe)
		abort();
	if (size >= 2)
		check_run(src, size, 1 + data[0] % 16, (unsigned)data[1] * 0x41u);
	check_run(src, size, 16, 0);

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
