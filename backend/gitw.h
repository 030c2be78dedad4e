/*
 * gitw.h - rwb's git wrapper over libgit2 1.5 (never the git binary).
 *
 * One handle per repository (gitw_open). Status, diffs, staging, commits,
 * the log and push are plain functions on it that return 0 or a negative
 * RWB_E* code and, on failure, one clear line in the error channel
 * (rwb_last_error(), error.h). A directory that is
 * not a repository is RWB_ENOTREPO, calmly; bare, empty (unborn HEAD) and
 * detached-HEAD repositories work wherever git itself works.
 *
 * Diffs are a flat model: files own a range of hunks, hunks own a range of
 * lines, and every line's text lives in one buffer, so a 200k-line diff is
 * three arrays and a string, and a view draws only what is visible.
 *
 * Partial staging builds a patch from the chosen hunk or lines and applies
 * it to the index with git_apply(GIT_APPLY_LOCATION_INDEX), the same index
 * `git add -p` leaves; unstaging applies the reverse patch of the staged
 * diff. Nothing here draws or prints: text from the repository is handed
 * back raw and must be sanitized by whoever shows it.
 */
#ifndef RWB_GITW_H
#define RWB_GITW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gitw;

/* Opens the repository containing path (searching upwards, like git). */
int gitw_open(struct gitw **out, const char *path);
void gitw_free(struct gitw *g);
/* The work tree folder with a trailing '/', or NULL for a bare repository. */
const char *gitw_workdir(const struct gitw *g);
/* The .git folder (with a trailing '/'). */
const char *gitw_gitdir(const struct gitw *g);

/* ---- status ---- */

enum gitw_group { GITW_STAGED, GITW_UNSTAGED, GITW_UNTRACKED, GITW_CONFLICTED, GITW_NGROUPS };

struct gitw_entry {
	char *path;              /* owned; relative to the work tree */
	char *old_path;          /* owned; a rename's source, else NULL */
	char status[3];          /* "M" "A" "D" "R" "T" "?"; conflicts: "UU" "AA" "DU"... */
	bool submodule;          /* the entry is a submodule (gitlink) */
};

struct gitw_status {
	char *branch;            /* owned; "main", "(detached)" when HEAD is detached */
	char *head;              /* owned; HEAD's full oid, or NULL when unborn */
	char *upstream;          /* owned; "origin/main" or NULL */
	int ahead, behind;       /* against upstream (0 without one) */
	bool detached, unborn, bare;
	bool scanned;            /* the fast path answered (else libgit2's full walk) */
	struct gitw_entry *list[GITW_NGROUPS]; /* owned arrays, sorted by path */
	int n[GITW_NGROUPS];
};

/*
 * The status as `git status` sees it. The work tree is scanned with plain
 * stat calls on several threads (gitscan.h) while libgit2 computes the
 * staged half; libgit2 then judges only the paths the scan could not prove
 * clean. gitw_status_exact is libgit2's own full walk, the reference the
 * fast path must always equal (the tests compare them).
 */
int gitw_status(struct gitw_status **out, struct gitw *g);
int gitw_status_exact(struct gitw_status **out, struct gitw *g);
void gitw_status_free(struct gitw_status *s);
/* The JSON group names: "staged", "unstaged", "untracked", "conflicted". */
const char *gitw_group_name(enum gitw_group grp);

/* ---- diffs ---- */

enum gitw_diff_kind {
	GITW_DIFF_UNSTAGED,      /* index -> work tree (git diff) */
	GITW_DIFF_STAGED,        /* HEAD -> index (git diff --cached) */
	GITW_DIFF_COMMIT,        /* REV^ -> REV (git show REV) */
	GITW_DIFF_RANGE,         /* A -> B for "A..B" (git diff A..B) */
	GITW_DIFF_UNTRACKED,     /* an untracked file shown as all added */
	GITW_DIFF_REV,           /* REV -> work tree (git diff REV) */
	GITW_DIFF_REV_STAGED,    /* REV -> index (git diff --cached REV) */
};

struct gitw_line {
	uint32_t off, len;       /* text in diff->text, without the newline */
	int old_no, new_no;      /* 1-based; -1 when the side has no such line */
	int anchor;              /* new-side position (for '-' lines: the next new line) */
	int32_t pair;            /* the line this '-'/'+' line replaces or is replaced by, or -1 */
	char origin;             /* '+', '-' or ' ' */
	bool no_eol;             /* "\ No newline at end of file" follows */
};

#define GITW_HUNK_UNSAFE_CHANGED 0x1  /* a +/- line has `unsafe` or a SAFETY comment */
#define GITW_HUNK_UNSAFE_NEAR    0x2  /* only context lines do */

struct gitw_hunk {
	char *header;            /* owned; "@@ -1,3 +1,4 @@ fn main()" without newline */
	int old_start, old_lines, new_start, new_lines;
	size_t first_line, nlines; /* range in diff->lines */
	unsigned flags;          /* GITW_HUNK_* */
	int adds, dels;
};

struct gitw_file {
	char *old_path, *new_path; /* owned */
	char status;             /* 'M' 'A' 'D' 'R' 'C' 'T' '?' */
	bool binary;             /* named, not dumped */
	uint32_t old_mode, new_mode; /* 0 when the side is absent */
	int similarity;          /* renames: 0..100 */
	size_t first_hunk, nhunks; /* range in diff->hunks */
	int adds, dels;
};

struct gitw_diff {
	struct gitw_file *files; size_t nfiles, cap_files;  /* owned */
	struct gitw_hunk *hunks; size_t nhunks, cap_hunks;  /* owned */
	struct gitw_line *lines; size_t nlines, cap_lines;  /* owned */
	char *text; size_t text_len, text_cap;             /* owned; all line text */
	enum gitw_diff_kind kind;
};

/* rev: for COMMIT, REV and REV_STAGED one revision, for RANGE "A..B"; path: NULL or a pathspec. */
int gitw_diff(struct gitw_diff **out, struct gitw *g, enum gitw_diff_kind kind, const char *rev,
	      const char *path);
void gitw_diff_free(struct gitw_diff *d);
static inline const char *gitw_line_text(const struct gitw_diff *d, const struct gitw_line *l)
{
	return d->text + l->off;
}

/* Word-level emphasis: the changed byte ranges of a and b (a modified line
 * pair). spans are [start, end) pairs; at most max spans each. */
struct gitw_span { uint32_t start, end; };
void gitw_word_diff(struct gitw_span *aspans, int *na, struct gitw_span *bspans, int *nb, int max,
		    const char *a, size_t alen, const char *b, size_t blen);

/* ---- staging ---- */

/* What to stage or unstage: the whole file, hunk N (from 1), or lines
 * lo..hi (work-tree lines when staging, index lines when unstaging). */
struct gitw_pick {
	int hunk;                /* 0: not a hunk pick */
	int lo, hi;              /* 0: not a line pick */
};

/* "A-B" or "A" (1 <= A <= B) into lo..hi; RWB_EUSAGE otherwise. */
int gitw_parse_range(int *lo, int *hi, const char *s);

int gitw_stage(struct gitw *g, const char *path, const struct gitw_pick *pick);
int gitw_unstage(struct gitw *g, const char *path, const struct gitw_pick *pick);
/* Reverts hunk N (from 1) of the unstaged diff of path in the work tree. */
int gitw_discard_hunk(struct gitw *g, const char *path, int hunk);

/* ---- commits, log, push ---- */

/* Commits the index (amend: replaces HEAD, keeping its parents). On success
 * oid_out (41 bytes) holds the new commit. */
int gitw_commit(char *oid_out, struct gitw *g, const char *message, bool amend);

struct gitw_commit_info {
	char oid[41];
	int64_t time;            /* author time, seconds since the epoch */
	int tz_minutes;          /* author's offset */
	char *author;            /* owned: name */
	char *email;             /* owned */
	char *summary;           /* owned: first line */
};

struct gitw_log {
	struct gitw_commit_info *commits; /* owned, newest first */
	int n;
};

/* The header git show prints above a commit's diff: "commit OID",
 * "Author: NAME <EMAIL>", "Date:   ...", a blank line and the message
 * indented by four spaces, lines separated by '\n'. *out is owned by the
 * caller. */
int gitw_commit_header(char **out, struct gitw *g, const char *rev);

/* max: at most this many (<= 0: all); path: only commits touching it. */
int gitw_log(struct gitw_log **out, struct gitw *g, int max, const char *path);
void gitw_log_free(struct gitw_log *log);

/* Pushes branch (NULL: the current one) to remote (NULL: the branch's
 * remote, else "origin"). summary_out: "main -> origin (refs/heads/main)". */
int gitw_push(char *summary_out, size_t summary_len, struct gitw *g, const char *remote,
	      const char *branch);

/* ---- for focus, the audit walk and completion ---- */

/* gitw_open without searching upwards: path must be the work tree's top. */
int gitw_open_here(struct gitw **out, const char *path);
/* Whether .gitignore (and info/exclude, core.excludesFile) ignores rel, a
 * path relative to the work tree; is_dir for a folder. */
bool gitw_ignored(struct gitw *g, const char *rel, bool is_dir);
/* HEAD's tree id as 40 hex digits; RWB_ENOTFOUND when HEAD is unborn. */
int gitw_head_tree_hex(char hex[41], struct gitw *g);

/* A path that differs, with a rename's other side. */
struct gitw_change {
	char *path;              /* owned: the new path (the old one for a deletion) */
	char *old_path;          /* owned: a rename's source when it differs, else NULL */
};
/* What differs from HEAD in the index or the work tree, untracked files
 * included (folders recursed, submodules left out, ignored files not). */
int gitw_changes(struct gitw_change **out, size_t *n, struct gitw *g);
void gitw_changes_free(struct gitw_change *c, size_t n);
/* Every path (old and new sides) that differs between the tree tree_hex
 * (NULL: the empty tree) and the work tree, untracked files included;
 * RWB_ENOTFOUND, with a message, when that tree is not in the repository. */
int gitw_tree_workdir_paths(char ***out, size_t *n, struct gitw *g, const char *tree_hex);
/* The blob at path in the tree tree_hex (allocated, NUL-terminated);
 * RWB_ENOTFOUND when the tree has no file there. */
int gitw_tree_file(char **buf, size_t *len, struct gitw *g, const char *tree_hex, const char *path);
/* Hunks and added/removed lines between two buffers (NULL: absent), as a
 * diff of the file would count them. */
void gitw_count_changes(int *hunks, int *added, int *removed, const char *old, size_t oldlen,
			const char *cur, size_t curlen, const char *path);
/* The short names of local branches, tags and remote-tracking branches
 * (not remote/HEAD), then the remotes' names (remote.NAME.url), to cb. */
void gitw_each_ref_name(struct gitw *g, void (*cb)(const char *name, void *data), void *data);
/* A configuration value (allocated): the repository's at repo_path (with
 * the global and system files) when it is one, else the user's; NULL
 * when unset or empty. */
char *gitw_config_string(const char *repo_path, const char *key);

/* The status bar's branch label for the repository containing dir: the
 * branch, "HEAD@1234567" when detached, "(no commits)" when unborn, ""
 * outside a repository. */
void gitw_branch_label(const char *dir, char *buf, size_t n);

/* Cheap change probe for polling: a number that changes when the index,
 * HEAD or refs change (mtimes). */
uint64_t gitw_stamp(const struct gitw *g);

#endif
