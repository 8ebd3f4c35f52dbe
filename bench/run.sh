#!/usr/bin/env bash
# Load figures for gatehouse, measured against a baseline in the same run.
#
#   bench/run.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Starts, on 127.0.0.1 with free ports:
#   - bench_baseline_server: a minimal Boost.Beast server returning a fixed
#     JSON body (the practical limit of this machine for HTTP/1.1 keep-alive);
#   - gatehouse serve --backend builtin:demo, once with --auth none and once
#     with --auth oauth (an access token from bench/oauth_flow.mjs);
# then drives each with wrk (keep-alive, CONNECTIONS connections, 2 threads),
# POSTing a tools/call of the `echo` tool — to gatehouse both in a 2025-11-25
# session (opened by curl) and as stateless 2026-07-28 requests, without and
# with the bearer token — and prints requests/s, p50/p99 latency, the ratio
# to the baseline (measured first and last; the mean is the reference) and
# gatehouse's RSS. Needs a Release build in build/ (scripts/test.sh makes
# one), wrk and node.
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
command -v node >/dev/null || { echo "node is not installed"; exit 2; }

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
start "$work/oauth.out" "$bin" serve --listen 127.0.0.1:0 --backend builtin:demo --auth oauth --data-dir "$work/oauth" \
  --log-level warn
oauth_url="$url"
password="$(sed -n 's/^created user admin with password \([^ ]*\) .*/\1/p' "$work/oauth.out")"
[[ -n "$password" ]] || { echo "gatehouse printed no admin password"; cat "$work/oauth.out"; exit 1; }
token="$(timeout 60 node bench/oauth_flow.mjs gatehouse-token "$oauth_url" admin "$password")"
sleep 0.5
idle_rss="$(rss_kib "$gatehouse_pid")"

# Opens a 2025-11-25 session: open_session URL [BEARER]; prints its id.
open_session() {
  local auth=()
  [[ -n "${2:-}" ]] && auth=(-H "Authorization: Bearer $2")
  curl -s -D - -o /dev/null -X POST "$1/mcp" "${auth[@]}" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' |
    awk 'tolower($1)=="mcp-session-id:" {print $2}' | tr -d '\r'
}
session="$(open_session "$gatehouse_url")"
oauth_session="$(open_session "$oauth_url" "$token")"
[[ -n "$session" && -n "$oauth_session" ]] || { echo "could not open an MCP session"; exit 1; }

read -r b_rps b_p50 b_p99 b_bad < <(load "$baseline_url/")
read -r g_rps g_p50 g_p99 g_bad < <(MCP_SESSION_ID="$session" load "$gatehouse_url/mcp")
read -r s_rps s_p50 s_p99 s_bad < <(MCP_STATELESS=1 load "$gatehouse_url/mcp")
read -r og_rps og_p50 og_p99 og_bad < <(MCP_BEARER="$token" MCP_SESSION_ID="$oauth_session" load "$oauth_url/mcp")
read -r os_rps os_p50 os_p99 os_bad < <(MCP_BEARER="$token" MCP_STATELESS=1 load "$oauth_url/mcp")
read -r b2_rps b2_p50 b2_p99 b2_bad < <(load "$baseline_url/")
loaded_rss="$(rss_kib "$gatehouse_pid")"

base="$(awk -v a="$b_rps" -v b="$b2_rps" 'BEGIN { printf "%.0f", (a + b) / 2 }')"
pct() { awk -v g="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * g / b }'; }
row() { printf '%-40s %12s %10s %10s %8s\n' "$@"; }
echo
row "target ($connections connections, ${duration}s)" "requests/s" "p50" "p99" "non-200"
row "baseline (Beast, fixed JSON), first" "$b_rps" "$b_p50" "$b_p99" "$b_bad"
row "gatehouse tools/call 2025 session" "$g_rps" "$g_p50" "$g_p99" "$g_bad"
row "gatehouse tools/call 2026 stateless" "$s_rps" "$s_p50" "$s_p99" "$s_bad"
row "gatehouse oauth tools/call 2025 session" "$og_rps" "$og_p50" "$og_p99" "$og_bad"
row "gatehouse oauth tools/call 2026 stateless" "$os_rps" "$os_p50" "$os_p99" "$os_bad"
row "baseline (Beast, fixed JSON), last" "$b2_rps" "$b2_p50" "$b2_p99" "$b2_bad"
printf '\ngatehouse / baseline (mean %s): session %s%%, stateless %s%%; with OAuth: session %s%%, stateless %s%%\n' \
  "$base" "$(pct "$g_rps" "$base")" "$(pct "$s_rps" "$base")" "$(pct "$og_rps" "$base")" "$(pct "$os_rps" "$base")"
printf 'stateless / session: %s%% without auth, %s%% with OAuth\n' "$(pct "$s_rps" "$g_rps")" "$(pct "$os_rps" "$og_rps")"
printf 'gatehouse (--auth none) RSS: idle %s KiB, after load %s KiB\n' "$idle_rss" "$loaded_rss"
printf 'machine: %s cores, %s\n' "$(nproc)" "$(uname -sr)"
