/*
 * cmd_cargo.c - cargo jobs, diagnostics filters, metrics and watch mode.
 */
#include "commands.h"

static const struct cmd_flag build_flags[] = {
	F_BOOL("release", "build with the release profile"),
	F_STR("target", "TRIPLE", "build for the target triple"),
	F_STR("features", "F", "comma-separated features to enable"),
	F_BOOL("all-targets", "build every target (tests, benches, examples)"),
	F_END
};

static const struct cmd_flag test_flags[] = {
	F_BOOL("lib", "test only the library"),
	F_BOOL("bins", "test only the binaries"),
	F_BOOL("doc", "run only the doc tests"),
	F_BOOL("coverage", "measure coverage with cargo-llvm-cov or cargo-tarpaulin"),
	F_END
};

static const struct cmd_flag clippy_flags[] = {
	F_BOOL("fix", "apply clippy's suggested fixes"),
	F_END
};

static const struct cmd_flag bench_flags[] = {
	{ .name = "function", .type = FLAG_STRING, .metavar = "F", .help = "only benchmarks matching F",
	  .complete = COMPLETE_BENCH },
	{ .name = "warmup", .type = FLAG_NUMBER, .metavar = "SECS", .min = 0, .max = 3600,
	  .help = "criterion warm-up time" },
	{ .name = "measurement", .type = FLAG_NUMBER, .metavar = "SECS", .min = 0, .max = 3600,
	  .help = "criterion measurement time" },
	F_END
};

static const struct cmd_flag publish_flags[] = {
	F_BOOL("dry-run", "only show what would ship (the default: rwb never uploads)"),
	F_END
};

static const struct cmd_flag ownership_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the Rust file to check",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_BOOL("explain-moves", "add the rustc --explain text of each code"),
	F_END
};

static const struct cmd_flag lifetime_flags[] = {
	F_PATH("file", "F", "only diagnostics in this file"),
	F_STR("function", "NAME", "only diagnostics inside this function"),
	F_BOOL("suggest-elision", "add clippy's needless_lifetimes suggestions"),
	F_END
};

static const struct cmd_flag metrics_flags[] = {
	F_DUR("since", "DURATION", "only samples newer than this (24h, 7d, ...)"),
	F_END
};

static const struct cmd_flag watch_flags[] = {
	F_BOOL("stop", "stop watching"),
	F_END
};

const struct cmd_def commands_cargo[] = {
	{ .name = "cargo-build", .group = "Cargo and toolchain",
	  .summary = "build; diagnostics from cargo's JSON; records duration, warnings, errors, RSS",
	  .flags = build_flags, .traits = CMD_JOB },
	{ .name = "rust-test", .group = "Cargo and toolchain",
	  .summary = "cargo test --no-fail-fast; records passed/failed/ignored per binary",
	  .flags = test_flags, .positional = "FILTER", .max_pos = 1, .traits = CMD_JOB },
	{ .name = "cargo-clippy", .group = "Cargo and toolchain",
	  .summary = "clippy with JSON messages; warnings counted by lint",
	  .flags = clippy_flags, .passthrough = true, .traits = CMD_JOB },
	{ .name = "rust-benchmark", .group = "Cargo and toolchain",
	  .summary = "cargo bench (criterion); records mean/median/std-dev, flags regressions",
	  .flags = bench_flags, .traits = CMD_JOB },
	{ .name = "cargo-publish", .group = "Cargo and toolchain",
	  .summary = "cargo publish --dry-run / cargo package --list: what would ship",
	  .flags = publish_flags, .traits = CMD_JOB },
	{ .name = "ownership-check", .group = "Cargo and toolchain",
	  .summary = "move and borrow diagnostics in a file, with rustc --explain text",
	  .flags = ownership_flags, .traits = CMD_JOB },
	{ .name = "lifetime-analysis", .group = "Cargo and toolchain",
	  .summary = "lifetime diagnostics plus clippy's needless/unused lifetime lints",
	  .flags = lifetime_flags, .traits = CMD_JOB },
	{ .name = "metrics", .group = "Review, tracking and coordination",
	  .summary = "the metrics kept in the store, with trends",
	  .flags = metrics_flags, .positional = "NAME", .max_pos = 1 },
	{ .name = "watch", .group = "Cargo and toolchain",
	  .summary = "re-run build, test or clippy when files under src/ change",
	  .flags = watch_flags, .positional = "build|test|clippy", .max_pos = 1, .traits = CMD_JOB },
	{ .name = NULL }
};
