/*
 * cmd_memory.c - the memory (pattern store) commands (see memory.c).
 */
#include "commands.h"

#define LAYERS "short_term|mid_term|long_term"

static const struct cmd_flag store_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "K", .help = "NAMESPACE/PROJECT/DATA-TYPE",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_STR("value", "TEXT", "the value"),
	F_PATH("file", "F", "store this file's content as the value"),
	F_ENUM("layer", LAYERS, "retention layer (default mid_term)"),
	F_STR("category", "C", "category"),
	F_STR("project", "P", "project"),
	F_STR("intent", "I", "what the entry is for"),
	F_STR("tags", "a,b", "comma-separated tags"),
	F_DUR("expires-in", "DURATION", "expire after this long (overrides the layer's retention)"),
	F_END
};

static const struct cmd_flag key_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "PATTERN", .help = "key or glob (* one segment, ** any)",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_END
};

static const struct cmd_flag delete_flags[] = {
	{ .name = "key", .type = FLAG_STRING, .metavar = "K", .help = "the key to delete",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_MEMKEY },
	F_END
};

static const struct cmd_flag search_flags[] = {
	{ .name = "query", .type = FLAG_STRING, .metavar = "TEXT", .help = "what to look for",
	  .flags = FLAGF_REQUIRED },
	F_INT("limit", "N", 1, 1000, "at most N results (default 10)"),
	F_ENUM("mode", "hybrid|fulltext|vector", "search mode (default hybrid)"),
	F_STR("project", "P", "only this project"),
	F_ENUM("layer", LAYERS, "only this layer"),
	F_END
};

static const struct cmd_flag export_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the JSON file to write",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	{ .name = "key", .type = FLAG_STRING, .metavar = "PATTERN", .help = "only keys matching",
	  .complete = COMPLETE_MEMKEY },
	F_END
};

static const struct cmd_flag import_flags[] = {
	{ .name = "file", .type = FLAG_PATH, .metavar = "F", .help = "the JSON file to read",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_END
};

static const struct cmd_flag purge_flags[] = {
	F_BOOL("all", "also purge the history of live entries"),
	F_END
};

const struct cmd_def commands_memory[] = {
	{ .name = "memory-store", .group = "Memory",
	  .summary = "insert or update an entry (same key = new version, old kept)", .flags = store_flags },
	{ .name = "memory-retrieve", .group = "Memory",
	  .summary = "entries whose key matches (* one segment, ** any)", .flags = key_flags },
	{ .name = "memory-search", .group = "Memory",
	  .summary = "ranked search: hybrid, full text (FTS5) or vector", .flags = search_flags },
	{ .name = "memory-delete", .group = "Memory",
	  .summary = "delete an entry (kept in history until purged)", .flags = delete_flags },
	{ .name = "memory-export", .group = "Memory", .summary = "write entries to a JSON file",
	  .flags = export_flags },
	{ .name = "memory-import", .group = "Memory",
	  .summary = "read entries from a JSON file (all or nothing)", .flags = import_flags },
	{ .name = "memory-purge", .group = "Memory",
	  .summary = "remove deleted and expired entries for good", .flags = purge_flags },
	{ .name = NULL }
};
