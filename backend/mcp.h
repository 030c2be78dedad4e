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
