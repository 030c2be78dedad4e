/*
 * cmd_scaffold.c - project init, Cargo.toml profiles and code templates.
 *
 * Every command here builds a plan (scaffold.h): the files it will create
 * or edit, with a unified diff. Without --yes it answers the preview with
 * "needs_confirmation": true and writes nothing (the TUI then asks and
 * re-runs with yes); with --yes it writes. A file rwb wrote and nobody
 * changed since is replaced by a second run; a file a person changed is
 * replaced only after the preview showed the diff (scaffold.h); the edits
 * it owns are Cargo.toml (dependencies, profiles) and module lines in
 * src/lib.rs.
 *
 * Never: run a shell (cargo and bindgen get argv), or write before --yes.
 */
#define _GNU_SOURCE
#include "commands.h"
#include "cargotoml.h"
#include "cheader.h"
#include "error.h"
#include "proc.h"
#include "scaffold.h"
#include "store.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


static const struct cmd_flag init_flags[] = {
	F_REQ("name", "N", "crate name"),
	{ .name = "type", .type = FLAG_ENUM, .values = "binary|library", .help = "binary or library",
	  .flags = FLAGF_REQUIRED },
	{ .name = "edition", .type = FLAG_ENUM, .values = "2015|2018|2021|2024", .help = "Rust edition",
	  .flags = FLAGF_REQUIRED },
	F_PATH("path", "DIR", "where (default ./NAME)"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag async_flags[] = {
	{ .name = "runtime", .type = FLAG_ENUM, .values = "tokio", .help = "async runtime",
	  .flags = FLAGF_REQUIRED },
	F_STR("features", "LIST", "tokio features (comma-separated)"),
	F_INT("workers", "N", 1, 1024, "worker threads"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag runtime_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "tokio", .help = "runtime", .flags = FLAGF_REQUIRED },
	F_BOOL("multi-threaded", "multi-threaded scheduler (default true)"),
	F_BOOL("enable-all", "enable I/O and time drivers (default true)"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag channel_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "mpsc|oneshot|broadcast|crossbeam",
	  .help = "channel kind", .flags = FLAGF_REQUIRED },
	F_BOOL("bounded", "bounded channel (default true)"),
	F_INT("capacity", "N", 1, 1000000, "capacity of a bounded channel"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag trait_flags[] = {
	F_REQ("name", "N", "trait name"),
	F_STR("bounds", "\"A + B\"", "supertrait bounds"),
	F_BOOL("gats", "add a generic associated type"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag error_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "thiserror|anyhow|std", .help = "error style",
	  .flags = FLAGF_REQUIRED },
	F_BOOL("backtrace", "capture backtraces"),
	F_BOOL("context", "add context helpers"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag ffi_flags[] = {
	{ .name = "header", .type = FLAG_PATH, .metavar = "H", .help = "the C header",
	  .flags = FLAGF_REQUIRED, .complete = COMPLETE_PATH },
	F_BOOL("bindgen", "run bindgen when installed (default true)"),
	F_PATH("output", "F", "where to write the wrapper"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag macro_flags[] = {
	{ .name = "type", .type = FLAG_ENUM, .values = "derive|attribute|function", .help = "macro kind",
	  .flags = FLAGF_REQUIRED },
	F_REQ("name", "N", "macro name"),
	F_BOOL("syn", "parse with syn (default true)"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag embedded_flags[] = {
	F_REQ("target", "TRIPLE", "target triple (thumbv7em-none-eabihf, ...)"),
	F_STR("hal", "NAME", "HAL crate"),
	F_BOOL("rtic", "use RTIC"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static const struct cmd_flag optimize_flags[] = {
	{ .name = "profile", .type = FLAG_ENUM, .values = "release|dev|bench|test",
	  .help = "profile to edit", .flags = FLAGF_REQUIRED },
	F_ENUM("lto", "off|thin|fat", "link-time optimisation"),
	F_INT("codegen-units", "N", 1, 256, "codegen units"),
	F_ENUM("opt-level", "0|1|2|3|s|z", "optimisation level"),
	F_ENUM("panic", "abort|unwind", "panic strategy"),
	F_BOOL("yes", "write without asking"),
	F_END
};

static bool wants_yes(const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return ctx->yes || cmd_arg_bool(args, "yes");
}

static const char *crate_root(const struct cmd_ctx *ctx)
{
	return ctx->repo ? ctx->repo : ".";
}

/* Previews the plan; writes it when confirmed. */
static int finish(struct cmd_ctx *ctx, const struct cmd_args *args, struct scaffold_plan *p)
{
	bool yes = wants_yes(ctx, args);
	int rc = RWB_OK;

	ctx->result = cJSON_CreateObject();
	scaffold_plan_preview(p, &ctx->out, ctx->result);
	if (p->n == 0) {
		cJSON_AddBoolToObject(ctx->result, "needs_confirmation", false);
		cJSON_AddBoolToObject(ctx->result, "written", false);
		return RWB_OK;
	}
	if (!yes) {
		cJSON_AddBoolToObject(ctx->result, "needs_confirmation", true);
		cJSON_AddBoolToObject(ctx->result, "written", false);
		if (!ctx->tui)
			strbuf_adds(&ctx->out, "nothing written: run again with --yes to write these changes\n");
		return RWB_OK;
	}
	rc = scaffold_plan_write(p);
	if (rc) {
		rc = cmd_fail_last(ctx, rc);
	} else {
		cJSON_AddBoolToObject(ctx->result, "needs_confirmation", false);
		cJSON_AddBoolToObject(ctx->result, "written", true);
		strbuf_addf(&ctx->out, "wrote %d file%s in %s\n", p->n, p->n == 1 ? "" : "s", p->root);
	}
	return rc;
}

/* Plans the template COMMAND/VARIANT with params (into plan, which may
 * hold files already, e.g. a new project's Cargo.toml; NULL: a new plan)
 * and finishes. Takes params; plan stays the caller's. */
static int plan_and_finish(struct cmd_ctx *ctx, const struct cmd_args *args, struct scaffold_plan *plan,
			   const char *name, cJSON *params, const cJSON *extra_deps, const char *extra_path,
			   const char *extra_text)
{
	struct scaffold_plan *p = plan ? plan : scaffold_plan_new(crate_root(ctx));
	cJSON *tpl = NULL, *decl, *d;
	char *cargo = NULL;
	int rc;

	p->store = ctx->store;
	if (!scaffold_plan_text(p, "Cargo.toml", &cargo)) {
		rc = cmd_fail(ctx, RWB_EINPUT, "no Cargo.toml in %s: run /rust-project-init first or give --repo CRATE",
			      crate_root(ctx));
		goto out;
	}
	rc = scaffold_template_get(&tpl, ctx->store, name);
	if (rc) {
		rc = cmd_fail_last(ctx, rc);
		goto out;
	}
	/* declared parameters: defaults for those the command did not set */
	decl = cJSON_GetObjectItem(tpl, "params");
	cJSON_ArrayForEach(d, decl) {
		const cJSON *dflt = cJSON_GetObjectItem(d, "default");
		if (!cJSON_GetObjectItem(params, d->string)) {
			if (!cJSON_IsString(dflt)) {
				rc = cmd_fail(ctx, RWB_EINPUT, "template %s needs parameter %s", name, d->string);
				goto out;
			}
			cJSON_AddStringToObject(params, d->string, dflt->valuestring);
		}
	}
	/* --features of /rust-async go to the template's first dependency */
	if (cJSON_IsString(cJSON_GetObjectItem(params, "extra_features"))) {
		cJSON *feat = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(tpl, "deps"), 0), "features");
		char *dup = xstrdup(cJSON_GetObjectItem(params, "extra_features")->valuestring), *save = NULL;
		for (char *f = strtok_r(dup, ", ", &save); f && feat; f = strtok_r(NULL, ", ", &save)) {
			bool have = false;
			cJSON *e;
			cJSON_ArrayForEach(e, feat)
				have |= strcmp(e->valuestring, f) == 0;
			if (!have)
				cJSON_AddItemToArray(feat, cJSON_CreateString(f));
		}
		free(dup);
	}
	rc = scaffold_plan_template(p, tpl, params);
	if (!rc && extra_deps)
		rc = scaffold_plan_deps(p, extra_deps);
	if (!rc && extra_path)
		rc = scaffold_plan_create(p, extra_path, extra_text, NULL);
	if (rc) {
		rc = cmd_fail_last(ctx, rc);
		goto out;
	}
	rc = finish(ctx, args, p);
	if (!rc)
		cJSON_AddStringToObject(ctx->result, "template", name);
out:
	free(cargo);
	cJSON_Delete(tpl);
	cJSON_Delete(params);
	if (p != plan)
		scaffold_plan_free(p);
	return rc;
}

static int run_template(struct cmd_ctx *ctx, const struct cmd_args *args, const char *name, cJSON *params,
			const cJSON *extra_deps, const char *extra_path, const char *extra_text)
{
	return plan_and_finish(ctx, args, NULL, name, params, extra_deps, extra_path, extra_text);
}

/* A boolean flag as the template's "true" or "false" (dflt when not given). */
static const char *tf(const struct cmd_args *args, const char *name, const char *dflt)
{
	if (!cmd_arg(args, name))
		return dflt;
	return cmd_arg_bool(args, name) ? "true" : "false";
}

static bool is_ident(const char *s)
{
	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* CamelCase -> camel_case */
static char *snake_case(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = s; *p; p++) {
		if (isupper((unsigned char)*p)) {
			if (p != s && (islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1])))
				strbuf_addc(&sb, '_');
			strbuf_addc(&sb, (char)tolower((unsigned char)*p));
		} else {
			strbuf_addc(&sb, *p);
		}
	}
	return strbuf_detach(&sb);
}

static const char *const tokio_features[] = {
	"fs", "io-util", "io-std", "macros", "net", "parking_lot", "process", "rt", "rt-multi-thread",
	"signal", "sync", "time", "full", NULL
};

static int run_async(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	cJSON *params = cJSON_CreateObject();
	char workers[32];
	const char *features = cmd_arg(args, "features");

	if (features) {
		char *dup = xstrdup(features), *save = NULL;
		for (char *f = strtok_r(dup, ", ", &save); f; f = strtok_r(NULL, ", ", &save)) {
			bool ok = false;
			for (int i = 0; tokio_features[i]; i++)
				ok |= strcmp(tokio_features[i], f) == 0;
			if (!ok) {
				cmd_fail(ctx, RWB_EUSAGE, "unknown tokio feature '%s' in --features: use fs, io-util, "
					 "io-std, macros, net, parking_lot, process, rt, rt-multi-thread, signal, sync, "
					 "time or full", f);
				free(dup);
				cJSON_Delete(params);
				return RWB_EUSAGE;
			}
		}
		free(dup);
	}
	snprintf(workers, sizeof(workers), "%ld", cmd_arg_int(args, "workers", 4));
	cJSON_AddStringToObject(params, "workers", workers);
	if (features) {
		/* the template's dependency gets the extra features */
		cJSON_AddStringToObject(params, "extra_features", features);
	}
	return run_template(ctx, args, "rust-async/tokio", params, NULL, NULL, NULL);
}

static int run_runtime(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	cJSON *params = cJSON_CreateObject();
	const char *slash = strrchr(crate_root(ctx), '/');

	cJSON_AddStringToObject(params, "multi", tf(args, "multi-threaded", "true"));
	cJSON_AddStringToObject(params, "enable_all", tf(args, "enable-all", "true"));
	cJSON_AddStringToObject(params, "crate", slash ? slash + 1 : crate_root(ctx));
	return run_template(ctx, args, "async-runtime/tokio", params, NULL, NULL, NULL);
}

static int run_channel(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	cJSON *params = cJSON_CreateObject();
	char *name = xasprintf("channel-pattern/%s", cmd_arg(args, "type"));
	char cap[32];
	int rc;

	if (cmd_arg(args, "capacity") && !cmd_arg_bool(args, "bounded") && cmd_arg(args, "bounded")) {
		cJSON_Delete(params);
		free(name);
		return cmd_fail(ctx, RWB_EUSAGE, "--capacity needs a bounded channel: drop --bounded false or --capacity");
	}
	snprintf(cap, sizeof(cap), "%ld", cmd_arg_int(args, "capacity", 0));
	cJSON_AddStringToObject(params, "bounded", tf(args, "bounded", "true"));
	if (cmd_arg(args, "capacity"))
		cJSON_AddStringToObject(params, "capacity", cap);
	rc = run_template(ctx, args, name, params, NULL, NULL, NULL);
	free(name);
	return rc;
}

/*
 * The bounds a trait may name, and how the generated file spells them: a
 * trait outside the prelude gets its full path, so the file needs no
 * import (the "Clone + Debug" of the brief compiles as it stands). extra
 * is what the starting implementation needs for it beyond its derives.
 */
static const struct {
	const char *name, *path;
	bool display;     /* the implementation needs an impl Display */
} trait_bounds[] = {
	{ "Clone", "Clone", false }, { "Debug", "std::fmt::Debug", false },
	{ "Display", "std::fmt::Display", true }, { "Hash", "std::hash::Hash", false },
	{ "PartialEq", "PartialEq", false }, { "Eq", "Eq", false }, { "PartialOrd", "PartialOrd", false },
	{ "Ord", "Ord", false }, { "Default", "Default", false }, { "Send", "Send", false },
	{ "Sync", "Sync", false }, { "Sized", "Sized", false }, { "Unpin", "Unpin", false },
	{ "std::fmt::Debug", "std::fmt::Debug", false }, { "core::fmt::Debug", "core::fmt::Debug", false },
	{ "std::fmt::Display", "std::fmt::Display", true }, { "core::fmt::Display", "core::fmt::Display", true },
	{ "fmt::Debug", "std::fmt::Debug", false }, { "fmt::Display", "std::fmt::Display", true },
	{ "std::hash::Hash", "std::hash::Hash", false }, { "core::hash::Hash", "core::hash::Hash", false },
	{ "std::marker::Send", "Send", false }, { "std::marker::Sync", "Sync", false },
};

#define TRAIT_BOUNDS_ACCEPTED "Clone, Debug, Display, Hash, PartialEq, Eq, PartialOrd, Ord, Default, Send, " \
	"Sync, Sized, Unpin and lifetimes like 'static"

/* The supertrait clause (": A + B", paths spelled out) of bounds; *display
 * when the implementation must implement Display. RWB_EUSAGE when a bound
 * is not one the starting implementation can meet (message in the error
 * channel). */
static int trait_clause(char **out, bool *display, const char *bounds)
{
	struct strbuf sb = STRBUF_INIT;
	char *dup = xstrdup(bounds), *save = NULL;
	int n = 0;

	*display = false;
	for (char *b = strtok_r(dup, "+", &save); b; b = strtok_r(NULL, "+", &save)) {
		char *e;
		const char *spell = NULL;
		while (*b == ' ' || *b == ',')
			b++;
		e = b + strlen(b);
		while (e > b && (e[-1] == ' ' || e[-1] == ','))
			*--e = '\0';
		if (!*b)
			continue;
		if (b[0] == '\'' && is_ident(b + 1)) {
			spell = b;
		} else {
			for (size_t i = 0; i < sizeof(trait_bounds) / sizeof(trait_bounds[0]); i++)
				if (strcmp(trait_bounds[i].name, b) == 0) {
					spell = trait_bounds[i].path;
					*display |= trait_bounds[i].display;
				}
		}
		if (!spell) {
			rwb_fail(RWB_EUSAGE, "--bounds: rwb cannot write a starting implementation that meets "
				 "'%s' (accepted: " TRAIT_BOUNDS_ACCEPTED ")", b);
			strbuf_free(&sb);
			free(dup);
			return RWB_EUSAGE;
		}
		strbuf_addf(&sb, "%s%s", n++ ? " + " : ": ", spell);
	}
	free(dup);
	*out = strbuf_detach(&sb);
	return RWB_OK;
}

static int run_trait(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *name = cmd_arg(args, "name"), *bounds = cmd_arg(args, "bounds");
	cJSON *params;
	char *snake, *clause = NULL, *impls = NULL;
	bool display = false;

	if (!is_ident(name) || !isupper((unsigned char)name[0]))
		return cmd_fail(ctx, RWB_EUSAGE, "--name '%s' is not a trait name: use a CamelCase Rust identifier "
				"like Storage", name);
	if (bounds) {
		for (const char *p = bounds; *p; p++)
			if (!(isalnum((unsigned char)*p) || strchr("_:<>'+ ,&", *p)))
				return cmd_fail(ctx, RWB_EUSAGE, "--bounds '%s' is not a list of traits: use "
						"\"Send + Sync + 'static\" style", bounds);
		if (!*bounds || bounds[0] == '+' || bounds[strlen(bounds) - 1] == '+')
			return cmd_fail(ctx, RWB_EUSAGE, "--bounds '%s' is not a list of traits: use "
					"\"Send + Sync\" style", bounds);
		if (trait_clause(&clause, &display, bounds) != RWB_OK)
			return cmd_fail_last(ctx, RWB_EUSAGE);
	}
	params = cJSON_CreateObject();
	snake = snake_case(name);
	if (display)
		impls = xasprintf("\nimpl std::fmt::Display for %sImpl {\n"
				  "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n"
				  "        write!(f, \"{}\", self.items.join(\", \"))\n"
				  "    }\n"
				  "}\n", name);
	cJSON_AddStringToObject(params, "name", name);
	cJSON_AddStringToObject(params, "snake", snake);
	cJSON_AddStringToObject(params, "bounds_clause", clause ? clause : "");
	cJSON_AddStringToObject(params, "extra_impls", impls ? impls : "");
	cJSON_AddStringToObject(params, "gats", tf(args, "gats", "false"));
	free(snake);
	free(clause);
	free(impls);
	return run_template(ctx, args, "trait-design/trait", params, NULL, NULL, NULL);
}

static int run_error(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	cJSON *params = cJSON_CreateObject();
	char *name = xasprintf("error-handling/%s", cmd_arg(args, "type"));
	int rc;

	cJSON_AddStringToObject(params, "backtrace", cmd_arg_bool(args, "backtrace") ? "true" : "false");
	cJSON_AddStringToObject(params, "context", cmd_arg_bool(args, "context") ? "true" : "false");
	rc = run_template(ctx, args, name, params, NULL, NULL, NULL);
	free(name);
	return rc;
}

static int run_macro(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *type = cmd_arg(args, "type"), *name = cmd_arg(args, "name");
	cJSON *params, *deps, *dep;
	char *snake, *dir, *tname;
	int rc;

	if (!is_ident(name) || (strcmp(type, "derive") == 0 && !isupper((unsigned char)name[0])))
		return cmd_fail(ctx, RWB_EUSAGE, "--name '%s' is not a macro name: use a Rust identifier (CamelCase "
				"for derive: Describe; snake_case otherwise: trace)", name);
	snake = snake_case(name);
	dir = xasprintf("%s-macro", snake);
	for (char *c = dir; *c; c++)
		if (*c == '_')
			*c = '-';
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "name", name);
	cJSON_AddStringToObject(params, "snake", snake);
	cJSON_AddStringToObject(params, "crate_dir", dir);
	cJSON_AddStringToObject(params, "syn", tf(args, "syn", "true"));
	/* the macro crate becomes a path dependency of the crate */
	deps = cJSON_CreateArray();
	dep = cJSON_CreateObject();
	cJSON_AddStringToObject(dep, "name", dir);
	cJSON_AddStringToObject(dep, "path", dir);
	cJSON_AddItemToArray(deps, dep);
	tname = xasprintf("rust-macro/%s", type);
	rc = run_template(ctx, args, tname, params, deps, NULL, NULL);
	free(tname);
	cJSON_Delete(deps);
	free(snake);
	free(dir);
	return rc;
}

/* Runs argv (no shell) with stdout going to stderr (stdout may hold JSON);
 * captures stdout instead when out is not NULL. With quiet, stderr is not
 * the terminal's either (the TUI owns the screen): it goes to out too with
 * merge_stderr, else nowhere. Returns the exit status, or -1 when it could not start. */
static int run_program(char *const argv[], const char *cwd, char **out, bool quiet, bool merge_stderr)
{
	struct strbuf sb = STRBUF_INIT;
	struct proc_opts o = { .cwd = cwd };
	struct proc_result res;
	int rc;

	if (out) {
		o.out = &sb;
		o.merge_stderr = quiet && merge_stderr;
	} else if (!quiet) {
		o.out_stream = stderr;
	}
	if (!quiet)
		o.stream = stderr;
	rc = proc_run(&res, argv, &o);
	if (out)
		*out = strbuf_detach(&sb);
	return rc == RWB_OK ? res.status : -1;
}

static bool crate_name_ok(const char *name)
{
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

static int run_init(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *name = cmd_arg(args, "name"), *type = cmd_arg(args, "type");
	const char *edition = cmd_arg(args, "edition"), *path = cmd_arg(args, "path");
	char *dir = path ? xstrdup(path) : xasprintf("./%s", name), *cargo = xasprintf("%s/Cargo.toml", dir);
	struct stat st;
	bool exists = stat(dir, &st) == 0, init;
	int rc = RWB_OK, status;

	if (!crate_name_ok(name)) {
		rc = cmd_fail(ctx, RWB_EUSAGE, "--name '%s' is not a crate name: use letters, digits, '_' and '-', "
			      "starting with a letter", name);
		goto out;
	}
	if (exists && !S_ISDIR(st.st_mode)) {
		rc = cmd_fail(ctx, RWB_EEXIST, "%s exists and is not a folder: give another --path", dir);
		goto out;
	}
	if (access(cargo, F_OK) == 0) {
		rc = cmd_fail(ctx, RWB_EEXIST, "%s already has a Cargo.toml: refusing to overwrite it", dir);
		goto out;
	}
	init = exists;
	ctx->result = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->result, "path", dir);
	cJSON_AddStringToObject(ctx->result, "name", name);
	cJSON_AddStringToObject(ctx->result, "type", type);
	cJSON_AddStringToObject(ctx->result, "edition", edition);
	strbuf_addf(&ctx->out, "%s: cargo %s --name %s --%s --edition %s %s\n", wants_yes(ctx, args) ? "running" : "will run",
		    init ? "init" : "new", name, strcmp(type, "binary") == 0 ? "bin" : "lib", edition, dir);
	strbuf_addf(&ctx->out, "create %s/Cargo.toml\ncreate %s/src/%s\n", dir, dir,
		    strcmp(type, "binary") == 0 ? "main.rs" : "lib.rs");
	if (!wants_yes(ctx, args)) {
		cJSON_AddBoolToObject(ctx->result, "needs_confirmation", true);
		cJSON_AddBoolToObject(ctx->result, "written", false);
		if (!ctx->tui)
			strbuf_adds(&ctx->out, "nothing written: run again with --yes to create the project\n");
		goto out;
	}
	{
		char *argv[] = { "cargo", init ? "init" : "new", "--name", (char *)name,
				 strcmp(type, "binary") == 0 ? "--bin" : "--lib", "--edition", (char *)edition,
				 "--quiet", dir, NULL };
		char *said = NULL;
		status = run_program(argv, NULL, ctx->tui ? &said : NULL, ctx->tui, true);
		if (said && status > 0) {
			/* cargo's first line says why (the TUI cannot show its stderr) */
			said[strcspn(said, "\n")] = '\0';
			rc = cmd_fail(ctx, RWB_EFAILED, "cargo %s failed: %s", init ? "init" : "new", said);
			free(said);
			goto out;
		}
		free(said);
	}
	if (status < 0) {
		rc = cmd_fail(ctx, RWB_ENOTOOL, "cargo is not installed or not in PATH: install Rust (rustup or "
			      "apt-get install cargo)");
		goto out;
	}
	if (status != 0) {
		rc = cmd_fail(ctx, RWB_EFAILED, "cargo %s failed with status %d (its message is above)",
			      init ? "init" : "new", status);
		goto out;
	}
	cJSON_AddBoolToObject(ctx->result, "needs_confirmation", false);
	cJSON_AddBoolToObject(ctx->result, "written", true);
	if (ctx->store) {
		char *real = realpath(dir, NULL), *key = xasprintf("project:%s", real ? real : dir);
		char *val = cJSON_PrintUnformatted(ctx->result);
		store_setting_set(ctx->store, key, val);
		cJSON_free(val);
		free(key);
		free(real);
	}
	strbuf_addf(&ctx->out, "created %s project %s in %s\n", type, name, dir);
out:
	free(dir);
	free(cargo);
	return rc;
}

static int run_optimize(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *profile = cmd_arg(args, "profile");
	const char *lto = cmd_arg(args, "lto"), *opt = cmd_arg(args, "opt-level"), *panic = cmd_arg(args, "panic");
	const char *cgu = cmd_arg(args, "codegen-units");
	struct scaffold_plan *p = NULL;
	struct cargotoml *t = NULL;
	char *owned = NULL, *table = NULL, *text = NULL;
	const char *cur;
	bool changed, any = false;
	int rc;

	if (!lto && !opt && !panic && !cgu)
		return cmd_fail(ctx, RWB_EUSAGE, "nothing to change: give --lto, --codegen-units, --opt-level or --panic");
	if (panic && (strcmp(profile, "test") == 0 || strcmp(profile, "bench") == 0))
		return cmd_fail(ctx, RWB_EUSAGE, "--panic is ignored by cargo for the %s profile: use it with "
				"release or dev", profile);
	p = scaffold_plan_new(crate_root(ctx));
	p->store = ctx->store;
	cur = scaffold_plan_text(p, "Cargo.toml", &owned);
	if (!cur) {
		rc = cmd_fail(ctx, RWB_EINPUT, "no Cargo.toml in %s: give --repo CRATE", crate_root(ctx));
		goto out;
	}
	rc = cargotoml_parse(&t, cur, strlen(cur));
	if (rc) {
		rc = cmd_fail_last(ctx, rc);
		goto out;
	}
	table = xasprintf("profile.%s", profile);
	if (lto) {
		char *v = xasprintf("\"%s\"", lto);
		cargotoml_set(t, &changed, table, "lto", v);
		any |= changed;
		free(v);
	}
	if (cgu) {
		cargotoml_set(t, &changed, table, "codegen-units", cgu);
		any |= changed;
	}
	if (opt) {
		char *v = isdigit((unsigned char)opt[0]) ? xstrdup(opt) : xasprintf("\"%s\"", opt);
		cargotoml_set(t, &changed, table, "opt-level", v);
		any |= changed;
		free(v);
	}
	if (panic) {
		char *v = xasprintf("\"%s\"", panic);
		cargotoml_set(t, &changed, table, "panic", v);
		any |= changed;
		free(v);
	}
	if (any) {
		text = cargotoml_text(t);
		scaffold_plan_edit(p, "Cargo.toml", text);
	}
	rc = finish(ctx, args, p);
	if (!rc)
		cJSON_AddBoolToObject(ctx->result, "changed", any);
out:
	free(text);
	free(table);
	free(owned);
	cargotoml_free(t);
	scaffold_plan_free(p);
	return rc;
}

/* The first line of a program's output, or NULL. */
static char *program_line(char *const argv[], const char *prefix, bool quiet)
{
	char *out = NULL, *line = NULL;

	if (run_program(argv, NULL, &out, quiet, false) == 0 && out) {
		for (char *l = out; l && *l;) {
			char *nl = strchr(l, '\n');
			if (nl)
				*nl = '\0';
			if (!prefix || strncmp(l, prefix, strlen(prefix)) == 0) {
				line = xstrdup(l + (prefix ? strlen(prefix) : 0));
				break;
			}
			l = nl ? nl + 1 : NULL;
		}
	}
	free(out);
	return line;
}

/* A crate name made of a folder's name. */
static char *crate_name_of(const char *root)
{
	char *real = realpath(root, NULL);
	const char *base = real ? strrchr(real, '/') : NULL;
	struct strbuf sb = STRBUF_INIT;

	base = base && base[1] ? base + 1 : "firmware";
	if (!isalpha((unsigned char)base[0]))
		strbuf_adds(&sb, "fw-");
	for (const char *c = base; *c; c++)
		strbuf_addc(&sb, isalnum((unsigned char)*c) || *c == '_' ? (char)tolower((unsigned char)*c) : '-');
	free(real);
	return strbuf_detach(&sb);
}

#define EMBEDDED_LIB_ROOT \
	"//! Firmware library: `#![no_std]` on the board, std in `cargo test` on\n" \
	"//! the host, so the logic is tested here.\n" \
	"#![cfg_attr(not(test), no_std)]\n"

/*
 * /embedded-rust. In a folder without Cargo.toml it first plans the
 * project: Cargo.toml (size-optimised release profile), a no_std lib root
 * and .cargo/config.toml making TARGET the default build target. Then, as
 * in any crate: src/firmware.rs (logic using core only, with host tests),
 * memory.x, and `pub mod firmware;` (a missing or untouched stub lib.rs
 * becomes the no_std root; a crate's own lib.rs keeps its std). Whether
 * TARGET's standard library is installed is read from the sysroot
 * (rustc --print sysroot, lib/rustlib/TARGET): when it is not, the files
 * are still written and the answer is exit 3 with the rustup line.
 */
static int run_embedded(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *target = cmd_arg(args, "target"), *hal = cmd_arg(args, "hal");
	const char *rtic = tf(args, "rtic", "false"), *root = crate_root(ctx);
	cJSON *params, *notes;
	struct scaffold_plan *p = NULL;
	struct strbuf n = STRBUF_INIT;
	char *sysroot = NULL, *host = NULL, *dir = NULL, *cargo = NULL, *owned = NULL;
	bool installed = false, fresh, written;
	const char *lib;
	struct stat st;
	int dashes = 0, rc;

	for (const char *c = target; *c; c++) {
		if (*c == '-')
			dashes++;
		else if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.')
			dashes = 99;
	}
	if (dashes < 1 || dashes > 3 || target[0] == '-' || target[strlen(target) - 1] == '-')
		return cmd_fail(ctx, RWB_EUSAGE, "--target '%s' is not a target triple: use one like "
				"thumbv7em-none-eabihf or riscv32imac-unknown-none-elf", target);
	if (hal && !is_ident(hal) && strspn(hal, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(hal))
		return cmd_fail(ctx, RWB_EUSAGE, "--hal '%s' is not a crate name: use one like stm32f4xx-hal", hal);
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return cmd_fail(ctx, RWB_ENOTFOUND, "%s is not a folder: give --repo DIR", root);

	p = scaffold_plan_new(root);
	p->store = ctx->store;
	cargo = xasprintf("%s/Cargo.toml", root);
	fresh = access(cargo, F_OK) != 0;
	if (fresh) {
		/* the project itself */
		char *name = crate_name_of(root), *toml, *ctext;
		const char *cur;
		struct cargotoml *t = NULL;
		bool changed;
		toml = xasprintf("[package]\nname = \"%s\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
				 "[dependencies]\n\n"
				 "# small code for flash; symbols cost no flash\n"
				 "[profile.release]\nopt-level = \"s\"\nlto = true\ncodegen-units = 1\ndebug = true\n", name);
		scaffold_plan_create(p, "Cargo.toml", toml, NULL);
		free(toml);
		free(name);
		cur = scaffold_plan_text(p, ".cargo/config.toml", &owned);
		ctext = xasprintf("# Written by rwb /embedded-rust: builds default to %s, whose standard\n"
				  "# library must be installed (rustup target add %s).\n"
				  "# Test the logic on this machine with: cargo test --target HOST-TRIPLE\n"
				  "# With cortex-m-rt (a dependency to add when online), link with its script:\n"
				  "# [target.%s]\n# rustflags = [\"-C\", \"link-arg=-Tlink.x\"]\n", target, target, target);
		if (cargotoml_parse(&t, cur ? cur : ctext, strlen(cur ? cur : ctext)) != RWB_OK) {
			rc = cmd_fail(ctx, RWB_EINPUT, "%s/.cargo/config.toml: %s", root, rwb_last_error());
			free(ctext);
			goto out;
		}
		{
			char *v = xasprintf("\"%s\"", target), *text;
			cargotoml_set(t, &changed, "build", "target", v);
			text = cargotoml_text(t);
			if (changed || !cur)
				scaffold_plan_edit(p, ".cargo/config.toml", text);
			free(text);
			free(v);
		}
		cargotoml_free(t);
		free(ctext);
	}
	free(owned);
	lib = scaffold_plan_text(p, "src/lib.rs", &owned);
	if (!lib || (strlen(lib) < 400 && strstr(lib, "pub fn add(left: ")))  /* none, or cargo's stub */
		scaffold_plan_create(p, "src/lib.rs", EMBEDDED_LIB_ROOT, "lib");
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "target", target);
	cJSON_AddStringToObject(params, "hal", hal ? hal : "");
	cJSON_AddStringToObject(params, "rtic", rtic);
	rc = plan_and_finish(ctx, args, p, "embedded-rust/no-std", params, NULL, NULL, NULL);
	if (rc)
		goto out;
	written = cJSON_IsTrue(cJSON_GetObjectItem(ctx->result, "written"));
	cJSON_AddBoolToObject(ctx->result, "project_created", fresh);
	notes = cJSON_GetObjectItem(ctx->result, "notes");
	{
		char *argv[] = { "rustc", "--print", "sysroot", NULL };
		char *hargv[] = { "rustc", "-vV", NULL };
		sysroot = program_line(argv, NULL, ctx->tui);
		host = program_line(hargv, "host: ", ctx->tui);
		if (sysroot) {
			dir = xasprintf("%s/lib/rustlib/%s", sysroot, target);
			installed = stat(dir, &st) == 0;
		}
	}
	cJSON_AddBoolToObject(ctx->result, "target_installed", installed);
	if (installed)
		strbuf_addf(&n, "the %s standard library is installed: cargo build --lib --target %s builds the firmware "
			    "library", target, target);
	else
		strbuf_addf(&n, "cannot build for %s here: its standard library is not installed in %s (run: rustup "
			    "target add %s); what builds here is the logic on the host: cargo test --target %s",
			    target, sysroot ? sysroot : "the Rust sysroot", target, host ? host : "HOST");
	cJSON_AddItemToArray(notes, cJSON_CreateString(n.buf));
	strbuf_addf(&ctx->out, "note: %s\n", n.buf);
	if (!fresh) {
		strbuf_reset(&n);
		strbuf_addf(&n, "in an existing crate the default build target is kept (so host builds keep working): "
			    "build for the board with cargo build --lib --target %s", target);
		cJSON_AddItemToArray(notes, cJSON_CreateString(n.buf));
		strbuf_addf(&ctx->out, "note: %s\n", n.buf);
	}
	strbuf_reset(&n);
	strbuf_addf(&n, "a firmware binary also needs a runtime crate (cortex-m-rt or riscv-rt) and a panic handler "
		    "(panic-halt)%s%s%s; set memory.x to the chip's flash and RAM",
		    hal ? ", and the " : "", hal ? hal : "", hal ? " HAL crate, which is not in the offline registry: "
		    "add them when online" : ", which are not in the offline registry: add them when online");
	cJSON_AddItemToArray(notes, cJSON_CreateString(n.buf));
	strbuf_addf(&ctx->out, "note: %s\n", n.buf);
	if (strcmp(rtic, "true") == 0) {
		const char *r = "RTIC (cortex-m-rtic) is not in the offline registry: add it when online and move "
				"the logic into #[rtic::app] tasks";
		cJSON_AddItemToArray(notes, cJSON_CreateString(r));
		strbuf_addf(&ctx->out, "note: %s\n", r);
	}
	if (written && !installed)
		rc = cmd_fail(ctx, RWB_EENV, "wrote the %s in %s, but %s cannot be built for here: its standard "
			      "library is not installed: run `rustup target add %s` (meanwhile: cargo test --target %s)",
			      fresh ? "project" : "firmware module", root, target, target, host ? host : "HOST");
out:
	strbuf_free(&n);
	scaffold_plan_free(p);
	free(owned);
	free(cargo);
	free(dir);
	free(sysroot);
	free(host);
	return rc;
}

static int run_ffi(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *header = cmd_arg(args, "header"), *output = cmd_arg(args, "output");
	bool want_bindgen = strcmp(tf(args, "bindgen", "true"), "true") == 0, have_bindgen;
	char *hpath = NULL, *src = NULL, *module = NULL, *lib = NULL, *sys_text = NULL, *sys_path;
	struct strbuf externs = STRBUF_INIT, wrappers = STRBUF_INIT, sys = STRBUF_INIT;
	cJSON *params, *funcs = cJSON_CreateArray(), *skipped = cJSON_CreateArray();
	const char *base;
	int rc;

	if (!output)
		output = "src/ffi.rs";
	if (strncmp(output, "src/", 4) != 0 || strlen(output) < 8 || strcmp(output + strlen(output) - 3, ".rs") != 0 ||
	    strchr(output + 4, '/')) {
		rc = cmd_fail(ctx, RWB_EUSAGE, "--output '%s' must be a module file like src/ffi.rs", output);
		goto out;
	}
	module = xstrndup(output + 4, strlen(output) - 7);
	if (!is_ident(module)) {
		rc = cmd_fail(ctx, RWB_EUSAGE, "--output '%s' must name a Rust module (src/NAME.rs)", output);
		goto out;
	}
	hpath = header[0] == '/' ? xstrdup(header) : xasprintf("%s/%s", crate_root(ctx), header);
	if (access(hpath, R_OK) != 0) {
		free(hpath);
		hpath = xstrdup(header);
	}
	{
		FILE *f = fopen(hpath, "r");
		struct strbuf sb = STRBUF_INIT;
		char buf[4096];
		size_t n;
		if (!f) {
			rc = cmd_fail(ctx, RWB_ENOTFOUND, "cannot read header %s: %s", header, strerror(errno));
			goto out;
		}
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < 4 * 1024 * 1024)
			strbuf_add(&sb, buf, n);
		fclose(f);
		src = strbuf_detach(&sb);
	}
	base = strrchr(hpath, '/') ? strrchr(hpath, '/') + 1 : hpath;
	lib = xstrndup(base, strcspn(base, "."));
	cheader_bind(&externs, &wrappers, funcs, skipped, src, base);
	if (cJSON_GetArraySize(funcs) == 0) {
		rc = cmd_fail(ctx, RWB_EINPUT, "found no function prototypes rwb can bind in %s (it reads plain "
			      "C prototypes of scalar and pointer types)", header);
		goto out;
	}
	have_bindgen = want_bindgen && proc_in_path("bindgen");
	if (have_bindgen) {
		char *argv[] = { "bindgen", "--no-layout-tests", "--size_t-is-usize", hpath, NULL };
		if (run_program(argv, NULL, &sys_text, ctx->tui, false) != 0 || !sys_text || !*sys_text) {
			free(sys_text);
			sys_text = NULL;
			have_bindgen = false;
		} else {
			/* extern blocks must be unsafe from edition 2024 on (and may be since Rust 1.82) */
			struct strbuf fixed = STRBUF_INIT;
			for (const char *l = sys_text; *l;) {
				const char *nl = strchr(l, '\n');
				size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
				if (strncmp(l, "extern \"C\" {", 12) == 0)
					strbuf_adds(&fixed, "unsafe ");
				strbuf_add(&fixed, l, n);
				l += n;
			}
			free(sys_text);
			sys_text = strbuf_detach(&fixed);
		}
	}
	if (have_bindgen)
		strbuf_addf(&sys, "    include!(\"%s_sys.rs\");\n", module);
	else
		strbuf_addf(&sys, "    unsafe extern \"C\" {\n%s    }\n", strbuf_str(&externs));
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "header", base);
	cJSON_AddStringToObject(params, "lib", lib);
	cJSON_AddStringToObject(params, "sys", strbuf_str(&sys));
	cJSON_AddStringToObject(params, "wrappers", strbuf_str(&wrappers));
	cJSON_AddStringToObject(params, "bindgen", have_bindgen ? "true" : "false");
	cJSON_AddStringToObject(params, "module", module);
	sys_path = xasprintf("src/%s_sys.rs", module);
	/* bindgen's output is one more file of the same plan */
	rc = run_template(ctx, args, "rust-ffi/wrapper", params, NULL, have_bindgen ? sys_path : NULL, sys_text);
	free(sys_path);
	if (!rc) {
		const char *say = have_bindgen ? "ran bindgen for the raw declarations"
			: want_bindgen ? "bindgen is not installed (apt-get install bindgen): wrote the extern "
					 "declarations from the header's prototypes"
				       : "--bindgen false: wrote the extern declarations from the header's prototypes";
		cJSON_AddBoolToObject(ctx->result, "bindgen", have_bindgen);
		cJSON_AddItemToArray(cJSON_GetObjectItem(ctx->result, "notes"), cJSON_CreateString(say));
		strbuf_addf(&ctx->out, "note: %s\n", say);
		cJSON_AddItemToObject(ctx->result, "functions", funcs);
		funcs = NULL;
		if (cJSON_GetArraySize(skipped)) {
			cJSON *s;
			strbuf_adds(&ctx->out, "note: skipped (types it cannot map):");
			cJSON_ArrayForEach(s, skipped)
				strbuf_addf(&ctx->out, " %s", s->valuestring);
			strbuf_addc(&ctx->out, '\n');
		}
		cJSON_AddItemToObject(ctx->result, "skipped", skipped);
		skipped = NULL;
	}
out:
	cJSON_Delete(funcs);
	cJSON_Delete(skipped);
	strbuf_free(&externs);
	strbuf_free(&wrappers);
	strbuf_free(&sys);
	free(sys_text);
	free(hpath);
	free(src);
	free(module);
	free(lib);
	return rc;
}

const struct cmd_def commands_scaffold[] = {
	{ .name = "rust-project-init", .run = run_init, .group = "Cargo and toolchain",
	  .summary = "cargo new / cargo init; records the project", .flags = init_flags,
	  .traits = CMD_CONFIRM | CMD_YES_JOB },
	{ .name = "rust-optimize", .run = run_optimize, .group = "Cargo and toolchain",
	  .summary = "edit [profile.*] in Cargo.toml keeping every other line; shows the diff",
	  .flags = optimize_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-async", .run = run_async, .group = "Scaffolding", .summary = "async main / runtime set-up",
	  .flags = async_flags, .traits = CMD_CONFIRM },
	{ .name = "async-runtime", .run = run_runtime, .group = "Scaffolding", .summary = "runtime builder configuration",
	  .flags = runtime_flags, .traits = CMD_CONFIRM },
	{ .name = "channel-pattern", .run = run_channel, .group = "Scaffolding", .summary = "producer/consumer code",
	  .flags = channel_flags, .traits = CMD_CONFIRM },
	{ .name = "trait-design", .run = run_trait, .group = "Scaffolding", .summary = "trait skeleton with an impl",
	  .flags = trait_flags, .traits = CMD_CONFIRM },
	{ .name = "error-handling", .run = run_error, .group = "Scaffolding", .summary = "error enum and Result alias",
	  .flags = error_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-ffi", .run = run_ffi, .group = "Scaffolding",
	  .summary = "bindgen run plus a safe wrapper skeleton with SAFETY comments",
	  .flags = ffi_flags, .traits = CMD_CONFIRM },
	{ .name = "rust-macro", .run = run_macro, .group = "Scaffolding", .summary = "proc-macro crate skeleton",
	  .flags = macro_flags, .traits = CMD_CONFIRM },
	{ .name = "embedded-rust", .run = run_embedded, .group = "Scaffolding", .summary = "#![no_std] project skeleton",
	  .flags = embedded_flags, .traits = CMD_CONFIRM },
	{ .name = NULL }
};
