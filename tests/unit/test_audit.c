/*
 * test_audit.c - the review flow on a real store and real files: two
 * reviewers approve; an edit inside the block resets it to unreviewed (the
 * old id is kept as gone with its verdicts); moving the block 20 lines
 * down keeps the approval; unsound rejects, needs-work holds, the latest
 * verdict per reviewer counts; the reviewer count is settable; export is
 * byte-identical when nothing changed; import into a fresh store restores
 * every verdict and is all-or-nothing with one clear message; .gitignore
 * and target/ are honoured; the counts for the metrics.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit.h"
#include "error.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *dir, *repo, *db;
	struct store *s;
};

static const char *block_src =
	"pub fn get(v: &[u8], i: usize) -> u8 {\n"
	"    assert!(i < v.len());\n"
	"    // SAFETY: i < v.len() was checked above\n"
	"    unsafe { *v.get_unchecked(i) }\n"
	"}\n";

static struct store *open_store(const char *path)
{
	struct store *s = NULL;

	assert_int_equal(store_open(&s, path, true), RWB_OK);
	return s;
}

static void write_src(struct fx *f, const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", f->repo, rel);
	tu_write(p, text);
	free(p);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	f->repo = xasprintf("%s/repo", f->dir);
	f->db = xasprintf("%s/rwb.db", f->dir);
	f->s = open_store(f->db);
	*state = f;
	write_src(f, "src/lib.rs", block_src);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->repo);
	free(f->db);
	free(f);
	return 0;
}

/* Scans and returns the only item's id (asserting there is one). */
static void scan_one(struct fx *f, char id[11], enum audit_status *st, int *line)
{
	struct audit_list l;

	assert_int_equal(audit_scan(&l, f->s, f->repo, NULL), RWB_OK);
	assert_int_equal(l.n, 1);
	memcpy(id, l.items[0].id, 11);
	if (st)
		*st = l.items[0].status;
	if (line)
		*line = l.items[0].line;
	audit_list_release(&l);
}

/* Scans the part only (NULL: all) and says how many items it has. */
static size_t scan_count(struct fx *f, const char *only)
{
	struct audit_list l;
	size_t n;

	assert_int_equal(audit_scan(&l, f->s, f->repo, only), RWB_OK);
	n = l.n;
	audit_list_release(&l);
	return n;
}

/* Scans the whole repository; the one item of file rel: its id and line. */
static void scan_one_of(struct fx *f, const char *rel, char id[11], int *line)
{
	struct audit_list l;
	int found = 0;

	assert_int_equal(audit_scan(&l, f->s, f->repo, NULL), RWB_OK);
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.items[i].file, rel) == 0) {
			memcpy(id, l.items[i].id, 11);
			*line = l.items[i].line;
			found++;
		}
	assert_int_equal(found, 1);
	audit_list_release(&l);
}

static void review(struct fx *f, const char *id, const char *verdict, const char *who)
{
	int rc = audit_review(f->s, f->repo, id, verdict, who, "note");
	if (rc)
		fprintf(stderr, "review: %s\n", rwb_last_error());
	assert_int_equal(rc, RWB_OK);
}

static enum audit_status status_of(struct fx *f, const char *id)
{
	struct audit_list l;
	enum audit_status st;

	assert_int_equal(audit_load(&l, f->s, f->repo, true), RWB_OK);
	struct audit_item *it = audit_list_find(&l, id);
	assert_non_null(it);
	st = it->status;
	audit_list_release(&l);
	return st;
}

static void test_two_reviewers_approve(void **state)
{
	struct fx *f = *state;
	char id[11];
	enum audit_status st;
	int total, documented, reviewed;

	scan_one(f, id, &st, NULL);
	assert_int_equal(st, AUDIT_UNREVIEWED);
	review(f, id, "sound", "alice");
	assert_int_equal(status_of(f, id), AUDIT_PARTIAL);
	review(f, id, "sound", "alice");   /* the same reviewer twice is one */
	assert_int_equal(status_of(f, id), AUDIT_PARTIAL);
	review(f, id, "sound", "bob");
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
	assert_int_equal(audit_counts(f->s, f->repo, &total, &documented, &reviewed), RWB_OK);
	assert_int_equal(total, 1);
	assert_int_equal(documented, 1);
	assert_int_equal(reviewed, 1);
	/* the counts are also kept in their table for the metrics */
	sqlite3_stmt *st2;
	assert_int_equal(store_prepare(f->s, &st2, "SELECT total, documented, reviewed FROM audit_counts WHERE repo = ?"), 0);
	sqlite3_bind_text(st2, 1, f->repo, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st2), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st2, 0), 1);
	assert_int_equal(sqlite3_column_int(st2, 2), 1);
	sqlite3_finalize(st2);
}

static void test_edit_resets_to_unreviewed(void **state)
{
	struct fx *f = *state;
	char id[11], id2[11];
	enum audit_status st;
	struct audit_list l;

	scan_one(f, id, NULL, NULL);
	review(f, id, "sound", "alice");
	review(f, id, "sound", "bob");
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
	/* an edit inside the block */
	write_src(f, "src/lib.rs",
		  "pub fn get(v: &[u8], i: usize) -> u8 {\n"
		  "    assert!(i < v.len());\n"
		  "    // SAFETY: i < v.len() was checked above\n"
		  "    unsafe { *v.get_unchecked(i + 1) }\n"
		  "}\n");
	scan_one(f, id2, &st, NULL);
	assert_string_not_equal(id, id2);
	assert_int_equal(st, AUDIT_UNREVIEWED);
	/* the old item is kept as gone, with its verdicts */
	assert_int_equal(audit_load(&l, f->s, f->repo, true), RWB_OK);
	struct audit_item *old = audit_list_find(&l, id);
	assert_non_null(old);
	assert_true(old->gone);
	assert_int_equal(old->status, AUDIT_GONE);
	assert_int_equal(old->nverdicts, 2);
	audit_list_release(&l);
	/* and cannot be reviewed any more */
	assert_int_equal(audit_review(f->s, f->repo, id, "sound", "carol", ""), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "gone"));
	/* an edit of the SAFETY comment alone also resets */
	review(f, id2, "sound", "alice");
	write_src(f, "src/lib.rs",
		  "pub fn get(v: &[u8], i: usize) -> u8 {\n"
		  "    assert!(i < v.len());\n"
		  "    // SAFETY: i + 1 < v.len() was checked above\n"
		  "    unsafe { *v.get_unchecked(i + 1) }\n"
		  "}\n");
	char id3[11];
	scan_one(f, id3, &st, NULL);
	assert_string_not_equal(id2, id3);
	assert_int_equal(st, AUDIT_UNREVIEWED);
}

/* clippy's verdict alone changing (the module made public in lib.rs, the
 * item's own file untouched) is recorded: a warm scan's comparison with
 * the stored row counts the flag reach_pass decided. */
static void test_clippy_change_recorded(void **state)
{
	struct fx *f = *state;
	const char *vis[] = { "mod inner;\n", "pub mod inner;\n", "mod inner;\n" };
	struct audit_list l;

	write_src(f, "src/inner.rs", "pub unsafe fn raw(p: *const u8) -> u8 {\n    *p\n}\n");
	for (int k = 0; k < 3; k++) {
		write_src(f, "src/lib.rs", vis[k]);
		assert_int_equal(audit_scan(&l, f->s, f->repo, NULL), RWB_OK);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.items[0].clippy_flags, k == 1);
		audit_list_release(&l);
		/* and as stored */
		assert_int_equal(audit_load(&l, f->s, f->repo, false), RWB_OK);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.items[0].clippy_flags, k == 1);
		audit_list_release(&l);
	}
}

/* The stored digests, summed by their low 16 bits (each asserted non-zero). */
static int64_t digest_sum(struct fx *f)
{
	sqlite3_stmt *st;
	int64_t sum = 0;

	assert_int_equal(sqlite3_prepare_v2(f->s->db, "SELECT digest FROM audit_items", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(sqlite3_column_int64(st, 0) != 0);
		sum += sqlite3_column_int64(st, 0) & 0xffff;
	}
	sqlite3_finalize(st);
	return sum;
}

/* A rescan compares digests: nothing changed writes nothing (a whole
 * repository's rescan reads the ids and digests from their index, a
 * scoped one every column); a moved block is written again; rows stored
 * before digests (0) are written once, then left alone. */
static void test_rescan_writes_changes_only(void **state)
{
	struct fx *f = *state;
	struct audit_list l;
	char id[11], id2[11];
	int line, line2;
	int64_t before, sum;

	write_src(f, "src/more.rs", "pub fn f(p: *const u8) -> u8 {\n    // SAFETY: p is valid\n"
		  "    unsafe { *p }\n}\n");
	assert_int_equal(scan_count(f, NULL), 2);
	sum = digest_sum(f);
	/* whole and scoped rescans: not a row written */
	before = store_total_changes(f->s);
	assert_int_equal(scan_count(f, NULL), 2);
	assert_int_equal(scan_count(f, "src"), 2);
	assert_int_equal(scan_count(f, "src/more.rs"), 1);
	assert_int_equal(store_total_changes(f->s), before);
	/* rows from before digests are written once, with the same digests */
	assert_int_equal(sqlite3_exec(f->s->db, "UPDATE audit_items SET digest = 0", NULL, NULL, NULL),
			 SQLITE_OK);
	scan_one_of(f, "src/lib.rs", id, &line);
	assert_int_equal(digest_sum(f), sum);
	before = store_total_changes(f->s);
	scan_one_of(f, "src/lib.rs", id2, &line2);
	assert_int_equal(store_total_changes(f->s), before);
	/* the block moved two lines down: same id, its row written */
	write_src(f, "src/lib.rs", "\n\n");
	{
		char *p = xasprintf("%s/src/lib.rs", f->repo);
		FILE *fp = fopen(p, "a");
		assert_non_null(fp);
		fputs(block_src, fp);
		fclose(fp);
		free(p);
	}
	scan_one_of(f, "src/lib.rs", id2, &line2);
	assert_string_equal(id, id2);
	assert_int_equal(line2, line + 2);
	assert_true(store_total_changes(f->s) > before);
	assert_int_equal(audit_load(&l, f->s, f->repo, false), RWB_OK);
	struct audit_item *it = audit_list_find(&l, id);
	assert_non_null(it);
	assert_int_equal(it->line, line + 2);
	audit_list_release(&l);
}

static void test_move_keeps_approval(void **state)
{
	struct fx *f = *state;
	char id[11], id2[11];
	enum audit_status st;
	int line, line2;
	char *moved = NULL;

	scan_one(f, id, NULL, &line);
	review(f, id, "sound", "alice");
	review(f, id, "sound", "bob");
	/* 20 lines of other code above it */
	{
		char *pad = xstrdup("");
		for (int i = 0; i < 20; i++) {
			char *n = xasprintf("%spub const C%d: u32 = %d;\n", pad, i, i);
			free(pad);
			pad = n;
		}
		moved = xasprintf("%s%s", pad, block_src);
		free(pad);
	}
	write_src(f, "src/lib.rs", moved);
	free(moved);
	scan_one(f, id2, &st, &line2);
	assert_string_equal(id, id2);
	assert_int_equal(line2, line + 20);
	assert_int_equal(st, AUDIT_APPROVED);
}

static void test_unsound_rejects(void **state)
{
	struct fx *f = *state;
	char id[11];

	scan_one(f, id, NULL, NULL);
	review(f, id, "sound", "alice");
	review(f, id, "sound", "bob");
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
	review(f, id, "unsound", "carol");
	assert_int_equal(status_of(f, id), AUDIT_REJECTED);
	/* needs-work outranks sound, unsound outranks needs-work */
	review(f, id, "needs-work", "dave");
	assert_int_equal(status_of(f, id), AUDIT_REJECTED);
	review(f, id, "sound", "carol");  /* carol changed her mind: her latest counts */
	assert_int_equal(status_of(f, id), AUDIT_NEEDS_WORK);
	review(f, id, "sound", "dave");
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
	/* bad input changes nothing */
	assert_int_equal(audit_review(f->s, f->repo, id, "great", "erin", ""), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "sound, unsound, needs-work"));
	assert_int_equal(audit_review(f->s, f->repo, id, "sound", "", ""), RWB_EINPUT);
	assert_int_equal(audit_review(f->s, f->repo, id, "sound", "a\x1b[31m", ""), RWB_EINPUT);
	assert_int_equal(audit_review(f->s, f->repo, "0123456789", "sound", "erin", ""),
			 RWB_ENOTFOUND);
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
}

static void test_required_reviewers(void **state)
{
	struct fx *f = *state;
	char id[11];
	int n;

	scan_one(f, id, NULL, NULL);
	review(f, id, "sound", "alice");
	assert_int_equal(status_of(f, id), AUDIT_PARTIAL);
	assert_int_equal(store_setting_set(f->s, "audit.required_reviewers", "1"), RWB_OK);
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
	assert_int_equal(audit_set_required(f->s, f->repo, 3), RWB_OK);  /* the repo's own wins */
	assert_int_equal(audit_required(f->s, f->repo, &n), RWB_OK);
	assert_int_equal(n, 3);
	review(f, id, "sound", "bob");
	assert_int_equal(status_of(f, id), AUDIT_PARTIAL);
	review(f, id, "sound", "carol");
	assert_int_equal(status_of(f, id), AUDIT_APPROVED);
	assert_int_equal(audit_set_required(f->s, f->repo, 0), RWB_EINPUT);
}

static void test_export_import(void **state)
{
	struct fx *f = *state;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	struct audit_list l1, l2;
	int ni, nv;

	write_src(f, "src/more.rs",
		  "pub unsafe fn raw() {}\n"
		  "// SAFETY: plain data\n"
		  "unsafe impl Send for X {}\n");
	assert_int_equal(audit_scan(&l1, f->s, f->repo, NULL), RWB_OK);
	assert_int_equal(l1.n, 3);
	review(f, l1.items[0].id, "sound", "alice");
	review(f, l1.items[0].id, "sound", "bob");
	review(f, l1.items[1].id, "needs-work", "alice");
	review(f, l1.items[2].id, "unsound", "bob");
	audit_list_release(&l1);

	assert_int_equal(audit_export(&a, f->s, f->repo, &ni, &nv), RWB_OK);
	assert_int_equal(ni, 3);
	assert_int_equal(nv, 4);
	assert_int_equal(audit_scan(&l1, f->s, f->repo, NULL), RWB_OK);
	audit_list_release(&l1);
	assert_int_equal(audit_export(&b, f->s, f->repo, &ni, &nv), RWB_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);   /* byte-identical */
	/* one entry per line */
	assert_non_null(strstr(a.buf, "\n    {\"id\":"));

	/* a fresh store: import, scan, same status everywhere */
	char *db2 = xasprintf("%s/fresh.db", f->dir);
	struct store *s2 = open_store(db2);
	assert_int_equal(audit_import(s2, f->repo, a.buf, a.len, &ni, &nv), RWB_OK);
	assert_int_equal(ni, 3);
	assert_int_equal(nv, 4);
	assert_int_equal(audit_scan(&l2, s2, f->repo, NULL), RWB_OK);
	assert_int_equal(audit_load(&l1, f->s, f->repo, false), RWB_OK);
	assert_int_equal(l1.n, l2.n);
	for (size_t i = 0; i < l1.n; i++) {
		assert_string_equal(l1.items[i].id, l2.items[i].id);
		assert_int_equal(l1.items[i].status, l2.items[i].status);
		assert_int_equal(l1.items[i].nverdicts, l2.items[i].nverdicts);
	}
	assert_int_equal(l2.items[0].status, AUDIT_APPROVED);
	audit_list_release(&l1);
	audit_list_release(&l2);
	/* importing again adds nothing; its export is the same file */
	assert_int_equal(audit_import(s2, f->repo, a.buf, a.len, &ni, &nv), RWB_OK);
	assert_int_equal(nv, 0);
	assert_int_equal(audit_export(&c, s2, f->repo, &ni, &nv), RWB_OK);
	assert_int_equal(a.len, c.len);
	assert_memory_equal(a.buf, c.buf, a.len);
	store_free(s2);
	free(db2);
	strbuf_free(&a);
	strbuf_free(&b);
	strbuf_free(&c);
}

static int verdict_rows(struct store *s)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(store_prepare(s, &st, "SELECT COUNT(*) FROM audit_verdicts"), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_import_is_all_or_nothing(void **state)
{
	struct fx *f = *state;
	char id[11];
	int ni, nv;
	struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "not json", "not a JSON object" },
		{ "{\"version\":2,\"items\":[],\"verdicts\":[]}", "version" },
		{ "{\"version\":1,\"verdicts\":[]}", "items" },
		{ "{\"version\":1,\"items\":[],\"verdicts\":[{\"id\":\"%s\",\"fingerprint\":\"0000000000000000\","
		  "\"reviewer\":\"x\",\"verdict\":\"sound\",\"at\":1},"
		  "{\"id\":\"%s\",\"fingerprint\":\"0000000000000000\",\"reviewer\":\"y\",\"verdict\":\"great\",\"at\":2}]}",
		  "verdicts[1].verdict" },
		{ "{\"version\":1,\"items\":[],\"verdicts\":[{\"id\":\"%s\",\"fingerprint\":\"0000000000000000\","
		  "\"verdict\":\"sound\",\"at\":1}]}", "verdicts[0].reviewer" },
		{ "{\"version\":1,\"items\":[{\"id\":\"abcdefabcd\",\"file\":\"../etc/passwd\",\"kind\":\"block\","
		  "\"fingerprint\":\"0000000000000000\"}],\"verdicts\":[]}", "items[0].file" },
		{ "{\"version\":1,\"items\":[{\"id\":\"abcdefabcd\",\"file\":\"a.rs\",\"kind\":\"loop\","
		  "\"fingerprint\":\"0000000000000000\"}],\"verdicts\":[]}", "items[0].kind" },
		{ "{\"version\":1,\"items\":[],\"verdicts\":[{\"id\":\"ffffffffff\",\"fingerprint\":\"0000000000000000\","
		  "\"reviewer\":\"x\",\"verdict\":\"sound\",\"at\":1}]}", "verdicts[0].id" },
		{ "{\"version\":1,\"items\":[],\"verdicts\":[{\"id\":\"%s\",\"fingerprint\":\"0000000000000000\","
		  "\"reviewer\":\"x\",\"verdict\":\"sound\",\"at\":-5}]}", "verdicts[0].at" },
		{ "{\"version\":1,\"required_reviewers\":0,\"items\":[],\"verdicts\":[]}", "required_reviewers" },
	};

	scan_one(f, id, NULL, NULL);
	review(f, id, "sound", "alice");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = xasprintf(bad[i].text, id, id);
		int before = verdict_rows(f->s);
		int rc = audit_import(f->s, f->repo, text, strlen(text), &ni, &nv);
		if (rc == RWB_OK || !strstr(rwb_last_error(), bad[i].msg))
			fprintf(stderr, "case %zu: rc %d, message: %s\n", i, rc, rwb_last_error());
		assert_int_equal(rc, RWB_EINPUT);
		assert_non_null(strstr(rwb_last_error(), bad[i].msg));
		assert_null(strchr(rwb_last_error(), '\n'));
		assert_int_equal(verdict_rows(f->s), before);   /* nothing written */
		free(text);
	}
}

static void test_walk_honours_gitignore(void **state)
{
	struct fx *f = *state;
	struct audit_list l;
	const char *u = "pub fn f(p: *const u8) -> u8 { unsafe { *p } }\n";

	assert_int_equal(tu_sh(f->repo, "git init -q . && printf 'generated/\\n*.gen.rs\\n' > .gitignore"), 0);
	write_src(f, "generated/x.rs", u);
	write_src(f, "src/y.gen.rs", u);
	/* files.c's rules: cargo's target beside Cargo.toml is skipped, a
	 * module folder named target is not; hidden folders are walked, as
	 * git tracks them */
	write_src(f, "Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n");
	write_src(f, "target/debug/build/z.rs", u);
	write_src(f, ".hidden/w.rs", u);
	write_src(f, "src/a/b.rs", u);
	write_src(f, "src/target/m.rs", u);
	assert_int_equal(audit_scan(&l, f->s, f->repo, NULL), RWB_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.items[0].file, ".hidden/w.rs");
	assert_string_equal(l.items[1].file, "src/a/b.rs");
	assert_string_equal(l.items[1].module, "a::b");
	assert_string_equal(l.items[2].file, "src/lib.rs");
	assert_string_equal(l.items[3].file, "src/target/m.rs");
	audit_list_release(&l);
	/* a scan of one folder or one file leaves the others alone */
	assert_int_equal(scan_count(f, "src/a"), 1);
	assert_int_equal(scan_count(f, "src/a/b.rs"), 1);
	assert_int_equal(audit_load(&l, f->s, f->repo, false), RWB_OK);
	assert_int_equal(l.n, 4);
	audit_list_release(&l);
	/* bad scopes */
	assert_int_equal(audit_scan(&l, f->s, f->repo, "nope"), RWB_EUSAGE);
	assert_int_equal(audit_scan(&l, f->s, f->repo, "/"), RWB_EUSAGE);
	assert_non_null(strstr(rwb_last_error(), "outside"));
	assert_int_equal(audit_scan(&l, f->s, f->repo, ".gitignore"), RWB_EUSAGE);
}

static void add_id(void *data, const char *id)
{
	int *n = data;
	(*n)++;
	assert_int_equal(strlen(id), 10);
}

static void test_complete_ids(void **state)
{
	struct fx *f = *state;
	char id[11], pre[4];
	int n = 0;

	scan_one(f, id, NULL, NULL);
	memcpy(pre, id, 3);
	pre[3] = '\0';
	assert_int_equal(audit_complete_ids(f->s, f->repo, pre, add_id, &n), RWB_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(audit_complete_ids(f->s, f->repo, "zz", add_id, &n), RWB_OK);
	assert_int_equal(n, 0);
}

static void test_reviewer_name(void **state)
{
	struct fx *f = *state;
	char *name;

	name = audit_reviewer("explicit", f->repo);
	assert_string_equal(name, "explicit");
	free(name);
	assert_int_equal(tu_sh(f->repo, "git init -q . && git config user.name 'Repo Person'"), 0);
	name = audit_reviewer(NULL, f->repo);
	assert_string_equal(name, "Repo Person");
	free(name);
}

/* The one "latest verdict" rule: newest per reviewer, on the current code only. */
static void test_latest_verdict_rule(void **state)
{
	struct audit_verdict v[4] = {
		{ .reviewer = "ann", .verdict = "sound", .current = true },
		{ .reviewer = "bob", .verdict = "sound", .current = true },
		{ .reviewer = "ann", .verdict = "unsound", .current = true },
		{ .reviewer = "bob", .verdict = "needs-work", .current = false },
	};
	struct audit_item it = { .verdicts = v, .nverdicts = 4 };

	(void)state;
	assert_ptr_equal(audit_latest_verdict(&it, "ann"), &v[2]);
	assert_ptr_equal(audit_latest_verdict(&it, "bob"), &v[1]);
	assert_null(audit_latest_verdict(&it, "cy"));
	assert_true(audit_item_has_current(&it));
	v[0].current = v[1].current = v[2].current = false;
	assert_null(audit_latest_verdict(&it, "ann"));
	assert_false(audit_item_has_current(&it));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_reviewers_approve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_resets_to_unreviewed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clippy_change_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rescan_writes_changes_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_keeps_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsound_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required_reviewers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_is_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_honours_gitignore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reviewer_name, setup, teardown),
		cmocka_unit_test(test_latest_verdict_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
