/*
 * fuzz_cheader.c - the C prototype reader of /rust-ffi: any header text is
 * read without a crash or a leak, and every function it binds appears in
 * both the extern declarations and the wrappers.
 */
#include "cheader.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = xstrndup((const char *)data, size);
	struct strbuf ext = STRBUF_INIT, wrap = STRBUF_INIT;
	cJSON *funcs = cJSON_CreateArray(), *skipped = cJSON_CreateArray(), *f;

	cheader_bind(&ext, &wrap, funcs, skipped, src, "fuzz.h");
	cJSON_ArrayForEach(f, funcs) {
		char *decl = xasprintf("pub fn %s(", f->valuestring);
		if (!strstr(strbuf_str(&ext), decl) || !strstr(strbuf_str(&wrap), f->valuestring))
			abort();
		free(decl);
	}
	cJSON_Delete(funcs);
	cJSON_Delete(skipped);
	strbuf_free(&ext);
	strbuf_free(&wrap);
	free(src);
	return 0;
}
