/*
 * fuzz_cargomsg.c - the cargo message reader: any bytes, split into lines
 * as cargo_run() splits them (libtest's bench lines and failure captures
 * included), plus criterion's estimates.json parser, the panic-location
 * reader and the ANSI stripper on the whole input. Nothing may crash, leak
 * or read out of bounds.
 */
#include "cargomsg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cargomsg m;
	struct strbuf human = STRBUF_INIT;
	struct cargo_bench b = { 0 };
	const char *p = (const char *)data, *end = p + size;
	char *whole;
	int passed, failed, ignored;

	cargomsg_init(&m);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cargomsg_feed_line(&m, p, n, &human);
		p += n + (nl ? 1 : 0);
	}
	cargomsg_count(&m, "error");
	cargomsg_noop_build(&m);
	cargomsg_test_totals(&m, &passed, &failed, &ignored);
	for (size_t i = 0; i < m.ndiags; i++)
		cargomsg_is_borrow_code(m.diags[i].code);
	cargomsg_release(&m);
	strbuf_free(&human);
	whole = xstrndup((const char *)data, size);
	cargomsg_parse_estimates(&b, whole);
	{
		char *file = NULL, *msg = NULL, *plain;
		int line, col;
		cargomsg_panic_location(whole, &file, &line, &col, &msg);
		free(file);
		free(msg);
		plain = cargomsg_strip_ansi(whole);
		free(plain);
	}
	free(whole);
	return 0;
}
