#!/bin/bash
# test_first_day.sh RWB SRC - issue 16's first half from the command line:
# the demo crate ignores its build output, a failed test says why (panic
# location, message, cargo's "failures:" section), results come as human
# text beside the JSON (--result-file F writes F.txt), diagnostics carry
# rustc's rendered text and machine-applicable fixes, errors_by_code drops
# to 0 once fixed, no-op builds stay out of compile_time_avg/_p95, and
# libtest #[bench] crates run on nightly (exit 3 with the reason when they
# cannot run).
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

# --- the demo crate: the git pane shows the change, not the build output ----
sh "$SRC/scripts/demo-repo.sh" "$TMP/demo" >/dev/null
mkdir -p "$TMP/demo/target/debug" && touch "$TMP/demo/target/debug/x" "$TMP/demo/Cargo.lock"
st=$("$RWB" --repo "$TMP/demo" --json /git-status 2>/dev/null)
check "demo: nothing untracked after a build" "$(jq -c '.untracked' <<<"$st")" "[]"
check "demo: the change shows" "$(jq -r '[.unstaged[].path] | join(" ")' <<<"$st")" "src/checksum.rs"

# --- a failed test says why --------------------------------------------------
crate tests testy
# (no --json: it keeps stderr for errors; the answer comes from the result file)
"$RWB" --repo "$TMP/testy" --result-file "$TMP/test.json" /rust-test >/dev/null 2>"$TMP/test.err"
check "failing tests exit 1" "$?" 1
out=$(cat "$TMP/test.json")
check "failure file:line:col" "$(jq -r '.failures[0] | "\(.file):\(.line):\(.column)"' <<<"$out")" "src/lib.rs:22:9"
check "failure message" "$(jq -r '.failures[0].message' <<<"$out")" "assertion \`left == right\` failed: two and two"
jq -r '.failures[0].output' <<<"$out" | grep -q "^  left: 4" && ok || bad "failure output keeps left/right"
check "failures open the list" "$(jq -r '"\(.view) \(.title)"' <<<"$out")" "diagnostics Failed tests"
# the terminal sees cargo test's own failures section
grep -q -- "^---- tests::wrong_sum stdout ----" "$TMP/test.err" && ok || bad "failures section printed"
grep -q "^about to compare" "$TMP/test.err" && ok || bad "captured stdout printed"
grep -q "^ right: 5" "$TMP/test.err" && ok || bad "left/right printed"

# --- results are human text beside the JSON ---------------------------------
"$RWB" --repo "$TMP/testy" --result-file "$TMP/res" /rust-test >/dev/null 2>&1
check "result text: summary line" "$(head -n1 "$TMP/res.txt" | sed -E 's/ \([0-9.]+ s\)$//')" \
	"tests failed: 3 passed, 1 failed, 1 ignored"
check "result text: the failure and why" "$(sed -n 2p "$TMP/res.txt")" \
	"  FAILED tests::wrong_sum at src/lib.rs:22:9: assertion \`left == right\` failed: two and two"
check "result file: still JSON" "$(jq -r .failed "$TMP/res")" 1

# --- diagnostics: rendered text and machine-applicable fixes ---------------
crate diag diag
out=$("$RWB" --repo "$TMP/diag" --json /cargo-build 2>/dev/null)
check "build fails" "$?" 1
jq -r '.diagnostics[] | select(.code=="E0308") | .rendered' <<<"$out" | grep -q "expected \`u32\`, found \`&str\`" &&
	ok || bad "rendered span labels"
jq -r '.diagnostics[] | select(.code=="E0308") | .rendered' <<<"$out" | grep -q $'\033' &&
	bad "rendered without ANSI" || ok
check "a machine-applicable fix" \
	"$(jq -c '.diagnostics[] | select(.code=="unused_imports") | .fixes[0] | [.file,.byte_start,.byte_end,.replacement]' <<<"$out")" \
	'["src/main.rs",0,31,""]'

# --- metrics: a fixed error drops to 0; no-op builds kept apart ------------
crate diag e0599
cat > "$TMP/e0599/src/main.rs" <<'RS'
fn main() {
    let n = 1u32;
    n.no_such_method();
}
RS
"$RWB" --repo "$TMP/e0599" /cargo-build >/dev/null 2>&1
m=$("$RWB" --repo "$TMP/e0599" --json /metrics errors_by_code 2>/dev/null)
check "E0599 counted" "$(jq '.metrics["errors_by_code/E0599"].value' <<<"$m")" 1
printf 'fn main() {\n    let n = 1u32;\n    println!("{n}");\n}\n' > "$TMP/e0599/src/main.rs"
"$RWB" --repo "$TMP/e0599" /cargo-build >/dev/null 2>&1
check "fixed build succeeds" "$?" 0
m=$("$RWB" --repo "$TMP/e0599" --json /metrics errors_by_code 2>/dev/null)
check "E0599 drops to 0 when fixed" "$(jq '.metrics["errors_by_code/E0599"].value' <<<"$m")" 0
"$RWB" --repo "$TMP/e0599" /cargo-build >/dev/null 2>&1   # nothing changed: a no-op build
m=$("$RWB" --repo "$TMP/e0599" --json /metrics 2>/dev/null)
check "compile_time_avg counts the two compiling builds" "$(jq '.metrics.compile_time_avg.samples' <<<"$m")" 2
check "compile_time_p95 too" "$(jq '.metrics.compile_time_p95.samples' <<<"$m")" 2
check "the no-op build kept apart" "$(jq '.metrics.compile_time_noop_avg.samples' <<<"$m")" 1
m=$("$RWB" --repo "$TMP/e0599" --json /metrics build_success_rate 2>/dev/null)
check "build_success_rate still counts every build" "$(jq '.metrics.build_success_rate.samples' <<<"$m")" 3

# --- libtest benchmarks on nightly ------------------------------------------
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
	crate libtest-bench nb
	out=$("$RWB" --repo "$TMP/nb" --json /rust-benchmark 2>/dev/null)
	check "libtest bench runs" "$?" 0
	check "libtest harness" "$(jq -r .harness <<<"$out")" libtest
	check "both benchmarks read" "$(jq -r '[.benchmarks[].id] | join(" ")' <<<"$out")" "bench_sum_large bench_sum_small"
	check "ns/iter read" "$(jq '[.benchmarks[] | select(.median_ns > 0 and .mean_ns == .median_ns)] | length' <<<"$out")" 2
	m=$("$RWB" --repo "$TMP/nb" --json /metrics bench_median_ns 2>/dev/null)
	check "the same metrics as criterion" "$(jq '.metrics | has("bench_median_ns/bench_sum_small")' <<<"$m")" true
	printf '#![feature(test)]\nextern crate test;\n#[bench]\nfn b(b: &mut test::Bencher) { let x: u32 = "no"; b.iter(|| x); }\n' \
		> "$TMP/nb/benches/sums.rs"
	err=$("$RWB" --repo "$TMP/nb" /rust-benchmark 2>&1 >/dev/null)
	check "a benchmark that cannot run exits 3" "$?" 3
	grep -q "could not run: E0308" <<<"$err" && ok || bad "the reason is given: $err"
else
	echo "no nightly toolchain: libtest benchmarks not run"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
