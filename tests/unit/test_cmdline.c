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
	char **argv;
	int argc;

	assert_int_equal(cmdline_split(line, &argv, &argc), RWB_OK);
	assert_int_equal(argc, want_argc);
	for (int i = 0; i < argc; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
	cmdline_free_argv(argv, argc);
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
		char **argv = NULL;
		int argc = 0;
		rwb_error_clear();
		assert_int_equal(cmdline_split(bad[i], &argv, &argc), RWB_EUSAGE);
		assert_int_equal(rwb_last_code(), RWB_EUSAGE);
		assert_null(strchr(rwb_last_error(), '\n'));
	}
}

static int parse(const char *line, struct cmd_args *a)
{
	char **argv;
	int argc, rc = cmdline_split(line, &argv, &argc);
	if (rc)
		return rc;
	rc = cmdline_parse(a, argc, argv);
	cmdline_free_argv(argv, argc);
	return rc;
}

static void test_parse_forms(void **state)
{
	struct cmd_args a;

	(void)state;
	assert_int_equal(parse("/memory-search --query=\"arc mutex\" --limit 5 --mode fulltext", &a), 0);
	assert_string_equal(cmd_arg(&a, "query"), "arc mutex");
	assert_int_equal(cmd_arg_int(&a, "limit", 10), 5);
	assert_string_equal(cmd_arg(&a, "mode"), "fulltext");
	assert_null(cmd_arg(&a, "project"));
	cmd_args_release(&a);

	assert_int_equal(parse("/cargo-build --release", &a), 0);
	assert_true(cmd_arg_bool(&a, "release"));
	assert_false(cmd_arg_bool(&a, "all-targets"));
	cmd_args_release(&a);

	assert_int_equal(parse("/git-commit -m 'first commit'", &a), 0);
	assert_string_equal(cmd_arg(&a, "message"), "first commit");
	cmd_args_release(&a);

	assert_int_equal(parse("/rust-profiling --tool perf --binary target/x -- --iterations 5", &a), 0);
	assert_true(a.has_rest);
	assert_int_equal(a.nrest, 2);
	assert_string_equal(a.rest[0], "--iterations");
	cmd_args_release(&a);

	assert_int_equal(parse("/memory-store --key k --value v --expires-in 2h", &a), 0);
	assert_int_equal(cmd_arg_duration(&a, "expires-in", -1), 7200);
	cmd_args_release(&a);
}

static void expect_error(const char *line, const char *fragment)
{
	struct cmd_args a;

	assert_int_equal(parse(line, &a), RWB_EUSAGE);
	if (!strstr(rwb_last_error(), fragment))
		fail_msg("'%s': error '%s' lacks '%s'", line, rwb_last_error(), fragment);
	assert_null(strchr(rwb_last_error(), '\n'));
	assert_null(a.def);
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
	expect_error("/git-status -- x", "takes no arguments after --");
	expect_error("/cargo-build --release=maybe", "true or false");
	/* rwb's own flags keep their types and checks beside cargo's */
	expect_error("/rust-benchmark --warmup soon", "500ms, 3s");
	expect_error("/rust-benchmark --warmup 2h", "from 0s to 3600s");
	expect_error("/rust-profiling --tool perf --binary x --duration 0", "from 1ms to 3600s");
	expect_error("/ownership-check --explain-moves true", "missing --file");
	expect_error("/cargo-publish --dry-run=perhaps", "true or false");
	/* a command that runs no cargo refuses what it does not know */
	expect_error("/grep-search x --all-targets", "unknown flag --all-targets");
	expect_error("erust-benchmark", "did you mean /rust-benchmark?");
	expect_error("cargo-build", "did you mean /cargo-build?");
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

/* The parsed words of one line (the caller releases a). */
static void parse_ok(const char *line, struct cmd_args *a)
{
	if (parse(line, a) != RWB_OK)
		fail_msg("'%s' refused: %s", line, rwb_last_error());
}

static void expect_words(char *const *got, int n, const char *const *want, const char *line)
{
	int k = 0;

	while (want[k])
		k++;
	if (n != k)
		fail_msg("'%s': %d words, want %d", line, n, k);
	for (int i = 0; i < k; i++)
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("'%s': word %d is '%s', want '%s'", line, i, got[i], want[i]);
}

static void test_booleans(void **state)
{
	static const char *const forms[][2] = {
		{ "", "true" }, { " true", "true" }, { " false", "false" }, { " TRUE", "true" },
		{ " yes", "true" }, { " No", "false" }, { " on", "true" }, { " off", "false" },
		{ " 1", "true" }, { " 0", "false" }, { "=true", "true" }, { "=false", "false" },
		{ "=Yes", "true" }, { "=0", "false" },
	};
	struct cmd_args a;
	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "/ownership-check --file src/x.rs --explain-moves%s", forms[i][0]);
		parse_ok(line, &a);
		assert_string_equal(cmd_arg(&a, "explain-moves"), forms[i][1]);
		assert_int_equal(cmd_arg_bool(&a, "explain-moves"), strcmp(forms[i][1], "true") == 0);
		assert_int_equal(a.npos, 0);
		cmd_args_release(&a);
	}
	/* --check-soundness true is a switch given a value, never a PATH */
	parse_ok("/unsafe-audit --file src/ffi.rs --check-soundness true", &a);
	assert_true(cmd_arg_bool(&a, "check-soundness"));
	assert_int_equal(a.npos, 0);
	cmd_args_release(&a);
	/* a bare switch followed by another word leaves it alone: a positional */
	parse_ok("/unsafe-audit --check-soundness src", &a);
	assert_true(cmd_arg_bool(&a, "check-soundness"));
	assert_int_equal(a.npos, 1);
	assert_string_equal(a.pos[0], "src");
	cmd_args_release(&a);
	parse_ok("/rust-test --lib adds", &a);
	assert_true(cmd_arg_bool(&a, "lib"));
	assert_string_equal(a.pos[0], "adds");
	cmd_args_release(&a);
	/* the brief's boolean lines */
	static const char *const brief[] = {
		"/async-runtime --type tokio --multi-threaded true --enable-all true",
		"/channel-pattern --type mpsc --bounded true --capacity 1000",
		"/ownership-check --file src/parser.rs --explain-moves true",
		"/lifetime-analysis --function process_data --suggest-elision true",
		"/trait-design --name Serializable --bounds \"Clone + Debug\" --gats true",
		"/error-handling --type thiserror --backtrace true --context true",
		"/rust-ffi --header system.h --bindgen true --output src/bindings.rs",
		"/rust-macro --type derive --name Serialize --syn true",
		"/embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic true",
		"/cargo-publish --dry-run --verify --allow-dirty false",
	};
	for (size_t i = 0; i < sizeof(brief) / sizeof(brief[0]); i++) {
		parse_ok(brief[i], &a);
		assert_int_equal(a.npos, 0);
		assert_int_equal(a.ncargo, 0);
		cmd_args_release(&a);
	}
	/* an enum of just true|false is a yes/no flag too */
	parse_ok("/trait-design --name S --gats", &a);
	assert_string_equal(cmd_arg(&a, "gats"), "true");
	cmd_args_release(&a);
	parse_ok("/channel-pattern --type mpsc --bounded NO --capacity 10", &a);
	assert_string_equal(cmd_arg(&a, "bounded"), "false");
	cmd_args_release(&a);
	parse_ok("/cargo-publish --dry-run --verify --allow-dirty false", &a);
	assert_string_equal(cmd_arg(&a, "allow-dirty"), "false");
	assert_true(cmd_arg_bool(&a, "verify"));
	cmd_args_release(&a);
}

static void test_durations_ms(void **state)
{
	struct cmd_args a;
	(void)state;
	assert_int_equal(cmd_parse_duration_ms("500ms"), 500);
	assert_int_equal(cmd_parse_duration_ms("3s"), 3000);
	assert_int_equal(cmd_parse_duration_ms("2m"), 120000);
	assert_int_equal(cmd_parse_duration_ms("1h"), 3600000);
	assert_int_equal(cmd_parse_duration_ms("7d"), 7LL * 86400000);
	assert_int_equal(cmd_parse_duration_ms("2w"), 14LL * 86400000);
	assert_int_equal(cmd_parse_duration_ms("60"), 60000);
	assert_int_equal(cmd_parse_duration_ms("1.5s"), 1500);
	assert_int_equal(cmd_parse_duration_ms("0.25"), 250);
	assert_int_equal(cmd_parse_duration_ms("s"), -1);
	assert_int_equal(cmd_parse_duration_ms("3 s"), -1);
	assert_int_equal(cmd_parse_duration_ms("3sec"), -1);
	assert_int_equal(cmd_parse_duration_ms("-3s"), -1);
	assert_int_equal(cmd_parse_duration_ms("99999999999999999999s"), -1);
	/* the seconds API rounds a part second up */
	assert_int_equal(cmd_parse_duration("500ms"), 1);
	assert_int_equal(cmd_parse_duration("1.5s"), 2);

	parse_ok("/rust-benchmark --function parse_json --warmup 3s --measurement 10s", &a);
	assert_int_equal(cmd_arg_duration_ms(&a, "warmup", -1), 3000);
	assert_int_equal(cmd_arg_duration_ms(&a, "measurement", -1), 10000);
	assert_int_equal(cmd_arg_duration(&a, "measurement", -1), 10);
	cmd_args_release(&a);
	parse_ok("/rust-benchmark --warmup=500ms --measurement 2", &a);
	assert_int_equal(cmd_arg_duration_ms(&a, "warmup", -1), 500);
	assert_int_equal(cmd_arg_duration_ms(&a, "measurement", -1), 2000);
	cmd_args_release(&a);
	parse_ok("/rust-profiling --tool flamegraph --binary target/release/app --duration 60s", &a);
	assert_int_equal(cmd_arg_duration_ms(&a, "duration", -1), 60000);
	cmd_args_release(&a);
	parse_ok("/memory-store --key k --value v --expires-in 1.5h", &a);
	assert_int_equal(cmd_arg_duration(&a, "expires-in", -1), 5400);
	cmd_args_release(&a);
}

static void test_grep_type(void **state)
{
	static const char *const lines[] = {
		"/grep-search \"unsafe\" -type rs", "/grep-search unsafe --type rs",
		"/grep-search unsafe -t rs", "/grep-search unsafe --type=rs",
	};
	struct cmd_args a;
	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		parse_ok(lines[i], &a);
		assert_int_equal(a.npos, 1);
		assert_string_equal(a.pos[0], "unsafe");
		assert_string_equal(cmd_arg(&a, "type"), "rs");
		cmd_args_release(&a);
	}
	parse_ok("/grep-search unsafe -type rs -t toml --type md", &a);
	assert_string_equal(cmd_arg_nth(&a, "type", 0), "rs");
	assert_string_equal(cmd_arg_nth(&a, "type", 1), "toml");
	assert_string_equal(cmd_arg_nth(&a, "type", 2), "md");
	assert_null(cmd_arg_nth(&a, "type", 3));
	cmd_args_release(&a);
	/* a one-dash word that names no flag stays a positional */
	parse_ok("/grep-search -foo", &a);
	assert_string_equal(a.pos[0], "-foo");
	cmd_args_release(&a);
}

static void test_cargo_passthrough(void **state)
{
	struct cmd_args a;
	const char *line;
	(void)state;

	line = "/cargo-clippy --all-targets --all-features -- -D warnings";
	parse_ok(line, &a);
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "--all-targets", "--all-features", NULL }, line);
	assert_true(a.has_rest);
	expect_words(a.rest, a.nrest, (const char *const[]){ "-D", "warnings", NULL }, line);
	cmd_args_release(&a);

	/* in order, values joined to their flags, unknown flags kept alone for cargo to judge */
	line = "/cargo-build +nightly -p member --bin tool -j 4 --features a,b --locked -j2 --bogus "
	       "--manifest-path=x/Cargo.toml --workspace false -vv -Zbuild-std --offline true";
	parse_ok(line, &a);
	assert_string_equal(a.toolchain, "+nightly");
	expect_words(a.cargo, a.ncargo, (const char *const[]){
		"-pmember", "--bin=tool", "-j4", "--locked", "-j2", "--bogus",
		"--manifest-path=x/Cargo.toml", "-vv", "-Zbuild-std", "--offline", NULL }, line);
	/* rwb's own --features keeps its type (repeatable, for cargo too) */
	assert_string_equal(cmd_arg(&a, "features"), "a,b");
	assert_false(a.has_rest);
	cmd_args_release(&a);

	/* rwb's own flags keep their meaning; +toolchain only as the first word */
	line = "/cargo-build --release true --target x86_64-unknown-linux-gnu -r false";
	assert_int_equal(parse(line, &a), RWB_EUSAGE); /* --release twice */
	line = "/cargo-build --release --target x86_64-unknown-linux-gnu";
	parse_ok(line, &a);
	assert_true(cmd_arg_bool(&a, "release"));
	assert_string_equal(cmd_arg(&a, "target"), "x86_64-unknown-linux-gnu");
	assert_int_equal(a.ncargo, 0);
	assert_null(a.toolchain);
	cmd_args_release(&a);
	line = "/cargo-build --release +stable";
	parse_ok(line, &a);
	assert_null(a.toolchain);
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "+stable", NULL }, line);
	cmd_args_release(&a);

	/* the test harness's arguments, and a filter */
	line = "/rust-test --lib --bins --integration --test-threads-typo adds -- --nocapture";
	parse_ok(line, &a);
	assert_true(cmd_arg_bool(&a, "lib") && cmd_arg_bool(&a, "integration"));
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "--test-threads-typo", NULL }, line);
	assert_string_equal(a.pos[0], "adds");
	expect_words(a.rest, a.nrest, (const char *const[]){ "--nocapture", NULL }, line);
	cmd_args_release(&a);
	line = "/rust-test --lib --bins --coverage --doc";
	parse_ok(line, &a);
	assert_true(cmd_arg_bool(&a, "doc") && cmd_arg_bool(&a, "coverage"));
	assert_int_equal(a.ncargo, 0);
	cmd_args_release(&a);
	/* cargo's switches take the boolean rule too: --allow-dirty false is no flag */
	line = "/cargo-clippy --fix --allow-staged false --no-deps=true --allow-no-vcs=no --timings --color always";
	parse_ok(line, &a);
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "--no-deps", "--timings", "--color=always", NULL }, line);
	cmd_args_release(&a);
	/* words past the positionals rwb takes go to cargo */
	line = "/cargo-build extra";
	parse_ok(line, &a);
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "extra", NULL }, line);
	cmd_args_release(&a);
	/* the diagnostics commands take them too */
	line = "/ownership-check --file src/main.rs -p app --all-features";
	parse_ok(line, &a);
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "-papp", "--all-features", NULL }, line);
	cmd_args_release(&a);
	line = "/unsafe-audit --check-soundness true --all-targets -- -A clippy::ptr_as_ptr";
	parse_ok(line, &a);
	expect_words(a.cargo, a.ncargo, (const char *const[]){ "--all-targets", NULL }, line);
	assert_int_equal(a.nrest, 2);
	cmd_args_release(&a);
}

static void test_help_flag(void **state)
{
	struct cmd_args a;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	parse_ok("/audit-review --help", &a);
	assert_true(a.help);
	cmd_args_release(&a);
	/* required flags are not asked for, earlier words are kept */
	parse_ok("/ownership-check -h", &a);
	assert_true(a.help);
	cmd_args_release(&a);
	cmd_help_text(&sb, registry_find("cargo-clippy"));
	assert_non_null(strstr(strbuf_str(&sb), "/cargo-clippy [+TOOLCHAIN] [--fix] [cargo clippy's own flags...] [-- ARGS...]"));
	strbuf_free(&sb);
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
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_durations_ms),
		cmocka_unit_test(test_grep_type),
		cmocka_unit_test(test_cargo_passthrough),
		cmocka_unit_test(test_help_flag),
		cmocka_unit_test(test_registry_covers_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
