/*
 * test_board_cli.c - the analysis commands through the real rwb binary on
 * the command line: JSON shapes of cli.md, exit statuses (0, 2 for bad
 * input, 3 for the environment), one-line errors, and nothing written on
 * bad input.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "testutil.h"

static char *dir, *db, *repo;

/* Runs rwb --db DB --repo REPO --json ARGS...; *json is the parsed stdout. */
static int rwb(cJSON **json, const char *const args[])
{
	char *argv[32];
	char *out = NULL, *err = NULL;
	int n = 0, status;

	argv[n++] = RWB_BINARY;
	argv[n++] = "--db";
	argv[n++] = db;
	argv[n++] = "--repo";
	argv[n++] = repo;
	argv[n++] = "--json";
	for (int i = 0; args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	status = tu_run(repo, argv, NULL, &out, &err);
	*json = cJSON_Parse(out ? out : "");
	assert_non_null(*json);
	free(out);
	free(err);
	return status;
}

static const char *error_message(const cJSON *j)
{
	const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "message");
	return cJSON_IsString(m) ? m->valuestring : "";
}

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	assert_true(asprintf(&db, "%s/rwb.db", dir) > 0);
	assert_true(asprintf(&repo, "%s/repo", dir) > 0);
	assert_int_equal(tu_sh(dir, "mkdir -p repo/src && cd repo && git init -q && git config user.email t@e && "
				    "git config user.name t && printf '[package]\\nname=\"m\"\\n' > Cargo.toml && "
				    "printf 'fn f(a: u32, b: u32, c: u32, d: u8, e: u8, g: u8) -> u32 { a + 77 }\\n' > src/lib.rs && "
				    "git add -A && git commit -qm init"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(repo);
	return 0;
}

static void test_board_commands(void **state)
{
	cJSON *j;
	char big[5000];

	(void)state;
	assert_int_equal(rwb(&j, (const char *[]){ "/agent-delegate", "--agent", "bob", "--task", "fix it", NULL }), 0);
	assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(j, "agent")->valuestring, "bob");
	assert_string_equal(cJSON_GetObjectItem(j, "task")->valuestring, "fix it");
	assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "open");
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/agent-escalate", "--level", "critical", "--message", "stop", NULL }), 0);
	assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(j, "level")->valuestring, "critical");
	cJSON_Delete(j);
	/* bad input: exit 2, one line, nothing written */
	assert_int_equal(rwb(&j, (const char *[]){ "/agent-escalate", "--level", "fatal", "--message", "x", NULL }), 2);
	assert_non_null(strstr(error_message(j), "info"));
	assert_null(strchr(error_message(j), '\n'));
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/agent-delegate", "--agent", "", "--task", "x", NULL }), 2);
	cJSON_Delete(j);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rwb(&j, (const char *[]){ "/agent-escalate", "--level", "info", "--message", big, NULL }), 2);
	assert_non_null(strstr(error_message(j), "at most 4000 bytes"));
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/agent-delegate", "--agent", "amy", "--task", "y", NULL }), 0);
	assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, 2);  /* nothing was written in between */
	cJSON_Delete(j);
}

static void test_connascence_command(void **state)
{
	cJSON *j, *f;

	(void)state;
	assert_int_equal(rwb(&j, (const char *[]){ "/connascence", "--file", "src/lib.rs", NULL }), 0);
	assert_string_equal(cJSON_GetObjectItem(j, "file")->valuestring, "src/lib.rs");
	/* position (3) + parameters (2) + meaning (1) */
	assert_int_equal(cJSON_GetObjectItem(j, "score")->valueint, 6);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(j, "findings")) {
		assert_int_equal(cJSON_GetObjectItem(f, "line")->valueint, 1);
		assert_true(cJSON_IsString(cJSON_GetObjectItem(f, "kind")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(f, "message")));
	}
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "findings")), 3);
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/connascence", "--file", "src/nope.rs", NULL }), 2);
	assert_non_null(strstr(error_message(j), "src/nope.rs"));
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/connascence", NULL }), 2);
	cJSON_Delete(j);
}

static void test_focus_commands(void **state)
{
	cJSON *j;

	(void)state;
	assert_int_equal(rwb(&j, (const char *[]){ "/focus-check", NULL }), 2);
	assert_non_null(strstr(error_message(j), "/focus-start"));
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/focus-start", "src/missing", NULL }), 2);
	cJSON_Delete(j);
	assert_int_equal(rwb(&j, (const char *[]){ "/focus-start", "src", NULL }), 0);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "focus"), 0)->valuestring, "src");
	cJSON_Delete(j);
	assert_int_equal(tu_sh(repo, "printf 'x\\ny\\n' > README && printf '// more\\n' >> src/lib.rs"), 0);
	assert_int_equal(rwb(&j, (const char *[]){ "/focus-check", NULL }), 0);
	assert_int_equal(cJSON_GetObjectItem(j, "files_changed")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(j, "lines_added")->valueint, 3);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "outside"), 0)->valuestring, "README");
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")) == 1);
	cJSON_Delete(j);
	/* not a git repository: an environment problem */
	{
		char *argv[] = { RWB_BINARY, "--db", db, "--repo", dir, "--json", "/focus-start", NULL };
		char *out = NULL, *err = NULL;
		assert_int_equal(tu_run(dir, argv, NULL, &out, &err), 3);
		assert_non_null(strstr(out, "not in a git repository"));
		free(out);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_board_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connascence_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_focus_commands, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
