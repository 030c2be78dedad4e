/*
 * themefile.h - colour roles, the built-in themes and the theme file reader.
 *
 * Panes never pick raw colours: they ask for a semantic role
 * (RWB_COLOR_DIFF_ADD) and the theme says what it looks like. A theme is a
 * table of struct theme_style, one per role, with colours as the user wrote
 * them (ANSI name, 256-colour index or #rrggbb); tui/theme.c maps them onto
 * what the terminal offers. This file has no ncurses in it so the reader
 * can be unit-tested and fuzzed.
 *
 * Theme file format (themes/NAME.theme), one role per line:
 *     # comment
 *     inherit = light                      (optional; default: default)
 *     diff-add = green default bold
 *     pane-title-focus = #ffffff #005f87 bold,underline
 * A line is ROLE = FG [BG] [ATTR[,ATTR...]]; colours are default, black,
 * red, green, yellow, blue, magenta, cyan, white, bright-NAME, 0-255 or
 * #rrggbb; attributes are bold, dim, italic, underline, reverse, standout.
 */
#ifndef RWB_THEMEFILE_H
#define RWB_THEMEFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* X(ENUM_SUFFIX, "file-name") */
#define RWB_COLOR_LIST(X)                               \
	X(DEFAULT, "default")                           \
	X(PANE_BORDER, "pane-border")                   \
	X(PANE_BORDER_FOCUS, "pane-border-focus")       \
	X(PANE_TITLE, "pane-title")                     \
	X(PANE_TITLE_FOCUS, "pane-title-focus")         \
	X(TAB_ACTIVE, "tab-active")                     \
	X(TAB_INACTIVE, "tab-inactive")                 \
	X(STATUS_BAR, "status-bar")                     \
	X(STATUS_ACCENT, "status-accent")               \
	X(NOTICE_INFO, "notice-info")                   \
	X(NOTICE_WARNING, "notice-warning")             \
	X(NOTICE_CRITICAL, "notice-critical")           \
	X(SELECTION, "selection")                       \
	X(SELECTION_DIM, "selection-dim")               \
	X(PROMPT, "prompt")                             \
	X(PROMPT_HINT, "prompt-hint")                   \
	X(RESULT_OK, "result-ok")                       \
	X(RESULT_ERROR, "result-error")                 \
	X(HELP_KEY, "help-key")                         \
	X(HELP_TEXT, "help-text")                       \
	X(DIM, "dim")                                   \
	X(MATCH, "match")                               \
	X(LINE_NUMBER, "line-number")                   \
	X(ESCAPED, "escaped")                           \
	X(DIFF_ADD, "diff-add")                         \
	X(DIFF_DEL, "diff-del")                         \
	X(DIFF_WORD_ADD, "diff-word-add")               \
	X(DIFF_WORD_DEL, "diff-word-del")               \
	X(DIFF_HUNK, "diff-hunk")                       \
	X(DIFF_HEADER, "diff-header")                   \
	X(GIT_STAGED, "git-staged")                     \
	X(GIT_UNSTAGED, "git-unstaged")                 \
	X(GIT_UNTRACKED, "git-untracked")               \
	X(GIT_CONFLICT, "git-conflict")                 \
	X(SYN_KEYWORD, "syn-keyword")                   \
	X(SYN_TYPE, "syn-type")                         \
	X(SYN_STRING, "syn-string")                     \
	X(SYN_NUMBER, "syn-number")                     \
	X(SYN_COMMENT, "syn-comment")                   \
	X(SYN_MACRO, "syn-macro")                       \
	X(SYN_LIFETIME, "syn-lifetime")                 \
	X(SYN_UNSAFE, "syn-unsafe")                     \
	X(AUDIT_OK, "audit-ok")                         \
	X(AUDIT_PENDING, "audit-pending")               \
	X(AUDIT_BAD, "audit-bad")                       \
	X(CHART, "chart")

enum rwb_color {
#define RWB_X_ROLE(e, n) RWB_COLOR_##e,
	RWB_COLOR_LIST(RWB_X_ROLE)
#undef RWB_X_ROLE
	RWB_COLOR_COUNT
};

enum theme_color_kind {
	THEME_COLOR_DEFAULT,  /* the terminal's own colour */
	THEME_COLOR_INDEX,    /* 0..255 */
	THEME_COLOR_RGB,      /* 24-bit */
};

struct theme_color {
	enum theme_color_kind kind;
	uint32_t value;       /* index, or 0xRRGGBB */
};

#define THEME_ATTR_BOLD      0x01
#define THEME_ATTR_DIM       0x02
#define THEME_ATTR_ITALIC    0x04
#define THEME_ATTR_UNDERLINE 0x08
#define THEME_ATTR_REVERSE   0x10
#define THEME_ATTR_STANDOUT  0x20

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs;       /* THEME_ATTR_* */
};

struct theme {
	char name[64];
	struct theme_style style[RWB_COLOR_COUNT];
};

/* The role's file name ("diff-add"). */
const char *themefile_role_name(enum rwb_color role);
/* Copies the built-in theme name into out; false when there is none. */
bool themefile_builtin(struct theme *out, const char *name);
/* The built-in theme names, NULL-terminated. */
const char *const *themefile_builtin_names(void);
/* True when name is built in or a NAME.theme file exists in a theme folder. */
bool themefile_known(const char *name);
/* The path of NAME.theme in the theme folders (allocated), or NULL. */
char *themefile_find(const char *name);

/*
 * Parses theme file text into out (which starts as a copy of the theme it
 * inherits). On error returns RWB_EINPUT with "FILE:LINE: message" in the
 * error channel (error.h); out is then unspecified.
 */
int themefile_parse(struct theme *out, const char *text, size_t len, const char *filename);
/* Reads and parses a file (whole-file, size-limited). */
int themefile_load(struct theme *out, const char *path);
/* Parses one colour word; false when it is not a colour. */
bool themefile_parse_color(struct theme_color *out, const char *word);

#endif

/*
 * Reduces a colour to what a terminal with ncolors colours can show:
 * -1 for the default colour; the packed RGB value when ncolors >= 2^24
 * (direct colour); else the nearest index below ncolors. For 8-colour
 * terminals a bright index becomes its base colour and *bright is set
 * (callers add bold to a foreground).
 */
int themefile_reduce(struct theme_color c, int ncolors, bool *bright);
/* The RGB value of a 256-colour palette index (xterm's palette). */
uint32_t themefile_index_rgb(int index);
