#!/bin/bash
# test_mcp_inspector.sh RWB SRC - `rwb mcp` through the official MCP
# Inspector's CLI (pinned in tests/package.json): tools/list with --strict
# (its tool-schema portability check; exit 6 on an error-severity problem)
# reports no problem at all, every tool lists an outputSchema, and the
# structuredContent of a call to each tool (a whole answer, a page of a long
# one, a tool error of the `rwb` tool) validates against that tool's
# outputSchema with Ajv (JSON Schema 2020-12, strict mode). With protocol
# 2025-03-26 no outputSchema is listed.
# Skips (77) when node or tests/node_modules is missing (tests/install-node-deps.sh).
set -u
RWB=$1
SRC=${2:-.}
MODS=$(cd "$SRC" && pwd)/tests/node_modules
INSPECTOR=$MODS/@modelcontextprotocol/inspector/clients/launcher/build/index.js
if ! command -v node >/dev/null 2>&1 || [ ! -f "$INSPECTOR" ] || [ ! -f "$MODS/ajv/package.json" ]; then
	echo "SKIP: the MCP Inspector is not installed (run: sh tests/install-node-deps.sh)"
	exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# the Inspector keeps its catalog and secrets under HOME
export HOME=$TMP/home RWB_DB=$TMP/rwb.db RWB_MEMORY_STARTER=/dev/null
mkdir -p "$HOME"
REPO=$TMP/repo
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

mkdir -p "$REPO/src"
git -C "$REPO" init -q
git -C "$REPO" config user.email t@example.com
git -C "$REPO" config user.name t
printf '[package]\nname = "m"\nversion = "0.1.0"\nedition = "2021"\n' >"$REPO/Cargo.toml"
printf 'pub fn area(w: u32, h: u32, d: u32) -> u32 { w * h * d * 1000 }\n' >"$REPO/src/lib.rs"
git -C "$REPO" add -A
git -C "$REPO" commit -qm init

inspector() {
	# inspector [OPTIONS...]: the Inspector's CLI against rwb mcp on REPO
	timeout 120 node "$INSPECTOR" --cli "$@" -- "$RWB" --repo "$REPO" mcp
}

# tools/list, strictly
inspector --strict --method tools/list >"$TMP/list.json" 2>"$TMP/strict.txt"
rc=$?
check '[ $rc -eq 0 ]' "inspector --strict tools/list exits $rc: $(head -c 2000 "$TMP/strict.txt")"
check '! grep -Eqi "warning|error" "$TMP/strict.txt"' "--strict reports no schema problem: $(head -c 3000 "$TMP/strict.txt")"

# one call per tool (and a page, and a tool error); each answer saved for the validator
n=0
call() {
	# call TOOL [key=value ...]
	local tool=$1
	shift
	n=$((n + 1))
	if [ $# -gt 0 ]; then
		inspector --method tools/call --tool-name "$tool" --tool-arg "$@" >"$TMP/call-$n-$tool.json" 2>"$TMP/call-$n.err"
	else
		inspector --method tools/call --tool-name "$tool" >"$TMP/call-$n-$tool.json" 2>"$TMP/call-$n.err"
	fi
	check '[ -s "$TMP/call-$n-$tool.json" ]' "$tool: no answer ($(head -c 500 "$TMP/call-$n.err"))"
}
big=$(head -c 3000 /dev/zero | tr '\0' x)
call memory_store text="spawn with a JoinSet" key=team/tokio/joinset layer=long_term tags=tokio
call memory_store text="$big" key=team/big/entry
call vector_search query=joinset limit=5
call memory_retrieve key='team/**'
call memory_retrieve key=team/big/entry max_chars=1000
call memory_delete key=team/big/entry
call analyze_file file=src/lib.rs
call start_tracking
call analyze_changes
call delegate agent=tester task="benchmark the parser"
call receive agent=tester
call receive agent=nobody
call escalate level=info message="inspector test"
call rwb_help
call rwb_help command=memory-export
call rwb 'command=/memory-export --key team/**'
call rwb 'command=/memory-import --file missing.jsonl'

cat >"$TMP/validate.mjs" <<'EOF'
// validate.mjs MODS DIR: every call-*-TOOL.json's structuredContent against
// TOOL's outputSchema from list.json, with Ajv in strict mode
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
const [mods, dir] = process.argv.slice(2);
const require = createRequire(mods + "/");
const Ajv2020 = require("ajv/dist/2020").default;
// strict, less strictRequired: a "required" inside anyOf (answer or page)
// names properties its parent defines, which is valid JSON Schema
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
const tools = JSON.parse(readFileSync(dir + "/list.json", "utf8")).tools;
let failed = 0, passed = 0, pages = 0, errors = 0;
const validators = {};
for (const t of tools) {
  if (!t.outputSchema) { console.log(`FAIL: ${t.name} lists no outputSchema`); failed++; continue; }
  try { validators[t.name] = ajv.compile(t.outputSchema); passed++; }
  catch (e) { console.log(`FAIL: ${t.name}'s outputSchema does not compile: ${e.message}`); failed++; }
}
for (const f of readdirSync(dir).filter((f) => /^call-\d+-.*\.json$/.test(f)).sort()) {
  const tool = f.replace(/^call-\d+-/, "").replace(/\.json$/, "");
  let r;
  try { r = JSON.parse(readFileSync(dir + "/" + f, "utf8")); }
  catch (e) { console.log(`FAIL: ${f} is not JSON`); failed++; continue; }
  if (!r.structuredContent) { console.log(`FAIL: ${f}: no structuredContent: ${JSON.stringify(r).slice(0, 300)}`); failed++; continue; }
  if (r.structuredContent.truncated !== undefined) pages++;
  if (r.isError) errors++;
  const v = validators[tool];
  if (v && !v(r.structuredContent)) {
    console.log(`FAIL: ${f}: structuredContent does not match the outputSchema: ${ajv.errorsText(v.errors)}`);
    failed++;
  } else passed++;
}
if (pages < 1) { console.log("FAIL: no paged answer was checked"); failed++; }
if (errors < 1) { console.log("FAIL: no tool error with structuredContent was checked"); failed++; }
console.log(`validate: ${passed} passed, ${failed} failed (${pages} pages, ${errors} tool errors)`);
process.exit(failed ? 1 : 0);
EOF
out=$(node "$TMP/validate.mjs" "$MODS" "$TMP" 2>&1)
rc=$?
check '[ $rc -eq 0 ]' "structuredContent validates against outputSchema: $out"
echo "$out" | tail -1

# an older protocol gets no outputSchema
old=$(printf '%s\n%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
	'{"jsonrpc":"2.0","id":2,"method":"tools/list"}' | "$RWB" --repo "$REPO" mcp | tail -1)
check '! echo "$old" | grep -q outputSchema && echo "$old" | grep -q inputSchema' "2025-03-26: no outputSchema listed"

echo "test_mcp_inspector: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
