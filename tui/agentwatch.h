/*
 * agentwatch.h - the person sees the agents' work live: every agent job
 * on the store (another process's, backend/agentjob.h) gets a terminal
 * tab that follows its output, and when it ends its summary lands in the
 * results area with a notice naming the agent.
 */
#ifndef RWB_AGENTWATCH_H
#define RWB_AGENTWATCH_H

struct app;
struct agentwatch;

/* Starts watching: jobs that start from now on are shown. */
struct agentwatch *agentwatch_new(struct app *a);
void agentwatch_free(struct agentwatch *w);
/* The store changed (the app's data_version poll): new agent jobs open
 * their tabs, ended ones report. */
void agentwatch_store_changed(struct agentwatch *w);

#endif
