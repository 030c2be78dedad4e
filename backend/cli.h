/*
 * cli.h - running one slash command without the TUI.
 *
 * `rwb [--db PATH] [--repo DIR] [--json] /COMMAND ARGS...`: parse, open the
 * store when the command needs it, run, print the answer (JSON on stdout
 * with --json, human text otherwise), record the run in the history and
 * jobs tables, and return cli.md's exit status.
 */
#ifndef RWB_CLI_H
#define RWB_CLI_H

#include <stdbool.h>

struct cli_options {
	const char *db_path;      /* --db or NULL */
	const char *repo;         /* resolved repo folder */
	const char *argv0;        /* this binary */
	const char *result_file;  /* --result-file: also write the JSON answer here */
	bool json;                /* --json */
	bool yes;                 /* --yes */
};

/* argv[0] is "/command". Returns the exit status. */
int cli_run(const struct cli_options *o, int argc, char **argv);

#endif
