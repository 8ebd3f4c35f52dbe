#!/usr/bin/env bash
# Installs what Gatehouse needs to build and test, and nothing when it is all
# there already, so it is cheap to run before every test run (scripts/test.sh
# does exactly that).
#
#   1. Debian packages: each one is checked with dpkg-query; `apt-get update`
#      and `apt-get install` run only when at least one is missing.
#   2. The e2e test tooling in tests/e2e (conformance CLIs, MCP SDK, Node 22
#      binary, ...): `npm ci` runs only when node_modules is missing or
#      package-lock.json is newer than the install npm recorded
#      (node_modules/.package-lock.json).
#
# Environment:
#   GATEHOUSE_SKIP_APT=1   skip step 1 (e.g. on a machine you manage yourself)
#   GATEHOUSE_SKIP_NPM=1   skip step 2
#
# Exits non-zero if something could not be installed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e_dir="$repo_root/tests/e2e"

log() { printf '[install-deps] %s\n' "$*"; }

# Debian packages needed by the build (compiler, CMake/Ninja, libraries), the
# unit tests (GoogleTest/GoogleMock), the benchmarks (Google Benchmark, wrk),
# the scripts (curl), the CIMD tests (openssl makes their certificates), the
# browser tests (chromium) and the fuzzers (clang; libclang-rt-14-dev holds
# libFuzzer and the sanitizer runtimes, only recommended by clang; llvm's
# llvm-symbolizer names the lines in sanitizer reports).
debian_packages=(
  g++ cmake ninja-build ccache pkg-config
  clang libclang-rt-14-dev llvm
  libboost1.81-dev libssl-dev libsqlite3-dev libtomlplusplus-dev
  libcli11-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl ca-certificates openssl chromium
)

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "error: need root (or sudo) to run: $*"
    return 1
  fi
}

# True when the Debian package is fully installed.
is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# Installs the given Debian packages (apt-get update first, once per call).
apt_install() {
  log "apt-get update"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  log "apt-get install: $*"
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@"
}

# ---------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------
if [[ "${GATEHOUSE_SKIP_APT:-0}" == 1 ]]; then
  log "GATEHOUSE_SKIP_APT=1: not checking Debian packages"
else
  missing=()
  for pkg in "${debian_packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  # Node.js and npm run the e2e tests. The machine image ships them (Node 20
  # in /usr/bin); only when they are absent fall back to Debian's packages.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "node/npm not found on PATH: adding Debian's nodejs and npm"
    missing+=(nodejs npm)
  fi
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all ${#debian_packages[@]} already installed"
  else
    log "Debian packages missing: ${missing[*]}"
    apt_install "${missing[@]}"
    # Check again: apt-get can succeed while a package is left half-configured.
    still_missing=()
    for pkg in "${missing[@]}"; do
      is_installed "$pkg" || still_missing+=("$pkg")
    done
    if ((${#still_missing[@]} > 0)); then
      log "error: still not installed: ${still_missing[*]}"
      exit 1
    fi
    log "Debian packages: installed ${missing[*]}"
  fi
fi

# ---------------------------------------------------------------------------
# 2. npm packages of the e2e tests (tests/e2e/package-lock.json)
# ---------------------------------------------------------------------------
if [[ "${GATEHOUSE_SKIP_NPM:-0}" == 1 ]]; then
  log "GATEHOUSE_SKIP_NPM=1: not checking tests/e2e/node_modules"
elif [[ ! -f "$e2e_dir/package-lock.json" ]]; then
  log "error: $e2e_dir/package-lock.json is missing"
  exit 1
else
  marker="$e2e_dir/node_modules/.package-lock.json"
  if [[ ! -d "$e2e_dir/node_modules" ]]; then
    reason="tests/e2e/node_modules is missing"
  elif [[ ! -f "$marker" ]]; then
    reason="tests/e2e/node_modules has no .package-lock.json (incomplete install)"
  elif [[ "$e2e_dir/package-lock.json" -nt "$marker" ]]; then
    reason="tests/e2e/package-lock.json is newer than the installed tree"
  else
    reason=""
  fi
  if [[ -z "$reason" ]]; then
    log "npm packages: tests/e2e/node_modules is up to date"
  else
    log "npm ci in tests/e2e ($reason)"
    (cd "$e2e_dir" && npm ci --no-audit --no-fund)
    # npm ci rewrites the marker; touch it anyway so a clock skew between the
    # lock file and the install can't make every run reinstall.
    touch "$marker"
    log "npm packages: installed"
  fi
fi

log "done"
