/*
 * cheader.h - C prototypes to Rust: raw extern declarations and safe
 * wrappers with SAFETY comments (used by /rust-ffi, see cheader.c).
 */
#ifndef RWB_CHEADER_H
#define RWB_CHEADER_H

#include <cjson/cJSON.h>

#include "strbuf.h"

/*
 * Reads the function prototypes in src (the text of the header named
 * header) and appends "pub fn" lines for an extern block to externs and
 * one wrapper per function to wrappers; the names bound go to funcs and
 * the ones it cannot map to skipped (both arrays of strings).
 */
void cheader_bind(struct strbuf *externs, struct strbuf *wrappers, cJSON *funcs, cJSON *skipped,
		  const char *src, const char *header);

#endif
