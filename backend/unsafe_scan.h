/*
 * unsafe_scan.h - every `unsafe` in one Rust source file, with its span,
 * enclosing item, SAFETY argument and a fingerprint.
 *
 * The scanner lexes the file with rustlex and walks its brace structure
 * (modules, impls, traits, fns, blocks, match arms, statements) without a
 * full parser. It finds unsafe blocks, unsafe fns (free, in impls, in
 * traits), unsafe impls, unsafe traits and unsafe extern blocks.
 *
 * Documentation follows clippy with its default configuration:
 * - blocks (undocumented_unsafe_blocks): a `// SAFETY:` line comment run or
 *   a block comment directly above the `unsafe` line, blank lines allowed,
 *   searched no further up than the enclosing fn body's `{` line; or above
 *   the enclosing statement (let, assignment, expression statement that is
 *   not an if/match, const/static item) or its attributes
 *   (accept-comment-above-statement and -attributes, both true by default);
 * - unsafe impls: the same comment test between the previous item's end
 *   and the impl (attributes in between break it);
 * - unsafe fns and traits (missing_safety_doc): a "Safety" (or "SAFETY",
 *   "Implementation safety") heading in the doc comment. clippy only lints
 *   exported items; `clippy_flags` approximates that from visibility.
 * Unsafe fns in trait impls are documented by their trait.
 *
 * The fingerprint hashes the item's kind, its tokens without comments or
 * whitespace, and its SAFETY text with whitespace collapsed: moving the
 * code keeps it, editing the code or the argument changes it.
 *
 * Never: allocate per token (the scan lexes whole registries), or fail on
 * bad input (unbalanced braces close at the end of the file).
 */
#ifndef RWB_UNSAFE_SCAN_H
#define RWB_UNSAFE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum unsafe_kind {
	UNSAFE_BLOCK,
	UNSAFE_FN,
	UNSAFE_IMPL,
	UNSAFE_TRAIT,
	UNSAFE_EXTERN,
};

struct unsafe_item {
	enum unsafe_kind kind;
	int line, line_end;          /* 1-based, inclusive: from the first qualifier to the closing } or ; */
	size_t start, end;           /* byte span [start, end) in the source */
	char *module;                /* owned: "a::b" ("" at the crate root) */
	char *function;              /* owned: enclosing fn "Type::name" (the fn's own for kind fn), or "" */
	char *name;                  /* owned: fn / trait / impl type name, or "" for blocks and extern */
	bool documented;             /* has its SAFETY comment or # Safety section (or inherits one) */
	bool clippy_flags;           /* clippy (default config, default targets) would report it */
	bool in_macro;               /* inside a macro_rules! body */
	char *safety;                /* owned: the argument's text (comment markers stripped), or NULL */
	int safety_line;             /* first line of the argument, 0 when none */
	int safety_line_end;         /* last line of the argument */
	uint64_t fingerprint;        /* see above */
};

/* A file module's declaration, `mod name;` (for unsafe_reach). */
struct unsafe_mod {
	char *path;                  /* owned: the declared module's path, "a::b" */
	bool is_pub;                 /* `pub mod` (pub(crate) and private are not) */
};

struct unsafe_file {
	struct unsafe_item *items;   /* owned, in source order */
	size_t n, cap;
	struct unsafe_mod *mods;     /* owned: the file's `mod name;` declarations */
	size_t nmods, capmods;
	char **reexports;            /* owned: names a `pub use` exports ("mod::*" for a glob) */
	size_t nre, capre;
};

/*
 * Scans src[0..len). relpath (relative to the crate or repository, '/'
 * separated) gives the module path and tells crate roots (lib.rs, main.rs,
 * build.rs, src/bin, tests, examples, benches) from file modules.
 * Appends to out (zero it first); never fails.
 */
void unsafe_scan_source(struct unsafe_file *out, const char *src, size_t len, const char *relpath);

/*
 * The same for many files: a scanner keeps its token buffers from one file
 * to the next (no allocation per file for files without unsafe). One
 * scanner per thread.
 */
struct unsafe_scanner;
struct unsafe_scanner *unsafe_scan_new(void);
void unsafe_scan_free(struct unsafe_scanner *sc);
void unsafe_scan_file(struct unsafe_scanner *sc, struct unsafe_file *out, const char *src,
		      size_t len, const char *relpath);
void unsafe_file_release(struct unsafe_file *f);

/*
 * clippy's missing_safety_doc only reports items other crates can reach.
 * After scanning a crate's files (out[i] from relpaths[i]), clears
 * clippy_flags on the unsafe fns and traits in a file module that every
 * `mod` declaration seen makes private (`mod x;` or `pub(crate) mod x;`),
 * unless a `pub use` names the item or globs its module. A module whose
 * declaration was not scanned counts as reachable.
 */
void unsafe_reach(struct unsafe_file *out, const char *const *relpaths, size_t n);
/* Only the `mod` declarations and `pub use` names of a file (for a file
 * the scan did not cover: a scoped scan's parent modules). */
void unsafe_scan_decls(struct unsafe_file *out, const char *src, size_t len, const char *relpath);

/* "block", "fn", "impl", "trait", "extern". */
const char *unsafe_kind_name(enum unsafe_kind k);
/* The kind named name; -1 when none. */
int unsafe_kind_parse(const char *name);
/* 16 lowercase hex digits of fp into buf (17 bytes). */
void unsafe_fingerprint_hex(char buf[17], uint64_t fp);

#endif
