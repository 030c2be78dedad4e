/*
 * mcp.c - `rwb mcp`: the memory store and every slash command as a Model
 * Context Protocol server (see docs/agents.md).
 *
 * JSON-RPC 2.0, one message per line on stdin/stdout. The server answers
 * initialize (protocol 2025-06-18; 2025-03-26 and 2024-11-05 when a client
 * asks for them, with batches for 2025-03-26), ping, tools/list and
 * tools/call, and honours notifications/cancelled.
 *
 * Tools: the brief's named ones (memory_store, vector_search, ...; the
 * analysis ones in cmd_analysis.c), `rwb` (any slash line, parsed by the
 * registry and run as a child `rwb --result-file F /cmd ...` on a thread of
 * its own, so ping and quick queries are answered while a build runs; the
 * store is only touched by the main thread) and `rwb_help` (one command's
 * schema on demand, which keeps tools/list small: see bench/mcp-tools-size.sh).
 *
 * Input is made safe before it is parsed: invalid UTF-8 becomes U+FFFD, a
 * lone surrogate escape becomes \ufffd, and a U+0000 escape is noted (a
 * tool call carrying one is refused: stored text would be cut there). Ids
 * are echoed byte for byte from the request text; null and fractional ids
 * are refused. Every document written is valid UTF-8, and every tool
 * answer longer than MCP_MAX_CHARS is paged (offset / max_chars).
 *
 * Never: write anything but protocol messages to out, die on bad input, or
 * let a path outside the repository reach a tool.
 */
#define _GNU_SOURCE
#include "mcp.h"
#include "cmdline.h"
#include "error.h"
#include "memory.h"
#include "proc.h"
#include "registry.h"
#include "sanitize.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MCP_PROTOCOL "2025-06-18"
#define MCP_MAX_LINE (16 * 1024 * 1024)
#define MCP_MAX_CHARS 80000      /* a tool answer's text per page: 20,000 tokens */
#define MCP_MAX_CHARS_CAP 100000 /* the largest max_chars an agent may ask for */

static const char *const mcp_protocols[] = { "2025-06-18", "2025-03-26", "2024-11-05", NULL };

enum {
	JSONRPC_PARSE = -32700,
	JSONRPC_INVALID_REQUEST = -32600,
	JSONRPC_METHOD_NOT_FOUND = -32601,
	JSONRPC_INVALID_PARAMS = -32602,
	JSONRPC_INTERNAL = -32603,
};

struct mcp_job {
	struct mcp_server *m;
	char *id;                  /* the request's raw id */
	char *token;               /* the progressToken's raw JSON, or NULL */
	cJSON *args;               /* owned copy of the arguments */
	int cancel[2];             /* a pipe: writing ends the child's group */
	pthread_t thread;
	bool cancelled;            /* notifications/cancelled came: no answer is sent */
	bool done;
	struct mcp_job *next;
};

struct mcp_server {
	struct store *s;
	const char *repo;
	struct mcp_options o;
	FILE *out;
	pthread_mutex_t lock;      /* out and jobs */
	const char *version;       /* negotiated */
	char *agent;               /* clientInfo.name, else RWB_AGENT */
	bool line_has_nul;         /* the current line had a \u0000 escape */
	struct mcp_job *jobs;
};

/* ---------------------------------------------------------- UTF-8 and text */

/* Appends text with every invalid UTF-8 sequence replaced by U+FFFD. */
static void utf8_clean(struct strbuf *sb, const char *t, size_t n)
{
	size_t i = 0, run = 0;
	unsigned cp;

	while (i < n) {
		unsigned char c = (unsigned char)t[i];
		int k = c < 0x80 ? 1 : sanitize_utf8_decode(t + i, n - i, &cp);
		if (k > 0 && c >= 0x80 && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			k = 0;
		if (k > 0) {
			i += (size_t)k;
			run += (size_t)k;
			continue;
		}
		strbuf_add(sb, t + i - run, run);
		run = 0;
		strbuf_adds(sb, "\xef\xbf\xbd");
		i++;
	}
	strbuf_add(sb, t + i - run, run);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The \uXXXX escape at p (6 bytes available), or -1. */
static long u_escape(const char *p, const char *e)
{
	long v = 0;

	if (e - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The request line made safe to parse: valid UTF-8, lone surrogate escapes
 * as \ufffd; *nul set when a string holds \u0000. */
static char *line_clean(const char *line, size_t n, size_t *len, bool *nul)
{
	struct strbuf u = STRBUF_INIT;
	char *p, *e;
	bool in_str = false;

	*nul = false;
	utf8_clean(&u, line, n);
	strbuf_addc(&u, 0);
	u.len--;
	p = u.buf;
	e = u.buf + u.len;
	while (p < e) {
		if (!in_str) {
			if (*p == '"')
				in_str = true;
			p++;
			continue;
		}
		if (*p == '"') {
			in_str = false;
			p++;
		} else if (*p == '\\' && p + 1 < e && p[1] == 'u') {
			long v = u_escape(p, e);
			if (v == 0)
				*nul = true;
			if (v >= 0xd800 && v <= 0xdbff) {
				long lo = u_escape(p + 6, e);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					p += 12;
					continue;
				}
			}
			if (v >= 0xd800 && v <= 0xdfff)
				memcpy(p, "\\ufffd", 6);
			p += v >= 0 ? 6 : 2;
		} else if (*p == '\\' && p + 1 < e) {
			p += 2;
		} else {
			p++;
		}
	}
	*len = u.len;
	return strbuf_detach(&u);
}

/* ---------------------------------------------------- raw JSON scanning */

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return e;
}

static const char *skip_value(const char *p, const char *e)
{
	int depth = 0;

	p = skip_ws(p, e);
	if (p >= e)
		return e;
	if (*p == '"')
		return skip_string(p, e);
	if (*p != '{' && *p != '[') {
		while (p < e && !strchr(",}] \t\r\n", *p))
			p++;
		return p;
	}
	while (p < e) {
		if (*p == '"') {
			p = skip_string(p, e);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return e;
}

/* The raw text of the first member name of the object at p, or NULL. */
static char *raw_member(const char *p, const char *e, const char *name)
{
	size_t nl = strlen(name);

	p = skip_ws(p, e);
	if (p >= e || *p != '{')
		return NULL;
	p++;
	for (;;) {
		const char *ks, *ke, *vs;
		p = skip_ws(p, e);
		if (p >= e || *p != '"')
			return NULL;
		ks = p;
		ke = p = skip_string(p, e);
		p = skip_ws(p, e);
		if (p >= e || *p != ':')
			return NULL;
		vs = skip_ws(p + 1, e);
		p = skip_value(vs, e);
		if ((size_t)(ke - ks) == nl + 2 && memcmp(ks + 1, name, nl) == 0)
			return xstrndup(vs, (size_t)(p - vs));
		p = skip_ws(p, e);
		if (p >= e || *p != ',')
			return NULL;
		p++;
	}
}

/* ------------------------------------------------------------- sending */

static void mcp_write(struct mcp_server *m, cJSON *msg)
{
	char *text = cJSON_PrintUnformatted(msg);
	struct strbuf sb = STRBUF_INIT;

	utf8_clean(&sb, text, strlen(text));
	strbuf_addc(&sb, '\n');
	pthread_mutex_lock(&m->lock);
	fwrite(sb.buf, 1, sb.len, m->out);
	fflush(m->out);
	pthread_mutex_unlock(&m->lock);
	strbuf_free(&sb);
	cJSON_free(text);
	cJSON_Delete(msg);
}

static cJSON *envelope(const char *raw_id)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "jsonrpc", "2.0");
	cJSON_AddItemToObject(m, "id", raw_id ? cJSON_CreateRaw(raw_id) : cJSON_CreateNull());
	return m;
}

static cJSON *rpc_error(const char *raw_id, int code, const char *message)
{
	cJSON *m = envelope(raw_id), *e = cJSON_CreateObject();

	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	cJSON_AddItemToObject(m, "error", e);
	return m;
}

static cJSON *rpc_result(const char *raw_id, cJSON *result)
{
	cJSON *m = envelope(raw_id);

	cJSON_AddItemToObject(m, "result", result);
	return m;
}

/* ------------------------------------------------------------ schemas */

static void schema_type(cJSON *p, const struct cmd_flag *f)
{
	switch (f->type) {
	case FLAG_BOOL:
		cJSON_AddStringToObject(p, "type", "boolean");
		break;
	case FLAG_INT:
	case FLAG_NUMBER:
		cJSON_AddStringToObject(p, "type", f->type == FLAG_INT ? "integer" : "number");
		if (f->min < f->max) {
			cJSON_AddNumberToObject(p, "minimum", (double)f->min);
			cJSON_AddNumberToObject(p, "maximum", (double)f->max);
		}
		break;
	case FLAG_ENUM: {
		cJSON *en = cJSON_AddArrayToObject(p, "enum");
		const char *v = f->values ? f->values : "";
		while (*v) {
			const char *bar = strchr(v, '|');
			size_t n = bar ? (size_t)(bar - v) : strlen(v);
			char *one = xstrndup(v, n);
			cJSON_AddItemToArray(en, cJSON_CreateString(one));
			free(one);
			v += n + (bar ? 1 : 0);
		}
		cJSON_AddStringToObject(p, "type", "string");
		break;
	}
	default:
		cJSON_AddStringToObject(p, "type", "string");
		break;
	}
}

cJSON *mcp_schema_from_command(const char *command, const char *const *skip)
{
	const struct cmd_def *d = registry_find(command);
	cJSON *s = cJSON_CreateObject(), *props, *req;

	cJSON_AddStringToObject(s, "type", "object");
	props = cJSON_AddObjectToObject(s, "properties");
	req = cJSON_CreateArray();
	for (const struct cmd_flag *f = d && d->flags ? d->flags : NULL; f && f->name; f++) {
		bool skipped = false;
		cJSON *p = cJSON_CreateObject();
		for (int i = 0; skip && skip[i]; i++)
			skipped |= strcmp(skip[i], f->name) == 0;
		if (skipped) {
			cJSON_Delete(p);
			continue;
		}
		if (f->flags & FLAGF_REPEAT) {
			cJSON *it = cJSON_CreateObject();
			schema_type(it, f);
			cJSON_AddStringToObject(p, "type", "array");
			cJSON_AddItemToObject(p, "items", it);
		} else {
			schema_type(p, f);
		}
		if (f->help)
			cJSON_AddStringToObject(p, "description", f->help);
		cJSON_AddItemToObject(props, f->name, p);
		if (f->flags & FLAGF_REQUIRED)
			cJSON_AddItemToArray(req, cJSON_CreateString(f->name));
	}
	if (d && d->max_pos != 0) {
		cJSON *p = cJSON_AddObjectToObject(props, "args");
		cJSON_AddStringToObject(p, "type", "array");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "items"), "type", "string");
		cJSON_AddStringToObject(p, "description", d->positional ? d->positional : "arguments");
		if (d->min_pos > 0)
			cJSON_AddItemToArray(req, cJSON_CreateString("args"));
	}
	if (d && d->passthrough) {
		cJSON *p = cJSON_AddObjectToObject(props, "rest");
		cJSON_AddStringToObject(p, "type", "array");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "items"), "type", "string");
		cJSON_AddStringToObject(p, "description", "words after --");
	}
	if (cJSON_GetArraySize(req))
		cJSON_AddItemToObject(s, "required", req);
	else
		cJSON_Delete(req);
	cJSON_AddBoolToObject(s, "additionalProperties", false);
	return s;
}

static void prop(cJSON *props, const char *name, const char *type, const char *desc)
{
	cJSON *p = cJSON_AddObjectToObject(props, name);

	cJSON_AddStringToObject(p, "type", type);
	if (desc)
		cJSON_AddStringToObject(p, "description", desc);
}

static void remove_required(cJSON *schema, const char *name)
{
	cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
	int i = 0;
	const cJSON *r;

	cJSON_ArrayForEach(r, req) {
		if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0) {
			cJSON_DeleteItemFromArray(req, i);
			break;
		}
		i++;
	}
	if (req && cJSON_GetArraySize(req) == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(schema, "required");
}

static void add_required(cJSON *schema, const char *name)
{
	cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");

	if (!req)
		req = cJSON_AddArrayToObject(schema, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString(name));
}

static const char *const store_skip[] = { "value", "file", NULL };

static cJSON *schema_store(void)
{
	cJSON *s = mcp_schema_from_command("memory-store", store_skip), *props, *meta;

	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	remove_required(s, "key");
	meta = mcp_schema_from_command("memory-store", store_skip);
	remove_required(meta, "key");
	cJSON_AddStringToObject(meta, "description", "the same fields as the flat arguments (the brief's shape)");
	prop(props, "text", "string", "the content");
	cJSON_AddItemToObject(props, "metadata", meta);
	add_required(s, "text");
	return s;
}

static cJSON *schema_search(void)
{
	cJSON *s = mcp_schema_from_command("memory-search", NULL);

	prop(cJSON_GetObjectItemCaseSensitive(s, "properties"), "include_value", "boolean",
	     "each hit's whole value too (default: a snippet and the size)");
	return s;
}

static cJSON *schema_retrieve(void)
{
	cJSON *s = mcp_schema_from_command("memory-retrieve", NULL);

	remove_required(s, "key");
	prop(cJSON_GetObjectItemCaseSensitive(s, "properties"), "pattern", "string", "the same as key");
	return s;
}

static cJSON *schema_delete(void)
{
	return mcp_schema_from_command("memory-delete", NULL);
}

/* ---------------------------------------------------- argument checking */

static bool is_integer(const cJSON *v)
{
	double d = v->valuedouble;

	/* the range first: a double past long long's range (1e56) has no
	 * conversion (undefined behaviour, fuzz_mcp's find); NaN fails it */
	return d > -9e15 && d < 9e15 && d == (double)(long long)d;
}

/* Checks value v against a (subset of) JSON Schema; the error names where. */
static int check_value(const cJSON *schema, const cJSON *v, const char *where)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
	const char *t = cJSON_IsString(type) ? type->valuestring : NULL;
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minimum");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(schema, "maximum");

	if (!t)
		return RWB_OK;
	if (!strcmp(t, "string") && !cJSON_IsString(v))
		return rwb_fail(RWB_EINPUT, "argument \"%s\" must be a string", where);
	if (!strcmp(t, "boolean") && !cJSON_IsBool(v))
		return rwb_fail(RWB_EINPUT, "argument \"%s\" must be true or false", where);
	if ((!strcmp(t, "integer") || !strcmp(t, "number")) &&
	    (!cJSON_IsNumber(v) || (!strcmp(t, "integer") && !is_integer(v)))) {
		return rwb_fail(RWB_EINPUT, "argument \"%s\" must be %s", where, !strcmp(t, "integer") ? "a whole number" : "a number");
	}
	if (cJSON_IsNumber(v) && ((min && v->valuedouble < min->valuedouble) ||
				  (max && v->valuedouble > max->valuedouble))) {
		return rwb_fail(RWB_EINPUT, "argument \"%s\" must be from %g to %g", where, min ? min->valuedouble : -1e300,
				max ? max->valuedouble : 1e300);
	}
	if (en && cJSON_IsString(v)) {
		const cJSON *e;
		struct strbuf sb = STRBUF_INIT;
		cJSON_ArrayForEach(e, en) {
			if (cJSON_IsString(e) && !strcmp(e->valuestring, v->valuestring)) {
				strbuf_free(&sb);
				return RWB_OK;
			}
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", e->valuestring);
		}
		rwb_fail(RWB_EINPUT, "argument \"%s\" is \"%.60s\"; use one of %s", where, v->valuestring, strbuf_str(&sb));
		strbuf_free(&sb);
		return RWB_EINPUT;
	}
	if (!strcmp(t, "array")) {
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items"), *it;
		if (!cJSON_IsArray(v))
			return rwb_fail(RWB_EINPUT, "argument \"%s\" must be an array", where);
		cJSON_ArrayForEach(it, v) {
			int rc = check_value(items, it, where);
			if (rc)
				return rc;
		}
	}
	if (!strcmp(t, "object")) {
		const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
		const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required"), *a;
		if (!cJSON_IsObject(v))
			return rwb_fail(RWB_EINPUT, "argument \"%s\" must be an object", where);
		cJSON_ArrayForEach(a, v) {
			const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, a->string);
			char *sub;
			int rc;
			if (!ps) {
				struct strbuf sb = STRBUF_INIT;
				const cJSON *p;
				cJSON_ArrayForEach(p, props)
					strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", p->string);
				rwb_fail(RWB_EINPUT, "unknown argument \"%.60s\"%s%s; accepted: %s", a->string,
					 *where ? " in " : "", where, strbuf_str(&sb));
				strbuf_free(&sb);
				return RWB_EINPUT;
			}
			if (cJSON_IsNull(a))
				continue;
			sub = *where ? xasprintf("%s.%s", where, a->string) : xstrdup(a->string);
			rc = check_value(ps, a, sub);
			free(sub);
			if (rc)
				return rc;
		}
		cJSON_ArrayForEach(a, req) {
			const cJSON *got = cJSON_IsString(a) ? cJSON_GetObjectItemCaseSensitive(v, a->valuestring) : NULL;
			if (!got || cJSON_IsNull(got))
				return rwb_fail(RWB_EINPUT, "argument \"%s%s%s\" is required", where, *where ? "." : "", a->valuestring);
		}
	}
	return RWB_OK;
}

/* ---------------------------------------------------------- memory tools */

static const char *arg_str(const cJSON *args, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *tool_agent;  /* the session's agent for the inline call running (main thread) */

/* A field from metadata or the flat arguments; both given and different: error. */
static int field(const cJSON *args, const char *name, const char **out)
{
	const char *flat = arg_str(args, name);
	const char *meta = arg_str(cJSON_GetObjectItemCaseSensitive(args, "metadata"), name);

	if (flat && meta && strcmp(flat, meta) != 0)
		return rwb_fail(RWB_EINPUT, "\"%s\" and \"metadata.%s\" differ; give one", name, name);
	*out = meta ? meta : flat;
	if (*out && !**out)
		*out = NULL;
	return RWB_OK;
}

static int tool_store(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	static const char *const names[] = { "key", "namespace", "layer", "category", "project", "agent",
					     "intent", "tags" };
	const char *v[8];
	char *built = NULL;
	struct memory_entry e;
	int rc;

	(void)repo;
	for (int i = 0; i < 8; i++)
		if ((rc = field(args, names[i], &v[i])))
			return rc;
	if (!v[0]) {
		/* NAMESPACE/PROJECT/DATA-TYPE from the metadata */
		built = xasprintf("%s/%s/%s", v[1] ? v[1] : "agent", v[4] ? v[4] : "general", v[3] ? v[3] : "note");
		v[0] = built;
	}
	const char *exp = NULL;
	long exp_s = 0;
	if ((rc = field(args, "expires-in", &exp)))
		return rc;
	if (exp && (exp_s = cmd_parse_duration(exp)) <= 0) {
		rwb_fail(RWB_EINPUT, "\"expires-in\" is \"%.40s\"; give a duration such as 90s, 15m, 24h, 7d", exp);
		free(built);
		return RWB_EINPUT;
	}
	struct memory_input in = {
		.key = v[0], .value = arg_str(args, "text"), .ns = v[1], .layer = v[2], .category = v[3],
		.project = v[4], .agent = v[5] ? v[5] : tool_agent, .intent = v[6], .tags = v[7],
		.expires_in_ms = (int64_t)exp_s * 1000,
	};
	rc = memory_store(s, &e, &in);
	free(built);
	if (rc)
		return rc;
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "key", e.key);
	cJSON_AddNumberToObject(*result, "version", e.version);
	cJSON_AddStringToObject(*result, "layer", e.layer);
	cJSON_AddStringToObject(*result, "namespace", e.ns);
	cJSON_AddStringToObject(*result, "agent", e.agent);
	cJSON_AddNumberToObject(*result, "size", (double)strlen(e.value));
	memory_entry_release(&e);
	return RWB_OK;
}

static int tool_search(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(args, "limit");
	const char *mode = arg_str(args, "mode");
	bool with_value = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, "include_value"));
	struct memory_results r;
	cJSON *arr;
	int rc;

	(void)repo;
	struct memory_query q = {
		.text = arg_str(args, "query"), .limit = cJSON_IsNumber(lim) ? (int)lim->valuedouble : 10,
		.project = arg_str(args, "project"), .layer = arg_str(args, "layer"),
		.category = arg_str(args, "category"), .ns = arg_str(args, "namespace"),
		.agent = arg_str(args, "agent"),
		.mode = !mode || !strcmp(mode, "hybrid") ? MEMORY_HYBRID :
			!strcmp(mode, "fulltext") ? MEMORY_FULLTEXT : MEMORY_VECTOR,
	};
	rc = memory_search(s, &r, &q);
	if (rc)
		return rc;
	*result = cJSON_CreateObject();
	if (r.cut) {
		char *note = xasprintf("the query's last %d terms were not searched for (at most %d are)", r.cut,
				       MEMORY_MAX_QUERY_TERMS);
		cJSON_AddNumberToObject(*result, "terms_cut", r.cut);
		cJSON_AddStringToObject(*result, "note", note);
		free(note);
	}
	arr = cJSON_AddArrayToObject(*result, "results");
	for (int i = 0; i < r.n; i++) {
		const struct memory_entry *e = &r.v[i].e;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", e->key);
		cJSON_AddNumberToObject(o, "score", r.v[i].score);
		cJSON_AddStringToObject(o, "snippet", r.v[i].snippet);
		cJSON_AddNumberToObject(o, "size", (double)strlen(e->value));
		if (with_value)
			cJSON_AddStringToObject(o, "value", e->value);
		cJSON_AddStringToObject(o, "layer", e->layer);
		cJSON_AddStringToObject(o, "namespace", e->ns);
		cJSON_AddStringToObject(o, "category", e->category);
		cJSON_AddStringToObject(o, "project", e->project);
		cJSON_AddStringToObject(o, "agent", e->agent);
		cJSON_AddNumberToObject(o, "version", e->version);
		cJSON_AddItemToArray(arr, o);
	}
	memory_results_release(&r);
	return RWB_OK;
}

static int tool_retrieve(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *pat;
	struct memory_list l;
	cJSON *arr;
	int rc;

	(void)repo;
	pat = arg_str(args, "pattern") ? arg_str(args, "pattern") : arg_str(args, "key");
	if (!pat || !*pat)
		return rwb_fail(RWB_EINPUT, "argument \"key\" (a key or glob: * one segment, ** any) is required");
	rc = memory_retrieve(s, &l, pat, true);
	if (rc)
		return rc;
	*result = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*result, "entries");
	for (int i = 0; i < l.n; i++)
		cJSON_AddItemToArray(arr, memory_entry_json(&l.v[i]));
	memory_list_release(&l);
	return RWB_OK;
}

static int tool_delete(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *key = arg_str(args, "key");
	int rc;

	(void)repo;
	rc = memory_delete(s, key);
	if (rc == RWB_ENOTFOUND)
		return rwb_fail(rc, "no entry has the key \"%s\"", key);
	if (rc)
		return rc;
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "key", key);
	cJSON_AddBoolToObject(*result, "deleted", true);
	return RWB_OK;
}

/* -------------------------------------------- rwb and rwb_help (registry) */

static cJSON *schema_rwb(void)
{
	cJSON *s = cJSON_CreateObject(), *props = cJSON_AddObjectToObject(s, "properties"), *req;

	cJSON_AddStringToObject(s, "type", "object");
	prop(props, "command", "string",
	     "one slash line as typed at rwb's prompt, e.g. \"/cargo-clippy --all-targets -- -D warnings\"; "
	     "rwb_help lists commands and their flags");
	prop(props, "yes", "boolean", "let a command that writes files go ahead (else it previews)");
	prop(props, "agent", "string", "who runs it (default: the client's name)");
	req = cJSON_AddArrayToObject(s, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString("command"));
	cJSON_AddBoolToObject(s, "additionalProperties", false);
	return s;
}

static cJSON *schema_help(void)
{
	cJSON *s = cJSON_CreateObject(), *props = cJSON_AddObjectToObject(s, "properties");

	cJSON_AddStringToObject(s, "type", "object");
	prop(props, "command", "string", "a command name (\"cargo-build\"); without it: the list of commands");
	cJSON_AddBoolToObject(s, "additionalProperties", false);
	return s;
}

static int tool_help(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	const char *name = arg_str(args, "command");
	const struct cmd_def *d;

	(void)s;
	(void)repo;
	*result = cJSON_CreateObject();
	if (!name || !*name) {
		cJSON *arr = cJSON_AddArrayToObject(*result, "commands");
		for (const struct cmd_def *const *c = registry_all(); *c; c++) {
			char *line = xasprintf("/%s: %s", (*c)->name, (*c)->summary);
			cJSON_AddItemToArray(arr, cJSON_CreateString(line));
			free(line);
		}
		return RWB_OK;
	}
	d = registry_find(name);
	if (!d) {
		const char *near = registry_nearest(name);
		cJSON_Delete(*result);
		*result = NULL;
		return rwb_fail(RWB_EINPUT, "no command \"%.60s\"%s%s%s (rwb_help without arguments lists them)", name,
				near ? "; did you mean /" : "", near ? near : "", near ? "?" : "");
	}
	{
		struct strbuf sb = STRBUF_INIT;
		cmd_usage(&sb, d);
		cJSON_AddStringToObject(*result, "name", d->name);
		cJSON_AddStringToObject(*result, "summary", d->summary);
		cJSON_AddStringToObject(*result, "usage", strbuf_str(&sb));
		cJSON_AddItemToObject(*result, "inputSchema", mcp_schema_from_command(d->name, NULL));
		cJSON_AddBoolToObject(*result, "runs_a_program", (d->traits & CMD_JOB) != 0);
		cJSON_AddBoolToObject(*result, "writes_files", (d->traits & CMD_CONFIRM) != 0);
		strbuf_free(&sb);
	}
	return RWB_OK;
}

int mcp_path_inside(const char *repo, const char *path, char **resolved)
{
	char *full, *real_repo = realpath(repo ? repo : ".", NULL), *cur, *tail = NULL, *r;
	size_t rl;

	*resolved = NULL;
	if (!real_repo)
		return rwb_fail(RWB_EINPUT, "the repository %s cannot be read: %s", repo ? repo : ".", strerror(errno));
	full = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", real_repo, path);
	/* the longest existing prefix, resolved; the rest kept as written */
	cur = xstrdup(full);
	while (!(r = realpath(cur, NULL))) {
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur) {
			r = xstrdup("/");
			break;
		}
		*slash = 0;
	}
	if (strlen(cur) < strlen(full))
		tail = xstrdup(full + strlen(cur));
	if (tail && (strstr(tail, "/../") || (strlen(tail) >= 3 && !strcmp(tail + strlen(tail) - 3, "/..")))) {
		free(r);
		r = xstrdup("/");  /* '..' past a missing folder: refused below */
	}
	rl = strlen(real_repo);
	if (strncmp(r, real_repo, rl) != 0 || (r[rl] != 0 && r[rl] != '/')) {
		rwb_fail(RWB_EINPUT, "the path %.200s is outside the repository %s; tools only work inside it", path,
			 real_repo);
		free(r);
		free(tail);
		free(cur);
		free(full);
		free(real_repo);
		return RWB_EINPUT;
	}
	*resolved = tail ? xasprintf("%s%s", r, tail) : xstrdup(r);
	free(r);
	free(tail);
	free(cur);
	free(full);
	free(real_repo);
	return RWB_OK;
}

/* The command line of the `rwb` tool, checked: parsed by the registry, every
 * path inside the repository. *argv gets the words (without --yes). */
static int rwb_line(const char *repo, const char *command, char ***argv, int *argc, bool *yes)
{
	struct cmd_args ca;
	int rc, j = 0;
	bool rest = false;

	if ((rc = cmdline_split(command, argv, argc)) != RWB_OK)
		return RWB_EINPUT;   /* (the splitter's message) */
	if (*argc == 0 || (*argv)[0][0] != '/') {
		rc = rwb_fail(RWB_EINPUT, "\"command\" is a slash line such as \"/git-status\" (rwb_help lists commands)");
		goto fail;
	}
	for (int i = 0; i < *argc; i++) {
		if (!rest && !strcmp((*argv)[i], "--yes")) {
			*yes = true;
			free((*argv)[i]);
			continue;
		}
		rest |= !strcmp((*argv)[i], "--");
		(*argv)[j++] = (*argv)[i];
	}
	*argc = j;
	(*argv)[j] = NULL;
	if ((rc = cmdline_parse(&ca, *argc, *argv)) != RWB_OK) {
		rc = RWB_EINPUT;   /* (the parser's message) */
		goto fail;
	}
	for (int i = 0; i < ca.nvalues && !rc; i++) {
		char *res = NULL;
		if (ca.values[i].flag->type == FLAG_PATH) {
			rc = mcp_path_inside(repo, ca.values[i].value, &res);
			free(res);
		}
	}
	for (int i = 0; i < ca.npos && !rc; i++) {
		char *res = NULL;
		if (ca.def->pos_complete == COMPLETE_PATH) {
			rc = mcp_path_inside(repo, ca.pos[i], &res);
			free(res);
		}
	}
	if (!rc && !ca.def->run) {
		rc = rwb_fail(RWB_EINPUT, "/%s is registered but not implemented yet", ca.def->name);
	}
	cmd_args_release(&ca);
	if (!rc)
		return RWB_OK;
fail:
	cmdline_free_argv(*argv, *argc);
	*argv = NULL;
	return rc ? rc : RWB_EINPUT;
}

struct job_sink {
	struct mcp_job *job;
	int64_t last_ms;
	int count;
	struct strbuf tail;        /* the last output, for an error without an answer */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int job_output(void *data, const char *buf, size_t n)
{
	struct job_sink *js = data;
	int64_t now = mono_ms();

	strbuf_add(&js->tail, buf, n);
	if (js->tail.len > 4096) {
		memmove(js->tail.buf, js->tail.buf + js->tail.len - 2048, 2048);
		js->tail.len = 2048;
		js->tail.buf[2048] = 0;
	}
	js->count++;
	if (js->job->token && now - js->last_ms >= 200) {
		/* the last line of what came, as the progress message */
		char *msg, *nl;
		size_t len = js->tail.len;
		cJSON *note = cJSON_CreateObject(), *params;
		while (len && (js->tail.buf[len - 1] == '\n' || js->tail.buf[len - 1] == '\r'))
			len--;
		msg = xstrndup(js->tail.buf, len);
		nl = strrchr(msg, '\n');
		js->last_ms = now;
		cJSON_AddStringToObject(note, "jsonrpc", "2.0");
		cJSON_AddStringToObject(note, "method", "notifications/progress");
		params = cJSON_AddObjectToObject(note, "params");
		cJSON_AddItemToObject(params, "progressToken", cJSON_CreateRaw(js->job->token));
		cJSON_AddNumberToObject(params, "progress", js->count);
		if (strlen(nl ? nl + 1 : msg) > 200)
			(nl ? nl + 1 : msg)[200] = 0;
		cJSON_AddStringToObject(params, "message", nl ? nl + 1 : msg);
		free(msg);
		mcp_write(js->job->m, note);
	}
	return 0;
}

/* Runs the `rwb` tool's line as a child rwb; *result is its JSON answer. */
static int run_rwb(struct mcp_job *job, cJSON **result)
{
	struct mcp_server *m = job->m;
	const char *command = arg_str(job->args, "command"), *agent = arg_str(job->args, "agent");
	bool yes = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(job->args, "yes"));
	char **words = NULL, *rf, *envv[2], *text = NULL;
	int nwords = 0, rc, n = 0;
	struct strbuf outcap = STRBUF_INIT;
	struct job_sink js = { .job = job, .tail = STRBUF_INIT };
	struct proc_result res;
	const char **argv;
	int fd;

	if (!m->o.argv0)
		return rwb_fail(RWB_EINPUT, "this server cannot run commands (no rwb binary)");
	if ((rc = rwb_line(m->repo, command, &words, &nwords, &yes)) != RWB_OK)
		return rc;
	rf = xstrdup("/tmp/rwb-mcp-XXXXXX");
	fd = mkstemp(rf);
	if (fd < 0) {
		rwb_fail(RWB_EIO, "cannot make a temporary file: %s", strerror(errno));
		cmdline_free_argv(words, nwords);
		free(rf);
		return RWB_EIO;
	}
	close(fd);
	argv = xcalloc((size_t)nwords + 10, sizeof(*argv));
	argv[n++] = m->o.argv0;
	if (m->o.db_path) {
		argv[n++] = "--db";
		argv[n++] = m->o.db_path;
	}
	argv[n++] = "--repo";
	argv[n++] = m->repo;
	argv[n++] = "--result-file";
	argv[n++] = rf;
	if (yes)
		argv[n++] = "--yes";
	for (int i = 0; i < nwords; i++)
		argv[n++] = words[i];
	envv[0] = xasprintf("RWB_AGENT=%s", agent && *agent ? agent : m->agent ? m->agent : "agent");
	envv[1] = NULL;
	struct proc_opts po = {
		.cwd = m->repo, .env = envv, .on_out = job_output, .out_data = &js, .on_err = job_output,
		.err_data = &js, .out = &outcap, .max_capture = 1 << 20, .cancel_fd = job->cancel[0],
		.kill_grace_ms = 2000,
	};
	rc = proc_run(&res, (char *const *)argv, &po);
	if (rc == RWB_OK) {
		FILE *f = fopen(rf, "r");
		struct strbuf sb = STRBUF_INIT;
		char buf[65536];
		size_t k;
		while (f && (k = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&sb, buf, k);
		if (f)
			fclose(f);
		text = strbuf_detach(&sb);
	}
	unlink(rf);
	{
		char *tmp = xasprintf("%s.tmp", rf);
		unlink(tmp);
		free(tmp);
	}
	if (rc != RWB_OK) {
		rwb_fail(rc, "%s", res.errmsg);
	} else if (res.cancelled) {
		rc = rwb_fail(RWB_EINPUT, "cancelled: %s ended", words[0]);
	} else {
		*result = text && *text ? cJSON_Parse(text) : NULL;
		if (!*result) {
			rc = rwb_fail(RWB_EINPUT, "%s ended with status %d without an answer: %s", words[0], res.status,
				      strbuf_str(&js.tail));
		} else {
			cJSON_AddNumberToObject(*result, "exit_status", res.status);
			if (res.status >= 2)
				rc = RWB_EINPUT;  /* the answer holds the error; isError */
		}
	}
	free(text);
	free(envv[0]);
	free(argv);
	free(rf);
	strbuf_free(&outcap);
	strbuf_free(&js.tail);
	cmdline_free_argv(words, nwords);
	return rc;
}

static int tool_rwb_inline(struct store *s, const char *repo, const cJSON *args, cJSON **result)
{
	(void)s;
	(void)repo;
	(void)args;
	(void)result;
	return rwb_fail(RWB_EINPUT, "internal: the rwb tool runs as a job");
}

/* Output schemas: the documented answers (docs/agents.md), kept short, as
 * tools/list goes to the model on every turn. Fields beyond them may come. */
#define OS_STR "{\"type\":\"string\"}"
#define OS_INT "{\"type\":\"integer\"}"
/* nullable as anyOf, not a type array: single-type dialects (Gemini's) take it */
#define OS_NULLABLE_STR "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}"

static const struct mcp_tool mcp_tools_memory[] = {
	{ .name = "memory_store",
	  .description = "Store a note or pattern in the shared rwb memory (same key: new version, old kept). "
			 "Fields flat or under metadata.",
	  .call = tool_store, .schema = schema_store,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"key\":" OS_STR ",\"version\":" OS_INT
			   ",\"layer\":" OS_STR ",\"namespace\":" OS_STR ",\"agent\":" OS_STR ",\"size\":" OS_INT
			   "},\"required\":[\"key\",\"version\",\"layer\"]}" },
	{ .name = "vector_search",
	  .description = "Search the memory (hybrid full-text + vector), best first: snippets and sizes; include_value "
			 "for values.",
	  .call = tool_search, .schema = schema_search,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"results\":{\"type\":\"array\",\"items\":{"
			   "\"type\":\"object\",\"properties\":{\"key\":" OS_STR ",\"score\":{\"type\":\"number\"},"
			   "\"snippet\":" OS_STR ",\"size\":" OS_INT ",\"value\":" OS_STR ",\"version\":" OS_INT
			   "},\"required\":[\"key\",\"score\",\"snippet\"]}},\"terms_cut\":" OS_INT ",\"note\":" OS_STR
			   "},\"required\":[\"results\"]}" },
	{ .name = "memory_retrieve", .description = "Entries whose key matches a pattern (* one segment, ** any number).",
	  .call = tool_retrieve, .schema = schema_retrieve,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"entries\":{\"type\":\"array\",\"items\":{"
			   "\"type\":\"object\",\"properties\":{\"key\":" OS_STR ",\"value\":" OS_STR ",\"version\":"
			   OS_INT ",\"tags\":{\"type\":\"array\",\"items\":" OS_STR "},\"expires_at\":" OS_NULLABLE_STR
			   "},\"required\":[\"key\",\"value\",\"version\"]}}},"
			   "\"required\":[\"entries\"]}" },
	{ .name = "memory_delete", .description = "Delete an entry (kept in history until purged).",
	  .call = tool_delete, .schema = schema_delete,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"key\":" OS_STR ",\"deleted\":{\"type\":"
			   "\"boolean\"}},\"required\":[\"key\",\"deleted\"]}" },
	{ .name = NULL }
};

static const struct mcp_tool mcp_tools_rwb[] = {
	{ .name = "rwb",
	  .description = "Run any rwb slash command (build, test, clippy, audit, git, scaffold, file write, ...) as a "
			 "job; answers its --json document. Writes need yes: true.",
	  .call = tool_rwb_inline, .schema = schema_rwb,
	  /* the command's own document, plus its exit status; error on status 2 and up */
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"exit_status\":" OS_INT ",\"error\":{"
			   "\"type\":\"object\",\"properties\":{\"code\":" OS_STR ",\"message\":" OS_STR "}}},"
			   "\"required\":[\"exit_status\"]}" },
	{ .name = "rwb_help", .description = "The list of rwb commands, or one command's usage and argument schema.",
	  .call = tool_help, .schema = schema_help,
	  .output_schema = "{\"type\":\"object\",\"properties\":{\"commands\":{\"type\":\"array\",\"items\":"
			   OS_STR "},\"name\":" OS_STR ",\"usage\":" OS_STR ",\"inputSchema\":{\"type\":\"object\"}}}" },
	{ .name = NULL }
};

static const struct mcp_tool *const mcp_tables[] = { mcp_tools_memory, mcp_tools_analysis, mcp_tools_rwb };
#define NTABLES (sizeof(mcp_tables) / sizeof(mcp_tables[0]))

static const struct mcp_tool *mcp_find_tool(const char *name)
{
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct mcp_tool *tool = mcp_tables[t]; tool->name; tool++)
			if (strcmp(tool->name, name) == 0)
				return tool;
	return NULL;
}

/* The tool's schema, with the paging arguments every tool takes. */
static cJSON *tool_schema(const struct mcp_tool *tool)
{
	cJSON *s = tool->schema ? tool->schema() : cJSON_Parse(tool->input_schema ? tool->input_schema : "{}");
	cJSON *props;

	if (!s)
		s = cJSON_CreateObject();
	if (!cJSON_GetObjectItemCaseSensitive(s, "type"))
		cJSON_AddStringToObject(s, "type", "object");
	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	if (!props)
		props = cJSON_AddObjectToObject(s, "properties");
	{
		cJSON *o = cJSON_AddObjectToObject(props, "offset"), *mc = cJSON_AddObjectToObject(props, "max_chars");
		cJSON_AddStringToObject(o, "type", "integer");
		cJSON_AddNumberToObject(o, "minimum", 0);
		cJSON_AddStringToObject(mc, "type", "integer");
		cJSON_AddNumberToObject(mc, "minimum", 1000);
		cJSON_AddNumberToObject(mc, "maximum", MCP_MAX_CHARS_CAP);
	}
	if (!cJSON_GetObjectItemCaseSensitive(s, "additionalProperties"))
		cJSON_AddBoolToObject(s, "additionalProperties", false);
	return s;
}

/* ------------------------------------------------------------- methods */

static cJSON *mcp_initialize(struct mcp_server *m, const cJSON *params)
{
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(params, "protocolVersion");
	const cJSON *ci = cJSON_GetObjectItemCaseSensitive(params, "clientInfo");
	const char *cname = arg_str(ci, "name");
	const char *version = MCP_PROTOCOL;
	cJSON *r = cJSON_CreateObject(), *caps, *info;

	if (cJSON_IsString(pv))
		for (int i = 0; mcp_protocols[i]; i++)
			if (strcmp(pv->valuestring, mcp_protocols[i]) == 0)
				version = mcp_protocols[i];
	m->version = version;
	if (cname && *cname && !(getenv("RWB_AGENT") && *getenv("RWB_AGENT"))) {
		free(m->agent);
		m->agent = xstrndup(cname, 100);
	}
	if (m->s)
		store_set_agent(m->s, m->agent);  /* what the tools write, they write as this agent */
	cJSON_AddStringToObject(r, "protocolVersion", version);
	caps = cJSON_AddObjectToObject(r, "capabilities");
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "tools"), "listChanged", false);
	info = cJSON_AddObjectToObject(r, "serverInfo");
	cJSON_AddStringToObject(info, "name", "rwb");
	cJSON_AddStringToObject(info, "version", RWB_VERSION);
	cJSON_AddStringToObject(r, "instructions",
				"rwb, a Rust workbench: memory_store/vector_search for shared patterns; rwb runs any "
				"slash command (rwb_help lists them); paths stay inside the repository.");
	return r;
}

/* The tool's outputSchema: its schema, with "required" for a whole answer
 * or a page of a long one ({truncated, total_chars, offset, next_offset}). */
static cJSON *tool_output_schema(const struct mcp_tool *tool)
{
	cJSON *s = cJSON_Parse(tool->output_schema), *req, *any, *page;

	if (!s)
		return NULL;
	req = cJSON_DetachItemFromObjectCaseSensitive(s, "required");
	if (req) {
		any = cJSON_AddArrayToObject(s, "anyOf");
		page = cJSON_CreateObject();
		cJSON_AddItemToArray(cJSON_AddArrayToObject(page, "required"), cJSON_CreateString("truncated"));
		cJSON_AddItemToArray(any, cJSON_CreateObject());
		cJSON_AddItemToObject(cJSON_GetArrayItem(any, 0), "required", req);
		cJSON_AddItemToArray(any, page);
	}
	return s;
}

static cJSON *mcp_tools_list(const struct mcp_server *m)
{
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "tools");
	/* outputSchema and structuredContent came with protocol 2025-06-18 */
	bool outputs = strcmp(m->version, "2025-06-18") >= 0;

	for (size_t t = 0; t < NTABLES; t++) {
		for (const struct mcp_tool *tool = mcp_tables[t]; tool->name; tool++) {
			cJSON *o = cJSON_CreateObject(), *os;
			cJSON_AddStringToObject(o, "name", tool->name);
			cJSON_AddStringToObject(o, "description", tool->description ? tool->description : "");
			cJSON_AddItemToObject(o, "inputSchema", tool_schema(tool));
			if (outputs && tool->output_schema && (os = tool_output_schema(tool)))
				cJSON_AddItemToObject(o, "outputSchema", os);
			cJSON_AddItemToArray(arr, o);
		}
	}
	return r;
}

/* The tool answer for rc/result, paged to offset/max_chars. A failure
 * without a result says what the error channel holds (the caller cleared it
 * before the call), else the code's own text. */
static cJSON *tool_answer(int rc, cJSON *result, const cJSON *args)
{
	cJSON *r = cJSON_CreateObject(), *content = cJSON_AddArrayToObject(r, "content");
	cJSON *item = cJSON_CreateObject();
	const cJSON *off = cJSON_GetObjectItemCaseSensitive(args, "offset");
	const cJSON *mc = cJSON_GetObjectItemCaseSensitive(args, "max_chars");
	size_t offset = cJSON_IsNumber(off) ? (size_t)off->valuedouble : 0;
	size_t max = cJSON_IsNumber(mc) ? (size_t)mc->valuedouble : MCP_MAX_CHARS;
	char *text;
	size_t len;

	cJSON_AddStringToObject(item, "type", "text");
	cJSON_AddItemToArray(content, item);
	if (rc && !result) {
		struct strbuf sb = STRBUF_INIT;
		const char *msg = rwb_last_code() != RWB_OK ? rwb_last_error() : rwb_strerror(rc);
		utf8_clean(&sb, msg, strlen(msg) > MCP_MAX_CHARS ? MCP_MAX_CHARS : strlen(msg));
		cJSON_AddStringToObject(item, "text", strbuf_str(&sb));
		strbuf_free(&sb);
		cJSON_AddBoolToObject(r, "isError", true);
		return r;
	}
	text = cJSON_PrintUnformatted(result);
	len = strlen(text);
	if (len <= max && offset == 0) {
		cJSON_AddStringToObject(item, "text", text);
		cJSON_AddItemToObject(r, "structuredContent", result);
	} else {
		/* a page of the answer's text, cut on character boundaries */
		size_t from = offset < len ? offset : len, to = from + max < len ? from + max : len;
		cJSON *page = cJSON_CreateObject();
		char *note;
		while (from > 0 && from < len && ((unsigned char)text[from] & 0xc0) == 0x80)
			from--;
		while (to > from && to < len && ((unsigned char)text[to] & 0xc0) == 0x80)
			to--;
		note = xstrndup(text + from, to - from);
		cJSON_AddStringToObject(item, "text", note);
		free(note);
		cJSON_AddBoolToObject(page, "truncated", to < len);
		cJSON_AddNumberToObject(page, "total_chars", (double)len);
		cJSON_AddNumberToObject(page, "offset", (double)from);
		if (to < len)
			cJSON_AddNumberToObject(page, "next_offset", (double)to);
		note = xasprintf("%s characters %zu to %zu of %zu; call again with offset: %zu for more",
				 to < len ? "a page:" : "the last page:", from, to, len, to);
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "type", "text");
		cJSON_AddStringToObject(item, "text", note);
		cJSON_AddItemToArray(content, item);
		free(note);
		cJSON_AddItemToObject(r, "structuredContent", page);
		cJSON_Delete(result);
	}
	cJSON_free(text);
	cJSON_AddBoolToObject(r, "isError", rc != 0);
	return r;
}

static void *job_thread(void *arg)
{
	struct mcp_job *job = arg;
	cJSON *result = NULL;
	int rc;
	bool cancelled;

	rwb_error_clear();
	rc = run_rwb(job, &result);

	pthread_mutex_lock(&job->m->lock);
	cancelled = job->cancelled;
	pthread_mutex_unlock(&job->m->lock);
	if (cancelled) {
		/* the client gave up on it: MCP says no answer */
		cJSON_Delete(result);
	} else {
		mcp_write(job->m, rpc_result(job->id, tool_answer(rc, result, job->args)));
	}
	pthread_mutex_lock(&job->m->lock);
	job->done = true;
	pthread_mutex_unlock(&job->m->lock);
	return NULL;
}

/* Reaps finished jobs (all = wait for every job). */
static void jobs_reap(struct mcp_server *m, bool all)
{
	struct mcp_job **pp = &m->jobs;

	for (;;) {
		struct mcp_job *j;
		bool done;
		pthread_mutex_lock(&m->lock);
		j = *pp;
		done = j && j->done;
		pthread_mutex_unlock(&m->lock);
		if (!j)
			break;
		if (!done && !all) {
			pp = &j->next;
			continue;
		}
		pthread_join(j->thread, NULL);
		pthread_mutex_lock(&m->lock);
		*pp = j->next;
		pthread_mutex_unlock(&m->lock);
		close(j->cancel[0]);
		close(j->cancel[1]);
		cJSON_Delete(j->args);
		free(j->id);
		free(j->token);
		free(j);
	}
}

static cJSON *mcp_tools_call(struct mcp_server *m, const char *id, const cJSON *params, const char *params_raw,
			     bool inline_only)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
	const struct mcp_tool *tool;
	cJSON *result = NULL, *schema, *empty = NULL;
	int rc;

	if (!cJSON_IsString(name))
		return rpc_error(id, JSONRPC_INVALID_PARAMS, "tools/call needs params.name (a string)");
	if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args))
		return rpc_error(id, JSONRPC_INVALID_PARAMS, "params.arguments must be an object");
	tool = mcp_find_tool(name->valuestring);
	if (!tool) {
		char *msg = xasprintf("unknown tool \"%.100s\" (see tools/list)", name->valuestring);
		cJSON *e = rpc_error(id, JSONRPC_INVALID_PARAMS, msg);
		free(msg);
		return e;
	}
	if (!cJSON_IsObject(args))
		args = empty = cJSON_CreateObject();
	if (m->line_has_nul) {
		cJSON_Delete(empty);
		rwb_fail(RWB_EINPUT, "an argument holds U+0000 (\\u0000), which rwb does not store; "
			 "remove it or encode the text");
		return rpc_result(id, tool_answer(RWB_EINPUT, NULL, NULL));
	}
	rwb_error_clear();
	schema = tool_schema(tool);
	rc = check_value(schema, args, "");
	cJSON_Delete(schema);
	if (rc) {
		cJSON_Delete(empty);
		return rpc_result(id, tool_answer(rc, NULL, NULL));
	}
	if (tool->call == tool_rwb_inline) {
		struct mcp_job *job = xcalloc(1, sizeof(*job));
		cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
		job->m = m;
		job->id = xstrdup(id);
		job->args = cJSON_Duplicate(args, 1);
		if (cJSON_GetObjectItemCaseSensitive(meta, "progressToken") && params_raw) {
			char *meta_raw = raw_member(params_raw, params_raw + strlen(params_raw), "_meta");
			if (meta_raw)
				job->token = raw_member(meta_raw, meta_raw + strlen(meta_raw), "progressToken");
			free(meta_raw);
		}
		cJSON_Delete(empty);
		if (pipe2(job->cancel, O_CLOEXEC) != 0) {
			free(job->id);
			cJSON_Delete(job->args);
			free(job);
			rwb_fail(RWB_EIO, "cannot make a pipe");
			return rpc_result(id, tool_answer(RWB_EIO, NULL, NULL));
		}
		if (inline_only || pthread_create(&job->thread, NULL, job_thread, job) != 0) {
			cJSON *r;
			rc = run_rwb(job, &result);
			r = rpc_result(id, tool_answer(rc, result, job->args));
			close(job->cancel[0]);
			close(job->cancel[1]);
			cJSON_Delete(job->args);
			free(job->id);
			free(job->token);
			free(job);
			return r;
		}
		pthread_mutex_lock(&m->lock);
		job->next = m->jobs;
		m->jobs = job;
		pthread_mutex_unlock(&m->lock);
		return NULL;  /* the job's thread answers */
	}
	tool_agent = arg_str(args, "agent") ? arg_str(args, "agent") : m->agent;
	rwb_error_clear();
	rc = tool->call(m->s, m->repo, args, &result);
	tool_agent = NULL;
	{
		cJSON *r = rpc_result(id, tool_answer(rc, rc ? NULL : result, args));
		if (rc)
			cJSON_Delete(result);
		cJSON_Delete(empty);
		return r;
	}
}

static void mcp_cancel(struct mcp_server *m, const char *params_raw)
{
	char *rid = params_raw ? raw_member(params_raw, params_raw + strlen(params_raw), "requestId") : NULL;

	if (!rid)
		return;
	pthread_mutex_lock(&m->lock);
	for (struct mcp_job *j = m->jobs; j; j = j->next)
		if (!j->done && strcmp(j->id, rid) == 0) {
			j->cancelled = true;
			if (write(j->cancel[1], "x", 1) < 0)
				break;
		}
	pthread_mutex_unlock(&m->lock);
	free(rid);
}

/* True when raw is an id we accept: a string or a whole number. */
static bool id_valid(const char *raw)
{
	const char *p = raw;

	if (!raw || !*raw)
		return false;
	if (*p == '"')
		return true;
	if (*p == '-')
		p++;
	if (!*p)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* Handles one message (object text [b, e) parsed as msg); returns the
 * answer or NULL (a notification, or a job that answers later). */
static cJSON *mcp_handle(struct mcp_server *m, const cJSON *msg, const char *b, const char *e, bool in_batch)
{
	const cJSON *jv = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	char *id = NULL, *params_raw = NULL;
	cJSON *ans = NULL;
	const char *mname;

	if (idv) {
		id = raw_member(b, e, "id");
		if (!id) {
			/* an escaped member name: fall back to cJSON's text */
			char *t = cJSON_PrintUnformatted(idv);
			id = xstrdup(t);
			cJSON_free(t);
		}
	}
	if (!cJSON_IsObject(msg) || !cJSON_IsString(jv) || strcmp(jv->valuestring, "2.0") != 0 ||
	    (idv && !id_valid(id))) {
		ans = rpc_error(idv && id_valid(id) ? id : NULL, JSONRPC_INVALID_REQUEST,
				idv && !id_valid(id) ? "invalid request: \"id\" must be a string or a whole number"
						     : "invalid request: expected {\"jsonrpc\":\"2.0\",\"id\":...,\"method\":...}");
		goto out;
	}
	if (!method) {
		/* a response from the client (we send no requests): ignore */
		if (cJSON_GetObjectItemCaseSensitive(msg, "result") || cJSON_GetObjectItemCaseSensitive(msg, "error"))
			goto out;
		ans = rpc_error(id, JSONRPC_INVALID_REQUEST, "invalid request: \"method\" is missing");
		goto out;
	}
	if (!cJSON_IsString(method)) {
		ans = rpc_error(id, JSONRPC_INVALID_REQUEST, "invalid request: \"method\" must be a string");
		goto out;
	}
	if (params && !cJSON_IsObject(params)) {
		if (id)
			ans = rpc_error(id, JSONRPC_INVALID_REQUEST, "invalid request: \"params\" must be an object");
		goto out;
	}
	mname = method->valuestring;
	if (params)
		params_raw = raw_member(b, e, "params");
	if (!id) {
		if (strcmp(mname, "notifications/cancelled") == 0)
			mcp_cancel(m, params_raw);
		goto out;
	}
	if (strcmp(mname, "initialize") == 0)
		ans = rpc_result(id, mcp_initialize(m, params));
	else if (strcmp(mname, "ping") == 0)
		ans = rpc_result(id, cJSON_CreateObject());
	else if (strcmp(mname, "tools/list") == 0)
		ans = rpc_result(id, mcp_tools_list(m));
	else if (strcmp(mname, "tools/call") == 0)
		ans = mcp_tools_call(m, id, params, params_raw, in_batch);
	else {
		char *t = xasprintf("method not found: %.100s", mname);
		ans = rpc_error(id, JSONRPC_METHOD_NOT_FOUND, t);
		free(t);
	}
out:
	free(id);
	free(params_raw);
	return ans;
}

struct mcp_server *mcp_server_new(struct store *s, const char *repo, const struct mcp_options *o, FILE *out)
{
	struct mcp_server *m = xcalloc(1, sizeof(*m));
	const char *env = getenv("RWB_AGENT");

	m->s = s;
	m->repo = repo ? repo : ".";
	if (o)
		m->o = *o;
	m->out = out;
	m->version = MCP_PROTOCOL;
	m->agent = env && *env ? xstrdup(env) : NULL;
	if (s)
		store_set_agent(s, m->agent);
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void mcp_server_free(struct mcp_server *m)
{
	if (!m)
		return;
	jobs_reap(m, true);
	pthread_mutex_destroy(&m->lock);
	free(m->agent);
	free(m);
}

void mcp_server_line(struct mcp_server *m, const char *line, size_t n)
{
	size_t len;
	char *clean;
	cJSON *msg;
	const char *e;

	jobs_reap(m, false);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n == 0)
		return;
	if (n > MCP_MAX_LINE) {
		mcp_write(m, rpc_error(NULL, JSONRPC_INVALID_REQUEST, "message too large (at most 16 MB)"));
		return;
	}
	if (memchr(line, '\0', n)) {
		/* never valid JSON (a string's control bytes must be escaped),
		 * and the raw id and params are handled as C strings */
		mcp_write(m, rpc_error(NULL, JSONRPC_PARSE, "parse error: the line holds a NUL byte"));
		return;
	}
	clean = line_clean(line, n, &len, &m->line_has_nul);
	e = clean + len;
	msg = cJSON_ParseWithLength(clean, len);
	if (!msg) {
		mcp_write(m, rpc_error(NULL, JSONRPC_PARSE, "parse error: the line is not valid JSON"));
	} else if (cJSON_IsArray(msg)) {
		if (strcmp(m->version, "2025-03-26") != 0) {
			mcp_write(m, rpc_error(NULL, JSONRPC_INVALID_REQUEST,
					       "invalid request: batches are only accepted with protocol 2025-03-26"));
		} else if (cJSON_GetArraySize(msg) == 0) {
			mcp_write(m, rpc_error(NULL, JSONRPC_INVALID_REQUEST, "invalid request: an empty batch"));
		} else {
			/* each element in turn (jobs too, inline), one array of answers */
			cJSON *answers = cJSON_CreateArray(), *el;
			const char *p = skip_ws(clean, e) + 1;
			cJSON_ArrayForEach(el, msg) {
				const char *b = skip_ws(p, e), *end = skip_value(b, e);
				cJSON *a = mcp_handle(m, el, b, end, true);
				if (a)
					cJSON_AddItemToArray(answers, a);
				p = skip_ws(end, e);
				if (p < e && *p == ',')
					p++;
			}
			if (cJSON_GetArraySize(answers))
				mcp_write(m, answers);
			else
				cJSON_Delete(answers);
		}
	} else {
		cJSON *a = mcp_handle(m, msg, clean, e, false);
		if (a)
			mcp_write(m, a);
	}
	cJSON_Delete(msg);
	free(clean);
}

int mcp_serve(struct store *s, const char *repo, const struct mcp_options *o, FILE *in, FILE *out)
{
	struct mcp_server *m = mcp_server_new(s, repo, o, out);
	struct strbuf buf = STRBUF_INIT;
	int fd = fileno(in);
	size_t scan = 0;
	bool skipping = false;

	/* a client that hung up must not kill the server mid-answer */
	signal(SIGPIPE, SIG_IGN);

	/* read(2), not getline: a job thread's proc_run calls fflush(NULL),
	 * which would wait for stdin's FILE lock held by a blocked getline */
	for (;;) {
		char chunk[65536], *nl;
		ssize_t n;
		while (buf.len > scan && (nl = memchr(buf.buf + scan, '\n', buf.len - scan))) {
			size_t len = (size_t)(nl - buf.buf);
			if (!skipping)
				mcp_server_line(m, buf.buf, len);
			skipping = false;
			memmove(buf.buf, nl + 1, buf.len - len - 1);
			buf.len -= len + 1;
			buf.buf[buf.len] = 0;
			scan = 0;
		}
		scan = buf.len;
		if (buf.len > MCP_MAX_LINE) {
			/* a line too long: answered once, the rest of it skipped */
			if (!skipping)
				mcp_server_line(m, buf.buf, buf.len);
			skipping = true;
			strbuf_reset(&buf);
			scan = 0;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(&buf, chunk, (size_t)n);
	}
	if (skipping)
		strbuf_reset(&buf);
	if (buf.len)
		mcp_server_line(m, buf.buf, buf.len);
	strbuf_free(&buf);
	mcp_server_free(m);
	return 0;
}
