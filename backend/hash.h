/*
 * hash.h - the two hashes rwb computes itself.
 *
 * - hash_fnv1a: FNV-1a, a byte a step. Item ids and fingerprints are made
 *   with it and stored, so it never changes.
 * - hash_words: eight bytes a step (the length first, so "ab"+"c" and
 *   "a"+"bc" differ), then hash_final. For tables in memory and for the
 *   audit's row digests, where FNV's byte a step was the cost (a digest
 *   that changes later only makes the next scan write each row once).
 *
 * Neither is for adversarial input: nothing here is a defence against
 * chosen collisions.
 */
#ifndef RWB_HASH_H
#define RWB_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH_FNV_OFFSET 0xcbf29ce484222325ULL

static inline uint64_t hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* One word into h. */
static inline uint64_t hash_mix(uint64_t h, uint64_t w)
{
	h ^= w * 0x9e3779b97f4a7c15ULL;
	return (h << 27 | h >> 37) * 0xc2b2ae3d27d4eb4fULL;
}

/* n bytes at p into h: the length, then eight bytes a step (the last
 * word zero-padded; memory order, so a big-endian machine differs). */
static inline uint64_t hash_words(uint64_t h, const void *p, size_t n)
{
	const char *s = p;
	uint64_t w;

	h = hash_mix(h, n);
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = hash_mix(h, w);
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = hash_mix(h, w);
	}
	return h;
}

/* Every bit of h into every bit of the result (MurmurHash3's fmix64). */
static inline uint64_t hash_final(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

#endif
