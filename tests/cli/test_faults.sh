#!/bin/bash
# test_faults.sh RWB SRC - resource faults: a full disk and a read-only file
# system under the store give one clear message and exit 3, and the store
# stays intact. Needs root to mount a small tmpfs; elsewhere it says so.
set -u
rwb=$1
tmp=$(mktemp -d)
mnt=$tmp/mnt
pass=0 fail=0
cleanup() { umount "$mnt" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL: $1: expected $2, got $3"; fail=$((fail + 1)); fi; }
contains() { case "$2" in *"$3"*) pass=$((pass + 1)) ;; *) echo "FAIL: $1: '$3' not in: $2"; fail=$((fail + 1)) ;; esac; }

mkdir -p "$mnt"
if ! mount -t tmpfs -o size=512k tmpfs "$mnt" 2>/dev/null; then
	echo "cannot mount a tmpfs here (not root?): fault tests not run"
	echo "0 passed, 0 failed"
	exit 0
fi
export HOME=$tmp
db=$mnt/rwb.db
"$rwb" --db "$db" /theme mono >/dev/null; check create 0 $?
for i in $(seq 20); do "$rwb" --db "$db" /theme light >/dev/null; done
# fill the disk
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
err=$("$rwb" --db "$db" /theme high-contrast 2>&1 >/dev/null); st=$?
check full-disk-status 3 $st
contains full-disk-message "$err" "full"
check full-disk-one-line 1 "$(printf '%s\n' "$err" | wc -l)"
rm -f "$mnt/filler"
check integrity-after-full ok "$(sqlite3 "$db" 'PRAGMA integrity_check')"
# the earlier writes are all there
check value-kept light "$(sqlite3 "$db" "SELECT value FROM settings WHERE key='theme'")"
"$rwb" --db "$db" /theme default >/dev/null; check works-again 0 $?
# a read-only file system
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
mount -o remount,ro "$mnt"
err=$("$rwb" --db "$db" /theme mono 2>&1 >/dev/null); st=$?
check read-only-status 3 $st
contains read-only-message "$err" "$db"
check read-only-one-line 1 "$(printf '%s\n' "$err" | wc -l)"
err=$("$rwb" --db "$mnt/new.db" /theme mono 2>&1 >/dev/null); st=$?
check read-only-create 3 $st
mount -o remount,rw "$mnt"
check integrity-after-ro ok "$(sqlite3 "$db" 'PRAGMA integrity_check')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
