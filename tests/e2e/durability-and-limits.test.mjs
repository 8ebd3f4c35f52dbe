// What a user or operator meets when files or connections run short: a
// damaged note store, an empty database, connection limits, a rebound Host
// name, a body in the wrong charset. Each test starts its own server.
//
// Run: node --test tests/e2e/durability-and-limits.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { gatehouseBin, startServer } from './lib/server.mjs';

const TEST_TIMEOUT = { timeout: 60_000 };
const REQUEST = { timeout: 15_000 };

async function withServer(options, fn) {
  const server = await startServer(options);
  try {
    await fn(server);
  } catch (err) {
    err.message += `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-4000)}`;
    throw err;
  } finally {
    await server.stop();
  }
}

/** One request with node:http, so Host can be anything. Resolves {status, type, body}. */
function rawRequest(port, { method = 'GET', path: target = '/', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: target, headers, agent: false, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'] ?? '', body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Opens a TCP connection, sends GET /healthz (keep-alive) unless `send` is
 * false, and resolves with the first response's text (or whatever arrived
 * before the server closed) and the socket, still open when the server keeps it.
 */
function connectAndGet(port, { send = true } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    const done = () => resolve({ text, socket });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('error', (err) => (err.code === 'ECONNRESET' ? done() : reject(err)));
    socket.on('end', done);
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(text);
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) done();
    });
    if (send) socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
  });
}

async function mcpClient(server) {
  const client = new Client({ name: 'gatehouse-e2e', version: '0.0.0' }, { capabilities: {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl)), REQUEST);
  return client;
}

const textOf = (result) => result.content?.find((c) => c.type === 'text')?.text ?? '';

test('H4: a damaged note file is refused with a tool error and left as it was', TEST_TIMEOUT, () =>
  withServer({ args: ['--backend', 'builtin:demo'] }, async (server) => {
    const client = await mcpClient(server);
    try {
      const saved = await client.callTool({ name: 'save_note', arguments: { title: 'a', body: 'one' } }, undefined, REQUEST);
      assert.ok(!saved.isError, textOf(saved));
      const notesDir = path.join(server.dataDir, 'notes');
      assert.equal((statSync(notesDir).mode & 0o777).toString(8), '700', 'notes directory mode');
      const [file] = readdirSync(notesDir);
      assert.equal((statSync(path.join(notesDir, file)).mode & 0o777).toString(8), '600', 'notes file mode');
      const damaged = '{"a": "on';
      writeFileSync(path.join(notesDir, file), damaged);

      for (const [name, args] of [['save_note', { title: 'b', body: 'two' }], ['list_notes', {}]]) {
        const result = await client.callTool({ name, arguments: args }, undefined, REQUEST);
        assert.equal(result.isError, true, `${name}: ${JSON.stringify(result)}`);
        assert.match(textOf(result), /unreadable/, name);
      }
      assert.equal(readFileSync(path.join(notesDir, file), 'utf8'), damaged, 'the damaged file is not overwritten');
      assert.deepEqual(readdirSync(notesDir), [file], 'no temporary file left behind');
      assert.match(server.logs(), /note store is unreadable/, 'the operator is told in the log');
    } finally {
      await client.close();
    }
  }));

test('L8: an empty gatehouse.db stops the start with the file named and what to do', TEST_TIMEOUT, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-'));
  try {
    const db = path.join(dataDir, 'gatehouse.db');
    writeFileSync(db, '');
    const child = spawn(gatehouseBin, ['serve', '--listen', '127.0.0.1:0', '--auth', 'oauth', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    assert.notEqual(code, 0, `the server started: ${stdout}`);
    assert.match(stderr, /gatehouse\.db/, stderr);
    assert.match(stderr, /empty \(0 bytes\)/, stderr);
    assert.match(stderr, /Restore it from a backup, or delete it/, stderr);
    assert.doesNotMatch(stdout, /created user admin/, 'no fresh admin on top of the lost store');
    assert.equal(statSync(db).size, 0, 'the file is left as it was');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('H5: connections over max_connections_per_address get 503 with Retry-After and are closed', TEST_TIMEOUT, () =>
  withServer({ env: { GATEHOUSE_SERVER_MAX_CONNECTIONS_PER_ADDRESS: '3' } }, async (server) => {
    const open = [];
    try {
      let refused = null;
      for (let i = 0; i < 6 && !refused; i++) {
        const { text, socket } = await connectAndGet(server.port);
        if (text.startsWith('HTTP/1.1 503')) refused = { text, index: i };
        else {
          assert.match(text, /^HTTP\/1\.1 200/, text);
          open.push(socket);
        }
      }
      assert.ok(refused, 'six connections from one address were all accepted');
      assert.ok(open.length <= 3, `${open.length} connections accepted`);
      assert.match(refused.text, /\r\nRetry-After: 1\r\n/i);
      assert.match(refused.text, /"error":"too_many_connections"/);
      // A closed connection frees its slot.
      open.shift().destroy();
      let served = false;
      for (const deadline = Date.now() + 5_000; !served && Date.now() < deadline; ) {
        const { text, socket } = await connectAndGet(server.port);
        served = text.startsWith('HTTP/1.1 200');
        if (served) open.push(socket);
      }
      assert.ok(served, 'no slot came free after a connection closed');
      assert.match(server.logs(), /refused \d+ connections? over \[server\] max_connections_per_address/);
    } finally {
      for (const socket of open) socket.destroy();
    }
  }));

test('L3: on a loopback bind a foreign Host gets 403 on /register and discovery, not only /mcp', TEST_TIMEOUT, () =>
  withServer({ args: ['--backend', 'builtin:demo', '--auth', 'oauth'] }, async (server) => {
    const foreign = { Host: `rebind.attacker.example:${server.port}` };
    const registration = JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' });
    const json = { 'Content-Type': 'application/json' };
    for (const request of [
      { method: 'POST', path: '/register', headers: { ...foreign, ...json }, body: registration },
      { method: 'GET', path: '/.well-known/oauth-authorization-server', headers: foreign },
      { method: 'GET', path: '/authorize?client_id=x', headers: foreign },
      { method: 'POST', path: '/mcp', headers: { ...foreign, ...json }, body: '{}' },
    ]) {
      const res = await rawRequest(server.port, request);
      assert.equal(res.status, 403, `${request.method} ${request.path}: ${res.body}`);
      assert.match(res.type, /^application\/json/, `${request.path}: JSON error`);
    }
    const own = { Host: `127.0.0.1:${server.port}` };
    const metadata = await rawRequest(server.port, { path: '/.well-known/oauth-authorization-server', headers: own });
    assert.equal(metadata.status, 200, metadata.body);
    const registered = await rawRequest(server.port, { method: 'POST', path: '/register', headers: { ...own, ...json }, body: registration });
    assert.equal(registered.status, 201, registered.body);
    const health = await rawRequest(server.port, { path: '/healthz', headers: { Host: 'lb.internal' } });
    assert.equal(health.status, 200, 'health checks may send their own Host');
  }));

test('L9: /register answers 415 to a JSON body declared in another charset', TEST_TIMEOUT, () =>
  withServer({ args: ['--backend', 'builtin:demo', '--auth', 'oauth'] }, async (server) => {
    const own = { Host: `127.0.0.1:${server.port}` };
    const registration = await rawRequest(server.port, {
      method: 'POST',
      path: '/register',
      headers: { ...own, 'Content-Type': 'application/json; charset="UTF-16"' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(registration.status, 415, registration.body);
    assert.equal(JSON.parse(registration.body).error, 'invalid_client_metadata');
  }));

test('L9: /mcp answers 415 to charset=utf-16 and serves charset="UTF-8"', TEST_TIMEOUT, () =>
  withServer({}, async (server) => {
    const headers = { Host: `127.0.0.1:${server.port}`, Accept: 'application/json, text/event-stream' };
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'charset', version: '0' } },
    });
    const refused = await rawRequest(server.port, {
      method: 'POST',
      path: '/mcp',
      headers: { ...headers, 'Content-Type': 'application/json; charset=utf-16' },
      body: initialize,
    });
    assert.equal(refused.status, 415, refused.body);
    assert.equal(JSON.parse(refused.body).error?.code, -32000);
    const served = await rawRequest(server.port, {
      method: 'POST',
      path: '/mcp',
      headers: { ...headers, 'Content-Type': 'application/json; charset="UTF-8"' },
      body: initialize,
    });
    assert.equal(served.status, 200, served.body);
  }));
