/*
 * test_git_pane.c - the git pane in a real pseudo-terminal against real
 * repositories: select a file, read its diff, stage a hunk with `s` and
 * see it move to Staged; stage a line range with `v`; discard a hunk after
 * the confirmation; commit from the editor; the log and a commit's diff;
 * escape sequences in file names and contents shown, never obeyed; a
 * folder that is not a repository; resize.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

struct fixture {
	char *tmp;               /* temporary folder */
	char *repo;              /* tmp/repo */
	char *db;                /* tmp/rwb.db */
	char *home;              /* HOME=... for the child */
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->tmp = tu_tmpdir();
	f->repo = xasprintf("%s/repo", f->tmp);
	f->db = xasprintf("%s/rwb.db", f->tmp);
	f->home = xasprintf("HOME=%s", f->tmp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmtree(f->tmp);
	free(f->tmp);
	free(f->repo);
	free(f->db);
	free(f->home);
	free(f);
	return 0;
}

/* A repository with f.txt (40 lines) committed, then changed at line 2 and
 * at lines 30 (two hunks). */
static void make_repo(struct fixture *f, const char *extra)
{
	char *script = xasprintf(
		"git init -q -b main '%s' && cd '%s' && git config user.name 'Screen Tester' && "
		"git config user.email st@example.com && seq 1 40 > f.txt && git add f.txt && "
		"git commit -qm base && sed -i -e 's/^2$/two/' -e 's/^30$/thirty/' f.txt %s",
		f->repo, f->repo, extra ? extra : "");
	assert_int_equal(tu_sh(f->tmp, script), 0);
	free(script);
}

static struct screen *start(struct fixture *f, const char *dir)
{
	char *const argv[] = { RWB_BINARY, "--db", f->db, "--repo", (char *)dir, NULL };
	char *const env[] = { f->home, "GIT_CONFIG_NOSYSTEM=1", NULL };
	struct screen *s = screen_start(argv, 120, 40, env);

	assert_non_null(s);
	return s;
}

static char *git(const char *dir, const char *a1, const char *a2)
{
	char *const argv[] = { "git", (char *)a1, (char *)a2, NULL };
	char *out = NULL;

	assert_int_equal(tu_run(dir, argv, NULL, &out, NULL), 0);
	return out ? out : xstrdup("");
}

static void expect(struct screen *s, const char *text)
{
	screen_expect(s, text);
}

static void quit(struct screen *s)
{
	screen_quit(s);
}

static void test_stage_hunk(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	char *cached, *wt;

	make_repo(f, NULL);
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "Unstaged (1)");
	expect(s, "M  f.txt");
	screen_send(s, K_ENTER);
	expect(s, "@@ -1,5 +1,5 @@");
	expect(s, "@@ -27,7 +27,7 @@");
	assert_true(screen_contains(s, "+two"));
	assert_true(screen_contains(s, "-2"));
	screen_send(s, "s");
	expect(s, "staged hunk 1 of f.txt");
	screen_send(s, "q");
	expect(s, "Staged (1)");
	assert_true(screen_contains(s, "Unstaged (1)"));
	cached = git(f->repo, "diff", "--cached");
	wt = git(f->repo, "diff", NULL);
	assert_non_null(strstr(cached, "+two"));
	assert_null(strstr(cached, "thirty"));
	assert_non_null(strstr(wt, "+thirty"));
	assert_null(strstr(wt, "+two"));
	/* u on the staged entry unstages it again */
	screen_send(s, "g");
	screen_send(s, "u");
	expect(s, "unstaged f.txt");
	screen_wait_gone(s, "Staged (1)", 3000);
	assert_false(screen_contains(s, "Staged (1)"));
	free(cached);
	free(wt);
	quit(s);
}

static void test_stage_lines_visual(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	char *cached;

	make_repo(f, "&& git checkout -q f.txt && sed -i -e 's/^10$/ten/' -e 's/^14$/fourteen/' f.txt");
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "Unstaged (1)");
	screen_send(s, K_ENTER);
	expect(s, "+fourteen");
	/* cursor on the hunk header: down past 7 8 9 to -10, select it and +ten */
	screen_send(s, "jjjj");
	screen_send(s, "v");
	expect(s, "VISUAL");
	screen_send(s, "j");
	screen_send(s, "s");
	expect(s, "staged lines 10-10 of f.txt");
	cached = git(f->repo, "diff", "--cached");
	assert_non_null(strstr(cached, "-10\n+ten\n"));
	assert_null(strstr(cached, "fourteen"));
	free(cached);
	quit(s);
}

static void test_discard_hunk(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	char *path, *text;

	make_repo(f, NULL);
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "Unstaged (1)");
	screen_send(s, K_ENTER);
	expect(s, "+two");
	screen_send(s, "d");
	expect(s, "Discard hunk 1 of f.txt");
	screen_send(s, "y");
	expect(s, "discarded hunk 1 of f.txt");
	path = xasprintf("%s/f.txt", f->repo);
	text = tu_read(path, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n2\n"));
	assert_non_null(strstr(text, "thirty"));
	free(text);
	free(path);
	quit(s);
}

static void test_commit_and_log(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	char *subject;

	make_repo(f, "&& git add f.txt");
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "Staged (1)");
	screen_send(s, "c");
	expect(s, "summary: 0 chars");
	screen_send(s, "Screen commit");
	expect(s, "summary: 13 chars");
	screen_send(s, "\x13"); /* Ctrl-S */
	expect(s, "committed");
	subject = git(f->repo, "log", "-1");
	assert_non_null(strstr(subject, "Screen commit"));
	assert_non_null(strstr(subject, "Screen Tester"));
	free(subject);
	/* nothing staged: the editor refuses clearly */
	screen_send(s, "c");
	screen_send(s, "again\x13");
	expect(s, "nothing to commit: the index");
	screen_send(s, K_ESC);
	/* an 'l' read together with the Esc would be Alt-l: wait for the
	 * editor to close (slow under ASan) */
	assert_true(screen_wait_gone(s, "Commit message - Ctrl-S", 10000));
	screen_send(s, "l");
	expect(s, "Screen commit");
	expect(s, "base");
	screen_send(s, K_ENTER);
	expect(s, "M f.txt  +2 -2");
	/* the commit's header above its diff, as git show prints it */
	{
		char *hash = git(f->repo, "rev-parse", "HEAD"), *line;
		hash[strcspn(hash, "\n")] = '\0';
		line = xasprintf("commit %s", hash);
		expect(s, line);
		expect(s, "Author: Screen Tester <st@example.com>");
		expect(s, "Date:   ");
		expect(s, "    Screen commit");
		int hr, hc, dr, dc;
		assert_true(screen_find(s, line, &hr, &hc));
		assert_true(screen_find(s, "M f.txt  +2 -2", &dr, &dc));
		assert_true(hr < dr);
		free(line);
		free(hash);
	}
	screen_send(s, "G");
	expect(s, "+thirty");
	expect(s, "commit 23/23");
	quit(s);
}

/* After s or u in the status list the cursor stays on the file (which
 * moved to the other group), not on the row number. */
static void test_stage_keeps_file(void **state)
{
	struct fixture *f = *state;
	struct screen *s;

	make_repo(f, "&& seq 1 5 > a.txt && seq 1 5 > c.txt && git add a.txt c.txt && git commit -qm ac && "
		  "echo x >> a.txt && echo y >> c.txt");
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "Unstaged (3)");
	screen_send(s, "j");          /* c.txt, the second unstaged file (a, c, f) */
	screen_send(s, "s");
	expect(s, "staged c.txt");
	expect(s, "Staged (1)");
	/* the cursor followed c.txt to Staged: u unstages it (on the row
	 * number it would be on a.txt, which is not staged) */
	screen_send(s, "u");
	expect(s, "unstaged c.txt");
	screen_wait_gone(s, "Staged (1)", 3000);
	/* and back in Unstaged, s stages c.txt again, not f.txt */
	screen_send(s, "s");
	expect(s, "staged c.txt");
	quit(s);
}

static void test_escapes_visible(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	char *path;

	make_repo(f, NULL);
	path = xasprintf("%s/evil.txt", f->repo);
	tu_write(path, "a\033]0;owned\007b\033[2Jc\n");
	free(path);
	path = xasprintf("%s/esc\033[31mname.txt", f->repo);
	tu_write(path, "x\n");
	free(path);
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "Untracked (2)");
	expect(s, "esc^[[31mname.txt");
	screen_send(s, "jj");
	screen_send(s, K_ENTER);
	expect(s, "+a^[]0;owned^Gb^[[2Jc");
	/* the clear-screen was not obeyed: the other panes are still drawn */
	assert_true(screen_contains(s, "Terminal"));
	assert_true(screen_contains(s, "Command"));
	quit(s);
}

static void test_rust_diff(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	struct screen_cell_info kw, ident, add;
	int row, col, arow, acol;

	make_repo(f, "&& printf 'fn main() {\\n    let p = 1;\\n    unsafe { g(p) }\\n}\\n' > lib.rs && git add lib.rs && "
		     "git commit -qm rs && git checkout -q f.txt && "
		     "sed -i -e 's|    unsafe|    // SAFETY: p is valid\\n    unsafe|' -e 's/let p = 1;/let p = 2;/' lib.rs");
	s = start(f, f->repo);
	screen_send(s, K_F4);
	expect(s, "M  lib.rs");
	screen_send(s, K_ENTER);
	expect(s, "[unsafe changed]");
	expect(s, "fn main() {");
	assert_true(screen_find(s, "fn main() {", &row, &col));
	screen_cell(s, row, col, &kw);
	screen_cell(s, row, col + 3, &ident);
	/* the keyword is coloured as a keyword, the name is not */
	assert_false(kw.fg_index == ident.fg_index && kw.fg_r == ident.fg_r && kw.fg_g == ident.fg_g &&
		     kw.fg_b == ident.fg_b && kw.bold == ident.bold);
	assert_true(screen_find(s, "+    // SAFETY", &arow, &acol));
	screen_cell(s, arow, acol + 5, &add);
	assert_false(add.fg_default && add.bg_default);
	/* word emphasis: in "+    let p = 2;" the 2 differs from the rest */
	{
		struct screen_cell_info plain, word;
		assert_true(screen_find(s, "+    let p = 2;", &arow, &acol));
		screen_cell(s, arow, acol + 5, &plain);
		screen_cell(s, arow, acol + 13, &word);
		assert_false(plain.fg_index == word.fg_index && plain.bg_index == word.bg_index &&
			     plain.fg_r == word.fg_r && plain.bg_r == word.bg_r && plain.bold == word.bold &&
			     plain.reverse == word.reverse && plain.underline == word.underline);
	}
	quit(s);
}

static void test_not_a_repo_and_resize(void **state)
{
	struct fixture *f = *state;
	struct screen *s;
	char *plain = xasprintf("%s/plain", f->tmp), *cmd = xasprintf("mkdir -p '%s'", plain);

	assert_int_equal(tu_sh(NULL, cmd), 0);
	s = start(f, plain);
	expect(s, "Not a git repository.");
	screen_send(s, K_F4);
	screen_send(s, "j");
	screen_send(s, K_F1);
	expect(s, "focus the git pane");
	screen_send(s, K_ESC);
	/* Esc then Ctrl-Q at once reads as Alt-Ctrl-Q: let the help close first */
	assert_true(screen_wait_gone(s, "focus the git pane", 3000));
	quit(s);

	make_repo(f, NULL);
	s = start(f, f->repo);
	expect(s, "Unstaged (1)");
	screen_resize(s, 80, 24);
	screen_pump(s, 300);
	expect(s, "M  f.txt");
	screen_resize(s, 140, 45);
	expect(s, "Unstaged (1)");
	quit(s);
	free(plain);
	free(cmd);
}

/* The commit editor shows what the audit gate says of the staged unsafe
 * code, and with the gate installed (/audit-hook install) Ctrl-S refuses as
 * the pre-commit hook would: libgit2 runs no hooks */
static void test_commit_gate(void **state)
{
	struct fixture *f = *state;
	char *script = xasprintf(
		"git init -q -b main '%s' && cd '%s' && git config user.name 'Screen Tester' && "
		"git config user.email st@example.com && mkdir src && "
		"printf '[package]\\nname = \"g\"\\nversion = \"0.1.0\"\\nedition = \"2021\"\\n' > Cargo.toml && "
		"printf 'pub fn f(p: *const u8) -> u8 {\\n    unsafe { *p }\\n}\\n' > src/lib.rs && git add -A && "
		"'%s' --db '%s' --repo . /audit-hook install >/dev/null",
		f->repo, f->repo, RWB_BINARY, f->db);
	struct screen *s;
	char *log;

	assert_int_equal(tu_sh(f->tmp, script), 0);
	free(script);
	s = start(f, f->repo);
	screen_send(s, K_F4);
	screen_send(s, "c");
	if (!screen_wait_for(s, "audit gate: 1 staged unsafe item undocumented", 8000))
		screen_dump(s);
	assert_true(screen_contains(s, "audit gate: 1 staged unsafe item"));
	screen_send(s, "add f");
	screen_send(s, "\x13"); /* Ctrl-S */
	if (!screen_wait_for(s, "not committed", 8000))
		screen_dump(s);
	assert_true(screen_contains(s, "not committed"));
	log = git(f->repo, "rev-list", "--all");
	assert_string_equal(log, "");
	free(log);
	screen_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stage_hunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_lines_visual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_hunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_keeps_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes_visible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rust_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_repo_and_resize, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
