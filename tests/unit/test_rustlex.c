/*
 * test_rustlex.c - the Rust lexer on every tricky form: nested and doc
 * comments, strings with escapes, byte/raw/c strings with any number of '#',
 * chars versus lifetimes, raw identifiers, attributes, macro token trees,
 * numbers, line numbers, and line-by-line continuation.
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

static const char *kind_name(enum rust_tok k)
{
	switch (k) {
	case RUST_TOK_EOF: return "eof";
	case RUST_TOK_WHITESPACE: return "ws";
	case RUST_TOK_IDENT: return "id";
	case RUST_TOK_KEYWORD: return "kw";
	case RUST_TOK_LIFETIME: return "lt";
	case RUST_TOK_CHAR: return "ch";
	case RUST_TOK_STRING: return "str";
	case RUST_TOK_RAW_STRING: return "raw";
	case RUST_TOK_NUMBER: return "num";
	case RUST_TOK_LINE_COMMENT: return "lc";
	case RUST_TOK_BLOCK_COMMENT: return "bc";
	case RUST_TOK_DOC_COMMENT: return "doc";
	case RUST_TOK_PUNCT: return "p";
	case RUST_TOK_ERROR: return "err";
	}
	return "?";
}

/* "kind:text kind:text ..." without whitespace tokens; '!' after the kind
 * marks an unterminated token. */
static char *lex_all(const char *src)
{
	struct rustlex lx;
	struct rust_token t;
	struct strbuf sb = STRBUF_INIT;
	size_t covered = 0;

	rustlex_init(&lx, src, strlen(src));
	while (rustlex_next(&lx, &t)) {
		assert_int_equal(t.start, covered);   /* tokens tile the input */
		assert_true(t.len > 0);
		covered += t.len;
		if (t.kind == RUST_TOK_WHITESPACE)
			continue;
		if (sb.len)
			strbuf_addc(&sb, ' ');
		strbuf_addf(&sb, "%s%s:%.*s", kind_name(t.kind), t.unterminated ? "!" : "",
			    (int)t.len, src + t.start);
	}
	assert_int_equal(covered, strlen(src));
	return strbuf_detach(&sb);
}

static void expect(const char *src, const char *want)
{
	char *got = lex_all(src);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "source: %s\n  want: %s\n  got:  %s\n", src, want, got);
	assert_string_equal(got, want);
	free(got);
}

static void test_comments(void **state)
{
	(void)state;
	expect("a // x\nb", "id:a lc:// x id:b");
	expect("/// doc\n//! inner\n//// not doc", "doc:/// doc doc://! inner lc://// not doc");
	expect("/* a /* nested */ still */ x", "bc:/* a /* nested */ still */ id:x");
	expect("/** doc */ /*! inner */ /*** no */ /**/ x",
	       "doc:/** doc */ doc:/*! inner */ bc:/*** no */ bc:/**/ id:x");
	expect("/* open /* */", "bc!:/* open /* */");
	expect("/* \"not a string */ \"s\"", "bc:/* \"not a string */ str:\"s\"");
	expect("// unsafe { }\nfn", "lc:// unsafe { } kw:fn");
}

static void test_strings(void **state)
{
	(void)state;
	expect("\"a\\\"b\" x", "str:\"a\\\"b\" id:x");
	expect("\"\\\\\" y", "str:\"\\\\\" id:y");
	expect("\"multi\nline\" z", "str:\"multi\nline\" id:z");
	expect("\"// not comment /* \" w", "str:\"// not comment /* \" id:w");
	expect("b\"bytes\\x00\" c\"cstr\"", "str:b\"bytes\\x00\" str:c\"cstr\"");
	expect("r\"raw \\\" x", "raw:r\"raw \\\" id:x");
	expect("r#\"has \" quote\"# t", "raw:r#\"has \" quote\"# id:t");
	expect("r###\"a \"# b \"## c\"### d", "raw:r###\"a \"# b \"## c\"### id:d");
	expect("br#\"x\"# cr\"y\" br\"z\"", "raw:br#\"x\"# raw:cr\"y\" raw:br\"z\"");
	expect("\"open", "str!:\"open");
	expect("r##\"open\"#", "raw!:r##\"open\"#");
	expect("\"unsafe { }\"", "str:\"unsafe { }\"");
}

static void test_chars_and_lifetimes(void **state)
{
	(void)state;
	expect("'a'", "ch:'a'");
	expect("'a", "lt:'a");
	expect("&'a str", "p:& lt:'a id:str");
	expect("'static", "lt:'static");
	expect("'\\''", "ch:'\\''");
	expect("'\\\\' x", "ch:'\\\\' id:x");
	expect("'\\n' '\\u{1F600}'", "ch:'\\n' ch:'\\u{1F600}'");
	expect("b'x' b'\\'' b'\\x7f'", "ch:b'x' ch:b'\\'' ch:b'\\x7f'");
	expect("'\"' '{'", "ch:'\"' ch:'{'");
	expect("'\xc3\xa9' x", "ch:'\xc3\xa9' id:x");
	expect("fn f<'a, 'b: 'a>(x: &'a T) {}",
	       "kw:fn id:f p:< lt:'a p:, lt:'b p:: lt:'a p:> p:( id:x p:: p:& lt:'a id:T p:) p:{ p:}");
	expect("'outer: loop { break 'outer; }",
	       "lt:'outer p:: kw:loop p:{ kw:break lt:'outer p:; p:}");
	expect("where T: 'a, { 'x' }", "kw:where id:T p:: lt:'a p:, p:{ ch:'x' p:}");
	expect("'r#async", "lt:'r#async");
}

static void test_idents_and_keywords(void **state)
{
	(void)state;
	expect("r#match r#unsafe unsafe_fn unsafe", "id:r#match id:r#unsafe id:unsafe_fn kw:unsafe");
	expect("Self self _x union macro_rules!",
	       "kw:Self kw:self id:_x id:union id:macro_rules p:!");
	expect("b c r br", "id:b id:c id:r id:br");
	expect("r#\"s\"#", "raw:r#\"s\"#");
	expect("na\xc3\xafve", "id:na\xc3\xafve");
	expect("x ` y", "id:x err:` id:y");
}

static void test_numbers(void **state)
{
	(void)state;
	expect("1_000u32 0x1F 0o17 0b1010_1010", "num:1_000u32 num:0x1F num:0o17 num:0b1010_1010");
	expect("1e-3f64 2.5E+10 1e10", "num:1e-3f64 num:2.5E+10 num:1e10");
	expect("1..2", "num:1 p:. p:. num:2");
	expect("1..=2", "num:1 p:. p:. p:= num:2");
	expect("1.0.max(x)", "num:1.0 p:. id:max p:( id:x p:)");
	expect("1.foo() 2.", "num:1 p:. id:foo p:( p:) num:2.");
	expect("x.0 3usize 0xFFu8", "id:x p:. num:0 num:3usize num:0xFFu8");
	expect("1_f32 0.5_f64", "num:1_f32 num:0.5_f64");
}

static void test_attributes_and_macros(void **state)
{
	(void)state;
	expect("#[cfg(feature = \"std\")]",
	       "p:# p:[ id:cfg p:( id:feature p:= str:\"std\" p:) p:]");
	expect("#![allow(clippy::undocumented_unsafe_blocks)]",
	       "p:# p:! p:[ id:allow p:( id:clippy p:: p:: id:undocumented_unsafe_blocks p:) p:]");
	expect("macro_rules! m { ($x:expr) => { unsafe { $x } }; }",
	       "id:macro_rules p:! id:m p:{ p:( p:$ id:x p:: id:expr p:) p:= p:> "
	       "p:{ kw:unsafe p:{ p:$ id:x p:} p:} p:; p:}");
	expect("println!(\"{}\", '}');", "id:println p:! p:( str:\"{}\" p:, ch:'}' p:) p:;");
}

static void test_lines(void **state)
{
	const char *src = "fn a() {}\n/* two\nlines */\nlet s = \"x\ny\";\n'c'\n";
	struct rustlex lx;
	struct rust_token t;
	int seen = 0;
	(void)state;

	rustlex_init(&lx, src, strlen(src));
	while (rustlex_next(&lx, &t)) {
		if (t.kind == RUST_TOK_BLOCK_COMMENT) {
			assert_int_equal(t.line, 2);
			assert_int_equal(t.end_line, 3);
			seen++;
		} else if (t.kind == RUST_TOK_STRING) {
			assert_int_equal(t.line, 4);
			assert_int_equal(t.end_line, 5);
			seen++;
		} else if (t.kind == RUST_TOK_CHAR) {
			assert_int_equal(t.line, 6);
			seen++;
		}
	}
	assert_int_equal(seen, 3);
	assert_int_equal(t.kind, RUST_TOK_EOF);
}

static void test_line_by_line(void **state)
{
	const char *lines[] = { "let a = /* one /* two", "still */ in */ b; r#\"raw", "\"# c \"str", "end\" d" };
	enum rust_tok first[] = { RUST_TOK_KEYWORD, RUST_TOK_BLOCK_COMMENT, RUST_TOK_RAW_STRING, RUST_TOK_STRING };
	struct rustlex lx;
	struct rust_token t;
	(void)state;

	rustlex_init(&lx, NULL, 0);
	for (int i = 0; i < 4; i++) {
		rustlex_init_line(&lx, lines[i], strlen(lines[i]));
		assert_true(rustlex_next(&lx, &t));
		assert_int_equal(t.kind, first[i]);
		assert_int_equal(t.line, i + 1);
		while (rustlex_next(&lx, &t))
			;
	}
	assert_int_equal(lx.comment_depth, 0);
	assert_int_equal(lx.raw_hashes, -1);
	assert_false(lx.in_string);
}

static void test_keyword_table(void **state)
{
	(void)state;
	assert_true(rustlex_is_keyword("unsafe", 6));
	assert_true(rustlex_is_keyword("extern", 6));
	assert_true(rustlex_is_keyword("Self", 4));
	assert_false(rustlex_is_keyword("unsafe_", 7));
	assert_false(rustlex_is_keyword("Unsafe", 6));
	assert_false(rustlex_is_keyword("", 0));
	assert_false(rustlex_is_keyword("x", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_chars_and_lifetimes),
		cmocka_unit_test(test_idents_and_keywords),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_attributes_and_macros),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_line_by_line),
		cmocka_unit_test(test_keyword_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
