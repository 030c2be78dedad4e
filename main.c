/*
 * main.c - rwb: parse the global options, then hand over to the TUI, the
 * command line (one slash command) or the MCP server.
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "cli.h"
#include "error.h"
#include "keys.h"
#include "mcp.h"
#include "memory.h"
#include "registry.h"
#include "repoinfo.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage:\n"
	"  rwb [--db PATH] [--repo DIR] [--theme NAME]            start the TUI\n"
	"  rwb [--db PATH] [--repo DIR] [--json] /COMMAND ARGS... run one slash command and exit\n"
	"  rwb [--db PATH] [--repo DIR] mcp                        serve the store over MCP (stdio)\n"
	"  rwb --version | --help\n"
	"\n"
	"options:\n"
	"  --db PATH        the store (default: $RWB_DB, else $XDG_DATA_HOME/rwb/rwb.db)\n"
	"  --repo DIR       where cargo and git act (default: the enclosing git work tree)\n"
	"  --theme NAME     default, light, high-contrast, mono, or themes/NAME.theme\n"
	"  --json           print one JSON document on stdout (stderr: warnings and errors only)\n"
	"  --yes            let commands that write files go ahead without asking\n"
	"  --script FILE    read keys and :commands from FILE instead of the keyboard\n"
	"                   (also RWB_SCRIPT); :save-screen FILE, :wait MS, :quit\n"
	"  --result-file F  also write the command's JSON answer to F\n"
	"\n"
	"  --keys-markdown  print every view's key table as Markdown (docs/user-guide.md)\n"
	"\n"
	"exit status: 0 done; 1 negative answer; 2 bad usage or input; 3 environment problem\n"
	"\n"
	"RWB_AGENT=NAME     run as that agent: its jobs (and rwb mcp's) show live in a\n"
	"                   terminal tab of every rwb on the store\n"
	"\n";

static void print_help(void)
{
	struct strbuf keys = STRBUF_INIT;

	fputs(usage_text, stdout);
	/* the TUI's own keys, from the tables it dispatches through (F1 has them all) */
	keymap_help(&keys, &app_keys_global);
	keymap_help(&keys, &app_keys_outside);
	printf("%s\n", strbuf_str(&keys));
	strbuf_free(&keys);
	fputs("flags: --flag, --flag true|false or --flag=V for yes/no; times as 500ms, 3s, 2m, 1h;\n"
	      "       the cargo commands also take cargo's own flags, +TOOLCHAIN and -- ARGS\n\n", stdout);
	fputs("commands (rwb /COMMAND --help or rwb /help COMMAND for flags):\n", stdout);
	for (const struct cmd_def *const *d = registry_all(); *d; d++)
		printf("  /%-20s %s\n", (*d)->name, (*d)->summary);
}

/*
 * This binary's own path, for the jobs the TUI starts (`rwb --result-file F
 * /cmd`) in the repository's folder and for the terminal pane's PATH: argv[0]
 * is relative when started as ./build/rwb, and a bare name when found on PATH,
 * so neither works from another folder. Linux's /proc/self/exe names the file
 * itself; where it cannot be read, argv[0] made absolute against the starting
 * folder when it has a slash, else argv[0] as given (a PATH lookup then works).
 */
static char *self_path(const char *argv0)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0 && (size_t)n < sizeof(buf) - 1) {
		buf[n] = '\0';
		/* a binary replaced while running reads "PATH (deleted)" */
		if (access(buf, X_OK) == 0)
			return xstrdup(buf);
	}
	if (strchr(argv0, '/')) {
		char *abs = realpath(argv0, NULL);
		if (abs)
			return abs;
	}
	return xstrdup(argv0);
}

static int bad_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "rwb: %s%s%s\nTry 'rwb --help'.\n", msg, arg ? " " : "", arg ? arg : "");
	return 2;
}

int main(int argc, char **argv)
{
	struct cli_options co = { 0 };
	const char *db = NULL, *repo_arg = NULL, *theme = NULL, *script = NULL;
	char *repo = NULL, *self = NULL;
	bool mcp = false;
	int i, status;

	setlocale(LC_ALL, "");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (a[0] == '/' || strcmp(a, "mcp") == 0)
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help();
			return 0;
		}
		if (strcmp(a, "--keys-markdown") == 0) {
			struct strbuf md = STRBUF_INIT;
			for (const struct keymap *const *m = keys_all(); *m; m++)
				keymap_markdown(&md, *m);
			fputs(strbuf_str(&md), stdout);
			strbuf_free(&md);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("rwb %s\n", RWB_VERSION);
			return 0;
		}
		if (strcmp(a, "--json") == 0) {
			co.json = true;
			continue;
		}
		if (strcmp(a, "--yes") == 0) {
			co.yes = true;
			continue;
		}
		if (strcmp(a, "--db") == 0) slot = &db;
		else if (strcmp(a, "--repo") == 0) slot = &repo_arg;
		else if (strcmp(a, "--theme") == 0) slot = &theme;
		else if (strcmp(a, "--script") == 0) slot = &script;
		else if (strcmp(a, "--result-file") == 0) slot = &co.result_file;
		else if (strncmp(a, "--", 2) == 0 && strchr(a, '=')) {
			/* --name=value */
			size_t len = (size_t)(strchr(a, '=') - a);
			const char *v = strchr(a, '=') + 1;
			if (len == 4 && !strncmp(a, "--db", 4)) { db = v; continue; }
			if (len == 6 && !strncmp(a, "--repo", 6)) { repo_arg = v; continue; }
			if (len == 7 && !strncmp(a, "--theme", 7)) { theme = v; continue; }
			if (len == 8 && !strncmp(a, "--script", 8)) { script = v; continue; }
			return bad_usage("unknown option", a);
		} else if (a[0] != '-' && registry_nearest(a)) {
			/* "cargo-build" or "erust-benchmark": the command meant */
			fprintf(stderr, "rwb: commands start with '/': did you mean /%s?\n",
				registry_find(a) ? registry_find(a)->name : registry_nearest(a));
			return 2;
		} else
			return bad_usage(a[0] == '-' ? "unknown option" :
					 "commands start with '/'; unexpected", a);
		if (i + 1 >= argc || !argv[i + 1][0])
			return bad_usage("option needs a value:", a);
		*slot = argv[++i];
	}
	if (i < argc && strcmp(argv[i], "mcp") == 0)
		mcp = true;
	if (!script && getenv("RWB_SCRIPT") && *getenv("RWB_SCRIPT"))
		script = getenv("RWB_SCRIPT");

	status = repoinfo_resolve(&repo, repo_arg);
	if (status) {
		if (co.json && i < argc)
			printf("{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n", rwb_errname(status),
			       "--repo is not a folder");
		fprintf(stderr, "rwb: %s\n", rwb_last_error());
		return rwb_exit_status(status);
	}
	co.db_path = db;
	co.repo = repo;
	self = self_path(argv[0]);
	co.argv0 = self;

	if (i < argc && !mcp) {
		xalloc_set_batch(true);   /* one command, then exit */
		status = cli_run(&co, argc - i, argv + i);
	} else {
		char *path = NULL;
		bool is_explicit = false;
		struct store *store = NULL;

		if (mcp && i + 1 < argc) {
			free(repo);
			free(self);
			return bad_usage("mcp takes no arguments; unexpected", argv[i + 1]);
		}
		status = store_resolve_path(&path, &is_explicit, db);
		if (status == RWB_OK)
			status = store_open(&store, path, is_explicit);
		else
			rwb_fail(status, "cannot find a place for the store: set HOME, RWB_DB or --db");
		if (status) {
			fprintf(stderr, "rwb: %s\n", rwb_last_error());
			free(path);
			free(repo);
			free(self);
			return rwb_exit_status(status);
		}
		/* the starter library, once, into an empty store (idempotent; a
		 * missing data file is not an error) */
		memory_seed_starter(store);
		if (mcp) {
			/* children (the rwb tool's jobs) run in the repository: the absolute
			 * binary self_path() found */
			struct mcp_options mo = { .argv0 = self, .db_path = path };
			status = mcp_serve(store, repo, &mo, stdin, stdout);
		} else {
			struct app_options ao = {
				.db_path = path, .repo = repo, .theme = theme, .script = script,
				.argv0 = self,
			};
			status = app_main(&ao, store);
		}
		store_free(store);
		free(path);
	}
	free(repo);
	free(self);
	return status;
}
