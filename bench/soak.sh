#!/usr/bin/env bash
# soak.sh - rwb under a long day's load: two rwb on one store (each in a
# tmux window of its own), a job every few seconds (/cargo-build in a
# repository without Cargo.toml: a real job that ends quickly, each in a
# new terminal tab), floods of output in the shell tab (`seq`), and window
# resizes. Every minute it prints, for each rwb, its RSS and its open file
# descriptors; once the finished-tab limit (RWB_FINISHED_TABS, default 8)
# is reached neither should grow. Ends with the growth from the end of the
# warm-up (the third minute) to the end.
#
# usage: bench/soak.sh [path/to/rwb] [seconds, default 3600] [seconds between actions, default 3]
set -euo pipefail

rwb=${1:-build/rwb}
secs=${2:-3600}
every=${3:-3}
[ -x "$rwb" ] || { echo "soak: no rwb binary at $rwb (build first)" >&2; exit 3; }
command -v tmux >/dev/null || { echo "soak: tmux is not installed" >&2; exit 3; }
rwb=$(cd "$(dirname "$rwb")" && pwd)/$(basename "$rwb")

tmp=$(mktemp -d /tmp/rwb-soak.XXXXXX)
sock="rwb-soak-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

git init -q -b main "$tmp/repo"
echo "soak" > "$tmp/repo/README"
git -C "$tmp/repo" add README
git -C "$tmp/repo" -c user.name=soak -c user.email=soak@rwb.invalid commit -qm soak
mkdir -p "$tmp/store"
cat > "$tmp/tmux.conf" <<'CONF'
set -g status off
set -g default-terminal xterm-256color
set -g default-size 160x48
CONF
start="exec '$rwb' --repo '$tmp/repo' --db '$tmp/store/rwb.db'"
tmux -L "$sock" -f "$tmp/tmux.conf" new-session -d -n a "$start"
tmux -L "$sock" new-window -d -n b "$start"
sleep 2
pids=()
for w in a b; do
	pids+=("$(tmux -L "$sock" display -p -t "$w" '#{pane_pid}')")
done

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
report() {
	local line
	line=$(printf "%5ds" "$1")
	for i in 0 1; do
		line+=$(printf "  rwb%d %7d KB %3d fds" "$((i + 1))" "$(rss "${pids[$i]}")" "$(fds "${pids[$i]}")")
	done
	echo "$line"
}

echo "soak: ${secs}s, an action every ${every}s, two rwb (pids ${pids[*]}) on $tmp/store/rwb.db"
report 0
sizes=("160 48" "120 40" "200 60" "80 24" "140 30")
t0=$(date +%s)
next_report=60
step=0
warm=()
while :; do
	now=$(( $(date +%s) - t0 ))
	[ "$now" -ge "$secs" ] && break
	# each rwb in turn gets a job, a flood, a job and a resize
	w=$([ $((step / 4 % 2)) = 0 ] && echo a || echo b)
	case $((step % 4)) in
	0|2)	# a job in its own tab (the new tab is the last, and shown)
		tmux -L "$sock" send-keys -t "$w" F2
		tmux -L "$sock" send-keys -t "$w" -l "/cargo-build"
		tmux -L "$sock" send-keys -t "$w" Enter ;;
	1)	# a flood in the shell tab: Alt-PgDn from the last tab wraps to it
		tmux -L "$sock" send-keys -t "$w" F3
		tmux -L "$sock" send-keys -t "$w" M-NPage
		tmux -L "$sock" send-keys -t "$w" -l "seq 1 200000 | sed 's/\$/ soak line/'"
		tmux -L "$sock" send-keys -t "$w" Enter ;;
	3)	# a resize
		read -r x y <<<"${sizes[$((step / 4 % ${#sizes[@]}))]}"
		tmux -L "$sock" resize-window -t "$w" -x "$x" -y "$y" 2>/dev/null || true ;;
	esac
	step=$((step + 1))
	sleep "$every"
	now=$(( $(date +%s) - t0 ))
	if [ "$now" -ge "$next_report" ]; then
		report "$now"
		if [ "$next_report" = 180 ] || { [ ${#warm[@]} = 0 ] && [ "$secs" -lt 180 ]; }; then
			warm=("$(rss "${pids[0]}")" "$(fds "${pids[0]}")" "$(rss "${pids[1]}")" "$(fds "${pids[1]}")")
			warm_at=$now
		fi
		next_report=$((next_report + 60))
	fi
	for p in "${pids[@]}"; do
		[ -d "/proc/$p" ] || { echo "soak: rwb $p has ended" >&2; exit 1; }
	done
done
report "$(( $(date +%s) - t0 ))"
if [ ${#warm[@]} = 4 ]; then
	echo "growth since ${warm_at}s: rwb1 $(( $(rss "${pids[0]}") - warm[0] )) KB, $(( $(fds "${pids[0]}") - warm[1] )) fds;" \
	     "rwb2 $(( $(rss "${pids[1]}") - warm[2] )) KB, $(( $(fds "${pids[1]}") - warm[3] )) fds"
fi
echo "jobs recorded: $(sqlite3 "$tmp/store/rwb.db" 'SELECT count(*) FROM jobs' 2>/dev/null || echo '?')"
