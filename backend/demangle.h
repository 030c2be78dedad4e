/*
 * demangle.h - Rust symbol demangling for the profiler (legacy and v0).
 *
 * Legacy symbols (_ZN 4core 3ptr ... 17h<16 hex> E) become `core::ptr::...`
 * with the `$LT$`, `$GT$`, `$u20$`, `..` escapes decoded and the hash dropped.
 * v0 symbols (_R...) are decoded from the grammar of RFC 2603: paths, inherent
 * and trait impls, generic arguments, backrefs, types, function signatures,
 * dyn bounds and constants, printed the way rustc-demangle's alternate form
 * prints them (no crate disambiguators, no hashes), punycode identifiers
 * decoded to UTF-8.
 *
 * It never trusts its input: backrefs must point backwards, recursion is
 * bounded, and anything that does not parse is "not a Rust symbol".
 */
#ifndef RWB_DEMANGLE_H
#define RWB_DEMANGLE_H

#include <stdbool.h>

/* Demangles a Rust symbol into *out (allocated). RWB_ENOTFOUND (and *out
 * NULL) when sym is not a Rust symbol of either scheme. A trailing
 * ".llvm.NNN" style suffix is ignored. */
int demangle_rust(char **out, const char *sym);

/* The demangled name, or a copy of sym when it is not a Rust symbol. */
char *demangle_symbol(const char *sym);

#endif
