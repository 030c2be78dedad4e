/*
 * schema.h - the schema modules each subsystem defines (see schema.c).
 */
#ifndef RWB_SCHEMA_H
#define RWB_SCHEMA_H

#include "store.h"

extern const struct store_module schema_core;    /* schema.c: settings, history, jobs */
extern const struct store_module schema_memory;  /* memory.c: entries, versions, search */
extern const struct store_module schema_audit;   /* audit.c: unsafe items, verdicts */
extern const struct store_module schema_metrics; /* metrics.c: samples, diagnostics */
extern const struct store_module schema_board;   /* board.c: tasks, notices, focus */
extern const struct store_module schema_coverage; /* coverage.c: the last coverage run's lines */

#endif
