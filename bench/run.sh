#!/usr/bin/env bash
# Load figures for gatehouse, measured against a baseline in the same run.
#
#   bench/run.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Starts, on 127.0.0.1 with free ports:
#   - bench_baseline_server: a minimal Boost.Beast server returning a fixed
#     JSON body (the practical limit of this machine for HTTP/1.1 keep-alive);
#   - gatehouse serve --backend builtin:demo;
# then drives each with wrk (keep-alive, CONNECTIONS connections, 2 threads),
# POSTing a tools/call of the `echo` tool — to gatehouse both in a 2025-11-25
# session (opened by curl) and as stateless 2026-07-28 requests — and prints
# requests/s, p50/p99 latency, the ratio to the baseline and gatehouse's RSS.
# Needs a Release build in build/ (scripts/test.sh makes one) and wrk.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-10}"
connections="${2:-32}"
bin="${GATEHOUSE_BIN:-build/app/gatehouse}"
baseline_bin="${BASELINE_BIN:-build/bench/bench_baseline_server}"
for f in "$bin" "$baseline_bin"; do
  [[ -x "$f" ]] || { echo "missing $f: build first (cmake --build build)"; exit 2; }
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a server that prints "listening on http://HOST:PORT"; sets $url.
start() {
  local log="$1"; shift
  "$@" >"$log" 2>"$log.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^listening on //p' "$log" | head -n1)"
    [[ -n "$url" ]] && return 0
    sleep 0.05
  done
  echo "server did not start: $*"; cat "$log.err"; exit 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# Runs wrk and prints "requests/s p50 p99 non200".
load() {
  local target="$1"
  local out
  out="$(timeout $((duration + 30)) wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/tools_call.lua "$target")"
  echo "$out" >>"$work/wrk.log"
  local rps p50 p99 bad
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  bad="$(awk '/^non-200:/ {print $2}' <<<"$out")"
  echo "$rps $p50 $p99 ${bad:-0}"
}

start "$work/baseline.out" "$baseline_bin" 0
baseline_url="$url"
start "$work/gatehouse.out" "$bin" serve --listen 127.0.0.1:0 --backend builtin:demo --data-dir "$work/var" --log-level warn
gatehouse_url="$url"
gatehouse_pid="${pids[-1]}"
sleep 0.5
idle_rss="$(rss_kib "$gatehouse_pid")"

session="$(curl -s -D - -o /dev/null -X POST "$gatehouse_url/mcp" \
  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
  -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' |
  awk 'tolower($1)=="mcp-session-id:" {print $2}' | tr -d '\r')"
[[ -n "$session" ]] || { echo "could not open an MCP session"; exit 1; }

read -r b_rps b_p50 b_p99 b_bad < <(load "$baseline_url/")
read -r g_rps g_p50 g_p99 g_bad < <(MCP_SESSION_ID="$session" load "$gatehouse_url/mcp")
read -r s_rps s_p50 s_p99 s_bad < <(MCP_STATELESS=1 load "$gatehouse_url/mcp")
loaded_rss="$(rss_kib "$gatehouse_pid")"

ratio="$(awk -v g="$g_rps" -v b="$b_rps" 'BEGIN { printf "%.0f", 100 * g / b }')"
s_ratio="$(awk -v g="$s_rps" -v b="$b_rps" 'BEGIN { printf "%.0f", 100 * g / b }')"
printf '\n%-34s %12s %10s %10s %8s\n' "target ($connections connections, ${duration}s)" "requests/s" "p50" "p99" "non-200"
printf '%-34s %12s %10s %10s %8s\n' "baseline (Beast, fixed JSON)" "$b_rps" "$b_p50" "$b_p99" "$b_bad"
printf '%-34s %12s %10s %10s %8s\n' "gatehouse tools/call 2025 session" "$g_rps" "$g_p50" "$g_p99" "$g_bad"
printf '%-34s %12s %10s %10s %8s\n' "gatehouse tools/call 2026 stateless" "$s_rps" "$s_p50" "$s_p99" "$s_bad"
printf '\ngatehouse / baseline: session %s%%, stateless %s%%\n' "$ratio" "$s_ratio"
printf 'gatehouse RSS: idle %s KiB, after load %s KiB\n' "$idle_rss" "$loaded_rss"
printf 'machine: %s cores, %s\n' "$(nproc)" "$(uname -sr)"
