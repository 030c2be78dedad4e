/*
 * rustlex.h - a Rust lexer that is right on real code (the unsafe audit,
 * connascence, and highlighting in the viewer and diffs all use it).
 *
 * It handles line, block (nested) and doc comments, strings, byte and raw
 * strings (r#"..."# with any number of #), char literals versus lifetimes
 * ('a vs 'a'), raw identifiers (r#match), numbers with suffixes, and
 * punctuation. It never fails: bad input gives RUST_TOK_ERROR tokens or
 * tokens flagged unterminated, and lexing goes on.
 *
 * For highlighting line by line, struct rustlex carries the state a
 * multi-line construct leaves behind (rustlex_init_line).
 */
#ifndef RWB_RUSTLEX_H
#define RWB_RUSTLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rust_tok {
	RUST_TOK_EOF,
	RUST_TOK_WHITESPACE,
	RUST_TOK_IDENT,          /* also raw identifiers (r#match) */
	RUST_TOK_KEYWORD,        /* strict and reserved keywords, incl. unsafe */
	RUST_TOK_LIFETIME,       /* 'a, 'static */
	RUST_TOK_CHAR,           /* 'x', '\n', b'x' */
	RUST_TOK_STRING,         /* "..", b"..", c".." */
	RUST_TOK_RAW_STRING,     /* r"..", r#".."#, br#".."# */
	RUST_TOK_NUMBER,
	RUST_TOK_LINE_COMMENT,   /* // (not doc) */
	RUST_TOK_BLOCK_COMMENT,  /* slash-star, nested (not doc) */
	RUST_TOK_DOC_COMMENT,    /* ///, //!, doc block comments */
	RUST_TOK_PUNCT,          /* one punctuation character: { } ( ) [ ] ; , . : # ! etc. */
	RUST_TOK_ERROR,          /* a byte that starts no token */
};

struct rust_token {
	enum rust_tok kind;
	size_t start;            /* byte offset in the source */
	size_t len;              /* bytes */
	int line;                /* 1-based line of the first byte */
	int end_line;            /* line of the last byte */
	bool unterminated;       /* string/comment ran to the end of input */
	bool inner_doc;          /* DOC_COMMENT: //! or inner block doc */
};

/* A token as rustlex_run stores it: the same facts in 20 bytes, for keeping
 * every token of whole files (offsets in 32 bits: sources under 4 GiB). */
struct rust_span {
	uint32_t start;          /* byte offset in the source */
	uint32_t len;            /* bytes */
	int line;                /* 1-based line of the first byte */
	int end_line;            /* line of the last byte */
	unsigned char kind;      /* enum rust_tok */
	bool unterminated;       /* string/comment ran to the end of input */
	bool inner_doc;          /* DOC_COMMENT: //! or inner block doc */
	unsigned char first;     /* the token's first byte (in what was padding):
				  * a caller tells { from ; without a load from the
				  * source */
};

struct rustlex {
	const char *src;         /* borrowed */
	size_t len, pos;
	int line;
	/* carried state for line-by-line use: inside a block comment of this
	 * depth, or inside a raw string with this many '#' (-1: none) */
	int comment_depth;
	bool comment_is_doc;
	int raw_hashes;
	bool in_string;          /* inside a normal string literal */
	bool unsafe_seen;        /* an `unsafe` keyword was lexed (the unsafe scan's
				  * test, with no pass over the tokens) */
	/* marks, set by the caller of rustlex_run after rustlex_init (all
	 * NULL/0: none): the positions of the stored tokens that mark picks by
	 * their first byte (bit 1: a PUNCT token, bit 2: a KEYWORD), so a
	 * pass that wants a few kinds of token skips the rest unread */
	const unsigned char *mark;   /* borrowed: 256 entries, or NULL */
	uint32_t *marks;         /* borrowed: room for nmarks + max more per call */
	size_t nmarks;           /* marks stored so far */
	uint32_t mark_base;      /* the position of toks[0] in this call */
};

void rustlex_init(struct rustlex *lx, const char *src, size_t len);
/* Continues from the state a previous line left (for per-line highlighting):
 * rustlex_init(lx, NULL, 0) once, then rustlex_init_line() for each line
 * (without its newline); lx->line counts the lines given. A token still open
 * at the end of a line comes back flagged unterminated and the next line
 * continues it. */
void rustlex_init_line(struct rustlex *lx, const char *line, size_t len);
/* The next token; false (and kind EOF) at the end. */
bool rustlex_next(struct rustlex *lx, struct rust_token *tok);
/*
 * The next tokens in one call, for lexing whole files fast: lexes on from
 * where lx stands and stores the tokens whose kind is not in skip (a mask
 * of 1u << RUST_TOK_...) into toks[0..max), in the compact form (the
 * caller keeps them as they are: no copy per token). Skipped tokens are
 * lexed all the same (lines count, constructs close); they are just not
 * stored. Returns how many were stored: fewer than max only at the end of
 * input. The tokens are exactly those rustlex_next() gives (for a source
 * under 4 GiB).
 */
size_t rustlex_run(struct rustlex *lx, struct rust_span *toks, size_t max, unsigned skip);
/* Whether text[0..n) is a Rust keyword. */
bool rustlex_is_keyword(const char *text, size_t n);

#endif
