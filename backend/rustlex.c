/*
 * rustlex.c - the Rust lexer (see rustlex.h).
 *
 * It follows rustc_lexer's decisions where they matter on real code: a
 * quote followed by an identifier is a lifetime unless a quote closes it
 * right after one character ('a' is a char, 'a is a lifetime, 'ab' is a
 * char the compiler would reject); "1." is a float but "1..2" and "1.foo"
 * are not; r#"..."# ends at a quote followed by as many '#'; block comments
 * nest; "///" and slash-star-star open doc comments, four slashes or three
 * stars do not.
 *
 * Speed matters (the unsafe scan lexes whole registries, 17 million tokens
 * in 67 MB, most of them one byte of punctuation or a single space):
 * - classification is one table lookup per byte; punctuation, whitespace
 *   and plain identifiers (90% of tokens) are finished inline, the rest
 *   (comments, literals, numbers, literal prefixes) goes to lex_other;
 * - indentation is skipped eight spaces per step, identifier characters
 *   are classified eight per step without a branch per byte, and string
 *   and block comment bodies skip the bytes that can end nothing;
 * - a keyword is looked up as one 64-bit compare in a table without
 *   collisions, with no branch;
 * - rustlex_run lexes many tokens per call, with the position and line
 *   in locals, and stores only the kinds the caller keeps (the scanner
 *   drops whitespace and comments) in the compact 20-byte form, straight
 *   into the caller's buffer; it notes an `unsafe` keyword on the way
 *   (unsafe_seen), so the scanner never passes over the tokens of a file
 *   without one; on request (lx->mark) it also lists where the braces and
 *   keywords a pass wants are (the scanner's declaration pass reads 1 token
 *   in 8 instead of all), a store and an add per token with no branch.
 * Tried and not kept (measured on the registry): SSE2 for whitespace runs,
 * before every token or only for runs that start with whitespace (the
 * position then waits on a load, compare, movemask and bit scan per token:
 * 8% to 30% slower than the branches, which predict the common one-space
 * runs); a 16-bit kind in struct rust_span instead of a byte (no effect).
 * It never reads past len and never fails; bytes that start no token come
 * back as RUST_TOK_ERROR, one at a time.
 */
#include "rustlex.h"

#include <stdint.h>
#include <string.h>

enum {
	C_WS = 1,       /* whitespace */
	C_IDS = 2,      /* may start an identifier (ASCII letter, _, any non-ASCII byte) */
	C_IDC = 4,      /* may continue an identifier */
	C_DIG = 8,      /* 0-9 */
	C_PUN = 16,     /* punctuation that is a token of its own */
	C_HEX = 32,     /* hex digit or _ */
	C_PUN1 = 64,    /* punctuation that can start nothing longer (all but '/') */
	C_LITP = 128,   /* r, b, c: may start a literal prefix (r" b' br" c" cr#) */
	C_PFX = 256,    /* may follow a literal prefix letter: " # ' r */
	C_STRX = 512,   /* ends a plain run inside a string: " \ newline */
	C_BLKX = 1024,  /* ends a plain run inside a block comment: * / newline */
};

static uint16_t cls[256];
static int cls_ready;

static const char *const keywords[] = {
	"as", "async", "await", "abstract", "become", "box", "break", "const",
	"continue", "crate", "do", "dyn", "else", "enum", "extern", "false",
	"final", "fn", "for", "if", "impl", "in", "let", "loop", "macro",
	"match", "mod", "move", "mut", "override", "priv", "pub", "ref",
	"return", "self", "Self", "static", "struct", "super", "trait", "true",
	"try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where",
	"while", "yield", NULL,
};

/* keywords as words (their bytes as one number, see word_of) in a table
 * without collisions: the multiplier was chosen so that each of the 51
 * keywords has a slot of its own, so a lookup is a multiply, one load and
 * one compare, with no branch (test_rustlex_fast checks every keyword).
 * Empty slots hold 1, the word of "\x01", which no identifier has; no
 * identifier holds a NUL byte either, so equal words are equal texts. */
#define KW_MAXLEN 8
#define KW_SLOTS 256
#define KW_EMPTY 1
static uint64_t kw_table[KW_SLOTS];
static uint64_t kw_mask[KW_MAXLEN + 1];    /* the low n bytes of a word (0: none) */
static uint64_t kw_unsafe;                 /* the word of "unsafe" */

static inline unsigned kw_slot(uint64_t word)
{
	return (unsigned)((word * 0x2649c1b0c6b5a1c7ULL) >> 56);   /* 8 bits */
}

/* text[0..n) (n <= 8) as one number, for comparing without memcmp */
static inline uint64_t word_of(const char *text, size_t n)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)text[i] << (8 * i);
	return w;
}

static void cls_init(void)
{
	const char *punct = ";,.(){}[]@#~?:$=!<>-&|+*/^%";

	if (cls_ready)
		return;
	for (int c = 0; c < 256; c++) {
		uint16_t v = 0;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
			v |= C_WS;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80)
			v |= C_IDS | C_IDC;
		if (c >= '0' && c <= '9')
			v |= C_DIG | C_IDC | C_HEX;
		if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_')
			v |= C_HEX;
		if (c && strchr(punct, c))
			v |= c == '/' ? C_PUN : C_PUN | C_PUN1;
		if (c == 'r' || c == 'b' || c == 'c')
			v |= C_LITP;
		if (c == '"' || c == '#' || c == '\'' || c == 'r')
			v |= C_PFX;
		if (c == '"' || c == '\\' || c == '\n')
			v |= C_STRX;
		if (c == '*' || c == '/' || c == '\n')
			v |= C_BLKX;
		cls[c] = v;
	}
	for (int h = 0; h < KW_SLOTS; h++)
		kw_table[h] = KW_EMPTY;
	for (int i = 0; keywords[i]; i++) {
		uint64_t w = word_of(keywords[i], strlen(keywords[i]));
		kw_table[kw_slot(w)] = w;   /* a slot of its own (see above) */
	}
	kw_unsafe = word_of("unsafe", 6);
	for (int n = 0; n <= KW_MAXLEN; n++)
		kw_mask[n] = n == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
	cls_ready = 1;
}

#define IS(c, k) (cls[(unsigned char)(c)] & (k))

void rustlex_init(struct rustlex *lx, const char *src, size_t len)
{
	cls_init();
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = src ? len : 0;
	lx->line = 1;
	lx->raw_hashes = -1;
}

void rustlex_init_line(struct rustlex *lx, const char *line, size_t len)
{
	cls_init();
	if (lx->src)
		lx->line++;
	lx->src = line;
	lx->len = line ? len : 0;
	lx->pos = 0;
}

/* Whether the word of an identifier of up to 8 bytes is a keyword's (0,
 * the word of a longer one, never is). */
static inline bool kw_lookup(uint64_t word)
{
	return kw_table[kw_slot(word)] == word;
}

bool rustlex_is_keyword(const char *text, size_t n)
{
	if (n < 2 || n > KW_MAXLEN || memchr(text, '\0', n))
		return false;   /* (a NUL would make "as\0" the word of "as") */
	cls_init();
	return kw_lookup(word_of(text, n));
}

/* Counts newlines in src[from, to) into lx->line. */
static void count_lines(struct rustlex *lx, size_t from, size_t to)
{
	const char *p = lx->src + from, *end = lx->src + to;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		lx->line++;
		p++;
	}
}

/* Block comment body from pos (after the opening, depth already counted):
 * runs of bytes that cannot open, close or end a line are skipped whole. */
static void lex_block_body(struct rustlex *lx, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;
	int depth = lx->comment_depth, line = lx->line;

	while (i < n) {
		while (i < n && !IS(s[i], C_BLKX))
			i++;
		if (i >= n)
			break;
		char c = s[i];
		if (c == '*' && i + 1 < n && s[i + 1] == '/') {
			i += 2;
			if (--depth == 0)
				break;
		} else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			depth++;
			i += 2;
		} else {
			line += c == '\n';
			i++;
		}
	}
	lx->comment_depth = depth;
	lx->line = line;
	if (depth > 0)
		tok->unterminated = true;
	lx->pos = i;
}

/* Normal (escaped) string body from pos (after the opening quote). */
static void lex_string_body(struct rustlex *lx, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;
	int line = lx->line;
	bool open = true;

	while (i < n) {
		while (i < n && !IS(s[i], C_STRX))
			i++;
		if (i >= n)
			break;
		char c = s[i];
		if (c == '"') {
			open = false;
			i++;
			break;
		}
		if (c == '\\') {
			if (i + 1 < n && s[i + 1] == '\n')
				line++;
			i += i + 1 < n ? 2 : 1;
			continue;
		}
		line++;   /* a newline */
		i++;
	}
	lx->in_string = open;
	lx->line = line;
	if (open)
		tok->unterminated = true;
	lx->pos = i;
}

/* Raw string body from pos (after the opening quote), lx->raw_hashes set. */
static void lex_raw_body(struct rustlex *lx, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;
	size_t h = (size_t)lx->raw_hashes;

	while (i < n) {
		const char *q = memchr(s + i, '"', n - i);
		if (!q) {
			count_lines(lx, i, n);
			i = n;
			break;
		}
		size_t qi = (size_t)(q - s);
		count_lines(lx, i, qi);
		i = qi + 1;
		size_t k = 0;
		while (k < h && i + k < n && s[i + k] == '#')
			k++;
		if (k == h) {
			i += h;
			lx->raw_hashes = -1;
			lx->pos = i;
			return;
		}
	}
	tok->unterminated = true;
	lx->pos = i;
}

/* The byte length of the UTF-8 sequence starting with c (1 for ASCII or junk). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* A quoted char body from pos (after the opening quote), as rustc_lexer's
 * single_quoted_string: ends at a quote; stops (unterminated) at '/' or at a
 * newline not followed by a quote. */
static void lex_char_body(struct rustlex *lx, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;

	if (i < n && s[i] != '\\') {
		size_t cl = utf8_len((unsigned char)s[i]);
		if (i + cl < n && s[i + cl] == '\'') {
			lx->pos = i + cl + 1;
			return;
		}
	}
	while (i < n) {
		char c = s[i];
		if (c == '\'') {
			lx->pos = i + 1;
			return;
		}
		if (c == '/')
			break;
		if (c == '\n' && !(i + 1 < n && s[i + 1] == '\''))
			break;
		if (c == '\\') {
			i += i + 1 < n ? 2 : 1;
			continue;
		}
		if (c == '\n')
			lx->line++;
		i++;
	}
	tok->unterminated = true;
	lx->pos = i;
}

/* Raw string prefix at pos: r, br or cr already consumed up to `at`, which
 * points at '#' or '"'. Returns true when a raw string starts there. */
static bool try_raw(struct rustlex *lx, size_t at, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t n = lx->len, i = at, h = 0;

	while (i < n && s[i] == '#') {
		h++;
		i++;
	}
	if (i >= n || s[i] != '"' || h > 255)
		return false;
	lx->raw_hashes = (int)h;
	lx->pos = i + 1;
	tok->kind = RUST_TOK_RAW_STRING;
	lex_raw_body(lx, tok);
	return true;
}

static void lex_number(struct rustlex *lx)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;

	if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		i += 2;
		while (i < n && IS(s[i], C_HEX))
			i++;
		while (i < n && IS(s[i], C_IDC))  /* suffix */
			i++;
		lx->pos = i;
		return;
	}
	while (i < n && (IS(s[i], C_DIG) || s[i] == '_'))
		i++;
	/* fraction: '.' not followed by '.', an identifier start or another
	 * number's use as a field (1.0 yes, 1..2 no, 1.foo no) */
	if (i < n && s[i] == '.' && !(i + 1 < n && (s[i + 1] == '.' || IS(s[i + 1], C_IDS)))) {
		i++;
		while (i < n && (IS(s[i], C_DIG) || s[i] == '_'))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		while (j < n && s[j] == '_')
			j++;
		if (j < n && IS(s[j], C_DIG)) {
			i = j;
			while (i < n && (IS(s[i], C_DIG) || s[i] == '_'))
				i++;
		}
	}
	while (i < n && IS(s[i], C_IDC))  /* suffix: u32, f64, usize */
		i++;
	lx->pos = i;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Per byte of x (each below 0x80): the high bit set where the byte >= c. */
static inline uint64_t bytes_ge(uint64_t x, unsigned c)
{
	return (x + ONES * (0x80 - c)) & HIGHS;
}

/* The end of the identifier characters from i: eight bytes per step,
 * classified with word arithmetic (no branch or table load per byte:
 * identifiers are short, and a mispredicted loop exit costs more). */
static inline size_t ident_end(const char *s, size_t i, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (n - i >= 8) {
		uint64_t x, x7, lower, t, idc;
		memcpy(&x, s + i, 8);
		x7 = x & ~HIGHS;
		lower = x7 | ONES * 0x20;   /* A-Z to a-z (nothing else lands there) */
		t = x7 ^ ONES * '_';
		idc = (x & HIGHS) |                                          /* non-ASCII */
			(bytes_ge(lower, 'a') & ~bytes_ge(lower, 'z' + 1)) |  /* letters */
			(bytes_ge(x7, '0') & ~bytes_ge(x7, '9' + 1)) |        /* digits */
			(~((t + ONES * 0x7f) | t) & HIGHS);                    /* _ */
		if (idc != HIGHS)
			return i + ((size_t)__builtin_ctzll(~idc & HIGHS) >> 3);
		i += 8;
	}
#endif
	while (i < n && IS(s[i], C_IDC))
		i++;
	return i;
}

/* The end of the whitespace run from i (s[i - 1] was whitespace); *line
 * counts its newlines. Runs of spaces (indentation) go eight at a time. */
static inline size_t space_end(const char *s, size_t i, size_t n, int *line)
{
	for (;;) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (n - i >= 8) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			x ^= 0x2020202020202020ULL;
			if (!x) {
				i += 8;
				continue;
			}
			i += (size_t)__builtin_ctzll(x) >> 3;
		}
#endif
		if (i >= n || !IS(s[i], C_WS))
			return i;
		*line += s[i] == '\n';
		i++;
	}
}

_Static_assert(RUST_TOK_KEYWORD == RUST_TOK_IDENT + 1, "lex_ident adds the keyword test to IDENT");

/* The word of the identifier s[st, end) for kw_lookup (0 when longer
 * than any keyword). */
static inline uint64_t ident_word(const char *s, size_t st, size_t end, size_t n)
{
	size_t len = end - st;
	uint64_t w;

	/* no branch on the length or the answer: both are hard to predict */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n - st >= 8) {
		memcpy(&w, s + st, 8);   /* one load instead of len shifts */
		w &= kw_mask[len <= KW_MAXLEN ? len : 0];
	} else {
		w = len <= KW_MAXLEN ? word_of(s + st, len) : 0;
	}
#else
	w = len <= KW_MAXLEN ? word_of(s + st, len) : 0;
#endif
	return w;
}

/* An identifier or keyword from pos; st is its first byte. */
static inline void lex_ident(struct rustlex *lx, struct rust_span *tok, size_t st)
{
	size_t i = ident_end(lx->src, lx->pos, lx->len);
	uint64_t w = ident_word(lx->src, st, i, lx->len);

	lx->pos = i;
	lx->unsafe_seen |= w == kw_unsafe;
	tok->kind = (unsigned char)(RUST_TOK_IDENT + kw_lookup(w));   /* KEYWORD follows IDENT */
}

/* The rest of a token whose first byte is not whitespace, a plain
 * identifier start or plain punctuation: comments, literals, numbers,
 * literal prefixes, '/' and bytes that start nothing. */
static void lex_other(struct rustlex *lx, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t n = lx->len, i = lx->pos;
	unsigned char c = (unsigned char)s[i];
	char c1 = i + 1 < n ? s[i + 1] : 0;
	char c2 = i + 2 < n ? s[i + 2] : 0;

	if (c == '/' && c1 == '/') {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n;
		if ((c2 == '/' && !(i + 3 < n && s[i + 3] == '/')) || c2 == '!') {
			tok->kind = RUST_TOK_DOC_COMMENT;
			tok->inner_doc = c2 == '!';
		} else {
			tok->kind = RUST_TOK_LINE_COMMENT;
		}
		lx->pos = end;
		return;
	}
	if (c == '/' && c1 == '*') {
		char c3 = i + 3 < n ? s[i + 3] : 0;
		bool doc = (c2 == '*' && c3 != '*' && c3 != '/') || c2 == '!';
		tok->kind = doc ? RUST_TOK_DOC_COMMENT : RUST_TOK_BLOCK_COMMENT;
		tok->inner_doc = c2 == '!';
		lx->comment_is_doc = doc;
		lx->comment_depth = 1;
		lx->pos = i + 2;
		lex_block_body(lx, tok);
		return;
	}
	if (c == '"') {
		tok->kind = RUST_TOK_STRING;
		lx->pos = i + 1;
		lex_string_body(lx, tok);
		return;
	}
	if (c == '\'') {
		/* lifetime or char (rustc_lexer's rule) */
		bool can_lifetime = i + 1 < n && c2 != '\'' &&
			(IS(c1, C_IDS) || IS(c1, C_DIG));
		if (i + 1 < n && (unsigned char)c1 >= 0x80) {
			size_t cl = utf8_len((unsigned char)c1);
			if (i + 1 + cl < n && s[i + 1 + cl] == '\'')
				can_lifetime = false;
		}
		if (!can_lifetime) {
			tok->kind = RUST_TOK_CHAR;
			lx->pos = i + 1;
			lex_char_body(lx, tok);
			return;
		}
		i += 1;
		if (c1 == 'r' && c2 == '#' && i + 2 < n && IS(s[i + 2], C_IDS))
			i += 2;  /* raw lifetime 'r#foo */
		while (i < n && IS(s[i], C_IDC))
			i++;
		if (i < n && s[i] == '\'') {
			tok->kind = RUST_TOK_CHAR;  /* 'ab' : a char the compiler rejects */
			i++;
		} else {
			tok->kind = RUST_TOK_LIFETIME;
		}
		lx->pos = i;
		return;
	}
	if (IS(c, C_DIG)) {
		tok->kind = RUST_TOK_NUMBER;
		lex_number(lx);
		return;
	}
	if (IS(c, C_IDS)) {
		/* literal prefixes: r" r#" r#ident b" b' br" c" cr" */
		if (c == 'r' && (c1 == '"' || c1 == '#')) {
			if (try_raw(lx, i + 1, tok))
				return;
			if (c1 == '#' && i + 2 < n && IS(c2, C_IDS)) {
				lx->pos = i + 2;
				lex_ident(lx, tok, i);
				tok->kind = RUST_TOK_IDENT;  /* r#match is an identifier */
				return;
			}
		} else if (c == 'b' || c == 'c') {
			if (c1 == '"') {
				tok->kind = RUST_TOK_STRING;
				lx->pos = i + 2;
				lex_string_body(lx, tok);
				return;
			}
			if (c == 'b' && c1 == '\'') {
				tok->kind = RUST_TOK_CHAR;
				lx->pos = i + 2;
				lex_char_body(lx, tok);
				return;
			}
			if (c1 == 'r' && (c2 == '"' || c2 == '#') && try_raw(lx, i + 2, tok))
				return;
		}
		lx->pos = i;
		lex_ident(lx, tok, i);
		return;
	}
	tok->kind = IS(c, C_PUN) ? RUST_TOK_PUNCT : RUST_TOK_ERROR;
	lx->pos = i + 1;
}

/* A token continuing what a previous line left open. */
static void lex_carried(struct rustlex *lx, struct rust_span *tok)
{
	if (lx->comment_depth > 0) {
		tok->kind = lx->comment_is_doc ? RUST_TOK_DOC_COMMENT : RUST_TOK_BLOCK_COMMENT;
		lex_block_body(lx, tok);
	} else if (lx->raw_hashes >= 0) {
		tok->kind = RUST_TOK_RAW_STRING;
		lex_raw_body(lx, tok);
	} else {
		tok->kind = RUST_TOK_STRING;
		lex_string_body(lx, tok);
	}
}

static inline bool carried(const struct rustlex *lx)
{
	return lx->comment_depth > 0 || lx->raw_hashes >= 0 || lx->in_string;
}

/* Fills in what every token has once its end is known (it started at st). */
static inline void finish(struct rustlex *lx, struct rust_span *tok, size_t st)
{
	tok->len = (uint32_t)(lx->pos - st);
	tok->end_line = lx->line > tok->line ? lx->line : tok->line;
}

/*
 * The token at lx->pos (< lx->len) when nothing is carried over. The three
 * common starts (punctuation, whitespace, plain identifiers: 90% of the
 * tokens in real code) are finished here; the rest goes to lex_other.
 */
static inline void lex_fresh(struct rustlex *lx, struct rust_span *tok)
{
	const char *s = lx->src;
	size_t n = lx->len, i = lx->pos;
	unsigned char c = (unsigned char)s[i];
	unsigned k = cls[c];

	tok->start = (uint32_t)i;
	tok->line = lx->line;
	tok->unterminated = false;
	tok->inner_doc = false;
	tok->first = c;
	if (k & C_PUN1) {
		tok->kind = RUST_TOK_PUNCT;
		tok->len = 1;
		tok->end_line = tok->line;
		lx->pos = i + 1;
		return;
	}
	if (k & C_WS) {
		int line = lx->line + (c == '\n');
		size_t j = space_end(s, i + 1, n, &line);
		tok->kind = RUST_TOK_WHITESPACE;
		tok->len = (uint32_t)(j - i);
		lx->pos = j;
		lx->line = line;
		/* whitespace that ends in a newline ends on the line before */
		line -= s[j - 1] == '\n';
		tok->end_line = line > tok->line ? line : tok->line;
		return;
	}
	if ((k & C_IDS) && !((k & C_LITP) && i + 1 < n && IS(s[i + 1], C_PFX))) {
		lex_ident(lx, tok, i);
		tok->len = (uint32_t)(lx->pos - i);
		tok->end_line = tok->line;
		return;
	}
	lex_other(lx, tok);
	finish(lx, tok, i);
}

bool rustlex_next(struct rustlex *lx, struct rust_token *tok)
{
	struct rust_span sp;
	size_t from = lx->pos;

	if (from >= lx->len) {
		tok->kind = RUST_TOK_EOF;
		tok->start = from;
		tok->len = 0;
		tok->line = tok->end_line = lx->line;
		tok->unterminated = false;
		tok->inner_doc = false;
		return false;
	}
	if (carried(lx)) {
		sp.line = lx->line;
		sp.unterminated = false;
		sp.inner_doc = false;
		lex_carried(lx, &sp);
		finish(lx, &sp, from);
	} else {
		lex_fresh(lx, &sp);
	}
	/* offsets from the positions: exact for any size */
	tok->kind = (enum rust_tok)sp.kind;
	tok->start = from;
	tok->len = lx->pos - from;
	tok->line = sp.line;
	tok->end_line = sp.end_line;
	tok->unterminated = sp.unterminated;
	tok->inner_doc = sp.inner_doc;
	return true;
}

size_t rustlex_run(struct rustlex *lx, struct rust_span *toks, size_t max, unsigned skip)
{
	size_t got = 0;

	if (max && lx->pos < lx->len && carried(lx)) {
		size_t from = lx->pos;
		toks[0].start = (uint32_t)from;
		toks[0].line = lx->line;
		toks[0].unterminated = false;
		toks[0].inner_doc = false;
		toks[0].first = (unsigned char)lx->src[from];
		lex_carried(lx, &toks[0]);
		finish(lx, &toks[0], from);
		got += !(skip & (1u << toks[0].kind));
	}
	/* a construct left open can only have run to the end of the input */
	if (skip & (1u << RUST_TOK_WHITESPACE)) {
		/* lex_fresh's fast paths again, with the position and line in
		 * locals: the token stores cannot make the compiler reload them */
		const char *s = lx->src;
		size_t n = lx->len, i = lx->pos;
		int line = lx->line;
		bool unsafe_seen = false;
		/* without marks, every mark goes to one slot and is not counted */
		static const unsigned char no_mark[256];
		uint32_t spare, *marks = lx->marks ? lx->marks : &spare, base = lx->mark_base;
		const unsigned char *mark = lx->mark && lx->marks ? lx->mark : no_mark;
		size_t nm = lx->marks ? lx->nmarks : 0;
		while (got < max && i < n) {
			unsigned char c = (unsigned char)s[i];
			unsigned k = cls[c], kind;
			struct rust_span *t = &toks[got];
			if (k & C_WS) {
				/* whitespace the caller does not keep: just passed over */
				line += c == '\n';
				i = space_end(s, i + 1, n, &line);
				continue;
			}
			t->start = (uint32_t)i;
			t->line = line;
			t->end_line = line;
			t->unterminated = false;
			t->inner_doc = false;
			t->first = c;
			if (k & C_PUN1) {
				kind = RUST_TOK_PUNCT;
				t->len = 1;
				i++;
			} else if ((k & C_IDS) && !((k & C_LITP) && i + 1 < n && IS(s[i + 1], C_PFX))) {
				size_t e = ident_end(s, i + 1, n);
				uint64_t w = ident_word(s, i, e, n);
				unsafe_seen |= w == kw_unsafe;
				kind = RUST_TOK_IDENT + kw_lookup(w);   /* KEYWORD follows IDENT */
				t->len = (uint32_t)(e - i);
				i = e;
			} else {
				lx->pos = i;
				lx->line = line;
				lex_other(lx, t);
				finish(lx, t, i);
				kind = t->kind;
				i = lx->pos;
				line = lx->line;
			}
			t->kind = (unsigned char)kind;
			unsigned keep = !(skip & (1u << kind));
			/* no branch: the slot is written every time, counted when marked */
			marks[nm] = base + (uint32_t)got;
			nm += keep & (((mark[c] & 1) & (kind == RUST_TOK_PUNCT)) |
				      ((mark[c] >> 1) & (kind == RUST_TOK_KEYWORD)));
			got += keep;
		}
		lx->pos = i;
		lx->line = line;
		lx->unsafe_seen |= unsafe_seen;
		if (lx->marks)
			lx->nmarks = nm;
		return got;
	}
	while (got < max && lx->pos < lx->len) {
		struct rust_span *t = &toks[got];
		lex_fresh(lx, t);
		if (skip & (1u << t->kind))
			continue;
		if (lx->mark && lx->marks &&
		    (((lx->mark[t->first] & 1) && t->kind == RUST_TOK_PUNCT) ||
		     ((lx->mark[t->first] & 2) && t->kind == RUST_TOK_KEYWORD)))
			lx->marks[lx->nmarks++] = lx->mark_base + (uint32_t)got;
		got++;
	}
	return got;
}
