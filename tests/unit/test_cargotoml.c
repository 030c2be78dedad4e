/*
 * test_cargotoml.c - the line-preserving Cargo.toml editor: values replaced
 * in place with their comments, keys added after a table's last key (past
 * multi-line arrays), tables added at the end, idempotent sets, and one-line
 * errors for text that is not TOML.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cargotoml.h"
#include "error.h"

static const char *const sample =
	"# top comment\n"
	"[package]\n"
	"name = \"demo\"  # the name\n"
	"version = \"0.1.0\"\n"
	"authors = [\n"
	"    \"a <a@x>\",  # first\n"
	"    \"b ] tricky\",\n"
	"]\n"
	"description = \"\"\"\n"
	"multi [ line\n"
	"\"\"\"\n"
	"\n"
	"[dependencies]\n"
	"serde = { version = \"1\", features = [\"derive\"] }\n"
	"'quoted.key' = \"2\"\n"
	"\n"
	"# profiles below\n"
	"[profile.release]\n"
	"lto = \"thin\" # keep me\n"
	"\n"
	"[[bin]]\n"
	"name = \"x\"\n";

static struct cargotoml *parse_ok(const char *text)
{
	struct cargotoml *t = NULL;

	if (cargotoml_parse(&t, text, strlen(text)) != RWB_OK)
		fail_msg("parse failed: %s", rwb_last_error());
	return t;
}

static void test_roundtrip_and_get(void **state)
{
	struct cargotoml *t = parse_ok(sample);
	char *text = cargotoml_text(t), *v;
	(void)state;
	assert_string_equal(text, sample);
	free(text);
	v = cargotoml_get(t, "package", "name");
	assert_string_equal(v, "\"demo\"");
	free(v);
	v = cargotoml_get(t, "package", "authors");
	assert_string_equal(v, "[\n    \"a <a@x>\",  # first\n    \"b ] tricky\",\n]");
	free(v);
	v = cargotoml_get(t, "dependencies", "quoted.key");
	assert_string_equal(v, "\"2\"");
	free(v);
	assert_null(cargotoml_get(t, "package", "nope"));
	assert_true(cargotoml_has_table(t, "profile.release"));
	assert_false(cargotoml_has_table(t, "bin")); /* an array of tables is not a table */
	cargotoml_free(t);
}

static void test_set_preserves_everything_else(void **state)
{
	struct cargotoml *t = parse_ok(sample);
	bool changed;
	char *text;
	(void)state;
	/* replace in place: the comment stays */
	assert_int_equal(cargotoml_set(t, &changed, "profile.release", "lto", "\"fat\""), RWB_OK);
	assert_true(changed);
	/* the same again: no change */
	assert_int_equal(cargotoml_set(t, &changed, "profile.release", "lto", "\"fat\""), RWB_OK);
	assert_false(changed);
	/* a new key goes after the table's last key */
	assert_int_equal(cargotoml_set(t, &changed, "profile.release", "codegen-units", "1"), RWB_OK);
	/* after a multi-line value */
	assert_int_equal(cargotoml_set(t, &changed, "package", "edition", "\"2021\""), RWB_OK);
	/* a multi-line value replaced by one line */
	assert_int_equal(cargotoml_set(t, &changed, "package", "authors", "[\"me\"]"), RWB_OK);
	/* a new table at the end */
	assert_int_equal(cargotoml_set(t, &changed, "profile.dev", "opt-level", "1"), RWB_OK);
	text = cargotoml_text(t);
	assert_string_equal(text,
			    "# top comment\n"
			    "[package]\n"
			    "name = \"demo\"  # the name\n"
			    "version = \"0.1.0\"\n"
			    "authors = [\"me\"]\n"
			    "description = \"\"\"\n"
			    "multi [ line\n"
			    "\"\"\"\n"
			    "edition = \"2021\"\n"
			    "\n"
			    "[dependencies]\n"
			    "serde = { version = \"1\", features = [\"derive\"] }\n"
			    "'quoted.key' = \"2\"\n"
			    "\n"
			    "# profiles below\n"
			    "[profile.release]\n"
			    "lto = \"fat\" # keep me\n"
			    "codegen-units = 1\n"
			    "\n"
			    "[[bin]]\n"
			    "name = \"x\"\n"
			    "\n"
			    "[profile.dev]\n"
			    "opt-level = 1\n");
	free(text);
	cargotoml_free(t);
}

static void test_no_final_newline_and_crlf(void **state)
{
	struct cargotoml *t = parse_ok("[package]\r\nname = \"a\"\r\n[dependencies]");
	bool changed;
	char *text;
	(void)state;
	assert_int_equal(cargotoml_set(t, &changed, "dependencies", "anyhow", "\"1\""), RWB_OK);
	text = cargotoml_text(t);
	assert_string_equal(text, "[package]\r\nname = \"a\"\r\n[dependencies]\nanyhow = \"1\"\n");
	free(text);
	cargotoml_free(t);
}

static void test_errors_are_one_line(void **state)
{
	static const char *const bad[] = {
		"[package\n",
		"name \"x\"\n",
		"name = \n",
		"name = \"open\n",
		"deps = [1, 2\n",
		"x = }\n",
		"[a] junk\n",
		"a = 1 2\n",
		"a = '''never closed\n",
		"a = \"x\0y\"\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cargotoml *t = NULL;
		size_t len = strlen(bad[i]) + (i == 9 ? 4 : 0);
		rwb_error_clear();
		if (cargotoml_parse(&t, bad[i], len) != RWB_EINPUT)
			fail_msg("accepted bad TOML #%zu", i);
		assert_null(t);
		assert_int_equal(rwb_last_code(), RWB_EINPUT);
		assert_null(strchr(rwb_last_error(), '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_and_get),
		cmocka_unit_test(test_set_preserves_everything_else),
		cmocka_unit_test(test_no_final_newline_and_crlf),
		cmocka_unit_test(test_errors_are_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
