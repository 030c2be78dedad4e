/*
 * test_audit_tab.c - the Audit tab in the real binary: F5 and the Audit
 * tab show the repository's unsafe items grouped by file with counts and
 * the selected item's SAFETY comment and code; `s` with a note records a
 * verdict and the status changes; a verdict recorded by another rwb
 * process (`rwb /audit-review`) on the same store shows within a second;
 * the tab survives a resize.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "screen.h"
#include "testutil.h"
#include "xalloc.h"

static const char *lib_rs =
	"pub struct Buf(*const u8);\n"
	"\n"
	"pub fn first(b: &Buf) -> u8 {\n"
	"    // SAFETY: Buf always points at one readable byte\n"
	"    unsafe { *b.0 }\n"
	"}\n"
	"\n"
	"pub fn second(b: &Buf) -> u8 {\n"
	"    unsafe { *b.0.add(1) }\n"
	"}\n";

static long now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000L + tv.tv_usec / 1000;
}

/* The id of the item at line `line` from `rwb --json /unsafe-audit`. */
static char *item_id(const char *db, const char *repo, int line)
{
	char *out = NULL, *err = NULL, *id = NULL, want[32];
	char *const argv[] = { RWB_BINARY, "--db", (char *)db, "--repo", (char *)repo, "--json",
			       "/unsafe-audit", NULL };

	assert_int_equal(tu_run(repo, argv, NULL, &out, &err), 0);
	snprintf(want, sizeof(want), "\"line\":%d,", line);
	/* items print as {"id":"..","file":"..","line":N,...} */
	for (char *p = out; (p = strstr(p, "{\"id\":\"")); p++) {
		char *q = strstr(p, want), *next = strstr(p + 1, "{\"id\":\"");
		if (q && (!next || q < next)) {
			id = xstrndup(p + 7, 10);
			break;
		}
	}
	free(out);
	free(err);
	assert_non_null(id);
	return id;
}

static void test_audit_tab(void **state)
{
	char *dir = tu_tmpdir();
	char *repo = xasprintf("%s/crate", dir);
	char *db = xasprintf("%s/rwb.db", dir);
	char *path = xasprintf("%s/src/lib.rs", repo);
	char *env[] = { "RWB_REVIEWER=alice", NULL };
	char *const argv[] = { RWB_BINARY, "--db", db, "--repo", repo, NULL };
	struct screen *s;
	(void)state;

	tu_write(path, lib_rs);
	char *id = item_id(db, repo, 9);
	s = screen_start(argv, 120, 40, env);
	assert_true(screen_wait_for(s, "Browser", 5000));
	screen_send(s, K_F5);
	screen_pump(s, 200);
	screen_send(s, "3");
	screen_pump(s, 200);
	screen_send(s, K_F6);   /* zoom the browser pane */
	if (!screen_wait_for(s, "src/lib.rs", 5000))
		screen_dump(s);
	if (!screen_contains(s, "2 items, 1 documented, 0 reviewed"))
		screen_dump(s);
	assert_true(screen_contains(s, "2 items, 1 documented, 0 reviewed"));
	if (!screen_wait_for(s, "UNDOCUMENTED", 3000))
		screen_dump(s);
	assert_true(screen_contains(s, "UNDOCUMENTED"));
	/* the first item is selected: its SAFETY comment and code are shown */
	assert_true(screen_contains(s, "SAFETY: Buf always points at one readable byte"));
	assert_true(screen_contains(s, "unsafe { *b.0 }"));

	/* move to the second item and sign it off with a note */
	screen_send(s, "j");
	assert_true(screen_wait_for(s, "unsafe { *b.0.add(1) }", 3000));
	assert_true(screen_wait_for(s, "unreviewed 0/2", 3000));
	screen_send(s, "s");
	assert_true(screen_wait_for(s, "note for sound", 3000));
	screen_send(s, "bounds checked by caller");
	screen_send(s, K_ENTER);
	if (!screen_wait_for(s, "partial 1/2", 3000))
		screen_dump(s);
	/* the verdict moved the cursor on to the item still to review (the
	 * first, from the top); back to the second to read the verdict */
	assert_true(screen_wait_for(s, "unreviewed 0/2 (clippy", 3000) ||
		    screen_contains(s, "unreviewed (0 of 2 sound"));
	screen_send(s, "j");
	assert_true(screen_wait_for(s, "alice: sound  bounds checked by caller", 3000));

	/* the pair reviewer signs off from another process */
	{
		char *out = NULL, *err = NULL;
		char *const rv[] = { RWB_BINARY, "--db", db, "--repo", repo, "/audit-review", "--id", id,
				     "--verdict", "sound", "--reviewer", "bob", "--note", "agreed", NULL };
		long t0;
		assert_int_equal(tu_run(repo, rv, NULL, &out, &err), 0);
		t0 = now_ms();
		bool seen = screen_wait_first(s, "approved 2/2", 1000);
		if (!seen)
			screen_dump(s);
		assert_true(seen);
		assert_true(now_ms() - t0 <= 1000);
		assert_true(screen_contains(s, "bob: sound  agreed"));
		free(out);
		free(err);
	}

	/* filters: the undocumented item stays under `u`, the documented one goes */
	screen_send(s, "u");
	assert_true(screen_wait_for(s, "filter: undocumented", 3000));
	assert_true(screen_contains(s, "1 item, 0 documented, 1 reviewed"));
	screen_send(s, "a");
	assert_true(screen_wait_for(s, "filter: all", 3000));

	/* resize: still drawn */
	screen_resize(s, 90, 30);
	assert_true(screen_wait_for(s, "src/lib.rs", 3000));
	assert_true(screen_contains(s, "filter: all"));

	screen_send(s, K_CTRL_Q);
	screen_wait_exit(s, 5000);
	screen_free(s);
	free(id);
	tu_rmtree(dir);
	free(dir);
	free(repo);
	free(db);
	free(path);
}

static const char *three_rs =
	"pub struct Buf(*const u8);\n"
	"pub fn one(b: &Buf) -> u8 {\n"
	"    unsafe { *b.0 }\n"
	"}\n"
	"pub fn two(b: &Buf) -> u8 {\n"
	"    unsafe { *b.0.add(1) }\n"
	"}\n"
	"pub fn three(b: &Buf) -> u8 {\n"
	"    unsafe { *b.0.add(2) }\n"
	"}\n";

/* The row the detail's header (id, kind, fn) is on names fn. */
static bool detail_is(struct screen *s, const char *fn)
{
	char want[64];
	snprintf(want, sizeof(want), "block %s  in src/lib.rs", fn);
	return screen_contains(s, want);
}

/*
 * A verdict moves on to the next item to review; a save rescans the file
 * it touched (no R); an item whose code changed shows the verdicts on its
 * previous version. And the divider between list and detail is drawn
 * with U+2500, as the frames are, not the narrow ACS_HLINE (which tmux
 * showed as `qqqq`). (This harness's ncursesw turns ACS_HLINE into U+2500
 * as well, so that check alone does not fail on the old code.)
 */
static void test_audit_flow(void **state)
{
	char *dir = tu_tmpdir();
	char *repo = xasprintf("%s/crate", dir);
	char *db = xasprintf("%s/rwb.db", dir);
	char *path = xasprintf("%s/src/lib.rs", repo);
	char *env[] = { "RWB_REVIEWER=alice", NULL };
	char *const argv[] = { RWB_BINARY, "--db", db, "--repo", repo, NULL };
	struct screen *s;
	int row, col;
	(void)state;

	tu_write(path, three_rs);
	s = screen_start(argv, 120, 40, env);
	assert_true(screen_wait_for(s, "Browser", 5000));
	screen_send(s, K_F5);
	screen_pump(s, 200);
	screen_send(s, "3");
	screen_pump(s, 200);
	screen_send(s, K_F6);
	assert_true(screen_wait_for(s, "3 items, 0 documented", 5000));
	assert_true(screen_wait_for(s, "unsafe { *b.0 }", 3000));
	assert_true(detail_is(s, "one"));

	/* the divider: a row of U+2500 across the pane */
	assert_true(screen_find(s, "──────────────────────────────────────────", &row, &col));
	{
		char *line = screen_row(s, row);
		assert_null(strstr(line, "qqqq"));
		assert_null(strstr(line, "--"));
		free(line);
	}

	/* a verdict on `one` moves on to `two` */
	screen_send(s, "s");
	assert_true(screen_wait_for(s, "note for sound", 3000));
	screen_send(s, "reads one byte" K_ENTER);
	assert_true(screen_wait_for(s, "sound recorded by alice", 3000));
	/* (the status line can come in one write and the detail in the next) */
	if (!screen_wait_for(s, "block two  in src/lib.rs", 3000))
		screen_dump(s);
	assert_true(detail_is(s, "two"));

	/* a save that changes `one`: rescanned without R, and the new code
	 * shows what was said about the old */
	tu_write(path, "pub struct Buf(*const u8);\n"
		       "pub fn one(b: &Buf) -> u8 {\n"
		       "    unsafe { *b.0 | 1 }\n"
		       "}\n"
		       "pub fn two(b: &Buf) -> u8 {\n"
		       "    unsafe { *b.0.add(1) }\n"
		       "}\n"
		       "pub fn three(b: &Buf) -> u8 {\n"
		       "    unsafe { *b.0.add(2) }\n"
		       "}\n");
	if (!screen_wait_for(s, "saved: rescanned src/lib.rs", 4000))
		screen_dump(s);
	assert_true(screen_contains(s, "saved: rescanned src/lib.rs"));
	screen_send(s, "k");
	assert_true(screen_wait_for(s, "unsafe { *b.0 | 1 }", 3000));
	if (!screen_wait_for(s, "before the code changed, alice: sound  reads one byte", 3000))
		screen_dump(s);
	assert_true(screen_contains(s, "before the code changed, alice: sound  reads one byte"));

	screen_send(s, K_CTRL_Q);
	screen_wait_exit(s, 5000);
	screen_free(s);
	tu_rmtree(dir);
	free(dir);
	free(repo);
	free(db);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_tab),
		cmocka_unit_test(test_audit_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
