// The sign-in and consent pages of `gatehouse serve --auth oauth` in a real
// browser: Debian's Chromium (/usr/bin/chromium), driven headless by
// playwright-core with a new, empty user data directory.
//
//   1. The test registers a client (/register) whose redirect URI is a tiny
//      HTTP server it runs on 127.0.0.1, which records what it receives.
//   2. Chromium opens /authorize (PKCE S256, state, resource), the test fills
//      the sign-in form, then approves on the consent page.
//   3. The browser must arrive at the callback with code, state and iss; the
//      code must redeem at /token.
//   4. Neither page may log a console error or throw (CSP violations, for
//      one, are console errors).
//
// Screenshots go to tests/e2e/artifacts/ (gitignored): browser-login.png,
// browser-consent.png and browser-consent-375px.png (a 375 px wide phone
// viewport).
//
// Run: cd tests/e2e && node --test browser.test.mjs
// CHROMIUM_BIN overrides /usr/bin/chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TEST_TIMEOUT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000; // each navigation / wait
const HTTP_TIMEOUT_MS = 10_000;

// The redirect URI's server: records every request, answers a small page
// (and 204 for /favicon.ico, so the browser has nothing to complain about).
async function startCallbackServer() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url });
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>callback</title></head><body><p>Received.</p></body></html>');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/callback`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// Processes whose parent is this one and whose command line mentions `marker`
// (the browser Playwright spawned, found by its user data directory).
function childPidsMentioning(marker) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const withTimeout = (promise, ms, what) => {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms))),
  ]);
};

test('Chromium: sign in, approve, arrive at the callback with code, state and iss', { timeout: TEST_TIMEOUT_MS, skip: !existsSync(CHROMIUM) && `${CHROMIUM} not installed (apt-get install -y chromium)` }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });

  const server = await startServer({ args: ['--auth', 'oauth', '--backend', 'builtin:demo'] });
  t.after(() => server.stop());
  assert.ok(server.adminPassword, 'the first start printed the admin password');
  const callback = await startCallbackServer();
  t.after(() => callback.close());

  // 1. A client, registered like any MCP client.
  const reg = await fetch(`${server.url}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      client_name: 'Browser Test Client',
      redirect_uris: [callback.url],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const client = await reg.json();
  assert.equal(reg.status, 201, `POST /register: ${JSON.stringify(client)}`);

  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorizeUrl = new URL(`${server.url}/authorize`);
  authorizeUrl.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: callback.url,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    scope: 'mcp',
    resource: server.mcpUrl,
  }).toString();

  // 2. Chromium, headless, with a new empty profile.
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
    viewport: { width: 1280, height: 800 },
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  });
  const browserPids = childPidsMentioning(userDataDir);
  t.after(async () => {
    await withTimeout(context.close(), 10_000, 'closing Chromium').catch(() => {});
    for (const pid of browserPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(userDataDir, { recursive: true, force: true });
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);

  const page = context.pages()[0] ?? (await context.newPage());
  // Problems, by the page they happened on ("login", "consent", "callback").
  let current = 'login';
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push({ page: current, kind: 'console.error', text: msg.text(), location: msg.location()?.url });
  });
  page.on('pageerror', (err) => problems.push({ page: current, kind: 'exception', text: String(err) }));
  page.on('requestfailed', (req) => {
    // The callback page is ours; anything failing on gatehouse's pages counts.
    if (req.url().startsWith(server.url))
      problems.push({ page: current, kind: 'request failed', text: `${req.method()} ${req.url()}: ${req.failure()?.errorText}` });
  });
  page.on('response', (res) => {
    if (res.url().startsWith(server.url) && res.status() >= 400)
      problems.push({ page: current, kind: 'HTTP error', text: `${res.request().method()} ${res.url()} → ${res.status()}` });
  });

  const context_ = () =>
    `\n  page: ${page.url()}\n  problems: ${JSON.stringify(problems, null, 2)}` +
    `\n  callback requests: ${JSON.stringify(callback.requests)}` +
    `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-3000)}`;

  try {
    // The sign-in page.
    const first = await page.goto(authorizeUrl.href, { waitUntil: 'load' });
    assert.equal(first.status(), 200, 'GET /authorize → 200');
    assert.match(await page.title(), /Sign in/, 'the sign-in page');
    await page.locator('#username').waitFor({ state: 'visible' });
    assert.ok(await page.evaluate(() => document.styleSheets.length > 0 && [...document.styleSheets].some((s) => s.cssRules.length > 0)), 'the stylesheet loaded');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-login.png'), fullPage: true });

    await page.fill('#username', server.adminUser);
    await page.fill('#password', server.adminPassword);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type="submit"]')]);

    // The consent page.
    current = 'consent';
    assert.match(await page.title(), /Allow access/, `the consent page after signing in (got "${await page.title()}")`);
    const text = await page.locator('main').innerText();
    assert.match(text, /Browser Test Client/, 'the consent page names the client');
    assert.match(text, /admin/, 'the consent page names the signed-in user');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-consent.png'), fullPage: true });

    // The same page on a 375 px wide phone screen.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-consent-375px.png'), fullPage: true });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `no horizontal scrolling at 375 px: scrollWidth ${widths.scroll} > clientWidth ${widths.client}`);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Approve: the browser follows the 302 to the callback.
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${callback.url}?`), { waitUntil: 'load' }),
      page.click('button[name="decision"][value="approve"]'),
    ]);
    current = 'callback';
    const arrived = new URL(page.url());
    assert.equal(`${arrived.origin}${arrived.pathname}`, callback.url);
    const code = arrived.searchParams.get('code');
    assert.ok(code, `code in the callback URL: ${arrived.href}`);
    assert.equal(arrived.searchParams.get('state'), state, 'state comes back unchanged');
    assert.equal(arrived.searchParams.get('iss'), server.url, 'iss is the issuer');
    assert.equal(arrived.searchParams.get('error'), null);
    const hits = callback.requests.filter((r) => r.url.startsWith('/callback?'));
    assert.equal(hits.length, 1, 'the callback server received the redirect once');
    assert.equal(new URL(hits[0].url, callback.url).searchParams.get('code'), code);

    // 3. The code redeems.
    const token = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.url,
        code_verifier: verifier,
        client_id: client.client_id,
        resource: server.mcpUrl,
      }).toString(),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const tokens = await token.json();
    assert.equal(token.status, 200, `the code redeems: ${JSON.stringify(tokens)}`);
    assert.equal(typeof tokens.access_token, 'string');

    // 4. No console errors, exceptions or failed requests on either page
    //    (checked last, so that everything above is known to work even when
    //    this fails).
    assert.deepEqual(problems.filter((p) => p.page === 'login'), [], 'the sign-in page logged no errors');
    assert.deepEqual(problems.filter((p) => p.page === 'consent'), [], 'the consent page logged no errors');
  } catch (err) {
    err.message += context_();
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-failure.png'), fullPage: true }).catch(() => {});
    throw err;
  }
});
