#!/bin/bash
# bench/fold.sh [RWB] - folding a large `perf script` output: rwb against
# perf's own stack collapser (`perf script report stackcollapse`, the
# Python port of Brendan Gregg's stackcollapse-perf that ships with perf;
# Debian 12 has no `flamegraph` package) and against `perf report --stdio`,
# all on the same recording, in one run; prints the ratios.
#
# It records a recursive Rust program with frame-pointer call graphs long
# enough that `perf script` prints about 100 MB (BENCH_MB to change), then
#   rwb:  /rust-profiling --binary big.txt   (parse, demangle, fold, SVG)
#   peer: perf script report stackcollapse   (decode + fold, on perf.data)
#   peer: perf report --stdio -g folded      (decode + aggregate)
# The decode step rwb relies on (`perf script` itself) is timed separately.
set -eu
rwb=${1:-build/rwb}
rwb=$(readlink -f "$rwb")
want_mb=${BENCH_MB:-100}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v perf >/dev/null || { echo "fold.sh: perf is missing (apt-get install linux-perf)"; exit 3; }
command -v rustc >/dev/null || { echo "fold.sh: rustc is missing"; exit 3; }

cat > "$tmp/deep.rs" <<'RS'
use std::hint::black_box;
#[inline(never)] fn leaf_a(x: u64) -> u64 { black_box(x.wrapping_mul(6364136223846793005).rotate_left(7)) }
#[inline(never)] fn leaf_b(x: u64) -> u64 { black_box(x ^ (x >> 13)).wrapping_add(1) }
#[inline(never)] fn walk_even(d: u32, x: u64) -> u64 { if d == 0 { leaf_a(x) } else { walk_odd(d - 1, x + 1) + leaf_b(x) } }
#[inline(never)] fn walk_odd(d: u32, x: u64) -> u64 { if d == 0 { leaf_b(x) } else { walk_even(d - 1, x ^ 3) + leaf_a(x) } }
struct Tree<T> { depth: u32, seed: T }
impl<T: Copy + Into<u64>> Tree<T> { #[inline(never)] fn run(&self) -> u64 { walk_even(self.depth, self.seed.into()) } }
fn main() {
    let secs: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let start = std::time::Instant::now();
    let handles: Vec<_> = (0..2u32).map(|t| std::thread::spawn(move || {
        let mut acc = 0u64; let mut i = 0u32;
        while start.elapsed().as_secs() < secs { acc += Tree { depth: 8 + (i % 24), seed: t }.run(); i += 1; }
        acc
    })).collect();
    let s: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("{}", s);
}
RS
rustc -O -g -C force-frame-pointers=yes -o "$tmp/deep" "$tmp/deep.rs"

# probe: bytes of perf script output per second of recording
perf record -q -e cpu-clock -F 4000 -g -o "$tmp/probe.data" "$tmp/deep" 1 >/dev/null 2>&1
per_sec=$(perf script -i "$tmp/probe.data" --no-demangle 2>/dev/null | wc -c)
secs=$(( (want_mb * 1000000 + per_sec - 1) / per_sec ))
[ "$secs" -lt 1 ] && secs=1
[ "$secs" -gt 120 ] && secs=120
echo "recording ${secs}s of a recursive Rust program (frame-pointer call graphs, 4 kHz, 2 threads)..."
perf record -q -e cpu-clock -F 4000 -g -o "$tmp/big.data" "$tmp/deep" "$secs" >/dev/null 2>&1

now() { date +%s.%N; }
t0=$(now); perf script -i "$tmp/big.data" --no-demangle > "$tmp/big.txt" 2>/dev/null; t1=$(now)
decode=$(echo "$t1 - $t0" | bc)
size=$(stat -c %s "$tmp/big.txt")
printf 'perf script output: %d MB (perf script itself took %.2f s)\n' $((size / 1000000)) "$decode"

# wall and CPU (user + sys) seconds of one command, stdout to $1
measure() { # out cmd...
	local out=$1; shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > "$out" 2>/dev/null
	read -r wall user sys < "$tmp/time"
	echo "$wall $(echo "$user + $sys" | bc)"
}
read -r rwb_s rwb_cpu < <(measure "$tmp/rwb.json" "$rwb" --db "$tmp/rwb.db" --json /rust-profiling --tool perf --binary "$tmp/big.txt")
read -r sc_s sc_cpu < <(measure "$tmp/sc.folded" perf script report stackcollapse -i "$tmp/big.data")
read -r rep_s rep_cpu < <(measure "$tmp/report.txt" perf report --stdio --no-children -g folded -i "$tmp/big.data")

rwb_samples=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['samples'])" "$tmp/rwb.json")
sc_samples=$(awk '{n += $NF} END {print n}' "$tmp/sc.folded")
rwb_stacks=$(wc -l < "$tmp/rwb-profile/big.txt.folded")
sc_stacks=$(wc -l < "$tmp/sc.folded")
printf '%-40s %7s %7s\n' "" "wall s" "cpu s"
printf '%-40s %7.2f %7.2f  %d samples, %d stacks\n' "rwb (fold + demangle + folded + SVG)" "$rwb_s" "$rwb_cpu" "$rwb_samples" "$rwb_stacks"
printf '%-40s %7.2f %7.2f  %d samples, %d stacks\n' "perf script report stackcollapse" "$sc_s" "$sc_cpu" "$sc_samples" "$sc_stacks"
printf '%-40s %7.2f %7.2f\n' "perf report --stdio -g folded" "$rep_s" "$rep_cpu"
printf 'ratio stackcollapse / rwb:  %.1fx wall, %.1fx cpu\n' "$(echo "$sc_s / $rwb_s" | bc -l)" "$(echo "$sc_cpu / $rwb_cpu" | bc -l)"
printf 'ratio perf report / rwb:    %.1fx wall, %.1fx cpu\n' "$(echo "$rep_s / $rwb_s" | bc -l)" "$(echo "$rep_cpu / $rwb_cpu" | bc -l)"
printf 'ratio stackcollapse / (perf script + rwb): %.1fx wall\n' "$(echo "$sc_s / ($decode + $rwb_s)" | bc -l)"
