#!/bin/sh
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, on a corpus
# seeded from fuzz/corpus/NAME when present, as many at once as there are
# cores (FUZZ_JOBS overrides). Any crash fails the run; its log is printed.
set -eu
build=${1:-build-fuzz}
secs=${2:-10}

if [ "${3:-}" = "--one" ]; then
	f=$4
	name=$(basename "$f")
	corpus="$build/corpus/$name"
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
	if ! "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" \
		> "$build/$name.log" 2>&1; then
		echo "fuzz: $name FAILED"
		tail -40 "$build/$name.log"
		exit 1
	fi
	echo "fuzz: $name ${secs}s: $(grep -E 'stat::number_of_executed_units' "$build/$name.log" | tail -1 | tr -s ' ')"
	exit 0
fi

jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
ls "$build"/fuzz/fuzz_* | while read -r f; do [ -x "$f" ] && echo "$f"; done |
	xargs -P "$jobs" -I{} sh "$0" "$build" "$secs" --one {}
