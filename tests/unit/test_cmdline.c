/*
 * test_cmdline.c - the prompt's quoting and the flag parser: every error is
 * one line with the nearest valid name, and nothing is half-parsed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "error.h"
#include "registry.h"

static void split_ok(const char *line, int want_argc, const char *const *want)
{
	struct strbuf err = STRBUF_INIT;
	char **argv;
	int argc;

	assert_int_equal(cmdline_split(line, &argv, &argc, &err), RWB_OK);
	assert_int_equal(argc, want_argc);
	for (int i = 0; i < argc; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
	cmdline_free_argv(argv, argc);
	strbuf_free(&err);
}

static void test_split_quoting(void **state)
{
	(void)state;
	split_ok("/memory-store --key a/b/c --value 'it''s here'", 5,
		 (const char *const[]){ "/memory-store", "--key", "a/b/c", "--value", "its here" });
	split_ok("  /x \"a \\\"quoted\\\" word\"  b\\ c ", 3,
		 (const char *const[]){ "/x", "a \"quoted\" word", "b c" });
	split_ok("/x '' \"\"", 3, (const char *const[]){ "/x", "", "" });
	split_ok("/x 'a\"b' \"c'd\"", 3, (const char *const[]){ "/x", "a\"b", "c'd" });
	split_ok("", 0, (const char *const[]){ NULL });
	split_ok("/x $HOME *.rs `ls`", 4, (const char *const[]){ "/x", "$HOME", "*.rs", "`ls`" });
}

static void test_split_errors(void **state)
{
	const char *bad[] = { "/x 'open", "/x \"open", "/x trailing\\" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strbuf err = STRBUF_INIT;
		char **argv = NULL;
		int argc = 0;
		assert_int_equal(cmdline_split(bad[i], &argv, &argc, &err), RWB_EUSAGE);
		assert_true(err.len > 0);
		assert_null(strchr(err.buf, '\n'));
		strbuf_free(&err);
	}
}

static int parse(const char *line, struct cmd_args *a, struct strbuf *err)
{
	char **argv;
	int argc, rc = cmdline_split(line, &argv, &argc, err);
	if (rc)
		return rc;
	rc = cmdline_parse(a, argc, argv, err);
	cmdline_free_argv(argv, argc);
	return rc;
}

static void test_parse_forms(void **state)
{
	struct cmd_args a;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse("/memory-search --query=\"arc mutex\" --limit 5 --mode fulltext", &a, &err), 0);
	assert_string_equal(cmd_arg(&a, "query"), "arc mutex");
	assert_int_equal(cmd_arg_int(&a, "limit", 10), 5);
	assert_string_equal(cmd_arg(&a, "mode"), "fulltext");
	assert_null(cmd_arg(&a, "project"));
	cmd_args_release(&a);

	assert_int_equal(parse("/cargo-build --release", &a, &err), 0);
	assert_true(cmd_arg_bool(&a, "release"));
	assert_false(cmd_arg_bool(&a, "all-targets"));
	cmd_args_release(&a);

	assert_int_equal(parse("/git-commit -m 'first commit'", &a, &err), 0);
	assert_string_equal(cmd_arg(&a, "message"), "first commit");
	cmd_args_release(&a);

	assert_int_equal(parse("/rust-profiling --tool perf --binary target/x -- --iterations 5", &a, &err), 0);
	assert_true(a.has_rest);
	assert_int_equal(a.nrest, 2);
	assert_string_equal(a.rest[0], "--iterations");
	cmd_args_release(&a);

	assert_int_equal(parse("/memory-store --key k --value v --expires-in 2h", &a, &err), 0);
	assert_int_equal(cmd_arg_duration(&a, "expires-in", -1), 7200);
	cmd_args_release(&a);
	strbuf_free(&err);
}

static void expect_error(const char *line, const char *fragment)
{
	struct cmd_args a;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(line, &a, &err), RWB_EUSAGE);
	if (!strstr(strbuf_str(&err), fragment))
		fail_msg("'%s': error '%s' lacks '%s'", line, strbuf_str(&err), fragment);
	assert_null(strchr(strbuf_str(&err), '\n'));
	assert_null(a.def);
	strbuf_free(&err);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("/cargo-buidl", "did you mean /cargo-build?");
	expect_error("cargo-build", "commands start with '/'");
	expect_error("/memory-store --kye x --value y", "did you mean --key?");
	expect_error("/memory-store --value y", "missing --key");
	expect_error("/memory-search --query x --limit many", "whole number");
	expect_error("/memory-search --query x --limit 0", "from 1 to 1000");
	expect_error("/memory-search --query x --mode fuzzy", "hybrid|fulltext|vector");
	expect_error("/memory-store --key a --key b", "given twice");
	expect_error("/memory-store --key", "needs a value");
	expect_error("/memory-store --key k --expires-in soon", "duration");
	expect_error("/git-status extra", "no positional argument");
	expect_error("/git-stage", "needs PATH");
	expect_error("/cargo-build -- x", "takes no arguments after --");
	expect_error("/cargo-build --release=maybe", "true or false");
	expect_error("/zzzzzzzzzzzzzzzz", "type /help");
}

static void test_durations(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse_duration("90s"), 90);
	assert_int_equal(cmd_parse_duration("15m"), 900);
	assert_int_equal(cmd_parse_duration("7d"), 7 * 86400);
	assert_int_equal(cmd_parse_duration("2w"), 14 * 86400);
	assert_int_equal(cmd_parse_duration("300"), 300);
	assert_int_equal(cmd_parse_duration("-5m"), -1);
	assert_int_equal(cmd_parse_duration("5x"), -1);
	assert_int_equal(cmd_parse_duration("5mm"), -1);
	assert_int_equal(cmd_parse_duration(""), -1);
}

static void test_registry_covers_catalogue(void **state)
{
	/* every command of ../shared/spec/commands.md is registered */
	static const char *const names[] = {
		"rust-project-init", "cargo-build", "rust-test", "cargo-clippy", "rust-benchmark",
		"rust-optimize", "rust-profiling", "cargo-publish", "ownership-check",
		"lifetime-analysis", "unsafe-audit", "rust-async", "async-runtime", "channel-pattern",
		"trait-design", "error-handling", "rust-ffi", "rust-macro", "embedded-rust",
		"git-status", "git-diff", "git-stage", "git-unstage", "git-commit", "git-push",
		"git-log", "memory-store", "memory-retrieve", "memory-search", "memory-delete",
		"memory-export", "memory-import", "audit-review", "audit-check", "audit-export",
		"audit-import", "connascence", "focus-start", "focus-check", "agent-delegate",
		"agent-escalate", "metrics", "file-read", "file-edit", "glob-search", "grep-search",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!registry_find(names[i]))
			fail_msg("/%s is not registered", names[i]);
	/* names are unique */
	const struct cmd_def *const *all = registry_all();
	for (int i = 0; all[i]; i++)
		for (int j = i + 1; all[j]; j++)
			assert_string_not_equal(all[i]->name, all[j]->name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_quoting),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_registry_covers_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
