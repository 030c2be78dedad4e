#!/bin/bash
# test_seed_cargo.sh - the brief's own lines (../shared/spec/seed-lines.md)
# that run cargo, grep, --help and --json, typed exactly as written, as
# `rwb LINE` on crates this test builds (offline, from Debian's crate
# sources). What cargo received is read from a wrapper on PATH that logs its
# argv and runs the real cargo, so the flags are checked where they land.
# Also: cargo's own flags pass through in order, cargo judges an unknown one
# (its error, exit 2, no run recorded), +toolchain, and a -p build recorded
# for that package.
# Usage: bash test_seed_cargo.sh /path/to/rwb /path/to/source
set -u
RWB=$1
SRC=$2
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
one_of() { # one_of DESCRIPTION ACTUAL ALLOWED...
	local d=$1 v=$2
	shift 2
	for a in "$@"; do [ "$v" == "$a" ] && { ok; return; }; done
	bad "$d: got '$v', want one of $*"
}

for tool in cargo jq; do
	if ! command -v $tool >/dev/null; then
		echo "test_seed_cargo.sh needs $tool" >&2
		exit 1
	fi
done

# a cargo that logs each argv (one line) and runs the real one
REAL_CARGO=$(command -v cargo)
mkdir -p "$TMP/bin"
cat >"$TMP/bin/cargo" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$TMP/cargo.log"
exec "$REAL_CARGO" "\$@"
EOF
chmod +x "$TMP/bin/cargo"
export PATH=$TMP/bin:$PATH
last_cargo() { # the last argv cargo got whose subcommand (after +TOOLCHAIN) is $1
	awk -v s="$1" '{ w = ($1 ~ /^\+/) ? $2 : $1; if (w == s) l = $0 } END { print l }' "$TMP/cargo.log"
}

# --- the crate: library, binary, a tests/ target, doc tests, a workspace member ---
A=$TMP/app
mkdir -p "$A/src" "$A/tests" "$A/.cargo" "$A/member/src"
cp "$SRC/tests/fixtures/cargo/offline-config.toml" "$A/.cargo/config.toml"
cat >"$A/Cargo.toml" <<'EOF'
[package]
name = "app"
version = "0.1.0"
edition = "2021"
description = "the crate test_seed_cargo.sh runs the brief's lines on"
license = "MIT"

[features]
extra = []

[workspace]
members = ["member"]
EOF
cat >"$A/src/lib.rs" <<'EOF'
//! The crate the brief's lines run on.
pub mod ffi;
pub mod parser;

/// Returns its input.
///
/// ```
/// assert_eq!(app::process_data("x"), "x");
/// ```
pub fn process_data(input: &str) -> &str {
    input
}

/// Answers a request.
///
/// ```
/// assert_eq!(app::handle_request(2), 4);
/// ```
pub fn handle_request(n: u64) -> u64 {
    n * 2
}

#[cfg(test)]
mod tests {
    #[test]
    fn doubles() {
        assert_eq!(super::handle_request(3), 6);
    }
}
EOF
cat >"$A/src/parser.rs" <<'EOF'
/// Counts the JSON objects in text.
pub fn parse_json(text: &str) -> usize {
    text.matches('{').count()
}
EOF
cat >"$A/src/ffi.rs" <<'EOF'
/// Reads the first byte.
pub fn first(v: &[u8]) -> u8 {
    assert!(!v.is_empty());
    // SAFETY: v is not empty, so index 0 is in bounds.
    unsafe { *v.get_unchecked(0) }
}
EOF
cat >"$A/src/main.rs" <<'EOF'
fn main() {
    let mut sum = 0u64;
    for i in 0..3_000_000u64 {
        sum = sum.wrapping_add(app::handle_request(i));
    }
    println!("{} {}", app::parser::parse_json("{}{}"), sum);
}
EOF
cat >"$A/tests/integration.rs" <<'EOF'
#[test]
fn parses() {
    assert_eq!(app::parser::parse_json("{\"a\":{}}"), 2);
}
EOF
printf '[package]\nname = "member"\nversion = "0.1.0"\nedition = "2021"\n' >"$A/member/Cargo.toml"
printf 'pub fn one() -> u32 {\n    1\n}\n' >"$A/member/src/lib.rs"
echo "unsafe is discussed here" >"$A/README.md"
rwb() { "$RWB" --repo "$A" "$@"; }
samples() { # samples METRIC [DIR]: how many runs /metrics counts
	"$RWB" --repo "${2:-$A}" --json /metrics 2>/dev/null | jq --arg m "$1" '.metrics[$m].samples // 0'
}

# --- /cargo-build --release --target x86_64-unknown-linux-gnu --------------------
HOST=$(rustc -vV | sed -n 's/^host: //p')
if [ "$HOST" == "x86_64-unknown-linux-gnu" ]; then
	out=$(rwb --json /cargo-build --release --target x86_64-unknown-linux-gnu 2>"$TMP/err")
	check "cargo-build --release --target: exit" "$?" 0
	check "cargo-build --json: stderr empty" "$(wc -c <"$TMP/err")" 0
	check "cargo-build success" "$(jq .success <<<"$out")" true
	last_cargo build | grep -q -- "--release --target x86_64-unknown-linux-gnu" && ok ||
		bad "cargo got --release --target: $(last_cargo build)"
	[ -x "$A/target/x86_64-unknown-linux-gnu/release/app" ] && ok || bad "the target's binary was built"
fi
rwb /cargo-build --release >/dev/null 2>&1
check "cargo-build --release" "$?" 0

# --- cargo's own flags pass through, in order, once ----------------------------------
before=$(samples "duration_ms/cargo-build")
rwb /cargo-build --no-such-flag >/dev/null 2>"$TMP/err"
check "a flag cargo does not know: exit 2" "$?" 2
grep -q "unexpected argument '--no-such-flag'" "$TMP/err" && ok || bad "cargo's own error text: $(cat "$TMP/err")"
out=$(rwb --json /cargo-build --locked --frozen -j 2 --all-featurez 2>"$TMP/err")
check "unknown flag with --json: exit 2" "$?" 2
check "its code" "$(jq -r .error.code <<<"$out")" EUSAGE
jq -r .error.message <<<"$out" | grep -q "all-featurez" && ok || bad "cargo's message in the JSON error: $out"
check "--json error: stderr empty" "$(wc -c <"$TMP/err")" 0
check "no failed build recorded" "$(samples "duration_ms/cargo-build")" "$before"
out=$(rwb --json /cargo-build --all-targets -p app --features extra --locked -j 2 --message-format json 2>/dev/null)
check "cargo's flags mixed with rwb's: exit 0" "$?" 0
got=$(last_cargo build)
check "argv in order, message format once" "$got" \
	"build --color=never --features extra --all-targets -papp --locked -j2 --message-format=json"
check "recorded" "$(samples "duration_ms/cargo-build")" $((before + 1))
rwb /cargo-build +stable >/dev/null 2>&1
check "+toolchain: exit 0" "$?" 0
check "+toolchain goes first" "$(last_cargo build | cut -d' ' -f1-2)" "+stable build"
rwb /cargo-build +no-such-toolchain-here >/dev/null 2>"$TMP/err"
check "a missing toolchain: exit 3" "$?" 3
# a -p build is recorded for that package
mb=$(samples "duration_ms/cargo-build" "$A/member")
rwb /cargo-build -p member >/dev/null 2>&1
check "-p member: exit 0" "$?" 0
check "-p member: recorded for the member" "$(samples "duration_ms/cargo-build" "$A/member")" $((mb + 1))

# --- /rust-test --lib --bins --coverage --doc -------------------------------------------
want_doc=$(cd "$A" && "$REAL_CARGO" test --doc 2>/dev/null | grep '^test result:' | sed -E 's/.* ([0-9]+) passed.*/\1/')
out=$(rwb --json /rust-test --lib --bins --coverage --doc 2>"$TMP/err")
st=$?
one_of "rust-test --lib --bins --coverage --doc: exit" "$st" 0 3
if [ "$st" == 0 ]; then
	check "doc tests counted" "$(jq .doc_tests.passed <<<"$out")" "$want_doc"
	check "lib unit test plus doc tests" "$(jq .passed <<<"$out")" $((1 + want_doc))
	check "rust-test --json: stderr empty" "$(wc -c <"$TMP/err")" 0
else
	check "coverage missing: one line" "$(wc -l <"$TMP/err")" 1
fi
grep -q -- "--doc" "$TMP/cargo.log" && ok || bad "a cargo run with --doc"
awk '/^test / && /--doc/ && /--lib/' "$TMP/cargo.log" | grep -q . && bad "--doc mixed with --lib in one cargo run" || ok
out=$(rwb --json /rust-test --lib --bins --doc 2>/dev/null)
check "--lib --bins --doc: exit 0" "$?" 0
check "--lib --bins --doc: lib + doc tests" "$(jq .passed <<<"$out")" $((1 + want_doc))

# --- /rust-test --lib --bins --integration --------------------------------------------
out=$(rwb --json /rust-test --lib --bins --integration 2>/dev/null)
check "rust-test --lib --bins --integration: exit 0" "$?" 0
check "lib + integration tests" "$(jq .passed <<<"$out")" 2
check "the tests/ target ran" "$(jq -r '[.binaries[].name] | map(select(. == "tests/integration.rs")) | length' <<<"$out")" 1
last_cargo test | grep -q -- "--test=integration" && ok || bad "--integration names the tests/ target: $(last_cargo test)"
out=$(rwb --json /rust-test --integration 2>/dev/null)
check "--integration alone: only the tests/ target" "$(jq -c '[.passed, (.binaries | length)]' <<<"$out")" "[1,1]"
out=$(rwb --json /rust-test --lib -- --nocapture 2>/dev/null)
check "-- ARGS reach the test harness: exit 0" "$?" 0
last_cargo test | grep -q -- "-- --nocapture -Z unstable-options --format json" && ok ||
	bad "harness arguments: $(last_cargo test)"

# --- /ownership-check, /lifetime-analysis, /unsafe-audit ---------------------------------
rwb /ownership-check --file src/parser.rs --explain-moves true >/dev/null 2>&1
check "ownership-check --explain-moves true" "$?" 0
out=$(rwb --json /lifetime-analysis --function process_data --suggest-elision true 2>/dev/null)
check "lifetime-analysis --function (no --file) --suggest-elision true" "$?" 0
check "no lifetime diagnostics there" "$(jq .count <<<"$out")" 0
rwb /lifetime-analysis --function no_such_fn >/dev/null 2>&1
check "an unknown function: exit 2" "$?" 2
out=$(rwb --json /unsafe-audit --file src/ffi.rs --check-soundness true 2>"$TMP/err")
check "unsafe-audit --check-soundness true" "$?" 0
check "true is not a PATH" "$(jq -r '.items[0].file' <<<"$out")" src/ffi.rs
check "unsafe-audit --json: stderr empty" "$(wc -c <"$TMP/err")" 0
if command -v cargo-clippy >/dev/null; then
	check "soundness: clippy ran" "$(jq .soundness.clippy.ran <<<"$out")" true
fi
rwb /unsafe-audit --all-targets >/dev/null 2>&1
check "cargo flags without --check-soundness: exit 2" "$?" 2

# --- /cargo-clippy --all-targets --all-features -- -D warnings --------------------------
if command -v cargo-clippy >/dev/null; then
	rwb /cargo-clippy --all-targets --all-features -- -D warnings >/dev/null 2>&1
	check "cargo-clippy --all-targets --all-features -- -D warnings" "$?" 0
	check "clippy's argv" "$(last_cargo clippy)" \
		"clippy --message-format=json --color=never --all-targets --all-features -- -D warnings"
	# -D warnings makes a warning an error: a negative answer
	echo 'pub fn f() -> u32 { return 1; }' >>"$A/member/src/lib.rs"
	rwb /cargo-clippy -p member -- -D warnings >/dev/null 2>&1
	check "a denied warning: exit 1" "$?" 1
fi

# --- /cargo-publish --dry-run --verify --allow-dirty false -------------------------------
rwb /cargo-publish --dry-run --verify --allow-dirty false >/dev/null 2>"$TMP/err"
st=$?
# offline with a replaced source, cargo cannot reach the registry: exit 3, one line
one_of "cargo-publish --dry-run --verify --allow-dirty false: exit" "$st" 0 3
check "cargo publish argv: no --allow-dirty, no --no-verify" "$(last_cargo publish)" "publish --color=never --dry-run"
rwb /cargo-publish --dry-run --verify false >/dev/null 2>&1
check "--verify false passes --no-verify" "$(last_cargo publish)" "publish --color=never --dry-run --allow-dirty --no-verify"
out=$(rwb --json /cargo-publish --no-verify 2>/dev/null)
check "cargo package --list with cargo's --no-verify" "$?" 0
check "its argv" "$(last_cargo package)" "package --color=never --list --allow-dirty --no-verify"

# --- /rust-profiling --tool flamegraph --binary target/release/app --duration 60s ---------
rwb /rust-profiling --tool flamegraph --binary target/release/app --duration 60s >/dev/null 2>&1
one_of "rust-profiling --duration 60s (0, or 3 without perf)" "$?" 0 3

# --- /grep-search "unsafe" -type rs -----------------------------------------------------
out=$(rwb /grep-search "unsafe" -type rs 2>&1)
check "grep-search -type rs: exit 0" "$?" 0
check "only Rust files" "$(cut -d: -f1 <<<"$out" | sort -u | tr '\n' ' ')" "src/ffi.rs "
for form in "--type rs" "-t rs" "--type=rs" "-t rust"; do
	# shellcheck disable=SC2086
	check "grep-search $form" "$(rwb --json /grep-search unsafe $form | jq -r '[.matches[].file] | unique | join(",")')" src/ffi.rs
done
check "several types" "$(rwb --json /grep-search unsafe -type rs -t md | jq -r '[.matches[].file] | unique | join(",")')" \
	"README.md,src/ffi.rs"
rwb /grep-search unsafe -type cobol >/dev/null 2>"$TMP/err"
check "an unknown type: exit 2" "$?" 2
grep -q "rs|toml|md|c|h|" "$TMP/err" && ok || bad "the accepted types named: $(cat "$TMP/err")"

# --- the brief's benchmark lines, on a crate with criterion benchmarks --------------------
B=$TMP/benchapp
mkdir -p "$B/src" "$B/benches" "$B/.cargo"
cp "$SRC/tests/fixtures/cargo/offline-config.toml" "$B/.cargo/config.toml"
printf '[package]\nname = "benchapp"\nversion = "0.1.0"\nedition = "2021"\n\n[dev-dependencies]\ncriterion = "0.3"\n\n[[bench]]\nname = "requests"\nharness = false\n' >"$B/Cargo.toml"
printf 'pub fn parse_json(t: &str) -> usize {\n    t.matches(%s).count()\n}\n\npub fn handle_request(n: u64) -> u64 {\n    n * 2\n}\n' "'{'" >"$B/src/lib.rs"
cat >"$B/benches/requests.rs" <<'EOF'
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    c.bench_function("parse_json", |b| b.iter(|| benchapp::parse_json(black_box("{\"a\":{}}"))));
    c.bench_function("handle_request", |b| b.iter(|| benchapp::handle_request(black_box(21))));
}

criterion_group! {
    name = group;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(group);
EOF
out=$("$RWB" --repo "$B" --json /rust-benchmark --function parse_json --warmup 3s --measurement 10s 2>"$TMP/err")
check "rust-benchmark --warmup 3s --measurement 10s: exit 0" "$?" 0
check "the parse_json benchmark" "$(jq -r '[.benchmarks[].id] | join(",")' <<<"$out")" parse_json
last_cargo bench | grep -q -- "-- parse_json --warm-up-time 3 --measurement-time 10" && ok ||
	bad "criterion's times: $(last_cargo bench)"
check "rust-benchmark --json: stderr empty" "$(wc -c <"$TMP/err")" 0
out=$("$RWB" --repo "$B" --json /rust-benchmark --function handle_request --warmup 5s --measurement 30s 2>/dev/null)
check "rust-benchmark --warmup 5s --measurement 30s: exit 0" "$?" 0
check "the handle_request benchmark" "$(jq -r '[.benchmarks[].id] | join(",")' <<<"$out")" handle_request
"$RWB" --repo "$B" /rust-benchmark --warmup 3 --measurement soon >/dev/null 2>"$TMP/err"
check "a bad time: exit 2" "$?" 2
grep -q "500ms, 3s" "$TMP/err" && ok || bad "the accepted forms named: $(cat "$TMP/err")"

# --- CMD --help, and a mistyped command ---------------------------------------------------
out=$(RWB_DB=$TMP/help.db "$RWB" /audit-review --help 2>&1)
check "/audit-review --help: exit 0" "$?" 0
grep -q "^/audit-review --id ID --verdict" <<<"$out" && ok || bad "the usage line: $out"
grep -q "record one reviewer's verdict" <<<"$out" && ok || bad "the summary"
grep -q -- "--reviewer NAME" <<<"$out" && ok || bad "the flags"
[ -e "$TMP/help.db" ] && bad "--help opened the store" || ok
out=$(RWB_DB=$TMP/help.db "$RWB" /cargo-clippy --all-targets --help 2>&1)
check "/cargo-clippy --help: exit 0" "$?" 0
grep -q "cargo clippy's own flags" <<<"$out" && ok || bad "says cargo's flags pass: $out"
check "--help --json" "$("$RWB" --json /rust-test --help | jq -r '.commands[0].name')" rust-test
"$RWB" erust-benchmark >/dev/null 2>"$TMP/err"
check "a command without its slash: exit 2" "$?" 2
grep -q "did you mean /rust-benchmark?" "$TMP/err" && ok || bad "the suggestion: $(cat "$TMP/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
