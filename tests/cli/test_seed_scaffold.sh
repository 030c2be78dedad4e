#!/bin/bash
# test_seed_scaffold.sh - the brief's scaffolding lines (seed-lines.md) in
# turn on one crate that /rust-project-init makes, each with --yes, then
# cargo build --all-targets and cargo clippy --all-targets -- -D warnings on
# the result; /embedded-rust in an empty folder sets up the project (exit 3
# with the rustup line when the target is not installed, the host tests
# still pass); then /metrics names all 24 metrics of the brief. Boolean flags are written bare (--gats) here; `--gats true`
# is the flag parser's business (tested with it).
#
# Usage: bash test_seed_scaffold.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
SRC=$(realpath "$2")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export CARGO_TARGET_DIR=$T/target
export RWB_DATA_DIR=$SRC/data
# offline: Debian's crate sources (the crate's own .cargo/config.toml stays free for /embedded-rust)
mkdir -p "$T/cargo-home"
cp /work/shared/cargo/offline-config.toml "$T/cargo-home/config.toml" 2>/dev/null ||
	cp "$SRC/../shared/cargo/offline-config.toml" "$T/cargo-home/config.toml"
export CARGO_HOME=$T/cargo-home
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
rwb() { "$RWB" --db "$T/rwb.db" "$@"; }
if [ -d "$(rustc --print sysroot)/lib/rustlib/thumbv7em-none-eabihf" ]; then emb_want=0; else emb_want=3; fi

cd "$T" || exit 1
rwb /rust-project-init --name my-app --type binary --edition 2021 --yes >"$T/out" 2>&1 && [ -f my-app/Cargo.toml ] &&
	ok || { bad "/rust-project-init"; cat "$T/out"; exit 1; }
printf '#include <stdint.h>\n/* the system layer */\nint sys_open(const char *path, int flags);\nint64_t sys_uptime(void);\nvoid sys_reset(void);\n' > my-app/system.h
cd my-app || exit 1
while IFS= read -r line; do
	eval "set -- $line"
	want=0
	[ "$1" = /embedded-rust ] && want=$emb_want
	rwb "$@" --yes >"$T/out" 2>&1
	st=$?
	[ $st -eq $want ] && ok || { bad "$line: exit $st (want $want)"; cat "$T/out"; }
done <<'LINES'
/rust-async --runtime tokio --features "net,io-util,time" --workers 4
/rust-async --runtime tokio --features "full" --workers 8
/async-runtime --type tokio --multi-threaded --enable-all
/channel-pattern --type mpsc --bounded --capacity 1000
/rust-optimize --profile release --lto thin --codegen-units 1
/trait-design --name Serializable --bounds "Clone + Debug" --gats
/error-handling --type thiserror --backtrace --context
/rust-ffi --header system.h --bindgen --output src/bindings.rs
/rust-macro --type derive --name Serialize --syn
/embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic
LINES
[ $emb_want -eq 3 ] && grep -q 'rustup target add thumbv7em-none-eabihf' "$T/out" && ok ||
	[ $emb_want -eq 0 ] || bad "embedded-rust does not give the rustup line"
grep -q 'worker_threads = 8' src/main.rs && ok || bad "the second /rust-async did not replace main.rs"
grep -q '"full"' Cargo.toml && ok || bad "tokio lacks the full feature"
grep -q 'pub trait Serializable: Clone + std::fmt::Debug' src/serializable.rs && ok ||
	bad "trait bounds: $(grep 'pub trait' src/serializable.rs)"
grep -q '^lto = "thin"' Cargo.toml && grep -q '^codegen-units = 1' Cargo.toml && ok || bad "release profile"
for m in runtime channel_mpsc serializable error bindings firmware; do
	grep -q "pub mod $m;" src/lib.rs && ok || bad "module $m not declared"
done
out=$(cargo build --offline --all-targets 2>&1) && ok || { bad "cargo build --all-targets"; echo "$out" | tail -30; }
out=$(cargo clippy --offline --all-targets -- -D warnings 2>&1) && ok ||
	{ bad "cargo clippy -D warnings"; echo "$out" | grep -A8 '^warning\|^error' | head -40; }

# the brief's 24 metrics after a build, a test, clippy, an audit and a delegation:
# each measured, or "unavailable: REASON", never missing (a change first, so
# the build compiles something: no-op builds do not count in compile_time_*)
echo "// touched" >>src/lib.rs
for l in "/cargo-build" "/rust-test" "/cargo-clippy" "/unsafe-audit" \
	"/agent-delegate --agent performance-testing-agent --task 'Benchmark async runtime performance'"; do
	eval "set -- $l"
	rwb "$@" >"$T/out" 2>&1
	st=$?
	[ $st -le 1 ] && ok || { bad "$l: exit $st"; tail -5 "$T/out"; }
done
met=$(rwb --json /metrics 2>/dev/null)
for m in tasks_completed tasks_failed compile_time_avg compile_time_p95 build_success_rate clippy_warnings \
	unsafe_blocks unsafe_blocks_documented test_coverage benchmark_variance throughput latency_p50 latency_p99 \
	memory_usage_peak allocations_per_sec cpu_utilization soundness_proofs lifetime_errors_resolved \
	borrow_checker_errors data_race_prevention_score zero_cost_abstractions simd_usage lto_enabled codegen_units; do
	echo "$met" | jq -en --arg m "$m" 'input | (.metrics | to_entries | any(.key == $m or (.key | startswith($m + "/"))))' \
		>/dev/null && ok || bad "/metrics does not name $m"
done
# measured here (not unavailable): what the runs above and the crate give
for m in tasks_completed build_success_rate compile_time_avg compile_time_p95 clippy_warnings unsafe_blocks \
	unsafe_blocks_documented soundness_proofs borrow_checker_errors lifetime_errors_resolved memory_usage_peak \
	cpu_utilization lto_enabled codegen_units data_race_prevention_score zero_cost_abstractions simd_usage; do
	echo "$met" | jq -en --arg m "$m" 'input | (.metrics[$m].value | type == "number")' >/dev/null && ok ||
		bad "$m not measured: $(echo "$met" | jq -c --arg m "$m" '.metrics[$m]')"
done
[ "$(echo "$met" | jq '.metrics.unsafe_blocks.value > 0')" = true ] && ok || bad "unsafe_blocks is 0 after the audit"
[ "$(echo "$met" | jq '.metrics.codegen_units.value')" = 1 ] && ok || bad "codegen_units is not the profile's 1"
[ "$(echo "$met" | jq '.metrics.lto_enabled.value')" = 1 ] && ok || bad "lto = thin is not lto_enabled"
rwb /metrics 2>/dev/null | grep -q '^allocations_per_sec  *unavailable: ' && ok || bad "no unavailable line in /metrics"

# /embedded-rust in a folder without Cargo.toml: the project, then the module
mkdir "$T/fw" && cd "$T/fw" || exit 1
rwb /embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic >"$T/out" 2>&1
[ $? -eq 0 ] && [ ! -e Cargo.toml ] && grep -q 'create .cargo/config.toml' "$T/out" && ok || { bad "embedded preview"; cat "$T/out"; }
rwb /embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic --yes >"$T/out" 2>"$T/err"
st=$?
[ $st -eq $emb_want ] && ok || { bad "embedded in an empty folder: exit $st"; cat "$T/out" "$T/err"; }
if [ $emb_want -eq 3 ]; then
	[ "$(wc -l < "$T/err")" -eq 1 ] && grep -q 'run `rustup target add thumbv7em-none-eabihf`' "$T/err" && ok ||
		bad "exit 3 without the one rustup line: $(cat "$T/err")"
fi
for f in Cargo.toml src/lib.rs src/firmware.rs memory.x .cargo/config.toml; do
	[ -f "$f" ] && ok || bad "embedded project lacks $f"
done
grep -q '^target = "thumbv7em-none-eabihf"' .cargo/config.toml && ok || bad ".cargo/config.toml lacks the target"
grep -q 'no_std' src/lib.rs && grep -q 'MEMORY' memory.x && ok || bad "no_std layout"
host=$(rustc -vV | sed -n 's/^host: //p')
out=$(cargo test --offline --target "$host" 2>&1) && echo "$out" | grep -q 'test result: ok. 2 passed' && ok ||
	{ bad "host tests of the firmware logic"; echo "$out" | tail -20; }
out=$(cargo clippy --offline --target "$host" --all-targets -- -D warnings 2>&1) && ok ||
	{ bad "embedded clippy"; echo "$out" | tail -20; }
# a second run changes nothing and is not an error about the target only
out=$(rwb --json /embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic 2>/dev/null)
echo "$out" | grep -q '"files":\[\]' && ok || bad "second embedded run wants changes: $out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
