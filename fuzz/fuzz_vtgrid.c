/*
 * fuzz_vtgrid.c - the terminal pane's input path: any bytes a program
 * writes, fed through libvterm's State layer into the grid, with resizes,
 * soft resets, scrollback changes, searches and reads mixed in; the grid's
 * invariants (vtgrid_check) are checked after every resize.
 */
#include "strbuf.h"
#include "vtgrid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sink(void *data, const char *buf, size_t n)
{
	size_t *total = data;
	(void)buf;
	*total += n;
}

/* The grid's invariants hold after every resize and at the end. */
static void check(const struct vtgrid *g)
{
	const char *why = vtgrid_check(g);
	if (why) {
		fprintf(stderr, "fuzz_vtgrid: %s\n", why);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t answered = 0;
	struct vtgrid *g;
	uint64_t at;
	int col, width, rows, cols;

	if (size < 4)
		return 0;
	g = vtgrid_new(1 + data[0] % 40, 1 + data[1] % 100, data[2] % 64, sink, &answered);
	data += 3;
	size -= 3;
	while (size > 0) {
		/* chunks of up to 256 bytes; a 0xff byte before a chunk resizes,
		 * 0xfe soft-resets (a new program on the same screen) */
		size_t n = size < 256 ? size : 256;
		if (data[0] == 0xfe) {
			vtgrid_soft_reset(g);
			data++;
			size--;
			continue;
		}
		if (data[0] == 0xff && size >= 3) {
			vtgrid_resize(g, 1 + data[1] % 50, 1 + data[2] % 120);
			data += 3;
			size -= 3;
			check(g);
			continue;
		}
		vtgrid_feed(g, (const char *)data, n);
		data += n;
		size -= n;
	}
	check(g);
	vtgrid_size(g, &rows, &cols);
	for (int l = -vtgrid_scrollback_count(g); l < rows; l++) {
		struct strbuf sb = STRBUF_INIT;
		int *cv = NULL;
		const struct vtrow *r = vtgrid_line(g, l);
		for (int x = 0; r && x < r->cols; x++) {
			uint32_t chars[VTGRID_MAX_COMBINE + 1];
			vtgrid_cell_chars(g, &r->cells[x], chars);
		}
		vtgrid_line_text(g, l, &sb, &cv);
		free(cv);
		strbuf_free(&sb);
	}
	vtgrid_search(g, "a", vtgrid_lines_pushed(g) + (uint64_t)rows, -1, &at, &col, &width);
	vtgrid_mark_here(g);
	vtgrid_set_scrollback(g, 3);
	vtgrid_take_events(g);
	vtgrid_free(g);
	return 0;
}
