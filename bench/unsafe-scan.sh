#!/bin/bash
# unsafe-scan.sh - rwb's unsafe scan against ripgrep on every Rust file under
# /usr/share/cargo/registry (Debian's librust-*-dev sources), in one run.
#
# rwb: `rwb /unsafe-audit` over the registry: walks the tree, lexes every
# .rs file completely (comments, strings, raw strings, chars and lifetimes),
# walks the structure of the files that have an `unsafe` keyword, and
# records the items in the store: once into a fresh store, then REPS warm
# runs where the items are already stored. ripgrep as a user runs it:
# `rg -c -w unsafe --type rust ROOT`, its own parallel walk on every core
# (the goal, #19: rwb within 1.5x of that). The older figure, ripgrep fed
# the file list through xargs (which flatters rwb), is printed second. The two tools take turns (rwb, rg, rwb, rg, ...) so both meet
# the same load; the best wall time of REPS runs and its CPU time count (the
# machine is shared). Prints MB/s, the ratios and the load average.
# Usage: bench/unsafe-scan.sh [path/to/rwb] [root]
set -u
RWB=${1:-$(dirname "$0")/../build/rwb}
ROOT=${2:-/usr/share/cargo/registry}
REPS=${REPS:-3}
command -v rg > /dev/null || { echo "ripgrep is missing: apt-get install ripgrep" >&2; exit 3; }
[ -x "$RWB" ] || { echo "no rwb binary at $RWB" >&2; exit 3; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

find "$ROOT" -name '*.rs' -type f -not -path '*/target/*' -not -path '*/.*' -print0 | sort -z > "$WORK/files"
nfiles=$(tr -cd '\0' < "$WORK/files" | wc -c)
bytes=$(du -cb --apparent-size --files0-from="$WORK/files" | tail -1 | cut -f1)
mb=$(python3 -c "print(f'{$bytes / 1e6:.1f}')")
echo "corpus: $nfiles Rust files, $mb MB under $ROOT"

# one timed run of a command; keeps the best (lowest wall) "wall cpu" in
# the file $1
# (bash's own timer: milliseconds, where /usr/bin/time rounds to 10 ms,
# which at 0.1 s is a 10% error)
timed() { # timed CMD...: writes "wall user sys" in seconds to $WORK/t
	local TIMEFORMAT='%3R %3U %3S'
	{ time "$@" > "$WORK/out" 2> /dev/null; } 2> "$WORK/t"
}
run_best() {
	local best=$1 w u s bw
	shift
	timed "$@"
	read -r w u s < "$WORK/t"
	read -r bw _ < "$best"
	if python3 -c "import sys; sys.exit(0 if $w < $bw else 1)"; then
		echo "$w $(python3 -c "print(round($u + $s, 3))")" > "$best"
	fi
}

export RWB_DB=$WORK/rwb.db
timed "$RWB" --repo "$ROOT" /unsafe-audit
read -r cold_w cu cs < "$WORK/t"
cold_c=$(python3 -c "print(round($cu + $cs, 3))")
items=$(tail -1 "$WORK/out")
echo "999999 0" > "$WORK/best.rwb"
echo "999999 0" > "$WORK/best.rg"
echo "999999 0" > "$WORK/best.xargs"
for _ in $(seq "$REPS"); do
	run_best "$WORK/best.rwb" "$RWB" --repo "$ROOT" /unsafe-audit
	run_best "$WORK/best.rg" rg -c -w unsafe --type rust "$ROOT"
	run_best "$WORK/best.xargs" sh -c "xargs -0 rg -c -w unsafe < '$WORK/files'"
done
read -r rwb_w rwb_c < "$WORK/best.rwb"
read -r rg_w rg_c < "$WORK/best.rg"
read -r xa_w xa_c < "$WORK/best.xargs"
rg_count=$(rg -c -w unsafe --type rust "$ROOT" | awk -F: '{s += $NF} END {print s}')

python3 - "$mb" "$cold_w" "$cold_c" "$rwb_w" "$rwb_c" "$rg_w" "$rg_c" "$xa_w" "$xa_c" <<'PY'
import sys
mb, cw, cc, rw, rc, gw, gc, xw, xc = map(float, sys.argv[1:])
print(f"rwb (fresh store):       {cw:6.3f} s wall {cc:6.3f} s cpu {mb / cw:7.1f} MB/s")
print(f"rwb (items stored):      {rw:6.3f} s wall {rc:6.3f} s cpu {mb / rw:7.1f} MB/s")
print(f"rg -c -w unsafe -t rust: {gw:6.3f} s wall {gc:6.3f} s cpu {mb / gw:7.1f} MB/s (its own walk)")
print(f"xargs rg -c -w unsafe:   {xw:6.3f} s wall {xc:6.3f} s cpu {mb / xw:7.1f} MB/s (file list given)")
print(f"ratio rwb/ripgrep (its own walk): wall {rw / gw:.2f}x, cpu {rc / max(gc, 0.001):.2f}x (goal: within 1.5x)")
print(f"ratio rwb/ripgrep (xargs):        wall {rw / xw:.2f}x, cpu {rc / max(xc, 0.001):.2f}x")
PY
echo "rwb: $items"
echo "ripgrep: $rg_count lines with the word unsafe (comments, strings and docs included)"
echo "best of $REPS runs each; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
