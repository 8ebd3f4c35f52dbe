# Shell helpers of the load scripts (bench/run_auth.sh, bench/run_gateway.sh),
# sourced after they set: work (a temporary directory), connections,
# duration and warmup (wrk settings).

# Waits until $1 contains a line matching $2 (sed -n regex with one group,
# printed); sets $found.
wait_for() {
  local log="$1" pattern="$2"
  for _ in $(seq 1 200); do
    found="$(sed -n "s/$pattern/\\1/p" "$log" | head -n1)"
    [[ -n "$found" ]] && return 0
    sleep 0.05
  done
  echo "server did not start ($log):"; cat "$log" "$log.err" 2>/dev/null; exit 1
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# POSTs a JSON-RPC message to an MCP endpoint: mcp_post URL SESSION BEARER BODY
# (SESSION, BEARER may be empty); prints headers and body.
mcp_post() {
  local args=(-s -i --max-time 10 -X POST "$1" -H 'Content-Type: application/json'
              -H 'Accept: application/json, text/event-stream' -d "$4")
  [[ -n "$2" ]] && args+=(-H "Mcp-Session-Id: $2" -H 'MCP-Protocol-Version: 2025-11-25')
  [[ -n "$3" ]] && args+=(-H "Authorization: Bearer $3")
  curl "${args[@]}"
}

# Opens a 2025-11-25 session: mcp_session URL BEARER; prints its id.
mcp_session() {
  local sid
  sid="$(mcp_post "$1" "" "$2" \
    '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' |
    awk 'tolower($1)=="mcp-session-id:" {print $2}' | tr -d '\r')"
  [[ -n "$sid" ]] || { echo "could not open an MCP session at $1" >&2; return 1; }
  mcp_post "$1" "$sid" "$2" '{"jsonrpc":"2.0","method":"notifications/initialized"}' >/dev/null
  echo "$sid"
}

# One tools/call by curl before the load, so a broken target cannot pass for
# a fast one: probe URL SESSION BEARER TOOL ARGUMENTS EXPECTED_TEXT.
probe() {
  local out
  out="$(mcp_post "$1" "$2" "$3" "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"$4\",\"arguments\":$5}}")"
  if ! grep -q '^HTTP/1.1 200' <<<"$out" || ! grep -qF "$6" <<<"$out"; then
    echo "probe of $4 at $1 failed:"; echo "$out"; exit 1
  fi
}

# Runs wrk and prints "requests/s p50 p99 non200 socket_errors", after a
# discarded warm-up of WARMUP seconds (2; Node's JIT needs one, gatehouse
# gets the same).
load() {
  local target="$1"
  local out
  if ((warmup > 0)); then
    timeout $((warmup + 30)) wrk -t2 -c"$connections" -d"${warmup}s" -s bench/tools_call.lua "$target" >/dev/null
  fi
  out="$(timeout $((duration + 30)) wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/tools_call.lua "$target")"
  printf '=== %s\n%s\n' "$target" "$out" >>"$work/wrk.log"
  local rps p50 p99 bad sock
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  bad="$(awk '/^non-200:/ {print $2}' <<<"$out")"
  sock="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")"
  echo "$rps $p50 $p99 ${bad:-0} ${sock:-0}"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
row() { printf '%-44s %12s %10s %10s %8s %8s\n' "$@"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# CPU time a process has used, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
