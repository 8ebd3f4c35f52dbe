// End-to-end tests of HTTP backends: `gatehouse serve` in front of an MCP
// server it reaches over Streamable HTTP, given as `--backend http://...` or
// as a `[[backend]]` table with `url = "http://..."` and a [backend.headers]
// table. The backends, all on 127.0.0.1 with ports the kernel picks:
//   - @modelcontextprotocol/server-everything in streamableHttp mode
//     (PORT=0, lib/listen-loopback.mjs preloaded: it listens on 127.0.0.1 and
//     prints the port on stderr);
//   - fixtures/probe-server.mjs --http: its whoami reports the HTTP headers
//     of the request that carried the call, /admin/requests lists every
//     request Gatehouse sent it, /admin/forget makes it forget its sessions
//     (their next request gets 404);
//   - small node:http servers of this file that answer with a fixed status.
//
// What is checked:
//   - server-everything's tools through Gatehouse with the SDK 1.x client:
//     tools/list, echo, get-sum, progress notifications of
//     trigger-long-running-operation, an elicitation round trip of
//     trigger-elicitation-request; and a raw 2026-07-28 tools/call;
//   - [backend.headers] templates: the backend gets Authorization from
//     {env.NAME} of Gatehouse's environment and X-Probe-User from
//     {user.subject}, one backend session per user, and never the client's
//     own access token, on any request;
//   - isolation "session": a backend session per client session, ended with
//     DELETE when the client's session ends; with --auth none a client's own
//     Authorization header does not reach the backend either;
//   - the backend's notifications (tools/list_changed, resources/updated)
//     reach the client through the GET stream Gatehouse opens;
//   - notifications/initialized reaches the backend (is answered) before any
//     other request of its session is sent: servers such as server-everything
//     register tools when it arrives;
//   - a request's SSE stream that the backend ends before the answer is
//     resumed with GET and Last-Event-ID (progress and answer arrive);
//   - session_lost: a backend that forgot the session (404) is initialized
//     again and the request re-sent once, transparently — with its streams
//     left open, and with them closed;
//   - faults come back as JSON-RPC errors -32603 "backend NAME: ..." with
//     data.reason: nobody listening → start_failed or unreachable, naming the
//     address; the backend process dying mid-call → unreachable, and served
//     again once it is back on its port; HTTP 500 → protocol (start_failed
//     when initialize itself fails); HTTP 401 → the same reasons, and the
//     message says the backend refused Gatehouse's credentials. Gatehouse
//     keeps answering /healthz.
//
// A binary without HTTP backends fails these tests.
//
// Run: cd tests/e2e && node --test gateway-http.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { runGatehouse } from './lib/run.mjs';
import { accessToken } from './lib/token.mjs';
import { startNodeServer } from './lib/node-server.mjs';
import { startServer } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;
const PROBE = path.join(here, 'fixtures', 'probe-server.mjs');
const EVERYTHING = path.join(here, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const LOOPBACK = pathToFileURL(path.join(here, 'lib', 'listen-loopback.mjs')).href;

const TEST_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_MS = 15_000; // per raw fetch
const SDK_REQUEST = { timeout: 15_000 }; // per SDK request
const MODERN = '2026-07-28';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `predicate` (may be async) every 50 ms until it holds or `ms` have passed.
async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------
// Backend processes (node): lib/node-server.mjs starts them and stops them
// by PID.

// A port on 127.0.0.1 that nobody listens on (it was free a moment ago).
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------
// Config files

const tomlValue = (v) => (Array.isArray(v) ? `[${v.map(tomlValue).join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v));

// [server] auth and one [[backend]] table with `url`; `headers` becomes
// its [backend.headers] table.
function configText(auth, { name = 'probe', url, headers = {}, ...settings }) {
  const lines = ['[server]', `auth = ${tomlValue(auth)}`, '', '[[backend]]', `name = ${tomlValue(name)}`, `url = ${tomlValue(url)}`];
  for (const [key, value] of Object.entries(settings)) lines.push(`${key} = ${tomlValue(value)}`);
  if (Object.keys(headers).length > 0) {
    lines.push('[backend.headers]');
    for (const [key, value] of Object.entries(headers)) lines.push(`${JSON.stringify(key)} = ${tomlValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// OAuth users and tokens

async function addUser(dataDir, name, password) {
  const r = await runGatehouse(['users', 'add', name, '--password-stdin', '--data-dir', dataDir], { input: `${password}\n` });
  assert.equal(r.code, 0, `gatehouse users add ${name}: ${r.stderr}`);
}

const tokenFor = (server, user) =>
  accessToken(server, { username: user.name, password: user.password, clientName: 'gateway http e2e' });

// The `sub` claim of a JWT access token.
const subjectOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).sub;

// ---------------------------------------------------------------------------
// Results and errors

const textOf = (result) => {
  assert.ok(!result.isError, `not an error result: ${JSON.stringify(result).slice(0, 500)}`);
  return result.content?.[0]?.text;
};

async function whoami(client) {
  return JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }, undefined, SDK_REQUEST)));
}

// The JSON-RPC error a call ended with: {code, message, data}. The SDK puts
// "MCP error CODE: " before the server's message; it is taken off again.
function asRpcError(err) {
  return { code: err.code, message: String(err.message).replace(/^MCP error -?\d+: /, ''), data: err.data };
}

async function errorOf(promise) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    return asRpcError(err);
  }
  assert.fail(`expected a JSON-RPC error, got a result: ${JSON.stringify(result).slice(0, 500)}`);
}

// The first backend error of an SDK client against a Gatehouse whose backend
// fails: at connect (if Gatehouse contacts the backend for initialize), or
// else at tools/list.
async function firstBackendError(scope, server) {
  const { client, transport } = await scope.client(server, { connect: false });
  try {
    await client.connect(transport, SDK_REQUEST);
  } catch (err) {
    return { error: asRpcError(err), at: 'initialize' };
  }
  return { error: await errorOf(client.listTools({}, SDK_REQUEST)), at: 'tools/list', client };
}

// A backend failure as Gatehouse reports it: -32603, "backend NAME: ...",
// data.reason one of `reasons`.
function assertBackendError(error, reasons, what) {
  const shown = `${what}: ${JSON.stringify(error)}`;
  assert.equal(error.code, -32603, shown);
  assert.match(error.message, /^backend \S+: /, shown);
  assert.ok(reasons.includes(error.data?.reason), `data.reason is ${reasons.join(' or ')}: ${shown}`);
}

async function assertHealthy(server) {
  const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  await res.arrayBuffer();
  assert.equal(res.status, 200, 'gatehouse still answers /healthz');
}

// ---------------------------------------------------------------------------
// One test's processes, servers, clients and directories, all stopped at its
// end; the log tails of its Gatehouse servers and backends are added to a
// failure.

class Scope {
  #dirs = [];
  #gatehouses = [];
  #backends = [];
  #closers = [];

  scratch() {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-gateway-http-'));
    this.#dirs.push(dir);
    return dir;
  }

  async start(options) {
    const server = await startServer(options);
    this.#gatehouses.push(server);
    return server;
  }

  // `gatehouse serve --auth none --backend URL`
  startWithBackend(url) {
    return this.start({ args: ['--auth', 'none', '--backend', url] });
  }

  // gatehouse serve --config FILE (see configText); the `users` accounts
  // exist before the start; `serverEnv` is added to Gatehouse's environment.
  async gateway({ auth = 'none', users = [], serverEnv = {}, backend }) {
    const dir = this.scratch();
    const config = path.join(dir, 'gatehouse.toml');
    writeFileSync(config, configText(auth, backend));
    const dataDir = path.join(dir, 'var');
    mkdirSync(dataDir);
    const accounts = [];
    for (const name of users) {
      const account = { name, password: randomBytes(12).toString('base64url') };
      await addUser(dataDir, account.name, account.password);
      accounts.push(account);
    }
    const server = await this.start({ args: ['--config', config, '--data-dir', dataDir], env: serverEnv });
    return { server, users: accounts };
  }

  async node(what, args, options) {
    const proc = await startNodeServer(what, args, options);
    this.#backends.push(proc);
    return proc;
  }

  // server-everything over Streamable HTTP: {mcpUrl, port, pid, ...}.
  async everything() {
    const proc = await this.node('server-everything streamableHttp', ['--import', LOOPBACK, EVERYTHING, 'streamableHttp'], {
      env: { PORT: '0' },
      portRe: /^listen-loopback: listening on 127\.0\.0\.1:(\d+)$/m,
    });
    return { ...proc, mcpUrl: `http://127.0.0.1:${proc.port}/mcp` };
  }

  // probe-server.mjs --http, with its admin requests.
  async probe(env = {}) {
    const proc = await this.node('probe-server --http', [PROBE, '--http'], {
      env: { PORT: '0', ...env },
      portRe: /^probe-http: listening on 127\.0\.0\.1:(\d+)$/m,
    });
    const base = `http://127.0.0.1:${proc.port}`;
    const admin = async (method, what) => {
      const res = await fetch(`${base}${what}`, { method, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      const body = await res.json();
      assert.equal(res.status, 200, `${method} ${what}: ${JSON.stringify(body)}`);
      return body;
    };
    return {
      ...proc,
      mcpUrl: `${base}/mcp`,
      forget: (close = false) => admin('POST', `/admin/forget${close ? '?close=1' : ''}`),
      requests: () => admin('GET', '/admin/requests'),
      sessions: () => admin('GET', '/admin/sessions'),
    };
  }

  // An in-process node:http server; `handler(req, res, body)` gets the body
  // read. Every request is kept in `requests` ({method, headers, body}).
  async httpServer(handler) {
    const requests = [];
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        requests.push({ method: req.method, headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.#closers.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    return { url: `http://127.0.0.1:${server.address().port}/mcp`, requests };
  }

  // An SDK 1.x client of `server`; notifications without a handler of their
  // own are kept in `notes`.
  async client(server, { token, capabilities = {}, connect = true } = {}) {
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
      requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
    });
    const client = new Client({ name: 'gatehouse-e2e-gateway-http', version: '0.0.0' }, { capabilities });
    const notes = [];
    client.fallbackNotificationHandler = async (notification) => {
      notes.push(notification);
    };
    this.#closers.push(async () => {
      await Promise.race([transport.terminateSession().catch(() => {}), sleep(2_000)]);
      await Promise.race([client.close().catch(() => {}), sleep(2_000)]);
    });
    if (connect) await client.connect(transport, SDK_REQUEST);
    return { client, transport, notes };
  }

  logTails() {
    return [
      ...this.#gatehouses.map((s, i) => `\n--- gatehouse #${i + 1} stderr (tail) ---\n${s.logs().slice(-3000)}`),
      ...this.#backends.map((b) => `\n--- ${b.what} (pid ${b.pid}) stderr (tail) ---\n${b.logs().slice(-1500)}`),
    ].join('');
  }

  async cleanup() {
    for (const close of this.#closers.reverse()) await close();
    for (const server of this.#gatehouses) await server.stop();
    for (const proc of this.#backends) await proc.stop();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }
}

function httpTest(name, fn) {
  test(name, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const scope = new Scope();
    try {
      await fn(scope, t);
    } catch (err) {
      if (err && typeof err === 'object') err.message += scope.logTails();
      throw err;
    } finally {
      await scope.cleanup();
    }
  });
}

// ---------------------------------------------------------------------------
// server-everything behind Gatehouse

httpTest('server-everything over HTTP: tools, echo, get-sum, progress and elicitation through Gatehouse', async (scope) => {
  const everything = await scope.everything();
  const server = await scope.startWithBackend(everything.mcpUrl);
  const { client } = await scope.client(server, { capabilities: { elicitation: {} } });
  const elicitations = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params);
    return { action: 'accept', content: { name: 'Ada Lovelace' } };
  });

  const { tools } = await client.listTools({}, SDK_REQUEST);
  const names = tools.map((tool) => tool.name);
  for (const name of ['echo', 'get-sum', 'trigger-long-running-operation'])
    assert.ok(names.includes(name), `tools/list has ${name}: ${names}`);

  const echoed = await client.callTool({ name: 'echo', arguments: { message: 'hello over http' } }, undefined, SDK_REQUEST);
  assert.equal(textOf(echoed), 'Echo: hello over http');
  const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } }, undefined, SDK_REQUEST);
  assert.equal(textOf(sum), 'The sum of 2 and 3 is 5.');

  // Three steps, 0.5 s apart; the last notification is sent right before the
  // result, so only the first two are sure to be handled before it.
  const progress = [];
  const long = await client.callTool(
    { name: 'trigger-long-running-operation', arguments: { duration: 1.5, steps: 3 } },
    undefined,
    { ...SDK_REQUEST, onprogress: (p) => progress.push(p) },
  );
  const beforeResult = progress.length; // handled before the call resolved
  assert.match(textOf(long), /Long running operation completed/);
  assert.ok(beforeResult >= 2, `at least 2 progress notifications before the result: ${JSON.stringify(progress)}`);
  assert.deepEqual(progress.slice(0, 2).map((p) => [p.progress, p.total]), [[1, 3], [2, 3]], `progress: ${JSON.stringify(progress)}`);

  // The backend registers trigger-elicitation-request once it knows the
  // client (Gatehouse) can elicit; its elicitation/create reaches this client.
  const asked = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined, SDK_REQUEST);
  const said = asked.content?.map((c) => c.text ?? '').join('\n') ?? '';
  assert.ok(!asked.isError, `not an error result: ${said.slice(0, 500)}`);
  assert.equal(elicitations.length, 1, `one elicitation request: ${JSON.stringify(elicitations).slice(0, 500)}`);
  assert.deepEqual(elicitations[0].requestedSchema?.required, ['name']);
  assert.match(said, /Name: Ada Lovelace/, `the result has the name given: ${said.slice(0, 500)}`);
});

httpTest('server-everything over HTTP: a stateless 2026-07-28 tools/call through Gatehouse', async (scope) => {
  const everything = await scope.everything();
  const server = await scope.startWithBackend(everything.mcpUrl);
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': MODERN,
      'Mcp-Method': 'tools/call',
      'Mcp-Name': 'echo',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name: 'echo',
        arguments: { message: 'stateless over http' },
        _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} },
      },
    }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  const shown = `HTTP ${res.status} ${res.headers.get('content-type')}: ${text.slice(0, 800)}`;
  assert.equal(res.status, 200, shown);
  // JSON, or SSE whose last `data:` is the answer
  const body = (res.headers.get('content-type') ?? '').includes('text/event-stream')
    ? JSON.parse(text.split(/\r?\n/).filter((l) => l.startsWith('data:')).pop().slice(5))
    : JSON.parse(text);
  assert.equal(body.id, 7, shown);
  assert.equal(body.result?.resultType, 'complete', shown);
  assert.equal(body.result?.content?.[0]?.text, 'Echo: stateless over http', shown);
});

// ---------------------------------------------------------------------------
// [backend.headers]

httpTest('[backend.headers]: Authorization from {env.NAME}, X-Probe-User from {user.subject}; never the client\'s token', async (scope) => {
  const probe = await scope.probe();
  const key = `backend-key-${randomBytes(8).toString('hex')}`;
  const { server, users } = await scope.gateway({
    auth: 'oauth',
    users: ['alice', 'bob'],
    serverEnv: { PROBE_BACKEND_KEY: key },
    backend: {
      url: probe.mcpUrl,
      call_timeout: 10,
      headers: { Authorization: 'Bearer {env.PROBE_BACKEND_KEY}', 'X-Probe-User': '{user.subject}' },
    },
  });
  const tokens = { alice: await tokenFor(server, users[0]), bob: await tokenFor(server, users[1]) };
  const alice = await scope.client(server, { token: tokens.alice });
  const bob = await scope.client(server, { token: tokens.bob });

  const seen = { alice: (await whoami(alice.client)).headers, bob: (await whoami(bob.client)).headers };
  for (const who of ['alice', 'bob']) {
    const headers = seen[who];
    const shown = `${who}: ${JSON.stringify(headers)}`;
    assert.equal(headers.authorization, `Bearer ${key}`, `Authorization is "Bearer " and PROBE_BACKEND_KEY of Gatehouse's environment: ${shown}`);
    assert.equal(headers['x-probe-user'], subjectOf(tokens[who]), `X-Probe-User is ${who}'s subject: ${shown}`);
    for (const token of Object.values(tokens))
      assert.ok(!JSON.stringify(headers).includes(token), `no client access token in the headers the backend got: ${shown}`);
    assert.ok(headers['mcp-session-id'], `the call came in a backend session: ${shown}`);
  }
  // {user.subject} makes isolation "user": a backend session per user.
  assert.notEqual(seen.alice['mcp-session-id'], seen.bob['mcp-session-id'], 'alice and bob are served in two backend sessions');

  // Every request Gatehouse sent (initialize, notifications, GET streams,
  // calls) carried the backend's key and the session's user, and no token.
  let requests;
  await waitFor(
    async () => {
      requests = await probe.requests();
      return [seen.alice, seen.bob].every((h) => requests.some((r) => r.http === 'GET' && r.session === h['mcp-session-id']));
    },
    5_000,
    'a GET stream is opened for both backend sessions',
  );
  assert.equal(requests.filter((r) => r.rpc.includes('initialize')).length, 2, `initialize was sent twice: ${JSON.stringify(requests.map((r) => [r.http, r.rpc]))}`);
  const userOfSession = new Map();
  for (const r of requests) {
    const shown = JSON.stringify(r);
    assert.equal(r.headers.authorization, `Bearer ${key}`, `every request has the backend's Authorization: ${shown}`);
    assert.ok([subjectOf(tokens.alice), subjectOf(tokens.bob)].includes(r.headers['x-probe-user']), `every request names a user: ${shown}`);
    for (const token of Object.values(tokens)) assert.ok(!shown.includes(token), `no client access token reaches the backend: ${shown}`);
    if (r.session) {
      userOfSession.set(r.session, userOfSession.get(r.session) ?? r.headers['x-probe-user']);
      assert.equal(r.headers['x-probe-user'], userOfSession.get(r.session), `one user per backend session: ${shown}`);
    }
  }
});

httpTest('isolation "session": a backend session per client session, ended (DELETE) with it; the client\'s Authorization stays in Gatehouse', async (scope) => {
  const probe = await scope.probe();
  const { server } = await scope.gateway({ backend: { url: probe.mcpUrl, isolation: 'session', call_timeout: 10 } });
  // With --auth none a client may still send a token of its own.
  const clientToken = `client-only-${randomBytes(8).toString('hex')}`;
  const one = await scope.client(server, { token: clientToken });
  const two = await scope.client(server, { token: clientToken });
  const first = (await whoami(one.client)).headers;
  const second = (await whoami(two.client)).headers;
  assert.equal(first.authorization, null, `no Authorization reaches the backend: ${JSON.stringify(first)}`);
  assert.notEqual(first['mcp-session-id'], second['mcp-session-id'], 'two client sessions, two backend sessions');
  assert.equal((await whoami(one.client)).headers['mcp-session-id'], first['mcp-session-id'], 'a client session keeps its backend session');

  await one.transport.terminateSession();
  await waitFor(
    async () => (await probe.requests()).some((r) => r.http === 'DELETE' && r.session === first['mcp-session-id']),
    5_000,
    `Gatehouse ends backend session ${first['mcp-session-id']} (DELETE) when its client session ends`,
  );
  const requests = await probe.requests();
  assert.ok(!requests.some((r) => r.http === 'DELETE' && r.session === second['mcp-session-id']), 'the other session is not ended');
  for (const r of requests) assert.ok(!JSON.stringify(r.headers).includes(clientToken), `the client's token never reaches the backend: ${JSON.stringify(r)}`);
  assert.equal((await whoami(two.client)).headers['mcp-session-id'], second['mcp-session-id'], 'the other session is still served');
});

// ---------------------------------------------------------------------------
// Notifications and the order of the first messages

httpTest('the backend\'s notifications reach the client through the GET stream Gatehouse opens', async (scope, t) => {
  const probe = await scope.probe();
  const server = await scope.startWithBackend(probe.mcpUrl);
  const { client, notes } = await scope.client(server);
  const { headers } = await whoami(client);
  const session = headers['mcp-session-id'];
  await waitFor(
    async () => (await probe.requests()).some((r) => r.http === 'GET' && r.session === session && r.status === 200),
    5_000,
    `Gatehouse opens a GET stream for backend session ${session}`,
  );
  const canSubscribe = !!client.getServerCapabilities()?.resources?.subscribe;
  if (canSubscribe) await client.subscribeResource({ uri: 'probe://counter' }, SDK_REQUEST);
  else t.diagnostic('gatehouse does not offer resources/subscribe: only tools/list_changed is checked');
  notes.length = 0;
  assert.equal(textOf(await client.callTool({ name: 'notify_self', arguments: {} }, undefined, SDK_REQUEST)), 'ok');
  await waitFor(() => notes.some((n) => n.method === 'notifications/tools/list_changed'), 5_000, 'tools/list_changed reaches the client');
  if (canSubscribe)
    await waitFor(
      () => notes.some((n) => n.method === 'notifications/resources/updated' && n.params?.uri === 'probe://counter'),
      5_000,
      'resources/updated for probe://counter reaches the client',
    );
});

httpTest('notifications/initialized reaches the backend before any other request of its session', async (scope) => {
  // The backend holds notifications/initialized 500 ms before answering 202:
  // a request sent before that answer would overtake it.
  const probe = await scope.probe({ PROBE_INITIALIZED_DELAY_MS: '500' });
  const server = await scope.startWithBackend(probe.mcpUrl);
  const { client } = await scope.client(server);
  const { tools } = await client.listTools({}, SDK_REQUEST);
  assert.ok(tools.some((tool) => tool.name === 'whoami'), `tools/list: ${tools.map((tool) => tool.name)}`);
  await whoami(client);

  // Once every notifications/initialized has been answered:
  let requests;
  await waitFor(
    async () => {
      requests = await probe.requests();
      return requests.every((r) => !r.rpc.includes('notifications/initialized') || r.done !== null);
    },
    5_000,
    'the backend answers notifications/initialized',
  );
  const sessions = new Set(requests.filter((r) => r.session).map((r) => r.session));
  assert.ok(sessions.size >= 1, 'a backend session was used');
  for (const session of sessions) {
    const own = requests.filter((r) => r.session === session && r.http === 'POST');
    const trace = own.map((r) => `${r.rpc.join(',')} arrived ${r.at} ms, answered ${r.done} ms (${r.status})`).join('; ');
    const initialized = own.find((r) => r.rpc.includes('notifications/initialized'));
    assert.ok(initialized, `notifications/initialized was sent in session ${session}: ${trace}`);
    const early = own.filter((r) => r !== initialized && r.at < initialized.done);
    assert.deepEqual(
      early.map((r) => r.rpc.join(',')),
      [],
      `nothing else is POSTed in the session before notifications/initialized is answered: ${trace}`,
    );
  }
});

// ---------------------------------------------------------------------------
// session_lost

httpTest('session_lost: a backend that forgot the session (404) is initialized again and the call re-sent, transparently', async (scope) => {
  const probe = await scope.probe();
  const server = await scope.startWithBackend(probe.mcpUrl);
  const { client } = await scope.client(server);
  const first = (await whoami(client)).headers['mcp-session-id'];
  assert.ok(first, 'the call came in a backend session');
  const before = await probe.requests();

  // The session is forgotten; its GET stream stays open.
  assert.ok((await probe.forget()).forgotten >= 1, 'the probe forgot a session');
  const echoed = await client.callTool({ name: 'echo', arguments: { text: 'after the forget' } }, undefined, SDK_REQUEST);
  assert.equal(textOf(echoed), 'after the forget');
  const second = (await whoami(client)).headers['mcp-session-id'];
  assert.ok(second && second !== first, `a new backend session: ${first} → ${second}`);

  const after = (await probe.requests()).slice(before.length);
  const trace = after.map((r) => `${r.http} ${r.rpc.join(',')} ${r.session ?? '-'} → ${r.status}`).join('\n  ');
  const calls = after.filter((r) => r.rpc.includes('tools/call'));
  assert.equal(calls[0]?.session, first, `the call went to the old session first:\n  ${trace}`);
  assert.equal(calls[0]?.status, 404, `and got 404:\n  ${trace}`);
  assert.equal(after.filter((r) => r.rpc.includes('initialize')).length, 1, `one initialize after the 404:\n  ${trace}`);
  assert.equal(calls[1]?.session, second, `the call was re-sent in the new session:\n  ${trace}`);
  assert.equal(calls.length, 3, `the echo twice (404, then 200) and the whoami once:\n  ${trace}`);
  await waitFor(
    async () => (await probe.requests()).some((r) => r.http === 'GET' && r.session === second && r.status === 200),
    5_000,
    `a GET stream is opened for the new backend session ${second}`,
  );

  // Forgotten again, and its streams closed (as a restarted server would).
  assert.ok((await probe.forget(true)).forgotten >= 1, 'the probe forgot a session and closed its streams');
  await sleep(200);
  const again = await client.callTool({ name: 'echo', arguments: { text: 'after the streams closed' } }, undefined, SDK_REQUEST);
  assert.equal(textOf(again), 'after the streams closed');
  const third = (await whoami(client)).headers['mcp-session-id'];
  assert.ok(third && third !== second, `a new backend session: ${second} → ${third}`);
  assert.equal((await probe.sessions()).initialized, 3, 'three initialize requests in all');
});

// ---------------------------------------------------------------------------
// A request's stream ended by the backend before the answer

httpTest('a request\'s SSE stream ended before its answer is resumed with GET and Last-Event-ID', async (scope, t) => {
  const probe = await scope.probe();
  const server = await scope.startWithBackend(probe.mcpUrl);
  const { client } = await scope.client(server);
  const progress = [];
  const result = await client.callTool({ name: 'drop_stream', arguments: { text: 'after the resume' } }, undefined, {
    ...SDK_REQUEST,
    onprogress: (p) => progress.push(p),
  });
  assert.equal(textOf(result), 'after the resume', 'the answer sent after the stream ended arrives');
  t.diagnostic(`progress: ${JSON.stringify(progress)}`);
  assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 2], [2, 2]], 'the progress before and after the stream ended');

  const requests = await probe.requests();
  const call = requests.find((r) => r.rpc.includes('tools/call'));
  const resumed = requests.filter((r) => r.http === 'GET' && r.headers['last-event-id']);
  assert.ok(
    resumed.some((r) => r.session === call.session && r.status === 200),
    `a GET with Last-Event-ID in session ${call.session}: ${JSON.stringify(requests.map((r) => [r.http, r.rpc, r.headers['last-event-id'] ?? null, r.status]))}`,
  );
});

// ---------------------------------------------------------------------------
// Faults

httpTest('fault: nobody listening at the backend URL → start_failed or unreachable, naming the URL; Gatehouse keeps serving', async (scope, t) => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const server = await scope.startWithBackend(url);
  const started = Date.now();
  const { error, at } = await firstBackendError(scope, server);
  t.diagnostic(`at ${at}: ${JSON.stringify(error)}`);
  assertBackendError(error, ['start_failed', 'unreachable'], `${url} at ${at}`);
  // The URL, or its host and port ("127.0.0.1:PORT", "127.0.0.1 port PORT").
  assert.ok(
    error.message.includes(url) || (error.message.includes('127.0.0.1') && new RegExp(`\\b${port}\\b`).test(error.message)),
    `the message names the backend's URL or host and port: ${error.message}`,
  );
  assert.ok(Date.now() - started < 10_000, `answered at once: ${Date.now() - started} ms`);
  await assertHealthy(server);
});

httpTest('fault: the backend server dies mid-call → unreachable; started again on its port, it is served again', async (scope, t) => {
  const probe = await scope.probe();
  const server = await scope.startWithBackend(probe.mcpUrl);
  const { client } = await scope.client(server);
  await whoami(client);

  // crash ends the whole probe process while the call's answer is awaited.
  const error = await errorOf(client.callTool({ name: 'crash', arguments: {} }, undefined, SDK_REQUEST));
  t.diagnostic(`mid-call: ${JSON.stringify(error)}`);
  assertBackendError(error, ['unreachable'], 'the backend died mid-call');
  assert.equal((await probe.stop())?.code, 3, 'the probe exited with status 3');

  const down = await errorOf(client.callTool({ name: 'echo', arguments: { text: 'while down' } }, undefined, SDK_REQUEST));
  t.diagnostic(`while down: ${JSON.stringify(down)}`);
  assertBackendError(down, ['unreachable', 'start_failed'], 'the backend is down');
  await assertHealthy(server);

  // Started again on the same port: a new process that knows no session.
  await scope.probe({ PORT: String(probe.port) });
  const deadline = Date.now() + 15_000; // covers a start_failed pause (1 s, doubling)
  const seen = [];
  for (;;) {
    try {
      const result = await client.callTool({ name: 'echo', arguments: { text: 'back again' } }, undefined, SDK_REQUEST);
      assert.equal(textOf(result), 'back again');
      break;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      const e = asRpcError(err);
      assertBackendError(e, ['unreachable', 'start_failed', 'session_lost'], 'while the backend comes back');
      seen.push(e.message);
      if (Date.now() > deadline) assert.fail(`not served again within 15 s: ${seen.join(' | ')}`);
      await sleep(250);
    }
  }
  t.diagnostic(`errors before it was served again: ${seen.length ? seen.join(' | ') : 'none'}`);
});

// A backend that answers `status` to everything (atInitialize), or that
// answers initialize as an MCP server would, notifications/initialized with
// 202, a GET with 405 (it offers no stream) and everything else with `status`.
async function failingBackend(scope, { status, atInitialize }) {
  return scope.httpServer((req, res, body) => {
    let message = null;
    try {
      message = JSON.parse(body);
    } catch {
      // not JSON: failed below
    }
    if (!atInitialize && req.method === 'POST' && message?.method === 'initialize') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 'failing-backend-session' });
      res.end(JSON.stringify({
        jsonrpc: '2.0',
        id: message.id,
        result: {
          protocolVersion: message.params?.protocolVersion ?? '2025-11-25',
          capabilities: { tools: {} },
          serverInfo: { name: 'failing-backend', version: '0.0.0' },
        },
      }));
      return;
    }
    if (!atInitialize && req.method === 'POST' && message?.method === 'notifications/initialized') {
      res.writeHead(202).end();
      return;
    }
    if (!atInitialize && req.method === 'GET') {
      res.writeHead(405, { Allow: 'POST, DELETE' }).end();
      return;
    }
    if (status === 401) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      res.end(JSON.stringify({ error: 'invalid_token' }));
    } else {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end('something broke in the backend');
    }
  });
}

for (const [status, atInitialize] of [[500, false], [500, true], [401, false], [401, true]]) {
  const when = atInitialize ? 'to initialize' : 'after initialize';
  const expected = atInitialize ? ['start_failed', 'protocol'] : ['protocol'];
  httpTest(`fault: HTTP ${status} ${when} → ${expected.join(' or ')}${status === 401 ? ', saying the backend refused Gatehouse\'s credentials' : ''}`, async (scope, t) => {
    const backend = await failingBackend(scope, { status, atInitialize });
    const server = await scope.startWithBackend(backend.url);
    const { error, at, client } = await firstBackendError(scope, server);
    t.diagnostic(`at ${at}: ${JSON.stringify(error)}`);
    assertBackendError(error, expected, `HTTP ${status} ${when}, at ${at}`);
    assert.ok(backend.requests.length > 0, 'Gatehouse contacted the backend');
    if (status === 401) assert.match(error.message, /credentials/i, `says the backend refused Gatehouse's credentials: ${error.message}`);
    else assert.match(error.message, /\b500\b/, `names the status 500: ${error.message}`);
    if (!atInitialize) {
      assert.ok(backend.requests.some((r) => JSON.parse(r.body || 'null')?.method === 'initialize'), 'initialize was answered');
      // The next request fails the same way.
      assert.ok(client, 'the client connected');
      const again = await errorOf(client.listTools({}, SDK_REQUEST));
      assertBackendError(again, expected, `HTTP ${status} again, tools/list`);
    }
    await assertHealthy(server);
  });
}
