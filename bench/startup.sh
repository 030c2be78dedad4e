#!/bin/bash
# bench/startup.sh [RUNS] - start-up time: rwb opening its TUI on a repository
# and quitting (script mode: `:quit`), against tig doing the same with
# TIG_SCRIPT, on the same repository, in one run. rwb's store holds 100,000
# history rows. Both run inside a pseudo-terminal (script(1)). Prints the
# median of each and the ratio rwb/tig (goal: <= 1.0).
set -euo pipefail
runs=${1:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
rwb=${RWB:-$here/build/rwb}
command -v tig >/dev/null || { echo "tig is not installed (apt-get install tig)"; exit 3; }
command -v script >/dev/null || { echo "script(1) is missing (apt-get install bsdutils)"; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the repository: rwb's own history (a real, medium-sized repo)
git clone -q "$here" "$tmp/repo"
# a store with 100k history rows
"$rwb" --db "$tmp/rwb.db" /theme default >/dev/null
sqlite3 "$tmp/rwb.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 100000)
  INSERT INTO history(line, ts, exit_status) SELECT '/memory-search --query pattern-' || i, i, 0 FROM n;"
echo "store: $(sqlite3 "$tmp/rwb.db" 'SELECT count(*) FROM history') history rows"
printf ':quit\n' > "$tmp/rwb.script"
printf ':quit\n' > "$tmp/tig.script"

time_ms() { # command...: wall time of one run in ms
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s%N)
	echo $(( (e - s) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

export TERM=xterm-256color
cd "$tmp/repo"
rwb_times=() tig_times=()
for _ in $(seq "$runs"); do
	rwb_times+=("$(time_ms script -qec "$rwb --db $tmp/rwb.db --repo $tmp/repo --script $tmp/rwb.script" /dev/null)")
	tig_times+=("$(time_ms script -qec "env TIG_SCRIPT=$tmp/tig.script tig" /dev/null)")
done
r=$(printf '%s\n' "${rwb_times[@]}" | median)
t=$(printf '%s\n' "${tig_times[@]}" | median)
echo "rwb start+quit: median ${r} ms over $runs runs"
echo "tig start+quit: median ${t} ms over $runs runs"
awk -v r="$r" -v t="$t" 'BEGIN { printf "ratio rwb/tig: %.2f (goal <= 1.0)\n", (t > 0 ? r / t : 0) }'
