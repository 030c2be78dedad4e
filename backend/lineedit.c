/*
 * lineedit.c - one-line editing on a UTF-8 buffer.
 */
#include "lineedit.h"
#include "sanitize.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

void lineedit_init(struct lineedit *e)
{
	memset(e, 0, sizeof(*e));
}

void lineedit_release(struct lineedit *e)
{
	strbuf_free(&e->text);
	strbuf_free(&e->kill);
	e->cursor = 0;
}

void lineedit_set(struct lineedit *e, const char *s)
{
	strbuf_reset(&e->text);
	e->cursor = 0;
	lineedit_insert(e, s, strlen(s));
}

static size_t prev_boundary(const struct lineedit *e, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)e->text.buf[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

static size_t next_boundary(const struct lineedit *e, size_t pos)
{
	if (pos >= e->text.len)
		return e->text.len;
	pos++;
	while (pos < e->text.len && ((unsigned char)e->text.buf[pos] & 0xc0) == 0x80)
		pos++;
	return pos;
}

size_t lineedit_insert(struct lineedit *e, const char *s, size_t n)
{
	struct strbuf clean = STRBUF_INIT;
	size_t i = 0;

	/* keep valid UTF-8 and printable text only; newlines become spaces */
	while (i < n) {
		unsigned cp;
		int len = sanitize_utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			i++;
			continue;
		}
		if (cp == '\n' || cp == '\r' || cp == '\t')
			strbuf_addc(&clean, ' ');
		else if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f))
			strbuf_add(&clean, s + i, (size_t)len);
		i += (size_t)len;
	}
	if (e->text.len + clean.len > LINEEDIT_MAX) {
		size_t room = LINEEDIT_MAX - e->text.len;
		/* cut at a code point boundary */
		while (room > 0 && room < clean.len && ((unsigned char)clean.buf[room] & 0xc0) == 0x80)
			room--;
		clean.len = room;
	}
	if (clean.len) {
		strbuf_grow(&e->text, clean.len);
		e->text.buf[e->text.len] = '\0'; /* a fresh buffer has no terminator yet */
		memmove(e->text.buf + e->cursor + clean.len, e->text.buf + e->cursor,
			e->text.len - e->cursor + 1);
		memcpy(e->text.buf + e->cursor, clean.buf, clean.len);
		e->text.len += clean.len;
		e->cursor += clean.len;
	}
	n = clean.len;
	strbuf_free(&clean);
	return n;
}

void lineedit_insert_cp(struct lineedit *e, unsigned cp)
{
	char buf[4];
	size_t n;

	if (cp < 0x80) {
		buf[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6)); buf[1] = (char)(0x80 | (cp & 0x3f)); n = 2;
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12)); buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		buf[0] = (char)(0xf0 | (cp >> 18)); buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); buf[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	lineedit_insert(e, buf, n);
}

static void erase(struct lineedit *e, size_t from, size_t to, bool to_kill)
{
	if (to <= from)
		return;
	if (to_kill) {
		strbuf_reset(&e->kill);
		strbuf_add(&e->kill, e->text.buf + from, to - from);
	}
	memmove(e->text.buf + from, e->text.buf + to, e->text.len - to + 1);
	e->text.len -= to - from;
	e->cursor = from;
}

void lineedit_backspace(struct lineedit *e)
{
	erase(e, prev_boundary(e, e->cursor), e->cursor, false);
}

void lineedit_delete(struct lineedit *e)
{
	size_t c = e->cursor;
	erase(e, c, next_boundary(e, c), false);
	e->cursor = c;
}

void lineedit_left(struct lineedit *e) { e->cursor = prev_boundary(e, e->cursor); }
void lineedit_right(struct lineedit *e) { e->cursor = next_boundary(e, e->cursor); }
void lineedit_home(struct lineedit *e) { e->cursor = 0; }
void lineedit_end(struct lineedit *e) { e->cursor = e->text.len; }

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || ((unsigned char)c & 0x80);
}

void lineedit_word_left(struct lineedit *e)
{
	size_t p = e->cursor;
	while (p > 0 && !is_word(e->text.buf[p - 1]))
		p--;
	while (p > 0 && is_word(e->text.buf[p - 1]))
		p--;
	e->cursor = p;
}

void lineedit_word_right(struct lineedit *e)
{
	size_t p = e->cursor;
	while (p < e->text.len && !is_word(e->text.buf[p]))
		p++;
	while (p < e->text.len && is_word(e->text.buf[p]))
		p++;
	e->cursor = p;
}

void lineedit_kill_word_back(struct lineedit *e)
{
	size_t p = e->cursor;
	while (p > 0 && e->text.buf[p - 1] == ' ')
		p--;
	while (p > 0 && e->text.buf[p - 1] != ' ')
		p--;
	erase(e, p, e->cursor, true);
}

void lineedit_kill_to_start(struct lineedit *e)
{
	erase(e, 0, e->cursor, true);
}

void lineedit_kill_to_end(struct lineedit *e)
{
	size_t c = e->cursor;
	erase(e, c, e->text.len, true);
	e->cursor = c;
}

void lineedit_yank(struct lineedit *e)
{
	if (e->kill.len)
		lineedit_insert(e, e->kill.buf, e->kill.len);
}

void lineedit_transpose(struct lineedit *e)
{
	size_t a, b, c;
	char tmp[8];

	if (e->text.len == 0 || e->cursor == 0)
		return;
	if (e->cursor == e->text.len)
		e->cursor = prev_boundary(e, e->cursor);
	a = prev_boundary(e, e->cursor);
	b = e->cursor;
	c = next_boundary(e, b);
	if (b - a > 4 || c - b > 4)
		return;
	memcpy(tmp, e->text.buf + a, b - a);
	memmove(e->text.buf + a, e->text.buf + b, c - b);
	memcpy(e->text.buf + a + (c - b), tmp, b - a);
	e->cursor = c;
}

const char *lineedit_str(const struct lineedit *e)
{
	return strbuf_str(&e->text);
}

size_t lineedit_cursor_col(const struct lineedit *e)
{
	return e->text.buf ? sanitize_width(e->text.buf, e->cursor) : 0;
}
