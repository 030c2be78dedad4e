/*
 * audit.h - the unsafe audit: items per repository, reviewers' verdicts,
 * status, the ledger file and the counts the metrics show.
 *
 * An item's id is a short hash of its file, its fingerprint and its rank
 * among identical fingerprints in that file, so it survives code moving
 * and changes when the code or its SAFETY argument changes: the old id
 * then stays in the store as `gone`, with every verdict it had.
 *
 * Verdicts are never deleted or rewritten. An item's status looks at each
 * reviewer's latest verdict for the item's current fingerprint:
 * rejected (someone says unsound) > needs-work > approved (at least the
 * required number of distinct reviewers say sound) > partial > unreviewed.
 *
 * The ledger (audit_export) is deterministic: sorted entries, one per
 * line, no timestamps of its own, so two reviewers' exports merge in git.
 * audit_import validates the whole file before it writes anything.
 */
#ifndef RWB_AUDIT_H
#define RWB_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "unsafe_scan.h"

struct store;

#define AUDIT_DEFAULT_REQUIRED 2
#define AUDIT_LEDGER_PATH ".rwb/audits.json"

enum audit_status {
	AUDIT_UNREVIEWED,
	AUDIT_PARTIAL,
	AUDIT_APPROVED,
	AUDIT_NEEDS_WORK,
	AUDIT_REJECTED,
	AUDIT_GONE,
};

struct audit_verdict {
	char *reviewer;              /* owned */
	char *verdict;               /* owned: sound | unsound | needs-work */
	char *note;                  /* owned, may be "" */
	int64_t at;                  /* ms since the epoch */
	bool current;                /* given for the item's current fingerprint */
};

struct audit_item {
	char id[11];                 /* 10 hex digits */
	char fingerprint[17];        /* 16 hex digits */
	char *file;                  /* owned: relative to the repository */
	enum unsafe_kind kind;
	int line, line_end;
	char *module, *function, *name;  /* owned */
	bool documented, clippy_flags, gone;
	char *safety;                /* owned: the SAFETY argument, or NULL */
	int safety_line, safety_line_end;
	char *code;                  /* owned: the covered source text */
	enum audit_status status;
	int sound, unsound, needs_work;  /* distinct reviewers, latest verdict, current fingerprint */
	struct audit_verdict *verdicts;  /* owned: every verdict, oldest first */
	int nverdicts;
};

struct audit_list {
	struct audit_item *items;    /* owned: by file, then line */
	size_t n, cap;
	int required;                /* reviewers needed for approval */
};

/*
 * Scans the Rust files under repo (only the file or folder `only`, relative
 * to repo or absolute inside it, when not NULL), records the items, marks
 * items no longer found in the scanned part as gone, and fills out with the
 * current items and their status. .gitignore is honoured through libgit2
 * when repo is a git work tree; target/ and hidden folders are skipped.
 * RWB_EUSAGE with err when `only` is outside repo or missing.
 */
int audit_scan(struct audit_list *out, struct store *s, const char *repo, const char *only,
	       char *err, size_t errlen);
/* The stored items (gone ones too when include_gone) with their status. */
int audit_load(struct audit_list *out, struct store *s, const char *repo, bool include_gone);
void audit_list_release(struct audit_list *l);
/* The item with this id in l, or NULL. */
struct audit_item *audit_list_find(struct audit_list *l, const char *id);

/*
 * Records one verdict for the item's current fingerprint. RWB_ENOTFOUND when
 * the id is unknown, RWB_EINPUT when it is gone or verdict/reviewer is bad
 * (err says which).
 */
int audit_review(struct store *s, const char *repo, const char *id, const char *verdict,
		 const char *reviewer, const char *note, char *err, size_t errlen);

/* Reviewers needed: the repository's own value, else the setting
 * audit.required_reviewers, else AUDIT_DEFAULT_REQUIRED. */
int audit_required(struct store *s, const char *repo, int *n);
int audit_set_required(struct store *s, const char *repo, int n);

/* The reviewer's name: explicit, else git's user.name for repo, else $USER. */
char *audit_reviewer(const char *explicit_name, const char *repo);

/* The ledger text for repo (see above). */
int audit_export(struct strbuf *out, struct store *s, const char *repo, int *nitems, int *nverdicts);
/* Reads a ledger: all or nothing. err names the entry and field. */
int audit_import(struct store *s, const char *repo, const char *text, size_t len,
		 int *nitems, int *nverdicts, char *err, size_t errlen);

/*
 * The counts the metrics show (unsafe_blocks, unsafe_blocks_documented,
 * unsafe_blocks_reviewed) over the current items: every kind counts, and
 * reviewed means approved. They are also kept in the audit_counts table
 * (repo, total, documented, reviewed, at) after every scan and verdict.
 */
int audit_counts(struct store *s, const char *repo, int *total, int *documented, int *reviewed);

const char *audit_status_name(enum audit_status st);

/* Calls add(data, id) for each current item id starting with prefix, in
 * order (for Tab completion of /audit-review --id). */
int audit_complete_ids(struct store *s, const char *repo, const char *prefix,
		       void (*add)(void *data, const char *id), void *data);

#endif
