/*
 * audit.h - the unsafe audit: items per repository, reviewers' verdicts,
 * status, the ledger file and the counts the metrics show.
 *
 * An item's id is a short hash of its file, its fingerprint and its rank
 * among identical fingerprints in that file, so it survives code moving
 * and changes when the code or its SAFETY argument changes: the old id
 * then stays in the store as `gone`, with every verdict it had.
 *
 * Verdicts are never deleted or rewritten. A verdict may carry an SSH
 * signature (sshsig.h) over audit_signed_text(); the repository's allowed
 * signers say whose signatures count. An item's status looks at the
 * verdicts that count for its current fingerprint (item_status() in
 * audit.c, the one rule: newest first, signatures as the repository
 * requires, one per reviewer name, principal and key):
 * rejected (someone says unsound) > needs-work > approved (at least the
 * required number say sound) > partial > unreviewed.
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
struct sshsig_allowed;

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

/* What the signature of a verdict proves (see docs/audit.md, trust model). */
enum audit_sig {
	AUDIT_SIG_NONE,              /* unsigned */
	AUDIT_SIG_GOOD,              /* verifies for a principal of the allowed signers */
	AUDIT_SIG_UNTRUSTED,         /* a real signature by a key nobody listed */
	AUDIT_SIG_FORGED,            /* does not verify for what the verdict says */
};

struct audit_verdict {
	char *reviewer;              /* owned; "agent:NAME" for an agent's verdict */
	char *verdict;               /* owned: sound | unsound | needs-work */
	char *note;                  /* owned, may be "" */
	int64_t at;                  /* ms since the epoch */
	char fingerprint[17];        /* the code's fingerprint the verdict was given for */
	bool current;                /* given for the item's current fingerprint */
	char *signature;             /* owned: the armored SSHSIG, or NULL (unsigned) */
	char *key;                   /* owned: the signer's public key "type base64", or NULL */
	enum audit_sig sig;          /* what verifying the signature found */
	char *principal;             /* owned: AUDIT_SIG_GOOD: the allowed signer, else NULL */
	char *key_fp;                /* owned: the key's "SHA256:..." when known, else NULL */
	char *why;                   /* owned: why it does not count (forged, unsigned...), or NULL */
	bool latest;                 /* this reviewer's latest verdict on the current code */
	bool counted;                /* counts towards the item's status */
	bool from_ledger;            /* read from the ledger file, not the store */
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
	int sound, unsound, needs_work;  /* counted verdicts (audit.c's one rule: latest per
					  * reviewer, signatures as the repository requires,
					  * one per key and per principal) */
	int signed_sound;            /* counted sound verdicts with a good signature */
	int forged;                  /* verdicts (any fingerprint) whose signature is forged */
	struct audit_verdict *verdicts;  /* owned: every verdict, oldest first */
	int nverdicts;
};

struct audit_list {
	struct audit_item *items;    /* owned: by file, then line */
	size_t n, cap;
	int required;                /* reviewers needed for approval */
	bool require_signatures;     /* only verdicts signed by allowed signers count */
	bool agents_count;           /* setting audit.agents_count: agents' unsigned verdicts count */
	char *repo_id;               /* owned: the repository identity verdicts are signed for, or NULL */
	char *root;                  /* owned: the folder the allowed signers are read from */
	struct sshsig_allowed *signers;  /* owned: loaded when the first signed verdict is seen */
	int forged;                  /* forged verdicts over all items */
};

/*
 * Scans the Rust files under repo (only the file or folder `only`, relative
 * to repo or absolute inside it, when not NULL), records the items, marks
 * items no longer found in the scanned part as gone, and fills out with the
 * current items and their status. .gitignore is honoured through libgit2
 * when repo is a git work tree; target/ and hidden folders are skipped.
 * RWB_EUSAGE when `only` is outside repo or missing. Like every function
 * here that fails, it says why in the error channel (rwb_last_error()).
 */
int audit_scan(struct audit_list *out, struct store *s, const char *repo, const char *only);
/*
 * The same for a tree that is not the work tree: the index (rev NULL) or
 * the commit rev. Its Rust files, .rwb/audits.json and
 * .rwb/allowed_signers are checked out into a temporary folder and scanned
 * into a temporary store; the verdicts come from s (for repo) and from
 * that ledger, the policy from both (the stricter). Nothing of s changes
 * but the repository identity, stored on first use. For git hooks.
 */
int audit_scan_tree(struct audit_list *out, struct store *s, const char *repo, const char *rev);
/* The stored items (gone ones too when include_gone) with their status. */
int audit_load(struct audit_list *out, struct store *s, const char *repo, bool include_gone);
void audit_list_release(struct audit_list *l);
/* The item with this id in l, or NULL. */
struct audit_item *audit_list_find(struct audit_list *l, const char *id);

/*
 * Records one verdict for the item's current fingerprint. RWB_ENOTFOUND when
 * the id is unknown, RWB_EINPUT when it is gone or verdict/reviewer is bad
 * (rwb_last_error() says which).
 */
int audit_review(struct store *s, const char *repo, const char *id, const char *verdict,
		 const char *reviewer, const char *note);

/*
 * As audit_review, and signed with keyspec (a key file, or git's
 * "key::TYPE BASE64" literal with the key in the ssh-agent) when not NULL:
 * the signature covers audit_signed_text(). RWB_EENV when signing fails
 * (nothing is recorded then), RWB_ENOTOOL without ssh-keygen.
 */
int audit_review_signed(struct store *s, const char *repo, const char *id, const char *verdict,
			const char *reviewer, const char *note, const char *keyspec);

/*
 * The exact text a verdict's signature covers (malloc'd): eight lines, each
 * "name: value\n", in this order:
 *   rwb-audit verdict v1 / repository / item / fingerprint / verdict /
 *   reviewer / at / note
 * (the first line is the literal "rwb-audit verdict v1"). Values are escaped:
 * backslash as "\\", LF as "\n", CR as "\r", other bytes below 0x20 and
 * 0x7f as "\xHH"; every other byte (UTF-8 too) as it is. at is decimal ms.
 */
char *audit_signed_text(const char *repo_id, const char *item, const char *fingerprint,
			const char *verdict, const char *reviewer, int64_t at, const char *note);

/* The repository identity signatures are made for (malloc'd): the stored
 * one, else the ledger's "repository", else the smallest root commit of
 * HEAD, else "dir:" and the folder's name; stored on first use. */
int audit_repo_id(struct store *s, const char *repo, char **id);

/* Whether only signed verdicts count here (stored per repository, carried
 * in the ledger as "require_signatures"). */
int audit_set_require_signatures(struct store *s, const char *repo, bool on);

/* The allowed signers for repo: .rwb/allowed_signers and git's
 * gpg.ssh.allowedSignersFile, one after the other. */
void audit_allowed_load(struct sshsig_allowed *out, const char *repo);

/*
 * Adds the verdicts of a ledger text (validated as audit_import does) to
 * the items of l, in memory, and recomputes their status: how /audit-check
 * counts the repository's ledger without importing it. The ledger's
 * repository identity must match l's; its require_signatures and
 * required_reviewers make l stricter, never laxer.
 */
int audit_merge_ledger(struct audit_list *l, const char *text, size_t len);

/* "agent:NAME" for an agent's verdict (name from the flag, else
 * $RWB_AGENT), or NULL when this is not an agent. */
char *audit_agent_name(const char *flag);
bool audit_is_agent(const char *reviewer);
/* The setting audit.agents_count ("true"): an agent's unsigned verdict then
 * counts as a person's would; unset or anything else, it never counts (a
 * verdict signed by a key of .rwb/allowed_signers counts either way). */
bool audit_agents_count(struct store *s);

const char *audit_sig_name(enum audit_sig s);

/*
 * The one "latest verdict" rule: reviewer's newest verdict on the item's current
 * code (its fingerprint), or NULL when the reviewer gave none. The loaders
 * mark each such verdict `latest`; the CLI, the Audit tab and the counting
 * all read that mark or ask here, never walk the verdicts themselves.
 */
const struct audit_verdict *audit_latest_verdict(const struct audit_item *it, const char *reviewer);
/* Whether it has any verdict on its current code. */
bool audit_item_has_current(const struct audit_item *it);

/* Reviewers needed: the repository's own value, else the setting
 * audit.required_reviewers, else AUDIT_DEFAULT_REQUIRED. */
int audit_required(struct store *s, const char *repo, int *n);
int audit_set_required(struct store *s, const char *repo, int n);

/* The reviewer's name: explicit, else git's user.name for repo, else $USER. */
char *audit_reviewer(const char *explicit_name, const char *repo);

/* The ledger text for repo (see above). */
int audit_export(struct strbuf *out, struct store *s, const char *repo, int *nitems, int *nverdicts);
/* Reads a ledger: all or nothing. The error names the entry and field. Signed
 * verdicts are verified first: forged ones are left out, counted in
 * *nforged and the first named in forged_msg (an answer, not an error). */
int audit_import(struct store *s, const char *repo, const char *text, size_t len,
		 int *nitems, int *nverdicts);
int audit_import_checked(struct store *s, const char *repo, const char *text, size_t len,
			 int *nitems, int *nverdicts, int *nforged, char *forged_msg, size_t fmlen);

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


/* The marker line of rwb's git hooks (/audit-hook install). */
#define AUDIT_HOOK_MARK "# rwb audit gate"
/* The repository's hooks folder, absolute (core.hooksPath and worktrees
 * honoured), or NULL. */
char *audit_hooks_dir(const char *repo);
/* Whether the hook file at path is rwb's (its first 4 KiB hold the mark). */
bool audit_hook_is_ours(const char *path);
/* Whether the repository's pre-commit hook is rwb's gate. */
bool audit_gate_installed(const char *repo);
/*
 * What the pre-commit gate says of the staged tree (audit_scan_tree of the
 * index): *failing items that are undocumented, unapproved or forged, and
 * one line for a person in line. For the git pane's commit editor, which
 * commits through libgit2 (no hooks run) and so checks the same itself.
 */
int audit_gate_staged(int *failing, struct store *s, const char *repo, char *line, size_t n);

#endif
