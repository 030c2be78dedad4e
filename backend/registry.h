/*
 * registry.h - the one table of slash commands both front ends use.
 *
 * A command is a struct cmd_def: name, summary, typed flags, positional
 * arguments and a run function. The TUI prompt and `rwb [--json] /cmd ...`
 * both parse with cmdline.c against these definitions, so validation,
 * messages, completion and /help come from one place.
 *
 * A run function reads its arguments from struct cmd_args, writes a human
 * answer to ctx->out and a JSON answer to ctx->result, and returns 0 or a
 * negative RWB_E* code after cmd_fail() set one clear line (cmd_fail_last()
 * takes the line a backend function left in the error channel). A command whose
 * answer is negative (build failed, audit open items) sets ctx->negative
 * and returns 0: the exit status is then 1.
 *
 * Each subsystem defines its commands in its own cmd_*.c file as an array
 * ending in { NULL }; registry.c lists those arrays.
 */
#ifndef RWB_REGISTRY_H
#define RWB_REGISTRY_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "strbuf.h"

struct store;

enum flag_type {
	FLAG_BOOL,      /* --name, --name true|false (yes/no, on/off, 1/0) or --name=VALUE */
	FLAG_STRING,    /* any text */
	FLAG_INT,       /* a whole number within [min, max] when min < max */
	FLAG_ENUM,      /* one of values ("a|b|c") */
	FLAG_PATH,      /* a file or folder path (completion offers paths) */
	FLAG_DURATION,  /* 500ms, 90s, 15m, 24h, 7d, 2w, or a plain number of seconds
			 * (decimals allowed); min/max in milliseconds when min < max */
	FLAG_NUMBER,    /* a decimal number within [min, max] when min < max */
};

/* What Tab offers for a flag's value or a positional argument. */
enum complete_kind {
	COMPLETE_NONE,
	COMPLETE_PATH,
	COMPLETE_MEMKEY,
	COMPLETE_GITREF,
	COMPLETE_BENCH,
	COMPLETE_COMMAND,
	COMPLETE_UNSAFE_ID,
};

#define FLAGF_REQUIRED 0x1  /* must be given */
#define FLAGF_REPEAT   0x2  /* may be given more than once */

struct cmd_flag {
	const char *name;          /* long name without "--"; NULL ends the array */
	char short_name;           /* 'n' for -n, or 0 */
	enum flag_type type;
	const char *metavar;       /* shown in usage: "TRIPLE"; NULL for FLAG_BOOL */
	const char *help;          /* one line */
	const char *values;        /* FLAG_ENUM: "a|b|c" */
	long min, max;             /* FLAG_INT / FLAG_NUMBER range when min < max
				    * (FLAG_DURATION: in milliseconds) */
	unsigned flags;            /* FLAGF_* */
	enum complete_kind complete;
};

struct cmd_ctx;
struct cmd_args;

typedef int (*cmd_run_fn)(struct cmd_ctx *ctx, const struct cmd_args *args);

#define CMD_JOB        0x1  /* runs a program: in the TUI as a job in the terminal pane */
#define CMD_NO_STORE   0x2  /* needs no store (help) */
#define CMD_CONFIRM    0x4  /* writes files: preview first, --yes on the command line */
#define CMD_KEYS       0x8  /* CMD_JOB reading the keyboard (an editor): the TUI focuses the
			     * terminal pane while it runs and gives the focus back after */
#define CMD_YES_JOB    0x10 /* CMD_CONFIRM whose confirmed write runs a program (cargo new):
				* the TUI previews inline, then runs it as a job */

struct cmd_def {
	const char *name;            /* "cargo-build" (no slash); NULL ends an array */
	const char *group;           /* catalogue section */
	const char *summary;         /* one line */
	const struct cmd_flag *flags;/* array ending in { NULL }, or NULL */
	const char *positional;      /* usage text of positionals ("PATH"), or NULL */
	int min_pos, max_pos;        /* positional count; max_pos -1 = any */
	bool passthrough;            /* accepts "-- ARGS..." */
	const char *cargo;           /* the cargo subcommand it runs ("build", "test", ...)
				      * whose own flags, +TOOLCHAIN and "-- ARGS" pass
				      * through (cmdline.h), or NULL */
	unsigned traits;             /* CMD_* */
	enum complete_kind pos_complete; /* completion for positionals */
	cmd_run_fn run;              /* NULL: registered, not implemented yet */
};

struct cmd_value {
	const struct cmd_flag *flag; /* borrowed from the definition */
	char *value;                 /* owned; "true" for a bare bool flag */
};

struct cmd_args {
	const struct cmd_def *def;   /* borrowed */
	struct cmd_value *values;    /* owned, in command-line order */
	int nvalues;
	char **pos;                  /* owned positionals */
	int npos;
	char **rest;                 /* owned words after "--" */
	int nrest;
	bool has_rest;               /* "--" was given */
	char **cargo;                /* owned: words for cargo (def->cargo set), in order;
				      * a value is joined to its flag ("--bin=x", "-pfoo") */
	int ncargo;
	char *toolchain;             /* owned: "+stable" as the first word, or NULL */
	bool help;                   /* --help / -h was given: print the command's help */
};

/* What a command run sees and fills in. */
struct cmd_ctx {
	struct store *store;         /* borrowed; NULL for CMD_NO_STORE commands */
	const char *repo;            /* borrowed; --repo or the resolved default */
	const char *argv0;           /* borrowed; path of the rwb binary (for jobs) */
	bool json;                   /* --json: the answer is ctx->result */
	bool tui;                    /* running inside the TUI (inline command) */
	bool yes;                    /* --yes given: confirmation-needing writes may go ahead */
	bool text_only;              /* only the human answer is read (no --json, no result
				      * file, not the TUI): a command may skip building a
				      * large ctx->result, keeping its summary fields */
	FILE *stream;                /* where a job's live output goes (stderr on the CLI) */
	struct strbuf out;           /* owned: the human answer */
	cJSON *result;               /* owned: the JSON answer, or NULL */
	char *error;                 /* owned: one clear line after cmd_fail() */
	int error_code;              /* the RWB_E* code of error */
	bool negative;               /* the answer is negative: exit status 1 */
};

/* All commands, in catalogue order; ends with NULL. */
const struct cmd_def *const *registry_all(void);
/* The command named name (with or without the leading '/'), or NULL. */
const struct cmd_def *registry_find(const char *name);
/* The registered name nearest to name (for "did you mean"), or NULL. */
const char *registry_nearest(const char *name);

/* Records one clear line and returns code (a negative RWB_E*). */
int cmd_fail(struct cmd_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records this thread's last error (rwb_last_error(), error.h) as the line:
 * for a backend call that failed with code and said why in the channel. */
int cmd_fail_last(struct cmd_ctx *ctx, int code);
void cmd_ctx_init(struct cmd_ctx *ctx);
void cmd_ctx_release(struct cmd_ctx *ctx);

/* Argument access: the last value given for flag name, or NULL / dflt. */
const char *cmd_arg(const struct cmd_args *a, const char *name);
bool cmd_arg_bool(const struct cmd_args *a, const char *name);
long cmd_arg_int(const struct cmd_args *a, const char *name, long dflt);
double cmd_arg_number(const struct cmd_args *a, const char *name, double dflt);
/* Seconds for a FLAG_DURATION value (a part second rounds up), or dflt when absent. */
long cmd_arg_duration(const struct cmd_args *a, const char *name, long dflt);
/* Milliseconds for a FLAG_DURATION value, or dflt when absent. */
long long cmd_arg_duration_ms(const struct cmd_args *a, const char *name, long long dflt);
/* The i-th value of a repeated flag, or NULL past the end. */
const char *cmd_arg_nth(const struct cmd_args *a, const char *name, int i);

/* Parses a duration ("500ms", "90s", "1.5m", "24h", "7d", "2w", "300" seconds)
 * into seconds (a part second rounds up); -1 when invalid. */
long cmd_parse_duration(const char *s);
/* The same in milliseconds; -1 when invalid. */
long long cmd_parse_duration_ms(const char *s);
/* Whether s is a boolean word (true/false, yes/no, on/off, 1/0, any case);
 * *value gets its meaning. */
bool cmd_parse_bool(const char *s, bool *value);

/* Usage line "/name [--flag X] ..." into sb. */
void cmd_usage(struct strbuf *sb, const struct cmd_def *def);
/* The command's whole help (usage, summary, flags), as /help NAME prints it. */
void cmd_help_text(struct strbuf *sb, const struct cmd_def *def);

/*
 * Runs a parsed command: checks it is implemented, runs it, and turns the
 * outcome into an exit status (0, 1, 2, 3) following cli.md.
 */
int cmd_execute(struct cmd_ctx *ctx, const struct cmd_args *args);

/* Fills ctx->result with {"error":{"code","message"}} from ctx->error. */
void cmd_error_json(struct cmd_ctx *ctx);

#endif

/* Shorthands for the command tables in cmd_*.c. */
#define F_BOOL(n, h)          { .name = (n), .type = FLAG_BOOL, .help = (h) }
#define F_STR(n, mv, h)       { .name = (n), .type = FLAG_STRING, .metavar = (mv), .help = (h) }
#define F_REQ(n, mv, h)       { .name = (n), .type = FLAG_STRING, .metavar = (mv), .help = (h), .flags = FLAGF_REQUIRED }
#define F_PATH(n, mv, h)      { .name = (n), .type = FLAG_PATH, .metavar = (mv), .help = (h), .complete = COMPLETE_PATH }
#define F_ENUM(n, vals, h)    { .name = (n), .type = FLAG_ENUM, .values = (vals), .help = (h) }
#define F_INT(n, mv, lo, hi, h) { .name = (n), .type = FLAG_INT, .metavar = (mv), .min = (lo), .max = (hi), .help = (h) }
#define F_DUR(n, mv, h)       { .name = (n), .type = FLAG_DURATION, .metavar = (mv), .help = (h) }
/* lo and hi in milliseconds */
#define F_DUR_RANGE(n, mv, lo, hi, h) { .name = (n), .type = FLAG_DURATION, .metavar = (mv), .min = (lo), .max = (hi), .help = (h) }
#define F_END                 { .name = NULL }
