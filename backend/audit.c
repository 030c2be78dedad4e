/*
 * audit.c - the unsafe audit's store tables, scan, review, status, ledger
 * and counts (see audit.h).
 *
 * Tables: audit_items (one row per item id ever seen in a repository, gone
 * ones kept; its digest column and index let a rescan compare rows by
 * number), audit_verdicts (append-only; signature and signer_key are ""
 * when unsigned), audit_config (reviewers needed per repository),
 * audit_policy (require_signatures and the repository identity verdicts
 * are signed for) and audit_counts (the last counts, for the metrics).
 *
 * Signatures are made and checked by ssh-keygen (sshsig.c): signing before
 * the write lock is taken, verifying when a list is loaded (every signed
 * verdict, on a few threads; answers cached per process). The ledger's
 * verdicts can be counted without importing them (audit_merge_ledger), so
 * /audit-check on a fresh clone needs nothing but the repository.
 * A scan writes in one IMMEDIATE transaction and only touches rows that
 * changed, so a TUI on the same store reloads when something did.
 *
 * A scan's steps, for speed on whole registries: threads (one per core,
 * at most AUDIT_MAX_THREADS) walk the folder in parts (one per entry of
 * the scanned folder) and lex each part's files as soon as it is walked,
 * each file read into the thread's own reused buffer and lexed completely,
 * while this thread reads the stored rows (ids and digests only, from an
 * index, when the whole repository is scanned) and then helps; the rows
 * are compared by digest and only changed ones written; the answer is built
 * from the scanned items (plus stored ones outside the scanned part)
 * instead of being read back. Results go into per-file slots, so they do
 * not depend on which thread took which file.
 *
 * A failing call says why in the error channel (error.h) on the calling
 * thread; the scan's threads never fail. A verdict's `why` (set_why) is
 * part of the answer, not an error.
 *
 * Never: delete a verdict, write half an import, count a signed verdict
 * that does not verify for a listed principal, or walk into target/, .git
 * or a folder .gitignore excludes.
 */
#define _GNU_SOURCE
#include "audit.h"
#include "error.h"
#include "files.h"
#include "gitw.h"
#include "rustlex.h"
#include "proc.h"
#include "schema.h"
#include "sshsig.h"
#include "store.h"
#include "strbuf.h"
#include "unsafe_scan.h"
#include "xalloc.h"
#include "hash.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct store_migration audit_migrations[] = {
	{ 1,
	  "CREATE TABLE audit_items(repo TEXT NOT NULL, id TEXT NOT NULL, file TEXT NOT NULL,"
	  " kind TEXT NOT NULL, line INTEGER NOT NULL DEFAULT 0, line_end INTEGER NOT NULL DEFAULT 0,"
	  " module TEXT NOT NULL DEFAULT '', function TEXT NOT NULL DEFAULT '',"
	  " name TEXT NOT NULL DEFAULT '', fingerprint TEXT NOT NULL,"
	  " documented INTEGER NOT NULL DEFAULT 0, clippy_flags INTEGER NOT NULL DEFAULT 0,"
	  " safety TEXT, safety_line INTEGER NOT NULL DEFAULT 0, safety_line_end INTEGER NOT NULL DEFAULT 0,"
	  " code TEXT NOT NULL DEFAULT '', first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	  " gone INTEGER NOT NULL DEFAULT 0, gone_at INTEGER, PRIMARY KEY(repo, id));"
	  "CREATE INDEX audit_items_file ON audit_items(repo, file, line);"
	  "CREATE TABLE audit_verdicts(seq INTEGER PRIMARY KEY AUTOINCREMENT, repo TEXT NOT NULL,"
	  " item TEXT NOT NULL, fingerprint TEXT NOT NULL, reviewer TEXT NOT NULL,"
	  " verdict TEXT NOT NULL CHECK(verdict IN ('sound','unsound','needs-work')),"
	  " note TEXT NOT NULL DEFAULT '', at INTEGER NOT NULL,"
	  " UNIQUE(repo, item, fingerprint, reviewer, at, verdict, note));"
	  "CREATE INDEX audit_verdicts_item ON audit_verdicts(repo, item, at);"
	  "CREATE TABLE audit_config(repo TEXT PRIMARY KEY,"
	  " required_reviewers INTEGER NOT NULL CHECK(required_reviewers BETWEEN 1 AND 20));"
	  "CREATE TABLE audit_counts(repo TEXT PRIMARY KEY, total INTEGER NOT NULL,"
	  " documented INTEGER NOT NULL, reviewed INTEGER NOT NULL, at INTEGER NOT NULL);" },
	/* signed verdicts: the signature is part of a verdict's identity (a
	 * signed copy of an unsigned verdict is another verdict), so the table
	 * is rebuilt with it in the UNIQUE key; audit_policy holds whether
	 * signatures are required and the identity verdicts are signed for */
	{ 2,
	  "CREATE TABLE audit_verdicts_v2(seq INTEGER PRIMARY KEY AUTOINCREMENT, repo TEXT NOT NULL,"
	  " item TEXT NOT NULL, fingerprint TEXT NOT NULL, reviewer TEXT NOT NULL,"
	  " verdict TEXT NOT NULL CHECK(verdict IN ('sound','unsound','needs-work')),"
	  " note TEXT NOT NULL DEFAULT '', at INTEGER NOT NULL,"
	  " signature TEXT NOT NULL DEFAULT '', signer_key TEXT NOT NULL DEFAULT '',"
	  " UNIQUE(repo, item, fingerprint, reviewer, at, verdict, note, signature));"
	  "INSERT INTO audit_verdicts_v2(seq, repo, item, fingerprint, reviewer, verdict, note, at)"
	  " SELECT seq, repo, item, fingerprint, reviewer, verdict, note, at FROM audit_verdicts;"
	  "DROP TABLE audit_verdicts;"
	  "ALTER TABLE audit_verdicts_v2 RENAME TO audit_verdicts;"
	  "CREATE INDEX audit_verdicts_item ON audit_verdicts(repo, item, at);"
	  "CREATE TABLE audit_policy(repo TEXT PRIMARY KEY,"
	  " require_signatures INTEGER NOT NULL DEFAULT 0, repo_id TEXT);" },
	/* a row's digest (row_digest: what a rescan compares, as one number)
	 * and an index that holds it with the id, so a rescan of a whole
	 * repository reads its 10,000 rows from the index instead of the
	 * table; rows written before it (digest 0) are written again by the
	 * next scan, once */
	{ 3,
	  "ALTER TABLE audit_items ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;"
	  "CREATE INDEX audit_items_digest ON audit_items(repo, id, gone, digest);" },
};

const struct store_module schema_audit = {
	"audit", audit_migrations, sizeof(audit_migrations) / sizeof(audit_migrations[0])
};

#define AUDIT_MAX_FILE (16u << 20)      /* larger .rs files are skipped */
#define AUDIT_MAX_LEDGER (64u << 20)
#define AUDIT_MAX_REVIEWER 100
#define AUDIT_MAX_NOTE 4000
#define AUDIT_MAX_THREADS 4
/* per scanning thread, see xalloc_reserve: the registry's main thread
 * holds about 21 MB (the stored rows, its share of the scan, the answer);
 * at 16 MB the rest came in 4 KB pages, 1,300 faults. Below 32 MB, the
 * largest request malloc serves from the heap. */
#define AUDIT_HEAP_RESERVE (24u << 20)

static const char *const status_names[] = {
	"unreviewed", "partial", "approved", "needs-work", "rejected", "gone",
};

const char *audit_status_name(enum audit_status st)
{
	return (unsigned)st <= AUDIT_GONE ? status_names[st] : "?";
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n;
	char *d;

	if (!t)
		return NULL;
	n = (size_t)sqlite3_column_bytes(st, i);   /* (after _text: its length) */
	d = xmalloc(n + 1);
	memcpy(d, t, n + 1);
	return d;
}

/* Column i's text into buf (size bytes), cut to fit; "" for NULL. */
static void col_copy(char *buf, size_t size, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

/* ---- items in memory ------------------------------------------------------ */

static struct audit_item *list_add(struct audit_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	memset(&l->items[l->n], 0, sizeof(l->items[0]));
	return &l->items[l->n++];
}

static void verdict_release(struct audit_verdict *v)
{
	free(v->reviewer);
	free(v->verdict);
	free(v->note);
	free(v->signature);
	free(v->key);
	free(v->principal);
	free(v->key_fp);
	free(v->why);
}

static void item_release(struct audit_item *it)
{
	free(it->file);
	free(it->module);
	free(it->function);
	free(it->name);
	free(it->safety);
	free(it->code);
	for (int i = 0; i < it->nverdicts; i++)
		verdict_release(&it->verdicts[i]);
	free(it->verdicts);
}

void audit_list_release(struct audit_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		item_release(&l->items[i]);
	free(l->items);
	free(l->repo_id);
	free(l->root);
	sshsig_allowed_release(l->signers);
	free(l->signers);
	memset(l, 0, sizeof(*l));
}

struct audit_item *audit_list_find(struct audit_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].id, id) == 0)
			return &l->items[i];
	return NULL;
}

/* ---- required reviewers ---------------------------------------------------- */

int audit_required(struct store *s, const char *repo, int *n)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	int rc;

	*n = AUDIT_DEFAULT_REQUIRED;
	rc = store_prepare(s, &st, "SELECT required_reviewers FROM audit_config WHERE repo = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		return RWB_OK;
	}
	sqlite3_finalize(st);
	if (store_setting_get(s, "audit.required_reviewers", &v) == RWB_OK) {
		char *end;
		long x = strtol(v, &end, 10);
		if (*v && !*end && x >= 1 && x <= 20)
			*n = (int)x;
		free(v);
	}
	return RWB_OK;
}

int audit_set_required(struct store *s, const char *repo, int n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (n < 1 || n > 20)
		return RWB_EINPUT;
	rc = store_write_begin(s);
	if (rc)
		return rc;
	rc = store_prepare(s, &st, "INSERT INTO audit_config(repo, required_reviewers) VALUES(?, ?)"
			   " ON CONFLICT(repo) DO UPDATE SET required_reviewers = excluded.required_reviewers");
	if (!rc) {
		sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, n);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_error(s, sqlite3_errcode(s->db));
		sqlite3_finalize(st);
	}
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	return store_write_commit(s);
}

/* ---- status ------------------------------------------------------------------ */

static int cmp_item_ptr_id(const void *a, const void *b)
{
	const struct audit_item *x = *(struct audit_item *const *)a;
	const struct audit_item *y = *(struct audit_item *const *)b;
	return strcmp(x->id, y->id);
}

const char *audit_sig_name(enum audit_sig sg)
{
	switch (sg) {
	case AUDIT_SIG_GOOD: return "signed";
	case AUDIT_SIG_UNTRUSTED: return "untrusted";
	case AUDIT_SIG_FORGED: return "forged";
	default: return "unsigned";
	}
}

bool audit_is_agent(const char *reviewer)
{
	return reviewer && strncmp(reviewer, "agent:", 6) == 0;
}

static void set_why(struct audit_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_why(struct audit_verdict *v, const char *fmt, ...)
{
	va_list ap;
	char buf[400];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(v->why);
	v->why = xstrdup(buf);
}

bool audit_agents_count(struct store *s)
{
	char *v = NULL;
	bool on = false;

	if (store_setting_get(s, "audit.agents_count", &v) == RWB_OK && v)
		on = strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0;
	free(v);
	return on;
}

/* Whether v may count at all: its signature as the repository asks; an
 * agent's unsigned verdict only when the store says agents count
 * (audit.agents_count), and then as a person's would. */
static bool eligible(const struct audit_verdict *v, bool require, bool agents)
{
	if (v->sig == AUDIT_SIG_GOOD)
		return true;
	return v->sig == AUDIT_SIG_NONE && !require && (agents || !audit_is_agent(v->reviewer));
}

const struct audit_verdict *audit_latest_verdict(const struct audit_item *it, const char *reviewer)
{
	/* verdicts are oldest first */
	for (int i = it->nverdicts - 1; i >= 0; i--)
		if (it->verdicts[i].current && strcmp(it->verdicts[i].reviewer, reviewer) == 0)
			return &it->verdicts[i];
	return NULL;
}

bool audit_item_has_current(const struct audit_item *it)
{
	for (int i = 0; i < it->nverdicts; i++)
		if (it->verdicts[i].current)
			return true;
	return false;
}

/*
 * The one counting rule. Verdicts for the current fingerprint are taken
 * newest first; one counts when its signature is as the repository asks
 * (eligible) and neither its reviewer name, nor its principal, nor its key
 * was already taken by a newer counted verdict: each reviewer's latest
 * verdict counts once, and one key (or one person of the allowed signers)
 * counts once whatever names it signs under. `latest` marks each reviewer
 * name's newest verdict (what the lists show). Verdicts that are not
 * counted get a why.
 */
static void item_status(struct audit_item *it, int required, bool require, bool agents)
{
	const char **names = xcalloc((size_t)it->nverdicts * 2 + 1, sizeof(*names));
	const char **keys = xcalloc((size_t)it->nverdicts + 1, sizeof(*keys));
	int nn = 0, nk = 0;

	it->sound = it->unsound = it->needs_work = it->signed_sound = it->forged = 0;
	for (int i = 0; i < it->nverdicts; i++) {
		struct audit_verdict *v = &it->verdicts[i];
		v->counted = false;
		v->latest = audit_latest_verdict(it, v->reviewer) == v;
		it->forged += v->sig == AUDIT_SIG_FORGED;
	}
	for (int i = it->nverdicts - 1; i >= 0; i--) {
		struct audit_verdict *v = &it->verdicts[i];
		bool taken = false;
		if (!v->current)
			continue;
		if (!eligible(v, require, agents)) {
			if (v->sig == AUDIT_SIG_NONE)
				set_why(v, audit_is_agent(v->reviewer) && !require ?
					"unsigned: an agent's verdict counts only when signed by a listed key "
					"(or with the setting audit.agents_count)" :
					audit_is_agent(v->reviewer) ?
					"unsigned: an agent's verdict counts only when signed by a listed key" :
					"unsigned: this repository requires signatures");
			continue;
		}
		for (int k = 0; k < nk && !taken && v->key && v->sig == AUDIT_SIG_GOOD; k++)
			if (strcmp(keys[k], v->key) == 0) {
				taken = true;
				set_why(v, "same key (%s) as a newer counted verdict: one key counts once",
					v->key_fp ? v->key_fp : "?");
			}
		for (int k = 0; k < nn && !taken; k++)
			if (strcmp(names[k], v->reviewer) == 0 || (v->principal && strcmp(names[k], v->principal) == 0)) {
				taken = true;
				if (v->latest)
					set_why(v, "%s has a newer counted verdict", names[k]);
			}
		if (taken)
			continue;
		names[nn++] = v->reviewer;
		if (v->principal)
			names[nn++] = v->principal;
		if (v->sig == AUDIT_SIG_GOOD && v->key)
			keys[nk++] = v->key;
		v->counted = true;
		free(v->why);
		v->why = NULL;
		if (strcmp(v->verdict, "sound") == 0) {
			it->sound++;
			it->signed_sound += v->sig == AUDIT_SIG_GOOD;
		} else if (strcmp(v->verdict, "unsound") == 0) {
			it->unsound++;
		} else {
			it->needs_work++;
		}
	}
	free(names);
	free(keys);
	if (it->gone)
		it->status = AUDIT_GONE;
	else if (it->unsound)
		it->status = AUDIT_REJECTED;
	else if (it->needs_work)
		it->status = AUDIT_NEEDS_WORK;
	else if (it->sound >= required)
		it->status = AUDIT_APPROVED;
	else if (it->sound)
		it->status = AUDIT_PARTIAL;
	else
		it->status = AUDIT_UNREVIEWED;
}

/* ---- signatures --------------------------------------------------------------- */

static void add_escaped(struct strbuf *sb, const char *name, const char *v)
{
	strbuf_adds(sb, name);
	strbuf_adds(sb, ": ");
	for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++) {
		if (*p == '\\')
			strbuf_adds(sb, "\\\\");
		else if (*p == '\n')
			strbuf_adds(sb, "\\n");
		else if (*p == '\r')
			strbuf_adds(sb, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else
			strbuf_add(sb, (const char *)p, 1);
	}
	strbuf_adds(sb, "\n");
}

char *audit_signed_text(const char *repo_id, const char *item, const char *fingerprint,
			const char *verdict, const char *reviewer, int64_t at, const char *note)
{
	struct strbuf sb = STRBUF_INIT;
	char num[32];

	strbuf_adds(&sb, "rwb-audit verdict v1\n");
	add_escaped(&sb, "repository", repo_id);
	add_escaped(&sb, "item", item);
	add_escaped(&sb, "fingerprint", fingerprint);
	add_escaped(&sb, "verdict", verdict);
	add_escaped(&sb, "reviewer", reviewer);
	snprintf(num, sizeof(num), "%lld", (long long)at);
	add_escaped(&sb, "at", num);
	add_escaped(&sb, "note", note);
	return strbuf_detach(&sb);
}

void audit_allowed_load(struct sshsig_allowed *out, const char *repo)
{
	struct strbuf all = STRBUF_INIT;
	char *path = xasprintf("%s/.rwb/allowed_signers", repo), *text, *cfg;
	size_t len;

	text = strbuf_read_whole(path, 1u << 20, &len);
	free(path);
	if (text) {
		strbuf_add(&all, text, len);
		if (len && text[len - 1] != '\n')
			strbuf_adds(&all, "\n");
		free(text);
	}
	{
		const char *argv[] = { "git", "config", "--get", "gpg.ssh.allowedSignersFile", NULL };
		cfg = proc_output((char *const *)argv, repo, 64 << 10);
	}
	if (cfg) {
		cfg[strcspn(cfg, "\r\n")] = '\0';
		path = cfg[0] == '/' ? xstrdup(cfg) :
			cfg[0] == '~' && cfg[1] == '/' && getenv("HOME") ? xasprintf("%s/%s", getenv("HOME"), cfg + 2) :
			xasprintf("%s/%s", repo, cfg);
		text = strbuf_read_whole(path, 1u << 20, &len);
		if (text) {
			strbuf_add(&all, text, len);
			free(text);
		}
		free(path);
		free(cfg);
	}
	sshsig_allowed_parse(out, strbuf_str(&all), all.len);
	strbuf_free(&all);
}

/* Verifies v's signature (if any) for item in l: v->sig, principal, why. */
static void verify_verdict(struct audit_list *l, const char *item, struct audit_verdict *v)
{
	struct sshsig_check c;
	char *text;

	free(v->principal);
	free(v->key_fp);
	free(v->why);
	v->principal = v->key_fp = v->why = NULL;
	if (!v->signature || !*v->signature) {
		v->sig = AUDIT_SIG_NONE;
		return;
	}
	if (!l->signers) {
		l->signers = xcalloc(1, sizeof(*l->signers));
		audit_allowed_load(l->signers, l->root ? l->root : ".");
	}
	text = audit_signed_text(l->repo_id ? l->repo_id : "", item, v->fingerprint, v->verdict,
				 v->reviewer, v->at, v->note);
	if (sshsig_verify(&c, l->signers, v->signature, text, strlen(text)) != RWB_OK) {
		v->sig = AUDIT_SIG_UNTRUSTED;
		set_why(v, "not verified: ssh-keygen cannot run (install openssh-client)");
		free(text);
		return;
	}
	free(text);
	v->sig = c.state == SSHSIG_GOOD ? AUDIT_SIG_GOOD : c.state == SSHSIG_UNTRUSTED ?
		AUDIT_SIG_UNTRUSTED : AUDIT_SIG_FORGED;
	if (*c.fingerprint)
		v->key_fp = xstrdup(c.fingerprint);
	if (v->key && *v->key && *c.key && strcmp(v->key, c.key) != 0) {
		v->sig = AUDIT_SIG_FORGED;
		set_why(v, "forged: the recorded key is not the key that made the signature");
		return;
	}
	if (!v->key || !*v->key) {
		free(v->key);
		v->key = *c.key ? xstrdup(c.key) : NULL;
	}
	if (v->sig == AUDIT_SIG_GOOD)
		v->principal = xstrdup(c.principal);
	else if (v->sig == AUDIT_SIG_FORGED)
		set_why(v, "forged: %s", c.why);
	else
		set_why(v, "%s", c.why);
}

/* Signed verdicts to verify, shared by a few threads: each ssh-keygen run
 * costs a fork and an exec, and they do not depend on each other. */
struct verify_pool {
	struct audit_list *l;        /* borrowed; l->signers loaded before the threads */
	struct audit_item **items;   /* owned: the item of each job */
	struct audit_verdict **vs;   /* owned: the verdict of each job */
	size_t n;
	atomic_size_t next;          /* the next job to take */
};

static void *verify_worker(void *arg)
{
	struct verify_pool *p = arg;
	size_t k;

	while ((k = atomic_fetch_add(&p->next, 1)) < p->n)
		verify_verdict(p->l, p->items[k]->id, p->vs[k]);
	return NULL;
}

/* Verifies every signed verdict of l and recomputes every status. */
static void list_status(struct audit_list *l)
{
	struct verify_pool pool = { .l = l };
	size_t cap = 0;
	pthread_t th[AUDIT_MAX_THREADS];
	bool started[AUDIT_MAX_THREADS] = { false };

	for (size_t i = 0; i < l->n; i++) {
		struct audit_item *it = &l->items[i];
		for (int k = 0; k < it->nverdicts; k++) {
			if (!it->verdicts[k].signature)
				continue;
			if (pool.n == cap) {
				cap = cap ? 2 * cap : 64;
				pool.items = xrealloc(pool.items, cap * sizeof(*pool.items));
				pool.vs = xrealloc(pool.vs, cap * sizeof(*pool.vs));
			}
			pool.items[pool.n] = it;
			pool.vs[pool.n++] = &it->verdicts[k];
		}
	}
	if (pool.n && !l->signers) {
		l->signers = xcalloc(1, sizeof(*l->signers));
		audit_allowed_load(l->signers, l->root ? l->root : ".");
	}
	atomic_init(&pool.next, 0);
	/* ssh-keygen mostly waits on exec and I/O: more runs than cores */
	size_t nt = pool.n < 4 ? 1 : AUDIT_MAX_THREADS;
	for (size_t t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, verify_worker, &pool) == 0;
	verify_worker(&pool);
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	free(pool.items);
	free(pool.vs);
	l->forged = 0;
	for (size_t i = 0; i < l->n; i++) {
		item_status(&l->items[i], l->required, l->require_signatures, l->agents_count);
		l->forged += l->items[i].forged;
	}
}

/* The repository's policy row: require_signatures and repo_id. */
static int load_policy(struct store *s, const char *repo, bool *require, char **repo_id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*require = false;
	if (repo_id)
		*repo_id = NULL;
	rc = store_prepare(s, &st, "SELECT require_signatures, repo_id FROM audit_policy WHERE repo = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*require = sqlite3_column_int(st, 0) != 0;
		if (repo_id)
			*repo_id = col_dup(st, 1);
	}
	sqlite3_finalize(st);
	return RWB_OK;
}

/* Writes the policy row's column (inside a write transaction or alone). */
static int store_policy(struct store *s, const char *repo, const char *col, int ival, const char *sval)
{
	sqlite3_stmt *st = NULL;
	char *sql = xasprintf("INSERT INTO audit_policy(repo, %s) VALUES(?, ?)"
			      " ON CONFLICT(repo) DO UPDATE SET %s = excluded.%s", col, col, col);
	int rc = store_prepare(s, &st, sql);

	free(sql);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	if (sval)
		sqlite3_bind_text(st, 2, sval, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 2, ival);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_error(s, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return rc;
}

int audit_set_require_signatures(struct store *s, const char *repo, bool on)
{
	int rc = store_write_begin(s);

	if (rc)
		return rc;
	rc = store_policy(s, repo, "require_signatures", on ? 1 : 0, NULL);
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	return store_write_commit(s);
}

/* The "repository" of the ledger in repo, or NULL. */
static char *ledger_repo_id(const char *repo)
{
	char *path = xasprintf("%s/%s", repo, AUDIT_LEDGER_PATH), *text, *id = NULL;
	size_t len;
	cJSON *root;

	text = strbuf_read_whole(path, AUDIT_MAX_LEDGER, &len);
	free(path);
	if (!text)
		return NULL;
	root = cJSON_ParseWithLength(text, len);
	free(text);
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(root, "repository");
	if (cJSON_IsString(r) && r->valuestring && *r->valuestring && strlen(r->valuestring) <= 200)
		id = xstrdup(r->valuestring);
	cJSON_Delete(root);
	return id;
}

int audit_repo_id(struct store *s, const char *repo, char **id)
{
	bool req;
	char *v = NULL;
	int rc = load_policy(s, repo, &req, &v);

	*id = NULL;
	if (rc)
		return rc;
	if (v && *v) {
		*id = v;
		return RWB_OK;
	}
	free(v);
	v = ledger_repo_id(repo);
	if (!v) {
		const char *argv[] = { "git", "rev-list", "--max-parents=0", "HEAD", NULL };
		char *roots = proc_output((char *const *)argv, repo, 1 << 20);
		for (char *p = roots, *nl; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			if (*p && (!v || strcmp(p, v) < 0)) {
				free(v);
				v = xasprintf("%s", p);
			}
			if (!nl)
				break;
		}
		free(roots);
		if (v) {
			char *g = xasprintf("git:%s", v);
			free(v);
			v = g;
		}
	}
	if (!v) {
		const char *base = strrchr(repo, '/');
		v = xasprintf("dir:%s", base && base[1] ? base + 1 : repo);
	}
	rc = store_write_begin(s);
	if (!rc) {
		rc = store_policy(s, repo, "repo_id", 0, v);
		if (rc)
			store_write_rollback(s);
		else
			rc = store_write_commit(s);
	}
	if (rc) {
		free(v);
		return rc;
	}
	*id = v;
	return RWB_OK;
}

char *audit_agent_name(const char *flag)
{
	const char *a = flag && *flag ? flag : getenv("RWB_AGENT");

	if (!a || !*a)
		return NULL;
	return audit_is_agent(a) ? xstrdup(a) : xasprintf("agent:%s", a);
}

/* Attaches every verdict of the repo to its item and computes status. */
static int attach_verdicts(struct audit_list *l, struct store *s, const char *repo, bool verify)
{
	sqlite3_stmt *st = NULL;
	struct audit_item **idx;
	int rc;

	rc = audit_required(s, repo, &l->required);
	if (rc)
		return rc;
	l->agents_count = audit_agents_count(s);
	free(l->repo_id);
	rc = load_policy(s, repo, &l->require_signatures, &l->repo_id);
	if (rc)
		return rc;
	free(l->root);
	l->root = xstrdup(repo);
	idx = NULL;   /* sorted by id when the first verdict comes (often none does) */
	rc = store_prepare(s, &st, "SELECT item, fingerprint, reviewer, verdict, note, at, signature,"
			   " signer_key FROM audit_verdicts WHERE repo = ? ORDER BY item, at, seq");
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_item key, *kp = &key, **hit;
		if (!idx) {
			idx = xmalloc((l->n + 1) * sizeof(*idx));
			for (size_t i = 0; i < l->n; i++)
				idx[i] = &l->items[i];
			qsort(idx, l->n, sizeof(*idx), cmp_item_ptr_id);
		}
		snprintf(key.id, sizeof(key.id), "%s", (const char *)sqlite3_column_text(st, 0));
		hit = bsearch(&kp, idx, l->n, sizeof(*idx), cmp_item_ptr_id);
		if (!hit)
			continue;
		struct audit_item *it = *hit;
		it->verdicts = xrealloc(it->verdicts, (size_t)(it->nverdicts + 1) * sizeof(*it->verdicts));
		struct audit_verdict *v = &it->verdicts[it->nverdicts++];
		memset(v, 0, sizeof(*v));
		v->reviewer = col_dup(st, 2);
		v->verdict = col_dup(st, 3);
		v->note = col_dup(st, 4);
		v->at = sqlite3_column_int64(st, 5);
		col_copy(v->fingerprint, sizeof(v->fingerprint), st, 1);
		v->current = strcmp(v->fingerprint, it->fingerprint) == 0;
		if (sqlite3_column_bytes(st, 6) > 0) {
			v->signature = col_dup(st, 6);
			v->key = sqlite3_column_bytes(st, 7) > 0 ? col_dup(st, 7) : NULL;
		}
	}
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	if (verify)
		list_status(l);
out:
	sqlite3_finalize(st);
	free(idx);
	return rc;
}

static int load_list(struct audit_list *out, struct store *s, const char *repo, bool include_gone,
		     bool verify);

int audit_load(struct audit_list *out, struct store *s, const char *repo, bool include_gone)
{
	return load_list(out, s, repo, include_gone, true);
}

/* audit_load; without verify, no signature is checked and no status is
 * computed (the ledger's export only copies rows). */
static int load_list(struct audit_list *out, struct store *s, const char *repo, bool include_gone,
		     bool verify)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, &st, include_gone ?
		"SELECT id, fingerprint, file, kind, line, line_end, module, function, name, documented,"
		" clippy_flags, gone, safety, safety_line, safety_line_end, code FROM audit_items"
		" WHERE repo = ? ORDER BY gone, file, line, id" :
		"SELECT id, fingerprint, file, kind, line, line_end, module, function, name, documented,"
		" clippy_flags, gone, safety, safety_line, safety_line_end, code FROM audit_items"
		" WHERE repo = ? AND gone = 0 ORDER BY file, line, id");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_item *it = list_add(out);
		int k;
		snprintf(it->id, sizeof(it->id), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(it->fingerprint, sizeof(it->fingerprint), "%s", (const char *)sqlite3_column_text(st, 1));
		it->file = col_dup(st, 2);
		k = unsafe_kind_parse((const char *)sqlite3_column_text(st, 3));
		it->kind = k < 0 ? UNSAFE_BLOCK : (enum unsafe_kind)k;
		it->line = sqlite3_column_int(st, 4);
		it->line_end = sqlite3_column_int(st, 5);
		it->module = col_dup(st, 6);
		it->function = col_dup(st, 7);
		it->name = col_dup(st, 8);
		it->documented = sqlite3_column_int(st, 9);
		it->clippy_flags = sqlite3_column_int(st, 10);
		it->gone = sqlite3_column_int(st, 11);
		it->safety = col_dup(st, 12);
		it->safety_line = sqlite3_column_int(st, 13);
		it->safety_line_end = sqlite3_column_int(st, 14);
		it->code = col_dup(st, 15);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = store_error(s, rc);
		audit_list_release(out);
		return rc;
	}
	rc = attach_verdicts(out, s, repo, verify);
	if (rc)
		audit_list_release(out);
	return rc;
}

/* ---- counts ---------------------------------------------------------------- */

static void count_list(const struct audit_list *l, int *total, int *documented, int *reviewed)
{
	*total = *documented = *reviewed = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].gone)
			continue;
		(*total)++;
		*documented += l->items[i].documented;
		*reviewed += l->items[i].status == AUDIT_APPROVED;
	}
}

/* Stores counts in audit_counts when they changed (inside a write). */
static void write_counts(struct store *s, const char *repo, int t, int d, int r)
{
	sqlite3_stmt *st = NULL;

	if (store_prepare(s, &st, "INSERT INTO audit_counts(repo, total, documented, reviewed, at)"
			  " VALUES(?, ?, ?, ?, ?) ON CONFLICT(repo) DO UPDATE SET total = excluded.total,"
			  " documented = excluded.documented, reviewed = excluded.reviewed, at = excluded.at"
			  " WHERE total != excluded.total OR documented != excluded.documented"
			  " OR reviewed != excluded.reviewed"))
		return;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, t);
	sqlite3_bind_int(st, 3, d);
	sqlite3_bind_int(st, 4, r);
	sqlite3_bind_int64(st, 5, store_now_ms());
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* Whether audit_counts already holds these numbers (no write needed). */
static bool counts_same(struct store *s, const char *repo, int t, int d, int r)
{
	sqlite3_stmt *st = NULL;
	bool same = false;

	if (store_prepare(s, &st, "SELECT total, documented, reviewed FROM audit_counts WHERE repo = ?"))
		return false;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		same = sqlite3_column_int(st, 0) == t && sqlite3_column_int(st, 1) == d &&
			sqlite3_column_int(st, 2) == r;
	sqlite3_finalize(st);
	return same;
}

/* Recomputes and stores the counts; inside a write transaction. */
static void record_counts(struct store *s, const char *repo)
{
	struct audit_list l;
	int t, d, r;

	if (audit_load(&l, s, repo, false))
		return;
	count_list(&l, &t, &d, &r);
	audit_list_release(&l);
	write_counts(s, repo, t, d, r);
}

int audit_counts(struct store *s, const char *repo, int *total, int *documented, int *reviewed)
{
	struct audit_list l;
	int rc = audit_load(&l, s, repo, false);

	*total = *documented = *reviewed = 0;
	if (rc)
		return rc;
	count_list(&l, total, documented, reviewed);
	audit_list_release(&l);
	return RWB_OK;
}

/* ---- walking the repository ----------------------------------------------------- */

/* The Rust files of the scanned part, as files.c's walk keeps them (rwb's
 * one set of rules: .gitignore in a git work tree, never .git or cargo's
 * target folder). */
struct walk {
	char **files;              /* owned: relative paths */
	size_t n, cap;
};

/* files_walk_fn: keeps a .rs file. */
static int add_rust_file(void *data, const char *rel, const char *abs, const struct stat *st)
{
	struct walk *w = data;

	(void)abs;
	(void)st;
	if (!files_is_rust(rel))
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
	}
	w->files[w->n++] = xstrdup(rel);
	return 0;
}

/*
 * Reads the file at path (relative to the folder dirfd) into *buf (grown
 * as needed, reused from file to file: no allocation per file); *len its
 * size. false when it cannot be read or is bigger than AUDIT_MAX_FILE.
 * No fstat: the walk gave regular files only, and a read of a regular file
 * returns fewer bytes than asked only at its end, so a file smaller than
 * the buffer costs one read; a larger one grows the buffer and reads on to
 * the end (7,000 fstat calls, 1 to 3% of a registry scan's CPU).
 */
static bool read_into(int dirfd, const char *path, char **buf, size_t *cap, size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	bool ok = true;

	*len = 0;
	if (fd < 0)
		return false;
	for (;;) {
		if (*len + 1 >= *cap) {
			if (*cap > AUDIT_MAX_FILE) {
				ok = false;   /* more than AUDIT_MAX_FILE bytes */
				break;
			}
			*cap = *cap < 4096 ? 65536 : 2 * *cap;
			if (*cap > AUDIT_MAX_FILE + 2)
				*cap = AUDIT_MAX_FILE + 2;
			*buf = xrealloc(*buf, *cap);
		}
		size_t want = *cap - 1 - *len;
		ssize_t n = read(fd, *buf + *len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
		if ((size_t)n < want)
			break;   /* the end of a regular file */
	}
	if (ok && *len > AUDIT_MAX_FILE)
		ok = false;
	if (ok)
		(*buf)[*len] = '\0';
	else
		*len = 0;
	close(fd);
	return ok;
}

/* The item id: 10 hex digits of a hash of file, fingerprint and rank. */
static void make_id(char id[11], const char *file, const char *fp, int rank)
{
	uint64_t h = HASH_FNV_OFFSET;
	char rk[16];
	static const char hex[] = "0123456789abcdef";
	const char *parts[3] = { file, fp, rk };

	snprintf(rk, sizeof(rk), "%d", rank);
	for (int p = 0; p < 3; p++) {
		h = hash_fnv1a(h, parts[p], strlen(parts[p]));
		h = hash_fnv1a(h, "\xff", 1);
	}
	/* splitmix64's finaliser: every input bit reaches the digits shown */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	for (int i = 0; i < 10; i++)
		id[i] = hex[(h >> (60 - 4 * i)) & 0xf];
	id[10] = '\0';
}

/* Resolves `only` against repo into a relative path ("" = all); *is_file. */
static int scope_of(char **rel, bool *is_file, const char *repo, const char *only)
{
	char *abs, real[PATH_MAX], rrepo[PATH_MAX];
	struct stat sb;
	size_t n;

	*rel = NULL;
	*is_file = false;
	if (!only || !*only) {
		*rel = xstrdup("");
		return RWB_OK;
	}
	abs = only[0] == '/' ? xstrdup(only) : xasprintf("%s/%s", repo, only);
	if (!realpath(abs, real) || stat(real, &sb) != 0) {
		free(abs);
		return rwb_fail(RWB_EUSAGE, "%s: no such file or folder", only);
	}
	free(abs);
	if (!realpath(repo, rrepo))
		return rwb_fail(RWB_EENV, "%s: cannot resolve the repository folder", repo);
	n = strlen(rrepo);
	if (strncmp(real, rrepo, n) != 0 || (real[n] != '/' && real[n] != '\0'))
		return rwb_fail(RWB_EUSAGE, "%s is outside the repository %s", only, repo);
	if (S_ISREG(sb.st_mode)) {
		size_t l = strlen(real);
		if (l < 3 || strcmp(real + l - 3, ".rs") != 0)
			return rwb_fail(RWB_EUSAGE, "%s is not a Rust file (*.rs)", only);
		*is_file = true;
	} else if (!S_ISDIR(sb.st_mode)) {
		return rwb_fail(RWB_EUSAGE, "%s is neither a file nor a folder", only);
	}
	*rel = xstrdup(real[n] ? real + n + 1 : "");
	return RWB_OK;
}

struct scanned {
	char id[11];
	char fp[17];
	char *file;               /* borrowed from the walk */
	struct unsafe_item *it;   /* borrowed from files[] */
	char *code;               /* owned */
	uint64_t digest;          /* row_digest: base_digest when found, the row's once
				   * reach_pass has decided clippy_flags (compare_prev) */
	struct prev *hit;         /* borrowed: the stored row with this id, or NULL */
	bool write;               /* new or changed: upsert writes it */
};

/* A stored row, to skip writing items that did not change. */
struct prev {
	char id[11];
	char fingerprint[17];
	enum unsafe_kind kind;
	bool gone, seen;
	int line, line_end, documented, clippy, safety_line, safety_line_end;
	uint64_t digest;          /* as stored (0: written before digests) */
	char *file, *module, *function, *name, *safety, *code;  /* in block (safety may be NULL);
								   * NULL in a slim load */
	char *block;              /* owned: the row's strings, one allocation */
};

/* Whether the n elements at v are in cmp's order already (qsort, a merge
 * sort in glibc, compares n log n times even then). */
static bool sorted(const void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	const char *p = v;

	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			return false;
	return true;
}

/*
 * A row's digest: everything a rescan would write, as one number, so that
 * the rescan compares numbers instead of reading and comparing every
 * column (the stored rows of a whole repository are then read from the
 * audit_items_digest index alone): hash_words over each field (NULL has
 * its own word), then hash_final; never 0 (the digest of a row written
 * before digests). Stored: a different function later only makes the
 * next scan write every row once. The id (a hash of the file and the
 * fingerprint) is compared by the lookup itself.
 */

/* A string into h (NULL differs from ""). */
static uint64_t dstr(uint64_t h, const char *p)
{
	return p ? hash_words(h, p, strlen(p)) : hash_mix(h, UINT64_MAX);
}

/* All but clippy_flags (decided later, for all files at once). */
static uint64_t base_digest(const struct scanned *sc)
{
	const struct unsafe_item *it = sc->it;
	uint64_t h = 0x243f6a8885a308d3ULL;

	h = hash_mix(h, (uint64_t)(uint32_t)it->line << 32 | (uint32_t)it->line_end);
	h = hash_mix(h, (uint64_t)(uint32_t)it->safety_line << 32 | (uint32_t)it->safety_line_end);
	h = hash_mix(h, (uint64_t)it->documented << 8 | (uint64_t)it->kind);
	h = dstr(h, sc->fp);
	h = dstr(h, sc->file);
	h = dstr(h, it->module);
	h = dstr(h, it->function);
	h = dstr(h, it->name);
	h = dstr(h, it->safety);
	return dstr(h, sc->code);
}

static uint64_t row_digest(uint64_t base, bool clippy)
{
	return hash_final(hash_mix(base, clippy ? 2 : 1)) | 1;   /* never 0 */
}

/* The row's text columns 8 to 13 (file, module, function, name, safety,
 * code) into one allocation: 10,000 rows cost one malloc and one free
 * each, not six. */
static void prev_strings(struct prev *p, sqlite3_stmt *st)
{
	char **dst[6] = { &p->file, &p->module, &p->function, &p->name, &p->safety, &p->code };
	const unsigned char *t[6];
	size_t len[6], total = 0;
	char *q;

	for (int c = 0; c < 6; c++) {
		t[c] = sqlite3_column_text(st, 8 + c);
		len[c] = t[c] ? (size_t)sqlite3_column_bytes(st, 8 + c) : 0;
		total += len[c] + 1;
	}
	q = p->block = xmalloc(total);
	for (int c = 0; c < 6; c++) {
		*dst[c] = t[c] ? q : NULL;
		if (t[c])
			memcpy(q, t[c], len[c]);
		q[len[c]] = '\0';
		q += len[c] + 1;
	}
}

/*
 * The repository's stored rows. slim: their ids, gone flags and digests
 * only, read from the audit_items_digest index (a scan of the whole
 * repository needs no more: each row is either found again, compared by
 * digest, or becomes gone); else every column (a scoped scan's answer
 * includes the stored rows outside its scope as they are).
 */
static int load_prev(struct store *s, const char *repo, bool slim, struct prev **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (slim)
		rc = store_prepare(s, &st, "SELECT id, gone, digest FROM audit_items WHERE repo = ?");
	else
		rc = store_prepare(s, &st, "SELECT id, gone, line, line_end, documented, clippy_flags, safety_line,"
				   " safety_line_end, file, module, function, name, safety, code, kind, fingerprint,"
				   " digest FROM audit_items WHERE repo = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		struct prev *p = &(*out)[(*n)++];
		memset(p, 0, sizeof(*p));
		col_copy(p->id, sizeof(p->id), st, 0);
		p->gone = sqlite3_column_int(st, 1);
		if (slim) {
			p->digest = (uint64_t)sqlite3_column_int64(st, 2);
			continue;
		}
		p->digest = (uint64_t)sqlite3_column_int64(st, 16);
		p->line = sqlite3_column_int(st, 2);
		p->line_end = sqlite3_column_int(st, 3);
		p->documented = sqlite3_column_int(st, 4);
		p->clippy = sqlite3_column_int(st, 5);
		p->safety_line = sqlite3_column_int(st, 6);
		p->safety_line_end = sqlite3_column_int(st, 7);
		prev_strings(p, st);
		int k = unsafe_kind_parse((const char *)sqlite3_column_text(st, 14));
		p->kind = k < 0 ? UNSAFE_BLOCK : (enum unsafe_kind)k;
		col_copy(p->fingerprint, sizeof(p->fingerprint), st, 15);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc);
	/* in the table's order: compare_prev finds rows through a hash of ids */
	return RWB_OK;
}

static char *dup_or_null(const char *t)
{
	return t ? xstrdup(t) : NULL;
}

static void free_prev(struct prev *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].block);
	free(p);
}

static bool in_scope(const char *file, const char *scope, bool scope_is_file)
{
	size_t n = strlen(scope);

	if (!n)
		return true;
	if (scope_is_file)
		return strcmp(file, scope) == 0;
	return strncmp(file, scope, n) == 0 && file[n] == '/';
}

/*
 * Records the scanned items: new and changed ones are written, unchanged
 * ones are left alone (so an idle rescan writes nothing and other rwb
 * processes do not reload), and stored items of the scanned part that were
 * not seen become gone. One write transaction, only when needed.
 */
static int upsert(struct store *s, const char *repo, struct scanned *sc, size_t n,
		  struct prev *prev, size_t nprev, const char *scope, bool scope_is_file)
{
	sqlite3_stmt *up = NULL, *gone = NULL;
	size_t nwrite = 0, ngone = 0;
	int64_t now = store_now_ms();
	int rc = RWB_OK;

	/* (the scan threads looked each item up: see scan_worker) */
	for (size_t i = 0; i < n; i++) {
		if (sc[i].hit)
			sc[i].hit->seen = true;
		nwrite += sc[i].write;
	}
	for (size_t k = 0; k < nprev; k++)
		ngone += !prev[k].gone && !prev[k].seen && in_scope(prev[k].file, scope, scope_is_file);
	if (!nwrite && !ngone)
		goto done;

	rc = store_write_begin(s);
	if (rc)
		goto done;
	rc = store_prepare(s, &up,
		"INSERT INTO audit_items(repo, id, file, kind, line, line_end, module, function, name,"
		" fingerprint, documented, clippy_flags, safety, safety_line, safety_line_end, code,"
		" first_seen, last_seen, gone, digest) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		" ?12, ?13, ?14, ?15, ?16, ?17, ?17, 0, ?18)"
		" ON CONFLICT(repo, id) DO UPDATE SET file = excluded.file, kind = excluded.kind,"
		" line = excluded.line, line_end = excluded.line_end, module = excluded.module,"
		" function = excluded.function, name = excluded.name, fingerprint = excluded.fingerprint,"
		" documented = excluded.documented, clippy_flags = excluded.clippy_flags,"
		" safety = excluded.safety, safety_line = excluded.safety_line,"
		" safety_line_end = excluded.safety_line_end, code = excluded.code,"
		" last_seen = excluded.last_seen, gone = 0, gone_at = NULL, digest = excluded.digest");
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct unsafe_item *it = sc[i].it;
		if (!sc[i].write)
			continue;
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, repo, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, sc[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 3, sc[i].file, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 4, unsafe_kind_name(it->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int(up, 5, it->line);
		sqlite3_bind_int(up, 6, it->line_end);
		sqlite3_bind_text(up, 7, it->module, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 8, it->function, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 9, it->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 10, sc[i].fp, -1, SQLITE_STATIC);
		sqlite3_bind_int(up, 11, it->documented);
		sqlite3_bind_int(up, 12, it->clippy_flags);
		if (it->safety)
			sqlite3_bind_text(up, 13, it->safety, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(up, 13);
		sqlite3_bind_int(up, 14, it->safety_line);
		sqlite3_bind_int(up, 15, it->safety_line_end);
		sqlite3_bind_text(up, 16, sc[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(up, 17, now);
		sqlite3_bind_int64(up, 18, (int64_t)sc[i].digest);
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = store_error(s, sqlite3_errcode(s->db));
			goto out;
		}
	}
	/* what was in the scanned part and is not any more */
	rc = store_prepare(s, &gone, "UPDATE audit_items SET gone = 1, gone_at = ? WHERE repo = ? AND id = ?");
	if (rc)
		goto out;
	for (size_t k = 0; k < nprev; k++) {
		if (prev[k].gone || prev[k].seen || !in_scope(prev[k].file, scope, scope_is_file))
			continue;
		sqlite3_reset(gone);
		sqlite3_bind_int64(gone, 1, now);
		sqlite3_bind_text(gone, 2, repo, -1, SQLITE_STATIC);
		sqlite3_bind_text(gone, 3, prev[k].id, -1, SQLITE_STATIC);
		if (sqlite3_step(gone) != SQLITE_DONE) {
			rc = store_error(s, sqlite3_errcode(s->db));
			goto out;
		}
	}
out:
	sqlite3_finalize(up);
	sqlite3_finalize(gone);
	if (rc)
		store_write_rollback(s);
	else
		rc = store_write_commit(s);
done:
	return rc;
}

/* Orders items as the store's answer does: by file, line, id. */
static int cmp_item_place(const void *a, const void *b)
{
	const struct audit_item *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* An item's id as two numbers that order as the text does (big-endian
 * bytes, zero after its end), and its position in the list: sorting these
 * compares no strings. */
struct id_key {
	uint64_t hi, lo;          /* bytes 0-7 and 8-10 of the id */
	size_t idx;               /* the item's index in the list */
};

static struct id_key id_key_of(const char *id, size_t idx)
{
	unsigned char b[16] = { 0 };
	struct id_key k = { 0, 0, idx };

	memcpy(b, id, strnlen(id, 11));
	for (int i = 0; i < 8; i++) {
		k.hi = k.hi << 8 | b[i];
		k.lo = k.lo << 8 | b[8 + i];
	}
	return k;
}

/* Ids to positions: an open-addressing table (a power of two, at most
 * half full), so matching the found items to the stored rows and finding
 * equal ids compares numbers, not strings (bsearch with strcmp and a sort
 * of the keys were 7 ms of the scan's one-thread tail on a registry). */
struct id_index {
	struct id_key *slot;      /* idx SIZE_MAX: empty */
	size_t mask;
};

static void id_index_init(struct id_index *x, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap <<= 1;
	x->slot = xmalloc(cap * sizeof(*x->slot));
	for (size_t i = 0; i < cap; i++)
		x->slot[i].idx = SIZE_MAX;
	x->mask = cap - 1;
}

/* The slot that holds k's id, or the empty one where it would go. */
static struct id_key *id_index_slot(const struct id_index *x, const struct id_key *k)
{
	uint64_t h = (k->hi ^ k->lo * 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL;

	for (size_t i = (size_t)(h >> 32);; i++) {
		struct id_key *s = &x->slot[i & x->mask];
		if (s->idx == SIZE_MAX || (s->hi == k->hi && s->lo == k->lo))
			return s;
	}
}

/*
 * The repository's current items as the store now holds them, without
 * reading them back: the scanned items as recorded, plus the stored ones
 * outside the scanned part. Strings move out of sc; prev's are copied.
 */
static void current_items(struct audit_list *all, struct scanned *sc, size_t n, struct prev *prev,
			  size_t nprev, const char *scope, bool scope_is_file)
{
	struct id_index ids;
	size_t kept = 0, extra = 0;

	for (size_t k = 0; k < nprev; k++)
		extra += !prev[k].gone && !prev[k].seen && !in_scope(prev[k].file, scope, scope_is_file);
	all->cap = n + extra + 1;   /* one allocation */
	all->items = xrealloc(all->items, all->cap * sizeof(*all->items));
	for (size_t i = 0; i < n; i++) {
		struct audit_item *it = list_add(all);
		struct unsafe_item *u = sc[i].it;
		memcpy(it->id, sc[i].id, sizeof(it->id));
		memcpy(it->fingerprint, sc[i].fp, sizeof(it->fingerprint));
		it->file = xstrdup(sc[i].file);
		it->kind = u->kind;
		it->line = u->line;
		it->line_end = u->line_end;
		it->module = u->module;
		it->function = u->function;
		it->name = u->name;
		it->documented = u->documented;
		it->clippy_flags = u->clippy_flags;
		it->safety = u->safety;
		it->safety_line = u->safety_line;
		it->safety_line_end = u->safety_line_end;
		it->code = sc[i].code;
		u->module = u->function = u->name = u->safety = NULL;
		sc[i].code = NULL;
	}
	for (size_t k = 0; k < nprev; k++) {
		struct prev *p = &prev[k];
		if (p->gone || p->seen || in_scope(p->file, scope, scope_is_file))
			continue;
		struct audit_item *it = list_add(all);
		memcpy(it->id, p->id, sizeof(it->id));
		memcpy(it->fingerprint, p->fingerprint, sizeof(it->fingerprint));
		it->kind = p->kind;
		it->line = p->line;
		it->line_end = p->line_end;
		it->documented = p->documented;
		it->clippy_flags = p->clippy;
		it->safety_line = p->safety_line;
		it->safety_line_end = p->safety_line_end;
		it->file = dup_or_null(p->file);   /* (the row's strings are one block) */
		it->module = dup_or_null(p->module);
		it->function = dup_or_null(p->function);
		it->name = dup_or_null(p->name);
		it->safety = dup_or_null(p->safety);
		it->code = dup_or_null(p->code);
	}
	/* one row per id, as in the store (equal ids: a hash collision; the
	 * later one is the row the store kept) */
	id_index_init(&ids, all->n);
	for (size_t i = 0; i < all->n; i++) {
		struct id_key k = id_key_of(all->items[i].id, i), *slot = id_index_slot(&ids, &k);
		if (slot->idx != SIZE_MAX)
			all->items[slot->idx].gone = true;   /* marks the one to drop */
		*slot = k;
	}
	free(ids.slot);
	for (size_t i = 0; i < all->n; i++) {
		if (all->items[i].gone)
			item_release(&all->items[i]);
		else
			all->items[kept++] = all->items[i];
	}
	all->n = kept;
	if (!sorted(all->items, all->n, sizeof(*all->items), cmp_item_place))
		qsort(all->items, all->n, sizeof(*all->items), cmp_item_place);
}

/*
 * Walking, reading and lexing are the scan's work, shared by a few threads
 * in parts: part k is the files under the scanned folder's entry k, so the
 * parts joined in order give the walk's list. A thread takes the next part
 * not yet walked, walks it, marks it ready and starts on its files; a
 * thread with no part left to walk helps with the files of the ready
 * parts, so the walk and the lexing overlap and no core waits for a big
 * crate. Each fills only the slots of the files it took, so the result
 * does not depend on which thread took what. The walk is files.c's, with
 * rwb's one set of rules (a git work tree's .gitignore files included:
 * their parsed rules are shared by the threads, read only). A single
 * file comes as one part already walked.
 */
struct scan_part {
	struct walk w;              /* the part's files (w.files owned) */
	struct unsafe_file *out;    /* owned: one per file */
	struct scanned **found;     /* owned: per file, its items as recorded, or NULL */
	atomic_size_t next;         /* the next file to take */
	atomic_bool ready;          /* walked: w, out and found are set */
};

struct scan_pool {
	int rootfd;                 /* the repository folder (paths are relative to it) */
	const char *scope;          /* borrowed: the folder walked ("" = all) */
	struct files_parts *tops;   /* owned: the scope's entries, one per
				     * part; NULL when the one part comes walked */
	struct scan_part *parts;    /* owned */
	size_t nparts;
	atomic_size_t next_part;    /* the next part to walk */
};

/* File f's items as audit_scan records them: ids, fingerprints and code
 * (the stored rows are compared later, in compare_prev). */
static struct scanned *found_items(char *file, const struct unsafe_file *uf, const char *src)
{
	struct scanned *fs = xcalloc(uf->n + 1, sizeof(*fs));

	for (size_t i = 0; i < uf->n; i++) {
		struct unsafe_item *it = &uf->items[i];
		int rank = 0;
		unsafe_fingerprint_hex(fs[i].fp, it->fingerprint);
		for (size_t j = 0; j < i; j++)
			rank += uf->items[j].fingerprint == it->fingerprint;
		make_id(fs[i].id, file, fs[i].fp, rank);
		fs[i].file = file;
		fs[i].it = it;
		fs[i].code = xstrndup(src + it->start, it->end - it->start);
		fs[i].digest = base_digest(&fs[i]);
	}
	return fs;
}

/* Reads and lexes the files of a walked part not yet taken; *src and *cap
 * are the thread's reused buffer. */
static void scan_part_files(struct scan_pool *p, struct scan_part *pt, struct unsafe_scanner *scanner,
			    char **src, size_t *cap)
{
	size_t f, len;

	while ((f = atomic_fetch_add(&pt->next, 1)) < pt->w.n) {
		if (!read_into(p->rootfd, pt->w.files[f], src, cap, &len))
			continue;
		unsafe_scan_file(scanner, &pt->out[f], *src, len, pt->w.files[f]);
		if (pt->out[f].n)
			pt->found[f] = found_items(pt->w.files[f], &pt->out[f], *src);
	}
}

static void *scan_worker(void *arg)
{
	struct scan_pool *p = arg;
	struct unsafe_scanner *scanner = unsafe_scan_new();
	char *src = NULL;
	size_t cap = 0, k;

	while (p->tops && (k = atomic_fetch_add(&p->next_part, 1)) < p->nparts) {
		struct scan_part *pt = &p->parts[k];
		files_walk_part(p->tops, k, add_rust_file, &pt->w);
		pt->out = xcalloc(pt->w.n + 1, sizeof(*pt->out));
		pt->found = xcalloc(pt->w.n + 1, sizeof(*pt->found));
		atomic_store_explicit(&pt->ready, true, memory_order_release);
		scan_part_files(p, pt, scanner, &src, &cap);
	}
	for (k = 0; k < p->nparts; k++)
		if (atomic_load_explicit(&p->parts[k].ready, memory_order_acquire))
			scan_part_files(p, &p->parts[k], scanner, &src, &cap);
	free(src);
	unsafe_scan_free(scanner);
	return NULL;
}

/* A helper thread's scan_worker, its heap made ready for the scan's many
 * small allocations first (on this thread: audit_scan does it). */
static void *scan_helper(void *arg)
{
	xalloc_reserve(AUDIT_HEAP_RESERVE);
	return scan_worker(arg);
}

/* How many threads scan n files (0: not known yet, a walk to come). */
static size_t scan_threads(size_t n, bool walk_to_come)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!walk_to_come && n < 64)
		return 1;
	return cpus < 1 ? 1 : cpus > AUDIT_MAX_THREADS ? AUDIT_MAX_THREADS : (size_t)cpus;
}

/* Starts the helper threads on the pool (rootfd opened, the lexer's
 * tables made before any thread); false when the folder cannot be opened
 * (no file can be read: nothing found). */
static bool scan_start(struct scan_pool *p, const char *repo, pthread_t *th, bool *started, size_t nt)
{
	struct rustlex lx;

	p->rootfd = open(repo, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->rootfd < 0)
		return false;
	rustlex_init(&lx, NULL, 0);
	for (size_t t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, scan_helper, p) == 0;
	return true;
}

/* This thread's share, then the helpers joined. */
static void scan_finish(struct scan_pool *p, pthread_t *th, const bool *started, size_t nt)
{
	if (p->rootfd < 0)
		return;
	scan_worker(p);
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	close(p->rootfd);
}

/* The parts joined, in order, into w (the files), *files and *found; the
 * pool released. A part never walked (the folder could not be opened) is
 * walked here, without scanning. */
static void scan_join(struct scan_pool *p, struct walk *w, struct unsafe_file **files,
		      struct scanned ***found)
{
	size_t n = w->n;

	for (size_t k = 0; k < p->nparts; k++) {
		struct scan_part *pt = &p->parts[k];
		if (!atomic_load(&pt->ready) && p->tops)
			files_walk_part(p->tops, k, add_rust_file, &pt->w);
		n += pt->w.n;
	}
	w->files = xrealloc(w->files, (n + 1) * sizeof(*w->files));
	w->cap = n + 1;
	*files = xcalloc(n + 1, sizeof(**files));
	*found = xcalloc(n + 1, sizeof(**found));
	for (size_t k = 0; k < p->nparts; k++) {
		struct scan_part *pt = &p->parts[k];
		if (pt->w.n) {
			memcpy(w->files + w->n, pt->w.files, pt->w.n * sizeof(*w->files));
			if (pt->out)
				memcpy(*files + w->n, pt->out, pt->w.n * sizeof(**files));
			if (pt->found)
				memcpy(*found + w->n, pt->found, pt->w.n * sizeof(**found));
		}
		w->n += pt->w.n;
		free(pt->w.files);
		free(pt->out);
		free(pt->found);
	}
	free(p->parts);
	files_parts_free(p->tops);
}

/*
 * clippy's reachability for missing_safety_doc (unsafe_reach). A scoped
 * scan has not read the files that declare its modules: their `mod` and
 * `pub use` lines are read here (lib.rs, main.rs, and a.rs or a/mod.rs for
 * each module above).
 */
static void reach_pass(const char *repo, char **files, size_t n, struct unsafe_file *out,
		       struct scanned **found, bool scoped)
{
	char **paths = xmalloc((n + 1) * sizeof(*paths));
	struct unsafe_file *all = out;
	size_t na = n, capa = n;

	if (n > 0) /* no staged Rust file: files is NULL */
		memcpy(paths, files, n * sizeof(*paths));
	if (scoped) {
		int rootfd = open(repo, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char *src = NULL;
		size_t cap = 0, len;
		all = xcalloc(n + 1, sizeof(*all));
		if (n > 0)
			memcpy(all, out, n * sizeof(*all));
		for (size_t f = 0; f < n && rootfd >= 0; f++) {
			const char *srcdir = NULL, *rel = files[f];
			if (!found[f])
				continue;
			for (const char *q = rel; (q = strstr(q, "src/")); q += 4)
				if (q == rel || q[-1] == '/')
					srcdir = q + 4;
			if (!srcdir)
				continue;
			/* the parents: lib.rs and main.rs, then each folder's a.rs and a/mod.rs */
			for (const char *e = srcdir;; e++) {
				char *cand[2] = { NULL, NULL };
				if (e == srcdir) {
					cand[0] = xasprintf("%.*slib.rs", (int)(srcdir - rel), rel);
					cand[1] = xasprintf("%.*smain.rs", (int)(srcdir - rel), rel);
				} else if (*e == '/') {
					cand[0] = xasprintf("%.*s.rs", (int)(e - rel), rel);
					cand[1] = xasprintf("%.*s/mod.rs", (int)(e - rel), rel);
				}
				for (int c = 0; c < 2; c++) {
					bool have = !cand[c];
					for (size_t k = 0; k < na && !have; k++)
						have = strcmp(paths[k], cand[c]) == 0;
					if (!have && read_into(rootfd, cand[c], &src, &cap, &len)) {
						if (na == capa) {
							capa = 2 * capa + 4;
							all = xrealloc(all, capa * sizeof(*all));
							paths = xrealloc(paths, capa * sizeof(*paths));
						}
						memset(&all[na], 0, sizeof(*all));
						unsafe_scan_decls(&all[na], src, len, cand[c]);
						paths[na++] = cand[c];
						cand[c] = NULL;
					}
					free(cand[c]);
				}
				if (!*e)
					break;
			}
		}
		free(src);
		if (rootfd >= 0)
			close(rootfd);
	}
	unsafe_reach(all, (const char *const *)paths, na);
	if (all != out) {
		for (size_t k = n; k < na; k++) {
			unsafe_file_release(&all[k]);
			free(paths[k]);
		}
		free(all);
	}
	free(paths);
}

/* Each found item's stored row (by id), and whether it has to change
 * (after reach_pass: clippy_flags may have changed there). */
static void compare_prev(struct scanned **found, const struct unsafe_file *out, size_t n,
			 struct prev *prev, size_t nprev)
{
	struct id_index ids;

	id_index_init(&ids, nprev);
	for (size_t k = 0; k < nprev; k++) {
		struct id_key key = id_key_of(prev[k].id, k);
		*id_index_slot(&ids, &key) = key;
	}
	for (size_t f = 0; f < n; f++)
		for (size_t i = 0; found[f] && i < out[f].n; i++) {
			struct scanned *sc = &found[f][i];
			struct id_key key = id_key_of(sc->id, 0), *slot = id_index_slot(&ids, &key);
			sc->hit = slot->idx != SIZE_MAX ? &prev[slot->idx] : NULL;
			sc->digest = row_digest(sc->digest, sc->it->clippy_flags);
			sc->write = !sc->hit || sc->hit->gone || sc->hit->digest != sc->digest;
		}
	free(ids.slot);
}

int audit_scan(struct audit_list *out, struct store *s, const char *repo, const char *only)
{
	struct walk w = { 0 };
	struct unsafe_file *files = NULL;
	struct scanned *sc = NULL;
	struct prev *prev = NULL;
	struct audit_list all = { 0 };
	size_t nsc = 0, capsc = 0, nprev = 0;
	struct scanned **found = NULL;
	struct scan_pool pool = { .rootfd = -1 };
	pthread_t th[AUDIT_MAX_THREADS];
	bool started[AUDIT_MAX_THREADS] = { false }, scanning = false;
	size_t nt = 1;
	char *scope = NULL;
	bool scope_is_file;
	int rc, t, d, r;

	memset(out, 0, sizeof(*out));
	rc = scope_of(&scope, &scope_is_file, repo, only);
	if (rc)
		return rc;
	/* 7,000 page faults on a registry, a fifth of the scan's CPU on a
	 * virtual machine, become 2,500 */
	xalloc_reserve(AUDIT_HEAP_RESERVE);
	if (!scope_is_file) {
		/* the walk and the lexing on every core, in parts; this thread
		 * reads the stored rows, then helps */
		pool.scope = scope;
		pool.tops = files_parts_open(repo, scope, &pool.nparts);
		pool.parts = xcalloc(pool.nparts + 1, sizeof(*pool.parts));
		nt = scan_threads(0, true);
		scanning = scan_start(&pool, repo, th, started, nt);
		rc = load_prev(s, repo, *scope == '\0', &prev, &nprev);
	} else {
		/* one file: one part, already walked */
		rc = load_prev(s, repo, false, &prev, &nprev);
		pool.nparts = 1;
		pool.parts = xcalloc(1, sizeof(*pool.parts));
		pool.parts[0].w.files = xmalloc(sizeof(*pool.parts[0].w.files));
		pool.parts[0].w.files[0] = xstrdup(scope);
		pool.parts[0].w.n = 1;
		pool.parts[0].out = xcalloc(2, sizeof(*pool.parts[0].out));
		pool.parts[0].found = xcalloc(2, sizeof(*pool.parts[0].found));
		atomic_store(&pool.parts[0].ready, true);
		scanning = !rc && scan_start(&pool, repo, th, started, nt);
	}
	if (scanning)
		scan_finish(&pool, th, started, nt);
	scan_join(&pool, &w, &files, &found);
	if (rc) {
		rwb_fail_wrap(rc, "cannot read the audit");
		goto out;
	}
	reach_pass(repo, w.files, w.n, files, found, *scope != '\0');
	compare_prev(found, files, w.n, prev, nprev);
	for (size_t f = 0; f < w.n; f++) {
		if (!found[f])
			continue;
		if (nsc + files[f].n > capsc) {
			capsc = capsc ? 2 * capsc : 256;
			if (capsc < nsc + files[f].n)
				capsc = nsc + files[f].n;
			sc = xrealloc(sc, capsc * sizeof(*sc));
		}
		memcpy(sc + nsc, found[f], files[f].n * sizeof(*sc));   /* the code moves */
		nsc += files[f].n;
		free(found[f]);
		found[f] = NULL;
	}
	rc = upsert(s, repo, sc, nsc, prev, nprev, scope, scope_is_file);
	if (rc) {
		rwb_fail_wrap(rc, "cannot record the audit");
		goto out;
	}
	/* the answer: the current items of the scanned part, with status */
	current_items(&all, sc, nsc, prev, nprev, scope, scope_is_file);
	rc = attach_verdicts(&all, s, repo, true);
	if (rc) {
		rwb_fail_wrap(rc, "cannot read the audit");
		goto out;
	}
	out->required = all.required;
	/* the counts for the metrics, written only when they changed */
	count_list(&all, &t, &d, &r);
	if (!counts_same(s, repo, t, d, r) && store_write_begin(s) == RWB_OK) {
		write_counts(s, repo, t, d, r);
		store_write_commit(s);
	}
	/* the scanned part's items move to out (no copy when that is all) */
	if (!*scope) {
		out->items = all.items;
		out->n = all.n;
		out->cap = all.cap;
		all.items = NULL;
	} else {
		for (size_t i = 0; i < all.n; i++) {
			struct audit_item *it = &all.items[i];
			if (in_scope(it->file, scope, scope_is_file))
				*list_add(out) = *it;
			else
				item_release(it);
		}
	}
	all.n = 0;
	if (xalloc_exit_reclaims()) {
		/* a one-shot run: the exit frees the scan's blocks at once */
		free(scope);
		return RWB_OK;
	}
out:
	audit_list_release(&all);
	free_prev(prev, nprev);
	for (size_t i = 0; i < nsc; i++)
		free(sc[i].code);
	free(sc);
	for (size_t f = 0; f < w.n; f++) {
		for (size_t i = 0; found[f] && i < files[f].n; i++)
			free(found[f][i].code);   /* not moved: the scan failed */
		free(found[f]);
		unsafe_file_release(&files[f]);
		free(w.files[f]);
	}
	free(files);
	free(found);
	free(w.files);
	free(scope);
	return rc;
}

/* ---- review ------------------------------------------------------------------ */

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool valid_verdict(const char *v)
{
	return v && (strcmp(v, "sound") == 0 || strcmp(v, "unsound") == 0 ||
		     strcmp(v, "needs-work") == 0);
}

/* The item's current fingerprint and whether it is gone, and the time a
 * new verdict of reviewer gets (after any of theirs, even within one ms). */
static int review_state(struct store *s, const char *repo, const char *id, const char *reviewer,
			char fp[17], int *gone, int64_t *at)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*fp = '\0';
	*gone = 0;
	rc = store_prepare(s, &st, "SELECT fingerprint, gone FROM audit_items WHERE repo = ? AND id = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		col_copy(fp, 17, st, 0);
		*gone = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	rc = store_prepare(s, &st, "SELECT MAX(at) FROM audit_verdicts WHERE repo = ? AND item = ? AND reviewer = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reviewer, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    sqlite3_column_int64(st, 0) >= *at)
		*at = sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	return RWB_OK;
}

int audit_review(struct store *s, const char *repo, const char *id, const char *verdict,
		 const char *reviewer, const char *note)
{
	return audit_review_signed(s, repo, id, verdict, reviewer, note, NULL);
}

int audit_review_signed(struct store *s, const char *repo, const char *id, const char *verdict,
			const char *reviewer, const char *note, const char *keyspec)
{
	sqlite3_stmt *st = NULL;
	char fp[17] = "", fp2[17];
	char *sig = NULL, *key = NULL, *repo_id = NULL;
	int gone = 0, gone2, rc;
	int64_t at = store_now_ms(), at2;

	if (!valid_verdict(verdict))
		return rwb_fail(RWB_EINPUT, "verdict \"%s\" is not one of sound, unsound, needs-work",
				verdict ? verdict : "");
	if (!reviewer || !valid_name(reviewer, AUDIT_MAX_REVIEWER))
		return rwb_fail(RWB_EINPUT, "reviewer name must be 1 to %d characters without control "
				"characters", AUDIT_MAX_REVIEWER);
	if (!note)
		note = "";
	if (strlen(note) > AUDIT_MAX_NOTE)
		return rwb_fail(RWB_EINPUT, "note is longer than %d bytes", AUDIT_MAX_NOTE);
	rc = review_state(s, repo, id, reviewer, fp, &gone, &at);
	if (rc)
		return rc;
	if (!*fp)
		return rwb_fail(RWB_ENOTFOUND, "no unsafe item %s in %s (run /unsafe-audit to list them)",
				id, repo);
	if (gone)
		return rwb_fail(RWB_EINPUT, "unsafe item %s is gone: its code or SAFETY comment changed; "
				"review the item that replaced it (/unsafe-audit)", id);
	if (keyspec) {
		/* signed before the write lock is taken: an agent may ask for a touch */
		char *text;
		rc = audit_repo_id(s, repo, &repo_id);
		if (rc)
			return rc;
		text = audit_signed_text(repo_id, id, fp, verdict, reviewer, at, note);
		rc = sshsig_sign(&sig, &key, keyspec, text, strlen(text));
		if (!rc) {
			/* verified now, outside the write lock: the status computed
			 * inside it finds the answer in sshsig's cache */
			struct sshsig_allowed al;
			struct sshsig_check c;
			audit_allowed_load(&al, repo);
			(void)sshsig_verify(&c, &al, sig, text, strlen(text));
			sshsig_allowed_release(&al);
		}
		free(text);
		free(repo_id);
		if (rc)
			return rc;
	}
	rc = store_write_begin(s);
	if (rc)
		goto done;
	/* what was signed must still be so */
	at2 = at;
	rc = review_state(s, repo, id, reviewer, fp2, &gone2, &at2);
	if (rc)
		goto fail;
	if (strcmp(fp, fp2) != 0 || gone2 || at2 != at) {
		rc = rwb_fail(RWB_EBUSY, "unsafe item %s changed while the verdict was being signed; "
			      "give it again", id);
		goto fail;
	}
	rc = store_prepare(s, &st, "INSERT INTO audit_verdicts(repo, item, fingerprint, reviewer, verdict, note, at,"
			   " signature, signer_key) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (rc)
		goto fail;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, at);
	sqlite3_bind_text(st, 8, sig ? sig : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, key ? key : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_error(s, sqlite3_errcode(s->db));
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	record_counts(s, repo);
	rc = store_write_commit(s);
	goto done;
fail:
	sqlite3_finalize(st);
	store_write_rollback(s);
done:
	free(sig);
	free(key);
	return rc;
}

char *audit_reviewer(const char *explicit_name, const char *repo)
{
	const char *user;
	char *name;

	if (explicit_name && *explicit_name)
		return xstrdup(explicit_name);
	name = gitw_config_string(repo, "user.name");
	if (name)
		return name;
	user = getenv("USER");
	return xstrdup(user && *user ? user : "unknown");
}

/* ---- the ledger ------------------------------------------------------------------- */

static void add_line(struct strbuf *sb, cJSON *obj, bool last)
{
	char *t = cJSON_PrintUnformatted(obj);

	strbuf_addf(sb, "    %s%s\n", t, last ? "" : ",");
	cJSON_free(t);
	cJSON_Delete(obj);
}

struct vrow {
	struct audit_item *it;
	struct audit_verdict *v;
	char fp[17];
};

int audit_export(struct strbuf *out, struct store *s, const char *repo, int *nitems, int *nverdicts)
{
	struct audit_list l;
	sqlite3_stmt *st = NULL;
	int rc, nv = 0, ni = 0;
	struct strbuf sb = STRBUF_INIT;
	bool first;

	char *repo_id = NULL;

	rc = audit_repo_id(s, repo, &repo_id);
	if (rc)
		return rc;
	rc = load_list(&l, s, repo, true, false);
	if (rc) {
		free(repo_id);
		return rc;
	}
	{
		cJSON *id = cJSON_CreateString(repo_id);
		char *t = cJSON_PrintUnformatted(id);
		strbuf_addf(&sb, "{\n  \"version\": 1,\n  \"repository\": %s,\n  \"required_reviewers\": %d,\n"
			    "  \"require_signatures\": %s,\n  \"items\": [\n", t, l.required,
			    l.require_signatures ? "true" : "false");
		cJSON_free(t);
		cJSON_Delete(id);
		free(repo_id);
	}
	/* items: current ones and gone ones with verdicts, by file then id */
	size_t *order = xmalloc((l.n + 1) * sizeof(*order));
	size_t no = 0;
	for (size_t i = 0; i < l.n; i++)
		if (!l.items[i].gone || l.items[i].nverdicts)
			order[no++] = i;
	for (size_t a = 1; a < no; a++) {  /* insertion sort: stable, small n */
		size_t x = order[a], b = a;
		while (b > 0) {
			struct audit_item *p = &l.items[order[b - 1]], *q = &l.items[x];
			int c = strcmp(p->file, q->file);
			if (c < 0 || (c == 0 && strcmp(p->id, q->id) <= 0))
				break;
			order[b] = order[b - 1];
			b--;
		}
		order[b] = x;
	}
	for (size_t k = 0; k < no; k++) {
		struct audit_item *it = &l.items[order[k]];
		cJSON *o = cJSON_CreateObject();
		/* module::fn for blocks and fns, module::Type for impls and traits */
		const char *leaf = *it->function ? it->function : it->name ? it->name : "";
		char *path = *it->module && *leaf ? xasprintf("%s::%s", it->module, leaf) :
			xstrdup(*it->module ? it->module : leaf);
		cJSON_AddStringToObject(o, "id", it->id);
		cJSON_AddStringToObject(o, "file", it->file);
		cJSON_AddStringToObject(o, "kind", unsafe_kind_name(it->kind));
		cJSON_AddStringToObject(o, "item", path);
		cJSON_AddStringToObject(o, "fingerprint", it->fingerprint);
		if (it->gone)
			cJSON_AddBoolToObject(o, "gone", 1);
		free(path);
		add_line(&sb, o, k + 1 == no);
		ni++;
	}
	free(order);
	strbuf_adds(&sb, "  ],\n  \"verdicts\": [\n");
	/* verdicts: by id, time, reviewer; every one, with its own fingerprint */
	rc = store_prepare(s, &st, "SELECT item, fingerprint, reviewer, verdict, note, at, signature, signer_key"
			   " FROM audit_verdicts WHERE repo = ?"
			   " ORDER BY item, at, reviewer, verdict, note, fingerprint, signature");
	if (rc)
		goto out;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	first = true;
	{
		cJSON *pending = NULL;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "id", (const char *)sqlite3_column_text(st, 0));
			cJSON_AddStringToObject(o, "fingerprint", (const char *)sqlite3_column_text(st, 1));
			cJSON_AddStringToObject(o, "reviewer", (const char *)sqlite3_column_text(st, 2));
			cJSON_AddStringToObject(o, "verdict", (const char *)sqlite3_column_text(st, 3));
			cJSON_AddNumberToObject(o, "at", (double)sqlite3_column_int64(st, 5));
			cJSON_AddStringToObject(o, "note", (const char *)sqlite3_column_text(st, 4));
			if (sqlite3_column_bytes(st, 6) > 0) {
				cJSON_AddStringToObject(o, "key", (const char *)sqlite3_column_text(st, 7));
				cJSON_AddStringToObject(o, "signature", (const char *)sqlite3_column_text(st, 6));
			}
			if (pending)
				add_line(&sb, pending, false);
			pending = o;
			nv++;
			first = false;
		}
		if (pending)
			add_line(&sb, pending, true);
	}
	(void)first;
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	strbuf_adds(&sb, "  ]\n}\n");
out:
	sqlite3_finalize(st);
	audit_list_release(&l);
	if (rc) {
		strbuf_free(&sb);
		return rc;
	}
	*nitems = ni;
	*nverdicts = nv;
	strbuf_add(out, sb.buf, sb.len);
	strbuf_free(&sb);
	return RWB_OK;
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/* A string member, or NULL with *bad set and the error channel naming where. */
static const char *member_str(const cJSON *o, const char *name, bool required, const char *where,
			      bool *bad)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!m) {
		if (required) {
			rwb_fail(RWB_EINPUT, "%s.%s: missing (a string is needed)", where, name);
			*bad = true;
		}
		return NULL;
	}
	if (!cJSON_IsString(m) || !m->valuestring) {
		rwb_fail(RWB_EINPUT, "%s.%s: must be a string", where, name);
		*bad = true;
		return NULL;
	}
	return m->valuestring;
}

static bool safe_relpath(const char *p)
{
	if (!*p || p[0] == '/' || strlen(p) > 4096)
		return false;
	for (const char *q = p; *q; q++)
		if ((unsigned char)*q < 0x20)
			return false;
	return strcmp(p, "..") != 0 && strncmp(p, "../", 3) != 0 && !strstr(p, "/../") &&
		!(strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0);
}

static bool id_known(struct store *s, const char *repo, const char *id)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (store_prepare(s, &st, "SELECT 1 FROM audit_items WHERE repo = ? AND id = ?"))
		return false;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* A ledger read and validated (every field of every entry). */
struct ledger {
	cJSON *root;                 /* owned */
	const cJSON *items, *verdicts;
	const cJSON *req;            /* required_reviewers, or NULL */
	int require_sigs;            /* -1 absent, 0, 1 */
	const char *repo_id;         /* "repository", or NULL */
};

static const char *vstr(const cJSON *e, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, name);

	return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* Reads text into lg; s (may be NULL) knows the ids not in the ledger. */
static int ledger_read(struct ledger *lg, struct store *s, const char *repo, const char *text, size_t len)
{
	const cJSON *ver, *e, *rs, *rid;
	char where[64];
	bool bad = false, any_sig = false;
	int i;

	memset(lg, 0, sizeof(*lg));
	lg->require_sigs = -1;
	if (len > AUDIT_MAX_LEDGER)
		return rwb_fail(RWB_EINPUT, "the ledger is larger than %u MB", AUDIT_MAX_LEDGER >> 20);
	lg->root = cJSON_ParseWithLength(text, len);
	if (!lg->root || !cJSON_IsObject(lg->root)) {
		/* the error pointer points into text, which need not end in NUL */
		const char *at = lg->root ? NULL : cJSON_GetErrorPtr();
		char near[24] = "";
		if (at && at >= text && at < text + len) {
			size_t k = 0;
			for (const char *q = at; q < text + len && k < 20; q++)
				near[k++] = (unsigned char)*q < 0x20 ? ' ' : *q;
			near[k] = '\0';
		}
		if (*near)
			rwb_fail(RWB_EINPUT, "not a JSON object (error near \"%s\")", near);
		else
			rwb_fail(RWB_EINPUT, "not a JSON object");
		goto bad;
	}
	ver = cJSON_GetObjectItemCaseSensitive(lg->root, "version");
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
		rwb_fail(RWB_EINPUT, "version: must be 1 (this rwb reads ledger version 1)");
		goto bad;
	}
	lg->req = cJSON_GetObjectItemCaseSensitive(lg->root, "required_reviewers");
	if (lg->req && (!cJSON_IsNumber(lg->req) || lg->req->valuedouble != (int)lg->req->valuedouble ||
			lg->req->valueint < 1 || lg->req->valueint > 20)) {
		rwb_fail(RWB_EINPUT, "required_reviewers: must be a whole number from 1 to 20");
		goto bad;
	}
	rs = cJSON_GetObjectItemCaseSensitive(lg->root, "require_signatures");
	if (rs && !cJSON_IsBool(rs)) {
		rwb_fail(RWB_EINPUT, "require_signatures: must be true or false");
		goto bad;
	}
	if (rs)
		lg->require_sigs = cJSON_IsTrue(rs) ? 1 : 0;
	rid = cJSON_GetObjectItemCaseSensitive(lg->root, "repository");
	if (rid) {
		if (!cJSON_IsString(rid) || !rid->valuestring || !valid_name(rid->valuestring, 200)) {
			rwb_fail(RWB_EINPUT, "repository: must be 1 to 200 characters without control characters");
			goto bad;
		}
		lg->repo_id = rid->valuestring;
	}
	lg->items = cJSON_GetObjectItemCaseSensitive(lg->root, "items");
	lg->verdicts = cJSON_GetObjectItemCaseSensitive(lg->root, "verdicts");
	if (!cJSON_IsArray(lg->items)) {
		rwb_fail(RWB_EINPUT, "items: missing or not an array");
		goto bad;
	}
	if (!cJSON_IsArray(lg->verdicts)) {
		rwb_fail(RWB_EINPUT, "verdicts: missing or not an array");
		goto bad;
	}
	i = 0;
	cJSON_ArrayForEach(e, lg->items) {
		const char *id, *file, *kind, *fp;
		snprintf(where, sizeof(where), "items[%d]", i++);
		if (!cJSON_IsObject(e)) {
			rwb_fail(RWB_EINPUT, "%s: must be an object", where);
			goto bad;
		}
		id = member_str(e, "id", true, where, &bad);
		if (bad)
			goto bad;
		file = member_str(e, "file", true, where, &bad);
		if (bad)
			goto bad;
		kind = member_str(e, "kind", true, where, &bad);
		if (bad)
			goto bad;
		fp = member_str(e, "fingerprint", true, where, &bad);
		if (bad)
			goto bad;
		member_str(e, "item", false, where, &bad);
		if (bad)
			goto bad;
		if (!is_hex(id, 10)) {
			rwb_fail(RWB_EINPUT, "%s.id: \"%.40s\" is not 10 lowercase hex digits", where, id);
			goto bad;
		}
		if (!safe_relpath(file)) {
			rwb_fail(RWB_EINPUT, "%s.file: \"%.80s\" is not a path inside the repository", where, file);
			goto bad;
		}
		if (unsafe_kind_parse(kind) < 0) {
			rwb_fail(RWB_EINPUT, "%s.kind: \"%.20s\" is not one of block, fn, impl, trait, extern", where, kind);
			goto bad;
		}
		if (!is_hex(fp, 16)) {
			rwb_fail(RWB_EINPUT, "%s.fingerprint: \"%.40s\" is not 16 lowercase hex digits", where, fp);
			goto bad;
		}
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(e, "gone");
		if (g && !cJSON_IsBool(g)) {
			rwb_fail(RWB_EINPUT, "%s.gone: must be true or false", where);
			goto bad;
		}
	}
	i = 0;
	cJSON_ArrayForEach(e, lg->verdicts) {
		const char *id, *fp = NULL, *rv = NULL, *vd = NULL, *note = NULL, *sig = NULL, *key = NULL;
		const cJSON *at;
		bool in_ledger = false;
		snprintf(where, sizeof(where), "verdicts[%d]", i++);
		if (!cJSON_IsObject(e)) {
			rwb_fail(RWB_EINPUT, "%s: must be an object", where);
			goto bad;
		}
		id = member_str(e, "id", true, where, &bad);
		if (!bad)
			fp = member_str(e, "fingerprint", true, where, &bad);
		if (!bad)
			rv = member_str(e, "reviewer", true, where, &bad);
		if (!bad)
			vd = member_str(e, "verdict", true, where, &bad);
		if (!bad)
			note = member_str(e, "note", false, where, &bad);
		if (!bad)
			sig = member_str(e, "signature", false, where, &bad);
		if (!bad)
			key = member_str(e, "key", false, where, &bad);
		if (bad)
			goto bad;
		if (!is_hex(id, 10)) {
			rwb_fail(RWB_EINPUT, "%s.id: \"%.40s\" is not 10 lowercase hex digits", where, id);
			goto bad;
		}
		if (!is_hex(fp, 16)) {
			rwb_fail(RWB_EINPUT, "%s.fingerprint: \"%.40s\" is not 16 lowercase hex digits", where, fp);
			goto bad;
		}
		if (!valid_name(rv, AUDIT_MAX_REVIEWER)) {
			rwb_fail(RWB_EINPUT, "%s.reviewer: must be 1 to %d characters without control characters",
				 where, AUDIT_MAX_REVIEWER);
			goto bad;
		}
		if (!valid_verdict(vd)) {
			rwb_fail(RWB_EINPUT, "%s.verdict: \"%.20s\" is not one of sound, unsound, needs-work", where, vd);
			goto bad;
		}
		if (note && strlen(note) > AUDIT_MAX_NOTE) {
			rwb_fail(RWB_EINPUT, "%s.note: longer than %d bytes", where, AUDIT_MAX_NOTE);
			goto bad;
		}
		if (sig && (!*sig || strlen(sig) > SSHSIG_MAX_TEXT || !strstr(sig, "-----BEGIN SSH SIGNATURE-----"))) {
			rwb_fail(RWB_EINPUT, "%s.signature: not an armored SSH signature", where);
			goto bad;
		}
		if (key && (!sig || strlen(key) > 16384 || !valid_name(key, 16384))) {
			rwb_fail(RWB_EINPUT, "%s.key: must be a public key line, and only with a signature", where);
			goto bad;
		}
		any_sig |= sig != NULL;
		at = cJSON_GetObjectItemCaseSensitive(e, "at");
		if (!cJSON_IsNumber(at) || at->valuedouble < 1 || at->valuedouble > 9.0e15 ||
		    at->valuedouble != (double)(int64_t)at->valuedouble) {
			rwb_fail(RWB_EINPUT, "%s.at: must be a time in milliseconds since 1970", where);
			goto bad;
		}
		const cJSON *x;
		cJSON_ArrayForEach(x, lg->items) {
			const cJSON *xid = cJSON_GetObjectItemCaseSensitive(x, "id");
			if (strcmp(xid->valuestring, id) == 0)
				in_ledger = true;
		}
		if (s && !in_ledger && !id_known(s, repo, id)) {
			rwb_fail(RWB_EINPUT, "%s.id: %s is neither in the ledger's items nor in the store", where, id);
			goto bad;
		}
	}
	if (any_sig && !lg->repo_id) {
		rwb_fail(RWB_EINPUT, "repository: missing (signed verdicts name the repository they were signed for)");
		goto bad;
	}
	return RWB_OK;
bad:
	cJSON_Delete(lg->root);
	lg->root = NULL;
	return RWB_EINPUT;
}

static int64_t vat(const cJSON *e)
{
	return (int64_t)cJSON_GetObjectItemCaseSensitive(e, "at")->valuedouble;
}

int audit_import(struct store *s, const char *repo, const char *text, size_t len,
		 int *nitems, int *nverdicts)
{
	int nforged;

	return audit_import_checked(s, repo, text, len, nitems, nverdicts, &nforged, NULL, 0);
}

int audit_import_checked(struct store *s, const char *repo, const char *text, size_t len,
			 int *nitems, int *nverdicts, int *nforged, char *forged_msg, size_t fmlen)
{
	struct ledger lg;
	const cJSON *e;
	sqlite3_stmt *ins_item = NULL, *ins_v = NULL;
	struct sshsig_allowed allowed = { 0 };
	bool have_allowed = false, store_req;
	char *store_id = NULL;
	bool *forged = NULL;
	int rc, i, nv;
	int64_t now = store_now_ms();

	*nitems = *nverdicts = *nforged = 0;
	if (forged_msg && fmlen)
		*forged_msg = '\0';
	rc = ledger_read(&lg, s, repo, text, len);
	if (rc)
		return rc;
	/* the identity verdicts are signed for: the store's, else the ledger's */
	rc = load_policy(s, repo, &store_req, &store_id);
	if (rc)
		goto out;
	if (store_id && lg.repo_id && strcmp(store_id, lg.repo_id) != 0) {
		rc = rwb_fail(RWB_EINPUT, "repository: the ledger is for \"%.80s\", this repository's "
			      "verdicts are signed for \"%.80s\"", lg.repo_id, store_id);
		goto out;
	}
	/* every signature is verified first: forged verdicts are left out */
	nv = cJSON_GetArraySize(lg.verdicts);
	forged = xcalloc((size_t)nv + 1, sizeof(*forged));
	i = 0;
	cJSON_ArrayForEach(e, lg.verdicts) {
		const char *sig = vstr(e, "signature"), *key = vstr(e, "key"), *note = vstr(e, "note");
		struct sshsig_check c;
		char *t;
		int k = i++;
		if (!sig)
			continue;
		if (!have_allowed) {
			audit_allowed_load(&allowed, repo);
			have_allowed = true;
		}
		t = audit_signed_text(lg.repo_id, vstr(e, "id"), vstr(e, "fingerprint"), vstr(e, "verdict"),
				      vstr(e, "reviewer"), vat(e), note ? note : "");
		rc = sshsig_verify(&c, &allowed, sig, t, strlen(t));
		free(t);
		if (rc) {
			rwb_fail(rc, "cannot verify signatures: ssh-keygen cannot run (install openssh-client)");
			goto out;
		}
		if (c.state == SSHSIG_FORGED || (key && *c.key && strcmp(key, c.key) != 0)) {
			forged[k] = true;
			if (!(*nforged)++ && forged_msg)
				snprintf(forged_msg, fmlen, "verdicts[%d] (item %s, reviewer %s): forged: %s", k,
					 vstr(e, "id"), vstr(e, "reviewer"), c.state == SSHSIG_FORGED ? c.why :
					 "the recorded key is not the key that made the signature");
		}
	}
	/* then write it all in one transaction */
	rc = store_write_begin(s);
	if (rc)
		goto out;
	rc = store_prepare(s, &ins_item,
		"INSERT OR IGNORE INTO audit_items(repo, id, file, kind, function, fingerprint, first_seen,"
		" last_seen, gone, gone_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 1, ?)");
	if (!rc)
		rc = store_prepare(s, &ins_v,
			"INSERT OR IGNORE INTO audit_verdicts(repo, item, fingerprint, reviewer, verdict, note, at,"
			" signature, signer_key) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (rc)
		goto fail;
	cJSON_ArrayForEach(e, lg.items) {
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(e, "item");
		sqlite3_reset(ins_item);
		sqlite3_bind_text(ins_item, 1, repo, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_item, 2, vstr(e, "id"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_item, 3, vstr(e, "file"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_item, 4, vstr(e, "kind"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_item, 5, it ? it->valuestring : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_item, 6, vstr(e, "fingerprint"), -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_item, 7, now);
		sqlite3_bind_int64(ins_item, 8, now);
		sqlite3_bind_int64(ins_item, 9, now);
		if (sqlite3_step(ins_item) != SQLITE_DONE) {
			rc = store_error(s, sqlite3_errcode(s->db));
			goto fail;
		}
		*nitems += sqlite3_changes(s->db);
	}
	i = 0;
	cJSON_ArrayForEach(e, lg.verdicts) {
		const char *note = vstr(e, "note"), *sig = vstr(e, "signature"), *key = vstr(e, "key");
		if (forged[i++])
			continue;
		sqlite3_reset(ins_v);
		sqlite3_bind_text(ins_v, 1, repo, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_v, 2, vstr(e, "id"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_v, 3, vstr(e, "fingerprint"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_v, 4, vstr(e, "reviewer"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_v, 5, vstr(e, "verdict"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_v, 6, note ? note : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_v, 7, vat(e));
		sqlite3_bind_text(ins_v, 8, sig ? sig : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_v, 9, key ? key : "", -1, SQLITE_STATIC);
		if (sqlite3_step(ins_v) != SQLITE_DONE) {
			rc = store_error(s, sqlite3_errcode(s->db));
			goto fail;
		}
		*nverdicts += sqlite3_changes(s->db);
	}
	sqlite3_finalize(ins_item);
	sqlite3_finalize(ins_v);
	ins_item = ins_v = NULL;
	if (lg.req) {
		sqlite3_stmt *st = NULL;
		rc = store_prepare(s, &st, "INSERT INTO audit_config(repo, required_reviewers) VALUES(?, ?)"
				   " ON CONFLICT(repo) DO UPDATE SET required_reviewers = excluded.required_reviewers");
		if (rc)
			goto fail;
		sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, lg.req->valueint);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_error(s, sqlite3_errcode(s->db));
		sqlite3_finalize(st);
		if (rc)
			goto fail;
	}
	if (lg.require_sigs >= 0 && (rc = store_policy(s, repo, "require_signatures", lg.require_sigs, NULL)))
		goto fail;
	if (!store_id && lg.repo_id && (rc = store_policy(s, repo, "repo_id", 0, lg.repo_id)))
		goto fail;
	record_counts(s, repo);
	rc = store_write_commit(s);
	goto out;
fail:
	rwb_fail_wrap(rc, "cannot record the ledger");
	sqlite3_finalize(ins_item);
	sqlite3_finalize(ins_v);
	store_write_rollback(s);
	*nitems = *nverdicts = 0;
out:
	free(forged);
	free(store_id);
	sshsig_allowed_release(&allowed);
	cJSON_Delete(lg.root);
	return rc;
}

static int cmp_verdict_at(const void *a, const void *b)
{
	const struct audit_verdict *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

int audit_merge_ledger(struct audit_list *l, const char *text, size_t len)
{
	struct ledger lg;
	const cJSON *e;
	struct audit_item **idx;
	int rc = ledger_read(&lg, NULL, l->root ? l->root : ".", text, len);

	if (rc)
		return rc;
	if (lg.repo_id) {
		if (l->repo_id && strcmp(l->repo_id, lg.repo_id) != 0) {
			rwb_fail(RWB_EINPUT, "repository: the ledger is for \"%.80s\", this repository's "
				 "verdicts are signed for \"%.80s\"", lg.repo_id, l->repo_id);
			cJSON_Delete(lg.root);
			return RWB_EINPUT;
		}
		if (!l->repo_id)
			l->repo_id = xstrdup(lg.repo_id);
	}
	if (lg.require_sigs == 1)
		l->require_signatures = true;
	if (lg.req && lg.req->valueint > l->required)
		l->required = lg.req->valueint;
	idx = xmalloc((l->n + 1) * sizeof(*idx));
	for (size_t i = 0; i < l->n; i++)
		idx[i] = &l->items[i];
	qsort(idx, l->n, sizeof(*idx), cmp_item_ptr_id);
	cJSON_ArrayForEach(e, lg.verdicts) {
		struct audit_item key, *kp = &key, **hit, *it;
		const char *note = vstr(e, "note"), *sig = vstr(e, "signature"), *k = vstr(e, "key");
		bool dup = false;
		snprintf(key.id, sizeof(key.id), "%s", vstr(e, "id"));
		hit = l->n ? bsearch(&kp, idx, l->n, sizeof(*idx), cmp_item_ptr_id) : NULL;
		if (!hit)
			continue;
		it = *hit;
		if (!note)
			note = "";
		for (int j = 0; j < it->nverdicts && !dup; j++) {
			struct audit_verdict *v = &it->verdicts[j];
			dup = v->at == vat(e) && strcmp(v->fingerprint, vstr(e, "fingerprint")) == 0 &&
				strcmp(v->reviewer, vstr(e, "reviewer")) == 0 &&
				strcmp(v->verdict, vstr(e, "verdict")) == 0 && strcmp(v->note, note) == 0 &&
				strcmp(v->signature ? v->signature : "", sig ? sig : "") == 0;
		}
		if (dup)
			continue;
		it->verdicts = xrealloc(it->verdicts, (size_t)(it->nverdicts + 1) * sizeof(*it->verdicts));
		struct audit_verdict *v = &it->verdicts[it->nverdicts++];
		memset(v, 0, sizeof(*v));
		v->reviewer = xstrdup(vstr(e, "reviewer"));
		v->verdict = xstrdup(vstr(e, "verdict"));
		v->note = xstrdup(note);
		v->at = vat(e);
		snprintf(v->fingerprint, sizeof(v->fingerprint), "%s", vstr(e, "fingerprint"));
		v->current = strcmp(v->fingerprint, it->fingerprint) == 0;
		v->signature = sig ? xstrdup(sig) : NULL;
		v->key = k ? xstrdup(k) : NULL;
		v->from_ledger = true;
		/* oldest first, as the store gives them (qsort is not stable:
		 * move it back by hand) */
		for (int j = it->nverdicts - 1; j > 0 && cmp_verdict_at(&it->verdicts[j - 1], &it->verdicts[j]) > 0; j--) {
			struct audit_verdict t = it->verdicts[j];
			it->verdicts[j] = it->verdicts[j - 1];
			it->verdicts[j - 1] = t;
		}
	}
	free(idx);
	cJSON_Delete(lg.root);
	list_status(l);
	return RWB_OK;
}

/* ---- checking a tree that is not the work tree (the index, a commit) ---------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Runs git with argv in repo (env added, input on stdin); RWB_OK when it exits 0. */
static int run_git(const char *repo, const char *const argv[], char *const *env, const char *input,
		   size_t input_len, struct strbuf *out)
{
	struct proc_result res;
	struct strbuf e = STRBUF_INIT;
	struct proc_opts o = { .cwd = repo, .env = env, .input = input, .input_len = input_len,
			       .out = out, .err = &e, .timeout_ms = 120000 };
	int rc = proc_run(&res, (char *const *)argv, &o);

	if (rc == RWB_ENOTOOL) {
		rwb_fail(rc, "git cannot run: %s", res.errmsg);
	} else if (rc) {
		rwb_fail(rc, "%s", res.errmsg);
	} else if (res.status != 0) {
		const char *m = strbuf_str(&e);
		rc = rwb_fail(RWB_ENOTREPO, "git %s failed: %.*s", argv[1], (int)strcspn(m, "\n"), m);
	}
	strbuf_free(&e);
	return rc;
}

int audit_scan_tree(struct audit_list *out, struct store *s, const char *repo, const char *rev)
{
	const char *t = getenv("TMPDIR");
	char *top = xasprintf("%s/rwb-check.XXXXXX", t && *t ? t : "/tmp");
	char *tree = NULL, *dbpath = NULL, *idxenv = NULL, *text = NULL;
	char *env[2] = { NULL, NULL };
	struct strbuf paths = STRBUF_INIT, sb = STRBUF_INIT;
	struct store *tmp = NULL;
	int rc, ni, nv;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!mkdtemp(top)) {
		rwb_fail(RWB_EIO, "cannot create a temporary folder: %s", strerror(errno));
		free(top);
		return RWB_EIO;
	}
	tree = xasprintf("%s/tree", top);
	dbpath = xasprintf("%s/store.db", top);
	mkdir(tree, 0700);
	if (rev) {
		/* the commit's tree through an index of our own */
		idxenv = xasprintf("GIT_INDEX_FILE=%s/index", top);
		env[0] = idxenv;
		const char *rt[] = { "git", "read-tree", rev, NULL };
		rc = run_git(repo, rt, env, NULL, 0, NULL);
		if (rc)
			goto out;
	}
	{
		const char *ls[] = { "git", "ls-files", "-z", "--", "*.rs", ".rwb/audits.json",
				     ".rwb/allowed_signers", NULL };
		rc = run_git(repo, ls, env, NULL, 0, &paths);
		if (rc)
			goto out;
	}
	if (paths.len) {
		char *prefix = xasprintf("--prefix=%s/", tree);
		const char *co[] = { "git", "checkout-index", "-z", "--stdin", prefix, NULL };
		rc = run_git(repo, co, env, paths.buf, paths.len, NULL);
		free(prefix);
		if (rc)
			goto out;
	}
	/* git's own allowed-signers file counts as it does in the work tree */
	{
		const char *argv[] = { "git", "config", "--get", "gpg.ssh.allowedSignersFile", NULL };
		char *cfg = proc_output((char *const *)argv, repo, 64 << 10);
		if (cfg) {
			cfg[strcspn(cfg, "\r\n")] = '\0';
			char *path = cfg[0] == '/' ? xstrdup(cfg) :
				cfg[0] == '~' && cfg[1] == '/' && getenv("HOME") ?
				xasprintf("%s/%s", getenv("HOME"), cfg + 2) : xasprintf("%s/%s", repo, cfg);
			char *extra = strbuf_read_whole(path, 1u << 20, &len);
			if (extra) {
				char *dir = xasprintf("%s/.rwb", tree), *f = xasprintf("%s/.rwb/allowed_signers", tree);
				FILE *fp;
				mkdir(dir, 0700);
				if ((fp = fopen(f, "a"))) {
					fputs("\n", fp);
					fwrite(extra, 1, len, fp);
					fclose(fp);
				}
				free(dir);
				free(f);
				free(extra);
			}
			free(path);
			free(cfg);
		}
	}
	rc = store_open(&tmp, dbpath, true);
	if (rc)
		goto out;
	rc = audit_scan(out, tmp, tree, NULL);
	if (rc)
		goto out;
	/* the policy and the verdicts of this store for the repository ... */
	rc = audit_required(s, repo, &out->required);
	out->agents_count = audit_agents_count(s);
	if (!rc) {
		bool req;
		rc = load_policy(s, repo, &req, NULL);
		out->require_signatures = req;
	}
	if (!rc)
		rc = audit_export(&sb, s, repo, &ni, &nv);
	if (rc) {
		rwb_fail_wrap(rc, "cannot read the audit");
		goto out;
	}
	rc = audit_merge_ledger(out, sb.buf, sb.len);
	if (rc)
		goto out;
	/* ... and the ledger being committed */
	{
		char *lp = xasprintf("%s/%s", tree, AUDIT_LEDGER_PATH);
		text = strbuf_read_whole(lp, AUDIT_MAX_LEDGER, &len);
		free(lp);
	}
	if (text) {
		rc = audit_merge_ledger(out, text, len);
		if (rc)
			rwb_fail_wrap(rc, "%s", AUDIT_LEDGER_PATH);
	}
out:
	if (rc)
		audit_list_release(out);
	else {
		/* the items name the repository's files, not the copy */
		free(out->root);
		out->root = xstrdup(repo);
		sshsig_allowed_release(out->signers);
		free(out->signers);
		out->signers = NULL;   /* (already verified against the copy's signers) */
	}
	store_free(tmp);
	nftw(top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(top);
	free(tree);
	free(dbpath);
	free(idxenv);
	free(text);
	strbuf_free(&paths);
	strbuf_free(&sb);
	return rc;
}

int audit_complete_ids(struct store *s, const char *repo, const char *prefix,
		       void (*add)(void *data, const char *id), void *data)
{
	sqlite3_stmt *st = NULL;
	size_t n = prefix ? strlen(prefix) : 0;
	int rc;

	rc = store_prepare(s, &st, "SELECT id FROM audit_items WHERE repo = ? AND gone = 0"
			   " AND substr(id, 1, ?) = ? ORDER BY id");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)n);
	sqlite3_bind_text(st, 3, prefix ? prefix : "", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(data, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
}

/* ---- the commit gate, as the TUI's commit editor sees it ------------------------ */

char *audit_hooks_dir(const char *repo)
{
	const char *argv[] = { "git", "rev-parse", "--path-format=absolute", "--git-path", "hooks", NULL };
	char *d = proc_output((char *const *)argv, repo, 4096);

	if (d)
		d[strcspn(d, "\r\n")] = '\0';
	return d;
}

bool audit_hook_is_ours(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return strstr(buf, AUDIT_HOOK_MARK) != NULL;
}

bool audit_gate_installed(const char *repo)
{
	char *dir = audit_hooks_dir(repo), *path = dir ? xasprintf("%s/pre-commit", dir) : NULL;
	bool ours = path && audit_hook_is_ours(path);

	free(path);
	free(dir);
	return ours;
}

int audit_gate_staged(int *failing, struct store *s, const char *repo, char *line, size_t n)
{
	struct audit_list l;
	const struct audit_item *first = NULL;
	int rc = audit_scan_tree(&l, s, repo, NULL);

	*failing = 0;
	if (rc) {
		snprintf(line, n, "audit gate: %s", rwb_last_error());
		return rc;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct audit_item *it = &l.items[i];
		if (it->documented && it->status == AUDIT_APPROVED && !it->forged)
			continue;
		if (!(*failing)++)
			first = it;
	}
	if (first)
		snprintf(line, n, "audit gate: %d staged unsafe item%s undocumented or unapproved (first %s:%d, %s%s)",
			 *failing, *failing == 1 ? "" : "s", first->file, first->line,
			 first->documented ? audit_status_name(first->status) : "undocumented",
			 first->forged ? ", forged verdict" : "");
	else
		snprintf(line, n, "audit gate: %zu staged unsafe item%s, all documented and approved", l.n,
			 l.n == 1 ? "" : "s");
	audit_list_release(&l);
	return RWB_OK;
}
