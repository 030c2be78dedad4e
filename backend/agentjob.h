/*
 * agentjob.h - an agent's job, written so that a person on the same store
 * can watch it live.
 *
 * A command run for an agent (RWB_AGENT set: the `rwb` tool of `rwb mcp`,
 * or a script) records its jobs row with the agent's name and the path of
 * a file beside the store (<db>.jobs/<ms>-<pid>.log, 0600 in a 0700
 * folder) into which its output goes as it is produced, beside stderr.
 * When it ends the row gets its one-line summary, then its end. Every rwb
 * on the store notices the row (PRAGMA data_version) and follows the file
 * (tui/agentwatch.c). The files of finished jobs are kept as many as the
 * terminal pane keeps finished tabs (RWB_FINISHED_TABS, else 8); older ones
 * are removed and their rows' output set to NULL.
 *
 * Never: write more than AGENTJOB_LOG_MAX bytes into one file, create or
 * open (to follow) a file outside the store's own folder for them, or fail
 * the command because its log could not be written.
 */
#ifndef RWB_AGENTJOB_H
#define RWB_AGENTJOB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct store;

#define AGENTJOB_LOG_MAX (16u << 20)   /* bytes kept per job; the rest is cut with a note */
#define AGENTJOB_KEPT_DEFAULT 8        /* finished jobs' files kept (RWB_FINISHED_TABS) */

/* One agent job as the jobs table holds it. */
struct agentjob {
	int64_t id;                  /* jobs row */
	char *name;                  /* owned: command name, no slash */
	char *args;                  /* owned: arguments as a JSON array */
	char *agent;                 /* owned: the agent's name */
	char *output;                /* owned: the output file, NULL once pruned */
	char *summary;               /* owned: the one-line result, NULL while running */
	bool ended;                  /* ended_at is set */
	int exit_status;             /* valid when ended */
	int64_t duration_ms;         /* valid when ended */
};

/* The open output file of a running job. */
struct agentjob_log;

/* Creates the job's output file beside the store at db_path and a stream
 * that writes to it and to `also` (stderr, or NULL). */
int agentjob_log_open(struct agentjob_log **out, const char *db_path, FILE *also);
const char *agentjob_log_path(const struct agentjob_log *l);
/* What the command writes its live output to. */
FILE *agentjob_log_stream(struct agentjob_log *l);
/* Appends text to the file only (the answer, which already went to stdout). */
void agentjob_log_append(struct agentjob_log *l, const char *text, size_t len);
/* Closes the stream and the file; NULL is a no-op. */
void agentjob_log_close(struct agentjob_log *l);

/* The one-line summary of an answer: the error when the command failed,
 * else the first non-empty line of its human text, else "done" / "exit N".
 * Control characters are removed; at most 200 bytes. Allocated. */
char *agentjob_summary(const char *error, const char *human, int status);

/* Whether path may be an agent job's output file of the store at db_path:
 * directly in <db>.jobs/ and named as agentjob_log_open names them. */
bool agentjob_path_ok(const char *db_path, const char *path);

/* How many finished jobs' files are kept: RWB_FINISHED_TABS, else the default. */
int agentjob_kept(void);
/* Removes the files of finished agent jobs but the newest `keep`. */
int agentjob_prune(struct store *s, int keep);

/* The newest jobs row id (0 when none). */
int64_t agentjob_last_id(struct store *s);
/* Calls cb for every agent job with id > after, oldest first; stops when
 * cb returns non-zero. */
int agentjob_since(struct store *s, int64_t after,
		   int (*cb)(void *data, const struct agentjob *j), void *data);
/* Calls cb for every agent job that has not ended and still has its
 * output file, oldest first (what a watcher starting now may follow). */
int agentjob_running(struct store *s, int (*cb)(void *data, const struct agentjob *j), void *data);
/* The process that writes job j's output (from its file's name), 0 unknown. */
int agentjob_pid(const struct agentjob *j);
/* One agent job; RWB_ENOTFOUND when there is none with that id. */
int agentjob_get(struct store *s, int64_t id, struct agentjob *out);
void agentjob_release(struct agentjob *j);

#endif
