/*
 * complete_kinds.c - candidates from the store and the repository
 * (filled in with the command-pane issue).
 */
#include "complete_kinds.h"

void complete_kinds_provide(void *data, enum complete_kind kind, const char *prefix,
			    struct completion *out)
{
	(void)data; (void)kind; (void)prefix; (void)out;
}
