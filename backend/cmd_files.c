/*
 * cmd_files.c - file viewer, editor job, glob and grep.
 */
#include "commands.h"

static const struct cmd_flag line_flags[] = {
	F_INT("line", "N", 1, 2147483647, "open at line N"),
	F_END
};

static const struct cmd_flag grep_flags[] = {
	F_STR("type", "rs", "only files of this type (rs, toml, md, c, ...)"),
	F_END
};

const struct cmd_def commands_files[] = {
	{ .name = "file-read", .group = "Files", .summary = "read-only viewer with Rust highlighting",
	  .flags = line_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH },
	{ .name = "file-edit", .group = "Files", .summary = "$EDITOR in the terminal pane",
	  .flags = line_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH, .traits = CMD_JOB },
	{ .name = "glob-search", .group = "Files", .summary = "**/*.rs style matching, honours .gitignore",
	  .positional = "PATTERN", .min_pos = 1, .max_pos = 1 },
	{ .name = "grep-search", .group = "Files", .summary = "regex search; results open at file:line",
	  .flags = grep_flags, .positional = "REGEX", .min_pos = 1, .max_pos = 1 },
	{ .name = NULL }
};
