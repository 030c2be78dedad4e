/*
 * test_seed_parse.c - every command line of ../shared/spec/seed-lines.md,
 * exactly as written, goes through the prompt's path (cmdline_split, then
 * cmdline_parse against the registry) without a usage error. The prompt
 * pane and `rwb LINE` share these two functions, so a line refused here
 * would be refused in both; tests/cli/test_seed_lines.sh runs them.
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

/* copied from seed-lines.md, character for character */
static const char *const seed_lines[] = {
	"/file-read src/main.rs",
	"/file-write src/lib.rs",
	"/grep-search \"unsafe\" -type rs",
	"/glob-search \"**/*.rs\"",
	"/git-status",
	"/git-commit -m \"feat: implement zero-copy async I/O with io_uring\"",
	"/git-push",
	"/memory-store --key \"rust-systems-developer/tokio-app/async-patterns\" --value \"{...}\"",
	"/memory-retrieve --key \"rust-systems-developer/*/unsafe-guidelines\"",
	"/agent-receive --task \"Build async HTTP microservice with WASM frontend\"",
	"/agent-delegate --agent \"performance-testing-agent\" --task \"Benchmark async runtime performance\"",
	"/agent-delegate --agent \"webassembly-specialist\" --task \"Compile Rust frontend to WASM with wasm-pack\"",
	"/agent-escalate --level critical --message \"...\"",
	"/rust-project-init --name my-app --type binary --edition 2021",
	"/cargo-build --release --target x86_64-unknown-linux-gnu",
	"/rust-test --lib --bins --coverage --doc",
	"/rust-test --lib --bins --integration",
	"/rust-async --runtime tokio --features \"net,io-util,time\" --workers 4",
	"/rust-async --runtime tokio --features \"full\" --workers 8",
	"/async-runtime --type tokio --multi-threaded true --enable-all true",
	"/channel-pattern --type mpsc --bounded true --capacity 1000",
	"/rust-optimize --profile release --lto thin --codegen-units 1",
	"/rust-benchmark --function parse_json --warmup 3s --measurement 10s",
	"/rust-benchmark --function handle_request --warmup 5s --measurement 30s",
	"/rust-profiling --tool flamegraph --binary target/release/app --duration 60s",
	"/ownership-check --file src/parser.rs --explain-moves true",
	"/lifetime-analysis --function process_data --suggest-elision true",
	"/unsafe-audit --file src/ffi.rs --check-soundness true",
	"/trait-design --name Serializable --bounds \"Clone + Debug\" --gats true",
	"/error-handling --type thiserror --backtrace true --context true",
	"/rust-ffi --header system.h --bindgen true --output src/bindings.rs",
	"/rust-macro --type derive --name Serialize --syn true",
	"/cargo-clippy --all-targets --all-features -- -D warnings",
	"/cargo-publish --dry-run --verify --allow-dirty false",
	"/embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic true",
};

static void test_every_seed_line_parses(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(seed_lines) / sizeof(seed_lines[0]); i++) {
		struct cmd_args a;
		char **argv = NULL;
		int argc = 0, rc;

		rc = cmdline_split(seed_lines[i], &argv, &argc);
		if (rc == RWB_OK)
			rc = cmdline_parse(&a, argc, argv);
		if (rc != RWB_OK) {
			print_error("refused: %s\n  %s\n", seed_lines[i], rwb_last_error());
			failed++;
		} else {
			cmd_args_release(&a);
		}
		cmdline_free_argv(argv, argc);
	}
	assert_int_equal(failed, 0);
}

/* the booleans the brief writes as `--flag true` are booleans, not positionals */
static void test_bool_values_are_flags(void **state)
{
	struct cmd_args a;
	char **argv = NULL;
	int argc = 0;

	(void)state;
	assert_int_equal(cmdline_split("/unsafe-audit --file src/ffi.rs --check-soundness true", &argv, &argc),
			 RWB_OK);
	assert_int_equal(cmdline_parse(&a, argc, argv), RWB_OK);
	assert_int_equal(a.npos, 0);
	assert_true(cmd_arg_bool(&a, "check-soundness"));
	cmd_args_release(&a);
	cmdline_free_argv(argv, argc);
	assert_int_equal(cmdline_split("/channel-pattern --type mpsc --bounded false --capacity 10", &argv, &argc),
			 RWB_OK);
	assert_int_equal(cmdline_parse(&a, argc, argv), RWB_OK);
	assert_false(cmd_arg_bool(&a, "bounded"));
	cmd_args_release(&a);
	cmdline_free_argv(argv, argc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_seed_line_parses),
		cmocka_unit_test(test_bool_values_are_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
