/*
 * vtgrid.h - a terminal screen rwb owns, driven by libvterm's State layer.
 *
 * libvterm parses the bytes and runs the terminal state machine (cursor,
 * modes, scroll regions, pen); its State callbacks write into this grid. The
 * grid is a ring of row pointers: a full-screen scroll rotates the ring, and
 * a row leaving the top moves into the scrollback ring without a copy (when
 * the scrollback is full, its oldest row is recycled as the new bottom row).
 * libvterm's Screen layer is not used: in 0.1.4 it memmoves the whole screen
 * for every scrolled line. The alternate screen is a second ring without
 * scrollback. Damage is kept per screen row.
 *
 * Cells are 12 bytes: a code point (or a cluster id for base + combining
 * characters, or VTCELL_CONT for the second column of a wide character,
 * which belongs to the first), and packed fg/bg colours with the attributes
 * in the fg word. Screen rows hold such cells; a row leaving the screen is
 * stored packed (one byte per cell when every cell is Latin-1, four
 * otherwise, trailing blanks dropped, colours as runs), and vtgrid_line()
 * unpacks it again. No curses here: the terminal pane draws the cells,
 * tests and the fuzzer read them.
 *
 * A resize reflows the main screen and the scrollback: lines the program
 * wrote past the right margin (soft wraps, not CR LF) are joined and cut
 * again at the new width, as tmux does. The alternate screen is cut or
 * padded.
 *
 * Never: trust the byte stream (any bytes are fed safely), or allocate
 * more than the packed line per scrolled line once the scrollback is full.
 */
#ifndef RWB_VTGRID_H
#define RWB_VTGRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vterm_keycodes.h>

#include "strbuf.h"

#define VTGRID_SCROLLBACK_DEFAULT 10000
#define VTGRID_SCROLLBACK_MAX 1000000
#define VTGRID_MAX_COMBINE 6               /* base + combining code points per cell */
#define VTGRID_SIZE_MAX 10000              /* rows and columns are clamped to this */

/* Cell code point word */
#define VTCELL_CONT 0x7fffffffu            /* second column of a wide character */
#define VTCELL_CLUSTER 0x80000000u         /* low 24 bits: cluster id */

/* Colour words: kind in bits 30-31, value (index or 0xRRGGBB) in bits 0-23 */
#define VTCOLOR_KIND(w) (((w) >> 30) & 3u)
#define VTCOLOR_DEFAULT 0u
#define VTCOLOR_INDEX 1u
#define VTCOLOR_RGB 2u
#define VTCOLOR_VALUE(w) ((w) & 0xffffffu)
#define VTCOLOR_MAKE(kind, v) (((uint32_t)(kind) << 30) | ((uint32_t)(v) & 0xffffffu))
#define VTCOLOR_MASK 0xc0ffffffu           /* the colour part of a word */

/* Attributes live in bits 24-29 of the fg word */
#define VTATTR_BOLD (1u << 24)
#define VTATTR_ITALIC (1u << 25)
#define VTATTR_UNDERLINE (1u << 26)
#define VTATTR_REVERSE (1u << 27)
#define VTATTR_STRIKE (1u << 28)
#define VTATTR_BLINK (1u << 29)
#define VTATTR_MASK (0x3fu << 24)

/* Events reported by vtgrid_take_events() */
#define VTGRID_EV_BELL 0x1u
#define VTGRID_EV_TITLE 0x2u
#define VTGRID_EV_ALTSCREEN 0x4u

struct vtcell {
	uint32_t ch;   /* code point, 0 = blank, VTCELL_CONT or VTCELL_CLUSTER | id */
	uint32_t fg;   /* colour word | VTATTR_* */
	uint32_t bg;   /* colour word */
};

struct vtrow {
	int cols;                 /* number of cells (the width when it was written) */
	bool wrapped;             /* the line goes on in the next row (a soft wrap) */
	struct vtcell cells[];    /* cols cells */
};

struct vtgrid;

/* Bytes the terminal answers with (DA, DSR, keyboard encodings). */
typedef void (*vtgrid_output_cb)(void *data, const char *buf, size_t n);

/* rows, cols >= 1; scrollback lines kept (0..VTGRID_SCROLLBACK_MAX). */
struct vtgrid *vtgrid_new(int rows, int cols, int scrollback, vtgrid_output_cb out, void *data);
void vtgrid_free(struct vtgrid *g);

/* Resets modes, pen and scroll region (a new program starts on this
 * screen); the text and the scrollback stay. */
void vtgrid_soft_reset(struct vtgrid *g);
/* Feeds program output. */
void vtgrid_feed(struct vtgrid *g, const char *buf, size_t n);
/* New screen size (rows, cols >= 1, clamped to VTGRID_SIZE_MAX); soft
 * wrapped lines of the main screen and scrollback are reflowed to the new
 * width; scrollback fills in when the screen grows. */
void vtgrid_resize(struct vtgrid *g, int rows, int cols);
void vtgrid_size(const struct vtgrid *g, int *rows, int *cols);
/* Changes how many scrollback lines are kept (the oldest go first). */
void vtgrid_set_scrollback(struct vtgrid *g, int lines);

/* Line `line` of the main (or alternate, when active) screen for 0 <= line
 * < rows, of the scrollback for -scrollback_count <= line < 0 (-1 is the
 * newest); NULL outside. A scrollback line is unpacked into a buffer the
 * grid owns: it stays valid until the second vtgrid_line() call after this
 * one, or any change to the grid. */
const struct vtrow *vtgrid_line(const struct vtgrid *g, int line);
int vtgrid_scrollback_count(const struct vtgrid *g);
/* Bytes the scrollback's packed lines take (their allocations' sizes). */
size_t vtgrid_scrollback_bytes(const struct vtgrid *g);
/* Total lines that ever went into the scrollback: line L is absolute line
 * vtgrid_lines_pushed() + L; marks and searches use absolute lines. */
uint64_t vtgrid_lines_pushed(const struct vtgrid *g);

/* The code points of a cell (base and combining), 0-terminated; returns
 * how many (0 for blank and VTCELL_CONT). */
int vtgrid_cell_chars(const struct vtgrid *g, const struct vtcell *c,
		      uint32_t out[VTGRID_MAX_COMBINE + 1]);
/* Appends the line's text as UTF-8 (blank cells as spaces, trailing blanks
 * trimmed); cols (may be NULL) gets one column per appended byte. */
void vtgrid_line_text(const struct vtgrid *g, int line, struct strbuf *out, int **cols);

/* Checks the grid's invariants (every row as wide as the screen, the
 * cursor and libvterm's on the screen, the scrollback within its limit and
 * its byte count right, no wide character's second half alone); NULL
 * when they hold, else what broke. For tests and the fuzzer. */
const char *vtgrid_check(const struct vtgrid *g);

/* Cursor on the screen. */
void vtgrid_cursor(const struct vtgrid *g, int *row, int *col, bool *visible);
bool vtgrid_altscreen(const struct vtgrid *g);
/* The last title the program set ("" when none). */
const char *vtgrid_title(const struct vtgrid *g);
/* VTGRID_EV_* bits since the last call. */
unsigned vtgrid_take_events(struct vtgrid *g);

/* Damage: per screen row. */
bool vtgrid_damaged(const struct vtgrid *g);
bool vtgrid_row_damaged(const struct vtgrid *g, int row);
void vtgrid_damage_all(struct vtgrid *g);
void vtgrid_clear_damage(struct vtgrid *g);

/* Keyboard: encoded the way libvterm does, written through the output
 * callback. mod is VTERM_MOD_* bits. */
void vtgrid_key_char(struct vtgrid *g, uint32_t c, int mod);
void vtgrid_key(struct vtgrid *g, VTermKey key, int mod);
/* Bracketed paste markers (sent only if the program enabled mode 2004). */
void vtgrid_paste(struct vtgrid *g, const char *text, size_t n);

/* Marks: absolute line numbers (where jobs or prompts started). */
void vtgrid_mark_here(struct vtgrid *g);
/* The nearest mark before (dir < 0) or after (dir > 0) absolute line from
 * that is still kept; false when none. */
bool vtgrid_mark_find(const struct vtgrid *g, uint64_t from, int dir, uint64_t *found);

/* Case-insensitive (ASCII) search for needle from absolute line `from`
 * (inclusive) upward (dir < 0, older) or downward (dir > 0), over the
 * scrollback and the main screen. On success *line is the absolute line,
 * *col and *width the match's columns. */
bool vtgrid_search(const struct vtgrid *g, const char *needle, uint64_t from, int dir,
		   uint64_t *line, int *col, int *width);
/* Converts an absolute line to a vtgrid_line() index; false when gone. */
bool vtgrid_line_of(const struct vtgrid *g, uint64_t abs, int *line);

#endif
