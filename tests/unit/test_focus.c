/*
 * test_focus.c - /focus-start and /focus-check on a real git repository made
 * in the test: a crafted change with known hunks, lines, a file outside the
 * focus, a new unsafe block, a file that was already dirty at the start, a
 * commit made during the focus, and thresholds from the store's settings.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "error.h"
#include "focus.h"
#include "store.h"
#include "testutil.h"

static char *lines(int n, const char *prefix)
{
	size_t cap = (size_t)n * 32 + 1, off = 0;
	char *s = malloc(cap);
	for (int i = 1; i <= n; i++)
		off += (size_t)snprintf(s + off, cap - off, "%s line %d\n", prefix, i);
	return s;
}

static void write_in(const char *dir, const char *rel, const char *content)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	tu_write(p, content);
	free(p);
}

static const struct focus_file *file_of(const struct focus_report *r, const char *path)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].path, path) == 0)
			return &r->files[i];
	return NULL;
}

static void test_crafted_change(void **state)
{
	char *dir = tu_tmpdir(), *db;
	struct store *s;
	struct focus_report *r = NULL;
	char *body = lines(40, "// lexer"), *status;
	int64_t id;
	const struct focus_file *ff;

	(void)state;
	assert_true(asprintf(&db, "%s/rwb.db", dir) > 0);
	assert_int_equal(store_open(&s, db, true), RWB_OK);
	free(db);
	/* the repository lives in a sub-folder so the store is not in it */
	assert_int_equal(tu_sh(dir, "mkdir repo && cd repo && git init -q && git config user.email t@e && "
				    "git config user.name t"), 0);
	write_in(dir, "repo/src/lexer.rs", body);
	write_in(dir, "repo/src/main.rs", "fn main() {}\n");
	write_in(dir, "repo/README.md", "readme\n");
	write_in(dir, "repo/notes.txt", "first\n");
	assert_int_equal(tu_sh(dir, "cd repo && git add -A && git commit -qm init"), 0);
	/* dirty before the start: must not count unless it changes again */
	write_in(dir, "repo/notes.txt", "first\nsecond\n");
	{
		char *repo;
		assert_true(asprintf(&repo, "%s/repo", dir) > 0);
		assert_int_equal(focus_check(s, &r, repo), RWB_ENOTFOUND);
		assert_non_null(strstr(rwb_last_error(), "/focus-start"));
		assert_int_equal(focus_start(s, &id, repo, (char *const[]){ "src/nope" }, 1),
				 RWB_EINPUT);
		assert_non_null(strstr(rwb_last_error(), "does not exist"));
		assert_int_equal(focus_start(s, &id, repo, (char *const[]){ "/etc" }, 1), RWB_EINPUT);
		assert_non_null(strstr(rwb_last_error(), "outside the repository"));
		assert_int_equal(focus_start(s, &id, repo, (char *const[]){ "src/lexer.rs" }, 1),
				 RWB_OK);
		status = focus_status(s, repo);
		assert_string_equal(status, "focus: src/lexer.rs");
		free(status);

		/* nothing changed yet */
		assert_int_equal(focus_check(s, &r, repo), RWB_OK);
		assert_int_equal(r->nfiles, 0);
		assert_int_equal(r->nwarnings, 0);
		focus_report_free(r);

		/* two hunks in the focus file: line 5 replaced, 2 lines added after 30 */
		{
			char *nb = lines(40, "// lexer"), *p = strstr(nb, "// lexer line 5\n"), *q;
			struct strbuf_like { char *s; } x = { 0 };
			size_t plen;
			memcpy(p, "// LEXER line 5", 15);
			q = strstr(nb, "// lexer line 31\n");
			plen = (size_t)(q - nb);
			x.s = malloc(strlen(nb) + 64);
			memcpy(x.s, nb, plen);
			strcpy(x.s + plen, "unsafe { a() }\nfn b() {}\n");
			strcat(x.s, q);
			write_in(dir, "repo/src/lexer.rs", x.s);
			free(x.s);
			free(nb);
		}
		/* outside the focus: README one line changed, main.rs deleted, a new file */
		write_in(dir, "repo/README.md", "README\n");
		assert_int_equal(tu_sh(dir, "rm repo/src/main.rs"), 0);
		write_in(dir, "repo/src/new.rs", "unsafe fn x() {}\nunsafe impl Send for Y {}\n// unsafe in a comment\n");
		/* a commit during the focus must not hide its change */
		assert_int_equal(tu_sh(dir, "cd repo && git add README.md && git commit -qm readme"), 0);

		assert_int_equal(focus_check(s, &r, repo), RWB_OK);
		assert_int_equal(r->nfiles, 4);
		ff = file_of(r, "src/lexer.rs");
		assert_non_null(ff);
		assert_int_equal(ff->hunks, 2);
		assert_int_equal(ff->added, 3);
		assert_int_equal(ff->removed, 1);
		assert_int_equal(ff->new_unsafe, 1);
		assert_false(ff->outside);
		ff = file_of(r, "README.md");
		assert_non_null(ff);
		assert_true(ff->outside);
		assert_int_equal(ff->added, 1);
		assert_int_equal(ff->removed, 1);
		ff = file_of(r, "src/main.rs");
		assert_non_null(ff);
		assert_string_equal(ff->change, "deleted");
		ff = file_of(r, "src/new.rs");
		assert_non_null(ff);
		assert_string_equal(ff->change, "added");
		assert_int_equal(ff->added, 3);
		assert_int_equal(ff->new_unsafe, 2);
		assert_null(file_of(r, "notes.txt"));
		assert_int_equal(r->outside, 3);
		assert_int_equal(r->new_unsafe, 3);
		assert_int_equal(r->hunks, 5);
		assert_int_equal(r->added, 3 + 1 + 3);
		assert_int_equal(r->removed, 1 + 1 + 1);
		/* default thresholds not passed: warnings only for outside and unsafe */
		assert_int_equal(r->nwarnings, 2);
		focus_report_free(r);

		/* a threshold from the settings */
		assert_int_equal(store_setting_set(s, "focus.max_files", "3"), RWB_OK);
		assert_int_equal(focus_check(s, &r, repo), RWB_OK);
		assert_int_equal(r->nwarnings, 3);
		assert_non_null(strstr(r->warnings[0], "focus.max_files (3)"));
		{
			cJSON *j = focus_report_json(r);
			assert_int_equal(cJSON_GetObjectItem(j, "files_changed")->valueint, 4);
			assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "outside")), 3);
			cJSON_Delete(j);
		}
		focus_report_free(r);

		/* the already-dirty file changes again: now it counts, against its start */
		write_in(dir, "repo/notes.txt", "first\nsecond\nthird\n");
		assert_int_equal(focus_check(s, &r, repo), RWB_OK);
		ff = file_of(r, "notes.txt");
		assert_non_null(ff);
		assert_int_equal(ff->added, 1);
		assert_int_equal(ff->removed, 0);
		focus_report_free(r);
		free(repo);
	}
	store_free(s);
	tu_rmtree(dir);
	free(dir);
	free(body);
}

static void test_not_a_repo(void **state)
{
	char *dir = tu_tmpdir(), *db;
	struct store *s;
	int64_t id;

	(void)state;
	assert_true(asprintf(&db, "%s/rwb.db", dir) > 0);
	assert_int_equal(store_open(&s, db, true), RWB_OK);
	assert_int_equal(focus_start(s, &id, dir, NULL, 0), RWB_ENOTREPO);
	assert_non_null(strstr(rwb_last_error(), "not in a git repository"));
	assert_null(focus_status(s, dir));
	store_free(s);
	tu_rmtree(dir);
	free(dir);
	free(db);
}

static void test_count_unsafe(void **state)
{
	const char *src = "unsafe fn a() {}\n// unsafe\nlet s = \"unsafe\";\nunsafe { }\nr#unsafe;\n";
	(void)state;
	assert_int_equal(focus_count_unsafe(src, strlen(src)), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crafted_change),
		cmocka_unit_test(test_not_a_repo),
		cmocka_unit_test(test_count_unsafe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
