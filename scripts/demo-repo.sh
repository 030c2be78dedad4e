#!/bin/sh
# Lays out the bundled demo crate as a git repository of its own at DEST
# (default build/demo-crate), once: an initial commit plus an uncommitted
# change, so every pane has something to show on `make run`.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)/examples/demo-crate
dest=${1:-build/demo-crate}
[ -d "$dest/.git" ] && exit 0
mkdir -p "$dest"
cp -R "$src"/. "$dest"/
cd "$dest"
# build output and the lock file cargo writes on the first build (resolved
# against the local offline registry) are not the user's change
printf 'target/\nCargo.lock\n' > .gitignore
git init -q -b main .
git add -A
git -c user.name="rwb demo" -c user.email="demo@rwb.invalid" commit -qm "demo crate: ring buffer, tokenizer, checksum"
# an uncommitted change for the git pane: a new, undocumented unsafe block
cat >> src/checksum.rs <<'RS'

/// Reads the first byte without a bounds check.
pub fn first_byte(data: &[u8]) -> Option<u8> {
    if data.is_empty() {
        return None;
    }
    Some(unsafe { *data.get_unchecked(0) })
}
RS
