/*
 * test_files.c - glob patterns, .gitignore rules (negation, folder-only,
 * anchored, nested files, .git/info/exclude), the walk with a symlink loop,
 * grep over text and binary files, and the file commands through the
 * registry (/file-read, /glob-search, /grep-search) with their errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "error.h"
#include "files.h"
#include "registry.h"
#include "testutil.h"
#include "xalloc.h"

static void test_glob_match(void **state)
{
	static const struct {
		const char *pat, *path;
		bool want;
	} cases[] = {
		{ "*.rs", "main.rs", true },
		{ "*.rs", "src/main.rs", false },
		{ "**/*.rs", "main.rs", true },
		{ "**/*.rs", "src/a/b/main.rs", true },
		{ "src/**/*.rs", "src/main.rs", true },
		{ "src/**/*.rs", "src/x/y/main.rs", true },
		{ "src/**/*.rs", "tests/main.rs", false },
		{ "src/**", "src/a/b", true },
		{ "a/**/b", "a/b", true },
		{ "a/**/b", "a/x/y/b", true },
		{ "a/**/b", "a/xb", false },
		{ "?.rs", "a.rs", true },
		{ "?.rs", "ab.rs", false },
		{ "?", "/", false },
		{ "[abc].rs", "b.rs", true },
		{ "[!abc].rs", "b.rs", false },
		{ "[^abc].rs", "d.rs", true },
		{ "[a-c]x", "bx", true },
		{ "[a-c]x", "dx", false },
		{ "[]]x", "]x", true },
		{ "[x", "[x", true },
		{ "\\*.rs", "*.rs", true },
		{ "\\*.rs", "a.rs", false },
		{ "a*b*c", "aXbYc", true },
		{ "a*b*c", "aXbY/c", false },
		{ "*", "", true },
		{ "", "", true },
		{ "abc", "ab", false },
		{ "a**b", "axyb", true },
		{ "a**b", "ax/yb", false },
		{ "*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (files_glob_match(cases[i].pat, cases[i].path) != cases[i].want)
			fail_msg("glob '%s' on '%s': wanted %d", cases[i].pat, cases[i].path, cases[i].want);
}

static void test_ignore_rules(void **state)
{
	const char *text = "# comment\n"
			   "*.log\n"
			   "!keep.log\n"
			   "build/\n"
			   "/top.txt\n"
			   "docs/*.html\n"
			   "**/gen/**\n"
			   "trailing   \n"
			   "\\#hash\n"
			   "\\!bang\n"
			   "crlf.txt\r\n";
	struct files_ignore *ig = files_ignore_parse("", text, strlen(text));
	struct files_ignore *sub = files_ignore_parse("src/", "*.tmp\n/local.rs\n", 16);
	(void)state;
	assert_int_equal(files_ignore_check(ig, "a.log", false), 1);
	assert_int_equal(files_ignore_check(ig, "x/y/a.log", false), 1);
	assert_int_equal(files_ignore_check(ig, "keep.log", false), -1);
	assert_int_equal(files_ignore_check(ig, "build", true), 1);
	assert_int_equal(files_ignore_check(ig, "build", false), 0);   /* folder-only */
	assert_int_equal(files_ignore_check(ig, "src/build", true), 1);
	assert_int_equal(files_ignore_check(ig, "top.txt", false), 1);
	assert_int_equal(files_ignore_check(ig, "src/top.txt", false), 0); /* anchored */
	assert_int_equal(files_ignore_check(ig, "docs/a.html", false), 1);
	assert_int_equal(files_ignore_check(ig, "docs/x/a.html", false), 0);
	assert_int_equal(files_ignore_check(ig, "a/gen/b/c.rs", false), 1);
	assert_int_equal(files_ignore_check(ig, "trailing", false), 1);
	assert_int_equal(files_ignore_check(ig, "#hash", false), 1);
	assert_int_equal(files_ignore_check(ig, "!bang", false), 1);
	assert_int_equal(files_ignore_check(ig, "crlf.txt", false), 1);
	assert_int_equal(files_ignore_check(ig, "main.rs", false), 0);
	assert_int_equal(files_ignore_check(sub, "src/a.tmp", false), 1);
	assert_int_equal(files_ignore_check(sub, "src/x/a.tmp", false), 1);
	assert_int_equal(files_ignore_check(sub, "a.tmp", false), 0);       /* outside its folder */
	assert_int_equal(files_ignore_check(sub, "src/local.rs", false), 1);
	assert_int_equal(files_ignore_check(sub, "src/x/local.rs", false), 0);
	files_ignore_free(ig);
	files_ignore_free(sub);
}

static char *outside;

static char *make_tree(void)
{
	char *dir = tu_tmpdir(), *cmd;
	int rc;

	/* a folder outside the tree with a link back to itself: a loop */
	if (outside)
		tu_rmtree(outside);
	free(outside);
	outside = tu_tmpdir();
	assert_int_equal(tu_sh(outside, "mkdir -p x && echo 'needle outside' > x/o.rs && ln -s .. x/back"), 0);
	cmd = xasprintf("ln -s %s ext", outside);
	assert_int_equal(tu_sh(dir, cmd), 0);
	free(cmd);
	rc = tu_sh(dir,
		       "git init -q . && "
		       "printf 'target/\\n*.log\\n!keep.log\\n/top.txt\\nsecret*\\n' > .gitignore && "
		       "mkdir -p src/sub src/deep/er target/debug .git/info && "
		       "printf 'fn main() {\\n    let needle = 1;\\n}\\n' > src/main.rs && "
		       "printf 'needle in text\\n' > notes.txt && "
		       "echo x > a.log && echo 'needle keep' > keep.log && echo top > top.txt && "
		       "echo 'needle top' > src/top.txt && echo 'fn needle() {}' > target/debug/gen.rs && "
		       "printf 'inner.rs\\n!secret_ok.rs\\n' > src/sub/.gitignore && "
		       "echo 'needle' > src/sub/inner.rs && echo 'fn b() { needle(); }' > src/sub/other.rs && "
		       "echo 'needle' > src/sub/secret_ok.rs && echo 'needle' > src/secret.rs && "
		       "echo 'excluded.rs' > .git/info/exclude && echo 'needle' > excluded.rs && "
		       "printf 'needle\\000binary' > src/blob.rs && "
		       "echo 'needle deep' > src/deep/er/d.rs && "
		       "ln -s ../.. src/deep/er/loop && ln -s ../sub src/deep/again && ln -s missing src/dangling");
	assert_int_equal(rc, 0);
	return dir;
}

static int collect(void *data, const char *rel, const char *abs, const struct stat *st)
{
	struct strbuf *sb = data;
	(void)abs;
	(void)st;
	strbuf_adds(sb, rel);
	strbuf_addc(sb, '\n');
	return 0;
}

static void test_walk_honours_ignores_and_loops(void **state)
{
	char *dir = make_tree();
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	files_walk(dir, collect, &sb);
	assert_string_equal(strbuf_str(&sb),
			    ".gitignore\n"
			    "ext/x/o.rs\n"
			    "keep.log\n"
			    "notes.txt\n"
			    "src/blob.rs\n"
			    "src/deep/er/d.rs\n"
			    "src/main.rs\n"
			    "src/sub/.gitignore\n"
			    "src/sub/other.rs\n"
			    "src/sub/secret_ok.rs\n"
			    "src/top.txt\n");
	strbuf_free(&sb);
	tu_rmtree(dir);
	free(dir);
}

/* The parts, walked in order, give files_walk's list; a part of a folder
 * below the root keeps the rules from the root down. */
static void test_walk_parts_equal_walk(void **state)
{
	char *dir = make_tree();
	struct strbuf whole = STRBUF_INIT, parts = STRBUF_INIT;
	size_t n;
	struct files_parts *p;
	(void)state;
	files_walk(dir, collect, &whole);
	p = files_parts_open(dir, "", &n);
	assert_true(n > 3);
	for (size_t j = 0; j < n; j++)
		files_walk_part(p, j, collect, &parts);
	files_parts_free(p);
	assert_string_equal(strbuf_str(&parts), strbuf_str(&whole));
	strbuf_reset(&parts);
	/* src/sub's own .gitignore and the root's still hold under src/sub */
	p = files_parts_open(dir, "src/sub", &n);
	for (size_t j = 0; j < n; j++)
		files_walk_part(p, j, collect, &parts);
	files_parts_free(p);
	assert_string_equal(strbuf_str(&parts), "src/sub/.gitignore\nsrc/sub/other.rs\nsrc/sub/secret_ok.rs\n");
	/* a folder that cannot be read: no parts */
	p = files_parts_open(dir, "nope", &n);
	assert_int_equal(n, 0);
	files_parts_free(p);
	strbuf_free(&whole);
	strbuf_free(&parts);
	tu_rmtree(dir);
	free(dir);
}

/* Outside a git work tree .gitignore files mean nothing (as for git and
 * ripgrep); cargo's target beside a Cargo.toml is skipped everywhere, a
 * folder named target elsewhere is not. */
static void test_walk_rules_outside_git(void **state)
{
	char *dir = tu_tmpdir();
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	assert_int_equal(tu_sh(dir, "printf 'a.rs\\n' > .gitignore && echo x > a.rs && "
				    "echo '[package]' > Cargo.toml && mkdir -p target/debug src/target && "
				    "echo x > target/debug/gen.rs && echo x > src/target/m.rs"), 0);
	files_walk(dir, collect, &sb);
	assert_string_equal(strbuf_str(&sb), ".gitignore\nCargo.toml\na.rs\nsrc/target/m.rs\n");
	assert_true(files_is_rust("a.rs") && files_is_rust("src/target/m.rs"));
	assert_false(files_is_rust(".rs") || files_is_rust("src/.rs") || files_is_rust("a.rsx") || files_is_rust("rs"));
	strbuf_free(&sb);
	tu_rmtree(dir);
	free(dir);
}

static void test_glob_search(void **state)
{
	char *dir = make_tree(), *text;
	cJSON *res = NULL;
	(void)state;
	assert_int_equal(files_glob(&res, dir, "src/**/*.rs"), RWB_OK);
	text = cJSON_PrintUnformatted(res);
	assert_string_equal(text, "{\"matches\":[\"src/blob.rs\",\"src/deep/er/d.rs\",\"src/main.rs\","
				  "\"src/sub/other.rs\",\"src/sub/secret_ok.rs\"]}");
	cJSON_free(text);
	cJSON_Delete(res);
	/* no '/': the name at any depth */
	assert_int_equal(files_glob(&res, dir, "*.txt"), RWB_OK);
	text = cJSON_PrintUnformatted(res);
	assert_string_equal(text, "{\"matches\":[\"notes.txt\",\"src/top.txt\"]}");
	cJSON_free(text);
	cJSON_Delete(res);
	assert_int_equal(files_glob(&res, dir, ""), RWB_EUSAGE);
	assert_null(res);
	tu_rmtree(dir);
	free(dir);
}

static void test_grep(void **state)
{
	char *dir = make_tree(), *text;
	struct files_grep_opts o = { .regex = "needle" };
	cJSON *res = NULL, *m;
	size_t n;
	(void)state;
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	/* binary src/blob.rs, ignored and excluded files are skipped; the
	 * outside folder is reached once through its link */
	assert_int_equal(n, 8);
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "matches"), 4);
	text = cJSON_PrintUnformatted(m);
	assert_string_equal(text, "{\"file\":\"src/main.rs\",\"line\":2,\"column\":9,\"text\":\"    let needle = 1;\"}");
	cJSON_free(text);
	cJSON_Delete(res);

	/* a regex without a literal, anchors and --type */
	o.regex = "^fn [a-z]+\\(";
	o.type = "rs";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 2);
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "matches"), 1);
	assert_string_equal(cJSON_GetObjectItem(m, "file")->valuestring, "src/sub/other.rs");
	cJSON_Delete(res);
	o.regex = "(needle|top) (in|keep)";
	o.type = NULL;
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 2);
	cJSON_Delete(res);
	/* literal inside an optional group must not be required */
	o.regex = "ne(zzz)?edle deep";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 1);
	cJSON_Delete(res);
	o.regex = "needlx?e deep";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 1);
	cJSON_Delete(res);
	/* a counted repeat is not a literal, and the runs around it are separate */
	o.regex = "ne{2}dle d";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 1);
	cJSON_Delete(res);
	o.regex = "n[a-z]{5} de+p";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 1);
	cJSON_Delete(res);
	o.regex = "neex*dle deep";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 1);
	cJSON_Delete(res);
	o.regex = "ne?edle deep";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 1);
	cJSON_Delete(res);
	/* the match limit */
	o.regex = "needle";
	o.max_matches = 3;
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 3);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(res, "truncated")));
	cJSON_Delete(res);
	o.max_matches = 0;

	/* errors: bad regex, unknown type; one line each */
	o.regex = "(unclosed";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_EUSAGE);
	assert_null(strchr(rwb_last_error(), '\n'));
	assert_non_null(strstr(rwb_last_error(), "bad regex"));
	o.regex = "x";
	o.type = "cobol";
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_EUSAGE);
	assert_non_null(strstr(rwb_last_error(), "rs|toml"));
	tu_rmtree(dir);
	free(dir);
}

/* Enough files for several threads: the answer is in walk order and a
 * match limit cuts it exactly where one thread would. */
static void test_grep_many_files(void **state)
{
	char *dir = tu_tmpdir(), *text;
	struct files_grep_opts o = { .regex = "hit [0-9]+" };
	cJSON *res = NULL, *m;
	size_t n, want = 0, k = 0;
	char name[64];
	(void)state;
	for (int i = 0; i < 300; i++) {
		struct strbuf body = STRBUF_INIT;
		for (int l = 0; l < i % 4; l++)
			strbuf_addf(&body, "line\nhit %d\n", i * 10 + l);
		snprintf(name, sizeof(name), "%s/d%d/f%03d.txt", dir, i % 7, i);
		tu_write(name, strbuf_str(&body));
		want += (size_t)(i % 4);
		strbuf_free(&body);
	}
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, want);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "matches")), (int)want);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(res, "truncated")));
	/* walk order: d0/f000.. d0/f294, d1/..., each file's lines in order */
	{
		const char *prev = "";
		int prev_line = 0;
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(res, "matches")) {
			const char *f = cJSON_GetObjectItem(m, "file")->valuestring;
			int line = cJSON_GetObjectItem(m, "line")->valueint;
			int c = strcmp(prev, f);
			if (c > 0 || (c == 0 && line <= prev_line))
				fail_msg("out of order: %s:%d after %s:%d", f, line, prev, prev_line);
			prev = f;
			prev_line = line;
			k++;
		}
	}
	text = cJSON_PrintUnformatted(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "matches"), 99));
	cJSON_Delete(res);
	o.max_matches = 100;
	assert_int_equal(files_grep(&res, &n, dir, &o), RWB_OK);
	assert_int_equal(n, 100);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(res, "truncated")));
	{
		char *last = cJSON_PrintUnformatted(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "matches"), 99));
		assert_string_equal(last, text);
		free(last);
	}
	free(text);
	cJSON_Delete(res);
	tu_rmtree(dir);
	free(dir);
}

/* Runs a command line through the registry as the CLI would. */
static int run(const char *repo, const char *line, struct cmd_ctx *ctx)
{
	struct cmd_args args;
	char **argv;
	int argc, status;

	cmd_ctx_init(ctx);
	ctx->repo = repo;
	assert_int_equal(cmdline_split(line, &argv, &argc), RWB_OK);
	if (cmdline_parse(&args, argc, argv) != RWB_OK) {
		cmdline_free_argv(argv, argc);
		return 2;
	}
	status = cmd_execute(ctx, &args);
	cmd_args_release(&args);
	cmdline_free_argv(argv, argc);
	return status;
}

static void test_commands(void **state)
{
	char *dir = make_tree();
	struct cmd_ctx ctx;
	(void)state;
	assert_int_equal(run(dir, "/file-read src/main.rs --line 2", &ctx), 0);
	assert_string_equal(cJSON_GetObjectItem(ctx.result, "view")->valuestring, "file");
	assert_int_equal(cJSON_GetObjectItem(ctx.result, "line")->valueint, 2);
	assert_non_null(strstr(strbuf_str(&ctx.out), "     2      let needle = 1;\n"));
	assert_null(strstr(strbuf_str(&ctx.out), "fn main"));
	cmd_ctx_release(&ctx);
	/* escapes in a file are shown, not printed */
	{
		char *esc = xasprintf("%s/esc.txt", dir);
		tu_write(esc, "a\033]0;x\007b\n");
		free(esc);
	}
	assert_int_equal(run(dir, "/file-read esc.txt", &ctx), 0);
	assert_null(strchr(strbuf_str(&ctx.out), '\033'));
	assert_non_null(strstr(strbuf_str(&ctx.out), "a^[]0;x^Gb"));
	cmd_ctx_release(&ctx);
	assert_int_equal(run(dir, "/file-read nope.rs", &ctx), 2);
	assert_null(strchr(ctx.error, '\n'));
	cmd_ctx_release(&ctx);
	assert_int_equal(run(dir, "/file-read src", &ctx), 2);
	cmd_ctx_release(&ctx);
	assert_int_equal(run(dir, "/file-read src/main.rs --line 0", &ctx), 2);
	cmd_ctx_release(&ctx);
	assert_int_equal(run(dir, "/grep-search needle --type rs", &ctx), 0);
	assert_non_null(strstr(strbuf_str(&ctx.out), "src/main.rs:2:9:    let needle = 1;\n"));
	cmd_ctx_release(&ctx);
	assert_int_equal(run(dir, "/grep-search 'a[' ", &ctx), 2);
	cmd_ctx_release(&ctx);
	assert_int_equal(run(dir, "/glob-search '**/*.log'", &ctx), 0);
	assert_string_equal(strbuf_str(&ctx.out), "keep.log\n");
	cmd_ctx_release(&ctx);
	/* /file-edit runs $EDITOR with +N and the path, argv only */
	setenv("EDITOR", "false", 1);
	assert_int_equal(run(dir, "/file-edit src/main.rs --line 3", &ctx), 1); /* the editor failed */
	cmd_ctx_release(&ctx);
	setenv("EDITOR", "true", 1);
	assert_int_equal(run(dir, "/file-edit src/main.rs --line 3", &ctx), 0);
	assert_string_equal(cJSON_GetObjectItem(ctx.result, "editor")->valuestring, "true");
	cmd_ctx_release(&ctx);
	setenv("EDITOR", "/no/such/editor", 1);
	assert_int_equal(run(dir, "/file-edit src/main.rs", &ctx), 3);
	cmd_ctx_release(&ctx);
	tu_rmtree(dir);
	free(dir);
	tu_rmtree(outside);
	free(outside);
	outside = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_match),
		cmocka_unit_test(test_ignore_rules),
		cmocka_unit_test(test_walk_honours_ignores_and_loops),
		cmocka_unit_test(test_walk_parts_equal_walk),
		cmocka_unit_test(test_walk_rules_outside_git),
		cmocka_unit_test(test_glob_search),
		cmocka_unit_test(test_grep),
		cmocka_unit_test(test_grep_many_files),
		cmocka_unit_test(test_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
