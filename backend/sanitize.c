/*
 * sanitize.c - control characters and invalid UTF-8 made visible.
 */
#define _XOPEN_SOURCE 700
#include "sanitize.h"
#include "xalloc.h"

#include <string.h>
#include <wchar.h>

int sanitize_utf8_decode(const char *str, size_t n, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c, min;
	int len;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; c &= 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int is_bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

void sanitize_text(struct strbuf *out, const char *text, size_t len, unsigned flags)
{
	size_t i = 0, col = 0;

	strbuf_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		unsigned cp;
		int n;

		if (c == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) {
			strbuf_addc(out, '\n');
			col = 0;
			i++;
			continue;
		}
		if (c == '\t' && (flags & SANITIZE_KEEP_TAB)) {
			strbuf_addc(out, '\t');
			col++;
			i++;
			continue;
		}
		if (c == '\t' && (flags & SANITIZE_TAB_SPACES)) {
			size_t next = (col / 8 + 1) * 8;
			while (col < next) {
				strbuf_addc(out, ' ');
				col++;
			}
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addc(out, '^');
			strbuf_addc(out, c == 0x7f ? '?' : (char)(c + '@'));
			col += 2;
			i++;
			continue;
		}
		if (c < 0x80) {
			/* a run of printable ASCII goes over in one copy */
			size_t j = i + 1;
			while (j < len && (unsigned char)text[j] >= 0x20 && (unsigned char)text[j] < 0x7f)
				j++;
			strbuf_add(out, text + i, j - i);
			col += j - i;
			i = j;
			continue;
		}
		n = sanitize_utf8_decode(text + i, len - i, &cp);
		if (n == 0) {
			strbuf_addf(out, "\\x%02x", c);
			col += 4;
			i++;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f) {
			strbuf_addf(out, "\\x%02x", cp);
			col += 4;
		} else if (is_bidi_control(cp)) {
			strbuf_addf(out, "<U+%04X>", cp);
			col += 8;
		} else {
			strbuf_add(out, text + i, (size_t)n);
			col++;
		}
		i += (size_t)n;
	}
}

size_t sanitize_clean_span(const char *text, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;

	if (flags & SANITIZE_TAB_SPACES)
		return 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f)
			i++;
		else if ((c == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) || (c == '\t' && (flags & SANITIZE_KEEP_TAB)))
			i++;
		else
			break;
	}
	return i;
}

char *sanitize_dup(const char *text, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	sanitize_text(&sb, text, strlen(text), flags);
	return strbuf_detach(&sb);
}

size_t sanitize_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;

	while (i < len) {
		unsigned cp;
		int n = sanitize_utf8_decode(s + i, len - i, &cp);
		int cw;

		if (n == 0) {
			i++;
			continue;
		}
		cw = wcwidth((wchar_t)cp);
		if (cw > 0)
			w += (size_t)cw;
		i += (size_t)n;
	}
	return w;
}
