/*
 * board.c - tasks, notices and acks of the shared board, plus the analysis
 * metrics table (see board.h).
 *
 * The store is shared by several processes: each call is one statement or
 * one IMMEDIATE transaction, so two rwb instances moving tasks never see a
 * half-done change. A task's move is checked inside its transaction against
 * the status it has now, not the one the caller last saw.
 */
#define _POSIX_C_SOURCE 200809L
#include "board.h"
#include "error.h"
#include "schema.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct store_migration board_migrations[] = {
	{ 1,
	  "CREATE TABLE board_tasks ("
	  " id INTEGER PRIMARY KEY,"
	  " agent TEXT NOT NULL,"
	  " task TEXT NOT NULL,"
	  " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','doing','done','failed')),"
	  " created_at INTEGER NOT NULL,"
	  " updated_at INTEGER NOT NULL);"
	  "CREATE INDEX board_tasks_status ON board_tasks(status);"
	  "CREATE TABLE board_notices ("
	  " id INTEGER PRIMARY KEY,"
	  " level TEXT NOT NULL CHECK (level IN ('info','warning','critical')),"
	  " message TEXT NOT NULL,"
	  " created_at INTEGER NOT NULL);"
	  "CREATE TABLE board_acks ("
	  " notice_id INTEGER NOT NULL REFERENCES board_notices(id) ON DELETE CASCADE,"
	  " who TEXT NOT NULL,"
	  " at INTEGER NOT NULL);"
	  "CREATE INDEX board_acks_notice ON board_acks(notice_id);"
	  "CREATE TABLE analysis_metrics ("
	  " id INTEGER PRIMARY KEY,"
	  " name TEXT NOT NULL,"
	  " label TEXT NOT NULL DEFAULT '',"
	  " value REAL NOT NULL,"
	  " created_at INTEGER NOT NULL);"
	  "CREATE INDEX analysis_metrics_name ON analysis_metrics(name, label, id);"
	  "CREATE TABLE focus_baselines ("
	  " id INTEGER PRIMARY KEY,"
	  " repo TEXT NOT NULL,"
	  " head TEXT,"
	  " paths TEXT NOT NULL,"
	  " created_at INTEGER NOT NULL,"
	  " active INTEGER NOT NULL DEFAULT 1);"
	  "CREATE TABLE focus_files ("
	  " baseline_id INTEGER NOT NULL REFERENCES focus_baselines(id) ON DELETE CASCADE,"
	  " path TEXT NOT NULL,"
	  " present INTEGER NOT NULL,"
	  " content BLOB,"
	  " PRIMARY KEY (baseline_id, path));" },
	/* where a task came from: put on the board for someone (/agent-delegate)
	 * or received by the agent working on it (/agent-receive --task) */
	{ 2, "ALTER TABLE board_tasks ADD COLUMN origin TEXT NOT NULL DEFAULT 'delegated'"
	     " CHECK (origin IN ('delegated','received'));" },
	/* who put the task on the board: the agent the writing process acts
	 * for (store->agent), NULL for a person */
	{ 3, "ALTER TABLE board_tasks ADD COLUMN delegated_by TEXT;" },
};

const struct store_module schema_board = {
	"board", board_migrations, sizeof(board_migrations) / sizeof(board_migrations[0])
};

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return xstrdup(t ? (const char *)t : "");
}

static int task_insert(struct store *s, int64_t *id, const char *agent, const char *task, const char *status,
		       const char *origin)
{
	sqlite3_stmt *st = NULL;
	int64_t now = store_now_ms();
	int rc;

	if (!agent || !*agent || !task || !*task || strlen(agent) > BOARD_MAX_TEXT || strlen(task) > BOARD_MAX_TEXT)
		return RWB_EINPUT;
	if ((rc = store_prepare(s, &st, "INSERT INTO board_tasks (agent, task, status, origin, created_at, updated_at,"
					" delegated_by) VALUES (?, ?, ?, ?, ?, ?, ?)")) != RWB_OK)
		return rc;
	if (s->agent && strcmp(origin, "delegated") == 0)
		sqlite3_bind_text(st, 7, s->agent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
	else
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

int board_task_add(struct store *s, int64_t *id, const char *agent, const char *task)
{
	return task_insert(s, id, agent, task, "open", "delegated");
}

int board_task_receive(struct store *s, int64_t *id, const char *agent, const char *task)
{
	return task_insert(s, id, agent, task, "doing", "received");
}

int board_task_claim(struct store *s, struct board_task *out, const char *agent)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!agent || !*agent)
		return RWB_EINPUT;
	if ((rc = store_write_begin(s)) != RWB_OK)
		return rc;
	if ((rc = store_prepare(s, &st, "SELECT id, agent, task, created_at, origin, delegated_by FROM board_tasks"
					" WHERE agent = ? AND status = 'open' ORDER BY id LIMIT 1")) != RWB_OK)
		goto out;
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = RWB_ENOTFOUND;
		goto out;
	}
	out->id = sqlite3_column_int64(st, 0);
	out->agent = col_text(st, 1);
	out->task = col_text(st, 2);
	out->created_at = sqlite3_column_int64(st, 3);
	out->origin = col_text(st, 4);
	out->delegated_by = col_text(st, 5);
	out->status = xstrdup("doing");
	out->updated_at = store_now_ms();
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = store_prepare(s, &st, "UPDATE board_tasks SET status = 'doing', updated_at = ? WHERE id = ?")) != RWB_OK)
		goto out;
	sqlite3_bind_int64(st, 1, out->updated_at);
	sqlite3_bind_int64(st, 2, out->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
out:
	sqlite3_finalize(st);
	if (rc == RWB_OK) {
		rc = store_write_commit(s);
	} else {
		store_write_rollback(s);
	}
	if (rc != RWB_OK) {
		board_tasks_free_one(out);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

void board_tasks_free_one(struct board_task *t)
{
	if (!t)
		return;
	free(t->agent);
	free(t->task);
	free(t->status);
	free(t->origin);
	free(t->delegated_by);
}

static bool move_allowed(const char *from, const char *to)
{
	if (strcmp(from, "open") == 0)
		return strcmp(to, "doing") == 0;
	if (strcmp(from, "doing") == 0)
		return strcmp(to, "done") == 0 || strcmp(to, "failed") == 0 || strcmp(to, "open") == 0;
	return false;
}

int board_task_move(struct store *s, int64_t id, const char *status)
{
	sqlite3_stmt *st = NULL;
	char *from = NULL;
	int rc;

	if ((rc = store_write_begin(s)) != RWB_OK)
		return rwb_fail_wrap(rc, "cannot move the task");
	if ((rc = store_prepare(s, &st, "SELECT status FROM board_tasks WHERE id = ?")) != RWB_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = rwb_fail(RWB_ENOTFOUND, "there is no task %lld", (long long)id);
		goto out;
	}
	from = col_text(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (!move_allowed(from, status)) {
		rc = rwb_fail(RWB_EINPUT, "task %lld is %s and cannot become %s: tasks go open -> doing -> "
			      "done or failed", (long long)id, from, status);
		goto out;
	}
	if ((rc = store_prepare(s, &st, "UPDATE board_tasks SET status = ?, updated_at = ? WHERE id = ?")) != RWB_OK)
		goto out;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now_ms());
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
out:
	sqlite3_finalize(st);
	free(from);
	if (rc == RWB_OK)
		rc = store_write_commit(s);
	else
		store_write_rollback(s);
	if (rc != RWB_OK && rc != RWB_ENOTFOUND && rc != RWB_EINPUT)
		rwb_fail_wrap(rc, "cannot move the task");   /* the store's message */
	return rc;
}

int board_tasks(struct store *s, struct board_task **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, &st, "SELECT id, agent, task, status, created_at, updated_at, origin, delegated_by"
					" FROM board_tasks"
					" ORDER BY CASE status WHEN 'doing' THEN 0 WHEN 'open' THEN 1 ELSE 2 END,"
					" CASE WHEN status IN ('open','doing') THEN id ELSE -updated_at END")) != RWB_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct board_task *t;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		t = &(*out)[(*n)++];
		t->id = sqlite3_column_int64(st, 0);
		t->agent = col_text(st, 1);
		t->task = col_text(st, 2);
		t->status = col_text(st, 3);
		t->created_at = sqlite3_column_int64(st, 4);
		t->updated_at = sqlite3_column_int64(st, 5);
		t->origin = col_text(st, 6);
		t->delegated_by = col_text(st, 7);
	}
	if (step != SQLITE_DONE)
		rc = store_error(s, step);
	sqlite3_finalize(st);
	return rc;
}

void board_tasks_free(struct board_task *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		board_tasks_free_one(&t[i]);
	free(t);
}

int board_task_counts(struct store *s, int64_t *completed, int64_t *failed)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*completed = *failed = 0;
	if ((rc = store_prepare(s, &st, "SELECT coalesce(sum(status = 'done'), 0), coalesce(sum(status = 'failed'), 0)"
					" FROM board_tasks")) != RWB_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*completed = sqlite3_column_int64(st, 0);
		*failed = sqlite3_column_int64(st, 1);
	} else {
		rc = store_error(s, sqlite3_errcode(s->db));
	}
	sqlite3_finalize(st);
	return rc;
}

bool board_level_valid(const char *level)
{
	return level && (strcmp(level, "info") == 0 || strcmp(level, "warning") == 0 ||
			 strcmp(level, "critical") == 0);
}

int board_notice_post(struct store *s, int64_t *id, const char *level, const char *message)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!board_level_valid(level) || !message || !*message || strlen(message) > BOARD_MAX_TEXT)
		return RWB_EINPUT;
	if ((rc = store_prepare(s, &st, "INSERT INTO board_notices (level, message, created_at) VALUES (?, ?, ?)")) != RWB_OK)
		return rc;
	sqlite3_bind_text(st, 1, level, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, message, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, store_now_ms());
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
	else
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

static int notices_query(struct store *s, const char *sql, int64_t a, int64_t b,
			 struct board_notice **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, &st, sql)) != RWB_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct board_notice *v;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		v = &(*out)[(*n)++];
		v->id = sqlite3_column_int64(st, 0);
		v->level = col_text(st, 1);
		v->message = col_text(st, 2);
		v->created_at = sqlite3_column_int64(st, 3);
		v->acked = sqlite3_column_int(st, 4) != 0;
	}
	if (step != SQLITE_DONE)
		rc = store_error(s, step);
	sqlite3_finalize(st);
	return rc;
}

int board_notices(struct store *s, int64_t after_id, int limit, struct board_notice **out, size_t *n)
{
	return notices_query(s, "SELECT id, level, message, created_at,"
			     " EXISTS (SELECT 1 FROM board_acks a WHERE a.notice_id = n.id)"
			     " FROM board_notices n WHERE id > ? ORDER BY id LIMIT ?",
			     after_id, limit > 0 ? limit : -1, out, n);
}

int board_notices_open_critical(struct store *s, struct board_notice **out, size_t *n)
{
	return notices_query(s, "SELECT id, level, message, created_at, 0 FROM board_notices n"
			     " WHERE level = 'critical' AND id > ?"
			     " AND NOT EXISTS (SELECT 1 FROM board_acks a WHERE a.notice_id = n.id)"
			     " ORDER BY id LIMIT ?",
			     0, -1, out, n);
}

int board_notices_recent(struct store *s, int limit, struct board_notice **out, size_t *n)
{
	return notices_query(s, "SELECT id, level, message, created_at,"
			     " EXISTS (SELECT 1 FROM board_acks a WHERE a.notice_id = n.id)"
			     " FROM board_notices n WHERE id > ? ORDER BY id DESC LIMIT ?",
			     0, limit > 0 ? limit : -1, out, n);
}

void board_notices_free(struct board_notice *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].level);
		free(v[i].message);
	}
	free(v);
}

int board_notice_last_id(struct store *s, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*id = 0;
	if ((rc = store_prepare(s, &st, "SELECT coalesce(max(id), 0) FROM board_notices")) != RWB_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		rc = store_error(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return rc;
}

int board_notice_ack(struct store *s, int64_t id, const char *who)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "INSERT INTO board_acks (notice_id, who, at)"
					" SELECT id, ?, ? FROM board_notices WHERE id = ?")) != RWB_OK)
		return rc;
	sqlite3_bind_text(st, 1, who && *who ? who : "unknown", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now_ms());
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
	else if (sqlite3_changes(s->db) == 0)
		rc = RWB_ENOTFOUND;
	sqlite3_finalize(st);
	return rc;
}

int board_metric_add(struct store *s, const char *name, const char *label, double value)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "INSERT INTO analysis_metrics (name, label, value, created_at)"
					" VALUES (?, ?, ?, ?)")) != RWB_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, label ? label : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 3, value);
	sqlite3_bind_int64(st, 4, store_now_ms());
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return rc;
}

int board_metrics_each(struct store *s,
		       int (*cb)(void *data, const char *name, const char *label, double value,
				 int64_t at),
		       void *data)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = store_prepare(s, &st, "SELECT name, label, value, created_at FROM analysis_metrics m"
					" WHERE id = (SELECT max(id) FROM analysis_metrics x"
					" WHERE x.name = m.name AND x.label = m.label)"
					" ORDER BY name, label")) != RWB_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(data, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       sqlite3_column_double(st, 2), sqlite3_column_int64(st, 3)))
			break;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		rc = store_error(s, step);
	sqlite3_finalize(st);
	return rc;
}
