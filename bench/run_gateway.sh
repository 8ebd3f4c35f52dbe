#!/usr/bin/env bash
# The gateway under load: tools/call through Gatehouse to
# @modelcontextprotocol/server-everything, against other ways of serving the
# same server, all in one run.
#
#   bench/run_gateway.sh [DURATION_SECONDS=10] [CONNECTIONS=32]
#
# Starts, on 127.0.0.1 with free ports:
#   - gatehouse --auth oauth --backend 'stdio:node server-everything stdio'
#     (one shared child), with an access token from the scripted
#     authorization-code flow (bench/oauth_flow.mjs);
#   - gatehouse --auth oauth --backend http://127.0.0.1:P/mcp in front of
#     server-everything's own Streamable HTTP server;
#   - server-everything streamableHttp itself (no auth);
#   - supergateway --stateful (stdio -> Streamable HTTP, no auth) wrapping the
#     same stdio server;
# and drives each with wrk as bench/run.sh does (-t2, CONNECTIONS connections,
# DURATION seconds after a discarded warm-up of WARMUP=2 seconds,
# bench/tools_call.lua): `echo` {"message":"hello"} in one 2025-11-25 session.
# Then the child's raw ceiling: bench/stdio_ceiling.mjs pipelines the same
# call over the child's stdio with CONNECTIONS requests outstanding, no HTTP.
# Reports requests/s, p50, p99, the ratios the targets name, and resident
# memory: gatehouse idle before its backend starts, after the load, and each
# child.
# Needs a Release build in build/, wrk, Node 20, and `npm ci` in bench/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-10}"
connections="${2:-32}"
warmup="${WARMUP:-2}"
bin="${GATEHOUSE_BIN:-build/app/gatehouse}"
everything="bench/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
supergateway="bench/node_modules/supergateway/dist/index.js"
[[ -x "$bin" ]] || { echo "missing $bin: build first (ninja -C build gatehouse)"; exit 2; }
[[ -f "$everything" && -f "$supergateway" ]] || { echo "missing bench/node_modules: npm ci in bench/"; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
node="$(command -v node)" || { echo "node is not installed"; exit 2; }

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
built="$(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')"
cp "$bin" "$work/gatehouse"
bin="$work/gatehouse"
budget=$((6 * (warmup + duration + 60) + 300))
# shellcheck source=bench/lib.sh
source bench/lib.sh

# The child processes of $1 (their pids).
children() { pgrep -P "$1" || true; }
rss_of_children() {
  local total=0 c
  for c in $(children "$1"); do total=$((total + $(rss_kib "$c"))); done
  echo "$total"
}

start_gatehouse() {
  local name="$1"; shift
  timeout "$budget" "$bin" serve --listen 127.0.0.1:0 --auth oauth --data-dir "$work/$name" --log-level warn "$@" \
    >"$work/$name.out" 2>"$work/$name.out.err" &
  pids+=($!)
  wait_for "$work/$name.out" '^listening on \(http:.*\)'
  pid="$(children "$!")"  # gatehouse itself, not the timeout around it
  url="$found"
  local password
  password="$(sed -n 's/^created user admin with password \([^ ]*\) .*/\1/p' "$work/$name.out")"
  [[ -n "$password" ]] || { echo "gatehouse printed no admin password"; cat "$work/$name.out"; exit 1; }
  token="$(timeout 60 node bench/oauth_flow.mjs gatehouse-token "$url" admin "$password")"
}

# --- servers ---------------------------------------------------------------
se_port="$(free_port)"
PORT="$se_port" timeout "$budget" node --import ./bench/loopback_only.mjs "$everything" streamableHttp \
  >"$work/se.out" 2>&1 &
pids+=($!)
wait_for "$work/se.out" '^\(MCP Streamable HTTP Server listening\).*'
se_pid="$(children "$!")"
se_url="http://127.0.0.1:$se_port/mcp"

sg_port="$(free_port)"
timeout "$budget" node --import ./bench/loopback_only.mjs "$supergateway" --stdio "$node $everything stdio" \
  --outputTransport streamableHttp --stateful --port "$sg_port" --logLevel info >"$work/sg.out" 2>&1 &
pids+=($!)
wait_for "$work/sg.out" '.*\(Listening on port\).*'
sg_pid="$(children "$!")"
sg_url="http://127.0.0.1:$sg_port/mcp"

start_gatehouse stdio --backend "stdio:$node $everything stdio"
gs_url="$url/mcp" gs_token="$token" gs_pid="$pid"
gs_idle="$(rss_kib "$gs_pid")"
start_gatehouse http --backend "$se_url"
gh_url="$url/mcp" gh_token="$token" gh_pid="$pid"

gs_session="$(mcp_session "$gs_url" "$gs_token")"
gh_session="$(mcp_session "$gh_url" "$gh_token")"
se_session="$(mcp_session "$se_url" "")"
sg_session="$(mcp_session "$sg_url" "")"
for target in "$gs_url $gs_session $gs_token" "$gh_url $gh_session $gh_token" "$se_url $se_session -" "$sg_url $sg_session -"; do
  read -r u s b <<<"$target"
  [[ "$b" == - ]] && b=""
  probe "$u" "$s" "$b" echo '{"message":"hello"}' 'Echo: hello'
done

# --- load --------------------------------------------------------------------
export MCP_TOOL=echo MCP_ARGUMENTS='{"message":"hello"}'
gs_child_pid="$(children "$gs_pid")"
gs_cpu0="$(cpu_ticks "$gs_pid")" gs_child_cpu0="$(cpu_ticks "$gs_child_pid")"
read -r gs_rps gs_p50 gs_p99 gs_bad gs_sock < <(MCP_SESSION_ID="$gs_session" MCP_BEARER="$gs_token" load "$gs_url")
# CPU per request during the measured load (the warm-up is included in the
# ticks, so the figures slightly overstate).
ticks="$(getconf CLK_TCK)"
gs_cpu_us="$(awk -v t=$(( $(cpu_ticks "$gs_pid") - gs_cpu0 )) -v hz="$ticks" -v n="$gs_rps" -v d="$duration" -v w="$warmup" \
  'BEGIN { printf "%.0f", 1e6 * t / hz / (n * (d + w)) }')"
gs_child_cpu_us="$(awk -v t=$(( $(cpu_ticks "$gs_child_pid") - gs_child_cpu0 )) -v hz="$ticks" -v n="$gs_rps" -v d="$duration" -v w="$warmup" \
  'BEGIN { printf "%.0f", 1e6 * t / hz / (n * (d + w)) }')"
read -r sg_rps sg_p50 sg_p99 sg_bad sg_sock < <(MCP_SESSION_ID="$sg_session" load "$sg_url")
read -r se_rps se_p50 se_p99 se_bad se_sock < <(MCP_SESSION_ID="$se_session" load "$se_url")
read -r gh_rps gh_p50 gh_p99 gh_bad gh_sock < <(MCP_SESSION_ID="$gh_session" MCP_BEARER="$gh_token" load "$gh_url")
gs_loaded="$(rss_kib "$gs_pid")"
gs_child="$(rss_of_children "$gs_pid")"
sg_child="$(rss_of_children "$sg_pid")"
se_rss="$(rss_kib "$se_pid")"

ceiling="$(timeout $((warmup + duration + 60)) node bench/stdio_ceiling.mjs "$duration" "$connections" "$warmup" echo \
  '{"message":"hello"}' -- "$node" "$everything" stdio)"
field() { node -e 'const o = JSON.parse(process.argv[1]); console.log(o[process.argv[2]] ?? "")' "$ceiling" "$1"; }
c_rps="$(field calls_per_s)"

printf '\n'
row "target ($connections connections, ${duration}s)" "requests/s" "p50" "p99" "non-200" "sockerr"
row "gatehouse --auth oauth, stdio backend" "$gs_rps" "$gs_p50" "$gs_p99" "$gs_bad" "$gs_sock"
row "gatehouse --auth oauth, http backend" "$gh_rps" "$gh_p50" "$gh_p99" "$gh_bad" "$gh_sock"
row "server-everything streamableHttp, no auth" "$se_rps" "$se_p50" "$se_p99" "$se_bad" "$se_sock"
row "supergateway --stateful, no auth" "$sg_rps" "$sg_p50" "$sg_p99" "$sg_bad" "$sg_sock"
row "stdio ceiling (no HTTP, $connections outstanding)" "$c_rps" "$(field p50_ms)ms" "$(field p99_ms)ms" "-" "$(field errors)"
printf '\ngatehouse (oauth, stdio) / supergateway (no auth): %sx (target >= 2x)\n' "$(times "$gs_rps" "$sg_rps")"
printf 'gatehouse (oauth, stdio) / the backend'"'"'s own HTTP server: %sx (target >= 1.5x)\n' "$(times "$gs_rps" "$se_rps")"
printf 'gatehouse (oauth, stdio) / stdio ceiling: %s%% (target >= 70 %%)\n' "$(pct "$gs_rps" "$c_rps")"
printf 'gatehouse (oauth, http) / the backend'"'"'s own HTTP server: %s%%\n' "$(pct "$gh_rps" "$se_rps")"
printf 'CPU per request through gatehouse (stdio): gatehouse %s us, its child %s us (wrk, gatehouse and the child share the 2 cores; the ceiling run has only the driver and the child)\n' "$gs_cpu_us" "$gs_child_cpu_us"
printf 'resident memory: gatehouse %s KiB idle, %s KiB after the load; its child %s KiB; supergateway'"'"'s child %s KiB; server-everything HTTP %s KiB\n' \
  "$gs_idle" "$gs_loaded" "$gs_child" "$sg_child" "$se_rss"
printf 'load average: %s at the start, %s at the end\n' "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'machine: %s cores, %s; node %s; gatehouse binary built %s\n' "$(nproc)" "$(uname -sr)" "$(node -v)" "$built"
