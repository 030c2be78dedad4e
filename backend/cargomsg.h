/*
 * cargomsg.h - reading what cargo, rustc, libtest and criterion print.
 *
 * cargo with --message-format=json-diagnostic-rendered-ansi prints one JSON
 * object a line on stdout (compiler-message, compiler-artifact,
 * build-finished, ...); `cargo test` mixes libtest's own lines into the same
 * stream (plain "test result:" lines, or JSON events under
 * `-Z unstable-options --format json`). cargomsg_feed_line() takes each
 * line, whatever it is, and accumulates one struct cargomsg: diagnostics
 * (deduplicated: cargo repeats a lib's warnings for its test target), test
 * counts per binary, failures, artifacts and whether the build finished.
 * criterion 0.3's results are read from target/criterion/.../new/ files;
 * libtest's own #[bench] lines ("test x ... bench: 1,234 ns/iter (+/- 56)")
 * become benchmarks as they are fed.
 *
 * Never: crash or abort on a malformed line (it is counted and skipped), or
 * trust a number or a string from the input to be in range or present.
 */
#ifndef RWB_CARGOMSG_H
#define RWB_CARGOMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "strbuf.h"

/* One machine-applicable replacement from a suggestion's span. */
struct cargo_fix {
	char *file;                  /* owned: as cargo names it */
	long byte_start, byte_end;   /* the replaced bytes [start, end) of the file */
	int line_start, column_start, line_end, column_end; /* 1-based, for showing */
	char *replacement;           /* owned: suggested_replacement */
};

struct cargo_diag {
	char *level;                 /* owned: "error", "warning", "note", "help", ... */
	char *code;                  /* owned: "E0382", "clippy::needless_return", or NULL */
	char *message;               /* owned; never NULL */
	char *file;                  /* owned: primary span's file (as cargo names it), or NULL */
	int line, column;            /* primary span position (1-based), 0 when none */
	char *rendered;              /* owned: rustc's rendered text (with ANSI), or NULL */
	struct cargo_diag *children; /* owned array of nchildren (notes, help); no grandchildren */
	int nchildren;
	struct cargo_fix *fixes;     /* owned: machine-applicable replacements of this diagnostic
	                                and its children (what `cargo fix` would apply) */
	int nfixes;
};

struct cargo_test_bin {
	char *name;                  /* owned: "unittests src/lib.rs (target/debug/deps/x-h)" */
	int passed, failed, ignored; /* from its "test result:" line or suite event */
	bool finished;               /* its result line was seen */
};

struct cargo_test_case {
	char *name;                  /* owned: "tests::adds" */
	char *binary;                /* owned copy of the binary's name, or NULL */
	char *status;                /* owned: "ok", "failed", "ignored" */
	char *output;                /* owned: captured stdout of a failure, or NULL */
	char *file;                  /* owned: the panic's file ("src/lib.rs"), or NULL */
	int line, column;            /* the panic's position, 0 when unknown */
	char *message;               /* owned: the panic message's first line, or NULL */
};

struct cargo_bench {
	char *id;                    /* owned: criterion's full id ("fib 20", "group/fn"), or
	                                libtest's bench function path ("bench_sum") */
	double mean_ns, median_ns, std_dev_ns; /* point estimates in nanoseconds */
};

struct cargomsg {
	struct cargo_diag *diags;    /* owned, in arrival order, deduplicated */
	size_t ndiags, cap_diags;
	struct cargo_test_bin *bins; /* owned */
	size_t nbins, cap_bins;
	struct cargo_test_case *cases; /* owned: per-test results (JSON events or "test X ... ok") */
	size_t ncases, cap_cases;
	struct cargo_bench *benches; /* owned */
	size_t nbenches, cap_benches;
	int artifacts;               /* compiler-artifact messages seen */
	int fresh_artifacts;         /* of those, "fresh": up to date, nothing compiled */
	bool build_finished;         /* a build-finished message came */
	bool build_success;          /* its "success" */
	bool test_json;              /* libtest JSON events were seen */
	int malformed;               /* lines that looked like JSON but did not parse */
	int lines;                   /* lines fed */
	char **pending_bins;         /* owned FIFO: names from cargo's "Running" lines whose
	                                test binary has not started yet (stdout and stderr are
	                                separate pipes, so names may arrive well before) */
	size_t npending, cap_pending;
	char *capture_name;          /* owned: test whose "---- X stdout ----" is being read */
	struct strbuf capture;       /* that output so far */
};

void cargomsg_init(struct cargomsg *m);
void cargomsg_release(struct cargomsg *m);

/*
 * Takes one line (without its newline; len bytes, need not be
 * NUL-terminated). What a person would have seen from it (rendered
 * diagnostics, libtest's lines) is appended to human when non-NULL.
 */
void cargomsg_feed_line(struct cargomsg *m, const char *line, size_t len, struct strbuf *human);

/*
 * Finds the panic in a failed test's output ("thread 'x' panicked at
 * src/lib.rs:22:9:\nmessage", or before Rust 1.73 "panicked at 'message',
 * src/lib.rs:22:9"): *file (allocated), *line, *column and *message (the
 * message's first line, allocated). false, with everything NULL/0, when
 * there is none.
 */
bool cargomsg_panic_location(const char *output, char **file, int *line, int *column,
			     char **message);

/* text without its ANSI escape sequences (rustc's rendered colours); allocated. */
char *cargomsg_strip_ansi(const char *text);

/* Counts of top-level diagnostics of a level ("error", "warning"). */
int cargomsg_count(const struct cargomsg *m, const char *level);
/* Totals over the test binaries. */
void cargomsg_test_totals(const struct cargomsg *m, int *passed, int *failed, int *ignored);

/*
 * Reads criterion's results under target_dir/criterion: every
 * BENCH/new/estimates.json (with new/benchmark.json naming the benchmark)
 * modified at or after since_ms (milliseconds since the epoch, compared
 * with the file's own sub-second time; 0: any). Benchmarks are sorted by id.
 */
int cargomsg_read_criterion(struct cargomsg *m, const char *target_dir, int64_t since_ms);
/* Parses one estimates.json text into *b (id untouched); RWB_EINPUT when unusable. */
int cargomsg_parse_estimates(struct cargo_bench *b, const char *json);

/* A build that compiled nothing: it succeeded and every artifact was fresh. */
bool cargomsg_noop_build(const struct cargomsg *m);

/* Whether code is a borrow-checker (move/borrow) or a lifetime error code. */
bool cargomsg_is_borrow_code(const char *code);
bool cargomsg_is_lifetime_code(const char *code);

#endif
