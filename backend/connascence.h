/*
 * connascence.h - a coupling report for one Rust file, from the lexer.
 *
 * Findings (kind, line, message with a suggested fix):
 *   position   - a function whose parameters include two or more of the same
 *                type, so a call can swap them unnoticed (three or more
 *                positional parameters)
 *   parameters - a long parameter list (more than CONN_MAX_PARAMS)
 *   meaning    - a magic number outside const/static items and attributes
 *   value      - a string literal repeated in the file, or a literal (string
 *                or magic number) that other .rs files of the crate repeat
 *   god-type   - a struct with too many fields or a type with too many
 *                inherent methods
 * The score adds a weight per finding (position 3, parameters 2, meaning 1,
 * value 2, god-type 5): lower is better, 0 is clean.
 *
 * It only reads files; it never runs rustc and never trusts the text (any
 * bytes lex to tokens; sizes are capped).
 */
#ifndef RWB_CONNASCENCE_H
#define RWB_CONNASCENCE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define CONN_MAX_PARAMS 5        /* more is a long parameter list */
#define CONN_POSITION_MIN 3      /* positional coupling from this many */
#define CONN_MAX_FIELDS 12       /* more fields: a god type */
#define CONN_MAX_METHODS 20      /* more inherent methods: a god type */
#define CONN_REPEAT_MIN 3        /* a string this often in one file */
#define CONN_MAX_FILE (8u << 20) /* bytes read from one file */

struct conn_finding {
	const char *kind;        /* static: position, meaning, value, parameters, god-type */
	int line;                /* 1-based */
	char *message;           /* owned; one line, with the suggested fix */
};

struct conn_report {
	char *file;              /* owned: the path as given */
	int score;
	int lines;               /* lines in the file */
	struct conn_finding *findings; /* owned, in line order */
	size_t n, cap;
};

/*
 * Analyses the Rust source src (len bytes) named file. crate_root, when not
 * NULL, is a folder whose other .rs files are searched for the same
 * literals (file itself is skipped there by its real path).
 */
int connascence_analyze_text(struct conn_report **out, const char *file, const char *src, size_t len,
			     const char *crate_root);
/* Reads path (RWB_ENOTFOUND / RWB_EINPUT with a message in the error
 * channel) and analyses it with the crate (nearest folder up with
 * Cargo.toml) as crate_root. */
int connascence_analyze_file(struct conn_report **out, const char *path);
void connascence_report_free(struct conn_report *r);
/* {"file","score","findings":[{"kind","line","message"}]} */
cJSON *connascence_json(const struct conn_report *r);

#endif
