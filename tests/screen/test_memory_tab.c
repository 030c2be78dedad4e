/*
 * test_memory_tab.c - the Memory tab in a real pseudo-terminal: open the
 * browser (F5), type a query with a typo, see the right entry at the top
 * of the results as the keys arrive, open it, see its history, restore an
 * older version, delete and undo, filters, an entry whose text carries
 * escape sequences (shown, never obeyed), an entry an agent stores through
 * `rwb mcp` appearing at once, and a resize.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "screen.h"
#include "testutil.h"
#include "world.h"
#include "xalloc.h"

static int setup(void **state)
{
	*state = tu_world_new();
	return 0;
}

static int teardown(void **state)
{
	tu_world_free(*state);
	return 0;
}

static void rwb(struct tu_world *f, const char *key, const char *value, const char *layer)
{
	char *const argv[] = { RWB_BINARY, "--db", f->db, "/memory-store", "--key", (char *)key,
			       "--value", (char *)value, "--layer", (char *)layer, "--category", "notes", NULL };
	assert_int_equal(tu_run(f->dir, argv, NULL, NULL, NULL), 0);
}

static void populate(struct tu_world *f)
{
	rwb(f, "zoo/sched/quokka-v", "The quokka scheduler, first draft: round robin.", "long_term");
	rwb(f, "zoo/sched/quokka-v",
	    "The quokka scheduler balances tasks:\n```rust\nfn pick(q: &mut Vec<Task>) -> Option<Task> { q.pop() }\n```\n",
	    "long_term");
	rwb(f, "zoo/other/wombat", "A wombat cache that mentions the scheduler once.", "mid_term");
	rwb(f, "zoo/other/echidna", "Echidna notes: nothing about that here.", "short_term");
	rwb(f, "evil/p/escape", "before \033]0;pwned\007\033[2J after", "mid_term");
}

static struct screen *start(struct tu_world *f, int cols, int rows)
{
	return tu_world_start(f, f->dir, cols, rows, NULL, NULL);
}

static void expect(struct screen *s, const char *text)
{
	screen_expect(s, text);
}

static void quit(struct screen *s)
{
	screen_quit(s);
}

/* The entry at key as /memory-retrieve --json prints it (allocated). */
static char *retrieve(struct tu_world *f, const char *key)
{
	char *const argv[] = { RWB_BINARY, "--db", f->db, "--json", "/memory-retrieve", "--key", (char *)key, NULL };
	char *out = NULL;

	assert_int_equal(tu_run(f->dir, argv, NULL, &out, NULL), 0);
	return out;
}

static int row_of(struct screen *s, const char *text)
{
	int r = -1, c;

	if (!screen_find(s, text, &r, &c))
		return -1;
	return r;
}

static void test_search_open_history(void **state)
{
	struct tu_world *f = *state;
	struct screen *s;
	int top, other;

	populate(f);
	s = start(f, 120, 40);
	screen_send(s, K_F5);
	screen_send(s, K_F6); /* zoom the browser */
	expect(s, "zoo/sched/quokka-v");
	expect(s, "4 entries");
	/* the tree has namespaces and projects with counts */
	expect(s, "(all)");
	assert_true(screen_contains(s, "sched"));

	screen_send(s, "/");
	/* type the query one key at a time: results follow each key */
	const char *q = "quokka schedlr";
	for (const char *p = q; *p; p++) {
		char k[2] = { *p, 0 };
		screen_send(s, k);
		screen_pump(s, 30);
	}
	expect(s, "/ quokka schedlr");
	expect(s, "results");
	top = row_of(s, "zoo/sched/quokka-v");
	other = row_of(s, "zoo/other/wombat");
	if (top < 0 || (other >= 0 && other < top)) {
		screen_dump(s);
		fail_msg("quokka entry not first (rows %d vs %d)", top, other);
	}
	/* leave the field, open the entry */
	screen_send(s, K_ENTER);
	screen_send(s, K_ENTER);
	expect(s, "j/k scroll");
	expect(s, "fn pick(q: &mut Vec<Task>)");
	expect(s, "long_term  v2");
	{
		/* the code is highlighted as Rust: the keyword fn is drawn unlike the name pick */
		struct screen_cell_info kw, name;
		int r, c;
		assert_true(screen_find(s, "fn pick(", &r, &c));
		screen_cell(s, r, c, &kw);
		screen_cell(s, r, c + 3, &name);
		assert_true(kw.fg_index != name.fg_index || kw.bold != name.bold || kw.fg_r != name.fg_r ||
			    kw.fg_g != name.fg_g || kw.fg_b != name.fg_b || kw.fg_default != name.fg_default);
	}
	/* its history (H: h goes back): two versions, the newest current */
	screen_send(s, "H");
	expect(s, "Enter/r restore");
	expect(s, "v2");
	assert_true(screen_contains(s, "current"));
	expect(s, "v1");
	/* restore v1: it becomes v3 */
	screen_send(s, "j");
	expect(s, "first draft");
	screen_send(s, "r");
	expect(s, "restored zoo/sched/quokka-v v1 as v3");
	expect(s, "v3");
	screen_send(s, "q");
	expect(s, "long_term  v3");
	/* a stray d in the entry view asks first; n keeps the entry */
	screen_send(s, "d");
	expect(s, "Delete memory entry zoo/sched/quokka-v?");
	screen_send(s, "n");
	expect(s, "kept zoo/sched/quokka-v");
	/* h leads back to the list, as q does */
	screen_send(s, "h");
	expect(s, "Enter open");
	assert_false(screen_contains(s, "Enter/r restore"));
	/* the tab-switch keys work from an open entry */
	screen_send(s, K_ENTER);
	expect(s, "q/h back");
	screen_send(s, "2");
	expect(s, "[Metrics]");
	quit(s);
	{
		char *out = retrieve(f, "zoo/sched/quokka-v");
		assert_non_null(strstr(out, "first draft"));
		assert_non_null(strstr(out, "\"version\":3"));
		free(out);
	}
}

/* A key too long for the list is shortened in the middle (its first and
 * last parts), and the preview's heading has the whole of it. */
static void test_long_key_middle(void **state)
{
	struct tu_world *f = *state;
	static const char *key = "aardvark/a-quite-long-namespace-segment-here/scheduling/the-very-long-entry-name";
	struct screen *s;

	rwb(f, key, "Aardvark notes.", "long_term");
	s = start(f, 120, 40);
	screen_send(s, K_F5);
	screen_send(s, K_F6);
	expect(s, "…/the-very-long-entry-name");
	assert_false(screen_contains(s, "aardvark/a-quite-long-namespace-segment-here/schedulin "));
	/* the preview's heading has the whole key, over two lines at this width */
	expect(s, "aardvark/a-quite-long-namespace-segment-here/sch");
	expect(s, "eduling/the-very-long-entry-name");
	quit(s);
}

static void test_delete_undo_filters_resize(void **state)
{
	struct tu_world *f = *state;
	struct screen *s;

	populate(f);
	s = start(f, 120, 40);
	screen_send(s, K_F5);
	screen_send(s, K_F6);
	expect(s, "4 entries");
	/* the escape sequences in a value are shown, not obeyed */
	expect(s, "evil/p/escape");
	screen_send(s, "g");
	expect(s, "before ");
	expect(s, " after");
	assert_true(screen_contains(s, "^[]0;pwned^G^[[2J"));
	assert_true(screen_contains(s, "zoo/sched/quokka-v"));
	/* layer filter: L cycles all -> short_term */
	screen_send(s, "L");
	expect(s, "layer:short_term");
	expect(s, "1 entries");
	assert_true(screen_contains(s, "zoo/other/echidna"));
	assert_false(screen_contains(s, "zoo/other/wombat"));
	screen_send(s, "LLL");
	expect(s, "layer:all");
	expect(s, "4 entries");
	/* delete the selected (first) entry, then undo */
	screen_send(s, "g");
	screen_send(s, "d");
	expect(s, "Delete memory entry evil/p/escape?");
	screen_send(s, "y");
	expect(s, "deleted evil/p/escape; u undoes");
	expect(s, "3 entries");
	screen_send(s, "u");
	expect(s, "brought back evil/p/escape");
	expect(s, "4 entries");
	/* what another process (an agent over MCP, another rwb) stores shows up at once */
	{
		char *script = xasprintf("printf '%%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
					 "\"params\":{\"name\":\"memory_store\",\"arguments\":{\"key\":\"agents/p/from-agent\","
					 "\"text\":\"stored by an agent\"}}}' | '%s' --db '%s' mcp > /dev/null",
					 RWB_BINARY, f->db);
		assert_int_equal(tu_sh(f->dir, script), 0);
		free(script);
	}
	expect(s, "agents/p/from-agent");
	expect(s, "5 entries");
	/* resize: still drawn, without the tree when narrow */
	screen_resize(s, 80, 24);
	screen_pump(s, 300);
	expect(s, "5 entries");
	assert_false(screen_contains(s, "(all)"));
	screen_resize(s, 120, 40);
	expect(s, "(all)");
	quit(s);
}

static void write_script(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(body, fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0755), 0);
}

/* Opens the Memory tab with EDITOR=editor and presses e on its entry. */
static struct screen *edit_with(struct tu_world *f, const char *editor)
{
	char *env_editor = xasprintf("EDITOR=%s", editor);
	char *env[] = { env_editor, "VISUAL=", NULL };
	struct screen *s = tu_world_start(f, f->dir, 120, 40, env, NULL);

	free(env_editor);
	screen_send(s, K_F5);
	expect(s, "zoo/edit/me");
	screen_send(s, "e");
	return s;
}

/* e opens the entry in $EDITOR as a job of the terminal pane; what the
 * editor saves becomes the next version, a failed editor changes nothing */
static void test_edit_in_editor(void **state)
{
	struct tu_world *f = *state;
	char *ed = xasprintf("%s/ed.sh", f->dir), *bad = xasprintf("%s/bad.sh", f->dir), *out;
	struct screen *s;

	write_script(ed, "#!/bin/sh\nprintf 'edited in the editor\\n' >> \"$1\"\n");
	write_script(bad, "#!/bin/sh\necho broken >> \"$1\"\nexit 4\n");
	rwb(f, "zoo/edit/me", "The text before the edit.", "mid_term");
	s = edit_with(f, ed);
	expect(s, "saved zoo/edit/me as v2");
	quit(s);
	out = retrieve(f, "zoo/edit/me");
	assert_non_null(strstr(out, "The text before the edit.edited in the editor\\n"));
	assert_non_null(strstr(out, "\"version\":2"));
	free(out);
	/* an editor that fails: the entry stays at v2 */
	s = edit_with(f, bad);
	expect(s, "the editor ended with status 4; zoo/edit/me unchanged");
	quit(s);
	out = retrieve(f, "zoo/edit/me");
	assert_null(strstr(out, "broken"));
	assert_non_null(strstr(out, "\"version\":2"));
	free(out);
	free(ed);
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_open_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_key_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_undo_filters_resize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_in_editor, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
