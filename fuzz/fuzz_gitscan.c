/*
 * fuzz_gitscan.c - rwb's own reader of git's index file (gitscan.h):
 * arbitrary bytes must be refused or read, never read past; a read index
 * has paths in bytewise order and lookups that find every entry.
 */
#include "gitscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gitscan_index *ix = NULL;
	unsigned char *copy = malloc(size ? size : 1);

	/* an exact-size copy so ASan sees any read past the end */
	memcpy(copy, data, size);
	if (gitscan_index_read(&ix, copy, size) == 0) {
		for (size_t i = 0; i < ix->n; i++) {
			const struct gitscan_entry *e = &ix->entries[i];
			if (i && strcmp(ix->entries[i - 1].path, e->path) > 0)
				abort();
			if (gitscan_index_find(ix, e->path) == NULL)
				abort();
		}
		gitscan_index_free(ix);
	} else if (ix) {
		abort();
	}
	free(copy);
	return 0;
}
