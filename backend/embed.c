/*
 * embed.c - the built-in hashed-feature embedder and the RWB_EMBED_CMD
 * bridge (see embed.h).
 *
 * Never: run the external program through a shell, or trust its output
 * (a wrong count, NaN, garbage or a hang is one clear error, not a vector).
 */
#define _POSIX_C_SOURCE 200809L
#include "embed.h"
#include "cmdline.h"
#include "error.h"
#include "proc.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define EMBED_WORD_WEIGHT 1.0f
#define EMBED_IDENT_WEIGHT 0.5f
#define EMBED_TRIGRAM_WEIGHT 0.3f
#define EMBED_CMD_TIMEOUT_MS 30000
#define EMBED_CMD_MAX_OUTPUT (1 << 20)

/* Words too common in notes to tell entries apart. */
static const char *const embed_stopwords[] = {
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is",
	"it", "its", "of", "on", "or", "that", "the", "this", "to", "use", "with", NULL
};

static uint64_t embed_hash(const char *s, size_t n, uint64_t seed)
{
	uint64_t h = 1469598103934665603ull ^ seed;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

static void embed_add(float *v, const char *s, size_t n, uint64_t seed, float w)
{
	uint64_t h = embed_hash(s, n, seed);
	v[h % EMBED_DIM] += (h >> 63) ? -w : w;
}

static bool embed_is_stopword(const char *w, size_t n)
{
	if (n > 4)
		return false;
	for (int i = 0; embed_stopwords[i]; i++)
		if (embed_stopwords[i][0] == w[0] && strncmp(embed_stopwords[i], w, n) == 0 &&
		    embed_stopwords[i][n] == 0)
			return true;
	return false;
}

static bool embed_word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/*
 * Splits one identifier run at '_', lower->Upper, Upper->Upper-lower
 * (HTTPServer: HTTP, Server) and letter/digit changes; calls cb with each
 * lower-cased part.
 */
static void embed_split_ident(const char *s, size_t n, size_t base,
			      void (*cb)(void *, const char *, size_t, size_t, size_t), void *data)
{
	char part[64];
	size_t i = 0;

	while (i < n) {
		size_t j;
		if (s[i] == '_') {
			i++;
			continue;
		}
		j = i + 1;
		while (j < n && s[j] != '_') {
			unsigned char p = s[j - 1], c = s[j];
			if (islower(p) && isupper(c))
				break;
			if (isupper(p) && isupper(c) && j + 1 < n && islower((unsigned char)s[j + 1]))
				break;
			if ((isdigit(p) != 0) != (isdigit(c) != 0) && c < 0x80 && p < 0x80)
				break;
			j++;
		}
		if (j - i < sizeof(part)) {
			size_t m = j - i;
			for (size_t k = 0; k < m; k++)
				part[k] = (char)tolower((unsigned char)s[i + k]);
			part[m] = 0;
			cb(data, part, m, base + i, m);
		}
		i = j;
	}
}

void embed_words(const char *text, size_t len,
		 void (*cb)(void *data, const char *word, size_t n, size_t at, size_t span), void *data)
{
	size_t i = 0;

	while (i < len) {
		size_t j;
		if (!embed_word_byte((unsigned char)text[i])) {
			i++;
			continue;
		}
		j = i;
		while (j < len && embed_word_byte((unsigned char)text[j]))
			j++;
		embed_split_ident(text + i, j - i, i, cb, data);
		i = j;
	}
}

struct embed_acc {
	float *v;
};

static void embed_word_cb(void *data, const char *w, size_t n, size_t at, size_t span)
{
	struct embed_acc *acc = data;
	char buf[72];

	(void)at;
	(void)span;
	if (n < 2 || embed_is_stopword(w, n))
		return;
	embed_add(acc->v, w, n, 1, EMBED_WORD_WEIGHT);
	/* trigrams of "^word$" */
	buf[0] = '^';
	memcpy(buf + 1, w, n);
	buf[n + 1] = '$';
	for (size_t k = 0; k + 3 <= n + 2; k++) {
		/* three bytes make the key: a multiply-shift hash is enough */
		uint64_t h = ((uint64_t)(unsigned char)buf[k] << 16 | (uint64_t)(unsigned char)buf[k + 1] << 8 |
			      (unsigned char)buf[k + 2]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 31;
		acc->v[(h >> 8) % EMBED_DIM] += (h >> 63) ? -EMBED_TRIGRAM_WEIGHT : EMBED_TRIGRAM_WEIGHT;
	}
}

void embed_builtin(float *v, const char *text, size_t len)
{
	struct embed_acc acc = { v };
	double norm = 0;
	size_t i = 0;

	memset(v, 0, EMBED_DIM * sizeof(float));
	if (len > EMBED_MAX_INPUT)
		len = EMBED_MAX_INPUT;
	/* one pass: each identifier run gives its parts (embed_word_cb) and,
	 * when it had parts (hash_map, HashMap), the whole identifier too */
	while (i < len) {
		size_t j, k;
		bool split = false;
		char buf[64];
		if (!embed_word_byte((unsigned char)text[i])) {
			i++;
			continue;
		}
		j = i;
		while (j < len && embed_word_byte((unsigned char)text[j])) {
			if (j > i && (text[j] == '_' || (isupper((unsigned char)text[j]) &&
							 islower((unsigned char)text[j - 1]))))
				split = true;
			j++;
		}
		embed_split_ident(text + i, j - i, i, embed_word_cb, &acc);
		if (split && j - i < sizeof(buf)) {
			size_t m = 0;
			for (k = i; k < j; k++)
				if (text[k] != '_')
					buf[m++] = (char)tolower((unsigned char)text[k]);
			embed_add(v, buf, m, 3, EMBED_IDENT_WEIGHT);
		}
		i = j;
	}
	for (int d = 0; d < EMBED_DIM; d++) {
		float x = v[d];
		v[d] = x < 0 ? -sqrtf(-x) : sqrtf(x);
		norm += (double)v[d] * v[d];
	}
	if (norm > 0) {
		float inv = (float)(1.0 / sqrt(norm));
		for (int d = 0; d < EMBED_DIM; d++)
			v[d] *= inv;
	}
}

void embed_quantize(int8_t *q, const float *v, int dim)
{
	float max = 0;

	for (int i = 0; i < dim; i++)
		if (fabsf(v[i]) > max)
			max = fabsf(v[i]);
	for (int i = 0; i < dim; i++)
		q[i] = max > 0 ? (int8_t)lrintf(v[i] * 127.0f / max) : 0;
}

int32_t embed_dot_q(int32_t *bnorm, const int8_t *a, const int8_t *b, int dim)
{
	int32_t dot = 0, nb = 0;
	int i = 0;

#if defined(__SSE2__)
	/* 16 bytes at a time: sign-extend to int16, multiply-add pairs to int32 */
	__m128i acc = _mm_setzero_si128(), accn = _mm_setzero_si128();
	for (; i + 16 <= dim; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(a + i));
		__m128i y = _mm_loadu_si128((const __m128i *)(b + i));
		__m128i xl = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8);
		__m128i xh = _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8);
		__m128i yl = _mm_srai_epi16(_mm_unpacklo_epi8(y, y), 8);
		__m128i yh = _mm_srai_epi16(_mm_unpackhi_epi8(y, y), 8);
		acc = _mm_add_epi32(acc, _mm_add_epi32(_mm_madd_epi16(xl, yl), _mm_madd_epi16(xh, yh)));
		accn = _mm_add_epi32(accn, _mm_add_epi32(_mm_madd_epi16(yl, yl), _mm_madd_epi16(yh, yh)));
	}
	{
		int32_t t[4], u[4];
		_mm_storeu_si128((__m128i *)t, acc);
		_mm_storeu_si128((__m128i *)u, accn);
		dot = t[0] + t[1] + t[2] + t[3];
		nb = u[0] + u[1] + u[2] + u[3];
	}
#endif
	for (; i < dim; i++) {
		dot += a[i] * b[i];
		nb += b[i] * b[i];
	}
	*bnorm = nb;
	return dot;
}

float embed_cosine_q(const int8_t *a, const int8_t *b, int dim)
{
	int32_t dot = 0, na = 0, nb = 0;

	for (int i = 0; i < dim; i++) {
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	if (!na || !nb)
		return 0;
	return (float)(dot / (sqrt((double)na) * sqrt((double)nb)));
}

float embed_cosine(const float *a, const float *b, int dim)
{
	double dot = 0, na = 0, nb = 0;

	for (int i = 0; i < dim; i++) {
		dot += (double)a[i] * b[i];
		na += (double)a[i] * a[i];
		nb += (double)b[i] * b[i];
	}
	if (na <= 0 || nb <= 0)
		return 0;
	return (float)(dot / (sqrt(na) * sqrt(nb)));
}

struct embedder *embed_new(void)
{
	struct embedder *e = xcalloc(1, sizeof(*e));
	const char *cmd = getenv("RWB_EMBED_CMD");

	if (cmd && *cmd) {
		e->cmd = xstrdup(cmd);
		e->id = xasprintf("cmd:%s/?", cmd);
	} else {
		e->dim = EMBED_DIM;
		e->id = xasprintf("builtin-3/%d", EMBED_DIM);
	}
	return e;
}

void embed_free(struct embedder *e)
{
	if (!e)
		return;
	free(e->cmd);
	free(e->id);
	free(e);
}

/* Runs argv with text on stdin; collects stdout into *out. */
static int embed_run(struct strbuf *out, char **argv, const char *text, size_t len)
{
	struct proc_opts o = { .input = text, .input_len = len, .out = out,
			       .max_capture = EMBED_CMD_MAX_OUTPUT, .kill_on_overflow = true,
			       .timeout_ms = EMBED_CMD_TIMEOUT_MS, .kill_grace_ms = 1 };
	struct proc_result res;

	if (!text)
		o.input = "";
	if (proc_run(&res, argv, &o) != RWB_OK)
		return rwb_fail(RWB_EENV, "RWB_EMBED_CMD: %s", res.errmsg);
	if (res.timed_out)
		return rwb_fail(RWB_EENV, "RWB_EMBED_CMD: %s gave no answer within %d s", argv[0],
				EMBED_CMD_TIMEOUT_MS / 1000);
	if (res.truncated)
		return rwb_fail(RWB_EINPUT, "RWB_EMBED_CMD: %s printed more than %d bytes", argv[0],
				EMBED_CMD_MAX_OUTPUT);
	if (res.status != 0)
		return rwb_fail(RWB_EENV, "RWB_EMBED_CMD: %s failed (status %d)", argv[0], res.status);
	return RWB_OK;
}

static int embed_external(float **out, struct embedder *e, const char *text, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	char **argv = NULL, *p, *end;
	int argc = 0, n = 0, cap = 64, rc;
	float *v = NULL;
	double norm = 0;

	rc = cmdline_split(e->cmd, &argv, &argc);
	if (rc || argc == 0) {
		if (rc)
			rc = rwb_fail_wrap(RWB_EUSAGE, "RWB_EMBED_CMD");
		else
			rc = rwb_fail(RWB_EUSAGE, "RWB_EMBED_CMD: is empty");
		goto out;
	}
	rc = embed_run(&sb, argv, text, len);
	if (rc)
		goto out;
	v = xmalloc(cap * sizeof(float));
	p = sb.buf ? sb.buf : (char *)"";
	for (;;) {
		double x;
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		errno = 0;
		x = strtod(p, &end);
		if (end == p || !isfinite(x) || (*end && !isspace((unsigned char)*end))) {
			rc = rwb_fail(RWB_EINPUT, "RWB_EMBED_CMD: output value %d is not a number "
				      "(expected whitespace-separated floats)", n + 1);
			goto out;
		}
		if (n == EMBED_MAX_DIM) {
			rc = rwb_fail(RWB_EINPUT, "RWB_EMBED_CMD: more than %d values (at most %d accepted)",
				      EMBED_MAX_DIM, EMBED_MAX_DIM);
			goto out;
		}
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(float));
		}
		v[n++] = (float)x;
		norm += x * x;
		p = end;
	}
	if (n == 0 || (e->dim && n != e->dim)) {
		if (n)
			rc = rwb_fail(RWB_EINPUT, "RWB_EMBED_CMD: %d values, but the store's vectors have %d",
				      n, e->dim);
		else
			rc = rwb_fail(RWB_EINPUT, "RWB_EMBED_CMD: printed no numbers (expected "
				      "whitespace-separated floats)");
		goto out;
	}
	if (!e->dim) {
		e->dim = n;
		free(e->id);
		e->id = xasprintf("cmd:%s/%d", e->cmd, n);
	}
	if (norm > 0)
		for (int i = 0; i < n; i++)
			v[i] = (float)(v[i] / sqrt(norm));
	*out = v;
	v = NULL;
out:
	free(v);
	strbuf_free(&sb);
	if (argv)
		cmdline_free_argv(argv, argc);
	return rc;
}

int embed_text(float **out, struct embedder *e, const char *text, size_t len)
{
	*out = NULL;
	if (e->cmd)
		return embed_external(out, e, text, len > EMBED_MAX_INPUT ? EMBED_MAX_INPUT : len);
	*out = xmalloc(EMBED_DIM * sizeof(float));
	embed_builtin(*out, text, len);
	return RWB_OK;
}
