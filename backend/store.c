/*
 * store.c - opening, checking and migrating the shared SQLite store.
 *
 * Design: one connection per process, WAL journal, a 15 s busy wait that
 * looks again every few milliseconds (busy_wait), and IMMEDIATE write
 * transactions retried on SQLITE_BUSY, so concurrent rwb processes
 * serialise their writes instead of failing. The file is created
 * by open(2) with mode 0600 before SQLite sees it, and its folder with 0700.
 *
 * Never: overwrite or "repair" a file that is not ours, is corrupt, or has a
 * newer schema; run a migration outside a transaction.
 */
#define _POSIX_C_SOURCE 200809L
#include "store.h"
#include "error.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* How long one statement waits for another process's write lock;
 * autocommit writes also retry (store_step_write). */
#define STORE_BUSY_TIMEOUT_MS 15000

/*
 * The wait itself (sqlite3_busy_handler). SQLite's own handler sleeps 100
 * ms at a time once a wait has lasted a quarter of a second, and a writer
 * that only looks every 100 ms rarely finds the lock free while others
 * take it back to back: under ASan, 8 writers of test_stress_mixed saw
 * one of them wait out the whole 15 s budget (2026-12-03 and 12-04, "store
 * is busy" in its task-and-job step). This one looks again after 1 to 4 ms, a
 * little jittered so the waiters do not wake in step, for the whole
 * budget: a busy writer costs a few hundred wake-ups a second, and none
 * starves while the lock keeps changing hands.
 */
static int busy_wait(void *arg, int count)
{
	struct store *s = arg;
	int64_t now = store_now_ms();
	long ms;

	if (count == 0)
		s->busy_since = now;
	if (now - s->busy_since >= STORE_BUSY_TIMEOUT_MS)
		return 0;
	ms = 1 + (count < 3 ? count : 3);
	/* plus up to a millisecond, different per process and per try */
	long jitter_us = (long)(((unsigned)getpid() * 7919u + (unsigned)count * 104729u) % 1000u);
	struct timespec ts = { 0, ms * 1000000 + jitter_us * 1000 };
	nanosleep(&ts, NULL);
	return 1;
}

int64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int store_resolve_path(char **out, bool *is_explicit, const char *explicit_path)
{
	const char *env;

	*out = NULL;
	*is_explicit = false;
	if (explicit_path && *explicit_path) {
		*out = xstrdup(explicit_path);
		*is_explicit = true;
		return RWB_OK;
	}
	env = getenv("RWB_DB");
	if (env && *env) {
		*out = xstrdup(env);
		*is_explicit = true;
		return RWB_OK;
	}
	env = getenv("XDG_DATA_HOME");
	if (env && *env == '/') {
		*out = xasprintf("%s/rwb/rwb.db", env);
		return RWB_OK;
	}
	env = getenv("HOME");
	if (!env || !*env)
		return RWB_EENV;
	*out = xasprintf("%s/.local/share/rwb/rwb.db", env);
	return RWB_OK;
}

/* mkdir -p for the folder holding path, new folders with mode 0700. */
static int make_parent_dirs(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = RWB_OK;

	if (!slash || slash == dir) {
		free(dir);
		return RWB_OK;
	}
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				rc = rwb_fail(errno == EACCES || errno == EROFS ? RWB_EPERM : RWB_EIO,
					      "cannot create folder %s: %s", dir, strerror(errno));
				*p = saved;
				break;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(dir);
	return rc;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *value)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*value = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			*value = 0;
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static const char *disk_hint(const char *path);

int store_error(struct store *s, int sqlite_rc)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(sqlite_rc);
	const char *path = s && s->path ? s->path : "";
	int code;

	switch (sqlite_rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = RWB_ECORRUPT;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = RWB_EBUSY;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
	case SQLITE_AUTH:
		code = RWB_EPERM;
		break;
	case SQLITE_FULL:
	case SQLITE_IOERR:
		code = RWB_EIO;
		break;
	case SQLITE_NOMEM:
		code = RWB_ENOMEM;
		break;
	default:
		code = RWB_ESTORE;
		break;
	}
	return rwb_fail(code, "store %s: %s%s", path, msg,
			(sqlite_rc & 0xff) == SQLITE_FULL || (sqlite_rc & 0xff) == SQLITE_IOERR ||
			(sqlite_rc & 0xff) == SQLITE_READONLY ? disk_hint(path[0] ? path : ".") : "");
}

/*
 * An autocommit UPDATE/DELETE reads before it writes: when another process
 * commits in between, SQLite answers SQLITE_BUSY_SNAPSHOT at once, without
 * its busy handler. Such a write is retried for as long as the busy timeout
 * would have waited (20 quick retries were not enough for 8 writers under
 * ASan: "store is busy" reached a caller in test_stress_mixed), with a
 * growing, jittered pause so the writers do not retry in step.
 */
int store_step_write(struct store *s, sqlite3_stmt *st)
{
	int64_t until = store_now_ms() + STORE_BUSY_TIMEOUT_MS;

	for (int attempt = 0; ; attempt++) {
		int rc = sqlite3_step(st);
		if ((rc & 0xff) != SQLITE_BUSY || !sqlite3_get_autocommit(s->db) || store_now_ms() >= until)
			return rc;
		sqlite3_reset(st);
		long ms = (attempt < 10 ? 2 + attempt * 2 : 25) + (long)(((unsigned)getpid() + (unsigned)attempt * 7u) % 7);
		struct timespec ts = { 0, ms * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	sqlite3_free(msg);
	return rc == SQLITE_OK ? RWB_OK : store_error(s, rc);
}

int store_prepare(struct store *s, sqlite3_stmt **stmt, const char *sql)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL);

	return rc == SQLITE_OK ? RWB_OK : store_error(s, rc);
}

int store_write_begin(struct store *s)
{
	for (int attempt = 0; ; attempt++) {
		int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return RWB_OK;
		if ((rc & 0xff) != SQLITE_BUSY || attempt >= 20)
			return store_error(s, rc);
		/* the busy handler already waited; back off a little more */
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int store_write_commit(struct store *s)
{
	for (int attempt = 0; ; attempt++) {
		int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return RWB_OK;
		if ((rc & 0xff) != SQLITE_BUSY || attempt >= 20) {
			int err = store_error(s, rc);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return err;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

void store_write_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int module_version(struct store *s, const char *name, int *version)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT version FROM rwb_schema WHERE module = ?1");

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}

static int migrate_module(struct store *s, const struct store_module *m)
{
	int have, rc, latest = m->count ? m->migrations[m->count - 1].version : 0;

	rc = module_version(s, m->name, &have);
	if (rc)
		return rc;
	if (have > latest)
		return rwb_fail(RWB_ENEWER, "store %s was written by a newer rwb (%s schema version %d; "
				"this rwb knows up to %d): upgrade rwb; the store was not changed", s->path,
				m->name, have, latest);
	for (int i = 0; i < m->count; i++) {
		const struct store_migration *mig = &m->migrations[i];
		sqlite3_stmt *st = NULL;

		if (mig->version <= have)
			continue;
		rc = store_write_begin(s);
		if (rc)
			return rc;
		/* another process may have migrated while we waited for the lock */
		rc = module_version(s, m->name, &have);
		if (rc == RWB_OK && mig->version <= have) {
			store_write_rollback(s);
			continue;
		}
		if (rc == RWB_OK)
			rc = store_exec(s, mig->sql);
		if (rc == RWB_OK)
			rc = store_prepare(s, &st, "INSERT INTO rwb_schema(module, version) VALUES(?1, ?2) "
					   "ON CONFLICT(module) DO UPDATE SET version = excluded.version");
		if (rc == RWB_OK) {
			sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, mig->version);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = store_error(s, sqlite3_errcode(s->db));
			sqlite3_finalize(st);
		}
		if (rc == RWB_OK)
			rc = store_write_commit(s);
		if (rc) {
			store_write_rollback(s);
			return rwb_fail_wrap(rc, "migrating %s schema to version %d", m->name, mig->version);
		}
		have = mig->version;
	}
	return RWB_OK;
}

/* Checks that an existing file is an SQLite database we may use. */
static int check_existing(const char *path, const struct stat *stp, bool is_explicit)
{
	char header[16];
	int fd;
	ssize_t got;

	if (!S_ISREG(stp->st_mode))
		return rwb_fail(RWB_ECORRUPT, "store %s is not a regular file", path);
	if (stp->st_uid != getuid() && !is_explicit)
		return rwb_fail(RWB_EPERM, "store %s belongs to another user; name it with --db to "
				"share it on purpose", path);
	if (stp->st_size == 0)
		return RWB_OK;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rwb_fail(errno == EACCES ? RWB_EPERM : RWB_EIO, "cannot read store %s: %s", path,
				strerror(errno));
	got = read(fd, header, sizeof(header));
	close(fd);
	if (got != (ssize_t)sizeof(header) || memcmp(header, "SQLite format 3", 16) != 0)
		return rwb_fail(RWB_ECORRUPT, "%s is not an rwb store (not an SQLite database); "
				"it was left untouched", path);
	return RWB_OK;
}

/* Says why a write may have failed: a full or read-only file system. */
static const char *disk_hint(const char *path)
{
	struct statvfs vfs;
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *hint = "";

	if (slash)
		*slash = '\0';
	if (statvfs(slash ? (dir[0] ? dir : "/") : ".", &vfs) == 0) {
		if (vfs.f_flag & ST_RDONLY)
			hint = " (the file system is read-only)";
		else if (vfs.f_bavail == 0)
			hint = " (the disk is full)";
	}
	free(dir);
	return hint;
}

static int configure(struct store *s)
{
	int64_t app_id = 0, tables = 0;
	int rc;

	sqlite3_busy_handler(s->db, busy_wait, s);
	rc = query_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = query_int(s->db, "SELECT count(*) FROM sqlite_master", &tables);
	if (rc != SQLITE_OK) {
		int err = store_error(s, rc);
		if (err == RWB_ECORRUPT || err == RWB_ESTORE)
			return rwb_fail(RWB_ECORRUPT, "%s is not a readable rwb store (%s); it was left "
					"untouched", s->path, sqlite3_errmsg(s->db));
		return rwb_fail(err, "cannot use store %s: %s%s", s->path, sqlite3_errmsg(s->db),
				disk_hint(s->path));
	}
	if (app_id != STORE_APPLICATION_ID && (app_id != 0 || tables != 0))
		return rwb_fail(RWB_ECORRUPT, "%s is an SQLite database but not an rwb store; it was "
				"left untouched", s->path);
	rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
				  NULL, NULL, NULL);
	if (rc == SQLITE_OK && app_id == 0) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "CREATE TABLE IF NOT EXISTS rwb_schema("
				  "module TEXT PRIMARY KEY, version INTEGER NOT NULL)", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int err = store_error(s, rc);
		return rwb_fail(err, "cannot set up store %s: %s%s", s->path, sqlite3_errmsg(s->db),
				disk_hint(s->path));
	}
	return RWB_OK;
}

int store_open(struct store **out, const char *path, bool is_explicit)
{
	struct store *s;
	struct stat st;
	int rc;

	*out = NULL;
	if (stat(path, &st) == 0) {
		rc = check_existing(path, &st, is_explicit);
		if (rc)
			return rc;
	} else if (errno == ENOENT) {
		int fd;
		rc = make_parent_dirs(path);
		if (rc)
			return rc;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return rwb_fail(errno == EACCES || errno == EROFS ? RWB_EPERM : RWB_EIO,
					"cannot create store %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		return rwb_fail(errno == EACCES ? RWB_EPERM : RWB_EIO, "cannot use store %s: %s", path,
				strerror(errno));
	}

	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		const char *why = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
		rc = rwb_fail(store_error(s, rc), "cannot open store %s: %s", path, why);
		store_free(s);
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 0);
	rc = configure(s);
	for (int i = 0; rc == RWB_OK && store_modules[i]; i++)
		rc = migrate_module(s, store_modules[i]);
	if (rc) {
		store_free(s);
		return rc;
	}
	store_changed(s);
	*out = s;
	return RWB_OK;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s->agent);
	free(s);
}

int store_changed(struct store *s)
{
	int64_t v = 0;

	if (query_int(s->db, "PRAGMA data_version", &v) != SQLITE_OK)
		return 0;
	if (v != s->data_version) {
		s->data_version = v;
		return 1;
	}
	return 0;
}

int store_setting_get(struct store *s, const char *key, char **value)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT value FROM settings WHERE key = ?1");

	*value = NULL;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		*value = xstrdup(v ? v : "");
		rc = RWB_OK;
	} else {
		rc = rc == SQLITE_DONE ? RWB_ENOTFOUND : store_error(s, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

int store_setting_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "INSERT INTO settings(key, value) VALUES(?1, ?2) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value");

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = store_step_write(s, st);
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}

/* One history row at time ts (alone, or inside the caller's transaction). */
static int history_insert(struct store *s, const char *line, int64_t ts, int exit_status)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "INSERT INTO history(line, ts, exit_status, agent) VALUES(?1, ?2, ?3, ?4)");

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, line, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int(st, 3, exit_status);
	if (s->agent)
		sqlite3_bind_text(st, 4, s->agent, -1, SQLITE_STATIC);
	rc = store_step_write(s, st);
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}

int store_history_add(struct store *s, const char *line, int exit_status)
{
	return history_insert(s, line, store_now_ms(), exit_status);
}

int store_history_each(struct store *s, int limit,
		       int (*cb)(void *data, int64_t id, const char *line), void *data)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT id, line FROM history ORDER BY id DESC LIMIT ?1");

	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 1);
		if (cb(data, sqlite3_column_int64(st, 0), line ? line : ""))
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}

int store_history_search(struct store *s, const char *query, int skip, char **line)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT line, max(id) AS m FROM history WHERE instr(line, ?1) > 0 "
			       "GROUP BY line ORDER BY m DESC LIMIT 1 OFFSET ?2");

	*line = NULL;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, skip);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*line = xstrdup((const char *)sqlite3_column_text(st, 0));
		rc = RWB_OK;
	} else {
		rc = rc == SQLITE_DONE ? RWB_ENOTFOUND : store_error(s, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

void store_set_agent(struct store *s, const char *agent)
{
	free(s->agent);
	s->agent = agent && *agent ? xstrdup(agent) : NULL;
}

int store_job_begin(struct store *s, int64_t *id, const char *name,
		    const char *args_json, const char *repo, const char *output)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "INSERT INTO jobs(name, args, repo, started_at, agent, output) "
			       "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");

	*id = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, args_json ? args_json : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, repo ? repo : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, store_now_ms());
	if (s->agent)
		sqlite3_bind_text(st, 5, s->agent, -1, SQLITE_STATIC);
	if (output)
		sqlite3_bind_text(st, 6, output, -1, SQLITE_STATIC);
	rc = store_step_write(s, st);
	if (rc == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(s->db);
		rc = RWB_OK;
	} else {
		rc = store_error(s, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

int64_t store_total_changes(struct store *s)
{
	return sqlite3_total_changes64(s->db);
}

int store_job_record(struct store *s, const struct store_job_done *job)
{
	sqlite3_stmt *st = NULL;
	int64_t now = store_now_ms();
	int step, rc = store_write_begin(s);

	if (rc)
		return rc;
	rc = store_prepare(s, &st, "INSERT INTO jobs(name, args, repo, started_at, ended_at, exit_status, "
			   "duration_ms, peak_rss_kb, cpu_ms, agent) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?5 - ?4, ?7, ?8, ?9)");
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, job->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, job->args_json ? job->args_json : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, job->repo ? job->repo : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, job->started_ms);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int(st, 6, job->exit_status);
	if (job->peak_rss_kb >= 0)
		sqlite3_bind_int64(st, 7, job->peak_rss_kb);
	if (job->cpu_ms >= 0)
		sqlite3_bind_int64(st, 8, job->cpu_ms);
	if (s->agent)
		sqlite3_bind_text(st, 9, s->agent, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	rc = step == SQLITE_DONE ? RWB_OK : store_error(s, step);
	sqlite3_finalize(st);
	if (!rc && job->line)
		rc = history_insert(s, job->line, now, job->exit_status);
out:
	if (rc)
		store_write_rollback(s);
	else
		rc = store_write_commit(s);
	return rc;
}

int store_job_summary(struct store *s, int64_t id, const char *summary)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "UPDATE jobs SET summary = ?2 WHERE id = ?1");

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, summary ? summary : "", -1, SQLITE_STATIC);
	rc = store_step_write(s, st);
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}

int store_job_end(struct store *s, int64_t id, int exit_status,
		  int64_t peak_rss_kb, int64_t cpu_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, "UPDATE jobs SET ended_at = ?2, exit_status = ?3, "
			       "duration_ms = ?2 - started_at, peak_rss_kb = ?4, cpu_ms = ?5 WHERE id = ?1");

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now_ms());
	sqlite3_bind_int(st, 3, exit_status);
	if (peak_rss_kb >= 0)
		sqlite3_bind_int64(st, 4, peak_rss_kb);
	if (cpu_ms >= 0)
		sqlite3_bind_int64(st, 5, cpu_ms);
	rc = store_step_write(s, st);
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}
