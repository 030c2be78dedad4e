/*
 * test_store.c - the shared store: creation with the right modes, WAL,
 * migrations (one transaction each, idempotent across processes), and
 * refusal of files that are not rwb stores, are corrupt, or are newer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	return 0;
}

static void test_create_modes_and_wal(void **state)
{
	char *path = xasprintf("%s/a/b/rwb.db", dir), *parent = xasprintf("%s/a/b", dir);
	struct store *s = NULL;
	struct stat st;
	sqlite3_stmt *q;

	(void)state;
	assert_int_equal(store_open(&s, path, false), RWB_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(parent, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(store_prepare(s, &q, "PRAGMA journal_mode"), RWB_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	assert_int_equal(store_prepare(s, &q, "PRAGMA application_id"), RWB_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), STORE_APPLICATION_ID);
	sqlite3_finalize(q);
	store_free(s);
	free(path);
	free(parent);
}

static void test_settings_history_jobs(void **state)
{
	char *path = xasprintf("%s/s.db", dir), *v = NULL, *line = NULL;
	struct store *s = NULL, *t = NULL;
	int64_t id;

	(void)state;
	assert_int_equal(store_open(&s, path, true), RWB_OK);
	assert_int_equal(store_setting_get(s, "theme", &v), RWB_ENOTFOUND);
	assert_int_equal(store_setting_set(s, "theme", "mono"), RWB_OK);
	assert_int_equal(store_setting_set(s, "theme", "light"), RWB_OK);
	assert_int_equal(store_setting_get(s, "theme", &v), RWB_OK);
	assert_string_equal(v, "light");
	free(v);
	assert_int_equal(store_history_add(s, "/git-status", 0), RWB_OK);
	assert_int_equal(store_history_add(s, "/cargo-build --release", 1), RWB_OK);
	assert_int_equal(store_history_add(s, "/git-status", 0), RWB_OK);
	/* a second process sees the same history and the change */
	assert_int_equal(store_open(&t, path, true), RWB_OK);
	assert_int_equal(store_changed(t), 0);
	assert_int_equal(store_history_search(t, "status", 0, &line), RWB_OK);
	assert_string_equal(line, "/git-status");
	free(line);
	assert_int_equal(store_history_search(t, "/", 1, &line), RWB_OK);
	assert_string_equal(line, "/cargo-build --release");
	free(line);
	assert_int_equal(store_history_search(t, "nothing-like-this", 0, &line), RWB_ENOTFOUND);
	assert_int_equal(store_history_add(s, "/help", 0), RWB_OK);
	assert_int_equal(store_changed(t), 1);
	assert_int_equal(store_changed(t), 0);
	assert_int_equal(store_job_begin(s, &id, "cargo-build", "[]", "/repo", NULL), RWB_OK);
	assert_true(id > 0);
	assert_int_equal(store_job_end(s, id, 1, 1234, 56), RWB_OK);
	sqlite3_stmt *q;
	assert_int_equal(store_prepare(t, &q, "SELECT exit_status, peak_rss_kb, duration_ms >= 0 FROM jobs WHERE id = ?1"), 0);
	sqlite3_bind_int64(q, 1, id);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	assert_int_equal(sqlite3_column_int(q, 1), 1234);
	assert_int_equal(sqlite3_column_int(q, 2), 1);
	sqlite3_finalize(q);
	/* a finished quick command: job row and history line together */
	struct store_job_done done = {
		.name = "memory-search", .args_json = "[\"--query\",\"x\"]", .repo = NULL,
		.started_ms = store_now_ms() - 40, .exit_status = 2, .peak_rss_kb = -1,
		.cpu_ms = 7, .line = "/memory-search --query x",
	};
	assert_int_equal(store_job_record(s, &done), RWB_OK);
	assert_int_equal(store_prepare(t, &q, "SELECT j.exit_status, j.duration_ms >= 40, j.peak_rss_kb IS NULL, "
				       "j.cpu_ms, j.repo, h.line, h.exit_status, h.ts = j.ended_at "
				       "FROM jobs j, history h WHERE j.name = 'memory-search' "
				       "AND h.id = (SELECT max(id) FROM history)"), 0);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 2);
	assert_int_equal(sqlite3_column_int(q, 1), 1);
	assert_int_equal(sqlite3_column_int(q, 2), 1);
	assert_int_equal(sqlite3_column_int(q, 3), 7);
	assert_string_equal((const char *)sqlite3_column_text(q, 4), "");
	assert_string_equal((const char *)sqlite3_column_text(q, 5), "/memory-search --query x");
	assert_int_equal(sqlite3_column_int(q, 6), 2);
	assert_int_equal(sqlite3_column_int(q, 7), 1);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	store_free(t);
	store_free(s);
	free(path);
}

static void assert_refused(const char *path, int want, const char *fragment)
{
	struct store *s = (struct store *)1;
	size_t len_before = 0, len_after = 0;
	char *before = tu_read(path, &len_before), *after;
	const char *err;

	assert_int_equal(store_open(&s, path, true), want);
	assert_null(s);
	err = rwb_last_error();
	if (!strstr(err, fragment))
		fail_msg("error '%s' lacks '%s'", err, fragment);
	assert_null(strchr(err, '\n'));
	after = tu_read(path, &len_after);
	/* nothing overwritten */
	assert_int_equal(len_before, len_after);
	assert_memory_equal(before, after, len_before);
	free(before);
	free(after);
}

static void test_refuses_foreign_and_corrupt(void **state)
{
	char *text = xasprintf("%s/notes.txt", dir);
	char *other = xasprintf("%s/other.sqlite", dir);
	char *corrupt = xasprintf("%s/corrupt.db", dir);
	char *cmd;

	(void)state;
	tu_write(text, "just some notes, not a database\n");
	assert_refused(text, RWB_ECORRUPT, "not an rwb store");

	cmd = xasprintf("sqlite3 '%s' 'CREATE TABLE t(x); INSERT INTO t VALUES(1);'", other);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	assert_refused(other, RWB_ECORRUPT, "not an rwb store");

	/* a real rwb store whose pages are then smashed */
	struct store *s;
	assert_int_equal(store_open(&s, corrupt, true), RWB_OK);
	for (int i = 0; i < 200; i++)
		store_history_add(s, "/a-long-enough-line-to-fill-a-few-pages-of-the-database-file", 0);
	store_free(s);
	/* smash the schema page (page 1 after the 100-byte header) */
	cmd = xasprintf("sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null && "
			"printf '%%011900d' 7 | dd of='%s' bs=1 seek=100 conv=notrunc 2>/dev/null",
			corrupt, corrupt);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	assert_refused(corrupt, RWB_ECORRUPT, "left untouched");
	free(text);
	free(other);
	free(corrupt);
}

static void test_refuses_newer_schema(void **state)
{
	char *path = xasprintf("%s/newer.db", dir), *cmd;
	struct store *s;

	(void)state;
	assert_int_equal(store_open(&s, path, true), RWB_OK);
	store_free(s);
	cmd = xasprintf("sqlite3 '%s' \"UPDATE rwb_schema SET version = 999 WHERE module = 'core'\"", path);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	cmd = xasprintf("sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null", path);
	tu_sh(NULL, cmd);
	free(cmd);
	assert_refused(path, RWB_ENEWER, "newer");
	free(path);
}

static void test_migration_is_idempotent(void **state)
{
	char *path = xasprintf("%s/m.db", dir);
	struct store *a, *b;
	sqlite3_stmt *q;

	(void)state;
	assert_int_equal(store_open(&a, path, true), RWB_OK);
	assert_int_equal(store_open(&b, path, true), RWB_OK);
	assert_int_equal(store_prepare(b, &q, "SELECT count(*) FROM rwb_schema WHERE module = 'core' AND version >= 1"), 0);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	store_free(a);
	store_free(b);
	free(path);
}

static void test_read_only_file(void **state)
{
	char *path = xasprintf("%s/ro.db", dir);
	struct store *s;

	(void)state;
	if (geteuid() == 0) {
		/* root ignores file modes; the CLI test covers a read-only folder */
		free(path);
		skip();
	}
	assert_int_equal(store_open(&s, path, true), RWB_OK);
	store_free(s);
	chmod(path, 0400);
	assert_int_not_equal(store_open(&s, path, true), RWB_OK);
	free(path);
}

static void test_resolve_path(void **state)
{
	char *p;
	bool ex;

	(void)state;
	assert_int_equal(store_resolve_path(&p, &ex, "/x/y.db"), RWB_OK);
	assert_string_equal(p, "/x/y.db");
	assert_true(ex);
	free(p);
	setenv("RWB_DB", "/env/db", 1);
	assert_int_equal(store_resolve_path(&p, &ex, NULL), RWB_OK);
	assert_string_equal(p, "/env/db");
	free(p);
	unsetenv("RWB_DB");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	assert_int_equal(store_resolve_path(&p, &ex, NULL), RWB_OK);
	assert_string_equal(p, "/xdg/rwb/rwb.db");
	assert_false(ex);
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(store_resolve_path(&p, &ex, NULL), RWB_OK);
	assert_string_equal(p, "/home/u/.local/share/rwb/rwb.db");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_modes_and_wal),
		cmocka_unit_test(test_settings_history_jobs),
		cmocka_unit_test(test_refuses_foreign_and_corrupt),
		cmocka_unit_test(test_refuses_newer_schema),
		cmocka_unit_test(test_migration_is_idempotent),
		cmocka_unit_test(test_read_only_file),
		cmocka_unit_test(test_resolve_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
