/*
 * embed.h - text embeddings for the memory store's vector search.
 *
 * The built-in embedder needs no network and no model: it hashes features
 * of the text into a fixed number of dimensions (EMBED_DIM) with a signed
 * hash (the "hashing trick"):
 *   - words, lower-cased, with Rust identifiers split at '_', '::' and case
 *     changes (Arc<Mutex<T>> gives "arc", "mutex"; HashMap gives "hash",
 *     "map") and the unsplit identifier as a feature of its own;
 *   - character trigrams of every word with boundary marks ("^li", "lif",
 *     ... "me$"), so a misspelt word ("lifetme") still shares most of its
 *     features with the right one ("lifetime").
 * Each dimension is damped (signed square root) so one frequent word cannot
 * dominate, and the vector is L2-normalised: cosine similarity is then a
 * dot product.
 *
 * RWB_EMBED_CMD names an external program (split into argv with
 * cmdline_split, never run through a shell) that reads the text on stdin
 * and prints whitespace-separated floats; it replaces the built-in one.
 * embed_id() names the embedder that made a vector so the store can tell
 * when it changed and re-embed.
 *
 * Stored vectors are int8 (each value scaled by 127 / max |v|): a quarter
 * of the floats' size, which keeps a scan over 100k entries in memory
 * bandwidth, and cosine is unchanged by the scale.
 */
#ifndef RWB_EMBED_H
#define RWB_EMBED_H

#include <stddef.h>
#include <stdint.h>

#define EMBED_DIM 256          /* the built-in embedder's dimension */
#define EMBED_MAX_DIM 4096     /* the most an external embedder may return */
#define EMBED_MAX_INPUT 8192   /* bytes of text an embedding looks at */

struct embedder {
	char *cmd;                 /* owned; RWB_EMBED_CMD or NULL (built-in) */
	int dim;                   /* EMBED_DIM, or the external program's (0 until first run) */
	char *id;                  /* owned; "builtin-3/256" or "cmd:PROGRAM/DIM" */
};

/* The embedder the environment selects (RWB_EMBED_CMD or built-in). */
struct embedder *embed_new(void);
void embed_free(struct embedder *e);

/*
 * Embeds text[0..len) into *out (allocated, e->dim floats, L2-normalised).
 * For an external program the first call fixes e->dim and e->id. On error
 * the error channel (error.h) says what went wrong in one line.
 */
int embed_text(float **out, struct embedder *e, const char *text, size_t len);

/* The built-in embedder alone (no environment): v has EMBED_DIM floats. */
void embed_builtin(float *v, const char *text, size_t len);

/* Quantizes an L2-normalised vector to int8 (q has dim bytes). */
void embed_quantize(int8_t *q, const float *v, int dim);
/* The dot product of two int8 vectors and *bnorm = |b|^2 (SSE2 when the
 * machine has it: the vector scan's inner loop). */
int32_t embed_dot_q(int32_t *bnorm, const int8_t *a, const int8_t *b, int dim);
/* Cosine similarity of two int8 vectors of dim values (0 when either is zero). */
float embed_cosine_q(const int8_t *a, const int8_t *b, int dim);
/* Cosine similarity of two float vectors. */
float embed_cosine(const float *a, const float *b, int dim);

/* Calls cb for every lower-cased word the embedder sees in text (identifier
 * parts included); used for snippets of vector hits. */
void embed_words(const char *text, size_t len,
		 void (*cb)(void *data, const char *word, size_t n, size_t at, size_t span), void *data);

#endif
