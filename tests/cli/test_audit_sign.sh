#!/bin/bash
# test_audit_sign.sh - signed sign-offs (issue #20) with real ssh-keygen keys
# made here and an ssh-agent started here: two signed "sound" verdicts
# approve; one key under two names approves nothing; a ledger edited by
# hand after signing (note, reviewer, verdict, fingerprint) fails
# /audit-check naming the item and is not imported; unsigned verdicts do
# not count when signatures are required; a key outside allowed_signers and
# an agent's unlisted key do not count. Then the git gate: with the hooks
# installed a commit adding an undocumented or unapproved unsafe block is
# refused, goes through after documentation and two signed approvals, the
# previous hook still runs, and /audit-hook remove puts it back.
# Usage: bash test_audit_sign.sh /path/to/rwb /path/to/source
set -u
RWB=$1
TMP=$(mktemp -d)
AGENT_PID=
cleanup() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 RWB_DB=$TMP/rwb.db
unset RWB_AGENT RWB_AGENT_KEY RWB_REVIEWER SSH_AUTH_SOCK
mkdir -p "$HOME"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

if ! command -v ssh-keygen >/dev/null || ! command -v ssh-agent >/dev/null; then
	echo "ssh-keygen and ssh-agent are needed" >&2
	exit 1
fi
for k in alice bob mallory bot; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$TMP/$k" || exit 1
done
eval "$(ssh-agent -s)" > /dev/null
AGENT_PID=$SSH_AGENT_PID
AGENT_SOCK=$SSH_AUTH_SOCK
ssh-add -q "$TMP/bob" 2>/dev/null || { echo "ssh-add failed" >&2; exit 1; }
unset SSH_AUTH_SOCK   # given back only where bob signs through the agent

REPO=$TMP/crate
mkdir -p "$REPO/src" "$REPO/.rwb"
cat > "$REPO/src/lib.rs" <<'EOF'
pub fn first(v: &[u8]) -> u8 {
    assert!(!v.is_empty());
    // SAFETY: v is not empty
    unsafe { *v.get_unchecked(0) }
}

pub fn second(v: &[u8]) -> u8 {
    assert!(v.len() > 1);
    // SAFETY: v has two bytes
    unsafe { *v.get_unchecked(1) }
}
EOF
(cd "$REPO" && git init -q . && git config user.name "Git Person")
{
	echo "alice@example.com $(cut -d' ' -f1,2 "$TMP/alice.pub")"
	echo "bob@example.com namespaces=\"rwb-audit@v1\" $(cut -d' ' -f1,2 "$TMP/bob.pub")"
} > "$REPO/.rwb/allowed_signers"
cd "$REPO"
r() { "$RWB" --repo "$REPO" "$@"; }

out=$(r --json /unsafe-audit --require-signatures)
ID1=$(echo "$out" | json 'd["items"][0]["id"]')
ID2=$(echo "$out" | json 'd["items"][1]["id"]')
check '[ ${#ID1} = 10 ] && [ ${#ID2} = 10 ]' "two items"

# 1. two signed sound verdicts approve: alice with her key file, bob through the agent
out=$(r --json /audit-review --id "$ID1" --verdict sound --reviewer alice --key "$TMP/alice" --note "checked")
check '[ "$(echo "$out" | json "d[\"recorded\"][\"signature\"]")" = signed ]' "alice's verdict is signed"
check '[ "$(echo "$out" | json "d[\"recorded\"][\"principal\"]")" = alice@example.com ]' "alice's principal"
check '[ "$(echo "$out" | json "d[\"status\"]")" = partial ]' "one signed verdict: partial"
out=$(SSH_AUTH_SOCK=$AGENT_SOCK r --json /audit-review --id "$ID1" --verdict sound --reviewer bob)
check '[ "$(echo "$out" | json "d[\"recorded\"][\"principal\"]")" = bob@example.com ]' "bob signed through the agent ($out)"
check '[ "$(echo "$out" | json "d[\"status\"]")" = approved ]' "two signed sound verdicts approve"
r /audit-check src/lib.rs > "$TMP/c.txt"
check 'grep -q "^ok .*\[$ID1\]" "$TMP/c.txt"' "audit-check: the signed item is ok"

# git's gpg.ssh.allowedSignersFile is honoured beside .rwb/allowed_signers
ssh-keygen -q -t ed25519 -N '' -C erin -f "$TMP/erin"
echo "erin@example.com $(cut -d' ' -f1,2 "$TMP/erin.pub")" > "$TMP/git_allowed"
git config gpg.ssh.allowedSignersFile "$TMP/git_allowed"
out=$(r --json /audit-review --id "$ID1" --verdict sound --reviewer erin --key "$TMP/erin")
check '[ "$(echo "$out" | json "d[\"recorded\"][\"principal\"]")" = erin@example.com ]' "a signer from gpg.ssh.allowedSignersFile"
git config --unset gpg.ssh.allowedSignersFile
out=$(r --json /unsafe-audit)
check '[ "$(echo "$out" | json "[v[\"signature\"] for v in d[\"items\"][0][\"reviewers\"] if v[\"reviewer\"]==\"erin\"][0]")" = untrusted ]' "without it, erin is untrusted"

# 2. one key under two names approves nothing more
r /audit-review --id "$ID2" --verdict sound --reviewer alice --key "$TMP/alice" > /dev/null
out=$(r --json /audit-review --id "$ID2" --verdict sound --reviewer "alice-again" --key "$TMP/alice")
check '[ "$(echo "$out" | json "d[\"status\"]")" = partial ]' "the same key twice: still partial"
check '[ "$(echo "$out" | json "d[\"sound\"]")" = 1 ]' "the same key counts once"
check 'echo "$out" | grep -q "one key counts once"' "why the second is not counted"

# 3. unsigned verdicts do not count when signatures are required
out=$(r --json /audit-review --id "$ID2" --verdict sound --reviewer carol --unsigned)
check '[ "$(echo "$out" | json "d[\"status\"]")" = partial ]' "an unsigned verdict does not count when required"
check '[ "$(echo "$out" | json "d[\"recorded\"][\"signature\"]")" = unsigned ]' "shown as unsigned"
out=$(r --json /unsafe-audit --require-signatures=false)
check '[ "$(echo "$out" | json "[i[\"status\"] for i in d[\"items\"]][1]")" = approved ]' "not required: the unsigned verdict counts"
r /unsafe-audit --require-signatures > /dev/null

# 4. a key outside allowed_signers does not count, and says why
out=$(r --json /audit-review --id "$ID2" --verdict sound --reviewer mallory --key "$TMP/mallory")
check '[ "$(echo "$out" | json "d[\"recorded\"][\"signature\"]")" = untrusted ]' "mallory's key: untrusted"
check '[ "$(echo "$out" | json "d[\"status\"]")" = partial ]' "an unlisted key does not count"
check 'echo "$out" | grep -q "not in the allowed signers"' "why: not in the allowed signers"

# a key under a passphrase signs through the agent that holds it, and is
# refused at once (exit 3, never a prompt) when no agent does
ssh-keygen -q -t ed25519 -N 'secret words' -C dora -f "$TMP/dora"
r /audit-review --id "$ID2" --verdict sound --reviewer dora --key "$TMP/dora" 2> "$TMP/err.txt" > /dev/null; rc=$?
check '[ $rc = 3 ] && grep -q "has a passphrase" "$TMP/err.txt"' "a locked key without an agent: exit 3 and why (got $rc)"
printf '#!/bin/sh\necho "secret words"\n' > "$TMP/askpass"
chmod +x "$TMP/askpass"
SSH_AUTH_SOCK=$AGENT_SOCK SSH_ASKPASS=$TMP/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 ssh-add -q "$TMP/dora" < /dev/null 2> /dev/null
out=$(SSH_AUTH_SOCK=$AGENT_SOCK r --json /audit-review --id "$ID2" --verdict sound --reviewer dora --key "$TMP/dora")
check '[ "$(echo "$out" | json "d[\"recorded\"][\"signature\"]")" = untrusted ]' "a locked key held by the agent signs (dora is not listed: untrusted)"

# 6. agents: named as the agent, signed with the agent's key, counted only when listed
out=$(RWB_AGENT=bot RWB_AGENT_KEY=$TMP/bot SSH_AUTH_SOCK=$AGENT_SOCK r --json /audit-review --id "$ID2" --verdict sound)
check '[ "$(echo "$out" | json "d[\"reviewer\"]")" = agent:bot ]' "an agent's verdict is named as the agent"
check '[ "$(echo "$out" | json "d[\"recorded\"][\"signature\"]")" = untrusted ]' "signed with the agent's (unlisted) key, not bob's in the agent"
check '[ "$(echo "$out" | json "d[\"status\"]")" = partial ]' "an unlisted agent does not count"
out=$(RWB_AGENT=bot2 SSH_AUTH_SOCK=$AGENT_SOCK r --json /audit-review --id "$ID2" --verdict sound)
check '[ "$(echo "$out" | json "d[\"recorded\"][\"signature\"]")" = unsigned ]' "an agent without a key signs nothing (never with the person's key)"
echo "bot@agents $(cut -d' ' -f1,2 "$TMP/bot.pub")" >> "$REPO/.rwb/allowed_signers"
out=$(r --json /unsafe-audit)
check '[ "$(echo "$out" | json "[i[\"status\"] for i in d[\"items\"]][1]")" = approved ]' "a listed agent key counts"
sed -i '/bot@agents/d' "$REPO/.rwb/allowed_signers"

# 5. the ledger proves itself
r /audit-export > /dev/null
check 'grep -q "\"require_signatures\": true" .rwb/audits.json && grep -q "BEGIN SSH SIGNATURE" .rwb/audits.json' "the ledger carries signatures and the policy"
cp .rwb/audits.json "$TMP/good.json"
r /audit-export > /dev/null
check 'cmp -s .rwb/audits.json "$TMP/good.json"' "exporting twice gives the same bytes"
RWB_DB=$TMP/fresh.db "$RWB" --repo "$REPO" /audit-check src/lib.rs > "$TMP/c.txt"
check 'grep -q "^ok .*\[$ID1\]" "$TMP/c.txt"' "a fresh store: the ledger approves item 1 by itself"
edit() {   # edit FIELD VALUE: the first signed verdict of item 1, by hand
	python3 - "$TMP/good.json" "$REPO/.rwb/audits.json" "$1" "$2" "$ID1" <<'PY'
import json, sys
src, dst, field, value, item = sys.argv[1:]
lines = open(src).read().split("\n")
for i, l in enumerate(lines):
    s = l.strip().rstrip(",")
    if s.startswith("{") and '"signature"' in s and '"%s"' % item in s:
        o = json.loads(s)
        o[field] = value
        lines[i] = "    " + json.dumps(o, separators=(",", ":")) + ("," if l.rstrip().endswith(",") else "")
        break
open(dst, "w").write("\n".join(lines))
PY
}
for f in note:"looks fine" reviewer:mallory verdict:needs-work fingerprint:0123456789abcdef; do
	edit "${f%%:*}" "${f#*:}"
	RWB_DB=$TMP/fresh-${f%%:*}.db "$RWB" --repo "$REPO" /audit-check > "$TMP/c.txt"; rc=$?
	check '[ $rc = 1 ]' "ledger with a changed ${f%%:*}: audit-check exits 1 (got $rc)"
	check 'grep -q "^FORGED .*item $ID1: forged" "$TMP/c.txt"' "changed ${f%%:*}: the forged verdict is named with its item"
	check 'grep -q "^FAIL .*forged verdict.*\[$ID1\]" "$TMP/c.txt"' "changed ${f%%:*}: the item fails"
	"$RWB" --repo "$REPO" /audit-check > /dev/null; rc=$?
	check '[ $rc = 1 ]' "changed ${f%%:*}: fails with the reviewers' own store too (got $rc)"
done
edit note "looks fine"
RWB_DB=$TMP/imp.db "$RWB" --repo "$REPO" --json /audit-import --file .rwb/audits.json > "$TMP/i.json"; rc=$?
check '[ $rc = 1 ] && [ "$(json "d[\"forged\"]" < "$TMP/i.json")" = 1 ]' "import: exit 1, one forged verdict left out (got $rc)"
out=$(RWB_DB=$TMP/imp.db "$RWB" --repo "$REPO" --json /unsafe-audit)
check '[ "$(echo "$out" | json "[i[\"status\"] for i in d[\"items\"]][0]")" = partial ]' "the forged verdict was not imported"
cp "$TMP/good.json" .rwb/audits.json
# an old ledger without signatures still imports
cat > "$TMP/old.json" <<EOF
{"version": 1, "required_reviewers": 2, "items": [], "verdicts": [
 {"id":"$ID1","fingerprint":"0123456789abcdef","reviewer":"old","verdict":"sound","at":1700000000000,"note":""}]}
EOF
"$RWB" --repo "$REPO" /audit-import --file "$TMP/old.json" > /dev/null; rc=$?
check '[ $rc = 0 ]' "an old ledger without signatures imports (got $rc)"
# a signature made for git commits (another namespace) is forged here
echo "x" | ssh-keygen -Y sign -n git -f "$TMP/alice" > "$TMP/git.sig" 2>/dev/null
python3 - "$TMP/good.json" "$TMP/gitsig.json" "$TMP/git.sig" "$ID1" <<'PY'
import json, sys
src, dst, sig, item = sys.argv[1:]
d = json.load(open(src))
for v in d["verdicts"]:
    if "signature" in v and v["id"] == item:
        v["signature"] = open(sig).read(); break
json.dump(d, open(dst, "w"))
PY
RWB_DB=$TMP/ns.db "$RWB" --repo "$REPO" /audit-check --ledger "$TMP/gitsig.json" src/lib.rs > "$TMP/c.txt"; rc=$?
check '[ $rc = 1 ] && grep -q "not for rwb verdicts" "$TMP/c.txt"' "a git-namespace signature does not pass (got $rc)"

# ---- the git gate ----
G=$TMP/gated
mkdir -p "$G/src" "$G/.rwb"
cd "$G"
git init -q . && git config user.name "Gate Keeper" && git config user.email g@example.com
printf 'pub fn one() -> u8 { 1 }\n' > src/lib.rs
cp "$REPO/.rwb/allowed_signers" .rwb/allowed_signers
mkdir -p .git/hooks
printf '#!/bin/sh\necho ran >> "%s/prev-hook.log"\nexit 0\n' "$TMP" > .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
g() { "$RWB" --repo "$G" "$@"; }
g /unsafe-audit --require-signatures > /dev/null
out=$(g --json /audit-hook install)
check '[ -x .git/hooks/pre-commit.rwb-chained ] && grep -q "rwb audit gate" .git/hooks/pre-commit' "install keeps the previous hook aside"
check 'grep -q "$(readlink -f "$RWB")" .git/hooks/pre-commit' "the hook names this rwb by its absolute path"
check '[ -x .git/hooks/pre-push ]' "a pre-push hook too"
git add -A && git commit -q -m "no unsafe yet" 2> "$TMP/commit.err"; rc=$?
check '[ $rc = 0 ]' "a commit without unsafe code goes through (got $rc: $(cat "$TMP/commit.err"))"
check '[ "$(wc -l < "$TMP/prev-hook.log")" = 1 ]' "the previous hook ran"
cat >> src/lib.rs <<'EOF'
pub fn two(v: &[u8]) -> u8 {
    assert!(!v.is_empty());
    unsafe { *v.get_unchecked(0) }
}
EOF
git add src/lib.rs
git commit -q -m "undocumented unsafe" 2> "$TMP/commit.err"; rc=$?
check '[ $rc != 0 ] && grep -q "^FAIL src/lib.rs:.*undocumented" "$TMP/commit.err"' "an undocumented unsafe block is refused with the reason (got $rc)"
check 'grep -q "no-verify" "$TMP/commit.err"' "the refusal names the escape hatch"
sed -i 's|^    unsafe {|    // SAFETY: v is not empty\n    unsafe {|' src/lib.rs
git add src/lib.rs
git commit -q -m "documented, not reviewed" 2> "$TMP/commit.err"; rc=$?
check '[ $rc != 0 ] && grep -q "^FAIL src/lib.rs:.*unreviewed (0/2 sound)" "$TMP/commit.err"' "a documented but unapproved block is refused (got $rc)"
GID=$(g --json /unsafe-audit | json 'd["items"][0]["id"]')
g /audit-review --id "$GID" --verdict sound --reviewer alice --key "$TMP/alice" > /dev/null
g /audit-review --id "$GID" --verdict sound --reviewer carol --unsigned > /dev/null
git commit -q -m "one signed, one unsigned" 2> "$TMP/commit.err"; rc=$?
check '[ $rc != 0 ] && grep -q "partial (1/2 sound), 1 unsigned" "$TMP/commit.err"' "an unsigned second approval does not open the gate (got $rc)"
SSH_AUTH_SOCK=$AGENT_SOCK g /audit-review --id "$GID" --verdict sound --reviewer bob > /dev/null
before=$(wc -l < "$TMP/prev-hook.log")
git commit -q -m "documented and signed off" 2> "$TMP/commit.err"; rc=$?
check '[ $rc = 0 ]' "documented and two signed approvals: the commit goes through (got $rc: $(cat "$TMP/commit.err"))"
check '[ "$(wc -l < "$TMP/prev-hook.log")" -gt "$before" ]' "the previous hook still runs"
# the code changes after the sign-off: refused again; --no-verify still commits
sed -i 's|get_unchecked(0) }|get_unchecked(0) + 0 }|' src/lib.rs
git add src/lib.rs
git commit -q -m "changed after review" 2> /dev/null; rc=$?
check '[ $rc != 0 ]' "code changed after the sign-off: refused (got $rc)"
git commit -q --no-verify -m "escape hatch" 2> /dev/null; rc=$?
check '[ $rc = 0 ]' "--no-verify commits anyway (got $rc)"
g /audit-check --rev HEAD > /dev/null; rc=$?
check '[ $rc = 1 ]' "audit-check --rev HEAD sees the unreviewed commit (got $rc)"
g /audit-check --rev HEAD~1 > /dev/null; rc=$?
check '[ $rc = 0 ]' "audit-check --rev HEAD~1 sees the approved one (got $rc)"
out=$(g --json /audit-hook remove)
check '[ -x .git/hooks/pre-commit ] && ! grep -q "rwb audit gate" .git/hooks/pre-commit && [ ! -e .git/hooks/pre-commit.rwb-chained ]' "remove puts the previous hook back"
check '[ ! -e .git/hooks/pre-push ]' "remove takes the pre-push hook out"
g /audit-hook reinstall 2> "$TMP/err.txt"; rc=$?
check '[ $rc = 2 ]' "a bad action: exit 2 (got $rc)"

echo "test_audit_sign: $pass passed, $fail failed"
[ "$fail" = 0 ]
