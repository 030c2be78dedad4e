#!/bin/bash
# test_coverage.sh - /rust-test --coverage against real cargo, rustc and
# llvm-cov on a crate with a partly tested function (offline): the same
# test counts as without --coverage, the normal build left fresh, rwb's
# totals equal to `llvm-cov report`'s own for the same profile, an unsafe
# block in an untested function not executed and one in a tested function
# executed, /audit-check --require-tested, the test_coverage metric with a
# trend after two runs, and exit 3 naming the package when no tool reads
# the profiles.
# Usage: bash test_coverage.sh /path/to/rwb /path/to/source
set -u
RWB=$1
SRC=$2
FIX=$SRC/tests/fixtures/cargo
TMP=$(mktemp -d)
export RWB_DB=$TMP/rwb.db
export NO_COLOR=1
unset RUST_BACKTRACE RUSTFLAGS RUSTDOCFLAGS CARGO_TARGET_DIR RWB_LLVM_TOOLS
pass=0
fail=0
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION ACTUAL EXPECTED
	if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}

for tool in cargo jq llvm-cov-19 llvm-profdata-19; do
	if ! command -v $tool >/dev/null; then
		echo "test_coverage.sh needs $tool (apt-get install llvm-19 jq)" >&2
		exit 1
	fi
done

C=$TMP/covered
cp -r "$FIX/covered" "$C"
mkdir -p "$C/.cargo"
cp "$FIX/offline-config.toml" "$C/.cargo/config.toml"

# --- the same counts with and without --coverage ------------------------------
plain=$("$RWB" --repo "$C" --json /rust-test 2>/dev/null)
check "plain run exits 0" "$?" 0
fresh_before=$(cd "$C" && cargo test --no-run --message-format=json 2>/dev/null |
	jq -r 'select(.reason=="compiler-artifact") | .fresh' | sort -u)
out=$("$RWB" --repo "$C" --json /rust-test --coverage 2>"$TMP/cov.err")
check "coverage run exits 0" "$?" 0
check "same counts" "$(jq -r '"\(.passed) \(.failed) \(.ignored)"' <<<"$out")" \
	"$(jq -r '"\(.passed) \(.failed) \(.ignored)"' <<<"$plain")"
check "unit, integration and doc tests ran" "$(jq .passed <<<"$out")" 3
check "coverage measured" "$(jq .coverage.available <<<"$out")" true
check "a doc-test binary was read" "$(jq '.coverage.doc_test_binaries >= 1' <<<"$out")" true
check "own target directory" "$(jq -r '.coverage.profdata' <<<"$out")" "$(realpath "$C")/target/rwb-coverage/rwb.profdata"
check "normal build still fresh" \
	"$(cd "$C" && cargo test --no-run --message-format=json 2>/dev/null |
		jq -r 'select(.reason=="compiler-artifact") | .fresh' | sort -u)" "$fresh_before"
check "only the crate's files" "$(jq -r '[.coverage.files[].file] | join(" ")' <<<"$out")" \
	"src/lib.rs tests/outside.rs"

# --- totals equal llvm-cov report's own for the same profile -------------------
mapfile -t objs < <(jq -r '.coverage.objects[]' <<<"$out")
args=("${objs[0]}")
for o in "${objs[@]:1}"; do args+=(-object "$o"); done
report=$(llvm-cov-19 report -instr-profile="$(jq -r .coverage.profdata <<<"$out")" \
	'-ignore-filename-regex=^/rustc/|/\.cargo/registry/|/\.cargo/git/|^/usr/share/cargo/registry/' \
	"${args[@]}" 2>/dev/null | grep '^TOTAL')
# TOTAL regions missed cover functions missed executed lines missed cover ...
read -r _ rg rgm rgc fn fnm fnc ln lnm lnc _ <<<"$report"
check "line count" "$(jq .coverage.lines.count <<<"$out")" "$ln"
check "lines covered" "$(jq .coverage.lines.covered <<<"$out")" "$((ln - lnm))"
check "line coverage %" "$(jq -r '.coverage.lines.percent * 100 | round / 100 | tostring' <<<"$out" |
	xargs printf '%.2f%%')" "$lnc"
check "region coverage %" "$(jq -r .coverage.regions.percent <<<"$out" | xargs printf '%.2f%%')" "$rgc"
check "function coverage %" "$(jq -r .coverage.functions.percent <<<"$out" | xargs printf '%.2f%%')" "$fnc"
check "partly tested: not 100%" "$(jq '.coverage.lines.covered < .coverage.lines.count' <<<"$out")" true
"$RWB" --repo "$C" /rust-test --coverage >"$TMP/human.txt" 2>/dev/null
grep -q "^coverage (llvm-19): lines $lnc " "$TMP/human.txt" && ok || bad "human answer gives the total: $(head -3 "$TMP/human.txt")"
grep -q "src/lib.rs" "$TMP/human.txt" && ok || bad "human answer lists the files"

# --- per unsafe block ----------------------------------------------------------
audit=$("$RWB" --repo "$C" --json /unsafe-audit --required-reviewers 1 2>/dev/null)
check "unsafe in the tested fn executed" \
	"$(jq -c '[.items[] | select(.function=="read_tested") | .tested]' <<<"$audit")" "[true]"
check "unsafe in the untested fn not executed" \
	"$(jq -c '[.items[] | select(.function=="read_untested") | .tested]' <<<"$audit")" "[false]"
for id in $(jq -r '.items[].id' <<<"$audit"); do
	"$RWB" --repo "$C" /audit-review --id "$id" --verdict sound --reviewer ann >/dev/null 2>&1
done
"$RWB" --repo "$C" /audit-check >/dev/null 2>&1
check "approved and documented: audit-check passes" "$?" 0
chk=$("$RWB" --repo "$C" --json /audit-check --require-tested 2>/dev/null)
check "--require-tested fails on the untested block" "$?" 1
check "one untested" "$(jq .untested <<<"$chk")" 1
"$RWB" --repo "$C" /audit-check --require-tested 2>/dev/null | grep -q "read_untested.*no test executes it" &&
	ok || bad "the human answer names the untested block"
# no coverage run: tested is null, --require-tested cannot answer
check "no coverage run: tested null" \
	"$("$RWB" --db "$TMP/other.db" --repo "$C" --json /unsafe-audit 2>/dev/null | jq -c '[.items[].tested]')" "[null,null]"
"$RWB" --db "$TMP/other.db" --repo "$C" /audit-check --require-tested >/dev/null 2>"$TMP/noc.err"
check "--require-tested without a run exits 3" "$?" 3
grep -q "rust-test --coverage" "$TMP/noc.err" && ok || bad "says to run /rust-test --coverage"

# --- the metric: a trend after two runs ------------------------------------------
# three runs so far; the next covers read_untested too, so the trend is up
sed -i 's/assert_eq!(super::read_tested(&3), 3);/assert_eq!(super::read_tested(\&3), 3);\n        assert_eq!(super::read_untested(\&3), 4);/' "$C/src/lib.rs"
out2=$("$RWB" --repo "$C" --json /rust-test --coverage 2>/dev/null)
check "more covered" "$(jq --argjson a "$(jq .coverage.lines.percent <<<"$out")" '.coverage.lines.percent > $a' <<<"$out2")" true
m=$("$RWB" --repo "$C" --json /metrics test_coverage 2>/dev/null)
check "metric samples" "$(jq '.metrics.test_coverage.samples >= 2' <<<"$m")" true
check "metric trend" "$(jq -r '.metrics.test_coverage.trend' <<<"$m")" up
check "metric value" "$(jq '.metrics.test_coverage.value' <<<"$m")" "$(jq .coverage.lines.percent <<<"$out2")"
"$RWB" --repo "$C" /metrics test_coverage 2>/dev/null | grep -q "test_coverage" && ok || bad "/metrics lists test_coverage"
check "now tested" "$("$RWB" --repo "$C" --json /unsafe-audit 2>/dev/null | jq -c '[.items[].tested]')" "[true,true]"

# --- no tool reads the profiles: exit 3 with the package ---------------------------
RWB_LLVM_TOOLS=/usr/bin/llvm-profdata-14,/usr/bin/llvm-cov-14 "$RWB" --repo "$C" /rust-test --coverage \
	>/dev/null 2>"$TMP/old.err"
check "LLVM 14 cannot read them: exit 3" "$?" 3
grep -q "apt-get install llvm-19" "$TMP/old.err" && ok || bad "names llvm-19: $(cat "$TMP/old.err")"
RWB_LLVM_TOOLS=/nonexistent/llvm-profdata,/nonexistent/llvm-cov "$RWB" --repo "$C" /rust-test --coverage \
	>/dev/null 2>"$TMP/none.err"
check "no tool at all: exit 3" "$?" 3
grep -q "apt-get install llvm-19" "$TMP/none.err" && ok || bad "names the package: $(cat "$TMP/none.err")"

echo "test_coverage.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
