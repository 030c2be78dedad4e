#!/bin/bash
# test_seed_lines.sh - every command line of ../shared/spec/seed-lines.md,
# typed into a shell exactly as written (`rwb LINE`), on a crate that the
# first of those lines creates. None may be refused as bad usage (exit 2);
# each exits as the spec says: 0 when it did the job, 1 for a negative
# answer, 3 with one line when the environment lacks something. Writers are
# run as written first (a preview, nothing written), then with --yes; after
# all the scaffolders have run in turn on the one crate, the crate builds
# with `cargo build --all-targets` and passes
# `cargo clippy --all-targets -- -D warnings`. The brief's MCP calls run
# over `rwb mcp` and the note is found from the command line.
#
# Builds a real crate offline (label cargo). Usage: bash test_seed_lines.sh RWB SRC
set -u
RWB=$(realpath "$1")
SRC=$(realpath "$2")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export RWB_DB=$T/rwb.db
export RWB_AGENT=seed-test
export GIT_AUTHOR_NAME=Seed GIT_AUTHOR_EMAIL=seed@example.com
export GIT_COMMITTER_NAME=Seed GIT_COMMITTER_EMAIL=seed@example.com
export BENCH_WORK=${BENCH_WORK:-2000}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
PATH=$(dirname "$RWB"):$PATH

# run EXPECTED LINE: `rwb LINE` as a person types it (the shell does the
# quoting), in the current folder; EXPECTED is a |-list of exit statuses
run() {
	local want=$1 line=$2 st
	eval "\"\$RWB\" $line" >"$T/out" 2>"$T/err" </dev/null
	st=$?
	if [[ "|$want|" == *"|$st|"* ]]; then ok; else
		bad "rwb $line: exit $st, want $want"
		tail -n 5 "$T/err" "$T/out"
	fi
	return 0
}

# write LINE: a writer as written (a preview that writes nothing, exit 0), then with --yes
write() {
	local line=$1
	run 0 "$line"
	run 0 "--yes $line"
}

offline() {
	mkdir -p "$1/.cargo"
	cp "$SRC/tests/fixtures/cargo/offline-config.toml" "$1/.cargo/config.toml"
}

cd "$T" || exit 1
git init -q --bare remote.git

# ---- Specialist commands: the crate they all work on -------------------------------
write '/rust-project-init --name my-app --type binary --edition 2021'
if [ ! -f my-app/Cargo.toml ]; then
	bad "/rust-project-init created no crate"
	echo "$pass passed, $fail failed"
	exit 1
fi
cd my-app || exit 1
offline .
git init -q 2>/dev/null
git remote add origin "$T/remote.git"
printf 'target/\n' >.gitignore
# a binary named app, as the brief's profiling line expects (target/release/app)
cat >>Cargo.toml <<'EOF'

[[bin]]
name = "app"
path = "src/main.rs"
EOF

# ---- File operations ----------------------------------------------------------------
run 0 '/file-read src/main.rs'
printf 'pub fn parse_json(s: &str) -> usize {\n    s.len()\n}\n' >"$T/lib.rs"
# a new file is written at once (only a replacement asks for --yes)
eval "\"\$RWB\" /file-write src/lib.rs" <"$T/lib.rs" >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && cmp -s src/lib.rs "$T/lib.rs" && ok || { bad "/file-write src/lib.rs (content on stdin)"; cat "$T/err"; }
# the files the brief's later lines name (written through rwb, as an agent would)
run 0 "--yes /file-write src/parser.rs --content 'pub fn process_data<'\''a>(input: &'\''a str, sep: &str) -> &'\''a str {
    input.split(sep).next().unwrap_or(input)
}
'"
run 0 "--yes /file-write src/ffi.rs --content '/// Reads the first byte.
///
/// # Safety
/// \`p\` must point to at least one readable byte.
pub unsafe fn first(p: *const u8) -> u8 {
    // SAFETY: the caller guarantees that p points to a readable byte.
    unsafe { *p }
}
'"
run 0 "--yes /file-write system.h --content 'int add(int a, int b);
'"
printf 'pub mod ffi;\npub mod parser;\n' >>src/lib.rs
run 0 '/grep-search "unsafe" -type rs'
run 0 '/glob-search "**/*.rs"'

# ---- Coordination and memory ----------------------------------------------------------
run 0 '/memory-store --key "rust-systems-developer/tokio-app/async-patterns" --value "{...}"'
run 0 '/memory-store --key "rust-systems-developer/my-app/unsafe-guidelines" --value "SAFETY comments on every block"'
run 0 '/memory-retrieve --key "rust-systems-developer/*/unsafe-guidelines"'
grep -q "unsafe-guidelines" "$T/out" && ok || bad "/memory-retrieve with * found nothing"
run 0 '/agent-receive --task "Build async HTTP microservice with WASM frontend"'
run 0 '/agent-delegate --agent "performance-testing-agent" --task "Benchmark async runtime performance"'
run 0 '/agent-delegate --agent "webassembly-specialist" --task "Compile Rust frontend to WASM with wasm-pack"'
run 0 '/agent-escalate --level critical --message "..."'

# ---- Scaffolders in turn on the one crate ----------------------------------------------
write '/rust-async --runtime tokio --features "net,io-util,time" --workers 4'
write '/rust-async --runtime tokio --features "full" --workers 8'
grep -q "worker_threads = 8" src/main.rs && ok || bad "the second /rust-async did not replace rwb's own main.rs"
write '/async-runtime --type tokio --multi-threaded true --enable-all true'
write '/channel-pattern --type mpsc --bounded true --capacity 1000'
write '/rust-optimize --profile release --lto thin --codegen-units 1'
write '/trait-design --name Serializable --bounds "Clone + Debug" --gats true'
write '/error-handling --type thiserror --backtrace true --context true'
write '/rust-ffi --header system.h --bindgen true --output src/bindings.rs'
write '/rust-macro --type derive --name Serialize --syn true'

# ---- cargo's own flags -------------------------------------------------------------------
run 0 '/cargo-build --release --target x86_64-unknown-linux-gnu'
run '0|3' '/rust-test --lib --bins --coverage --doc'
run 0 '/rust-test --lib --bins --integration'
run 0 '/cargo-clippy --all-targets --all-features -- -D warnings'
# offline, cargo cannot reach the registry it verifies against: exit 3 says so
run '0|1|3' '/cargo-publish --dry-run --verify --allow-dirty false'
run 0 '/ownership-check --file src/parser.rs --explain-moves true'
run 0 '/lifetime-analysis --function process_data --suggest-elision true'
run 0 '/unsafe-audit --file src/ffi.rs --check-soundness true'

# the benchmarks the brief names, as criterion benches
mkdir -p benches
cat >benches/brief.rs <<'EOF'
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn parse_json(c: &mut Criterion) {
    c.bench_function("parse_json", |b| b.iter(|| my_app::parse_json(black_box("{\"a\": 1}"))));
}

fn handle_request(c: &mut Criterion) {
    c.bench_function("handle_request", |b| b.iter(|| black_box(2u64).pow(3)));
}

criterion_group!(benches, parse_json, handle_request);
criterion_main!(benches);
EOF
cat >>Cargo.toml <<'EOF'

[dev-dependencies]
criterion = "0.3"

[[bench]]
name = "brief"
harness = false
EOF
run 0 '/rust-benchmark --function parse_json --warmup 3s --measurement 10s'
run 0 '/rust-benchmark --function handle_request --warmup 5s --measurement 30s'
# perf may be refused by the kernel here (exit 3 with the sysctl line): never exit 2
run '0|3' '/rust-profiling --tool flamegraph --binary target/release/app --duration 60s'

# ---- the crate every scaffolder touched builds and is clippy-clean -------------------------
if out=$(cargo build --offline --all-targets 2>&1); then ok; else
	bad "cargo build --all-targets after every scaffolder"
	echo "$out" | grep -A8 '^error' | head -40
fi
if out=$(cargo clippy --offline --all-targets -- -D warnings 2>&1); then ok; else
	bad "cargo clippy --all-targets -- -D warnings after every scaffolder"
	echo "$out" | grep -A8 '^error\|^warning' | head -40
fi

# ---- Git -----------------------------------------------------------------------------------
run 0 '/git-status'
git add -A
run 0 '/git-commit -m "feat: implement zero-copy async I/O with io_uring"'
git branch -M main 2>/dev/null
run 0 '/git-push'
[ "$(git --git-dir="$T/remote.git" log -1 --format=%s main 2>/dev/null)" = "feat: implement zero-copy async I/O with io_uring" ] &&
	ok || bad "/git-push did not reach the remote"

# ---- /embedded-rust in a folder with no Cargo.toml sets the project up there --------------
mkdir -p "$T/embedded" && cd "$T/embedded" || exit 1
if rustc --print target-list >/dev/null 2>&1 &&
	[ -d "$(rustc --print sysroot)/lib/rustlib/thumbv7em-none-eabihf" ]; then
	write '/embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic true'
else
	# the target is not installed: the project is set up, and exit 3 names the rustup line
	run 3 '--yes /embedded-rust --target thumbv7em-none-eabihf --hal stm32 --rtic true'
	grep -q "rustup target add thumbv7em-none-eabihf" "$T/err" "$T/out" && ok ||
		bad "/embedded-rust without the target does not give the rustup line"
fi
[ -f Cargo.toml ] && [ -f memory.x ] && [ -f .cargo/config.toml ] && ok ||
	bad "/embedded-rust did not set up the project (Cargo.toml, memory.x, .cargo/config.toml)"

# ---- the brief's MCP calls ---------------------------------------------------------------------
cd "$T/my-app" || exit 1
{
	echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"seed-test","version":"1"}}}'
	echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	echo '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"Zero-copy async I/O pattern with io_uring: Achieved 2M req/s with 100 concurrent workers","metadata":{"key":"rust-systems-developer/high-perf-io/zero-copy-pattern","namespace":"rust-patterns","layer":"long_term","category":"performance-pattern","project":"async-io-optimization","agent":"rust-systems-developer","intent":"documentation"}}}}'
	echo '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"zero-copy io_uring pattern","limit":5}}}'
	echo '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"x","metadata":{"key":"k/p/x"},"colour":"red"}}}'
} | timeout 60 "$RWB" mcp >"$T/mcp.out" 2>"$T/mcp.err"
jq -e -s 'map(select(.id==2))[0].result.isError == false' "$T/mcp.out" >/dev/null && ok || bad "memory_store (brief's shape) failed: $(grep '"id":2' "$T/mcp.out" | head -c 300)"
jq -e -s 'map(select(.id==3))[0].result.content[0].text | test("zero-copy-pattern")' "$T/mcp.out" >/dev/null && ok ||
	bad "vector_search did not find the stored pattern"
jq -e -s 'map(select(.id==4))[0].result | .isError == true and (.content[0].text | test("colour"))' "$T/mcp.out" >/dev/null && ok ||
	bad "an unknown argument was not refused by name"
out=$("$RWB" --json /memory-retrieve --key "rust-systems-developer/high-perf-io/zero-copy-pattern")
[ "$(jq -r '.entries[0].layer' <<<"$out")" = long_term ] && ok || bad "the note is not stored under metadata.key in long_term: $out"
[ "$(jq -r '.entries[0].category' <<<"$out")" = performance-pattern ] && ok || bad "metadata.category was not kept"

echo "seed lines: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
