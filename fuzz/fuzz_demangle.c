/*
 * fuzz_demangle.c - Rust symbol demangling on arbitrary bytes, as a legacy
 * (_ZN) and as a v0 (_R) symbol: it must end, bounded, and either decode or
 * say "not Rust".
 */
#include "demangle.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = xstrndup((const char *)data, size);
	char *v0 = xmalloc(strlen(raw) + 3), *legacy = xmalloc(strlen(raw) + 4), *out;

	memcpy(v0, "_R", 2);
	strcpy(v0 + 2, raw);
	memcpy(legacy, "_ZN", 3);
	strcpy(legacy + 3, raw);
	free(demangle_symbol(raw));
	free(demangle_symbol(v0));
	if (demangle_rust(&out, legacy) == 0)
		free(out);
	free(raw);
	free(v0);
	free(legacy);
	return 0;
}
