# Shared by tests/e2e/conformance.sh and tests/e2e/gateway-conformance.sh:
# sourced, never run. The sourcing script first defines log() and die() and
# sets gatehouse_bin (the binary under test) and node22 (the Node >= 22 binary
# the conformance CLIs run on), and runs from tests/e2e.
#
# On sourcing it sets the environment the CLIs run in. It provides:
#   conformance_preconditions      die()s unless the binary, Node 22, both
#                                  conformance CLIs and curl are there
#   wait_gatehouse_ready PID STDOUT_LOG TIMEOUT
#                                  waits for gatehouse's `listening on
#                                  http://127.0.0.1:PORT` line, then for GET
#                                  /healthz to answer 200; sets base_url
#   stop_pid PID WHAT              SIGTERM, up to 5 s, then SIGKILL; reaps it
#   run_bounded TIMEOUT LOG CMD... runs CMD under `timeout`, output to LOG
#                                  and echoed here; its PID is in cli_pid
#                                  while it runs; returns its exit status
# shellcheck shell=bash
# (gatehouse_bin and node22 come from the sourcing script; base_url,
# ready_error and ready_exited are read by it)
# shellcheck disable=SC2154,SC2034

# Everything here talks to 127.0.0.1 only: never route it through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
unset NODE_USE_ENV_PROXY
# The CLIs print colours only to a terminal; keep logs plain regardless.
export NO_COLOR=1 FORCE_COLOR=0

conformance_preconditions() {
  [[ -x "$gatehouse_bin" ]] || die "gatehouse binary not found or not executable: $gatehouse_bin (build it, or set GATEHOUSE_BIN)"
  [[ -x "$node22" ]] || die "$node22 is missing: run scripts/install-deps.sh (npm ci in tests/e2e)"
  local major
  major="$("$node22" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" \
    || die "$node22 does not run"
  ((major >= 22)) || die "$node22 is Node $major, the conformance CLIs need >= 22"
  local pkg
  for pkg in conformance-0.1.16 conformance-0.2; do
    [[ -f "node_modules/$pkg/dist/index.js" ]] || die "node_modules/$pkg is missing: run scripts/install-deps.sh"
  done
  command -v curl >/dev/null 2>&1 || die "curl is missing: run scripts/install-deps.sh"
}

# wait_gatehouse_ready PID STDOUT_LOG TIMEOUT — returns 0 with base_url set,
# or 1 with ready_error set (and ready_exited=1 when the process has exited,
# which this function has then reaped).
wait_gatehouse_ready() {
  local pid="$1" stdout_log="$2" timeout="$3" rc
  base_url="" ready_error="" ready_exited=0
  local deadline=$((SECONDS + timeout))
  # `listening on http://127.0.0.1:PORT` on stdout
  while ((SECONDS < deadline)); do
    base_url="$(grep -m1 -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$stdout_log" 2>/dev/null | sed 's/^listening on //')"
    [[ -n "$base_url" ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"; rc=$?
      ready_exited=1
      ready_error="the server exited (status $rc) before printing 'listening on http://127.0.0.1:PORT'"
      return 1
    fi
    sleep 0.1
  done
  if [[ -z "$base_url" ]]; then
    ready_error="no 'listening on http://127.0.0.1:PORT' line on the server's stdout within ${timeout}s"
    return 1
  fi
  # GET /healthz answers 200
  while ((SECONDS < deadline)); do
    curl -fsS --noproxy '*' --max-time 2 -o /dev/null "$base_url/healthz" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  ready_error="GET $base_url/healthz did not answer 200 within ${timeout}s"
  return 1
}

# stop_pid PID WHAT — stops a child of this shell and waits for it.
stop_pid() {
  local pid="$1" what="$2"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do # up to 5 s for a graceful exit
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$what did not exit within 5 s of SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  wait "$pid" 2>/dev/null
}

# run_bounded TIMEOUT LOG CMD... — `timeout` runs CMD in a process group of
# its own and, on expiry or when it is sent SIGTERM (the caller's cleanup
# does that to a cli_pid still running), signals that whole group. The
# output goes to LOG, and `tail` echoes it here as it comes.
run_bounded() {
  local limit="$1" out="$2" rc
  shift 2
  timeout --kill-after=10 "$limit" "$@" </dev/null >"$out" 2>&1 &
  cli_pid=$!
  tail -n +1 -f --pid="$cli_pid" "$out" 2>/dev/null &
  local tail_pid=$!
  wait "$cli_pid"; rc=$?
  cli_pid=""
  wait "$tail_pid" 2>/dev/null
  return "$rc"
}
