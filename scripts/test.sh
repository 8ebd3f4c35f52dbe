#!/usr/bin/env bash
# THE test command of Gatehouse (the README's, and CI's through .ci/run).
# Works from any directory. Stages, in order, each under its own `timeout`:
#
#   deps         scripts/install-deps.sh (Debian packages, npm ci in tests/e2e)
#   configure    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEHOUSE_WERROR=ON
#   build        cmake --build build -j2
#   unit         ctest (GoogleTest unit tests)
#   conformance  tests/e2e/conformance.sh (MCP conformance CLIs against one
#                server), then tests/e2e/gateway-conformance.sh (the same CLIs
#                against server-everything, directly and through the gateway,
#                compared scenario by scenario); the stage fails if either does
#   e2e          node --test tests/e2e/*.test.mjs (MCP SDK client, bad input)
#   package      scripts/package.sh: cmake --install into a scratch prefix,
#                examples/library built against it (find_package and
#                pkg-config), and tests/e2e/package/examples.test.mjs
#   sanitize     scripts/sanitize.sh: unit, conformance and e2e again against
#                an AddressSanitizer + UBSan Debug build (build-asan/)
#   fuzz         scripts/fuzz.sh 20: the libFuzzer targets of fuzz/, built with
#                clang, ASan and UBSan (build-fuzz/); replays their seeds and
#                fixed crashes, then fuzzes each target for 20 seconds
#
# Every stage runs even when an earlier one failed, except that a failed
# configure or build skips the stages that test its binary (fuzz builds its
# own).
# Each stage's name and duration are printed, then a summary whose last line
# is `N passed, N failed` (`, N skipped` added when stages were skipped),
# counting stages. The exit status is 0 only when every stage passed.
#
# Servers are started only by the e2e stages, on 127.0.0.1 with a free port,
# and each is killed by PID when its stage ends (see tests/e2e/conformance.sh,
# tests/e2e/gateway-conformance.sh and tests/e2e/lib/server.mjs). A stage
# that outlives its timeout, or this script being interrupted, ends that
# stage's whole process group.
#
# Environment (all optional):
#   GATEHOUSE_BIN                   binary under test (default build/app/gatehouse)
#   CONFORMANCE_REQUIREMENTS_EXTRA  extra spec revisions for the conformance runs
#   TEST_TIMEOUT_<STAGE>            per-stage timeout in seconds, e.g.
#                                   TEST_TIMEOUT_BUILD=3000
#   FUZZ_SECONDS                    seconds the fuzz stage gives each target (20)
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root" || exit 2

export GATEHOUSE_BIN="${GATEHOUSE_BIN:-$repo_root/build/app/gatehouse}"

# Extra conformance requirement sets (conformance 0.2.0-alpha.12
# `--requirements REV`), space-separated. A feature that implements a newer
# revision switches its run on here, e.g. "2026-07-28".
export CONFORMANCE_REQUIREMENTS_EXTRA="${CONFORMANCE_REQUIREMENTS_EXTRA-2026-07-28}"

# Stage timeouts in seconds: 88.5 minutes in all, under CI's limit of 90. The
# variables are TEST_TIMEOUT_<STAGE>, not GATEHOUSE_*: the server refuses to
# start on a GATEHOUSE_* variable it does not know, and the e2e stages start it
# with this environment.
t_deps="${TEST_TIMEOUT_DEPS:-420}"
t_configure="${TEST_TIMEOUT_CONFIGURE:-120}"
t_build="${TEST_TIMEOUT_BUILD:-900}"
t_unit="${TEST_TIMEOUT_UNIT:-120}"
t_conformance="${TEST_TIMEOUT_CONFORMANCE:-120}"
t_e2e="${TEST_TIMEOUT_E2E:-400}"
# Install, the examples built against the install (three programs with
# find_package, one with pkg-config), and their end-to-end test.
t_package="${TEST_TIMEOUT_PACKAGE:-300}"
# A Debug build with AddressSanitizer from scratch, then every test again.
t_sanitize="${TEST_TIMEOUT_SANITIZE:-1680}"
# The clang build of the library and the fuzz targets (12 to 16 minutes from
# scratch on two busy cores), then 20 s per target.
t_fuzz="${TEST_TIMEOUT_FUZZ:-1250}"
fuzz_seconds="${FUZZ_SECONDS:-20}"

# ---------------------------------------------------------------------------
# Stage runner
# ---------------------------------------------------------------------------
declare -a summary_lines=()
n_passed=0 n_failed=0 n_skipped=0
stage_pid=""

# Ends the running stage (if any) by PID: `timeout` passes the signal on to
# the stage's process group, and the stage's own traps stop its servers.
stop_stage() {
  if [[ -n "$stage_pid" ]] && kill -0 "$stage_pid" 2>/dev/null; then
    echo "[test] interrupted: stopping the running stage (pid $stage_pid)"
    kill -TERM "$stage_pid" 2>/dev/null
    wait "$stage_pid" 2>/dev/null
  fi
  stage_pid=""
}
trap stop_stage EXIT
trap 'stop_stage; exit 130' INT
trap 'stop_stage; exit 143' TERM

fmt_duration() {
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# run_stage NAME TIMEOUT COMMAND... — runs one stage; returns its status.
run_stage() {
  local name="$1" limit="$2"
  shift 2
  printf '\n[test] ==== stage %s (timeout %ss): %s\n' "$name" "$limit" "$*"
  local start=$SECONDS rc
  # In the background + wait, so that a signal reaches our trap at once.
  timeout --kill-after=30 "$limit" "$@" </dev/null &
  stage_pid=$!
  wait "$stage_pid"
  rc=$?
  stage_pid=""
  local took
  took="$(fmt_duration $((SECONDS - start)))"
  if ((rc == 0)); then
    n_passed=$((n_passed + 1))
    summary_lines+=("$(printf 'PASS  %-12s %8s' "$name" "$took")")
    printf '[test] ==== stage %s passed in %s\n' "$name" "$took"
  else
    local why="exit status $rc"
    ((rc == 124 || rc == 137)) && why="timed out after ${limit}s"
    n_failed=$((n_failed + 1))
    summary_lines+=("$(printf 'FAIL  %-12s %8s  (%s)' "$name" "$took" "$why")")
    printf '[test] ==== stage %s FAILED in %s (%s)\n' "$name" "$took" "$why"
  fi
  return "$rc"
}

skip_stage() {
  n_skipped=$((n_skipped + 1))
  summary_lines+=("$(printf 'SKIP  %-12s %8s  (%s)' "$1" "-" "$2")")
  printf '\n[test] ==== stage %s skipped (%s)\n' "$1" "$2"
}

# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------
run_stage deps "$t_deps" bash scripts/install-deps.sh

# A build/ made earlier with another generator would make cmake refuse -G
# Ninja; drop just its cache (not the build tree) so it is reconfigured.
if [[ -f build/CMakeCache.txt ]] &&
  ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' build/CMakeCache.txt; then
  echo "[test] build/ was configured with another generator: removing build/CMakeCache.txt and build/CMakeFiles"
  rm -rf build/CMakeCache.txt build/CMakeFiles
fi

built=0
if run_stage configure "$t_configure" \
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEHOUSE_WERROR=ON; then
  if run_stage build "$t_build" cmake --build build -j2; then
    built=1
  fi
else
  skip_stage build "configure failed"
fi

if ((built)); then
  run_stage unit "$t_unit" \
    ctest --test-dir build --output-on-failure -j2 --no-tests=error --timeout 300
  # Both scripts run; the stage's status is the first non-zero one.
  # shellcheck disable=SC2016  # (expanded by the stage's bash -c)
  conformance_cmd='rc=0; bash tests/e2e/conformance.sh || rc=$?
    bash tests/e2e/gateway-conformance.sh || { s=$?; ((rc)) || rc=$s; }; exit "$rc"'
  run_stage conformance "$t_conformance" bash -c "$conformance_cmd"
  # The system Node (20) runs these: the SDK supports it. The Node 22 binary
  # in tests/e2e/node_modules is only for the conformance CLIs.
  run_stage e2e "$t_e2e" node --test --test-reporter=spec tests/e2e/*.test.mjs
  run_stage package "$t_package" bash scripts/package.sh
  # The same tests once more against an AddressSanitizer/UBSan build.
  run_stage sanitize "$t_sanitize" bash scripts/sanitize.sh
else
  for stage in unit conformance e2e package sanitize; do
    skip_stage "$stage" "no build"
  done
fi
# Independent of build/: scripts/fuzz.sh builds build-fuzz/ with clang.
run_stage fuzz "$t_fuzz" bash scripts/fuzz.sh "$fuzz_seconds"

# ---------------------------------------------------------------------------
# Summary (the last line is the machine-readable one)
# ---------------------------------------------------------------------------
printf '\n[test] ==== summary (stages)\n'
for line in "${summary_lines[@]}"; do
  printf '  %s\n' "$line"
done
if ((n_skipped > 0)); then
  echo "$n_passed passed, $n_failed failed, $n_skipped skipped"
else
  echo "$n_passed passed, $n_failed failed"
fi
((n_failed == 0 && n_skipped == 0))
