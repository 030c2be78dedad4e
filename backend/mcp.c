/*
 * mcp.c - the MCP server (arrives with the memory issue).
 */
#include "mcp.h"
#include "error.h"

int mcp_serve(struct store *s, const char *repo, FILE *in, FILE *out)
{
	(void)s; (void)repo; (void)in; (void)out;
	fputs("rwb mcp: not implemented yet\n", stderr);
	return rwb_exit_status(RWB_ENOTIMPL);
}
