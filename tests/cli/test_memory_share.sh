#!/bin/bash
# test_memory_share.sh - a team's patterns through git: two people (two
# stores, two clones of one repository) export to .rwb/patterns.jsonl,
# commit, pull and import; both stores end with the same entries and the
# same histories, the same key edited on both sides ends with the later edit
# live and the other in history, re-importing adds nothing, two exports are
# byte-identical, and bad files (broken JSON, wrong types, huge lines,
# invalid UTF-8, conflict markers) are refused with one line naming the
# line and change nothing.
# Usage: bash test_memory_share.sh /path/to/rwb /path/to/source
set -u
RWB=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export RWB_MEMORY_STARTER=/dev/null GIT_CONFIG_NOSYSTEM=1 HOME=$TMP
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

git config --global user.name tester
git config --global user.email tester@example.com
git config --global init.defaultBranch main
git config --global pull.rebase false

A="$RWB --db $TMP/alice.db --repo $TMP/alice"
B="$RWB --db $TMP/bob.db --repo $TMP/bob"

git init -q --bare "$TMP/origin.git"
git clone -q "$TMP/origin.git" "$TMP/alice" 2>/dev/null
(cd "$TMP/alice" && echo "# crate" > README.md && git add README.md && git commit -qm init && git push -q origin main)
git clone -q "$TMP/origin.git" "$TMP/bob" 2>/dev/null

# both know the shared key at version 1 (alice's, through git)
$A /memory-store --key team/tokio/shutdown --value "cancel with a token" --layer long_term --tags tokio >/dev/null
$A /memory-store --key team/ffi/wrappers --value "one safe wrapper per extern fn" --layer long_term >/dev/null
$A /memory-store --key alice/private/notes --value "not for the team" >/dev/null
out=$($A --json /memory-export --key 'team/**')
check '[ "$(echo "$out" | json "d[\"exported\"], d[\"versions\"], d[\"format\"]")" = "2 2 lines" ]' "first export: $out"
check 'grep -qx "patterns.jsonl merge=union" "$TMP/alice/.rwb/.gitattributes"' "export marks the file merge=union"
check '! grep -q alice/private "$TMP/alice/.rwb/patterns.jsonl"' "--key chooses the keys"
check '[ "$(head -1 "$TMP/alice/.rwb/patterns.jsonl")" = "{\"format\":\"rwb-patterns\",\"version\":1}" ]' "header line"
(cd "$TMP/alice" && git add .rwb && git commit -qm "patterns" && git push -q origin main)
(cd "$TMP/bob" && git pull -q origin main 2>/dev/null)
out=$($B --json /memory-import)
check '[ "$(echo "$out" | json "d[\"added\"], d[\"imported\"]")" = "2 2" ]' "bob imports alice's patterns: $out"

# byte-identical exports: twice from one store, and from the other store
cp "$TMP/alice/.rwb/patterns.jsonl" "$TMP/first.jsonl"
$A /memory-export --key 'team/**' >/dev/null
check 'cmp -s "$TMP/first.jsonl" "$TMP/alice/.rwb/patterns.jsonl"' "two exports of one store are byte-identical"
$B /memory-export --key 'team/**' >/dev/null
check 'cmp -s "$TMP/first.jsonl" "$TMP/bob/.rwb/patterns.jsonl"' "bob's export of the same entries is byte-identical"
check '[ -z "$(cd "$TMP/bob" && git status --porcelain)" ]' "nothing to commit after bob's re-export"
check '! grep -q $'"'"'\r'"'"' "$TMP/first.jsonl"' "LF line ends"

# now both work apart: new keys that sort side by side, and the same key edited on both sides
$A /memory-store --key team/tokio/shutdown --value "alice: cancel with a CancellationToken, then join" >/dev/null
$A /memory-store --key team/async/a-alice --value "alice's new pattern" --layer long_term >/dev/null
sleep 0.05
$B /memory-store --key team/tokio/shutdown --value "bob: drop the JoinHandle set on shutdown" >/dev/null
$B /memory-store --key team/async/b-bob --value "bob's new pattern" --layer long_term >/dev/null
$A /memory-export --key 'team/**' >/dev/null
$B /memory-export --key 'team/**' >/dev/null
(cd "$TMP/alice" && git add .rwb && git commit -qm "alice's patterns" && git push -q origin main)
(cd "$TMP/bob" && git add .rwb && git commit -qm "bob's patterns")
merge=$(cd "$TMP/bob" && git pull --no-edit origin main 2>&1)
check '[ $? -eq 0 ] && ! grep -q "^<<<<<<<" "$TMP/bob/.rwb/patterns.jsonl"' "git merges both sides' lines without a conflict: $merge"
(cd "$TMP/bob" && git push -q origin main)
(cd "$TMP/alice" && git pull -q --no-edit origin main 2>/dev/null)
out=$($B --json /memory-import)
check '[ "$(echo "$out" | json "d[\"added\"], d[\"updated\"]")" = "1 1" ]' "bob: alice's new key added, the shared key updated: $out"
out=$($A --json /memory-import)
check '[ "$(echo "$out" | json "d[\"added\"], d[\"updated\"]")" = "1 1" ]' "alice: bob's new key added, the shared key updated: $out"

# the same entries and histories in both stores
for who in A B; do
	eval "\$$who --json /memory-retrieve --key 'team/**'" | json "[(e['key'], e['value'], e['version'], e['updated_at']) for e in d['entries']]" >"$TMP/$who.entries"
	eval "\$$who --json /memory-history --key team/tokio/shutdown" | json "[(e['value'], e['version'], e['updated_at']) for e in d['versions']]" >"$TMP/$who.history"
done
check 'cmp -s "$TMP/A.entries" "$TMP/B.entries"' "both stores hold the same entries: $(cat "$TMP/A.entries") / $(cat "$TMP/B.entries")"
check 'cmp -s "$TMP/A.history" "$TMP/B.history"' "both stores hold the same history: $(cat "$TMP/A.history") / $(cat "$TMP/B.history")"
live=$($A --json /memory-retrieve --key team/tokio/shutdown | json 'd["entries"][0]["value"], d["entries"][0]["version"]')
check '[ "$live" = "bob: drop the JoinHandle set on shutdown 3" ]' "the later edit wins as version 3: $live"
hist=$($A --json /memory-history --key team/tokio/shutdown | json '"|".join("%d:%s" % (v["version"], v["value"][:5]) for v in d["versions"])')
check '[ "$hist" = "3:bob: |2:alice|1:cance" ]' "the other edit stays in history as version 2: $hist"

# after the merge both export the same bytes, and re-importing changes nothing
$A /memory-export --key 'team/**' >/dev/null
$B /memory-export --key 'team/**' >/dev/null
check 'cmp -s "$TMP/alice/.rwb/patterns.jsonl" "$TMP/bob/.rwb/patterns.jsonl"' "after the merge both export the same bytes"
check '[ "$(grep -c team/tokio/shutdown "$TMP/alice/.rwb/patterns.jsonl")" = 3 ]' "three versions of the shared key, no duplicates"
out=$($A --json /memory-import)
check '[ "$(echo "$out" | json "d[\"imported\"], d[\"unchanged\"]")" = "0 4" ]' "re-import is a no-op: $out"
check '[ "$($A --json /memory-history --key team/tokio/shutdown | json "len(d[\"versions\"])")" = 3 ]' "no duplicate versions after re-import"

# a key deleted here stays deleted when the same file comes again
$A /memory-delete --key team/async/b-bob >/dev/null
$A /memory-import >/dev/null
check '[ "$($A --json /memory-retrieve --key team/async/b-bob | json "len(d[\"entries\"])")" = 0 ]' "a local delete survives re-importing the same file"

# an export never drops a teammate's lines that were pulled but not imported yet
(cd "$TMP/bob" && git add .rwb && git commit -qm "patterns, merged" && git push -q origin main)
(cd "$TMP/alice" && git checkout -q -- .rwb && git pull -q --no-edit origin main 2>/dev/null)
$A /memory-store --key team/late/pattern --value "alice, after the merge" --layer long_term >/dev/null
$A /memory-export --key 'team/**' >/dev/null
(cd "$TMP/alice" && git add .rwb && git commit -qm "late" && git push -q origin main)
(cd "$TMP/bob" && git pull -q --no-edit origin main 2>/dev/null)
out=$($B --json /memory-export --key 'team/**')
check '[ "$(echo "$out" | json "d[\"kept\"]")" = 1 ] && grep -q team/late/pattern "$TMP/bob/.rwb/patterns.jsonl"' "bob's export keeps alice's unimported key: $out"
check '[ -z "$(cd "$TMP/bob" && git status --porcelain)" ]' "bob's export before importing changes nothing: $(cd "$TMP/bob" && git diff | head -20)"
out=$($B --json /memory-import)
check '[ "$(echo "$out" | json "d[\"added\"]")" = 1 ]' "then bob's import takes it: $out"
cp "$TMP/bob/.rwb/patterns.jsonl" "$TMP/saved.jsonl"
printf '<<<<<<< HEAD\n' >>"$TMP/bob/.rwb/patterns.jsonl"
cp "$TMP/bob/.rwb/patterns.jsonl" "$TMP/conflicted.jsonl"
msg=$($B /memory-export --key 'team/**' 2>&1 >/dev/null)
check '[ $? -eq 2 ] && cmp -s "$TMP/bob/.rwb/patterns.jsonl" "$TMP/conflicted.jsonl"' "a broken patterns file is not overwritten by an export: $msg"
cp "$TMP/saved.jsonl" "$TMP/bob/.rwb/patterns.jsonl"

# filters: namespace, layer, tag; and the JSON document format still works
$A /memory-store --key team/misc/tagged --value v --tags perf,simd --namespace rust-patterns --layer short_term >/dev/null
out=$($A --json /memory-export --file "$TMP/tag.jsonl" --tag simd)
check '[ "$(echo "$out" | json "d[\"exported\"]")" = 1 ]' "--tag chooses by tag: $out"
out=$($A --json /memory-export --file "$TMP/ns.jsonl" --namespace rust-patterns --layer short_term)
check '[ "$(echo "$out" | json "d[\"exported\"]")" = 1 ]' "--namespace and --layer: $out"
out=$($A --json /memory-export --file "$TMP/doc.json" --key 'team/**')
check '[ "$(echo "$out" | json "d[\"format\"]")" = json ] && head -c 40 "$TMP/doc.json" | grep -q rwb-memory' "a .json file is the document format: $out"
out=$($RWB --db "$TMP/c.db" --json /memory-import --file "$TMP/doc.json")
check '[ "$(echo "$out" | json "d[\"format\"], d[\"imported\"]")" = "json 5" ]' "the document format still imports: $out"

# bad input: one line naming the line, exit 2, nothing changed
before=$($B --json /memory-retrieve --key '**' | json 'len(d["entries"])')
H='{"format":"rwb-patterns","version":1}'
L='{"key":"team/x/y","version":1,"value":"v","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"}'
printf '%s\n%s\n{"key":"team/x/z",\n' "$H" "$L" >"$TMP/broken.jsonl"
printf '%s\n%s\n{"key":"team/x/z","version":"2","value":"v"}\n' "$H" "$L" >"$TMP/types.jsonl"
printf '%s\n%s\n{"key":"team/x/z","version":1,"value":"\xff\xfe"}\n' "$H" "$L" >"$TMP/utf8.jsonl"
printf '%s\n%s\n<<<<<<< HEAD\n' "$H" "$L" >"$TMP/conflict.jsonl"
printf '%s\n%s\n' "$L" "$H" >"$TMP/noheader.jsonl"
{ printf '%s\n%s\n{"key":"team/x/z","version":1,"value":"' "$H" "$L"; head -c 9000000 /dev/zero | tr '\0' a; printf '"}\n'; } >"$TMP/huge.jsonl"
for f in broken:3 types:3 utf8:3 conflict:3 noheader:1 huge:3; do
	name=${f%%:*}
	line=${f##*:}
	msg=$($B /memory-import --file "$TMP/$name.jsonl" 2>&1 >/dev/null)
	rc=$?
	check '[ $rc -eq 2 ]' "$name: exit 2, not $rc ($msg)"
	check '[ "$(echo "$msg" | wc -l)" -eq 1 ] && echo "$msg" | grep -q "line $line"' "$name: one line naming line $line: $msg"
done
after=$($B --json /memory-retrieve --key '**' | json 'len(d["entries"])')
check '[ "$before" = "$after" ] && [ -z "$($B --json /memory-retrieve --key team/x/y | json "d[\"entries\"] or \"\"")" ]' "a refused file changed nothing ($before / $after)"
msg=$($B /memory-import --file "$TMP/types.jsonl" 2>&1 >/dev/null)
check 'echo "$msg" | grep -q "field \"version\""' "the message names the field: $msg"

echo "test_memory_share: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
