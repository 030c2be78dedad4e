/*
 * schema.c - the list of schema modules and the core module's migrations.
 *
 * Each subsystem owns its tables and declares them as a struct
 * store_module in its own file (schema_memory in memory.c, ...). Migrations
 * are append-only: never edit a released one, add the next version.
 */
#include "store.h"
#include "schema.h"

static const struct store_migration core_migrations[] = {
	{ 1,
	  "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	  "CREATE TABLE history(id INTEGER PRIMARY KEY, line TEXT NOT NULL, ts INTEGER NOT NULL,"
	  " exit_status INTEGER);"
	  "CREATE INDEX history_line ON history(line);"
	  "CREATE TABLE jobs(id INTEGER PRIMARY KEY, name TEXT NOT NULL, args TEXT NOT NULL,"
	  " repo TEXT NOT NULL DEFAULT '', started_at INTEGER NOT NULL, ended_at INTEGER,"
	  " exit_status INTEGER, duration_ms INTEGER, peak_rss_kb INTEGER, cpu_ms INTEGER);"
	  "CREATE INDEX jobs_name ON jobs(name, started_at);" },
	/* who ran a job or a history line (an agent's name, NULL for a
	 * person), the file holding an agent job's output as it is produced,
	 * and the job's one-line result */
	{ 2,
	  "ALTER TABLE jobs ADD COLUMN agent TEXT;"
	  "ALTER TABLE jobs ADD COLUMN output TEXT;"
	  "ALTER TABLE jobs ADD COLUMN summary TEXT;"
	  "ALTER TABLE history ADD COLUMN agent TEXT;"
	  "CREATE INDEX jobs_agent ON jobs(id) WHERE agent IS NOT NULL;" },
};

const struct store_module schema_core = {
	"core", core_migrations, sizeof(core_migrations) / sizeof(core_migrations[0])
};

const struct store_module *const store_modules[] = {
	&schema_core,
	&schema_memory,
	&schema_audit,
	&schema_metrics,
	&schema_board,
	&schema_coverage,
	NULL,
};
