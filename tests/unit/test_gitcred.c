/*
 * test_gitcred.c - git's credential-helper plumbing and insteadOf rules,
 * done by hand in gitcred.c: URL parts, helper command lines (the '!'
 * snippet through sh, an absolute path and a helper name without a
 * shell), the protocol a fake helper script sees on its stdin (logged to a
 * file), get / store / erase, the order and reset of helpers across
 * global and local config, URL-specific helpers, quit=1, a helper that
 * reads nothing, and url.<base>.insteadOf / pushInsteadOf.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "gitcred.h"
#include "testutil.h"
#include "xalloc.h"

struct fx {
	char *tmp;
	char *repo;
	char *log;               /* what the fake helper saw */
	char *helper;            /* its absolute path */
};

/* Logs its arguments and stdin; answers `get` with the answer file's text. */
static const char *const fake_helper =
	"#!/bin/sh\n"
	"dir=$(dirname \"$0\")\n"
	"echo \"args: $*\" >> \"$dir/log\"\n"
	"cat >> \"$dir/log\"\n"
	"echo \"--\" >> \"$dir/log\"\n"
	"last=\"\"; for a in \"$@\"; do last=$a; done\n"
	"[ \"$last\" = get ] && [ -f \"$dir/answer-$1\" ] && cat \"$dir/answer-$1\"\n"
	"exit 0\n";

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *path;

	f->tmp = tu_tmpdir();
	f->repo = xasprintf("%s/r", f->tmp);
	f->log = xasprintf("%s/log", f->tmp);
	f->helper = xasprintf("%s/fake-helper", f->tmp);
	setenv("HOME", f->tmp, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	tu_write(f->helper, fake_helper);
	chmod(f->helper, 0755);
	path = xasprintf("%s/answer-one", f->tmp);
	tu_write(path, "username=alice\npassword=s3cret\n");
	free(path);
	assert_int_equal(tu_sh(f->tmp, "git init -q r"), 0);
	git_libgit2_init();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tu_rmtree(f->tmp);
	free(f->tmp);
	free(f->repo);
	free(f->log);
	free(f->helper);
	free(f);
	git_libgit2_shutdown();
	return 0;
}

static git_config *config_of(const char *repo)
{
	git_repository *r = NULL;
	git_config *cfg = NULL;

	assert_int_equal(git_repository_open(&r, repo), 0);
	assert_int_equal(git_repository_config_snapshot(&cfg, r), 0);
	git_repository_free(r);
	return cfg;
}

static char *read_log(const struct fx *f)
{
	size_t n;
	char *text = tu_read(f->log, &n);
	unlink(f->log);
	return text ? text : xstrdup("");
}

static void test_parse_url(void **state)
{
	struct gitcred_url u;

	(void)state;
	assert_int_equal(gitcred_parse_url(&u, "https://bob:tok%40en@Example.com:8443/team/repo.git"), 0);
	assert_string_equal(u.protocol, "https");
	assert_string_equal(u.host, "Example.com:8443");
	assert_string_equal(u.path, "team/repo.git");
	assert_string_equal(u.username, "bob");
	gitcred_url_release(&u);
	assert_int_equal(gitcred_parse_url(&u, "git@github.com:team/repo.git"), 0);
	assert_string_equal(u.protocol, "ssh");
	assert_string_equal(u.host, "github.com");
	assert_string_equal(u.username, "git");
	assert_string_equal(u.path, "team/repo.git");
	gitcred_url_release(&u);
	assert_int_equal(gitcred_parse_url(&u, "http://host"), 0);
	assert_null(u.path);
	assert_null(u.username);
	gitcred_url_release(&u);
	assert_int_equal(gitcred_parse_url(&u, "/srv/git/x.git"), RWB_EINPUT);
	assert_int_equal(gitcred_parse_url(&u, "./x.git"), RWB_EINPUT);
	assert_int_equal(gitcred_parse_url(&u, "file:///srv/x.git"), RWB_EINPUT);
	assert_int_equal(gitcred_parse_url(&u, "https:///nohost"), RWB_EINPUT);
}

static void test_helper_argv(void **state)
{
	char **argv = NULL;

	(void)state;
	assert_int_equal(gitcred_helper_argv(&argv, "store --file '/tmp/my creds'", "get"), 0);
	assert_string_equal(argv[0], "git");
	assert_string_equal(argv[1], "credential-store");
	assert_string_equal(argv[2], "--file");
	assert_string_equal(argv[3], "/tmp/my creds");
	assert_string_equal(argv[4], "get");
	assert_null(argv[5]);
	gitcred_argv_free(argv);
	assert_int_equal(gitcred_helper_argv(&argv, "/usr/local/bin/helper \"a \\\"b\\\"\" c\\ d", "erase"), 0);
	assert_string_equal(argv[0], "/usr/local/bin/helper");
	assert_string_equal(argv[1], "a \"b\"");
	assert_string_equal(argv[2], "c d");
	assert_string_equal(argv[3], "erase");
	assert_null(argv[4]);
	gitcred_argv_free(argv);
	/* '!' is a shell snippet by git's definition: sh -c "SNIPPET ACTION" */
	assert_int_equal(gitcred_helper_argv(&argv, "!f() { echo hi; }; f", "store"), 0);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "f() { echo hi; }; f store");
	gitcred_argv_free(argv);
	assert_int_equal(gitcred_helper_argv(&argv, "", "get"), RWB_EINPUT);
	assert_int_equal(gitcred_helper_argv(&argv, "   ", "get"), RWB_EINPUT);
	assert_int_equal(gitcred_helper_argv(&argv, "! ", "get"), RWB_EINPUT);
	assert_int_equal(gitcred_helper_argv(&argv, "\"\" x", "get"), RWB_EINPUT); /* found by fuzz_gitcred */
	assert_int_equal(gitcred_helper_argv(&argv, "store 'open", "get"), RWB_EINPUT);
	assert_int_equal(gitcred_helper_argv(&argv, "store \"open", "get"), RWB_EINPUT);
	assert_int_equal(gitcred_helper_argv(&argv, "store \\", "get"), RWB_EINPUT);
	assert_null(argv);
}

static void test_get_store_erase(void **state)
{
	struct fx *f = *state;
	struct gitcred *c = NULL;
	git_config *cfg;
	char *cmd, *log;

	cmd = xasprintf("git config credential.helper '%s one'", f->helper);
	assert_int_equal(tu_sh(f->repo, cmd), 0);
	free(cmd);
	cfg = config_of(f->repo);
	assert_int_equal(gitcred_new(&c, cfg, "https://example.com/team/repo.git"), 0);
	assert_int_equal(c->nhelpers, 1);
	assert_int_equal(gitcred_fill(c), 0);
	assert_string_equal(c->username, "alice");
	assert_string_equal(c->password, "s3cret");
	log = read_log(f);
	/* https: no path unless credential.useHttpPath, no password asked with */
	assert_string_equal(log, "args: one get\nprotocol=https\nhost=example.com\n\n--\n");
	free(log);
	gitcred_approve(c);
	log = read_log(f);
	assert_string_equal(log, "args: one store\nprotocol=https\nhost=example.com\nusername=alice\npassword=s3cret\n\n--\n");
	free(log);
	gitcred_reject(c);
	log = read_log(f);
	/* git sends everything it knows to erase, the password too */
	assert_string_equal(log, "args: one erase\nprotocol=https\nhost=example.com\nusername=alice\npassword=s3cret\n\n--\n");
	assert_null(c->password);
	free(log);
	gitcred_free(c);
	/* a username in the URL is sent; useHttpPath sends the path */
	assert_int_equal(gitcred_new(&c, cfg, "https://carol@example.com/team/repo.git"), 0);
	git_config_free(cfg);
	assert_int_equal(tu_sh(f->repo, "git config credential.useHttpPath true"), 0);
	gitcred_free(c);
	cfg = config_of(f->repo);
	assert_int_equal(gitcred_new(&c, cfg, "https://carol@example.com/team/repo.git"), 0);
	assert_true(c->use_path);
	assert_int_equal(gitcred_fill(c), 0);
	log = read_log(f);
	assert_string_equal(log,
		"args: one get\nprotocol=https\nhost=example.com\npath=team/repo.git\nusername=carol\n\n--\n");
	free(log);
	gitcred_free(c);
	/* not a network URL: no credential */
	assert_int_equal(gitcred_new(&c, cfg, "/srv/x.git"), RWB_EINPUT);
	assert_null(c);
	git_config_free(cfg);
}

static void test_order_reset_and_url_helpers(void **state)
{
	struct fx *f = *state;
	struct gitcred *c = NULL;
	git_config *cfg;
	char *cmd, *log, *path;

	path = xasprintf("%s/answer-three", f->tmp);
	tu_write(path, "quit=1\n");
	free(path);
	/* global: "global"; local, in file order: a reset, "two", two
	 * URL-specific sections, then "one" */
	cmd = xasprintf("git config --global credential.helper '%1$s global' && "
			"printf '[credential]\n\thelper =\n\thelper = %1$s two\n"
			"[credential \"https://other.org\"]\n\thelper = %1$s other\n"
			"[credential \"https://example.com/team\"]\n\thelper = %1$s three\n"
			"[credential]\n\thelper = %1$s one\n' >> .git/config", f->helper);
	assert_int_equal(tu_sh(f->repo, cmd), 0);
	free(cmd);
	cfg = config_of(f->repo);
	assert_int_equal(gitcred_new(&c, cfg, "https://example.com/team/repo.git"), 0);
	assert_int_equal(c->nhelpers, 3); /* two, three, one: global cleared, other.org not for us */
	/* "two" answers nothing, "three" says quit: "one" is never asked */
	assert_int_equal(gitcred_fill(c), RWB_ENOTFOUND);
	log = read_log(f);
	assert_non_null(strstr(log, "args: two get"));
	assert_non_null(strstr(log, "args: three get"));
	assert_null(strstr(log, "args: one"));
	assert_null(strstr(log, "global"));
	assert_null(strstr(log, "other"));
	free(log);
	gitcred_free(c);
	/* another path under the host: "three" does not apply, "one" answers */
	assert_int_equal(gitcred_new(&c, cfg, "https://example.com/teams/x.git"), 0);
	assert_int_equal(c->nhelpers, 2);
	assert_int_equal(gitcred_fill(c), 0);
	assert_string_equal(c->password, "s3cret");
	gitcred_free(c);
	git_config_free(cfg);
}

static void test_snippet_and_deaf_helper(void **state)
{
	struct fx *f = *state;
	struct gitcred *c = NULL;
	git_config *cfg;

	/* a shell snippet, as git runs it; and a helper that reads nothing and
	 * exits at once must not kill us with SIGPIPE */
	assert_int_equal(tu_sh(f->repo, "git config credential.helper '/bin/true' && "
				  "git config --add credential.helper '!f() { test \"$1\" = get && "
				  "printf \"username=bob\\npassword=pw\\n\"; }; f'"), 0);
	cfg = config_of(f->repo);
	assert_int_equal(gitcred_new(&c, cfg, "http://example.com/x.git"), 0);
	assert_int_equal(gitcred_fill(c), 0);
	assert_string_equal(c->username, "bob");
	assert_string_equal(c->password, "pw");
	/* a helper that cannot be run at all: no answer, no crash */
	assert_int_equal(gitcred_run_helper(c, "/nonexistent/helper", "get"), 0);
	gitcred_free(c);
	git_config_free(cfg);
}

static void test_insteadof(void **state)
{
	struct fx *f = *state;
	git_config *cfg;
	char *u;

	assert_int_equal(tu_sh(f->repo, "git config url.https://github.com/.insteadOf gh: && "
				  "git config url.https://mirror.example/gh/.insteadOf gh:mirror/ && "
				  "git config url.ssh://git@github.com/.pushInsteadOf https://github.com/ && "
				  "git config url.ssh://git@push.example/.pushInsteadOf gh:"), 0);
	cfg = config_of(f->repo);
	u = gitcred_rewrite_url(cfg, "gh:team/repo.git", false);
	assert_string_equal(u, "https://github.com/team/repo.git");
	free(u);
	u = gitcred_rewrite_url(cfg, "gh:mirror/repo.git", false); /* the longest prefix wins */
	assert_string_equal(u, "https://mirror.example/gh/repo.git");
	free(u);
	/* pushing through a remote's url: pushInsteadOf first */
	u = gitcred_rewrite_url(cfg, "gh:team/repo.git", true);
	assert_string_equal(u, "ssh://git@push.example/team/repo.git");
	free(u);
	u = gitcred_rewrite_url(cfg, "https://github.com/team/repo.git", true);
	assert_string_equal(u, "ssh://git@github.com/team/repo.git");
	free(u);
	u = gitcred_rewrite_url(cfg, "https://github.com/team/repo.git", false);
	assert_string_equal(u, "https://github.com/team/repo.git");
	free(u);
	u = gitcred_rewrite_url(cfg, "/local/path.git", true);
	assert_string_equal(u, "/local/path.git");
	free(u);
	git_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_url),
		cmocka_unit_test(test_helper_argv),
		cmocka_unit_test_setup_teardown(test_get_store_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_reset_and_url_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippet_and_deaf_helper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insteadof, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
