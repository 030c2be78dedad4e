/*
 * scrollback-mem.c - the driver of bench/scrollback-mem.sh: fills N
 * terminal grids (what each terminal tab of rwb holds) of ROWSxCOLS with a
 * 10,000-line scrollback from one file of program output, and prints the
 * process's RSS before and after, and the packed scrollback's own size.
 *
 * usage: scrollback-mem N ROWS COLS FILE
 */
#include "vtgrid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: scrollback-mem N ROWS COLS FILE\n");
		return 2;
	}
	int n = atoi(argv[1]), rows = atoi(argv[2]), cols = atoi(argv[3]);
	FILE *f = fopen(argv[4], "rb");
	if (!f || n < 1) {
		fprintf(stderr, "scrollback-mem: cannot read %s\n", argv[4]);
		return 3;
	}
	/* the file is read in the chunks a pty hands over */
	static char buf[4096];
	long before = rss_kb();
	size_t sb_bytes = 0;
	int lines = 0;
	struct vtgrid **g = calloc((size_t)n, sizeof(*g));
	for (int i = 0; i < n; i++) {
		g[i] = vtgrid_new(rows, cols, VTGRID_SCROLLBACK_DEFAULT, NULL, NULL);
		rewind(f);
		size_t k;
		while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
			vtgrid_feed(g[i], buf, k);
		sb_bytes += vtgrid_scrollback_bytes(g[i]);
		lines = vtgrid_scrollback_count(g[i]);
	}
	long after = rss_kb();
	printf("%ld %ld %zu %d\n", before, after, sb_bytes, lines);
	for (int i = 0; i < n; i++)
		vtgrid_free(g[i]);
	free(g);
	fclose(f);
	return 0;
}
