/*
 * metrics.c - schema of the metrics subsystem (its tables arrive with its issue).
 */
#include "schema.h"

const struct store_module schema_metrics = { "metrics", NULL, 0 };
