// Runs a gatehouse command to completion for an e2e test.
//
//   const { code, stdout, stderr } = await runGatehouse(['users', 'list'], { cwd });
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
