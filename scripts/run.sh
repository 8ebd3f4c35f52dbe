#!/usr/bin/env bash
# THE run command of the README: installs what the build needs (Debian
# packages, only when missing), builds a Release binary, and serves the demo
# backend on http://127.0.0.1:8080/mcp behind the OAuth authorization server
# (SQLite store and local accounts under ./var; the first start prints the
# password of the account `admin`).
#
#   bash scripts/run.sh [extra `gatehouse serve` options]
#
# Any option given is passed to `gatehouse serve` and overrides the defaults
# (e.g. --listen 127.0.0.1:9000, --backend builtin:everything).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# The test-only npm packages are not needed to run the server.
GATEHOUSE_SKIP_NPM=1 bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target gatehouse
exec build/app/gatehouse serve --listen 127.0.0.1:8080 --auth oauth --backend builtin:demo --data-dir ./var "$@"
