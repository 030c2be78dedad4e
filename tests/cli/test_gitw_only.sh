#!/bin/bash
# test_gitw_only.sh - libgit2 is called only through gitw (backend/gitw.c):
# no other source file includes git2.h, so no other file can call it (an
# undeclared function is an error under -Werror). The exceptions are
# gitw's own parts: gitdl.c (the loader that defines every libgit2 function
# rwb uses) and gitcred.c (git's credential helpers, which gitw_push hands
# libgit2's config and credential types).
# Usage: bash test_gitw_only.sh /path/to/rwb /path/to/source
set -u
SRC=$(realpath "$2")
cd "$SRC" || exit 1
bad=$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]git2(\.h|/)' \
	--include='*.c' --include='*.h' backend tui panes main.c fuzz 2>/dev/null |
	grep -vxE 'backend/(gitw\.c|gitdl\.c|gitdl_syms\.h|gitcred\.c)')
if [ -n "$bad" ]; then
	echo "FAIL: these files include git2.h; call libgit2 through gitw.h instead:"
	echo "$bad"
	exit 1
fi
echo "ok: libgit2 only in gitw.c (and gitdl.c, gitcred.c)"
