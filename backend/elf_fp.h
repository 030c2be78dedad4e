/*
 * elf_fp.h - the ELF reader /rust-profiling uses to choose perf's call-graph
 * mode.
 *
 * Whether an ELF binary was built with frame pointers: its `main` (which
 * rustc generates with the crate's own codegen options, unlike the
 * precompiled std) begins with the frame-pointer prologue (endbr64?
 * push %rbp; mov %rsp,%rbp); without a `main`, most of its Rust functions
 * must. Unknown formats: false, so the caller falls back to DWARF
 * unwinding, which always works. The binary is untrusted input: every
 * offset and size is checked (fuzz/fuzz_elf.c).
 */
#ifndef RWB_ELF_FP_H
#define RWB_ELF_FP_H

#include <stdbool.h>
#include <stdio.h>

bool elf_has_frame_pointers(const char *path);
/* The same on an open file (read from its start). */
bool elf_fp_stream(FILE *fp);

#endif
