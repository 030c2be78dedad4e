/*
 * fuzz_audit_import.c - the audit ledger reader: any bytes are either
 * imported whole or refused with one line, and the store stays readable.
 */
#include "audit.h"
#include "error.h"
#include "store.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *fz_store;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ni, nv;

	if (!fz_store) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/rwb-fuzz-audit-%ld.db", (long)getpid());
		unlink(path);
		if (store_open(&fz_store, path, true) != RWB_OK)
			abort();
	}
	rwb_error_clear();
	int rc = audit_import(fz_store, "/fuzz/repo", (const char *)data, size, &ni, &nv);
	if (rc != RWB_OK && (rwb_last_code() == RWB_OK || strchr(rwb_last_error(), '\n')))
		abort();   /* a refusal says why, in one line */
	return 0;
}
