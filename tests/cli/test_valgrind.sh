#!/bin/bash
# test_valgrind.sh RWB SRC - a TUI session in script mode under valgrind:
# no invalid reads or writes, and nothing definitely or indirectly lost.
set -u
rwb=$1
src=$2
if ! command -v valgrind >/dev/null || ! command -v script >/dev/null; then
	echo "valgrind or script(1) missing: not run"; echo "0 passed, 0 failed"; exit 0
fi
if nm "$rwb" 2>/dev/null | grep -q __asan_init; then
	echo "an ASan build: valgrind does not run it"; echo "0 passed, 0 failed"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$src/scripts/demo-repo.sh" "$tmp/demo" >/dev/null
cat > "$tmp/session" <<'KEYS'
<F1>
:wait 100
<PgDn>
<Esc>
/help cargo-build<Enter>
:wait 100
/cargo-buidl<Enter>
/memory-search --query "arc mutex"<Enter>
:wait 300
/unsafe-audit<Enter>
:wait 300
/git-status<Enter>
:wait 300
<F4>
jj
<F5>
]]
<F6>
<F6>
<F2>
/meMo<Tab><Tab>
<C-u>
<C-r>help
<Esc>
:quit
KEYS
export TERM=xterm-256color HOME=$tmp RWB_SHELL=/bin/sh
script -qec "valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	--log-file=$tmp/vg.log $rwb --db $tmp/rwb.db --repo $tmp/demo --script $tmp/session" /dev/null >/dev/null
st=$?
grep -E "definitely lost|indirectly lost|ERROR SUMMARY" "$tmp/vg.log"
if [ $st -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$tmp/vg.log"; then
	echo "1 passed, 0 failed"
else
	cat "$tmp/vg.log" | head -80
	echo "0 passed, 1 failed"
	exit 1
fi
