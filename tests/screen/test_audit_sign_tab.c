/*
 * test_audit_sign_tab.c - signatures in the Audit tab of the real binary:
 * verdicts signed with keys made here by ssh-keygen show the principal of
 * the allowed signers, an unsigned verdict shows as unsigned, the `v`
 * filter keeps only items approved by signatures, and a signed verdict
 * edited in the store behind rwb's back shows as FORGED with why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "testutil.h"
#include "xalloc.h"

static const char *lib_rs =
	"pub fn first(v: &[u8]) -> u8 {\n"
	"    // SAFETY: v is not empty\n"
	"    unsafe { *v.get_unchecked(0) }\n"
	"}\n"
	"\n"
	"pub fn second(v: &[u8]) -> u8 {\n"
	"    // SAFETY: v has two bytes\n"
	"    unsafe { *v.get_unchecked(1) }\n"
	"}\n";

/* Runs rwb with args in repo (HOME and the store of the test); its stdout. */
static char *rwb(const char *home, const char *db, const char *repo, const char *const args[])
{
	char *argv[32], *out = NULL, *err = NULL;
	char *h = xasprintf("HOME=%s", home);
	char *env[] = { h, "GIT_CONFIG_NOSYSTEM=1", NULL };
	int n = 0;

	argv[n++] = RWB_BINARY;
	argv[n++] = "--db";
	argv[n++] = (char *)db;
	argv[n++] = "--repo";
	argv[n++] = (char *)repo;
	for (int i = 0; args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	int rc = tu_run(repo, argv, env, &out, &err);
	if (rc != 0)
		fprintf(stderr, "rwb %s: %d: %s\n", args[0], rc, err ? err : "");
	assert_int_equal(rc, 0);
	free(err);
	free(h);
	return out;
}

static char *id_at(const char *json, int line)
{
	char want[32];

	snprintf(want, sizeof(want), "\"line\":%d,", line);
	for (const char *p = json; (p = strstr(p, "{\"id\":\"")); p++) {
		const char *q = strstr(p, want), *next = strstr(p + 1, "{\"id\":\"");
		if (q && (!next || q < next))
			return xstrndup(p + 7, 10);
	}
	fail_msg("no item at line %d", line);
	return NULL;
}

static void test_signed_verdicts_shown(void **state)
{
	char *dir = tu_tmpdir();
	char *repo = xasprintf("%s/crate", dir), *db = xasprintf("%s/rwb.db", dir);
	char *home = xasprintf("%s/home", dir), *path = xasprintf("%s/src/lib.rs", repo);
	char *alice = xasprintf("%s/alice", dir), *bob = xasprintf("%s/bob", dir);
	char *henv = xasprintf("HOME=%s", home);
	char *env[] = { henv, "GIT_CONFIG_NOSYSTEM=1", "RWB_REVIEWER=alice", NULL };
	char *const argv[] = { RWB_BINARY, "--db", db, "--repo", repo, NULL };
	struct screen *s;
	char *out, *sh;
	(void)state;

	tu_write(path, lib_rs);
	sh = xasprintf("mkdir -p %s %s/.rwb && ssh-keygen -q -t ed25519 -N '' -f %s && "
		       "ssh-keygen -q -t ed25519 -N '' -f %s && "
		       "{ echo \"alice@example.com $(cut -d' ' -f1,2 %s.pub)\"; "
		       "echo \"bob@example.com $(cut -d' ' -f1,2 %s.pub)\"; } > %s/.rwb/allowed_signers",
		       home, repo, alice, bob, alice, bob, repo);
	assert_int_equal(tu_sh(dir, sh), 0);
	free(sh);
	out = rwb(home, db, repo, (const char *[]){ "--json", "/unsafe-audit", NULL });
	char *id1 = id_at(out, 3), *id2 = id_at(out, 8);
	free(out);
	free(rwb(home, db, repo, (const char *[]){ "/audit-review", "--id", id1, "--verdict", "sound",
			"--reviewer", "alice", "--key", alice, "--note", "bounds checked", NULL }));
	free(rwb(home, db, repo, (const char *[]){ "/audit-review", "--id", id1, "--verdict", "sound",
			"--reviewer", "bob", "--key", bob, "--note", "agreed", NULL }));
	free(rwb(home, db, repo, (const char *[]){ "/audit-review", "--id", id2, "--verdict", "sound",
			"--reviewer", "alice", "--key", alice, NULL }));
	free(rwb(home, db, repo, (const char *[]){ "/audit-review", "--id", id2, "--verdict", "sound",
			"--reviewer", "carol", "--unsigned", NULL }));

	s = screen_start(argv, 120, 40, env);
	assert_true(screen_wait_for(s, "Browser", 5000));
	screen_send(s, K_F5);
	screen_pump(s, 200);
	screen_send(s, "3");
	screen_pump(s, 200);
	screen_send(s, K_F6);
	if (!screen_wait_for(s, "[signed alice@example.com]", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "alice: sound  bounds checked  [signed alice@example.com]"));
	assert_true(screen_contains(s, "bob: sound  agreed  [signed bob@example.com]"));
	assert_true(screen_contains(s, "2 items, 2 documented, 2 reviewed"));

	/* v: only the item that signatures alone approve */
	screen_send(s, "v");
	assert_true(screen_wait_for(s, "filter: approved by signatures", 3000));
	if (!screen_wait_for(s, "1 item, 1 documented, 1 reviewed", 3000))
		screen_dump(s);
	assert_true(screen_contains(s, "1 item, 1 documented, 1 reviewed"));
	screen_send(s, "a");
	assert_true(screen_wait_for(s, "filter: all", 3000));
	screen_send(s, "j");
	if (!screen_wait_for(s, "carol: sound  [unsigned]", 3000))
		screen_dump(s);
	assert_true(screen_contains(s, "carol: sound  [unsigned]"));

	/* bob's note changed in the store behind rwb's back: forged */
	sh = xasprintf("python3 -c \"import sqlite3; c = sqlite3.connect('%s'); "
		       "c.execute(\\\"UPDATE audit_verdicts SET note = 'rubber stamp' WHERE reviewer = 'bob'\\\"); "
		       "c.commit()\"", db);
	assert_int_equal(tu_sh(dir, sh), 0);
	free(sh);
	screen_send(s, "k");
	if (!screen_wait_for(s, "[FORGED] forged: the signature does not match", 5000))
		screen_dump(s);
	assert_true(screen_contains(s, "bob: sound  rubber stamp  [FORGED] forged: the signature does not match"));
	assert_true(screen_contains(s, "partial 1/2 FORGED"));

	screen_send(s, K_CTRL_Q);
	screen_wait_exit(s, 5000);
	screen_free(s);
	free(id1);
	free(id2);
	tu_rmtree(dir);
	free(dir);
	free(repo);
	free(db);
	free(home);
	free(path);
	free(alice);
	free(bob);
	free(henv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_verdicts_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
