#!/bin/bash
# test_mcp.sh - drives `rwb mcp` as an MCP client would: initialize (current
# and older protocol versions), tools/list, memory_store, vector_search,
# memory_retrieve, memory_delete, malformed requests and an unknown tool;
# checks every answer, that stdout carries only JSON-RPC lines, and that
# what the agent stored is in the store for every other rwb at once.
# Usage: bash test_mcp.sh /path/to/rwb /path/to/source
set -u
RWB=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export RWB_DB=$TMP/store.db
pass=0 fail=0

check() { # name, jq filter that must be true, json
	# (jq 1.6's -e is true on empty input: no answer must not pass)
	if [ -n "$3" ] && printf '%s' "$3" | jq -e "$2" >/dev/null 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: $2 on: $3"
	fi
}

# one session: every request on its own line, answers read back by id
cat > "$TMP/in.jsonl" <<'REQ'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":"Share state across tokio tasks with Arc<Mutex<T>>; hold the guard briefly","namespace":"agents","project":"tokio-app","category":"async-patterns","layer":"long_term","agent":"claude","intent":"shared state"}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"memory_store","arguments":{"key":"agents/tokio-app/lifetimes","text":"Every lifetime annotation names a region a borrow must outlive"}}}
{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"arc mutex","limit":5}}}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"vector_search","arguments":{"query":"lifetme anotation","limit":1,"mode":"vector"}}}
{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"memory_retrieve","arguments":{"pattern":"agents/*/async-patterns"}}}
{"not json
{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}
{"jsonrpc":"2.0","id":9,"method":"no/such/method"}
{"jsonrpc":"1.0","id":10,"method":"ping"}
{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"memory_store","arguments":{"text":42}}}
{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"memory_store","arguments":{"key":"bad//key","text":"x"}}}
{"jsonrpc":"2.0","id":13,"method":"ping"}
{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"memory_delete","arguments":{"key":"agents/tokio-app/lifetimes"}}}
{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"name":"memory_delete","arguments":{"key":"agents/tokio-app/lifetimes"}}}
{"jsonrpc":"2.0","id":16,"method":"tools/call","params":"oops"}
[{"jsonrpc":"2.0","id":17,"method":"ping"}]
REQ
"$RWB" mcp < "$TMP/in.jsonl" > "$TMP/out.jsonl" 2> "$TMP/err.txt"
status=$?
check "exit status" '. == 0' "$status"
# every stdout line is a JSON-RPC 2.0 message
nlines=$(wc -l < "$TMP/out.jsonl")
check "answers (one per request and bad line, none for the notification)" '. == 18' "$nlines"
bad=$(jq -c 'select(.jsonrpc != "2.0")' "$TMP/out.jsonl" 2>&1 | wc -l)
check "stdout is only protocol messages" '. == 0' "$bad"
ans() { jq -c "select(.id == $1)" "$TMP/out.jsonl"; }

check "initialize" '.result.protocolVersion == "2025-06-18" and .result.serverInfo.name == "rwb" and (.result.capabilities.tools | type) == "object"' "$(ans 1)"
check "tools/list names" '[.result.tools[].name] as $n | ($n | index("memory_store")) != null and ($n | index("vector_search")) != null and ($n | index("memory_retrieve")) != null and ($n | index("memory_delete")) != null' "$(ans 2)"
check "tools/list schemas" 'all(.result.tools[]; .inputSchema.type == "object")' "$(ans 2)"
check "memory_store built key" '.result.isError == false and .result.structuredContent.key == "agents/tokio-app/async-patterns" and .result.structuredContent.version == 1 and .result.structuredContent.layer == "long_term"' "$(ans 3)"
check "memory_store text content" '.result.content[0].type == "text" and (.result.content[0].text | fromjson | .key) == "agents/tokio-app/async-patterns"' "$(ans 3)"
check "memory_store explicit key" '.result.structuredContent.key == "agents/tokio-app/lifetimes"' "$(ans 4)"
check "vector_search arc mutex" '.result.structuredContent.results[0].key == "agents/tokio-app/async-patterns"' "$(ans 5)"
check "vector_search typo" '.result.structuredContent.results | length == 1 and .[0].key == "agents/tokio-app/lifetimes"' "$(ans 6)"
check "memory_retrieve glob" '.result.structuredContent.entries | length == 1 and .[0].key == "agents/tokio-app/async-patterns" and .[0].layer == "long_term"' "$(ans 7)"
check "parse error" '.id == null and .error.code == -32700' "$(jq -c 'select(.error.code == -32700)' "$TMP/out.jsonl")"
check "unknown tool" '.error.code == -32602 and (.error.message | test("no_such_tool"))' "$(ans 8)"
check "unknown method" '.error.code == -32601' "$(ans 9)"
check "wrong jsonrpc version" '.error.code == -32600' "$(ans 10)"
check "bad argument type" '.result.isError == true and (.result.content[0].text | test("text"))' "$(ans 11)"
check "bad key" '.result.isError == true and (.result.content[0].text | test("empty segment"))' "$(ans 12)"
check "ping after errors" '.result == {}' "$(ans 13)"
check "memory_delete" '.result.isError == false and .result.structuredContent.deleted == true' "$(ans 14)"
check "memory_delete twice" '.result.isError == true and (.result.content[0].text | test("no entry"))' "$(ans 15)"
check "params not an object" '.error.code == -32600' "$(ans 16)"
check "batch refused" '.error.code == -32600 and .id == null' "$(jq -c 'select(.error.code == -32600 and .id == null)' "$TMP/out.jsonl" | tail -1)"

# older protocol versions are echoed, unknown ones get the current one
for v in 2025-03-26 2024-11-05 1999-01-01; do
	out=$(printf '{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"%s"}}\n' "$v" | "$RWB" mcp)
	want=$v
	[ "$v" = 1999-01-01 ] && want=2025-06-18
	check "initialize $v" ".id == \"a\" and .result.protocolVersion == \"$want\"" "$out"
done

# what the agent stored is visible to every other rwb on the store
out=$("$RWB" --json /memory-retrieve --key 'agents/**' 2>/dev/null)
check "CLI sees the agent's entry" '.entries | length == 1 and .[0].key == "agents/tokio-app/async-patterns" and .[0].intent == "shared state"' "$out"

# garbage on stdin: no crash, still only protocol lines
head -c 20000 /dev/urandom | tr -d '\000' > "$TMP/junk"
"$RWB" mcp < "$TMP/junk" > "$TMP/junk.out" 2>/dev/null
status=$?
check "junk: exit status" '. == 0' "$status"
bad=$(jq -c 'select(.jsonrpc != "2.0" or .error == null)' "$TMP/junk.out" 2>&1 | wc -l)
check "junk: only JSON-RPC errors" '. == 0' "$bad"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
