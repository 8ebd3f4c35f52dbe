// Client ID Metadata Documents under load (127.0.0.1 only; stops by itself).
//
//   node bench/cimd.mjs [SECONDS=5] [CONNECTIONS=16] [BURST=200]
//
// Starts a local HTTPS document host (tests/e2e/lib/document-host.mjs) and
// `gatehouse serve --auth oauth --insecure-dev --ca-file <test CA>`, then:
//   1. burst: BURST simultaneous GET /authorize for a client id nobody has
//      asked for yet, whose document host answers after 300 ms; counts how
//      many times the document was fetched (single flight: 1), three rounds;
//   2. wrk -t1 -cCONNECTIONS for SECONDS on GET /authorize (the sign-in
//      page) for: a client registered with DCR (the baseline: a store
//      lookup), a CIMD client whose document is cached, and a CIMD client
//      whose document says no-store (an HTTPS fetch per request).
// Prints a JSON summary. Needs the built binary (GATEHOUSE_BIN or
// build/app/gatehouse), wrk, openssl and Node 20.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jsonAnswer, makeCertificates, startDocumentHost } from '../tests/e2e/lib/document-host.mjs';
import { startServer } from '../tests/e2e/lib/server.mjs';

const [seconds = 5, connections = 16, burst = 200] = process.argv.slice(2).map(Number);
const REDIRECT = 'https://app.example.com/callback';

const document = (clientId) => ({
  client_id: clientId,
  client_name: 'bench client',
  redirect_uris: [REDIRECT],
  token_endpoint_auth_method: 'none',
});

function authorizeUrl(base, clientId) {
  const verifier = randomBytes(32).toString('base64url');
  const u = new URL(`${base}/authorize`);
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'bench',
  }).toString();
  return u.href;
}

// wrk's summary: requests/s, p50 and p99 in ms, non-2xx count. Asynchronous:
// the document host lives in this process and must keep answering.
async function wrk(url) {
  const { stdout: out } = await promisify(execFile)('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], {
    encoding: 'utf8',
  });
  const ms = (label) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return null;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  return {
    requests_per_s: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50_ms: ms('50'),
    p99_ms: ms('99'),
    non_2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-cimd-'));
const killer = setTimeout(() => {
  console.error('bench/cimd.mjs: time budget exceeded');
  process.exit(1);
}, (3 * seconds + 120) * 1000);
let host;
let server;
try {
  const certs = makeCertificates(dir);
  host = await startDocumentHost(certs, {
    '/cached.json': (origin, p) => jsonAnswer(document(origin + p), { 'Cache-Control': 'max-age=3600' }),
    '/no-store.json': (origin, p) => jsonAnswer(document(origin + p), { 'Cache-Control': 'no-store' }),
    '*': (origin, p) => (p.startsWith('/burst-') ? { ...jsonAnswer(document(origin + p)), delayMs: 300 } : null),
  });
  server = await startServer({
    args: ['--auth', 'oauth', '--backend', 'builtin:demo', '--insecure-dev', '--ca-file', certs.ca, '--log-level', 'warn'],
    env: { GATEHOUSE_OAUTH_CIMD_ALLOWED_PORTS: String(host.port) },
  });

  // 1. Bursts for fresh client ids.
  const bursts = [];
  for (let round = 1; round <= 3; round++) {
    const docPath = `/burst-${round}.json`;
    const url = authorizeUrl(server.url, host.origin + docPath);
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: burst }, () => fetch(url, { redirect: 'manual' }).then(async (r) => (await r.text(), r.status))),
    );
    bursts.push({
      requests: burst,
      ok: statuses.filter((s) => s === 200).length,
      document_fetches: host.count(docPath),
      ms: Math.round(performance.now() - started),
    });
  }

  // 2. /authorize throughput.
  const registration = await fetch(`${server.url}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'bench', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
  }).then((r) => r.json());
  const targets = {
    registered_client: authorizeUrl(server.url, registration.client_id),
    cimd_cached: authorizeUrl(server.url, `${host.origin}/cached.json`),
    cimd_no_store: authorizeUrl(server.url, `${host.origin}/no-store.json`),
  };
  await fetch(targets.cimd_cached).then((r) => r.text()); // warm the cache
  const load = {};
  for (const [name, url] of Object.entries(targets)) {
    const before = host.count('/no-store.json');
    load[name] = await wrk(url);
    if (name === 'cimd_no_store') load[name].document_fetches = host.count('/no-store.json') - before;
  }
  for (const name of Object.keys(load)) load[name].vs_registered = +(load[name].requests_per_s / load.registered_client.requests_per_s).toFixed(2);
  console.log(JSON.stringify({ seconds, connections, bursts, authorize: load, load_average: execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim() }, null, 2));
} finally {
  await server?.stop();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
  clearTimeout(killer);
}
