#!/usr/bin/env bash
# What OAuth costs gatehouse, measured in one run against gatehouse without
# auth and against the TypeScript SDK's own OAuth example server.
#
#   bench/run_auth.sh [DURATION_SECONDS=10] [CONNECTIONS=32]
#
# Starts, on 127.0.0.1 with free ports:
#   - gatehouse serve --auth none  --backend builtin:demo;
#   - gatehouse serve --auth oauth --backend builtin:demo (SQLite store in a
#     temporary data directory), and obtains an access token by the scripted
#     authorization-code flow (register, GET /authorize, sign in, consent,
#     /token) — bench/oauth_flow.mjs;
#   - the SDK example simpleStreamableHttp.js --oauth (its demo authorization
#     server auto-approves; its MCP server checks every token by calling the
#     demo server's /introspect), with a token from its own flow;
# then drives each with wrk exactly as bench/run.sh does (-t2, CONNECTIONS
# connections, DURATION seconds, --latency, bench/tools_call.lua; each run
# after a discarded warm-up of WARMUP=2 seconds), POSTing
# tools/call in a 2025-11-25 session (and to gatehouse also as stateless
# 2026-07-28 requests): `echo` to gatehouse, `greet` to the SDK example.
# Finally it measures complete authorization-code flows per second on SQLite
# (GET /authorize -> 302 with a code, for a signed-in browser that remembered
# its consent, then POST /token): FLOW_SECONDS (20) of FLOW_CONCURRENCY (4)
# loops with keep-alive fetch.
# Needs a Release build in build/, wrk, Node 20 and tests/e2e/node_modules
# (npm ci in tests/e2e).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-10}"
connections="${2:-32}"
warmup="${WARMUP:-2}"
flow_seconds="${FLOW_SECONDS:-20}"
flow_concurrency="${FLOW_CONCURRENCY:-4}"
bin="${GATEHOUSE_BIN:-build/app/gatehouse}"
sdk_examples="tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server"
ts_example="$sdk_examples/simpleStreamableHttp.js"
[[ -x "$bin" ]] || { echo "missing $bin: build first (ninja -C build gatehouse)"; exit 2; }
[[ -f "$ts_example" ]] || { echo "missing $ts_example: npm ci in tests/e2e"; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
command -v node >/dev/null || { echo "node is not installed"; exit 2; }

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# A private copy: a concurrent rebuild can neither change it mid-run nor be
# blocked by it.
built="$(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')"
cp "$bin" "$work/gatehouse"
bin="$work/gatehouse"
# Servers die by themselves if this script is killed before its cleanup.
budget=$((6 * (warmup + duration + 60) + flow_seconds + 300))

# shellcheck source=bench/lib.sh
source bench/lib.sh

start_gatehouse() {
  local name="$1"; shift
  timeout "$budget" "$bin" serve --listen 127.0.0.1:0 --backend builtin:demo --data-dir "$work/$name" --log-level warn "$@" \
    >"$work/$name.out" 2>"$work/$name.out.err" &
  pids+=($!)
  wait_for "$work/$name.out" '^listening on \(http:.*\)'
  url="$found"
}

# --- servers and tokens ----------------------------------------------------
start_gatehouse none --auth none
none_url="$url"
start_gatehouse oauth --auth oauth
oauth_url="$url"
password="$(sed -n 's/^created user admin with password \([^ ]*\) .*/\1/p' "$work/oauth.out")"
[[ -n "$password" ]] || { echo "gatehouse printed no admin password"; cat "$work/oauth.out"; exit 1; }
token="$(timeout 60 node bench/oauth_flow.mjs gatehouse-token "$oauth_url" admin "$password")"

mcp_port="$(free_port)"
auth_port="$(free_port)"
[[ "$mcp_port" != "$auth_port" ]] || auth_port="$(free_port)"
# --dns-result-order: the example reaches its auth server as "localhost".
MCP_PORT="$mcp_port" MCP_AUTH_PORT="$auth_port" \
  timeout "$budget" node --dns-result-order=ipv4first --import "./bench/loopback_only.mjs" "$ts_example" --oauth \
  >"$work/ts.out" 2>"$work/ts.out.err" &
pids+=($!)
wait_for "$work/ts.out" '^\(MCP Streamable HTTP Server listening\) .*'
wait_for "$work/ts.out" '^\(OAuth Authorization Server listening\) .*'
ts_url="http://127.0.0.1:$mcp_port/mcp"
ts_token="$(timeout 60 node bench/oauth_flow.mjs ts-token "http://127.0.0.1:$auth_port")"

# Without a token both protected servers must refuse.
for u in "$oauth_url/mcp" "$ts_url"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$u" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -d '{}')"
  [[ "$code" == 401 ]] || { echo "$u answered $code without a token (expected 401)"; exit 1; }
done

none_session="$(mcp_session "$none_url/mcp" "")"
oauth_session="$(mcp_session "$oauth_url/mcp" "$token")"
ts_session="$(mcp_session "$ts_url" "$ts_token")"
probe "$none_url/mcp" "$none_session" "" echo '{"text":"hello"}' '"hello"'
probe "$oauth_url/mcp" "$oauth_session" "$token" echo '{"text":"hello"}' '"hello"'
probe "$ts_url" "$ts_session" "$ts_token" greet '{"name":"hello"}' 'Hello, hello!'

# --- load, none and oauth interleaved so drift hits both -------------------
read -r n_rps n_p50 n_p99 n_bad n_sock < <(MCP_SESSION_ID="$none_session" load "$none_url/mcp")
read -r o_rps o_p50 o_p99 o_bad o_sock < <(MCP_SESSION_ID="$oauth_session" MCP_BEARER="$token" load "$oauth_url/mcp")
read -r ns_rps ns_p50 ns_p99 ns_bad ns_sock < <(MCP_STATELESS=1 load "$none_url/mcp")
read -r os_rps os_p50 os_p99 os_bad os_sock < <(MCP_STATELESS=1 MCP_BEARER="$token" load "$oauth_url/mcp")
read -r t_rps t_p50 t_p99 t_bad t_sock < <(MCP_SESSION_ID="$ts_session" MCP_BEARER="$ts_token" MCP_TOOL=greet \
  MCP_ARGUMENTS='{"name":"hello"}' load "$ts_url")

# --- authorization-code flows per second -----------------------------------
flows="$(timeout $((flow_seconds + 60)) node bench/oauth_flow.mjs gatehouse-flows "$oauth_url" admin "$password" \
  "$flow_seconds" "$flow_concurrency")"
field() { node -e 'const o = JSON.parse(process.argv[1]); console.log(o[process.argv[2]] ?? "")' "$flows" "$1"; }

printf '\n'
row "target ($connections connections, ${duration}s)" "requests/s" "p50" "p99" "non-200" "sockerr"
row "gatehouse --auth none, 2025 session" "$n_rps" "$n_p50" "$n_p99" "$n_bad" "$n_sock"
row "gatehouse --auth oauth, 2025 session" "$o_rps" "$o_p50" "$o_p99" "$o_bad" "$o_sock"
row "gatehouse --auth none, 2026 stateless" "$ns_rps" "$ns_p50" "$ns_p99" "$ns_bad" "$ns_sock"
row "gatehouse --auth oauth, 2026 stateless" "$os_rps" "$os_p50" "$os_p99" "$os_bad" "$os_sock"
row "TS SDK simpleStreamableHttp --oauth, session" "$t_rps" "$t_p50" "$t_p99" "$t_bad" "$t_sock"
printf '\noauth / none: session %s%%, stateless %s%% (target >= 90 %%)\n' "$(pct "$o_rps" "$n_rps")" "$(pct "$os_rps" "$ns_rps")"
printf 'gatehouse oauth / TS example (session): %sx (target >= 20x)\n' "$(times "$o_rps" "$t_rps")"
printf 'authorization-code flows (GET /authorize -> 302, POST /token), SQLite, %s loops: %s flows in %s s = %s flows/s, p50 %s ms, p99 %s ms, errors %s\n' \
  "$(field concurrency)" "$(field flows)" "$(field seconds)" "$(field flows_per_s)" "$(field p50_ms)" "$(field p99_ms)" "$(field errors)"
[[ -z "$(field first_error)" ]] || echo "first flow error: $(field first_error)"
printf 'load average: %s at the start, %s at the end; data directory under %s\n' "$load_start" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$(df --output=target,fstype "$work" | tail -n1 | tr -s ' ')"
printf 'machine: %s cores, %s; node %s; gatehouse binary built %s\n' "$(nproc)" "$(uname -sr)" "$(node -v)" "$built"
