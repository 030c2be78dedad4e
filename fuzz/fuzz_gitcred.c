/*
 * fuzz_gitcred.c - the credential code's parsers of config text: a remote
 * URL into protocol/host/path/user, a helper value into an argv, and a
 * helper's answer (key=value lines, program output).
 * Whatever the bytes, argv is NULL-terminated with the action last (or
 * refused), and URL parts are non-empty when accepted.
 */
#include "gitcred.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct gitcred_url u;
	char **argv = NULL;

	memcpy(text, data, size);
	text[size] = 0;
	if (gitcred_parse_url(&u, text) == 0) {
		if (!u.protocol || !*u.protocol || !u.host || !*u.host)
			abort();
		gitcred_url_release(&u);
	}
	if (gitcred_helper_argv(&argv, text, "get") == 0) {
		size_t n = 0;
		while (argv[n])
			n++;
		size_t len = n ? strlen(argv[n - 1]) : 0;
		if (text[strspn(text, " \t")] == '!') { /* "!snippet": sh -c "snippet get" */
			if (n != 3 || len < 4 || strcmp(argv[n - 1] + len - 4, " get") != 0)
				abort();
		} else if (n < 2 || strcmp(argv[n - 1], "get") != 0) {
			abort();
		}
		gitcred_argv_free(argv);
	} else if (argv) {
		abort();
	}
	{
		struct gitcred c;
		memset(&c, 0, sizeof(c));
		gitcred_parse_answer(&c, (const char *)data, size);
		free(c.username);
		free(c.password);
	}
	free(text);
	return 0;
}
