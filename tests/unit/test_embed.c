/*
 * test_embed.c - the built-in embedder: identifier splitting (snake_case,
 * CamelCase, HTTPServer, paths with ::), unit length, similarity ordering
 * for the identifier and typo cases, int8 quantisation keeping cosine, the
 * SSE2 dot product against the scalar one, and RWB_EMBED_CMD's output
 * checks (count, numbers, dimension changes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

static void collect(void *data, const char *w, size_t n, size_t at, size_t span)
{
	struct strbuf *sb = data;
	(void)at;
	(void)span;
	if (sb->len)
		strbuf_addc(sb, ' ');
	strbuf_add(sb, w, n);
}

static void words_are(const char *text, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	embed_words(text, strlen(text), collect, &sb);
	if (strcmp(strbuf_str(&sb), want) != 0)
		fail_msg("'%s' gave '%s', want '%s'", text, strbuf_str(&sb), want);
	strbuf_free(&sb);
}

static void test_words(void **state)
{
	(void)state;
	words_are("Arc<Mutex<T>>", "arc mutex t");
	words_are("std::collections::HashMap", "std collections hash map");
	words_are("snake_case_name", "snake case name");
	words_are("HTTPServer parse_u32 utf8Decoder", "http server parse u 32 utf 8 decoder");
	words_are("'a: &'static str", "a static str");
	words_are("", "");
}

static float sim(const char *a, const char *b)
{
	float va[EMBED_DIM], vb[EMBED_DIM];

	embed_builtin(va, a, strlen(a));
	embed_builtin(vb, b, strlen(b));
	return embed_cosine(va, vb, EMBED_DIM);
}

static void test_similarity(void **state)
{
	float v[EMBED_DIM];
	double norm = 0;

	(void)state;
	embed_builtin(v, "tokio runtime builder", 21);
	for (int i = 0; i < EMBED_DIM; i++)
		norm += (double)v[i] * v[i];
	assert_true(fabs(norm - 1.0) < 1e-4);
	/* identifiers split: arc mutex is close to Arc<Mutex<T>> */
	assert_true(sim("arc mutex", "Share state with Arc<Mutex<T>> across tasks") >
		    sim("arc mutex", "A bounded channel gives backpressure to producers"));
	/* typos share trigrams */
	assert_true(sim("lifetme anotation", "every lifetime annotation names a region") >
		    sim("lifetme anotation", "profile with perf and flamegraph"));
	assert_true(sim("hashmap", "HashMap::with_capacity") > sim("hashmap", "Vec::with_capacity"));
	/* stop words alone carry nothing */
	embed_builtin(v, "the and of to", 13);
	for (int i = 0; i < EMBED_DIM; i++)
		assert_true(v[i] == 0.0f);
}

static void test_quantize_and_dot(void **state)
{
	float a[EMBED_DIM], b[EMBED_DIM];
	int8_t qa[EMBED_DIM], qb[EMBED_DIM];
	int32_t dot = 0, nb = 0, nb2 = 0;

	(void)state;
	embed_builtin(a, "unsafe pointer safety invariant", 31);
	embed_builtin(b, "every unsafe block has a SAFETY comment", 39);
	embed_quantize(qa, a, EMBED_DIM);
	embed_quantize(qb, b, EMBED_DIM);
	assert_true(fabs(embed_cosine_q(qa, qb, EMBED_DIM) - embed_cosine(a, b, EMBED_DIM)) < 0.02);
	for (int i = 0; i < EMBED_DIM; i++) {
		dot += qa[i] * qb[i];
		nb += qb[i] * qb[i];
	}
	assert_int_equal(embed_dot_q(&nb2, qa, qb, EMBED_DIM), dot);
	assert_int_equal(nb2, nb);
	/* odd lengths take the scalar tail */
	dot = 0;
	for (int i = 0; i < 37; i++)
		dot += qa[i] * qb[i];
	assert_int_equal(embed_dot_q(&nb2, qa, qb, 37), dot);
	/* extremes: -128 never appears, 127 * 127 * 256 fits */
	memset(qa, 127, sizeof(qa));
	memset(qb, 0x81, sizeof(qb)); /* -127 */
	assert_int_equal(embed_dot_q(&nb2, qa, qb, EMBED_DIM), -127 * 127 * EMBED_DIM);
}

static void test_external(void **state)
{
	struct embedder *e;
	float *v = NULL;

	(void)state;
	setenv("RWB_EMBED_CMD", "sh -c 'cat >/dev/null; echo 3 4'", 1);
	e = embed_new();
	assert_int_equal(embed_text(&v, e, "hello", 5), RWB_OK);
	assert_int_equal(e->dim, 2);
	assert_true(fabsf(v[0] - 0.6f) < 1e-6 && fabsf(v[1] - 0.8f) < 1e-6);
	assert_non_null(strstr(e->id, "/2"));
	free(v);
	embed_free(e);

	setenv("RWB_EMBED_CMD", "sh -c 'echo 1 nan'", 1);
	e = embed_new();
	assert_int_equal(embed_text(&v, e, "x", 1), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "not a number"));
	embed_free(e);

	setenv("RWB_EMBED_CMD", "sh -c 'exit 4'", 1);
	e = embed_new();
	assert_int_equal(embed_text(&v, e, "x", 1), RWB_EENV);
	assert_non_null(strstr(rwb_last_error(), "status 4"));
	embed_free(e);

	setenv("RWB_EMBED_CMD", "'unclosed", 1);
	e = embed_new();
	assert_int_equal(embed_text(&v, e, "x", 1), RWB_EUSAGE);
	assert_non_null(strstr(rwb_last_error(), "RWB_EMBED_CMD: unterminated"));
	embed_free(e);
	unsetenv("RWB_EMBED_CMD");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_similarity),
		cmocka_unit_test(test_quantize_and_dot),
		cmocka_unit_test(test_external),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
