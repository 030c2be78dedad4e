/*
 * scaffold.c - templates, plans, diffs and writing (see scaffold.h).
 *
 * The diff is a longest-common-subsequence over lines (the files involved
 * are small: a Cargo.toml, a new module), printed as unified hunks with
 * three lines of context, like `diff -u`.
 */
#define _GNU_SOURCE
#include "scaffold.h"
#include "datadir.h"
#include "cargotoml.h"
#include "error.h"
#include "memory.h"
#include "store.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define DIFF_CONTEXT 3
#define TEMPLATES_FLAG "scaffold.templates_imported"
#define DIFF_MAX_CELLS (4u * 1024 * 1024)


/* ---- templates ---- */

/* The built-in templates file (share/rwb/templates.json, datadir.h); NULL
 * when missing. */
static char *builtin_text(char **path_out)
{
	char *path = datadir_find("templates.json");

	*path_out = path;
	return path ? strbuf_read_file(path, 0, NULL) : NULL;
}

static int parse_template(cJSON **out, const char *key, const char *value, const char *where)
{
	*out = cJSON_Parse(value);
	if (!*out || !cJSON_IsArray(cJSON_GetObjectItem(*out, "files"))) {
		cJSON_Delete(*out);
		*out = NULL;
		return rwb_fail(RWB_EINPUT, "template %s in %s is not template JSON (an object with \"files\")", key, where);
	}
	return RWB_OK;
}

/* From the built-in file. */
static int template_from_file(cJSON **out, const char *key)
{
	char *path = NULL, *text = builtin_text(&path);
	cJSON *doc = NULL, *e;
	int rc = RWB_ENOTFOUND;

	if (!text) {
		rc = rwb_fail(RWB_EENV, "cannot find the built-in templates (share/rwb/templates.json beside "
			      "the binary): set RWB_DATA_DIR");
		goto out;
	}
	doc = cJSON_Parse(text);
	if (!doc || !cJSON_IsArray(cJSON_GetObjectItem(doc, "entries"))) {
		rc = rwb_fail(RWB_EENV, "%s is not an rwb-memory export: reinstall rwb", path);
		goto out;
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "entries")) {
		const cJSON *k = cJSON_GetObjectItem(e, "key"), *v = cJSON_GetObjectItem(e, "value");
		if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0 && cJSON_IsString(v)) {
			rc = parse_template(out, key, v->valuestring, path);
			goto out;
		}
	}
	rwb_fail(rc, "no template %s in %s", key, path);
out:
	cJSON_Delete(doc);
	free(text);
	free(path);
	return rc;
}

/* From the memory store: RWB_ENOTFOUND when it holds no such entry. */
static int template_from_store(cJSON **out, struct store *s, const char *key)
{
	struct memory_list l = { 0 };
	int rc = memory_retrieve(s, &l, key, false);

	if (rc == RWB_OK && l.n > 0)
		rc = parse_template(out, key, l.v[0].value, "the memory store (fix it with /memory-store)");
	else if (rc == RWB_OK || rc == RWB_ENOTFOUND)
		rc = RWB_ENOTFOUND;
	memory_list_release(&l);
	return rc;
}

/* Imports the built-in templates into the store once. */
static void import_builtins(struct store *s)
{
	char *flag = NULL, *path = NULL, *text;
	int count;

	if (store_setting_get(s, TEMPLATES_FLAG, &flag) == RWB_OK && flag) {
		free(flag);
		return;
	}
	text = builtin_text(&path);
	if (text && memory_import(s, &count, text, strlen(text)) == RWB_OK)
		store_setting_set(s, TEMPLATES_FLAG, "1");
	free(text);
	free(path);
}

int scaffold_template_get(cJSON **out, struct store *s, const char *name)
{
	char *key = xasprintf("rwb/templates/%s", name);
	int rc = RWB_ENOTFOUND;

	*out = NULL;
	if (s) {
		rc = template_from_store(out, s, key);
		if (rc == RWB_ENOTFOUND) {
			import_builtins(s);
			rc = template_from_store(out, s, key);
		}
	}
	/* no store, or the user deleted the entry: the built-in one */
	if (rc == RWB_ENOTFOUND)
		rc = template_from_file(out, key);
	free(key);
	return rc;
}

static bool truthy(const cJSON *params, const char *name, size_t n, bool *known)
{
	char *key = xstrndup(name, n);
	const cJSON *v = cJSON_GetObjectItem(params, key);
	free(key);
	*known = v != NULL;
	return cJSON_IsString(v) && v->valuestring[0] && strcmp(v->valuestring, "false") != 0;
}

/* Renders text[0..len). */
static int render(struct strbuf *out, const char *text, size_t len, const cJSON *params)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2), *close;
		if (!open) {
			strbuf_add(out, p, (size_t)(end - p));
			break;
		}
		strbuf_add(out, p, (size_t)(open - p));
		close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2);
		if (!close)
			return rwb_fail(RWB_EINPUT, "template has '{{' without '}}'");
		if (open[2] == '#' || open[2] == '^') {
			const char *name = open + 3, *body = close + 2, *q = body, *stop = NULL;
			size_t nlen = (size_t)(close - name);
			int depth = 1;
			bool known, on;
			/* find the matching {{/name}} */
			while (q < end && (q = memmem(q, (size_t)(end - q), "{{", 2))) {
				if ((q[2] == '#' || q[2] == '^') && (size_t)(end - q) > nlen + 4 &&
				    strncmp(q + 3, name, nlen) == 0 && strncmp(q + 3 + nlen, "}}", 2) == 0)
					depth++;
				else if (q[2] == '/' && (size_t)(end - q) > nlen + 4 &&
					 strncmp(q + 3, name, nlen) == 0 && strncmp(q + 3 + nlen, "}}", 2) == 0 &&
					 --depth == 0) {
					stop = q;
					break;
				}
				q += 2;
			}
			if (!stop)
				return rwb_fail(RWB_EINPUT, "template section %.*s is not closed", (int)nlen, name);
			on = truthy(params, name, nlen, &known);
			if (!known)
				return rwb_fail(RWB_EINPUT, "template uses %.*s, which is not a declared parameter", (int)nlen, name);
			if (on == (open[2] == '#')) {
				int rc = render(out, body, (size_t)(stop - body), params);
				if (rc)
					return rc;
			}
			p = stop + nlen + 5;
		} else {
			char *key = xstrndup(open + 2, (size_t)(close - open - 2));
			const cJSON *v = cJSON_GetObjectItem(params, key);
			if (!cJSON_IsString(v)) {
				rwb_fail(RWB_EINPUT, "template uses %s, which is not a declared parameter", key);
				free(key);
				return RWB_EINPUT;
			}
			strbuf_adds(out, v->valuestring);
			free(key);
			p = close + 2;
		}
	}
	return RWB_OK;
}

int scaffold_render(char **out, const char *text, const cJSON *params)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = render(&sb, text, strlen(text), params);

	if (rc) {
		strbuf_free(&sb);
		*out = NULL;
		return rc;
	}
	*out = strbuf_detach(&sb);
	return RWB_OK;
}

/* ---- plans ---- */

struct scaffold_plan *scaffold_plan_new(const char *root)
{
	struct scaffold_plan *p = xcalloc(1, sizeof(*p));

	p->root = xstrdup(root);
	p->deps_added = cJSON_CreateArray();
	p->notes = cJSON_CreateArray();
	p->changed = cJSON_CreateArray();
	return p;
}

void scaffold_plan_free(struct scaffold_plan *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++) {
		free(p->files[i].path);
		free(p->files[i].old_text);
		free(p->files[i].new_text);
	}
	free(p->files);
	free(p->root);
	cJSON_Delete(p->deps_added);
	cJSON_Delete(p->notes);
	cJSON_Delete(p->changed);
	free(p);
}

static struct scaffold_file *plan_find(struct scaffold_plan *p, const char *path)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->files[i].path, path) == 0)
			return &p->files[i];
	return NULL;
}

const char *scaffold_plan_text(struct scaffold_plan *p, const char *path, char **owned)
{
	struct scaffold_file *f = plan_find(p, path);
	char *abs;

	*owned = NULL;
	if (f)
		return f->new_text;
	abs = xasprintf("%s/%s", p->root, path);
	*owned = strbuf_read_file(abs, 0, NULL);
	free(abs);
	return *owned;
}

static void plan_put(struct scaffold_plan *p, const char *path, const char *new_text)
{
	struct scaffold_file *f = plan_find(p, path);
	char *abs;

	if (f) {
		free(f->new_text);
		f->new_text = xstrdup(new_text);
		return;
	}
	p->files = xrealloc(p->files, (size_t)(p->n + 1) * sizeof(*p->files));
	f = &p->files[p->n++];
	f->path = xstrdup(path);
	abs = xasprintf("%s/%s", p->root, path);
	f->old_text = strbuf_read_file(abs, 0, NULL);
	free(abs);
	f->new_text = xstrdup(new_text);
}

static bool is_stub(const char *text, const char *stub)
{
	if (!stub)
		return false;
	if (strcmp(stub, "main") == 0)
		return strcmp(text, "fn main() {\n    println!(\"Hello, world!\");\n}\n") == 0;
	if (strcmp(stub, "lib") == 0)
		return strlen(text) < 400 && strstr(text, "pub fn add(left: ") != NULL;
	return false;
}

int scaffold_plan_create(struct scaffold_plan *p, const char *path, const char *text, const char *stub)
{
	char *owned, *note;
	const char *cur = scaffold_plan_text(p, path, &owned);

	if (cur && strcmp(cur, text) == 0) {
		cJSON_AddItemToArray(p->notes, cJSON_CreateString("a file is already as the template makes it"));
	} else if (!cur || is_stub(cur, stub)) {
		plan_put(p, path, text);
	} else if (!plan_find(p, path) && scaffold_written_by_rwb(p->store, p->root, path, cur)) {
		note = xasprintf("%s: rwb wrote it and nobody changed it since: it is replaced", path);
		cJSON_AddItemToArray(p->notes, cJSON_CreateString(note));
		free(note);
		plan_put(p, path, text);
	} else {
		note = xasprintf("%s was changed since rwb wrote it (or rwb did not write it): writing replaces it, "
				 "and the lines marked '-' above are lost", path);
		cJSON_AddItemToArray(p->notes, cJSON_CreateString(note));
		cJSON_AddItemToArray(p->changed, cJSON_CreateString(path));
		free(note);
		plan_put(p, path, text);
	}
	free(owned);
	return RWB_OK;
}

void scaffold_hash(char out[17], const char *text, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static char *hash_key(const char *root, const char *path)
{
	char *real = realpath(root, NULL);
	char *key = xasprintf("scaffold.hash:%s/%s", real ? real : root, path);

	free(real);
	return key;
}

bool scaffold_written_by_rwb(struct store *s, const char *root, const char *path, const char *text)
{
	char *key, *val = NULL, h[17];
	bool same;

	if (!s)
		return false;
	key = hash_key(root, path);
	scaffold_hash(h, text, strlen(text));
	same = store_setting_get(s, key, &val) == RWB_OK && val && strcmp(val, h) == 0;
	free(val);
	free(key);
	return same;
}

void scaffold_record_written(struct store *s, const char *root, const char *path, const char *text)
{
	char *key, h[17];

	if (!s)
		return;
	key = hash_key(root, path);
	scaffold_hash(h, text, strlen(text));
	store_setting_set(s, key, h);
	free(key);
}

void scaffold_plan_edit(struct scaffold_plan *p, const char *path, const char *new_text)
{
	plan_put(p, path, new_text);
}

void scaffold_plan_module(struct scaffold_plan *p, const char *name)
{
	char *owned, *decl = xasprintf("mod %s;", name);
	const char *cur = scaffold_plan_text(p, "src/lib.rs", &owned);
	struct strbuf sb = STRBUF_INIT;
	bool found = false;

	for (const char *l = cur; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char *line = xstrndup(l, n), *s = line;
		while (*s == ' ')
			s++;
		if (strncmp(s, "pub ", 4) == 0)
			s += 4;
		if (strcmp(s, decl) == 0)
			found = true;
		free(line);
		l = nl ? nl + 1 : l + n;
	}
	if (!found) {
		if (cur) {
			strbuf_adds(&sb, cur);
			if (sb.len && sb.buf[sb.len - 1] != '\n')
				strbuf_addc(&sb, '\n');
		}
		strbuf_addf(&sb, "pub %s\n", decl);
		plan_put(p, "src/lib.rs", strbuf_str(&sb));
	}
	strbuf_free(&sb);
	free(owned);
	free(decl);
}

/*
 * An existing one-line dependency value with the missing features added,
 * or NULL when it cannot tell ("1.24" becomes an inline table).
 */
static char *merge_features(const char *have, const cJSON *features)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *f;
	const char *arr, *close;

	if (strchr(have, '\n'))
		return NULL;
	if (have[0] == '"') {
		bool first = true;
		strbuf_addf(&sb, "{ version = %s, features = [", have);
		cJSON_ArrayForEach(f, features) {
			strbuf_addf(&sb, "%s\"%s\"", first ? "" : ", ", f->valuestring);
			first = false;
		}
		strbuf_adds(&sb, "] }");
		return strbuf_detach(&sb);
	}
	if (have[0] != '{')
		return NULL;
	arr = strstr(have, "features");
	if (!arr) {
		const char *end = strrchr(have, '}');
		bool first = true;
		if (!end)
			return NULL;
		while (end > have && end[-1] == ' ')
			end--;
		strbuf_add(&sb, have, (size_t)(end - have));
		strbuf_adds(&sb, ", features = [");
		cJSON_ArrayForEach(f, features) {
			strbuf_addf(&sb, "%s\"%s\"", first ? "" : ", ", f->valuestring);
			first = false;
		}
		strbuf_addf(&sb, "] %s", end + strspn(end, " "));
		return strbuf_detach(&sb);
	}
	arr = strchr(arr, '[');
	close = arr ? strchr(arr, ']') : NULL;
	if (!close)
		return NULL;
	strbuf_add(&sb, have, (size_t)(close - have));
	cJSON_ArrayForEach(f, features) {
		char *q = xasprintf("\"%s\"", f->valuestring);
		bool present = memmem(arr, (size_t)(close - arr), q, strlen(q)) != NULL;
		if (!present) {
			const char *last = close;
			while (last > arr && last[-1] == ' ')
				last--;
			strbuf_adds(&sb, last[-1] == '[' ? q : "");
			if (last[-1] != '[')
				strbuf_addf(&sb, ", %s", q);
		}
		free(q);
	}
	strbuf_adds(&sb, close);
	return strbuf_detach(&sb);
}

int scaffold_plan_deps(struct scaffold_plan *p, const cJSON *deps)
{
	char *owned;
	const char *cur = scaffold_plan_text(p, "Cargo.toml", &owned);
	struct cargotoml *t = NULL;
	const cJSON *d;
	bool any = false;
	int rc;

	if (!cur)
		return rwb_fail(RWB_EINPUT, "no Cargo.toml in %s: run /rust-project-init first or give "
				"--repo CRATE", p->root);
	rc = cargotoml_parse(&t, cur, strlen(cur));
	if (rc)
		goto out;
	cJSON_ArrayForEach(d, deps) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(d, "name"));
		const char *version = cJSON_GetStringValue(cJSON_GetObjectItem(d, "version"));
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(d, "path"));
		const cJSON *features = cJSON_GetObjectItem(d, "features"), *f;
		char *have = name ? cargotoml_get(t, "dependencies", name) : NULL;
		struct strbuf v = STRBUF_INIT;
		bool changed;

		if (!name)
			continue;
		char *dtable = xasprintf("dependencies.%s", name);
		bool as_table = cargotoml_has_table(t, dtable);
		free(dtable);
		if (have && cJSON_GetArraySize(features) > 0 && !as_table) {
			/* merge the features this template needs into the existing entry */
			char *merged = merge_features(have, features);
			if (merged) {
				char *note = xasprintf("%s: features added to the existing dependency", name);
				cargotoml_set(t, &changed, "dependencies", name, merged);
				if (changed) {
					cJSON_AddItemToArray(p->notes, cJSON_CreateString(note));
					any = true;
				}
				free(note);
				free(merged);
				free(have);
				continue;
			}
		}
		if (have || as_table) {
			char *note = xasprintf("%s is already a dependency (kept as it is)", name);
			cJSON_AddItemToArray(p->notes, cJSON_CreateString(note));
			free(note);
			free(have);
			continue;
		}
		strbuf_adds(&v, "{ ");
		if (path)
			strbuf_addf(&v, "path = \"%s\"", path);
		else
			strbuf_addf(&v, "version = \"%s\"", version ? version : "*");
		if (cJSON_GetArraySize(features) > 0) {
			bool first = true;
			strbuf_adds(&v, ", features = [");
			cJSON_ArrayForEach(f, features) {
				strbuf_addf(&v, "%s\"%s\"", first ? "" : ", ", cJSON_GetStringValue(f));
				first = false;
			}
			strbuf_addc(&v, ']');
		}
		strbuf_adds(&v, " }");
		if (!path && cJSON_GetArraySize(features) == 0) {
			strbuf_reset(&v);
			strbuf_addf(&v, "\"%s\"", version ? version : "*");
		}
		cargotoml_set(t, &changed, "dependencies", name, strbuf_str(&v));
		{
			char *added = xasprintf("%s %s", name, path ? path : version ? version : "*");
			cJSON_AddItemToArray(p->deps_added, cJSON_CreateString(added));
			free(added);
		}
		any = true;
		strbuf_free(&v);
	}
	if (any) {
		char *text = cargotoml_text(t);
		plan_put(p, "Cargo.toml", text);
		free(text);
	}
out:
	cargotoml_free(t);
	free(owned);
	return rc;
}

int scaffold_plan_template(struct scaffold_plan *p, const cJSON *tpl, const cJSON *params)
{
	const cJSON *f, *notes = cJSON_GetObjectItem(tpl, "notes");
	char *path = NULL, *text = NULL;
	int rc = RWB_OK;

	cJSON_ArrayForEach(f, cJSON_GetObjectItem(tpl, "files")) {
		const char *stub = cJSON_GetStringValue(cJSON_GetObjectItem(f, "replace_stub"));
		rc = scaffold_render(&path, cJSON_GetStringValue(cJSON_GetObjectItem(f, "path")), params);
		if (!rc)
			rc = scaffold_render(&text, cJSON_GetStringValue(cJSON_GetObjectItem(f, "text")), params);
		if (!rc)
			rc = scaffold_plan_create(p, path, text, stub);
		free(path);
		free(text);
		path = text = NULL;
		if (rc)
			return rc;
	}
	if (cJSON_IsString(cJSON_GetObjectItem(tpl, "module"))) {
		char *mod;
		rc = scaffold_render(&mod, cJSON_GetObjectItem(tpl, "module")->valuestring, params);
		if (rc)
			return rc;
		scaffold_plan_module(p, mod);
		free(mod);
	}
	if (cJSON_GetObjectItem(tpl, "deps")) {
		rc = scaffold_plan_deps(p, cJSON_GetObjectItem(tpl, "deps"));
		if (rc)
			return rc;
	}
	if (cJSON_IsString(notes))
		cJSON_AddItemToArray(p->notes, cJSON_CreateString(notes->valuestring));
	return RWB_OK;
}

/* ---- diff ---- */

struct lines {
	const char **s;   /* borrowed starts */
	size_t *len;
	size_t n;
};

static void split_lines(struct lines *l, const char *text)
{
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		if (l->n == cap) {
			cap = cap ? 2 * cap : 64;
			l->s = xrealloc(l->s, cap * sizeof(*l->s));
			l->len = xrealloc(l->len, cap * sizeof(*l->len));
		}
		l->s[l->n] = p;
		l->len[l->n++] = nl ? (size_t)(nl - p) + 1 : strlen(p);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

static void emit_line(struct strbuf *out, char mark, const char *s, size_t n)
{
	strbuf_addc(out, mark);
	strbuf_add(out, s, n);
	if (!n || s[n - 1] != '\n')
		strbuf_adds(out, "\n\\ No newline at end of file\n");
}

void scaffold_diff(struct strbuf *out, const char *path, const char *old_text, const char *new_text)
{
	struct lines a, b;
	uint32_t *lcs = NULL;
	char *ops;   /* '=' '-' '+' */
	size_t nops = 0, i, j;

	split_lines(&a, old_text);
	split_lines(&b, new_text);
	ops = xmalloc(a.n + b.n + 1);
	if ((a.n + 1) * (b.n + 1) <= DIFF_MAX_CELLS) {
		size_t w = b.n + 1;
		lcs = xcalloc((a.n + 1) * w, sizeof(*lcs));
		for (i = a.n; i-- > 0;)
			for (j = b.n; j-- > 0;)
				lcs[i * w + j] = line_eq(&a, i, &b, j) ? lcs[(i + 1) * w + j + 1] + 1
					: lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
					: lcs[i * w + j + 1];
		for (i = 0, j = 0; i < a.n || j < b.n;) {
			if (i < a.n && j < b.n && line_eq(&a, i, &b, j)) {
				ops[nops++] = '=';
				i++;
				j++;
			} else if (j < b.n && (i == a.n || lcs[i * w + j + 1] > lcs[(i + 1) * w + j])) {
				ops[nops++] = '+';
				j++;
			} else {
				ops[nops++] = '-';
				i++;
			}
		}
	} else {
		for (i = 0; i < a.n; i++)
			ops[nops++] = '-';
		for (j = 0; j < b.n; j++)
			ops[nops++] = '+';
	}
	strbuf_addf(out, "--- %s\n+++ %s\n", old_text ? path : "/dev/null", path);
	/* hunks: runs of changes with DIFF_CONTEXT lines around them */
	for (size_t k = 0, ai = 0, bi = 0; k < nops;) {
		size_t start, stop, a0, b0, ac = 0, bc = 0, x, y;
		if (ops[k] == '=') {
			k++;
			ai++;
			bi++;
			continue;
		}
		start = k;
		a0 = ai;
		b0 = bi;
		for (size_t back = 0; back < DIFF_CONTEXT && start > 0 && ops[start - 1] == '='; back++) {
			start--;
			a0--;
			b0--;
		}
		stop = k;
		for (;;) {
			size_t eq = 0;
			while (stop < nops && ops[stop] != '=')
				stop++;
			while (stop + eq < nops && ops[stop + eq] == '=')
				eq++;
			if (stop + eq < nops && eq <= 2 * DIFF_CONTEXT) {
				stop += eq;
				continue;
			}
			stop += eq < DIFF_CONTEXT ? eq : DIFF_CONTEXT;
			break;
		}
		for (size_t q = start; q < stop; q++) {
			ac += ops[q] != '+';
			bc += ops[q] != '-';
		}
		strbuf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? a0 + 1 : a0, ac, bc ? b0 + 1 : b0, bc);
		for (size_t q = start, x0 = a0, y0 = b0; q < stop; q++) {
			x = x0;
			y = y0;
			if (ops[q] == '=') {
				emit_line(out, ' ', a.s[x], a.len[x]);
				x0++;
				y0++;
			} else if (ops[q] == '-') {
				emit_line(out, '-', a.s[x], a.len[x]);
				x0++;
			} else {
				emit_line(out, '+', b.s[y], b.len[y]);
				y0++;
			}
		}
		for (size_t q = k; q < stop; q++) {
			ai += ops[q] != '+';
			bi += ops[q] != '-';
		}
		k = stop;
	}
	free(lcs);
	free(ops);
	free(a.s);
	free(a.len);
	free(b.s);
	free(b.len);
}

/* ---- preview and write ---- */

void scaffold_plan_preview(const struct scaffold_plan *p, struct strbuf *out, cJSON *json)
{
	cJSON *files = cJSON_AddArrayToObject(json, "files");
	struct strbuf diff = STRBUF_INIT;
	const cJSON *s;

	for (int i = 0; i < p->n; i++) {
		const struct scaffold_file *f = &p->files[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", f->path);
		cJSON_AddStringToObject(o, "action", f->old_text ? "edit" : "create");
		cJSON_AddItemToArray(files, o);
		strbuf_addf(out, "%s %s\n", f->old_text ? "edit  " : "create", f->path);
		scaffold_diff(&diff, f->path, f->old_text, f->new_text);
	}
	if (!p->n)
		strbuf_adds(out, "nothing to change\n");
	strbuf_add(out, diff.buf ? diff.buf : "", diff.len);
	cJSON_AddStringToObject(json, "diff", strbuf_str(&diff));
	cJSON_AddItemToObject(json, "deps_added", cJSON_Duplicate(p->deps_added, 1));
	cJSON_AddItemToObject(json, "notes", cJSON_Duplicate(p->notes, 1));
	cJSON_AddItemToObject(json, "replaces_changes", cJSON_Duplicate(p->changed, 1));
	cJSON_ArrayForEach(s, p->deps_added)
		strbuf_addf(out, "dependency added to Cargo.toml: %s\n", s->valuestring);
	cJSON_ArrayForEach(s, p->notes)
		strbuf_addf(out, "note: %s\n", s->valuestring);
	strbuf_free(&diff);
}

static int mkdirs(const char *path)
{
	char *dup = xstrdup(path);
	int rc = RWB_OK;

	for (char *s = dup + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dup, 0777) != 0 && errno != EEXIST)
			rc = RWB_EIO;
		*s = '/';
	}
	free(dup);
	return rc;
}

int scaffold_write_atomic(const char *path, const char *text, size_t len)
{
	const char *slash = strrchr(path, '/');
	char *tmp;
	struct stat st;
	mode_t mode;
	int fd, saved;
	size_t done = 0;

	if (mkdirs(path) != RWB_OK)
		return RWB_EIO;
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	/* the temporary file is in the same folder, so rename() is atomic */
	tmp = slash ? xasprintf("%.*s/.%s.rwb-XXXXXX", (int)(slash - path), path, slash + 1)
		    : xasprintf(".%s.rwb-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		saved = errno;
		free(tmp);
		errno = saved;
		return RWB_EIO;
	}
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		done += (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return RWB_OK;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return RWB_EIO;
}

int scaffold_plan_write(const struct scaffold_plan *p)
{
	for (int i = 0; i < p->n; i++) {
		char *abs = xasprintf("%s/%s", p->root, p->files[i].path);
		const char *text = p->files[i].new_text;

		if (scaffold_write_atomic(abs, text, strlen(text)) != RWB_OK) {
			rwb_fail(RWB_EIO, "cannot write %s: %s", abs, strerror(errno));
			free(abs);
			return RWB_EIO;
		}
		scaffold_record_written(p->store, p->root, p->files[i].path, text);
		free(abs);
	}
	return RWB_OK;
}
