#!/bin/bash
# test_cli.sh RWB SRC - the command-line contract of cli.md: exit statuses,
# JSON documents on stdout (errors included), human text on stderr with
# --json, store path rules and modes, and refusal of bad stores and repos.
set -u
rwb=$1
src=$2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME= RWB_DB=
mkdir -p "$HOME"
pass=0 fail=0

check() { # name expected_status actual_status
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		echo "FAIL: $1: expected exit $2, got $3"; fail=$((fail + 1)); fi
}
contains() { # name haystack needle
	case "$2" in *"$3"*) pass=$((pass + 1)) ;; *) echo "FAIL: $1: '$3' not in: $2"; fail=$((fail + 1)) ;; esac
}
json_ok() { # name text: one JSON document
	if printf '%s' "$2" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
		pass=$((pass + 1)); else echo "FAIL: $1: not one JSON document: $2"; fail=$((fail + 1)); fi
}

# --version, --help
out=$("$rwb" --version); check version 0 $?; contains version "$out" "rwb "
out=$("$rwb" --help); check help 0 $?; contains help "$out" "/cargo-build"

# the default store: ~/.local/share/rwb/rwb.db with 0600 in a 0700 folder
out=$("$rwb" --json /help 2>/dev/null); check default-store 0 $?; json_ok help-json "$out"
contains help-json "$out" '"name":"memory-search"'
"$rwb" /theme mono >/dev/null; check theme 0 $?
[ -f "$HOME/.local/share/rwb/rwb.db" ]; check store-created 0 $?
check store-mode 600 "$(stat -c %a "$HOME/.local/share/rwb/rwb.db")"
check store-dir-mode 700 "$(stat -c %a "$HOME/.local/share/rwb")"
# XDG_DATA_HOME and RWB_DB and --db, in that order of strength
XDG_DATA_HOME=$tmp/xdg "$rwb" /theme light >/dev/null; [ -f "$tmp/xdg/rwb/rwb.db" ]; check xdg 0 $?
RWB_DB=$tmp/env.db "$rwb" /theme light >/dev/null; [ -f "$tmp/env.db" ]; check rwb-db 0 $?
RWB_DB=$tmp/env2.db "$rwb" --db "$tmp/flag.db" /theme light >/dev/null
[ -f "$tmp/flag.db" ] && [ ! -f "$tmp/env2.db" ]; check db-beats-env 0 $?

# bad usage: exit 2, one line, JSON error with --json
out=$("$rwb" --db "$tmp/a.db" --json /cargo-buidl 2>/dev/null); check unknown-cmd 2 $?
json_ok unknown-cmd-json "$out"; contains unknown-cmd-json "$out" '"code":"EUSAGE"'
contains unknown-cmd-json "$out" 'did you mean /cargo-build?'
err=$("$rwb" --db "$tmp/a.db" /memory-search --qeury x 2>&1 >/dev/null); check bad-flag 2 $?
contains bad-flag "$err" "did you mean --query?"
check bad-flag-one-line 1 "$(printf '%s\n' "$err" | wc -l)"
"$rwb" --db "$tmp/a.db" /memory-search --query x --limit=-3 >/dev/null 2>&1; check bad-int 2 $?
"$rwb" --frobnicate >/dev/null 2>&1; check bad-option 2 $?
"$rwb" --db >/dev/null 2>&1; check missing-value 2 $?
"$rwb" --db "$tmp/a.db" /theme no-such-theme >/dev/null 2>&1; check bad-theme 2 $?
"$rwb" --repo "$tmp/does-not-exist" --json /help >/dev/null 2>&1; check bad-repo 2 $?
"$rwb" --db "$tmp/a.db" --json /help nope >/dev/null 2>&1; check help-unknown 2 $?

# environment problems: exit 3, nothing overwritten
echo "precious notes" > "$tmp/notes.txt"
out=$("$rwb" --db "$tmp/notes.txt" --json /theme mono 2>/dev/null); check not-a-store 3 $?
json_ok not-a-store-json "$out"; contains not-a-store-json "$out" "not an rwb store"
check untouched "precious notes" "$(cat "$tmp/notes.txt")"
sqlite3 "$tmp/other.db" "CREATE TABLE t(x)"
"$rwb" --db "$tmp/other.db" /theme mono >/dev/null 2>&1; check foreign-sqlite 3 $?
check foreign-untouched "t" "$(sqlite3 "$tmp/other.db" .tables)"
"$rwb" --db "$tmp/n.db" /theme mono >/dev/null 2>&1
sqlite3 "$tmp/n.db" "UPDATE rwb_schema SET version = 99 WHERE module = 'core'"
err=$("$rwb" --db "$tmp/n.db" /theme mono 2>&1 >/dev/null); check newer-schema 3 $?
contains newer-schema "$err" "newer"
check newer-untouched 99 "$(sqlite3 "$tmp/n.db" "SELECT version FROM rwb_schema WHERE module='core'")"
mkdir -p "$tmp/ro" && chmod 0500 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
	"$rwb" --db "$tmp/ro/x.db" /theme mono >/dev/null 2>&1; check read-only-folder 3 $?
fi
# a store owned by someone else is refused unless named explicitly
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p "$tmp/other-home/.local/share/rwb"
	HOME=$tmp/other-home "$rwb" /theme mono >/dev/null 2>&1
	chown nobody "$tmp/other-home/.local/share/rwb/rwb.db"
	err=$(HOME=$tmp/other-home "$rwb" /theme mono 2>&1); check foreign-owner 3 $?
	contains foreign-owner "$err" "belongs to another user"
	HOME=$tmp/other-home "$rwb" --db "$tmp/other-home/.local/share/rwb/rwb.db" /theme mono >/dev/null 2>&1
	check foreign-owner-explicit 0 $?
fi

# not implemented commands answer exit 3 with a JSON error (until their issue lands)
for c in $("$rwb" --json /help 2>/dev/null | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["commands"] if not c["implemented"]))'); do
	out=$("$rwb" --db "$tmp/a.db" --json "/$c" 2>/dev/null); st=$?
	if [ $st -eq 3 ]; then contains "notimpl-$c" "$out" "not implemented yet"; fi
done

# the command reference in docs/ is what the registry says
"$rwb" --db "$tmp/a.db" /help --markdown > "$tmp/commands.md"
if diff -q "$tmp/commands.md" "$src/docs/commands.md" >/dev/null; then pass=$((pass + 1)); else
	echo "FAIL: docs/commands.md is out of date: run 'make docs'"; fail=$((fail + 1)); fi
# the key tables in the user guide are what the views dispatch through
"$rwb" --keys-markdown > "$tmp/keys.md"
sed -n '/<!-- keys begin/,/<!-- keys end -->/p' "$src/docs/user-guide.md" | sed '1d;$d' > "$tmp/guide-keys.md"
if [ -s "$tmp/keys.md" ] && diff -q "$tmp/keys.md" "$tmp/guide-keys.md" >/dev/null; then pass=$((pass + 1)); else
	echo "FAIL: docs/user-guide.md's key tables are out of date: run 'make docs'"; fail=$((fail + 1)); fi

# what a command run from the shell records: a command that changed the
# store gets its jobs row and its history line; a query that changed
# nothing writes nothing (the shell keeps its own history)
"$rwb" --db "$tmp/a.db" /theme high-contrast >/dev/null
n=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM history WHERE line = '/theme high-contrast'")
check history-recorded 1 "$n"
n=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM jobs WHERE name = 'theme' AND exit_status = 0 AND ended_at >= started_at")
[ "$n" -gt 0 ]; check jobs-recorded 0 $?
before=$(sqlite3 "$tmp/a.db" "SELECT (SELECT count(*) FROM jobs) || ' ' || (SELECT count(*) FROM history)")
"$rwb" --db "$tmp/a.db" /help >/dev/null
"$rwb" --db "$tmp/a.db" /memory-search --query nothing >/dev/null 2>&1
after=$(sqlite3 "$tmp/a.db" "SELECT (SELECT count(*) FROM jobs) || ' ' || (SELECT count(*) FROM history)")
check queries-write-nothing "$before" "$after"

# libgit2 is loaded only by the commands that use git (backend/gitdl.c)
libs=$(cd "$src" && LD_DEBUG=files "$rwb" --db "$tmp/a.db" /theme mono 2>&1 >/dev/null)
case "$libs" in *libgit2*) echo "FAIL: /theme loaded libgit2"; fail=$((fail + 1)) ;; *) pass=$((pass + 1)) ;; esac
libs=$(cd "$src" && LD_DEBUG=files "$rwb" --db "$tmp/a.db" /git-log -n 1 2>&1 >/dev/null)
contains git-loads-libgit2 "$libs" "libgit2"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
