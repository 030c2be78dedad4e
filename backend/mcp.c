/*
 * mcp.c - `rwb mcp`: the memory store as a Model Context Protocol server.
 *
 * JSON-RPC 2.0, one message per line on stdin/stdout. The server answers
 * initialize (protocol 2025-06-18; 2025-03-26 and 2024-11-05 are echoed
 * when a client asks for them), ping, tools/list and tools/call; it lists
 * its own memory tools and then mcp_tools_analysis[]. A tool's failure is
 * a result with isError: true; a malformed message is a JSON-RPC error.
 * Everything an agent stores goes through memory.c, so a TUI on the same
 * store sees it at its next data_version poll.
 *
 * Never: write anything but protocol messages to out, or die on bad input.
 */
#include "mcp.h"
#include "error.h"
#include "memory.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MCP_PROTOCOL "2025-06-18"
#define MCP_MAX_LINE (16 * 1024 * 1024)

static const char *const mcp_protocols[] = { "2025-06-18", "2025-03-26", "2024-11-05", NULL };

enum {
	JSONRPC_PARSE = -32700,
	JSONRPC_INVALID_REQUEST = -32600,
	JSONRPC_METHOD_NOT_FOUND = -32601,
	JSONRPC_INVALID_PARAMS = -32602,
	JSONRPC_INTERNAL = -32603,
};

static const char *arg_str(const cJSON *args, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Checks that every present argument of a tool has the right JSON type. */
static int args_strings(const cJSON *args, const char *const *names, char **err)
{
	for (int i = 0; names[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, names[i]);
		if (v && !cJSON_IsString(v) && !cJSON_IsNull(v)) {
			*err = xasprintf("argument \"%s\" must be a string", names[i]);
			return RWB_EINPUT;
		}
	}
	return RWB_OK;
}

static int tool_store(struct store *s, const char *repo, const cJSON *args, cJSON **result, char **err)
{
	static const char *const names[] = { "text", "key", "namespace", "layer", "category", "project",
					     "agent", "intent", "tags", NULL };
	const char *text, *key, *ns, *project, *category;
	char *built = NULL;
	struct memory_entry e;
	int rc;

	(void)repo;
	if ((rc = args_strings(args, names, err)))
		return rc;
	text = arg_str(args, "text");
	key = arg_str(args, "key");
	ns = arg_str(args, "namespace");
	project = arg_str(args, "project");
	category = arg_str(args, "category");
	if (!text) {
		*err = xstrdup("argument \"text\" (the content to store) is required");
		return RWB_EINPUT;
	}
	if (!key || !*key) {
		/* NAMESPACE/PROJECT/DATA-TYPE from the metadata */
		built = xasprintf("%s/%s/%s", ns && *ns ? ns : "agent", project && *project ? project : "general",
				  category && *category ? category : "note");
		key = built;
	} else if (ns && *ns && strncmp(key, ns, strlen(ns)) != 0) {
		built = xasprintf("%s/%s", ns, key);
		key = built;
	}
	struct memory_input in = {
		.key = key, .value = text, .layer = arg_str(args, "layer"), .category = category,
		.project = project, .intent = arg_str(args, "intent"), .tags = arg_str(args, "tags"),
		.agent = arg_str(args, "agent"),
	};
	rc = memory_store(s, &e, &in, err);
	free(built);
	if (rc)
		return rc;
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "key", e.key);
	cJSON_AddNumberToObject(*result, "version", e.version);
	cJSON_AddStringToObject(*result, "layer", e.layer);
	memory_entry_release(&e);
	return RWB_OK;
}

static int tool_search(struct store *s, const char *repo, const cJSON *args, cJSON **result, char **err)
{
	static const char *const names[] = { "query", "mode", "project", "layer", NULL };
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(args, "limit");
	const char *mode;
	struct memory_results r;
	cJSON *arr;
	int rc;

	(void)repo;
	if ((rc = args_strings(args, names, err)))
		return rc;
	if (!arg_str(args, "query")) {
		*err = xstrdup("argument \"query\" (what to look for) is required");
		return RWB_EINPUT;
	}
	if (lim && (!cJSON_IsNumber(lim) || lim->valuedouble < 1 || lim->valuedouble > 1000)) {
		*err = xstrdup("argument \"limit\" must be a number from 1 to 1000");
		return RWB_EINPUT;
	}
	mode = arg_str(args, "mode");
	if (mode && strcmp(mode, "hybrid") && strcmp(mode, "fulltext") && strcmp(mode, "vector")) {
		*err = xasprintf("argument \"mode\" is \"%s\"; use hybrid, fulltext or vector", mode);
		return RWB_EINPUT;
	}
	struct memory_query q = {
		.text = arg_str(args, "query"), .limit = lim ? (int)lim->valuedouble : 10,
		.project = arg_str(args, "project"), .layer = arg_str(args, "layer"),
		.mode = !mode || !strcmp(mode, "hybrid") ? MEMORY_HYBRID :
			!strcmp(mode, "fulltext") ? MEMORY_FULLTEXT : MEMORY_VECTOR,
	};
	rc = memory_search(s, &r, &q, err);
	if (rc)
		return rc;
	*result = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*result, "results");
	for (int i = 0; i < r.n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", r.v[i].e.key);
		cJSON_AddNumberToObject(o, "score", r.v[i].score);
		cJSON_AddStringToObject(o, "snippet", r.v[i].snippet);
		cJSON_AddStringToObject(o, "value", r.v[i].e.value);
		cJSON_AddStringToObject(o, "layer", r.v[i].e.layer);
		cJSON_AddItemToArray(arr, o);
	}
	memory_results_release(&r);
	return RWB_OK;
}

static int tool_retrieve(struct store *s, const char *repo, const cJSON *args, cJSON **result, char **err)
{
	static const char *const names[] = { "key", "pattern", NULL };
	const char *pat;
	struct memory_list l;
	cJSON *arr;
	int rc;

	(void)repo;
	if ((rc = args_strings(args, names, err)))
		return rc;
	pat = arg_str(args, "pattern") ? arg_str(args, "pattern") : arg_str(args, "key");
	if (!pat || !*pat) {
		*err = xstrdup("argument \"pattern\" (a key or glob: * one segment, ** any) is required");
		return RWB_EINPUT;
	}
	rc = memory_retrieve(s, &l, pat, true);
	if (rc) {
		*err = xstrdup(s->errmsg);
		return rc;
	}
	*result = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*result, "entries");
	for (int i = 0; i < l.n; i++)
		cJSON_AddItemToArray(arr, memory_entry_json(&l.v[i]));
	memory_list_release(&l);
	return RWB_OK;
}

static int tool_delete(struct store *s, const char *repo, const cJSON *args, cJSON **result, char **err)
{
	const char *key = arg_str(args, "key");
	int rc;

	(void)repo;
	if (!key) {
		*err = xstrdup("argument \"key\" (a string) is required");
		return RWB_EINPUT;
	}
	rc = memory_delete(s, key);
	if (rc) {
		*err = rc == RWB_ENOTFOUND ? xasprintf("no entry has the key \"%s\"", key) : xstrdup(s->errmsg);
		return rc;
	}
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "key", key);
	cJSON_AddBoolToObject(*result, "deleted", true);
	return RWB_OK;
}

static const struct mcp_tool mcp_tools_memory[] = {
	{ "memory_store",
	  "Store a note, pattern or result in the shared rwb memory (same key = new version, old kept).",
	  "{\"type\":\"object\",\"properties\":{"
	  "\"text\":{\"type\":\"string\",\"description\":\"the content\"},"
	  "\"key\":{\"type\":\"string\",\"description\":\"NAMESPACE/PROJECT/DATA-TYPE (default built from namespace, project, category)\"},"
	  "\"namespace\":{\"type\":\"string\"},"
	  "\"layer\":{\"type\":\"string\",\"enum\":[\"short_term\",\"mid_term\",\"long_term\"]},"
	  "\"category\":{\"type\":\"string\"},\"project\":{\"type\":\"string\"},"
	  "\"agent\":{\"type\":\"string\"},\"intent\":{\"type\":\"string\"},"
	  "\"tags\":{\"type\":\"string\",\"description\":\"comma-separated\"}},"
	  "\"required\":[\"text\"]}",
	  tool_store },
	{ "vector_search",
	  "Search the memory (hybrid full-text + vector by default), best matches first.",
	  "{\"type\":\"object\",\"properties\":{"
	  "\"query\":{\"type\":\"string\"},"
	  "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000},"
	  "\"mode\":{\"type\":\"string\",\"enum\":[\"hybrid\",\"fulltext\",\"vector\"]},"
	  "\"project\":{\"type\":\"string\"},\"layer\":{\"type\":\"string\"}},"
	  "\"required\":[\"query\"]}",
	  tool_search },
	{ "memory_retrieve",
	  "Entries whose key matches a pattern (* one segment, ** any number).",
	  "{\"type\":\"object\",\"properties\":{\"pattern\":{\"type\":\"string\"},"
	  "\"key\":{\"type\":\"string\",\"description\":\"the same as pattern\"}}}",
	  tool_retrieve },
	{ "memory_delete",
	  "Delete an entry (kept in history until purged).",
	  "{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"}},\"required\":[\"key\"]}",
	  tool_delete },
	{ NULL }
};

static const struct mcp_tool *mcp_find_tool(const char *name)
{
	const struct mcp_tool *tables[] = { mcp_tools_memory, mcp_tools_analysis };

	for (size_t t = 0; t < 2; t++)
		for (const struct mcp_tool *tool = tables[t]; tool->name; tool++)
			if (strcmp(tool->name, name) == 0)
				return tool;
	return NULL;
}

static void mcp_send(FILE *out, cJSON *msg)
{
	char *text = cJSON_PrintUnformatted(msg);

	fputs(text, out);
	fputc('\n', out);
	fflush(out);
	cJSON_free(text);
	cJSON_Delete(msg);
}

static cJSON *mcp_envelope(const cJSON *id)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "jsonrpc", "2.0");
	cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
	return m;
}

static void mcp_error(FILE *out, const cJSON *id, int code, const char *message)
{
	cJSON *m = mcp_envelope(id), *e = cJSON_CreateObject();

	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	cJSON_AddItemToObject(m, "error", e);
	mcp_send(out, m);
}

static void mcp_result(FILE *out, const cJSON *id, cJSON *result)
{
	cJSON *m = mcp_envelope(id);

	cJSON_AddItemToObject(m, "result", result);
	mcp_send(out, m);
}

static cJSON *mcp_initialize(const cJSON *params)
{
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(params, "protocolVersion");
	const char *version = MCP_PROTOCOL;
	cJSON *r = cJSON_CreateObject(), *caps, *info;

	if (cJSON_IsString(pv))
		for (int i = 0; mcp_protocols[i]; i++)
			if (strcmp(pv->valuestring, mcp_protocols[i]) == 0)
				version = mcp_protocols[i];
	cJSON_AddStringToObject(r, "protocolVersion", version);
	caps = cJSON_AddObjectToObject(r, "capabilities");
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "tools"), "listChanged", false);
	info = cJSON_AddObjectToObject(r, "serverInfo");
	cJSON_AddStringToObject(info, "name", "rwb");
	cJSON_AddStringToObject(info, "version", RWB_VERSION);
	cJSON_AddStringToObject(r, "instructions",
				"rwb's shared memory of Rust patterns and notes: memory_store to save, "
				"vector_search to find, memory_retrieve by key pattern, memory_delete.");
	return r;
}

static cJSON *mcp_tools_list(void)
{
	const struct mcp_tool *tables[] = { mcp_tools_memory, mcp_tools_analysis };
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "tools");

	for (size_t t = 0; t < 2; t++) {
		for (const struct mcp_tool *tool = tables[t]; tool->name; tool++) {
			cJSON *o = cJSON_CreateObject();
			cJSON *schema = cJSON_Parse(tool->input_schema ? tool->input_schema : "{}");
			cJSON_AddStringToObject(o, "name", tool->name);
			cJSON_AddStringToObject(o, "description", tool->description ? tool->description : "");
			cJSON_AddItemToObject(o, "inputSchema",
					      schema ? schema : cJSON_Parse("{\"type\":\"object\"}"));
			cJSON_AddItemToArray(arr, o);
		}
	}
	return r;
}

static void mcp_tools_call(FILE *out, struct store *s, const char *repo, const cJSON *id, const cJSON *params)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
	const struct mcp_tool *tool;
	cJSON *result = NULL, *r, *content, *item;
	char *err = NULL, *text;
	int rc;

	if (!cJSON_IsString(name)) {
		mcp_error(out, id, JSONRPC_INVALID_PARAMS, "tools/call needs params.name (a string)");
		return;
	}
	if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args)) {
		mcp_error(out, id, JSONRPC_INVALID_PARAMS, "params.arguments must be an object");
		return;
	}
	tool = mcp_find_tool(name->valuestring);
	if (!tool) {
		char *msg = xasprintf("unknown tool \"%s\" (see tools/list)", name->valuestring);
		mcp_error(out, id, JSONRPC_INVALID_PARAMS, msg);
		free(msg);
		return;
	}
	{
		cJSON *empty = cJSON_CreateObject();
		rc = tool->call(s, repo, cJSON_IsObject(args) ? args : empty, &result, &err);
		cJSON_Delete(empty);
	}
	r = cJSON_CreateObject();
	content = cJSON_AddArrayToObject(r, "content");
	item = cJSON_CreateObject();
	cJSON_AddStringToObject(item, "type", "text");
	if (rc) {
		cJSON_AddStringToObject(item, "text", err ? err : rwb_strerror(rc));
		cJSON_AddBoolToObject(r, "isError", true);
	} else {
		text = cJSON_PrintUnformatted(result);
		cJSON_AddStringToObject(item, "text", text);
		cJSON_free(text);
		cJSON_AddBoolToObject(r, "isError", false);
		cJSON_AddItemToObject(r, "structuredContent", result);
		result = NULL;
	}
	cJSON_AddItemToArray(content, item);
	cJSON_Delete(result);
	free(err);
	mcp_result(out, id, r);
}

/* Handles one parsed message (a request or a notification). */
static void mcp_handle(FILE *out, struct store *s, const char *repo, const cJSON *msg)
{
	const cJSON *jv = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	const char *m;

	if (!cJSON_IsObject(msg) || !cJSON_IsString(jv) || strcmp(jv->valuestring, "2.0") != 0 ||
	    (id && !cJSON_IsString(id) && !cJSON_IsNumber(id) && !cJSON_IsNull(id))) {
		mcp_error(out, cJSON_IsString(id) || cJSON_IsNumber(id) ? id : NULL, JSONRPC_INVALID_REQUEST,
			  "invalid request: expected {\"jsonrpc\":\"2.0\",\"id\":...,\"method\":...}");
		return;
	}
	if (!method) {
		/* a response from the client (we send no requests): ignore */
		if (cJSON_GetObjectItemCaseSensitive(msg, "result") || cJSON_GetObjectItemCaseSensitive(msg, "error"))
			return;
		mcp_error(out, id, JSONRPC_INVALID_REQUEST, "invalid request: \"method\" is missing");
		return;
	}
	if (!cJSON_IsString(method)) {
		mcp_error(out, id, JSONRPC_INVALID_REQUEST, "invalid request: \"method\" must be a string");
		return;
	}
	if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params)) {
		if (id)
			mcp_error(out, id, JSONRPC_INVALID_REQUEST, "invalid request: \"params\" must be an object");
		return;
	}
	m = method->valuestring;
	if (!id) {
		/* notifications (initialized, cancelled, ...) get no answer */
		return;
	}
	if (strcmp(m, "initialize") == 0)
		mcp_result(out, id, mcp_initialize(params));
	else if (strcmp(m, "ping") == 0)
		mcp_result(out, id, cJSON_CreateObject());
	else if (strcmp(m, "tools/list") == 0)
		mcp_result(out, id, mcp_tools_list());
	else if (strcmp(m, "tools/call") == 0)
		mcp_tools_call(out, s, repo, id, params);
	else {
		char *msg_text = xasprintf("method not found: %s", m);
		mcp_error(out, id, JSONRPC_METHOD_NOT_FOUND, msg_text);
		free(msg_text);
	}
}

int mcp_serve(struct store *s, const char *repo, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) >= 0) {
		cJSON *msg;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n == 0)
			continue;
		if (n > MCP_MAX_LINE) {
			mcp_error(out, NULL, JSONRPC_INVALID_REQUEST, "message too large (at most 16 MB)");
			continue;
		}
		msg = cJSON_ParseWithLength(line, (size_t)n);
		if (!msg) {
			mcp_error(out, NULL, JSONRPC_PARSE, "parse error: the line is not valid JSON");
			continue;
		}
		if (cJSON_IsArray(msg)) {
			/* batches were removed from MCP in 2025-06-18 */
			mcp_error(out, NULL, JSONRPC_INVALID_REQUEST, "invalid request: batches are not supported");
		} else {
			mcp_handle(out, s, repo, msg);
		}
		cJSON_Delete(msg);
	}
	free(line);
	return 0;
}
