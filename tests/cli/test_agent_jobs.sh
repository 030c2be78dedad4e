#!/bin/bash
# test_agent_jobs.sh - what an agent's commands leave in the store for the
# person watching: the jobs row names the agent (RWB_AGENT, or over MCP the
# tool's `agent` argument, else clientInfo.name), its output is in a 0600
# file beside the store as it is produced, the row gets a one-line summary,
# finished files are pruned to RWB_FINISHED_TABS, a history line carries the
# agent. And the setting audit.agents_count: an agent's unsigned verdict does
# not count towards the sign-offs by default, and counts when it is set.
# Usage: bash test_agent_jobs.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
unset RWB_AGENT RWB_FINISHED_TABS
export HOME="$T/home" USER=tester
mkdir -p "$HOME"
DB="$T/store/rwb.db"
R="$T/repo"
mkdir -p "$R/src"
git -C "$R" init -q -b main
git -C "$R" config user.name tester
git -C "$R" config user.email tester@example.com
printf '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n' >"$R/Cargo.toml"
printf 'pub fn f(p: *const u8) -> u8 {\n    // SAFETY: the caller passes a valid pointer\n    unsafe { *p }\n}\n' >"$R/src/lib.rs"
git -C "$R" add -A && git -C "$R" commit -q -m init
rwb() { "$RWB" --db "$DB" --repo "$R" "$@"; }
q() { sqlite3 "$DB" "$1"; }

# --- an agent's command: row, output file, summary, history ---------------
out=$(RWB_AGENT=bot rwb /git-status 2>&1)
[ $? -eq 0 ] && ok || bad "RWB_AGENT=bot /git-status: $out"
row=$(q "SELECT name || '|' || agent || '|' || summary || '|' || exit_status FROM jobs WHERE agent IS NOT NULL")
[ "$row" = "git-status|bot|## main|0" ] && ok || bad "jobs row: $row"
log=$(q "SELECT output FROM jobs WHERE agent = 'bot'")
[ -f "$log" ] && [ "$(stat -c %a "$log")" = 600 ] && [ "$(stat -c %a "$(dirname "$log")")" = 700 ] &&
	[ "$(dirname "$log")" = "$DB.jobs" ] && ok || bad "output file $log"
grep -q '## main' "$log" && ok || bad "the output file holds the answer: $(cat "$log")"
h=$(q "SELECT agent FROM history WHERE line LIKE '/git-status%'")
[ "$h" = bot ] && ok || bad "history line's agent: '$h'"
# a person's command records no agent and no file
rwb /git-status >/dev/null 2>&1
n=$(q "SELECT count(*) FROM jobs WHERE agent IS NULL AND output IS NOT NULL")
[ "$n" = 0 ] && ok || bad "a person's job got an output file"
# a failing command: the summary is its error
RWB_AGENT=bot rwb /file-read no/such/file >/dev/null 2>&1
row=$(q "SELECT exit_status || '|' || summary FROM jobs WHERE name = 'file-read'")
case "$row" in [23]\|*no/such/file*) ok ;; *) bad "failed job's summary: $row" ;; esac

# --- pruning: finished files kept as many as RWB_FINISHED_TABS ------------
for i in 1 2 3 4; do RWB_FINISHED_TABS=2 RWB_AGENT=bot rwb /git-status >/dev/null 2>&1; done
n=$(ls "$DB.jobs" | wc -l)
k=$(q "SELECT count(*) FROM jobs WHERE output IS NOT NULL")
[ "$n" = 2 ] && [ "$k" = 2 ] && ok || bad "pruned to 2: $n files, $k rows with output"

# --- MCP: the agent is clientInfo.name, or the call's agent argument ------
printf '%s\n' \
	'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test-agent","version":"1"}}}' \
	'{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/git-status"}}}' \
	'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"rwb","arguments":{"command":"/git-status","agent":"helper"}}}' \
	| timeout 30 "$RWB" --db "$DB" --repo "$R" mcp >"$T/mcp.out" 2>"$T/mcp.err"
a=$(q "SELECT group_concat(agent, ',') FROM (SELECT agent FROM jobs WHERE agent IN ('test-agent', 'helper') ORDER BY agent)")
[ "$a" = "helper,test-agent" ] && ok || bad "MCP agents: '$a' ($(cat "$T/mcp.out" "$T/mcp.err"))"

# --- audit.agents_count ---------------------------------------------------
id=$(rwb --json /unsafe-audit 2>/dev/null | jq -r '.items[0].id')
[ -n "$id" ] && [ "$id" != null ] && ok || bad "no unsafe item"
rwb /audit-review --id "$id" --verdict sound --reviewer alice --unsigned >/dev/null 2>&1 || bad "alice's verdict"
st=$(rwb --json /audit-review --id "$id" --verdict sound --agent bot --unsigned 2>/dev/null | jq -r '.status + "|" + (.agents_count | tostring)')
[ "$st" = "partial|false" ] && ok || bad "an agent's verdict counted by default: $st"
why=$(rwb --json /unsafe-audit 2>/dev/null | jq -r '.items[0].status')
[ "$why" = partial ] && ok || bad "status by default: $why"
rwb /unsafe-audit --agents-count >/dev/null 2>&1
[ "$(q "SELECT value FROM settings WHERE key = 'audit.agents_count'")" = true ] && ok || bad "setting not stored"
st=$(rwb --json /unsafe-audit 2>/dev/null | jq -r '.items[0].status')
[ "$st" = approved ] && ok || bad "with audit.agents_count the agent counts: $st"
rwb /audit-check >/dev/null 2>&1 && ok || bad "audit-check with the agent counted"
rwb /unsafe-audit --agents-count=false >/dev/null 2>&1
st=$(rwb --json /unsafe-audit 2>/dev/null | jq -r '.items[0].status')
[ "$st" = partial ] && ok || bad "=false: the agent no longer counts: $st"
rwb /audit-check >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "audit-check without the agent"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
