#!/bin/bash
# test_git_push_http.sh - /git-push over smart HTTP with git's credential
# helpers, end to end: a small Python server in front of `git
# http-backend` that demands Basic auth (alice / s3cret), a fake
# credential helper that logs what rwb asks and answers from a file, and
# url.<base>.insteadOf / pushInsteadOf pointing at the server.
# Proves: get then store on success; get then erase (and no store, the
# remote unchanged) when the password is refused; a helper that knows
# nothing leaves the push refused with one line; insteadOf and
# pushInsteadOf rewrites reach the server.
#
# usage: bash test_git_push_http.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
T=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
export HOME=$T/home GIT_CONFIG_NOSYSTEM=1 RWB_DB=$T/rwb.db
mkdir -p "$HOME"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
pass=0
failed=0

ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@"; then ok; else bad "$name"; fi
}
same() { # same NAME EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then ok; else bad "$1"; diff <(echo "$2") <(echo "$3") >&2; fi
}

BACKEND=$(git --exec-path)/git-http-backend
command -v python3 >/dev/null && [ -x "$BACKEND" ] || { echo "needs python3 and git-http-backend" >&2; exit 3; }

# ---- the server: Basic auth, then git http-backend as CGI ----
mkdir -p "$T/srv"
git init -q --bare -b main "$T/srv/repo.git"
git -C "$T/srv/repo.git" config http.receivepack true
cat > "$T/server.py" <<'EOF'
import base64, http.server, os, subprocess, sys
root, portfile, log, backend = sys.argv[1:5]
GOOD = "Basic " + base64.b64encode(b"alice:s3cret").decode()

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                n = int(self.rfile.readline().strip().split(b";")[0], 16)
                if n == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(n)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
    def handle_any(self):
        data = self.body() if self.command == "POST" else b""
        auth = self.headers.get("Authorization")
        with open(log, "a") as f:
            f.write("%s %s auth=%s\n" % (self.command, self.path.split("?")[0],
                    "none" if not auth else "good" if auth == GOOD else "bad"))
        if auth != GOOD:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="rwb-test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER="alice",
                   REMOTE_ADDR="127.0.0.1", CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(data)), GIT_HTTP_MAX_REQUEST_BUFFER="100M")
        out = subprocess.run([backend], input=data, env=env, stdout=subprocess.PIPE).stdout
        head, _, rest = out.partition(b"\r\n\r\n")
        if not _:
            head, _, rest = out.partition(b"\n\n")
        status, headers = 200, []
        for line in head.decode().splitlines():
            k, _, v = line.partition(":")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                headers.append((k, v.strip()))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(rest)))
        self.end_headers()
        self.wfile.write(rest)
    do_GET = do_POST = handle_any

srv = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
EOF
python3 "$T/server.py" "$T/srv" "$T/port" "$T/server.log" "$BACKEND" &
SERVER=$!
for _ in $(seq 50); do [ -f "$T/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/port" 2>/dev/null)
[ -n "$PORT" ] || { echo "the test server did not start" >&2; exit 1; }
URL=http://127.0.0.1:$PORT/repo.git

# ---- the fake helper: logs argv and stdin, answers get from a file ----
cat > "$T/helper" <<'EOF'
#!/bin/sh
dir=$(dirname "$0")
{ echo "args: $*"; cat; echo "--"; } >> "$dir/helper.log"
[ "$1" = get ] && [ -f "$dir/answer" ] && cat "$dir/answer"
exit 0
EOF
chmod +x "$T/helper"
git config --global credential.helper "$T/helper"

git init -q -b main "$T/r"
git -C "$T/r" config user.name "Test Person"
git -C "$T/r" config user.email test@example.com
(cd "$T/r" && echo one > a.txt && git add a.txt && git commit -qm one)
git -C "$T/r" remote add origin "$URL"

# a wrong password: refused, the helper is told to erase it, nothing stored
printf 'username=alice\npassword=wrong\n' > "$T/answer"
out=$("$RWB" --repo "$T/r" /git-push 2>&1); rc=$?
check "bad password: push fails" test $rc -ne 0
same "bad password: one line" 1 "$(echo "$out" | wc -l)"
same "bad password: helper actions" "get erase" "$(grep '^args:' "$T/helper.log" | awk '{print $2}' | xargs)"
check "bad password: erase names the refused password" grep -q '^password=wrong$' "$T/helper.log"
check "bad password: the server saw it" grep -q 'auth=bad' "$T/server.log"
check "bad password: remote unchanged" test -z "$(git -C "$T/srv/repo.git" rev-parse -q --verify main)"
check "bad password: nothing on screen from the helper" sh -c "! echo \"\$1\" | grep -q 'args:'" _ "$out"
rm -f "$T/helper.log"

# the right password: pushed, then stored (get, then store with the password)
printf 'username=alice\npassword=s3cret\n' > "$T/answer"
out=$("$RWB" --repo "$T/r" --json /git-push); rc=$?
same "good password: exit 0" 0 $rc
same "good password: remote has the commit" "$(git -C "$T/r" rev-parse HEAD)" "$(git -C "$T/srv/repo.git" rev-parse main)"
same "good password: helper actions" "get store" "$(grep '^args:' "$T/helper.log" | awk '{print $2}' | xargs)"
same "good password: what get was told" "protocol=http
host=127.0.0.1:$PORT" "$(sed -n '/^args: get/,/^--/p' "$T/helper.log" | sed '1d;$d' | sed '/^$/d')"
same "good password: what store was told" "protocol=http
host=127.0.0.1:$PORT
username=alice
password=s3cret" "$(sed -n '/^args: store/,/^--/p' "$T/helper.log" | sed '1d;$d' | sed '/^$/d')"
check "good password: summary names the URL" sh -c "echo \"\$1\" | jq -en 'input | (.pushed | contains(\"127.0.0.1\"))' >/dev/null" _ "$out"
rm -f "$T/helper.log"

# a helper with no answer: refused with one line, exit != 0
rm -f "$T/answer"
(cd "$T/r" && echo two >> a.txt && git commit -qam two)
out=$("$RWB" --repo "$T/r" /git-push 2>&1); rc=$?
check "no credential: push fails" test $rc -ne 0
same "no credential: one line" 1 "$(echo "$out" | wc -l)"
check "no credential: remote unchanged" test "$(git -C "$T/srv/repo.git" rev-parse main)" != "$(git -C "$T/r" rev-parse HEAD)"

# insteadOf: the remote's URL is rewritten to the server
printf 'username=alice\npassword=s3cret\n' > "$T/answer"
git -C "$T/r" remote set-url origin "srv:repo.git"
git -C "$T/r" config url."http://127.0.0.1:$PORT/".insteadOf "srv:"
"$RWB" --repo "$T/r" /git-push >/dev/null 2>&1; rc=$?
same "insteadOf: exit 0" 0 $rc
same "insteadOf: remote has the commit" "$(git -C "$T/r" rev-parse HEAD)" "$(git -C "$T/srv/repo.git" rev-parse main)"

# pushInsteadOf: fetch from one place, push to the server
(cd "$T/r" && echo three >> a.txt && git commit -qam three)
git -C "$T/r" config --unset url."http://127.0.0.1:$PORT/".insteadOf
git -C "$T/r" remote set-url origin "readonly:repo.git"
git -C "$T/r" config url."http://127.0.0.1:$PORT/".pushInsteadOf "readonly:"
"$RWB" --repo "$T/r" /git-push >/dev/null 2>&1; rc=$?
same "pushInsteadOf: exit 0" 0 $rc
same "pushInsteadOf: remote has the commit" "$(git -C "$T/r" rev-parse HEAD)" "$(git -C "$T/srv/repo.git" rev-parse main)"
# ... but an explicit pushurl is used as written (git ignores pushInsteadOf then)
(cd "$T/r" && echo four >> a.txt && git commit -qam four)
git -C "$T/r" remote set-url --push origin "readonly:repo.git"
"$RWB" --repo "$T/r" /git-push >/dev/null 2>&1; rc=$?
check "pushurl: pushInsteadOf not applied (push fails)" test $rc -ne 0
check "pushurl: remote unchanged" test "$(git -C "$T/srv/repo.git" rev-parse main)" != "$(git -C "$T/r" rev-parse HEAD)"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
