// End-to-end test of `mcp-remote` (npm, pinned in package.json), the stdio ↔
// remote proxy many desktop MCP hosts use, completing its OAuth flow against
// `gatehouse serve --auth oauth --backend builtin:demo` without a real browser:
//
//   - mcp-remote discovers the authorization server, registers itself (DCR),
//     and "opens the browser" through the `open` package → xdg-open, which,
//     with no desktop detected (DISPLAY, WAYLAND_DISPLAY, XDG_CURRENT_DESKTOP
//     and DBUS_SESSION_BUS_ADDRESS removed), runs $BROWSER with the URL;
//   - $BROWSER is a wrapper around lib/headless-browser.mjs, which signs in,
//     approves consent and GETs the redirect to mcp-remote's callback
//     (127.0.0.1:<free port>/oauth/callback), logging each step to a file;
//   - mcp-remote exchanges the code, connects, and proxies stdio: the test
//     sends initialize, tools/list and tools/call echo on its stdin.
//
// mcp-remote's credential store (MCP_REMOTE_CONFIG_DIR) and HOME are
// temporary directories, so nothing outside them is read or written.
//
// Run: cd tests/e2e && node --test mcp-remote.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { alive } from './lib/chromium.mjs';
import { startServer } from './lib/server.mjs';
import { freePort } from './lib/free-port.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const MCP_REMOTE = path.join(here, 'node_modules', 'mcp-remote', 'dist', 'proxy.js');
const BROWSER_SCRIPT = path.join(here, 'lib', 'headless-browser.mjs');

const TEST_TIMEOUT_MS = 90_000;
const AUTH_TIMEOUT_S = 30; // mcp-remote --auth-timeout
const RESPONSE_TIMEOUT_MS = 45_000; // the first answer waits for the whole OAuth flow
const REQUEST_TIMEOUT_MS = 15_000;

function readEvents(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

test('mcp-remote completes its OAuth flow headlessly and proxies tools/list', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-mcp-remote-'));
  const dataDir = path.join(work, 'data');
  const configDir = path.join(work, 'mcp-auth');
  const browserLog = path.join(work, 'browser.log');
  const browserWrapper = path.join(work, 'browser.sh');
  // xdg-open splits $BROWSER on ':' and runs it as a command: a wrapper
  // script keeps paths with spaces or colons out of it.
  writeFileSync(browserWrapper, `#!/bin/sh\nexec '${process.execPath.replaceAll("'", "'\\''")}' '${BROWSER_SCRIPT.replaceAll("'", "'\\''")}' "$@"\n`);
  chmodSync(browserWrapper, 0o755);

  const server = await startServer({ args: ['--auth', 'oauth', '--backend', 'builtin:demo', '--data-dir', dataDir] });
  t.after(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });
  assert.ok(server.adminPassword, 'the first start printed the admin password');

  const callbackPort = await freePort();
  const env = { ...process.env };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_CURRENT_DESKTOP', 'DBUS_SESSION_BUS_ADDRESS', 'KDE_FULL_SESSION', 'GNOME_DESKTOP_SESSION_ID', 'DESKTOP_SESSION'])
    delete env[name];
  Object.assign(env, {
    HOME: work,
    MCP_REMOTE_CONFIG_DIR: configDir,
    BROWSER: browserWrapper,
    GATEHOUSE_E2E_USERNAME: server.adminUser,
    GATEHOUSE_E2E_PASSWORD: server.adminPassword,
    GATEHOUSE_E2E_BROWSER_LOG: browserLog,
    GATEHOUSE_E2E_BROWSER_TIMEOUT_MS: String(AUTH_TIMEOUT_S * 1000),
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  });
  const args = [
    MCP_REMOTE,
    server.mcpUrl,
    String(callbackPort),
    '--host',
    '127.0.0.1',
    '--transport',
    'http-only',
    '--auth-timeout',
    String(AUTH_TIMEOUT_S),
    '--connect-timeout',
    '10',
    '--headers-timeout',
    '30',
  ];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: work });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
  });
  t.after(async () => {
    // Stop mcp-remote (closing stdin first, as an MCP host does), and any
    // "browser" still running.
    child.stdin.end();
    let timer;
    const result = await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
    if (!result && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t2 = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(t2);
    }
    for (const event of readEvents(browserLog)) if (event.pid && alive(event.pid)) process.kill(event.pid, 'SIGKILL');
  });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => {
    stderr = (stderr + c).slice(-32_768);
  });
  const context = () =>
    `\n--- mcp-remote stderr (tail) ---\n${stderr.slice(-5000)}` +
    `\n--- headless browser log ---\n${existsSync(browserLog) ? readFileSync(browserLog, 'utf8').slice(-4000) : '(none)'}` +
    `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-3000)}`;

  const nonJson = [];
  const waiters = new Map();
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      nonJson.push(line);
      return;
    }
    if (msg && waiters.has(msg.id)) waiters.get(msg.id)(msg);
  });
  const request = (id, method, params, timeoutMs = REQUEST_TIMEOUT_MS) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(id);
        reject(new Error(`no answer to ${method} (id ${id}) from mcp-remote within ${timeoutMs} ms`));
      }, timeoutMs);
      exited.then((info) => {
        clearTimeout(timer);
        reject(new Error(`mcp-remote exited before answering ${method}: ${JSON.stringify(info)}`));
      });
      waiters.set(id, (msg) => {
        clearTimeout(timer);
        waiters.delete(id);
        resolve(msg);
      });
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params && { params }) }) + '\n');
    });

  try {
    // The host's initialize is answered once the OAuth flow is through.
    const init = await request(
      1,
      'initialize',
      { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gatehouse-e2e-host', version: '0.0.0' } },
      RESPONSE_TIMEOUT_MS,
    );
    assert.equal(init.error, undefined, JSON.stringify(init));
    assert.equal(init.result?.serverInfo?.name, 'gatehouse-demo', JSON.stringify(init));

    // The browser step: sign-in page, consent page, then mcp-remote's callback.
    const events = readEvents(browserLog);
    const errors = events.filter((e) => e.event === 'error');
    assert.deepEqual(errors, [], 'the headless browser hit no errors');
    const starts = events.filter((e) => e.event === 'start');
    assert.equal(starts.length, 1, 'the "browser" was opened once');
    const authUrl = new URL(starts[0].url);
    assert.equal(`${authUrl.origin}${authUrl.pathname}`, `${server.url}/authorize`);
    assert.equal(authUrl.searchParams.get('redirect_uri'), `http://127.0.0.1:${callbackPort}/oauth/callback`);
    assert.equal(authUrl.searchParams.get('resource'), server.mcpUrl);
    assert.ok(authUrl.searchParams.get('client_id'), 'a client_id (from dynamic registration)');
    const authorized = events.find((e) => e.event === 'authorized');
    assert.deepEqual(authorized?.pages, ['login', 'consent']);
    assert.ok(authorized.code, JSON.stringify(authorized));
    assert.equal(authorized.iss, server.url, 'iss in the redirect');
    const callback = events.find((e) => e.event === 'callback');
    assert.equal(callback?.status, 200, `mcp-remote's callback page: ${JSON.stringify(callback)}`);
    assert.match(callback.body, /Authorization successful/i);

    // mcp-remote kept what /register returned and the tokens.
    const store = path.join(configDir, 'mcp-remote-v1');
    const files = readdirSync(store);
    const clientFile = files.find((f) => f.endsWith('_client_info.json'));
    const tokensFile = files.find((f) => f.endsWith('_tokens.json'));
    assert.ok(clientFile && tokensFile, `client info and tokens stored: ${files}`);
    const clientInfo = JSON.parse(readFileSync(path.join(store, clientFile), 'utf8'));
    assert.equal(clientInfo.client_id, authUrl.searchParams.get('client_id'));
    const tokens = JSON.parse(readFileSync(path.join(store, tokensFile), 'utf8'));
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string', 'a refresh token was issued');

    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    const list = await request(2, 'tools/list', {});
    assert.equal(list.error, undefined, JSON.stringify(list));
    const names = (list.result?.tools ?? []).map((tool) => tool.name);
    assert.ok(names.includes('echo'), `tools/list through mcp-remote has echo: ${names}`);
    const call = await request(3, 'tools/call', { name: 'echo', arguments: { text: 'via mcp-remote' } });
    assert.equal(call.result?.content?.[0]?.text, 'via mcp-remote', JSON.stringify(call));

    assert.deepEqual(nonJson, [], 'mcp-remote wrote only JSON-RPC lines on stdout');
  } catch (err) {
    err.message += context();
    throw err;
  }

  // Closing stdin ends mcp-remote.
  child.stdin.end();
  let timer;
  const result = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(null), 10_000)))]);
  clearTimeout(timer);
  assert.ok(result, 'mcp-remote exits within 10 s of its stdin being closed');
});
