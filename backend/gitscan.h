/*
 * gitscan.h - the work-tree half of `git status`, done the cheap way: which
 * paths MIGHT differ from the index, found with plain stat() calls on
 * several threads (git's core.preloadIndex does the same job).
 *
 * The caller hands over a copy of the index (paths sorted bytewise, stat
 * data as the index records it). Each directory that holds tracked files
 * is read once (readdir) and every tracked file in it is lstat'ed relative
 * to an open directory handle. An entry whose stat data equals the index's
 * and that is older than the index file is clean, exactly as libgit2 and
 * git decide it without reading the file. Everything else - a stat
 * mismatch, a racy timestamp, a missing file, a name the index does not
 * know (untracked or ignored), a directory that turned into a file or a
 * symlink, an entry marked suspect by the caller - becomes a "doubtful"
 * path that the caller passes to libgit2 for the real verdict. The scan
 * never decides that something changed, only that it certainly did not,
 * so it can be wrong only by being slow.
 *
 * No libgit2 here, no drawing, nothing written: it only reads directories.
 */
#ifndef RWB_GITSCAN_H
#define RWB_GITSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gitscan_entry {
	const char *path;        /* borrowed; relative to the work tree, '/'-separated */
	uint32_t mtime_s, mtime_ns; /* as the index records them */
	uint32_t ctime_s, ctime_ns;
	uint32_t ino, uid, gid;  /* the index keeps the low 32 bits */
	uint32_t size;           /* low 32 bits of the file size */
	uint32_t mode;           /* 0100644, 0100755, 0120000, 0160000 */
	bool suspect;            /* always doubtful (conflict, submodule, special flags) */
};

struct gitscan;

/*
 * Starts scanning workdir (with a trailing '/' or not) on `threads` threads
 * (at least 1) and returns at once; gitscan_finish waits for the result.
 * entries must be sorted bytewise by path and stay valid until
 * gitscan_finish. index_mtime_s: the index file's mtime; an entry modified
 * in that second or later is racy (doubtful). After more than `limit`
 * doubtful paths the scan gives up (too_many), because then one full
 * libgit2 walk is cheaper.
 */
int gitscan_start(struct gitscan **out, const char *workdir, const struct gitscan_entry *entries, size_t n,
		  int64_t index_mtime_s, int threads, size_t limit);

/*
 * Waits for the threads and hands back the doubtful paths (owned by the
 * caller: free each and the array), sorted bytewise and unique. A path is a
 * file, or a folder (no trailing '/') meaning everything below it. Frees
 * the scan. Returns RWB_EIO (and no paths) when the work tree cannot be
 * read at all.
 */
int gitscan_finish(char ***paths, size_t *npaths, bool *too_many, struct gitscan *s);

/*
 * An index file read by rwb itself (no libgit2 handle, no checksum pass):
 * what the scan needs and nothing more. Versions 2, 3 and 4 (prefix-
 * compressed paths). Anything unusual - a split or sparse index, paths
 * out of order, a truncated entry - is RWB_EINPUT, and the caller asks
 * libgit2 instead. Never trusts a length it has not checked.
 */
struct gitscan_index {
	struct gitscan_entry *entries; /* owned; sorted bytewise, conflict stages in a row */
	size_t n;
	char *paths;             /* owned: every entry's path, NUL-terminated, back to back */
	bool plain;              /* no conflict stages, no intent-to-add or skip-worktree entries */
	bool has_tree;           /* the cached root tree ("TREE" extension) is valid */
	unsigned char tree[20];  /* its id: when it equals HEAD's tree, nothing is staged */
	unsigned char checksum[20]; /* the file's trailing checksum (not verified) */
};

int gitscan_index_read(struct gitscan_index **out, const unsigned char *buf, size_t len);
void gitscan_index_free(struct gitscan_index *ix);
/* The first entry for path (a conflict has several, all suspect), or NULL. */
const struct gitscan_entry *gitscan_index_find(const struct gitscan_index *ix, const char *path);
/* Whether some entry lies below folder dir ("a/b" -> "a/b/..."). */
bool gitscan_index_has_dir(const struct gitscan_index *ix, const char *dir);

/* Whether the stat data st describes the same file as e (git's "stat
 * clean" test, stricter where unsure). Exposed for the tests. */
struct stat;
bool gitscan_stat_clean(const struct gitscan_entry *e, const struct stat *st, int64_t index_mtime_s);

#endif
