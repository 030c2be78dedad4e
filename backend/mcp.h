/*
 * mcp.h - `rwb mcp`: the store served to AI coding agents over the Model
 * Context Protocol (JSON-RPC 2.0, newline-delimited, on stdio).
 */
#ifndef RWB_MCP_H
#define RWB_MCP_H

#include <stdio.h>

struct store;

/* Serves requests from in until EOF; writes only protocol messages to out.
 * Returns the process exit status. */
int mcp_serve(struct store *s, const char *repo, FILE *in, FILE *out);

#endif

#include <cjson/cJSON.h>

/* One MCP tool: its name, description, JSON Schema of its arguments, and
 * the call. call() returns 0 with *result set (a JSON value the server wraps
 * as the tool's content), or a negative RWB_E* with *err (allocated) saying
 * what was wrong (the server answers isError: true). */
struct mcp_tool {
	const char *name;          /* NULL ends a table */
	const char *description;
	const char *input_schema;  /* JSON text */
	int (*call)(struct store *s, const char *repo, const cJSON *args, cJSON **result, char **err);
};

/* Tools of the analysis issue (connascence, focus, board), defined in
 * cmd_analysis.c; the server lists them after its own memory tools. */
extern const struct mcp_tool mcp_tools_analysis[];
