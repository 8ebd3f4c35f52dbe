// What an operator meets on the command line and in a browser, against the
// real binary: misspelt commands, a busy port, --stdio with an auth mode
// (L10), where state goes, and the page at `/`.
//
// Run: node --test tests/e2e/operator.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGatehouse } from './lib/run.mjs';
import { startServer } from './lib/server.mjs';

const TEST_TIMEOUT_MS = 60_000;

const run = (args, options) => runGatehouse(args, options);

function scratch() {
  return mkdtempSync(path.join(tmpdir(), 'gatehouse-operator-'));
}

test('OperatorExperience: an unknown command is named, with the closest one', { timeout: TEST_TIMEOUT_MS }, async () => {
  const user = await run(['user', 'add', 'bob']);
  assert.equal(user.code, 2);
  assert.equal(user.stderr, "gatehouse: unknown command 'user'; did you mean 'users'?\n");
  assert.equal(user.stdout, '');

  const doctor = await run(['doctor']);
  assert.equal(doctor.code, 2);
  assert.match(doctor.stderr, /^gatehouse: 'gatehouse doctor' needs URL \(The MCP URL Claude would be given, e\.g\. https:\/\/mcp\.example\.com\/mcp\); 'gatehouse doctor --help' says what it takes\n$/);

  const flag = await run(['serve', '--lisen', '127.0.0.1:0']);
  assert.equal(flag.code, 2);
  assert.equal(flag.stderr, "gatehouse: unknown option '--lisen' for 'gatehouse serve'; did you mean '--listen'?\n");

  const bare = await run([]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /^gatehouse: 'gatehouse' needs a command: serve, users, clients, grants, keys or doctor/);

  const help = await run(['--help']);
  assert.equal(help.code, 0, 'help still works');
  assert.match(help.stdout, /serve/);
});

test('OperatorExperience: a busy port is reported as "address ... is in use"', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startServer({ args: ['--backend', 'builtin:demo'] });
  const dir = scratch();
  try {
    const second = await run(['serve', '--listen', `127.0.0.1:${server.port}`, '--data-dir', dir]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, new RegExp(`gatehouse: address 127\\.0\\.0\\.1:${server.port} is in use: `));
    assert.doesNotMatch(second.stderr, /\.hpp|\.ipp|system:\d+/, 'no library source path or raw error code');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('L10: --stdio with --auth oauth or api-key refuses to start and says why', { timeout: TEST_TIMEOUT_MS }, async () => {
  const dir = scratch();
  try {
    for (const mode of ['oauth', 'api-key']) {
      const result = await run(['serve', '--stdio', '--auth', mode, '--data-dir', dir]);
      assert.equal(result.code, 2, `--auth ${mode}: exit code`);
      assert.equal(result.stdout, '', 'nothing on the protocol channel');
      assert.match(result.stderr, new RegExp(`^gatehouse: --stdio cannot be used with --auth ${mode}: over stdio the MCP client starts Gatehouse itself`));
      assert.match(result.stderr, /drop --auth, or pass --auth none/);
      assert.match(result.stderr, /serve Streamable HTTP instead \(without --stdio\)/);
    }
    const none = await run(['serve', '--stdio', '--auth', 'none', '--data-dir', dir]);
    assert.equal(none.code, 0, `--auth none over stdio still serves: ${none.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('OperatorExperience: a stdio server keeps its state in the per-user data directory', { timeout: TEST_TIMEOUT_MS }, async () => {
  const xdg = scratch();
  const cwd = scratch();
  try {
    const result = await run(['serve', '--stdio', '--backend', 'builtin:demo'], { env: { XDG_DATA_HOME: xdg }, cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '', 'stdout is the protocol channel');
    const dataDir = path.join(xdg, 'gatehouse');
    assert.ok(result.stderr.includes(`gatehouse: stdio server; state in ${dataDir} (the per-user default`), result.stderr);
    assert.ok(existsSync(dataDir), 'the per-user directory was created');
    assert.ok(!existsSync(path.join(cwd, 'var')), 'nothing dropped into the client\'s working directory');

    // --data-dir still wins.
    const explicit = path.join(cwd, 'state');
    const chosen = await run(['serve', '--stdio', '--data-dir', explicit], { env: { XDG_DATA_HOME: xdg }, cwd });
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.ok(existsSync(explicit));
    assert.doesNotMatch(chosen.stderr, /per-user default/);
  } finally {
    rmSync(xdg, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('OperatorExperience: a command that creates a new data directory says so, once', { timeout: TEST_TIMEOUT_MS }, async () => {
  const cwd = scratch();
  try {
    const first = await run(['users', 'list'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stderr,
      `gatehouse: created a new, empty data directory ${path.join(cwd, 'var')} (no accounts, clients or keys from elsewhere are in it; pass --data-dir to use an existing one)\n`,
    );
    const again = await run(['users', 'list'], { cwd });
    assert.equal(again.stderr, '', 'an existing directory is not announced');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('OperatorExperience: a browser at / gets a page, programs keep their JSON', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startServer({ args: ['--auth', 'oauth', '--backend', 'builtin:demo'] });
  try {
    const page = await fetch(`${server.url}/`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const html = await page.text();
    assert.ok(html.includes(`<code>${server.mcpUrl}</code>`), 'names the MCP URL');
    assert.ok(html.includes(`claude mcp add --transport http gatehouse-demo ${server.mcpUrl}`), 'Claude Code command');
    assert.match(html, /custom connector/);
    assert.match(html, /OAuth 2\.1 sign-in/);
    assert.ok(!html.includes('admin') && !html.includes(server.adminPassword), 'no account names or secrets');
    const css = await fetch(`${server.url}/assets/gatehouse.css`);
    assert.equal(css.status, 200);
    await css.arrayBuffer();

    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await fetch(`${server.url}/`, { headers: accept ? { Accept: accept } : {} });
      assert.equal(res.status, 404, `Accept: ${accept}`);
      assert.match(res.headers.get('content-type'), /^application\/json/);
      assert.deepEqual(await res.json(), { error: 'not_found', error_description: 'no resource at /' });
    }
    const post = await fetch(`${server.url}/`, { method: 'POST', headers: { Accept: 'text/html' }, body: '{}' });
    assert.equal(post.status, 404, 'only GET gets the page');
    await post.arrayBuffer();
  } finally {
    await server.stop();
  }
});
