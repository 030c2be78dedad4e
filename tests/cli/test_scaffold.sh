#!/bin/bash
# test_scaffold.sh - every scaffolding command on fresh crates (cargo new,
# offline), then cargo build and cargo clippy with no warnings; previews
# write nothing; /rust-optimize is idempotent and keeps comments; files are
# never overwritten; bad flags answer exit 2 with one line and change nothing.
#
# Compiles real crates: all builds share one CARGO_TARGET_DIR to save time.
# Usage: bash test_scaffold.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
SRC=$(realpath "$2")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export CARGO_TARGET_DIR=$T/target
export RWB_DATA_DIR=$SRC/data
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# fresh_crate NAME [--lib]: a crate under $T made by cargo new, set up offline
fresh_crate() {
	(cd "$T" && cargo new -q --vcs none "$@") || { bad "cargo new $*"; return 1; }
	mkdir -p "$T/$1/.cargo"
	cp "$SRC/../shared/cargo/offline-config.toml" "$T/$1/.cargo/config.toml" 2>/dev/null ||
		cp /work/shared/cargo/offline-config.toml "$T/$1/.cargo/config.toml"
}

rwb() { "$RWB" --db "$T/rwb.db" "$@"; }

# build_clean CRATE LABEL: cargo build and cargo clippy without warnings
build_clean() {
	local out
	if out=$(cd "$T/$1" && cargo build --offline --all-targets 2>&1); then ok; else
		bad "$2: cargo build failed"; echo "$out" | tail -30; return
	fi
	out=$(cd "$T/$1" && cargo clippy --offline --all-targets 2>&1)
	if [ $? -eq 0 ] && ! echo "$out" | grep -q '^warning'; then ok; else
		bad "$2: cargo clippy warned"; echo "$out" | grep -A8 '^warning\|^error' | head -40
	fi
}

snapshot() { (cd "$T/$1" && find . -path ./target -prune -o -type f -print0 | sort -z | xargs -0 sha1sum); }

# 1. every command, one variant per crate group, each crate built and linted
fresh_crate a1 || exit 1
printf '#include <stddef.h>\n#ifdef __cplusplus\nextern "C" {\n#endif\n/* sum of two */\nint add(int a, int b);\ndouble scale(double x, float factor);\nsize_t count_chars(const char *s, char c);\nvoid fill(int *out, size_t n);\nvoid *opaque_new(void);\nint logf_like(const char *fmt, ...);\nstruct point { int x, y; };\n#ifdef __cplusplus\n}\n#endif\n' > "$T/a1/demo.h"
for cmd in "/rust-async --runtime tokio --workers 2 --features sync" \
	"/async-runtime --type tokio --multi-threaded --enable-all" \
	"/channel-pattern --type mpsc --bounded --capacity 32" \
	"/channel-pattern --type oneshot" \
	"/channel-pattern --type broadcast --capacity 8" \
	"/channel-pattern --type crossbeam --bounded --capacity 4" \
	"/trait-design --name Storage --bounds Send+Sync --gats" \
	"/error-handling --type thiserror --backtrace --context" \
	"/rust-ffi --header demo.h --bindgen=false" \
	"/rust-macro --type derive --name Describe"; do
	eval "set -- $cmd"
	if rwb --repo "$T/a1" "$@" --yes >"$T/out" 2>&1; then ok; else bad "$cmd"; cat "$T/out"; fi
done
build_clean a1 "crate a1 (async, runtime, mpsc/oneshot/broadcast/crossbeam, trait+GAT, thiserror, ffi, derive)"
grep -q 'tokio = { version = "1.24"' "$T/a1/Cargo.toml" && ok || bad "tokio dependency not added"
grep -q 'SAFETY:' "$T/a1/src/ffi.rs" && ok || bad "ffi wrapper has no SAFETY comments"
grep -q 'logf_like' "$T/a1/src/ffi.rs" && bad "variadic function was bound" || ok

fresh_crate a2 || exit 1
for cmd in "/async-runtime --type tokio --multi-threaded=false --enable-all=false" \
	"/channel-pattern --type mpsc --bounded=false" \
	"/channel-pattern --type crossbeam --bounded=false" \
	"/trait-design --name Plain" \
	"/trait-design --name Shown --bounds \"Display + Hash + Eq + Send + Sync + 'static\" --gats" \
	"/error-handling --type anyhow --context --backtrace" \
	"/rust-macro --type attribute --name trace" \
	"/rust-macro --type function --name count_args --syn=false"; do
	eval "set -- $cmd"
	if rwb --repo "$T/a2" "$@" --yes >"$T/out" 2>&1; then ok; else bad "$cmd"; cat "$T/out"; fi
done
# /rust-ffi with bindgen when it is installed (and says so when it is not)
cp "$T/a1/demo.h" "$T/a2/demo.h"
out=$(rwb --repo "$T/a2" /rust-ffi --header demo.h --output src/cdemo.rs --yes 2>&1) || bad "rust-ffi (bindgen): $out"
if command -v bindgen >/dev/null; then
	echo "$out" | grep -q 'ran bindgen' && [ -f "$T/a2/src/cdemo_sys.rs" ] && ok || bad "bindgen was not run: $out"
else
	echo "$out" | grep -q 'bindgen is not installed' && ok || bad "no word about bindgen missing: $out"
fi
grep -q 'pub mod cdemo;' "$T/a2/src/lib.rs" && ok || bad "cdemo module not declared"
build_clean a2 "crate a2 (current-thread runtime, unbounded channels, trait, anyhow, attribute and function macros)"

fresh_crate a3 --lib || exit 1
rwb --repo "$T/a3" /embedded-rust --target thumbv7em-none-eabihf --hal stm32f4xx-hal --rtic --yes >"$T/out" 2>&1
st=$?
if [ -d "$(rustc --print sysroot)/lib/rustlib/thumbv7em-none-eabihf" ]; then want=0; else want=3; fi
[ $st -eq $want ] && ok || { bad "embedded-rust exit $st, not $want"; cat "$T/out"; }
grep -q 'rustup target add\|is installed' "$T/out" && ok || bad "embedded-rust does not say what the target needs"
grep -q 'RTIC' "$T/out" && ok || bad "embedded-rust says nothing about RTIC"
head -12 "$T/a3/src/lib.rs" | grep -q 'no_std' && grep -q 'pub mod firmware;' "$T/a3/src/lib.rs" && ok || bad "embedded lib.rs is not no_std"
if (cd "$T/a3" && cargo check --offline -q 2>&1); then ok; else bad "embedded: cargo check failed"; fi
build_clean a3 "crate a3 (no_std lib)"

fresh_crate a4 --lib || exit 1
for cmd in "/error-handling --type std --context --backtrace" \
	"/rust-macro --type derive --name Shape --syn=false" \
	"/rust-macro --type attribute --name plain_attr --syn=false" \
	"/rust-macro --type function --name count_all"; do
	eval "set -- $cmd"
	if rwb --repo "$T/a4" "$@" --yes >"$T/out" 2>&1; then ok; else bad "$cmd"; cat "$T/out"; fi
done
build_clean a4 "crate a4 (std errors, macros without syn, function macro with syn)"

# 2. a preview writes nothing and asks for confirmation
fresh_crate p1 || exit 1
before=$(snapshot p1)
out=$(rwb --json --repo "$T/p1" /channel-pattern --type mpsc 2>/dev/null)
st=$?
[ $st -eq 0 ] && ok || bad "preview exit $st"
echo "$out" | grep -q '"needs_confirmation":true' && ok || bad "preview JSON lacks needs_confirmation: $out"
echo "$out" | grep -q '+++ src/channel_mpsc.rs' && ok || bad "preview shows no diff"
[ "$before" = "$(snapshot p1)" ] && ok || bad "preview wrote files"

# 3. a file a person changed: the preview shows the diff and asks; --yes replaces it.
# A file rwb wrote and nobody changed: a second run replaces it (other workers, features)
echo "// mine" > "$T/p1/src/error.rs"
out=$(rwb --json --repo "$T/p1" /error-handling --type std 2>/dev/null)
st=$?
[ $st -eq 0 ] && ok || bad "preview over a changed file: exit $st"
echo "$out" | grep -q '"needs_confirmation":true' && echo "$out" | grep -q '"replaces_changes":\["src/error.rs"\]' &&
	echo "$out" | grep -q -- '-// mine' && ok || bad "preview does not show the lost lines: $out"
[ "$(cat "$T/p1/src/error.rs")" = "// mine" ] && ok || bad "error.rs was overwritten without --yes"
rwb --repo "$T/p1" /error-handling --type std --yes >/dev/null 2>&1 && grep -q 'pub enum Error' "$T/p1/src/error.rs" &&
	ok || bad "--yes did not replace a changed file"
rwb --repo "$T/p1" /rust-async --runtime tokio --workers 2 --features net --yes >/dev/null 2>&1 &&
	grep -q 'worker_threads = 2' "$T/p1/src/main.rs" && ok || bad "first /rust-async"
out=$(rwb --json --repo "$T/p1" /rust-async --runtime tokio --workers 8 --features full --yes 2>/dev/null)
[ $? -eq 0 ] && grep -q 'worker_threads = 8' "$T/p1/src/main.rs" && grep -q '"full"' "$T/p1/Cargo.toml" &&
	echo "$out" | grep -q 'nobody changed it since' && echo "$out" | grep -q '"replaces_changes":\[\]' &&
	ok || bad "second /rust-async over rwb's own main.rs: $out"
printf 'fn main() {\n    println!("mine");\n}\n' > "$T/p1/src/main.rs"
out=$(rwb --repo "$T/p1" /rust-async --runtime tokio --workers 3 2>&1)
[ $? -eq 0 ] && echo "$out" | grep -q 'src/main.rs was changed since rwb wrote it' && grep -q mine "$T/p1/src/main.rs" &&
	ok || bad "/rust-async over a changed main.rs did not ask: $out"
rwb --repo "$T/p1" /rust-async --runtime tokio --workers 3 --yes >/dev/null 2>&1 && grep -q 'worker_threads = 3' "$T/p1/src/main.rs" &&
	ok || bad "/rust-async --yes over a changed main.rs"
m=$(stat -c %a "$T/p1/src/main.rs")
chmod 640 "$T/p1/src/main.rs"
rwb --repo "$T/p1" /rust-async --runtime tokio --workers 5 --yes >/dev/null 2>&1
[ "$(stat -c %a "$T/p1/src/main.rs")" = 640 ] && ok || bad "the file's mode was not kept"
chmod "$m" "$T/p1/src/main.rs"
ls -a "$T/p1/src" | grep -q 'rwb-' && bad "a temporary file was left" || ok

# 4. /rust-optimize: comments kept byte for byte, second run changes nothing
fresh_crate o1 || exit 1
cat > "$T/o1/Cargo.toml" <<'EOF'
# the demo crate  (keep this comment)
[package]
name = "o1"   # trailing comment
version = "0.1.0"
edition = "2021"

[dependencies]
# none yet

[profile.release]
debug = true     # keep symbols
opt-level = 2 # was two
EOF
cp "$T/o1/Cargo.toml" "$T/o1.orig"
out=$(rwb --json --repo "$T/o1" /rust-optimize --profile release --lto fat --opt-level 3 --codegen-units 1 --panic abort --yes 2>/dev/null)
echo "$out" | grep -q '"changed":true' && ok || bad "first optimize did not change: $out"
out2=$(rwb --json --repo "$T/o1" /rust-optimize --profile release --lto fat --opt-level 3 --codegen-units 1 --panic abort --yes 2>/dev/null)
echo "$out2" | grep -q '"changed":false' && ok || bad "second optimize changed again: $out2"
diff "$T/o1.orig" "$T/o1/Cargo.toml" > "$T/o1.diff"
[ "$(grep -c '^[<>]' "$T/o1.diff")" -eq 5 ] && ok || { bad "optimize changed other lines"; cat "$T/o1.diff"; }
grep -q '^opt-level = 3 # was two$' "$T/o1/Cargo.toml" && ok || bad "opt-level comment lost"
grep -q '^debug = true     # keep symbols$' "$T/o1/Cargo.toml" && ok || bad "other line changed"
grep -q '^# the demo crate  (keep this comment)$' "$T/o1/Cargo.toml" && ok || bad "top comment lost"
rwb --repo "$T/o1" /rust-optimize --profile dev --opt-level 1 --yes >/dev/null 2>&1
grep -q '^\[profile.dev\]$' "$T/o1/Cargo.toml" && ok || bad "profile.dev not added"
build_clean o1 "optimized crate"

# 5. bad flags, missing values, wrong enum values: exit 2, one line, nothing written
before=$(snapshot p1)
while IFS= read -r cmd; do
	eval "set -- $cmd"
	out=$(rwb --repo "$T/p1" "$@" --yes 2>&1)
	st=$?
	if [ $st -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]; then ok; else
		bad "'$cmd' gave exit $st: $out"
	fi
done <<'EOF'
/rust-project-init --name x --type binary --edition 2030
/rust-project-init --name x --type exe --edition 2021
/rust-project-init --name 'bad name' --type binary --edition 2021
/rust-project-init --type binary --edition 2021
/rust-async --runtime async-std
/rust-async --runtime tokio --workers 0
/rust-async --runtime tokio --features turbo
/rust-async --runtime tokio --bogus
/async-runtime --type tokio --multi-threaded maybe
/async-runtime --type smol
/channel-pattern --type zmq
/channel-pattern --type mpsc --capacity
/channel-pattern --type mpsc --bounded=false --capacity 4
/channel-pattern --type mpsc --capacity lots
/trait-design --name 'not a name'
/trait-design --name Foo --bounds "Clone + Serialize"
/trait-design --name Foo --bounds Copy
/trait-design
/error-handling --type failure
/error-handling --type std --contxt
/rust-ffi --header /nonexistent.h
/rust-ffi --header x.h --output lib.rs
/rust-ffi
/rust-macro --type derive --name lower
/rust-macro --type decl --name X
/rust-macro --type derive --name X --syn 2
/embedded-rust --target notatriple
/embedded-rust
/rust-optimize --profile release
/rust-optimize --profile fast --lto thin
/rust-optimize --profile release --lto medium
/rust-optimize --profile release --opt-level 4
/rust-optimize --profile test --panic abort
/rust-optimize --profile release --codegen-units 0
EOF
[ "$before" = "$(snapshot p1)" ] && ok || bad "a bad command wrote files"

# 6. /rust-project-init: preview, then create; refuses an existing crate
out=$(cd "$T" && rwb --repo "$T" /rust-project-init --name made --type library --edition 2021 2>&1)
echo "$out" | grep -q "cargo new --name made --lib --edition 2021" && ok || bad "project-init preview: $out"
[ ! -e "$T/made" ] && ok || bad "project-init preview created the crate"
(cd "$T" && rwb --repo "$T" /rust-project-init --name made --type library --edition 2021 --path "$T/made" --yes >"$T/out" 2>&1) || cat "$T/out"

[ -f "$T/made/Cargo.toml" ] && grep -q 'edition = "2021"' "$T/made/Cargo.toml" && ok || bad "project-init did not create the crate"
(cd "$T" && rwb --repo "$T" /rust-project-init --name made --type library --edition 2021 --path "$T/made" --yes >/dev/null 2>&1)
[ $? -eq 2 ] && ok || bad "project-init over an existing crate did not refuse"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
