/*
 * cmd_analysis.c - profiling, connascence, focus tracking and the task board.
 */
#include "commands.h"

static const struct cmd_flag profiling_flags[] = {
	{ .name = "tool", .type = FLAG_ENUM, .values = "perf|flamegraph", .help = "the profiler",
	  .flags = FLAGF_REQUIRED },
	{ .name = "binary", .type = FLAG_PATH, .metavar = "PATH", .help = "program or cargo target",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_INT("duration", "SECS", 1, 3600, "stop recording after SECS"),
	F_END
};

static const struct cmd_flag connascence_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the Rust file",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_END
};

static const struct cmd_flag delegate_flags[] = {
	F_REQ("agent", "NAME", "who the task is for"),
	F_REQ("task", "TEXT", "what to do"),
	F_END
};

static const struct cmd_flag escalate_flags[] = {
	{ .name = "level", .type = FLAG_ENUM, .values = "info|warning|critical",
	  .help = "how urgent", .flags = FLAGF_REQUIRED },
	F_REQ("message", "TEXT", "the notice"),
	F_END
};

const struct cmd_def commands_analysis[] = {
	{ .name = "rust-profiling", .group = "Cargo and toolchain",
	  .summary = "perf record with call graphs, folded stacks, flame graph and SVG",
	  .flags = profiling_flags, .passthrough = true, .traits = CMD_JOB },
	{ .name = "connascence", .group = "Review, tracking and coordination",
	  .summary = "coupling report: position, meaning, value, long parameter lists, god types",
	  .flags = connascence_flags },
	{ .name = "focus-start", .group = "Review, tracking and coordination",
	  .summary = "record a baseline of the work tree for the focus paths",
	  .positional = "PATH...", .max_pos = -1, .pos_complete = COMPLETE_PATH },
	{ .name = "focus-check", .group = "Review, tracking and coordination",
	  .summary = "how far the change has spread since /focus-start" },
	{ .name = "agent-delegate", .group = "Review, tracking and coordination",
	  .summary = "a task on the shared board, assigned to NAME", .flags = delegate_flags },
	{ .name = "agent-escalate", .group = "Review, tracking and coordination",
	  .summary = "a notice shown in every rwb sharing the store", .flags = escalate_flags },
	{ .name = NULL }
};

#include "mcp.h"

const struct mcp_tool mcp_tools_analysis[] = {
	{ .name = NULL }
};
