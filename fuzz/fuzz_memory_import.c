/*
 * fuzz_memory_import.c - the memory import validator (JSON shape, every
 * field's type, sizes, duplicate keys) and, for documents it accepts, the
 * import itself into a real store followed by an export: nothing may
 * crash, leak, or turn an accepted document into a failed import.
 */
#include "error.h"
#include "memory.h"
#include "store.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *fuzz_store(void)
{
	static struct store *s;
	static char path[64];

	if (!s) {
		snprintf(path, sizeof(path), "/tmp/rwb-fuzz-memory-%ld.db", (long)getpid());
		unlink(path);
		if (store_open(&s, path, true) != 0)
			abort();
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	int n = 0, rc;

	rwb_error_clear();
	rc = memory_import_check((const char *)data, size, &n);
	if (rc == RWB_OK) {
		struct store *s = fuzz_store();
		int got = 0, out = 0;
		/* an accepted document imports (nothing else fails it) */
		if (memory_import(s, &got, (const char *)data, size) != RWB_OK || got != n)
			abort();
		if (memory_export(s, &text, &out, NULL) != RWB_OK)
			abort();
		free(text);
		store_exec(s, "DELETE FROM memory_entries; DELETE FROM memory_versions; DELETE FROM memory_vectors;"
			   "INSERT INTO memory_fts(memory_fts) VALUES('delete-all')");
	} else if (rwb_last_code() == RWB_OK || strchr(rwb_last_error(), '\n')) {
		abort(); /* a refusal is exactly one line */
	}
	return 0;
}
