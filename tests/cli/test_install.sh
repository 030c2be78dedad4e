#!/bin/bash
# test_install.sh - the installed binary never looks in the source tree:
# `cmake --install` to a temporary prefix puts the data in
# PREFIX/share/rwb, the installed (stripped) binary holds no path of the
# source or build tree, and run with both hidden (an empty folder mounted
# over the source tree in a private mount namespace, where unshare works)
# it finds a bundled theme and loads the starter memory.
# Usage: bash test_install.sh /path/to/build/rwb /path/to/source
set -u
RWB=$(realpath "$1")
SRC=$(realpath "$2")
BUILD=$(dirname "$RWB")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P=$T/prefix
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if ! cmake --install "$BUILD" --prefix "$P" --strip >"$T/install.log" 2>&1; then
	cat "$T/install.log"
	echo "FAIL: cmake --install"
	exit 1
fi
for f in bin/rwb share/rwb/memory-starter.json share/rwb/templates.json share/rwb/themes/solarized-dark.theme; do
	if [ -f "$P/$f" ]; then ok; else bad "not installed: $f"; fi
done
# no compiled-in path of the checkout (data, themes) or of the build tree
if strings -a "$P/bin/rwb" | grep -F -e "$SRC/" -e "$SRC\"" -e "$BUILD" | grep -vE '\.[ch]$|unnamed (struct|union|enum) at' >"$T/paths"; then
	bad "the installed binary names the source tree:"; cat "$T/paths"
else
	ok
fi

# what the installed rwb runs with: no override that points anywhere
run='unset RWB_DATA_DIR RWB_THEME_DIR RWB_MEMORY_STARTER
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
mkdir -p "$HOME"
cd "$T"
"$P/bin/rwb" --db "$T/a.db" /theme solarized-dark >"$T/theme.out" 2>&1; echo $? >"$T/theme.rc"
"$P/bin/rwb" --db "$T/b.db" mcp </dev/null >/dev/null 2>&1
"$P/bin/rwb" --db "$T/b.db" /memory-retrieve --key "rwb-starter/**" >"$T/starter.out" 2>&1'
export T P
hidden=no
mkdir -p "$T/empty"
if unshare -r -m true 2>/dev/null; then
	# the source tree (and the build tree inside it) replaced by an empty folder
	if unshare -r -m bash -c "mount --bind '$T/empty' '$SRC' && test ! -e '$SRC/data' && $run"; then
		hidden=yes
	fi
fi
if [ $hidden = no ]; then
	echo "note: cannot hide the source tree here (no user namespaces): running in place"
	bash -c "$run"
fi
if [ "$(cat "$T/theme.rc")" = 0 ]; then ok; else bad "bundled theme not found: $(cat "$T/theme.out")"; fi
if grep -q "rwb-starter/" "$T/starter.out"; then ok; else bad "starter memory not loaded: $(head -3 "$T/starter.out")"; fi

echo "install: $pass passed, $fail failed (source tree hidden: $hidden)"
[ $fail -eq 0 ]
