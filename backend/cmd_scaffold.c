/*
 * cmd_scaffold.c - project init and code templates from the memory store.
 */
#include "commands.h"

#define TF "true|false"

static const struct cmd_flag init_flags[] = {
	F_REQ("name", "N", "crate name"),
	{ .name = "type", .type = FLAG_ENUM, .values = "binary|library", .help = "binary or library",
	  .flags = FLAGF_REQUIRED },
	{ .name = "edition", .type = FLAG_ENUM, .values = "2015|2018|2021|2024", .help = "Rust edition",
	  .flags = FLAGF_REQUIRED },
	F_PATH("path", "DIR", "where (default ./NAME)"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag async_flags[] = {
	{ .name = "runtime", .type = FLAG_ENUM, .values = "tokio", .help = "async runtime",
	  .flags = FLAGF_REQUIRED },
	F_STR("features", "LIST", "tokio features (comma-separated)"),
	F_INT("workers", "N", 1, 1024, "worker threads"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag runtime_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "tokio", .help = "runtime", .flags = FLAGF_REQUIRED },
	F_ENUM("multi-threaded", TF, "multi-threaded scheduler (default true)"),
	F_ENUM("enable-all", TF, "enable I/O and time drivers (default true)"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag channel_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "mpsc|oneshot|broadcast|crossbeam",
	  .help = "channel kind", .flags = FLAGF_REQUIRED },
	F_ENUM("bounded", TF, "bounded channel (default true)"),
	F_INT("capacity", "N", 1, 1000000, "capacity of a bounded channel"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag trait_flags[] = {
	F_REQ("name", "N", "trait name"),
	F_STR("bounds", "\"A + B\"", "supertrait bounds"),
	F_ENUM("gats", TF, "add a generic associated type"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag error_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "thiserror|anyhow|std", .help = "error style",
	  .flags = FLAGF_REQUIRED },
	F_BOOL("backtrace", "capture backtraces"),
	F_BOOL("context", "add context helpers"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag ffi_flags[] = {
	{ .name = "header", .type = FLAG_PATH, .metavar = "H", .help = "the C header",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_ENUM("bindgen", TF, "run bindgen when installed (default true)"),
	F_PATH("output", "F", "where to write the wrapper"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag macro_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "derive|attribute|function", .help = "macro kind",
	  .flags = FLAGF_REQUIRED },
	F_REQ("name", "N", "macro name"),
	F_ENUM("syn", TF, "parse with syn (default true)"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag embedded_flags[] = {
	F_REQ("target", "TRIPLE", "target triple (thumbv7em-none-eabihf, ...)"),
	F_STR("hal", "NAME", "HAL crate"),
	F_ENUM("rtic", TF, "use RTIC"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag optimize_flags[] = {
	{ .name = "profile", .type = FLAG_ENUM, .values = "release|dev|bench|test",
	  .help = "profile to edit", .flags = FLAGF_REQUIRED },
	F_ENUM("lto", "off|thin|fat", "link-time optimisation"),
	F_INT("codegen-units", "N", 1, 256, "codegen units"),
	F_ENUM("opt-level", "0|1|2|3|s|z", "optimisation level"),
	F_ENUM("panic", "abort|unwind", "panic strategy"),
	F_BOOL("yes", "write without asking"),
	F_END
};

const struct cmd_def commands_scaffold[] = {
	{ .name = "rust-project-init", .group = "Cargo and toolchain",
	  .summary = "cargo new / cargo init; records the project", .flags = init_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-optimize", .group = "Cargo and toolchain",
	  .summary = "edit [profile.*] in Cargo.toml keeping every other line; shows the diff",
	  .flags = optimize_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-async", .group = "Scaffolding", .summary = "async main / runtime set-up",
	  .flags = async_flags, .traits = CMD_CONFIRM },
	{ .name = "async-runtime", .group = "Scaffolding", .summary = "runtime builder configuration",
	  .flags = runtime_flags, .traits = CMD_CONFIRM },
	{ .name = "channel-pattern", .group = "Scaffolding", .summary = "producer/consumer code",
	  .flags = channel_flags, .traits = CMD_CONFIRM },
	{ .name = "trait-design", .group = "Scaffolding", .summary = "trait skeleton with an impl",
	  .flags = trait_flags, .traits = CMD_CONFIRM },
	{ .name = "error-handling", .group = "Scaffolding", .summary = "error enum and Result alias",
	  .flags = error_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-ffi", .group = "Scaffolding",
	  .summary = "bindgen run plus a safe wrapper skeleton with SAFETY comments",
	  .flags = ffi_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-macro", .group = "Scaffolding", .summary = "proc-macro crate skeleton",
	  .flags = macro_flags, .traits = CMD_CONFIRM },
	{ .name = "embedded-rust", .group = "Scaffolding", .summary = "#![no_std] project skeleton",
	  .flags = embedded_flags, .traits = CMD_CONFIRM },
	{ .name = NULL }
};
