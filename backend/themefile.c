/*
 * themefile.c - built-in themes, theme file parsing, colour reduction.
 *
 * Never: accept a half-parsed file. A file with an error is reported with
 * its name and line, and the caller keeps the default theme.
 */
#define _POSIX_C_SOURCE 200809L
#include "themefile.h"
#include "datadir.h"
#include "error.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEF  { THEME_COLOR_DEFAULT, 0 }
#define C(n) { THEME_COLOR_INDEX, (n) }
#define RGB(x) { THEME_COLOR_RGB, (x) }
#define S(fg, bg, at) { fg, bg, at }
#define B THEME_ATTR_BOLD
#define U THEME_ATTR_UNDERLINE
#define R THEME_ATTR_REVERSE
#define D THEME_ATTR_DIM
#define I THEME_ATTR_ITALIC

static const struct theme theme_default = { .name = "default", .style = {
	[RWB_COLOR_DEFAULT]           = S(DEF, DEF, 0),
	[RWB_COLOR_PANE_BORDER]       = S(C(8), DEF, 0),
	[RWB_COLOR_PANE_BORDER_FOCUS] = S(C(14), DEF, B),
	[RWB_COLOR_PANE_TITLE]        = S(C(7), DEF, 0),
	[RWB_COLOR_PANE_TITLE_FOCUS]  = S(C(0), C(14), B),
	[RWB_COLOR_TAB_ACTIVE]        = S(C(11), DEF, B | U),
	[RWB_COLOR_TAB_INACTIVE]      = S(C(8), DEF, 0),
	[RWB_COLOR_STATUS_BAR]        = S(C(15), RGB(0x303040), 0),
	[RWB_COLOR_STATUS_ACCENT]     = S(C(11), RGB(0x303040), B),
	[RWB_COLOR_NOTICE_INFO]       = S(C(12), DEF, 0),
	[RWB_COLOR_NOTICE_WARNING]    = S(C(11), DEF, B),
	[RWB_COLOR_NOTICE_CRITICAL]   = S(C(15), C(1), B),
	[RWB_COLOR_SELECTION]         = S(C(0), C(6), 0),
	[RWB_COLOR_SELECTION_DIM]     = S(DEF, C(8), 0),
	[RWB_COLOR_PROMPT]            = S(C(14), DEF, B),
	[RWB_COLOR_PROMPT_HINT]       = S(C(8), DEF, 0),
	[RWB_COLOR_RESULT_OK]         = S(C(10), DEF, 0),
	[RWB_COLOR_RESULT_ERROR]      = S(C(9), DEF, B),
	[RWB_COLOR_HELP_KEY]          = S(C(11), DEF, B),
	[RWB_COLOR_HELP_TEXT]         = S(DEF, DEF, 0),
	[RWB_COLOR_DIM]               = S(C(8), DEF, 0),
	[RWB_COLOR_MATCH]             = S(C(0), C(11), 0),
	[RWB_COLOR_LINE_NUMBER]       = S(C(8), DEF, 0),
	[RWB_COLOR_ESCAPED]           = S(C(13), DEF, 0),
	[RWB_COLOR_DIFF_ADD]          = S(C(10), DEF, 0),
	[RWB_COLOR_DIFF_DEL]          = S(C(9), DEF, 0),
	[RWB_COLOR_DIFF_WORD_ADD]     = S(C(0), C(10), 0),
	[RWB_COLOR_DIFF_WORD_DEL]     = S(C(0), C(9), 0),
	[RWB_COLOR_DIFF_HUNK]         = S(C(14), DEF, 0),
	[RWB_COLOR_DIFF_HEADER]       = S(C(15), DEF, B),
	[RWB_COLOR_GIT_STAGED]        = S(C(10), DEF, 0),
	[RWB_COLOR_GIT_UNSTAGED]      = S(C(9), DEF, 0),
	[RWB_COLOR_GIT_UNTRACKED]     = S(C(8), DEF, 0),
	[RWB_COLOR_GIT_CONFLICT]      = S(C(15), C(1), B),
	[RWB_COLOR_SYN_KEYWORD]       = S(C(13), DEF, 0),
	[RWB_COLOR_SYN_TYPE]          = S(C(14), DEF, 0),
	[RWB_COLOR_SYN_STRING]        = S(C(10), DEF, 0),
	[RWB_COLOR_SYN_NUMBER]        = S(C(11), DEF, 0),
	[RWB_COLOR_SYN_COMMENT]       = S(C(8), DEF, I),
	[RWB_COLOR_SYN_MACRO]         = S(C(12), DEF, 0),
	[RWB_COLOR_SYN_LIFETIME]      = S(C(3), DEF, 0),
	[RWB_COLOR_SYN_UNSAFE]        = S(C(9), DEF, B),
	[RWB_COLOR_AUDIT_OK]          = S(C(10), DEF, 0),
	[RWB_COLOR_AUDIT_PENDING]     = S(C(11), DEF, 0),
	[RWB_COLOR_AUDIT_BAD]         = S(C(9), DEF, B),
	[RWB_COLOR_CHART]             = S(C(12), DEF, 0),
} };

static const struct theme theme_light = { .name = "light", .style = {
	[RWB_COLOR_DEFAULT]           = S(C(0), C(15), 0),
	[RWB_COLOR_PANE_BORDER]       = S(C(7), C(15), 0),
	[RWB_COLOR_PANE_BORDER_FOCUS] = S(C(4), C(15), B),
	[RWB_COLOR_PANE_TITLE]        = S(C(0), C(15), 0),
	[RWB_COLOR_PANE_TITLE_FOCUS]  = S(C(15), C(4), B),
	[RWB_COLOR_TAB_ACTIVE]        = S(C(4), C(15), B | U),
	[RWB_COLOR_TAB_INACTIVE]      = S(C(8), C(15), 0),
	[RWB_COLOR_STATUS_BAR]        = S(C(0), C(7), 0),
	[RWB_COLOR_STATUS_ACCENT]     = S(C(4), C(7), B),
	[RWB_COLOR_NOTICE_INFO]       = S(C(4), C(15), 0),
	[RWB_COLOR_NOTICE_WARNING]    = S(C(3), C(15), B),
	[RWB_COLOR_NOTICE_CRITICAL]   = S(C(15), C(1), B),
	[RWB_COLOR_SELECTION]         = S(C(15), C(4), 0),
	[RWB_COLOR_SELECTION_DIM]     = S(C(0), C(7), 0),
	[RWB_COLOR_PROMPT]            = S(C(4), C(15), B),
	[RWB_COLOR_PROMPT_HINT]       = S(C(8), C(15), 0),
	[RWB_COLOR_RESULT_OK]         = S(C(2), C(15), 0),
	[RWB_COLOR_RESULT_ERROR]      = S(C(1), C(15), B),
	[RWB_COLOR_HELP_KEY]          = S(C(4), C(15), B),
	[RWB_COLOR_HELP_TEXT]         = S(C(0), C(15), 0),
	[RWB_COLOR_DIM]               = S(C(8), C(15), 0),
	[RWB_COLOR_MATCH]             = S(C(0), C(11), 0),
	[RWB_COLOR_LINE_NUMBER]       = S(C(8), C(15), 0),
	[RWB_COLOR_ESCAPED]           = S(C(5), C(15), 0),
	[RWB_COLOR_DIFF_ADD]          = S(C(2), C(15), 0),
	[RWB_COLOR_DIFF_DEL]          = S(C(1), C(15), 0),
	[RWB_COLOR_DIFF_WORD_ADD]     = S(C(0), C(10), 0),
	[RWB_COLOR_DIFF_WORD_DEL]     = S(C(0), C(9), 0),
	[RWB_COLOR_DIFF_HUNK]         = S(C(6), C(15), 0),
	[RWB_COLOR_DIFF_HEADER]       = S(C(0), C(15), B),
	[RWB_COLOR_GIT_STAGED]        = S(C(2), C(15), 0),
	[RWB_COLOR_GIT_UNSTAGED]      = S(C(1), C(15), 0),
	[RWB_COLOR_GIT_UNTRACKED]     = S(C(8), C(15), 0),
	[RWB_COLOR_GIT_CONFLICT]      = S(C(15), C(1), B),
	[RWB_COLOR_SYN_KEYWORD]       = S(C(5), C(15), 0),
	[RWB_COLOR_SYN_TYPE]          = S(C(6), C(15), 0),
	[RWB_COLOR_SYN_STRING]        = S(C(2), C(15), 0),
	[RWB_COLOR_SYN_NUMBER]        = S(C(3), C(15), 0),
	[RWB_COLOR_SYN_COMMENT]       = S(C(8), C(15), I),
	[RWB_COLOR_SYN_MACRO]         = S(C(4), C(15), 0),
	[RWB_COLOR_SYN_LIFETIME]      = S(C(3), C(15), 0),
	[RWB_COLOR_SYN_UNSAFE]        = S(C(1), C(15), B),
	[RWB_COLOR_AUDIT_OK]          = S(C(2), C(15), 0),
	[RWB_COLOR_AUDIT_PENDING]     = S(C(3), C(15), 0),
	[RWB_COLOR_AUDIT_BAD]         = S(C(1), C(15), B),
	[RWB_COLOR_CHART]             = S(C(4), C(15), 0),
} };

static const struct theme theme_high_contrast = { .name = "high-contrast", .style = {
	[RWB_COLOR_DEFAULT]           = S(C(15), C(0), 0),
	[RWB_COLOR_PANE_BORDER]       = S(C(7), C(0), 0),
	[RWB_COLOR_PANE_BORDER_FOCUS] = S(C(11), C(0), B),
	[RWB_COLOR_PANE_TITLE]        = S(C(15), C(0), B),
	[RWB_COLOR_PANE_TITLE_FOCUS]  = S(C(0), C(11), B),
	[RWB_COLOR_TAB_ACTIVE]        = S(C(0), C(15), B),
	[RWB_COLOR_TAB_INACTIVE]      = S(C(15), C(0), 0),
	[RWB_COLOR_STATUS_BAR]        = S(C(0), C(15), 0),
	[RWB_COLOR_STATUS_ACCENT]     = S(C(0), C(15), B | U),
	[RWB_COLOR_NOTICE_INFO]       = S(C(14), C(0), B),
	[RWB_COLOR_NOTICE_WARNING]    = S(C(11), C(0), B),
	[RWB_COLOR_NOTICE_CRITICAL]   = S(C(15), C(9), B),
	[RWB_COLOR_SELECTION]         = S(C(0), C(11), B),
	[RWB_COLOR_SELECTION_DIM]     = S(C(0), C(7), 0),
	[RWB_COLOR_PROMPT]            = S(C(11), C(0), B),
	[RWB_COLOR_PROMPT_HINT]       = S(C(7), C(0), 0),
	[RWB_COLOR_RESULT_OK]         = S(C(10), C(0), B),
	[RWB_COLOR_RESULT_ERROR]      = S(C(9), C(0), B),
	[RWB_COLOR_HELP_KEY]          = S(C(11), C(0), B),
	[RWB_COLOR_HELP_TEXT]         = S(C(15), C(0), 0),
	[RWB_COLOR_DIM]               = S(C(7), C(0), 0),
	[RWB_COLOR_MATCH]             = S(C(0), C(11), B),
	[RWB_COLOR_LINE_NUMBER]       = S(C(7), C(0), 0),
	[RWB_COLOR_ESCAPED]           = S(C(0), C(13), B),
	[RWB_COLOR_DIFF_ADD]          = S(C(10), C(0), B),
	[RWB_COLOR_DIFF_DEL]          = S(C(9), C(0), B),
	[RWB_COLOR_DIFF_WORD_ADD]     = S(C(0), C(10), B),
	[RWB_COLOR_DIFF_WORD_DEL]     = S(C(0), C(9), B),
	[RWB_COLOR_DIFF_HUNK]         = S(C(14), C(0), B),
	[RWB_COLOR_DIFF_HEADER]       = S(C(15), C(0), B | U),
	[RWB_COLOR_GIT_STAGED]        = S(C(10), C(0), B),
	[RWB_COLOR_GIT_UNSTAGED]      = S(C(9), C(0), B),
	[RWB_COLOR_GIT_UNTRACKED]     = S(C(15), C(0), 0),
	[RWB_COLOR_GIT_CONFLICT]      = S(C(15), C(9), B),
	[RWB_COLOR_SYN_KEYWORD]       = S(C(14), C(0), B),
	[RWB_COLOR_SYN_TYPE]          = S(C(11), C(0), 0),
	[RWB_COLOR_SYN_STRING]        = S(C(10), C(0), 0),
	[RWB_COLOR_SYN_NUMBER]        = S(C(13), C(0), 0),
	[RWB_COLOR_SYN_COMMENT]       = S(C(7), C(0), I),
	[RWB_COLOR_SYN_MACRO]         = S(C(12), C(0), B),
	[RWB_COLOR_SYN_LIFETIME]      = S(C(11), C(0), 0),
	[RWB_COLOR_SYN_UNSAFE]        = S(C(15), C(9), B),
	[RWB_COLOR_AUDIT_OK]          = S(C(10), C(0), B),
	[RWB_COLOR_AUDIT_PENDING]     = S(C(11), C(0), B),
	[RWB_COLOR_AUDIT_BAD]         = S(C(15), C(9), B),
	[RWB_COLOR_CHART]             = S(C(14), C(0), B),
} };

/* mono: attributes only, so the focused pane still stands out */
static const struct theme theme_mono = { .name = "mono", .style = {
	[RWB_COLOR_PANE_BORDER_FOCUS] = S(DEF, DEF, B),
	[RWB_COLOR_PANE_TITLE_FOCUS]  = S(DEF, DEF, R | B),
	[RWB_COLOR_TAB_ACTIVE]        = S(DEF, DEF, B | U),
	[RWB_COLOR_TAB_INACTIVE]      = S(DEF, DEF, D),
	[RWB_COLOR_STATUS_BAR]        = S(DEF, DEF, R),
	[RWB_COLOR_STATUS_ACCENT]     = S(DEF, DEF, R | B),
	[RWB_COLOR_NOTICE_WARNING]    = S(DEF, DEF, B),
	[RWB_COLOR_NOTICE_CRITICAL]   = S(DEF, DEF, R | B),
	[RWB_COLOR_SELECTION]         = S(DEF, DEF, R),
	[RWB_COLOR_SELECTION_DIM]     = S(DEF, DEF, U),
	[RWB_COLOR_PROMPT]            = S(DEF, DEF, B),
	[RWB_COLOR_PROMPT_HINT]       = S(DEF, DEF, D),
	[RWB_COLOR_RESULT_ERROR]      = S(DEF, DEF, B),
	[RWB_COLOR_HELP_KEY]          = S(DEF, DEF, B),
	[RWB_COLOR_DIM]               = S(DEF, DEF, D),
	[RWB_COLOR_MATCH]             = S(DEF, DEF, R),
	[RWB_COLOR_LINE_NUMBER]       = S(DEF, DEF, D),
	[RWB_COLOR_ESCAPED]           = S(DEF, DEF, U),
	[RWB_COLOR_DIFF_ADD]          = S(DEF, DEF, B),
	[RWB_COLOR_DIFF_DEL]          = S(DEF, DEF, D),
	[RWB_COLOR_DIFF_WORD_ADD]     = S(DEF, DEF, R),
	[RWB_COLOR_DIFF_WORD_DEL]     = S(DEF, DEF, R | D),
	[RWB_COLOR_DIFF_HUNK]         = S(DEF, DEF, U),
	[RWB_COLOR_DIFF_HEADER]       = S(DEF, DEF, B),
	[RWB_COLOR_GIT_STAGED]        = S(DEF, DEF, B),
	[RWB_COLOR_GIT_CONFLICT]      = S(DEF, DEF, R),
	[RWB_COLOR_SYN_KEYWORD]       = S(DEF, DEF, B),
	[RWB_COLOR_SYN_COMMENT]       = S(DEF, DEF, D),
	[RWB_COLOR_SYN_UNSAFE]        = S(DEF, DEF, B | U),
	[RWB_COLOR_AUDIT_BAD]         = S(DEF, DEF, R),
	[RWB_COLOR_AUDIT_PENDING]     = S(DEF, DEF, B),
} };

static const struct theme *const builtins[] = {
	&theme_default, &theme_light, &theme_high_contrast, &theme_mono, NULL
};

static const char *const builtin_names[] = { "default", "light", "high-contrast", "mono", NULL };

static const char *const role_names[] = {
#define RWB_X_NAME(e, n) n,
	RWB_COLOR_LIST(RWB_X_NAME)
#undef RWB_X_NAME
};

const char *themefile_role_name(enum rwb_color role)
{
	return (unsigned)role < RWB_COLOR_COUNT ? role_names[role] : "?";
}

const char *const *themefile_builtin_names(void)
{
	return builtin_names;
}

bool themefile_builtin(struct theme *out, const char *name)
{
	for (int i = 0; builtins[i]; i++) {
		if (strcmp(builtins[i]->name, name) == 0) {
			*out = *builtins[i];
			return true;
		}
	}
	return false;
}

static bool valid_theme_name(const char *name)
{
	if (!*name || strlen(name) > 60)
		return false;
	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return name[0] != '.';
}

char *themefile_find(const char *name)
{
	const char *dirs[2];
	char *xdg = NULL;
	int n = 0;

	if (!valid_theme_name(name))
		return NULL;
	if (getenv("RWB_THEME_DIR"))
		dirs[n++] = getenv("RWB_THEME_DIR");
	if (getenv("XDG_CONFIG_HOME"))
		xdg = xasprintf("%s/rwb/themes", getenv("XDG_CONFIG_HOME"));
	else if (getenv("HOME"))
		xdg = xasprintf("%s/.config/rwb/themes", getenv("HOME"));
	if (xdg)
		dirs[n++] = xdg;
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s.theme", dirs[i], name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			free(xdg);
			return path;
		}
		free(path);
	}
	free(xdg);
	/* the bundled themes: share/rwb/themes beside the binary */
	{
		char *rel = xasprintf("themes/%s.theme", name), *path = datadir_find(rel);
		free(rel);
		return path;
	}
}

bool themefile_known(const char *name)
{
	struct theme t;
	char *path;

	if (themefile_builtin(&t, name))
		return true;
	path = themefile_find(name);
	free(path);
	return path != NULL;
}

static const char *const ansi_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

bool themefile_parse_color(struct theme_color *out, const char *w)
{
	char *end;

	if (strcmp(w, "default") == 0 || strcmp(w, "none") == 0) {
		out->kind = THEME_COLOR_DEFAULT;
		out->value = 0;
		return true;
	}
	for (int i = 0; i < 8; i++) {
		if (strcmp(w, ansi_names[i]) == 0) {
			out->kind = THEME_COLOR_INDEX;
			out->value = (uint32_t)i;
			return true;
		}
		if (strncmp(w, "bright-", 7) == 0 && strcmp(w + 7, ansi_names[i]) == 0) {
			out->kind = THEME_COLOR_INDEX;
			out->value = (uint32_t)i + 8;
			return true;
		}
	}
	if (w[0] == '#') {
		if (strlen(w) != 7)
			return false;
		for (int i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)w[i]))
				return false;
		out->kind = THEME_COLOR_RGB;
		out->value = (uint32_t)strtoul(w + 1, NULL, 16);
		return true;
	}
	if (isdigit((unsigned char)w[0])) {
		unsigned long v;
		errno = 0;
		v = strtoul(w, &end, 10);
		if (errno || *end || v > 255)
			return false;
		out->kind = THEME_COLOR_INDEX;
		out->value = (uint32_t)v;
		return true;
	}
	return false;
}

static bool parse_attrs(unsigned *attrs, const char *w)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "bold", THEME_ATTR_BOLD }, { "dim", THEME_ATTR_DIM },
		{ "italic", THEME_ATTR_ITALIC }, { "underline", THEME_ATTR_UNDERLINE },
		{ "reverse", THEME_ATTR_REVERSE }, { "standout", THEME_ATTR_STANDOUT },
		{ "normal", 0 },
	};
	const char *p = w;

	*attrs = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool found = false;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0) {
				*attrs |= names[i].bit;
				found = true;
			}
		}
		if (!found)
			return false;
		p = comma ? comma + 1 : p + len;
	}
	return true;
}

static int role_find(const char *name)
{
	for (int i = 0; i < RWB_COLOR_COUNT; i++)
		if (strcmp(role_names[i], name) == 0)
			return i;
	return -1;
}

int themefile_parse(struct theme *out, const char *text, size_t len, const char *filename)
{
	size_t pos = 0;
	int lineno = 0;
	bool seen_role = false;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		char buf[512], *words[8], *eq, *save = NULL, *key;
		int nw = 0;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (memchr(line, '\0', n))
			return rwb_fail(RWB_EINPUT, "%s:%d: a NUL byte: this is not a theme file", filename, lineno);
		if (n >= sizeof(buf))
			return rwb_fail(RWB_EINPUT, "%s:%d: line too long (at most %zu characters)", filename,
					lineno, sizeof(buf) - 1);
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (n && buf[n - 1] == '\r')
			buf[n - 1] = '\0';
		key = buf;
		while (isspace((unsigned char)*key))
			key++;
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq)
			return rwb_fail(RWB_EINPUT, "%s:%d: expected ROLE = FG [BG] [ATTRS]", filename, lineno);
		*eq = '\0';
		for (char *e = eq - 1; e >= key && isspace((unsigned char)*e); e--)
			*e = '\0';
		for (char *w = strtok_r(eq + 1, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			if (nw == 8)
				return rwb_fail(RWB_EINPUT, "%s:%d: too many words", filename, lineno);
			words[nw++] = w;
		}
		if (strcmp(key, "inherit") == 0) {
			if (seen_role)
				return rwb_fail(RWB_EINPUT, "%s:%d: inherit must come before any role", filename, lineno);
			char keep[64];
			snprintf(keep, sizeof(keep), "%s", out->name);
			if (nw != 1 || !themefile_builtin(out, words[0]))
				return rwb_fail(RWB_EINPUT, "%s:%d: inherit takes a built-in theme (default, light, "
						"high-contrast, mono)", filename, lineno);
			snprintf(out->name, sizeof(out->name), "%s", keep);
			continue;
		}
		if (strcmp(key, "name") == 0)
			continue;
		int role = role_find(key);
		if (role < 0)
			return rwb_fail(RWB_EINPUT, "%s:%d: unknown role '%.60s'", filename, lineno, key);
		seen_role = true;
		if (nw < 1 || nw > 3)
			return rwb_fail(RWB_EINPUT, "%s:%d: %s takes FG [BG] [ATTRS]", filename, lineno, key);
		struct theme_style st = { { THEME_COLOR_DEFAULT, 0 }, { THEME_COLOR_DEFAULT, 0 }, 0 };
		if (!themefile_parse_color(&st.fg, words[0]))
			return rwb_fail(RWB_EINPUT, "%s:%d: '%.40s' is not a colour (a name, 0-255 or #rrggbb)",
					filename, lineno, words[0]);
		for (int i = 1; i < nw; i++) {
			if (i == 1 && themefile_parse_color(&st.bg, words[i]))
				continue;
			if (i == nw - 1 && parse_attrs(&st.attrs, words[i]))
				continue;
			return rwb_fail(RWB_EINPUT, "%s:%d: '%.40s' is neither a colour nor attributes "
					"(bold, dim, italic, underline, reverse, standout)", filename, lineno, words[i]);
		}
		out->style[role] = st;
	}
	return RWB_OK;
}

int themefile_load(struct theme *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;
	const char *base = strrchr(path, '/');

	if (!f)
		return rwb_fail(RWB_EIO, "%s: %s", path, strerror(errno));
	buf = xmalloc(65537);
	n = fread(buf, 1, 65537, f);
	fclose(f);
	if (n > 65536) {
		rwb_fail(RWB_EINPUT, "%s:1: theme file larger than 64 KiB", path);
		free(buf);
		return RWB_EINPUT;
	}
	themefile_builtin(out, "default");
	base = base ? base + 1 : path;
	snprintf(out->name, sizeof(out->name), "%.*s", (int)(strcspn(base, ".") < 63 ? strcspn(base, ".") : 63), base);
	rc = themefile_parse(out, buf, n, path);
	free(buf);
	return rc;
}

static const uint32_t ansi16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

uint32_t themefile_index_rgb(int index)
{
	static const int steps[6] = { 0, 95, 135, 175, 215, 255 };

	if (index < 0)
		return 0;
	if (index < 16)
		return ansi16[index];
	if (index < 232) {
		int i = index - 16;
		return (uint32_t)(steps[i / 36] << 16 | steps[(i / 6) % 6] << 8 | steps[i % 6]);
	}
	if (index < 256) {
		int g = 8 + (index - 232) * 10;
		return (uint32_t)(g << 16 | g << 8 | g);
	}
	return 0;
}

static int nearest_index(uint32_t rgb, int limit)
{
	int best = 0;
	long best_d = -1;
	int r = (int)(rgb >> 16 & 0xff), g = (int)(rgb >> 8 & 0xff), b = (int)(rgb & 0xff);

	for (int i = 0; i < limit; i++) {
		uint32_t c = themefile_index_rgb(i);
		long dr = r - (int)(c >> 16 & 0xff), dg = g - (int)(c >> 8 & 0xff), db = b - (int)(c & 0xff);
		/* weighted: the eye is most sensitive to green */
		long d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

int themefile_reduce(struct theme_color c, int ncolors, bool *bright)
{
	int idx;

	*bright = false;
	if (c.kind == THEME_COLOR_DEFAULT || ncolors < 8)
		return -1;
	if (ncolors >= 0x1000000)
		return (int)(c.kind == THEME_COLOR_RGB ? c.value : themefile_index_rgb((int)c.value));
	if (c.kind == THEME_COLOR_INDEX && (int)c.value < ncolors)
		idx = (int)c.value;
	else
		idx = nearest_index(c.kind == THEME_COLOR_RGB ? c.value : themefile_index_rgb((int)c.value),
				    ncolors >= 256 ? 256 : ncolors >= 16 ? 16 : 16);
	if (ncolors < 16 && idx >= 8) {
		*bright = true;
		idx -= 8;
	}
	return idx;
}
