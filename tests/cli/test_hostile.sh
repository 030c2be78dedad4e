#!/bin/bash
# test_hostile.sh RWB SRC - hostile input on the command line: escape
# sequences in commit messages, file contents, file names and memory values
# come out as visible text (never as ESC bytes); a 1 GB file in a diff is
# named, not loaded; 10,000 untracked files are fast.
set -u
rwb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
no_esc() { # name text: no ESC or BEL byte may reach the terminal
	if printf '%s' "$2" | LC_ALL=C grep -q $'[\x1b\x07\x9b]'; then bad "$1: raw control bytes in: $(printf '%s' "$2" | cat -v | head -3)"; else ok; fi
}
visible() { case "$2" in *"$3"*) ok ;; *) bad "$1: '$3' not shown in: $(printf '%s' "$2" | cat -v | head -3)" ;; esac; }
db="--db $tmp/rwb.db"
r=$tmp/repo
mkdir -p "$r" && cd "$r" && git init -q . && echo a > a && git add a &&
	git -c user.name=t -c user.email=t@t commit -qm init
esc=$(printf 'x\033]0;pwned\007\033[2Jy')
git -c user.name=t -c user.email=t@t commit -q --allow-empty -m "evil $esc msg"
printf 'fn main() {}\n// %s\n' "$esc" > e.rs
printf 'z\n' > "name$esc.txt" 2>/dev/null || true

out=$("$rwb" $db --repo "$r" /git-log -n 1 2>&1); no_esc git-log "$out"; visible git-log "$out" '^[]0;pwned^G^[[2J'
out=$("$rwb" $db --repo "$r" /git-status 2>&1); no_esc git-status "$out"
out=$("$rwb" $db --repo "$r" /git-diff 2>&1); no_esc git-diff "$out"
out=$("$rwb" $db --repo "$r" /file-read e.rs 2>&1); no_esc file-read "$out"; visible file-read "$out" '^[[2J'
out=$("$rwb" $db --repo "$r" /grep-search pwned 2>&1); no_esc grep-search "$out"
out=$("$rwb" $db --repo "$r" /glob-search '*.txt' 2>&1); no_esc glob-search "$out"
"$rwb" $db /memory-store --key evil/p/v --value "$esc" >/dev/null
out=$("$rwb" $db /memory-retrieve --key evil/p/v 2>&1); no_esc memory-retrieve "$out"; visible memory-retrieve "$out" '^[[2J'
out=$("$rwb" $db /memory-search --query pwned 2>&1); no_esc memory-search "$out"
out=$("$rwb" $db /agent-escalate --level info --message "$esc" 2>&1); no_esc escalate "$out"
out=$("$rwb" $db /agent-delegate --agent "a$esc" --task "$esc" 2>&1); no_esc delegate "$out"
# JSON carries the bytes escaped, never raw
out=$("$rwb" $db --repo "$r" --json /git-log -n 1 2>/dev/null); no_esc git-log-json "$out"

# a 1 GB file in the diff: named as binary (too big to diff), quickly, in little memory
yes "a line of text in a very large file" | head -c 1000000000 >> "$r/a"
/usr/bin/time -f "%e %M" -o "$tmp/time" "$rwb" $db --repo "$r" --json /git-diff > "$tmp/diff.json" 2>/dev/null
read -r secs kb < "$tmp/time"
[ "$(jq -r '.files[] | select(.path == "a") | .binary' "$tmp/diff.json")" = true ] && ok || bad "1 GB file not named as binary"
awk -v s="$secs" 'BEGIN { exit !(s < 10) }' && ok || bad "1 GB diff took ${secs}s"
[ "$kb" -lt 200000 ] && ok || bad "1 GB diff used ${kb} KB"
git -C "$r" checkout -q a

# 10,000 untracked files
mkdir -p "$r/many" && (cd "$r/many" && seq 1 10000 | sed 's/$/.tmp/' | xargs touch)
/usr/bin/time -f "%e %M" -o "$tmp/time" "$rwb" $db --repo "$r" --json /git-status > "$tmp/st.json" 2>/dev/null
read -r secs kb < "$tmp/time"
jq -en 'input | (.untracked[] | select(.path == "many/"))' "$tmp/st.json" >/dev/null && ok || bad "untracked folder missing"
awk -v s="$secs" 'BEGIN { exit !(s < 5) }' && ok || bad "status with 10,000 untracked files took ${secs}s"
n=$("$rwb" $db --repo "$r" --json /glob-search 'many/*.tmp' 2>/dev/null | jq '.matches | length')
[ "$n" = 10000 ] && ok || bad "glob over 10,000 files found $n"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
