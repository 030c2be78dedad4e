/*
 * fuzz_cargotoml.c - the Cargo.toml editor: any input either parses or gets
 * one error line; a parsed file prints back byte for byte, and setting
 * keys (new, existing, in new tables) always leaves TOML it can parse again.
 */
#include "cargotoml.h"
#include "error.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cargotoml *t = NULL, *again = NULL;
	char *text;
	bool changed;

	rwb_error_clear();
	if (cargotoml_parse(&t, (const char *)data, size) != 0) {
		if (rwb_last_code() == RWB_OK || strchr(rwb_last_error(), '\n'))
			abort();
		return 0;
	}
	text = cargotoml_text(t);
	if (strlen(text) != size || memcmp(text, data, size) != 0)
		abort();
	free(text);
	cargotoml_set(t, &changed, "profile.release", "lto", "\"thin\"");
	cargotoml_set(t, &changed, "dependencies", "tokio", "{ version = \"1.24\" }");
	cargotoml_set(t, &changed, "package", "name", "\"x\"");
	text = cargotoml_text(t);
	if (cargotoml_parse(&again, text, strlen(text)) != 0)
		abort();
	cargotoml_set(again, &changed, "profile.release", "lto", "\"thin\"");
	if (changed)
		abort(); /* idempotent */
	cargotoml_free(again);
	free(text);
	cargotoml_free(t);
	return 0;
}
