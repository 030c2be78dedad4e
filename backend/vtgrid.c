/*
 * vtgrid.c - the terminal grid behind the terminal pane (see vtgrid.h).
 *
 * Design: libvterm's State layer calls us for every glyph, cursor move,
 * scroll, move, erase and pen change. A screen buffer is a ring of row
 * pointers (struct vtbuf); logical row r is rows[(top + r) % nrows]. A
 * full-screen scroll up rotates `top` and hands the leaving row to the
 * scrollback ring, which gives back its oldest row for reuse once full, so
 * a flood of output allocates nothing. Scroll regions shuffle pointers
 * inside the region. Combining characters are interned into a small
 * cluster table (ids in the cell), bounded in size: past it the marks are
 * dropped and the base character kept.
 *
 * Scrollback lines are packed (struct sbline): a header, the colour runs
 * and the cells' code points, one byte each when all are below 0x100, four
 * otherwise; trailing default blanks are not stored. A 200-column line of
 * 80 characters in 6 colours takes 8 + 60 + 80 bytes instead of 2,404.
 * Soft wraps are tracked from libvterm's glyph positions (libvterm 0.1.4
 * has no continuation flag): a glyph reaching the last columns arms
 * wrap_pending, and the next glyph landing at column 0 of the next row,
 * with no cursor report in between, marks the row above as wrapped.
 *
 * Never: index a row without clamping to its own width (scrollback rows keep
 * the width they were written with), or let a wide character's second
 * column survive without its first.
 */
#include "vtgrid.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>
#include <vterm.h>

#define CLUSTER_MAX 4096
#define CLUSTER_HASH 8192          /* power of two, > CLUSTER_MAX */
#define TITLE_MAX 256
#define CSI_SEPS_MAX 15         /* libvterm 0.1.4 keeps 16 CSI arguments */

/* A scrollback line, packed: hdr, then nruns runs of RUN_BYTES (u16 first
 * column, u32 fg, u32 bg: the colours from that column on), then ncells
 * code point words of 1 (SB_WIDE clear) or 4 bytes. Cells from ncells to
 * cols are blank in default colours. */
#define SB_WIDE 1u                 /* 4-byte cells */
#define SB_WRAPPED 2u              /* the line goes on in the next one */
#define RUN_BYTES 10
struct sbline {
	uint16_t cols, ncells, nruns;
	uint8_t flags;
	uint8_t pad;
	unsigned char data[];
};

struct sbcache {                   /* unpacked scrollback lines vtgrid_line() hands out */
	struct vtrow *row[2];
	int cap[2];
	int next;
};

struct vtbuf {
	struct vtrow **rows;       /* owned: nrows row pointers, each owned */
	int top;                   /* ring start: logical row 0 */
};

struct vtgrid {
	VTerm *vt;                 /* owned */
	VTermState *state;         /* owned by vt */
	int rows, cols;            /* screen size, both >= 1 */
	struct vtbuf buf[2];       /* main and alternate screen */
	int cur;                   /* index into buf: 1 while the alt screen is on */
	/* scrollback ring (main screen only) */
	struct sbline **sb;        /* owned: sb_max slots, sb_count used */
	size_t sb_bytes;           /* sum of the packed lines' sizes */
	struct sbcache *cache;     /* owned */
	int sb_max, sb_count, sb_head;  /* sb_head: slot of the oldest line */
	uint64_t pushed;           /* lines that ever entered the scrollback */
	/* damage */
	uint8_t *damage;           /* owned: one byte per screen row */
	bool any_damage;           /* something changed since vtgrid_clear_damage() */
	/* pen and cursor */
	struct vtcell pen;         /* ch unused; fg carries the attributes */
	int crow, ccol;            /* cursor, as libvterm last reported it */
	bool cursor_visible;       /* DECTCEM */
	/* soft wraps: the last glyph reached the right margin on wrap_row */
	bool wrap_pending;
	int wrap_row;              /* -1: the newest scrollback line */
	int resize_row, resize_col;  /* where a resize puts the cursor */
	/* clusters: base + combining code points, interned */
	uint32_t (*clusters)[VTGRID_MAX_COMBINE];  /* owned: nclusters entries */
	int nclusters;             /* entries used, at most CLUSTER_MAX */
	int32_t *cluster_hash;     /* owned: CLUSTER_HASH slots, -1 empty */
	/* misc */
	char title[TITLE_MAX];     /* OSC 0/2, NUL-terminated */
	unsigned events;           /* VTGRID_EV_* not yet taken */
	/* REP (CSI n b) is done here: libvterm 0.1.4 loops forever on it when
	 * the last glyph had width 0 (or there was none) */
	uint32_t last_chars[VTGRID_MAX_COMBINE + 1];  /* the last glyph put, 0-terminated */
	int last_width;            /* its width; 0 = nothing to repeat */
	int esc;                   /* scanner: 0 ground, 1 after ESC, 2 in CSI */
	char csi[256];             /* the CSI sequence held back so far */
	size_t ncsi;               /* bytes in csi (sizeof(csi): overlong) */
	char pre[8];               /* intermediates between ESC and '[' */
	size_t npre;               /* bytes in pre */
	bool pre_over;             /* more intermediates came than pre holds */
	uint64_t *marks;           /* owned: ascending absolute lines */
	int nmarks, marks_cap;     /* marks used / allocated */
	vtgrid_output_cb out;      /* where answers and key encodings go, may be NULL */
	void *out_data;            /* borrowed: out's argument */
};

/* ---- rows ---- */

static uint32_t blank_bg(const struct vtgrid *g)
{
	return g->pen.bg;
}

static void row_clear(struct vtrow *r, int from, int to, uint32_t bg)
{
	for (int i = from; i < to && i < r->cols; i++)
		r->cells[i] = (struct vtcell){ 0, 0, bg };
}

static struct vtrow *row_new(int cols, uint32_t bg)
{
	struct vtrow *r = xmalloc(sizeof(*r) + (size_t)cols * sizeof(struct vtcell));

	r->cols = cols;
	r->wrapped = false;
	row_clear(r, 0, cols, bg);
	return r;
}

/* Makes r (possibly NULL) a row of cols cells, keeping what fits. */
static struct vtrow *row_fit(struct vtrow *r, int cols, uint32_t bg)
{
	int old;

	if (!r)
		return row_new(cols, bg);
	if (r->cols == cols)
		return r;
	old = r->cols;
	if (cols < old && cols > 0 && r->cells[cols].ch == VTCELL_CONT)
		r->cells[cols - 1].ch = 0;  /* a wide character cut in half */
	r = xrealloc(r, sizeof(*r) + (size_t)cols * sizeof(struct vtcell));
	r->cols = cols;
	if (cols > old)
		row_clear(r, old, cols, 0);
	return r;
}

/* Ring index of logical row r (0 <= r < rows); no division on the hot path. */
static inline int ring_index(const struct vtgrid *g, int bi, int r)
{
	int i = g->buf[bi].top + r;
	return i >= g->rows ? i - g->rows : i;
}

static struct vtrow *row_at(const struct vtgrid *g, int bi, int r)
{
	return g->buf[bi].rows[ring_index(g, bi, r)];
}

static struct vtrow **slot_at(struct vtgrid *g, int bi, int r)
{
	return &g->buf[bi].rows[ring_index(g, bi, r)];
}

static void damage(struct vtgrid *g, int from, int to)
{
	if (from < 0)
		from = 0;
	if (to > g->rows)
		to = g->rows;
	if (from < to) {
		memset(g->damage + from, 1, (size_t)(to - from));
		g->any_damage = true;
	}
}

/* ---- packed scrollback lines ---- */

static size_t sbline_size(const struct sbline *l)
{
	return sizeof(*l) + (size_t)l->nruns * RUN_BYTES +
	       (size_t)l->ncells * (l->flags & SB_WIDE ? 4 : 1);
}

/* Packs cells[0, n) of a row `cols` wide into a line, reusing `reuse`'s
 * memory (may be NULL). */
static struct sbline *sb_pack(struct sbline *reuse, const struct vtcell *cells, int n,
			      int cols, bool wrapped)
{
	int nruns = 0;
	bool wide = false;

	while (n > 0 && cells[n - 1].ch == 0 && cells[n - 1].fg == 0 && cells[n - 1].bg == 0)
		n--;
	for (int x = 0; x < n; x++) {
		if (cells[x].ch > 0xff)
			wide = true;
		if (x == 0 || cells[x].fg != cells[x - 1].fg || cells[x].bg != cells[x - 1].bg)
			nruns++;
	}
	if (nruns == 1 && cells[0].fg == 0 && cells[0].bg == 0)
		nruns = 0;        /* one run in the default colours: none */
	size_t size = sizeof(struct sbline) + (size_t)nruns * RUN_BYTES + (size_t)n * (wide ? 4 : 1);
	struct sbline *l = xrealloc(reuse, size);
	l->cols = (uint16_t)cols;
	l->ncells = (uint16_t)n;
	l->nruns = (uint16_t)nruns;
	l->flags = (uint8_t)((wide ? SB_WIDE : 0) | (wrapped ? SB_WRAPPED : 0));
	l->pad = 0;
	unsigned char *p = l->data;
	for (int x = 0; x < n && nruns; x++) {
		if (x == 0 || cells[x].fg != cells[x - 1].fg || cells[x].bg != cells[x - 1].bg) {
			uint16_t at = (uint16_t)x;
			memcpy(p, &at, 2);
			memcpy(p + 2, &cells[x].fg, 4);
			memcpy(p + 6, &cells[x].bg, 4);
			p += RUN_BYTES;
		}
	}
	if (wide) {
		for (int x = 0; x < n; x++, p += 4)
			memcpy(p, &cells[x].ch, 4);
	} else {
		for (int x = 0; x < n; x++)
			*p++ = (unsigned char)cells[x].ch;
	}
	return l;
}

/* Unpacks l into r, which has room for l->cols cells. */
static void sb_unpack(const struct sbline *l, struct vtrow *r)
{
	const unsigned char *runs = l->data;
	const unsigned char *p = l->data + (size_t)l->nruns * RUN_BYTES;
	int n = l->ncells, run = 0, next = l->nruns ? 0 : n + 1;
	uint32_t fg = 0, bg = 0;

	r->cols = l->cols;
	r->wrapped = (l->flags & SB_WRAPPED) != 0;
	for (int x = 0; x < n; x++) {
		while (x == next) {
			const unsigned char *q = runs + (size_t)run * RUN_BYTES;
			memcpy(&fg, q + 2, 4);
			memcpy(&bg, q + 6, 4);
			if (++run < l->nruns) {
				uint16_t at;
				memcpy(&at, runs + (size_t)run * RUN_BYTES, 2);
				next = at;
			} else {
				next = n + 1;
			}
		}
		uint32_t ch;
		if (l->flags & SB_WIDE) {
			memcpy(&ch, p, 4);
			p += 4;
		} else {
			ch = *p++;
		}
		r->cells[x] = (struct vtcell){ ch, fg, bg };
	}
	for (int x = n; x < l->cols; x++)
		r->cells[x] = (struct vtcell){ 0, 0, 0 };
}

/* A row buffer with room for cols cells, grown as needed. */
static struct vtrow *row_room(struct vtrow **r, int *cap, int cols)
{
	if (!*r || *cap < cols) {
		*cap = cols < 16 ? 16 : cols;
		*r = xrealloc(*r, sizeof(struct vtrow) + (size_t)*cap * sizeof(struct vtcell));
	}
	return *r;
}

/* Hands a row to the scrollback (packed) and gives it back for reuse.
 * When the scrollback is full, the oldest line's memory is reused. */
static struct vtrow *sb_push(struct vtgrid *g, struct vtrow *r)
{
	struct sbline **slot;

	if (g->sb_max == 0)
		return r;
	if (g->sb_count == g->sb_max) {
		slot = &g->sb[g->sb_head];
		g->sb_head = (g->sb_head + 1) % g->sb_max;
		g->sb_bytes -= sbline_size(*slot);
	} else {
		slot = &g->sb[(g->sb_head + g->sb_count) % g->sb_max];
		*slot = NULL;
		g->sb_count++;
	}
	*slot = sb_pack(*slot, r->cells, r->cols, r->cols, r->wrapped);
	g->sb_bytes += sbline_size(*slot);
	g->pushed++;
	return r;
}

/* ---- clusters ---- */

static uint32_t cluster_hash_of(const uint32_t *c)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < VTGRID_MAX_COMBINE && c[i]; i++)
		h = (h ^ c[i]) * 16777619u;
	return h;
}

/* The cell word for chars (base + combining); interned. */
static uint32_t cluster_intern(struct vtgrid *g, const uint32_t *chars)
{
	uint32_t key[VTGRID_MAX_COMBINE] = { 0 };
	uint32_t h;

	for (int i = 0; i < VTGRID_MAX_COMBINE && chars[i]; i++)
		key[i] = chars[i];
	if (!g->cluster_hash) {
		g->cluster_hash = xmalloc(CLUSTER_HASH * sizeof(*g->cluster_hash));
		memset(g->cluster_hash, 0xff, CLUSTER_HASH * sizeof(*g->cluster_hash));
		g->clusters = xmalloc(CLUSTER_MAX * sizeof(*g->clusters));
	}
	h = cluster_hash_of(key) & (CLUSTER_HASH - 1);
	for (;;) {
		int32_t id = g->cluster_hash[h];
		if (id < 0)
			break;
		if (memcmp(g->clusters[id], key, sizeof(key)) == 0)
			return VTCELL_CLUSTER | (uint32_t)id;
		h = (h + 1) & (CLUSTER_HASH - 1);
	}
	if (g->nclusters == CLUSTER_MAX)
		return key[0];     /* table full: the base character alone */
	memcpy(g->clusters[g->nclusters], key, sizeof(key));
	g->cluster_hash[h] = g->nclusters;
	return VTCELL_CLUSTER | (uint32_t)g->nclusters++;
}

int vtgrid_cell_chars(const struct vtgrid *g, const struct vtcell *c,
		      uint32_t out[VTGRID_MAX_COMBINE + 1])
{
	int n = 0;

	if (c->ch == VTCELL_CONT || c->ch == 0) {
		out[0] = 0;
		return 0;
	}
	if (c->ch & VTCELL_CLUSTER) {
		uint32_t id = c->ch & 0xffffffu;
		if ((int)id < g->nclusters)
			for (; n < VTGRID_MAX_COMBINE && g->clusters[id][n]; n++)
				out[n] = g->clusters[id][n];
	} else {
		out[n++] = c->ch;
	}
	out[n] = 0;
	return n;
}

/* ---- libvterm State callbacks ---- */

/* Before a glyph of width w lands at col: no half wide characters remain. */
static void clear_overlap(struct vtrow *r, int col, int w)
{
	if (r->cells[col].ch == VTCELL_CONT && col > 0)
		r->cells[col - 1].ch = 0;
	int end = col + w;
	if (end < r->cols && r->cells[end].ch == VTCELL_CONT)
		r->cells[end].ch = 0;
}

/* Row `row` (-1: the newest scrollback line) goes on in the next one. */
static void mark_wrapped(struct vtgrid *g, int row)
{
	if (row >= 0 && row < g->rows)
		row_at(g, g->cur, row)->wrapped = true;
	else if (row == -1 && g->cur == 0 && g->sb_count > 0)
		g->sb[(g->sb_head + g->sb_count - 1) % g->sb_max]->flags |= SB_WRAPPED;
}

static int cb_putglyph(VTermGlyphInfo *info, VTermPos pos, void *user)
{
	struct vtgrid *g = user;
	struct vtrow *r;
	uint32_t ch;
	int w = info->width < 1 ? 1 : info->width > 2 ? 2 : info->width;

	g->last_width = info->width;
	g->last_chars[0] = 0;
	if (info->width < 1)
		return 1;  /* zero-width on its own: nothing to show */
	if (pos.row < 0 || pos.row >= g->rows || pos.col < 0 || pos.col >= g->cols)
		return 1;
	r = row_at(g, g->cur, pos.row);
	if (pos.col == 0 && g->wrap_pending && pos.row == g->wrap_row + 1)
		mark_wrapped(g, g->wrap_row);
	if (pos.col + w > r->cols)
		w = 1;
	ch = info->chars[0];
	if (ch && info->chars[1])
		ch = cluster_intern(g, info->chars);
	else if (ch >= VTCELL_CONT)
		ch = 0xfffd;
	clear_overlap(r, pos.col, w);
	r->cells[pos.col] = (struct vtcell){ ch, g->pen.fg, g->pen.bg };
	if (w == 2)
		r->cells[pos.col + 1] = (struct vtcell){ VTCELL_CONT, g->pen.fg, g->pen.bg };
	g->damage[pos.row] = 1;
	g->any_damage = true;
	/* at the right margin (or one short of it, where a wide character
	 * would not fit): the next glyph at column 0 below is a soft wrap */
	g->wrap_pending = pos.col + w >= r->cols - 1;
	g->wrap_row = pos.row;
	for (int i = 0; i <= VTGRID_MAX_COMBINE; i++) {
		g->last_chars[i] = i < VTGRID_MAX_COMBINE ? info->chars[i] : 0;
		if (!g->last_chars[i])
			break;
	}
	return 1;
}

static int cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	struct vtgrid *g = user;

	(void)oldpos;
	/* clamped: libvterm 0.1.4 can report a cursor off the screen (a
	 * cursor saved before a resize and restored after it) */
	g->crow = pos.row < 0 ? 0 : pos.row >= g->rows ? g->rows - 1 : pos.row;
	g->ccol = pos.col < 0 ? 0 : pos.col >= g->cols ? g->cols - 1 : pos.col;
	g->cursor_visible = visible;
	g->any_damage = true;
	/* libvterm reports the cursor after a run of text (at the margin, the
	 * wrap still pending); any other move ends the run */
	if (g->crow != g->wrap_row || g->ccol != g->cols - 1)
		g->wrap_pending = false;
	return 1;
}

static int cb_erase(VTermRect rect, int selective, void *user)
{
	struct vtgrid *g = user;

	(void)selective;
	for (int y = rect.start_row; y < rect.end_row && y < g->rows; y++) {
		if (y < 0)
			continue;
		struct vtrow *r = row_at(g, g->cur, y);
		int from = rect.start_col < 0 ? 0 : rect.start_col;
		int to = rect.end_col > r->cols ? r->cols : rect.end_col;
		if (from >= to)
			continue;
		if (from > 0 && r->cells[from].ch == VTCELL_CONT)
			r->cells[from - 1].ch = 0;
		if (to < r->cols && r->cells[to].ch == VTCELL_CONT)
			r->cells[to].ch = 0;
		row_clear(r, from, to, blank_bg(g));
		if (to == r->cols)
			r->wrapped = false;  /* it no longer reaches the margin */
	}
	damage(g, rect.start_row, rect.end_row);
	return 1;
}

static int cb_moverect(VTermRect dest, VTermRect src, void *user)
{
	struct vtgrid *g = user;
	int nrows = src.end_row - src.start_row, ncols = src.end_col - src.start_col;
	bool up = dest.start_row <= src.start_row;

	if (ncols <= 0 || nrows <= 0)
		return 1;
	for (int i = 0; i < nrows; i++) {
		int k = up ? i : nrows - 1 - i;
		int sy = src.start_row + k, dy = dest.start_row + k;
		if (sy < 0 || sy >= g->rows || dy < 0 || dy >= g->rows)
			continue;
		struct vtrow *s = row_at(g, g->cur, sy), *d = row_at(g, g->cur, dy);
		if (src.start_col < 0 || dest.start_col < 0 || src.start_col + ncols > s->cols ||
		    dest.start_col + ncols > d->cols)
			continue;
		memmove(&d->cells[dest.start_col], &s->cells[src.start_col],
			(size_t)ncols * sizeof(struct vtcell));
		/* no orphaned halves at the edges of the moved block */
		if (d->cells[dest.start_col].ch == VTCELL_CONT)
			d->cells[dest.start_col].ch = 0;
		int e = dest.start_col + ncols;
		if (e < d->cols && d->cells[e].ch == VTCELL_CONT)
			d->cells[e].ch = 0;
	}
	damage(g, dest.start_row, dest.end_row);
	return 1;
}

static int cb_scrollrect(VTermRect rect, int downward, int rightward, void *user)
{
	struct vtgrid *g = user;
	int n = downward > 0 ? downward : -downward;
	int height = rect.end_row - rect.start_row;

	if (rightward != 0 || rect.start_col != 0 || rect.end_col != g->cols ||
	    rect.start_row < 0 || rect.end_row > g->rows || height <= 0)
		return 0;  /* libvterm falls back to moverect + erase */
	if (n > height)
		n = height;
	bool whole = rect.start_row == 0 && rect.end_row == g->rows;
	for (int k = 0; k < n; k++) {
		struct vtrow *r;
		if (downward > 0) {
			r = row_at(g, g->cur, rect.start_row);
			if (rect.start_row == 0 && g->cur == 0)
				r = sb_push(g, r);
			if (whole) {
				/* rotation: the old top slot becomes the bottom row */
				if (++g->buf[g->cur].top == g->rows)
					g->buf[g->cur].top = 0;
			} else {
				for (int y = rect.start_row; y < rect.end_row - 1; y++)
					*slot_at(g, g->cur, y) = row_at(g, g->cur, y + 1);
			}
			r = row_fit(r, g->cols, 0);
			row_clear(r, 0, r->cols, blank_bg(g));
			r->wrapped = false;
			*slot_at(g, g->cur, rect.end_row - 1) = r;
		} else {
			r = row_at(g, g->cur, rect.end_row - 1);
			if (whole) {
				g->buf[g->cur].top = (g->buf[g->cur].top + g->rows - 1) % g->rows;
			} else {
				for (int y = rect.end_row - 1; y > rect.start_row; y--)
					*slot_at(g, g->cur, y) = row_at(g, g->cur, y - 1);
			}
			row_clear(r, 0, r->cols, blank_bg(g));
			r->wrapped = false;
			*slot_at(g, g->cur, rect.start_row) = r;
		}
	}
	/* a pending wrap's row moves with the scroll */
	if (g->wrap_pending && g->wrap_row >= rect.start_row && g->wrap_row < rect.end_row) {
		if (downward < 0)
			g->wrap_pending = false;
		else if (g->wrap_row - n >= rect.start_row)
			g->wrap_row -= n;
		else if (g->wrap_row - n == -1 && rect.start_row == 0 && g->cur == 0 && g->sb_max > 0)
			g->wrap_row = -1;  /* into the scrollback */
		else
			g->wrap_pending = false;
	}
	damage(g, rect.start_row, rect.end_row);
	return 1;
}

static int cb_initpen(void *user)
{
	struct vtgrid *g = user;

	g->pen = (struct vtcell){ 0, 0, 0 };
	return 1;
}

static uint32_t color_word(const VTermColor *c, bool is_fg)
{
	if (is_fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return VTCOLOR_MAKE(VTCOLOR_DEFAULT, 0);
	if (VTERM_COLOR_IS_INDEXED(c))
		return VTCOLOR_MAKE(VTCOLOR_INDEX, c->indexed.idx);
	return VTCOLOR_MAKE(VTCOLOR_RGB, ((uint32_t)c->rgb.red << 16) |
			    ((uint32_t)c->rgb.green << 8) | c->rgb.blue);
}

static void pen_bit(struct vtgrid *g, uint32_t bit, bool on)
{
	g->pen.fg = on ? g->pen.fg | bit : g->pen.fg & ~bit;
}

static int cb_setpenattr(VTermAttr attr, VTermValue *val, void *user)
{
	struct vtgrid *g = user;

	switch (attr) {
	case VTERM_ATTR_BOLD: pen_bit(g, VTATTR_BOLD, val->boolean); break;
	case VTERM_ATTR_UNDERLINE: pen_bit(g, VTATTR_UNDERLINE, val->number != 0); break;
	case VTERM_ATTR_ITALIC: pen_bit(g, VTATTR_ITALIC, val->boolean); break;
	case VTERM_ATTR_BLINK: pen_bit(g, VTATTR_BLINK, val->boolean); break;
	case VTERM_ATTR_REVERSE: pen_bit(g, VTATTR_REVERSE, val->boolean); break;
	case VTERM_ATTR_STRIKE: pen_bit(g, VTATTR_STRIKE, val->boolean); break;
	case VTERM_ATTR_FOREGROUND:
		g->pen.fg = (g->pen.fg & VTATTR_MASK) | color_word(&val->color, true);
		break;
	case VTERM_ATTR_BACKGROUND:
		g->pen.bg = color_word(&val->color, false);
		break;
	default:
		break;
	}
	return 1;
}

static void switch_screen(struct vtgrid *g, int to)
{
	if (g->cur == to)
		return;
	g->cur = to;
	g->events |= VTGRID_EV_ALTSCREEN;
	damage(g, 0, g->rows);
}

static int cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vtgrid *g = user;

	switch (prop) {
	case VTERM_PROP_TITLE: {
#if VTERM_VERSION_MINOR >= 2
		/* 0.2 and later hand the title over in fragments */
		size_t have = val->string.initial ? 0 : strlen(g->title);
		size_t n = val->string.len;
		if (have + n >= sizeof(g->title))
			n = sizeof(g->title) - 1 - have;
		memcpy(g->title + have, val->string.str, n);
		g->title[have + n] = '\0';
#else
		snprintf(g->title, sizeof(g->title), "%s", val->string ? val->string : "");
#endif
		g->events |= VTGRID_EV_TITLE;
		break;
	}
	case VTERM_PROP_ALTSCREEN:
		switch_screen(g, val->boolean ? 1 : 0);
		break;
	case VTERM_PROP_CURSORVISIBLE:
		g->cursor_visible = val->boolean;
		g->any_damage = true;
		break;
	default:
		break;
	}
	return 1;
}

static int cb_bell(void *user)
{
	struct vtgrid *g = user;

	g->events |= VTGRID_EV_BELL;
	return 1;
}

/* Resizes the alternate screen: cut or padded, rows that no longer fit
 * above the cursor dropped. Returns how far the cursor's row moved. */
static int resize_alt(struct vtgrid *g, int rows, int cols)
{
	struct vtrow **lin = xcalloc((size_t)(rows + g->rows), sizeof(*lin));
	int n = g->rows, delta = 0, first = 0;
	/* clamped: a cursor row below the screen made `below` negative and
	 * read past lin (found by a fuzz run) */
	int crow = g->cur == 1 ? g->crow : 0;

	if (crow < 0)
		crow = 0;
	if (crow > n - 1)
		crow = n - 1;
	for (int y = 0; y < g->rows; y++)
		lin[y] = row_at(g, 1, y);
	if (rows < n) {
		/* drop rows below the cursor first, then from the top */
		int excess = n - rows;
		int below = n - 1 - crow;
		int drop = excess < below ? excess : below;
		for (int i = 0; i < drop; i++)
			free(lin[--n]);
		excess -= drop;
		for (int i = 0; i < excess; i++)
			free(lin[i]);
		first = excess;
		delta = -excess;
	}
	struct vtrow **rowsv = xcalloc((size_t)rows, sizeof(*rowsv));
	for (int y = 0; y < rows; y++)
		rowsv[y] = row_fit(y + first < n ? lin[y + first] : NULL, cols, 0);
	free(lin);
	free(g->buf[1].rows);
	g->buf[1].rows = rowsv;
	g->buf[1].top = 0;
	return delta;
}

/* ---- reflow ---- */

struct lineset { struct sbline **v; int n, cap; };

static void lineset_add(struct lineset *s, struct sbline *l)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = l;
}

struct rewrap {
	struct lineset out;        /* the new lines, packed */
	struct vtcell *cells;      /* the logical line being cut */
	int n, cap;
	struct vtcell *row;        /* the new row being filled: cols cells */
	int x;                     /* cells in row */
	int cols;
};

static void rewrap_push_cell(struct rewrap *w, struct vtcell c)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 512;
		w->cells = xrealloc(w->cells, (size_t)w->cap * sizeof(*w->cells));
	}
	w->cells[w->n++] = c;
}

static void rewrap_flush(struct rewrap *w, bool wrapped)
{
	lineset_add(&w->out, sb_pack(NULL, w->row, w->x, w->cols, wrapped));
	w->x = 0;
}

static bool row_blank(const struct vtrow *r)
{
	if (r->wrapped)
		return false;
	for (int x = 0; x < r->cols; x++)
		if (r->cells[x].ch || r->cells[x].fg || r->cells[x].bg)
			return false;
	return true;
}

/* Cells a line's last row contributes: up to its last non-default one. */
static int row_used(const struct vtrow *r)
{
	int n = r->cols;
	while (n > 0 && r->cells[n - 1].ch == 0 && r->cells[n - 1].fg == 0 && r->cells[n - 1].bg == 0)
		n--;
	return n;
}

/*
 * Reflows the main screen and the scrollback to cols columns and a screen
 * of rows rows. Soft-wrapped rows are joined into logical lines and cut
 * again; blank rows below the cursor go first when the screen shrinks, the
 * scrollback fills in when it grows, and the cursor keeps its screen row
 * where it can. *crow, *ccol get the main screen's new cursor.
 */
static void reflow_main(struct vtgrid *g, int rows, int cols, int *crow, int *ccol)
{
	int sbn = g->sb_count, T = sbn + g->rows;
	int oc, occ;
	struct vtrow *scratch = NULL;
	int scratch_cap = 0;
	struct rewrap w = { .cols = cols };
	int *map = xmalloc((size_t)T * sizeof(*map));  /* old row -> new row */
	int cn = -1, ccn = 0;

	w.row = xmalloc((size_t)cols * sizeof(*w.row));
	if (g->cur == 0) {
		oc = g->crow < 0 ? 0 : g->crow >= g->rows ? g->rows - 1 : g->crow;
		occ = g->ccol < 0 ? 0 : g->ccol >= g->cols ? g->cols - 1 : g->ccol;
	} else {
		/* the main screen's cursor is saved inside libvterm: its last
		 * row with text stands in */
		oc = 0;
		occ = 0;
		for (int y = g->rows - 1; y > 0; y--)
			if (!row_blank(row_at(g, 0, y))) {
				oc = y;
				break;
			}
	}
	int ci = sbn + oc, lc = ci;
	for (int y = g->rows - 1; y > oc; y--)
		if (!row_blank(row_at(g, 0, y))) {
			lc = sbn + y;
			break;
		}

#define OLD_SB(i) (g->sb[(g->sb_head + (i)) % g->sb_max])
	for (int i = 0; i <= lc;) {
		int j = i;
		bool same = true;   /* all in the scrollback and already cols wide */
		while (true) {
			bool wr;
			if (j < sbn) {
				wr = (OLD_SB(j)->flags & SB_WRAPPED) != 0;
				same = same && OLD_SB(j)->cols == cols;
			} else {
				wr = row_at(g, 0, j - sbn)->wrapped;
				same = false;
			}
			if (!wr || j == lc)
				break;
			j++;
		}
		if (same && j != lc) {
			/* cut at this width already: moved as they are */
			for (int k = i; k <= j; k++) {
				map[k] = w.out.n;
				lineset_add(&w.out, OLD_SB(k));
				OLD_SB(k) = NULL;
			}
			i = j + 1;
			continue;
		}
		/* gather the logical line */
		int cursor_off = -1;
		w.n = 0;
		for (int k = i; k <= j; k++) {
			const struct vtrow *r;
			if (k < sbn) {
				const struct sbline *l = OLD_SB(k);
				r = row_room(&scratch, &scratch_cap, l->cols);
				sb_unpack(l, scratch);
			} else {
				r = row_at(g, 0, k - sbn);
			}
			int take = k == j ? row_used(r) : r->cols;
			/* a wide character that did not fit left a blank at the
			 * margin of the row above: not part of the text */
			if (k > i && w.n > 0 && r->cols > 1 && r->cells[1].ch == VTCELL_CONT &&
			    w.cells[w.n - 1].ch == 0 && w.cells[w.n - 1].fg == 0 &&
			    w.cells[w.n - 1].bg == 0)
				w.n--;
			map[k] = w.n;  /* an offset for now */
			if (k == ci)
				cursor_off = w.n + occ;
			for (int x = 0; x < take; x++)
				rewrap_push_cell(&w, r->cells[x]);
		}
		while (cursor_off > w.n)
			rewrap_push_cell(&w, (struct vtcell){ 0, 0, 0 });
		/* cut it at the new width */
		int *off_row = NULL;          /* new row of each offset in map */
		int noff = j - i + 1;
		off_row = xmalloc((size_t)noff * sizeof(*off_row));
		for (int k = 0; k < noff; k++)
			off_row[k] = -1;
		int kk = 0;                   /* the next old row to place */
		for (int q = 0; q < w.n; q++) {
			struct vtcell c = w.cells[q];
			bool lead = q + 1 < w.n && w.cells[q + 1].ch == VTCELL_CONT && c.ch != VTCELL_CONT;
			if (c.ch == VTCELL_CONT)
				c.ch = 0;             /* a second half without its first */
			if (lead && cols < 2) {
				c.ch = 0;             /* no room for a wide character */
				lead = false;
			}
			int need = lead ? 2 : 1;
			if (w.x + need > cols) {
				while (w.x < cols)
					w.row[w.x++] = (struct vtcell){ 0, 0, 0 };
				rewrap_flush(&w, true);
			}
			for (; kk < noff && map[i + kk] <= q; kk++)
				off_row[kk] = w.out.n;
			if (q == cursor_off) {
				cn = w.out.n;
				ccn = w.x;
			}
			w.row[w.x++] = c;
			if (lead) {
				w.row[w.x++] = w.cells[q + 1];
				if (q + 1 == cursor_off) {
					cn = w.out.n;
					ccn = w.x - 1;
				}
				q++;
			}
		}
		if (cursor_off == w.n) {
			cn = w.out.n;
			ccn = w.x < cols ? w.x : cols - 1;
		}
		rewrap_flush(&w, false);
		for (int k = 0; k < noff; k++)
			map[i + k] = off_row[k] >= 0 ? off_row[k] : w.out.n - 1;
		free(off_row);
		i = j + 1;
	}
	for (int k = lc + 1; k < T; k++)
		map[k] = w.out.n - 1;
	if (cn < 0) {   /* no cursor line seen: the last line */
		cn = w.out.n - 1;
		ccn = 0;
	}

	/* the window: the cursor keeps its screen row where it can, but
	 * rows from the screen go to the scrollback only when they do not
	 * fit below it (blank rows below the cursor are used first) */
	int M = w.out.n, top = cn - oc;
	int from_screen = map[sbn];    /* new rows made of old scrollback lines */
	int fit = M - rows > from_screen ? M - rows : from_screen;
	if (top > fit)
		top = fit;
	if (top < 0)
		top = 0;
	if (rows > g->rows) {
		top -= rows - g->rows;
		if (top < 0)
			top = 0;
	}
	if (top < M - rows)
		top = M - rows;
	if (top > cn)
		top = cn;
	if (top < 0)
		top = 0;

	/* the old lines and rows go */
	for (int k = 0; k < sbn; k++)
		free(OLD_SB(k));
#undef OLD_SB
	for (int y = 0; y < g->rows; y++)
		free(g->buf[0].rows[y]);
	free(g->buf[0].rows);

	/* the screen */
	g->buf[0].rows = xcalloc((size_t)rows, sizeof(struct vtrow *));
	g->buf[0].top = 0;
	for (int y = 0; y < rows; y++) {
		struct vtrow *r = row_new(cols, 0);
		if (top + y < M)
			sb_unpack(w.out.v[top + y], r);
		g->buf[0].rows[y] = r;
	}
	for (int k = top; k < M; k++)
		free(w.out.v[k]);

	/* the scrollback: the newest sb_max of the lines above the screen */
	uint64_t base = g->pushed - (uint64_t)sbn;
	int drop = top > g->sb_max ? top - g->sb_max : 0;
	for (int k = 0; k < drop; k++)
		free(w.out.v[k]);
	g->sb_bytes = 0;
	for (int k = drop; k < top; k++) {
		g->sb[k - drop] = w.out.v[k];
		g->sb_bytes += sbline_size(w.out.v[k]);
	}
	g->sb_count = top - drop;
	g->sb_head = 0;
	g->pushed = base + (uint64_t)top;

	/* marks follow their lines */
	int keep = 0;
	for (int m = 0; m < g->nmarks; m++) {
		int64_t i = (int64_t)(g->marks[m] - base);
		uint64_t abs = g->marks[m];
		if (g->marks[m] >= base && i < T)
			abs = base + (uint64_t)map[i];
		if (keep && g->marks[keep - 1] >= abs)
			continue;
		g->marks[keep++] = abs;
	}
	g->nmarks = keep;

	*crow = cn - top;
	*ccol = ccn;
	free(map);
	free(scratch);
	free(w.cells);
	free(w.row);
	free(w.out.v);
}

static int cb_resize(int rows, int cols, VTermPos *delta, void *user)
{
	struct vtgrid *g = user;
	VTermPos pos;
	int mrow, mcol;

	vterm_state_get_cursorpos(g->state, &pos);
	reflow_main(g, rows, cols, &mrow, &mcol);
	int d_alt = resize_alt(g, rows, cols);
	if (g->cur == 0) {
		g->resize_row = mrow;
		g->resize_col = mcol;
	} else {
		g->resize_row = pos.row + d_alt;
		g->resize_col = pos.col;
	}
	if (g->resize_row < 0)
		g->resize_row = 0;
	if (g->resize_row >= rows)
		g->resize_row = rows - 1;
	if (g->resize_col < 0)
		g->resize_col = 0;
	if (g->resize_col >= cols)
		g->resize_col = cols - 1;
	if (delta) {
		delta->row = g->resize_row - pos.row;
		delta->col = g->resize_col - pos.col;
	}
	g->rows = rows;
	g->cols = cols;
	g->wrap_pending = false;
	free(g->damage);
	g->damage = xcalloc((size_t)rows, 1);
	damage(g, 0, rows);
	return 1;
}

static int cb_osc_fallback(const char *command, size_t len, void *user)
{
	struct vtgrid *g = user;

	/* OSC 133;A: the shell's prompt starts here (a mark) */
	if (len >= 5 && memcmp(command, "133;A", 5) == 0) {
		vtgrid_mark_here(g);
		return 1;
	}
	return 0;
}

static const VTermStateCallbacks state_cbs = {
	.putglyph = cb_putglyph,
	.movecursor = cb_movecursor,
	.scrollrect = cb_scrollrect,
	.moverect = cb_moverect,
	.erase = cb_erase,
	.initpen = cb_initpen,
	.setpenattr = cb_setpenattr,
	.settermprop = cb_settermprop,
	.bell = cb_bell,
	.resize = cb_resize,
};

static const VTermParserCallbacks fallback_cbs = {
	.osc = cb_osc_fallback,
};

static void vt_output(const char *s, size_t len, void *user)
{
	struct vtgrid *g = user;

	if (g->out)
		g->out(g->out_data, s, len);
}

/* ---- public ---- */

struct vtgrid *vtgrid_new(int rows, int cols, int scrollback, vtgrid_output_cb out, void *data)
{
	struct vtgrid *g = xcalloc(1, sizeof(*g));

	rows = rows < 1 ? 1 : rows > VTGRID_SIZE_MAX ? VTGRID_SIZE_MAX : rows;
	cols = cols < 1 ? 1 : cols > VTGRID_SIZE_MAX ? VTGRID_SIZE_MAX : cols;
	g->rows = rows;
	g->cols = cols;
	g->out = out;
	g->out_data = data;
	g->cursor_visible = true;
	for (int b = 0; b < 2; b++) {
		g->buf[b].rows = xcalloc((size_t)rows, sizeof(struct vtrow *));
		for (int y = 0; y < rows; y++)
			g->buf[b].rows[y] = row_new(cols, 0);
	}
	g->damage = xcalloc((size_t)rows, 1);
	g->cache = xcalloc(1, sizeof(*g->cache));
	vtgrid_set_scrollback(g, scrollback);
	g->vt = vterm_new(rows, cols);
	if (!g->vt)
		fatal("libvterm: cannot create a terminal");
	vterm_set_utf8(g->vt, 1);
	vterm_output_set_callback(g->vt, vt_output, g);
	g->state = vterm_obtain_state(g->vt);
	vterm_state_set_callbacks(g->state, &state_cbs, g);
	vterm_state_set_unrecognised_fallbacks(g->state, &fallback_cbs, g);
	vterm_state_set_bold_highbright(g->state, 0);
	vterm_state_reset(g->state, 1);
	damage(g, 0, rows);
	return g;
}

void vtgrid_free(struct vtgrid *g)
{
	if (!g)
		return;
	vterm_free(g->vt);
	for (int b = 0; b < 2; b++) {
		for (int y = 0; y < g->rows; y++)
			free(g->buf[b].rows[y]);
		free(g->buf[b].rows);
	}
	for (int i = 0; i < g->sb_count; i++)
		free(g->sb[(g->sb_head + i) % g->sb_max]);
	free(g->sb);
	free(g->cache->row[0]);
	free(g->cache->row[1]);
	free(g->cache);
	free(g->damage);
	free(g->clusters);
	free(g->cluster_hash);
	free(g->marks);
	free(g);
}

static size_t utf8_put(char *out, uint32_t c);

/* CSI Pn b: repeat the last glyph, up to the end of the line. */
static void do_rep(struct vtgrid *g, const char *params, size_t n)
{
	char mb[4 * (VTGRID_MAX_COMBINE + 1)];
	size_t len = 0;
	long count = 0;

	for (size_t i = 0; i < n; i++) {
		if (params[i] < '0' || params[i] > '9')
			return;  /* sub-parameters, several parameters: not a plain REP */
		if (count < 100000)
			count = count * 10 + (params[i] - '0');
	}
	if (count < 1)
		count = 1;
	if (g->last_width < 1 || !g->last_chars[0])
		return;
	long room = (g->cols - g->ccol) / g->last_width;
	if (count > room)
		count = room;
	for (int i = 0; i < VTGRID_MAX_COMBINE && g->last_chars[i]; i++)
		len += utf8_put(mb + len, g->last_chars[i]);
	for (long i = 0; i < count; i++)
		vterm_input_write(g->vt, mb, len);
}

/* libvterm 0.1.4 does not clamp a saved cursor (DECSC, CSI s, mode 1048
 * and 1049) when the screen shrinks, and restoring it puts its cursor
 * below or right of the screen, where libvterm indexes its own line
 * table past its end. It also moves the cursor left by one for a C1
 * control written as UTF-8 (U+0080..U+009F: a glyph of width -1), to
 * column -1 at the margin (found by a fuzz run). After every write the
 * cursor is put back on the screen (CUP clamps). */
static void cursor_onscreen(struct vtgrid *g)
{
	VTermPos pos;

	vterm_state_get_cursorpos(g->state, &pos);
	if (pos.row < g->rows && pos.col < g->cols && pos.row >= 0 && pos.col >= 0)
		return;
	char seq[32];
	int row = pos.row < 0 ? 0 : pos.row >= g->rows ? g->rows - 1 : pos.row;
	int col = pos.col < 0 ? 0 : pos.col >= g->cols ? g->cols - 1 : pos.col;
	/* the region goes back to the whole screen (as on a resize), so that
	 * CUP is absolute in origin mode too */
	int n = snprintf(seq, sizeof(seq), "\033[r\033[%d;%dH", row + 1, col + 1);
	vterm_input_write(g->vt, seq, (size_t)n);
}

/* Hands the held-back CSI sequence (with its final byte) to libvterm. */
static void csi_flush(struct vtgrid *g, unsigned char final)
{
	char seq[sizeof(g->pre) + sizeof(g->csi) + 3];
	size_t n = 0;

	seq[n++] = 0x1b;
	memcpy(seq + n, g->pre, g->npre);
	n += g->npre;
	seq[n++] = '[';
	memcpy(seq + n, g->csi, g->ncsi);
	n += g->ncsi;
	seq[n++] = (char)final;
	vterm_input_write(g->vt, seq, n);
	cursor_onscreen(g);
}

void vtgrid_feed(struct vtgrid *g, const char *buf, size_t n)
{
	size_t i = 0, start = 0;

	/* Everything goes to libvterm unchanged, except that CSI sequences are
	 * held back until their final byte so REP (CSI n b) can be done by
	 * do_rep(). An ESC or a CSI may continue in the next chunk. */
	while (i < n) {
		unsigned char c = (unsigned char)buf[i];
		if (g->esc == 0) {
			const char *e = memchr(buf + i, 0x1b, n - i);
			if (!e) {
				i = n;
				break;
			}
			i = (size_t)(e - buf);
			if (i > start) {
				vterm_input_write(g->vt, buf + start, i - start);
				cursor_onscreen(g);
			}
			start = ++i;          /* the ESC is held back */
			g->esc = 1;
			g->npre = 0;
			g->pre_over = false;
		} else if (g->esc == 1) {
			if (c == '[') {
				g->esc = 2;
				g->ncsi = 0;
				start = ++i;
			} else if (c >= 0x20 && c <= 0x2f) {
				/* an intermediate; libvterm keeps more than pre holds and
				 * still enters a CSI on '[', so an overlong run is noted
				 * and the whole sequence dropped at its final byte */
				if (g->npre < sizeof(g->pre))
					g->pre[g->npre++] = (char)c;
				else
					g->pre_over = true;
				start = ++i;
			} else if (c == 0x18 || c == 0x1a) {
				g->esc = 0;       /* CAN, SUB: cancelled */
				start = ++i;
			} else if (c == 0x1b) {
				/* ESC ESC: the first is cancelled, the second starts
				 * anew. Passing the first on alone left libvterm in
				 * its escape state while this scanner was not, so a
				 * later "[...b" reached libvterm's endless REP. */
				g->npre = 0;
				g->pre_over = false;
				start = ++i;
			} else if (c >= 0x7f) {
				start = ++i;      /* ignored inside an escape, as libvterm does */
			} else if (c < 0x20 && c != 0x1b) {
				vterm_input_write(g->vt, (const char *)&c, 1);  /* C0 acts in place */
				start = ++i;
			} else if (g->pre_over) {
				g->esc = 0;       /* an overlong escape: dropped, final byte too */
				start = ++i;
			} else {
				/* the whole escape, final byte included, in one write:
				 * libvterm 0.1.4 misreads a string terminator split
				 * across writes (ESC at the end of one, '\' at the
				 * start of the next: a read past the buffer, found by
				 * a fuzz run) */
				char seq[sizeof(g->pre) + 2];
				seq[0] = 0x1b;
				memcpy(seq + 1, g->pre, g->npre);
				seq[g->npre + 1] = (char)c;
				vterm_input_write(g->vt, seq, g->npre + 2);
				cursor_onscreen(g);
				g->esc = 0;
				start = ++i;
			}
		} else {
			i++;
			start = i;
			if (c >= 0x40 && c <= 0x7e) {
				/* overlong sequences, and ones with more arguments than
				 * libvterm 0.1.4's parser survives, are dropped */
				int seps = 0;
				for (size_t k = 0; k < g->ncsi && k < sizeof(g->csi); k++)
					seps += g->csi[k] == ';' || g->csi[k] == ':';
				bool drop = g->ncsi >= sizeof(g->csi) || seps >= CSI_SEPS_MAX ||
					    g->pre_over || (c == 'b' && g->npre > 0);
				if (!drop && c == 'b')
					do_rep(g, g->csi, g->ncsi);
				else if (!drop)
					csi_flush(g, c);
				g->esc = 0;
			} else if (c == 0x1b) {
				g->esc = 1;       /* a new escape cancels this one */
				g->npre = 0;
				g->pre_over = false;
			} else if (c == 0x18 || c == 0x1a) {
				g->esc = 0;       /* CAN, SUB: cancelled */
			} else if (c < 0x20) {
				vterm_input_write(g->vt, (const char *)&c, 1);  /* C0 acts in place */
			} else if (g->ncsi < sizeof(g->csi)) {
				g->csi[g->ncsi++] = (char)c;
			} else {
				g->ncsi = sizeof(g->csi);  /* keeps counting as overlong */
			}
		}
	}
	if (g->esc == 0 && start < n)
		vterm_input_write(g->vt, buf + start, n - start);
	cursor_onscreen(g);
}

void vtgrid_soft_reset(struct vtgrid *g)
{
	g->esc = 0;
	if (g->cur == 1)
		vtgrid_feed(g, "\033[?1049l", 8);
	vterm_state_reset(g->state, 0);
}

void vtgrid_resize(struct vtgrid *g, int rows, int cols)
{
	rows = rows < 1 ? 1 : rows > VTGRID_SIZE_MAX ? VTGRID_SIZE_MAX : rows;
	cols = cols < 1 ? 1 : cols > VTGRID_SIZE_MAX ? VTGRID_SIZE_MAX : cols;
	if (rows == g->rows && cols == g->cols)
		return;
	vterm_set_size(g->vt, rows, cols);
	/* where the resize put the cursor (libvterm moves its own without a
	 * movecursor callback) */
	g->crow = g->resize_row;
	g->ccol = g->resize_col;
	/* The scroll region goes back to the whole screen, as tmux and xterm
	 * do on a resize: libvterm 0.1.4 keeps a region that no longer fits
	 * and then moves memory by a negative size (found by a fuzz run).
	 * DECSTBM homes the cursor: it is put back. Safe mid-escape too: an
	 * escape rwb holds back has not reached libvterm yet. */
	char seq[48];
	int n = snprintf(seq, sizeof(seq), "\033[r\033[%d;%dH", g->crow + 1, g->ccol + 1);
	vterm_input_write(g->vt, seq, (size_t)n);
}

void vtgrid_size(const struct vtgrid *g, int *rows, int *cols)
{
	*rows = g->rows;
	*cols = g->cols;
}

void vtgrid_set_scrollback(struct vtgrid *g, int lines)
{
	struct sbline **sb;
	int keep;

	if (lines < 0)
		lines = 0;
	if (lines > VTGRID_SCROLLBACK_MAX)
		lines = VTGRID_SCROLLBACK_MAX;
	keep = g->sb_count < lines ? g->sb_count : lines;
	sb = lines ? xcalloc((size_t)lines, sizeof(*sb)) : NULL;
	for (int i = 0; i < g->sb_count; i++) {
		struct sbline *r = g->sb[(g->sb_head + i) % g->sb_max];
		if (i < g->sb_count - keep) {
			g->sb_bytes -= sbline_size(r);
			free(r);
		} else
			sb[i - (g->sb_count - keep)] = r;
	}
	free(g->sb);
	g->sb = sb;
	g->sb_max = lines;
	g->sb_count = keep;
	g->sb_head = 0;
}

const struct vtrow *vtgrid_line(const struct vtgrid *g, int line)
{
	if (line >= 0)
		return line < g->rows ? row_at(g, g->cur, line) : NULL;
	if (-line > g->sb_count)
		return NULL;
	const struct sbline *l = g->sb[(g->sb_head + g->sb_count + line) % g->sb_max];
	struct sbcache *c = g->cache;
	int k = c->next;
	c->next ^= 1;
	struct vtrow *r = row_room(&c->row[k], &c->cap[k], l->cols);
	sb_unpack(l, r);
	return r;
}

size_t vtgrid_scrollback_bytes(const struct vtgrid *g)
{
	return g->sb_bytes;
}

int vtgrid_scrollback_count(const struct vtgrid *g)
{
	return g->sb_count;
}

uint64_t vtgrid_lines_pushed(const struct vtgrid *g)
{
	return g->pushed;
}

static size_t utf8_put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	if (c > 0x10ffff)
		return utf8_put(out, 0xfffd);
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

void vtgrid_line_text(const struct vtgrid *g, int line, struct strbuf *out, int **cols)
{
	const struct vtrow *r = vtgrid_line(g, line);
	size_t start = out->len, keep = out->len;
	int *cv = NULL;
	size_t cap = 0;

	if (cols)
		*cols = NULL;
	if (!r)
		return;
	for (int x = 0; x < r->cols; x++) {
		uint32_t chars[VTGRID_MAX_COMBINE + 1];
		char mb[4 * (VTGRID_MAX_COMBINE + 1)];
		size_t n = 0;
		if (r->cells[x].ch == VTCELL_CONT)
			continue;
		int k = vtgrid_cell_chars(g, &r->cells[x], chars);
		if (k == 0)
			mb[n++] = ' ';
		for (int i = 0; i < k; i++)
			n += utf8_put(mb + n, chars[i]);
		strbuf_add(out, mb, n);
		if (cols) {
			size_t need = out->len - start;
			if (need > cap) {
				cap = need * 2 + 16;
				cv = xrealloc(cv, cap * sizeof(*cv));
			}
			for (size_t i = need - n; i < need; i++)
				cv[i] = x;
		}
		if (k)
			keep = out->len;
	}
	out->len = keep;
	if (out->buf)
		out->buf[keep] = '\0';
	if (cols)
		*cols = cv;
	else
		free(cv);
}

const char *vtgrid_check(const struct vtgrid *g)
{
	VTermPos pos;
	size_t bytes = 0;

	if (g->rows < 1 || g->cols < 1 || g->rows > VTGRID_SIZE_MAX || g->cols > VTGRID_SIZE_MAX)
		return "size out of range";
	for (int b = 0; b < 2; b++)
		for (int y = 0; y < g->rows; y++) {
			const struct vtrow *r = row_at(g, b, y);
			if (r->cols != g->cols)
				return b ? "an alternate screen row is not the screen's width" :
					   "a screen row is not the screen's width";
			if (r->cells[0].ch == VTCELL_CONT)
				return "a wide character's second half starts a row";
		}
	if (g->crow < 0 || g->crow >= g->rows || g->ccol < 0 || g->ccol >= g->cols)
		return "the cursor is off the screen";
	vterm_state_get_cursorpos(g->state, &pos);
	if (pos.row < 0 || pos.row >= g->rows || pos.col < 0 || pos.col >= g->cols)
		return "libvterm's cursor is off the screen";
	if (g->sb_count < 0 || g->sb_count > g->sb_max)
		return "the scrollback is over its limit";
	if (g->pushed < (uint64_t)g->sb_count)
		return "fewer lines pushed than kept";
	for (int i = 0; i < g->sb_count; i++) {
		const struct sbline *l = g->sb[(g->sb_head + i) % g->sb_max];
		if (l->ncells > l->cols)
			return "a scrollback line holds more cells than its width";
		bytes += sbline_size(l);
	}
	if (bytes != g->sb_bytes)
		return "the scrollback's byte count is wrong";
	for (int m = 1; m < g->nmarks; m++)
		if (g->marks[m] <= g->marks[m - 1])
			return "marks out of order";
	return NULL;
}

void vtgrid_cursor(const struct vtgrid *g, int *row, int *col, bool *visible)
{
	*row = g->crow < g->rows ? g->crow : g->rows - 1;
	*col = g->ccol < g->cols ? g->ccol : g->cols - 1;
	*visible = g->cursor_visible;
}

bool vtgrid_altscreen(const struct vtgrid *g)
{
	return g->cur == 1;
}

const char *vtgrid_title(const struct vtgrid *g)
{
	return g->title;
}

unsigned vtgrid_take_events(struct vtgrid *g)
{
	unsigned e = g->events;
	g->events = 0;
	return e;
}

bool vtgrid_damaged(const struct vtgrid *g)
{
	return g->any_damage;
}

bool vtgrid_row_damaged(const struct vtgrid *g, int row)
{
	return row >= 0 && row < g->rows && g->damage[row];
}

void vtgrid_damage_all(struct vtgrid *g)
{
	damage(g, 0, g->rows);
}

void vtgrid_clear_damage(struct vtgrid *g)
{
	memset(g->damage, 0, (size_t)g->rows);
	g->any_damage = false;
}

void vtgrid_key_char(struct vtgrid *g, uint32_t c, int mod)
{
	vterm_keyboard_unichar(g->vt, c, (VTermModifier)mod);
}

void vtgrid_key(struct vtgrid *g, VTermKey key, int mod)
{
	vterm_keyboard_key(g->vt, key, (VTermModifier)mod);
}

void vtgrid_paste(struct vtgrid *g, const char *text, size_t n)
{
	vterm_keyboard_start_paste(g->vt);
	if (g->out && n)
		g->out(g->out_data, text, n);
	vterm_keyboard_end_paste(g->vt);
}

void vtgrid_mark_here(struct vtgrid *g)
{
	uint64_t abs = g->pushed + (uint64_t)g->crow;
	uint64_t oldest = g->pushed - (uint64_t)g->sb_count;
	int keep = 0;

	if (g->nmarks && g->marks[g->nmarks - 1] >= abs) {
		/* the screen was cleared or moved back: marks below go */
		while (g->nmarks && g->marks[g->nmarks - 1] >= abs)
			g->nmarks--;
	}
	while (keep < g->nmarks && g->marks[keep] < oldest)
		keep++;
	if (keep) {
		memmove(g->marks, g->marks + keep, (size_t)(g->nmarks - keep) * sizeof(*g->marks));
		g->nmarks -= keep;
	}
	if (g->nmarks == g->marks_cap) {
		g->marks_cap = g->marks_cap ? g->marks_cap * 2 : 16;
		g->marks = xrealloc(g->marks, (size_t)g->marks_cap * sizeof(*g->marks));
	}
	g->marks[g->nmarks++] = abs;
}

bool vtgrid_mark_find(const struct vtgrid *g, uint64_t from, int dir, uint64_t *found)
{
	uint64_t oldest = g->pushed - (uint64_t)g->sb_count;

	if (dir < 0) {
		for (int i = g->nmarks - 1; i >= 0; i--)
			if (g->marks[i] < from && g->marks[i] >= oldest) {
				*found = g->marks[i];
				return true;
			}
	} else {
		for (int i = 0; i < g->nmarks; i++)
			if (g->marks[i] > from && g->marks[i] >= oldest) {
				*found = g->marks[i];
				return true;
			}
	}
	return false;
}

bool vtgrid_line_of(const struct vtgrid *g, uint64_t abs, int *line)
{
	int64_t l = (int64_t)abs - (int64_t)g->pushed;

	if (l < -(int64_t)g->sb_count || l >= g->rows)
		return false;
	*line = (int)l;
	return true;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static const char *find_ci(const char *hay, size_t hn, const char *needle, size_t nn, size_t from)
{
	for (size_t i = from; i + nn <= hn; i++) {
		size_t k = 0;
		while (k < nn && lower((unsigned char)hay[i + k]) == lower((unsigned char)needle[k]))
			k++;
		if (k == nn)
			return hay + i;
	}
	return NULL;
}

bool vtgrid_search(const struct vtgrid *g, const char *needle, uint64_t from, int dir,
		   uint64_t *line, int *col, int *width)
{
	size_t nn = strlen(needle);
	struct strbuf sb = STRBUF_INIT;
	int l, first = -g->sb_count;
	bool found = false;

	if (!nn)
		return false;
	if (!vtgrid_line_of(g, from, &l))
		l = dir < 0 ? g->rows - 1 : first;
	for (; l >= first && l < g->rows && !found; l += dir < 0 ? -1 : 1) {
		int *cols = NULL;
		strbuf_reset(&sb);
		vtgrid_line_text(g, l, &sb, &cols);
		const char *hit = find_ci(sb.buf ? sb.buf : "", sb.len, needle, nn, 0);
		if (hit) {
			size_t off = (size_t)(hit - sb.buf);
			*line = (uint64_t)((int64_t)g->pushed + l);
			*col = cols[off];
			*width = cols[off + nn - 1] - cols[off] + 1;
			found = true;
		}
		free(cols);
	}
	strbuf_free(&sb);
	return found;
}
