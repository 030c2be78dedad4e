/*
 * test_dispatch.c - how the TUI's dispatcher (tui/dispatch.c) decides to
 * run a command line: inline, as a job in the terminal pane, as a job that
 * takes the keyboard, or not at all (not implemented), and when an inline
 * answer is a preview that waits for y/n.
 *
 * The lines are parsed by the real parser against the real registry, so a
 * command whose traits change (a /file-edit that no longer reads the
 * keyboard) shows here; the not-implemented case uses a definition of its
 * own, since every registered command runs.
 *
 * Never: open a screen or start a job (the decision is pure).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "cmdline.h"
#include "dispatch.h"
#include "error.h"
#include "registry.h"
#include "strbuf.h"

/* How line runs, confirmed or not. */
static enum dispatch_how how(const char *line, bool confirmed)
{
	struct cmd_args args;
	char **argv = NULL;
	int argc = 0;
	enum dispatch_how h;

	assert_int_equal(cmdline_split(line, &argv, &argc), RWB_OK);
	if (cmdline_parse(&args, argc, argv) != RWB_OK)
		fail_msg("%s: %s", line, rwb_last_error());
	h = dispatch_decide(&args, confirmed);
	cmd_args_release(&args);
	cmdline_free_argv(argv, argc);
	return h;
}

static void test_inline(void **state)
{
	(void)state;
	assert_int_equal(how("/memory-search --query zoo", false), DISPATCH_INLINE);
	assert_int_equal(how("/theme dark", false), DISPATCH_INLINE);
	/* a write that previews first answers inline; yes runs it inline too */
	assert_int_equal(how("/rust-optimize --profile release", false), DISPATCH_INLINE);
	assert_int_equal(how("/rust-optimize --profile release", true), DISPATCH_INLINE);
}

static void test_jobs(void **state)
{
	(void)state;
	assert_int_equal(how("/cargo-build", false), DISPATCH_JOB);
	/* the editor reads the keyboard */
	assert_int_equal(how("/file-edit src/main.rs", false), DISPATCH_JOB_KEYS);
	/* --help answers inline, even for a job command */
	assert_int_equal(how("/cargo-build --help", false), DISPATCH_INLINE);
	assert_int_equal(how("/file-edit --help", false), DISPATCH_INLINE);
	/* cargo new previews inline; the confirmed write runs as a job */
	assert_int_equal(how("/rust-project-init --name demo --type binary --edition 2021", false), DISPATCH_INLINE);
	assert_int_equal(how("/rust-project-init --name demo --type binary --edition 2021", true), DISPATCH_JOB);
}

static void test_not_implemented(void **state)
{
	static const struct cmd_def def = { .name = "someday", .summary = "not yet", .traits = CMD_JOB };
	struct cmd_args args = { .def = &def };

	(void)state;
	assert_int_equal(dispatch_decide(&args, false), DISPATCH_NOT_IMPLEMENTED);
}

static void test_confirmation(void **state)
{
	static const struct cmd_def writes = { .name = "w", .traits = CMD_CONFIRM };
	static const struct cmd_def reads = { .name = "r" };
	struct cmd_args w = { .def = &writes }, r = { .def = &reads };
	cJSON *preview = cJSON_Parse("{\"needs_confirmation\": true, \"diff\": \"...\"}");
	cJSON *written = cJSON_Parse("{\"needs_confirmation\": false}");

	(void)state;
	assert_true(dispatch_wants_confirmation(&w, false, 0, preview));
	/* already confirmed (--yes), failed, nothing to confirm, no answer */
	assert_false(dispatch_wants_confirmation(&w, true, 0, preview));
	assert_false(dispatch_wants_confirmation(&w, false, 1, preview));
	assert_false(dispatch_wants_confirmation(&w, false, 0, written));
	assert_false(dispatch_wants_confirmation(&w, false, 0, NULL));
	/* only a command that writes asks */
	assert_false(dispatch_wants_confirmation(&r, false, 0, preview));
	cJSON_Delete(preview);
	cJSON_Delete(written);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_not_implemented),
		cmocka_unit_test(test_confirmation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
