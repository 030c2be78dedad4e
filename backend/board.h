/*
 * board.h - the shared task board, notices and the analysis metrics.
 *
 * Tasks are assigned to an agent (a person or an AI agent) and move
 * open -> doing -> done | failed (doing may go back to open). A task is
 * either delegated (put on the board for someone, open) or received (the
 * agent itself records a task it was given and is working on: doing).
 * An agent claims its oldest open task, which becomes doing in the same
 * transaction, so two instances of one agent never claim the same task. Notices are
 * posted at a level (info, warning, critical); every rwb on the store shows
 * a notice newer than the last one it saw, and critical ones stay until
 * someone acknowledges them (the ack is recorded with who and when).
 *
 * Until the metrics subsystem has its own tables, the analysis commands
 * (profiling, connascence) record their figures here too: analysis_metrics
 * rows of name, label and value; board_metrics_each() hands them to /metrics.
 *
 * Every write is one short IMMEDIATE transaction; nothing here draws.
 */
#ifndef RWB_BOARD_H
#define RWB_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

extern const struct store_module schema_board;

struct board_task {
	int64_t id;
	char *agent;            /* owned */
	char *task;             /* owned */
	char *status;           /* owned: open, doing, done, failed */
	char *origin;           /* owned: delegated or received */
	char *delegated_by;     /* owned: the agent that put it on the board, "" a person */
	int64_t created_at, updated_at; /* ms since the epoch */
};

struct board_notice {
	int64_t id;
	char *level;            /* owned: info, warning, critical */
	char *message;          /* owned */
	int64_t created_at;
	bool acked;             /* someone acknowledged it */
};

#define BOARD_MAX_TEXT 4000  /* bytes of a task, an agent name or a notice */

/* Adds an open task; RWB_EINPUT when agent or task is empty or too long. */
int board_task_add(struct store *s, int64_t *id, const char *agent, const char *task);
/* Records a task agent received and works on (status doing, origin received). */
int board_task_receive(struct store *s, int64_t *id, const char *agent, const char *task);
/* Claims agent's oldest open task: it becomes doing; *out is filled (free
 * it with board_tasks_free_one). RWB_ENOTFOUND when agent has none. */
int board_task_claim(struct store *s, struct board_task *out, const char *agent);
void board_tasks_free_one(struct board_task *t);
/* Moves a task; RWB_ENOTFOUND for an unknown id, RWB_EINPUT for a move the
 * flow does not allow; the error channel (error.h) says which, or "cannot
 * move the task: " and the store's message. */
int board_task_move(struct store *s, int64_t id, const char *status);
/* All tasks: open and doing first, then the rest newest first. */
int board_tasks(struct store *s, struct board_task **out, size_t *n);
void board_tasks_free(struct board_task *t, size_t n);
/* tasks_completed (done) and tasks_failed (failed). */
int board_task_counts(struct store *s, int64_t *completed, int64_t *failed);

/* Whether level is info, warning or critical. */
bool board_level_valid(const char *level);
int board_notice_post(struct store *s, int64_t *id, const char *level, const char *message);
/* Notices with id > after_id, oldest first (limit 0: all). */
int board_notices(struct store *s, int64_t after_id, int limit, struct board_notice **out, size_t *n);
/* Critical notices nobody acknowledged yet, oldest first. */
int board_notices_open_critical(struct store *s, struct board_notice **out, size_t *n);
/* The newest notices, newest first. */
int board_notices_recent(struct store *s, int limit, struct board_notice **out, size_t *n);
void board_notices_free(struct board_notice *v, size_t n);
/* The largest notice id (0 when none). */
int board_notice_last_id(struct store *s, int64_t *id);
/* Records an acknowledgement by who. */
int board_notice_ack(struct store *s, int64_t id, const char *who);

/* Analysis figures (profiling, connascence) for /metrics. */
int board_metric_add(struct store *s, const char *name, const char *label, double value);
/* Calls cb for the latest value of each (name, label), name order; stops
 * when cb returns non-zero. */
int board_metrics_each(struct store *s,
		       int (*cb)(void *data, const char *name, const char *label, double value,
				 int64_t at),
		       void *data);

#endif
