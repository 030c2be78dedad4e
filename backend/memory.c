/*
 * memory.c - schema of the memory subsystem (its tables arrive with its issue).
 */
#include "schema.h"

const struct store_module schema_memory = { "memory", NULL, 0 };
