/*
 * fuzz_cmdline.c - the prompt's splitter and every command's flag parser.
 */
#include "cmdline.h"
#include "registry.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = xstrndup((const char *)data, size);
	char **argv = NULL;
	int argc = 0;

	if (cmdline_split(line, &argv, &argc) == 0) {
		struct cmd_args args;
		if (argc > 0) {
			if (cmdline_parse(&args, argc, argv) == 0)
				cmd_args_release(&args);
		}
		cmdline_free_argv(argv, argc);
	}
	free(line);
	return 0;
}
