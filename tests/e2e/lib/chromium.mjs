// Debian's Chromium, driven headless by playwright-core, for browser tests of
// Gatehouse's pages (the setup browser.test.mjs uses, as functions), and a
// redirect_uri server that records what the browser brings it.
//
//   import { CHROMIUM, chromiumMissing, launchChromium, startCallbackServer, watchProblems } from './lib/chromium.mjs';
//   test('...', { skip: chromiumMissing() }, async (t) => {
//     const callback = await startCallbackServer();          // callback.url, callback.requests, close()
//     const browser = await launchChromium({ ignoreHTTPSErrors: true });
//     t.after(() => browser.close());
//     const problems = watchProblems(browser.page, (url) => url.startsWith(gatehouse.url));
//     problems.on('consent');                                  // label what follows
//     ... problems.list  // [{page, kind, text, url}]
//   });
//
// CHROMIUM_BIN overrides /usr/bin/chromium. Each launch has a new, empty
// user data directory, removed by close(); close() also kills whatever
// browser process is left (found by that directory in its command line),
// so nothing outlives the test. Everything stays on 127.0.0.1.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LAUNCH_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;

/** false when Chromium is there, else the reason to skip (for test's `skip` option). */
export const chromiumMissing = () => !existsSync(CHROMIUM) && `${CHROMIUM} not installed (apt-get install -y chromium)`;

// Processes whose parent is this one and whose command line mentions `marker`.
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

/** Whether process `pid` still exists (signal 0). */
export const alive = (pid) => {
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

/**
 * Launches headless Chromium with a new profile: {context, page, close()}.
 * `ignoreHTTPSErrors` lets it open https pages whose certificate comes from
 * a test's throwaway CA (the upstream provider fixtures).
 */
export async function launchChromium({ viewport = { width: 1280, height: 800 }, ignoreHTTPSErrors = false } = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
      viewport,
      ignoreHTTPSErrors,
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
  } catch (err) {
    for (const pid of childPidsMentioning(userDataDir)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const browserPids = childPidsMentioning(userDataDir);
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    close: async () => {
      if (closed) return;
      closed = true;
      await withTimeout(context.close(), 10_000, 'closing Chromium').catch(() => {});
      for (const pid of browserPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records what goes wrong on `page` while it shows a page whose URL
 * `watched(url)` accepts: console errors, uncaught exceptions, failed
 * requests and HTTP answers >= 400 to requests for watched URLs. A
 * deliberate error answer is left out when `expected({url, status, method})`
 * accepts it, and so is Chromium's console line about it ("Failed to load
 * resource: the server responded with a status of N"; method undefined
 * there). `on(label)` names the step for what follows; `list` holds
 * {page: label, kind, text, url}.
 */
export function watchProblems(page, watched, { expected = () => false } = {}) {
  const list = [];
  let label = 'start';
  const here = () => page.url();
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || !(watched(here()) || watched(msg.location()?.url ?? ''))) return;
    const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text())?.[1];
    if (status && expected({ url: msg.location()?.url ?? '', status: Number(status), method: undefined })) return;
    list.push({ page: label, kind: 'console.error', text: msg.text(), url: here() });
  });
  page.on('pageerror', (err) => {
    if (watched(here())) list.push({ page: label, kind: 'exception', text: String(err), url: here() });
  });
  page.on('requestfailed', (req) => {
    if (watched(req.url()) || (req.frame() === page.mainFrame() && watched(here())))
      list.push({ page: label, kind: 'request failed', text: `${req.method()} ${req.url()}: ${req.failure()?.errorText}`, url: here() });
  });
  page.on('response', (res) => {
    if (!watched(res.url()) || res.status() < 400 || expected({ url: res.url(), status: res.status(), method: res.request().method() })) return;
    list.push({ page: label, kind: 'HTTP error', text: `${res.request().method()} ${res.url()} → ${res.status()}`, url: here() });
  });
  return {
    list,
    on: (name) => {
      label = name;
    },
  };
}

/**
 * The redirect URI's server on http://127.0.0.1:<free port>/callback: records
 * every request ({method, url}), answers a small page (204 for
 * /favicon.ico). Returns {url, requests, close()}.
 */
export async function startCallbackServer() {
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
