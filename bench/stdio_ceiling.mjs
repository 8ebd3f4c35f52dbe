// The raw ceiling of an MCP server over stdio, for bench/run_gateway.sh: no
// HTTP, no gateway. Starts the server, initializes it, then keeps WINDOW
// tools/call requests outstanding on its stdin for SECONDS (after a warm-up
// of WARMUP seconds) and counts the answers.
//
//   node bench/stdio_ceiling.mjs SECONDS WINDOW WARMUP TOOL ARGUMENTS_JSON -- COMMAND ARGS...
//
// Prints one JSON line: {"calls": N, "seconds": S, "calls_per_s": R, "p50_ms": A, "p99_ms": B, "errors": E}.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [seconds, window, warmup, tool, argumentsJson, dashdash, command, ...args] = process.argv.slice(2);
if (dashdash !== '--' || !command) {
  console.error('usage: stdio_ceiling.mjs SECONDS WINDOW WARMUP TOOL ARGUMENTS_JSON -- COMMAND ARGS...');
  process.exit(2);
}
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
const lines = createInterface({ input: child.stdout });
const waiting = new Map(); // id -> [resolve, sent at]
lines.on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.id === undefined || message.method !== undefined) return; // notifications and requests
  const entry = waiting.get(message.id);
  if (!entry) return;
  waiting.delete(message.id);
  entry[0](message);
});
let nextId = 1;
function call(method, params) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, [resolve, performance.now()]);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
  });
}

const init = await call('initialize', {
  protocolVersion: '2025-11-25',
  capabilities: {},
  clientInfo: { name: 'stdio-ceiling', version: '1' },
});
if (!init.result) throw new Error(`initialize failed: ${JSON.stringify(init)}`);
child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);

const toolArguments = JSON.parse(argumentsJson);
async function run(durationMs, record) {
  const end = performance.now() + durationMs;
  let calls = 0;
  let errors = 0;
  const latencies = [];
  async function loop() {
    while (performance.now() < end) {
      const start = performance.now();
      const answer = await call('tools/call', { name: tool, arguments: toolArguments });
      if (!answer.result || answer.result.isError) errors += 1;
      calls += 1;
      if (record) latencies.push(performance.now() - start);
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: Number(window) }, loop));
  return { calls, errors, latencies, seconds: (performance.now() - started) / 1000 };
}
await run(Number(warmup) * 1000, false);
const r = await run(Number(seconds) * 1000, true);
r.latencies.sort((a, b) => a - b);
const at = (q) => r.latencies[Math.min(r.latencies.length - 1, Math.floor(q * r.latencies.length))] ?? 0;
console.log(JSON.stringify({
  calls: r.calls,
  seconds: Number(r.seconds.toFixed(2)),
  calls_per_s: Math.round(r.calls / r.seconds),
  p50_ms: Number(at(0.5).toFixed(2)),
  p99_ms: Number(at(0.99).toFixed(2)),
  errors: r.errors,
}));
child.kill();
