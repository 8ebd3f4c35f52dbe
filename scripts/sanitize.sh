#!/usr/bin/env bash
# The sanitizer stage of scripts/test.sh: builds a Debug binary and the unit
# tests with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/),
# then runs the unit tests, the conformance suites and the e2e tests against
# it. Memory errors in coroutine-heavy code show up here first.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGATEHOUSE_SANITIZE=ON -DGATEHOUSE_TESTS=ON -DGATEHOUSE_BENCH=OFF >/dev/null
cmake --build build-asan -j2 --target gatehouse gatehouse_tests

# Leak checking stays off: the process ends with Asio's service objects and
# cached singletons alive, which is not a leak worth failing on.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

echo "[sanitize] unit tests"
# Tests that read files of the source tree find it here (ctest sets the same
# variable for the other build; see tests/CMakeLists.txt).
TESTS_SOURCE_DIR="$repo_root" build-asan/tests/gatehouse_tests --gtest_brief=1
echo "[sanitize] conformance suites against the sanitized server"
GATEHOUSE_BIN="$repo_root/build-asan/app/gatehouse" bash tests/e2e/conformance.sh
echo "[sanitize] e2e tests against the sanitized server"
GATEHOUSE_BIN="$repo_root/build-asan/app/gatehouse" node --test tests/e2e/*.test.mjs
