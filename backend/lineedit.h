/*
 * lineedit.h - a one-line editor buffer with readline/zsh-style operations.
 *
 * The text is UTF-8; the cursor is a byte offset that always sits on a
 * code point boundary. Words for Alt-B/F are runs of letters, digits and
 * '_'; Ctrl-W deletes back to the previous white space, as readline does.
 * Killed text goes to a one-entry kill ring that Ctrl-Y yanks back.
 */
#ifndef RWB_LINEEDIT_H
#define RWB_LINEEDIT_H

#include <stddef.h>
#include "strbuf.h"

#define LINEEDIT_MAX (1 << 20)  /* a line never grows past 1 MiB */

struct lineedit {
	struct strbuf text;   /* owned */
	size_t cursor;        /* byte offset in text, on a code point boundary */
	struct strbuf kill;   /* owned: the last killed text */
};

void lineedit_init(struct lineedit *e);
void lineedit_release(struct lineedit *e);
void lineedit_set(struct lineedit *e, const char *s);     /* cursor to the end */
/* Inserts UTF-8 at the cursor; control characters other than tab are
 * dropped and the 1 MiB limit is kept. Returns bytes inserted. */
size_t lineedit_insert(struct lineedit *e, const char *s, size_t n);
void lineedit_insert_cp(struct lineedit *e, unsigned cp);
void lineedit_backspace(struct lineedit *e);
void lineedit_delete(struct lineedit *e);
void lineedit_left(struct lineedit *e);
void lineedit_right(struct lineedit *e);
void lineedit_home(struct lineedit *e);
void lineedit_end(struct lineedit *e);
void lineedit_word_left(struct lineedit *e);   /* Alt-B */
void lineedit_word_right(struct lineedit *e);  /* Alt-F */
void lineedit_kill_word_back(struct lineedit *e);  /* Ctrl-W */
void lineedit_kill_to_start(struct lineedit *e);   /* Ctrl-U */
void lineedit_kill_to_end(struct lineedit *e);     /* Ctrl-K */
void lineedit_yank(struct lineedit *e);            /* Ctrl-Y */
void lineedit_transpose(struct lineedit *e);       /* Ctrl-T */
const char *lineedit_str(const struct lineedit *e);
/* Display column of the cursor. */
size_t lineedit_cursor_col(const struct lineedit *e);

#endif
