/*
 * cmdline.h - splitting a prompt line like a shell and parsing it against a
 * command's definition.
 *
 * Quoting follows the POSIX shell for the cases people type: 'single'
 * quotes are literal, "double" quotes honour \" \\ \$ \`, a backslash
 * outside quotes escapes the next character. No expansion happens: no
 * variables, globs or command substitution (argv only, never a shell).
 *
 * Parsing accepts --flag value, --flag=value, -n VALUE for flags that have a
 * short name, -name VALUE (one dash, as find users write it: `-type rs`),
 * and "--" to pass the rest through. One rule for every command:
 * - a boolean flag is --flag, --flag true|false (yes/no, on/off, 1/0, any
 *   case) as the next word, or --flag=VALUE; a bare --flag followed by some
 *   other word leaves that word alone (a positional);
 * - a duration is 500ms, 3s, 2m, 1h, 7d, 2w or a number of seconds;
 * - --help or -h asks for the command's help (args->help; nothing else is
 *   checked after it).
 * A command that runs cargo (def->cargo) also takes that cargo subcommand's
 * own flags: +TOOLCHAIN as the first word, and every -x / --xyz that is not
 * one of rwb's flags is kept for cargo in order (args->cargo), with its value
 * when cargo's flag takes one (joined: "--bin=NAME", "-pNAME"); cargo's
 * switches follow the boolean rule (`--allow-dirty false` drops the flag).
 * Words past the positionals rwb takes also go to cargo; cargo judges them.
 * Every error is one line naming what was wrong and what is accepted, with
 * the nearest valid name.
 */
#ifndef RWB_CMDLINE_H
#define RWB_CMDLINE_H

#include "registry.h"
#include "strbuf.h"

/* Splits line into words. *argv is NULL-terminated and owned by the caller
 * (cmdline_free_argv). On error returns RWB_EUSAGE with a message in the
 * error channel (error.h). */
int cmdline_split(const char *line, char ***argv, int *argc);
void cmdline_free_argv(char **argv, int argc);

/* Parses argv (argv[0] is "/name" or "name") into out. On error returns
 * RWB_EUSAGE with one line in the error channel and out is released. */
int cmdline_parse(struct cmd_args *out, int argc, char *const *argv);
void cmd_args_release(struct cmd_args *a);

/* cargo's flags as rwb knows them, for the parser and completion. */
enum cargo_flag_kind {
	CARGO_SWITCH,    /* no value */
	CARGO_VALUE,     /* takes the next word (or =VALUE) */
	CARGO_OPTVALUE,  /* --bin [NAME]: takes the next word unless it starts with '-' */
	CARGO_EQVALUE,   /* --timings[=FMT]: a value only after '=' */
};

struct cargo_flag {
	const char *name;          /* long name without "--", or NULL for a short-only flag;
				    * NULL name and 0 short end the table */
	char short_name;           /* 'p' for -p, or 0 */
	enum cargo_flag_kind kind;
	const char *subs;          /* the subcommands that have it: letters of
				    * b(uild) t(est) c(heck) l (clippy) n (bench) p(ublish) k (package) */
};

/* The table, ending in an entry with NULL name and 0 short_name. */
const struct cargo_flag *cmdline_cargo_flags(void);
/* Whether flag f exists for cargo subcommand sub ("build", "test", ...). */
bool cmdline_cargo_flag_in(const struct cargo_flag *f, const char *sub);

/* Edit distance, used for "did you mean". */
int cmdline_distance(const char *a, const char *b);
/* Shell-quotes word into sb when it needs quoting. */
void cmdline_quote(struct strbuf *sb, const char *word);

#endif
