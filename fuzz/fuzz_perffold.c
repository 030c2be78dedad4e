/*
 * fuzz_perffold.c - `perf script` text (fed in two chunks split at the
 * first byte's value, so line joins across feeds are exercised) and folded
 * lines; then the figures, the tree and the SVG writer run on the result.
 */
#define _DEFAULT_SOURCE
#include "perffold.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perffold *f;
	struct perffold_func *fn;
	struct perffold_node *root;
	size_t n, cut = size ? data[0] % (size + 1) : 0;
	char path[] = "/tmp/fuzz_perffold_XXXXXX";
	int fd;

	perffold_new(&f);
	if (perffold_feed(f, (const char *)data, cut) == 0 &&
	    perffold_feed(f, (const char *)data + cut, size - cut) == 0)
		perffold_finish(f);
	perffold_functions(f, &fn, &n);
	perffold_functions_free(fn, n);
	root = perffold_tree(f, true);
	perffold_node_free(root);
	fd = mkstemp(path);
	if (fd >= 0) {
		close(fd);
		perffold_write_svg(f, path, "fuzz");
		unlink(path);
	}
	perffold_free(f);

	perffold_new(&f);
	perffold_parse_folded(f, (const char *)data, size);
	root = perffold_tree(f, false);
	perffold_node_free(root);
	perffold_free(f);
	return 0;
}
