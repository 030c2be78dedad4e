#!/usr/bin/env bash
# scrollback-mem.sh - what a full 10,000-line scrollback costs per terminal
# tab, rwb against tmux, in one run: N tabs of ROWSxCOLS each get the same
# `cat` of MB megabytes of coloured log text. rwb's side is N terminal grids
# (backend/vtgrid.c, what each rwb tab holds) in a small driver linked
# against build/librwb_backend.a; tmux's side is one tmux server with
# `history-limit 10000` and N windows. Prints the RSS growth per tab of
# each and the ratio rwb/tmux (<= 1.0: rwb's scrollback is no heavier).
#
# usage: bench/scrollback-mem.sh [build-dir] [N] [MB]
set -euo pipefail

build=${1:-build}
n=${2:-3}
mb=${3:-20}
cols=200
rows=50
lib=$build/librwb_backend.a
[ -f "$lib" ] || { echo "scrollback-mem: no $lib (build first)" >&2; exit 3; }
command -v tmux >/dev/null || { echo "scrollback-mem: tmux is not installed" >&2; exit 3; }
command -v python3 >/dev/null || { echo "scrollback-mem: python3 is not installed" >&2; exit 3; }
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d /tmp/rwb-bench-sb.XXXXXX)
sock="rwb-bench-sb-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -I "$here/../backend" "$here/scrollback-mem.c" "$lib" -lvterm -o "$tmp/driver"

# the log-like text of bench/term-throughput.sh: 16-colour, 256-colour and
# RGB SGR, bold, plain
python3 - "$tmp/data.txt" "$mb" <<'PY'
import random, sys
random.seed(7)
words = "build compile link test bench ok warn error crate module fn impl trait async".split()
lines = []
for i in range(4000):
    kind = i % 4
    w = " ".join(random.choice(words) for _ in range(random.randint(4, 14)))
    if kind == 0:
        lines.append(f"\033[32m{i:6d}\033[0m \033[1mINFO\033[0m {w}\n")
    elif kind == 1:
        lines.append(f"\033[38;5;{random.randint(16,231)}m{i:6d} DEBUG\033[0m {w} \033[38;5;244m(src/lib.rs:{i})\033[0m\n")
    elif kind == 2:
        r, g, b = (random.randint(0, 255) for _ in range(3))
        lines.append(f"\033[38;2;{r};{g};{b}m{i:6d} TRACE {w}\033[0m\n")
    else:
        lines.append(f"{i:6d} plain {w}\n")
block = "".join(lines).encode()
target = int(sys.argv[2]) * 1000 * 1000
with open(sys.argv[1], "wb") as f:
    written = 0
    while written < target:
        chunk = block[: target - written]
        f.write(chunk)
        written += len(chunk)
PY

# rwb: N grids in one process (ONLCR as a pty would do it)
python3 - "$tmp/data.txt" "$tmp/data.crlf" <<'PY'
import sys
open(sys.argv[2], "wb").write(open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n"))
PY
read -r r_before r_after r_sb r_lines < <("$tmp/driver" "$n" "$rows" "$cols" "$tmp/data.crlf")

# tmux: one server, one idle window, then N windows that cat the file
rss_of() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cat > "$tmp/tmux.conf" <<'CONF'
set -g history-limit 10000
set -g status off
set -g default-terminal xterm-256color
CONF
echo "set -g default-size ${cols}x${rows}" >> "$tmp/tmux.conf"
tmux -L "$sock" -f "$tmp/tmux.conf" new-session -d 'sleep 100000'
pid=$(tmux -L "$sock" display -p '#{pid}')
sleep 0.5
t_before=$(rss_of "$pid")
for i in $(seq 1 "$n"); do
	tmux -L "$sock" new-window -d "cat '$tmp/data.txt'; exec sleep 100000"
done
# wait until every cat has finished
for _ in $(seq 1 600); do
	busy=$(tmux -L "$sock" list-panes -a -F '#{pane_current_command}' | grep -c '^cat$' || true)
	[ "$busy" = 0 ] && break
	sleep 0.5
done
sleep 0.5
t_after=$(rss_of "$pid")
t_hist=$(tmux -L "$sock" display -p -t ":1" '#{history_size}')

awk -v n="$n" -v rb="$r_before" -v ra="$r_after" -v sb="$r_sb" -v rl="$r_lines" \
    -v tb="$t_before" -v ta="$t_after" -v th="$t_hist" -v mb="$mb" -v c="$cols" -v r="$rows" 'BEGIN {
	rp = (ra - rb) / n / 1024; tp = (ta - tb) / n / 1024
	printf "scrollback-mem: %d tabs of %dx%d, %d MB of coloured text each\n", n, c, r, mb
	printf "  rwb   %6.2f MB RSS per tab (%d scrollback lines; packed lines %.2f MB)\n", rp, rl, sb / n / 1048576
	printf "  tmux  %6.2f MB RSS per tab (%d history lines)\n", tp, th
	ratio = tp > 0 ? rp / tp : 0
	printf "  ratio rwb/tmux per tab: %.2fx\n", ratio
}'
