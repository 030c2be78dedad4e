/*
 * fuzz_audit_scan.c - the unsafe scanner on any bytes: items stay inside
 * the input, spans are ordered, and every documented block or impl keeps
 * an argument that lies above it.
 */
#include "unsafe_scan.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unsafe_file f = { 0 };
	const char *rel[] = { "src/lib.rs", "src/a/b.rs" };

	for (int r = 0; r < 2; r++) {
		unsafe_scan_source(&f, (const char *)data, size, rel[r]);
		for (size_t i = 0; i < f.n; i++) {
			const struct unsafe_item *it = &f.items[i];
			if (it->end > size || it->start > it->end || it->line > it->line_end ||
			    !it->module || !it->function || !it->name)
				abort();
			if (it->documented && (it->kind == UNSAFE_BLOCK || it->kind == UNSAFE_IMPL) &&
			    (!it->safety || it->safety_line < 1 || it->safety_line > it->line))
				abort();
		}
		unsafe_file_release(&f);
	}
	return 0;
}
