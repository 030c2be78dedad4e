/*
 * world.c - a screen test's temporary world and the steps every screen
 * test takes (see world.h).
 */
#include "world.h"

#include "testutil.h"
#include "xalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

struct tu_world *tu_world_new(void)
{
	struct tu_world *w = xcalloc(1, sizeof(*w));
	char *cmd;

	w->dir = tu_tmpdir();
	w->db = xasprintf("%s/store/rwb.db", w->dir);
	w->home = xasprintf("%s/home", w->dir);
	w->home_env = xasprintf("HOME=%s", w->home);
	w->repo = xasprintf("%s/repo", w->dir);
	cmd = xasprintf("mkdir -p '%s' '%s' && cd '%s' && git init -q -b main . && "
			"echo hi > a.txt && git add a.txt && "
			"git -c user.name=t -c user.email=t@t commit -qm init", w->repo, w->home, w->repo);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	return w;
}

void tu_world_free(struct tu_world *w)
{
	if (!w)
		return;
	tu_rmtree(w->dir);
	free(w->dir);
	free(w->db);
	free(w->home);
	free(w->home_env);
	free(w->repo);
	free(w);
}

struct screen *tu_world_start(const struct tu_world *w, const char *repo, int cols, int rows,
			      char *const extra_env[], const char *ready)
{
	char *argv[] = { RWB_BINARY, "--db", w->db, "--repo", (char *)repo, NULL };
	char *env[32];
	char shell[] = "RWB_SHELL=/bin/sh";
	size_t n = 0;
	struct screen *s;

	env[n++] = w->home_env;
	env[n++] = shell;
	for (size_t i = 0; extra_env && extra_env[i]; i++) {
		assert_true(n < sizeof(env) / sizeof(env[0]) - 1);
		env[n++] = extra_env[i];
	}
	env[n] = NULL;
	s = screen_start(argv, cols, rows, env);
	if (!s)
		fail_msg("cannot start %s in a pty", RWB_BINARY);
	if (ready && !screen_wait_for(s, ready, 5000)) {
		screen_dump(s);
		fail_msg("rwb did not start: '%s' never appeared", ready);
	}
	return s;
}

void screen_expect(struct screen *s, const char *text)
{
	if (!screen_wait_for(s, text, 5000)) {
		screen_dump(s);
		fail_msg("'%s' never appeared", text);
	}
}

void screen_quit(struct screen *s)
{
	int status;

	screen_send(s, K_CTRL_Q);
	status = screen_wait_exit(s, 5000);
	if (status != 0) {
		screen_dump(s);
		fail_msg("rwb exited with %d", status);
	}
	screen_free(s);
}
