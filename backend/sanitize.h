/*
 * sanitize.h - make outside text safe to draw.
 *
 * Text from files, diffs, commit messages, memory values and program output
 * (outside the terminal pane) must never send control sequences to the
 * user's terminal. sanitize_text() turns it into valid UTF-8 in which every
 * control character is visible: ESC as "^[", other C0 controls as "^X",
 * DEL as "^?", C1 controls and bytes that are not UTF-8 as "\xNN", and the
 * bidirectional overrides used by "Trojan Source" attacks as "<U+202E>".
 */
#ifndef RWB_SANITIZE_H
#define RWB_SANITIZE_H

#include <stddef.h>
#include "strbuf.h"

enum sanitize_flags {
	SANITIZE_KEEP_NEWLINE = 1 << 0, /* '\n' passes through */
	SANITIZE_KEEP_TAB = 1 << 1,     /* '\t' passes through (else 4 spaces... see TAB_SPACES) */
	SANITIZE_TAB_SPACES = 1 << 2,   /* '\t' becomes spaces to the next multiple of 8 */
};

/* Appends the sanitized form of text[0..len) to out. */
void sanitize_text(struct strbuf *out, const char *text, size_t len, unsigned flags);
/* How many bytes at the start of text sanitize_text would copy unchanged
 * (printable ASCII, and newlines and tabs where flags keep them), so a
 * caller can write them as they are and sanitize only the rest: the same
 * bytes come out. 0 with SANITIZE_TAB_SPACES (a tab's width depends on the
 * column the part before it left). */
size_t sanitize_clean_span(const char *text, size_t len, unsigned flags);
/* Returns a newly allocated sanitized copy of a NUL-terminated string. */
char *sanitize_dup(const char *text, unsigned flags);
/* Decodes one UTF-8 code point at s (n bytes available). Returns the number
 * of bytes used (1..4), or 0 when the bytes are not valid UTF-8. */
int sanitize_utf8_decode(const char *s, size_t n, unsigned *cp);
/* Display columns of valid UTF-8 text (wcwidth per code point, controls 0). */
size_t sanitize_width(const char *s, size_t len);

#endif
