/*
 * perffold.h - `perf script` text folded into flame-graph stacks.
 *
 * A struct perffold reads `perf script` output (any chunking: it keeps the
 * partial last line), demangles each frame's symbol once (a cache keyed by
 * the raw symbol), and counts samples per stack; perffold_finish() turns
 * them into folded stack strings "comm;root;...;leaf" (call it before
 * reading any figures). It can also read folded lines
 * back ("stack count"), so the flame view and the SVG writer work from the
 * file the profiler wrote.
 *
 * From the counts it derives per-function self and total percentages (total
 * counts a function once per stack, so recursion is not counted twice), a
 * tree for drawing, the folded file (hottest stack first) and an SVG flame
 * graph. Names are escaped for XML; ';' inside a name (Rust array types)
 * becomes ',' so the folded format stays parseable.
 */
#ifndef RWB_PERFFOLD_H
#define RWB_PERFFOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct perffold;

struct perffold_stack {
	const char *stack;        /* borrowed from the fold: "comm;a;b" */
	uint64_t count;
};

struct perffold_func {
	char *name;               /* owned */
	uint64_t self;            /* samples with the function as the leaf */
	uint64_t total;           /* samples with the function anywhere */
	double self_pct, total_pct; /* of all samples, 0..100 */
};

/* A node of the merged call tree (root = all samples). */
struct perffold_node {
	char *name;               /* owned; "all" for the root */
	uint64_t total;           /* samples in this subtree */
	uint64_t self;            /* samples ending here */
	struct perffold_node **kids; /* owned, sorted by name */
	size_t nkids, capkids;
	struct perffold_node *parent; /* borrowed; NULL for the root */
};

int perffold_new(struct perffold **out);
void perffold_free(struct perffold *f);

/* Feeds `perf script` text; lines may be split across calls. RWB_EINPUT
 * (message in the error channel, error.h, as for every reader here) when
 * the text has NUL bytes. */
int perffold_feed(struct perffold *f, const char *buf, size_t len);
/* Ends the input (flushes the last sample). */
int perffold_finish(struct perffold *f);
/* Reads a whole `perf script` file. */
int perffold_read_script(struct perffold *f, const char *path);
/* Reads folded lines ("a;b;c 12") from buf / a file. */
int perffold_parse_folded(struct perffold *f, const char *buf, size_t len);
int perffold_read_folded(struct perffold *f, const char *path);
/* Adds count samples of one folded stack. */
void perffold_add(struct perffold *f, const char *stack, size_t len, uint64_t count);

uint64_t perffold_samples(const struct perffold *f);
size_t perffold_nstacks(const struct perffold *f);

/* The stacks, hottest first (ties by name); *out allocated, strings borrowed. */
void perffold_stacks(const struct perffold *f, struct perffold_stack **out, size_t *n);
/* Per-function figures, highest self first (then total, name); frames
 * after the first (the command name) only. */
void perffold_functions(const struct perffold *f, struct perffold_func **out, size_t *n);
void perffold_functions_free(struct perffold_func *fn, size_t n);

/* The merged tree; skip_comm drops the command-name frame. */
struct perffold_node *perffold_tree(const struct perffold *f, bool skip_comm);
void perffold_node_free(struct perffold_node *n);

int perffold_write_folded(const struct perffold *f, const char *path);
int perffold_write_svg(const struct perffold *f, const char *path, const char *title);

#endif
