/*
 * audit.c - schema of the audit subsystem (its tables arrive with its issue).
 */
#include "schema.h"

const struct store_module schema_audit = { "audit", NULL, 0 };
