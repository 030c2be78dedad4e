#!/bin/bash
# cargo-overhead.sh - what running cargo through `rwb /cargo-build` costs:
# a no-op build (everything fresh) and a full build of a small generated
# crate, plain `cargo build --message-format=json-diagnostic-rendered-ansi`
# against `rwb /cargo-build` on the same crate in the same run, alternating
# so both see the same machine load. Prints medians and the ratio.
# Goal: under 3 % on the full build, under 30 ms on the no-op.
# Usage: bash bench/cargo-overhead.sh [path/to/rwb] [runs]
set -eu
RWB=${1:-build/rwb}
RUNS=${2:-5}
RWB=$(cd "$(dirname "$RWB")" && pwd)/$(basename "$RWB")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export RWB_DB=$TMP/rwb.db NO_COLOR=1

# a small crate with enough code for a full build of a few seconds
C=$TMP/crate
mkdir -p "$C/src" "$C/.cargo"
printf '[package]\nname = "overhead"\nversion = "0.1.0"\nedition = "2021"\n' >"$C/Cargo.toml"
printf '[net]\noffline = true\n' >"$C/.cargo/config.toml"
{
	for i in $(seq 1 150); do
		cat <<RS
pub mod m$i {
    use std::collections::HashMap;
    pub trait Shape$i { fn area(&self) -> f64; fn name(&self) -> String { format!("shape{}", $i) } }
    #[derive(Debug, Clone, PartialEq)]
    pub struct S$i<T: Clone> { pub items: Vec<T>, pub index: HashMap<String, usize> }
    impl<T: Clone + std::fmt::Debug> S$i<T> {
        pub fn new() -> Self { S$i { items: Vec::new(), index: HashMap::new() } }
        pub fn push(&mut self, key: &str, t: T) -> usize {
            self.items.push(t); let n = self.items.len() - 1; self.index.insert(key.to_string(), n); n
        }
        pub fn get(&self, key: &str) -> Option<&T> { self.index.get(key).map(|&i| &self.items[i]) }
        pub fn render(&self) -> String { self.items.iter().map(|t| format!("{:?}", t)).collect::<Vec<_>>().join(",") }
    }
    pub fn run() -> usize { let mut s = S$i::new(); for k in 0..10 { s.push(&k.to_string(), k * $i); } s.render().len() }
}
RS
	done
	echo 'pub fn all() -> usize { 0'
	for i in $(seq 1 150); do echo "    + m$i::run()"; done
	echo '}'
} >"$C/src/lib.rs"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
plain() { (cd "$C" && cargo build --message-format=json-diagnostic-rendered-ansi >/dev/null 2>&1); }
viarwb() { "$RWB" --repo "$C" /cargo-build >/dev/null 2>&1; }

full_plain=() full_rwb=() noop_plain=() noop_rwb=()
plain # warm the toolchain's caches once
# ABBA order: neither side always runs first
full_once() { # full_once plain|viarwb
	(cd "$C" && cargo clean -q)
	local t=$(now_ms)
	$1
	echo $(($(now_ms) - t))
}
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		full_plain+=($(full_once plain)); full_rwb+=($(full_once viarwb))
	else
		full_rwb+=($(full_once viarwb)); full_plain+=($(full_once plain))
	fi
done
for r in $(seq 1 $((RUNS * 4))); do
	t=$(now_ms); plain; noop_plain+=($(($(now_ms) - t)))
	t=$(now_ms); viarwb; noop_rwb+=($(($(now_ms) - t)))
done
echo "full build runs (ms): cargo ${full_plain[*]} / rwb ${full_rwb[*]}"
fp=$(printf '%s\n' "${full_plain[@]}" | median)
fr=$(printf '%s\n' "${full_rwb[@]}" | median)
np=$(printf '%s\n' "${noop_plain[@]}" | median)
nr=$(printf '%s\n' "${noop_rwb[@]}" | median)
echo "full build  (median of $RUNS): cargo ${fp} ms, rwb /cargo-build ${fr} ms, ratio $(awk "BEGIN {printf \"%.3f\", $fr / $fp}") (overhead $(awk "BEGIN {printf \"%+.1f\", ($fr - $fp) * 100 / $fp}")%, goal < 3%)"
echo "no-op build (median of $((RUNS * 4))): cargo ${np} ms, rwb /cargo-build ${nr} ms, ratio $(awk "BEGIN {printf \"%.3f\", $nr / $np}") (overhead $(awk "BEGIN {printf \"%+d\", $nr - $np}") ms, goal < 30 ms)"
