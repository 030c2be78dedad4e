/*
 * loop.h - the one-thread event loop: poll() over file descriptors, timers,
 * and signals turned into events through a self-pipe (as tmux does).
 *
 * Redis-style API. Callbacks never draw: they mark damage; the before-poll
 * hook renders once per frame. Removing a file descriptor or timer during
 * dispatch only marks it; it is cleaned up after the dispatch round, so a
 * callback may remove itself or others safely.
 */
#ifndef RWB_LOOP_H
#define RWB_LOOP_H

#include <poll.h>
#include <stdint.h>

#define LOOP_TIMER_STOP (-1)

struct loop;

/* revents is poll()'s. */
typedef void (*loop_fd_cb)(struct loop *l, int fd, int revents, void *data);
/* Returns the next interval in ms, or LOOP_TIMER_STOP. */
typedef int (*loop_timer_cb)(struct loop *l, void *data);
typedef void (*loop_signal_cb)(struct loop *l, int signo, void *data);
/* Called before each poll(); returns the longest the poll may wait in ms
 * (-1: no limit from this hook). */
typedef int (*loop_idle_cb)(struct loop *l, void *data);

struct loop *loop_new(void);
void loop_free(struct loop *l);

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *data);
/* Changes the events watched for fd (e.g. add POLLOUT while output is queued). */
void loop_set_fd_events(struct loop *l, int fd, short events);
void loop_del_fd(struct loop *l, int fd);

/* Returns a timer id (> 0). */
int64_t loop_add_timer(struct loop *l, int ms, loop_timer_cb cb, void *data);
void loop_del_timer(struct loop *l, int64_t id);

/* Delivers signo through the self-pipe; the handler is installed with
 * SA_RESTART. */
int loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *data);

void loop_set_idle(struct loop *l, loop_idle_cb cb, void *data);

/* Runs until loop_stop(). */
void loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
