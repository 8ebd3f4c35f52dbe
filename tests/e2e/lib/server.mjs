// Starts a `gatehouse serve` process for an end-to-end test and stops it again.
//
//   import { startServer } from './lib/server.mjs';
//   const server = await startServer();          // builtin:everything backend
//   await fetch(`${server.url}/healthz`);        // server.url = http://127.0.0.1:PORT
//   await server.stop();
//
// startServing() does the same for any program that serves the way
// `gatehouse serve` does (a program built on the library's gatehouse::serve):
//
//   const server = await startServing('/path/to/hello', ['127.0.0.1:0', dir]);
//
// The server listens on 127.0.0.1:0 (a free port the kernel picks) unless
// options.listen says otherwise; the port is learned from the one line the
// server prints on stdout, `listening on http://127.0.0.1:PORT`, and
// startServer() returns only once GET /healthz answers 200. The binary is
// $GATEHOUSE_BIN, by default <repo>/build/app/gatehouse.
//
// With `--auth oauth` the first start on a data directory also prints
// `created user admin with password PW (change it with: ...)` before the
// `listening on` line; startServer() returns that password as
// server.adminPassword (null when the line was not printed, e.g. on a restart).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const gatehouseBin =
  process.env.GATEHOUSE_BIN || path.join(repoRoot, 'build', 'app', 'gatehouse');

const LISTENING_RE = /listening on (http:\/\/127\.0\.0\.1:(\d+))\b/;
// Matched only once the password is followed by more of its line, so a line
// split across two reads never yields half a password.
const CREATED_USER_RE = /^created user (\S+) with password (\S+)[ \t]*(?:\(|\r?\n)/m;
const KEEP_STDERR = 64 * 1024; // keep the last 64 KiB of the server's logs

// Every server still running is killed when the test process exits, so a
// crashed or timed-out test never leaves one behind.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts `gatehouse serve --listen 127.0.0.1:0 ...args`.
 *
 * @param {object}   [options]
 * @param {string[]} [options.args]  arguments after `--listen 127.0.0.1:0`;
 *        default `--backend builtin:everything`. A `--data-dir` is added
 *        (a fresh temporary directory, removed by stop()) unless given.
 * @param {string}   [options.listen] address to listen on (default
 *        127.0.0.1:0; a fixed port restarts a server on the address it had)
 * @param {object}   [options.env]   extra environment variables
 * @param {number}   [options.startTimeoutMs] how long to wait for the
 *        `listening on` line and a healthy /healthz (default 30 s)
 * @returns {Promise<{url: string, mcpUrl: string, port: number, pid: number,
 *          dataDir: string, adminUser: string|null, adminPassword: string|null,
 *          logs: () => string, stop: () => Promise<{code: number|null, signal: string|null}>}>}
 */
export async function startServer({
  args = ['--backend', 'builtin:everything'],
  listen = '127.0.0.1:0',
  env = {},
  startTimeoutMs = 30_000,
} = {}) {
  let dataDir = null; // a temporary directory stop() removes
  const fullArgs = ['serve', '--listen', listen, ...args];
  if (!args.includes('--data-dir')) {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-'));
    fullArgs.push('--data-dir', dataDir);
  }
  return startServing(gatehouseBin, fullArgs, {
    env,
    startTimeoutMs,
    dataDir: dataDir ?? args[args.indexOf('--data-dir') + 1],
    removeDataDir: dataDir !== null,
  });
}

/**
 * Starts `command ...args`, a program that serves the way `gatehouse serve`
 * does: it prints `listening on http://127.0.0.1:PORT` on stdout (after
 * `created user NAME with password PW` on a first start) and answers
 * GET /healthz. Resolves as startServer() does, once /healthz answers 200.
 *
 * @param {string}   command  the program
 * @param {string[]} args
 * @param {object}   [options]
 * @param {object}   [options.env]     extra environment variables
 * @param {number}   [options.startTimeoutMs]  default 30 s
 * @param {string}   [options.dataDir] the data directory the program was
 *        given (returned as dataDir)
 * @param {boolean}  [options.removeDataDir]  stop() removes dataDir
 */
export async function startServing(command, args, { env = {}, startTimeoutMs = 30_000, dataDir = null, removeDataDir = false } = {}) {
  const name = path.basename(command);
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  live.add(child);

  // Exit bookkeeping: a promise that settles when the process has exited.
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(exitInfo);
    });
    child.on('error', (err) => {
      // spawn failure (e.g. binary missing): report it as an exit
      exitInfo = { code: null, signal: null, error: err };
      live.delete(child);
      resolve(exitInfo);
    });
  });

  // Keep the tail of stderr (JSON log lines) for error messages.
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-KEEP_STDERR);
  });
  const logs = () => stderr;

  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (!exitInfo) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!exitInfo) child.kill('SIGKILL');
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (removeDataDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
    return exitInfo;
  };

  const describe = (what) =>
    `${what}\n  command: ${command} ${args.join(' ')}` +
    (exitInfo
      ? `\n  exited: code=${exitInfo.code} signal=${exitInfo.signal}` +
        (exitInfo.error ? ` (${exitInfo.error.message})` : '')
      : '') +
    `\n  stderr (tail):\n${stderr.slice(-4000)}`;

  try {
    const deadline = Date.now() + startTimeoutMs;
    const { url, createdUser } = await readListeningUrl(child, exited, deadline, describe, name);
    await waitHealthy(url, exited, deadline, describe, name);
    const port = Number(new URL(url).port);
    return {
      url,
      mcpUrl: `${url}/mcp`,
      port,
      pid: child.pid,
      dataDir,
      adminUser: createdUser?.[1] ?? null,
      adminPassword: createdUser?.[2] ?? null,
      logs,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// Reads stdout until the `listening on http://127.0.0.1:PORT` line appears,
// noting a `created user NAME with password PW` line printed before it.
// Other stdout lines are ignored; stdout keeps being drained afterwards so the
// server can never block on a full pipe.
function readListeningUrl(child, exited, deadline, describe, name) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let createdUser = null;
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn(value);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (done) return;
      buffered += chunk;
      createdUser ??= CREATED_USER_RE.exec(buffered);
      const match = LISTENING_RE.exec(buffered);
      if (match) finish(resolve, { url: match[1], createdUser });
      else buffered = buffered.slice(-4096);
    });
    exited.then(() =>
      finish(reject, new Error(describe(`${name} exited before printing "listening on"`))),
    );
    const timer = setTimeout(
      () => finish(reject, new Error(describe('no "listening on http://127.0.0.1:PORT" line on stdout in time'))),
      Math.max(0, deadline - Date.now()),
    );
  });
}

// Polls GET /healthz until it answers 200.
async function waitHealthy(url, exited, deadline, describe, name) {
  let last = 'no answer';
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(describe(`${name} exited while waiting for /healthz`));
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(describe(`GET ${url}/healthz did not answer 200 in time (last: ${last})`));
}

/**
 * Runs `fn` and, when it throws, appends the tail of `server`'s logs (its
 * stderr) to the error's message: a failing test then shows what Gatehouse
 * said.
 */
export async function withLogs(server, fn) {
  try {
    return await fn();
  } catch (err) {
    if (err && typeof err === 'object' && server) err.message += `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-4000)}`;
    throw err;
  }
}
