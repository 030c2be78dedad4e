/*
 * test_unsafe_scan.c - the unsafe scanner on crafted sources.
 *
 * The two "clippy" sources below were compiled with clippy 1.95
 * (`cargo clippy -- -A clippy::all -W clippy::undocumented_unsafe_blocks
 * -W clippy::missing_safety_doc`); the expected tables list every item with
 * the documentation state clippy's rules give and whether clippy reported
 * it, so each accepted and rejected comment placement is pinned here:
 * comment above the block, above the let / expression / return statement,
 * above attributes, blank lines between, trailing comments on the line
 * above, block comments, code in between (rejected), if/match/while/loop
 * conditions (rejected), closures, const/static items, unsafe impls with
 * attributes and doc comments, # Safety headings of every level,
 * doc(hidden), pub(crate) and private fns, trait and impl methods.
 * Then: every kind, spans, enclosing module and fn, the things that look
 * like unsafe items but are not, and the fingerprint's stability.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "unsafe_scan.h"

struct want {
	int line;
	const char *kind;
	int documented;
	int clippy;
};

static const char *clippy_cc =
	"#![allow(dead_code, unused)]\n"
	"mod m2;\n"
	"pub struct Foo(*const u8);\n"
	"pub struct Bar(*const u8);\n"
	"\n"
	"// SAFETY: above attribute\n"
	"#[allow(unused)]\n"
	"unsafe impl Send for Foo {}\n"
	"\n"
	"// SAFETY: blank line after\n"
	"\n"
	"unsafe impl Sync for Foo {}\n"
	"\n"
	"pub fn f(p: *const u8) -> u8 {\n"
	"    // SAFETY: above call statement\n"
	"    let _z = g(\n"
	"        unsafe { *p },\n"
	"    );\n"
	"    // SAFETY: above expression statement\n"
	"    g(\n"
	"        unsafe { *p },\n"
	"    );\n"
	"    // SAFETY: above if\n"
	"    if g(\n"
	"        unsafe { *p }) == 0 {}\n"
	"    // SAFETY: above match\n"
	"    match g(\n"
	"        unsafe { *p }) { _ => {} }\n"
	"    // SAFETY: above attrs\n"
	"    #[allow(unused)]\n"
	"    let _a = unsafe { *p };\n"
	"    // SAFETY: blank line between\n"
	"\n"
	"    let _b = unsafe { *p };\n"
	"    let _c = 1; // SAFETY: trailing on previous line\n"
	"    let _d = unsafe { *p };\n"
	"    /* SAFETY: block\n"
	"       comment */\n"
	"    let _e = unsafe { *p };\n"
	"    // SAFETY: assign\n"
	"    let mut _x = 0;\n"
	"    _x = g(\n"
	"        unsafe { *p });\n"
	"    // SAFETY: for\n"
	"    for _ in g(\n"
	"        unsafe { *p })..3 {}\n"
	"    // SAFETY: while\n"
	"    while g(\n"
	"        unsafe { *p }) == 0 {}\n"
	"    // SAFETY: closure\n"
	"    let _cl = || {\n"
	"        unsafe { *p }\n"
	"    };\n"
	"    // SAFETY: closure expr\n"
	"    let _cl2 = ||\n"
	"        unsafe { *p };\n"
	"    // SAFETY: return\n"
	"    return g(\n"
	"        unsafe { *p });\n"
	"}\n"
	"fn g(x: u8) -> u8 { x }\n"
	"/// doc\n"
	"pub unsafe fn nodoc_safety() {}\n"
	"pub unsafe fn nodoc() {}\n"
	"/// # Safety\n"
	"pub unsafe fn ok1() {}\n"
	"/// ## Safety\n"
	"pub unsafe fn ok2() {}\n"
	"/// # SAFETY\n"
	"pub unsafe fn ok3() {}\n"
	"#[doc(hidden)]\n"
	"pub unsafe fn hidden() {}\n"
	"pub(crate) unsafe fn crate_vis() {}\n"
	"unsafe fn private() {}\n"
	"pub unsafe trait T1 {}\n"
	"/// # Safety\n"
	"/// fine\n"
	"pub unsafe trait T2 {}\n"
	"pub trait T3 { unsafe fn tm(&self); }\n"
	"trait T4 { unsafe fn tm4(&self); }\n"
	"impl Foo { pub unsafe fn im(&self) {} unsafe fn im2(&self) {} }\n"
	"// SAFETY: x\n"
	"pub static S: u8 = unsafe { *(&0u8 as *const u8) };\n"
	"pub static S2: u8 =\n"
	"    unsafe { *(&0u8 as *const u8) };\n"
	"pub struct Baz;\n"
	"// SAFETY: comment, then doc\n"
	"/// doc\n"
	"unsafe impl Send for Baz {}\n"
	"pub struct Qux;\n"
	"/// doc\n"
	"// SAFETY: doc then comment\n"
	"#[allow(unused)]\n"
	"unsafe impl Sync for Qux {}\n"
	"pub struct Q2;\n"
	"// SAFETY: two attrs\n"
	"#[allow(unused)]\n"
	"#[allow(dead_code)]\n"
	"unsafe impl Send for Q2 {}\n";

static const struct want want_cc[] = {
	{ 8, "impl", 1, 0 },   /* SAFETY above the attribute */
	{ 12, "impl", 1, 0 },  /* blank line between */
	{ 17, "block", 1, 0 }, /* above the let of a multi-line call */
	{ 21, "block", 1, 0 }, /* above the expression statement */
	{ 25, "block", 0, 1 }, /* if condition: branchy */
	{ 28, "block", 0, 1 }, /* match scrutinee: branchy */
	{ 31, "block", 1, 0 }, /* above the let's attributes */
	{ 34, "block", 1, 0 }, /* blank line between */
	{ 36, "block", 1, 0 }, /* trailing comment on the line above */
	{ 39, "block", 1, 0 }, /* block comment */
	{ 43, "block", 0, 1 }, /* comment above an earlier statement */
	{ 46, "block", 1, 0 }, /* for loop head */
	{ 49, "block", 0, 1 }, /* while condition: branchy */
	{ 52, "block", 0, 1 }, /* closure block body: comment outside */
	{ 56, "block", 1, 0 }, /* closure expression body */
	{ 59, "block", 1, 0 }, /* return */
	{ 63, "fn", 0, 1 },    /* doc without # Safety */
	{ 64, "fn", 0, 1 },    /* no doc */
	{ 66, "fn", 1, 0 },    /* # Safety */
	{ 68, "fn", 1, 0 },    /* ## Safety */
	{ 70, "fn", 1, 0 },    /* # SAFETY */
	{ 72, "fn", 0, 0 },    /* doc(hidden) */
	{ 73, "fn", 0, 0 },    /* pub(crate) */
	{ 74, "fn", 0, 0 },    /* private */
	{ 75, "trait", 0, 1 },
	{ 78, "trait", 1, 0 },
	{ 79, "fn", 0, 1 },    /* method of a pub trait */
	{ 80, "fn", 0, 0 },    /* method of a private trait */
	{ 81, "fn", 0, 1 },    /* pub inherent method */
	{ 81, "fn", 0, 0 },    /* private inherent method */
	{ 83, "block", 1, 0 }, /* static with SAFETY above */
	{ 85, "block", 0, 1 }, /* static without */
	{ 89, "impl", 1, 0 },  /* comment, then doc comment */
	{ 94, "impl", 1, 0 },  /* doc, comment, attribute */
	{ 99, "impl", 1, 0 },  /* two attributes */
};

static const char *clippy_pr =
	"#![allow(dead_code, unused)]\n"
	"// SAFETY: first item of file\n"
	"unsafe impl Sync for A {}\n"
	"pub struct A(*const u8);\n"
	"fn g(x: u8) -> u8 { x }\n"
	"pub fn p1(p: *const u8) { let _x = /* SAFETY: same line */ unsafe { *p }; }\n"
	"pub fn p2(p: *const u8) {\n"
	"    g(0); // SAFETY: trailing line comment\n"
	"    unsafe { *p };\n"
	"}\n"
	"pub fn p3(p: *const u8) {\n"
	"    let _a = 1; /* SAFETY: trailing block */\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub fn p4(p: *const u8) {\n"
	"    // SAFETY: code between\n"
	"    let _y = 1;\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub fn p6(p: *const u8) {\n"
	"    /// SAFETY: doc style\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub fn p7(p: *const u8) {\n"
	"    // Safety: lowercase\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub fn p8(p: *const u8) {\n"
	"    // SAFETY no colon\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"// SAFETY: above fn\n"
	"pub fn p10(p: *const u8) -> u8 { unsafe { *p } }\n"
	"pub fn p11(p: *const u8) {\n"
	"    // SAFETY: loop\n"
	"    loop { if g(\n"
	"        unsafe { *p }) == 0 { break; } }\n"
	"}\n"
	"pub fn p13(p: *const u8) {\n"
	"    // SAFETY: a\n"
	"    // more\n"
	"    unsafe { *p };\n"
	"}\n"
	"pub fn p14(p: *const u8) {\n"
	"    let _v = g(\n"
	"        // SAFETY: inside args\n"
	"        unsafe { *p });\n"
	"}\n"
	"pub fn p15(p: *const u8) {\n"
	"    /// ```\n"
	"    /// // SAFETY: in code block\n"
	"    /// ```\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub fn p16(p: *const u8) {\n"
	"    let _a = 1;\n"
	"    // SAFETY: between lets\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub fn p17(p: *const u8) {\n"
	"    let _a = 1; // SAFETY: trailing on let\n"
	"    let _x = g(0) +\n"
	"        unsafe { *p };\n"
	"}\n"
	"pub fn p18(p: *const u8) {\n"
	"    g(0); // trailing without the word\n"
	"    unsafe { *p };\n"
	"}\n"
	"pub fn p19(p: *const u8) {\n"
	"    let _x = unsafe { *p }; // SAFETY: after, same line\n"
	"}\n"
	"pub fn p20(p: *const u8) {\n"
	"    let _a = 1; // SAFETY: trailing\n"
	"    // plain comment\n"
	"    let _x = unsafe { *p };\n"
	"}\n"
	"pub struct B;\n"
	"/// doc\n"
	"// SAFETY: between doc and impl\n"
	"unsafe impl Send for B {}\n"
	"pub struct C; // SAFETY: trailing after struct\n"
	"unsafe impl Send for C {}\n";

static const struct want want_pr[] = {
	{ 3, "impl", 1, 0 },   /* first item of the crate root */
	{ 6, "block", 0, 1 },  /* comment on the same line */
	{ 9, "block", 1, 0 },  /* trailing line comment above */
	{ 13, "block", 1, 0 }, /* trailing block comment above */
	{ 18, "block", 0, 1 }, /* code between */
	{ 22, "block", 1, 0 }, /* /// SAFETY: */
	{ 26, "block", 1, 0 }, /* Safety: in any case */
	{ 30, "block", 0, 1 }, /* SAFETY without colon */
	{ 33, "block", 0, 1 }, /* comment above the fn only */
	{ 37, "block", 0, 1 }, /* loop */
	{ 42, "block", 1, 0 }, /* SAFETY in the first of two comment lines */
	{ 47, "block", 1, 0 }, /* comment inside the call's arguments */
	{ 53, "block", 0, 1 }, /* SAFETY inside a doc code block */
	{ 58, "block", 1, 0 }, /* between two lets */
	{ 63, "block", 1, 0 }, /* trailing comment above a multi-line let */
	{ 67, "block", 0, 1 }, /* trailing comment without the word */
	{ 70, "block", 0, 1 }, /* comment after the block */
	{ 75, "block", 0, 1 }, /* trailing SAFETY, then a plain comment */
	{ 80, "impl", 1, 0 },  /* doc, then comment */
	{ 82, "impl", 0, 1 },  /* trailing comment on the previous item */
};

static void check(const char *src, const char *rel, const struct want *w, size_t n)
{
	struct unsafe_file f = { 0 };

	unsafe_scan_source(&f, src, strlen(src), rel);
	if (f.n != n) {
		for (size_t i = 0; i < f.n; i++)
			fprintf(stderr, "got %d %s\n", f.items[i].line, unsafe_kind_name(f.items[i].kind));
	}
	assert_int_equal(f.n, n);
	for (size_t i = 0; i < n; i++) {
		const struct unsafe_item *it = &f.items[i];
		if (it->line != w[i].line || strcmp(unsafe_kind_name(it->kind), w[i].kind) != 0 ||
		    it->documented != w[i].documented || it->clippy_flags != w[i].clippy)
			fprintf(stderr, "%s: item %zu: got line %d %s documented %d clippy %d, want %d %s %d %d\n",
				rel, i, it->line, unsafe_kind_name(it->kind), it->documented, it->clippy_flags,
				w[i].line, w[i].kind, w[i].documented, w[i].clippy);
		assert_int_equal(it->line, w[i].line);
		assert_string_equal(unsafe_kind_name(it->kind), w[i].kind);
		assert_int_equal(it->documented, w[i].documented);
		assert_int_equal(it->clippy_flags, w[i].clippy);
		/* a documented item keeps its argument's text */
		if (it->documented && it->kind != UNSAFE_FN && it->kind != UNSAFE_TRAIT) {
			assert_non_null(it->safety);
			assert_non_null(strcasestr(it->safety, "SAFETY"));
			assert_true(it->safety_line >= 1 && it->safety_line <= it->line_end);
		}
	}
	unsafe_file_release(&f);
}

static void test_clippy_placements(void **state)
{
	(void)state;
	check(clippy_cc, "src/lib.rs", want_cc, sizeof(want_cc) / sizeof(want_cc[0]));
	check(clippy_pr, "src/lib.rs", want_pr, sizeof(want_pr) / sizeof(want_pr[0]));
}

static void test_file_module_first_item(void **state)
{
	/* clippy looks for the first item's comment in the parent file and
	 * does not report it; an item after another one is checked normally */
	static const char *src =
		"unsafe impl Send for super::Bar {}\n"
		"pub struct X;\n"
		"unsafe impl Sync for X {}\n";
	static const struct want w[] = { { 1, "impl", 0, 0 }, { 3, "impl", 0, 1 } };
	(void)state;
	check(src, "src/m2.rs", w, 2);
}

static const char *kinds_src =
	"//! crate docs mention unsafe { } in passing\n"
	"pub mod outer {\n"
	"    pub mod inner {\n"
	"        pub struct S;\n"
	"        impl S {\n"
	"            /// # Safety\n"
	"            /// `p` is valid.\n"
	"            pub unsafe fn get(&self, p: *const u8) -> u8 {\n"
	"                // SAFETY: the caller promised\n"
	"                unsafe { *p }\n"
	"            }\n"
	"        }\n"
	"    }\n"
	"}\n"
	"/// # Safety\n"
	"/// Implementors must be plain data.\n"
	"pub unsafe trait Plain {\n"
	"    unsafe fn raw(&self) -> *const u8;\n"
	"}\n"
	"// SAFETY: u8 is plain data\n"
	"unsafe impl Plain for u8 {\n"
	"    unsafe fn raw(&self) -> *const u8 { self }\n"
	"}\n"
	"unsafe extern \"C\" {\n"
	"    fn abs(x: i32) -> i32;\n"
	"    safe fn labs(x: i64) -> i64;\n"
	"}\n"
	"extern \"C\" {\n"
	"    fn strlen(s: *const u8) -> usize;\n"
	"}\n"
	"pub const unsafe extern \"C\" fn ffi() {}\n"
	"macro_rules! read {\n"
	"    ($p:expr) => { unsafe { *$p } };\n"
	"}\n"
	"#[unsafe(no_mangle)]\n"
	"pub fn not_items(f: unsafe fn(), g: unsafe extern \"C\" fn()) {\n"
	"    let s = \"unsafe { not code }\";\n"
	"    let r = r#\"unsafe fn nope() {}\"#;\n"
	"    /* unsafe impl Send for X {} */\n"
	"    let c = '{';\n"
	"    let x = 1;\n"
	"    let y = unsafe {\n"
	"        let z = x;\n"
	"        z\n"
	"    };\n"
	"}\n";

static void test_kinds_and_places(void **state)
{
	struct unsafe_file f = { 0 };
	(void)state;

	unsafe_scan_source(&f, kinds_src, strlen(kinds_src), "src/lib.rs");
	/* nothing from fn pointer types, #[unsafe(..)], strings or comments */
	assert_int_equal(f.n, 10);
	/* unsafe fn in an impl in nested modules */
	assert_int_equal(f.items[0].kind, UNSAFE_FN);
	assert_int_equal(f.items[0].line, 8);
	assert_int_equal(f.items[0].line_end, 11);
	assert_string_equal(f.items[0].module, "outer::inner");
	assert_string_equal(f.items[0].function, "S::get");
	assert_true(f.items[0].documented);
	assert_string_equal(f.items[0].safety, "`p` is valid.");
	/* the block inside it */
	assert_int_equal(f.items[1].kind, UNSAFE_BLOCK);
	assert_int_equal(f.items[1].line, 10);
	assert_string_equal(f.items[1].function, "S::get");
	assert_string_equal(f.items[1].safety, "SAFETY: the caller promised");
	assert_int_equal(f.items[1].safety_line, 9);
	/* unsafe trait and its method */
	assert_int_equal(f.items[2].kind, UNSAFE_TRAIT);
	assert_int_equal(f.items[2].line, 17);
	assert_int_equal(f.items[2].line_end, 19);
	assert_string_equal(f.items[2].name, "Plain");
	assert_true(f.items[2].documented);
	assert_int_equal(f.items[3].kind, UNSAFE_FN);
	assert_string_equal(f.items[3].function, "Plain::raw");
	assert_int_equal(f.items[3].line_end, 18);
	/* unsafe impl; its method is documented by the trait */
	assert_int_equal(f.items[4].kind, UNSAFE_IMPL);
	assert_int_equal(f.items[4].line, 21);
	assert_int_equal(f.items[4].line_end, 23);
	assert_string_equal(f.items[4].name, "u8");
	assert_true(f.items[4].documented);
	assert_int_equal(f.items[5].kind, UNSAFE_FN);
	assert_string_equal(f.items[5].function, "u8::raw");
	assert_true(f.items[5].documented);
	assert_false(f.items[5].clippy_flags);
	/* unsafe extern block (its fns are not separate items) */
	assert_int_equal(f.items[6].kind, UNSAFE_EXTERN);
	assert_int_equal(f.items[6].line, 24);
	assert_int_equal(f.items[6].line_end, 27);
	/* const unsafe extern "C" fn: the span starts at pub */
	assert_int_equal(f.items[7].kind, UNSAFE_FN);
	assert_int_equal(f.items[7].line, 31);
	assert_string_equal(f.items[7].name, "ffi");
	assert_true(f.items[7].clippy_flags);
	/* the block inside macro_rules! is found; clippy reports it in the
	 * definition (when the macro is used), looking only right above it */
	assert_int_equal(f.items[8].kind, UNSAFE_BLOCK);
	assert_int_equal(f.items[8].line, 33);
	assert_true(f.items[8].in_macro);
	assert_false(f.items[8].documented);
	assert_true(f.items[8].clippy_flags);
	/* the only real block in not_items */
	assert_int_equal(f.items[9].kind, UNSAFE_BLOCK);
	assert_int_equal(f.items[9].line, 42);
	assert_int_equal(f.items[9].line_end, 45);
	assert_string_equal(f.items[9].function, "not_items");
	unsafe_file_release(&f);
}

static void test_multiline_block_and_let(void **state)
{
	struct unsafe_file f = { 0 };
	(void)state;

	const char *src =
		"fn f(x: u32) -> u32 {\n"
		"    let y = unsafe {\n"
		"        let z = x;\n"
		"        z\n"
		"    };\n"
		"    y\n"
		"}\n";
	unsafe_scan_source(&f, src, strlen(src), "src/lib.rs");
	assert_int_equal(f.n, 1);
	assert_int_equal(f.items[0].line, 2);
	assert_int_equal(f.items[0].line_end, 5);
	assert_string_equal(f.items[0].function, "f");
	assert_false(f.items[0].documented);
	assert_int_equal(strncmp(src + f.items[0].start, "unsafe {", 8), 0);
	assert_int_equal(src[f.items[0].end - 1], '}');
	unsafe_file_release(&f);
}

static void test_module_paths(void **state)
{
	const char *src = "fn f() { unsafe {} }\n";
	const char *cases[][2] = {
		{ "src/lib.rs", "" }, { "src/main.rs", "" }, { "src/a/b.rs", "a::b" },
		{ "src/a/mod.rs", "a" }, { "crates/x/src/io.rs", "io" }, { "build.rs", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct unsafe_file f = { 0 };
		unsafe_scan_source(&f, src, strlen(src), cases[i][0]);
		assert_int_equal(f.n, 1);
		assert_string_equal(f.items[0].module, cases[i][1]);
		unsafe_file_release(&f);
	}
}

static uint64_t fp_of(const char *src, int which)
{
	struct unsafe_file f = { 0 };
	uint64_t fp;

	unsafe_scan_source(&f, src, strlen(src), "src/lib.rs");
	assert_true((int)f.n > which);
	fp = f.items[which].fingerprint;
	unsafe_file_release(&f);
	return fp;
}

static void test_fingerprint(void **state)
{
	const char *base =
		"fn f(p: *const u8) -> u8 {\n"
		"    // SAFETY: p is valid\n"
		"    unsafe { *p }\n"
		"}\n";
	struct strbuf moved = STRBUF_INIT;
	(void)state;

	/* moved 20 lines down, behind other code: same */
	for (int i = 0; i < 20; i++)
		strbuf_addf(&moved, "const C%d: u32 = %d;\n", i, i);
	strbuf_adds(&moved, base);
	assert_true(fp_of(base, 0) == fp_of(moved.buf, 0));
	/* re-indented and re-spaced: same */
	assert_true(fp_of(base, 0) == fp_of("fn f(p: *const u8) -> u8 {\n"
					    "        // SAFETY:   p is valid\n"
					    "        unsafe   {  *p  }\n"
					    "}\n", 0));
	/* the code changed: different */
	assert_true(fp_of(base, 0) != fp_of("fn f(p: *const u8) -> u8 {\n"
					    "    // SAFETY: p is valid\n"
					    "    unsafe { *p.add(1) }\n"
					    "}\n", 0));
	/* the argument changed: different */
	assert_true(fp_of(base, 0) != fp_of("fn f(p: *const u8) -> u8 {\n"
					    "    // SAFETY: p is valid and aligned\n"
					    "    unsafe { *p }\n"
					    "}\n", 0));
	/* the argument removed: different */
	assert_true(fp_of(base, 0) != fp_of("fn f(p: *const u8) -> u8 {\n"
					    "    unsafe { *p }\n"
					    "}\n", 0));
	strbuf_free(&moved);
}

/*
 * A SAFETY comment as the block's first content, as clippy 1.95 takes it
 * (this source compiled with clippy 1.95: it reported lines 9 and 20).
 */
static const char *inner_src =
	"pub fn a(p: *const u8) -> u8 {\n"             /* 1 */
	"    unsafe {\n"                               /* 2: first line inside */
	"        // SAFETY: first line inside\n"
	"        *p\n"
	"    }\n"
	"}\n"
	"pub fn b(p: *const u8) -> u8 { unsafe { // SAFETY: on the brace's line\n"   /* 7 */
	"    *p } }\n"
	"pub fn c(p: *const u8) -> u8 { unsafe {\n"     /* 9: code first: reported */
	"    let x = 1;\n"
	"    // SAFETY: second line inside\n"
	"    *p + x } }\n"
	"pub fn d(p: *const u8) -> u8 { unsafe {\n"     /* 13: block comment */
	"    /* SAFETY: block comment */\n"
	"    *p } }\n"
	"pub fn e(p: *const u8) -> u8 { unsafe {\n"     /* 16: blank line first */
	"\n"
	"    // SAFETY: after a blank line\n"
	"    *p } }\n"
	"pub fn f(p: *const u8) -> u8 { unsafe {\n"     /* 20: a note first: reported */
	"    // a note\n"
	"    // SAFETY: second in the run\n"
	"    *p } }\n"
	"pub fn g(p: *const u8) -> u8 { unsafe { /* SAFETY: inline */ *p } }\n";   /* 24 */

static void test_safety_inside_block(void **state)
{
	static const struct want w[] = {
		{ 2, "block", 1, 0 }, { 7, "block", 1, 0 }, { 9, "block", 0, 1 }, { 13, "block", 1, 0 },
		{ 16, "block", 1, 0 }, { 20, "block", 0, 1 }, { 24, "block", 1, 0 },
	};
	struct unsafe_file f = { 0 };
	(void)state;
	check(inner_src, "src/lib.rs", w, sizeof(w) / sizeof(w[0]));
	unsafe_scan_source(&f, inner_src, strlen(inner_src), "src/lib.rs");
	assert_int_equal(f.items[0].safety_line, 3);
	assert_string_equal(f.items[0].safety, "SAFETY: first line inside");
	unsafe_file_release(&f);
}

/*
 * missing_safety_doc and reachability, as clippy 1.95 reported this crate:
 * public.rs:1, public.rs:3 and reexp.rs:1; nothing in the private module,
 * in public::hidden, or reexp::not_re. Added: a glob re-export
 * (`pub use crate::m::*`) and a method of a re-exported type are reached
 * (measured on lock_api and arrayvec).
 */
static void test_reach(void **state)
{
	static const char *const paths[] = { "src/lib.rs", "src/private.rs", "src/public.rs", "src/reexp.rs",
					     "src/globbed.rs", "src/typed.rs" };
	static const char *const srcs[] = {
		"mod private;\npub mod public;\npub(crate) mod reexp;\npub use reexp::re_fn;\n"
		"mod globbed;\npub use crate::globbed::*;\nmod typed;\npub use typed::T;\n",
		"pub unsafe fn priv_fn() {}\npub mod inner { pub unsafe fn priv_inner() {} }\n",
		"pub unsafe fn pub_fn() {}\nmod hidden { pub unsafe fn hidden_fn() {} }\n"
		"pub mod shown { pub unsafe fn shown_fn() {} }\n",
		"pub unsafe fn re_fn() {}\npub unsafe fn not_re() {}\n",
		"pub unsafe fn g() {}\n",
		"pub struct T;\nimpl T {\n    pub unsafe fn m(&self) {}\n}\npub struct U;\nimpl U {\n    pub unsafe fn n(&self) {}\n}\n",
	};
	static const int want[][3] = { { 1, 1, 0 }, { 1, 2, 0 }, { 2, 1, 1 }, { 2, 2, 0 }, { 2, 3, 1 },
				       { 3, 1, 1 }, { 3, 2, 0 }, { 4, 1, 1 }, { 5, 3, 1 }, { 5, 7, 0 } };
	struct unsafe_file f[6];
	size_t k = 0;
	(void)state;
	memset(f, 0, sizeof(f));
	for (int i = 0; i < 6; i++)
		unsafe_scan_source(&f[i], srcs[i], strlen(srcs[i]), paths[i]);
	assert_int_equal(f[0].nmods, 5);
	unsafe_reach(f, paths, 6);
	for (int i = 1; i < 6; i++)
		for (size_t j = 0; j < f[i].n; j++, k++) {
			assert_int_equal(want[k][0], i);
			assert_int_equal(f[i].items[j].line, want[k][1]);
			if (f[i].items[j].clippy_flags != want[k][2])
				fprintf(stderr, "%s:%d: clippy %d\n", paths[i], want[k][1], f[i].items[j].clippy_flags);
			assert_int_equal(f[i].items[j].clippy_flags, want[k][2]);
		}
	assert_int_equal(k, 10);
	for (int i = 0; i < 6; i++)
		unsafe_file_release(&f[i]);
}

static void test_bad_input(void **state)
{
	const char *bad[] = {
		"unsafe", "unsafe {", "fn f() { unsafe { ", "}}}} unsafe {}", "unsafe impl", "\"unsafe",
		"/* unsafe {", "unsafe fn", "unsafe fn f(", "mod m { unsafe trait T", "'", "r#\"unsafe {",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct unsafe_file f = { 0 };
		unsafe_scan_source(&f, bad[i], strlen(bad[i]), "src/lib.rs");
		for (size_t k = 0; k < f.n; k++) {
			assert_true(f.items[k].end <= strlen(bad[i]));
			assert_true(f.items[k].start <= f.items[k].end);
		}
		unsafe_file_release(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clippy_placements),
		cmocka_unit_test(test_file_module_first_item),
		cmocka_unit_test(test_kinds_and_places),
		cmocka_unit_test(test_multiline_block_and_let),
		cmocka_unit_test(test_module_paths),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_safety_inside_block),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
