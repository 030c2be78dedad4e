/*
 * test_keys.c - the key tables (tui/keys.h): every key help lists is bound
 * to a handler, every bound key is listed, and no key is bound twice in one
 * table (a second binding would be listed but never reached).
 *
 * A label lists a binding's keys as help shows them ("j/k, Down/Up",
 * "F2 / Alt-1", "1-4"): it is split into key names on ", ", " / " and "/",
 * and "A-B" of two single characters is a range. Each name must be a key
 * of the binding and each key of the binding must be named.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

/* The names in a label, into names[]; returns how many. */
static int label_names(const char *label, char names[][32], int max)
{
	char buf[128], *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", label);
	/* ", " and " / " first: "/" alone is a key */
	for (char *p = buf; *p; p++) {
		if (p[0] == ',' && p[1] == ' ')
			p[0] = p[1] = '\001';
		else if (p[0] == ' ' && p[1] == '/' && p[2] == ' ')
			p[0] = p[1] = p[2] = '\001';
	}
	for (char *piece = strtok_r(buf, "\001", &save); piece && n < max; piece = strtok_r(NULL, "\001", &save)) {
		if (strlen(piece) == 1) {
			snprintf(names[n++], 32, "%s", piece);
			continue;
		}
		char *save2 = NULL;
		for (char *t = strtok_r(piece, "/", &save2); t && n < max; t = strtok_r(NULL, "/", &save2))
			snprintf(names[n++], 32, "%s", t);
	}
	return n;
}

static bool names_key(const char *name, const char *keyname)
{
	if (strcmp(name, keyname) == 0)
		return true;
	/* "1-4" */
	return strlen(name) == 3 && name[1] == '-' && strlen(keyname) == 1 &&
	       keyname[0] >= name[0] && keyname[0] <= name[2];
}

static void check_binding(const struct keymap *m, const struct keybind *b)
{
	char names[16][32], kn[32];
	int nn, nk = 0;

	assert_non_null(b->label);
	assert_non_null(b->help);
	if (!b->run)
		fail_msg("%s: %s has no handler", m->title, b->label);
	nn = label_names(b->label, names, 16);
	for (int j = 0; j < KB_KEYS && b->keys[j]; j++, nk++) {
		struct key k = { .is_code = (b->keys[j] & KB_CODE) != 0, .alt = (b->keys[j] & KB_ALT) != 0,
				 .ch = (wint_t)(b->keys[j] & ~(KB_CODE | KB_ALT)) };
		bool named = false;
		/* dispatch reaches this binding's handler */
		if (keymap_find(m, &k) != b)
			fail_msg("%s: %s is bound twice (first elsewhere)", m->title, b->label);
		keys_name(kn, sizeof(kn), b->keys[j]);
		for (int i = 0; i < nn && !named; i++)
			named = names_key(names[i], kn);
		if (!named)
			fail_msg("%s: key %s is bound but \"%s\" does not list it", m->title, kn, b->label);
	}
	if (!nk)
		fail_msg("%s: \"%s\" is listed but no key is bound", m->title, b->label);
	for (int i = 0; i < nn; i++) {
		bool bound = false;
		for (int j = 0; j < KB_KEYS && b->keys[j] && !bound; j++) {
			keys_name(kn, sizeof(kn), b->keys[j]);
			bound = names_key(names[i], kn);
		}
		if (!bound)
			fail_msg("%s: \"%s\" lists %s, which is not bound", m->title, b->label, names[i]);
	}
}

static void test_listed_iff_bound(void **state)
{
	int maps = 0;

	(void)state;
	for (const struct keymap *const *m = keys_all(); *m; m++, maps++) {
		assert_non_null((*m)->title);
		assert_true((*m)->n > 0);
		for (int i = 0; i < (*m)->n; i++)
			check_binding(*m, &(*m)->binds[i]);
	}
	assert_true(maps >= 3);
}

/* What help, hints and the docs print comes from the tables. */
static void test_printed_from_tables(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct key pgdn = { .is_code = true, .ch = KEY_NPAGE }, q = { .ch = KEY_CTRL('q') };

	(void)state;
	keymap_help(&sb, &app_keys_global);
	assert_non_null(strstr(strbuf_str(&sb), "Keys everywhere\n"));
	assert_non_null(strstr(strbuf_str(&sb), "  Ctrl-Q "));
	strbuf_reset(&sb);
	keymap_markdown(&sb, &app_keys_global);
	assert_non_null(strstr(strbuf_str(&sb), "| F6 | zoom"));
	assert_non_null(keymap_find(&app_keys_global, &q));
	assert_null(keymap_find(&app_keys_global, &pgdn));
	assert_non_null(keymap_find(&app_keys_help, &pgdn));
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed_iff_bound),
		cmocka_unit_test(test_printed_from_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
