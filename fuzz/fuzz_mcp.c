/*
 * fuzz_mcp.c - the MCP server's JSON-RPC handler (mcp_server_line) fed
 * arbitrary request lines over a small real store: every answer it writes
 * is one line of valid UTF-8 JSON, nothing crashes or leaks. The `rwb`
 * tool has no binary here (argv0 NULL), so no child process is started.
 */
#define _POSIX_C_SOURCE 200809L
#include "mcp.h"
#include "sanitize.h"
#include "store.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *fuzz_store(void)
{
	static struct store *s;
	char path[64];

	if (!s) {
		snprintf(path, sizeof(path), "/tmp/rwb-fuzz-mcp-%ld.db", (long)getpid());
		unlink(path);
		if (store_open(&s, path, true) != 0)
			abort();
	}
	return s;
}

static void check_utf8(const char *t, size_t n)
{
	unsigned cp;

	for (size_t i = 0; i < n;) {
		int k = (unsigned char)t[i] < 0x80 ? 1 : sanitize_utf8_decode(t + i, n - i, &cp);
		if (k <= 0)
			abort();  /* an answer that is not valid UTF-8 */
		i += (size_t)k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_options o = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct mcp_server *m;
	const char *p = (const char *)data, *end = p + size;

	if (!out)
		return 0;
	m = mcp_server_new(fuzz_store(), "/tmp", &o, out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		mcp_server_line(m, p, n);
		p += n + (nl ? 1 : 0);
	}
	mcp_server_free(m);
	fclose(out);
	check_utf8(buf, len);
	for (char *line = buf, *next; line && line < buf + len; line = next) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		cJSON *j;
		if (!nl)
			abort();  /* every answer ends its line */
		next = nl + 1;
		j = cJSON_ParseWithLength(line, (size_t)(nl - line));
		if (!j)
			abort();  /* every answer is JSON */
		cJSON_Delete(j);
	}
	free(buf);
	return 0;
}
