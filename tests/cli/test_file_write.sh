#!/bin/bash
# test_file_write.sh - /file-write: content from stdin (the seed line
# `/file-write src/lib.rs`), --content and --from; a new file is written, an
# existing one only after the diff and --yes; the mode is kept and no
# temporary file is left; paths outside the repository are refused unless
# absolute; bad usage is one line, exit 2, nothing written; the run is
# recorded (job row and history) as /file-edit's are.
# Usage: bash test_file_write.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
rwb() { "$RWB" --db "$T/rwb.db" --repo "$T/repo" "$@"; }
mkdir -p "$T/repo" && git -C "$T/repo" init -q

# the seed line: content on standard input, a new file
printf 'pub fn answer() -> u32 {\n    42\n}\n' | rwb /file-write src/lib.rs >"$T/out" 2>&1
[ $? -eq 0 ] && grep -q 'answer' "$T/repo/src/lib.rs" && ok || { bad "stdin to a new file"; cat "$T/out"; }
# replacing asks: the diff, nothing written, exit 0
printf 'pub fn answer() -> u32 {\n    43\n}\n' | rwb /file-write src/lib.rs >"$T/out" 2>&1
[ $? -eq 0 ] && grep -q '^-    42' "$T/out" && grep -q '^+    43' "$T/out" && grep -q -- '--yes' "$T/out" &&
	grep -q '42' "$T/repo/src/lib.rs" && ok || { bad "replace without --yes"; cat "$T/out"; }
out=$(printf 'x\n' | rwb --json /file-write src/lib.rs 2>/dev/null)
echo "$out" | jq -en 'input | (.needs_confirmation == true and .written == false and (.diff | test("^--- src/lib.rs")))' >/dev/null &&
	ok || bad "JSON preview: $out"
# --yes replaces atomically, keeping the mode
chmod 640 "$T/repo/src/lib.rs"
printf 'pub fn answer() -> u32 {\n    43\n}\n' | rwb /file-write src/lib.rs --yes >/dev/null 2>&1
grep -q '43' "$T/repo/src/lib.rs" && [ "$(stat -c %a "$T/repo/src/lib.rs")" = 640 ] && ok || bad "--yes: content or mode"
[ "$(ls -A "$T/repo/src")" = "lib.rs" ] && ok || bad "a temporary file was left: $(ls -A "$T/repo/src")"
# the same content: nothing to write
out=$(rwb /file-write src/lib.rs --content "$(cat "$T/repo/src/lib.rs")
" 2>&1)
echo "$out" | grep -q 'nothing to write' && ok || bad "same content: $out"
# --content and --from
rwb /file-write notes/a.txt --content 'hello' >/dev/null 2>&1 && [ "$(cat "$T/repo/notes/a.txt")" = hello ] && ok ||
	bad "--content into a new folder"
printf 'from a file\n' > "$T/src.txt"
rwb /file-write notes/a.txt --from "$T/src.txt" --yes >/dev/null 2>&1 && grep -q 'from a file' "$T/repo/notes/a.txt" &&
	ok || bad "--from"
# outside the repository: refused when relative, allowed when absolute
mkdir -p "$T/elsewhere"
ln -s "$T/elsewhere" "$T/repo/link"
for p in ../outside.txt link/evil.txt src/../../outside.txt; do
	out=$(rwb /file-write "$p" --content x --yes 2>&1)
	st=$?
	[ $st -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q 'outside the repository' && ok ||
		bad "$p: exit $st: $out"
done
[ ! -e "$T/outside.txt" ] && [ ! -e "$T/elsewhere/evil.txt" ] && ok || bad "a refused path was written"
rwb /file-write "$T/elsewhere/abs.txt" --content 'absolute' >/dev/null 2>&1 &&
	[ "$(cat "$T/elsewhere/abs.txt")" = absolute ] && ok || bad "absolute path outside the repository"
# bad usage: one line, exit 2, nothing changed
before=$(sha1sum "$T/repo/src/lib.rs")
while IFS= read -r cmd; do
	eval "set -- $cmd"
	out=$(rwb "$@" --yes 2>&1 </dev/null)
	st=$?
	[ $st -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok || bad "'$cmd': exit $st: $out"
done <<'LINES'
/file-write src/lib.rs --content x --from /etc/hostname
/file-write src/lib.rs --from /nonexistent/file
/file-write src
/file-write
/file-write a b --content x
LINES
[ "$before" = "$(sha1sum "$T/repo/src/lib.rs")" ] && ok || bad "a bad command changed lib.rs"
# recorded like /file-edit: a job row with its arguments, and the history line
n=$(sqlite3 "$T/rwb.db" "SELECT count(*) FROM jobs WHERE name = 'file-write' AND args LIKE '%src/lib.rs%'")
[ "$n" -ge 2 ] && ok || bad "file-write runs not recorded as jobs ($n)"
sqlite3 "$T/rwb.db" "SELECT line FROM history" | grep -q '^/file-write src/lib.rs --yes$' && ok || bad "no history line"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
