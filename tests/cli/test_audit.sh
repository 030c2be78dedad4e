#!/bin/bash
# test_audit.sh - the audit commands from the command line: JSON shapes,
# exit statuses (audit-check 1 while anything is open, 0 when all is
# documented and signed off), clear one-line errors with exit 2 that change
# nothing, the ledger round trip through a fresh store, and
# --check-soundness running clippy on a real crate built offline.
# Usage: bash test_audit.sh /path/to/rwb /path/to/source
set -u
RWB=$1
SRC=${2:-.}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export RWB_DB=$TMP/rwb.db
REPO=$TMP/crate
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mkdir -p "$REPO/src" "$REPO/.cargo"
cp /work/shared/cargo/offline-config.toml "$REPO/.cargo/config.toml" 2>/dev/null || true
cat > "$REPO/Cargo.toml" <<'EOF'
[package]
name = "audited"
version = "0.1.0"
edition = "2021"
[dependencies]
EOF
cat > "$REPO/src/lib.rs" <<'EOF'
pub fn first(v: &[u8]) -> u8 {
    assert!(!v.is_empty());
    // SAFETY: v is not empty
    unsafe { *v.get_unchecked(0) }
}

pub fn second(v: &[u8]) -> u8 {
    assert!(v.len() > 1);
    unsafe { *v.get_unchecked(1) }
}
EOF
(cd "$REPO" && git init -q . && git config user.name "Git Person")
cd "$REPO"

# the listing
out=$("$RWB" --repo "$REPO" --json /unsafe-audit)
check '[ "$(echo "$out" | json "d[\"summary\"][\"total\"]")" = 2 ]' "two items"
check '[ "$(echo "$out" | json "d[\"summary\"][\"documented\"]")" = 1 ]' "one documented"
check '[ "$(echo "$out" | json "d[\"items\"][0][\"file\"]")" = src/lib.rs ]' "file relative to the repo"
check '[ "$(echo "$out" | json "d[\"items\"][1][\"kind\"]+\" \"+d[\"items\"][1][\"status\"]")" = "block unreviewed" ]' "kind and status"
check '[ "$(echo "$out" | json "d[\"items\"][1][\"line\"]")" = 9 ]' "line"
ID1=$(echo "$out" | json 'd["items"][0]["id"]')
ID2=$(echo "$out" | json 'd["items"][1]["id"]')

# the CI gate: open items, one line each, exit 1
"$RWB" --repo "$REPO" /audit-check > "$TMP/check.txt"; rc=$?
check '[ $rc = 1 ]' "audit-check exits 1 while items are open (got $rc)"
check '[ "$(grep -c "^FAIL" "$TMP/check.txt")" = 2 ]' "one FAIL line per open item"

# bad input: exit 2, one line, nothing recorded
"$RWB" --repo "$REPO" /audit-review --id "$ID1" --verdict great 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ]' "bad verdict: exit 2 and one line (got $rc)"
"$RWB" --repo "$REPO" /audit-review --id 0123456789 --verdict sound 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ] && grep -q "no unsafe item 0123456789" "$TMP/err.txt"' "unknown id: exit 2 (got $rc)"
"$RWB" --repo "$REPO" /unsafe-audit src --file src/lib.rs 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ]' "PATH and --file together: exit 2 (got $rc)"
"$RWB" --repo "$REPO" /unsafe-audit /etc 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ] && grep -q outside "$TMP/err.txt"' "a path outside the repo: exit 2 (got $rc)"

# reviews: git's user.name is the default reviewer
out=$("$RWB" --repo "$REPO" --json /audit-review --id "$ID1" --verdict sound --note "checked")
check '[ "$(echo "$out" | json "d[\"status\"]")" = partial ]' "one sound verdict: partial"
check '[ "$(echo "$out" | json "d[\"reviewers\"][0][\"reviewer\"]")" = "Git Person" ]' "reviewer from git user.name"
out=$("$RWB" --repo "$REPO" --json /audit-review --id "$ID1" --verdict sound --reviewer bob)
check '[ "$(echo "$out" | json "d[\"status\"]")" = approved ]' "two sound verdicts: approved"
check '[ "$(echo "$out" | json "len(d[\"reviewers\"])")" = 2 ]' "both reviewers listed"

# the undocumented one: approved is not enough for the gate
"$RWB" --repo "$REPO" /audit-review --id "$ID2" --verdict sound --reviewer alice > /dev/null
"$RWB" --repo "$REPO" /audit-review --id "$ID2" --verdict sound --reviewer bob > /dev/null
"$RWB" --repo "$REPO" /audit-check > "$TMP/check.txt"; rc=$?
check '[ $rc = 1 ] && grep -q "^FAIL.*undocumented" "$TMP/check.txt"' "undocumented keeps the gate closed"
# document it: a new item (new id), unreviewed; sign it off
sed -i 's|^    unsafe { \*v.get_unchecked(1) }|    // SAFETY: v has two elements\n&|' src/lib.rs
out=$("$RWB" --repo "$REPO" --json /unsafe-audit)
ID3=$(echo "$out" | json 'd["items"][1]["id"]')
check '[ "$ID3" != "$ID2" ] && [ "$(echo "$out" | json "d[\"items\"][1][\"status\"]")" = unreviewed ]' "the edit resets the review"
"$RWB" --repo "$REPO" /audit-review --id "$ID3" --verdict sound --reviewer alice > /dev/null
"$RWB" --repo "$REPO" /audit-review --id "$ID3" --verdict sound --reviewer bob > /dev/null
"$RWB" --repo "$REPO" /audit-check > "$TMP/check.txt"; rc=$?
check '[ $rc = 0 ]' "all documented and approved: exit 0 (got $rc)"
"$RWB" --repo "$REPO" /audit-review --id "$ID2" --verdict sound --reviewer carol 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ] && grep -q gone "$TMP/err.txt"' "a gone item cannot be reviewed (got $rc)"

# the ledger
"$RWB" --repo "$REPO" /audit-export > /dev/null
cp .rwb/audits.json "$TMP/first.json"
"$RWB" --repo "$REPO" /audit-export > /dev/null
check 'cmp -s .rwb/audits.json "$TMP/first.json"' "export twice: byte-identical"
check 'python3 -m json.tool .rwb/audits.json > /dev/null' "the ledger is JSON"
RWB_DB=$TMP/fresh.db "$RWB" --repo "$REPO" /audit-import --file .rwb/audits.json > /dev/null; rc=$?
check '[ $rc = 0 ]' "import into a fresh store"
RWB_DB=$TMP/fresh.db "$RWB" --repo "$REPO" /audit-check > /dev/null; rc=$?
check '[ $rc = 0 ]' "the fresh store has every verdict (audit-check 0, got $rc)"
sed 's/"sound"/"fine"/' .rwb/audits.json > "$TMP/broken.json"
RWB_DB=$TMP/empty.db "$RWB" --repo "$REPO" /audit-import --file "$TMP/broken.json" 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ] && grep -q "verdicts\[0\].verdict" "$TMP/err.txt"' "a broken ledger: exit 2, one line naming the entry (got $rc)"
# not a file to import: a folder, a FIFO (read without waiting for a
# writer), a missing path; one line each, nothing imported
mkfifo "$TMP/fifo"
for what in "$TMP" "$TMP/fifo" "$TMP/missing.json"; do
	RWB_DB=$TMP/empty.db timeout 10 "$RWB" --repo "$REPO" /audit-import --file "$what" 2> "$TMP/err.txt"; rc=$?
	check '[ $rc = 2 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ] && grep -q "$what" "$TMP/err.txt"' "import of $what: exit 2, one line (got $rc)"
done
# (/audit-check would count the repository's own ledger: ask the store)
out=$(RWB_DB=$TMP/empty.db "$RWB" --repo "$REPO" --json /unsafe-audit)
check '[ "$(echo "$out" | json "d[\"summary\"][\"reviewed\"]")" = 0 ]' "nothing was imported from the broken ledger"

# the reviewer count per repository
out=$("$RWB" --repo "$REPO" --json /unsafe-audit --required-reviewers 3)
check '[ "$(echo "$out" | json "d[\"summary\"][\"reviewed\"]")" = 0 ]' "three reviewers needed: nothing approved"
"$RWB" --repo "$REPO" /unsafe-audit --required-reviewers 2 > /dev/null

# --check-soundness: clippy really runs (offline); miri is reported either way
if command -v cargo > /dev/null && cargo clippy --version > /dev/null 2>&1; then
	out=$("$RWB" --repo "$REPO" --json /unsafe-audit --check-soundness 2> /dev/null)
	check '[ "$(echo "$out" | json "d[\"soundness\"][\"clippy\"][\"ran\"]")" = True ]' "clippy ran"
	check '[ "$(echo "$out" | json "d[\"soundness\"][\"clippy\"][\"exit_status\"]")" = 0 ]' "clippy passed on the documented crate"
	check '[ -n "$(echo "$out" | json "d[\"soundness\"][\"miri\"][\"ran\"]")" ]' "miri: ran or why not"
else
	echo "note: cargo clippy missing, --check-soundness not exercised" >&2
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
