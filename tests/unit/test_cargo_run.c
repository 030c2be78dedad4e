/*
 * test_cargo_run.c - the cargo runner's answers about the set-up: which
 * stderr texts are environment problems (cargo 1.95's real wording), the
 * rustc --explain text, a missing cargo, and a real cargo run of a crate
 * made here (stdout lines reach the reader, wait4 numbers are filled in).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cargo.h"
#include "error.h"
#include "testutil.h"
#include "xalloc.h"

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(cargo_classify_failure("error: could not find `Cargo.toml` in `/tmp/x` or any "
						"parent directory\n"), RWB_EENV);
	assert_non_null(strstr(rwb_last_error(), "not a Rust crate"));
	assert_int_equal(cargo_classify_failure("error: unclosed array, expected `]`\n --> Cargo.toml:7:13\n"
						"  |\n7 | garbage = [\n"), RWB_EENV);
	assert_non_null(strstr(rwb_last_error(), "Cargo.toml is malformed (Cargo.toml:7:13): unclosed array"));
	assert_int_equal(cargo_classify_failure("error: two packages named `a` in this workspace:\n"
						"- /w/a/Cargo.toml\n- /w/b/Cargo.toml\n"),
			 RWB_EENV);
	assert_non_null(strstr(rwb_last_error(), "ambiguous"));
	assert_int_equal(cargo_classify_failure("\033[1m\033[91merror\033[0m: no matching package named "
						"`serde` found\n"), RWB_EENV);
	assert_non_null(strstr(rwb_last_error(), "offline"));
	/* a compile error is the build's answer, not the set-up's */
	assert_int_equal(cargo_classify_failure("error: could not compile `x` (bin \"x\") due to 1 previous "
						"error\n"), 0);
	assert_int_equal(cargo_classify_failure(""), 0);
}

static void test_explain(void **state)
{
	char *t;

	(void)state;
	t = cargo_explain("E0382");
	assert_non_null(t);
	assert_non_null(strstr(t, "moved"));
	free(t);
	assert_null(cargo_explain("E9999"));
	assert_null(cargo_explain("unused_variables"));
	assert_null(cargo_explain("E03820; rm -rf /"));
}

static void test_missing_cargo(void **state)
{
	struct cargo_outcome oc;
	struct cargomsg m;
	const char *args[] = { "build", NULL };
	struct cargo_run_opts o = { .repo = "/", .args = args };
	char *old = xstrdup(getenv("PATH") ? getenv("PATH") : "");

	(void)state;
	cargomsg_init(&m);
	setenv("PATH", "/nonexistent-rwb", 1);
	assert_int_equal(cargo_run(&oc, &m, &o), RWB_ENOTOOL);
	assert_non_null(strstr(rwb_last_error(), "cargo is not installed"));
	setenv("PATH", old, 1);
	free(old);
	cargo_outcome_release(&oc);
	cargomsg_release(&m);
}

static void test_real_run(void **state)
{
	char *dir = tu_tmpdir(), *p, *cfg;
	const char *args[] = { "check", "--message-format=json", "--color=never", NULL };
	struct cargo_run_opts o = { 0 };
	struct cargo_outcome oc;
	struct cargomsg m;

	(void)state;
	p = xasprintf("%s/Cargo.toml", dir);
	tu_write(p, "[package]\nname = \"r\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
	free(p);
	p = xasprintf("%s/src/lib.rs", dir);
	tu_write(p, "pub fn f() { let x = 1; }\n");
	free(p);
	cfg = xasprintf("%s/tests/fixtures/cargo/offline-config.toml", RWB_TEST_SOURCE_DIR);
	p = xasprintf("%s/.cargo/config.toml", dir);
	{
		char *text = tu_read(cfg, NULL);
		assert_non_null(text);
		tu_write(p, text);
		free(text);
	}
	free(p);
	free(cfg);
	o.repo = dir;
	o.args = args;
	cargomsg_init(&m);
	assert_int_equal(cargo_run(&oc, &m, &o), RWB_OK);
	assert_int_equal(oc.exit_status, 0);
	assert_true(m.build_finished);
	assert_true(m.build_success);
	assert_int_equal(cargomsg_count(&m, "warning"), 1);
	assert_string_equal(m.diags[0].code, "unused_variables");
	assert_true(oc.peak_rss_kb > 0);
	assert_true(oc.duration_ms >= 0);
	assert_false(oc.cancelled);
	cargo_outcome_release(&oc);
	cargomsg_release(&m);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_missing_cargo),
		cmocka_unit_test(test_real_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
