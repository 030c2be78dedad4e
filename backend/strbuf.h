/*
 * strbuf.h - a growable, always NUL-terminated byte buffer.
 *
 * A zeroed struct strbuf is an empty buffer; strbuf_free() returns it to
 * that state. The buffer may hold NUL bytes; len counts them.
 */
#ifndef RWB_STRBUF_H
#define RWB_STRBUF_H

#include <stddef.h>
#include <stdarg.h>

struct strbuf {
	char *buf;   /* owned; NULL or NUL-terminated at len */
	size_t len;  /* bytes in use, without the terminating NUL */
	size_t cap;  /* bytes allocated */
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
/* s, then spaces up to width bytes (printf's %-*s, without printf: for
 * the lines a command prints by the ten thousand). */
void strbuf_addpad(struct strbuf *sb, const char *s, size_t width);
/* The bytes of the file at path, as a string (NULL when it cannot be
 * opened); reading stops once max bytes are in (0: no bound), so the
 * answer may pass max by less than one read of 8 KB. *len (when len is not
 * NULL) gets the bytes read, NULs in the file included. */
char *strbuf_read_file(const char *path, size_t max, size_t *len);
/* The whole of the regular file at path, as a string, when it holds at
 * most max bytes; else NULL, with errno EFBIG when it is larger or not a
 * regular file (a FIFO or a device could block or never end; it is opened
 * without waiting for a writer) and open's or read's errno otherwise.
 * *len (when len is not NULL) gets its length, NULs included. */
char *strbuf_read_whole(const char *path, size_t max, size_t *len);
/* v in decimal (printf's %lld). */
void strbuf_addint(struct strbuf *sb, long long v);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
/* The contents as a C string ("" for an empty buffer); stays owned by sb. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the contents to the caller (never NULL) and empties sb. */
char *strbuf_detach(struct strbuf *sb);

#endif
