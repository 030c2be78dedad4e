/*
 * focus.h - change-scope tracking: a baseline of the work tree, then how far
 * the change has spread since.
 *
 * focus_start() records, for one repository, the HEAD tree, the declared
 * focus paths, and the content of every file that already differed from
 * HEAD (modified, staged, untracked, deleted), so a later check compares
 * against exactly what the work tree held at the start. focus_check() diffs
 * each file that changed since then (libgit2's buffer diff) and reports
 * files, hunks and lines changed, the paths outside the focus, and new
 * `unsafe` tokens in Rust files (counted with the lexer). Thresholds come
 * from the store's settings (focus.max_files, focus.max_hunks,
 * focus.max_lines) and passing one adds a warning.
 *
 * Only the store is written; the repository is only read.
 */
#ifndef RWB_FOCUS_H
#define RWB_FOCUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

struct store;

#define FOCUS_DEFAULT_MAX_FILES 10
#define FOCUS_DEFAULT_MAX_HUNKS 30
#define FOCUS_DEFAULT_MAX_LINES 400
#define FOCUS_MAX_CONTENT (4u << 20) /* larger files are compared by size and hash only */

struct focus_file {
	char *path;              /* owned; relative to the repository */
	int hunks, added, removed;
	int new_unsafe;          /* unsafe tokens added (Rust files) */
	bool outside;            /* not under any focus path */
	const char *change;      /* static: added, deleted, modified */
};

struct focus_report {
	int64_t baseline_id;
	int64_t started_at;      /* ms since the epoch */
	char **focus;            /* owned: the declared paths (may be none) */
	int nfocus;
	struct focus_file *files;/* owned, path order */
	size_t nfiles;
	int hunks, added, removed, new_unsafe, outside;
	char **warnings;         /* owned: one line each */
	int nwarnings;
};

/* Records a new baseline (ending the previous one for this repository).
 * paths are relative to repo (or absolute inside it) and must exist. */
int focus_start(struct store *s, int64_t *id, const char *repo, char *const paths[], int npaths);
/* RWB_ENOTFOUND (the error channel says to run /focus-start) when no focus
 * is active. Both say why they failed in the error channel (error.h). */
int focus_check(struct store *s, struct focus_report **out, const char *repo);
void focus_report_free(struct focus_report *r);
cJSON *focus_report_json(const struct focus_report *r);
/* A short text for the status bar ("focus: src/lexer +2 files") or NULL
 * when no focus is active for repo; allocated. */
char *focus_status(struct store *s, const char *repo);
/* Counts `unsafe` keyword tokens in Rust source. */
int focus_count_unsafe(const char *src, size_t len);

#endif
