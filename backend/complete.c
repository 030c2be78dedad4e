/*
 * complete.c - candidates for Tab at the prompt.
 *
 * The line is split with the same quoting rules as cmdline.c (an
 * unterminated quote is fine here: the user is still typing). The word
 * under the cursor decides the kind: the first word is a command name, a
 * word starting with "--" a flag name, the word after a flag that takes a
 * value that flag's values, anything else the command's positional kind.
 * A command that runs cargo (def->cargo) also offers that cargo
 * subcommand's own flags; after "--" the words are the tool's, and nothing
 * is offered.
 */
#define _POSIX_C_SOURCE 200809L
#include "complete.h"
#include "cmdline.h"
#include "xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void complete_add(struct completion *out, const char *item)
{
	for (int i = 0; i < out->n; i++)
		if (strcmp(out->items[i], item) == 0)
			return;
	out->items = xrealloc(out->items, (size_t)(out->n + 1) * sizeof(*out->items));
	out->items[out->n++] = xstrdup(item);
}

void complete_release(struct completion *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->items[i]);
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *complete_common_prefix(const struct completion *c)
{
	size_t len;

	if (c->n == 0)
		return xstrdup("");
	len = strlen(c->items[0]);
	for (int i = 1; i < c->n; i++) {
		size_t k = 0;
		while (k < len && c->items[i][k] == c->items[0][k])
			k++;
		len = k;
	}
	/* never cut inside a UTF-8 sequence */
	while (len > 0 && ((unsigned char)c->items[0][len] & 0xc0) == 0x80)
		len--;
	return xstrndup(c->items[0], len);
}

/* Words of line[0..cursor): starts of each, the last one possibly empty. */
struct words {
	char **w;
	size_t *start;
	int n;
};

static void words_split(struct words *ws, const char *line, size_t cursor)
{
	size_t i = 0;
	struct strbuf cur = STRBUF_INIT;
	bool in = false;
	size_t start = 0;
	char quote = 0;

	memset(ws, 0, sizeof(*ws));
	while (i < cursor) {
		char c = line[i];
		if (!quote && (c == ' ' || c == '\t')) {
			if (in) {
				ws->w = xrealloc(ws->w, (size_t)(ws->n + 1) * sizeof(*ws->w));
				ws->start = xrealloc(ws->start, (size_t)(ws->n + 1) * sizeof(*ws->start));
				ws->w[ws->n] = strbuf_detach(&cur);
				ws->start[ws->n++] = start;
				in = false;
			}
			i++;
			continue;
		}
		if (!in) {
			in = true;
			start = i;
		}
		if (quote) {
			if (c == quote)
				quote = 0;
			else
				strbuf_addc(&cur, c);
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\' && i + 1 < cursor) {
			strbuf_addc(&cur, line[++i]);
		} else {
			strbuf_addc(&cur, c);
		}
		i++;
	}
	/* the word being completed (may be empty) */
	ws->w = xrealloc(ws->w, (size_t)(ws->n + 1) * sizeof(*ws->w));
	ws->start = xrealloc(ws->start, (size_t)(ws->n + 1) * sizeof(*ws->start));
	ws->w[ws->n] = strbuf_detach(&cur);
	ws->start[ws->n++] = in ? start : cursor;
}

static void words_free(struct words *ws)
{
	for (int i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
	free(ws->start);
}

static void complete_paths(struct completion *out, const char *cwd, const char *prefix)
{
	const char *slash = strrchr(prefix, '/');
	char *dir, *base_dir;
	const char *base = slash ? slash + 1 : prefix;
	DIR *d;
	struct dirent *de;

	if (slash)
		dir = xstrndup(prefix, (size_t)(slash - prefix + 1));
	else
		dir = xstrdup("");
	if (prefix[0] == '/')
		base_dir = xstrdup(dir[0] ? dir : "/");
	else
		base_dir = xasprintf("%s/%s", cwd ? cwd : ".", dir);
	d = opendir(base_dir);
	while (d && (de = readdir(d))) {
		struct stat st;
		char *full, *item;
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strncmp(de->d_name, base, strlen(base)) != 0)
			continue;
		full = xasprintf("%s/%s", base_dir, de->d_name);
		bool isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		item = xasprintf("%s%s%s", dir, de->d_name, isdir ? "/" : "");
		complete_add(out, item);
		free(item);
		free(full);
		if (out->n >= 2000)
			break;
	}
	if (d)
		closedir(d);
	free(dir);
	free(base_dir);
}

static void complete_kind(struct completion *out, enum complete_kind kind, const char *prefix,
			  const struct complete_env *env)
{
	switch (kind) {
	case COMPLETE_PATH:
		complete_paths(out, env->cwd, prefix);
		break;
	case COMPLETE_COMMAND:
		for (const struct cmd_def *const *d = registry_all(); *d; d++)
			if (strncmp((*d)->name, prefix, strlen(prefix)) == 0)
				complete_add(out, (*d)->name);
		break;
	case COMPLETE_NONE:
		break;
	default:
		if (env->provider)
			env->provider(env->provider_data, kind, prefix, out);
		break;
	}
}

void complete_line(struct completion *out, const char *line, size_t cursor,
		   const struct complete_env *env)
{
	struct words ws;
	const char *word;
	const struct cmd_def *def;

	memset(out, 0, sizeof(*out));
	if (cursor > strlen(line))
		cursor = strlen(line);
	words_split(&ws, line, cursor);
	word = ws.w[ws.n - 1];
	out->start = ws.start[ws.n - 1];
	out->end = cursor;
	if (ws.n == 1) {
		/* the command name */
		const char *p = word[0] == '/' ? word + 1 : word;
		for (const struct cmd_def *const *d = registry_all(); *d; d++) {
			if (strncmp((*d)->name, p, strlen(p)) == 0) {
				char *item = xasprintf("/%s", (*d)->name);
				complete_add(out, item);
				free(item);
			}
		}
		goto done;
	}
	def = registry_find(ws.w[0]);
	if (!def)
		goto done;
	for (int i = 1; i < ws.n - 1; i++)
		if (strcmp(ws.w[i], "--") == 0 && (def->passthrough || def->cargo))
			goto done;
	if (strncmp(word, "--", 2) == 0) {
		const char *eq = strchr(word, '=');
		if (!eq) {
			for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
				if (strncmp(f->name, word + 2, strlen(word + 2)) == 0) {
					char *item = xasprintf("--%s", f->name);
					complete_add(out, item);
					free(item);
				}
			}
			/* a command that runs cargo takes that subcommand's own flags too */
			for (const struct cargo_flag *cf = def->cargo ? cmdline_cargo_flags() : NULL;
			     cf && (cf->name || cf->short_name); cf++) {
				if (!cf->name || !cmdline_cargo_flag_in(cf, def->cargo) ||
				    strncmp(cf->name, word + 2, strlen(word + 2)) != 0)
					continue;
				char *item = xasprintf("--%s", cf->name);
				complete_add(out, item);
				free(item);
			}
			goto done;
		}
	}
	/* value of the previous flag? */
	if (ws.n >= 3 && strncmp(ws.w[ws.n - 2], "--", 2) == 0) {
		const char *prev = ws.w[ws.n - 2] + 2;
		for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
			if (strcmp(f->name, prev) != 0 || f->type == FLAG_BOOL)
				continue;
			if (f->type == FLAG_ENUM) {
				const char *v = f->values;
				while (v && *v) {
					const char *bar = strchr(v, '|');
					size_t len = bar ? (size_t)(bar - v) : strlen(v);
					if (len >= strlen(word) && strncmp(v, word, strlen(word)) == 0) {
						char *item = xstrndup(v, len);
						complete_add(out, item);
						free(item);
					}
					v = bar ? bar + 1 : NULL;
				}
			} else {
				complete_kind(out, f->complete, word, env);
			}
			goto done;
		}
	}
	complete_kind(out, def->pos_complete, word, env);
done:
	if (out->n > 1)
		qsort(out->items, (size_t)out->n, sizeof(*out->items), cmp_str);
	words_free(&ws);
}
