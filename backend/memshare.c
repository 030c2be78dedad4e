/*
 * memshare.c - the patterns line file and its merge rule (see memshare.h).
 *
 * Design: a line is parsed with cJSON after the raw bytes are checked
 * (length, UTF-8, \u0000, git conflict markers), so every refusal names the
 * line. Lines are written by building the object in one fixed field order
 * and printing it unformatted. The merge works on plain memory_entry arrays
 * so it is tested without a store.
 *
 * Never: touch the store, or let a refusal span more than one line.
 */
#include "memshare.h"
#include "error.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"
#include "hash.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* ---------------------------------------------------------------- identity */

/* The fields of rule 1 as one byte string (NULs between the fields). */
static void identity_text(struct strbuf *sb, const struct memory_entry *e)
{
	const char *f[] = { nz(e->value), nz(e->layer), nz(e->category), nz(e->project), nz(e->intent),
			    nz(e->tags), nz(e->agent), nz(e->ns) };

	strbuf_reset(sb);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		strbuf_add(sb, f[i], strlen(f[i]) + 1);
	strbuf_addf(sb, "%lld,%lld,%lld", (long long)e->created_at, (long long)e->updated_at,
		    (long long)e->expires_at);
}

bool memshare_same(const struct memory_entry *a, const struct memory_entry *b)
{
	return a->created_at == b->created_at && a->updated_at == b->updated_at &&
	       a->expires_at == b->expires_at && !strcmp(nz(a->value), nz(b->value)) &&
	       !strcmp(nz(a->layer), nz(b->layer)) && !strcmp(nz(a->category), nz(b->category)) &&
	       !strcmp(nz(a->project), nz(b->project)) && !strcmp(nz(a->intent), nz(b->intent)) &&
	       !strcmp(nz(a->tags), nz(b->tags)) && !strcmp(nz(a->agent), nz(b->agent)) &&
	       !strcmp(nz(a->ns), nz(b->ns));
}

int memshare_cmp(const struct memory_entry *a, const struct memory_entry *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	uint64_t hx, hy;
	int c;

	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	if (a->updated_at != b->updated_at)
		return a->updated_at < b->updated_at ? -1 : 1;
	identity_text(&x, a);
	identity_text(&y, b);
	hx = hash_fnv1a(HASH_FNV_OFFSET, x.buf, x.len);
	hy = hash_fnv1a(HASH_FNV_OFFSET, y.buf, y.len);
	if (hx != hy) {
		c = hx < hy ? -1 : 1;
	} else {
		c = memcmp(x.buf, y.buf, x.len < y.len ? x.len : y.len);
		if (!c)
			c = x.len < y.len ? -1 : x.len > y.len;
	}
	strbuf_free(&x);
	strbuf_free(&y);
	return c;
}

static int entry_cmp(const void *a, const void *b)
{
	return memshare_cmp(a, b);
}

int memshare_merge(struct memory_entry *v, int n)
{
	int kept = 0, prev = 0;

	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), entry_cmp);
	for (int i = 0; i < n; i++) {
		int j;
		for (j = 0; j < kept && !memshare_same(&v[j], &v[i]); j++)
			;
		if (j < kept) {
			/* the same version twice: keep the higher number (sorted: v[i]'s) */
			if (v[i].version > v[j].version)
				v[j].version = v[i].version;
			memory_entry_release(&v[i]);
			continue;
		}
		if (kept != i)
			v[kept] = v[i];
		kept++;
	}
	if (kept > 1)
		qsort(v, (size_t)kept, sizeof(*v), entry_cmp);
	for (int i = 0; i < kept; i++) {
		if (v[i].version <= prev)
			v[i].version = prev + 1;
		prev = v[i].version;
	}
	return kept;
}

static int key_version_cmp(const void *pa, const void *pb);

void memshare_merge_all(struct memory_list *l)
{
	int k = 0;

	if (l->n > 1)
		qsort(l->v, (size_t)l->n, sizeof(*l->v), key_version_cmp);
	for (int i = 0, j; i < l->n; i = j) {
		int m;
		for (j = i; j < l->n && !strcmp(l->v[j].key, l->v[i].key); j++)
			;
		m = memshare_merge(l->v + i, j - i);
		memmove(l->v + k, l->v + i, (size_t)m * sizeof(*l->v));
		k += m;
	}
	l->n = k;
}

/* ------------------------------------------------------------------ format */

static int key_version_cmp(const void *pa, const void *pb)
{
	const struct memory_entry *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : a->version < b->version ? -1 : a->version > b->version;
}

static bool utf8_valid(const char *s, size_t n, size_t *bad)
{
	unsigned cp;

	for (size_t i = 0; i < n;) {
		int k = (unsigned char)s[i] < 0x80 ? 1 : sanitize_utf8_decode(s + i, n - i, &cp);
		if (k <= 0) {
			*bad = i;
			return false;
		}
		i += (size_t)k;
	}
	return true;
}

int memshare_format(char **text, struct memory_list *l)
{
	struct strbuf sb = STRBUF_INIT;

	*text = NULL;
	if (l->n > 1)   /* an empty list has no array */
		qsort(l->v, (size_t)l->n, sizeof(*l->v), key_version_cmp);
	strbuf_adds(&sb, MEMSHARE_HEADER "\n");
	for (int i = 0; i < l->n; i++) {
		const struct memory_entry *e = &l->v[i];
		const char *fields[] = { e->key, e->value, e->layer, e->category, e->project, e->intent,
					 e->tags, e->agent, e->ns };
		cJSON *o, *tags;
		char *line;
		size_t bad;
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			if (!utf8_valid(nz(fields[f]), strlen(nz(fields[f])), &bad)) {
				rwb_fail(RWB_EINPUT, "the entry \"%.80s\" (version %d) is not valid UTF-8 text (byte "
					 "%zu of a field), so it cannot be written as JSON; store it again as text "
					 "or leave it out with --key",
					 utf8_valid(e->key, strlen(e->key), &bad) ? e->key : "?", e->version, bad);
				strbuf_free(&sb);
				return RWB_EINPUT;
			}
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", e->key);
		cJSON_AddNumberToObject(o, "version", e->version);
		cJSON_AddStringToObject(o, "value", nz(e->value));
		cJSON_AddStringToObject(o, "layer", nz(e->layer));
		cJSON_AddStringToObject(o, "category", nz(e->category));
		cJSON_AddStringToObject(o, "project", nz(e->project));
		cJSON_AddStringToObject(o, "intent", nz(e->intent));
		tags = cJSON_AddArrayToObject(o, "tags");
		for (const char *p = nz(e->tags); *p;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if (n) {
				char *t = xstrndup(p, n);
				cJSON_AddItemToArray(tags, cJSON_CreateString(t));
				free(t);
			}
			p = c ? c + 1 : p + n;
		}
		cJSON_AddStringToObject(o, "agent", nz(e->agent));
		cJSON_AddStringToObject(o, "namespace", nz(e->ns));
		memory_json_time(o, "created_at", e->created_at);
		memory_json_time(o, "updated_at", e->updated_at);
		memory_json_time(o, "expires_at", e->expires_at);
		line = cJSON_PrintUnformatted(o);
		strbuf_adds(&sb, line);
		strbuf_addc(&sb, '\n');
		cJSON_free(line);
		cJSON_Delete(o);
	}
	*text = strbuf_detach(&sb);
	return RWB_OK;
}

/* ------------------------------------------------------------------- parse */

static int line_fail(size_t line, const char *key, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int line_fail(size_t line, const char *key, const char *field, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT, clean = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "line %zu", line);
	if (key)
		strbuf_addf(&sb, " (key \"%.80s\")", key);
	if (field)
		strbuf_addf(&sb, ": field \"%s\"", field);
	strbuf_adds(&sb, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* one printable line whatever the key held */
	sanitize_text(&clean, sb.buf, sb.len, 0);
	rwb_fail(RWB_EINPUT, "%s", strbuf_str(&clean));
	strbuf_free(&clean);
	strbuf_free(&sb);
	return RWB_EINPUT;
}

/* A \u0000 escape anywhere in the line (cJSON would cut the string there). */
static bool has_nul_escape(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < n && !memcmp(s + i + 2, "0000", 4))
			return true;
		i++;  /* skip the escaped character */
	}
	return false;
}

static bool is_header(const cJSON *o)
{
	return cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, "format") &&
	       !cJSON_GetObjectItemCaseSensitive(o, "key");
}

static int check_header(const cJSON *o, size_t line)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "format");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "version");

	if (!cJSON_IsString(f) || strcmp(f->valuestring, "rwb-patterns") != 0)
		return line_fail(line, NULL, "format", "must be \"rwb-patterns\" (this is not a patterns file)");
	if (!cJSON_IsNumber(v) || v->valuedouble != 1)
		return line_fail(line, NULL, "version",
				 "must be 1 (the only patterns format this rwb reads; a newer rwb wrote this file?)");
	return RWB_OK;
}

static int get_string(const cJSON *o, const char *name, char **out, bool required, size_t line,
		      const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);

	*out = NULL;
	if (!f || cJSON_IsNull(f)) {
		if (required)
			return line_fail(line, key, name, "is missing (required)");
		*out = xstrdup("");
		return RWB_OK;
	}
	if (!cJSON_IsString(f))
		return line_fail(line, key, name, "must be a string");
	*out = xstrdup(f->valuestring);
	return RWB_OK;
}

static int get_time(const cJSON *o, const char *name, int64_t *out, bool required, size_t line, const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);

	*out = 0;
	if (!f || cJSON_IsNull(f)) {
		if (required)
			return line_fail(line, key, name, "is missing (required: an ISO-8601 UTC time)");
		return RWB_OK;
	}
	if (!cJSON_IsString(f) || !memory_iso_parse(f->valuestring, out) || *out == 0)
		return line_fail(line, key, name,
				 "must be an ISO-8601 UTC time like \"2026-01-31T12:00:00.000Z\"%s",
				 required ? "" : " (or null)");
	return RWB_OK;
}

static int parse_entry(struct memory_entry *e, const cJSON *o, size_t line)
{
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(o, "key");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tags");
	const char *k;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!cJSON_IsString(key))
		return line_fail(line, NULL, "key", key ? "must be a string" : "is missing (required)");
	k = key->valuestring;
	if (memory_key_check(k)) {
		char *why = xstrdup(rwb_last_error());
		rc = line_fail(line, k, "key", "%s", why);
		free(why);
		return rc;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble < 1 || ver->valuedouble > 1e9 ||
	    ver->valuedouble != (double)(int)ver->valuedouble)
		return line_fail(line, k, "version",
				 ver ? "must be a whole number from 1 to 1000000000" : "is missing (required)");
	e->key = xstrdup(k);
	e->version = (int)ver->valuedouble;
	if ((rc = get_string(o, "value", &e->value, true, line, k)))
		goto fail;
	if (strlen(e->value) > MEMORY_MAX_VALUE) {
		rc = line_fail(line, k, "value", "is %zu bytes; at most %d (1 MB) are accepted",
			       strlen(e->value), MEMORY_MAX_VALUE);
		goto fail;
	}
	if ((rc = get_string(o, "layer", &e->layer, false, line, k)) ||
	    (rc = get_string(o, "category", &e->category, false, line, k)) ||
	    (rc = get_string(o, "project", &e->project, false, line, k)) ||
	    (rc = get_string(o, "intent", &e->intent, false, line, k)) ||
	    (rc = get_string(o, "agent", &e->agent, false, line, k)) ||
	    (rc = get_string(o, "namespace", &e->ns, false, line, k)) ||
	    (rc = get_time(o, "created_at", &e->created_at, true, line, k)) ||
	    (rc = get_time(o, "updated_at", &e->updated_at, true, line, k)) ||
	    (rc = get_time(o, "expires_at", &e->expires_at, false, line, k)))
		goto fail;
	if (!*e->layer) {
		free(e->layer);
		e->layer = xstrdup("mid_term");
	}
	if (strcmp(e->layer, "short_term") && strcmp(e->layer, "mid_term") && strcmp(e->layer, "long_term")) {
		rc = line_fail(line, k, "layer", "\"%.40s\" is not one of short_term, mid_term, long_term",
			       e->layer);
		goto fail;
	}
	{
		struct strbuf sb = STRBUF_INIT;
		const cJSON *t;
		if (!tags || cJSON_IsNull(tags)) {
			/* none */
		} else if (cJSON_IsArray(tags)) {
			cJSON_ArrayForEach(t, tags) {
				if (!cJSON_IsString(t) || !*t->valuestring || strchr(t->valuestring, ',')) {
					strbuf_free(&sb);
					rc = line_fail(line, k, "tags",
						       "must be an array of non-empty strings without ','");
					goto fail;
				}
				if (sb.len)
					strbuf_addc(&sb, ',');
				strbuf_adds(&sb, t->valuestring);
			}
		} else {
			rc = line_fail(line, k, "tags", "must be an array of strings");
			goto fail;
		}
		e->tags = strbuf_detach(&sb);
	}
	return RWB_OK;
fail:
	memory_entry_release(e);
	return rc;
}

bool memshare_detect(const char *text, size_t len)
{
	size_t i = 0, end;
	cJSON *o;
	bool yes;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	for (end = i; end < len && text[end] != '\n'; end++)
		;
	if (end - i > 4096)
		return false;
	o = cJSON_ParseWithLength(text + i, end - i);
	/* a header, or an entry line where the header is missing (parse says so) */
	yes = is_header(o) ? !strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "format")) ?
				     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "format")) : "",
				     "rwb-patterns") :
	      cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, "key") != NULL;
	cJSON_Delete(o);
	return yes;
}

int memshare_parse(struct memory_list *out, const char *text, size_t len)
{
	size_t pos = 0, lineno = 0;
	int cap = 0, rc = RWB_OK;
	bool header = false;

	memset(out, 0, sizeof(*out));
	while (pos < len && !rc) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, bad, k;
		const char *end = NULL;
		cJSON *o;

		pos += n + (nl != NULL);
		lineno++;
		if (n > MEMSHARE_MAX_LINE) {
			rc = line_fail(lineno, NULL, NULL, "is %zu bytes long; at most %d are accepted", n,
				       MEMSHARE_MAX_LINE);
			break;
		}
		if (n && s[n - 1] == '\r')
			n--;  /* a CRLF checkout */
		for (k = 0; k < n && (s[k] == ' ' || s[k] == '\t'); k++)
			;
		if (k == n)
			continue;
		if (n >= 7 && (!memcmp(s, "<<<<<<<", 7) || !memcmp(s, "=======", 7) || !memcmp(s, ">>>>>>>", 7))) {
			rc = line_fail(lineno, NULL, NULL,
				       "a git conflict marker: finish the merge first (with \"%s\" in %s git "
				       "merges this file without conflicts)", MEMSHARE_ATTRIBUTE_LINE,
				       MEMSHARE_ATTRIBUTES);
			break;
		}
		if (memchr(s, 0, n)) {
			rc = line_fail(lineno, NULL, NULL, "holds a NUL byte; the file must be text");
			break;
		}
		if (!utf8_valid(s, n, &bad)) {
			rc = line_fail(lineno, NULL, NULL, "is not valid UTF-8 (byte %zu of the line)", bad + 1);
			break;
		}
		if (has_nul_escape(s, n)) {
			rc = line_fail(lineno, NULL, NULL,
				       "holds \\u0000, which the store cannot keep (text would be cut there)");
			break;
		}
		o = cJSON_ParseWithLengthOpts(s, n, &end, false);
		while (o && end && end < s + n && (*end == ' ' || *end == '\t'))
			end++;
		if (!o || (end && end < s + n)) {
			size_t at = end && end >= s ? (size_t)(end - s) + 1 : 1;
			cJSON_Delete(o);
			rc = line_fail(lineno, NULL, NULL,
				       "not valid JSON (near byte %zu); each line is one JSON object", at);
			break;
		}
		if (!cJSON_IsObject(o)) {
			rc = line_fail(lineno, NULL, NULL, "must be a JSON object");
		} else if (is_header(o)) {
			rc = check_header(o, lineno);
			header = true;
		} else if (!header) {
			rc = line_fail(lineno, NULL, NULL, "the file must start with the header line %s",
				       MEMSHARE_HEADER);
		} else {
			struct memory_entry e;
			rc = parse_entry(&e, o, lineno);
			if (!rc) {
				if (out->n == cap) {
					cap = cap ? cap * 2 : 16;
					out->v = xrealloc(out->v, (size_t)cap * sizeof(*out->v));
				}
				out->v[out->n++] = e;
			}
		}
		cJSON_Delete(o);
	}
	if (!rc && !header)
		rc = line_fail(1, NULL, NULL, "the file is empty; a patterns file starts with %s", MEMSHARE_HEADER);
	if (rc)
		memory_list_release(out);
	return rc;
}
