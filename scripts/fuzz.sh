#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (docs/fuzzing.md) under AddressSanitizer
# and UBSan, one after another.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
#   1. Configures build-fuzz/ with clang (-DGATEHOUSE_FUZZ=ON) when it has no
#      cache yet, then builds the fuzz targets only (incremental).
#   2. Replays every curated input once — fuzz/seeds/<target>/ and the inputs
#      of fixed crashes in fuzz/regressions/<target>/ — so a regression fails
#      at once, before any fuzzing.
#   3. Fuzzes each target for SECONDS (all targets, or the ones named) on one
#      core, starting from its seeds and the corpus earlier runs grew in
#      build-fuzz/corpus/<target>/ (kept between runs, never committed).
#
# Stops at the first crash, leak, timeout or out-of-memory: prints the
# sanitizer report, saves the input under build-fuzz/crashes/<target>/ and
# prints the command that reproduces it. Otherwise prints the executions of
# each target and their total. Exit status 0 only when every target ran clean.
#
# Environment (all optional):
#   FUZZ_INPUT_TIMEOUT  seconds one input may take before it counts as a hang (default 10)
#   FUZZ_RSS_MB         memory limit of a target in MiB (default 2048)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

usage() {
  echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2
  echo "targets: $(targets | tr '\n' ' ')" >&2
  exit 2
}

# The targets, as listed in fuzz/CMakeLists.txt.
targets() {
  sed -n '/^set(GATEHOUSE_FUZZERS/,/)/p' fuzz/CMakeLists.txt | sed -e 's/^set(GATEHOUSE_FUZZERS//' -e 's/)//' |
    tr -s ' ' '\n' | grep -v '^$'
}

[[ $# -ge 1 && "$1" =~ ^[1-9][0-9]*$ ]] || usage
seconds="$1"
shift
mapfile -t all_targets < <(targets)
if (($# > 0)); then
  selected=("$@")
  for t in "${selected[@]}"; do
    printf '%s\n' "${all_targets[@]}" | grep -qx -- "$t" || { echo "[fuzz] unknown target: $t" >&2; usage; }
  done
else
  selected=("${all_targets[@]}")
fi

timeout_per_input="${FUZZ_INPUT_TIMEOUT:-10}"
rss_mb="${FUZZ_RSS_MB:-2048}"
build=build-fuzz
log() { printf '[fuzz] %s\n' "$*"; }

# ---------------------------------------------------------------------------
# 1. Build
# ---------------------------------------------------------------------------
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  log "configuring $build/ (clang, ASan + UBSan + libFuzzer)"
  # -O1 with line tables: fast enough to fuzz, readable stack traces, and
  # assertions stay on (no NDEBUG).
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DGATEHOUSE_FUZZ=ON -DGATEHOUSE_TESTS=OFF -DGATEHOUSE_BENCH=OFF -DGATEHOUSE_WERROR=ON >/dev/null
fi
log "building the fuzz targets"
cmake --build "$build" -j2 --target gatehouse_fuzzers

# ---------------------------------------------------------------------------
# Sanitizer settings
# ---------------------------------------------------------------------------
# Leaks are checked: each input must give back what it took.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
if [[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

mkdir -p "$build/logs"

# fail TARGET LOG ARTIFACT_DIR — prints what went wrong and how to rerun it; exits.
fail() {
  local target="$1" logfile="$2" artifacts="$3"
  echo
  log "==== $target FAILED; the end of its log ($logfile):"
  tail -n 60 "$logfile" | sed 's/^/  /'
  local input
  input="$(grep -oE "Test unit written to [^ ]+" "$logfile" | tail -n 1 | sed 's/Test unit written to //')"
  if [[ -n "$input" ]]; then
    log "the input is saved in $input"
    log "reproduce: $build/fuzz/fuzz_$target $input"
    log "once fixed, keep it as a regression seed: cp $input fuzz/regressions/$target/"
  elif [[ -n "$artifacts" ]]; then
    log "inputs that failed, if any, are in $artifacts"
  fi
  exit 1
}

# ---------------------------------------------------------------------------
# 2. Replay the curated inputs once
# ---------------------------------------------------------------------------
for t in "${selected[@]}"; do
  files=()
  for dir in "fuzz/seeds/$t" "fuzz/regressions/$t"; do
    [[ -d "$dir" ]] && while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f -print0 | sort -z)
  done
  logfile="$build/logs/$t.replay.log"
  if ((${#files[@]} == 0)); then
    log "replay $t: no curated inputs"
    continue
  fi
  mkdir -p "$build/crashes/$t"
  if "$build/fuzz/fuzz_$t" -rss_limit_mb="$rss_mb" -timeout="$timeout_per_input" \
    -artifact_prefix="$build/crashes/$t/" "${files[@]}" >"$logfile" 2>&1; then
    log "replay $t: ${#files[@]} curated inputs ran clean"
  else
    fail "$t" "$logfile" ""
  fi
done

# ---------------------------------------------------------------------------
# 3. Fuzz each target for SECONDS
# ---------------------------------------------------------------------------
declare -A executions=()
total=0
for t in "${selected[@]}"; do
  corpus="$build/corpus/$t"
  artifacts="$build/crashes/$t"
  mkdir -p "$corpus" "$artifacts"
  args=(-max_total_time="$seconds" -rss_limit_mb="$rss_mb" -timeout="$timeout_per_input"
    -print_final_stats=1 -artifact_prefix="$artifacts/")
  [[ -f "fuzz/dicts/$t.dict" ]] && args+=(-dict="fuzz/dicts/$t.dict")
  dirs=("$corpus")
  for dir in "fuzz/seeds/$t" "fuzz/regressions/$t"; do
    [[ -d "$dir" ]] && dirs+=("$dir")
  done
  logfile="$build/logs/$t.log"
  log "fuzzing $t for ${seconds}s (log: $logfile)"
  # New inputs go to the first directory only: the curated ones stay as they are.
  if ! "$build/fuzz/fuzz_$t" "${args[@]}" "${dirs[@]}" >"$logfile" 2>&1; then
    fail "$t" "$logfile" "$artifacts"
  fi
  runs="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$logfile" | tail -n 1 | grep -oE '[0-9]+$' || true)"
  runs="${runs:-0}"
  executions[$t]="$runs"
  total=$((total + runs))
  log "$t: $runs executions, corpus $(find "$corpus" -type f | wc -l) inputs"
done

echo
log "==== executions (${seconds}s per target)"
for t in "${selected[@]}"; do
  printf '  %-26s %12s\n' "$t" "${executions[$t]}"
done
printf '  %-26s %12s\n' "total" "$total"
log "all ${#selected[@]} targets ran clean"
