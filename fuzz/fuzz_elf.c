/*
 * fuzz_elf.c - the profiler's ELF reader (elf_has_frame_pointers() in
 * backend/cmd_analysis.c), which reads the binary a user asks to profile:
 * any bytes as the file must be read or refused without reading past what
 * it allocated, and without allocating more than the file could need.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

bool elf_has_frame_pointers(const char *path);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz_elf", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		(void)elf_has_frame_pointers(path);
	}
	close(fd);
	return 0;
}
