#!/bin/bash
# clippy-agreement.sh - rwb's unsafe scanner against clippy on real crates.
#
# For each crate from Debian's librust-*-dev sources (/usr/share/cargo/registry)
# this copies the crate, drops its dev-dependencies (not packaged), builds it
# offline with
#   cargo clippy -- -A clippy::all -W clippy::undocumented_unsafe_blocks -W clippy::missing_safety_doc
# and runs `rwb /unsafe-audit` on the same copy. Then:
#   missed  = clippy reports that rwb does not list as undocumented (must be 0)
#   agree   = clippy reports rwb also says clippy would flag
#   extra   = items rwb says clippy would flag that clippy did not report,
#             split into: in files rustc never compiled (from the dep-info
#             file: other cfg / features / targets) and in compiled files.
# Usage: bench/clippy-agreement.sh [path/to/rwb] [crate-dir-name ...]
set -u
RWB=${1:-$(dirname "$0")/../build/rwb}
shift || true
REG=/usr/share/cargo/registry
OFFLINE=${RWB_OFFLINE_CONFIG:-/work/shared/cargo/offline-config.toml}
if [ $# -gt 0 ]; then
	CRATES=("$@")
else
	CRATES=()
	for name in smallvec arrayvec bytes memchr bumpalo scopeguard once_cell slab itoa crossbeam-utils lock_api; do
		d=$(ls -d "$REG/$name"-[0-9]* 2>/dev/null | sort -V | tail -1)
		[ -n "$d" ] && CRATES+=("$(basename "$d")")
	done
fi
command -v cargo > /dev/null || { echo "cargo is missing" >&2; exit 3; }
[ -x "$RWB" ] || { echo "no rwb binary at $RWB" >&2; exit 3; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RWB_DB=$WORK/rwb.db

tot_clippy=0 tot_missed=0 tot_agree=0 tot_extra_nc=0 tot_extra_c=0 tot_items=0
printf '%-22s %7s %7s %7s %6s %11s %11s\n' crate items clippy agree missed extra-uncomp extra-comp
for c in "${CRATES[@]}"; do
	src=$REG/$c
	[ -d "$src" ] || { echo "no $src (apt-get install librust-...-dev)" >&2; continue; }
	dst=$WORK/$c
	cp -r "$src" "$dst"
	chmod -R u+w "$dst"
	rm -f "$dst/.cargo-checksum.json" "$dst/Cargo.lock"
	mkdir -p "$dst/.cargo"
	cp "$OFFLINE" "$dst/.cargo/config.toml"
	# the packaged Cargo.toml names dev-dependencies Debian does not ship
	python3 - "$dst/Cargo.toml" <<'EOF'
import re, sys
p = sys.argv[1]
out, skip = [], False
for line in open(p):
    s = line.strip()
    if s.startswith('['):
        skip = bool(re.match(r'\[(dev-dependencies|target\..*\.dev-dependencies)(\.|\])', s)) or \
               s in ('[[bench]]', '[[test]]', '[[example]]')
    if not skip:
        out.append(line)
open(p, 'w').write(''.join(out))
EOF
	(cd "$dst" && CARGO_TARGET_DIR=$dst/target cargo clippy --offline --message-format=json -- \
		-A clippy::all -W clippy::undocumented_unsafe_blocks -W clippy::missing_safety_doc \
		> "$WORK/$c.clippy.json" 2> "$WORK/$c.clippy.err")
	if [ $? -ne 0 ] && ! grep -q '"reason":"compiler-artifact"' "$WORK/$c.clippy.json"; then
		echo "$c: clippy did not build it ($(grep -m1 '^error' "$WORK/$c.clippy.err"))" >&2
		continue
	fi
	"$RWB" --repo "$dst" --json /unsafe-audit > "$WORK/$c.rwb.json" 2> /dev/null
	python3 - "$c" "$dst" "$WORK/$c.clippy.json" "$WORK/$c.rwb.json" >> "$WORK/rows" <<'EOF'
import glob, json, os, sys
crate, root, cj, rj = sys.argv[1:5]
lints = {'clippy::undocumented_unsafe_blocks', 'clippy::missing_safety_doc'}
reports = set()
for line in open(cj):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get('reason') != 'compiler-message':
        continue
    msg = m['message']
    if not msg.get('code') or msg['code'].get('code') not in lints:
        continue
    for sp in msg['spans']:
        if sp.get('is_primary'):
            f = sp['file_name']
            if f.startswith(root + '/'):
                f = f[len(root) + 1:]
            if not f.startswith('/'):
                reports.add((f, sp['line_start']))
items = json.load(open(rj))['items']
undoc = {(i['file'], i['line']) for i in items if not i['documented']}
flag = {(i['file'], i['line']) for i in items if i['clippy_would_flag']}
# the files rustc compiled, from the dep-info files
compiled = set()
for d in glob.glob(os.path.join(root, 'target', 'debug', 'deps', '*.d')):
    for tok in open(d).read().replace('\\\n', ' ').split():
        tok = tok.rstrip(':')
        if tok.endswith('.rs') and tok.startswith(root + '/'):
            compiled.add(tok[len(root) + 1:])
missed = sorted(r for r in reports if r not in undoc)
agree = len([r for r in reports if r in flag])
extra = sorted(flag - reports)
extra_nc = [e for e in extra if e[0] not in compiled]
extra_c = [e for e in extra if e[0] in compiled]
unpredicted = sorted(r for r in reports if r in undoc and r not in flag)
print(crate, len(items), len(reports), agree, len(missed), len(extra_nc), len(extra_c),
      ';'.join('%s:%d' % m for m in missed) or '-', ';'.join('%s:%d' % e for e in extra_c[:8]) or '-',
      ';'.join('%s:%d' % e for e in unpredicted[:8]) or '-')
EOF
	read -r name items clippy agree missed enc ec missed_list ec_list unpred_list < <(tail -1 "$WORK/rows")
	printf '%-22s %7s %7s %7s %6s %11s %11s\n' "$name" "$items" "$clippy" "$agree" "$missed" "$enc" "$ec"
	[ "$missed" != 0 ] && echo "    missed: $missed_list"
	[ "$ec" != 0 ] && echo "    extra in compiled files: $ec_list"
	[ "$agree" != "$clippy" ] && echo "    found undocumented, clippy's report not predicted: $unpred_list"
	tot_items=$((tot_items + items)) tot_clippy=$((tot_clippy + clippy)) tot_agree=$((tot_agree + agree))
	tot_missed=$((tot_missed + missed)) tot_extra_nc=$((tot_extra_nc + enc)) tot_extra_c=$((tot_extra_c + ec))
done
printf '%-22s %7s %7s %7s %6s %11s %11s\n' TOTAL "$tot_items" "$tot_clippy" "$tot_agree" "$tot_missed" "$tot_extra_nc" "$tot_extra_c"
if [ "$tot_clippy" -gt 0 ]; then
	echo "clippy reports found by rwb: $((tot_clippy - tot_missed))/$tot_clippy;" \
	     "rwb's clippy prediction matched $tot_agree/$tot_clippy;" \
	     "extras: $tot_extra_nc in files not compiled, $tot_extra_c in compiled files"
fi
[ "$tot_missed" = 0 ]
