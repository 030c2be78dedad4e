/*
 * store.h - the one SQLite store every rwb process shares.
 *
 * store_open() finds or creates the file (path rules and 0600/0700 modes of
 * cli.md), checks that it is an rwb store (application_id), turns on WAL,
 * a busy timeout and foreign keys, and applies each module's schema
 * migrations, one transaction each. It never overwrites a file that is not
 * an rwb store, is corrupt, or comes from a newer rwb: those are refused
 * with RWB_ECORRUPT / RWB_ENEWER and a message.
 *
 * A failing call returns its RWB_E* code and leaves its one line in the
 * thread's error channel (error.h): "store PATH: SQLite's message", with a
 * hint when the disk is full or read-only.
 *
 * Writes are short IMMEDIATE transactions (store_write_begin/commit) so two
 * processes never deadlock on a read-to-write upgrade; WAL keeps long reads
 * from blocking writers. store_changed() tells a front end that another
 * process wrote (PRAGMA data_version) so it can refresh what it shows.
 */
#ifndef RWB_STORE_H
#define RWB_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sqlite3.h>

#define STORE_APPLICATION_ID 0x52574221 /* "RWB!" */

struct store {
	sqlite3 *db;            /* owned */
	char *path;             /* owned; the file's path */
	int64_t data_version;   /* last PRAGMA data_version seen by store_changed */
	char *agent;            /* owned; the agent this process acts for (RWB_AGENT), NULL for a
				 * person: recorded on the jobs and history rows it writes */
	int64_t busy_since;     /* when the current wait for another process's lock began
				 * (store.c's busy handler) */
};

/* One schema step of one module. */
struct store_migration {
	int version;            /* 1, 2, ... in order */
	const char *sql;        /* statements run in one transaction */
};

/* A module's schema: its name and its migrations in version order. */
struct store_module {
	const char *name;
	const struct store_migration *migrations;
	int count;
};

/* The modules store_open() migrates, in order (defined in schema.c). */
extern const struct store_module *const store_modules[];

/*
 * Resolves the store path: explicit (from --db) > $RWB_DB >
 * $XDG_DATA_HOME/rwb/rwb.db > ~/.local/share/rwb/rwb.db. *out is allocated.
 * *is_explicit is set when the user named the file (--db or RWB_DB).
 */
int store_resolve_path(char **out, bool *is_explicit, const char *explicit_path);

/* Opens (creating when missing) and migrates the store at path. On error
 * *out is NULL and rwb_last_error() is one clear line. */
int store_open(struct store **out, const char *path, bool is_explicit);
void store_free(struct store *s);

/* Runs SQL with no results; on error returns RWB_ESTORE (or the code
 * store_error maps to) with the message in the error channel. */
int store_exec(struct store *s, const char *sql);
/* Prepares one statement; RWB_ESTORE with the error channel's message on error. */
int store_prepare(struct store *s, sqlite3_stmt **stmt, const char *sql);
/* sqlite3_step for a write outside a transaction, retried while another
 * process holds the write lock. */
int store_step_write(struct store *s, sqlite3_stmt *st);
/* BEGIN IMMEDIATE, retrying while another process holds the write lock. */
int store_write_begin(struct store *s);
int store_write_commit(struct store *s);
void store_write_rollback(struct store *s);
/* Maps an SQLite result code to an RWB code and records the message
 * (rwb_fail: "store PATH: SQLite's message"). */
int store_error(struct store *s, int sqlite_rc);

/* 1 when another connection changed the store since the last call, else 0. */
int store_changed(struct store *s);

/* Settings: a small key/value table. get returns RWB_ENOTFOUND when unset. */
int store_setting_get(struct store *s, const char *key, char **value);
int store_setting_set(struct store *s, const char *key, const char *value);

/* Command history shared by every rwb on the store. */
int store_history_add(struct store *s, const char *line, int exit_status);
/* Calls cb for the newest `limit` lines, newest first; stops when cb returns non-zero. */
int store_history_each(struct store *s, int limit,
		       int (*cb)(void *data, int64_t id, const char *line), void *data);

/* The skip-th newest distinct history line containing query (Ctrl-R);
 * RWB_ENOTFOUND when there is none. *line is allocated. */
int store_history_search(struct store *s, const char *query, int skip, char **line);

/* Names the agent this process acts for (NULL: a person); copied. */
void store_set_agent(struct store *s, const char *agent);

/* Jobs: every command run. output is the file the job's output is written
 * to as it is produced (an agent's job, see agentjob.h), or NULL. */
int store_job_begin(struct store *s, int64_t *id, const char *name,
		    const char *args_json, const char *repo, const char *output);
/* The job's one-line result; written before store_job_end, so a reader
 * that sees the end sees the summary. */
int store_job_summary(struct store *s, int64_t id, const char *summary);
int store_job_end(struct store *s, int64_t id, int exit_status,
		  int64_t peak_rss_kb, int64_t cpu_ms);
/* A finished command in one write transaction: its job row (started at
 * started_ms, ended now) and, when line is not NULL, its history line. For
 * the commands that end quickly, where a row showing them running would
 * never be seen: one transaction instead of three. */
struct store_job_done {
	const char *name;        /* command name, no slash */
	const char *args_json;   /* the argument vector as a JSON array, may be NULL */
	const char *repo;        /* repository it ran in, may be NULL */
	int64_t started_ms;      /* store_now_ms() when it started */
	int exit_status;         /* its exit status */
	int64_t peak_rss_kb;     /* children's peak RSS, -1 unknown */
	int64_t cpu_ms;          /* children's CPU time, -1 unknown */
	const char *line;        /* history line, NULL for none */
};
int store_job_record(struct store *s, const struct store_job_done *job);
/* Rows this connection has inserted, updated or deleted so far. */
int64_t store_total_changes(struct store *s);

/* Milliseconds since the epoch (the store's time unit). */
int64_t store_now_ms(void);

#endif
