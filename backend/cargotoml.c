/*
 * cargotoml.c - the line-preserving Cargo.toml editor (see cargotoml.h).
 *
 * Each line is kept verbatim. A key line records its normalized key, the
 * table it belongs to, and the span of its value, which may run over
 * following lines (arrays, inline tables, multi-line strings); those lines
 * are marked as continuations. An edit rewrites only a value's span, or
 * inserts whole new lines.
 */
#include "cargotoml.h"
#include "error.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

enum line_kind {
	LINE_OTHER,     /* blank or comment */
	LINE_TABLE,     /* [name] */
	LINE_ARRAY,     /* [[name]] */
	LINE_KEY,       /* key = value */
	LINE_CONT,      /* continuation of the value above */
};

struct tline {
	char *text;             /* owned, without the newline */
	enum line_kind kind;
	char *name;             /* owned: TABLE/ARRAY name or KEY key, normalized */
	int table;              /* KEY: index of its header line, -1 = root */
	size_t vstart;          /* KEY: value's first byte in text */
	int vlast;              /* KEY: index of the line where the value ends */
	size_t vend;            /* KEY: value's end in lines[vlast].text */
};

struct cargotoml {
	struct tline *lines;    /* owned */
	int n, cap;
	bool final_newline;     /* the text ended in '\n' */
};

static void add_line(struct cargotoml *t, int at, const char *text, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->lines = xrealloc(t->lines, (size_t)t->cap * sizeof(*t->lines));
	}
	memmove(&t->lines[at + 1], &t->lines[at], (size_t)(t->n - at) * sizeof(*t->lines));
	memset(&t->lines[at], 0, sizeof(*t->lines));
	t->lines[at].text = xstrndup(text, len);
	t->lines[at].table = -1;
	t->n++;
}

static bool is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* Parses a dotted key at p into sb (segments joined by '.'); NULL on error. */
static const char *parse_key(const char *p, struct strbuf *sb)
{
	for (;;) {
		p = skip_ws(p);
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q) {
				if (q == '"' && *p == '\\' && p[1])
					p++;
				strbuf_addc(sb, *p++);
			}
			if (*p != q)
				return NULL;
			p++;
		} else if (is_bare(*p)) {
			while (is_bare(*p))
				strbuf_addc(sb, *p++);
		} else {
			return NULL;
		}
		p = skip_ws(p);
		if (*p != '.')
			return p;
		strbuf_addc(sb, '.');
		p++;
	}
}

static bool rest_is_comment(const char *p)
{
	p = skip_ws(p);
	return *p == '\0' || *p == '#';
}

enum str_mode { STR_NONE, STR_BASIC, STR_LITERAL, STR_ML_BASIC, STR_ML_LITERAL };

/*
 * Scans a value starting at lines[*li].text + pos; on success *li and *end
 * are where it ends (exclusive, trailing blanks and comment excluded).
 */
static int scan_value(struct cargotoml *t, int *li, size_t pos, size_t *end)
{
	int depth = 0, first = *li;
	enum str_mode mode = STR_NONE;
	size_t last_end = pos;
	bool any = false;

	for (int i = *li; i < t->n; i++) {
		const char *s = t->lines[i].text;
		size_t p = i == first ? pos : 0;
		size_t len = strlen(s);

		if (i != first)
			t->lines[i].kind = LINE_CONT;
		while (p < len) {
			char c = s[p];
			if (mode == STR_BASIC || mode == STR_ML_BASIC) {
				if (c == '\\' && p + 1 < len) {
					p += 2;
					continue;
				}
				if (c == '"') {
					if (mode == STR_BASIC) {
						mode = STR_NONE;
					} else if (strncmp(s + p, "\"\"\"", 3) == 0) {
						while (s[p + 3] == '"')
							p++;
						p += 2;
						mode = STR_NONE;
					}
				}
				p++;
				last_end = p;
				continue;
			}
			if (mode == STR_LITERAL || mode == STR_ML_LITERAL) {
				if (c == '\'') {
					if (mode == STR_LITERAL) {
						mode = STR_NONE;
					} else if (strncmp(s + p, "'''", 3) == 0) {
						while (s[p + 3] == '\'')
							p++;
						p += 2;
						mode = STR_NONE;
					}
				}
				p++;
				last_end = p;
				continue;
			}
			if (c == '#')
				break;
			if (c == ' ' || c == '\t' || c == '\r') {
				p++;
				continue;
			}
			if (depth == 0 && any && last_end < p &&
			    (s[last_end] == ' ' || s[last_end] == '\t')) {
				return rwb_fail(RWB_EINPUT, "Cargo.toml line %d: unexpected text after a value", i + 1);
			}
			any = true;
			if (c == '"') {
				mode = strncmp(s + p, "\"\"\"", 3) == 0 ? STR_ML_BASIC : STR_BASIC;
				p += mode == STR_ML_BASIC ? 3 : 1;
			} else if (c == '\'') {
				mode = strncmp(s + p, "'''", 3) == 0 ? STR_ML_LITERAL : STR_LITERAL;
				p += mode == STR_ML_LITERAL ? 3 : 1;
			} else if (c == '[' || c == '{') {
				depth++;
				p++;
			} else if (c == ']' || c == '}') {
				if (depth == 0)
					return rwb_fail(RWB_EINPUT, "Cargo.toml line %d: unbalanced '%c'", i + 1, c);
				depth--;
				p++;
			} else {
				p++;
			}
			last_end = p;
		}
		if (mode == STR_BASIC || mode == STR_LITERAL)
			return rwb_fail(RWB_EINPUT, "Cargo.toml line %d: unterminated string", i + 1);
		if (depth == 0 && mode == STR_NONE) {
			if (!any)
				return rwb_fail(RWB_EINPUT, "Cargo.toml line %d: a key without a value", i + 1);
			*li = i;
			*end = last_end;
			return RWB_OK;
		}
		last_end = 0;
	}
	return rwb_fail(RWB_EINPUT, "Cargo.toml line %d: a value that never ends (missing ']', '}' or closing quotes)",
			first + 1);
}

static int classify(struct cargotoml *t)
{
	int table = -1;
	struct strbuf name = STRBUF_INIT;
	int rc = RWB_OK;

	for (int i = 0; i < t->n && rc == RWB_OK; i++) {
		struct tline *l = &t->lines[i];
		const char *p = skip_ws(l->text);

		strbuf_reset(&name);
		if (*p == '\0' || *p == '#') {
			l->kind = LINE_OTHER;
		} else if (*p == '[') {
			bool arr = p[1] == '[';
			const char *q = parse_key(p + (arr ? 2 : 1), &name);
			if (!q || *q != ']' || (arr && q[1] != ']') || !rest_is_comment(q + (arr ? 2 : 1))) {
				rc = rwb_fail(RWB_EINPUT, "Cargo.toml line %d: a table header must be [name] or [[name]]", i + 1);
				break;
			}
			l->kind = arr ? LINE_ARRAY : LINE_TABLE;
			l->name = xstrdup(strbuf_str(&name));
			table = i;
		} else {
			const char *q = parse_key(p, &name);
			int last = i;
			size_t end = 0;
			if (!q || *q != '=') {
				rc = rwb_fail(RWB_EINPUT, "Cargo.toml line %d: expected key = value, a [table] or a comment", i + 1);
				break;
			}
			q = skip_ws(q + 1);
			rc = scan_value(t, &last, (size_t)(q - l->text), &end);
			if (rc)
				break;
			l->kind = LINE_KEY;
			l->name = xstrdup(strbuf_str(&name));
			l->table = table;
			l->vstart = (size_t)(q - l->text);
			l->vlast = last;
			l->vend = end;
			i = last;
		}
	}
	strbuf_free(&name);
	return rc;
}

int cargotoml_parse(struct cargotoml **out, const char *text, size_t len)
{
	struct cargotoml *t = xcalloc(1, sizeof(*t));
	const char *p = text, *end = text + len;
	int rc;

	*out = NULL;
	if (memchr(text, '\0', len)) {
		cargotoml_free(t);
		return rwb_fail(RWB_EINPUT, "Cargo.toml contains a NUL byte: it is not a text file");
	}
	t->final_newline = len > 0 && text[len - 1] == '\n';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		add_line(t, t->n, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	rc = classify(t);
	if (rc) {
		cargotoml_free(t);
		return rc;
	}
	*out = t;
	return RWB_OK;
}

void cargotoml_free(struct cargotoml *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n; i++) {
		free(t->lines[i].text);
		free(t->lines[i].name);
	}
	free(t->lines);
	free(t);
}

/* The index of table's header, -2 when missing (-1 = the root table ""). */
static int find_table(const struct cargotoml *t, const char *table)
{
	if (!*table)
		return -1;
	for (int i = 0; i < t->n; i++)
		if (t->lines[i].kind == LINE_TABLE && strcmp(t->lines[i].name, table) == 0)
			return i;
	return -2;
}

static int find_key(const struct cargotoml *t, int table, const char *key)
{
	for (int i = 0; i < t->n; i++)
		if (t->lines[i].kind == LINE_KEY && t->lines[i].table == table &&
		    strcmp(t->lines[i].name, key) == 0)
			return i;
	return -1;
}

bool cargotoml_has_table(const struct cargotoml *t, const char *table)
{
	return find_table(t, table) != -2;
}

char *cargotoml_get(const struct cargotoml *t, const char *table, const char *key)
{
	int ti = find_table(t, table), ki;
	struct strbuf sb = STRBUF_INIT;
	const struct tline *l;

	if (ti == -2 || (ki = find_key(t, ti, key)) < 0)
		return NULL;
	l = &t->lines[ki];
	if (l->vlast == ki) {
		strbuf_add(&sb, l->text + l->vstart, l->vend - l->vstart);
	} else {
		strbuf_adds(&sb, l->text + l->vstart);
		for (int i = ki + 1; i < l->vlast; i++) {
			strbuf_addc(&sb, '\n');
			strbuf_adds(&sb, t->lines[i].text);
		}
		strbuf_addc(&sb, '\n');
		strbuf_add(&sb, t->lines[l->vlast].text, l->vend);
	}
	return strbuf_detach(&sb);
}

/* Re-reads the structure after an edit (the text stays as it is). */
static void reclassify(struct cargotoml *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->lines[i].name);
		t->lines[i].name = NULL;
		t->lines[i].table = -1;
	}
	if (classify(t) != RWB_OK)
		fatal("cargotoml: an edit produced TOML it cannot read: %s", rwb_last_error());
}

int cargotoml_set(struct cargotoml *t, bool *changed, const char *table, const char *key,
		  const char *value)
{
	int ti = find_table(t, table), ki;
	char *old, *line;

	*changed = false;
	if (strchr(value, '\n'))
		return RWB_EINPUT;
	if (ti == -2) {
		if (t->n && t->lines[t->n - 1].text[0] != '\0')
			add_line(t, t->n, "", 0);
		line = xasprintf("[%s]", table);
		add_line(t, t->n, line, strlen(line));
		free(line);
		ti = t->n - 1;
		t->final_newline = true;
	}
	ki = find_key(t, ti, key);
	if (ki >= 0) {
		struct tline *l = &t->lines[ki];
		struct strbuf sb = STRBUF_INIT;
		old = cargotoml_get(t, table, key);
		if (old && strcmp(old, value) == 0) {
			free(old);
			return RWB_OK;
		}
		free(old);
		strbuf_add(&sb, l->text, l->vstart);
		strbuf_adds(&sb, value);
		strbuf_adds(&sb, t->lines[l->vlast].text + l->vend);
		for (int i = l->vlast; i > ki; i--) {
			free(t->lines[i].text);
			free(t->lines[i].name);
			memmove(&t->lines[i], &t->lines[i + 1], (size_t)(t->n - i - 1) * sizeof(*t->lines));
			t->n--;
		}
		free(l->text);
		l->text = strbuf_detach(&sb);
	} else {
		/* after the table's last key, else right after its header */
		int at = ti + 1;
		for (int i = ti + 1; i < t->n; i++) {
			if (t->lines[i].kind == LINE_TABLE || t->lines[i].kind == LINE_ARRAY)
				break;
			if (t->lines[i].kind == LINE_KEY) {
				at = t->lines[i].vlast + 1;
				i = t->lines[i].vlast;
			}
		}
		line = xasprintf("%s = %s", key, value);
		add_line(t, at, line, strlen(line));
		free(line);
		if (at == t->n - 1)
			t->final_newline = true;
	}
	*changed = true;
	reclassify(t);
	return RWB_OK;
}

char *cargotoml_text(const struct cargotoml *t)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < t->n; i++) {
		strbuf_adds(&sb, t->lines[i].text);
		if (i + 1 < t->n || t->final_newline)
			strbuf_addc(&sb, '\n');
	}
	return strbuf_detach(&sb);
}
