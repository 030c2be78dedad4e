/*
 * fuzz_memory_lines.c - the patterns line file (memshare.c): the parser's
 * checks (line length, UTF-8, \u0000, conflict markers, JSON, every
 * field), and for files it accepts: the written form parses back to the
 * same bytes, the merge rule gives the same answer merged again, and the
 * import into a real store succeeds and changes nothing the second time.
 */
#include "error.h"
#include "memory.h"
#include "memshare.h"
#include "store.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *fuzz_store(void)
{
	static struct store *s;
	static char path[64];

	if (!s) {
		snprintf(path, sizeof(path), "/tmp/rwb-fuzz-lines-%ld.db", (long)getpid());
		unlink(path);
		if (store_open(&s, path, true) != 0)
			abort();
	}
	return s;
}

static void check_merge(struct memory_list *l)
{
	/* per key: merging the merged versions again changes nothing */
	for (int i = 0, j; i < l->n; i = j) {
		int n, m, m2;
		struct memory_entry *v;
		for (j = i; j < l->n && !strcmp(l->v[j].key, l->v[i].key); j++)
			;
		n = j - i;
		v = xcalloc((size_t)n * 2, sizeof(*v));
		memcpy(v, l->v + i, (size_t)n * sizeof(*v));
		memset(l->v + i, 0, (size_t)n * sizeof(*v));  /* moved into v */
		m = memshare_merge(v, n);
		for (int k = 0; k < m; k++) {
			v[m + k] = v[k];
			v[m + k].key = xstrdup(v[k].key);
			v[m + k].value = xstrdup(v[k].value);
			v[m + k].layer = xstrdup(v[k].layer);
			v[m + k].category = xstrdup(v[k].category);
			v[m + k].project = xstrdup(v[k].project);
			v[m + k].intent = xstrdup(v[k].intent);
			v[m + k].tags = xstrdup(v[k].tags);
			v[m + k].agent = xstrdup(v[k].agent);
			v[m + k].ns = xstrdup(v[k].ns);
		}
		m2 = memshare_merge(v, 2 * m);
		if (m2 != m)
			abort();
		for (int k = 1; k < m; k++)
			if (v[k].version <= v[k - 1].version)
				abort();
		for (int k = 0; k < m2; k++)
			memory_entry_release(&v[k]);
		free(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memory_list l;
	char *out = NULL, *out2 = NULL;

	rwb_error_clear();
	if (memshare_parse(&l, (const char *)data, size) != RWB_OK) {
		if (rwb_last_code() == RWB_OK || strchr(rwb_last_error(), '\n'))
			abort(); /* a refusal is exactly one line */
		return 0;
	}
	if (memshare_format(&out, &l) != RWB_OK)
		abort();   /* the parser took only UTF-8, so this cannot happen */
	{
		struct memory_list l2;
		if (memshare_parse(&l2, out, strlen(out)) != RWB_OK || memshare_format(&out2, &l2) != RWB_OK)
			abort();
		if (strcmp(out, out2) != 0)
			abort(); /* written, read, written: the same bytes */
		memory_list_release(&l2);
	}
	check_merge(&l);
	{
		struct store *s = fuzz_store();
		struct memory_share_stats st;
		if (memory_share_import(s, &st, (const char *)data, size) != RWB_OK)
			abort(); /* an accepted file imports */
		if (memory_share_import(s, &st, (const char *)data, size) != RWB_OK || st.added || st.updated)
			abort(); /* and importing it again changes nothing */
		store_exec(s, "DELETE FROM memory_entries; DELETE FROM memory_versions; DELETE FROM memory_vectors;"
			   "INSERT INTO memory_fts(memory_fts) VALUES('delete-all')");
	}
	memory_list_release(&l);
	free(out);
	free(out2);
	return 0;
}
