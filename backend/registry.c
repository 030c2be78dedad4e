/*
 * registry.c - the catalogue of commands, argument access and execution.
 *
 * The catalogue is the concatenation of each subsystem's table, built once
 * on first use. Execution turns a command's outcome into cli.md's exit
 * statuses: 0 done, 1 negative answer, 2 bad usage/input, 3 environment.
 */
#define _POSIX_C_SOURCE 200809L
#include "registry.h"
#include "cmdline.h"
#include "commands.h"
#include "error.h"
#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct cmd_def *const module_tables[] = {
	commands_core,
	commands_cargo,
	commands_git,
	commands_memory,
	commands_audit,
	commands_analysis,
	commands_files,
	commands_scaffold,
	NULL,
};

static const struct cmd_def **catalogue;

const struct cmd_def *const *registry_all(void)
{
	size_t n = 0, k = 0;

	if (catalogue)
		return catalogue;
	for (int m = 0; module_tables[m]; m++)
		for (int i = 0; module_tables[m][i].name; i++)
			n++;
	catalogue = xcalloc(n + 1, sizeof(*catalogue));
	for (int m = 0; module_tables[m]; m++)
		for (int i = 0; module_tables[m][i].name; i++)
			catalogue[k++] = &module_tables[m][i];
	return catalogue;
}

const struct cmd_def *registry_find(const char *name)
{
	if (name[0] == '/')
		name++;
	for (const struct cmd_def *const *d = registry_all(); *d; d++)
		if (strcmp((*d)->name, name) == 0)
			return *d;
	return NULL;
}

const char *registry_nearest(const char *name)
{
	const char *best = NULL;
	int best_d = INT_MAX;
	size_t len;

	if (name[0] == '/')
		name++;
	len = strlen(name);
	for (const struct cmd_def *const *d = registry_all(); *d; d++) {
		int dist = cmdline_distance(name, (*d)->name);
		/* a prefix is a strong hint ("cargo" -> "cargo-build") */
		if (len >= 3 && strncmp((*d)->name, name, len) == 0)
			dist = 1;
		if (dist < best_d) {
			best_d = dist;
			best = (*d)->name;
		}
	}
	return best_d <= (int)(len / 2 + 2) ? best : NULL;
}

int cmd_fail(struct cmd_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	free(ctx->error);
	va_start(ap, fmt);
	ctx->error = xvasprintf(fmt, ap);
	va_end(ap);
	ctx->error_code = code;
	return code;
}

int cmd_fail_last(struct cmd_ctx *ctx, int code)
{
	return cmd_fail(ctx, code, "%s", rwb_last_error());
}

void cmd_ctx_init(struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->stream = stderr;
}

void cmd_ctx_release(struct cmd_ctx *ctx)
{
	strbuf_free(&ctx->out);
	cJSON_Delete(ctx->result);
	ctx->result = NULL;
	free(ctx->error);
	ctx->error = NULL;
}

const char *cmd_arg(const struct cmd_args *a, const char *name)
{
	for (int i = a->nvalues - 1; i >= 0; i--)
		if (strcmp(a->values[i].flag->name, name) == 0)
			return a->values[i].value;
	return NULL;
}

const char *cmd_arg_nth(const struct cmd_args *a, const char *name, int n)
{
	for (int i = 0; i < a->nvalues; i++)
		if (strcmp(a->values[i].flag->name, name) == 0 && n-- == 0)
			return a->values[i].value;
	return NULL;
}

bool cmd_arg_bool(const struct cmd_args *a, const char *name)
{
	const char *v = cmd_arg(a, name);
	return v && strcmp(v, "true") == 0;
}

long cmd_arg_int(const struct cmd_args *a, const char *name, long dflt)
{
	const char *v = cmd_arg(a, name);
	return v ? strtol(v, NULL, 10) : dflt;
}

double cmd_arg_number(const struct cmd_args *a, const char *name, double dflt)
{
	const char *v = cmd_arg(a, name);
	return v ? strtod(v, NULL) : dflt;
}

long long cmd_parse_duration_ms(const char *s)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000LL },
		{ "d", 86400000LL }, { "w", 7 * 86400000LL },
	};
	const char *p = s;
	long long whole = 0, frac_num = 0, frac_den = 1;
	bool digits = false;

	if (!s || !*s)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		if (whole > LLONG_MAX / 10 - 10)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (frac_den < 1000000000LL) {
				frac_num = frac_num * 10 + (*p - '0');
				frac_den *= 10;
			}
		}
	}
	if (!digits)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		if (whole > LLONG_MAX / units[i].ms - 1)
			return -1;
		/* a part millisecond rounds up: "0.0001s" is not "no time" */
		return whole * units[i].ms + (frac_num * units[i].ms + frac_den - 1) / frac_den;
	}
	return -1;
}

long cmd_parse_duration(const char *s)
{
	long long ms = cmd_parse_duration_ms(s);

	if (ms < 0 || ms / 1000 >= LONG_MAX)
		return -1;
	return (long)((ms + 999) / 1000);
}

long cmd_arg_duration(const struct cmd_args *a, const char *name, long dflt)
{
	const char *v = cmd_arg(a, name);
	return v ? cmd_parse_duration(v) : dflt;
}

long long cmd_arg_duration_ms(const struct cmd_args *a, const char *name, long long dflt)
{
	const char *v = cmd_arg(a, name);
	return v ? cmd_parse_duration_ms(v) : dflt;
}

void cmd_usage(struct strbuf *sb, const struct cmd_def *def)
{
	strbuf_addf(sb, "/%s", def->name);
	if (def->cargo)
		strbuf_adds(sb, " [+TOOLCHAIN]");
	for (const struct cmd_flag *f = def->flags; f && f->name; f++) {
		bool req = f->flags & FLAGF_REQUIRED;
		strbuf_adds(sb, req ? " " : " [");
		if (f->short_name)
			strbuf_addf(sb, "-%c|", f->short_name);
		strbuf_addf(sb, "--%s", f->name);
		if (f->type == FLAG_ENUM)
			strbuf_addf(sb, " %s", f->values);
		else if (f->type != FLAG_BOOL)
			strbuf_addf(sb, " %s", f->metavar ? f->metavar : "VALUE");
		if (!req)
			strbuf_addc(sb, ']');
	}
	if (def->positional)
		strbuf_addf(sb, def->min_pos > 0 ? " %s" : " [%s]", def->positional);
	if (def->cargo)
		strbuf_addf(sb, " [cargo %s's own flags...]", def->cargo);
	if (def->passthrough || def->cargo)
		strbuf_adds(sb, " [-- ARGS...]");
}

/* /help NAME's answer for def into ctx (text and JSON). */
static int help_of(struct cmd_ctx *ctx, const struct cmd_def *def)
{
	const struct cmd_def *help = registry_find("help");
	char *pos[2] = { (char *)def->name, NULL };
	struct cmd_args a = { .def = help, .pos = pos, .npos = 1 };

	if (!help || !help->run)
		return cmd_fail(ctx, RWB_ENOTIMPL, "/help is not available");
	return help->run(ctx, &a);
}

void cmd_help_text(struct strbuf *sb, const struct cmd_def *def)
{
	struct cmd_ctx ctx;

	cmd_ctx_init(&ctx);
	if (help_of(&ctx, def) == RWB_OK)
		strbuf_add(sb, ctx.out.buf ? ctx.out.buf : "", ctx.out.len);
	cmd_ctx_release(&ctx);
}

void cmd_error_json(struct cmd_ctx *ctx)
{
	cJSON *root = cJSON_CreateObject(), *err = cJSON_CreateObject();

	cJSON_AddStringToObject(err, "code", rwb_errname(ctx->error_code));
	cJSON_AddStringToObject(err, "message", ctx->error ? ctx->error : rwb_strerror(ctx->error_code));
	cJSON_AddItemToObject(root, "error", err);
	cJSON_Delete(ctx->result);
	ctx->result = root;
}

int cmd_execute(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const struct cmd_def *def = args->def;
	int rc;

	if (args->help) {
		rc = help_of(ctx, def);
		return rc ? rwb_exit_status(rc) : 0;
	}
	if (!def->run) {
		cmd_fail(ctx, RWB_ENOTIMPL, "/%s is not implemented yet", def->name);
		return rwb_exit_status(RWB_ENOTIMPL);
	}
	rc = def->run(ctx, args);
	if (rc) {
		if (!ctx->error)
			cmd_fail(ctx, rc, "/%s: %s", def->name, rwb_strerror(rc));
		ctx->error_code = rc;
		return rwb_exit_status(rc);
	}
	return ctx->negative ? 1 : 0;
}
