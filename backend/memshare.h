/*
 * memshare.h - a team's patterns through git: the line file the memory
 * store is exported to (.rwb/patterns.jsonl in the repository) and the
 * merge rule that imports it.
 *
 * The file: a header line {"format":"rwb-patterns","version":1}, then one
 * JSON object per stored version (the live one and its history) of the
 * chosen keys, its fields always in the same order, the lines sorted by key
 * (bytes) then version number, LF line ends, and no time of the export
 * itself. Exporting the same store twice gives the same bytes; the file is
 * marked merge=union in .rwb/.gitattributes, so two people's lines merge
 * without a conflict even when they sit side by side or edit the same key:
 * the import sorts the versions out.
 *
 * The merge rule (memshare_merge), per key, over the store's versions and
 * the file's together:
 *  1. Two versions are the same when every field but the version number is
 *     equal (value, layer, category, project, intent, tags, agent,
 *     namespace, created_at, updated_at, expires_at); the copy with the
 *     higher number is kept. So a re-import, or a teammate's copy of your
 *     history, adds nothing.
 *  2. Versions are ordered by version number, then updated_at, then a
 *     content hash (FNV-1a 64 of the fields of rule 1), then those fields'
 *     bytes: a total order every machine computes alike. The last is the
 *     newest: it becomes the live entry; the others are its history.
 *  3. Numbers are made unique in that order: each version gets the larger of
 *     its own number and the previous one's plus one, so numbers never go
 *     down. Two people who both made version 3 end with 3 and 4 (the later
 *     edit, by updated_at, is 4 and wins) in both stores.
 *
 * Never: touch the store (memory.c applies a merge in one transaction), or
 * accept a line it cannot turn back into the same bytes' meaning (invalid
 * UTF-8, U+0000, a value over the store's limit).
 */
#ifndef RWB_MEMSHARE_H
#define RWB_MEMSHARE_H

#include "memory.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMSHARE_PATH ".rwb/patterns.jsonl"   /* in the repository */
#define MEMSHARE_ATTRIBUTES ".rwb/.gitattributes"
#define MEMSHARE_ATTRIBUTE_LINE "patterns.jsonl merge=union"
#define MEMSHARE_HEADER "{\"format\":\"rwb-patterns\",\"version\":1}"
#define MEMSHARE_MAX_LINE (8 * 1024 * 1024)   /* bytes: a 1 MB value escaped, with room */

/* True when text's first non-blank line is an rwb-patterns header or an
 * entry line (the line file, not the {"format":"rwb-memory"} document). */
bool memshare_detect(const char *text, size_t len);

/* Parses and validates a line file into entries (out owns them, in file
 * order). On bad input returns RWB_EINPUT and the error channel (error.h,
 * one line) says "line N: ..." with the field and, when known, the key. */
int memshare_parse(struct memory_list *out, const char *text, size_t len);

/* The file's text for the entries (sorted here, by key then version).
 * RWB_EINPUT, with a message, when an entry cannot be written as JSON text (its
 * value is not valid UTF-8). *text allocated. */
int memshare_format(char **text, struct memory_list *l);

/* Merges every key's versions in l (any order, keys mixed) by the merge
 * rule, in place; l ends sorted by key then version. */
void memshare_merge_all(struct memory_list *l);

/* Rule 1: the same version (every field but the number equal). */
bool memshare_same(const struct memory_entry *a, const struct memory_entry *b);
/* Rule 2's order: < 0 when a is older than b. */
int memshare_cmp(const struct memory_entry *a, const struct memory_entry *b);
/* The merge rule over one key's versions v[0..n): sorts, drops copies
 * (released), renumbers. Returns the new count; v[count-1] is the newest. */
int memshare_merge(struct memory_entry *v, int n);

#endif
