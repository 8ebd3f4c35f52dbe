// Runs a gatehouse command to completion for an e2e test.
//
//   const { code, stdout, stderr } = await runGatehouse(['users', 'list'], { cwd });
//   const { code, stdout, stderr } = await refusedStart(['--config', file, '--data-dir', dir]);
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { gatehouseBin } from './server.mjs';

const RUN_TIMEOUT_MS = 20_000;

/**
 * @param {string[]} args
 * @param {object} [options]
 * @param {string} [options.input]  written to stdin, which is then closed (a
 *        stdio server then exits)
 * @param {object} [options.env]    added to the environment
 * @param {string} [options.cwd]
 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
 *          rejected when the command runs longer than 20 s (it is killed)
 */
export function runGatehouse(args, { input = '', env = {}, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(gatehouseBin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gatehouse ${args.join(' ')} did not exit within ${RUN_TIMEOUT_MS} ms\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // it may exit before reading; the exit status tells
    child.stdin.end(input);
  });
}

const REFUSED_START_TIMEOUT_MS = 15_000;

/**
 * `gatehouse serve --listen 127.0.0.1:0 ...args`, expected to refuse to
 * start: resolves to {code, stdout, stderr} once it has exited and its
 * output is read. Asserted: it exits by itself within 15 s (otherwise it is
 * killed and the assertion fails with what it printed).
 *
 * @param {string[]} args
 * @param {object} [options]
 * @param {object} [options.env]  added to the environment; a key whose value
 *        is undefined is removed from it
 */
export async function refusedStart(args, { env = {} } = {}) {
  const fullEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete fullEnv[name];
  const child = spawn(gatehouseBin, ['serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: fullEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, REFUSED_START_TIMEOUT_MS);
  // 'close', not 'exit': stderr may still be in flight when the process has exited.
  const code = await new Promise((resolve) => {
    child.on('close', (c) => resolve(c));
    child.on('error', () => resolve(null));
  });
  clearTimeout(timer);
  assert.equal(timedOut, false, `gatehouse started although it should refuse: ${stdout}\n${stderr.slice(-2000)}`);
  return { code, stdout, stderr };
}
