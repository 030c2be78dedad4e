/*
 * loop.c - poll() loop with timers and a signal self-pipe.
 *
 * Design: a flat array of watched descriptors rebuilt into a pollfd array
 * each round (tens of entries, never thousands), a small array of timers
 * scanned for the nearest deadline, and one pipe whose read end is watched
 * like any descriptor: the async-signal-safe handler writes the signal
 * number into it and the loop dispatches it as an ordinary event.
 *
 * Never: do work in a signal handler beyond write(2) to the pipe.
 */
#define _POSIX_C_SOURCE 200809L
#define _GNU_SOURCE /* pipe2 */
#include "loop.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_SIGNALS 8

struct loop_fd {
	int fd;
	short events;
	loop_fd_cb cb;
	void *data;
	bool dead;      /* removed during dispatch; dropped afterwards */
};

struct loop_timer {
	int64_t id;
	int64_t due;    /* loop_now_ms() deadline */
	loop_timer_cb cb;
	void *data;
	bool dead;
};

struct loop_signal {
	int signo;
	loop_signal_cb cb;
	void *data;
};

struct loop {
	struct loop_fd *fds;          /* owned array */
	int nfds, capfds;
	struct loop_timer *timers;    /* owned array */
	int ntimers, captimers;
	int64_t next_timer_id;
	struct loop_signal signals[LOOP_MAX_SIGNALS];
	int nsignals;
	int sigpipe[2];               /* self-pipe; -1 until a signal is added */
	loop_idle_cb idle;
	void *idle_data;
	bool stop;
	bool dispatching;
};

static int signal_write_fd = -1;

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->sigpipe[0] = l->sigpipe[1] = -1;
	l->next_timer_id = 1;
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->nsignals; i++)
		signal(l->signals[i].signo, SIG_DFL);
	if (l->sigpipe[0] >= 0) {
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
		signal_write_fd = -1;
	}
	free(l->fds);
	free(l->timers);
	free(l);
}

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *data)
{
	for (int i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd && !l->fds[i].dead) {
			l->fds[i].events = events;
			l->fds[i].cb = cb;
			l->fds[i].data = data;
			return 0;
		}
	}
	if (l->nfds == l->capfds) {
		l->capfds = l->capfds ? l->capfds * 2 : 16;
		l->fds = xrealloc(l->fds, (size_t)l->capfds * sizeof(*l->fds));
	}
	l->fds[l->nfds++] = (struct loop_fd){ fd, events, cb, data, false };
	return 0;
}

void loop_set_fd_events(struct loop *l, int fd, short events)
{
	for (int i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd && !l->fds[i].dead)
			l->fds[i].events = events;
}

void loop_del_fd(struct loop *l, int fd)
{
	for (int i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			l->fds[i].dead = true;
}

int64_t loop_add_timer(struct loop *l, int ms, loop_timer_cb cb, void *data)
{
	if (l->ntimers == l->captimers) {
		l->captimers = l->captimers ? l->captimers * 2 : 8;
		l->timers = xrealloc(l->timers, (size_t)l->captimers * sizeof(*l->timers));
	}
	l->timers[l->ntimers++] = (struct loop_timer){ l->next_timer_id, loop_now_ms() + ms, cb, data, false };
	return l->next_timer_id++;
}

void loop_del_timer(struct loop *l, int64_t id)
{
	for (int i = 0; i < l->ntimers; i++)
		if (l->timers[i].id == id)
			l->timers[i].dead = true;
}

static void signal_handler(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (signal_write_fd >= 0)
		(void)!write(signal_write_fd, &b, 1);
	errno = saved;
}

static void signal_readable(struct loop *l, int fd, int revents, void *data)
{
	unsigned char buf[64];
	ssize_t n;

	(void)revents;
	(void)data;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			for (int k = 0; k < l->nsignals; k++)
				if (l->signals[k].signo == buf[i])
					l->signals[k].cb(l, buf[i], l->signals[k].data);
	}
}

int loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *data)
{
	struct sigaction sa;

	if (l->nsignals == LOOP_MAX_SIGNALS)
		return -1;
	if (l->sigpipe[0] < 0) {
		if (pipe2(l->sigpipe, O_CLOEXEC | O_NONBLOCK) != 0)
			return -1;
		signal_write_fd = l->sigpipe[1];
		loop_add_fd(l, l->sigpipe[0], POLLIN, signal_readable, NULL);
	}
	l->signals[l->nsignals++] = (struct loop_signal){ signo, cb, data };
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = signal_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

void loop_set_idle(struct loop *l, loop_idle_cb cb, void *data)
{
	l->idle = cb;
	l->idle_data = data;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

static void compact(struct loop *l)
{
	int k = 0;

	for (int i = 0; i < l->nfds; i++)
		if (!l->fds[i].dead)
			l->fds[k++] = l->fds[i];
	l->nfds = k;
	k = 0;
	for (int i = 0; i < l->ntimers; i++)
		if (!l->timers[i].dead)
			l->timers[k++] = l->timers[i];
	l->ntimers = k;
}

static void run_timers(struct loop *l)
{
	int64_t now = loop_now_ms();
	int n = l->ntimers; /* timers added during dispatch wait for the next round */

	for (int i = 0; i < n; i++) {
		struct loop_timer *t = &l->timers[i];
		if (t->dead || t->due > now)
			continue;
		int next = t->cb(l, t->data);
		t = &l->timers[i]; /* the array may have grown */
		if (next == LOOP_TIMER_STOP)
			t->dead = true;
		else if (!t->dead)
			t->due = now + (next > 0 ? next : 0);
	}
}

void loop_run(struct loop *l)
{
	struct pollfd *pfds = NULL;
	int cap = 0;

	l->stop = false;
	while (!l->stop) {
		int timeout = -1, n = 0;
		int64_t now;

		compact(l);
		if (l->idle)
			timeout = l->idle(l, l->idle_data);
		if (l->stop)
			break;
		now = loop_now_ms();
		for (int i = 0; i < l->ntimers; i++) {
			int64_t wait = l->timers[i].due - now;
			if (wait < 0)
				wait = 0;
			if (timeout < 0 || wait < timeout)
				timeout = (int)wait;
		}
		if (cap < l->nfds) {
			cap = l->nfds;
			pfds = xrealloc(pfds, (size_t)cap * sizeof(*pfds));
		}
		for (int i = 0; i < l->nfds; i++)
			pfds[n++] = (struct pollfd){ l->fds[i].fd, l->fds[i].events, 0 };
		int rc = poll(pfds, (nfds_t)n, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		l->dispatching = true;
		/* descriptors first in order: stdin is registered first, so keys
		 * are always served before a flood from a pty */
		for (int i = 0; rc > 0 && i < n; i++) {
			if (!pfds[i].revents)
				continue;
			for (int k = 0; k < l->nfds; k++) {
				if (l->fds[k].fd == pfds[i].fd && !l->fds[k].dead) {
					l->fds[k].cb(l, pfds[i].fd, pfds[i].revents, l->fds[k].data);
					break;
				}
			}
		}
		run_timers(l);
		l->dispatching = false;
	}
	free(pfds);
}
