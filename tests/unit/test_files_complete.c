/*
 * test_files_complete.c - Tab candidates from the repository: branches,
 * tags, remote-tracking branches and remote names from a real git
 * repository, benchmark names from target/criterion, unsafe item ids from
 * the audit ledger and memory keys from the memory store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "complete_kinds.h"
#include "memory.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The candidates sorted (complete_line sorts what providers add). */
static char *joined(struct completion *c)
{
	struct strbuf sb = STRBUF_INIT;
	if (c->n)
		qsort(c->items, (size_t)c->n, sizeof(*c->items), cmp);
	for (int i = 0; i < c->n; i++) {
		if (i)
			strbuf_addc(&sb, ' ');
		strbuf_adds(&sb, c->items[i]);
	}
	return strbuf_detach(&sb);
}

static void check(struct complete_kinds_env *env, enum complete_kind kind, const char *prefix, const char *want)
{
	struct completion c = { 0 };
	char *got;

	complete_kinds_provide(env, kind, prefix, &c);
	got = joined(&c);
	if (strcmp(got, want) != 0)
		fail_msg("kind %d prefix '%s': got '%s', wanted '%s'", kind, prefix, got, want);
	free(got);
	complete_release(&c);
}

static void test_kinds(void **state)
{
	char *dir = tu_tmpdir();
	struct complete_kinds_env env = { NULL, dir };
	(void)state;
	assert_int_equal(tu_sh(dir, "git init -q -b main . && git -c user.name=t -c user.email=t@x commit -q --allow-empty -m i && "
				    "git branch feature/one && git branch fix && git tag v1.0 && git tag v2.0 && "
				    "git remote add upstream https://example.invalid/x.git && "
				    "git update-ref refs/remotes/upstream/main HEAD && "
				    "git symbolic-ref refs/remotes/upstream/HEAD refs/remotes/upstream/main && "
				    "mkdir -p target/criterion/parse_small/new target/criterion/parse_big target/criterion/report"), 0);
	check(&env, COMPLETE_GITREF, "", "HEAD feature/one fix main upstream upstream/main v1.0 v2.0");
	check(&env, COMPLETE_GITREF, "f", "feature/one fix");
	check(&env, COMPLETE_GITREF, "v2", "v2.0");
	check(&env, COMPLETE_GITREF, "zzz", "");
	check(&env, COMPLETE_BENCH, "parse_", "parse_big parse_small");
	check(&env, COMPLETE_BENCH, "", "parse_big parse_small");
	check(&env, COMPLETE_MEMKEY, "", "");    /* no store: nothing */
	check(&env, COMPLETE_UNSAFE_ID, "", "");
	/* not a repository: no refs, no crash */
	env.repo = "/nonexistent/rwb";
	check(&env, COMPLETE_GITREF, "", "");
	check(&env, COMPLETE_BENCH, "", "");
	tu_rmtree(dir);
	free(dir);
}

/* Unsafe item ids come from the audit ledger in the store. */
static void test_unsafe_ids(void **state)
{
	char *dir = tu_tmpdir(), *db = xasprintf("%s/rwb.db", dir), *src = xasprintf("%s/src/lib.rs", dir);
	char *want;
	struct store *s = NULL;
	struct audit_list l = { 0 };
	struct complete_kinds_env env;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	tu_write(src, "pub fn a(p: *const u8) -> u8 {\n    // SAFETY: the caller passes a valid pointer\n"
		      "    unsafe { *p }\n}\n\npub unsafe fn b() {}\n");
	assert_int_equal(store_open(&s, db, true), 0);
	env.store = s;
	env.repo = dir;
	check(&env, COMPLETE_UNSAFE_ID, "", "");
	assert_int_equal(audit_scan(&l, s, dir, NULL), 0);
	assert_int_equal(l.n, 2);
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			strbuf_addc(&sb, ' ');
		strbuf_adds(&sb, l.items[i].id);
	}
	/* the candidates are the scanned ids (sorted), and a prefix narrows them */
	want = strcmp(l.items[0].id, l.items[1].id) < 0 ? xasprintf("%s %s", l.items[0].id, l.items[1].id)
							 : xasprintf("%s %s", l.items[1].id, l.items[0].id);
	check(&env, COMPLETE_UNSAFE_ID, "", want);
	{
		char prefix[11];
		snprintf(prefix, sizeof(prefix), "%s", l.items[0].id);
		check(&env, COMPLETE_UNSAFE_ID, prefix, l.items[0].id);
	}
	check(&env, COMPLETE_UNSAFE_ID, "zz", "");
	free(want);
	/* memory keys from the memory store */
	{
		struct memory_entry e = { 0 };
		const char *keys[] = { "team/app/async-patterns", "team/app/errors", "other/x/y" };
		for (int i = 0; i < 3; i++) {
			struct memory_input in = { .key = keys[i], .value = "v" };
			assert_int_equal(memory_store(s, &e, &in), 0);
			memory_entry_release(&e);
		}
		check(&env, COMPLETE_MEMKEY, "team/app/", "team/app/async-patterns team/app/errors");
		check(&env, COMPLETE_MEMKEY, "o", "other/x/y");
		check(&env, COMPLETE_MEMKEY, "nope", "");
	}
	strbuf_free(&sb);
	audit_list_release(&l);
	store_free(s);
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_unsafe_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
