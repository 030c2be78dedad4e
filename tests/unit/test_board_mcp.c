/*
 * test_board_mcp.c - the analysis MCP tools (mcp_tools_analysis[]) called
 * directly, as the server will call them: analyze_file, start_tracking,
 * analyze_changes, delegate and escalate on a real store and git repo, and
 * their answers to bad arguments.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "error.h"
#include "mcp.h"
#include "store.h"
#include "testutil.h"

static const struct mcp_tool *tool(const char *name)
{
	for (const struct mcp_tool *t = mcp_tools_analysis; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static int call(struct store *s, const char *repo, const char *name, const char *json, cJSON **res)
{
	cJSON *args = cJSON_Parse(json);
	int rc;
	*res = NULL;
	rwb_error_clear();
	rc = tool(name)->call(s, repo, args, res);
	cJSON_Delete(args);
	return rc;
}

static void test_tools(void **state)
{
	char *dir = tu_tmpdir(), *db, *repo;
	struct store *s;
	cJSON *res;
	int64_t done, failed;

	(void)state;
	/* every tool has a description and a schema that parses */
	for (const struct mcp_tool *t = mcp_tools_analysis; t->name; t++) {
		/* from the registry's flag table, or written out; closed either way */
		cJSON *schema = t->schema ? t->schema() : cJSON_Parse(t->input_schema);
		assert_non_null(schema);
		assert_string_equal(cJSON_GetObjectItem(schema, "type")->valuestring, "object");
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(schema, "additionalProperties")));
		assert_true(strlen(t->description) > 20);
		cJSON_Delete(schema);
	}
	assert_non_null(tool("analyze_file"));
	assert_true(asprintf(&db, "%s/rwb.db", dir) > 0);
	assert_true(asprintf(&repo, "%s/repo", dir) > 0);
	assert_int_equal(store_open(&s, db, true), RWB_OK);
	assert_int_equal(tu_sh(dir, "mkdir -p repo/src && cd repo && git init -q && git config user.email t@e && "
				    "git config user.name t && printf '[package]\\nname=\"m\"\\n' > Cargo.toml && "
				    "printf 'fn f(a: u32, b: u32, c: u32) { let _ = 4096; }\\n' > src/lib.rs && "
				    "git add -A && git commit -qm init"), 0);

	assert_int_equal(call(s, repo, "analyze_file", "{\"file\":\"src/lib.rs\"}", &res), RWB_OK);
	assert_int_equal(cJSON_GetObjectItem(res, "score")->valueint, 3 + 1);
	/* same line: findings are ordered by kind */
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "findings"), 0), "kind")
				    ->valuestring, "meaning");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "findings"), 1), "kind")
				    ->valuestring, "position");
	cJSON_Delete(res);
	assert_int_equal(call(s, repo, "analyze_file", "{}", &res), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "\"file\""));
	assert_int_equal(call(s, repo, "analyze_file", "{\"file\":\"src/none.rs\"}", &res), RWB_ENOTFOUND);

	assert_int_equal(call(s, repo, "analyze_changes", "{}", &res), RWB_ENOTFOUND);
	assert_non_null(strstr(rwb_last_error(), "focus-start"));
	assert_int_equal(call(s, repo, "start_tracking", "{\"paths\":\"src\"}", &res), RWB_EINPUT);
	assert_int_equal(call(s, repo, "start_tracking", "{\"paths\":[\"src\"]}", &res), RWB_OK);
	cJSON_Delete(res);
	assert_int_equal(tu_sh(dir, "cd repo && printf 'x\\n' > NOTES && printf 'unsafe fn g() {}\\n' >> src/lib.rs"), 0);
	assert_int_equal(call(s, repo, "analyze_changes", "{}", &res), RWB_OK);
	assert_int_equal(cJSON_GetObjectItem(res, "files_changed")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(res, "new_unsafe")->valueint, 1);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "outside"), 0)->valuestring, "NOTES");
	cJSON_Delete(res);

	assert_int_equal(call(s, repo, "delegate", "{\"agent\":\"claude\",\"task\":\"review lexer\"}", &res),
			 RWB_OK);
	assert_string_equal(cJSON_GetObjectItem(res, "status")->valuestring, "open");
	cJSON_Delete(res);
	assert_int_equal(call(s, repo, "delegate", "{\"agent\":\"claude\"}", &res), RWB_EINPUT);
	assert_int_equal(call(s, repo, "escalate", "{\"level\":\"critical\",\"message\":\"stop\"}", &res), RWB_OK);
	assert_string_equal(cJSON_GetObjectItem(res, "level")->valuestring, "critical");
	cJSON_Delete(res);
	assert_int_equal(call(s, repo, "escalate", "{\"level\":\"panic\",\"message\":\"stop\"}", &res), RWB_EINPUT);
	assert_int_equal(board_task_counts(s, &done, &failed), RWB_OK);
	assert_int_equal(done + failed, 0);

	store_free(s);
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tools),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
