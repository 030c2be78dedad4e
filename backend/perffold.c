/*
 * perffold.c - folding `perf script` output, function figures, SVG.
 *
 * Design: one pass over the text, line by line. A sample starts with a
 * header line (no leading blank: "comm pid/tid [cpu] time: period event:"),
 * continues with indented frame lines ("addr symbol+0xoff (dso)", leaf
 * first) and ends at a blank line. Every name is interned (raw symbol ->
 * demangled name, demangled once; command and module names copied once),
 * so a sample is an array of pointers; it is counted in an open-addressing
 * map keyed by that array (short keys, compared with one memcmp). The
 * folded "comm;root;...;leaf" strings are built once per distinct stack
 * when the input ends, into the string-keyed map that folded input and
 * every reader use. Both maps hash a word at a time, have power-of-two
 * capacities and grow at 50%.
 *
 * It never trusts the text: lines of any length, binary junk and missing
 * fields only cost samples, never memory safety.
 */
#define _POSIX_C_SOURCE 200809L
#include "perffold.h"
#include "demangle.h"
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pf_slot {
	char *key;          /* owned; NULL when empty */
	size_t keylen;
	uint64_t hash;
	uint64_t count;     /* stacks: samples */
	char *value;        /* symbol cache: the demangled name (owned) */
};

struct pf_map {
	struct pf_slot *slots; /* owned; cap entries */
	size_t cap, used;      /* cap is a power of two */
};

struct pf_frame {
	size_t off, len;       /* a frame inside a folded key (perffold_functions) */
};

/* A sample's stack as interned name pointers: comm, then frames leaf first. */
struct pf_pending {
	const char **ids;      /* owned array; the strings belong to the name maps */
	size_t n;              /* 0: empty slot */
	uint64_t hash;
	uint64_t count;
};

struct pf_pmap {
	struct pf_pending *slots; /* owned; cap entries, a power of two */
	size_t cap, used;
};

struct perffold {
	struct pf_map stacks;       /* folded stack -> count */
	struct pf_map syms;         /* raw symbol -> demangled */
	uint64_t samples;
	struct pf_map names;        /* command and module names -> interned copy */
	struct pf_pmap pending;     /* stacks of interned names, folded at finish */
	struct strbuf partial;      /* a line split across feeds */
	const char *comm;           /* interned: the current sample's command */
	bool in_sample;
	const char **frames;        /* owned array: [0] is the command, then leaf first */
	size_t nframes, capframes;  /* nframes counts the command slot */
	struct strbuf key;          /* scratch for the folded key */
	uint64_t lineno;
};

/* A word-at-a-time multiply-rotate hash: stacks are kilobytes long, so a
 * byte-at-a-time hash would dominate the fold. */
static uint64_t pf_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h ^= w * 0x87c37b91114253d5ULL;
		h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937fULL;
	}
	if (i < n) {
		uint64_t w = 0;
		memcpy(&w, s + i, n - i);
		h ^= w * 0x87c37b91114253d5ULL;
		h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937fULL;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

static void map_grow(struct pf_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024;
	struct pf_slot *ns = xcalloc(ncap, sizeof(*ns));

	for (size_t i = 0; i < m->cap; i++) {
		struct pf_slot *s = &m->slots[i];
		size_t j;
		if (!s->key)
			continue;
		j = s->hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

/* The slot for key (created empty with count 0 when missing). */
static struct pf_slot *map_get(struct pf_map *m, const char *key, size_t n, bool *created)
{
	uint64_t h = pf_hash(key, n);
	size_t j;

	if ((m->used + 1) * 2 > m->cap)
		map_grow(m);
	j = h & (m->cap - 1);
	while (m->slots[j].key) {
		struct pf_slot *s = &m->slots[j];
		if (s->hash == h && s->keylen == n && memcmp(s->key, key, n) == 0) {
			*created = false;
			return s;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j].key = xstrndup(key, n);
	m->slots[j].keylen = n;
	m->slots[j].hash = h;
	m->used++;
	*created = true;
	return &m->slots[j];
}

static void map_free(struct pf_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
		free(m->slots[i].value);
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = 0;
}

int perffold_new(struct perffold **out)
{
	*out = xcalloc(1, sizeof(**out));
	return RWB_OK;
}

void perffold_free(struct perffold *f)
{
	if (!f)
		return;
	map_free(&f->stacks);
	map_free(&f->syms);
	map_free(&f->names);
	for (size_t i = 0; i < f->pending.cap; i++)
		free(f->pending.slots[i].ids);
	free(f->pending.slots);
	strbuf_free(&f->partial);
	strbuf_free(&f->key);
	free(f->frames);
	free(f);
}

uint64_t perffold_samples(const struct perffold *f)
{
	return f->samples;
}

size_t perffold_nstacks(const struct perffold *f)
{
	return f->stacks.used;
}

static void stacks_add(struct perffold *f, const char *stack, size_t len, uint64_t count)
{
	bool created;
	struct pf_slot *s = map_get(&f->stacks, stack, len, &created);

	s->count += count;
}

void perffold_add(struct perffold *f, const char *stack, size_t len, uint64_t count)
{
	stacks_add(f, stack, len, count);
	f->samples += count;
}

/* The interned copy of key in m (demangled for symbols), ';' made ','. */
static const char *intern(struct pf_map *m, const char *key, size_t n, bool demangle)
{
	bool created;
	struct pf_slot *slot = map_get(m, key, n, &created);

	if (created) {
		char *raw = xstrndup(key, n);
		slot->value = demangle ? demangle_symbol(raw) : xstrdup(raw);
		free(raw);
		for (char *c = slot->value; *c; c++)
			if (*c == ';')
				*c = ',';
	}
	return slot->value;
}

static void frame_push(struct perffold *f, const char *name)
{
	if (f->nframes == f->capframes) {
		f->capframes = f->capframes ? f->capframes * 2 : 64;
		f->frames = xrealloc(f->frames, f->capframes * sizeof(*f->frames));
	}
	f->frames[f->nframes++] = name;
}

static void pending_grow(struct pf_pmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256;
	struct pf_pending *ns = xcalloc(ncap, sizeof(*ns));

	for (size_t i = 0; i < m->cap; i++) {
		size_t j;
		if (!m->slots[i].n)
			continue;
		j = m->slots[i].hash & (ncap - 1);
		while (ns[j].n)
			j = (j + 1) & (ncap - 1);
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

/* Counts the current sample: pointer-array keys are short and compare
 * fast; the folded strings are built once per distinct stack at finish. */
static void sample_end(struct perffold *f)
{
	struct pf_pmap *m = &f->pending;
	size_t bytes, j;
	uint64_t h;

	if (!f->in_sample)
		return;
	f->in_sample = false;
	/* a header without frames is not a sample (or not perf script text) */
	if (f->nframes <= 1)
		return;
	f->frames[0] = f->comm;
	bytes = f->nframes * sizeof(*f->frames);
	h = pf_hash((const char *)f->frames, bytes);
	if ((m->used + 1) * 2 > m->cap)
		pending_grow(m);
	j = h & (m->cap - 1);
	while (m->slots[j].n) {
		struct pf_pending *p = &m->slots[j];
		if (p->hash == h && p->n == f->nframes && memcmp(p->ids, f->frames, bytes) == 0) {
			p->count++;
			f->samples++;
			return;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j].ids = xmalloc(bytes);
	memcpy(m->slots[j].ids, f->frames, bytes);
	m->slots[j].n = f->nframes;
	m->slots[j].hash = h;
	m->slots[j].count = 1;
	m->used++;
	f->samples++;
}

/* Folds the pending stacks into "comm;root;...;leaf" keys. */
static void pending_flush(struct perffold *f)
{
	struct pf_pmap *m = &f->pending;

	for (size_t i = 0; i < m->cap; i++) {
		struct pf_pending *p = &m->slots[i];
		if (!p->n)
			continue;
		strbuf_reset(&f->key);
		strbuf_adds(&f->key, p->ids[0]);
		for (size_t k = p->n; k-- > 1;) {
			strbuf_addc(&f->key, ';');
			strbuf_adds(&f->key, p->ids[k]);
		}
		stacks_add(f, f->key.buf, f->key.len, p->count);
		free(p->ids);
		p->ids = NULL;
		p->n = 0;
	}
	m->used = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* "comm  pid/tid [cpu] time: ..." -> comm (the words before the pid). */
static void header_line(struct perffold *f, const char *s, size_t n)
{
	size_t i = 0, comm_end = 0;

	sample_end(f);
	f->in_sample = true;
	f->nframes = 1;  /* [0] is the command */
	while (i < n) {
		size_t w = i, j;
		bool pid = true, digit = false;
		while (w < n && is_blank(s[w]))
			w++;
		j = w;
		while (j < n && !is_blank(s[j])) {
			if (isdigit((unsigned char)s[j]))
				digit = true;
			else if (s[j] != '/')
				pid = false;
			j++;
		}
		if (j == w)
			break;
		if (pid && digit && comm_end > 0)
			break;
		comm_end = j;
		i = j;
	}
	if (comm_end == 0)
		comm_end = n;
	f->comm = intern(&f->names, s, comm_end, false);
	if (f->capframes == 0) {
		f->capframes = 64;
		f->frames = xmalloc(f->capframes * sizeof(*f->frames));
	}
}

/* "\t addr sym+0xoff (dso)" */
static void frame_line(struct perffold *f, const char *s, size_t n)
{
	size_t i = 0, sym_start, sym_end, dso_start = 0, dso_end = 0;

	if (!f->in_sample)
		return;
	while (i < n && is_blank(s[i]))
		i++;
	while (i < n && isxdigit((unsigned char)s[i]))
		i++;
	while (i < n && is_blank(s[i]))
		i++;
	sym_start = i;
	sym_end = n;
	while (sym_end > sym_start && is_blank(s[sym_end - 1]))
		sym_end--;
	/* the dso in parentheses at the end */
	if (sym_end > sym_start && s[sym_end - 1] == ')') {
		size_t k = sym_end - 1;
		int depth = 0;
		while (k > sym_start) {
			if (s[k] == ')')
				depth++;
			else if (s[k] == '(' && --depth == 0)
				break;
			k--;
		}
		if (s[k] == '(' && k > sym_start && is_blank(s[k - 1])) {
			dso_start = k + 1;
			dso_end = sym_end - 1;
			sym_end = k;
			while (sym_end > sym_start && is_blank(s[sym_end - 1]))
				sym_end--;
		}
	}
	/* drop "+0x1f" */
	for (size_t k = sym_end; k > sym_start + 1; k--) {
		if (s[k - 1] == '+' && k + 1 < sym_end && s[k] == '0' && s[k + 1] == 'x') {
			sym_end = k - 1;
			break;
		}
	}
	if (sym_end == sym_start || (sym_end - sym_start == 9 && memcmp(s + sym_start, "[unknown]", 9) == 0)) {
		/* unknown symbol: name the module as stackcollapse-perf does */
		if (dso_end > dso_start && !(dso_end - dso_start == 9 && memcmp(s + dso_start, "[unknown]", 9) == 0)) {
			const char *base = s + dso_start;
			for (size_t k = dso_start; k < dso_end; k++)
				if (s[k] == '/')
					base = s + k + 1;
			strbuf_reset(&f->key);
			strbuf_addc(&f->key, '[');
			strbuf_add(&f->key, base, (size_t)(s + dso_end - base));
			strbuf_addc(&f->key, ']');
			frame_push(f, intern(&f->names, f->key.buf, f->key.len, false));
		} else {
			frame_push(f, intern(&f->names, "[unknown]", 9, false));
		}
		return;
	}
	frame_push(f, intern(&f->syms, s + sym_start, sym_end - sym_start, true));
}

static void script_line(struct perffold *f, const char *s, size_t n)
{
	size_t i = 0;

	f->lineno++;
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n) {
		sample_end(f);
		return;
	}
	if (s[0] == '#')
		return;
	if (i == 0)
		header_line(f, s, n);
	else
		frame_line(f, s, n);
}

int perffold_feed(struct perffold *f, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	if (memchr(buf, '\0', len))
		return rwb_fail(RWB_EINPUT, "the input has NUL bytes near line %" PRIu64 ": expected "
				"`perf script` text", f->lineno + 1);
	if (f->partial.len) {
		const char *nl = memchr(p, '\n', len);
		if (!nl) {
			strbuf_add(&f->partial, p, len);
			return RWB_OK;
		}
		strbuf_add(&f->partial, p, (size_t)(nl - p));
		script_line(f, f->partial.buf, f->partial.len);
		strbuf_reset(&f->partial);
		p = nl + 1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			strbuf_add(&f->partial, p, (size_t)(end - p));
			break;
		}
		script_line(f, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return RWB_OK;
}

int perffold_finish(struct perffold *f)
{
	if (f->partial.len) {
		script_line(f, f->partial.buf, f->partial.len);
		strbuf_reset(&f->partial);
	}
	sample_end(f);
	pending_flush(f);
	return RWB_OK;
}

static int read_file(struct perffold *f, const char *path,
		     int (*feed)(struct perffold *, const char *, size_t))
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n;
	int rc = RWB_OK;

	if (!fp) {
		return rwb_fail(errno == ENOENT ? RWB_ENOTFOUND : RWB_EIO, "cannot read %s: %s", path,
				strerror(errno));
	}
	buf = xmalloc(1 << 20);
	while ((n = fread(buf, 1, 1 << 20, fp)) > 0) {
		if ((rc = feed(f, buf, n)) != RWB_OK)
			goto out;
	}
	if (ferror(fp)) {
		rc = rwb_fail(RWB_EIO, "cannot read %s: %s", path, strerror(errno));
	}
out:
	free(buf);
	fclose(fp);
	return rc;
}

int perffold_read_script(struct perffold *f, const char *path)
{
	int rc = read_file(f, path, perffold_feed);

	if (rc == RWB_OK)
		rc = perffold_finish(f);
	return rc;
}

/* Folded input keeps partial lines in f->partial as well. */
static int folded_line(struct perffold *f, const char *s, size_t n)
{
	size_t sp;
	uint64_t count = 0;

	f->lineno++;
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		return RWB_OK;
	sp = n;
	while (sp > 0 && s[sp - 1] != ' ')
		sp--;
	if (sp <= 1)
		return rwb_fail(RWB_EINPUT, "line %" PRIu64 " is not a folded stack: expected "
				"\"frame;frame COUNT\"", f->lineno);
	for (size_t i = sp; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || count > (UINT64_MAX - 9) / 10)
			return rwb_fail(RWB_EINPUT, "line %" PRIu64 ": the count must be a whole number",
					f->lineno);
		count = count * 10 + (uint64_t)(s[i] - '0');
	}
	if (count > 0)
		perffold_add(f, s, sp - 1, count);
	return RWB_OK;
}

static int folded_feed(struct perffold *f, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int rc;

	if (memchr(buf, '\0', len))
		return rwb_fail(RWB_EINPUT, "the folded file has NUL bytes: expected text");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			strbuf_add(&f->partial, p, (size_t)(end - p));
			break;
		}
		if (f->partial.len) {
			strbuf_add(&f->partial, p, (size_t)(nl - p));
			rc = folded_line(f, f->partial.buf, f->partial.len);
			strbuf_reset(&f->partial);
		} else {
			rc = folded_line(f, p, (size_t)(nl - p));
		}
		if (rc != RWB_OK)
			return rc;
		p = nl + 1;
	}
	return RWB_OK;
}

static int folded_finish(struct perffold *f)
{
	int rc = RWB_OK;

	if (f->partial.len)
		rc = folded_line(f, f->partial.buf, f->partial.len);
	strbuf_reset(&f->partial);
	return rc;
}

int perffold_parse_folded(struct perffold *f, const char *buf, size_t len)
{
	int rc = folded_feed(f, buf, len);

	if (rc == RWB_OK)
		rc = folded_finish(f);
	strbuf_reset(&f->partial);
	return rc;
}

int perffold_read_folded(struct perffold *f, const char *path)
{
	int rc = read_file(f, path, folded_feed);

	if (rc == RWB_OK)
		rc = folded_finish(f);
	strbuf_reset(&f->partial);
	return rc;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct perffold_stack *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->stack, y->stack);
}

void perffold_stacks(const struct perffold *f, struct perffold_stack **out, size_t *n)
{
	size_t k = 0;

	*out = xcalloc(f->stacks.used ? f->stacks.used : 1, sizeof(**out));
	for (size_t i = 0; i < f->stacks.cap; i++) {
		if (!f->stacks.slots[i].key)
			continue;
		(*out)[k].stack = f->stacks.slots[i].key;
		(*out)[k].count = f->stacks.slots[i].count;
		k++;
	}
	qsort(*out, k, sizeof(**out), stack_cmp);
	*n = k;
}

static int func_cmp(const void *a, const void *b)
{
	const struct perffold_func *x = a, *y = b;

	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

void perffold_functions(const struct perffold *f, struct perffold_func **out, size_t *n)
{
	struct pf_map funcs = { 0 };
	struct pf_frame *seen = NULL;
	size_t capseen = 0, k = 0;

	for (size_t i = 0; i < f->stacks.cap; i++) {
		const struct pf_slot *st = &f->stacks.slots[i];
		const char *p, *end;
		size_t nseen = 0;
		if (!st->key)
			continue;
		p = memchr(st->key, ';', st->keylen);
		if (!p)
			continue;
		p++;
		end = st->key + st->keylen;
		while (p <= end) {
			const char *q = memchr(p, ';', (size_t)(end - p));
			size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
			bool dup = false, created;
			struct pf_slot *fs;
			for (size_t s = 0; s < nseen && !dup; s++)
				dup = seen[s].len == len && memcmp(st->key + seen[s].off, p, len) == 0;
			fs = map_get(&funcs, p, len, &created);
			(void)created;
			if (!fs->value)  /* {self, total} */
				fs->value = xcalloc(2, sizeof(uint64_t));
			if (!dup) {
				((uint64_t *)fs->value)[1] += st->count;
				if (nseen == capseen) {
					capseen = capseen ? capseen * 2 : 32;
					seen = xrealloc(seen, capseen * sizeof(*seen));
				}
				seen[nseen].off = (size_t)(p - st->key);
				seen[nseen++].len = len;
			}
			if (!q) {
				((uint64_t *)fs->value)[0] += st->count;
				break;
			}
			p = q + 1;
		}
	}
	*out = xcalloc(funcs.used ? funcs.used : 1, sizeof(**out));
	for (size_t i = 0; i < funcs.cap; i++) {
		struct pf_slot *s = &funcs.slots[i];
		uint64_t *v;
		if (!s->key)
			continue;
		v = (uint64_t *)s->value;
		(*out)[k].name = s->key;
		s->key = NULL;
		(*out)[k].self = v[0];
		(*out)[k].total = v[1];
		(*out)[k].self_pct = f->samples ? 100.0 * (double)v[0] / (double)f->samples : 0;
		(*out)[k].total_pct = f->samples ? 100.0 * (double)v[1] / (double)f->samples : 0;
		k++;
	}
	qsort(*out, k, sizeof(**out), func_cmp);
	*n = k;
	free(seen);
	map_free(&funcs);
}

void perffold_functions_free(struct perffold_func *fn, size_t n)
{
	for (size_t i = 0; fn && i < n; i++)
		free(fn[i].name);
	free(fn);
}

/* ------------------------------------------------------------------ tree */

static struct perffold_node *node_new(const char *name, size_t n, struct perffold_node *parent)
{
	struct perffold_node *nd = xcalloc(1, sizeof(*nd));

	nd->name = xstrndup(name, n);
	nd->parent = parent;
	return nd;
}

/* The child named name (binary search; inserted in order when missing). */
static struct perffold_node *node_child(struct perffold_node *nd, const char *name, size_t n)
{
	size_t lo = 0, hi = nd->nkids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *kn = nd->kids[mid]->name;
		int c = strncmp(kn, name, n);
		if (c == 0)
			c = kn[n] == '\0' ? 0 : 1;
		if (c == 0)
			return nd->kids[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (nd->nkids == nd->capkids) {
		nd->capkids = nd->capkids ? nd->capkids * 2 : 4;
		nd->kids = xrealloc(nd->kids, nd->capkids * sizeof(*nd->kids));
	}
	memmove(nd->kids + lo + 1, nd->kids + lo, (nd->nkids - lo) * sizeof(*nd->kids));
	nd->kids[lo] = node_new(name, n, nd);
	nd->nkids++;
	return nd->kids[lo];
}

struct perffold_node *perffold_tree(const struct perffold *f, bool skip_comm)
{
	struct perffold_node *root = node_new("all", 3, NULL);

	for (size_t i = 0; i < f->stacks.cap; i++) {
		const struct pf_slot *st = &f->stacks.slots[i];
		const char *p, *end;
		struct perffold_node *nd = root;
		if (!st->key)
			continue;
		p = st->key;
		end = st->key + st->keylen;
		root->total += st->count;
		if (skip_comm) {
			const char *q = memchr(p, ';', st->keylen);
			if (!q) {
				root->self += st->count;
				continue;
			}
			p = q + 1;
		}
		while (p <= end) {
			const char *q = memchr(p, ';', (size_t)(end - p));
			size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
			nd = node_child(nd, p, len);
			nd->total += st->count;
			if (!q)
				break;
			p = q + 1;
		}
		nd->self += st->count;
	}
	return root;
}

void perffold_node_free(struct perffold_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		perffold_node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n);
}

/* ---------------------------------------------------------------- output */

int perffold_write_folded(const struct perffold *f, const char *path)
{
	struct perffold_stack *st;
	size_t n;
	FILE *fp = fopen(path, "w");
	int rc = RWB_OK;

	if (!fp)
		return RWB_EIO;
	perffold_stacks(f, &st, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s %" PRIu64 "\n", st[i].stack, st[i].count);
	free(st);
	if (fclose(fp) != 0)
		rc = RWB_EIO;
	return rc;
}

/* Length of a valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* XML text: escaped, control characters and broken UTF-8 as '?'. */
static void xml_escape(FILE *fp, const char *s, size_t maxchars)
{
	size_t n = strlen(s), i = 0, chars = 0;

	while (i < n && chars < maxchars) {
		unsigned char c = (unsigned char)s[i];
		size_t l = utf8_len((const unsigned char *)s + i, n - i);
		chars++;
		if (l == 0 || (c < 0x20 && c != '\t')) {
			fputc('?', fp);
			i++;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&apos;", fp); break;
		default: fwrite(s + i, 1, l, fp); break;
		}
		i += l;
	}
	if (i < n)
		fputs("..", fp);
}

struct svg_ctx {
	FILE *fp;
	double px_per_sample; /* width / total samples */
	uint64_t all;         /* samples in the root */
	int height;           /* of the image */
	int depth_max;
};

#define SVG_WIDTH 1200
#define SVG_FRAME_H 16
#define SVG_PAD_TOP 40
#define SVG_PAD_SIDE 10

static int tree_depth(const struct perffold_node *n)
{
	int d = 0;

	for (size_t i = 0; i < n->nkids; i++) {
		int k = tree_depth(n->kids[i]);
		if (k > d)
			d = k;
	}
	return d + 1;
}

static void svg_node(struct svg_ctx *c, const struct perffold_node *n, double x, int depth)
{
	double w = (double)n->total * c->px_per_sample;
	double kx = x;
	int y = c->height - SVG_FRAME_H * (depth + 1) - 10;
	uint64_t h = pf_hash(n->name, strlen(n->name));
	int r = 205 + (int)(h % 50), g = (int)((h >> 8) % 180), b = (int)((h >> 16) % 55);

	if (w < 0.1)
		return;
	fputs("<g><title>", c->fp);
	xml_escape(c->fp, n->name, 4096);
	fprintf(c->fp, " (%" PRIu64 " samples, %.2f%%)</title>", n->total,
		c->all ? 100.0 * (double)n->total / (double)c->all : 0.0);
	fprintf(c->fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" rx=\"2\"/>",
		x + SVG_PAD_SIDE, y, w, SVG_FRAME_H - 1, r, g, b);
	if (w > 24) {
		fprintf(c->fp, "<text x=\"%.1f\" y=\"%d\">", x + SVG_PAD_SIDE + 3, y + 11);
		xml_escape(c->fp, n->name, (size_t)((w - 6) / 7));
		fputs("</text>", c->fp);
	}
	fputs("</g>\n", c->fp);
	for (size_t i = 0; i < n->nkids; i++) {
		svg_node(c, n->kids[i], kx, depth + 1);
		kx += (double)n->kids[i]->total * c->px_per_sample;
	}
}

int perffold_write_svg(const struct perffold *f, const char *path, const char *title)
{
	struct perffold_node *root = perffold_tree(f, false);
	struct svg_ctx c = { 0 };
	FILE *fp = fopen(path, "w");
	int rc = RWB_OK;

	if (!fp) {
		perffold_node_free(root);
		return RWB_EIO;
	}
	c.fp = fp;
	c.all = root->total;
	c.depth_max = tree_depth(root);
	c.height = SVG_PAD_TOP + c.depth_max * SVG_FRAME_H + 20;
	c.px_per_sample = root->total ? (double)(SVG_WIDTH - 2 * SVG_PAD_SIDE) / (double)root->total : 0;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n"
		"<style>text { font-family: monospace; font-size: 12px; fill: #000; } "
		"g:hover rect { stroke: #000; stroke-width: 0.5; }</style>\n"
		"<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f0\"/>\n"
		"<text x=\"%d\" y=\"24\" style=\"font-size:17px\">",
		SVG_WIDTH, c.height, SVG_WIDTH, c.height, SVG_WIDTH, c.height, SVG_WIDTH / 2 - 200);
	xml_escape(fp, title ? title : "Flame Graph", 200);
	fprintf(fp, " (%" PRIu64 " samples)</text>\n", root->total);
	if (root->total)
		svg_node(&c, root, 0, 0);
	fputs("</svg>\n", fp);
	if (fclose(fp) != 0)
		rc = RWB_EIO;
	perffold_node_free(root);
	return rc;
}
