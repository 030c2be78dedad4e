/*
 * profile.h - /rust-profiling's orchestration: what --binary names, the
 * build with debug info, perf record, and perf script piped into the folder.
 *
 * profile_collect() takes a program, a cargo crate (or a program under its
 * target/), a perf.data or saved `perf script` text, and leaves the folded
 * samples and where the results go in a struct profile_run; the command
 * (cmd_analysis.c) turns that into its answer, files and metrics. The
 * call-graph mode comes from the binary (elf_fp.c): frame pointers when
 * it has them, else DWARF; the event is cpu-clock where the machine has no
 * hardware counters. Programs run through proc.c from argv, never a shell.
 *
 * Never: write outside the rwb-profile folder next to the profiled file,
 * or leave perf running (the --duration and Ctrl-C reach it).
 */
#ifndef RWB_PROFILE_H
#define RWB_PROFILE_H

#include <stdbool.h>
#include <stdio.h>

struct perffold;

/* What to profile. */
struct profile_req {
	const char *path;          /* --binary, absolute (profile_path) */
	const char *shown;         /* --binary as typed, for messages */
	long long duration_ms;     /* stop the program after this (0: when it ends) */
	char *const *args;         /* the program's arguments (borrowed) */
	int nargs;
	FILE *progress;            /* a line per program started, or NULL */
};

/* What was profiled and where its results go. */
struct profile_run {
	struct perffold *fold;     /* owned: the samples, finished */
	char *what;                /* owned: the program or file profiled */
	char *dir, *base;          /* owned: DIR/rwb-profile and the file name */
	char *data;                /* owned: the perf.data (the input's when it was one) */
	const char *event;         /* "cycles", "cpu-clock", or "recorded" */
	const char *call_graph;    /* "fp", "dwarf", or "recorded" */
	bool build_failed;         /* the crate did not build: a negative answer */
};

/* p as an absolute path: relative to repo when it is not there as given. */
char *profile_path(const char *repo, const char *p);
/* Records (or reads) what req names into *out. RWB_OK, or the code with
 * the reason in the error channel (rwb_last_error()); *out is then
 * released already. */
int profile_collect(struct profile_run *out, const struct profile_req *req);
void profile_run_release(struct profile_run *r);

#endif
