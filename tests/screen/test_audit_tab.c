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
	assert_true(screen_contains(s, "alice: sound  bounds checked by caller"));

	/* the pair reviewer signs off from another process */
	{
		char *out = NULL, *err = NULL;
		char *const rv[] = { RWB_BINARY, "--db", db, "--repo", repo, "/audit-review", "--id", id,
				     "--verdict", "sound", "--reviewer", "bob", "--note", "agreed", NULL };
		long t0;
		assert_int_equal(tu_run(repo, rv, NULL, &out, &err), 0);
		t0 = now_ms();
		bool seen = screen_wait_for(s, "approved 2/2", 1000);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_tab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
