/*
 * fuzz_memory_query.c - the search query language (words, "phrases",
 * prefix*, key:/project:/layer:/category: filters) in every mode over a
 * small real store: any text is either a result list or one clear error,
 * never an SQL error, a crash or a leak.
 */
#include "error.h"
#include "memory.h"
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
	char path[64];

	if (!s) {
		static const char *const vals[] = {
			"Arc<Mutex<T>> shares state across tokio tasks",
			"a lifetime annotation ties borrows together",
			"bounded channel backpressure with mpsc",
		};
		snprintf(path, sizeof(path), "/tmp/rwb-fuzz-query-%ld.db", (long)getpid());
		unlink(path);
		if (store_open(&s, path, true) != 0)
			abort();
		for (int i = 0; i < 3; i++) {
			char key[32];
			snprintf(key, sizeof(key), "ns/p%d/k", i);
			struct memory_input in = { .key = key, .value = vals[i], .layer = "long_term" };
			if (memory_store(s, NULL, &in) != 0)
				abort();
		}
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct store *s = fuzz_store();

	for (int m = 0; m < 3; m++) {
		struct memory_query q = { .text = text, .mode = (enum memory_mode)m, .limit = 5 };
		struct memory_results r;
		int rc;
		rwb_error_clear();
		rc = memory_search(s, &r, &q);
		if (rc == RWB_OK)
			memory_results_release(&r);
		else if (rc != RWB_EINPUT || rwb_last_code() != RWB_EINPUT || strchr(rwb_last_error(), '\n'))
			abort(); /* bad text is one line of bad input, never a store error */
	}
	free(text);
	return 0;
}
