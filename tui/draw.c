/*
 * draw.c - sanitized, width-clipped text and pane frames.
 */
#include "draw.h"
#include "sanitize.h"
#include "strbuf.h"
#include "theme.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

static int put_cp(WINDOW *w, int y, int x, unsigned cp, int cw, attr_t attr)
{
	cchar_t cc;
	wchar_t wc[2] = { (wchar_t)cp, 0 };

	setcchar(&cc, wc, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
	mvwadd_wch(w, y, x, &cc);
	return cw;
}

int draw_textn(WINDOW *w, int y, int x, int maxw, const char *text, size_t len, attr_t attr)
{
	int used = 0, maxy, maxx;
	size_t i = 0;
	attr_t esc = theme_attr(RWB_COLOR_ESCAPED);

	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy || x < 0 || x >= maxx)
		return 0;
	if (maxw > maxx - x)
		maxw = maxx - x;
	while (i < len && used < maxw) {
		unsigned char c = (unsigned char)text[i];
		unsigned cp;
		int n, cw;

		if (c < 0x20 || c == 0x7f) {
			char vis[3] = { '^', c == 0x7f ? '?' : (char)(c + '@'), 0 };
			if (c == '\t') {
				int spaces = 8 - (used % 8);
				for (int k = 0; k < spaces && used < maxw; k++)
					used += put_cp(w, y, x + used, ' ', 1, attr);
				i++;
				continue;
			}
			for (int k = 0; k < 2 && used < maxw; k++)
				used += put_cp(w, y, x + used, (unsigned char)vis[k], 1, esc);
			i++;
			continue;
		}
		n = sanitize_utf8_decode(text + i, len - i, &cp);
		if (n == 0 || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069)) {
			char vis[16];
			if (n == 0)
				snprintf(vis, sizeof(vis), "\\x%02x", c);
			else if (cp <= 0x9f)
				snprintf(vis, sizeof(vis), "\\x%02x", cp);
			else
				snprintf(vis, sizeof(vis), "<U+%04X>", cp);
			for (int k = 0; vis[k] && used < maxw; k++)
				used += put_cp(w, y, x + used, (unsigned char)vis[k], 1, esc);
			i += n ? (size_t)n : 1;
			continue;
		}
		cw = wcwidth((wchar_t)cp);
		if (cw < 0) {
			/* unprintable: show its code */
			char vis[16];
			snprintf(vis, sizeof(vis), "<U+%04X>", cp);
			for (int k = 0; vis[k] && used < maxw; k++)
				used += put_cp(w, y, x + used, (unsigned char)vis[k], 1, esc);
			i += (size_t)n;
			continue;
		}
		if (cw == 0) {
			/* combining mark: attach to the previous cell */
			if (used > 0) {
				cchar_t cc;
				wchar_t wch[CCHARW_MAX + 1];
				attr_t a;
				short pair;
				mvwin_wch(w, y, x + used - 1, &cc);
				getcchar(&cc, wch, &a, &pair, NULL);
				size_t k = wcslen(wch);
				if (k < CCHARW_MAX) {
					wch[k] = (wchar_t)cp;
					wch[k + 1] = 0;
					setcchar(&cc, wch, a, pair, NULL);
					mvwadd_wch(w, y, x + used - 1, &cc);
				}
			}
			i += (size_t)n;
			continue;
		}
		if (used + cw > maxw)
			break;
		used += put_cp(w, y, x + used, cp, cw, attr);
		i += (size_t)n;
	}
	return used;
}

int draw_text(WINDOW *w, int y, int x, int maxw, const char *text, attr_t attr)
{
	return draw_textn(w, y, x, maxw, text, strlen(text), attr);
}

/* Bytes of text[0..len) that fill at most cols columns, from the start
 * (from_end false) or the end; whole characters only. */
static size_t fit_bytes(const char *text, size_t len, int cols, bool from_end)
{
	size_t n = 0;
	int used = 0;

	while (n < len) {
		size_t a = from_end ? len - n - 1 : n, clen = 1;
		if (from_end) {
			while (a > 0 && ((unsigned char)text[a] & 0xc0) == 0x80)
				a--;
			clen = len - n - a;
		} else {
			while (a + clen < len && ((unsigned char)text[a + clen] & 0xc0) == 0x80)
				clen++;
		}
		int cw = (int)sanitize_width(text + a, clen);
		if (used + cw > cols)
			break;
		used += cw;
		n += clen;
	}
	return n;
}

int draw_text_mid(WINDOW *w, int y, int x, int maxw, const char *text, attr_t attr)
{
	size_t len = strlen(text);
	const char *slash1, *slash2;
	struct strbuf sb = STRBUF_INIT;
	int used;

	if (maxw < 5 || (int)sanitize_width(text, len) <= maxw)
		return draw_text(w, y, x, maxw, text, attr);
	slash1 = strchr(text, '/');
	slash2 = strrchr(text, '/');
	if (slash1 && slash2 > slash1 &&
	    (int)(sanitize_width(text, (size_t)(slash1 - text)) + 3 +
		  sanitize_width(slash2 + 1, strlen(slash2 + 1))) <= maxw) {
		/* a path: its first part and its last, "rwb-starter/…/bounded-channels" */
		strbuf_add(&sb, text, (size_t)(slash1 - text));
		strbuf_adds(&sb, "/…/");
		strbuf_adds(&sb, slash2 + 1);
	} else if (slash2 && (int)sanitize_width(slash2 + 1, strlen(slash2 + 1)) + 2 <= maxw) {
		/* no room for the first part: the last, the most specific */
		strbuf_adds(&sb, "…/");
		strbuf_adds(&sb, slash2 + 1);
	} else {
		int tail = (maxw - 1) / 3, head = maxw - 1 - tail;
		size_t hb = fit_bytes(text, len, head, false), tb = fit_bytes(text, len, tail, true);
		strbuf_add(&sb, text, hb);
		strbuf_adds(&sb, "…");
		strbuf_add(&sb, text + len - tb, tb);
	}
	used = draw_text(w, y, x, maxw, strbuf_str(&sb), attr);
	strbuf_free(&sb);
	return used;
}

int draw_text_wrap(WINDOW *w, int y, int x, int maxw, int maxrows, const char *text, attr_t attr)
{
	size_t len = strlen(text), at = 0;
	int rows = 0;

	if (maxw < 1)
		return 0;
	while (rows < maxrows && (at < len || rows == 0)) {
		size_t n = fit_bytes(text + at, len - at, maxw, false);
		if (n == 0 && at < len)
			n = 1;   /* a character wider than the line: skip it rather than loop */
		draw_textn(w, y + rows, x, maxw, text + at, n, attr);
		at += n;
		rows++;
	}
	return rows;
}

void draw_fill(WINDOW *w, int y, int x, int n, attr_t attr)
{
	int maxy, maxx;

	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy)
		return;
	for (int i = 0; i < n && x + i < maxx; i++)
		put_cp(w, y, x + i, ' ', 1, attr);
}

void draw_clear(WINDOW *w)
{
	wbkgdset(w, ' ' | theme_attr(RWB_COLOR_DEFAULT));
	werase(w);
}

void draw_frame(WINDOW *w, const char *title, const char *right, int focused)
{
	int h, wd;
	attr_t border = theme_attr(focused ? RWB_COLOR_PANE_BORDER_FOCUS : RWB_COLOR_PANE_BORDER);
	attr_t tattr = theme_attr(focused ? RWB_COLOR_PANE_TITLE_FOCUS : RWB_COLOR_PANE_TITLE);

	getmaxyx(w, h, wd);
	if (h < 2 || wd < 4)
		return;
	wattr_set(w, border & ~A_COLOR, (short)PAIR_NUMBER(border), NULL);
	if (focused)
		wborder_set(w, WACS_D_VLINE, WACS_D_VLINE, WACS_D_HLINE, WACS_D_HLINE,
			    WACS_D_ULCORNER, WACS_D_URCORNER, WACS_D_LLCORNER, WACS_D_LRCORNER);
	else
		wborder_set(w, WACS_VLINE, WACS_VLINE, WACS_HLINE, WACS_HLINE,
			    WACS_ULCORNER, WACS_URCORNER, WACS_LLCORNER, WACS_LRCORNER);
	wattr_set(w, A_NORMAL, 0, NULL);
	if (title && wd > 6) {
		int used;
		mvwaddch(w, 0, 1, ' ');
		used = draw_text(w, 0, 2, wd - 5, title, tattr);
		mvwaddch(w, 0, 2 + used, ' ');
		if (right && *right) {
			int rw = (int)sanitize_width(right, strlen(right));
			int room = wd - (used + 5);
			if (room > 4) {
				if (rw > room)
					rw = room;
				draw_text(w, 0, wd - 1 - rw, rw, right, theme_attr(RWB_COLOR_PANE_TITLE));
			}
		}
	}
}

enum rwb_color draw_rust_role(const struct rust_token *t, const char *line, size_t len)
{
	size_t end = t->start + t->len;

	switch (t->kind) {
	case RUST_TOK_KEYWORD:
		return t->len == 6 && memcmp(line + t->start, "unsafe", 6) == 0 ? RWB_COLOR_SYN_UNSAFE
										 : RWB_COLOR_SYN_KEYWORD;
	case RUST_TOK_IDENT:
		if (end < len && line[end] == '!' && (end + 1 >= len || line[end + 1] != '='))
			return RWB_COLOR_SYN_MACRO;
		if (t->start < len && line[t->start] >= 'A' && line[t->start] <= 'Z')
			return RWB_COLOR_SYN_TYPE;
		return RWB_COLOR_DEFAULT;
	case RUST_TOK_LIFETIME:
		return RWB_COLOR_SYN_LIFETIME;
	case RUST_TOK_CHAR:
	case RUST_TOK_STRING:
	case RUST_TOK_RAW_STRING:
		return RWB_COLOR_SYN_STRING;
	case RUST_TOK_NUMBER:
		return RWB_COLOR_SYN_NUMBER;
	case RUST_TOK_LINE_COMMENT:
	case RUST_TOK_BLOCK_COMMENT:
	case RUST_TOK_DOC_COMMENT:
		return RWB_COLOR_SYN_COMMENT;
	default:
		return RWB_COLOR_DEFAULT;
	}
}
