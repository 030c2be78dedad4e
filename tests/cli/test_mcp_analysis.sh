#!/bin/bash
# test_mcp_analysis.sh RWB SRC - the analysis tools through `rwb mcp`
# (JSON-RPC 2.0 over stdio): initialize, tools/list names them, and
# tools/call analyze_file, start_tracking, analyze_changes, delegate and
# escalate answer with the shapes of the slash commands; the escalated
# notice lands in the store every rwb reads.
set -u
rwb=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/rwb.db
repo=$tmp/repo

probe=$(printf '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}\n' |
	"$rwb" --db "$db" mcp 2>&1)
if printf '%s' "$probe" | grep -q "not implemented yet"; then
	echo "SKIP: rwb mcp is not implemented in this build (the MCP server lands with the memory issue)"
	echo "0 passed, 0 failed"
	exit 0
fi

mkdir -p "$repo/src"
git -C "$repo" init -q
git -C "$repo" config user.email t@example.com
git -C "$repo" config user.name t
printf '[package]\nname = "m"\nversion = "0.1.0"\n' > "$repo/Cargo.toml"
printf 'pub fn area(w: u32, h: u32, d: u32) -> u32 { w * h * d * 1000 }\n' > "$repo/src/lib.rs"
git -C "$repo" add -A
git -C "$repo" commit -qm init

python3 - "$rwb" "$db" "$repo" <<'PY'
import json, sqlite3, subprocess, sys

rwb, db, repo = sys.argv[1:4]
p = subprocess.Popen([rwb, "--db", db, "--repo", repo, "mcp"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
passed = failed = 0
next_id = 0

def rpc(method, params=None, notify=False):
    global next_id
    msg = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    if not notify:
        next_id += 1
        msg["id"] = next_id
    p.stdin.write(json.dumps(msg) + "\n")
    p.stdin.flush()
    if notify:
        return None
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("FAIL: rwb mcp closed stdout")
        reply = json.loads(line)
        if reply.get("id") == next_id:
            return reply

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", name, detail)

def tool(name, args):
    r = rpc("tools/call", {"name": name, "arguments": args})
    res = r.get("result", {})
    text = res.get("content", [{}])[0].get("text", "")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    return res, body

r = rpc("initialize", {"protocolVersion": "2024-11-05", "capabilities": {},
                       "clientInfo": {"name": "test", "version": "1"}})
check("initialize", "result" in r, r)
rpc("notifications/initialized", notify=True)
names = [t["name"] for t in rpc("tools/list")["result"]["tools"]]
for n in ("analyze_file", "start_tracking", "analyze_changes", "delegate", "escalate"):
    check("listed " + n, n in names, names)

res, body = tool("analyze_file", {"file": "src/lib.rs"})
check("analyze_file ok", not res.get("isError") and body is not None, res)
kinds = sorted(f["kind"] for f in body["findings"]) if body else []
check("analyze_file kinds", kinds == ["meaning", "position"], kinds)
check("analyze_file score", body and body["score"] == 4, body)
res, body = tool("analyze_file", {"file": "src/missing.rs"})
check("analyze_file missing is an error", res.get("isError") is True, res)

res, body = tool("start_tracking", {"paths": ["src"]})
check("start_tracking", not res.get("isError") and body and body["baseline"] >= 1, res)
with open(repo + "/src/lib.rs", "a") as f:
    f.write("pub unsafe fn raw() {}\n")
with open(repo + "/build.rs", "w") as f:
    f.write("fn main() {}\n")
res, body = tool("analyze_changes", {})
check("analyze_changes", not res.get("isError") and body is not None, res)
if body:
    check("files", body["files_changed"] == 2, body)
    check("lines", body["lines_added"] == 2, body)
    check("outside", body["outside"] == ["build.rs"], body)
    check("new unsafe", body["new_unsafe"] == 1, body)

res, body = tool("delegate", {"agent": "claude", "task": "split area()"})
check("delegate", body and body["status"] == "open" and body["agent"] == "claude", res)
res, body = tool("escalate", {"level": "critical", "message": "lexer regression"})
check("escalate", body and body["level"] == "critical", res)
res, body = tool("escalate", {"level": "doom", "message": "x"})
check("escalate bad level", res.get("isError") is True, res)
p.stdin.close()
p.wait(timeout=10)

c = sqlite3.connect(db)
check("notice stored", c.execute("select count(*) from board_notices where level='critical' and message='lexer regression'").fetchone()[0] == 1)
check("task stored", c.execute("select count(*) from board_tasks where agent='claude'").fetchone()[0] == 1)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
