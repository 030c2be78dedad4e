/*
 * mcp.h - `rwb mcp`: the store and every slash command served to AI coding
 * agents over the Model Context Protocol (JSON-RPC 2.0, newline-delimited,
 * on stdio). See docs/agents.md.
 */
#ifndef RWB_MCP_H
#define RWB_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct store;

/* What the server needs to run commands as jobs (child rwb processes). */
struct mcp_options {
	const char *argv0;     /* the rwb binary; NULL: the `rwb` tool is unavailable */
	const char *db_path;   /* --db given to rwb mcp, or NULL (children resolve it alike) */
};

/* Serves requests from in until EOF; writes only protocol messages to out.
 * Returns the process exit status. */
int mcp_serve(struct store *s, const char *repo, const struct mcp_options *o, FILE *in, FILE *out);

/* One server, for callers that feed lines themselves (the fuzzer). */
struct mcp_server;
struct mcp_server *mcp_server_new(struct store *s, const char *repo, const struct mcp_options *o, FILE *out);
/* Handles one request line (without its newline); answers go to out. */
void mcp_server_line(struct mcp_server *m, const char *line, size_t n);
/* Waits for running jobs, then frees. */
void mcp_server_free(struct mcp_server *m);

/* Resolves path (relative to repo, or absolute) and checks that it lies
 * inside repo (symbolic links followed as far as the path exists). Returns
 * 0 with *resolved (allocated) or RWB_EINPUT with a message in the error
 * channel (error.h). */
int mcp_path_inside(const char *repo, const char *path, char **resolved);

#endif

#include <cjson/cJSON.h>

/* One MCP tool: its name, description, JSON Schema of its arguments, and
 * the call. call() returns 0 with *result set (a JSON value the server wraps
 * as the tool's content), or a negative RWB_E* with the error channel
 * (rwb_fail, error.h) saying what was wrong (the server answers isError:
 * true; with the channel left empty, the code's own text). The server checks the
 * arguments against the schema before call() (types, enums, ranges,
 * required, no unknown names). */
struct mcp_tool {
	const char *name;          /* NULL ends a table */
	const char *description;
	const char *input_schema;  /* JSON text, or NULL when schema() builds it */
	int (*call)(struct store *s, const char *repo, const cJSON *args, cJSON **result);
	cJSON *(*schema)(void);    /* builds the schema from the registry's flag table, or NULL */
	const char *output_schema; /* JSON text: the schema of structuredContent (an object); its
				    * "required" holds for a whole answer, not for a page (the
				    * server says so when it lists it, from protocol 2025-06-18) */
};

/* The schema of a registry command's flags ({type:object, properties,
 * required, additionalProperties:false}); skip: flag names left out. */
cJSON *mcp_schema_from_command(const char *command, const char *const *skip);

/* Tools of the analysis issue (connascence, focus, board), defined in
 * cmd_analysis.c; the server lists them after its own memory tools. */
extern const struct mcp_tool mcp_tools_analysis[];
