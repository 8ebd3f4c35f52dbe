// Bad and hostile input over Streamable HTTP: gatehouse must answer each with
// the right HTTP status and a JSON body (never HTML, never a hang or a crash),
// and must still be serving afterwards.
//
// One server (`gatehouse serve --listen 127.0.0.1:0 --backend builtin:everything`)
// is started for the whole file with lib/server.mjs; the requests are raw
// `fetch` calls (node:http where fetch can't do what is needed: uploading a
// body the server may refuse half-way, and dropping a connection abruptly).
//
// Run: node --test tests/e2e/bad-input.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './lib/server.mjs';

const PROTOCOL_VERSION = '2025-11-25';
const TEST_TIMEOUT = { timeout: 30_000 };
const FETCH_TIMEOUT_MS = 10_000;
const HEADERS = {
  Accept: 'application/json, text/event-stream',
  'Content-Type': 'application/json',
};
const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

let server;
before(async () => {
  server = await startServer({ args: ['--backend', 'builtin:everything'] });
});
after(async () => {
  await server?.stop();
});

// Adds the server's log tail to a failing test's error.
async function withLogs(fn) {
  try {
    await fn();
  } catch (err) {
    err.message += `\n--- gatehouse stderr (tail) ---\n${server?.logs().slice(-4000) ?? ''}`;
    throw err;
  }
}

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/** POST to /mcp. `body` is sent as is when it is a string, else as JSON. */
function post(body, headers = {}) {
  return fetch(server.mcpUrl, {
    method: 'POST',
    headers: { ...HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
}

/** Headers of a request inside an established session. */
const sessionHeaders = (sessionId) => ({
  'Mcp-Session-Id': sessionId,
  'MCP-Protocol-Version': PROTOCOL_VERSION,
});

/**
 * Asserts an error response: the status, a JSON content type and a JSON body
 * (an object with an `error` member). Returns the parsed body.
 */
async function expectJsonError(res, status, what) {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  assert.equal(res.status, status, `${what}: HTTP status (body: ${text.slice(0, 300)})`);
  assert.match(type, JSON_CONTENT_TYPE, `${what}: error responses have a JSON content type, got "${type}"`);
  let body;
  assert.doesNotThrow(() => (body = JSON.parse(text)), `${what}: body is JSON: ${text.slice(0, 300)}`);
  assert.equal(typeof body, 'object', `${what}: body is a JSON object`);
  assert.ok(body !== null && 'error' in body, `${what}: body has an "error" member: ${text.slice(0, 300)}`);
  return body;
}

/**
 * Reads the JSON-RPC response with the given id from a POST's response, which
 * the server may send as application/json or as an SSE stream.
 */
async function readRpcResponse(res, id) {
  const type = res.headers.get('content-type') ?? '';
  if (JSON_CONTENT_TYPE.test(type)) {
    const body = await res.json();
    const messages = Array.isArray(body) ? body : [body];
    const found = messages.find((m) => m?.id === id);
    assert.ok(found, `response with id ${id} in ${JSON.stringify(body).slice(0, 300)}`);
    return found;
  }
  assert.match(type, /^text\/event-stream\b/i, `response is JSON or SSE, got "${type}"`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (!data) continue;
        const msg = JSON.parse(data);
        if (msg?.id === id && ('result' in msg || 'error' in msg)) return msg;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  assert.fail(`the SSE stream ended without a response to id ${id}`);
}

/** A valid initialize request (id 1). */
const initializeRequest = (clientName = 'gatehouse-e2e-bad-input') => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: clientName, version: '0.0.0' },
  },
});

/** initialize + notifications/initialized; returns the session id. */
async function initialize() {
  const res = await post(initializeRequest());
  assert.equal(res.status, 200, 'initialize: HTTP 200');
  const sessionId = res.headers.get('mcp-session-id');
  const msg = await readRpcResponse(res, 1);
  assert.equal(msg.result?.protocolVersion, PROTOCOL_VERSION, `initialize result: ${JSON.stringify(msg)}`);
  assert.ok(sessionId, 'initialize: the response carries an Mcp-Session-Id');
  const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders(sessionId));
  await note.arrayBuffer();
  assert.equal(note.status, 202, 'notifications/initialized: HTTP 202');
  return sessionId;
}

/** A JSON-RPC request inside a session; returns the JSON-RPC response. */
async function rpc(sessionId, id, method, params = {}) {
  const res = await post({ jsonrpc: '2.0', id, method, params }, sessionHeaders(sessionId));
  assert.equal(res.status, 200, `${method}: HTTP 200`);
  return readRpcResponse(res, id);
}

/** DELETE a session (tidying up; 200/204 or 405 are fine). */
async function terminate(sessionId) {
  const res = await fetch(server.mcpUrl, {
    method: 'DELETE',
    headers: sessionHeaders(sessionId),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  await res.arrayBuffer();
}

/** The server is still up: /healthz answers 200 and a new session works. */
async function assertStillServing() {
  const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  await health.arrayBuffer();
  assert.equal(health.status, 200, 'GET /healthz still answers 200');
  const sessionId = await initialize();
  const pong = await rpc(sessionId, 2, 'ping');
  assert.deepEqual(pong.result, {}, 'ping on a new session still works');
  await terminate(sessionId);
}

/**
 * POSTs a large body with node:http and resolves with {status, headers, text}.
 *
 * A server may refuse the body from its Content-Length alone, before reading
 * any of it. To let it, the headers go first and the body only follows if no
 * answer came within half a second; it is then written in chunks, stopping as
 * soon as an answer arrives. (fetch would instead report the connection the
 * server closes as a network error and lose the answer.)
 */
function postLargeBody(body) {
  const url = new URL(server.mcpUrl);
  return new Promise((resolve, reject) => {
    let response = null;
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...HEADERS, 'Content-Length': String(body.length) },
      timeout: FETCH_TIMEOUT_MS,
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('response', (res) => {
      response = res;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      const done = () => {
        resolve({ status: res.statusCode, headers: res.headers, text });
        req.destroy(); // the rest of the body is never sent
      };
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', (err) => {
      if (response) return; // write errors after the answer are expected
      err.message =
        `${err.message}: the connection failed before any HTTP response. A server that ` +
        'refuses a body must still deliver its 413 (answer before closing, and close gracefully).';
      reject(err);
    });
    req.flushHeaders();
    (async () => {
      await new Promise((r) => setTimeout(r, 500));
      const CHUNK = 64 * 1024;
      for (let off = 0; off < body.length && !response && !req.destroyed; off += CHUNK) {
        if (!req.write(body.subarray(off, off + CHUNK))) {
          await new Promise((r) => req.once('drain', r).once('close', r));
        }
      }
      if (!response && !req.destroyed) req.end();
    })().catch(() => {});
  });
}

// ---------------------------------------------------------------------------
// the cases
// ---------------------------------------------------------------------------

test('malformed JSON → 400 with JSON-RPC parse error -32700', TEST_TIMEOUT, () =>
  withLogs(async () => {
    const res = await post('{"jsonrpc": "2.0", "id": 1, "method": "initialize", ');
    const body = await expectJsonError(res, 400, 'malformed JSON');
    assert.equal(body.jsonrpc, '2.0', 'a JSON-RPC error object');
    assert.equal(body.error?.code, -32700, `error.code: ${JSON.stringify(body)}`);
    assert.equal(body.id ?? null, null, 'id is null (the request could not be read)');
    await assertStillServing();
  }));

test('wrong Content-Type (text/plain) → 415', TEST_TIMEOUT, () =>
  withLogs(async () => {
    // A valid initialize (which needs no session), only mislabelled.
    const res = await post(initializeRequest('text-plain'), { 'Content-Type': 'text/plain' });
    await expectJsonError(res, 415, 'Content-Type text/plain');
    await assertStillServing();
  }));

test('oversized body (5 MiB) → 413 with a JSON error body', TEST_TIMEOUT, () =>
  withLogs(async () => {
    // A well-formed initialize request, padded to 5 MiB.
    const head = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"${PROTOCOL_VERSION}","capabilities":{},"clientInfo":{"name":"big","version":"0"},"padding":"`;
    const tail = '"}}';
    const size = 5 * 1024 * 1024;
    const body = Buffer.alloc(size, 'x');
    body.write(head, 0);
    body.write(tail, size - tail.length);
    const res = await postLargeBody(body);
    assert.equal(res.status, 413, `HTTP status (body: ${res.text.slice(0, 300)})`);
    assert.match(res.headers['content-type'] ?? '', JSON_CONTENT_TYPE, 'JSON content type');
    let parsed;
    assert.doesNotThrow(() => (parsed = JSON.parse(res.text)), `body is JSON: ${res.text.slice(0, 300)}`);
    assert.ok(parsed && typeof parsed === 'object' && 'error' in parsed, 'body has an "error" member');
    await assertStillServing();
  }));

test('unknown method after a valid initialize → JSON-RPC -32601', TEST_TIMEOUT, () =>
  withLogs(async () => {
    const sessionId = await initialize();
    const msg = await rpc(sessionId, 2, 'no/such_method');
    assert.equal(msg.jsonrpc, '2.0');
    assert.equal(msg.error?.code, -32601, `error.code: ${JSON.stringify(msg)}`);
    // the session survives the error
    assert.deepEqual((await rpc(sessionId, 3, 'ping')).result, {}, 'the session still answers ping');
    await terminate(sessionId);
    await assertStillServing();
  }));

test('unsupported MCP-Protocol-Version header on a session request → 400', TEST_TIMEOUT, () =>
  withLogs(async () => {
    const sessionId = await initialize();
    const res = await post(
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
      { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '1999-01-01' },
    );
    await expectJsonError(res, 400, 'MCP-Protocol-Version 1999-01-01');
    assert.deepEqual((await rpc(sessionId, 3, 'ping')).result, {}, 'the session still works with the right header');
    await terminate(sessionId);
    await assertStillServing();
  }));

test('unknown Mcp-Session-Id → 404', TEST_TIMEOUT, () =>
  withLogs(async () => {
    const res = await post(
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
      sessionHeaders('no-such-session-0123456789abcdef'),
    );
    await expectJsonError(res, 404, 'unknown session');
    await assertStillServing();
  }));

test('foreign Origin (http://evil.example) → 403', TEST_TIMEOUT, () =>
  withLogs(async () => {
    const res = await post(
      initializeRequest('evil'),
      { Origin: 'http://evil.example' },
    );
    await expectJsonError(res, 403, 'Origin http://evil.example');
    assert.equal(res.headers.get('mcp-session-id'), null, 'no session is created for a refused Origin');
    await assertStillServing();
  }));

test('POST whose Accept lacks application/json or text/event-stream → 406', TEST_TIMEOUT, () =>
  withLogs(async () => {
    for (const accept of ['application/json', 'text/event-stream', 'text/html']) {
      const res = await post(initializeRequest('bad-accept'), { Accept: accept });
      await expectJsonError(res, 406, `Accept: ${accept}`);
    }
    await assertStillServing();
  }));

test('a GET SSE stream dropped abruptly leaves the server (and the session) working', TEST_TIMEOUT, () =>
  withLogs(async () => {
    const sessionId = await initialize();
    const url = new URL(server.mcpUrl);
    // Open the stream, wait for its headers, then reset the TCP connection.
    await new Promise((resolve, reject) => {
      const req = http.get(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { Accept: 'text/event-stream', ...sessionHeaders(sessionId) },
          timeout: FETCH_TIMEOUT_MS,
        },
        (res) => {
          try {
            assert.equal(res.statusCode, 200, 'GET /mcp opens a stream');
            assert.match(res.headers['content-type'] ?? '', /^text\/event-stream\b/i, 'the stream is SSE');
            resolve();
          } catch (err) {
            reject(err);
          } finally {
            const socket = res.socket;
            if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy(); // TCP RST
            else socket.destroy();
          }
        },
      );
      req.on('timeout', () => req.destroy(new Error('GET stream: no response headers in time')));
      req.on('error', (err) => {
        if (err.code !== 'ECONNRESET') reject(err);
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual((await rpc(sessionId, 2, 'ping')).result, {}, 'the session still answers ping');
    await terminate(sessionId);
    await assertStillServing();
  }));

test('unknown path → 404 with a JSON body (not HTML)', TEST_TIMEOUT, () =>
  withLogs(async () => {
    for (const [method, path] of [
      ['GET', '/no/such/path'],
      ['POST', '/no/such/path'],
    ]) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: HEADERS,
        ...(method === 'POST' && { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) }),
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      const clone = res.clone();
      assert.ok(!(await clone.text()).trimStart().startsWith('<'), `${method} ${path}: the body is not HTML`);
      await expectJsonError(res, 404, `${method} ${path}`);
    }
    await assertStillServing();
  }));
