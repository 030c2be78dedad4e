#!/bin/sh
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, on a corpus
# seeded from fuzz/corpus/NAME when present. Any crash fails the run.
set -eu
build=${1:-build-fuzz}
secs=${2:-10}
status=0
for f in "$build"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus="$build/corpus/$name"
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
	echo "fuzz: $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" \
		> "$build/$name.log" 2>&1; then
		tail -40 "$build/$name.log"
		status=1
	else
		grep -E "stat::number_of_executed_units|cov:" "$build/$name.log" | tail -2
	fi
done
exit $status
