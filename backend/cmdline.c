/*
 * cmdline.c - shell-like splitting and flag parsing for slash commands.
 */
#define _POSIX_C_SOURCE 200809L
#include "cmdline.h"
#include "error.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void cmdline_free_argv(char **argv, int argc)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int cmdline_split(const char *line, char ***argvp, int *argcp, struct strbuf *err)
{
	char **argv = NULL;
	int argc = 0, cap = 0;
	const char *p = line;
	struct strbuf word = STRBUF_INIT;

	*argvp = NULL;
	*argcp = 0;
	for (;;) {
		bool in_word = false;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		strbuf_reset(&word);
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
			in_word = true;
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');
				if (!end) {
					strbuf_adds(err, "unterminated ' quote: close it with another '");
					goto fail;
				}
				strbuf_add(&word, p + 1, (size_t)(end - p - 1));
				p = end + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					strbuf_addc(&word, *p++);
				}
				if (*p != '"') {
					strbuf_adds(err, "unterminated \" quote: close it with another \"");
					goto fail;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					strbuf_adds(err, "a trailing \\ escapes nothing: remove it or quote it");
					goto fail;
				}
				strbuf_addc(&word, p[1]);
				p += 2;
			} else {
				strbuf_addc(&word, *p++);
			}
		}
		if (in_word) {
			if (argc + 2 > cap) {
				cap = cap ? cap * 2 : 8;
				argv = xrealloc(argv, (size_t)cap * sizeof(*argv));
			}
			argv[argc++] = xstrdup(strbuf_str(&word));
			argv[argc] = NULL;
		}
	}
	strbuf_free(&word);
	if (!argv) {
		argv = xcalloc(1, sizeof(*argv));
	}
	*argvp = argv;
	*argcp = argc;
	return RWB_OK;
fail:
	strbuf_free(&word);
	cmdline_free_argv(argv, argc);
	return RWB_EUSAGE;
}

int cmdline_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *prev, *cur, d;

	if (la > 64 || lb > 64)
		return INT_MAX / 2;
	prev = xcalloc(lb + 1, sizeof(int));
	cur = xcalloc(lb + 1, sizeof(int));
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			cur[j] = best;
		}
		int *t = prev; prev = cur; cur = t;
	}
	d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

void cmdline_quote(struct strbuf *sb, const char *word)
{
	bool plain = *word != '\0';

	for (const char *p = word; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("-_./=:,+@%^*", *p)))
			plain = false;
	if (plain) {
		strbuf_adds(sb, word);
		return;
	}
	strbuf_addc(sb, '\'');
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addc(sb, *p);
	}
	strbuf_addc(sb, '\'');
}

void cmd_args_release(struct cmd_args *a)
{
	for (int i = 0; i < a->nvalues; i++)
		free(a->values[i].value);
	free(a->values);
	cmdline_free_argv(a->pos, a->npos);
	cmdline_free_argv(a->rest, a->nrest);
	memset(a, 0, sizeof(*a));
}

static const struct cmd_flag *flag_find(const struct cmd_def *def, const char *name, size_t len)
{
	for (const struct cmd_flag *f = def->flags; f && f->name; f++)
		if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
			return f;
	return NULL;
}

static const struct cmd_flag *flag_find_short(const struct cmd_def *def, char c)
{
	for (const struct cmd_flag *f = def->flags; f && f->name; f++)
		if (f->short_name == c)
			return f;
	return NULL;
}

static void accepted_flags(struct strbuf *sb, const struct cmd_def *def)
{
	bool any = false;

	for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
		strbuf_addf(sb, "%s--%s", any ? ", " : "", f->name);
		any = true;
	}
	if (!any)
		strbuf_adds(sb, "none");
}

static bool enum_has(const char *values, const char *v)
{
	size_t n = strlen(v);
	const char *p = values;

	if (n == 0)
		return false;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static int check_value(const struct cmd_def *def, const struct cmd_flag *f, const char *v,
		       struct strbuf *err)
{
	char *end;

	switch (f->type) {
	case FLAG_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false")) {
			strbuf_addf(err, "/%s: --%s takes true or false, not '%s'", def->name, f->name, v);
			return RWB_EUSAGE;
		}
		return RWB_OK;
	case FLAG_INT: {
		long n;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end) {
			strbuf_addf(err, "/%s: --%s takes a whole number, not '%s'", def->name, f->name, v);
			return RWB_EUSAGE;
		}
		if (f->min < f->max && (n < f->min || n > f->max)) {
			strbuf_addf(err, "/%s: --%s must be from %ld to %ld, not %ld", def->name, f->name,
				    f->min, f->max, n);
			return RWB_EUSAGE;
		}
		return RWB_OK;
	}
	case FLAG_NUMBER: {
		double d;
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || d != d) {
			strbuf_addf(err, "/%s: --%s takes a number, not '%s'", def->name, f->name, v);
			return RWB_EUSAGE;
		}
		if (f->min < f->max && (d < (double)f->min || d > (double)f->max)) {
			strbuf_addf(err, "/%s: --%s must be from %ld to %ld, not %s", def->name, f->name,
				    f->min, f->max, v);
			return RWB_EUSAGE;
		}
		return RWB_OK;
	}
	case FLAG_ENUM:
		if (!enum_has(f->values, v)) {
			strbuf_addf(err, "/%s: --%s takes one of %s, not '%s'", def->name, f->name,
				    f->values, v);
			return RWB_EUSAGE;
		}
		return RWB_OK;
	case FLAG_DURATION:
		if (cmd_parse_duration(v) < 0) {
			strbuf_addf(err, "/%s: --%s takes a duration such as 90s, 15m, 24h, 7d or 2w, not '%s'",
				    def->name, f->name, v);
			return RWB_EUSAGE;
		}
		return RWB_OK;
	case FLAG_STRING:
	case FLAG_PATH:
		if (f->type == FLAG_PATH && !*v) {
			strbuf_addf(err, "/%s: --%s needs a non-empty path", def->name, f->name);
			return RWB_EUSAGE;
		}
		return RWB_OK;
	}
	return RWB_OK;
}

static void add_value(struct cmd_args *a, const struct cmd_flag *f, const char *v)
{
	a->values = xrealloc(a->values, (size_t)(a->nvalues + 1) * sizeof(*a->values));
	a->values[a->nvalues].flag = f;
	a->values[a->nvalues].value = xstrdup(v);
	a->nvalues++;
}

static void add_word(char ***list, int *n, const char *w)
{
	*list = xrealloc(*list, (size_t)(*n + 2) * sizeof(**list));
	(*list)[(*n)++] = xstrdup(w);
	(*list)[*n] = NULL;
}

static bool already_given(const struct cmd_args *a, const struct cmd_flag *f)
{
	for (int i = 0; i < a->nvalues; i++)
		if (a->values[i].flag == f)
			return true;
	return false;
}

static int unknown_flag(const struct cmd_def *def, const char *word, size_t len, struct strbuf *err)
{
	char *name = xstrndup(word, len);
	const char *best = NULL;
	int best_d = INT_MAX;

	for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
		int d = cmdline_distance(name, f->name);
		if (d < best_d) {
			best_d = d;
			best = f->name;
		}
	}
	if (best && best_d <= 3)
		strbuf_addf(err, "/%s: unknown flag --%s; did you mean --%s?", def->name, name, best);
	else {
		strbuf_addf(err, "/%s: unknown flag --%s; accepted: ", def->name, name);
		accepted_flags(err, def);
	}
	free(name);
	return RWB_EUSAGE;
}

int cmdline_parse(struct cmd_args *a, int argc, char *const *argv, struct strbuf *err)
{
	const struct cmd_def *def;
	int rc = RWB_OK;

	memset(a, 0, sizeof(*a));
	if (argc < 1 || !argv[0][0]) {
		strbuf_adds(err, "no command given: type /help for the list");
		return RWB_EUSAGE;
	}
	if (argv[0][0] != '/') {
		strbuf_addf(err, "commands start with '/': did you mean /%s?", argv[0]);
		return RWB_EUSAGE;
	}
	def = registry_find(argv[0]);
	if (!def) {
		const char *near = registry_nearest(argv[0]);
		if (near)
			strbuf_addf(err, "unknown command %s; did you mean /%s?", argv[0], near);
		else
			strbuf_addf(err, "unknown command %s; type /help for the list", argv[0]);
		return RWB_EUSAGE;
	}
	a->def = def;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		const struct cmd_flag *f = NULL;
		const char *value = NULL;

		if (strcmp(w, "--") == 0) {
			if (!def->passthrough) {
				strbuf_addf(err, "/%s takes no arguments after --", def->name);
				rc = RWB_EUSAGE;
				goto out;
			}
			a->has_rest = true;
			for (i++; i < argc; i++)
				add_word(&a->rest, &a->nrest, argv[i]);
			break;
		}
		if (w[0] == '-' && w[1] == '-') {
			const char *eq = strchr(w + 2, '=');
			size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
			f = flag_find(def, w + 2, len);
			if (!f) {
				rc = unknown_flag(def, w + 2, len, err);
				goto out;
			}
			if (eq)
				value = eq + 1;
		} else if (w[0] == '-' && w[1] && !w[2] && !isdigit((unsigned char)w[1])) {
			f = flag_find_short(def, w[1]);
			if (!f) {
				rc = unknown_flag(def, w + 1, 1, err);
				goto out;
			}
		} else {
			if (def->max_pos >= 0 && a->npos >= def->max_pos) {
				if (def->max_pos == 0)
					strbuf_addf(err, "/%s takes no positional argument, but got '%s'",
						    def->name, w);
				else
					strbuf_addf(err, "/%s takes at most %d %s, but got another: '%s'",
						    def->name, def->max_pos, def->positional ? def->positional : "argument", w);
				rc = RWB_EUSAGE;
				goto out;
			}
			add_word(&a->pos, &a->npos, w);
			continue;
		}
		if (!value) {
			if (f->type == FLAG_BOOL) {
				value = "true";
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				strbuf_addf(err, "/%s: --%s needs a value (%s)", def->name, f->name,
					    f->metavar ? f->metavar : "VALUE");
				rc = RWB_EUSAGE;
				goto out;
			}
		}
		if (already_given(a, f) && !(f->flags & FLAGF_REPEAT)) {
			strbuf_addf(err, "/%s: --%s was given twice; give it once", def->name, f->name);
			rc = RWB_EUSAGE;
			goto out;
		}
		rc = check_value(def, f, value, err);
		if (rc)
			goto out;
		add_value(a, f, value);
	}
	if (a->npos < def->min_pos) {
		strbuf_addf(err, "/%s needs %s", def->name, def->positional ? def->positional : "an argument");
		rc = RWB_EUSAGE;
		goto out;
	}
	for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
		if ((f->flags & FLAGF_REQUIRED) && !already_given(a, f)) {
			strbuf_addf(err, "/%s: missing --%s %s", def->name, f->name,
				    f->metavar ? f->metavar : "");
			while (err->len && err->buf[err->len - 1] == ' ')
				err->buf[--err->len] = '\0';
			rc = RWB_EUSAGE;
			goto out;
		}
	}
out:
	if (rc)
		cmd_args_release(a);
	return rc;
}
