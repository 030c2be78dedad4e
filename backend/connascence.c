/*
 * connascence.c - coupling findings from the Rust lexer's tokens.
 *
 * Design: lex once into an array of significant tokens (no whitespace or
 * comments), then walk it with a few small recognisers: function headers
 * (parameters split at depth-0 commas, types compared as token text),
 * struct bodies and inherent impl blocks (fields and methods counted at
 * depth 1), literals outside attributes, const/static items and test code.
 * Other files of the crate are lexed the same way and only their literals
 * are kept. Nothing here parses Rust fully; it errs towards fewer findings.
 */
#define _GNU_SOURCE
#include "connascence.h"
#include "error.h"
#include "files.h"
#include "rustlex.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONN_MAX_CRATE_FILES 2000

struct tok {
	enum rust_tok kind;
	const char *s;           /* borrowed from the source */
	size_t len;
	int line;
	bool skip_literal;       /* inside an attribute, const/static item or test code */
};

struct toks {
	struct tok *v;           /* owned */
	size_t n, cap;
};

static void lex_all(struct toks *t, const char *src, size_t len)
{
	struct rustlex lx;
	struct rust_token rt;

	rustlex_init(&lx, src, len);
	while (rustlex_next(&lx, &rt)) {
		if (rt.kind == RUST_TOK_WHITESPACE || rt.kind == RUST_TOK_LINE_COMMENT ||
		    rt.kind == RUST_TOK_BLOCK_COMMENT || rt.kind == RUST_TOK_DOC_COMMENT)
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 256;
			t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
		}
		t->v[t->n++] = (struct tok){ rt.kind, src + rt.start, rt.len, rt.line, false };
	}
}

static bool is(const struct toks *t, size_t i, const char *text)
{
	size_t n = strlen(text);
	return i < t->n && t->v[i].len == n && memcmp(t->v[i].s, text, n) == 0;
}

/* '>' that closes a generic list, not the end of "->" or ">=" style pairs */
static bool closes_angle(const struct toks *t, size_t i)
{
	return is(t, i, ">") && !(i > 0 && is(t, i - 1, "-") && t->v[i - 1].s + 1 == t->v[i].s);
}

/* Index of the token matching the opener at i ( ( [ { < ), or t->n. */
static size_t match_close(const struct toks *t, size_t i)
{
	int depth = 0;

	for (size_t k = i; k < t->n; k++) {
		if (is(t, k, "(") || is(t, k, "[") || is(t, k, "{") || is(t, k, "<"))
			depth++;
		else if (is(t, k, ")") || is(t, k, "]") || is(t, k, "}") || closes_angle(t, k))
			depth--;
		if (depth == 0)
			return k;
	}
	return t->n;
}

static void add_finding(struct conn_report *r, const char *kind, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_finding(struct conn_report *r, const char *kind, int line, const char *fmt, ...)
{
	va_list ap;
	struct conn_finding *f;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->findings = xrealloc(r->findings, r->cap * sizeof(*r->findings));
	}
	f = &r->findings[r->n++];
	f->kind = kind;
	f->line = line;
	va_start(ap, fmt);
	f->message = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Token text joined without spaces (a type as written), capped. */
static void join(struct strbuf *sb, const struct toks *t, size_t a, size_t b)
{
	for (size_t k = a; k < b && sb->len < 200; k++) {
		if (k > a && (t->v[k].kind == RUST_TOK_IDENT || t->v[k].kind == RUST_TOK_KEYWORD) &&
		    (t->v[k - 1].kind == RUST_TOK_IDENT || t->v[k - 1].kind == RUST_TOK_KEYWORD))
			strbuf_addc(sb, ' ');
		strbuf_add(sb, t->v[k].s, t->v[k].len);
	}
}

/* ------------------------------------------------------------ functions */

struct param {
	struct strbuf name, type;
};

static void check_fn(struct conn_report *r, const struct toks *t, size_t i)
{
	size_t k = i + 2, close;
	struct param p[64];
	int np = 0, line = t->v[i].line;
	char fname[128];

	snprintf(fname, sizeof(fname), "%.*s", (int)t->v[i + 1].len, t->v[i + 1].s);
	if (is(t, k, "<"))
		k = match_close(t, k) + 1;
	if (!is(t, k, "("))
		return;
	close = match_close(t, k);
	if (close >= t->n)
		return;
	k++;
	while (k < close && np < 64) {
		size_t start = k, colon = 0;
		int depth = 0;
		bool receiver = false;
		for (; k < close; k++) {
			if (is(t, k, "(") || is(t, k, "[") || is(t, k, "{") || is(t, k, "<"))
				depth++;
			else if (is(t, k, ")") || is(t, k, "]") || is(t, k, "}") || closes_angle(t, k))
				depth--;
			else if (depth == 0 && is(t, k, ","))
				break;
			else if (depth == 0 && !colon && is(t, k, ":") && !is(t, k + 1, ":") && !is(t, k - 1, ":"))
				colon = k;
			if (is(t, k, "self") && !colon)
				receiver = true;
		}
		if (k > start && !receiver && colon) {
			p[np].name = (struct strbuf)STRBUF_INIT;
			p[np].type = (struct strbuf)STRBUF_INIT;
			strbuf_add(&p[np].name, t->v[colon - 1].s, t->v[colon - 1].len);
			join(&p[np].type, t, colon + 1, k);
			np++;
		}
		k++;
	}
	if (np > CONN_MAX_PARAMS)
		add_finding(r, "parameters", line,
			    "fn %s takes %d parameters (more than %d): group related ones in a struct or a builder",
			    fname, np, CONN_MAX_PARAMS);
	if (np >= CONN_POSITION_MIN) {
		bool done = false;
		for (int a = 0; a < np && !done; a++)
			for (int b = a + 1; b < np && !done; b++)
				if (strcmp(strbuf_str(&p[a].type), strbuf_str(&p[b].type)) == 0) {
					add_finding(r, "position", line,
						    "fn %s has %d positional parameters and %s and %s are both `%s`: "
						    "a call can swap them unnoticed; use newtypes or a struct with named fields",
						    fname, np, strbuf_str(&p[a].name), strbuf_str(&p[b].name),
						    strbuf_str(&p[a].type));
					done = true;
				}
	}
	for (int a = 0; a < np; a++) {
		strbuf_free(&p[a].name);
		strbuf_free(&p[a].type);
	}
}

/* ---------------------------------------------------------------- types */

struct type_methods {
	char name[128];
	int methods, line;
};

static void check_struct(struct conn_report *r, const struct toks *t, size_t i)
{
	size_t k = i + 2, close;
	int fields = 0, depth = 0;

	if (is(t, k, "<"))
		k = match_close(t, k) + 1;
	while (k < t->n && is(t, k, "where"))  /* where clauses end at '{' */
		while (k < t->n && !is(t, k, "{") && !is(t, k, ";"))
			k++;
	if (!is(t, k, "{"))
		return;
	close = match_close(t, k);
	for (size_t j = k + 1; j < close; j++) {
		if (is(t, j, "(") || is(t, j, "[") || is(t, j, "{") || is(t, j, "<"))
			depth++;
		else if (is(t, j, ")") || is(t, j, "]") || is(t, j, "}") || closes_angle(t, j))
			depth--;
		else if (depth == 0 && is(t, j, ":") && !is(t, j + 1, ":") && !is(t, j - 1, ":") &&
			 t->v[j - 1].kind == RUST_TOK_IDENT)
			fields++;
	}
	if (fields > CONN_MAX_FIELDS)
		add_finding(r, "god-type", t->v[i].line,
			    "struct %.*s has %d fields (more than %d): split it into smaller types that each own one concern",
			    (int)t->v[i + 1].len, t->v[i + 1].s, fields, CONN_MAX_FIELDS);
}

/* An inherent impl at i ("impl<..> Type<..> {"): adds its methods. */
static void count_impl(struct type_methods **tm, size_t *ntm, const struct toks *t, size_t i)
{
	size_t k = i + 1, close, name_at = 0;
	int depth = 0, methods = 0;

	if (is(t, k, "<"))
		k = match_close(t, k) + 1;
	for (; k < t->n && !is(t, k, "{") && !is(t, k, ";"); k++) {
		if (is(t, k, "for"))
			return;  /* a trait impl */
		if (is(t, k, "<"))
			k = match_close(t, k);
		else if (t->v[k].kind == RUST_TOK_IDENT && !name_at)
			name_at = k;
		else if (is(t, k, "where"))
			break;
	}
	while (k < t->n && !is(t, k, "{") && !is(t, k, ";"))
		k++;
	if (!name_at || !is(t, k, "{"))
		return;
	/* the last path segment names the type: a::b::Type */
	while (is(t, name_at + 1, ":") && is(t, name_at + 2, ":") && name_at + 3 < k &&
	       t->v[name_at + 3].kind == RUST_TOK_IDENT)
		name_at += 3;
	close = match_close(t, k);
	for (size_t j = k + 1; j < close; j++) {
		if (is(t, j, "{"))
			depth++;
		else if (is(t, j, "}"))
			depth--;
		else if (depth == 0 && is(t, j, "fn"))
			methods++;
	}
	for (size_t m = 0; m < *ntm; m++) {
		if (strlen((*tm)[m].name) == t->v[name_at].len &&
		    memcmp((*tm)[m].name, t->v[name_at].s, t->v[name_at].len) == 0) {
			(*tm)[m].methods += methods;
			return;
		}
	}
	*tm = xrealloc(*tm, (*ntm + 1) * sizeof(**tm));
	snprintf((*tm)[*ntm].name, sizeof((*tm)[*ntm].name), "%.*s", (int)t->v[name_at].len, t->v[name_at].s);
	(*tm)[*ntm].methods = methods;
	(*tm)[*ntm].line = t->v[i].line;
	(*ntm)++;
}

/* ------------------------------------------------------------- literals */

/* Marks literals that are not findings: attributes, const/static items,
 * and code under #[test] or #[cfg(test)]. */
static void mark_skipped(struct toks *t)
{
	bool test_next = false;

	for (size_t i = 0; i < t->n; i++) {
		if (is(t, i, "#") && (is(t, i + 1, "[") || (is(t, i + 1, "!") && is(t, i + 2, "[")))) {
			size_t open = is(t, i + 1, "[") ? i + 1 : i + 2, close = match_close(t, open);
			for (size_t k = i; k <= close && k < t->n; k++) {
				t->v[k].skip_literal = true;
				if ((is(t, k, "test") && k == open + 1) || (is(t, k, "cfg") && is(t, k + 2, "test")))
					test_next = true;
			}
			i = close < t->n ? close : t->n;
			continue;
		}
		if (test_next && (is(t, i, "{") || is(t, i, ";"))) {
			size_t close = is(t, i, "{") ? match_close(t, i) : i;
			for (size_t k = i; k <= close && k < t->n; k++)
				t->v[k].skip_literal = true;
			test_next = false;
			i = close < t->n ? close : t->n;
			continue;
		}
		if ((is(t, i, "const") || is(t, i, "static")) && i + 1 < t->n &&
		    (t->v[i + 1].kind == RUST_TOK_IDENT || is(t, i + 1, "mut"))) {
			int depth = 0;
			size_t k = i;
			for (; k < t->n; k++) {
				if (is(t, k, "(") || is(t, k, "[") || is(t, k, "{"))
					depth++;
				else if (is(t, k, ")") || is(t, k, "]") || is(t, k, "}"))
					depth--;
				t->v[k].skip_literal = true;
				if (depth <= 0 && is(t, k, ";"))
					break;
			}
			i = k < t->n ? k : t->n;
		}
	}
}

/* A number that carries no hidden meaning: 0, 1, 2 (any suffix or base). */
static bool plain_number(const struct tok *k)
{
	char digits[64];
	size_t n = 0;
	unsigned long v;
	char *end;

	for (size_t i = 0; i < k->len && n + 1 < sizeof(digits); i++)
		if (k->s[i] != '_')
			digits[n++] = k->s[i];
	digits[n] = '\0';
	if (strchr(digits, '.') || ((strchr(digits, 'e') || strchr(digits, 'E')) && !strstr(digits, "0x")))
		return strtod(digits, NULL) == 0.0 || strtod(digits, NULL) == 1.0;
	v = strtoul(digits, &end, 0);
	if (strncmp(digits, "0b", 2) == 0)
		v = strtoul(digits + 2, &end, 2);
	else if (strncmp(digits, "0o", 2) == 0)
		v = strtoul(digits + 2, &end, 8);
	return v <= 2;
}

static bool is_literal_candidate(const struct toks *t, size_t i)
{
	const struct tok *k = &t->v[i];

	if (k->skip_literal)
		return false;
	if (k->kind == RUST_TOK_NUMBER)
		return !plain_number(k) && !(i > 0 && is(t, i - 1, "."));
	if (k->kind == RUST_TOK_STRING)
		return k->len >= 5;  /* three characters inside the quotes */
	return false;
}

struct lit {
	char *text;              /* owned: the literal as written */
	int line;                /* first line in the analysed file */
	int count;
	struct strbuf elsewhere; /* "src/b.rs:12, ..." */
	int nelse;
};

static int lit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lit *)a)->text, ((const struct lit *)b)->text);
}

static struct lit *lit_find(struct lit *v, size_t n, const char *s, size_t len)
{
	char *key = xstrndup(s, len);
	struct lit probe = { .text = key }, *hit = bsearch(&probe, v, n, sizeof(*v), lit_cmp);

	free(key);
	return hit;
}

/* What a walk of the crate for other files' literals carries. */
struct crate_scan {
	struct lit *lits;
	size_t nlits;
	const char *self_real;      /* the file itself: not another file */
	int budget;                 /* files still to read */
};

/* files_walk_fn: each literal of ours that another .rs file of the crate
 * contains (rel names it; files.c's walk keeps rwb's one set of rules). */
static int scan_other(void *data, const char *rel, const char *abs, const struct stat *stp)
{
	struct crate_scan *cs = data;
	char real[PATH_MAX];
	struct stat st;
	FILE *fp;

	if (!files_is_rust(rel))
		return 0;
	if (cs->budget <= 0)
		return 1;   /* enough files read: the walk stops */
	if (!stp) {
		if (stat(abs, &st) != 0)
			return 0;
		stp = &st;
	}
	if (stp->st_size >= CONN_MAX_FILE)
		return 0;
	cs->budget--;
	if (!realpath(abs, real) || strcmp(real, cs->self_real) == 0 || !(fp = fopen(abs, "rb")))
		return 0;
	size_t size = (size_t)stp->st_size;
	char *src = xmalloc(size + 1);
	size_t len = fread(src, 1, size, fp);
	struct toks t = { 0 };
	fclose(fp);
	lex_all(&t, src, len);
	mark_skipped(&t);
	for (size_t i = 0; i < t.n; i++) {
		struct lit *l;
		if (!is_literal_candidate(&t, i))
			continue;
		l = lit_find(cs->lits, cs->nlits, t.v[i].s, t.v[i].len);
		if (l && !strstr(strbuf_str(&l->elsewhere), rel)) {
			if (l->nelse < 4)
				strbuf_addf(&l->elsewhere, "%s%s:%d", l->nelse ? ", " : "", rel, t.v[i].line);
			l->nelse++;
		}
	}
	free(t.v);
	free(src);
	return 0;
}

static void check_literals(struct conn_report *r, const struct toks *t, const char *file,
			   const char *crate_root)
{
	struct lit *lits = NULL;
	size_t n = 0;
	char self_real[PATH_MAX];

	for (size_t i = 0; i < t->n; i++) {
		struct lit *l;
		if (!is_literal_candidate(t, i))
			continue;
		if (t->v[i].kind == RUST_TOK_NUMBER)
			add_finding(r, "meaning", t->v[i].line,
				    "magic number %.*s: give it a name (const NAME: TYPE = %.*s;) so its meaning is written down",
				    (int)t->v[i].len, t->v[i].s, (int)t->v[i].len, t->v[i].s);
		l = NULL;
		for (size_t k = 0; k < n && !l; k++)
			if (strlen(lits[k].text) == t->v[i].len && memcmp(lits[k].text, t->v[i].s, t->v[i].len) == 0)
				l = &lits[k];
		if (!l) {
			lits = xrealloc(lits, (n + 1) * sizeof(*lits));
			l = &lits[n++];
			*l = (struct lit){ .text = xstrndup(t->v[i].s, t->v[i].len), .line = t->v[i].line };
		}
		l->count++;
	}
	for (size_t i = 0; i < n; i++)
		if (lits[i].text[0] == '"' && lits[i].count >= CONN_REPEAT_MIN)
			add_finding(r, "value", lits[i].line,
				    "the string %s appears %d times in this file: define it once (const NAME: &str = %s;) "
				    "so the copies cannot drift apart",
				    lits[i].text, lits[i].count, lits[i].text);
	if (crate_root && n) {
		struct crate_scan cs = { lits, n, self_real, CONN_MAX_CRATE_FILES };
		qsort(lits, n, sizeof(*lits), lit_cmp);
		if (!realpath(file, self_real))
			snprintf(self_real, sizeof(self_real), "%s", file);
		files_walk(crate_root, scan_other, &cs);
		for (size_t i = 0; i < n; i++)
			if (lits[i].nelse > 0)
				add_finding(r, "value", lits[i].line,
					    "%s %s also appears in %d other file%s (%s): share one const so the copies stay equal",
					    lits[i].text[0] == '"' ? "the string" : "the number", lits[i].text,
					    lits[i].nelse, lits[i].nelse == 1 ? "" : "s", strbuf_str(&lits[i].elsewhere));
	}
	for (size_t i = 0; i < n; i++) {
		free(lits[i].text);
		strbuf_free(&lits[i].elsewhere);
	}
	free(lits);
}

/* ----------------------------------------------------------------- main */

static int finding_cmp(const void *a, const void *b)
{
	const struct conn_finding *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

static int kind_weight(const char *kind)
{
	if (strcmp(kind, "position") == 0)
		return 3;
	if (strcmp(kind, "god-type") == 0)
		return 5;
	if (strcmp(kind, "meaning") == 0)
		return 1;
	return 2;
}

int connascence_analyze_text(struct conn_report **out, const char *file, const char *src, size_t len,
			     const char *crate_root)
{
	struct conn_report *r = xcalloc(1, sizeof(*r));
	struct toks t = { 0 };
	struct type_methods *tm = NULL;
	size_t ntm = 0;

	r->file = xstrdup(file);
	r->lines = len ? 1 : 0;
	for (size_t i = 0; i < len; i++)
		if (src[i] == '\n' && i + 1 < len)
			r->lines++;
	lex_all(&t, src, len);
	mark_skipped(&t);
	for (size_t i = 0; i + 1 < t.n; i++) {
		if (is(&t, i, "fn") && t.v[i + 1].kind == RUST_TOK_IDENT)
			check_fn(r, &t, i);
		else if (is(&t, i, "struct") && t.v[i + 1].kind == RUST_TOK_IDENT)
			check_struct(r, &t, i);
		else if (is(&t, i, "impl"))
			count_impl(&tm, &ntm, &t, i);
	}
	for (size_t m = 0; m < ntm; m++)
		if (tm[m].methods > CONN_MAX_METHODS)
			add_finding(r, "god-type", tm[m].line,
				    "type %s has %d inherent methods (more than %d): move groups of them into "
				    "smaller types or traits", tm[m].name, tm[m].methods, CONN_MAX_METHODS);
	check_literals(r, &t, file, crate_root);
	if (r->n)
		qsort(r->findings, r->n, sizeof(*r->findings), finding_cmp);
	for (size_t i = 0; i < r->n; i++)
		r->score += kind_weight(r->findings[i].kind);
	free(tm);
	free(t.v);
	*out = r;
	return RWB_OK;
}

/* The nearest folder at or above path's folder that has Cargo.toml. */
static char *find_crate_root(const char *path)
{
	char real[PATH_MAX], *slash;

	if (!realpath(path, real))
		return NULL;
	while ((slash = strrchr(real, '/'))) {
		char *manifest;
		struct stat st;
		*slash = '\0';
		manifest = xasprintf("%s/Cargo.toml", real[0] ? real : "");
		if (stat(manifest, &st) == 0) {
			free(manifest);
			return xstrdup(real[0] ? real : "/");
		}
		free(manifest);
	}
	return NULL;
}

int connascence_analyze_file(struct conn_report **out, const char *path)
{
	FILE *fp;
	struct stat st;
	char *src, *root;
	size_t len;
	int rc;

	*out = NULL;
	if (stat(path, &st) != 0)
		return rwb_fail(RWB_ENOTFOUND, "cannot read %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rwb_fail(RWB_EINPUT, "%s is not a file: --file takes one Rust source file", path);
	if ((size_t)st.st_size > CONN_MAX_FILE)
		return rwb_fail(RWB_EINPUT, "%s is %lld bytes: files up to %u bytes are analysed", path,
				(long long)st.st_size, CONN_MAX_FILE);
	if (!(fp = fopen(path, "rb")))
		return rwb_fail(RWB_EIO, "cannot read %s: %s", path, strerror(errno));
	src = xmalloc((size_t)st.st_size + 1);
	len = fread(src, 1, (size_t)st.st_size, fp);
	fclose(fp);
	if (memchr(src, '\0', len)) {
		free(src);
		return rwb_fail(RWB_EINPUT, "%s is binary (it has NUL bytes): --file takes a Rust source file", path);
	}
	root = find_crate_root(path);
	rc = connascence_analyze_text(out, path, src, len, root);
	free(root);
	free(src);
	return rc;
}

void connascence_report_free(struct conn_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->findings[i].message);
	free(r->findings);
	free(r->file);
	free(r);
}

cJSON *connascence_json(const struct conn_report *r)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "file", r->file);
	cJSON_AddNumberToObject(o, "score", r->score);
	cJSON_AddNumberToObject(o, "lines", r->lines);
	for (size_t i = 0; i < r->n; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "kind", r->findings[i].kind);
		cJSON_AddNumberToObject(f, "line", r->findings[i].line);
		cJSON_AddStringToObject(f, "message", r->findings[i].message);
		cJSON_AddItemToArray(arr, f);
	}
	cJSON_AddItemToObject(o, "findings", arr);
	return o;
}
