/*
 * test_demangle_regress.c - inputs the long fuzz run found: the demangler
 * must answer (or refuse) them without crashing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

static void test_impl_path_that_prints_nothing(void **state)
{
	/* a v0 impl path whose own path printed nothing: the output buffer
	 * was never allocated when it was cut back */
	(void)state;
	free(demangle_symbol("_RIMCu0\xce\xa8Nm"));
	free(demangle_symbol("_RMCu0NvC1a1b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_impl_path_that_prints_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
