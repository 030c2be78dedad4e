#!/bin/bash
# test_git.sh - the git commands against real repositories built here with
# the git CLI, compared with what git itself says: status against
# `git status --porcelain=v2`, hunk and line staging against the index
# `git add -p` / `git reset -p` leave, diffs against `git diff`, commits,
# amend, refusals, push to a local bare repository, log, and the odd
# repositories (not a repo, empty, detached HEAD, bare).
#
# usage: bash test_git.sh /path/to/rwb /path/to/source
set -u
RWB=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home GIT_CONFIG_NOSYSTEM=1 RWB_DB=$T/rwb.db
mkdir -p "$HOME"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
pass=0
failed=0

ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@"; then ok; else bad "$name"; fi
}
same() { # same NAME EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then ok; else bad "$1"; diff <(echo "$2") <(echo "$3") >&2; fi
}

newrepo() { # newrepo DIR
	git init -q -b main "$1"
	git -C "$1" config user.name "Test Person"
	git -C "$1" config user.email test@example.com
}

# porcelain v2 into "group status path" lines (paths here have no spaces)
porcelain() {
	git -C "$1" status --porcelain=v2 --branch | awk '
	$1 == "#" && $2 == "branch.head" { print "branch " $3 }
	$1 == "#" && $2 == "branch.ab" { a = $3; b = $4; sub(/^\+/, "", a); sub(/^-/, "", b); print "ahead " a; print "behind " b }
	$1 == "1" { x = substr($2, 1, 1); y = substr($2, 2, 1)
		if (x != ".") print "staged " x " " $9
		if (y != ".") print "unstaged " y " " $9 }
	$1 == "2" { x = substr($2, 1, 1); y = substr($2, 2, 1); split($0, parts, "\t"); n = split(parts[1], f, " ")
		if (x != ".") print "staged " x " " f[n] " from " parts[2]
		if (y != ".") print "unstaged " y " " f[n] }
	$1 == "u" { print "conflicted " $2 " " $11 }
	$1 == "?" { print "untracked ? " $2 }' | sort
}

# rwb's /git-status JSON in the same form
rwbstatus() {
	"$RWB" --repo "$1" --json /git-status 2>/dev/null | jq -r '
	"branch " + .branch,
	(if .upstream != null then ("ahead " + (.ahead|tostring)), ("behind " + (.behind|tostring)) else empty end),
	(.staged[] | "staged " + .status + " " + .path + (if .old_path then " from " + .old_path else "" end)),
	(.unstaged[] | "unstaged " + .status + " " + .path),
	(.untracked[] | "untracked ? " + .path),
	(.conflicted[] | "conflicted " + .status + " " + .path)' | sort
}

status_matches() { # status_matches NAME DIR
	same "$1" "$(porcelain "$2")" "$(rwbstatus "$2")"
}

# ---- status: every kind, against porcelain v2 ----
git init -q --bare -b main "$T/origin.git"
newrepo "$T/seed"
(cd "$T/seed" && seq 1 20 > mod.txt && echo keep > del_staged.txt && echo keep > del_wt.txt &&
	seq 1 50 > old_name.txt && echo same > both.txt && git add . && git commit -qm base &&
	git remote add origin "$T/origin.git" && git push -q origin main)
git clone -q "$T/origin.git" "$T/r"
git -C "$T/r" config user.name "Test Person"
git -C "$T/r" config user.email test@example.com
(cd "$T/r" && echo extra >> mod.txt && echo x > added.txt && git add added.txt &&
	git rm -q del_staged.txt && rm del_wt.txt && git mv old_name.txt new_name.txt &&
	echo one > both.txt && git add both.txt && echo two >> both.txt &&
	echo u > untracked.txt && mkdir -p newdir && echo n > newdir/inner.txt)
ln -s mod.txt "$T/r/link" 2>/dev/null; true
status_matches "status: modified, added, deleted, renamed, untracked, MM" "$T/r"
check "status: renamed file carries old_path" \
	test "$("$RWB" --repo "$T/r" --json /git-status | jq -r '.staged[] | select(.status == "R") | .old_path')" == old_name.txt
(cd "$T/r" && git stash -q -u && echo ahead > ahead.txt && git add ahead.txt && git commit -qm ahead && git stash pop -q)
status_matches "status: ahead of upstream" "$T/r"
same "status: ahead count" "1" "$("$RWB" --repo "$T/r" --json /git-status | jq .ahead)"
same "status: upstream" "origin/main" "$("$RWB" --repo "$T/r" --json /git-status | jq -r .upstream)"

# a type change (file -> symlink) and a submodule
newrepo "$T/t"
(cd "$T/t" && echo a > a.txt && echo b > b.txt && git add . && git commit -qm base &&
	rm b.txt && ln -s a.txt b.txt &&
	git -c protocol.file.allow=always submodule add -q "$T/origin.git" sub >/dev/null 2>&1)
status_matches "status: type change and submodule" "$T/t"
same "status: submodule marked" "true" "$("$RWB" --repo "$T/t" --json /git-status | jq '[.staged[] | select(.path == "sub")][0].submodule')"
same "status: type change letter" "T" "$("$RWB" --repo "$T/t" --json /git-status | jq -r '.unstaged[] | select(.path == "b.txt") | .status')"

# conflicts: both modified (UU) and both added (AA)
newrepo "$T/c"
(cd "$T/c" && printf 'a\nb\nc\n' > f.txt && git add f.txt && git commit -qm base &&
	git checkout -qb other && printf 'a\nOTHER\nc\n' > f.txt && echo theirs > both_added.txt &&
	git add . && git commit -qm other && git checkout -q main &&
	printf 'a\nMAIN\nc\n' > f.txt && echo ours > both_added.txt && git add . && git commit -qm main &&
	git merge -q other >/dev/null 2>&1; echo wt >> untracked_too.txt)
status_matches "status: merge conflicts (UU, AA)" "$T/c"
same "status: conflicted count" "2" "$("$RWB" --repo "$T/c" --json /git-status | jq '.conflicted | length')"

# empty repository (unborn branch)
newrepo "$T/empty"
status_matches "status: empty repository" "$T/empty"
(cd "$T/empty" && echo a > a.txt && echo b > b.txt && git add a.txt)
status_matches "status: empty repository with staged and untracked" "$T/empty"
same "status: unborn flag" "true" "$("$RWB" --repo "$T/empty" --json /git-status | jq .unborn)"

# detached HEAD
git -C "$T/seed" checkout -q --detach HEAD
echo change >> "$T/seed/mod.txt"
status_matches "status: detached HEAD" "$T/seed"
same "status: detached flag" "true" "$("$RWB" --repo "$T/seed" --json /git-status | jq .detached)"
git -C "$T/seed" checkout -q mod.txt

# bare repository: works, says so
out=$("$RWB" --repo "$T/origin.git" --json /git-status); rc=$?
same "status: bare exit" 0 $rc
same "status: bare flag" "true" "$(echo "$out" | jq .bare)"
same "status: bare branch" "main" "$(echo "$out" | jq -r .branch)"
"$RWB" --repo "$T/origin.git" --json /git-log -n 1 | jq -en 'input | (.commits | length == 1)' >/dev/null
check "log: bare repository" test $? -eq 0

# not a repository: exit 3, one line
mkdir -p "$T/plain"
out=$("$RWB" --repo "$T/plain" --json /git-status); rc=$?
same "not a repo: exit 3" 3 $rc
same "not a repo: error code" "ENOTREPO" "$(echo "$out" | jq -r .error.code)"
err=$("$RWB" --repo "$T/plain" /git-status 2>&1 >/dev/null)
same "not a repo: one line" 1 "$(echo "$err" | wc -l)"

# ---- diffs against git diff ----
normdiff() { grep -v '^index '; }
(cd "$T/r" && printf '\x00\x01binary' > bin.dat && git add bin.dat && git commit -qm bin &&
	printf '\x00\x02binary' > bin.dat && chmod +x del_wt.txt 2>/dev/null; git checkout -q del_wt.txt && chmod +x del_wt.txt)
git -C "$T/r" add mod.txt both.txt && echo again >> "$T/r/mod.txt"
same "diff: unstaged equals git diff" "$(git -C "$T/r" diff | normdiff)" "$("$RWB" --repo "$T/r" /git-diff)"
same "diff: staged equals git diff --cached" "$(git -C "$T/r" diff --cached | normdiff)" "$("$RWB" --repo "$T/r" /git-diff --staged)"
check "diff: staged diff is not empty" test -n "$(git -C "$T/r" diff --cached)"
same "diff: path filter" "$(git -C "$T/r" diff -- mod.txt | normdiff)" "$("$RWB" --repo "$T/r" /git-diff -- mod.txt)"
# /git-diff REV is git diff REV (REV against the work tree); a commit's own change is /git-show or REV^!
same "diff: REV against the work tree" "$(git -C "$T/r" diff HEAD~1 | normdiff)" "$("$RWB" --repo "$T/r" /git-diff HEAD~1)"
check "diff: REV differs from the commit's change" test "$(git -C "$T/r" diff HEAD~1)" != "$(git -C "$T/r" show --format= HEAD~1)"
same "diff: --staged REV against the index" "$(git -C "$T/r" diff --cached HEAD~1 | normdiff)" "$("$RWB" --repo "$T/r" /git-diff --staged HEAD~1)"
same "diff: REV^! is the commit's change" "$(git -C "$T/r" show --format= HEAD~1 | normdiff)" "$("$RWB" --repo "$T/r" /git-diff 'HEAD~1^!')"
same "show: header and change as git show" "$(git -C "$T/r" show HEAD~1 | normdiff)" "$("$RWB" --repo "$T/r" /git-show HEAD~1)"
same "show: --json kind commit" "commit" "$("$RWB" --repo "$T/r" --json /git-show HEAD~1 | jq -r .kind)"
"$RWB" --repo "$T/r" /git-diff --staged HEAD~2..HEAD >/dev/null 2>&1
same "diff: --staged with a range is bad usage" 2 $?
same "diff: range" "$(git -C "$T/r" diff HEAD~2..HEAD | normdiff)" "$("$RWB" --repo "$T/r" /git-diff HEAD~2..HEAD)"
"$RWB" --repo "$T/r" --json /git-diff | jq -en 'input | ([.files[] | select(.path == "bin.dat")][0].binary == true)' >/dev/null
check "diff: binary file named, not dumped" test $? -eq 0
"$RWB" --repo "$T/r" --json /git-diff | jq -en 'input | ([.files[] | select(.path == "del_wt.txt")][0].new_mode == "100755")' >/dev/null
check "diff: mode change" test $? -eq 0
"$RWB" --repo "$T/r" /git-diff nosuchrev >/dev/null 2>&1
same "diff: unknown revision exit 2" 2 $?
# commit and range diffs read .gitattributes through a bare handle: still honoured
newrepo "$T/attr"
(cd "$T/attr" && echo 'data.txt binary' > .gitattributes && echo one > data.txt && echo one > plain.txt &&
	git add . && git commit -qm one && echo two > data.txt && echo two > plain.txt && git commit -qam two)
same "diff: range honours .gitattributes (binary)" "$(git -C "$T/attr" diff HEAD~1..HEAD | normdiff)" \
	"$("$RWB" --repo "$T/attr" /git-diff HEAD~1..HEAD)"
same "diff: commit honours .gitattributes (binary)" "$(git -C "$T/attr" show --format= HEAD | normdiff)" \
	"$("$RWB" --repo "$T/attr" /git-diff 'HEAD^!')"
# ... and work from a linked worktree, whose HEAD is its own
git -C "$T/attr" worktree add -q -b side "$T/attr-wt" HEAD~1 2>/dev/null
(cd "$T/attr-wt" && echo three > plain.txt && git commit -qam three)
same "diff: commit in a linked worktree" "$(git -C "$T/attr-wt" show --format= HEAD | normdiff)" \
	"$("$RWB" --repo "$T/attr-wt" /git-diff 'HEAD^!')"

# ---- hunk and line staging against git add -p ----
mkrepo_pair() { # two identical repos a and b with a two-hunk change in f.txt
	rm -rf "$T/a" "$T/b"
	newrepo "$T/a"
	seq 1 40 > "$T/a/f.txt"
	printf 'fn main() {\n    let x = 1;\n}\n' > "$T/a/g.rs"
	git -C "$T/a" add . && git -C "$T/a" commit -qm base
	sed -i -e 's/^2$/two/' -e 's/^10$/ten/' -e 's/^14$/fourteen/' -e '30a\
inserted' "$T/a/f.txt"
	cp -a "$T/a" "$T/b"
}
cached() { git -C "$1" diff --cached; }
worktree_diff() { git -C "$1" diff; }
# f.txt has hunk 1 (line 2), hunk 2 (lines 10 and 14), hunk 3 (insert after 30)
mkrepo_pair
printf 'n\ny\nn\n' | git -C "$T/a" add -p f.txt >/dev/null 2>&1
"$RWB" --repo "$T/b" /git-stage f.txt --hunk 2 >/dev/null
same "stage hunk 2 of 3 = git add -p" "$(cached "$T/a")" "$(cached "$T/b")"
same "stage hunk 2 leaves the rest unstaged" "$(worktree_diff "$T/a")" "$(worktree_diff "$T/b")"
check "stage hunk: something was staged" test -n "$(cached "$T/b")"

mkrepo_pair
printf 'n\nn\ny\n' | git -C "$T/a" add -p f.txt >/dev/null 2>&1
"$RWB" --repo "$T/b" /git-stage f.txt --hunk 3 >/dev/null
same "stage hunk 3 (pure insertion) = git add -p" "$(cached "$T/a")" "$(cached "$T/b")"

mkrepo_pair
# split hunk 2 and take only its first part (line 10)
printf 'n\ns\ny\nn\nn\n' | git -C "$T/a" add -p f.txt >/dev/null 2>&1
"$RWB" --repo "$T/b" /git-stage f.txt --lines 10-10 >/dev/null
same "stage lines 10-10 = git add -p split" "$(cached "$T/a")" "$(cached "$T/b")"
check "stage lines: something was staged" test -n "$(cached "$T/b")"

mkrepo_pair
printf 'n\ns\nn\ny\nn\n' | git -C "$T/a" add -p f.txt >/dev/null 2>&1
"$RWB" --repo "$T/b" /git-stage f.txt --lines 13-15 >/dev/null
same "stage lines 13-15 = git add -p split (second part)" "$(cached "$T/a")" "$(cached "$T/b")"

# unstage hunk 1 of a fully staged file = git reset -p
mkrepo_pair
git -C "$T/a" add f.txt && git -C "$T/b" add f.txt
printf 'y\nn\nn\n' | git -C "$T/a" reset -p f.txt >/dev/null 2>&1
"$RWB" --repo "$T/b" /git-unstage f.txt --hunk 1 >/dev/null
same "unstage hunk 1 = git reset -p" "$(cached "$T/a")" "$(cached "$T/b")"
check "unstage hunk: hunk 1 is back in the work-tree diff" grep -q '^+two' <(worktree_diff "$T/b")

# a file without a final newline: hunk 2 changes the last line
mkrepo_pair
printf 'a\nb\nc\nd\ne\nf\ng\nh\ni\nlast' > "$T/a/n.txt" && git -C "$T/a" add n.txt && git -C "$T/a" commit -qm n
printf 'A\nb\nc\nd\ne\nf\ng\nh\ni\nLAST' > "$T/a/n.txt"
rm -rf "$T/b" && cp -a "$T/a" "$T/b"
printf 'n\ny\n' | git -C "$T/a" add -p n.txt >/dev/null 2>&1
"$RWB" --repo "$T/b" /git-stage n.txt --hunk 2 >/dev/null
same "stage the no-newline-at-end hunk = git add -p" "$(cached "$T/a")" "$(cached "$T/b")"
check "no-newline hunk staged" grep -q '^+LAST' <(cached "$T/b")

# whole-file stage and unstage
mkrepo_pair
"$RWB" --repo "$T/b" /git-stage f.txt >/dev/null
git -C "$T/a" add f.txt
same "stage whole file = git add" "$(cached "$T/a")" "$(cached "$T/b")"
"$RWB" --repo "$T/b" /git-unstage f.txt >/dev/null
same "unstage whole file = nothing staged" "" "$(cached "$T/b")"
rm "$T/b/g.rs"
"$RWB" --repo "$T/b" /git-stage g.rs >/dev/null
same "stage a deleted file" "D	g.rs" "$(git -C "$T/b" diff --cached --name-status)"

# bad input: exit 2, nothing changed
mkrepo_pair
before=$(git -C "$T/b" ls-files -s)
"$RWB" --repo "$T/b" /git-stage f.txt --hunk 9 >/dev/null 2>&1; same "stage: hunk out of range exit 2" 2 $?
"$RWB" --repo "$T/b" /git-stage f.txt --lines 9-3 >/dev/null 2>&1; same "stage: bad line range exit 2" 2 $?
"$RWB" --repo "$T/b" /git-stage f.txt --lines x >/dev/null 2>&1; same "stage: non-numeric lines exit 2" 2 $?
"$RWB" --repo "$T/b" /git-stage f.txt --lines 35-35 >/dev/null 2>&1; same "stage: lines without changes exit 2" 2 $?
"$RWB" --repo "$T/b" /git-stage nosuch.txt >/dev/null 2>&1; same "stage: missing file exit 2" 2 $?
same "bad input changed nothing" "$before" "$(git -C "$T/b" ls-files -s)"

# ---- commit, amend, refusals ----
"$RWB" --repo "$T/b" /git-stage f.txt >/dev/null
out=$("$RWB" --repo "$T/b" --json /git-commit -m "Change f"); rc=$?
same "commit: exit 0" 0 $rc
same "commit: hash is HEAD" "$(git -C "$T/b" rev-parse HEAD)" "$(echo "$out" | jq -r .commit)"
same "commit: subject" "Change f" "$(git -C "$T/b" log -1 --format=%s)"
same "commit: author from config" "Test Person <test@example.com>" "$(git -C "$T/b" log -1 --format='%an <%ae>')"
same "commit: parent" "$(git -C "$T/b" rev-parse HEAD~1)" "$(git -C "$T/b" rev-parse HEAD^1)"
"$RWB" --repo "$T/b" --json /git-commit --amend -m "Change f, amended" >/dev/null
same "amend: subject" "Change f, amended" "$(git -C "$T/b" log -1 --format=%s)"
same "amend: commit count" 2 "$(git -C "$T/b" rev-list --count HEAD)"
"$RWB" --repo "$T/b" /git-commit --amend >/dev/null
same "amend without -m keeps the message" "Change f, amended" "$(git -C "$T/b" log -1 --format=%s)"
err=$("$RWB" --repo "$T/b" /git-commit -m "empty" 2>&1 >/dev/null); rc=$?
same "empty commit refused: exit 2" 2 $rc
check "empty commit refused: clear message" grep -q "nothing to commit" <<<"$err"
same "empty commit refused: no new commit" 2 "$(git -C "$T/b" rev-list --count HEAD)"
"$RWB" --repo "$T/b" /git-commit >/dev/null 2>&1; same "commit without -m: exit 2" 2 $?
newrepo "$T/noid"
git -C "$T/noid" config --unset user.name; git -C "$T/noid" config --unset user.email
echo x > "$T/noid/x" && git -C "$T/noid" add x
err=$("$RWB" --repo "$T/noid" /git-commit -m first 2>&1 >/dev/null); rc=$?
same "missing identity: exit 3" 3 $rc
check "missing identity: says user.name and user.email" grep -q "user.name and user.email" <<<"$err"
(cd "$T/empty" && "$RWB" /git-commit -m "first commit" >/dev/null)
same "commit in an empty repository" "first commit" "$(git -C "$T/empty" log -1 --format=%s)"

# ---- log ----
for i in 1 2 3; do echo $i >> "$T/b/log.txt"; git -C "$T/b" add log.txt; git -C "$T/b" commit -qm "log $i"; done
same "log -n 2 hashes" "$(git -C "$T/b" log -n 2 --format=%H)" "$("$RWB" --repo "$T/b" --json /git-log -n 2 | jq -r '.commits[].hash')"
same "log path filter" "$(git -C "$T/b" log --format=%H -- f.txt)" "$("$RWB" --repo "$T/b" --json /git-log f.txt | jq -r '.commits[].hash')"
same "log summary and author" "log 3|Test Person" "$("$RWB" --repo "$T/b" --json /git-log -n 1 | jq -r '.commits[0] | .summary + "|" + .author')"
same "log of an empty repository" 0 "$("$RWB" --repo "$T/noid" --json /git-log | jq '.commits | length')"

# ---- push to a local bare repository ----
(cd "$T/r" && git add -A && git commit -qm "to push")
out=$("$RWB" --repo "$T/r" --json /git-push); rc=$?
same "push: exit 0" 0 $rc
same "push: remote has the commit" "$(git -C "$T/r" rev-parse HEAD)" "$(git -C "$T/origin.git" rev-parse main)"
same "push: tracking ref updated (ahead 0)" "0" "$("$RWB" --repo "$T/r" --json /git-status | jq .ahead)"
git -C "$T/r" checkout -qb feature && echo f > "$T/r/feat.txt" && git -C "$T/r" add feat.txt && git -C "$T/r" commit -qm feat
"$RWB" --repo "$T/r" /git-push origin feature >/dev/null; same "push: named remote and branch" 0 $?
same "push: feature branch arrived" "$(git -C "$T/r" rev-parse feature)" "$(git -C "$T/origin.git" rev-parse feature)"
"$RWB" --repo "$T/r" /git-push nosuchremote >/dev/null 2>&1; same "push: unknown remote exit 2" 2 $?
# a non-fast-forward push is refused by the remote: exit 1, remote unchanged
git clone -q "$T/origin.git" "$T/r2" && git -C "$T/r2" config user.name X && git -C "$T/r2" config user.email x@x
echo other > "$T/r2/other.txt" && git -C "$T/r2" add other.txt && git -C "$T/r2" commit -qm other
remote_before=$(git -C "$T/origin.git" rev-parse main)
git -C "$T/r" checkout -q main && echo more >> "$T/r/feat2.txt" && git -C "$T/r" add feat2.txt && git -C "$T/r" commit -qm more && git -C "$T/r" push -q origin main
"$RWB" --repo "$T/r2" /git-push >/dev/null 2>&1; rc=$?
check "push: non-fast-forward refused (exit != 0)" test $rc -ne 0
same "push: remote unchanged after refusal" "$(git -C "$T/r" rev-parse HEAD)" "$(git -C "$T/origin.git" rev-parse main)"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
