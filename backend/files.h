/*
 * files.h - walking a repository the way git sees it: glob patterns,
 * .gitignore rules, and a fast regex search over the files that are left.
 *
 * Patterns follow gitignore(5): `*` and `?` never match '/', `[...]` is a
 * class (`!` or `^` negates, ranges allowed), `**` as a whole path segment
 * matches any number of folders, a backslash escapes.
 *
 * The walk's rules are rwb's one set, for every walker (/grep,
 * /glob-search, the unsafe audit, connascence): it never enters .git; in a
 * git work tree (the root or a folder above it has .git) it reads every
 * .gitignore on the way down (deeper files win, the last matching line
 * wins, `!` re-includes, a trailing '/' matches folders only, a '/'
 * elsewhere anchors the line to its file's folder) plus .git/info/exclude,
 * as git and ripgrep do (outside one, .gitignore files mean nothing); it
 * skips cargo's build folder (`target` beside a Cargo.toml); hidden files
 * are walked, as git tracks them; it follows symlinks but enters each
 * folder (dev, inode) once, so a symlink loop ends, and a link to a folder
 * inside the tree is walked at its real place only.
 *
 * Never: run a program or a shell, or change a file.
 */
#ifndef RWB_FILES_H
#define RWB_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>

#include "strbuf.h"

/* Whether pattern matches the whole of path ('/'-separated, no leading '/'). */
bool files_glob_match(const char *pattern, const char *path);

/* The rules of one .gitignore-style file, for one folder. */
struct files_ignore;

/* Parses text as .gitignore lines that apply under base ("" = the root,
 * else "src/" style with a trailing '/'). Never fails: bad lines are
 * kept as literal patterns, as git does. */
struct files_ignore *files_ignore_parse(const char *base, const char *text, size_t len);
void files_ignore_free(struct files_ignore *ig);

/* The verdict of rules on path (relative to the root): 1 ignored,
 * -1 re-included by a '!' line, 0 no line matched. */
int files_ignore_check(const struct files_ignore *ig, const char *path, bool is_dir);

/* Called for each regular file the walk keeps: rel is relative to the root,
 * abs is the path to open, st its stat when the walk needed one (else NULL).
 * A non-zero return stops the walk with that code. */
typedef int (*files_walk_fn)(void *data, const char *rel, const char *abs, const struct stat *st);

/* Whether path names a Rust source: its file name is NAME.rs (".rs" alone
 * is not one), what the walkers that want Rust files keep. */
bool files_is_rust(const char *path);

/* Walks root in sorted order honouring ignore rules. */
int files_walk(const char *root, files_walk_fn fn, void *data);

/*
 * The same walk cut into parts for threads: part k is entry k (sorted) of
 * folder under (relative to root, "" = root) with everything below it, so
 * the parts walked in order give files_walk's list for that folder. The
 * rules from the root down to under are read once and shared; each
 * files_walk_part call has its own, so parts may be walked at once on
 * several threads (a folder reached by links from two parts is walked in
 * each). *n is how many parts (0 when under cannot be read).
 */
struct files_parts;
struct files_parts *files_parts_open(const char *root, const char *under, size_t *n);
int files_walk_part(const struct files_parts *p, size_t k, files_walk_fn fn, void *data);
void files_parts_free(struct files_parts *p);

/* /glob-search: the files under root whose relative path matches pattern,
 * sorted. *out is {"matches":[...]} (owned by the caller). Both searches
 * say why they refused in the error channel (error.h). */
int files_glob(cJSON **out, const char *root, const char *pattern);

struct files_grep_opts {
	const char *regex;      /* POSIX extended regex */
	const char *type;       /* "rs", "toml" ... or NULL for every file */
	const char *const *types; /* more types, NULL-terminated, or NULL: a file of
				   * any of type and types is searched */
	size_t max_matches;     /* stop after this many (0 = 100000) */
	bool count_only;        /* do not build the JSON list (benchmarks) */
};

/* /grep-search: {"matches":[{"file","line","column","text"}],"files_searched",
 * "truncated"}. Binary files (a NUL in the first 8 KiB) are skipped. */
int files_grep(cJSON **out, size_t *nmatches, const char *root, const struct files_grep_opts *o);

/* The names a --type accepts ("rs|toml|..."), for messages; ripgrep's
 * longer names (rust, markdown, python, ...) are accepted too. */
const char *files_grep_types(void);

/* Whether the first bytes of a file look binary (a NUL in them). */
bool files_looks_binary(const char *buf, size_t len);

#endif
