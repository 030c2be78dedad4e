/*
 * cmd_audit.c - unsafe audit, pair review and the audit ledger.
 */
#include "commands.h"

static const struct cmd_flag audit_flags[] = {
	F_PATH("file", "F", "only this file"),
	F_BOOL("check-soundness", "add clippy's unsafe lints and cargo miri test when available"),
	F_END
};

static const struct cmd_flag review_flags[] = {
	{ .name = "id", .type = FLAG_STRING, .metavar = "ID", .help = "the unsafe item",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_UNSAFE_ID },
	{ .name = "verdict", .type = FLAG_ENUM, .values = "sound|unsound|needs-work",
	  .help = "the reviewer's verdict", .flags = FLAGF_REQUIRED },
	F_STR("note", "TEXT", "why"),
	F_STR("reviewer", "NAME", "who (default: git user.name, else $USER)"),
	F_END
};

static const struct cmd_flag export_flags[] = {
	F_PATH("file", "F", "where to write (default .rwb/audits.json in the repo)"),
	F_END
};

static const struct cmd_flag import_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the ledger to read",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_END
};

const struct cmd_def commands_audit[] = {
	{ .name = "unsafe-audit", .group = "Cargo and toolchain",
	  .summary = "every unsafe block, fn, impl, trait and extern block with its SAFETY state",
	  .flags = audit_flags, .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH },
	{ .name = "audit-review", .group = "Review, tracking and coordination",
	  .summary = "record one reviewer's verdict on one unsafe item", .flags = review_flags },
	{ .name = "audit-check", .group = "Review, tracking and coordination",
	  .summary = "exit 1 while any unsafe item is undocumented or lacks its sign-offs",
	  .positional = "PATH", .max_pos = 1, .pos_complete = COMPLETE_PATH },
	{ .name = "audit-export", .group = "Review, tracking and coordination",
	  .summary = "the audit ledger as a deterministic, mergeable file", .flags = export_flags },
	{ .name = "audit-import", .group = "Review, tracking and coordination",
	  .summary = "read an audit ledger back (all or nothing)", .flags = import_flags },
	{ .name = NULL }
};
