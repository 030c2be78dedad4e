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
 * Speed matters (the unsafe scan lexes whole registries): classification is
 * one table lookup per byte and keywords are checked by length first.
 * It never reads past len and never fails; bytes that start no token come
 * back as RUST_TOK_ERROR, one at a time.
 */
#include "rustlex.h"

#include <stdint.h>
#include <string.h>

enum {
	C_WS = 1,      /* whitespace */
	C_IDS = 2,     /* may start an identifier (ASCII letter, _, any non-ASCII byte) */
	C_IDC = 4,     /* may continue an identifier */
	C_DIG = 8,     /* 0-9 */
	C_PUN = 16,    /* punctuation that is a token of its own */
	C_HEX = 32,    /* hex digit or _ */
};

static unsigned char cls[256];
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

/* keywords bucketed by (first letter, length): at most a few to compare */
#define KW_MAXLEN 8
static unsigned char kw_bucket[26 + 1][KW_MAXLEN + 1][4];  /* indexes + 1, 0 ends */
static uint64_t kw_word[64];   /* each keyword's bytes as one number */

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
		unsigned char v = 0;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
			v |= C_WS;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80)
			v |= C_IDS | C_IDC;
		if (c >= '0' && c <= '9')
			v |= C_DIG | C_IDC | C_HEX;
		if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_')
			v |= C_HEX;
		if (c && strchr(punct, c))
			v |= C_PUN;
		cls[c] = v;
	}
	for (int i = 0; keywords[i]; i++) {
		const char *k = keywords[i];
		int b = k[0] == 'S' ? 26 : k[0] - 'a';
		size_t n = strlen(k);
		unsigned char *slot = kw_bucket[b][n];
		while (*slot)
			slot++;
		*slot = (unsigned char)(i + 1);
		kw_word[i] = word_of(k, n);
	}
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

bool rustlex_is_keyword(const char *text, size_t n)
{
	int b;

	if (n < 2 || n > KW_MAXLEN || (!(text[0] >= 'a' && text[0] <= 'z') && text[0] != 'S'))
		return false;
	cls_init();
	b = text[0] == 'S' ? 26 : text[0] - 'a';
	const unsigned char *slot = kw_bucket[b][n];
	if (!*slot)
		return false;
	uint64_t w = word_of(text, n);
	for (; *slot; slot++)
		if (kw_word[*slot - 1] == w)
			return true;
	return false;
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

/* Block comment body from pos (after the opening, depth already counted). */
static void lex_block_body(struct rustlex *lx, struct rust_token *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;

	while (i < n && lx->comment_depth > 0) {
		char c = s[i];
		if (c == '*' && i + 1 < n && s[i + 1] == '/') {
			lx->comment_depth--;
			i += 2;
		} else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			lx->comment_depth++;
			i += 2;
		} else {
			if (c == '\n')
				lx->line++;
			i++;
		}
	}
	if (lx->comment_depth > 0)
		tok->unterminated = true;
	lx->pos = i;
}

/* Normal (escaped) string body from pos (after the opening quote). */
static void lex_string_body(struct rustlex *lx, struct rust_token *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;

	lx->in_string = true;
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			lx->in_string = false;
			i++;
			break;
		}
		if (c == '\\') {
			if (i + 1 < n && s[i + 1] == '\n')
				lx->line++;
			i += i + 1 < n ? 2 : 1;
			continue;
		}
		if (c == '\n')
			lx->line++;
		i++;
	}
	if (lx->in_string)
		tok->unterminated = true;
	lx->pos = i;
}

/* Raw string body from pos (after the opening quote), lx->raw_hashes set. */
static void lex_raw_body(struct rustlex *lx, struct rust_token *tok)
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
static void lex_char_body(struct rustlex *lx, struct rust_token *tok)
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
static bool try_raw(struct rustlex *lx, size_t at, struct rust_token *tok)
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

static void lex_ident(struct rustlex *lx, struct rust_token *tok)
{
	const char *s = lx->src;
	size_t i = lx->pos, n = lx->len;

	while (i < n && IS(s[i], C_IDC))
		i++;
	lx->pos = i;
	tok->kind = rustlex_is_keyword(s + tok->start, i - tok->start) ?
		RUST_TOK_KEYWORD : RUST_TOK_IDENT;
}

bool rustlex_next(struct rustlex *lx, struct rust_token *tok)
{
	const char *s = lx->src;
	size_t n = lx->len, i = lx->pos;

	tok->start = i;
	tok->line = lx->line;
	tok->unterminated = false;
	tok->inner_doc = false;
	if (i >= n) {
		tok->kind = RUST_TOK_EOF;
		tok->end_line = lx->line;
		return false;
	}
	/* state a previous line left behind */
	if (lx->comment_depth > 0) {
		tok->kind = lx->comment_is_doc ? RUST_TOK_DOC_COMMENT : RUST_TOK_BLOCK_COMMENT;
		lex_block_body(lx, tok);
		goto out;
	}
	if (lx->raw_hashes >= 0) {
		tok->kind = RUST_TOK_RAW_STRING;
		lex_raw_body(lx, tok);
		goto out;
	}
	if (lx->in_string) {
		tok->kind = RUST_TOK_STRING;
		lex_string_body(lx, tok);
		goto out;
	}

	unsigned char c = (unsigned char)s[i];

	if (IS(c, C_WS)) {
		while (i < n && IS(s[i], C_WS)) {
			if (s[i] == '\n')
				lx->line++;
			i++;
		}
		tok->kind = RUST_TOK_WHITESPACE;
		lx->pos = i;
		goto out;
	}
	/* the common cases first: a plain identifier or one punctuation mark */
	if (IS(c, C_IDS) && c != 'r' && c != 'b' && c != 'c') {
		lx->pos = i;
		lex_ident(lx, tok);
		goto out;
	}
	if (IS(c, C_PUN) && c != '/') {
		tok->kind = RUST_TOK_PUNCT;
		lx->pos = i + 1;
		goto out;
	}
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
		goto out;
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
		goto out;
	}
	if (c == '"') {
		tok->kind = RUST_TOK_STRING;
		lx->pos = i + 1;
		lex_string_body(lx, tok);
		goto out;
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
			goto out;
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
		goto out;
	}
	if (IS(c, C_DIG)) {
		tok->kind = RUST_TOK_NUMBER;
		lex_number(lx);
		goto out;
	}
	if (IS(c, C_IDS)) {
		/* literal prefixes: r" r#" r#ident b" b' br" c" cr" */
		if (c == 'r' && (c1 == '"' || c1 == '#')) {
			if (try_raw(lx, i + 1, tok))
				goto out;
			if (c1 == '#' && i + 2 < n && IS(c2, C_IDS)) {
				lx->pos = i + 2;
				lex_ident(lx, tok);
				tok->kind = RUST_TOK_IDENT;  /* r#match is an identifier */
				goto out;
			}
		} else if (c == 'b' || c == 'c') {
			if (c1 == '"') {
				tok->kind = RUST_TOK_STRING;
				lx->pos = i + 2;
				lex_string_body(lx, tok);
				goto out;
			}
			if (c == 'b' && c1 == '\'') {
				tok->kind = RUST_TOK_CHAR;
				lx->pos = i + 2;
				lex_char_body(lx, tok);
				goto out;
			}
			if (c1 == 'r' && (c2 == '"' || c2 == '#') && try_raw(lx, i + 2, tok))
				goto out;
		}
		lx->pos = i;
		lex_ident(lx, tok);
		goto out;
	}
	tok->kind = IS(c, C_PUN) ? RUST_TOK_PUNCT : RUST_TOK_ERROR;
	lx->pos = i + 1;
out:
	tok->len = lx->pos - tok->start;
	tok->end_line = lx->line;
	/* a token that ends in a newline (whitespace) ends on the line before */
	if (tok->kind == RUST_TOK_WHITESPACE && tok->len && s[lx->pos - 1] == '\n')
		tok->end_line = lx->line - 1;
	if (tok->end_line < tok->line)
		tok->end_line = tok->line;
	return true;
}
