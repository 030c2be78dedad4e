/*
 * cmd_git.c - git commands through libgit2 (see gitw.c).
 */
#include "commands.h"

static const struct cmd_flag diff_flags[] = {
	F_BOOL("staged", "show the staged change instead of the unstaged one"),
	F_END
};

static const struct cmd_flag stage_flags[] = {
	F_INT("hunk", "N", 1, 1000000, "only hunk N (from 1, in git diff order)"),
	F_STR("lines", "A-B", "only work-tree lines A to B"),
	F_END
};

static const struct cmd_flag commit_flags[] = {
	{ .name = "message", .short_name = 'm', .type = FLAG_STRING, .metavar = "MSG",
	  .help = "the commit message" },
	F_BOOL("amend", "replace the last commit"),
	F_END
};

static const struct cmd_flag log_flags[] = {
	{ .name = "max-count", .short_name = 'n', .type = FLAG_INT, .metavar = "N", .min = 1,
	  .max = 10000000, .help = "at most N commits" },
	F_END
};

const struct cmd_def commands_git[] = {
	{ .name = "git-status", .group = "Git",
	  .summary = "branch, ahead/behind, staged, unstaged, untracked and conflicted files" },
	{ .name = "git-diff", .group = "Git", .summary = "diff of the work tree, the index, or commits",
	  .flags = diff_flags, .positional = "REV[..REV]", .max_pos = 1, .passthrough = true,
	  .pos_complete = COMPLETE_GITREF },
	{ .name = "git-stage", .group = "Git", .summary = "stage a file, a hunk or a range of lines",
	  .flags = stage_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH },
	{ .name = "git-unstage", .group = "Git", .summary = "unstage a file, a hunk or a range of lines",
	  .flags = stage_flags, .positional = "PATH", .min_pos = 1, .max_pos = 1,
	  .pos_complete = COMPLETE_PATH },
	{ .name = "git-commit", .group = "Git",
	  .summary = "commit with the configured identity; refuses an empty commit",
	  .flags = commit_flags },
	{ .name = "git-push", .group = "Git", .summary = "push to a remote (ssh agent or credential helper)",
	  .positional = "[REMOTE] [BRANCH]", .max_pos = 2, .pos_complete = COMPLETE_GITREF },
	{ .name = "git-log", .group = "Git", .summary = "history list; Enter shows a commit's diff",
	  .flags = log_flags, .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH },
	{ .name = NULL }
};
