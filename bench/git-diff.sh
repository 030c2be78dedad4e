#!/bin/bash
# git-diff.sh - rwb's git diff and status against git and tig, in one run.
#
# 1. A generated repository whose last commit changes 200,000 lines across
#    2,000 files. Time to compute and render the whole diff to its last
#    line: rwb in script mode (git pane, log, Enter on the commit, G to the
#    end, wait until the last line is on screen, quit) against
#    `git diff --stat`, `git diff > /dev/null` and tig (`tig show HEAD`,
#    End, quit), plus rwb's command line `/git-diff A..B` for the
#    compute-only comparison.
# 2. Status of a 50,000-file work tree (a few files modified, a few
#    untracked): `rwb /git-status` against `git status`.
#
# Each timing is the best of RUNS (default 3) wall-clock runs. TUIs run in
# a 120x40 pseudo-terminal made by script(1).
#
# usage: bench/git-diff.sh [path/to/rwb] [work-folder]
set -eu
RWB=$(realpath "${1:-build/rwb}")
WORK=${2:-$(mktemp -d)}
RUNS=${RUNS:-3}
mkdir -p "$WORK"
export HOME=$WORK GIT_CONFIG_NOSYSTEM=1 RWB_DB=$WORK/rwb.db
command -v tig >/dev/null || { echo "tig is missing: apt-get install tig" >&2; exit 3; }
command -v script >/dev/null || { echo "script(1) is missing: apt-get install bsdutils" >&2; exit 3; }

best_ms() { # best_ms CMD... : "WALL CPU" of the fastest of RUNS runs, in ms
	local best=999999999 cpu=0 out w c
	local TIMEFORMAT='%R %U %S'
	for _ in $(seq "$RUNS"); do
		out=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
		w=$(awk '{ printf "%d", $1 * 1000 }' <<<"$out")
		c=$(awk '{ printf "%d", ($2 + $3) * 1000 }' <<<"$out")
		if [ "$w" -lt "$best" ]; then best=$w; cpu=$c; fi
	done
	echo "$best $cpu"
}
wall() { echo "${1% *}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
in_pty() { script -qec "stty rows 40 cols 120; $1" /dev/null; }

# ---- the 200k-line diff ----
D=$WORK/diff-repo
if [ ! -d "$D/.git" ]; then
	echo "generating 2,000 files x 100 lines and a commit changing every line..." >&2
	git init -q -b main "$D"
	git -C "$D" config user.name Bench
	git -C "$D" config user.email bench@example.com
	(cd "$D" && awk 'BEGIN { for (f = 0; f < 2000; f++) { d = sprintf("src/m%02d", f % 40);
		if (f < 40) system("mkdir -p " d); fn = sprintf("%s/f%04d.rs", d, f);
		for (i = 0; i < 100; i++) printf("    let value_%d = compute(%d, %d); // line %d\n", i, f, i, i) > fn;
		close(fn) } }')
	git -C "$D" add -A && git -C "$D" commit -qm base
	(cd "$D" && find src -name '*.rs' -print0 | xargs -0 sed -i 's/compute(/compute_v2(/')
	git -C "$D" add -A && git -C "$D" commit -qm "change every line"
fi
LAST='compute_v2(1999, 99);'
printf '<F4>\n<F6>\nl\n<Enter>\nG\n:wait-for %s\n:save-screen %s\n:quit\n' "$LAST" "$WORK/rwb.screen" > "$WORK/rwb-diff.script"
printf ':quit\n' > "$WORK/rwb-idle.script"
printf '<End>\n:save-display %s\n:quit\n' "$WORK/tig.screen" > "$WORK/tig.script"

cd "$D"
git_stat=$(best_ms git diff --stat HEAD~1 HEAD)
git_diff=$(best_ms git diff HEAD~1 HEAD)
rwb_cli=$(best_ms "$RWB" /git-diff HEAD~1..HEAD)
rwb_idle=$(best_ms in_pty "$RWB --script $WORK/rwb-idle.script")
rwb_tui=$(best_ms in_pty "$RWB --script $WORK/rwb-diff.script")
tig_tui=$(best_ms env TIG_SCRIPT="$WORK/tig.script" bash -c "$(declare -f in_pty); in_pty 'tig show HEAD'")
grep -q "$LAST" "$WORK/rwb.screen" || { echo "rwb never showed the last line" >&2; exit 1; }
grep -q "$LAST" "$WORK/tig.screen" || { echo "tig never showed the last line" >&2; exit 1; }
lines=$(git diff --shortstat HEAD~1 HEAD)

row() { printf '  %-46s %7s %7s\n' "$1" "${2% *}" "${2#* }"; }
echo "diff of one commit:$lines (best of $RUNS wall-clock runs; ms)"
printf '  %-46s %7s %7s\n' "" "wall" "cpu"
row "git diff --stat" "$git_stat"
row "git diff > /dev/null" "$git_diff"
row "rwb /git-diff A..B (command line, to a pipe)" "$rwb_cli"
row "rwb TUI start + quit (no diff)" "$rwb_idle"
row "rwb TUI: log, open commit, G, last line shown" "$rwb_tui"
row "tig show HEAD, End, last line shown" "$tig_tui"
echo "  wall ratios: rwb TUI / tig = $(ratio "$(wall "$rwb_tui")" "$(wall "$tig_tui")")," \
	"rwb TUI / git diff = $(ratio "$(wall "$rwb_tui")" "$(wall "$git_diff")")," \
	"rwb TUI / git diff --stat = $(ratio "$(wall "$rwb_tui")" "$(wall "$git_stat")")," \
	"rwb CLI / git diff = $(ratio "$(wall "$rwb_cli")" "$(wall "$git_diff")")"
echo "  cpu ratios:  rwb TUI / tig = $(ratio "${rwb_tui#* }" "${tig_tui#* }")," \
	"rwb TUI / git diff = $(ratio "${rwb_tui#* }" "${git_diff#* }")," \
	"rwb CLI / git diff = $(ratio "${rwb_cli#* }" "${git_diff#* }")"

# ---- status of a 50k-file work tree ----
S=$WORK/status-repo
if [ ! -d "$S/.git" ]; then
	echo "generating a 50,000-file work tree..." >&2
	git init -q -b main "$S"
	git -C "$S" config user.name Bench
	git -C "$S" config user.email bench@example.com
	(cd "$S" && awk 'BEGIN { for (d = 0; d < 250; d++) { dir = sprintf("d%03d", d); system("mkdir -p " dir);
		for (f = 0; f < 200; f++) { fn = sprintf("%s/f%03d.txt", dir, f); print "file " d " " f > fn; close(fn) } } }')
	git -C "$S" add -A && git -C "$S" commit -qm base
	for i in 1 2 3 4 5; do echo change >> "$S/d00$i/f001.txt"; echo new > "$S/d00$i/untracked.txt"; done
	git -C "$S" status >/dev/null # let git refresh the index stat data once, as any user's git would
fi
cd "$S"
git_status=$(best_ms git status)
git_porc=$(best_ms git status --porcelain=v2)
rwb_status=$(best_ms "$RWB" /git-status)
# the same with the store (every command line run is recorded in it, with
# fsyncs) on a RAM disk: the difference is the recording's cost
SHM=$(mktemp -d /dev/shm/rwb-bench.XXXXXX 2>/dev/null || true)
[ -n "$SHM" ] && rwb_status_shm=$(RWB_DB=$SHM/rwb.db best_ms "$RWB" /git-status)
echo "status of a $(git ls-files | wc -l)-file work tree (best of $RUNS wall-clock runs; ms; load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-46s %7s %7s\n' "" "wall" "cpu"
row "git status" "$git_status"
row "git status --porcelain=v2" "$git_porc"
row "rwb /git-status" "$rwb_status"
[ -n "$SHM" ] && row "rwb /git-status, store in /dev/shm" "$rwb_status_shm"
echo "  ratios rwb / git status: wall $(ratio "$(wall "$rwb_status")" "$(wall "$git_status")")," \
	"cpu $(ratio "${rwb_status#* }" "${git_status#* }")"
if [ -n "$SHM" ]; then
	echo "  store in /dev/shm:       wall $(ratio "$(wall "$rwb_status_shm")" "$(wall "$git_status")")," \
		"cpu $(ratio "${rwb_status_shm#* }" "${git_status#* }")"
	rm -rf "$SHM"
fi
