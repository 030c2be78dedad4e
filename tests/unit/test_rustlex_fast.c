/*
 * test_rustlex_fast.c - the lexer's fast paths: rustlex_run() gives exactly
 * the tokens rustlex_next() gives (any batch size, any skip mask; its
 * compact tokens hold the same facts), runs of
 * spaces and identifier characters that cross the eight-byte steps and the
 * end of input, keywords found with the one-load comparison and without it,
 * long comment and string bodies, files that end inside a construct, and
 * long random inputs.
 * Every source is copied into a buffer of exactly its size, so a read past
 * the end shows under AddressSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rustlex.h"
#include "strbuf.h"

#define MASK(k) (1u << (k))

static char *exact_copy(const char *src, size_t len)
{
	char *p = malloc(len ? len : 1);
	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

/* rustlex_next's token a against rustlex_run's compact b */
static bool same_token(const struct rust_token *a, const struct rust_span *b)
{
	return a->kind == (enum rust_tok)b->kind && a->start == b->start && a->len == b->len &&
		a->line == b->line && a->end_line == b->end_line &&
		a->unterminated == b->unterminated && a->inner_doc == b->inner_doc;
}

/* the marks asked for: braces, ';' and '/' as PUNCT, keywords starting
 * m, i, p or u, and 'r' both */
static const unsigned char mark_tbl[256] = {
	['{'] = 1, ['}'] = 1, [';'] = 1, ['/'] = 1,
	['m'] = 2, ['i'] = 2, ['p'] = 2, ['u'] = 2, ['r'] = 3,
};

/* rustlex_run in batches of `batch` with `skip` against rustlex_next
 * (and its marks against the tokens it stored). */
static void check_run(const char *src, size_t len, size_t batch, unsigned skip)
{
	char *buf = exact_copy(src, len);
	struct rustlex a, b;
	struct rust_token want;
	struct rust_span *got = calloc(batch, sizeof(*got));
	uint32_t *marks = calloc(batch, sizeof(*marks));
	size_t n;
	bool saw_unsafe = false;   /* a KEYWORD token `unsafe` in the reference */

	assert_non_null(got);
	assert_non_null(marks);
	rustlex_init(&a, buf, len);
	rustlex_init(&b, buf, len);
	b.mark = mark_tbl;
	b.marks = marks;
	do {
		b.nmarks = 0;
		b.mark_base = 3;
		n = rustlex_run(&b, got, batch, skip);
		assert_true(n <= batch);
		for (size_t k = 0; k < n; k++) {
			do {
				assert_true(rustlex_next(&a, &want));
				saw_unsafe |= want.kind == RUST_TOK_KEYWORD && want.len == 6 &&
					memcmp(buf + want.start, "unsafe", 6) == 0;
			} while (skip & MASK(want.kind));
			if (!same_token(&want, &got[k]))
				fprintf(stderr, "at %zu: kind %d/%d len %zu/%u (batch %zu, skip %x)\n",
					want.start, want.kind, got[k].kind, want.len, got[k].len, batch, skip);
			assert_true(same_token(&want, &got[k]));
			assert_int_equal(got[k].first, (unsigned char)buf[got[k].start]);
		}
		/* the marks: exactly the picked PUNCT and KEYWORD tokens, in order */
		for (size_t k = 0, nm = 0; k < n; k++) {
			unsigned m = mark_tbl[got[k].first];
			if (((m & 1) && got[k].kind == RUST_TOK_PUNCT) ||
			    ((m & 2) && got[k].kind == RUST_TOK_KEYWORD)) {
				assert_true(nm < b.nmarks);
				assert_int_equal(marks[nm++], 3 + k);
			}
			if (k + 1 == n)
				assert_int_equal(nm, b.nmarks);
		}
	} while (n == batch);
	/* nothing stored is left in the reference either */
	while (rustlex_next(&a, &want)) {
		assert_true(skip & MASK(want.kind));
		saw_unsafe |= want.kind == RUST_TOK_KEYWORD && want.len == 6 &&
			memcmp(buf + want.start, "unsafe", 6) == 0;
	}
	/* both ways say the same about `unsafe`, and it is the truth */
	assert_int_equal(a.unsafe_seen, saw_unsafe);
	assert_int_equal(b.unsafe_seen, saw_unsafe);
	assert_int_equal(a.line, b.line);
	assert_int_equal(b.pos, len);
	free(got);
	free(marks);
	free(buf);
}

static const char *const sources[] = {
	"fn main() { let x = 1; }\n",
	"/* a /* nested */ comment */ unsafe { f() }\n/// doc\n//! inner\n",
	"let s = r##\"a \"# b\"##; let b = br#\"x\"#; let c = c\"y\"; let d = b'\\'';\n",
	"fn f<'a>(x: &'a str) -> char { 'x' } let e = '\\u{1F600}'; let l = 'ab';\n",
	"r#match r#unsafe unsafe_ unsafe1 Unsafe unsafe\n\t\r\n  Self self",
	"let v = 0x1F_u32 + 1.5e-3f64 + 1..2 + 1.foo();\n",
	"\"unterminated string\n with lines",
	"/* unterminated /* nested\n comment */",
	"r###\"ends inside a raw string\"## \"#",
	"'", "/", "\"\\", "b'", "br#", "r#", "'\xc3\xa9'", "'\xc3\xa9", "\xff\xfe unsafe",
	"", " ", "\n", "x",
};

static void test_run_matches_next(void **state)
{
	static const size_t batches[] = { 1, 2, 3, 7, 256 };
	static const unsigned skips[] = {
		0,
		MASK(RUST_TOK_WHITESPACE) | MASK(RUST_TOK_LINE_COMMENT) | MASK(RUST_TOK_BLOCK_COMMENT),
		~MASK(RUST_TOK_KEYWORD),
		~0u,
	};
	(void)state;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++)
			for (size_t k = 0; k < sizeof(skips) / sizeof(skips[0]); k++)
				check_run(sources[i], strlen(sources[i]), batches[b], skips[k]);
}

/* The first token of src (copied to an exact buffer). */
static struct rust_token first_token(const char *src, size_t len)
{
	char *buf = exact_copy(src, len);
	struct rustlex lx;
	struct rust_token t;

	rustlex_init(&lx, buf, len);
	assert_true(rustlex_next(&lx, &t));
	free(buf);
	return t;
}

/* Whitespace runs of every length up to 40 (the eight-byte steps and their
 * remainders), ended by code, by a tab or newline, or by the end of input. */
static void test_whitespace_runs(void **state)
{
	static const char *const tails[] = { "x", "\t\tx", "\n  x", "\r\n", "" };
	char src[128];

	(void)state;
	for (size_t n = 1; n <= 40; n++) {
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			memset(src, ' ', n);
			strcpy(src + n, tails[t]);
			size_t len = strlen(src), want = 0;
			int nl = 0;
			while (want < len && strchr(" \t\r\n", src[want])) {
				nl += src[want] == '\n';
				want++;
			}
			struct rust_token tok = first_token(src, len);
			assert_int_equal(tok.kind, RUST_TOK_WHITESPACE);
			assert_int_equal(tok.len, want);
			assert_int_equal(tok.line, 1);
			/* a run that ends in a newline ends on the line before */
			int end = 1 + nl - (src[want - 1] == '\n');
			assert_int_equal(tok.end_line, end < 1 ? 1 : end);
			check_run(src, len, 3, 0);
		}
	}
}

/* Identifiers of every length up to 40, at the end of input and followed
 * by punctuation; non-ASCII bytes continue them. */
static void test_identifier_runs(void **state)
{
	char src[128];

	(void)state;
	for (size_t n = 1; n <= 40; n++) {
		for (int tail = 0; tail < 3; tail++) {
			for (size_t i = 0; i < n; i++)
				src[i] = "abcdefgh_1\xc3\xa9"[i % 12];
			src[0] = 'z';
			src[n] = '\0';
			if (tail == 1)
				strcat(src, "(x)");
			else if (tail == 2)
				strcat(src, " ");
			struct rust_token tok = first_token(src, strlen(src));
			assert_int_equal(tok.kind, RUST_TOK_IDENT);
			assert_int_equal(tok.len, n);
			check_run(src, strlen(src), 2, 0);
		}
	}
}

/* Every keyword, mid-input (found with one eight-byte load) and as the last
 * bytes of the input (found byte by byte); near misses are identifiers. */
static void test_keywords_both_ways(void **state)
{
	static const char *const kws[] = {
		"as", "async", "await", "abstract", "become", "box", "break", "const",
		"continue", "crate", "do", "dyn", "else", "enum", "extern", "false",
		"final", "fn", "for", "if", "impl", "in", "let", "loop", "macro",
		"match", "mod", "move", "mut", "override", "priv", "pub", "ref",
		"return", "self", "Self", "static", "struct", "super", "trait", "true",
		"try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where",
		"while", "yield",
	};
	static const char *const misses[] = {
		"unsafe_", "unsaf", "Unsafe", "unsafe1", "SELF", "selfish", "a", "_", "usafe",
		"continues", "abstrac", "z",
	};
	char src[64];

	(void)state;
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		struct rust_token t = first_token(kws[i], strlen(kws[i]));
		assert_int_equal(t.kind, RUST_TOK_KEYWORD);
		snprintf(src, sizeof(src), "%s(1, 2, 3)", kws[i]);
		t = first_token(src, strlen(src));
		assert_int_equal(t.kind, RUST_TOK_KEYWORD);
		assert_int_equal(t.len, strlen(kws[i]));
		assert_true(rustlex_is_keyword(kws[i], strlen(kws[i])));
	}
	for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		struct rust_token t = first_token(misses[i], strlen(misses[i]));
		assert_int_equal(t.kind, RUST_TOK_IDENT);
		snprintf(src, sizeof(src), "%s = 12345678;", misses[i]);
		t = first_token(src, strlen(src));
		assert_int_equal(t.kind, RUST_TOK_IDENT);
		assert_false(rustlex_is_keyword(misses[i], strlen(misses[i])));
	}
	/* a NUL byte is never part of a keyword */
	assert_false(rustlex_is_keyword("as\0", 3));
	assert_false(rustlex_is_keyword("fn\0\0\0", 5));
	assert_false(rustlex_is_keyword("", 0));
}

/* unsafe_seen: set by an `unsafe` keyword in code only, whichever path
 * lexes it (the fast loop, a literal-prefix letter, the last bytes). */
static void test_unsafe_seen(void **state)
{
	static const struct {
		const char *src;
		bool seen;
	} cases[] = {
		{ "unsafe { f() }", true },
		{ "fn f() { let x = 1; unsafe { g(x) } }", true },
		{ "x.unsafe", true },
		{ "pub unsafe", true },
		{ "// unsafe { }\nfn f() {}", false },
		{ "/* unsafe /* nested unsafe */ unsafe */ fn g() {}", false },
		{ "/// # Safety\n/// unsafe\nfn h() {}", false },
		{ "let s = \"unsafe\"; let b = b\"unsafe\";", false },
		{ "let r = r#\"unsafe\"#; let c = c\"unsafe\";", false },
		{ "let r#unsafe = 1; 'unsafe: loop {}", false },
		{ "unsafe_fn(); unsafely(); Unsafe; unsaf", false },
		{ "let x = 'u'; /* a */ unsafe", true },
		{ "", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].src);
		char *buf = exact_copy(cases[i].src, len);
		struct rustlex lx;
		struct rust_span toks[8];
		rustlex_init(&lx, buf, len);
		while (rustlex_run(&lx, toks, 8, MASK(RUST_TOK_WHITESPACE)) == 8)
			;
		if (lx.unsafe_seen != cases[i].seen)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].src);
		assert_int_equal(lx.unsafe_seen, cases[i].seen);
		free(buf);
		check_run(cases[i].src, len, 3, 0);   /* the same by rustlex_next */
	}
}

/* Long bodies: the plain-run skipping in block comments and strings must
 * still see every newline, nesting level and escape. */
static void test_long_bodies(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct rust_token t;

	(void)state;
	/* a 60 KB comment, nested three deep, 1000 lines */
	strbuf_adds(&sb, "/* a /* b /* c ");
	for (int i = 0; i < 1000; i++)
		strbuf_adds(&sb, "text * with / stars and slashes /not/ opening *not* closing\n");
	strbuf_adds(&sb, "*/ */ */unsafe");
	t = first_token(sb.buf, sb.len);
	assert_int_equal(t.kind, RUST_TOK_BLOCK_COMMENT);
	assert_false(t.unterminated);
	assert_int_equal(t.len, sb.len - 6);
	assert_int_equal(t.end_line, 1001);
	check_run(sb.buf, sb.len, 1, 0);

	/* the same without the last close: unterminated, to the end */
	sb.len -= 8;
	t = first_token(sb.buf, sb.len);
	assert_true(t.unterminated);
	assert_int_equal(t.len, sb.len);
	check_run(sb.buf, sb.len, 2, 0);

	/* a long string with escaped quotes, escaped newlines and plain ones */
	strbuf_reset(&sb);
	strbuf_adds(&sb, "\"");
	for (int i = 0; i < 2000; i++)
		strbuf_adds(&sb, i % 3 == 0 ? "say \\\"unsafe\\\" \\\\ " : i % 3 == 1 ? "line\\\n" : "plain\n");
	strbuf_adds(&sb, "\" unsafe");
	t = first_token(sb.buf, sb.len);
	assert_int_equal(t.kind, RUST_TOK_STRING);
	assert_false(t.unterminated);
	assert_int_equal(t.len, sb.len - 7);
	assert_int_equal(t.end_line, 1 + 2 * 666 + 1);
	check_run(sb.buf, sb.len, 7, 0);
	/* cut right after a backslash: unterminated, no read past the end */
	strbuf_reset(&sb);
	strbuf_adds(&sb, "\"abc\\");
	t = first_token(sb.buf, sb.len);
	assert_true(t.unterminated);
	assert_int_equal(t.len, sb.len);
	strbuf_free(&sb);
}

/* A file that ends inside a raw string, a nested comment or a string: the
 * token runs to the end, flagged, and a line-by-line lexer continues it. */
static void test_ends_inside(void **state)
{
	static const struct { const char *src; enum rust_tok kind; } cases[] = {
		{ "let x = r##\"never closed \"# nor \"#", RUST_TOK_RAW_STRING },
		{ "let x = br#\"bytes\n", RUST_TOK_RAW_STRING },
		{ "let x = /* a /* b */", RUST_TOK_BLOCK_COMMENT },
		{ "let x = \"text\\\"", RUST_TOK_STRING },
		{ "let x = b\"", RUST_TOK_STRING },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *src = cases[i].src;
		size_t len = strlen(src);
		char *buf = exact_copy(src, len);
		struct rustlex lx;
		struct rust_span toks[16];
		size_t n;

		rustlex_init(&lx, buf, len);
		n = rustlex_run(&lx, toks, 16, MASK(RUST_TOK_WHITESPACE));
		assert_true(n >= 1 && n < 16);
		assert_int_equal(toks[n - 1].kind, cases[i].kind);
		assert_true(toks[n - 1].unterminated);
		assert_int_equal(toks[n - 1].start + toks[n - 1].len, len);
		/* nothing more */
		assert_int_equal(rustlex_run(&lx, toks, 16, 0), 0);
		free(buf);
		check_run(src, len, 1, 0);
	}

	/* line by line: the raw string continues on the next line and ends there */
	struct rustlex lx;
	struct rust_token t;
	rustlex_init(&lx, NULL, 0);
	rustlex_init_line(&lx, "let x = r#\"one", 14);
	while (rustlex_next(&lx, &t))
		;
	assert_int_equal(lx.raw_hashes, 1);
	rustlex_init_line(&lx, "two\"# unsafe", 12);
	{
		struct rust_span got[4];
		size_t n = rustlex_run(&lx, got, 4, MASK(RUST_TOK_WHITESPACE));
		assert_int_equal(n, 2);
		assert_int_equal(got[0].kind, RUST_TOK_RAW_STRING);
		assert_int_equal(got[0].len, 5);
		assert_false(got[0].unterminated);
		assert_int_equal(got[1].kind, RUST_TOK_KEYWORD);
		assert_int_equal(got[1].line, 2);
	}
}

/* A random piece of Rust-like text for test_long_inputs: mostly plain
 * tokens (punctuation, identifiers, whitespace), with every other kind
 * mixed in. */
static void random_piece(struct strbuf *sb, unsigned *seed)
{
	static const char *const odd[] = {
		"// line comment\n", "/* block\n comment */", "/// doc\n", "\"str\\\"ing\"",
		"r#\"raw\"#", "b\"bytes\"", "b'x'", "'a'", "'life", "0x1F_u32", "1.5e3", "1..2",
		"r#match", "break", "crate", "cr", "brace", "\xc3\xa9t\xc3\xa9", "\xff", "`", "\\",
		"\x01", "/", "unsafe", "unsafe_", "Unsafe", "\t\n\r\v\f", "\n\n\n",
	};
	unsigned r = (*seed = *seed * 1103515245u + 12345u) >> 16;

	switch (r % 8) {
	case 0:
	case 1: {   /* an identifier of 1 to 100 bytes */
		size_t n = 1 + (r >> 3) % 100;
		strbuf_addc(sb, "xyzq_"[(r >> 4) % 5]);
		for (size_t i = 1; i < n; i++)
			strbuf_addc(sb, "abcdefgh_19Z"[(i * 7 + r) % 12]);
		break;
	}
	case 2:
	case 3:   /* punctuation */
		strbuf_addc(sb, ";,.(){}[]@#~?:$=!<>-&|+*^%"[(r >> 3) % 26]);
		break;
	case 4:
	case 5: {  /* whitespace, with newlines */
		size_t n = 1 + (r >> 3) % 20;
		for (size_t i = 0; i < n; i++)
			strbuf_addc(sb, "   \n\t"[(i + r) % 5]);
		break;
	}
	default:
		strbuf_adds(sb, odd[(r >> 3) % (sizeof(odd) / sizeof(odd[0]))]);
		break;
	}
}

/* Long inputs: an identifier at every offset up to 80 and of many lengths,
 * then random mixes of every kind of token, in batches that fill up
 * anywhere. */
static void test_long_inputs(void **state)
{
	static const size_t batches[] = { 1, 5, 64, 512 };
	static const unsigned skips[] = {
		MASK(RUST_TOK_WHITESPACE),
		MASK(RUST_TOK_WHITESPACE) | MASK(RUST_TOK_LINE_COMMENT) | MASK(RUST_TOK_BLOCK_COMMENT),
		MASK(RUST_TOK_WHITESPACE) | MASK(RUST_TOK_PUNCT),
		MASK(RUST_TOK_WHITESPACE) | MASK(RUST_TOK_IDENT),
	};
	unsigned seed = 7;
	(void)state;
	/* an identifier of length n starting at offset k, in a long input */
	for (size_t k = 0; k < 80; k++) {
		for (size_t n = 1; n < 80; n += 13) {
			struct strbuf sb = STRBUF_INIT;
			for (size_t i = 0; i < k; i++)
				strbuf_addc(&sb, i % 3 ? ' ' : ';');
			for (size_t i = 0; i < n; i++)
				strbuf_addc(&sb, i ? 'a' + (char)(i % 26) : 'q');
			strbuf_adds(&sb, " {\n} unsafe fn mod_x() { pub use a::b; } impl T for U {}\n");
			for (int i = 0; i < 4; i++)
				strbuf_adds(&sb, "let abcdefghijklmnop = [1, 2, 3];\n");
			check_run(sb.buf, sb.len, 5, skips[0]);
			check_run(sb.buf, sb.len, 512, skips[1]);
			strbuf_free(&sb);
		}
	}
	for (int round = 0; round < 300; round++) {
		struct strbuf sb = STRBUF_INIT;
		size_t want = (size_t)(round * 37 % 3000);
		while (sb.len < want)
			random_piece(&sb, &seed);
		for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++)
			check_run(strbuf_str(&sb), sb.len, batches[b], skips[(round + b) % 4]);
		strbuf_free(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_matches_next),
		cmocka_unit_test(test_whitespace_runs),
		cmocka_unit_test(test_identifier_runs),
		cmocka_unit_test(test_keywords_both_ways),
		cmocka_unit_test(test_unsafe_seen),
		cmocka_unit_test(test_long_bodies),
		cmocka_unit_test(test_ends_inside),
		cmocka_unit_test(test_long_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
