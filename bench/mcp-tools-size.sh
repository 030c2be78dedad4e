#!/bin/sh
# mcp-tools-size.sh - what `rwb mcp`'s tools/list costs an agent's context on
# every turn: its JSON length and tokens (length / 4), per tool and in all.
# Budget (issue 17): under 4,000 tokens.
# Usage: sh bench/mcp-tools-size.sh [path/to/rwb]
set -eu
RWB=${1:-./build/rwb}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' |
	RWB_DB=$TMP/s.db "$RWB" mcp > "$TMP/list.json"
jq -r '.result.tools[] | "\(.name)\t\(tostring | length)"' "$TMP/list.json" |
	awk -F'\t' '{ printf "%-18s %6d chars %5d tokens\n", $1, $2, $2 / 4 }'
total=$(jq -c '.result' "$TMP/list.json" | tr -d '\n' | wc -c)
tools=$(jq '.result.tools | length' "$TMP/list.json")
echo "tools/list: $tools tools, $total chars, $((total / 4)) tokens (budget 4000)"
[ $((total / 4)) -lt 4000 ]
