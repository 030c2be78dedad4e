#!/bin/bash
# test_agent_receive.sh - /agent-receive, the receiving side of
# /agent-delegate: --task records a received task in progress; without it
# the agent (--agent, else RWB_AGENT, else the login name) claims its oldest
# open task, exit 1 when there is none; the board shows both; bad usage is
# exit 2.
# Usage: bash test_agent_receive.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
rwb() { "$RWB" --db "$T/rwb.db" --repo "$T" "$@"; }
unset RWB_AGENT

rwb /agent-delegate --agent "performance-testing-agent" --task "Benchmark async runtime performance" >/dev/null || bad delegate
rwb /agent-delegate --agent "webassembly-specialist" --task "Compile Rust frontend to WASM with wasm-pack" >/dev/null || bad delegate
rwb /agent-delegate --agent "performance-testing-agent" --task "Profile the parser" >/dev/null || bad delegate
# the seed line: a task received by this agent (the login name here), in progress
out=$(USER=rust-systems-developer rwb --json /agent-receive --task "Build async HTTP microservice with WASM frontend" 2>/dev/null)
[ $? -eq 0 ] && echo "$out" | jq -en 'input | (.status == "doing" and .origin == "received" and .agent == "rust-systems-developer")' >/dev/null &&
	ok || bad "receive --task: $out"
out=$(RWB_AGENT=coordinator rwb --json /agent-receive --task "Review" 2>/dev/null)
echo "$out" | jq -en 'input | (.agent == "coordinator" and .agent_from == "RWB_AGENT")' >/dev/null && ok || bad "RWB_AGENT: $out"
# claims: the oldest open task of that agent, once
out=$(RWB_AGENT=performance-testing-agent rwb /agent-receive 2>/dev/null)
[ $? -eq 0 ] && echo "$out" | grep -q 'Benchmark async runtime performance' && ok || bad "first claim: $out"
out=$(rwb --json /agent-receive --agent performance-testing-agent 2>/dev/null)
echo "$out" | jq -en 'input | (.task == "Profile the parser" and .status == "doing")' >/dev/null && ok || bad "second claim: $out"
out=$(rwb /agent-receive --agent performance-testing-agent 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q 'no open task for performance-testing-agent' && ok || bad "no task left: exit/answer $out"
out=$(rwb --json /agent-receive --agent nobody 2>/dev/null)
[ $? -eq 1 ] && echo "$out" | jq -en 'input | (.task == null)' >/dev/null && ok || bad "none as JSON: $out"
# the board: statuses as expected
s=$(sqlite3 "$T/rwb.db" "SELECT agent || ':' || status || ':' || origin FROM board_tasks ORDER BY id" | tr '\n' ' ')
[ "$s" = "performance-testing-agent:doing:delegated webassembly-specialist:open:delegated performance-testing-agent:doing:delegated rust-systems-developer:doing:received coordinator:doing:received " ] &&
	ok || bad "board: $s"
# bad usage
out=$(rwb /agent-receive --task "" 2>&1)
[ $? -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && ok || bad "empty --task: $out"
out=$(rwb /agent-receive stray 2>&1)
[ $? -eq 2 ] && ok || bad "positional: $out"
# over MCP: the tool receive claims, then answers "task": null
out=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
	'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"receive","arguments":{"agent":"webassembly-specialist"}}}' \
	'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"receive","arguments":{"agent":"webassembly-specialist"}}}' \
	'{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"receive","arguments":{"agent":"mcp-agent","task":"Port the parser"}}}' |
	timeout 20 "$RWB" --db "$T/rwb.db" mcp 2>/dev/null)
echo "$out" | jq -s -e '.[] | select(.id == 2) | .result.structuredContent.task == "Compile Rust frontend to WASM with wasm-pack"' >/dev/null &&
	echo "$out" | jq -s -e '.[] | select(.id == 3) | .result.structuredContent.task == null' >/dev/null &&
	echo "$out" | jq -s -e '.[] | select(.id == 4) | .result.structuredContent.origin == "received"' >/dev/null && ok ||
	bad "MCP receive: $out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
