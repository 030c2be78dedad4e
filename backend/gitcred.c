/*
 * gitcred.c - git credential helpers and insteadOf rewriting (see
 * gitcred.h for the rules, which are git's).
 *
 * A helper runs as a child with its stdin on one end of a socketpair (so
 * a helper that exits without reading cannot kill rwb with SIGPIPE: the
 * request goes out with MSG_NOSIGNAL), its stdout on a pipe read to EOF
 * (at most 64 KiB kept), and its stderr on /dev/null so nothing it says
 * lands on rwb's screen. Config is read with the plain iterator (the
 * regex one leaks in libgit2 1.5).
 */
#define _GNU_SOURCE /* memrchr, pipe2, SOCK_CLOEXEC */
#include "gitcred.h"
#include "proc.h"

#include "cmdline.h"
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

#include <git2.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define GITCRED_MAX_ANSWER 65536

/* ---- URLs ---- */

static char *pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			out[k++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = 0;
	return out;
}

void gitcred_url_release(struct gitcred_url *u)
{
	if (!u)
		return;
	free(u->protocol);
	free(u->host);
	free(u->path);
	free(u->username);
	memset(u, 0, sizeof(*u));
}

int gitcred_parse_url(struct gitcred_url *out, const char *url)
{
	const char *sep = strstr(url, "://"), *auth, *at, *host, *slash;

	memset(out, 0, sizeof(*out));
	if (sep) {
		for (const char *p = url; p < sep; p++)
			if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
				return RWB_EINPUT;
		if (sep == url || ((size_t)(sep - url) == 4 && strncasecmp(url, "file", 4) == 0))
			return RWB_EINPUT;
		out->protocol = xstrndup(url, (size_t)(sep - url));
		for (char *p = out->protocol; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		auth = sep + 3;
		slash = strchr(auth, '/');
		if (!slash)
			slash = auth + strlen(auth);
		at = memrchr(auth, '@', (size_t)(slash - auth));
		host = at ? at + 1 : auth;
		if (at) {
			const char *colon = memchr(auth, ':', (size_t)(at - auth));
			out->username = pct_decode(auth, (size_t)((colon ? colon : at) - auth));
		}
		if (host == slash) {
			gitcred_url_release(out);
			return RWB_EINPUT;
		}
		out->host = xstrndup(host, (size_t)(slash - host));
		if (*slash && slash[1])
			out->path = pct_decode(slash + 1, strlen(slash + 1));
		return 0;
	}
	/* scp-like: [user@]host:path, with no '/' before the ':' */
	{
		const char *colon = strchr(url, ':'), *s = strchr(url, '/');
		if (!colon || colon == url || (s && s < colon))
			return RWB_EINPUT;
		at = memrchr(url, '@', (size_t)(colon - url));
		host = at ? at + 1 : url;
		if (host == colon)
			return RWB_EINPUT;
		out->protocol = xstrdup("ssh");
		if (at)
			out->username = xstrndup(url, (size_t)(at - url));
		out->host = xstrndup(host, (size_t)(colon - host));
		if (colon[1])
			out->path = xstrdup(colon[1] == '/' ? colon + 2 : colon + 1);
		return 0;
	}
}

/* git's urlmatch, simply: same protocol and host (a "*." pattern host
 * matches one leading label), the pattern's user if it names one, and
 * its path as a prefix ending at a '/' boundary. */
static bool url_matches(const char *pattern, const struct gitcred_url *u)
{
	struct gitcred_url p;
	bool ok;

	if (gitcred_parse_url(&p, pattern) != 0)
		return false;
	ok = strcmp(p.protocol, u->protocol) == 0;
	if (ok && strncmp(p.host, "*.", 2) == 0) {
		const char *dot = strchr(u->host, '.');
		ok = dot && strcasecmp(dot + 1, p.host + 2) == 0;
	} else if (ok) {
		ok = strcasecmp(p.host, u->host) == 0;
	}
	if (ok && p.username)
		ok = u->username && strcmp(p.username, u->username) == 0;
	if (ok && p.path && *p.path) {
		size_t n = strlen(p.path);
		while (n && p.path[n - 1] == '/')
			n--;
		ok = u->path && strncmp(u->path, p.path, n) == 0 && (u->path[n] == 0 || u->path[n] == '/');
	}
	gitcred_url_release(&p);
	return ok;
}

/* ---- helper command lines ---- */

void gitcred_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

static void argv_push(char ***argv, size_t *n, char *s)
{
	*argv = xrealloc(*argv, (*n + 2) * sizeof(**argv));
	(*argv)[(*n)++] = s;
	(*argv)[*n] = NULL;
}

int gitcred_helper_argv(char ***out, const char *helper, const char *action)
{
	char **argv = NULL;
	size_t n = 0;
	const char *p = helper;
	char **words = NULL;
	int nw = 0;

	*out = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return RWB_EINPUT;
	if (*p == '!') {
		/* a shell snippet by git's definition: sh -c "SNIPPET ACTION" */
		if (!p[1 + strspn(p + 1, " \t")])
			return RWB_EINPUT;
		argv_push(&argv, &n, xstrdup("/bin/sh"));
		argv_push(&argv, &n, xstrdup("-c"));
		argv_push(&argv, &n, xasprintf("%s %s", p + 1, action));
		*out = argv;
		return 0;
	}
	/* words split as rwb's prompt splits them (quotes, backslashes) */
	if (cmdline_split(p, &words, &nw) != RWB_OK || nw == 0 || !words[0][0]) {
		if (words)
			cmdline_free_argv(words, nw);
		return RWB_EINPUT;   /* an unbalanced quote, or an empty program name */
	}
	if (words[0][0] != '/') {  /* a name: git credential-NAME */
		argv_push(&argv, &n, xstrdup("git"));
		argv_push(&argv, &n, xasprintf("credential-%s", words[0]));
	} else {
		argv_push(&argv, &n, xstrdup(words[0]));
	}
	for (int i = 1; i < nw; i++)
		argv_push(&argv, &n, xstrdup(words[i]));
	argv_push(&argv, &n, xstrdup(action));
	cmdline_free_argv(words, nw);
	*out = argv;
	return 0;
}

/* ---- config ---- */

struct cfgval {
	char *value;
	int level;
	size_t order;
};

static int cfgval_cmp(const void *a, const void *b)
{
	const struct cfgval *x = a, *y = b;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Is name "credential.<url>.VAR" (or "credential.VAR") for this url? */
static bool cred_key(const char *name, const char *var, const struct gitcred_url *u)
{
	size_t n = strlen(name), v = strlen(var);
	char *pattern;
	bool ok;

	if (strncmp(name, "credential.", 11) != 0 || n < 11 + v || strcmp(name + n - v, var) != 0)
		return false;
	if (n == 11 + v)
		return true;
	if (n < 11 + v + 2 || name[n - v - 1] != '.')
		return false;
	pattern = xstrndup(name + 11, n - v - 1 - 11);
	ok = url_matches(pattern, u);
	free(pattern);
	return ok;
}

int gitcred_new(struct gitcred **out, struct git_config *cfg, const char *url)
{
	struct gitcred *c = xcalloc(1, sizeof(*c));
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct cfgval *vals = NULL;
	size_t nvals = 0;
	int use_path = -1;

	*out = NULL;
	if (gitcred_parse_url(&c->url, url) != 0) {
		free(c);
		return RWB_EINPUT;
	}
	if (cfg && git_config_iterator_new(&it, cfg) == 0) {
		while (git_config_next(&e, it) == 0) {
			if (cred_key(e->name, "helper", &c->url)) {
				vals = xrealloc(vals, (nvals + 1) * sizeof(*vals));
				vals[nvals] = (struct cfgval){ .value = xstrdup(e->value ? e->value : ""),
							       .level = (int)e->level, .order = nvals };
				nvals++;
			} else if (cred_key(e->name, "usehttppath", &c->url)) {
				int b = 0;
				if (git_config_parse_bool(&b, e->value ? e->value : "true") == 0)
					use_path = b;
			}
		}
		git_config_iterator_free(it);
	}
	qsort(vals, nvals, sizeof(*vals), cfgval_cmp); /* system, global, local, as git reads them */
	for (size_t i = 0; i < nvals; i++) {
		if (!*vals[i].value) { /* an empty helper clears the list so far */
			for (size_t j = 0; j < c->nhelpers; j++)
				free(c->helpers[j]);
			c->nhelpers = 0;
			free(vals[i].value);
			continue;
		}
		c->helpers = xrealloc(c->helpers, (c->nhelpers + 1) * sizeof(*c->helpers));
		c->helpers[c->nhelpers++] = vals[i].value;
	}
	free(vals);
	c->use_path = use_path == 1 || (strcmp(c->url.protocol, "http") != 0 && strcmp(c->url.protocol, "https") != 0);
	if (c->url.username)
		c->username = xstrdup(c->url.username);
	*out = c;
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		volatile char *p = s;
		while (*p)
			*p++ = 0;
		free(s);
	}
}

void gitcred_free(struct gitcred *c)
{
	if (!c)
		return;
	gitcred_url_release(&c->url);
	for (size_t i = 0; i < c->nhelpers; i++)
		free(c->helpers[i]);
	free(c->helpers);
	free(c->username);
	wipe_free(c->password);
	free(c);
}

/* ---- running a helper ---- */

static void request(struct strbuf *sb, const struct gitcred *c, bool with_password)
{
	strbuf_addf(sb, "protocol=%s\nhost=%s\n", c->url.protocol, c->url.host);
	if (c->use_path && c->url.path)
		strbuf_addf(sb, "path=%s\n", c->url.path);
	if (c->username)
		strbuf_addf(sb, "username=%s\n", c->username);
	if (with_password && c->password)
		strbuf_addf(sb, "password=%s\n", c->password);
	strbuf_addc(sb, '\n');
}

bool gitcred_parse_answer(struct gitcred *c, const char *answer, size_t len)
{
	bool quit = false;
	char *save = NULL, *text = xmalloc(len + 1);

	if (len)
		memcpy(text, answer, len);
	text[len] = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[n - 1] = 0;
		if (!eq)
			continue;
		*eq = 0;
		if (strcmp(line, "username") == 0) {
			free(c->username);
			c->username = xstrdup(eq + 1);
		} else if (strcmp(line, "password") == 0) {
			wipe_free(c->password);
			c->password = xstrdup(eq + 1);
		} else if (strcmp(line, "quit") == 0) {
			int b = 0;
			quit = git_config_parse_bool(&b, eq + 1) == 0 && b;
		}
	}
	memset(text, 0, len);
	free(text);
	return quit;
}

/* 0: ran (answer read for get), 1: it said quit, RWB_EIO: could not run. */
static int run_argv(struct gitcred *c, char **argv, const char *action)
{
	struct strbuf req = STRBUF_INIT, ans = STRBUF_INIT;
	bool get = strcmp(action, "get") == 0;
	struct proc_opts o = { .out = &ans, .max_capture = GITCRED_MAX_ANSWER };
	struct proc_result res;
	int rc = 0;

	request(&req, c, !get);
	o.input = req.buf ? req.buf : "";
	o.input_len = req.len;
	if (proc_run(&res, argv, &o) == RWB_EIO)
		rc = RWB_EIO;
	else if (get && ans.len && gitcred_parse_answer(c, ans.buf, ans.len))
		rc = 1;
	if (req.buf)
		memset(req.buf, 0, req.len); /* it may hold the password */
	if (ans.buf)
		memset(ans.buf, 0, ans.len);
	strbuf_free(&req);
	strbuf_free(&ans);
	return rc;
}

int gitcred_run_helper(struct gitcred *c, const char *helper, const char *action)
{
	char **argv = NULL;
	int rc = gitcred_helper_argv(&argv, helper, action);

	if (rc == 0)
		rc = run_argv(c, argv, action);
	gitcred_argv_free(argv);
	return rc;
}

int gitcred_fill(struct gitcred *c)
{
	for (size_t i = 0; i < c->nhelpers; i++) {
		int rc = gitcred_run_helper(c, c->helpers[i], "get");
		if (c->username && c->password)
			return 0;
		if (rc == 1)
			break; /* quit=1: ask no further helper */
	}
	return RWB_ENOTFOUND;
}

void gitcred_approve(struct gitcred *c)
{
	if (!c->username || !c->password)
		return;
	for (size_t i = 0; i < c->nhelpers; i++)
		gitcred_run_helper(c, c->helpers[i], "store");
}

void gitcred_reject(struct gitcred *c)
{
	for (size_t i = 0; i < c->nhelpers; i++)
		gitcred_run_helper(c, c->helpers[i], "erase");
	wipe_free(c->password);
	c->password = NULL;
}

/* ---- url.<base>.insteadOf ---- */

char *gitcred_rewrite_url(struct git_config *cfg, const char *url, bool push)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	char *best[2] = { NULL, NULL };  /* [0] insteadOf, [1] pushInsteadOf: the base */
	size_t best_len[2] = { 0, 0 };
	char *out;
	int pick;

	if (cfg && git_config_iterator_new(&it, cfg) == 0) {
		while (git_config_next(&e, it) == 0) {
			size_t n = strlen(e->name), vlen;
			int kind = -1;
			if (strncmp(e->name, "url.", 4) != 0 || !e->value)
				continue;
			if (n > 4 + 10 && strcmp(e->name + n - 10, ".insteadof") == 0)
				kind = 0;
			else if (n > 4 + 14 && strcmp(e->name + n - 14, ".pushinsteadof") == 0)
				kind = 1;
			if (kind < 0)
				continue;
			vlen = strlen(e->value);
			if (vlen == 0 || strncmp(url, e->value, vlen) != 0 || vlen <= best_len[kind])
				continue;
			free(best[kind]);
			best[kind] = xstrndup(e->name + 4, n - 4 - (kind ? 14 : 10));
			best_len[kind] = vlen;
		}
		git_config_iterator_free(it);
	}
	pick = push && best[1] ? 1 : best[0] ? 0 : -1;
	out = pick < 0 ? xstrdup(url) : xasprintf("%s%s", best[pick], url + best_len[pick]);
	free(best[0]);
	free(best[1]);
	return out;
}
