#!/bin/bash
# bench/grep.sh - /grep-search against ripgrep on the same tree in one run.
#
# The tree is a git repository holding a copy of the Rust crates Debian
# ships (/usr/share/cargo/registry, about 10,000 files), or DIR when given.
# Each tool prints every match with file, line and column (rwb as its JSON
# answer, rg as --vimgrep lines); runs alternate between the tools and the
# best of RUNS wall-clock times counts.
# The match counts must agree, so both did the same work.
#
# Usage: bench/grep.sh [path/to/rwb] [DIR]   (RUNS=5 by default)
set -eu
RWB=$(realpath "${1:-build/rwb}")
SRC=${2:-/usr/share/cargo/registry}
RUNS=${RUNS:-5}
command -v rg >/dev/null || { echo "ripgrep is not installed: apt-get install ripgrep" >&2; exit 3; }
[ -x "$RWB" ] || { echo "no rwb binary at $RWB: build first" >&2; exit 3; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp -r "$SRC" "$T/tree"
(cd "$T/tree" && git init -q . && printf 'target/\n' > .gitignore)
# what rwb searches: every file but .git, hidden ones included
RG=(rg --hidden -g '!.git' --no-config)

# ms of one run of "$@", output to /dev/null
once() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

printf '%-28s %10s %10s %10s %8s %8s\n' "regex" "matches" "rwb ms" "rg ms" "rg -j1" "ratio"
for re in 'unsafe' 'fn [a-z_]+\(' 'impl<T: [A-Z][a-z]+>' '[0-9]{4}-[0-9]{2}' 'Result<\(\), [A-Za-z]+>'; do
	n_rwb=$("$RWB" --db "$T/rwb.db" --repo "$T/tree" --json /grep-search "$re" --max 10000000 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
	n_rg=$("${RG[@]}" -c "$re" "$T/tree" | awk -F: '{s+=$NF} END {print s+0}')
	if [ "$n_rwb" != "$n_rg" ]; then
		echo "match counts differ for '$re': rwb $n_rwb, rg $n_rg" >&2
	fi
	# the runs alternate so that a busy machine slows both alike; best of RUNS
	t_rwb=999999999 t_rg=999999999 t_rg1=999999999
	for _ in $(seq "$RUNS"); do
		t=$(once "$RWB" --db "$T/rwb.db" --repo "$T/tree" --json /grep-search "$re" --max 10000000)
		[ "$t" -lt "$t_rwb" ] && t_rwb=$t
		t=$(once "${RG[@]}" --vimgrep "$re" "$T/tree")
		[ "$t" -lt "$t_rg" ] && t_rg=$t
		t=$(once "${RG[@]}" -j1 --vimgrep "$re" "$T/tree")
		[ "$t" -lt "$t_rg1" ] && t_rg1=$t
	done
	ratio=$(python3 -c "print(f'{$t_rwb / max($t_rg, 1):.2f}')")
	printf '%-28s %10s %10s %10s %8s %8s\n' "$re" "$n_rwb" "$t_rwb" "$t_rg" "$t_rg1" "$ratio"
done
echo "ratio = rwb time / rg time (both with their default threads: one per core; rg -j1 for reference)"
