/*
 * fuzz_connascence.c - the coupling recognisers (function headers, struct
 * bodies, impl blocks, literals) on arbitrary bytes lexed as Rust.
 */
#include "connascence.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_report *r = NULL;
	cJSON *j;

	if (connascence_analyze_text(&r, "fuzz.rs", (const char *)data, size, NULL) == 0) {
		j = connascence_json(r);
		cJSON_Delete(j);
	}
	connascence_report_free(r);
	return 0;
}
