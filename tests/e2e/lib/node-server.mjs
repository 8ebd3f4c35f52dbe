// Node servers an e2e test starts beside gatehouse (MCP backends, test
// peers), each stopped by PID; any still running when the test process
// exits is killed.
//
//   const server = await startNodeServer('probe --http', ['fixtures/probe-server.mjs', '--http'],
//                                         { portRe: /listening on 127\.0\.0\.1:(\d+)/ });
//   ... server.port ... server.logs() ...
//   await server.stop();
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 20_000; // for a server to print its port
const STOP_GRACE_MS = 3_000; // SIGTERM, then SIGKILL
const KEEP_LOG = 64 * 1024; // the tail of stderr kept for messages

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

// Starts `node ARGS...` and waits until `portRe` (one group: the port)
// matches its stderr. Returns {what, port, pid, logs(), stop()}.
export async function startNodeServer(what, args, { env = {}, portRe }) {
  const child = spawn(process.execPath, args, { cwd: e2eDir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  live.add(child);
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(exitInfo);
    });
    child.on('error', (error) => {
      exitInfo = { error: error.message };
      live.delete(child);
      resolve(exitInfo);
    });
  });
  let stderr = '';
  const logs = () => stderr;
  const stop = async () => {
    if (!exitInfo) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => exitInfo || child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    return exitInfo;
  };
  child.stderr.setEncoding('utf8');
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: no listening line on stderr within ${START_TIMEOUT_MS} ms\n${stderr}`)),
        START_TIMEOUT_MS,
      );
      child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-KEEP_LOG);
        const match = portRe.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      exited.then((info) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited before listening: ${JSON.stringify(info)}\n${stderr}`));
      });
    });
    return { what, port, pid: child.pid, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
