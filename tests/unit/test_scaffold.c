/*
 * test_scaffold.c - template rendering, the unified diff, plans (refusing
 * to overwrite, module lines, dependencies with versions and merged
 * features), the built-in templates (every one declares what it uses and
 * renders with its defaults), and previews that write nothing.
 * (The crates these templates make are compiled in tests/cli/test_scaffold.sh.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "memory.h"
#include "scaffold.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

static void test_render(void **state)
{
	cJSON *p = cJSON_Parse("{\"name\":\"Foo\",\"on\":\"true\",\"off\":\"false\",\"empty\":\"\"}");
	char *out;
	(void)state;
	assert_int_equal(scaffold_render(&out, "a {{name}} {{#on}}[{{name}}{{#off}}X{{/off}}]{{/on}}"
					       "{{^off}}!{{/off}}{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}",
					 p), RWB_OK);
	assert_string_equal(out, "a Foo [Foo]!e");
	free(out);
	/* nested sections of the same name */
	assert_int_equal(scaffold_render(&out, "{{#on}}1{{#on}}2{{/on}}3{{/on}}", p), RWB_OK);
	assert_string_equal(out, "123");
	free(out);
	assert_int_equal(scaffold_render(&out, "{{nope}}", p), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "nope"));
	assert_int_equal(scaffold_render(&out, "{{#on}}open", p), RWB_EINPUT);
	assert_int_equal(scaffold_render(&out, "x {{name", p), RWB_EINPUT);
	cJSON_Delete(p);
}

static void test_diff(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	scaffold_diff(&sb, "f", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\nd\ne\nF\ng\nh\ni\nj\nk\n");
	assert_string_equal(strbuf_str(&sb), "--- f\n+++ f\n"
					     "@@ -3,8 +3,9 @@\n c\n d\n e\n-f\n+F\n g\n h\n i\n j\n+k\n");
	strbuf_reset(&sb);
	scaffold_diff(&sb, "new.rs", NULL, "x\ny");
	assert_string_equal(strbuf_str(&sb), "--- /dev/null\n+++ new.rs\n@@ -0,0 +1,2 @@\n+x\n+y\n"
					     "\\ No newline at end of file\n");
	strbuf_reset(&sb);
	scaffold_diff(&sb, "same", "a\n", "a\n");
	assert_string_equal(strbuf_str(&sb), "--- same\n+++ same\n");
	strbuf_reset(&sb);
	/* two changes far apart: two hunks */
	scaffold_diff(&sb, "g", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		      "0\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n13\n");
	assert_string_equal(strbuf_str(&sb), "--- g\n+++ g\n@@ -1,4 +1,4 @@\n-1\n+0\n 2\n 3\n 4\n"
					     "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+13\n");
	strbuf_free(&sb);
}

static char *crate(void)
{
	char *dir = tu_tmpdir(), *p;
	p = xasprintf("%s/Cargo.toml", dir);
	tu_write(p, "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
		    "[dependencies]\ntokio = { version = \"1.24\", features = [\"rt\"] } # mine\n");
	free(p);
	p = xasprintf("%s/src/main.rs", dir);
	tu_write(p, "fn main() {\n    println!(\"Hello, world!\");\n}\n");
	free(p);
	p = xasprintf("%s/src/mine.rs", dir);
	tu_write(p, "// the user's\n");
	free(p);
	return dir;
}

static void test_plan(void **state)
{
	char *dir = crate();
	struct scaffold_plan *p = scaffold_plan_new(dir);
	struct strbuf out = STRBUF_INIT;
	cJSON *deps = cJSON_Parse("[{\"name\":\"tokio\",\"version\":\"1.24\",\"features\":[\"rt\",\"sync\"]},"
				  "{\"name\":\"anyhow\",\"version\":\"1\"}]");
	cJSON *json = cJSON_CreateObject();
	char *owned;
	const char *text;
	struct stat st;
	(void)state;
	/* the cargo stub is replaced; the user's file is planned too, but listed
	 * as changed by a person (the preview's diff shows what is lost) */
	assert_int_equal(scaffold_plan_create(p, "src/main.rs", "fn main() {}\n", "main"), RWB_OK);
	assert_int_equal(cJSON_GetArraySize(p->changed), 0);
	assert_int_equal(scaffold_plan_create(p, "src/mine.rs", "// the user's\n", NULL), RWB_OK);
	assert_int_equal(p->n, 1); /* the same content: nothing to do */
	assert_int_equal(scaffold_plan_create(p, "src/mine.rs", "x\n", NULL), RWB_OK);
	assert_int_equal(cJSON_GetArraySize(p->changed), 1);
	assert_string_equal(cJSON_GetArrayItem(p->changed, 0)->valuestring, "src/mine.rs");
	scaffold_plan_module(p, "alpha");
	scaffold_plan_module(p, "alpha");
	scaffold_plan_module(p, "beta");
	text = scaffold_plan_text(p, "src/lib.rs", &owned);
	assert_string_equal(text, "pub mod alpha;\npub mod beta;\n");
	assert_null(owned);
	assert_int_equal(scaffold_plan_deps(p, deps), RWB_OK);
	text = scaffold_plan_text(p, "Cargo.toml", &owned);
	assert_non_null(strstr(text, "tokio = { version = \"1.24\", features = [\"rt\", \"sync\"] } # mine\n"));
	assert_non_null(strstr(text, "anyhow = \"1\"\n"));
	scaffold_plan_preview(p, &out, json);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(json, "files")), 4);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(json, "replaces_changes")), 1);
	assert_non_null(strstr(strbuf_str(&out), "-// the user's\n+x\n"));
	assert_non_null(strstr(strbuf_str(&out), "dependency added to Cargo.toml: anyhow 1\n"));
	assert_non_null(strstr(strbuf_str(&out), "+++ src/lib.rs\n"));
	/* nothing written before scaffold_plan_write */
	{
		char *lib = xasprintf("%s/src/lib.rs", dir);
		assert_int_not_equal(stat(lib, &st), 0);
		assert_int_equal(scaffold_plan_write(p), RWB_OK);
		assert_int_equal(stat(lib, &st), 0);
		free(lib);
	}
	cJSON_Delete(json);
	cJSON_Delete(deps);
	scaffold_plan_free(p);
	/* with a store: rwb's own untouched file is replaced without being
	 * listed as changed; once a person edits it, it is listed again */
	{
		char *db = xasprintf("%s/rwb.db", dir), *mine = xasprintf("%s/src/mine.rs", dir);
		struct store *s = NULL;
		assert_int_equal(store_open(&s, db, true), 0);
		p = scaffold_plan_new(dir);
		p->store = s;
		assert_int_equal(scaffold_plan_create(p, "src/mine.rs", "y\n", NULL), RWB_OK);
		assert_int_equal(cJSON_GetArraySize(p->changed), 1); /* written before the store knew */
		assert_int_equal(scaffold_plan_write(p), RWB_OK);
		scaffold_plan_free(p);
		assert_true(scaffold_written_by_rwb(s, dir, "src/mine.rs", "y\n"));
		p = scaffold_plan_new(dir);
		p->store = s;
		assert_int_equal(scaffold_plan_create(p, "src/mine.rs", "z\n", NULL), RWB_OK);
		assert_int_equal(cJSON_GetArraySize(p->changed), 0);
		assert_int_equal(p->n, 1);
		scaffold_plan_free(p);
		tu_write(mine, "y\n// a person's line\n");
		p = scaffold_plan_new(dir);
		p->store = s;
		assert_int_equal(scaffold_plan_create(p, "src/mine.rs", "z\n", NULL), RWB_OK);
		assert_int_equal(cJSON_GetArraySize(p->changed), 1);
		scaffold_plan_free(p);
		/* the atomic write keeps the mode and leaves no temporary file */
		assert_int_equal(chmod(mine, 0600), 0);
		assert_int_equal(scaffold_write_atomic(mine, "w\n", 2), RWB_OK);
		assert_int_equal(stat(mine, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		store_free(s);
		free(db);
		free(mine);
	}
	strbuf_free(&out);
	tu_rmtree(dir);
	free(dir);
}

/* Every built-in template renders with its defaults plus the usual values. */
static void test_builtin_templates(void **state)
{
	static const char *const names[] = {
		"rust-async/tokio", "async-runtime/tokio", "channel-pattern/mpsc", "channel-pattern/oneshot",
		"channel-pattern/broadcast", "channel-pattern/crossbeam", "trait-design/trait",
		"error-handling/thiserror", "error-handling/anyhow", "error-handling/std", "rust-ffi/wrapper",
		"rust-macro/derive", "rust-macro/attribute", "rust-macro/function", "embedded-rust/no-std",
	};
	(void)state;
	setenv("RWB_DATA_DIR", RWB_TEST_SOURCE_DIR "/data", 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cJSON *tpl = NULL, *params = cJSON_Parse("{\"name\":\"Thing\",\"snake\":\"thing\",\"crate_dir\":\"thing-macro\","
							   "\"header\":\"h.h\",\"lib\":\"h\",\"sys\":\"\",\"wrappers\":\"\","
							   "\"module\":\"ffi\",\"target\":\"thumbv7m-none-eabi\"}");
		const cJSON *d, *f;
		if (scaffold_template_get(&tpl, NULL, names[i]) != RWB_OK)
			fail_msg("%s: %s", names[i], rwb_last_error());
		cJSON_ArrayForEach(d, cJSON_GetObjectItem(tpl, "params"))
			if (!cJSON_GetObjectItem(params, d->string))
				cJSON_AddStringToObject(params, d->string,
							cJSON_GetStringValue(cJSON_GetObjectItem(d, "default")));
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(tpl, "files")) {
			char *out = NULL;
			if (scaffold_render(&out, cJSON_GetStringValue(cJSON_GetObjectItem(f, "text")), params))
				fail_msg("%s: %s", names[i], rwb_last_error());
			assert_null(strstr(out, "{{"));
			free(out);
		}
		cJSON_Delete(tpl);
		cJSON_Delete(params);
	}
	{
		cJSON *tpl = NULL;
		assert_int_equal(scaffold_template_get(&tpl, NULL, "no/such"), RWB_ENOTFOUND);
	}
}

/* With a store, templates are memory entries: imported on first use, and a
 * user's change to an entry is what the next command uses. */
static void test_templates_in_memory(void **state)
{
	char *dir = tu_tmpdir(), *db = xasprintf("%s/rwb.db", dir), *flag = NULL;
	struct store *s = NULL;
	struct memory_list l = { 0 };
	struct memory_entry e = { 0 };
	struct memory_input in = { .key = "rwb/templates/error-handling/std", .layer = "long_term",
				   .category = "template",
				   .value = "{\"params\":{},\"files\":[{\"path\":\"src/mine.rs\",\"text\":\"// mine\\n\"}]}" };
	cJSON *tpl = NULL;
	(void)state;
	setenv("RWB_DATA_DIR", RWB_TEST_SOURCE_DIR "/data", 1);
	assert_int_equal(store_open(&s, db, true), 0);
	assert_int_equal(scaffold_template_get(&tpl, s, "error-handling/std"), RWB_OK);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(tpl, "files"), 0), "path")),
			    "src/error.rs");
	cJSON_Delete(tpl);
	/* all built-in templates are now long-term entries of category template */
	assert_int_equal(memory_retrieve(s, &l, "rwb/templates/**", false), 0);
	assert_int_equal(l.n, 15);
	assert_string_equal(l.v[0].category, "template");
	assert_string_equal(l.v[0].layer, "long_term");
	memory_list_release(&l);
	assert_int_equal(store_setting_get(s, "scaffold.templates_imported", &flag), 0);
	free(flag);
	/* the user changes one */
	assert_int_equal(memory_store(s, &e, &in), 0);
	memory_entry_release(&e);
	assert_int_equal(scaffold_template_get(&tpl, s, "error-handling/std"), RWB_OK);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(tpl, "files"), 0), "path")),
			    "src/mine.rs");
	cJSON_Delete(tpl);
	/* a broken entry is one clear error, not a crash */
	in.value = "not json";
	assert_int_equal(memory_store(s, &e, &in), 0);
	memory_entry_release(&e);
	assert_int_equal(scaffold_template_get(&tpl, s, "error-handling/std"), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "/memory-store"));
	/* deleted: the built-in one again (not re-imported over the user's other changes) */
	assert_int_equal(memory_delete(s, "rwb/templates/error-handling/std"), 0);
	assert_int_equal(scaffold_template_get(&tpl, s, "error-handling/std"), RWB_OK);
	cJSON_Delete(tpl);
	store_free(s);
	tu_rmtree(dir);
	free(dir);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_builtin_templates),
		cmocka_unit_test(test_templates_in_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
