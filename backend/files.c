/*
 * files.c - glob patterns, .gitignore rules, the ignore-aware walk and grep.
 *
 * The walk keeps a stack of rule sets (.git/info/exclude at the bottom, then
 * one per .gitignore on the way down) and asks them deepest first: the first
 * set with a verdict decides, and inside a set the last matching line wins.
 * An ignored folder is never entered, so (as in git) a file under it cannot
 * be re-included. Every folder entered is remembered by (dev, inode), which
 * both ends symlink loops and keeps a folder reached twice from being
 * searched twice (within a part: see files_parts_open). The rules are
 * rwb's only ones: grep, glob, the unsafe audit and connascence all walk
 * through here.
 *
 * grep walks first, then searches the files it kept on one thread per
 * core (see struct grep_job). It maps each file, skips binary ones, and runs the POSIX regex with
 * REG_STARTEND over the mapping. When the regex has a literal every match
 * must contain, memmem() finds candidate lines first and the regex runs on
 * those lines only, which is where the speed comes from.
 *
 * Never: follow a folder twice, read a file into memory whole, or write.
 */
#define _GNU_SOURCE
#include "files.h"
#include "error.h"
#include "sanitize.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GREP_TEXT_MAX 400       /* bytes of a matching line kept in the answer */
#define GREP_DEFAULT_MAX 100000
#define BINARY_PROBE 8192

/* ---- glob matching ---- */

/* 1 match, 0 no match, -1 no match and the text ran out (no later '*' can help). */
struct wildctx {
	const char *pat, *str;   /* borrowed: the whole pattern and text */
	size_t slen;
	unsigned char *failed;   /* owned bitmap of (p, s) pairs known not to match, or NULL */
};

static int wild(struct wildctx *c, const char *p, const char *s);

/* Matches a [...] class at *pp against c; advances *pp past ']'. Returns
 * 1 / 0, or -1 when the class is not closed ('[' is then a literal). */
static int class_match(const char **pp, unsigned char c)
{
	const char *p = *pp + 1;
	bool negate = false, hit = false;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	for (bool first = true; *p && (first || *p != ']'); first = false) {
		unsigned char lo = (unsigned char)*p, hi;
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			hi = (unsigned char)*p;
			if (hi == '\\' && p[1])
				hi = (unsigned char)*++p;
			p++;
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	if (*p != ']')
		return -1;
	*pp = p;
	return (hit != negate) && c != '/';
}

static int star(struct wildctx *c, const char *p, const char *s)
{
	const char *start = c->pat;
	const char *q = p;
	bool segment = (p == start || p[-1] == '/');

	while (*q == '*')
		q++;
	if (q - p >= 2 && segment && (*q == '/' || *q == '\0')) {
		if (!*q)
			return 1;
		/* "**" + "/": zero or more whole folders */
		for (const char *t = s;;) {
			int r = wild(c, q + 1, t);
			if (r == 1)
				return 1;
			t = strchr(t, '/');
			if (!t)
				return -1;
			t++;
		}
	}
	if (!*q)
		return strchr(s, '/') ? 0 : 1;
	for (const char *t = s;; t++) {
		int r = wild(c, q, t);
		if (r != 0)
			return r;
		if (!*t)
			return -1;
		if (*t == '/')
			return 0;
	}
}

/* The matcher proper; wild() remembers the pairs that failed, which keeps
 * patterns like many '**' segments from taking exponential time. */
static int wild_run(struct wildctx *c, const char *p, const char *s)
{
	for (; *p; p++, s++) {
		switch (*p) {
		case '*':
			return star(c, p, s);
		case '?':
			if (!*s)
				return -1;
			if (*s == '/')
				return 0;
			break;
		case '[': {
			const char *q = p;
			int r;
			if (!*s)
				return -1;
			r = class_match(&q, (unsigned char)*s);
			if (r < 0) {
				if (*s != '[')
					return 0;
				break;
			}
			if (!r)
				return 0;
			p = q;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (!*s)
				return -1;
			if (*p != *s)
				return 0;
			break;
		}
	}
	return *s == '\0';
}

static int wild(struct wildctx *c, const char *p, const char *s)
{
	size_t bit = 0;
	int r;

	if (c->failed) {
		bit = (size_t)(p - c->pat) * (c->slen + 1) + (size_t)(s - c->str);
		if (c->failed[bit / 8] & (1u << (bit % 8)))
			return 0;
	}
	r = wild_run(c, p, s);
	if (r != 1 && c->failed)
		c->failed[bit / 8] |= (unsigned char)(1u << (bit % 8));
	return r;
}

bool files_glob_match(const char *pattern, const char *path)
{
	struct wildctx c = { pattern, path, strlen(path), NULL };
	size_t cells = (strlen(pattern) + 1) * (c.slen + 1);
	unsigned char small[512];
	bool hit;

	/* memory only for patterns that can backtrack; small ones on the stack */
	if (strchr(pattern, '*') && cells / 8 + 1 <= sizeof(small)) {
		memset(small, 0, cells / 8 + 1);
		c.failed = small;
	} else if (strchr(pattern, '*') && cells <= (64u << 20)) {
		c.failed = xcalloc(cells / 8 + 1, 1);
	}
	hit = wild(&c, pattern, path) == 1;
	if (c.failed != small)
		free(c.failed);
	return hit;
}

/* ---- .gitignore rules ---- */

struct ignore_rule {
	char *pat;        /* owned; without '!', leading '/' and trailing '/' */
	bool negate;      /* a '!' line */
	bool dir_only;    /* ended in '/' */
	bool anchored;    /* had a '/' before its end: matches from base */
};

struct files_ignore {
	char *base;                /* owned: "" or "dir/sub/" */
	size_t base_len;
	struct ignore_rule *rules; /* owned, in file order */
	int n, cap;
};

/* Adds the rule of one line p[0..n) (newline and trailing blanks removed). */
static void ignore_add_line(struct files_ignore *ig, const char *p, size_t n)
{
	struct ignore_rule r = { 0 };

	if (n == 0 || *p == '#' || memchr(p, '\0', n))
		return;
	if (*p == '!') {
		r.negate = true;
		p++;
		n--;
	} else if (*p == '\\' && n > 1 && (p[1] == '!' || p[1] == '#')) {
		p++;
		n--;
	}
	if (n && p[n - 1] == '/') {
		r.dir_only = true;
		n--;
	}
	if (n && *p == '/') {
		r.anchored = true;
		p++;
		n--;
	}
	if (n == 0)
		return;
	r.pat = xstrndup(p, n);
	if (strchr(r.pat, '/'))
		r.anchored = true;
	if (ig->n == ig->cap) {
		ig->cap = ig->cap ? 2 * ig->cap : 8;
		ig->rules = xrealloc(ig->rules, (size_t)ig->cap * sizeof(*ig->rules));
	}
	ig->rules[ig->n++] = r;
}

struct files_ignore *files_ignore_parse(const char *base, const char *text, size_t len)
{
	struct files_ignore *ig = xcalloc(1, sizeof(*ig));
	const char *p = text, *end = text + len;

	ig->base = xstrdup(base ? base : "");
	ig->base_len = strlen(ig->base);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le > p && le[-1] == '\r')
			le--;
		/* trailing spaces go unless escaped */
		while (le > p && le[-1] == ' ' && !(le - 1 > p && le[-2] == '\\'))
			le--;
		ignore_add_line(ig, p, (size_t)(le - p));
		p = nl ? nl + 1 : end;
	}
	return ig;
}

void files_ignore_free(struct files_ignore *ig)
{
	if (!ig)
		return;
	for (int i = 0; i < ig->n; i++)
		free(ig->rules[i].pat);
	free(ig->rules);
	free(ig->base);
	free(ig);
}

int files_ignore_check(const struct files_ignore *ig, const char *path, bool is_dir)
{
	const char *rel, *name;

	if (strncmp(path, ig->base, ig->base_len) != 0)
		return 0;
	rel = path + ig->base_len;
	name = strrchr(rel, '/');
	name = name ? name + 1 : rel;
	for (int i = ig->n - 1; i >= 0; i--) {
		const struct ignore_rule *r = &ig->rules[i];
		if (r->dir_only && !is_dir)
			continue;
		if (files_glob_match(r->pat, r->anchored ? rel : name))
			return r->negate ? -1 : 1;
	}
	return 0;
}

/* ---- the walk ---- */

struct dirset {
	uint64_t *keys;   /* owned: dev/ino pairs, 0/0 = empty slot */
	size_t cap, n;    /* cap is a power of two (pairs) */
};

/* Adds (dev, ino); false when it was there already. */
static bool dirset_add(struct dirset *d, uint64_t dev, uint64_t ino)
{
	size_t mask, i;

	if (2 * (d->n + 1) > d->cap) {
		struct dirset bigger = { NULL, d->cap ? 2 * d->cap : 64, 0 };
		bigger.keys = xcalloc(bigger.cap * 2, sizeof(uint64_t));
		for (size_t j = 0; j < d->cap; j++)
			if (d->keys[2 * j] || d->keys[2 * j + 1])
				dirset_add(&bigger, d->keys[2 * j] - 1, d->keys[2 * j + 1]);
		free(d->keys);
		*d = bigger;
	}
	dev += 1; /* so that 0/0 means empty */
	mask = d->cap - 1;
	i = (size_t)((dev * 0x9E3779B97F4A7C15ULL) ^ (ino * 0xC2B2AE3D27D4EB4FULL)) & mask;
	while (d->keys[2 * i] || d->keys[2 * i + 1]) {
		if (d->keys[2 * i] == dev && d->keys[2 * i + 1] == ino)
			return false;
		i = (i + 1) & mask;
	}
	d->keys[2 * i] = dev;
	d->keys[2 * i + 1] = ino;
	d->n++;
	return true;
}

struct walk {
	files_walk_fn fn;
	void *data;
	struct files_ignore **stack; /* bottom first; the first nshared are the
				      * parts' (not freed here), the rest owned */
	int nstack, cap, nshared;
	struct dirset seen;
	const char *root_real;       /* borrowed: realpath of the root */
	size_t root_len;
	bool git;                    /* in a git work tree: .gitignore files count */
};

static void walk_push(struct walk *w, struct files_ignore *ig)
{
	if (w->nstack == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->stack = xrealloc(w->stack, (size_t)w->cap * sizeof(*w->stack));
	}
	w->stack[w->nstack++] = ig;
}

static bool walk_ignored(const struct walk *w, const char *rel, bool is_dir)
{
	for (int i = w->nstack - 1; i >= 0; i--) {
		int v = files_ignore_check(w->stack[i], rel, is_dir);
		if (v)
			return v > 0;
	}
	return false;
}

/* Pushes the rules of folder abs's .gitignore (rel: its path with a
 * trailing '/', "" at the root) when the walk is in a git work tree. */
static bool push_gitignore(struct walk *w, const char *abs, const char *rel)
{
	char *gi, *text;
	size_t len;

	if (!w->git)
		return false;
	gi = xasprintf("%s/.gitignore", abs);
	text = strbuf_read_whole(gi, (4u << 20) - 1, &len);
	free(gi);
	if (!text)
		return false;
	walk_push(w, files_ignore_parse(rel, text, len));
	free(text);
	return true;
}

/* a, b and c joined (allocated): the walk builds two paths per entry, and
 * xasprintf's format parsing was 2% of a registry scan's CPU. */
static char *concat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *p = xmalloc(la + lb + lc + 1);

	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	memcpy(p + la + lb, c, lc + 1);
	return p;
}

static int cmp_names(const void *a, const void *b)
{
	/* the first byte is the entry's type: sort by name */
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* The folder abs opened for listing, *st its stat (through the open
 * descriptor: no second walk of the path), or NULL when it is not a folder
 * that can be read. */
static DIR *open_dir(const char *abs, struct stat *st)
{
	DIR *dir = opendir(abs);

	if (dir && (fstat(dirfd(dir), st) != 0 || !S_ISDIR(st->st_mode))) {
		closedir(dir);
		dir = NULL;
	}
	return dir;
}

/* The entries of dir (closed here) but . .. and .git, sorted by name, each
 * with its d_type in its first byte (255: unknown); *cargo whether a
 * Cargo.toml is among them. NULL (and *n 0) when there are none. */
static char **list_names(DIR *dir, size_t *n, bool *cargo)
{
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	*cargo = false;
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		*cargo |= strcmp(de->d_name, "Cargo.toml") == 0;
		/* keep d_type in the first byte so we rarely need stat() */
		char type[2] = { de->d_type ? (char)de->d_type : (char)255, '\0' };
		names[(*n)++] = concat3(type, de->d_name, "");
	}
	closedir(dir);
	if (*n)  /* an empty folder: no array to sort */
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int walk_dir(struct walk *w, const char *abs, const char *rel);

/* One entry of folder abs (rel its path, "" or ending in '/'), as
 * list_names gives it; cargo: the folder has a Cargo.toml. A folder is
 * walked, a regular file goes to the callback, both unless a rule skips
 * them. */
static int walk_entry(struct walk *w, const char *abs, const char *rel, const char *entry, bool cargo)
{
	unsigned char type = (unsigned char)entry[0];
	const char *name = entry + 1;
	char *cabs = concat3(abs, "/", name);
	char *crel = concat3(rel, name, "");
	bool is_dir = type == DT_DIR, is_reg = type == DT_REG;
	struct stat cst, *stp = NULL;
	int rc = 0;

	if (type != DT_DIR && type != DT_REG) {
		if (stat(cabs, &cst) == 0) {
			is_dir = S_ISDIR(cst.st_mode);
			is_reg = S_ISREG(cst.st_mode);
			stp = &cst;
		}
		if (is_dir && w->root_real) {
			/* a link to a folder inside the tree: walked at its real place */
			char *real = realpath(cabs, NULL);
			if (!real || (strncmp(real, w->root_real, w->root_len) == 0 &&
				      (real[w->root_len] == '/' || real[w->root_len] == '\0')))
				is_dir = false;
			free(real);
		}
	}
	/* cargo's build folder: generated code, never the project's */
	if (is_dir && cargo && strcmp(name, "target") == 0)
		is_dir = false;
	if ((is_dir || is_reg) && !walk_ignored(w, crel, is_dir)) {
		if (is_dir) {
			char *sub = concat3(crel, "/", "");
			rc = walk_dir(w, cabs, sub);
			free(sub);
		} else {
			rc = w->fn(w->data, crel, cabs, stp);
		}
	}
	free(cabs);
	free(crel);
	return rc;
}

static int walk_dir(struct walk *w, const char *abs, const char *rel)
{
	struct stat st;
	DIR *dir;
	char **names;
	size_t nnames;
	bool cargo, pushed;
	int rc = 0;

	dir = open_dir(abs, &st);
	if (!dir)
		return 0;
	if (!dirset_add(&w->seen, (uint64_t)st.st_dev, (uint64_t)st.st_ino)) {
		closedir(dir);
		return 0;
	}
	names = list_names(dir, &nnames, &cargo);
	if (!names)
		return 0;
	pushed = push_gitignore(w, abs, rel);
	for (size_t i = 0; i < nnames && rc == 0; i++)
		rc = walk_entry(w, abs, rel, names[i], cargo);
	free_names(names, nnames);
	if (pushed)
		files_ignore_free(w->stack[--w->nstack]);
	return rc;
}

/* Whether folder abs is in a git work tree: it or a folder above it has a
 * .git (only there do .gitignore files count, as for git and ripgrep). */
static bool in_work_tree(const char *abs)
{
	char *p = realpath(abs, NULL);
	bool yes = false;

	for (size_t len = p ? strlen(p) : 0; p && !yes; ) {
		char *dotgit = xasprintf("%.*s/.git", (int)len, p);
		struct stat st;
		yes = lstat(dotgit, &st) == 0;
		free(dotgit);
		while (len > 0 && p[len - 1] != '/')
			len--;
		if (len <= 1)
			break;
		len--;   /* the '/' before the last name */
	}
	free(p);
	return yes;
}

struct files_parts {
	char *root_real;               /* owned, or NULL */
	char *abs, *rel;               /* owned: the folder cut into parts */
	char **names;                  /* owned: its entries (list_names) */
	size_t n;
	bool cargo;                    /* it has a Cargo.toml */
	bool git;
	struct files_ignore **sets;    /* owned: the rules from the root down to it */
	int nsets;
	uint64_t dev, ino;             /* the folder, so a link back ends */
};

struct files_parts *files_parts_open(const char *root, const char *under, size_t *n)
{
	struct files_parts *p = xcalloc(1, sizeof(*p));
	struct walk w = { 0 };
	struct stat st;
	DIR *dir;
	char *ex = xasprintf("%s/.git/info/exclude", root), *text;
	size_t len;

	p->root_real = realpath(root, NULL);
	p->git = in_work_tree(root);
	p->abs = *under ? xasprintf("%s/%s", root, under) : xstrdup(root);
	p->rel = *under ? xasprintf("%s/", under) : xstrdup("");
	w.git = p->git;
	/* .git/info/exclude at the bottom, then each .gitignore down to under */
	text = p->git ? strbuf_read_whole(ex, (4u << 20) - 1, &len) : NULL;
	free(ex);
	if (text) {
		walk_push(&w, files_ignore_parse("", text, len));
		free(text);
	}
	push_gitignore(&w, root, "");
	for (const char *slash = p->rel; *p->rel && (slash = strchr(slash, '/')); slash++) {
		char *rel = xstrndup(p->rel, (size_t)(slash - p->rel) + 1);
		char *abs = xasprintf("%s/%.*s", root, (int)(slash - p->rel), p->rel);
		push_gitignore(&w, abs, rel);
		free(rel);
		free(abs);
	}
	p->sets = w.stack;
	p->nsets = w.nstack;
	dir = open_dir(p->abs, &st);
	if (dir) {
		p->dev = (uint64_t)st.st_dev;
		p->ino = (uint64_t)st.st_ino;
		p->names = list_names(dir, &p->n, &p->cargo);
	}
	*n = p->n;
	return p;
}

int files_walk_part(const struct files_parts *p, size_t k, files_walk_fn fn, void *data)
{
	struct walk w = {
		.fn = fn, .data = data, .git = p->git, .root_real = p->root_real,
		.root_len = p->root_real ? strlen(p->root_real) : 0,
	};
	int rc;

	if (k >= p->n)
		return 0;
	for (int i = 0; i < p->nsets; i++)
		walk_push(&w, p->sets[i]);
	w.nshared = p->nsets;
	dirset_add(&w.seen, p->dev, p->ino);
	rc = walk_entry(&w, p->abs, p->rel, p->names[k], p->cargo);
	while (w.nstack > w.nshared)
		files_ignore_free(w.stack[--w.nstack]);
	free(w.stack);
	free(w.seen.keys);
	return rc;
}

void files_parts_free(struct files_parts *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nsets; i++)
		files_ignore_free(p->sets[i]);
	free(p->sets);
	free_names(p->names, p->n);
	free(p->root_real);
	free(p->abs);
	free(p->rel);
	free(p);
}

bool files_is_rust(const char *path)
{
	const char *name = strrchr(path, '/');
	size_t n;

	name = name ? name + 1 : path;
	n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".rs") == 0;
}

int files_walk(const char *root, files_walk_fn fn, void *data)
{
	size_t n;
	struct files_parts *p = files_parts_open(root, "", &n);
	int rc = 0;

	for (size_t k = 0; k < n && rc == 0; k++)
		rc = files_walk_part(p, k, fn, data);
	files_parts_free(p);
	return rc;
}

/* ---- glob search ---- */

struct glob_state {
	const char *pattern;
	bool by_name;     /* no '/' in the pattern: match the file name at any depth */
	cJSON *arr;
};

static int glob_one(void *data, const char *rel, const char *abs, const struct stat *st)
{
	struct glob_state *g = data;
	const char *name = strrchr(rel, '/');

	(void)abs;
	(void)st;
	name = name ? name + 1 : rel;
	if (files_glob_match(g->pattern, g->by_name ? name : rel))
		cJSON_AddItemToArray(g->arr, cJSON_CreateString(rel));
	return 0;
}

int files_glob(cJSON **out, const char *root, const char *pattern)
{
	struct glob_state g = { pattern, strchr(pattern, '/') == NULL, NULL };
	struct stat st;
	cJSON *res;

	*out = NULL;
	if (!*pattern)
		return rwb_fail(RWB_EUSAGE, "empty pattern: give one like '**/*.rs' or 'src/*.toml'");
	if (pattern[0] == '/')
		return rwb_fail(RWB_EUSAGE, "pattern '%s' starts with '/': patterns are relative to the repository", pattern);
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return rwb_fail(RWB_EENV, "cannot search %s: not a folder", root);
	res = cJSON_CreateObject();
	g.arr = cJSON_AddArrayToObject(res, "matches");
	files_walk(root, glob_one, &g);
	*out = res;
	return RWB_OK;
}

/* ---- grep ---- */

static const struct {
	const char *name;
	const char *alias;      /* ripgrep's name, or NULL */
	const char *exts[6];
} grep_types[] = {
	{ "rs", "rust", { ".rs" } },
	{ "toml", NULL, { ".toml" } },
	{ "md", "markdown", { ".md", ".markdown" } },
	{ "c", NULL, { ".c", ".h" } },
	{ "h", NULL, { ".h" } },
	{ "cpp", NULL, { ".cpp", ".cc", ".cxx", ".hpp", ".hh", ".h" } },
	{ "py", "python", { ".py" } },
	{ "js", NULL, { ".js", ".mjs", ".cjs" } },
	{ "ts", "typescript", { ".ts", ".tsx" } },
	{ "json", NULL, { ".json" } },
	{ "yaml", "yml", { ".yaml", ".yml" } },
	{ "sh", NULL, { ".sh", ".bash" } },
	{ "txt", NULL, { ".txt" } },
	{ "go", NULL, { ".go" } },
	{ "html", NULL, { ".html", ".htm" } },
};

const char *files_grep_types(void)
{
	return "rs|toml|md|c|h|cpp|py|js|ts|json|yaml|sh|txt|go|html";
}

/* The bit of a type name in grep_types, 0 when unknown. */
static unsigned grep_type_bit(const char *name)
{
	for (size_t i = 0; i < sizeof(grep_types) / sizeof(grep_types[0]); i++)
		if (strcmp(grep_types[i].name, name) == 0 ||
		    (grep_types[i].alias && strcmp(grep_types[i].alias, name) == 0))
			return 1u << i;
	return 0;
}

bool files_looks_binary(const char *buf, size_t len)
{
	return memchr(buf, '\0', len < BINARY_PROBE ? len : BINARY_PROBE) != NULL;
}

struct grep_state {
	regex_t re;
	char *lit;              /* owned: a literal every match contains, or NULL */
	size_t litlen;
	unsigned types;         /* bits of grep_types, 0 = all */
	cJSON *arr;             /* the matches, or NULL when only counting */
	size_t n, max, files;
	bool truncated;
	struct strbuf text;     /* scratch for one sanitized line */
};

/*
 * The longest literal run every match of an ERE must contain, or NULL.
 * Conservative: no answer for alternation, nothing from inside groups or
 * brackets, and a character followed by ?, * or { leaves the run.
 */
static char *required_literal(const char *re)
{
	struct strbuf run = STRBUF_INIT;
	char *best = NULL;
	size_t best_len = 0;
	int depth = 0;

	if (strchr(re, '|'))
		return NULL;
	for (const char *p = re; *p; p++) {
		bool lit = false;
		char c = *p;

		if (c == '\\' && p[1]) {
			p++;
			c = *p;
			lit = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
		} else if (c == '[') {
			/* skip the bracket expression */
			const char *q = p + 1;
			if (*q == '^')
				q++;
			if (*q == ']')
				q++;
			while (*q && *q != ']')
				q++;
			p = *q ? q : q - 1;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth = depth ? depth - 1 : 0;
		} else if (c == '?' || c == '*' || c == '{') {
			/* the character before is optional or repeated: it and
			 * whatever follows are not one required run */
			if (run.len)
				run.len--;
			if (c == '{')
				while (p[1] && *p != '}')
					p++;
		} else if (c != '.' && c != '^' && c != '$' && c != '+') {
			lit = true;
		}
		if (lit && depth == 0) {
			strbuf_addc(&run, c);
			continue;
		}
		if (lit)
			continue;
		if (run.len > best_len) {
			free(best);
			best = xstrndup(run.buf, run.len);
			best_len = run.len;
		}
		strbuf_reset(&run);
	}
	if (run.len > best_len) {
		free(best);
		best = xstrndup(run.buf, run.len);
		best_len = run.len;
	}
	strbuf_free(&run);
	return best;
}

static bool type_matches(unsigned types, const char *rel)
{
	size_t n = strlen(rel);

	if (!types)
		return true;
	for (size_t t = 0; t < sizeof(grep_types) / sizeof(grep_types[0]); t++) {
		if (!(types & (1u << t)))
			continue;
		for (int i = 0; i < 6 && grep_types[t].exts[i]; i++) {
			size_t e = strlen(grep_types[t].exts[i]);
			if (n > e && strcmp(rel + n - e, grep_types[t].exts[i]) == 0)
				return true;
		}
	}
	return false;
}

static void grep_record(struct grep_state *g, const char *rel, long line, long col,
			const char *ls, const char *le)
{
	cJSON *m;
	size_t n = (size_t)(le - ls);

	g->n++;
	if (!g->arr)
		return;
	if (n > GREP_TEXT_MAX)
		n = GREP_TEXT_MAX;
	strbuf_reset(&g->text);
	sanitize_text(&g->text, ls, n, SANITIZE_KEEP_TAB);
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "file", rel);
	cJSON_AddNumberToObject(m, "line", (double)line);
	cJSON_AddNumberToObject(m, "column", (double)col);
	cJSON_AddStringToObject(m, "text", strbuf_str(&g->text));
	cJSON_AddItemToArray(g->arr, m);
}

/* Counts newlines in [from, to). */
static long count_lines(const char *from, const char *to)
{
	long n = 0;

	while (from < to && (from = memchr(from, '\n', (size_t)(to - from)))) {
		n++;
		from++;
	}
	return n;
}

static void grep_buffer(struct grep_state *g, const char *rel, const char *buf, size_t size)
{
	const char *p = buf, *end = buf + size, *counted = buf;
	long line = 1;

	while (p < end && g->n < g->max) {
		regmatch_t m;
		const char *ls, *le, *ms;

		if (g->lit) {
			const char *hit = memmem(p, (size_t)(end - p), g->lit, g->litlen);
			if (!hit)
				break;
			ls = hit;
			while (ls > p && ls[-1] != '\n')
				ls--;
			le = memchr(hit, '\n', (size_t)(end - hit));
			if (!le)
				le = end;
			m.rm_so = ls - buf;
			m.rm_eo = le - buf;
			if (regexec(&g->re, buf, 1, &m, REG_STARTEND) != 0) {
				p = le + 1;
				continue;
			}
			ms = buf + m.rm_so;
		} else {
			m.rm_so = p - buf;
			m.rm_eo = end - buf;
			if (regexec(&g->re, buf, 1, &m, REG_STARTEND) != 0)
				break;
			ms = buf + m.rm_so;
			ls = ms;
			while (ls > p && ls[-1] != '\n')
				ls--;
			le = memchr(ms, '\n', (size_t)(end - ms));
			if (!le)
				le = end;
		}
		line += count_lines(counted, ls);
		counted = ls;
		grep_record(g, rel, line, (long)(ms - ls) + 1, ls, le);
		p = le + 1;
	}
	if (g->n >= g->max && p < end)
		g->truncated = true;
}

/* Greps one file into g (g->arr, g->n). */
static void grep_file(struct grep_state *g, const char *rel, const char *abs)
{
	struct stat st;
	int fd;
	void *map;

	fd = open(abs, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return;
	g->files++;
	if (!files_looks_binary(map, (size_t)st.st_size))
		grep_buffer(g, rel, map, (size_t)st.st_size);
	munmap(map, (size_t)st.st_size);
}

/*
 * The files are searched by several threads. They are handed out in walk
 * order and each file's matches are kept apart, then joined in that order,
 * so the answer is the same as one thread's; once `max` matches are found
 * no new file is started, and the files started before are all earlier in
 * the order, so cutting the joined list at `max` is exact.
 */
struct grep_job {
	char **rel, **abs;        /* owned: the files the walk kept, in order */
	size_t nfiles, cap;
	unsigned types;           /* --type filter applied while walking */
	pthread_mutex_t lock;
	size_t next;              /* under lock: the next file to hand out */
	size_t total;             /* under lock: matches found so far */
	size_t max;
	const struct grep_state *proto; /* literal, type, max; each worker compiles its own regex */
	const char *regex;
	bool count_only;
	cJSON **per_file;         /* owned: file i's matches (NULL when counting) */
	size_t *per_count;        /* matches in file i */
	size_t files;             /* under lock: files actually searched */
	bool truncated;           /* under lock: a file had more than max matches */
};

static int grep_collect(void *data, const char *rel, const char *abs, const struct stat *st)
{
	struct grep_job *j = data;

	(void)st;
	if (!type_matches(j->types, rel))
		return 0;
	if (j->nfiles == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 256;
		j->rel = xrealloc(j->rel, j->cap * sizeof(*j->rel));
		j->abs = xrealloc(j->abs, j->cap * sizeof(*j->abs));
	}
	j->rel[j->nfiles] = xstrdup(rel);
	j->abs[j->nfiles++] = xstrdup(abs);
	return 0;
}

static void *grep_worker(void *arg)
{
	struct grep_job *j = arg;
	struct grep_state g = { .lit = j->proto->lit, .litlen = j->proto->litlen, .max = j->max };

	/* glibc serializes regexec() on one compiled regex: each worker has its own */
	if (regcomp(&g.re, j->regex, REG_EXTENDED | REG_NEWLINE) != 0)
		return NULL;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&j->lock);
		i = j->total >= j->max ? j->nfiles : j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->nfiles)
			break;
		g.arr = j->count_only ? NULL : cJSON_CreateArray();
		g.n = 0;
		g.files = 0;
		grep_file(&g, j->rel[i], j->abs[i]);
		j->per_file[i] = g.arr;
		j->per_count[i] = g.n;
		pthread_mutex_lock(&j->lock);
		j->total += g.n;
		j->files += g.files;
		j->truncated |= g.truncated;
		pthread_mutex_unlock(&j->lock);
	}
	regfree(&g.re);
	strbuf_free(&g.text);
	return NULL;
}

static int grep_threads(size_t nfiles)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (nfiles < 64 || cpus < 2)
		return 1;
	return cpus > 8 ? 8 : (int)cpus;
}

int files_grep(cJSON **out, size_t *nmatches, const char *root, const struct files_grep_opts *o)
{
	struct grep_state g = { 0 };
	struct stat st;
	cJSON *res = NULL;
	int rc;

	*out = NULL;
	if (nmatches)
		*nmatches = 0;
	for (int i = -1; i < 0 || (o->types && o->types[i]); i++) {
		const char *name = i < 0 ? o->type : o->types[i];
		unsigned bit;
		if (!name)
			continue;
		if (!(bit = grep_type_bit(name)))
			return rwb_fail(RWB_EUSAGE, "unknown --type '%s': use one of %s", name, files_grep_types());
		g.types |= bit;
	}
	if (!*o->regex)
		return rwb_fail(RWB_EUSAGE, "empty regex: give a POSIX extended regular expression");
	rc = regcomp(&g.re, o->regex, REG_EXTENDED | REG_NEWLINE);
	if (rc) {
		char msg[200];
		regerror(rc, &g.re, msg, sizeof(msg));
		return rwb_fail(RWB_EUSAGE, "bad regex '%s': %s (POSIX extended syntax)", o->regex, msg);
	}
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rwb_fail(RWB_EENV, "cannot search %s: not a folder", root);
		regfree(&g.re);
		return RWB_EENV;
	}
	g.lit = required_literal(o->regex);
	g.litlen = g.lit ? strlen(g.lit) : 0;
	g.max = o->max_matches ? o->max_matches : GREP_DEFAULT_MAX;
	res = cJSON_CreateObject();
	if (!o->count_only)
		g.arr = cJSON_AddArrayToObject(res, "matches");
	{
		struct grep_job j = { .types = g.types, .max = g.max, .proto = &g, .regex = o->regex,
				      .count_only = o->count_only };
		int nthreads;
		pthread_t tids[8];

		files_walk(root, grep_collect, &j);
		j.per_file = xcalloc(j.nfiles + 1, sizeof(*j.per_file));
		j.per_count = xcalloc(j.nfiles + 1, sizeof(*j.per_count));
		pthread_mutex_init(&j.lock, NULL);
		nthreads = grep_threads(j.nfiles);
		for (int t = 1; t < nthreads; t++)
			if (pthread_create(&tids[t], NULL, grep_worker, &j) != 0)
				nthreads = t;
		grep_worker(&j);
		for (int t = 1; t < nthreads; t++)
			pthread_join(tids[t], NULL);
		pthread_mutex_destroy(&j.lock);
		/* join the files' matches in walk order, cut at max */
		for (size_t i = 0; i < j.nfiles; i++) {
			size_t take = j.per_count[i];
			if (g.n + take > g.max) {
				take = g.max - g.n;
				g.truncated = true;
			}
			if (g.arr && j.per_file[i]) {
				for (size_t k = 0; k < take; k++)
					cJSON_AddItemToArray(g.arr, cJSON_DetachItemFromArray(j.per_file[i], 0));
			}
			g.n += take;
			cJSON_Delete(j.per_file[i]);
			free(j.rel[i]);
			free(j.abs[i]);
		}
		if (j.next < j.nfiles || j.truncated)
			g.truncated = true;
		g.files = j.files;
		free(j.per_file);
		free(j.per_count);
		free(j.rel);
		free(j.abs);
	}
	cJSON_AddNumberToObject(res, "count", (double)g.n);
	cJSON_AddNumberToObject(res, "files_searched", (double)g.files);
	cJSON_AddBoolToObject(res, "truncated", g.truncated);
	if (nmatches)
		*nmatches = g.n;
	regfree(&g.re);
	free(g.lit);
	strbuf_free(&g.text);
	*out = res;
	return RWB_OK;
}
