#!/bin/bash
# test_cargo.sh - the cargo commands against real cargo on small crates made
# here (offline, from Debian's crate sources): summaries match what cargo
# itself printed, metrics after three builds, a slowed benchmark flagged,
# watch mode re-running on a save, and clear answers for broken set-ups.
# Usage: bash test_cargo.sh /path/to/rwb /path/to/source
set -u
RWB=$1
SRC=$2
FIX=$SRC/tests/fixtures/cargo
TMP=$(mktemp -d)
export RWB_DB=$TMP/rwb.db
export NO_COLOR=1
unset RUST_BACKTRACE
pass=0
fail=0
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION ACTUAL EXPECTED
	if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}

crate() { # crate FIXTURE NAME: a copy of the fixture with the offline config
	cp -r "$FIX/$1" "$TMP/$2"
	mkdir -p "$TMP/$2/.cargo"
	cp "$FIX/offline-config.toml" "$TMP/$2/.cargo/config.toml"
}

for tool in cargo jq; do
	if ! command -v $tool >/dev/null; then
		echo "test_cargo.sh needs $tool" >&2
		exit 1
	fi
done

# --- a crate with a warning and an error ---------------------------------
crate diag diag
out=$("$RWB" --repo "$TMP/diag" --json /cargo-build 2>"$TMP/diag.err")
check "failed build exits 1" "$?" 1
check "--json: stderr holds no streamed output" "$(wc -c <"$TMP/diag.err")" 0
check "warnings" "$(jq .warnings <<<"$out")" 1
check "errors" "$(jq .errors <<<"$out")" 1
check "success" "$(jq .success <<<"$out")" false
check "the warning's place" "$(jq -r '.diagnostics[] | select(.level=="warning") | "\(.code) \(.file):\(.line):\(.column)"' <<<"$out")" \
	"unused_imports src/main.rs:1:5"
"$RWB" --repo "$TMP/diag" /cargo-build >/dev/null 2>"$TMP/diag.err"
grep -q "mismatched types" "$TMP/diag.err" && ok || bad "cargo's rendered output is streamed to stderr"
# what cargo itself printed, read independently with jq
(cd "$TMP/diag" && cargo build --message-format=json 2>/dev/null) >"$TMP/diag.json"
want=$(jq -r 'select(.reason=="compiler-message") | .message | select(.spans|length>0) |
	"\(.level) \(.code.code) \(.spans[] | select(.is_primary) | "\(.file_name):\(.line_start):\(.column_start)")"' \
	"$TMP/diag.json" | sort -u)
got=$(jq -r '.diagnostics[] | "\(.level) \(.code) \(.file):\(.line):\(.column)"' <<<"$out" | sort -u)
check "diagnostics match cargo's JSON" "$got" "$want"
# the human answer
"$RWB" --repo "$TMP/diag" /cargo-build >"$TMP/human.txt" 2>/dev/null
grep -q "src/main.rs:4:18 error\[E0308\] mismatched types" "$TMP/human.txt" && ok || bad "human answer lists the error"

# --- metrics after three builds -------------------------------------------
# build 1 failed above (twice: the JSON and the human run), fix it, build twice more
export RWB_DB=$TMP/metrics.db
crate diag m3
d1=$("$RWB" --repo "$TMP/m3" --json /cargo-build 2>/dev/null | jq .duration_ms)
sed -i 's/let n: u32 = "not a number";/let n: u32 = 7;/; s/^use std::collections::HashMap;//' "$TMP/m3/src/main.rs"
r2=$("$RWB" --repo "$TMP/m3" --json /cargo-build 2>/dev/null)
check "fixed build exits 0" "$?" 0
check "fixed build has no diagnostics" "$(jq '.diagnostics|length' <<<"$r2")" 0
d2=$(jq .duration_ms <<<"$r2")
d3=$("$RWB" --repo "$TMP/m3" --json /cargo-build 2>/dev/null | jq .duration_ms)
met=$("$RWB" --repo "$TMP/m3" --json /metrics)
check "/metrics exits 0" "$?" 0
# the third build compiled nothing: it stays out of the compile times
avg=$(jq -n "($d1 + $d2) / 2")
p95=$(printf '%s\n' "$d1" "$d2" | sort -n | tail -1)
check "compile_time_avg (builds that compiled)" "$(jq '.metrics.compile_time_avg.value' <<<"$met")" "$(jq -n "$avg")"
check "compile_time_p95 (nearest rank of 2 = max)" "$(jq '.metrics.compile_time_p95.value' <<<"$met")" "$p95"
check "the no-op build apart" "$(jq '.metrics.compile_time_noop_avg.value' <<<"$met")" "$d3"
check "build_success_rate" "$(jq '.metrics.build_success_rate.value * 1000 | round' <<<"$met")" 667
check "samples" "$(jq '.metrics."duration_ms/cargo-build".samples' <<<"$met")" 3
check "errors by code: 0 once fixed" "$(jq -c '.metrics."errors_by_code/E0308" | [.value, .samples]' <<<"$met")" "[0,2]"
check "peak RSS recorded" "$(jq '.metrics."peak_rss_kb/cargo-build".value > 1000' <<<"$met")" true
check "one metric by name" "$(jq '.metrics|keys|join(",")' -r <<<"$("$RWB" --repo "$TMP/m3" --json /metrics build_success_rate)")" \
	build_success_rate
"$RWB" --repo "$TMP/m3" /metrics no_such_metric >/dev/null 2>&1
check "unknown metric exits 2" "$?" 2
"$RWB" --repo "$TMP/m3" /metrics --since soon >/dev/null 2>&1
check "bad --since exits 2" "$?" 2
export RWB_DB=$TMP/rwb.db

# --- passing, failing and ignored tests -------------------------------------
crate tests testy
out=$("$RWB" --repo "$TMP/testy" --json /rust-test 2>/dev/null)
check "failing tests exit 1" "$?" 1
check "passed" "$(jq .passed <<<"$out")" 3
check "failed" "$(jq .failed <<<"$out")" 1
check "ignored" "$(jq .ignored <<<"$out")" 1
check "failure name" "$(jq -r '.failures[0].name' <<<"$out")" "tests::wrong_sum"
jq -r '.failures[0].output' <<<"$out" | grep -q "two and two" && ok || bad "failure output kept"
check "per binary" "$(jq -r '[.binaries[] | "\(.name)=\(.passed)/\(.failed)/\(.ignored)"] | join(" ")' <<<"$out")" \
	"unittests src/lib.rs=2/1/1 tests/integration.rs=1/0/0 Doc-tests testy=0/0/0"
# what libtest printed itself
want=$(cd "$TMP/testy" && cargo test --no-fail-fast 2>/dev/null | grep '^test result:' |
	sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/' |
	awk '{p+=$1; f+=$2; i+=$3} END {print p, f, i}')
check "totals match libtest's lines" "$(jq -r '"\(.passed) \(.failed) \(.ignored)"' <<<"$out")" "$want"
# the plain libtest format (no RUSTC_BOOTSTRAP JSON events) gives the same answer
plain=$(RWB_TEST_PLAIN=1 "$RWB" --repo "$TMP/testy" --json /rust-test 2>/dev/null)
check "plain format: same totals" "$(jq -r '"\(.passed) \(.failed) \(.ignored) \(.per_test_events)"' <<<"$plain")" "$want false"
out=$("$RWB" --repo "$TMP/testy" --json /rust-test adds 2>/dev/null)
check "a filter selects tests" "$(jq -r '"\(.passed) \(.failed) \(.success)"' <<<"$out")" "3 0 true"
# /rust-test --coverage: test_coverage.sh
check "test metrics per binary" \
	"$("$RWB" --repo "$TMP/testy" --json /metrics test_failed | jq '.metrics."test_failed/unittests src/lib.rs".samples >= 1')" true

# --- one clippy warning -------------------------------------------------------
crate clippy clippy
out=$("$RWB" --repo "$TMP/clippy" --json /cargo-clippy 2>/dev/null)
check "clippy exits 0" "$?" 0
check "by lint" "$(jq -c .by_lint <<<"$out")" '{"clippy::needless_return":1}'
check "clippy diagnostic line" "$(jq -r '.diagnostics[0] | "\(.file):\(.line)"' <<<"$out")" "src/lib.rs:2"
out=$("$RWB" --repo "$TMP/clippy" --json /cargo-clippy -- -A clippy::needless_return 2>/dev/null)
check "-- ARGS reach clippy" "$(jq .warnings <<<"$out")" 0
check "clippy_warnings metric" "$("$RWB" --repo "$TMP/clippy" --json /metrics clippy_warnings 2>/dev/null | jq '.metrics."clippy_warnings/clippy::needless_return".value')" 1

# --- ownership and lifetimes ----------------------------------------------------
crate borrow borrow
out=$("$RWB" --repo "$TMP/borrow" --json /ownership-check --file src/main.rs 2>/dev/null)
check "ownership-check finds E0382 (exit 1)" "$?" 1
check "E0382 at its line" "$(jq -r '.diagnostics[0] | "\(.code) \(.line)"' <<<"$out")" "E0382 8"
jq -r '.explanations["E0382"]' <<<"$out" | grep -q "moved" && ok || bad "rustc --explain text included"
check "view" "$(jq -r .view <<<"$out")" diagnostics
"$RWB" --repo "$TMP/borrow" /ownership-check --file src/nope.rs >/dev/null 2>"$TMP/err"
check "missing file exits 2" "$?" 2
check "one line" "$(wc -l <"$TMP/err")" 1
"$RWB" --repo "$TMP/borrow" /ownership-check >/dev/null 2>&1
check "--file required" "$?" 2
out=$("$RWB" --repo "$TMP/borrow" --json /lifetime-analysis --file src/main.rs 2>/dev/null)
check "no lifetime errors there" "$(jq .count <<<"$out")" 0
cat >"$TMP/borrow/src/main.rs" <<'EOF'
fn longest(a: &str, b: &str) -> &str {
    if a.len() > b.len() { a } else { b }
}

fn main() {
    println!("{}", longest("a", "bc"));
}
EOF
out=$("$RWB" --repo "$TMP/borrow" --json /lifetime-analysis --file src/main.rs --function longest 2>/dev/null)
check "E0106 in longest" "$(jq -r '.diagnostics[0].code' <<<"$out")" E0106
"$RWB" --repo "$TMP/borrow" /lifetime-analysis --file src/main.rs --function nothere >/dev/null 2>&1
check "unknown function exits 2" "$?" 2

# --- environment problems: exit 3 with one clear line -------------------------------
mkdir -p "$TMP/empty"
"$RWB" --repo "$TMP/empty" /cargo-build >/dev/null 2>"$TMP/err"
check "not a crate exits 3" "$?" 3
grep -q "^rwb: not a Rust crate" "$TMP/err" && ok || bad "not a crate message: $(cat "$TMP/err")"
crate clippy broken
echo 'oops = [' >>"$TMP/broken/Cargo.toml"
"$RWB" --repo "$TMP/broken" /cargo-build >/dev/null 2>"$TMP/err"
check "malformed Cargo.toml exits 3" "$?" 3
grep -q "^rwb: Cargo.toml is malformed" "$TMP/err" && ok || bad "malformed message: $(cat "$TMP/err")"
mkdir -p "$TMP/ws"
printf '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n' >"$TMP/ws/Cargo.toml"
crate clippy ws/a
crate clippy ws/b
"$RWB" --repo "$TMP/ws" /cargo-build >/dev/null 2>"$TMP/err"
check "ambiguous member exits 3" "$?" 3
grep -q "ambiguous" "$TMP/err" && ok || bad "ambiguous message: $(cat "$TMP/err")"
out=$(PATH=/nonexistent "$RWB" --repo "$TMP/clippy" --json /cargo-build 2>/dev/null)
check "cargo missing exits 3" "$?" 3
check "cargo missing code" "$(jq -r .error.code <<<"$out")" ENOTOOL
"$RWB" --repo "$TMP/clippy" /watch forever >/dev/null 2>&1
check "bad watch target exits 2" "$?" 2

# --- cargo-publish never uploads -----------------------------------------------
out=$("$RWB" --repo "$TMP/testy" --json /cargo-publish 2>/dev/null)
check "package --list" "$(jq -r '[.files[] | select(. == "src/lib.rs")] | length' <<<"$out")" 1
check "nothing uploaded" "$(jq .uploaded <<<"$out")" false

# --- watch: re-run on a save under src/, not for unrelated files -----------------
crate clippy w
# the answer as JSON in a result file; the progress lines on stderr (--json would keep them off)
"$RWB" --repo "$TMP/w" --result-file "$TMP/watch.json" /watch build >/dev/null 2>"$TMP/watch.err" &
wpid=$!
wait_for() { # wait_for COUNT: until the watch has finished COUNT runs
	for _ in $(seq 1 300); do
		[ "$(grep -c 'waiting for changes' "$TMP/watch.err")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_for 1 && ok || bad "watch: first run"
echo "notes" >"$TMP/w/src/notes.txt"
sleep 1
check "unrelated file: no run" "$(grep -c 'waiting for changes' "$TMP/watch.err")" 1
echo "pub fn triple(x: i32) -> i32 { x * 3 }" >>"$TMP/w/src/lib.rs"
wait_for 2 && ok || bad "watch: run after a save"
# three saves in quick succession: one run (debounced)
for i in 1 2 3; do echo "// $i" >>"$TMP/w/src/lib.rs"; sleep 0.05; done
wait_for 3 && ok || bad "watch: run after a burst of saves"
sleep 1
check "burst debounced into one run" "$(grep -c 'waiting for changes' "$TMP/watch.err")" 3
kill -INT $wpid
wait $wpid
check "watch ends on SIGINT with 0" "$?" 0
check "watch runs" "$(jq .runs "$TMP/watch.json")" 3

# --- SIGINT cancels: forwarded to cargo's process group, nothing left behind ---------
crate clippy slow
printf 'fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(60));\n}\n' >"$TMP/slow/build.rs"
"$RWB" --repo "$TMP/slow" /cargo-build >/dev/null 2>"$TMP/slow.err" &
spid=$!
for _ in $(seq 1 300); do
	pgrep -f "build-script-build" >/dev/null && break
	sleep 0.1
done
start=$(date +%s)
kill -INT $spid
wait $spid
check "cancelled build exits 1" "$?" 1
check "cancel is quick" "$(( $(date +%s) - start < 10 ))" 1
grep -q "cancelled" "$TMP/slow.err" && ok || bad "cancel message: $(tail -1 "$TMP/slow.err")"
sleep 0.5
pgrep -f "$TMP/slow/target" >/dev/null && bad "a build process survived the cancel" || ok

# --- a criterion benchmark, then slowed on purpose ------------------------------------
crate bench benchy
out=$(BENCH_WORK=2000 "$RWB" --repo "$TMP/benchy" --json /rust-benchmark 2>"$TMP/bench.err")
check "first benchmark run exits 0" "$?" 0
check "benchmark id with a space" "$(jq -r '.benchmarks[0].id' <<<"$out")" "sum squares"
check "no previous run" "$(jq '.benchmarks[0].change_pct' <<<"$out")" null
mean1=$(jq '.benchmarks[0].mean_ns' <<<"$out")
want=$(jq '.mean.point_estimate' "$TMP/benchy/target/criterion/sum squares/new/estimates.json")
# cJSON prints the shortest form that reads back within DBL_EPSILON: compare as numbers
check "mean from criterion's estimates" "$(jq -n "(($mean1) - ($want)) | fabs <= 1e-9 * ($want)")" true
out=$(BENCH_WORK=40000 "$RWB" --repo "$TMP/benchy" --json /rust-benchmark 2>/dev/null)
check "regression exits 1" "$?" 1
check "flagged as a regression" "$(jq '.benchmarks[0].regression' <<<"$out")" true
check "change above 100%" "$(jq '.benchmarks[0].change_pct > 100' <<<"$out")" true
check "regression in /metrics" "$("$RWB" --repo "$TMP/benchy" --json /metrics bench_mean_ns | jq '.metrics."bench_mean_ns/sum squares".regression')" true

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
