/*
 * test_gitw_status.c - the fast /git-status (gitscan.h) against libgit2's
 * full walk and against `git status --porcelain=v2`, on real repositories
 * whose files are aged first, so the scan really proves most of them clean
 * and judges the rest: every status kind, index versions 2, 3 and 4, a
 * racy index, ignored files and folders, a folder that became a file and
 * back, a nested repository, `git rm --cached`, intent-to-add, conflicts.
 * Also the index reader against libgit2's own reading of the same file.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gitscan.h"
#include "gitw.h"
#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *tmp;
	char *repo;
};

/* Files are made an hour old before `git add`, so the index is not racy. */
static const char *const base_script =
	"git init -q -b main r && cd r && git config user.name U && git config user.email u@x && "
	"mkdir -p src/deep/er docs empty_dir_kept && "
	"for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
	"  echo \"line $i\" > src/f$i.rs; echo \"doc $i\" > docs/d$i.md; echo \"x $i\" > src/deep/er/x$i.txt; done && "
	"echo same > same.txt && echo keep > gone.txt && echo d > dir_to_file && mkdir tree && echo t > tree/t.txt && "
	"echo run > run.sh && ln -s same.txt link && printf '*.log\\nbuild/\\n' > .gitignore && "
	"echo 'with space' > 'a b.txt' && echo u > \"$(printf 'caf\\303\\251.txt')\" && "
	"touch -d '1 hour ago' $(git ls-files -o) .gitignore 'a b.txt' && git add -A && git commit -qm base";

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->tmp = tu_tmpdir();
	f->repo = xasprintf("%s/r", f->tmp);
	setenv("HOME", f->tmp, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	assert_int_equal(tu_sh(f->tmp, base_script), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tu_rmtree(f->tmp);
	free(f->tmp);
	free(f->repo);
	free(f);
	return 0;
}

/* A status as sorted "group status path [from old]" lines. */
static char *status_text(const struct gitw_status *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (int grp = 0; grp < GITW_NGROUPS; grp++)
		for (int i = 0; i < s->n[grp]; i++) {
			const struct gitw_entry *e = &s->list[grp][i];
			strbuf_addf(&sb, "%s %s %s", gitw_group_name(grp), e->status, e->path);
			if (e->old_path)
				strbuf_addf(&sb, " from %s", e->old_path);
			if (e->submodule)
				strbuf_adds(&sb, " [sub]");
			strbuf_addc(&sb, '\n');
		}
	return strbuf_detach(&sb);
}

/* git's own verdict in the same form (porcelain v2, -z for odd names). */
static char *git_text(const char *repo)
{
	char *const argv[] = { "sh", "-c",
		"git status --porcelain=v2 -z | tr '\\0' '\\n' | awk '"
		"$1 == \"1\" { x = substr($2,1,1); y = substr($2,2,1); p = $0; for (i = 0; i < 8; i++) sub(/^[^ ]* /, \"\", p);"
		"  if (x != \".\") print \"staged \" x \" \" p; if (y != \".\") print \"unstaged \" y \" \" p; next }"
		"$1 == \"2\" { x = substr($2,1,1); y = substr($2,2,1); p = $0; for (i = 0; i < 9; i++) sub(/^[^ ]* /, \"\", p); getline o;"
		"  if (x != \".\") print \"staged \" x \" \" p \" from \" o; if (y != \".\") print \"unstaged \" y \" \" p; next }"
		"$1 == \"u\" { p = $0; for (i = 0; i < 10; i++) sub(/^[^ ]* /, \"\", p); print \"conflicted \" $2 \" \" p; next }"
		"$1 == \"?\" { print \"untracked ? \" substr($0, 3) }' | LC_ALL=C sort", NULL };
	char *out = NULL;

	tu_run(repo, argv, NULL, &out, NULL);
	return out ? out : xstrdup("");
}

static char *sorted(const char *text)
{
	char *path = xasprintf("%s/sort-in", getenv("HOME")), *out = NULL;
	char *const argv[] = { "sh", "-c", "LC_ALL=C sort sort-in", NULL };

	tu_write(path, text);
	tu_run(getenv("HOME"), argv, NULL, &out, NULL);
	free(path);
	return out ? out : xstrdup("");
}

/* fast == exact (== git when with_git), and the fast path answered
 * (unless it may not). */
static void check_some(const char *repo, const char *what, bool expect_scanned, bool with_git)
{
	struct gitw *g = NULL;
	struct gitw_status *fast = NULL, *exact = NULL;
	char *a, *b, *c, *sa, *sb;

	assert_int_equal(gitw_open(&g, repo), 0);
	assert_int_equal(gitw_status(&fast, g), 0);
	assert_int_equal(gitw_status_exact(&exact, g), 0);
	a = status_text(fast);
	b = status_text(exact);
	c = with_git ? git_text(repo) : xstrdup("");
	sa = sorted(a);
	sb = sorted(b);
	if (strcmp(a, b) != 0 || (with_git && strcmp(sa, c) != 0) || fast->scanned != expect_scanned)
		fail_msg("%s: scanned=%d\nfast:\n%s\nexact:\n%s\ngit:\n%s", what, fast->scanned, a, b, c);
	assert_false(exact->scanned);
	free(a);
	free(b);
	free(c);
	free(sa);
	free(sb);
	gitw_status_free(fast);
	gitw_status_free(exact);
	gitw_free(g);
}

static void check_all(const char *repo, const char *what, bool expect_scanned)
{
	check_some(repo, what, expect_scanned, true);
}

static void test_clean_and_every_kind(void **state)
{
	struct fx *f = *state;

	check_all(f->repo, "clean", true);
	assert_int_equal(tu_sh(f->repo,
		"echo 'line X' > src/f3.rs && "            /* same size, new mtime: libgit2 hashes it */
		"echo 'longer line' > src/f4.rs && "       /* size differs */
		"touch src/f5.rs && "                      /* stat changed, content not */
		"rm gone.txt && chmod +x run.sh && "
		"rm link && echo now-a-file > link && "    /* symlink -> file: type change */
		"rm -r tree && echo file > tree && "       /* a folder became a file */
		"echo n > new.txt && mkdir -p newdir/sub && echo n > newdir/sub/n.txt && "
		"mkdir -p only_ignored && echo l > only_ignored/x.log && mkdir -p emptydir && "
		"echo l > debug.log && mkdir -p build && echo o > build/out.o && echo l > src/deep/er/trace.log && "
		"echo s > src/deep/er/new.txt && "
		"echo staged > docs/d1.md && git add docs/d1.md && echo again >> docs/d1.md && "
		"git mv docs/d2.md docs/moved.md && git rm -q --cached docs/d3.md"), 0);
	check_all(f->repo, "every kind", true);
	/* a file that became a folder: git hides the folder, libgit2 lists
	 * it as untracked; the fast path must say what libgit2 says */
	assert_int_equal(tu_sh(f->repo, "rm dir_to_file && mkdir dir_to_file && echo in > dir_to_file/in.txt"), 0);
	check_some(f->repo, "file to folder", true, false);
	/* intent-to-add: libgit2 1.5 says "staged A, unstaged M" where git
	 * says ".A"; the fast path must say what libgit2 says */
	assert_int_equal(tu_sh(f->repo, "echo ita > ita.txt && git add -N ita.txt"), 0);
	check_some(f->repo, "intent to add", true, false);
}

static void test_index_versions_and_racy(void **state)
{
	struct fx *f = *state;

	assert_int_equal(tu_sh(f->repo, "echo 'more text' >> src/f7.rs && echo u > untracked.txt"), 0);
	for (int v = 2; v <= 4; v++) {
		char *cmd = xasprintf("git update-index --index-version %d", v);
		assert_int_equal(tu_sh(f->repo, cmd), 0);
		free(cmd);
		check_all(f->repo, v == 2 ? "index v2" : v == 3 ? "index v3" : "index v4", true);
	}
	/* everything added in this second: every entry is racy, and the
	 * same-size rewrite after it must still show */
	assert_int_equal(tu_sh(f->repo, "git add -A && echo 'line Y' > src/f9.rs"), 0);
	check_all(f->repo, "racy", true);
}

static void test_empty_index(void **state)
{
	struct fx *f = *state;

	/* every file untracked again: an index with no entries */
	assert_int_equal(tu_sh(f->repo, "git rm -rq --cached ."), 0);
	check_all(f->repo, "empty index", true);
}

/* git's "stat clean" rule, field by field, and the racy-git second. */
static void test_stat_clean(void **state)
{
	struct gitscan_entry e = { .path = "f", .mtime_s = 1000, .mtime_ns = 5, .ctime_s = 999, .ctime_ns = 7,
				   .ino = 42, .uid = 1, .gid = 2, .size = 10, .mode = 0100644 };
	struct stat st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	st.st_size = 10;
	st.st_ino = 42;
	st.st_uid = 1;
	st.st_gid = 2;
	st.st_mtim.tv_sec = 1000;
	st.st_mtim.tv_nsec = 5;
	st.st_ctim.tv_sec = 999;
	st.st_ctim.tv_nsec = 7;
	assert_true(gitscan_stat_clean(&e, &st, 1001));
	assert_false(gitscan_stat_clean(&e, &st, 1000)); /* written in the index's second: racy */
	assert_false(gitscan_stat_clean(&e, &st, 900));
	st.st_mtim.tv_nsec = 6;
	assert_false(gitscan_stat_clean(&e, &st, 1001));
	st.st_mtim.tv_nsec = 5;
	st.st_ctim.tv_sec = 1000;
	assert_false(gitscan_stat_clean(&e, &st, 1001));
	st.st_ctim.tv_sec = 999;
	st.st_mode = S_IFREG | 0755;
	assert_false(gitscan_stat_clean(&e, &st, 1001)); /* exec bit */
	st.st_mode = S_IFLNK | 0777;
	assert_false(gitscan_stat_clean(&e, &st, 1001));
	st.st_mode = S_IFREG | 0644;
	st.st_size = 10 + 0x100000000LL; /* the index keeps 32 bits: the same */
	assert_true(gitscan_stat_clean(&e, &st, 1001));
	st.st_size = 11;
	assert_false(gitscan_stat_clean(&e, &st, 1001));
	st.st_size = 10;
	st.st_ino = 43;
	assert_false(gitscan_stat_clean(&e, &st, 1001));
	st.st_ino = 42;
	e.suspect = true;
	assert_false(gitscan_stat_clean(&e, &st, 1001));
}

static void test_conflicts_nested_and_ignorecase(void **state)
{
	struct fx *f = *state;

	assert_int_equal(tu_sh(f->repo,
		"git checkout -qb other && echo theirs > same.txt && git commit -qam other && git checkout -q main && "
		"echo ours > same.txt && git commit -qam main && (git merge -q other >/dev/null 2>&1; true) && "
		"git init -q nested && echo x > nested/x.txt"), 0);
	check_all(f->repo, "conflict and nested repo", true);
	assert_int_equal(tu_sh(f->repo, "git checkout -q --theirs same.txt && git add same.txt && git commit -qm merged"), 0);
	/* core.ignorecase: names match without regard to case, libgit2's walk */
	assert_int_equal(tu_sh(f->repo, "git config core.ignorecase true && echo Q > src/Upper.rs && git add src/Upper.rs"), 0);
	check_all(f->repo, "ignorecase", false);
}

static void test_too_many_doubtful(void **state)
{
	struct fx *f = *state;

	/* past the limit the full walk answers, with the same result */
	assert_int_equal(tu_sh(f->repo, "mkdir many && cd many && i=0; while [ $i -lt 2100 ]; do : > u$i; i=$((i+1)); done; "
				  "cd .. && git add many && git update-index --really-refresh >/dev/null 2>&1; "
				  "touch many/*"), 0);
	check_all(f->repo, "over the limit", false);
}

/* gitscan's index reader agrees with libgit2 on every field it reads. */
static void test_index_reader(void **state)
{
	struct fx *f = *state;
	git_repository *repo = NULL;
	git_index *idx = NULL;

	assert_int_equal(tu_sh(f->repo, "git merge-base HEAD HEAD >/dev/null"), 0);
	git_libgit2_init();
	assert_int_equal(git_repository_open(&repo, f->repo), 0);
	for (int v = 2; v <= 4; v++) {
		char *cmd = xasprintf("git update-index --index-version %d", v), *path;
		struct gitscan_index *ix = NULL;
		unsigned char *buf;
		size_t len;

		assert_int_equal(tu_sh(f->repo, cmd), 0);
		free(cmd);
		path = xasprintf("%s/.git/index", f->repo);
		buf = (unsigned char *)tu_read(path, &len);
		free(path);
		assert_int_equal(gitscan_index_read(&ix, buf, len), 0);
		assert_int_equal(git_repository_index(&idx, repo), 0);
		assert_int_equal(git_index_read(idx, 1), 0);
		assert_int_equal(ix->n, git_index_entrycount(idx));
		for (size_t i = 0; i < ix->n; i++) {
			const git_index_entry *ie = git_index_get_byindex(idx, i);
			const struct gitscan_entry *e = &ix->entries[i];
			assert_string_equal(e->path, ie->path);
			assert_int_equal(e->mode, ie->mode);
			assert_int_equal(e->size, ie->file_size);
			assert_int_equal(e->ino, ie->ino);
			assert_int_equal(e->mtime_s, (uint32_t)ie->mtime.seconds);
			assert_int_equal(e->mtime_ns, ie->mtime.nanoseconds);
			assert_int_equal(e->ctime_ns, ie->ctime.nanoseconds);
		}
		assert_true(ix->plain);
		assert_true(ix->has_tree); /* the commit in setup wrote it */
		assert_ptr_equal(gitscan_index_find(ix, "nope"), NULL);
		assert_non_null(gitscan_index_find(ix, "src/f1.rs"));
		assert_true(gitscan_index_has_dir(ix, "src/deep"));
		assert_false(gitscan_index_has_dir(ix, "src/f1.rs"));
		/* every truncation is refused, never read past */
		for (size_t cut = 0; cut < len; cut += len / 97 + 1) {
			struct gitscan_index *bad = NULL;
			assert_int_not_equal(gitscan_index_read(&bad, buf, cut), 0);
			assert_null(bad);
		}
		gitscan_index_free(ix);
		git_index_free(idx);
		free(buf);
	}
	git_repository_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_and_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_versions_and_racy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts_nested_and_ignorecase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_doubtful, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_reader, setup, teardown),
		cmocka_unit_test(test_stat_clean),
		cmocka_unit_test_setup_teardown(test_empty_index, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
