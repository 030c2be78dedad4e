/*
 * complete_kinds.h - Tab candidates that need the store or the repository:
 * memory keys, git refs, benchmark names, unsafe item ids.
 */
#ifndef RWB_COMPLETE_KINDS_H
#define RWB_COMPLETE_KINDS_H

#include "complete.h"

struct store;

struct complete_kinds_env {
	struct store *store;   /* borrowed */
	const char *repo;      /* borrowed */
};

/* A complete_provider: data is a struct complete_kinds_env. */
void complete_kinds_provide(void *data, enum complete_kind kind, const char *prefix,
			    struct completion *out);

#endif
