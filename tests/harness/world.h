/*
 * world.h - the world a screen test runs rwb in: a temporary folder with a
 * store path, a HOME of its own and a git repository with one commit, and
 * the three steps every screen test takes (start rwb there, wait for text
 * or fail with the screen shown, quit cleanly).
 */
#ifndef RWB_WORLD_H
#define RWB_WORLD_H

#include "screen.h"

struct tu_world {
	char *dir;               /* temporary folder, removed by tu_world_free */
	char *db;                /* dir/store/rwb.db (not created) */
	char *home;              /* dir/home, created */
	char *home_env;          /* "HOME=<home>" for a child's environment */
	char *repo;              /* dir/repo: git repository, branch main, one commit (a.txt) */
};

struct tu_world *tu_world_new(void);
void tu_world_free(struct tu_world *w);

/* rwb --db W->db --repo REPO in a cols x rows pty with HOME=W->home,
 * RWB_SHELL=/bin/sh and extra_env (NAME=VALUE, NULL-terminated, may be
 * NULL); when ready is not NULL, waits up to 5 s for it on the screen.
 * Fails the test when rwb does not start. */
struct screen *tu_world_start(const struct tu_world *w, const char *repo, int cols, int rows,
			      char *const extra_env[], const char *ready);

/* Waits up to 5 s for text; fails the test with the screen dumped. */
void screen_expect(struct screen *s, const char *text);
/* Ctrl-Q, then rwb must exit with status 0 within 5 s; frees s. */
void screen_quit(struct screen *s);

#endif
