/*
 * strbuf.c - growable byte buffer.
 */
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap;

	if (need <= sb->cap)
		return;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
	sb->buf[sb->len] = '\0';  /* a fresh buffer reads as "" before anything is added */
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	strbuf_grow(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_addpad(struct strbuf *sb, const char *s, size_t width)
{
	size_t n = strlen(s);

	strbuf_add(sb, s, n);
	if (n < width) {
		strbuf_grow(sb, width - n);
		memset(sb->buf + sb->len, ' ', width - n);
		sb->len += width - n;
		sb->buf[sb->len] = '\0';
	}
}

char *strbuf_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && (!max || sb.len < max))
		strbuf_add(&sb, buf, n);
	fclose(f);
	if (len)
		*len = sb.len;
	return strbuf_detach(&sb);
}

char *strbuf_read_whole(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	ssize_t got;
	int err;

	if (len)
		*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	strbuf_grow(&sb, (size_t)st.st_size + 1);
	/* to its end (it may have grown since the fstat), no further than max */
	for (;;) {
		if (sb.cap - sb.len < 2)
			strbuf_grow(&sb, 8192);
		got = read(fd, sb.buf + sb.len, sb.cap - sb.len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		sb.len += (size_t)got;
		if (sb.len > max) {
			got = -1;
			errno = EFBIG;
			break;
		}
	}
	err = errno;
	close(fd);
	if (got < 0) {
		strbuf_free(&sb);
		errno = err;
		return NULL;
	}
	sb.buf[sb.len] = '\0';
	if (len)
		*len = sb.len;
	return strbuf_detach(&sb);
}

void strbuf_addint(struct strbuf *sb, long long v)
{
	char digits[24], *p = digits + sizeof(digits);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(digits + sizeof(digits) - p));
}

/* Formats once into the room there is (a line of a long listing fits, and
 * measuring first had doubled the cost of /unsafe-audit's 10,000 lines);
 * only what does not fit is formatted again, after a grow. */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int len;

	strbuf_grow(sb, 64);
	va_copy(copy, ap);
	len = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, copy);
	va_end(copy);
	if (len < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)len >= sb->cap - sb->len) {
		strbuf_grow(sb, (size_t)len);
		vsnprintf(sb->buf + sb->len, (size_t)len + 1, fmt, ap);
	}
	sb->len += (size_t)len;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}
