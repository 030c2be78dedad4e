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
#include <strings.h>

void cmdline_free_argv(char **argv, int argc)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int cmdline_split(const char *line, char ***argvp, int *argcp)
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
					rwb_fail(RWB_EUSAGE, "unterminated ' quote: close it with another '");
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
					rwb_fail(RWB_EUSAGE, "unterminated \" quote: close it with another \"");
					goto fail;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					rwb_fail(RWB_EUSAGE, "a trailing \\ escapes nothing: remove it or quote it");
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
	cmdline_free_argv(a->cargo, a->ncargo);
	free(a->toolchain);
	memset(a, 0, sizeof(*a));
}

/* ---- cargo's flags ---- */

#define ALL "btclnpk"
#define BUILDS "btcln"

static const struct cargo_flag cargo_flags[] = {
	/* package selection */
	{ "package", 'p', CARGO_VALUE, ALL },
	{ "workspace", 0, CARGO_SWITCH, BUILDS },
	{ "all", 0, CARGO_SWITCH, BUILDS },
	{ "exclude", 0, CARGO_VALUE, BUILDS "pk" },
	{ "default-members", 0, CARGO_SWITCH, BUILDS },
	/* target selection */
	{ "lib", 0, CARGO_SWITCH, BUILDS },
	{ "bins", 0, CARGO_SWITCH, BUILDS },
	{ "bin", 0, CARGO_OPTVALUE, BUILDS },
	{ "examples", 0, CARGO_SWITCH, BUILDS },
	{ "example", 0, CARGO_OPTVALUE, BUILDS },
	{ "tests", 0, CARGO_SWITCH, BUILDS },
	{ "test", 0, CARGO_OPTVALUE, BUILDS },
	{ "benches", 0, CARGO_SWITCH, BUILDS },
	{ "bench", 0, CARGO_OPTVALUE, BUILDS },
	{ "all-targets", 0, CARGO_SWITCH, BUILDS },
	{ "doc", 0, CARGO_SWITCH, "t" },
	/* features */
	{ "features", 'F', CARGO_VALUE, ALL },
	{ "all-features", 0, CARGO_SWITCH, ALL },
	{ "no-default-features", 0, CARGO_SWITCH, ALL },
	/* compilation */
	{ "release", 'r', CARGO_SWITCH, "btcl" },
	{ "profile", 0, CARGO_VALUE, BUILDS },
	{ "target", 0, CARGO_VALUE, ALL },
	{ "target-dir", 0, CARGO_VALUE, ALL },
	{ "jobs", 'j', CARGO_VALUE, ALL },
	{ "keep-going", 0, CARGO_SWITCH, ALL },
	{ "timings", 0, CARGO_EQVALUE, BUILDS },
	{ "ignore-rust-version", 0, CARGO_SWITCH, BUILDS },
	{ "future-incompat-report", 0, CARGO_SWITCH, BUILDS },
	{ "unit-graph", 0, CARGO_SWITCH, BUILDS },
	{ "build-plan", 0, CARGO_SWITCH, "b" },
	{ "artifact-dir", 0, CARGO_VALUE, "b" },
	{ "message-format", 0, CARGO_VALUE, BUILDS },
	/* test and bench */
	{ "no-run", 0, CARGO_SWITCH, "tn" },
	{ "no-fail-fast", 0, CARGO_SWITCH, "tn" },
	/* clippy */
	{ "fix", 0, CARGO_SWITCH, "l" },
	{ "no-deps", 0, CARGO_SWITCH, "l" },
	{ "allow-staged", 0, CARGO_SWITCH, "l" },
	{ "allow-no-vcs", 0, CARGO_SWITCH, "l" },
	{ "broken-code", 0, CARGO_SWITCH, "l" },
	/* publish and package */
	{ "dry-run", 'n', CARGO_SWITCH, "p" },
	{ "no-verify", 0, CARGO_SWITCH, "pk" },
	{ "allow-dirty", 0, CARGO_SWITCH, "lpk" },
	{ "index", 0, CARGO_VALUE, "p" },
	{ "registry", 0, CARGO_VALUE, "pk" },
	{ "token", 0, CARGO_VALUE, "p" },
	{ "list", 'l', CARGO_SWITCH, "k" },
	{ "no-metadata", 0, CARGO_SWITCH, "k" },
	{ "exclude-lockfile", 0, CARGO_SWITCH, "pk" },
	/* manifest and common options */
	{ "manifest-path", 0, CARGO_VALUE, ALL },
	{ "lockfile-path", 0, CARGO_VALUE, ALL },
	{ "locked", 0, CARGO_SWITCH, ALL },
	{ "offline", 0, CARGO_SWITCH, ALL },
	{ "frozen", 0, CARGO_SWITCH, ALL },
	{ "config", 0, CARGO_VALUE, ALL },
	{ "color", 0, CARGO_VALUE, ALL },
	{ "quiet", 'q', CARGO_SWITCH, ALL },
	{ "verbose", 'v', CARGO_SWITCH, ALL },
	{ NULL, 'Z', CARGO_VALUE, ALL },
	{ NULL, 0, CARGO_SWITCH, NULL },
};

const struct cargo_flag *cmdline_cargo_flags(void)
{
	return cargo_flags;
}

static char cargo_sub_letter(const char *sub)
{
	static const struct { const char *name; char letter; } subs[] = {
		{ "build", 'b' }, { "test", 't' }, { "check", 'c' }, { "clippy", 'l' },
		{ "bench", 'n' }, { "publish", 'p' }, { "package", 'k' },
	};
	for (size_t i = 0; sub && i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, sub) == 0)
			return subs[i].letter;
	return 0;
}

bool cmdline_cargo_flag_in(const struct cargo_flag *f, const char *sub)
{
	char c = cargo_sub_letter(sub);
	return c && f->subs && strchr(f->subs, c);
}

static const struct cargo_flag *cargo_find(const char *name, size_t len)
{
	for (const struct cargo_flag *f = cargo_flags; f->name || f->short_name; f++)
		if (f->name && strlen(f->name) == len && strncmp(f->name, name, len) == 0)
			return f;
	return NULL;
}

static const struct cargo_flag *cargo_find_short(char c)
{
	for (const struct cargo_flag *f = cargo_flags; f->name || f->short_name; f++)
		if (f->short_name == c)
			return f;
	return NULL;
}

/* ---- rwb's flags ---- */

bool cmd_parse_bool(const char *s, bool *value)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*value = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*value = false;
			return true;
		}
	}
	return false;
}

/* A yes/no flag: FLAG_BOOL, or an enum of just true|false (the scaffolders'
 * --gats true|false); both follow the boolean rule. */
static bool flag_is_bool(const struct cmd_flag *f)
{
	return f->type == FLAG_BOOL ||
	       (f->type == FLAG_ENUM && f->values &&
		(strcmp(f->values, "true|false") == 0 || strcmp(f->values, "false|true") == 0));
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

static int check_value(const struct cmd_def *def, const struct cmd_flag *f, const char *v)
{
	char *end;

	switch (flag_is_bool(f) ? FLAG_BOOL : f->type) {
	case FLAG_BOOL: {
		bool b;
		if (!cmd_parse_bool(v, &b))
			return rwb_fail(RWB_EUSAGE, "/%s: --%s takes true or false (or yes/no, on/off, 1/0), not '%s'",
					def->name, f->name, v);
		return RWB_OK;
	}
	case FLAG_INT: {
		long n;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end)
			return rwb_fail(RWB_EUSAGE, "/%s: --%s takes a whole number, not '%s'", def->name, f->name, v);
		if (f->min < f->max && (n < f->min || n > f->max))
			return rwb_fail(RWB_EUSAGE, "/%s: --%s must be from %ld to %ld, not %ld", def->name, f->name,
					f->min, f->max, n);
		return RWB_OK;
	}
	case FLAG_NUMBER: {
		double d;
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || d != d)
			return rwb_fail(RWB_EUSAGE, "/%s: --%s takes a number, not '%s'", def->name, f->name, v);
		if (f->min < f->max && (d < (double)f->min || d > (double)f->max))
			return rwb_fail(RWB_EUSAGE, "/%s: --%s must be from %ld to %ld, not %s", def->name, f->name,
					f->min, f->max, v);
		return RWB_OK;
	}
	case FLAG_ENUM:
		if (!enum_has(f->values, v))
			return rwb_fail(RWB_EUSAGE, "/%s: --%s takes one of %s, not '%s'", def->name, f->name,
					f->values, v);
		return RWB_OK;
	case FLAG_DURATION: {
		long long ms = cmd_parse_duration_ms(v);
		if (ms < 0)
			return rwb_fail(RWB_EUSAGE, "/%s: --%s takes a duration such as 500ms, 3s, 2m, 1h, 7d, 2w or a "
					"number of seconds, not '%s'", def->name, f->name, v);
		if (f->min < f->max && (ms < f->min || ms > f->max)) {
			/* the range is in milliseconds, shown in whole seconds where it can be */
			return rwb_fail(RWB_EUSAGE, "/%s: --%s must be from %ld%s to %ld%s, not %s", def->name, f->name,
					f->min % 1000 ? f->min : f->min / 1000, f->min % 1000 ? "ms" : "s",
					f->max % 1000 ? f->max : f->max / 1000, f->max % 1000 ? "ms" : "s", v);
		}
		return RWB_OK;
	}
	case FLAG_STRING:
	case FLAG_PATH:
		if (f->type == FLAG_PATH && !*v)
			return rwb_fail(RWB_EUSAGE, "/%s: --%s needs a non-empty path", def->name, f->name);
		return RWB_OK;
	}
	return RWB_OK;
}

static void add_value(struct cmd_args *a, const struct cmd_flag *f, const char *v)
{
	bool b;

	/* a boolean is kept as "true" or "false", whichever way it was written */
	if (flag_is_bool(f) && cmd_parse_bool(v, &b))
		v = b ? "true" : "false";
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

static void add_joined(char ***list, int *n, const char *flag, const char *sep, const char *value)
{
	char *w = xasprintf("%s%s%s", flag, sep, value);
	add_word(list, n, w);
	free(w);
}

static bool already_given(const struct cmd_args *a, const struct cmd_flag *f)
{
	for (int i = 0; i < a->nvalues; i++)
		if (a->values[i].flag == f)
			return true;
	return false;
}

static int unknown_flag(const struct cmd_def *def, const char *word, size_t len)
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
	if (best && best_d <= 3) {
		rwb_fail(RWB_EUSAGE, "/%s: unknown flag --%s; did you mean --%s?", def->name, name, best);
	} else {
		struct strbuf list = STRBUF_INIT;
		accepted_flags(&list, def);
		rwb_fail(RWB_EUSAGE, "/%s: unknown flag --%s; accepted: %s", def->name, name, strbuf_str(&list));
		strbuf_free(&list);
	}
	free(name);
	return RWB_EUSAGE;
}

/* A word that is not one of rwb's flags, for cargo (cmdline.h): kept in order,
 * a value joined to its flag, a switch given false dropped. */
static void cargo_word(struct cmd_args *a, int argc, char *const *argv, int *i)
{
	const char *w = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	const struct cargo_flag *cf = NULL;
	bool b;

	if (w[0] == '-' && w[1] == '-' && w[2]) {
		const char *eq = strchr(w + 2, '=');
		size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
		char *flag = xasprintf("--%.*s", (int)len, w + 2);
		cf = cargo_find(w + 2, len);
		if (eq) {
			if (cf && cf->kind == CARGO_SWITCH && cmd_parse_bool(eq + 1, &b)) {
				if (b)
					add_word(&a->cargo, &a->ncargo, flag);
			} else {
				add_word(&a->cargo, &a->ncargo, w);
			}
		} else if (cf && cf->kind == CARGO_VALUE && next) {
			add_joined(&a->cargo, &a->ncargo, flag, "=", next);
			(*i)++;
		} else if (cf && cf->kind == CARGO_OPTVALUE && next && next[0] != '-') {
			add_joined(&a->cargo, &a->ncargo, flag, "=", next);
			(*i)++;
		} else if (cf && cf->kind == CARGO_SWITCH && next && cmd_parse_bool(next, &b)) {
			if (b)
				add_word(&a->cargo, &a->ncargo, flag);
			(*i)++;
		} else {
			add_word(&a->cargo, &a->ncargo, w);
		}
		free(flag);
		return;
	}
	if (w[0] == '-' && w[1] && !w[2]) {
		cf = cargo_find_short(w[1]);
		if (cf && cf->kind == CARGO_VALUE && next) {
			add_joined(&a->cargo, &a->ncargo, w, "", next);
			(*i)++;
			return;
		}
		if (cf && cf->kind == CARGO_SWITCH && next && cmd_parse_bool(next, &b)) {
			if (b)
				add_word(&a->cargo, &a->ncargo, w);
			(*i)++;
			return;
		}
	}
	/* -j4, -vv, -Zflag, an unknown flag, or a word past rwb's positionals */
	add_word(&a->cargo, &a->ncargo, w);
}

static bool is_help(const struct cmd_def *def, const char *w)
{
	if (strcmp(w, "--help") == 0)
		return !flag_find(def, "help", 4);
	if (strcmp(w, "-h") == 0)
		return !flag_find_short(def, 'h');
	return false;
}

int cmdline_parse(struct cmd_args *a, int argc, char *const *argv)
{
	const struct cmd_def *def;
	int rc = RWB_OK;

	memset(a, 0, sizeof(*a));
	if (argc < 1 || !argv[0][0])
		return rwb_fail(RWB_EUSAGE, "no command given: type /help for the list");
	if (argv[0][0] != '/') {
		const char *near = registry_find(argv[0]) ? argv[0] : registry_nearest(argv[0]);
		if (near)
			return rwb_fail(RWB_EUSAGE, "commands start with '/': did you mean /%s?",
					near[0] == '/' ? near + 1 : near);
		return rwb_fail(RWB_EUSAGE, "commands start with '/': type /help for the list");
	}
	def = registry_find(argv[0]);
	if (!def) {
		const char *near = registry_nearest(argv[0]);
		if (near)
			return rwb_fail(RWB_EUSAGE, "unknown command %s; did you mean /%s?", argv[0], near);
		return rwb_fail(RWB_EUSAGE, "unknown command %s; type /help for the list", argv[0]);
	}
	a->def = def;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		const struct cmd_flag *f = NULL;
		const char *value = NULL;
		bool b;

		if (is_help(def, w)) {
			a->help = true;
			return RWB_OK;
		}
		if (i == 1 && def->cargo && w[0] == '+' && w[1]) {
			a->toolchain = xstrdup(w);
			continue;
		}
		if (strcmp(w, "--") == 0) {
			if (!def->passthrough && !def->cargo) {
				rc = rwb_fail(RWB_EUSAGE, "/%s takes no arguments after --", def->name);
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
			if (!f && def->cargo) {
				cargo_word(a, argc, argv, &i);
				continue;
			}
			if (!f) {
				rc = unknown_flag(def, w + 2, len);
				goto out;
			}
			if (eq)
				value = eq + 1;
		} else if (w[0] == '-' && w[1] && !w[2] && !isdigit((unsigned char)w[1])) {
			f = flag_find_short(def, w[1]);
			if (!f && def->cargo) {
				cargo_word(a, argc, argv, &i);
				continue;
			}
			if (!f) {
				rc = unknown_flag(def, w + 1, 1);
				goto out;
			}
		} else if (w[0] == '-' && w[1] && !isdigit((unsigned char)w[1]) &&
			   (f = flag_find(def, w + 1, strlen(w + 1))) && !def->cargo) {
			/* -type rs: one dash before a long name, as find users write it */
		} else if (w[0] == '-' && w[1] && def->cargo) {
			/* -j4, -pNAME, -vv, -Zflag: cargo's */
			cargo_word(a, argc, argv, &i);
			continue;
		} else {
			if (def->max_pos >= 0 && a->npos >= def->max_pos) {
				if (def->cargo) {
					cargo_word(a, argc, argv, &i);
					continue;
				}
				if (def->max_pos == 0)
					rc = rwb_fail(RWB_EUSAGE, "/%s takes no positional argument, but got '%s'",
						      def->name, w);
				else
					rc = rwb_fail(RWB_EUSAGE, "/%s takes at most %d %s, but got another: '%s'",
						      def->name, def->max_pos,
						      def->positional ? def->positional : "argument", w);
				goto out;
			}
			add_word(&a->pos, &a->npos, w);
			continue;
		}
		if (!value) {
			if (flag_is_bool(f)) {
				/* --flag true|false as the next word; any other word is left alone */
				if (i + 1 < argc && cmd_parse_bool(argv[i + 1], &b))
					value = argv[++i];
				else
					value = "true";
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				rc = rwb_fail(RWB_EUSAGE, "/%s: --%s needs a value (%s)", def->name, f->name,
					      f->metavar ? f->metavar : "VALUE");
				goto out;
			}
		}
		if (already_given(a, f) && !(f->flags & FLAGF_REPEAT)) {
			rc = rwb_fail(RWB_EUSAGE, "/%s: --%s was given twice; give it once", def->name, f->name);
			goto out;
		}
		rc = check_value(def, f, value);
		if (rc)
			goto out;
		add_value(a, f, value);
	}
	if (a->npos < def->min_pos) {
		rc = rwb_fail(RWB_EUSAGE, "/%s needs %s", def->name, def->positional ? def->positional : "an argument");
		goto out;
	}
	for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
		if ((f->flags & FLAGF_REQUIRED) && !already_given(a, f)) {
			rc = rwb_fail(RWB_EUSAGE, "/%s: missing --%s%s%s", def->name, f->name,
				      f->metavar && *f->metavar ? " " : "", f->metavar ? f->metavar : "");
			goto out;
		}
	}
out:
	if (rc)
		cmd_args_release(a);
	return rc;
}
