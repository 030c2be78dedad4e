/*
 * fuzz_elf.c - the ELF reader that picks perf's call-graph mode
 * (/rust-profiling --binary reads whatever file the user names).
 */
#define _GNU_SOURCE
#include "elf_fp.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp;

	if (size == 0)
		return 0;
	fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	(void)elf_fp_stream(fp);
	fclose(fp);
	return 0;
}
