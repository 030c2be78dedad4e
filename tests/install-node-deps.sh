#!/bin/sh
# install-node-deps.sh - installs the pinned MCP client(s) tests/mcp uses
# (tests/package.json, tests/package-lock.json) into tests/node_modules.
# .ci/run calls it; without node_modules the node tests skip with a message.
set -eu
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
	echo "install-node-deps: npm is not installed; the MCP client tests will skip" >&2
	exit 0
fi
# already installed from this lock file: nothing to do (make deps runs this each time)
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
	exit 0
fi
if [ -f package-lock.json ]; then
	npm ci --no-audit --no-fund
else
	npm install --no-audit --no-fund
fi
