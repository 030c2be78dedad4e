/*
 * test_gitw.c - the libgit2 wrapper on real repositories made here with
 * the git CLI: the diff model (line numbers, anchors, pairs, binary and
 * mode changes, no-newline-at-end), word emphasis spans, unsafe marks,
 * bare / empty / detached / not-a-repo handling, staging refusals, line
 * unstaging and hunk discard.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "gitw.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *tmp;
	char *repo;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *cmd;

	f->tmp = tu_tmpdir();
	f->repo = xasprintf("%s/r", f->tmp);
	setenv("HOME", f->tmp, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	cmd = xasprintf("git init -q -b main r && cd r && git config user.name U && git config user.email u@x && "
			"seq 1 30 > a.txt && printf 'fn f() {\\n    let p = 1;\\n    unsafe { g(p) }\\n}\\n\\nfn h() {}\\n' > s.rs && "
			"printf '\\000\\001' > bin && printf 'last' > noeol.txt && git add . && git commit -qm base");
	assert_int_equal(tu_sh(f->tmp, cmd), 0);
	free(cmd);
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

static struct gitw *open_ok(const char *path)
{
	struct gitw *g = NULL;
	assert_int_equal(gitw_open(&g, path), 0);
	return g;
}

static char *sh_out(const char *cwd, const char *script)
{
	char *const argv[] = { "sh", "-c", (char *)script, NULL };
	char *out = NULL;
	tu_run(cwd, argv, NULL, &out, NULL);
	return out ? out : xstrdup("");
}

static const struct gitw_file *find_file(const struct gitw_diff *d, const char *path)
{
	for (size_t i = 0; i < d->nfiles; i++)
		if (strcmp(d->files[i].new_path, path) == 0)
			return &d->files[i];
	return NULL;
}

static void test_word_diff(void **state)
{
	const char *a = "let total = foo(1, 2);", *b = "let total = bar(1, 3);";
	struct gitw_span sa[8], sb[8];
	int na, nb;

	(void)state;
	gitw_word_diff(sa, &na, sb, &nb, 8, a, strlen(a), b, strlen(b));
	assert_int_equal(na, 2);
	assert_int_equal(nb, 2);
	assert_memory_equal(a + sa[0].start, "foo", 3);
	assert_int_equal(sa[0].end - sa[0].start, 3);
	assert_memory_equal(b + sb[0].start, "bar", 3);
	assert_memory_equal(a + sa[1].start, "2", 1);
	assert_memory_equal(b + sb[1].start, "3", 1);
	/* identical lines: nothing to emphasise; UTF-8 stays whole */
	gitw_word_diff(sa, &na, sb, &nb, 8, a, strlen(a), a, strlen(a));
	assert_int_equal(na + nb, 0);
	gitw_word_diff(sa, &na, sb, &nb, 8, "x = \"héllo\"", 12, "x = \"hello\"", 11);
	assert_int_equal(na, 1);
	assert_int_equal(sa[0].start, 5);
	assert_int_equal(sa[0].end, 11);
}

static void test_parse_range(void **state)
{
	int lo, hi;
	(void)state;
	assert_int_equal(gitw_parse_range(&lo, &hi, "3-7"), 0);
	assert_int_equal(lo, 3);
	assert_int_equal(hi, 7);
	assert_int_equal(gitw_parse_range(&lo, &hi, "12"), 0);
	assert_int_equal(lo, 12);
	assert_int_equal(hi, 12);
	assert_int_equal(gitw_parse_range(&lo, &hi, "7-3"), RWB_EUSAGE);
	assert_int_equal(gitw_parse_range(&lo, &hi, "0-3"), RWB_EUSAGE);
	assert_int_equal(gitw_parse_range(&lo, &hi, "-3"), RWB_EUSAGE);
	assert_int_equal(gitw_parse_range(&lo, &hi, "3-"), RWB_EUSAGE);
	assert_int_equal(gitw_parse_range(&lo, &hi, "3-4x"), RWB_EUSAGE);
	assert_int_equal(gitw_parse_range(&lo, &hi, ""), RWB_EUSAGE);
}

static void test_diff_model(void **state)
{
	struct fx *f = *state;
	struct gitw *g = open_ok(f->repo);
	struct gitw_diff *d = NULL;
	const struct gitw_file *fa, *fb, *fn;
	const struct gitw_hunk *h;

	assert_int_equal(tu_sh(f->repo, "sed -i -e 's/^5$/five/' -e '20d' a.txt && printf '\\000\\002' > bin && "
				       "chmod +x a.txt && printf 'changed' > noeol.txt"), 0);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, NULL), 0);
	assert_int_equal(d->nfiles, 3);
	fa = find_file(d, "a.txt");
	assert_non_null(fa);
	assert_int_equal(fa->nhunks, 2);
	assert_int_equal(fa->old_mode, 0100644);
	assert_int_equal(fa->new_mode, 0100755);
	assert_int_equal(fa->adds, 1);
	assert_int_equal(fa->dels, 2);
	h = &d->hunks[fa->first_hunk];
	assert_int_equal(h->old_start, 2);
	assert_int_equal(h->new_start, 2);
	/* context 2,3,4 then -5 +five */
	assert_int_equal(d->lines[h->first_line + 3].origin, '-');
	assert_int_equal(d->lines[h->first_line + 3].old_no, 5);
	assert_int_equal(d->lines[h->first_line + 3].new_no, -1);
	assert_int_equal(d->lines[h->first_line + 3].anchor, 5);
	assert_int_equal(d->lines[h->first_line + 4].origin, '+');
	assert_int_equal(d->lines[h->first_line + 4].new_no, 5);
	assert_int_equal(d->lines[h->first_line + 3].pair, (int32_t)(h->first_line + 4));
	assert_int_equal(d->lines[h->first_line + 4].pair, (int32_t)(h->first_line + 3));
	/* the deletion of line 20: anchored at new line 20 (old 21) */
	h = &d->hunks[fa->first_hunk + 1];
	for (size_t i = h->first_line; i < h->first_line + h->nlines; i++)
		if (d->lines[i].origin == '-') {
			assert_int_equal(d->lines[i].old_no, 20);
			assert_int_equal(d->lines[i].anchor, 20);
			assert_int_equal(d->lines[i].pair, -1);
		}
	fb = find_file(d, "bin");
	assert_non_null(fb);
	assert_true(fb->binary);
	assert_int_equal(fb->nhunks, 0);
	fn = find_file(d, "noeol.txt");
	assert_non_null(fn);
	h = &d->hunks[fn->first_hunk];
	assert_int_equal(h->nlines, 2);
	assert_true(d->lines[h->first_line].no_eol);
	assert_true(d->lines[h->first_line + 1].no_eol);
	gitw_diff_free(d);

	/* path filter and a commit's diff */
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, "bin"), 0);
	assert_int_equal(d->nfiles, 1);
	gitw_diff_free(d);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_COMMIT, "HEAD", NULL), 0);
	assert_int_equal(d->nfiles, 4);
	assert_int_equal(d->files[0].status, 'A');
	gitw_diff_free(d);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_RANGE, "HEAD..nope", NULL), RWB_EINPUT);
	assert_null(d);
	assert_non_null(strstr(rwb_last_error(), "nope"));
	gitw_free(g);
}

static void test_unsafe_marks(void **state)
{
	struct fx *f = *state;
	struct gitw *g = open_ok(f->repo);
	struct gitw_diff *d = NULL;

	/* change a line next to unsafe code: NEAR; add a SAFETY comment: CHANGED */
	assert_int_equal(tu_sh(f->repo, "sed -i 's/let p = 1;/let p = 2;/' s.rs"), 0);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, "s.rs"), 0);
	assert_int_equal(d->nhunks, 1);
	assert_int_equal(d->hunks[0].flags, GITW_HUNK_UNSAFE_NEAR);
	gitw_diff_free(d);
	assert_int_equal(tu_sh(f->repo, "git checkout -q s.rs && sed -i 's/fn h() {}/fn h() { let unsafe_count = 1; }/' s.rs"), 0);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, "s.rs"), 0);
	assert_int_equal(d->hunks[0].flags & GITW_HUNK_UNSAFE_CHANGED, 0); /* unsafe_count is not `unsafe` */
	gitw_diff_free(d);
	assert_int_equal(tu_sh(f->repo, "git checkout -q s.rs && sed -i 's|    unsafe|    // SAFETY: p is valid\\n    unsafe|' s.rs"), 0);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, "s.rs"), 0);
	assert_int_equal(d->hunks[0].flags, GITW_HUNK_UNSAFE_CHANGED);
	gitw_diff_free(d);
	gitw_free(g);
}

static void test_odd_repos(void **state)
{
	struct fx *f = *state;
	struct gitw *g = NULL;
	struct gitw_status *s = NULL;
	struct gitw_diff *d = NULL;
	struct gitw_log *log = NULL;
	char sum[256], *bare = xasprintf("%s/bare.git", f->tmp), *plain = xasprintf("%s/plain", f->tmp);
	struct gitw_pick hunk1 = { .hunk = 1 };

	assert_int_equal(tu_sh(f->tmp, "git clone -q --bare r bare.git && mkdir plain && git init -q -b trunk empty"), 0);
	assert_int_equal(gitw_open(&g, plain), RWB_ENOTREPO);
	assert_null(g);
	assert_non_null(strstr(rwb_last_error(), "not in a git repository"));

	g = open_ok(bare);
	assert_null(gitw_workdir(g));
	assert_int_equal(gitw_status(&s, g), 0);
	assert_true(s->bare);
	assert_string_equal(s->branch, "main");
	gitw_status_free(s);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_UNSTAGED, NULL, NULL), RWB_EINPUT);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_COMMIT, "main", NULL), 0);
	assert_int_equal(d->nfiles, 4);
	gitw_diff_free(d);
	assert_int_equal(gitw_stage(g, "a.txt", NULL), RWB_EINPUT);
	assert_int_equal(gitw_log(&log, g, 0, NULL), 0);
	assert_int_equal(log->n, 1);
	assert_string_equal(log->commits[0].summary, "base");
	gitw_log_free(log);
	gitw_free(g);

	free(plain);
	plain = xasprintf("%s/empty", f->tmp);
	g = open_ok(plain);
	assert_int_equal(gitw_status(&s, g), 0);
	assert_true(s->unborn);
	assert_string_equal(s->branch, "trunk");
	assert_null(s->head);
	gitw_status_free(s);
	assert_int_equal(gitw_log(&log, g, 0, NULL), 0);
	assert_int_equal(log->n, 0);
	gitw_log_free(log);
	assert_int_equal(gitw_diff(&d, g, GITW_DIFF_STAGED, NULL, NULL), 0);
	assert_int_equal(d->nfiles, 0);
	gitw_diff_free(d);
	gitw_free(g);

	assert_int_equal(tu_sh(f->repo, "git checkout -q --detach HEAD && echo new > new.txt"), 0);
	g = open_ok(f->repo);
	assert_int_equal(gitw_status(&s, g), 0);
	assert_true(s->detached);
	assert_string_equal(s->branch, "(detached)");
	assert_non_null(s->head);
	gitw_status_free(s);
	assert_int_equal(gitw_push(sum, sizeof(sum), g, NULL, NULL), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "not on a branch"));
	/* an untracked file's hunk cannot be staged on its own */
	assert_int_equal(gitw_stage(g, "new.txt", &hunk1), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "untracked"));
	gitw_free(g);
	free(bare);
	free(plain);
}

static void test_unstage_lines_and_discard(void **state)
{
	struct fx *f = *state;
	struct gitw *g = open_ok(f->repo);
	struct gitw_pick lines = { .lo = 10, .hi = 10 }, hunk1 = { .hunk = 1 };
	char *cached, *wt, *text;

	assert_int_equal(tu_sh(f->repo, "sed -i -e 's/^10$/ten/' -e 's/^12$/twelve/' a.txt && git add a.txt"), 0);
	assert_int_equal(gitw_unstage(g, "a.txt", &lines), 0);
	cached = sh_out(f->repo, "git diff --cached");
	wt = sh_out(f->repo, "git diff");
	assert_null(strstr(cached, "+ten"));
	assert_non_null(strstr(cached, "+twelve"));
	assert_non_null(strstr(wt, "-10\n+ten"));
	free(cached);
	free(wt);
	/* discard the work-tree hunk: the file is back to what the index has */
	assert_int_equal(gitw_discard_hunk(g, "a.txt", 1), 0);
	wt = sh_out(f->repo, "git diff");
	assert_string_equal(wt, "");
	text = sh_out(f->repo, "sed -n 10p a.txt");
	assert_string_equal(text, "10\n");
	free(text);
	free(wt);
	assert_int_equal(gitw_discard_hunk(g, "a.txt", 1), RWB_EINPUT);
	assert_int_equal(gitw_stage(g, "a.txt", &hunk1), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "no unstaged changes"));
	gitw_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_diff),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test_setup_teardown(test_diff_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_repos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unstage_lines_and_discard, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
