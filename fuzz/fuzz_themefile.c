/*
 * fuzz_themefile.c - the theme file reader.
 */
#include "themefile.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;

	themefile_builtin(&t, "default");
	themefile_parse(&t, (const char *)data, size, "fuzz.theme");
	return 0;
}
