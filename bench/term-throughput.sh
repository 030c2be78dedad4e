#!/usr/bin/env bash
# term-throughput.sh - the same `cat` of a 50 MB file of mixed coloured text,
# timed inside rwb's terminal pane and inside a tmux pane, both nested in one
# outer terminal (an outer tmux session of the same size), in one run; prints
# the ratio rwb/tmux (<= 1.0 means rwb's pane is at least as fast) and the
# peak RSS of each with a full 10,000-line scrollback.
#
# usage: bench/term-throughput.sh [path/to/rwb] [MB]
set -euo pipefail

rwb=${1:-build/rwb}
mb=${2:-50}
cols=200
rows=50
[ -x "$rwb" ] || { echo "term-throughput: no rwb binary at $rwb (build first)" >&2; exit 3; }
command -v tmux >/dev/null || { echo "term-throughput: tmux is not installed" >&2; exit 3; }
command -v python3 >/dev/null || { echo "term-throughput: python3 is not installed" >&2; exit 3; }
rwb=$(cd "$(dirname "$rwb")" && pwd)/$(basename "$rwb")

tmp=$(mktemp -d /tmp/rwb-bench-term.XXXXXX)
outer="rwb-bench-outer-$$"
inner="rwb-bench-inner-$$"
cleanup() {
	tmux -L "$outer" kill-server 2>/dev/null || true
	tmux -L "$inner" kill-server 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# 50 MB of log-like lines: 16-colour, 256-colour and RGB SGR, bold, plain
python3 - "$tmp/data.txt" "$mb" <<'EOF'
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
EOF

cat > "$tmp/outer.conf" <<'EOF'
set -g default-terminal xterm-256color
set -g status off
set -g history-limit 100
EOF
cat > "$tmp/inner.conf" <<'EOF'
set -g default-terminal xterm-256color
set -g status off
set -g history-limit 10000
EOF
mkdir -p "$tmp/home" "$tmp/repo"
# the timed command: cat returns once the terminal has read (nearly) all of it
cmd="s=\$(date +%s%N); cat $tmp/data.txt; e=\$(date +%s%N); clear; echo TIME_MS=\$(( (e - s) / 1000000 ))"

wait_for() {   # wait_for PATTERN SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if tmux -L "$outer" capture-pane -p -t bench 2>/dev/null | grep -q "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "term-throughput: '$1' did not appear" >&2
	tmux -L "$outer" capture-pane -p -t bench >&2 || true
	return 1
}

peak_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }

# --- rwb's terminal pane (zoomed to the outer window) ---
tmux -L "$outer" -f "$tmp/outer.conf" new-session -d -s bench -x "$cols" -y "$rows" \
	"env HOME=$tmp/home RWB_SHELL=/bin/sh PS1='bench\$ ' ENV= $rwb --db $tmp/rwb.db --repo $tmp/repo"
wait_for Terminal 10
rwb_pid=$(tmux -L "$outer" display -p -t bench '#{pane_pid}')
tmux -L "$outer" send-keys -t bench F3
sleep 0.3
tmux -L "$outer" send-keys -t bench F6
wait_for 'bench\$' 10
tmux -L "$outer" send-keys -t bench -l "$cmd"
tmux -L "$outer" send-keys -t bench Enter
wait_for 'TIME_MS=[0-9]' 600
rwb_ms=$(tmux -L "$outer" capture-pane -p -t bench | grep -o 'TIME_MS=[0-9]*' | tail -1 | cut -d= -f2)
rwb_kb=$(peak_kb "$rwb_pid")
tmux -L "$outer" kill-server
sleep 0.3

# --- a tmux pane in the same outer terminal ---
tmux -L "$outer" -f "$tmp/outer.conf" new-session -d -s bench -x "$cols" -y "$rows" \
	"env HOME=$tmp/home tmux -L $inner -f $tmp/inner.conf new-session \"env PS1='bench\\$ ' ENV= /bin/sh\""
wait_for 'bench\$' 10
inner_pid=$(tmux -L "$inner" display -p '#{pid}')
tmux -L "$outer" send-keys -t bench -l "$cmd"
tmux -L "$outer" send-keys -t bench Enter
wait_for 'TIME_MS=[0-9]' 600
tmux_ms=$(tmux -L "$outer" capture-pane -p -t bench | grep -o 'TIME_MS=[0-9]*' | tail -1 | cut -d= -f2)
tmux_kb=$(peak_kb "$inner_pid")

size=$(( $(stat -c %s "$tmp/data.txt") / 1000000 ))
echo "term-throughput: cat of ${size} MB of coloured text, outer terminal ${cols}x${rows}"
printf '  rwb terminal pane: %6d ms   peak RSS %7d KiB (10,000-line scrollback)\n' "$rwb_ms" "$rwb_kb"
printf '  tmux pane:         %6d ms   peak RSS %7d KiB (tmux server, history-limit 10000)\n' "$tmux_ms" "$tmux_kb"
awk -v a="$rwb_ms" -v b="$tmux_ms" 'BEGIN { printf "  ratio rwb/tmux: %.2f (<= 1.0: rwb at least as fast)\n", (b > 0 ? a / b : 0) }'
