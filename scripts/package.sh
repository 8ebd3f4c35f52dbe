#!/usr/bin/env bash
# The package stage of scripts/test.sh: what a C++ developer does with
# Gatehouse as a library, from the install on.
#
#   1. cmake --install build into a scratch prefix (library, headers, CMake
#      package, pkg-config file, binary);
#   2. builds examples/library in a directory of its own with
#      find_package(gatehouse) against that prefix only;
#   3. compiles examples/library/hello.cpp once more with nothing but
#      `pkg-config --cflags --libs gatehouse`;
#   4. runs tests/e2e/package/examples.test.mjs against the programs: the
#      doctor passes them, and their tools answer through the OAuth flow.
#
# Needs a finished build/ (the build stage). Leaves nothing behind: the
# scratch directory is removed on exit.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-package-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
prefix="$scratch/prefix"

echo "[package] install into $prefix"
cmake --install build --prefix "$prefix" >/dev/null

echo "[package] examples/library with find_package(gatehouse)"
# ccache keeps rebuilds of the examples cheap; the launcher is a user choice
# like any other, not something the package imposes.
launcher=()
cxx=(c++)
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cxx=(ccache c++)
fi
cmake -S examples/library -B "$scratch/examples" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" >/dev/null
cmake --build "$scratch/examples" -j2

echo "[package] hello.cpp with pkg-config alone"
# shellcheck disable=SC2046  # pkg-config output is a list of words
"${cxx[@]}" -O2 -o "$scratch/hello-pkg-config" examples/library/hello.cpp \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs gatehouse)
"$scratch/hello-pkg-config" 127.0.0.1:0 "$scratch/pkg-config-data" >"$scratch/pkg-config.out" 2>"$scratch/pkg-config.err" &
pid=$!
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$scratch/pkg-config.out" && break
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$scratch/pkg-config.out")"
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [[ -z "$url" ]]; then
  echo "[package] the pkg-config build of hello did not start:" >&2
  cat "$scratch/pkg-config.err" >&2
  exit 1
fi
echo "[package] the pkg-config build served at $url"

echo "[package] the examples end to end"
EXAMPLES_BUILD_DIR="$scratch/examples" node --test tests/e2e/package/examples.test.mjs
