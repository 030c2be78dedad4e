/*
 * gitcred.h - git's credential helpers and URL rewriting, by hand, for
 * /git-push (libgit2 1.5 runs no credential helper and rwb skips its
 * insteadOf lookup, which leaks in 1.5).
 *
 * Helpers come from `credential.helper` and `credential.<url>.helper` in
 * git config order (system, global, local; an empty value clears the list
 * so far), as git collects them. A helper is run the way git runs it:
 *   - "!snippet": /bin/sh -c "snippet ACTION" - a shell snippet by git's
 *     definition. It comes from the user's config; a repository's own
 *     .git/config can set it too, and git runs it just the same, so rwb
 *     matches git rather than silently ignoring a helper git would use;
 *   - "/abs/path args": argv of the split value plus ACTION, no shell;
 *   - "name args": `git credential-name args ACTION`, no shell.
 * The request is git's credential protocol on the helper's stdin
 * (protocol=, host=, path= only for non-HTTP or credential.useHttpPath,
 * username=, password= for store/erase); the answer is read as key=value
 * lines (username, password, quit). `get` stops at the first helper that
 * gives both; `store` (after a push was accepted) and `erase` (after the
 * remote refused the credential) go to every helper, as git does.
 *
 * Nothing here prints or draws; passwords live only in gitcred structs and
 * are wiped on free.
 */
#ifndef RWB_GITCRED_H
#define RWB_GITCRED_H

#include <stdbool.h>
#include <stddef.h>

struct git_config;

/* The parts of a remote URL the credential protocol speaks about. */
struct gitcred_url {
	char *protocol;          /* owned: "https", "ssh", ... */
	char *host;              /* owned: "example.com" or "example.com:8443" */
	char *path;              /* owned: "team/repo.git" (no leading '/'), or NULL */
	char *username;          /* owned: from "user@" in the URL, or NULL */
};

/* "https://user:pw@host:port/path", "ssh://host/path" or scp-like
 * "user@host:path". RWB_EINPUT for anything else (a local path). */
int gitcred_parse_url(struct gitcred_url *out, const char *url);
void gitcred_url_release(struct gitcred_url *u);

/*
 * The argv to run helper value `helper` for `action` (see above);
 * NULL-terminated, owned (free each and the array). The value is split
 * like a shell word list (spaces; '...', "..." and backslash quoting).
 * RWB_EINPUT for an empty value or unbalanced quotes.
 */
int gitcred_helper_argv(char ***argv, const char *helper, const char *action);
void gitcred_argv_free(char **argv);

struct gitcred {
	struct gitcred_url url;  /* the remote the credential is for */
	bool use_path;           /* send path= (non-HTTP, or credential.useHttpPath) */
	char **helpers;          /* owned: helper values in git's order */
	size_t nhelpers;
	char *username;          /* owned: filled by gitcred_fill */
	char *password;          /* owned, wiped on free */
};

/* Reads the helpers for url from cfg. RWB_EINPUT when url is not a
 * network URL (then no credential is needed). */
int gitcred_new(struct gitcred **out, struct git_config *cfg, const char *url);
void gitcred_free(struct gitcred *c);

/* Asks the helpers in turn (`get`). 0 when one answered with a username
 * and a password, RWB_ENOTFOUND when none did. */
int gitcred_fill(struct gitcred *c);
/* The credential worked (`store`) / was refused (`erase`): every helper. */
void gitcred_approve(struct gitcred *c);
void gitcred_reject(struct gitcred *c);

/* Runs one helper for action with the protocol on stdin and reads its
 * answer into c (get). Exposed for the tests. */
int gitcred_run_helper(struct gitcred *c, const char *helper, const char *action);

/* A helper's answer: username=, password=, quit= lines (others and lines
 * without '=' are skipped; a NUL ends a value). Returns quit. */
bool gitcred_parse_answer(struct gitcred *c, const char *answer, size_t len);

/*
 * url after git's url.<base>.insteadOf rewriting (the longest matching
 * prefix wins). push: the URL is a remote's url used for pushing with no
 * pushurl set, so url.<base>.pushInsteadOf is tried first, as git does.
 * Owned result.
 */
char *gitcred_rewrite_url(struct git_config *cfg, const char *url, bool push);

#endif
