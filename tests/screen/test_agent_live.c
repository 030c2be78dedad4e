/*
 * test_agent_live.c - the person sees the agent's work live: rwb runs in a
 * pty on store S while an MCP host (this test, writing JSON-RPC lines to
 * `rwb mcp` on S) calls the `rwb` tool with /cargo-build as "test-agent".
 * The cargo on PATH is a script that writes a line, waits, writes another,
 * so the output comes over seconds. The TUI must open a terminal tab named
 * for the agent within a second without taking the keyboard from the
 * prompt, show each line in that tab as it is produced, and when the job
 * ends put the summary in the results area and a notice naming the agent.
 * A job whose process is killed before it records its end does not follow
 * for ever: its tab ends and a notice says so. An rwb started while an
 * agent's job runs shows that job too, from its first line. Then the Tasks tab: tasks delegated by agents show whom they came from,
 * and n / N show one agent at a time, what it received and delegated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

#define ROWS 40
#define COLS 140

static struct tu_world *w;

static int setup(void **state)
{
	(void)state;
	w = tu_world_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_world_free(w);
	return 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Whether the status bar (the last row) shows text. */
static bool status_has(struct screen *s, const char *text)
{
	char *row = screen_row(s, ROWS - 1);
	bool yes = row && strstr(row, text);
	free(row);
	return yes;
}

static void must_see(struct screen *s, const char *text, int ms, const char *why)
{
	if (!screen_wait_for(s, text, ms)) {
		screen_dump(s);
		fail_msg("%s: '%s' did not appear", why, text);
	}
}

static void test_agent_job_shown_live(void **state)
{
	struct screen *s;
	struct timespec t0;
	char *path, *script;
	bool in_status = false;

	(void)state;
	/* the repository is a crate; cargo is a script that takes its time */
	path = xasprintf("%s/Cargo.toml", w->repo);
	tu_write(path, "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
	free(path);
	path = xasprintf("%s/src/lib.rs", w->repo);
	tu_write(path, "pub fn one() -> u32 { 1 }\n");
	free(path);
	path = xasprintf("%s/bin/cargo", w->dir);
	tu_write(path, "#!/bin/sh\n"
		       "echo '   Compiling demo v0.1.0 (first step)' >&2\n"
		       "sleep 2\n"
		       "echo '   Compiling demo v0.1.0 (second step)' >&2\n"
		       "sleep 2\n"
		       "echo '    Finished dev profile in 4.0s' >&2\n");
	script = xasprintf("chmod +x %s", path);
	assert_int_equal(tu_sh(NULL, script), 0);
	free(script);
	free(path);
	path = xasprintf("%s/req.jsonl", w->dir);
	tu_write(path,
		 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
		 "\"capabilities\":{},\"clientInfo\":{\"name\":\"test-agent\",\"version\":\"1\"}}}\n"
		 "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"rwb\","
		 "\"arguments\":{\"command\":\"/cargo-build\"}}}\n");
	free(path);

	s = tu_world_start(w, w->repo, COLS, ROWS, NULL, "Tasks");
	/* the person is typing at the prompt when the agent starts */
	screen_send(s, "/memory-sea");
	must_see(s, "/memory-sea", 2000, "the prompt");

	script = xasprintf("cd %s && HOME=%s PATH=%s/bin:$PATH %s --db %s --repo %s mcp <req.jsonl >mcp.out 2>mcp.err &",
			   w->dir, w->home, w->dir, RWB_BINARY, w->db, w->repo);
	assert_int_equal(tu_sh(NULL, script), 0);
	free(script);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* a tab named for the agent, within about a second */
	must_see(s, "test-agent: /cargo-build", 3000, "the agent's tab");
	fprintf(stderr, "agent tab after %ld ms\n", ms_since(&t0));
	/* it did not take the keyboard: typing goes on at the prompt */
	screen_send(s, "rch");
	must_see(s, "/memory-search", 2000, "the prompt kept the keys");
	screen_send(s, "\x15");  /* Ctrl-U: the person drops the line */
	assert_true(screen_wait_gone(s, "/memory-search", 2000));

	/* the person looks at the agent's tab: the first line is there, the
	 * second comes while they watch */
	screen_send(s, K_F3);
	screen_send(s, "\033[6;3~");  /* Alt-PgDn: the next tab */
	must_see(s, "test-agent$ /cargo-build", 2000, "the tab's header");
	must_see(s, "(first step)", 2000, "the first output line");
	if (screen_contains(s, "Finished dev profile")) {
		screen_dump(s);
		fail_msg("the whole output was there at once: not live");
	}
	must_see(s, "(second step)", 4000, "the second output line");
	fprintf(stderr, "second line after %ld ms\n", ms_since(&t0));

	/* the end: the rest of the output, the status in the tab, the summary
	 * in the results area and a notice naming the agent */
	must_see(s, "Finished dev profile", 5000, "the last output line");
	must_see(s, "[job exited with status 0", 3000, "the tab's end");
	must_see(s, "build succeeded", 3000, "the summary");
	for (int i = 0; i < 20 && !in_status; i++) {
		in_status = status_has(s, "agent test-agent: /cargo-build done (exit 0)");
		if (!in_status)
			screen_pump(s, 100);
	}
	if (!in_status) {
		screen_dump(s);
		fail_msg("no notice naming the agent in the status bar");
	}
	must_see(s, "(agent test-agent,", 2000, "the results area names the agent");
	/* the tab label shows it ended */
	must_see(s, "test-agent: /cargo-build ok", 2000, "the tab's state");

	screen_quit(s);
	{
		char *q = xasprintf("test \"$(sqlite3 %s \"select agent || ' ' || exit_status from jobs "
				    "where name = 'cargo-build'\")\" = 'test-agent 0'", w->db);
		assert_int_equal(tu_sh(NULL, q), 0);
		free(q);
	}
}

/* rwb /COMMAND ... on the world's store, as agent (NULL: a person). */
static void run_as(const char *agent, const char *args)
{
	char *cmd = xasprintf("%s%s%s %s --db %s --repo %s %s >/dev/null 2>&1", agent ? "RWB_AGENT=" : "",
			      agent ? agent : "", agent ? "" : "unset RWB_AGENT;", RWB_BINARY, w->db, w->repo, args);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
}

static void test_tasks_by_agent(void **state)
{
	struct screen *s;

	(void)state;
	run_as("lead", "/agent-delegate --agent bob --task 'profile the parser'");
	run_as(NULL, "/agent-delegate --agent lead --task 'review the lexer'");
	run_as("bob", "/agent-receive --task 'fix the flaky test'");
	s = tu_world_start(w, w->repo, COLS, ROWS, NULL, "Tasks");
	screen_send(s, K_F5);
	screen_send(s, "4");
	must_see(s, "from lead: profile the parser", 2000, "the delegating agent");
	must_see(s, "n/N agent", 2000, "the key in the tab's hint line");
	assert_true(screen_contains(s, "review the lexer"));
	/* bob: the two tasks it has, none it delegated */
	screen_send(s, "n");
	must_see(s, "agent bob: received 2, delegated 0", 2000, "bob's counts");
	assert_true(screen_wait_gone(s, "review the lexer", 2000));
	assert_true(screen_contains(s, "fix the flaky test"));
	assert_true(screen_contains(s, "profile the parser"));
	/* lead: one received, one delegated (to bob) */
	screen_send(s, "n");
	must_see(s, "agent lead: received 1, delegated 1", 2000, "lead's counts");
	must_see(s, "to bob: profile the parser", 2000, "what lead delegated");
	assert_true(screen_contains(s, "review the lexer"));
	assert_false(screen_contains(s, "fix the flaky test"));
	/* after the last agent, every task again; N goes back */
	screen_send(s, "n");
	must_see(s, "showing every task", 2000, "every task");
	must_see(s, "fix the flaky test", 2000, "every task");
	screen_send(s, "N");
	must_see(s, "agent lead: received 1", 2000, "N: the previous agent");
	/* a task delegated by an agent over MCP arrives while lead is shown */
	{
		char *cmd = xasprintf("printf '%%s\\n' "
				      "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"lead\",\"version\":\"1\"}}}' "
				      "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"delegate\",\"arguments\":{\"agent\":\"carol\",\"task\":\"write the docs\"}}}' "
				      "| %s --db %s --repo %s mcp >/dev/null 2>&1", RWB_BINARY, w->db, w->repo);
		assert_int_equal(tu_sh(NULL, cmd), 0);
		free(cmd);
	}
	must_see(s, "to carol: write the docs", 2000, "a task lead delegated over MCP");
	must_see(s, "agent lead: received 1, delegated 2", 2000, "lead's counts after it");
	screen_quit(s);
}

static void test_agent_job_killed(void **state)
{
	struct screen *s;
	char *path, *cmd;

	(void)state;
	path = xasprintf("%s/Cargo.toml", w->repo);
	tu_write(path, "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
	free(path);
	path = xasprintf("%s/bin/cargo", w->dir);
	tu_write(path, "#!/bin/sh\necho '   Compiling demo v0.1.0 (slow)' >&2\nsleep 6\n");
	cmd = xasprintf("chmod +x %s", path);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	free(path);
	s = tu_world_start(w, w->repo, COLS, ROWS, NULL, "Tasks");
	cmd = xasprintf("cd %s && HOME=%s RWB_AGENT=bot PATH=%s/bin:$PATH %s --db %s --repo %s /cargo-build "
			">/dev/null 2>&1 &", w->dir, w->home, w->dir, RWB_BINARY, w->db, w->repo);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	must_see(s, "bot: /cargo-build", 3000, "the agent's tab");
	screen_send(s, K_F3);
	screen_send(s, "\033[6;3~");
	must_see(s, "(slow)", 3000, "the output");
	/* the job's process (named in its output file's name) dies unrecorded */
	cmd = xasprintf("f=$(sqlite3 %s \"select output from jobs where agent = 'bot'\"); p=${f##*-}; "
			"kill -9 ${p%%.log}", w->db);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	must_see(s, "ended without recording its end", 3000, "the notice about the vanished job");
	must_see(s, "bot: /cargo-build exit 1", 2000, "the tab's end");
	screen_quit(s);
}

static void test_job_running_before_start(void **state)
{
	struct screen *s;
	char *path, *cmd;

	(void)state;
	path = xasprintf("%s/Cargo.toml", w->repo);
	tu_write(path, "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
	free(path);
	path = xasprintf("%s/bin/cargo", w->dir);
	tu_write(path, "#!/bin/sh\necho '   Compiling demo v0.1.0 (early line)' >&2\nsleep 4\n"
		       "echo '    Finished late' >&2\n");
	cmd = xasprintf("chmod +x %s", path);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	free(path);
	cmd = xasprintf("cd %s && HOME=%s RWB_AGENT=early PATH=%s/bin:$PATH %s --db %s --repo %s /cargo-build "
			">/dev/null 2>&1 & for i in $(seq 50); do "
			"grep -q 'early line' %s.jobs/*.log 2>/dev/null && exit 0; sleep 0.1; done; exit 1",
			w->dir, w->home, w->dir, RWB_BINARY, w->db, w->repo, w->db);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	/* a row of a job killed long ago stays history */
	cmd = xasprintf("mkdir -m 700 -p %s.jobs && "
			"echo stale > %s.jobs/1-999999999.log && sqlite3 %s \"insert into jobs(name, args, repo, "
			"started_at, agent, output) values('cargo-test', '[]', '', 1, 'ghost', '%s.jobs/1-999999999.log')\"",
			w->db, w->db, w->db, w->db);
	assert_int_equal(tu_sh(NULL, cmd), 0);
	free(cmd);
	s = tu_world_start(w, w->repo, COLS, ROWS, NULL, "Tasks");
	must_see(s, "early: /cargo-build", 3000, "the tab of the job already running");
	assert_false(screen_contains(s, "ghost"));
	screen_send(s, K_F3);
	screen_send(s, "\033[6;3~");
	must_see(s, "(early line)", 3000, "the output from its start");
	must_see(s, "Finished late", 6000, "the output that came later");
	must_see(s, "agent early: /cargo-build done (exit 0)", 3000, "the notice at its end");
	assert_false(screen_contains(s, "ghost"));
	screen_quit(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_agent_job_shown_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_job_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_running_before_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tasks_by_agent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
