/*
 * complete.h - Tab completion for the prompt: command names, flag names,
 * enum values, paths (relative to the repo), and the kinds a provider
 * answers (memory keys, git refs, benchmark names, unsafe item ids).
 */
#ifndef RWB_COMPLETE_H
#define RWB_COMPLETE_H

#include <stddef.h>
#include "registry.h"

struct completion {
	char **items;      /* owned, sorted, unique */
	int n;
	size_t start;      /* byte offset in the line where the completed word starts */
	size_t end;        /* byte offset where it ends (the cursor) */
};

/* Answers kinds the registry alone cannot (memory keys, git refs ...):
 * appends candidates starting with prefix via complete_add(). */
typedef void (*complete_provider)(void *data, enum complete_kind kind, const char *prefix,
				  struct completion *out);

struct complete_env {
	const char *cwd;               /* paths are completed relative to this */
	complete_provider provider;    /* may be NULL */
	void *provider_data;
};

/* Fills out with the candidates for the word before the cursor. */
void complete_line(struct completion *out, const char *line, size_t cursor,
		   const struct complete_env *env);
void complete_add(struct completion *out, const char *item);
void complete_release(struct completion *c);
/* The longest common prefix of the candidates (allocated). */
char *complete_common_prefix(const struct completion *c);

#endif
