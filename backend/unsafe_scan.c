/*
 * unsafe_scan.c - the unsafe scanner (see unsafe_scan.h for the rules).
 *
 * One pass over the file's significant tokens (no whitespace, no comments)
 * with a stack of open brackets. Each brace scope knows what opened it
 * (module, fn, impl, trait, extern block, match, macro body, plain block)
 * and tracks its current statement: where it starts (with attributes),
 * where its core starts (after them) and where the previous item ended.
 * The comment tests work on raw source lines, as clippy's do.
 */
#include "unsafe_scan.h"
#include "rustlex.h"
#include "strbuf.h"
#include "xalloc.h"
#include "hash.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum scope_kind {
	SC_FILE, SC_MOD, SC_FN, SC_IMPL, SC_TRAIT, SC_EXTERN, SC_MATCH,
	SC_MACRO, SC_BLOCK, SC_PAREN,   /* ( or [ */
};

/* Tokens are kept as rustlex_run stores them (struct rust_span). */
struct scope {
	enum scope_kind kind;
	int open;                 /* token index of the opening bracket (-1 for the file) */
	int open_line;            /* line the scope's search bound starts from */
	char *name;               /* owned: mod / fn / impl type / trait name, or NULL */
	int item;                 /* index of the unsafe item this bracket closes, or -1 */
	bool is_pub;              /* the mod / trait was `pub` */
	bool trait_impl;          /* impl Trait for Type */
	bool hidden;              /* #[doc(hidden)] here or above */
	bool cfg_test;            /* #[cfg(test)] here or above */
	int stmt_start;           /* first token of the statement (its attributes), -1 none */
	int stmt_core;            /* first token after its attributes, -1 none */
	int prev_end_line;        /* line where the previous item / statement ended, 0 none */
	bool inner_attr;          /* the statement so far is an inner attribute #![..] */
	int brace;                /* the index of the innermost scope at or below this
				   * one that is not a paren (see brace_scope) */
};

struct pending {
	enum scope_kind kind;     /* what the next { at depth opens */
	int depth;                /* stack depth it belongs to, -1 none */
	char *name;               /* owned */
	int item;                 /* unsafe item it completes, or -1 */
	bool trait_impl;
	bool is_pub, hidden, cfg_test;
	int line;                 /* line of the item (search bound for mods) */
	int tok;                  /* token index of `impl` (for the impl's name) */
};

struct scan {
	const char *src;
	size_t len;
	struct rust_span *t;      /* owned */
	int nt, capt;
	uint32_t *marks;          /* owned: the positions in t of braces and of keywords
				   * starting m, i or p, for scan_decls (capt of room) */
	int nmarks;
	struct rust_span *docs;   /* owned: outer doc comments, in order */
	int nd, capd;
	size_t *line_start;       /* byte offset of each line (index 1-based); the scanner's, reused */
	int nlines, capl;
	struct scope *st;         /* the stack of open brackets; the scanner's, reused */
	int depth, capst;
	struct pending pend;
	struct unsafe_file *out;
	char *file_module;        /* owned */
	bool crate_root;
	bool test_file;           /* tests/, benches/, examples/: not built by plain cargo clippy */
	int file_first_item_seen;
};

static inline bool tis_n(const struct scan *s, int i, const char *w, size_t n)
{
	if (i < 0 || i >= s->nt || s->t[i].len != n)
		return false;
	if (n == 1)   /* the token's first byte is kept with it: no load from the source */
		return s->t[i].first == (unsigned char)w[0];
	return memcmp(s->src + s->t[i].start, w, n) == 0;
}

/* Whether token i is the text w (a string literal). */
#define tis(s, i, w) tis_n((s), (i), "" w, sizeof(w) - 1)

static bool tis_str(const struct scan *s, int i, const char *w)
{
	return tis_n(s, i, w, strlen(w));
}

static bool tkind(const struct scan *s, int i, enum rust_tok k)
{
	return i >= 0 && i < s->nt && s->t[i].kind == k;
}

static char *ttext(const struct scan *s, int i)
{
	return xstrndup(s->src + s->t[i].start, s->t[i].len);
}

/* ---- lines and comments ---------------------------------------------- */

static void build_lines(struct scan *s)
{
	int cap = s->capl;
	const char *p = s->src, *end = s->src + s->len;

	if (cap < 1024) {
		cap = 1024;
		free(s->line_start);
		s->line_start = xmalloc(sizeof(size_t) * (size_t)cap);
	}
	s->nlines = 1;
	s->line_start[1] = 0;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		p++;
		if (s->nlines + 2 >= cap) {
			cap *= 2;
			s->line_start = xrealloc(s->line_start, sizeof(size_t) * (size_t)cap);
		}
		s->line_start[++s->nlines] = (size_t)(p - s->src);
	}
	s->line_start[s->nlines + 1] = s->len;
	s->capl = cap;
}

/* Line l's text without leading whitespace; *n its length (with newline). */
static const char *line_trimmed(const struct scan *s, int l, size_t *n)
{
	size_t a = s->line_start[l], b = s->line_start[l + 1];

	while (a < b && isspace((unsigned char)s->src[a]))
		a++;
	*n = b - a;
	return s->src + a;
}

static bool has_safety_word(const char *p, size_t n)
{
	for (size_t i = 0; i + 7 <= n; i++) {
		if (toupper((unsigned char)p[i]) == 'S' && strncasecmp(p + i, "SAFETY:", 7) == 0)
			return true;
	}
	return false;
}

/* A comment's text without its markers, whitespace-trimmed per line. */
static void strip_comment(struct strbuf *sb, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *a = p, *b = le;
		while (a < b && isspace((unsigned char)*a))
			a++;
		if (b - a >= 2 && a[0] == '/' && (a[1] == '/' || a[1] == '*')) {
			a += 2;
			while (a < b && (*a == '/' || *a == '!' || *a == '*'))
				a++;
		} else {
			while (a < b && *a == '*' && !(b - a >= 2 && a[1] == '/'))
				a++;
		}
		if (b - a >= 2 && b[-1] == '/' && b[-2] == '*')
			b -= 2;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (sb->len)
			strbuf_addc(sb, '\n');
		strbuf_add(sb, a, (size_t)(b - a));
		p = nl ? nl + 1 : end;
	}
	while (sb->len && sb->buf[sb->len - 1] == '\n')
		sb->buf[--sb->len] = '\0';
}

/*
 * clippy's text_has_safety_comment on lines (bound, target): the nearest
 * non-blank line above target must start a run of // lines one of which
 * says SAFETY: (outside a ``` block), or a block comment saying SAFETY:
 * must start a line and be followed by nothing but whitespace up to target.
 * On success fills the argument's text and lines.
 */
static bool safety_above(const struct scan *s, int bound, int target,
			 char **text, int *from, int *to)
{
	int l = target - 1;
	size_t n;
	const char *p = NULL;

	if (target > s->nlines + 1)
		target = s->nlines + 1;
	for (; l > bound && l >= 1; l--) {
		p = line_trimmed(s, l, &n);
		if (n)
			break;
	}
	if (l <= bound || l < 1)
		return false;
	if (!(n >= 2 && p[0] == '/' && (p[1] == '/' || p[1] == '*'))) {
		/* clippy 1.95 also takes a comment ending the line above:
		 * `foo(); // SAFETY: ...` */
		struct rustlex lx;
		struct rust_token t, last = { .kind = RUST_TOK_EOF };
		rustlex_init(&lx, p, n);
		while (rustlex_next(&lx, &t))
			if (t.kind != RUST_TOK_WHITESPACE)
				last = t;
		if ((last.kind == RUST_TOK_LINE_COMMENT || last.kind == RUST_TOK_BLOCK_COMMENT ||
		     last.kind == RUST_TOK_DOC_COMMENT) && !last.unterminated &&
		    has_safety_word(p + last.start, last.len)) {
			struct strbuf sb = STRBUF_INIT;
			strip_comment(&sb, p + last.start, last.len);
			*text = strbuf_detach(&sb);
			*from = *to = l;
			return true;
		}
	}
	if (n >= 2 && p[0] == '/' && p[1] == '/') {
		int last = l;
		bool in_code = false;
		for (;;) {
			const char *q = p, *qe = p + n;
			while (qe - q >= 3 && q[0] == '/' && q[1] == '/' && q[2] == '/')
				q += 3;
			while (q < qe && isspace((unsigned char)*q))
				q++;
			if (qe - q >= 3 && memcmp(q, "```", 3) == 0)
				in_code = !in_code;
			if (has_safety_word(p, n) && !in_code) {
				struct strbuf sb = STRBUF_INIT;
				size_t a = (size_t)(p - s->src), b = s->line_start[last + 1];
				strip_comment(&sb, s->src + a, b - a);
				*text = strbuf_detach(&sb);
				*from = l;
				*to = last;
				return true;
			}
			do
				l--;
			while (l > bound && l >= 1 && (p = line_trimmed(s, l, &n), n == 0));
			if (l <= bound || l < 1 || !(n >= 2 && p[0] == '/' && p[1] == '/'))
				return false;
		}
	}
	for (;;) {
		if (n >= 2 && p[0] == '/' && p[1] == '*') {
			size_t a = (size_t)(p - s->src), b = s->line_start[target];
			struct rustlex lx;
			struct rust_token t;
			bool ok;
			rustlex_init(&lx, s->src + a, b - a);
			rustlex_next(&lx, &t);
			ok = has_safety_word(s->src + a, t.len);
			size_t clen = t.len;
			while (ok && rustlex_next(&lx, &t))
				if (t.kind != RUST_TOK_WHITESPACE)
					ok = false;
			if (!ok)
				return false;
			struct strbuf sb = STRBUF_INIT;
			strip_comment(&sb, s->src + a, clen);
			*text = strbuf_detach(&sb);
			*from = l;
			*to = l;
			while (*to < target - 1 && s->line_start[*to + 1] < a + clen)
				(*to)++;
			return true;
		}
		do
			l--;
		while (l > bound && l >= 1 && (p = line_trimmed(s, l, &n), n == 0));
		if (l <= bound || l < 1)
			return false;
	}
}

/* ---- doc comments: the Safety section ----------------------------------- */

/* The heading text of a markdown ATX heading line, or NULL. */
static const char *heading(const char *p, const char *e, size_t *n)
{
	int hashes = 0, sp = 0;

	while (p < e && *p == ' ' && sp < 4) {
		p++;
		sp++;
	}
	if (sp > 3)
		return NULL;
	while (p < e && *p == '#') {
		p++;
		hashes++;
	}
	if (hashes < 1 || hashes > 6 || (p < e && *p != ' ' && *p != '\t'))
		return NULL;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	while (e > p && e[-1] == '#')   /* closing sequence */
		e--;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*n = (size_t)(e - p);
	return p;
}

static bool is_safety_heading(const char *h, size_t n)
{
	static const char *const names[] = { "Safety", "SAFETY", "Implementation safety",
					     "Implementation Safety", NULL };
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && memcmp(names[i], h, n) == 0)
			return true;
	return false;
}

/*
 * Looks for a Safety heading in doc text (markers stripped, one line per
 * line); fills *section with the text under it up to the next heading.
 */
static bool doc_safety(const char *doc, char **section)
{
	const char *p = doc;
	bool in_code = false, found = false;
	struct strbuf sb = STRBUF_INIT;

	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *e = nl ? nl : p + strlen(p);
		const char *q = p;
		size_t hn;
		const char *h;
		while (q < e && *q == ' ')
			q++;
		if (e - q >= 3 && (memcmp(q, "```", 3) == 0 || memcmp(q, "~~~", 3) == 0))
			in_code = !in_code;
		h = in_code ? NULL : heading(p, e, &hn);
		if (h) {
			if (found)
				break;
			if (is_safety_heading(h, hn))
				found = true;
		} else if (found) {
			if (sb.len || e > p)
				strbuf_add(&sb, p, (size_t)(e - p)), strbuf_addc(&sb, '\n');
		}
		p = nl ? nl + 1 : e;
	}
	while (sb.len && isspace((unsigned char)sb.buf[sb.len - 1]))
		sb.buf[--sb.len] = '\0';
	if (found)
		*section = strbuf_detach(&sb);
	else
		strbuf_free(&sb);
	return found;
}

/* Adds the unescaped content of a string literal token (for #[doc = ".."]). */
static void add_string_lit(struct strbuf *sb, const char *p, size_t n)
{
	const char *e = p + n;

	while (p < e && *p != '"')
		p++;
	if (p < e)
		p++;
	while (e > p && e[-1] == '#')
		e--;
	if (e > p && e[-1] == '"')
		e--;
	for (; p < e; p++) {
		if (*p == '\\' && p + 1 < e) {
			p++;
			strbuf_addc(sb, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
		} else {
			strbuf_addc(sb, *p);
		}
	}
}

/* The doc text of the item whose attributes span tokens [from, core):
 * outer doc comments lying between the token before `from` and `core`,
 * and #[doc = ".."] attributes, in order. */
static char *item_docs(const struct scan *s, int from, int core)
{
	struct strbuf sb = STRBUF_INIT;
	size_t lo = from > 0 ? s->t[from - 1].start + s->t[from - 1].len : 0;
	size_t hi = core < s->nt ? s->t[core].start : s->len;
	int d = 0, i = from;

	while (d < s->nd && s->docs[d].start < lo)
		d++;
	while ((d < s->nd && s->docs[d].start < hi) || i < core) {
		bool take_doc = d < s->nd && s->docs[d].start < hi &&
			(i >= core || s->docs[d].start < s->t[i].start);
		if (take_doc) {
			struct strbuf one = STRBUF_INIT;
			strip_comment(&one, s->src + s->docs[d].start, s->docs[d].len);
			strbuf_add(&sb, one.buf ? one.buf : "", one.len);
			strbuf_addc(&sb, '\n');
			strbuf_free(&one);
			d++;
			continue;
		}
		if (tis(s, i, "doc") && tis(s, i + 1, "=") && tkind(s, i + 2, RUST_TOK_STRING)) {
			add_string_lit(&sb, s->src + s->t[i + 2].start, s->t[i + 2].len);
			strbuf_addc(&sb, '\n');
			i += 3;
			continue;
		}
		i++;
	}
	return strbuf_detach(&sb);
}

/* Whether the attribute tokens [from, core) contain name ( word ... ). */
static bool attrs_have(const struct scan *s, int from, int core, const char *name, const char *word)
{
	for (int i = from; i + 2 < core; i++)
		if (tis_str(s, i, name) && tis(s, i + 1, "(")) {
			for (int j = i + 2; j < core && !tis(s, j, ")"); j++)
				if (tis_str(s, j, word))
					return true;
		}
	return false;
}

/* ---- items ------------------------------------------------------------ */

/* The innermost scope that is not a paren: kept by push in each scope,
 * since the walk asks for every token (the loop down the stack it replaced
 * was an eighth of the walk's time in long nested expressions). */
static struct scope *brace_scope(struct scan *s)
{
	return &s->st[s->depth > 0 ? s->st[s->depth - 1].brace : 0];
}

static char *join_path(struct scan *s, bool with_fn, bool *exported, bool *in_fn)
{
	struct strbuf sb = STRBUF_INIT;

	*exported = true;
	*in_fn = false;
	if (!with_fn) {
		strbuf_adds(&sb, s->file_module);
		for (int d = 0; d < s->depth; d++)
			if (s->st[d].kind == SC_MOD) {
				if (sb.len)
					strbuf_adds(&sb, "::");
				strbuf_adds(&sb, s->st[d].name ? s->st[d].name : "_");
				if (!s->st[d].is_pub)
					*exported = false;
			}
		return strbuf_detach(&sb);
	}
	/* the innermost fn with its impl / trait: "Type::name" */
	for (int d = s->depth - 1; d >= 0; d--) {
		if (s->st[d].kind == SC_FN) {
			*in_fn = true;
			for (int e = d - 1; e >= 0; e--) {
				if (s->st[e].kind == SC_IMPL || s->st[e].kind == SC_TRAIT) {
					strbuf_addf(&sb, "%s::", s->st[e].name ? s->st[e].name : "_");
					break;
				}
				if (s->st[e].kind != SC_PAREN && s->st[e].kind != SC_BLOCK &&
				    s->st[e].kind != SC_MATCH)
					break;
			}
			strbuf_adds(&sb, s->st[d].name ? s->st[d].name : "_");
			break;
		}
	}
	return strbuf_detach(&sb);
}

static int add_item(struct scan *s, enum unsafe_kind kind, int first_tok)
{
	struct unsafe_file *f = s->out;
	struct unsafe_item *it;
	bool exported, in_fn;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->items = xrealloc(f->items, f->cap * sizeof(*f->items));
	}
	it = &f->items[f->n];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->start = s->t[first_tok].start;
	it->end = it->start + s->t[first_tok].len;
	it->line = s->t[first_tok].line;
	it->line_end = it->line;
	it->module = join_path(s, false, &exported, &in_fn);
	it->function = join_path(s, true, &exported, &in_fn);
	it->name = xstrdup("");
	for (int d = 0; d < s->depth; d++)
		if (s->st[d].kind == SC_MACRO)
			it->in_macro = true;
	return (int)f->n++;
}

/* Finishes an item at token `last`: span end and fingerprint. */
static void finish_item(struct scan *s, int idx, int last)
{
	struct unsafe_item *it = &s->out->items[idx];
	const char *kn = unsafe_kind_name(it->kind);
	uint64_t h = HASH_FNV_OFFSET;
	int i;

	if (last >= s->nt)
		last = s->nt - 1;
	if (last >= 0) {
		it->end = s->t[last].start + s->t[last].len;
		it->line_end = s->t[last].end_line;
	}
	h = hash_fnv1a(h, kn, strlen(kn) + 1);
	/* the first significant token of the item: binary search by offset */
	int lo = 0, hi = s->nt;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (s->t[mid].start < it->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i <= last; i++) {
		h = hash_fnv1a(h, s->src + s->t[i].start, s->t[i].len);
		h = hash_fnv1a(h, " ", 1);
	}
	h = hash_fnv1a(h, "", 1);
	if (it->safety) {
		const char *p = it->safety;
		bool space = false, any = false;
		for (; *p; p++) {
			if (isspace((unsigned char)*p)) {
				space = any;
				continue;
			}
			if (space)
				h = hash_fnv1a(h, " ", 1);
			h = hash_fnv1a(h, p, 1);
			space = false;
			any = true;
		}
	}
	it->fingerprint = h;
}

/* Walks back from token i over fn/impl/trait qualifiers and visibility. */
static int item_first(const struct scan *s, int i, const struct scope *sc, bool *is_pub)
{
	int lo = sc->stmt_core >= 0 ? sc->stmt_core : 0;

	*is_pub = false;
	while (i > lo) {
		int p = i - 1;
		if (tis(s, p, "const") || tis(s, p, "async") || tis(s, p, "default") ||
		    tis(s, p, "extern") || tkind(s, p, RUST_TOK_STRING) || tis(s, p, "safe")) {
			i = p;
			continue;
		}
		if (tis(s, p, "pub")) {
			*is_pub = true;
			i = p;
			continue;
		}
		if (tis(s, p, ")")) {
			int q = p;
			while (q > lo && !tis(s, q, "("))
				q--;
			if (tis(s, q - 1, "pub")) {
				i = q - 1;   /* pub(crate): not exported */
				continue;
			}
		}
		break;
	}
	return i;
}

/*
 * clippy 1.95 also takes a SAFETY comment as the block's first content:
 * the first comment after the block's `{` (nothing but whitespace before
 * it, on its line or the lines below) must say SAFETY:. A run of `//`
 * lines counts only when its first line says it (measured: `// note` then
 * `// SAFETY:` is reported). open is the `{` token.
 */
static bool safety_inside(const struct scan *s, int open, char **text, int *from, int *to)
{
	size_t a, b;
	struct rustlex lx;
	struct rust_token t;

	if (open < 0 || open >= s->nt)
		return false;
	a = (size_t)s->t[open].start + 1;
	b = open + 1 < s->nt ? s->t[open + 1].start : s->len;
	if (b <= a)
		return false;
	rustlex_init(&lx, s->src + a, b - a);
	while (rustlex_next(&lx, &t) && t.kind == RUST_TOK_WHITESPACE)
		;
	if (t.kind != RUST_TOK_LINE_COMMENT && t.kind != RUST_TOK_BLOCK_COMMENT &&
	    t.kind != RUST_TOK_DOC_COMMENT)
		return false;
	if (t.unterminated || !has_safety_word(s->src + a + t.start, t.len))
		return false;
	struct strbuf sb = STRBUF_INIT;
	size_t cstart = a + t.start, cend = cstart + t.len;
	int first = s->t[open].line, l;
	for (l = first; l < s->nlines && s->line_start[l + 1] <= cstart; l++)
		;
	*from = l;
	if (t.kind == RUST_TOK_LINE_COMMENT) {
		/* the argument goes on over the // lines right below */
		int last = l;
		while (last + 1 <= s->nlines) {
			size_t n;
			const char *p = line_trimmed(s, last + 1, &n);
			if (p >= s->src + b || !(n >= 2 && p[0] == '/' && p[1] == '/'))
				break;
			last++;
			cend = s->line_start[last + 1];
		}
		*to = last;
	} else {
		*to = l;
		while (*to < s->nlines && s->line_start[*to + 1] < cend)
			(*to)++;
	}
	strip_comment(&sb, s->src + cstart, cend - cstart);
	*text = strbuf_detach(&sb);
	return true;
}

/* The documentation tests for a finished-at-start item. */
static void document_block(struct scan *s, int idx, int u)
{
	struct unsafe_item *it = &s->out->items[idx];
	struct scope *sc = brace_scope(s);
	int bound = s->crate_root ? 1 : 0;
	char *text = NULL;
	int from = 0, to = 0;

	for (int d = s->depth - 1; d >= 0; d--) {
		if (s->st[d].kind == SC_FN || s->st[d].kind == SC_MACRO) {
			bound = s->st[d].open_line;
			break;
		}
		if (s->st[d].kind == SC_MOD) {
			bound = s->st[d].open_line;
			break;
		}
	}
	bool ok = safety_above(s, bound, s->t[u].line, &text, &from, &to);
	bool in_macro = s->out->items[idx].in_macro;
	/* in a macro body clippy only looks right above the block (the
	 * statement's span is not in the root context) */
	if (!ok && !in_macro && sc->kind != SC_FILE) {
		int core = sc->stmt_core, first = sc->stmt_start;
		if (sc->kind == SC_MATCH) {
			/* an arm's expression: no attributes */
			first = core;
		}
		if (core >= 0 && core <= u) {
			bool branchy = false;
			if (core < u && (tis(s, core, "if") || tis(s, core, "match") ||
					 tis(s, core, "while") || tis(s, core, "loop") ||
					 (tkind(s, core, RUST_TOK_LIFETIME) &&
					  (tis(s, core + 2, "while") || tis(s, core + 2, "loop"))))) {
				branchy = true;
				for (int i = core; i < u; i++)
					if (tis(s, i, "=") && !tis(s, i + 1, "=") && !tis(s, i + 1, ">") &&
					    !(i > 0 && (tis(s, i - 1, "=") || tis(s, i - 1, "!") ||
							tis(s, i - 1, "<") || tis(s, i - 1, ">"))))
						branchy = false;
			}
			if (!branchy) {
				if (core < u)
					ok = safety_above(s, bound, s->t[core].line, &text, &from, &to);
				if (!ok && first >= 0 && first < core)
					ok = safety_above(s, bound, s->t[first].line, &text, &from, &to);
			}
		}
	} else if (!ok && !in_macro && sc->kind == SC_FILE) {
		/* static / const at the crate's top level */
		int core = sc->stmt_core, first = sc->stmt_start;
		if (core >= 0 && core < u)
			ok = safety_above(s, bound, s->t[core].line, &text, &from, &to);
		if (!ok && first >= 0 && first < core)
			ok = safety_above(s, bound, s->t[first].line, &text, &from, &to);
	}
	if (!ok)
		ok = safety_inside(s, u + 1, &text, &from, &to);
	it->documented = ok;
	it->safety = text;
	it->safety_line = ok ? from : 0;
	it->safety_line_end = ok ? to : 0;
	/* blocks in a local macro are reported where the macro is defined,
	 * when it is used somewhere */
	it->clippy_flags = !ok && !s->test_file && !sc->cfg_test;
}

/* unsafe impl / unsafe extern: the comment between the previous item and it. */
static void document_item_comment(struct scan *s, int idx, int first)
{
	struct unsafe_item *it = &s->out->items[idx];
	struct scope *sc = brace_scope(s);
	int bound;
	bool maybe = false;
	char *text = NULL;
	int from = 0, to = 0;

	switch (sc->kind) {
	case SC_FILE:
		if (sc->prev_end_line)
			bound = sc->prev_end_line;
		else {
			bound = 0;               /* the crate root: from its first line */
			maybe = !s->crate_root;  /* clippy looks in the parent file */
		}
		break;
	case SC_MOD:
		bound = sc->prev_end_line ? sc->prev_end_line : sc->open_line;
		break;
	case SC_FN: case SC_BLOCK:
		bound = sc->open_line;
		break;
	default:
		bound = sc->open_line;
		maybe = true;
		break;
	}
	if (bound >= s->t[first].line)
		it->documented = false;
	else
		it->documented = safety_above(s, bound, s->t[first].line, &text, &from, &to);
	/* or above its first attribute that is not a doc comment */
	if (!it->documented && sc->stmt_start >= 0 && sc->stmt_start < first &&
	    tis(s, sc->stmt_start, "#") && bound < s->t[sc->stmt_start].line)
		it->documented = safety_above(s, bound, s->t[sc->stmt_start].line, &text, &from, &to);
	it->safety = text;
	it->safety_line = it->documented ? from : 0;
	it->safety_line_end = it->documented ? to : 0;
	it->clippy_flags = it->kind == UNSAFE_IMPL && !it->documented && !maybe &&
		!it->in_macro && !s->test_file && !sc->cfg_test;
}

/* unsafe fn / unsafe trait: the Safety section of the doc comment. */
static void document_doc(struct scan *s, int idx, bool is_pub)
{
	struct unsafe_item *it = &s->out->items[idx];
	struct scope *sc = brace_scope(s);
	int from = sc->stmt_start >= 0 ? sc->stmt_start : 0;
	int core = sc->stmt_core >= 0 ? sc->stmt_core : from;
	char *doc = item_docs(s, from, core), *section = NULL;
	bool exported, in_fn, hidden;

	hidden = sc->hidden || attrs_have(s, from, core, "doc", "hidden");
	it->documented = doc_safety(doc, &section);
	free(doc);
	if (it->documented) {
		/* the argument's lines: the doc comments and attributes above the item */
		size_t lo = from > 0 ? s->t[from - 1].start + s->t[from - 1].len : 0;
		it->safety = section;
		it->safety_line = s->t[from].line;
		for (int d = 0; d < s->nd; d++)
			if (s->docs[d].start >= lo && s->docs[d].start < s->t[core].start &&
			    s->docs[d].line < it->safety_line)
				it->safety_line = s->docs[d].line;
		it->safety_line_end = s->t[core].line > it->safety_line ? s->t[core].line - 1 : it->safety_line;
	}
	bool in_trait_impl = sc->kind == SC_IMPL && sc->trait_impl;
	if (!it->documented && in_trait_impl) {
		it->documented = true;  /* the trait's # Safety applies */
		it->safety = xstrdup("(documented by the trait)");
	}
	/* exported: pub all the way (trait items take the trait's visibility) */
	bool vis = is_pub;
	if (sc->kind == SC_TRAIT)
		vis = sc->is_pub;
	bool nested_fn = false;
	for (int d = 0; d < s->depth; d++)
		if (s->st[d].kind == SC_FN || s->st[d].kind == SC_BLOCK || s->st[d].kind == SC_EXTERN)
			nested_fn = true;
	/* join_path's module part decides `exported` for enclosing mods */
	free(join_path(s, false, &exported, &in_fn));
	it->clippy_flags = !it->documented && vis && exported && !nested_fn && !hidden &&
		!it->in_macro && !s->test_file && !sc->cfg_test;
}

/* ---- the walk ----------------------------------------------------------- */

static void push(struct scan *s, enum scope_kind kind, int open)
{
	struct scope *sc;

	if (s->depth == s->capst) {
		s->capst = s->capst ? s->capst * 2 : 32;
		s->st = xrealloc(s->st, (size_t)s->capst * sizeof(*s->st));
	}
	sc = &s->st[s->depth++];
	memset(sc, 0, sizeof(*sc));
	sc->kind = kind;
	sc->open = open;
	sc->open_line = open >= 0 ? s->t[open].line : 0;
	sc->item = -1;
	sc->stmt_start = sc->stmt_core = -1;
	sc->brace = kind != SC_PAREN || s->depth < 2 ? s->depth - 1 : s->st[s->depth - 2].brace;
	if (s->depth > 1) {
		sc->hidden = s->st[s->depth - 2].hidden;
		sc->cfg_test = s->st[s->depth - 2].cfg_test;
	}
}

static void pend_clear(struct scan *s)
{
	free(s->pend.name);
	memset(&s->pend, 0, sizeof(s->pend));
	s->pend.depth = -1;
	s->pend.item = -1;
}

/* Sets what the next { at this depth opens. */
static void pend_set(struct scan *s, enum scope_kind kind, char *name, int item)
{
	struct scope *sc = brace_scope(s);

	pend_clear(s);
	s->pend.kind = kind;
	s->pend.depth = s->depth;
	s->pend.name = name;
	s->pend.item = item;
	if (sc->stmt_start >= 0 && sc->stmt_core >= 0) {
		s->pend.hidden = attrs_have(s, sc->stmt_start, sc->stmt_core, "doc", "hidden");
		s->pend.cfg_test = attrs_have(s, sc->stmt_start, sc->stmt_core, "cfg", "test");
		s->pend.is_pub = tis(s, sc->stmt_core, "pub") && !tis(s, sc->stmt_core + 1, "(");
		s->pend.line = s->t[sc->stmt_core].line;
	}
}

/* The impl's type name: the last identifier at angle depth 0 before {
 * or `where`, after `for` when there is one. */
static char *impl_name(const struct scan *s, int from, int to, bool *trait_impl)
{
	int angle = 0, last = -1;

	*trait_impl = false;
	for (int i = from; i < to; i++) {
		if (tis(s, i, "<"))
			angle++;
		else if (tis(s, i, ">") && !tis(s, i - 1, "-"))
			angle -= angle > 0;
		else if (angle == 0 && tis(s, i, "where"))
			break;
		else if (angle == 0 && tis(s, i, "for") && !tis(s, i + 1, "<")) {
			*trait_impl = true;
			last = -1;
		} else if (angle == 0 && tkind(s, i, RUST_TOK_IDENT))
			last = i;
	}
	return last >= 0 ? ttext(s, last) : xstrdup("_");
}

/* A statement ends at a closing } when it is block-like or an item. */
static bool block_like(const struct scan *s, int core)
{
	static const char *const words[] = {
		"if", "match", "loop", "while", "for", "unsafe", "fn", "impl", "mod",
		"trait", "struct", "enum", "union", "extern", "pub", "const", "static",
		"async", "macro_rules", "use", "type", "default", "auto", NULL,
	};
	if (core < 0)
		return false;
	if (tis(s, core, "{") || tkind(s, core, RUST_TOK_LIFETIME))
		return true;
	for (int i = 0; words[i]; i++)
		if (tis_str(s, core, words[i]))
			return true;
	/* a macro call with braces: name! { } */
	return tkind(s, core, RUST_TOK_IDENT) && tis(s, core + 1, "!");
}

static void stmt_end(struct scope *sc, int line)
{
	sc->stmt_start = sc->stmt_core = -1;
	sc->inner_attr = false;
	sc->prev_end_line = line;
}

static void on_unsafe(struct scan *s, int i)
{
	struct scope *sc = brace_scope(s);
	int j = i + 1, idx;
	bool is_pub;

	if (tis(s, j, "{")) {
		idx = add_item(s, UNSAFE_BLOCK, i);
		document_block(s, idx, i);
		s->pend.depth = -1;
		pend_set(s, SC_BLOCK, NULL, idx);
		return;
	}
	if (tis(s, j, "extern")) {
		int k = j + 1;
		if (tkind(s, k, RUST_TOK_STRING) || tkind(s, k, RUST_TOK_RAW_STRING))
			k++;
		if (tis(s, k, "{")) {
			int first = item_first(s, i, sc, &is_pub);
			idx = add_item(s, UNSAFE_EXTERN, first);
			document_item_comment(s, idx, first);
			pend_set(s, SC_EXTERN, NULL, idx);
			return;
		}
		j = k;
	}
	if (tis(s, j, "fn") && tkind(s, j + 1, RUST_TOK_IDENT)) {
		if (sc->kind == SC_EXTERN)
			return;   /* a foreign declaration: the extern block covers it */
		int first = item_first(s, i, sc, &is_pub);
		char *name = ttext(s, j + 1);
		idx = add_item(s, UNSAFE_FN, first);
		struct unsafe_item *it = &s->out->items[idx];
		free(it->name);
		it->name = xstrdup(name);
		/* the fn's own path: the enclosing impl/trait type, then its name */
		struct strbuf sb = STRBUF_INIT;
		if (sc->kind == SC_IMPL || sc->kind == SC_TRAIT)
			strbuf_addf(&sb, "%s::", sc->name ? sc->name : "_");
		strbuf_adds(&sb, name);
		free(it->function);
		it->function = strbuf_detach(&sb);
		document_doc(s, idx, is_pub);
		pend_set(s, SC_FN, name, idx);
		return;
	}
	if (tis(s, j, "auto"))
		j++;
	if (tis(s, j, "trait") && tkind(s, j + 1, RUST_TOK_IDENT)) {
		int first = item_first(s, i, sc, &is_pub);
		char *name = ttext(s, j + 1);
		idx = add_item(s, UNSAFE_TRAIT, first);
		free(s->out->items[idx].name);
		s->out->items[idx].name = xstrdup(name);
		document_doc(s, idx, is_pub);
		pend_set(s, SC_TRAIT, name, idx);
		s->pend.is_pub = is_pub;
		return;
	}
	if (tis(s, j, "impl")) {
		int first = item_first(s, i, sc, &is_pub);
		idx = add_item(s, UNSAFE_IMPL, first);
		document_item_comment(s, idx, first);
		pend_set(s, SC_IMPL, NULL, idx);
		s->pend.tok = j;
		return;
	}
}

static void walk(struct scan *s)
{
	push(s, SC_FILE, -1);
	s->st[0].open_line = s->crate_root ? 1 : 0;
	pend_clear(s);
	for (int i = 0; i < s->nt; i++) {
		struct rust_span *t = &s->t[i];
		struct scope *sc = brace_scope(s);
		bool at_level = s->st[s->depth - 1].kind != SC_PAREN;
		char c = t->kind == RUST_TOK_PUNCT ? (char)t->first : 0;

		/* statement bookkeeping in the innermost brace scope */
		if (at_level && c != '}') {
			if (sc->kind == SC_MATCH) {
				if (c == ',') {
					sc->stmt_start = sc->stmt_core = -1;
					continue;
				}
				if (c == '=' && tis(s, i + 1, ">")) {
					sc->stmt_start = sc->stmt_core = -2;  /* the arm's expression follows */
				} else if (sc->stmt_core == -2 && c != '>') {
					sc->stmt_start = sc->stmt_core = i;
				}
			} else {
				if (sc->stmt_start < 0)
					sc->stmt_start = i;
				if (sc->stmt_core < 0) {
					if (c == '#' && (tis(s, i + 1, "[") || (tis(s, i + 1, "!") && tis(s, i + 2, "[")))) {
						if (tis(s, i + 1, "!"))
							sc->inner_attr = true;
					} else if (!(c == '!' && tis(s, i - 1, "#")) &&
						   !(c == '[' && (tis(s, i - 1, "#") ||
								  (tis(s, i - 1, "!") && tis(s, i - 2, "#"))))) {
						sc->stmt_core = i;
					}
				}
				if (c == ';') {
					if (s->pend.depth == s->depth && s->pend.item >= 0 &&
					    s->pend.kind == SC_FN)
						finish_item(s, s->pend.item, i);
					if (s->pend.depth == s->depth)
						pend_clear(s);
					stmt_end(sc, t->line);
					continue;
				}
			}
		}

		if (c == '(' || c == '[') {
			push(s, SC_PAREN, i);
			continue;
		}
		if (c == ')' || c == ']') {
			if (s->depth > 1 && s->st[s->depth - 1].kind == SC_PAREN) {
				s->depth--;
				if (c == ']' && s->depth >= 1) {
					struct scope *b = brace_scope(s);
					if (b->inner_attr && b->stmt_core < 0 && s->st[s->depth - 1].kind != SC_PAREN)
						stmt_end(b, b->prev_end_line);
				}
			}
			continue;
		}
		if (c == '{') {
			enum scope_kind k = SC_BLOCK;
			struct pending p = s->pend;
			bool take = p.depth == s->depth;
			if (take)
				k = p.kind;
			push(s, k, i);
			struct scope *n = &s->st[s->depth - 1];
			if (take) {
				n->name = p.name;
				s->pend.name = NULL;
				n->item = p.item;
				n->hidden = n->hidden || p.hidden;
				n->cfg_test = n->cfg_test || p.cfg_test;
				n->is_pub = p.is_pub;
				if (k == SC_MOD)
					n->open_line = p.line;
				if (k == SC_IMPL) {
					n->name = impl_name(s, p.tok + 1, i, &n->trait_impl);
					if (p.item >= 0) {
						free(s->out->items[p.item].name);
						s->out->items[p.item].name = xstrdup(n->name);
					}
				}
				pend_clear(s);
			}
			continue;
		}
		if (c == '}') {
			if (s->depth <= 1)
				continue;   /* unbalanced: ignore */
			while (s->depth > 1 && s->st[s->depth - 1].kind == SC_PAREN)
				s->depth--;
			if (s->depth <= 1)
				continue;   /* only parens were open: unbalanced */
			struct scope *closing = &s->st[s->depth - 1];
			if (closing->item >= 0)
				finish_item(s, closing->item, i);
			free(closing->name);
			s->depth--;
			if (s->pend.depth > s->depth)
				pend_clear(s);
			struct scope *b = brace_scope(s);
			if (s->st[s->depth - 1].kind != SC_PAREN && b->kind != SC_MATCH &&
			    block_like(s, b->stmt_core) && !tis(s, i + 1, "else") &&
			    !tis(s, i + 1, ".") && !tis(s, i + 1, "?") && !tis(s, b->stmt_core, "let")) {
				/* `const X: T = unsafe {..};` and `static` end at their ; */
				bool has_eq = false;
				int angle = 0;
				if (tis(s, b->stmt_core, "const") || tis(s, b->stmt_core, "static") ||
				    tis(s, b->stmt_core, "pub") || tis(s, b->stmt_core, "type"))
					for (int q = b->stmt_core; q < i && !has_eq && !tis(s, q, "{"); q++) {
						if (tis(s, q, "<"))
							angle++;
						else if (tis(s, q, ">") && !tis(s, q - 1, "-") && !tis(s, q - 1, "="))
							angle -= angle > 0;
						else if (angle == 0 && tis(s, q, "=") && !tis(s, q + 1, ">") &&
							 !tis(s, q + 1, "="))
							has_eq = true;
					}
				if (!has_eq)
					stmt_end(b, t->line);
			}
			continue;
		}
		if (t->kind == RUST_TOK_KEYWORD) {
			if (tis(s, i, "unsafe")) {
				on_unsafe(s, i);
			} else if (tis(s, i, "fn") && tkind(s, i + 1, RUST_TOK_IDENT)) {
				if (s->pend.depth != s->depth || s->pend.kind != SC_FN)
					pend_set(s, SC_FN, ttext(s, i + 1), -1);
			} else if (tis(s, i, "impl") && (s->pend.depth != s->depth || s->pend.kind != SC_IMPL) &&
				   at_level && sc->stmt_core >= 0 &&
				   (tis(s, sc->stmt_core, "impl") || tis(s, sc->stmt_core, "default") ||
				    tis(s, sc->stmt_core, "pub"))) {
				pend_set(s, SC_IMPL, NULL, -1);
				s->pend.tok = i;
			} else if (tis(s, i, "trait") && tkind(s, i + 1, RUST_TOK_IDENT) &&
				   (s->pend.depth != s->depth || s->pend.kind != SC_TRAIT)) {
				pend_set(s, SC_TRAIT, ttext(s, i + 1), -1);
			} else if (tis(s, i, "mod") && tkind(s, i + 1, RUST_TOK_IDENT) && tis(s, i + 2, "{")) {
				pend_set(s, SC_MOD, ttext(s, i + 1), -1);
			} else if (tis(s, i, "extern") && !tis(s, i - 1, "unsafe") &&
				   (tis(s, i + 1, "{") ||
				    (tkind(s, i + 1, RUST_TOK_STRING) && tis(s, i + 2, "{")))) {
				pend_set(s, SC_EXTERN, NULL, -1);
			} else if (tis(s, i, "match")) {
				if (s->pend.depth != s->depth)
					pend_set(s, SC_MATCH, NULL, -1);
			}
		} else if (t->kind == RUST_TOK_IDENT && tis(s, i, "macro_rules") && tis(s, i + 1, "!") &&
			   tkind(s, i + 2, RUST_TOK_IDENT)) {
			pend_set(s, SC_MACRO, ttext(s, i + 2), -1);
		}
	}
	/* close what is still open at the end */
	while (s->depth > 0) {
		struct scope *sc = &s->st[s->depth - 1];
		if (sc->item >= 0)
			finish_item(s, sc->item, s->nt - 1);
		free(sc->name);
		s->depth--;
	}
	if (s->pend.item >= 0)
		finish_item(s, s->pend.item, s->nt - 1);
	pend_clear(s);
}

/* ---- file level ---------------------------------------------------------- */

static char *module_of(const char *relpath, bool *root, bool *test_file)
{
	const char *p = relpath, *src = NULL;
	struct strbuf sb = STRBUF_INIT;

	*root = false;
	*test_file = false;
	for (const char *q = p; (q = strstr(q, "src/")); q += 4)
		if (q == p || q[-1] == '/')
			src = q + 4;
	if (!src) {
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		*root = true;
		*test_file = strstr(p, "tests/") == p || strstr(p, "/tests/") ||
			strstr(p, "benches/") == p || strstr(p, "/benches/") ||
			strstr(p, "examples/") == p || strstr(p, "/examples/");
		(void)base;
		return xstrdup("");
	}
	if (strcmp(src, "lib.rs") == 0 || strcmp(src, "main.rs") == 0 ||
	    strncmp(src, "bin/", 4) == 0) {
		*root = true;
		return xstrdup("");
	}
	for (const char *q = src; *q; q++) {
		if (strcmp(q, ".rs") == 0)
			break;
		if (strcmp(q, "/mod.rs") == 0)
			break;
		if (*q == '/')
			strbuf_adds(&sb, "::");
		else
			strbuf_addc(&sb, *q);
	}
	return strbuf_detach(&sb);
}

struct unsafe_scanner {
	struct rust_span *t;      /* owned: token buffer, reused from file to file */
	int capt;                 /* its capacity, in tokens */
	uint32_t *marks;          /* owned: scan_decls' token positions, capt of room */
	struct rust_span *docs;   /* owned: outer doc comment buffer, reused */
	int capd;                 /* its capacity */
	size_t *lines;            /* owned: the line starts of a file with unsafe, reused */
	int capl;                 /* its capacity */
	struct scope *st;         /* owned: the scope stack, reused (names freed per file) */
	int capst;                /* its capacity */
};

struct unsafe_scanner *unsafe_scan_new(void)
{
	return xcalloc(1, sizeof(struct unsafe_scanner));
}

void unsafe_scan_free(struct unsafe_scanner *sc)
{
	if (!sc)
		return;
	free(sc->t);
	free(sc->marks);
	free(sc->docs);
	free(sc->lines);
	free(sc->st);
	free(sc);
}

/* Tokens the walk never looks at: lexed, not kept. */
#define SCAN_SKIP ((1u << RUST_TOK_WHITESPACE) | (1u << RUST_TOK_LINE_COMMENT) | \
		   (1u << RUST_TOK_BLOCK_COMMENT))
#define SCAN_BATCH 512

/*
 * The whole file lexed once into s->t (code tokens) and s->docs (outer doc
 * comments). rustlex_run stores straight into s->t and says whether an
 * `unsafe` keyword (in code, not in a comment or string) was among the
 * tokens; only then, the doc comments move out of s->t. Returns that.
 */
/* The tokens scan_decls looks at (see there): braces, and keywords that
 * start like mod, impl or pub. */
static const unsigned char decl_mark[256] = {
	['{'] = 1, ['}'] = 1, ['m'] = 2, ['i'] = 2, ['p'] = 2,
};

static bool lex_file(struct scan *s)
{
	struct rustlex lx;
	size_t got;
	/* locals, not s->: the stores into the token buffer could alias them */
	struct rust_span *tv = s->t;
	uint32_t *marks = s->marks;
	int nt = 0, cap = s->capt;

	/* room for a token per four bytes up front: growing in the middle of a
	 * file copies the tokens so far (and touches fresh pages twice) */
	if ((size_t)cap < s->len / 4 + SCAN_BATCH && s->len / 4 < (size_t)INT_MAX / 2) {
		cap = (int)(s->len / 4) + SCAN_BATCH;
		if (cap < 2 * s->capt)
			cap = 2 * s->capt;
		free(tv);
		tv = xmalloc((size_t)cap * sizeof(*tv));
		free(marks);
		marks = xmalloc((size_t)cap * sizeof(*marks));
	}
	rustlex_init(&lx, s->src, s->len);
	lx.mark = decl_mark;
	do {
		if (nt + SCAN_BATCH > cap) {
			cap = cap ? cap * 2 : 4096;
			tv = xrealloc(tv, (size_t)cap * sizeof(*tv));
			marks = xrealloc(marks, (size_t)cap * sizeof(*marks));
		}
		lx.marks = marks;   /* (moved by a grow) */
		lx.mark_base = (uint32_t)nt;
		got = rustlex_run(&lx, tv + nt, SCAN_BATCH, SCAN_SKIP);
		nt += (int)got;
	} while (got == SCAN_BATCH);
	s->t = tv;
	s->marks = marks;
	s->nmarks = (int)lx.nmarks;
	s->capt = cap;
	s->nt = nt;      /* every token, doc comments too: the declaration pass reads them */
	return lx.unsafe_seen;
}

/* Outer doc comments to s->docs, inner ones dropped, the rest close up. */
static void move_docs(struct scan *s)
{
	struct rust_span *tv = s->t;
	int nt = s->nt, w = 0;


	for (int k = 0; k < nt; k++) {
		if (tv[k].kind != RUST_TOK_DOC_COMMENT) {
			tv[w++] = tv[k];
		} else if (!tv[k].inner_doc) {
			if (s->nd == s->capd) {
				s->capd = s->capd ? s->capd * 2 : 64;
				s->docs = xrealloc(s->docs, (size_t)s->capd * sizeof(*s->docs));
			}
			s->docs[s->nd++] = tv[k];
		}
	}
	s->nt = w;
}

static void add_reexport(struct unsafe_file *out, char *name)
{
	if (out->nre == out->capre) {
		out->capre = out->capre ? 2 * out->capre : 8;
		out->reexports = xrealloc(out->reexports, out->capre * sizeof(*out->reexports));
	}
	out->reexports[out->nre++] = name;
}

/*
 * The declaration pass over all of s->t (doc comments included): `mod x;`
 * with the inline `mod a { .. }` around it, and the names in `pub use`.
 */
static void scan_decls(struct scan *s, const char *file_module)
{
	struct unsafe_file *out = s->out;
	int depth = 0, nin = 0, capin = 0;
	struct inl { int depth; char *name; } *in = NULL;   /* open inline mods */
	char *pending = NULL;

	int past = -1;   /* the last token a `pub use` took */

	/* only a brace or a keyword starting like mod, impl or pub can
	 * matter: the lexer listed their positions (lex_file's decl_mark),
	 * so the other tokens of every file are never read here */
	for (int mk = 0; mk < s->nmarks; mk++) {
		int i = (int)s->marks[mk];
		if (i <= past)
			continue;
		if (tis(s, i, "{")) {
			depth++;
			if (pending) {
				if (nin == capin) {
					capin = capin ? 2 * capin : 8;
					in = xrealloc(in, (size_t)capin * sizeof(*in));
				}
				in[nin].depth = depth;
				in[nin++].name = pending;
				pending = NULL;
			}
		} else if (tis(s, i, "}")) {
			if (nin && in[nin - 1].depth == depth)
				free(in[--nin].name);
			depth -= depth > 0;
		} else if (tis(s, i, "mod") && tkind(s, i + 1, RUST_TOK_IDENT) &&
			   (tis(s, i + 2, ";") || tis(s, i + 2, "{"))) {
			if (tis(s, i + 2, "{")) {
				free(pending);
				pending = ttext(s, i + 1);
				continue;
			}
			struct strbuf sb = STRBUF_INIT;
			strbuf_adds(&sb, file_module);
			for (int k = 0; k < nin; k++) {
				if (sb.len)
					strbuf_adds(&sb, "::");
				strbuf_adds(&sb, in[k].name);
			}
			if (sb.len)
				strbuf_adds(&sb, "::");
			strbuf_add(&sb, s->src + s->t[i + 1].start, s->t[i + 1].len);
			if (out->nmods == out->capmods) {
				out->capmods = out->capmods ? 2 * out->capmods : 8;
				out->mods = xrealloc(out->mods, out->capmods * sizeof(*out->mods));
			}
			out->mods[out->nmods].path = strbuf_detach(&sb);
			out->mods[out->nmods++].is_pub = tis(s, i - 1, "pub");
		} else if (tis(s, i, "impl")) {
			/* `impl Trait for Type`: rustc counts a trait implemented
			 * for a type as reachable (bumpalo's private `Alloc`) */
			int j, angle = 0;
			for (j = i + 1; j < s->nt && j < i + 256 && !tis(s, j, "{") && !tis(s, j, ";"); j++)
				if (tis(s, j, "for") && angle == 0)
					break;
				else if (tis(s, j, "<"))
					angle++;
				else if (tis(s, j, ">") && !tis(s, j - 1, "-"))
					angle -= angle > 0;
			if (tis(s, j, "for")) {
				int m = j - 1;
				if (tis(s, m, ">")) {   /* Trait<T>: back over the generics */
					int d = 0;
					for (; m > i; m--) {
						if (tis(s, m, ">"))
							d++;
						else if (tis(s, m, "<") && --d == 0)
							break;
					}
					m--;
				}
				if (m > i && tkind(s, m, RUST_TOK_IDENT))
					add_reexport(out, ttext(s, m));
			}
		} else if (tis(s, i, "pub") && tis(s, i + 1, "use")) {
			int j;
			for (j = i + 2; j < s->nt && !tis(s, j, ";"); j++) {
				if (tkind(s, j, RUST_TOK_IDENT) && !tis(s, j - 1, "as"))
					add_reexport(out, ttext(s, j));
				else if (tis(s, j, "*")) {
					/* `a::*`: the path separator is one token or two */
					int m = tis(s, j - 1, "::") ? j - 2 :
						tis(s, j - 1, ":") && tis(s, j - 2, ":") ? j - 3 : -1;
					if (m >= 0 && tkind(s, m, RUST_TOK_IDENT))
						add_reexport(out, xasprintf("%.*s::*", (int)s->t[m].len,
									    s->src + s->t[m].start));
				}
			}
			past = j;   /* (the braces of `a::{b, c}` are not blocks) */
		}
	}
	free(pending);
	while (nin)
		free(in[--nin].name);
	free(in);
}

void unsafe_scan_file(struct unsafe_scanner *sc, struct unsafe_file *out, const char *src,
		      size_t len, const char *relpath)
{
	struct scan s;
	bool any_unsafe;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.len = len;
	s.out = out;
	s.pend.depth = -1;
	s.pend.item = -1;
	s.t = sc->t;
	s.capt = sc->capt;
	s.marks = sc->marks;
	s.docs = sc->docs;
	s.capd = sc->capd;
	/* a full lex of every file; the structure is walked only when there
	 * is an `unsafe` keyword */
	any_unsafe = lex_file(&s);
	s.file_module = module_of(relpath ? relpath : "", &s.crate_root, &s.test_file);
	scan_decls(&s, s.file_module);
	if (any_unsafe)
		move_docs(&s);
	sc->t = s.t;
	sc->capt = s.capt;
	sc->marks = s.marks;
	sc->docs = s.docs;
	sc->capd = s.capd;
	if (!any_unsafe) {
		free(s.file_module);
		return;
	}
	s.line_start = sc->lines;
	s.capl = sc->capl;
	s.st = sc->st;
	s.capst = sc->capst;
	build_lines(&s);
	walk(&s);
	sc->lines = s.line_start;
	sc->capl = s.capl;
	sc->st = s.st;
	sc->capst = s.capst;
	free(s.file_module);
}

void unsafe_scan_source(struct unsafe_file *out, const char *src, size_t len, const char *relpath)
{
	struct unsafe_scanner *sc = unsafe_scan_new();

	unsafe_scan_file(sc, out, src, len, relpath);
	unsafe_scan_free(sc);
}

void unsafe_scan_decls(struct unsafe_file *out, const char *src, size_t len, const char *relpath)
{
	struct scan s;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.len = len;
	s.out = out;
	lex_file(&s);
	s.file_module = module_of(relpath ? relpath : "", &s.crate_root, &s.test_file);
	scan_decls(&s, s.file_module);
	free(s.file_module);
	free(s.t);
	free(s.marks);
}

/* The crate a relpath belongs to: the length of its text up to "src/"
 * (0 for a file outside src/). */
static size_t crate_prefix(const char *relpath)
{
	const char *src = NULL;

	for (const char *q = relpath; (q = strstr(q, "src/")); q += 4)
		if (q == relpath || q[-1] == '/')
			src = q + 4;
	return src ? (size_t)(src - relpath) : 0;
}

struct reach_key {
	char *key;                /* owned: crate prefix, '|', module path or name */
	bool is_pub;              /* mods: some declaration is pub */
	uint64_t hash;            /* in a reach_map: key_hash of key */
};

static int cmp_reach_key(const void *a, const void *b)
{
	return strcmp(((const struct reach_key *)a)->key, ((const struct reach_key *)b)->key);
}

static struct reach_key *reach_find(struct reach_key *v, size_t n, const char *key)
{
	struct reach_key k = { (char *)key, false, 0 };
	return n ? bsearch(&k, v, n, sizeof(*v), cmp_reach_key) : NULL;
}

/* The key "PREFIX|TEXT" (the crate's relpath prefix, then a module path or
 * name, TEXT's first tlen bytes) in sb, reused: a registry looks up tens of
 * thousands of keys, and building each with xasprintf was most of the
 * pass. */
static const char *reach_key_in(struct strbuf *sb, const char *relpath, size_t pl, const char *text,
				size_t tlen)
{
	strbuf_reset(sb);
	strbuf_add(sb, relpath, pl);
	strbuf_addc(sb, '|');
	strbuf_add(sb, text, tlen);
	return strbuf_str(sb);
}

/* Whether item it is one unsafe_reach may clear. */
static bool reach_candidate(const struct unsafe_item *it)
{
	return it->clippy_flags && (it->kind == UNSAFE_FN || it->kind == UNSAFE_TRAIT) && *it->module;
}

/*
 * The crates (relpath prefixes, "a/src/", '|' after each) of the files with
 * an item unsafe_reach may clear, sorted; NULL when every crate counts (a
 * path with a '|' in it: keys could then match across crates). Only these
 * crates' declarations are looked up, so only theirs need keys: on a
 * registry, a few dozen of hundreds.
 */
static struct reach_key *reach_crates(const struct unsafe_file *out, const char *const *relpaths,
				      size_t n, size_t *nc)
{
	struct reach_key *c = NULL;
	size_t cap = 0, w = 0;

	*nc = 0;
	for (size_t f = 0; f < n; f++) {
		bool want = false;
		if (strchr(relpaths[f], '|')) {
			for (size_t i = 0; i < *nc; i++)
				free(c[i].key);
			free(c);
			return NULL;
		}
		for (size_t i = 0; i < out[f].n && !want; i++)
			want = reach_candidate(&out[f].items[i]);
		if (!want)
			continue;
		if (*nc == cap) {
			cap = cap ? 2 * cap : 16;
			c = xrealloc(c, cap * sizeof(*c));
		}
		c[*nc].key = xasprintf("%.*s|", (int)crate_prefix(relpaths[f]), relpaths[f]);
		c[*nc].hash = 0;   /* (a sorted list: no map) */
		c[(*nc)++].is_pub = false;
	}
	if (*nc)
		qsort(c, *nc, sizeof(*c), cmp_reach_key);
	for (size_t i = 0; i < *nc; i++) {
		if (w && strcmp(c[w - 1].key, c[i].key) == 0)
			free(c[i].key);
		else
			c[w++] = c[i];
	}
	*nc = w;
	return c ? c : xcalloc(1, sizeof(*c));
}

/* The keys of one kind (declared modules, or exported names) as a hash
 * set: a registry has about 15,000, which sorting for bsearch had made a
 * third of the pass. */
struct reach_map {
	struct reach_key *slot;   /* key NULL: empty */
	size_t mask, n;
};

/* A key's hash in a reach_map (in memory only): a registry's maps hold
 * tens of thousands of 40-byte keys, where FNV's byte a step was a third
 * of unsafe_reach's time. */
static uint64_t key_hash(const char *key)
{
	return hash_final(hash_words(0, key, strlen(key)));
}

static struct reach_key *reach_map_slot(const struct reach_map *m, const char *key, uint64_t h)
{
	for (size_t i = (size_t)h;; i++) {
		struct reach_key *sl = &m->slot[i & m->mask];
		if (!sl->key || (sl->hash == h && strcmp(sl->key, key) == 0))
			return sl;
	}
}

/* Adds the key (owned, freed when it is there already) with is_pub; a key
 * added twice is pub when either was. */
static void reach_map_put(struct reach_map *m, char *key, bool is_pub)
{
	struct reach_key *sl;
	uint64_t h = key_hash(key);

	if (!m->slot || 2 * (m->n + 1) > m->mask + 1) {
		size_t cap = m->slot ? 2 * (m->mask + 1) : 256;   /* at most half full */
		struct reach_map g = { xcalloc(cap, sizeof(*g.slot)), cap - 1, m->n };
		for (size_t i = 0; m->slot && i <= m->mask; i++)
			if (m->slot[i].key)
				*reach_map_slot(&g, m->slot[i].key, m->slot[i].hash) = m->slot[i];
		free(m->slot);
		*m = g;
	}
	sl = reach_map_slot(m, key, h);
	if (sl->key) {
		sl->is_pub = sl->is_pub || is_pub;
		free(key);
		return;
	}
	sl->key = key;
	sl->is_pub = is_pub;
	sl->hash = h;
	m->n++;
}

static struct reach_key *reach_map_get(const struct reach_map *m, const char *key)
{
	struct reach_key *sl;

	if (!m->n)
		return NULL;
	sl = reach_map_slot(m, key, key_hash(key));
	return sl->key ? sl : NULL;
}

static void reach_map_free(struct reach_map *m)
{
	for (size_t i = 0; m->slot && i <= m->mask; i++)
		free(m->slot[i].key);
	free(m->slot);
}

void unsafe_reach(struct unsafe_file *out, const char *const *relpaths, size_t n)
{
	struct reach_map mods = { 0 }, re = { 0 };
	struct reach_key *crates;
	size_t nc;
	bool any = false;
	struct strbuf key = STRBUF_INIT;

	crates = reach_crates(out, relpaths, n, &nc);
	for (size_t f = 0; f < n; f++) {
		size_t pl;
		if (!out[f].nmods && !out[f].nre)
			continue;
		pl = crate_prefix(relpaths[f]);
		/* only the crates with an item to decide (their key: "PREFIX|") */
		if (crates && !reach_find(crates, nc, reach_key_in(&key, relpaths[f], pl, "", 0)))
			continue;
		for (size_t m = 0; m < out[f].nmods; m++) {
			const char *path = out[f].mods[m].path;
			reach_key_in(&key, relpaths[f], pl, path, strlen(path));
			reach_map_put(&mods, xstrdup(strbuf_str(&key)), out[f].mods[m].is_pub);
			any = any || !out[f].mods[m].is_pub;
		}
		for (size_t r = 0; r < out[f].nre; r++) {
			const char *name = out[f].reexports[r];
			reach_key_in(&key, relpaths[f], pl, name, strlen(name));
			reach_map_put(&re, xstrdup(strbuf_str(&key)), true);
		}
	}
	if (!any)
		goto out;   /* every declared module is pub */
	for (size_t f = 0; f < n; f++) {
		size_t pl = out[f].n ? crate_prefix(relpaths[f]) : 0;
		for (size_t i = 0; i < out[f].n; i++) {
			struct unsafe_item *it = &out[f].items[i];
			bool hidden = false;
			const char *last = it->module;
			if (!reach_candidate(it))
				continue;
			/* each prefix of the module path: a::b, then a::b::c, ... */
			for (const char *p = it->module;; p += 2) {
				const char *e = strstr(p, "::");
				size_t plen = e ? (size_t)(e - it->module) : strlen(it->module);
				struct reach_key *k = reach_map_get(&mods, reach_key_in(&key, relpaths[f], pl,
										       it->module, plen));
				if (k && !k->is_pub)
					hidden = true;
				last = p;
				if (!e)
					break;
				p = e;
			}
			if (!hidden)
				continue;
			/* exported by name, by its module's glob, or (a method) by
			 * its impl's or trait's type */
			const char *sep = strstr(it->function, "::");
			const char *iname = it->name ? it->name : "";
			bool exported = reach_map_get(&re, reach_key_in(&key, relpaths[f], pl, iname,
									strlen(iname)));
			if (!exported) {
				reach_key_in(&key, relpaths[f], pl, last, strlen(last));
				strbuf_adds(&key, "::*");
				exported = reach_map_get(&re, strbuf_str(&key));
			}
			if (!exported && sep)
				exported = reach_map_get(&re, reach_key_in(&key, relpaths[f], pl, it->function,
									  (size_t)(sep - it->function)));
			if (!exported)
				it->clippy_flags = false;
		}
	}
out:
	reach_map_free(&mods);
	reach_map_free(&re);
	for (size_t i = 0; crates && i < nc; i++)
		free(crates[i].key);
	free(crates);
	strbuf_free(&key);
}

void unsafe_file_release(struct unsafe_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nmods; i++)
		free(f->mods[i].path);
	free(f->mods);
	for (size_t i = 0; i < f->nre; i++)
		free(f->reexports[i]);
	free(f->reexports);
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].module);
		free(f->items[i].function);
		free(f->items[i].name);
		free(f->items[i].safety);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static const char *const kind_names[] = { "block", "fn", "impl", "trait", "extern" };

const char *unsafe_kind_name(enum unsafe_kind k)
{
	return (unsigned)k < 5 ? kind_names[k] : "?";
}

int unsafe_kind_parse(const char *name)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

void unsafe_fingerprint_hex(char buf[17], uint64_t fp)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--) {
		buf[i] = hex[fp & 0xf];
		fp >>= 4;
	}
	buf[16] = '\0';
}
