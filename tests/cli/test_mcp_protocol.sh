#!/bin/bash
# test_mcp_protocol.sh - raw JSON-RPC regression tests for the protocol
# defects real MCP clients found (issue 17) and the brief's memory_store
# shape (issue 15): batches with 2025-03-26, ids (null, fractional, 2^53-1
# byte for byte), a lone surrogate escape, U+0000, invalid UTF-8 going out,
# schema validation (limit 2.5, layer forever, unknown arguments), a 1 MB
# query, a 1 MB entry's hit, paging, paths outside the repository, the
# `rwb` tool and the agent's name.
# Usage: bash test_mcp_protocol.sh /path/to/rwb /path/to/source
set -u
RWB=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export RWB_DB=$TMP/store.db
unset RWB_AGENT
pass=0 fail=0

check() { # name, jq filter that must be true, json
	# (jq 1.6's -e is true on empty input: no answer must not pass)
	if [ -n "$3" ] && printf '%s' "$3" | jq -e "$2" >/dev/null 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: $2 on: $(printf '%s' "$3" | head -c 600)"
	fi
}
for tool in jq git python3; do
	command -v $tool >/dev/null || { echo "test_mcp_protocol.sh needs $tool" >&2; exit 1; }
done
REPO=$TMP/repo
mkdir -p "$REPO/src" && git -C "$REPO" init -q && echo 'fn main() { let x = 42; }' > "$REPO/src/main.rs"
ln -s /etc "$REPO/etc-link"
INIT03='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"test-agent","version":"1"}}}'
INIT06='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test-agent","version":"1"}}}'

session() { # INIT-LINE, then request lines on stdin -> answers in $TMP/out.jsonl
	{ echo "$1"; cat; } | "$RWB" --repo "$REPO" mcp > "$TMP/out.jsonl" 2> "$TMP/err.txt"
}
ans() { jq -c "select(type == \"object\" and .id == $1)" "$TMP/out.jsonl"; }

# --- batches: accepted with 2025-03-26, refused with 2025-06-18
session "$INIT03" <<'REQ'
[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]
[]
REQ
check "2025-03-26 batch answered as an array" 'type == "array" and length == 2 and .[0].id == 1 and .[0].result == {} and .[1].id == 2' "$(sed -n 2p "$TMP/out.jsonl")"
check "empty batch refused" '.error.code == -32600' "$(sed -n 3p "$TMP/out.jsonl")"
session "$INIT06" <<'REQ'
[{"jsonrpc":"2.0","id":1,"method":"ping"}]
REQ
check "2025-06-18 batch refused" '.error.code == -32600 and (.error.message | test("2025-03-26"))' "$(sed -n 2p "$TMP/out.jsonl")"

# --- ids
session "$INIT06" <<'REQ'
{"jsonrpc":"2.0","id":null,"method":"ping"}
{"jsonrpc":"2.0","id":1.5,"method":"ping"}
{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}
{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}
{"jsonrpc":"2.0","id":"a\ud800b","method":"ping"}
{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"memory_store","arguments":{"key":"t/u/surrogate","text":"x\udc00y"}}}
{"jsonrpc":"2.0","id":"n","method":"tools/call","params":{"name":"memory_store","arguments":{"key":"t/u/nul","text":"a\u0000b"}}}
REQ
check "null id refused" '.id == null and .error.code == -32600' "$(sed -n 2p "$TMP/out.jsonl")"
check "fractional id refused" '.id == null and .error.code == -32600' "$(sed -n 3p "$TMP/out.jsonl")"
grep -q '"id":9007199254740991,' "$TMP/out.jsonl" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 2^53-1 id not echoed byte for byte"; }
grep -q '"id":123456789012345678901234567890,' "$TMP/out.jsonl" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: a 30-digit id not echoed byte for byte"; }
check "lone surrogate id: answered with its id" '.result == {}' "$(ans '"a\ufffdb"')"
check "lone surrogate text stored" '.result.isError == false' "$(ans '"s"')"
check "U+0000 refused, not cut" '.result.isError == true and (.result.content[0].text | test("U\\+0000"))' "$(ans '"n"')"
out=$("$RWB" --json /memory-retrieve --key 't/u/*' 2>/dev/null)
check "surrogate stored as U+FFFD; nothing stored for the NUL" '(.entries | length) == 1 and .entries[0].value == "x\ufffdy"' "$out"

# --- a raw NUL byte in a line (fuzz_mcp's finding: the id was echoed cut at
# the NUL, its closing quote lost, and the answer was not JSON)
{ echo "$INIT06"; printf '{"jsonrpc":"2.0","id":"\200\000x","method":"tools/list"}\n{"jsonrpc":"2.0","id":7,"method":"ping"}\n'; } |
	"$RWB" --repo "$REPO" mcp > "$TMP/out.jsonl" 2> "$TMP/err.txt"
if jq -c . "$TMP/out.jsonl" > /dev/null 2>&1; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: an answer to a line with a NUL byte is not JSON: $(head -c 300 "$TMP/out.jsonl")"
fi
check "a NUL byte: a parse error" '.id == null and .error.code == -32700 and (.error.message | test("NUL"))' "$(sed -n 2p "$TMP/out.jsonl")"
check "the next line is answered" '.result == {}' "$(ans 7)"

# --- invalid UTF-8 stored by another front end goes out valid
"$RWB" /memory-store --key t/u/bytes --value "$(printf 'ok \377\376 bad')" >/dev/null 2>&1
session "$INIT06" <<'REQ'
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"memory_retrieve","arguments":{"key":"t/u/bytes"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"bad","include_value":true}}}
REQ
if python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' < "$TMP/out.jsonl"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: stdout is not valid UTF-8"
fi
check "invalid bytes as U+FFFD" '.result.structuredContent.entries[0].value | test("ok \ufffd\ufffd bad")' "$(ans 1)"

# --- the brief's memory_store call, then the CLI finds it by key; schema checks
session "$INIT06" <<'REQ'
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"Zero-copy async I/O pattern with io_uring: Achieved 2M req/s with 100 concurrent workers","metadata":{"key":"rust-systems-developer/high-perf-io/zero-copy-pattern","namespace":"rust-patterns","layer":"long_term","category":"performance-pattern","project":"async-io-optimization","agent":"rust-systems-developer","intent":"documentation"}}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"second note","metadata":{"key":"rust-systems-developer/high-perf-io/other","namespace":"rust-patterns","layer":"short_term"}}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"zero-copy io_uring pattern","limit":5}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"note pattern","namespace":"rust-patterns","layer":"short_term"}}}
{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"pattern","category":"performance-pattern","project":"async-io-optimization"}}}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"pattern","namespace":"elsewhere"}}}
{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"x","limit":2.5}}}
{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"x","layer":"forever"}}}
{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"x","colour":"red"}}}
{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"x","metadata":{"key":"a/b/c","shape":"round"}}}}
{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"flat","key":"flat/one/two","namespace":"ns1"}}}
{"jsonrpc":"2.0","id":12,"method":"tools/list"}
{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"x","limit":1e56}}}
REQ
check "brief's memory_store" '.result.isError == false and .result.structuredContent.key == "rust-systems-developer/high-perf-io/zero-copy-pattern" and .result.structuredContent.layer == "long_term" and .result.structuredContent.namespace == "rust-patterns" and .result.structuredContent.agent == "rust-systems-developer"' "$(ans 1)"
check "a second key is a second entry" '.result.structuredContent.key == "rust-systems-developer/high-perf-io/other" and .result.structuredContent.version == 1 and .result.structuredContent.agent == "test-agent"' "$(ans 2)"
out=$("$RWB" --json /memory-retrieve --key rust-systems-developer/high-perf-io/zero-copy-pattern 2>/dev/null)
check "CLI retrieves it by key with every field" '.entries[0] | .layer == "long_term" and .namespace == "rust-patterns" and .category == "performance-pattern" and .project == "async-io-optimization" and .agent == "rust-systems-developer" and .intent == "documentation"' "$out"
check "vector_search finds it, snippet and size, no value" '.result.structuredContent.results[0] | .key == "rust-systems-developer/high-perf-io/zero-copy-pattern" and .size == 88 and (has("value") | not) and (.snippet | length) > 0' "$(ans 3)"
check "filter namespace+layer" '.result.structuredContent.results | length == 1 and .[0].key == "rust-systems-developer/high-perf-io/other"' "$(ans 4)"
check "filter category+project" '.result.structuredContent.results | length == 1 and .[0].key == "rust-systems-developer/high-perf-io/zero-copy-pattern"' "$(ans 5)"
check "filter namespace elsewhere" '.result.structuredContent.results | length == 0' "$(ans 6)"
check "limit 2.5 refused" '.result.isError == true and (.result.content[0].text | test("limit"))' "$(ans 7)"
check "limit 1e56 refused (past long long: no conversion, fuzz_mcp's find under UBSan)" '.result.isError == true and (.result.content[0].text | test("limit"))' "$(ans 13)"
check "layer forever refused" '.result.isError == true and (.result.content[0].text | test("long_term"))' "$(ans 8)"
check "unknown argument named, accepted listed" '.result.isError == true and (.result.content[0].text | test("colour.*accepted: .*metadata"))' "$(ans 9)"
check "unknown metadata field" '.result.isError == true and (.result.content[0].text | test("shape.*metadata"))' "$(ans 10)"
check "flat arguments: key kept, namespace its own field" '.result.structuredContent.key == "flat/one/two" and .result.structuredContent.namespace == "ns1"' "$(ans 11)"
# (under UBSan, the sanitized build's report of undefined behaviour)
if grep -q "runtime error" "$TMP/err.txt"; then
	fail=$((fail + 1))
	echo "FAIL: undefined behaviour: $(grep -m1 "runtime error" "$TMP/err.txt")"
else
	pass=$((pass + 1))
fi
check "every schema closed" 'all(.result.tools[]; .inputSchema.additionalProperties == false and .inputSchema.type == "object")' "$(ans 12)"
check "tools/list under 4000 tokens" '(tostring | length) / 4 < 4000' "$(ans 12)"
check "brief's tool names" '[.result.tools[].name] | (index("memory_store") != null and index("vector_search") != null and index("analyze_file") != null and index("rwb") != null and index("rwb_help") != null)' "$(ans 12)"

# --- a 1 MB query answers quickly and says what was cut; a 1 MB hit is small
python3 - "$TMP" <<'PY'
import json, sys
d = sys.argv[1]
words = ["w%05d" % i for i in range(150000)]
q = " ".join(words)[:1000000]
big = "needle " + " ".join(words)[:1000000 - 8]
with open(d + "/big.jsonl", "w") as f:
    f.write(json.dumps({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"memory_store","arguments":{"key":"big/one/entry","text":big}}}) + "\n")
    f.write(json.dumps({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":q}}}) + "\n")
    f.write(json.dumps({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"needle"}}}) + "\n")
    f.write(json.dumps({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"needle","include_value":True}}}) + "\n")
    f.write(json.dumps({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"needle","include_value":True,"offset":80000}}}) + "\n")
PY
start=$(date +%s)
session "$INIT06" < "$TMP/big.jsonl"
took=$(( $(date +%s) - start ))
check "1 MB query and entry in under 20 s" ". < 20" "$took"
check "1 MB query: the cut is said" '.result.isError == false and .result.structuredContent.terms_cut > 0 and (.result.structuredContent.note | test("not searched"))' "$(ans 2)"
check "1 MB hit: small answer" '(tostring | length) < 5000 and .result.structuredContent.results[0].size > 900000' "$(ans 3)"
check "value on request: paged" '(tostring | length) < 100000 and .result.structuredContent.truncated == true and .result.structuredContent.next_offset == 80000' "$(ans 4)"
check "the next page" '.result.structuredContent.offset == 80000' "$(ans 5)"

# --- paths stay inside the repository; the rwb tool; the agent's name
session "$INIT06" <<'REQ'
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"analyze_file","arguments":{"file":"/etc/passwd"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"analyze_file","arguments":{"file":"../../../../etc/passwd"}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"analyze_file","arguments":{"file":"etc-link/passwd"}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"analyze_file","arguments":{"file":"src/main.rs"}}}
{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"start_tracking","arguments":{"paths":["src","/tmp"]}}}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/git-status"}}}
{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/memory-export --file /tmp/../etc/rwb-test","yes":true}}}
{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/no-such-command"}}}
{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"rwb_help","arguments":{"command":"memory-search"}}}
{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"rwb_help","arguments":{}}}
{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/memory-store --key ag/ent/note --value hi"}}}
{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/memory-search --query hi --limit 2.5"}}}
REQ
check "absolute path outside refused" '.result.isError == true and (.result.content[0].text | test("outside the repository"))' "$(ans 1)"
check "../ outside refused" '.result.isError == true and (.result.content[0].text | test("outside the repository"))' "$(ans 2)"
check "symlink outside refused" '.result.isError == true and (.result.content[0].text | test("outside the repository"))' "$(ans 3)"
check "a file inside is analysed" '.result.isError == false' "$(ans 4)"
check "start_tracking path outside refused" '.result.isError == true and (.result.content[0].text | test("outside"))' "$(ans 5)"
check "rwb /git-status answers its --json" '.result.isError == false and (.result.structuredContent | has("branch") and has("untracked")) and .result.structuredContent.exit_status == 0' "$(ans 6)"
check "rwb: a path flag outside refused" '.result.isError == true and (.result.content[0].text | test("outside"))' "$(ans 7)"
[ ! -e /etc/rwb-test ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: /etc/rwb-test written"; }
check "rwb unknown command" '.result.isError == true and (.result.content[0].text | test("no-such-command|unknown"))' "$(ans 8)"
check "rwb_help one command" '.result.structuredContent.inputSchema.properties.limit.type == "integer" and .result.structuredContent.inputSchema.additionalProperties == false' "$(ans 9)"
check "rwb_help list" '.result.structuredContent.commands | length > 30' "$(ans 10)"
check "rwb job: answer" '.result.isError == false and .result.structuredContent.key == "ag/ent/note"' "$(ans 11)"
check "rwb: flag types from the registry" '.result.isError == true' "$(ans 12)"
out=$("$RWB" --json /memory-retrieve --key ag/ent/note 2>/dev/null)
check "child job ran as the agent (clientInfo.name)" '.entries[0].agent == "test-agent"' "$out"

# --- writes: a preview without yes, written with yes: true (the CLI's --yes rule)
printf '[package]\nname = "t"\nversion = "0.1.0"\nedition = "2021"\n' > "$REPO/Cargo.toml"
session "$INIT06" <<'REQ'
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/trait-design --name Serializable"}}}
REQ
check "a write without yes: a preview" '.result.structuredContent.written == false and .result.structuredContent.needs_confirmation == true' "$(ans 1)"
[ ! -e "$REPO/src/serializable.rs" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: written without yes"; }
session "$INIT06" <<'REQ'
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/trait-design --name Serializable","yes":true}}}
REQ
check "a write with yes: true" '.result.structuredContent.written == true' "$(ans 1)"
[ -e "$REPO/src/serializable.rs" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: not written with yes"; }

# (ping during a job and cancelling one: tests/mcp/test_sdk.mjs, on a cargo build)

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
