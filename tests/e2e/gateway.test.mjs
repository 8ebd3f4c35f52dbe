// End-to-end tests of the gateway: `gatehouse serve` in front of an existing
// MCP server that speaks stdio, given as `--backend 'stdio:CMD ARGS...'` or
// as a `[[backend]]` table of the TOML config. The backends are
// fixtures/probe-server.mjs (tools that report what the child sees, or
// misbehave on request) and @modelcontextprotocol/server-everything.
//
// What is checked:
//   - a single backend's tools are served at /mcp unchanged: tools/list,
//     tools/call, progress notifications and an elicitation round trip with
//     the SDK 1.x client (and server-everything's own tools);
//   - prefix and allow_tools shape the tool list; max_result_chars turns an
//     oversized result into an isError result;
//   - isolation: "user" gives each user a child of their own, with
//     {user.subject} / literal / {env.NAME} values in [backend.env] and
//     nothing else of Gatehouse's environment but PATH, HOME, LANG and TZ;
//     one user's child never notifies another user's session; "shared"
//     gives every user the same child;
//   - faults come back as JSON-RPC errors -32603 "backend probe: ..." with
//     data.reason exited | timeout | start_failed | process_cap | protocol,
//     and Gatehouse keeps serving (a crashed child is started again, a
//     flooding child does not blow up Gatehouse's memory);
//   - two requests with the same JSON-RPC id (two sessions on one shared
//     child, or twice in one session) each get their own answer;
//   - `serve --check-config` accepts a valid config and refuses broken ones
//     with exit status 2 and FILE:LINE and the key on stderr.
//
// @modelcontextprotocol/server-everything 2026.8.31 (read from its files in
// node_modules/@modelcontextprotocol/server-everything/dist):
//   - start over stdio:  node dist/index.js stdio   (stdio is also the
//     default with no argument; it prints "Starting default (STDIO)
//     server..." on stderr only, so stdout stays JSON-RPC);
//   - Streamable HTTP:   node dist/index.js streamableHttp, endpoint /mcp on
//     the port in env PORT (default 3001; app.listen(PORT) without a host,
//     so every interface); "sse" is the deprecated HTTP+SSE transport.
//     Its other env variables: GZIP_MAX_FETCH_SIZE, GZIP_MAX_FETCH_TIME_MILLIS
//     and GZIP_ALLOWED_DOMAINS (the gzip-file-as-resource tool);
//   - tools always there: echo {message} → "Echo: MESSAGE", get-sum {a, b}
//     → "The sum of A and B is A+B." (the "add" tool of older releases),
//     get-annotated-message, get-env (dumps the whole environment),
//     get-resource-links, get-resource-reference, get-structured-content,
//     get-tiny-image, gzip-file-as-resource, toggle-simulated-logging,
//     toggle-subscriber-updates, trigger-long-running-operation {duration,
//     steps} (notifications/progress when the call has a progressToken), and
//     simulate-research-query (a task tool, execution.taskSupport "required");
//   - registered after notifications/initialized, depending on the
//     capabilities the client (here: Gatehouse) declared: get-roots-list
//     (roots), trigger-elicitation-request (elicitation),
//     trigger-url-elicitation (elicitation.url), trigger-sampling-request
//     (sampling), trigger-sampling-request-async and
//     trigger-elicitation-request-async (those plus tasks);
//   - on its own, unasked: right after notifications/initialized it sends
//     notifications/tools/list_changed, once per tool it registers then (one
//     with no client capabilities, up to seven with roots, elicitation,
//     sampling and tasks); 350 ms later, if the client declared roots, it
//     sends a roots/list REQUEST and then a notifications/message (level
//     info, "Roots updated: N root(s) received from client"); it answers
//     resources/subscribe and unsubscribe with a notifications/message too.
//     Periodic logging (every 5 s) and resource updates start only when the
//     toggle-simulated-logging / toggle-subscriber-updates tools are called.
//
// A binary without the gateway fails these tests.
//
// Run: cd tests/e2e && node --test gateway.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { runGatehouse } from './lib/run.mjs';
import { accessToken } from './lib/token.mjs';
import { startServer } from './lib/server.mjs';
import { eventStreamMessages } from './lib/stateless.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;
const PROBE = path.join(here, 'fixtures', 'probe-server.mjs');
const EVERYTHING = path.join(here, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

const TEST_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_MS = 15_000; // per raw fetch
const SDK_REQUEST = { timeout: 15_000 }; // per SDK request; above every call_timeout used here
const PROTOCOL_VERSION = '2025-11-25';
const PROBE_TOOLS = ['ask_name', 'bad_json', 'big_result', 'crash', 'echo', 'flood', 'hang', 'huge_line', 'notify_self', 'slow_progress', 'whoami'];
// Gatehouse's resident memory while a child floods it. A sanitizer build
// (ASAN_OPTIONS is set by scripts/sanitize.sh) keeps up to 256 MB of freed
// memory in quarantine on top, and shadow memory.
const RSS_LIMIT = (process.env.ASAN_OPTIONS ? 700 : 200) * 1024 * 1024;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `predicate` every 50 ms until it holds or `ms` have passed.
async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

// `--backend 'stdio:...'` is split like a shell would: each word in single quotes.
const stdioBackend = (...words) => `stdio:${words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ')}`;

// ---------------------------------------------------------------------------
// Config files

// A TOML value: strings and arrays as JSON writes them (valid TOML too).
const tomlValue = (v) => (Array.isArray(v) ? `[${v.map(tomlValue).join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v));

// One [[backend]] table; `env` becomes its [backend.env] table.
function backendTable({ name = 'probe', command = [NODE, PROBE], env = {}, ...settings } = {}) {
  const lines = ['[[backend]]', `name = ${tomlValue(name)}`, `command = ${tomlValue(command)}`];
  for (const [key, value] of Object.entries(settings)) lines.push(`${key} = ${tomlValue(value)}`);
  if (Object.keys(env).length > 0) {
    lines.push('[backend.env]');
    for (const [key, value] of Object.entries(env)) lines.push(`${key} = ${tomlValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

const configText = (auth, backend) => `[server]\nauth = ${tomlValue(auth)}\n\n${backendTable(backend)}`;

// ---------------------------------------------------------------------------
// Processes

const run = (args, options) => runGatehouse(args, options);

// Gatehouse's resident set size in bytes (0 once it is gone).
function rssOf(pid) {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------
// OAuth: users and their access tokens

async function addUser(dataDir, name, password) {
  const r = await run(['users', 'add', name, '--password-stdin', '--data-dir', dataDir], { input: `${password}\n` });
  assert.equal(r.code, 0, `gatehouse users add ${name}: ${r.stderr}`);
}

// An access token of `user` ({name, password}) for /mcp.
const tokenFor = (server, user) =>
  accessToken(server, { username: user.name, password: user.password, clientName: 'gateway e2e' });

// The `sub` claim of a JWT access token: the user's subject.
const subjectOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).sub;

// ---------------------------------------------------------------------------
// Raw Streamable HTTP

async function post(server, body, headers = {}, timeoutMs = HTTP_TIMEOUT_MS) {
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, messages: messagesIn(res.headers.get('content-type') ?? '', text) };
}

// The JSON-RPC messages of a response body: JSON, or the `data:` of each SSE event.
function messagesIn(contentType, text) {
  if (!contentType.includes('text/event-stream')) {
    if (text.trim() === '') return [];
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  return eventStreamMessages(text);
}

// The response (result or error) to request `id` in `r`.
function responseTo(r, id) {
  const message = r.messages.find((m) => m.id === id && ('result' in m || 'error' in m));
  assert.ok(message, `a response to id ${JSON.stringify(id)}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
  return message;
}

// The text a tools/call answered to request `id` in `r`.
function toolTextIn(r, id) {
  const message = responseTo(r, id);
  assert.ok(message.result, `a result for id ${id}: ${JSON.stringify(message).slice(0, 500)}`);
  assert.ok(!message.result.isError, `not an error result: ${JSON.stringify(message.result).slice(0, 500)}`);
  return message.result.content?.[0]?.text;
}

const toolsCall = (id, name, args = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

// initialize → Mcp-Session-Id → notifications/initialized, by hand.
async function rawSession(server, headers = {}) {
  const opened = await post(server, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'gateway-e2e-raw', version: '0.0.0' } },
  }, headers);
  assert.equal(opened.status, 200, `initialize: HTTP ${opened.status} ${opened.text}`);
  const sessionId = opened.headers.get('mcp-session-id');
  assert.ok(sessionId, 'initialize answered an Mcp-Session-Id');
  const session = { ...headers, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': PROTOCOL_VERSION };
  const ack = await post(server, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  assert.equal(ack.status, 202, `notifications/initialized: HTTP ${ack.status} ${ack.text}`);
  return {
    call: (id, name, args, timeoutMs) => post(server, toolsCall(id, name, args), session, timeoutMs),
    close: () =>
      fetch(server.mcpUrl, { method: 'DELETE', headers: session, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
        .then((r) => r.arrayBuffer())
        .catch(() => {}),
  };
}

// ---------------------------------------------------------------------------
// SDK client results

const textOf = (result) => {
  assert.ok(!result.isError, `not an error result: ${JSON.stringify(result).slice(0, 500)}`);
  return result.content?.[0]?.text;
};

async function whoami(client) {
  return JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }, undefined, SDK_REQUEST)));
}

// The JSON-RPC error a call ended with: {code, message, data}. The SDK puts
// "MCP error CODE: " before the server's message; it is taken off again.
async function errorOf(promise) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    return { code: err.code, message: String(err.message).replace(/^MCP error -?\d+: /, ''), data: err.data };
  }
  assert.fail(`expected a JSON-RPC error, got a result: ${JSON.stringify(result).slice(0, 500)}`);
}

// A backend failure as Gatehouse reports it to the MCP client.
function assertBackendError(error, reason, what) {
  const shown = `${what}: ${JSON.stringify(error)}`;
  assert.equal(error.code, -32603, shown);
  assert.match(error.message, /^backend probe: /, shown);
  assert.equal(error.data?.reason, reason, shown);
}

// ---------------------------------------------------------------------------
// One test's servers, clients and directories, all cleaned up at its end;
// the log tails of its servers are added to a failure.

class Scope {
  #dirs = [];
  #servers = [];
  #closers = [];

  scratch() {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-gateway-'));
    this.#dirs.push(dir);
    return dir;
  }

  async start(options) {
    const server = await startServer(options);
    this.#servers.push(server);
    return server;
  }

  // gatehouse serve --config FILE with [server] auth and one [[backend]]
  // table (see backendTable); `serverEnv` is added to Gatehouse's own
  // environment; the `users` accounts exist before the first start.
  async gateway({ auth = 'none', users = [], serverEnv = {}, backend = {} } = {}) {
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

  // An SDK 1.x client connected to `server`; every notification it gets
  // that has no handler of its own is kept in `notes`.
  async client(server, { token, capabilities = {}, connect = true } = {}) {
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
      requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
    });
    const client = new Client({ name: 'gatehouse-e2e-gateway', version: '0.0.0' }, { capabilities });
    const notes = [];
    client.fallbackNotificationHandler = async (notification) => {
      notes.push(notification);
    };
    this.#closers.push(async () => {
      await Promise.race([transport.terminateSession().catch(() => {}), sleep(2_000)]);
      await client.close().catch(() => {});
    });
    if (connect) await client.connect(transport, SDK_REQUEST);
    return { client, transport, notes };
  }

  async session(server, headers) {
    const session = await rawSession(server, headers);
    this.#closers.push(session.close);
    return session;
  }

  logTails() {
    return this.#servers.map((s, i) => `\n--- gatehouse #${i + 1} stderr (tail) ---\n${s.logs().slice(-3000)}`).join('');
  }

  async cleanup() {
    for (const close of this.#closers.reverse()) await close();
    for (const server of this.#servers) await server.stop();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }
}

function gatewayTest(name, fn) {
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
// Serving a backend

gatewayTest('--backend stdio: the child\'s tools unchanged, with progress and elicitation passed through', async (scope) => {
  const server = await scope.start({ args: ['--backend', stdioBackend(NODE, PROBE), '--auth', 'none'] });
  const { client } = await scope.client(server, { capabilities: { elicitation: {} } });
  const elicitations = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params);
    return { action: 'accept', content: { name: 'Ada' } };
  });

  // One backend: no prefix.
  const { tools } = await client.listTools({}, SDK_REQUEST);
  assert.deepEqual(tools.map((tool) => tool.name).sort(), PROBE_TOOLS, 'the probe\'s tools, under their own names');
  const echo = tools.find((tool) => tool.name === 'echo');
  assert.equal(echo.inputSchema?.properties?.text?.type, 'string', `echo's input schema came through: ${JSON.stringify(echo)}`);

  const echoed = await client.callTool({ name: 'echo', arguments: { text: 'through the gateway' } }, undefined, SDK_REQUEST);
  assert.equal(textOf(echoed), 'through the gateway');

  // The SDK sends a progressToken because onprogress is set; the child's
  // three notifications/progress come back to it.
  const progress = [];
  const slow = await client.callTool({ name: 'slow_progress', arguments: {} }, undefined, { ...SDK_REQUEST, onprogress: (p) => progress.push(p) });
  assert.equal(textOf(slow), 'done');
  assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 3], [2, 3], [3, 3]], `progress: ${JSON.stringify(progress)}`);

  // The child's elicitation/create reaches this client, and the answer the child.
  const asked = await client.callTool({ name: 'ask_name', arguments: {} }, undefined, SDK_REQUEST);
  assert.equal(textOf(asked), 'hello Ada');
  assert.equal(elicitations.length, 1, `one elicitation request: ${JSON.stringify(elicitations)}`);
  assert.equal(elicitations[0].message, 'What is your name?');
  assert.deepEqual(elicitations[0].requestedSchema?.required, ['name']);
});

gatewayTest('prefix and allow_tools: only allowed tools, as PREFIX__NAME; others never reach the child', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', prefix: 'p', allow_tools: ['whoami', 'echo'] } });
  const { client } = await scope.client(server);
  const { tools } = await client.listTools({}, SDK_REQUEST);
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['p__echo', 'p__whoami']);

  const before = JSON.parse(textOf(await client.callTool({ name: 'p__whoami', arguments: {} }, undefined, SDK_REQUEST)));
  assert.equal(textOf(await client.callTool({ name: 'p__echo', arguments: { text: 'prefixed' } }, undefined, SDK_REQUEST)), 'prefixed');

  // crash is not allowed: refused (an error or an error result), and the
  // child was not asked, so it is still the same process.
  let refused;
  try {
    refused = await client.callTool({ name: 'p__crash', arguments: {} }, undefined, SDK_REQUEST);
  } catch (err) {
    refused = { thrown: String(err.message) };
  }
  assert.ok(refused.thrown || refused.isError, `p__crash is refused: ${JSON.stringify(refused)}`);
  const after = JSON.parse(textOf(await client.callTool({ name: 'p__whoami', arguments: {} }, undefined, SDK_REQUEST)));
  assert.equal(after.pid, before.pid, 'the child did not run crash');
});

gatewayTest('max_result_chars: an oversized result becomes an isError result saying it was too large', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', max_result_chars: 150000 } });
  const { client } = await scope.client(server);
  const small = await client.callTool({ name: 'big_result', arguments: { size: 1000 } }, undefined, SDK_REQUEST);
  assert.equal(textOf(small).length, 1000, 'a result under the cap arrives whole');

  const big = await client.callTool({ name: 'big_result', arguments: { size: 200000 } }, undefined, SDK_REQUEST);
  assert.equal(big.isError, true, `isError: ${JSON.stringify(big).slice(0, 300)}`);
  const said = big.content?.map((c) => c.text ?? '').join(' ') ?? '';
  assert.match(said, /too (large|big|long)/i, `says it was too large: ${said.slice(0, 300)}`);
  assert.ok(said.length < 150000, 'the oversized text is not passed on');

  // The child and the session are fine afterwards.
  assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'still here' } }, undefined, SDK_REQUEST)), 'still here');
});

gatewayTest('server-everything as a stdio backend: its echo and get-sum tools through Gatehouse', async (scope) => {
  const server = await scope.start({ args: ['--backend', stdioBackend(NODE, EVERYTHING, 'stdio'), '--auth', 'none'] });
  const { client } = await scope.client(server);
  const { tools } = await client.listTools({}, SDK_REQUEST);
  const names = tools.map((tool) => tool.name);
  for (const name of ['echo', 'get-sum', 'trigger-long-running-operation'])
    assert.ok(names.includes(name), `tools/list has ${name}: ${names}`);

  const echoed = await client.callTool({ name: 'echo', arguments: { message: 'hello everything' } }, undefined, SDK_REQUEST);
  assert.equal(textOf(echoed), 'Echo: hello everything');
  const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } }, undefined, SDK_REQUEST);
  assert.equal(textOf(sum), 'The sum of 2 and 3 is 5.');
});

// ---------------------------------------------------------------------------
// Isolation (OAuth: two users)

const NOTIFIED = ['notifications/resources/updated', 'notifications/tools/list_changed'];
// What a child may get from Gatehouse's environment, plus [backend.env].
const PASSED_THROUGH = ['HOME', 'LANG', 'PATH', 'TZ'];

gatewayTest('isolation "user": a child per user with its [backend.env]; one user\'s child never notifies another', async (scope, t) => {
  const keySource = `key-${randomBytes(6).toString('hex')}`;
  const { server, users } = await scope.gateway({
    auth: 'oauth',
    users: ['alice', 'bob'],
    // PROBE_LEAK_CHECK is in Gatehouse's environment and must stay there.
    serverEnv: { PROBE_KEY_SOURCE: keySource, PROBE_LEAK_CHECK: 'must-not-reach-the-child' },
    backend: {
      isolation: 'user',
      call_timeout: 3,
      start_timeout: 10,
      idle_timeout: 600,
      max_processes: 2,
      env: { PROBE_USER: '{user.subject}', PROBE_LITERAL: 'literal-value', PROBE_KEY: '{env.PROBE_KEY_SOURCE}' },
    },
  });
  const aliceToken = await tokenFor(server, users[0]);
  const bobToken = await tokenFor(server, users[1]);
  const alice = await scope.client(server, { token: aliceToken });
  const bob = await scope.client(server, { token: bobToken });

  const seen = { alice: await whoami(alice.client), bob: await whoami(bob.client) };
  assert.notEqual(seen.alice.pid, seen.bob.pid, 'alice and bob are served by two processes');
  assert.equal(seen.alice.env.PROBE_USER, subjectOf(aliceToken), '{user.subject} is alice\'s subject');
  assert.equal(seen.bob.env.PROBE_USER, subjectOf(bobToken), '{user.subject} is bob\'s subject');
  assert.notEqual(seen.alice.env.PROBE_USER, seen.bob.env.PROBE_USER);
  for (const [who, child] of Object.entries(seen)) {
    assert.equal(child.env.PROBE_LITERAL, 'literal-value', `${who}: a literal value`);
    assert.equal(child.env.PROBE_KEY, keySource, `${who}: {env.PROBE_KEY_SOURCE} from Gatehouse's environment`);
    assert.equal(child.env.PROBE_LEAK_CHECK, null, `${who}: Gatehouse's other variables do not reach the child`);
    assert.equal(child.env.PATH_present, true, `${who}: PATH is passed on`);
    const extra = child.names.filter((name) => !PASSED_THROUGH.includes(name) && !['PROBE_USER', 'PROBE_LITERAL', 'PROBE_KEY'].includes(name));
    assert.deepEqual(extra, [], `${who}: only PATH, HOME, LANG, TZ and [backend.env] in the child's environment: ${child.names}`);
  }

  // A second session of alice's is served by alice's child.
  const alice2 = await scope.client(server, { token: aliceToken });
  assert.equal((await whoami(alice2.client)).pid, seen.alice.pid, 'per user, not per session');

  // bob's notify_self: resources/updated and tools/list_changed from bob's
  // child. bob gets the update he subscribed to (where Gatehouse offers
  // resources/subscribe); alice, subscribed to the same URI, gets neither.
  const canSubscribe = !!alice.client.getServerCapabilities()?.resources?.subscribe;
  if (!canSubscribe) t.diagnostic('gatehouse does not offer resources/subscribe: only tools/list_changed is checked');
  if (canSubscribe) {
    await alice.client.subscribeResource({ uri: 'probe://counter' }, SDK_REQUEST);
    await bob.client.subscribeResource({ uri: 'probe://counter' }, SDK_REQUEST);
  }
  await sleep(300);
  alice.notes.length = 0;
  bob.notes.length = 0;
  assert.equal(textOf(await bob.client.callTool({ name: 'notify_self', arguments: {} }, undefined, SDK_REQUEST)), 'ok');
  if (canSubscribe)
    await waitFor(() => bob.notes.some((n) => n.method === 'notifications/resources/updated'), 3_000, 'bob gets resources/updated for probe://counter');
  await sleep(1_000);
  const leaked = alice.notes.filter((n) => NOTIFIED.includes(n.method));
  assert.deepEqual(leaked, [], 'alice\'s session got nothing of bob\'s child');
});

gatewayTest('isolation "shared": every user is served by the same child', async (scope) => {
  const { server, users } = await scope.gateway({ auth: 'oauth', users: ['alice', 'bob'], backend: { isolation: 'shared', call_timeout: 3 } });
  const alice = await scope.client(server, { token: await tokenFor(server, users[0]) });
  const bob = await scope.client(server, { token: await tokenFor(server, users[1]) });
  const a = await whoami(alice.client);
  const b = await whoami(bob.client);
  assert.equal(a.pid, b.pid, 'one process for both users');
  assert.equal(a.env.PROBE_USER, null, 'no per-user values in a shared child');
});

// ---------------------------------------------------------------------------
// Faults

gatewayTest('fault: a child that exits mid-call → reason "exited"; the next call gets a new child', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', call_timeout: 3 } });
  const one = await scope.client(server);
  const other = await scope.client(server);
  const before = await whoami(one.client);

  const error = await errorOf(one.client.callTool({ name: 'crash', arguments: {} }, undefined, SDK_REQUEST));
  assertBackendError(error, 'exited', 'crash');

  const after = await whoami(one.client);
  assert.notEqual(after.pid, before.pid, 'the child was started again');
  assert.equal(textOf(await other.client.callTool({ name: 'echo', arguments: { text: 'other client' } }, undefined, SDK_REQUEST)), 'other client');
});

gatewayTest('fault: a call that never answers → reason "timeout" after call_timeout (3 s)', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', call_timeout: 3 } });
  const one = await scope.client(server);
  const started = Date.now();
  const error = await errorOf(one.client.callTool({ name: 'hang', arguments: {} }, undefined, SDK_REQUEST));
  const elapsed = Date.now() - started;
  assertBackendError(error, 'timeout', 'hang');
  assert.ok(elapsed >= 2_500 && elapsed < 10_000, `answered after about 3 s: ${elapsed} ms`);
  assert.equal(textOf(await one.client.callTool({ name: 'echo', arguments: { text: 'after the hang' } }, undefined, SDK_REQUEST)), 'after the hang');
});

gatewayTest('fault: a line on the child\'s stdout that is not JSON → reason "timeout"; Gatehouse keeps serving', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', call_timeout: 3 } });
  const one = await scope.client(server);
  const other = await scope.client(server);
  const error = await errorOf(one.client.callTool({ name: 'bad_json', arguments: {} }, undefined, SDK_REQUEST));
  assertBackendError(error, 'timeout', 'bad_json');
  assert.match(error.message, /json/i, `the timeout says the process wrote lines that are not JSON: ${error.message}`);
  assert.equal(textOf(await other.client.callTool({ name: 'echo', arguments: { text: 'still served' } }, undefined, SDK_REQUEST)), 'still served');
  assert.equal(textOf(await one.client.callTool({ name: 'echo', arguments: { text: 'me too' } }, undefined, SDK_REQUEST)), 'me too');
});

gatewayTest('fault: a child flooding stdout (200000 notifications) — others are served, Gatehouse stays under 200 MB', async (scope, t) => {
  // One child per session: the other session's calls do not queue behind the flood.
  const { server } = await scope.gateway({ backend: { isolation: 'session', call_timeout: 30 } });
  const flooder = await scope.session(server);
  const other = await scope.session(server);
  assert.equal(toolTextIn(await other.call(1, 'echo', { text: 'before' }), 1), 'before');

  let peak = rssOf(server.pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(server.pid));
  }, 50);
  try {
    const flood = flooder.call(1, 'flood', {}, 45_000);
    await sleep(300);
    const asked = Date.now();
    assert.equal(toolTextIn(await other.call(2, 'echo', { text: 'during the flood' }), 2), 'during the flood');
    assert.ok(Date.now() - asked < 5_000, `another session is answered while the flood goes on: ${Date.now() - asked} ms`);

    // The answer "flooded", or a clear backend error.
    const answer = responseTo(await flood, 1);
    if (answer.error) {
      assert.equal(answer.error.code, -32603, JSON.stringify(answer.error));
      assert.match(answer.error.message, /^backend probe: /, JSON.stringify(answer.error));
      t.diagnostic(`flood answered with an error: ${JSON.stringify(answer.error)}`);
    } else {
      assert.equal(answer.result?.content?.[0]?.text, 'flooded', JSON.stringify(answer).slice(0, 500));
    }
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, rssOf(server.pid));
  t.diagnostic(`gatehouse peak RSS during the flood: ${(peak / 1048576).toFixed(1)} MB`);
  assert.ok(peak > 0, `VmRSS of gatehouse (pid ${server.pid}) was read`);
  assert.ok(peak < RSS_LIMIT, `gatehouse RSS stayed under ${RSS_LIMIT / 1048576} MB: peak ${(peak / 1048576).toFixed(1)} MB`);
  assert.equal(toolTextIn(await other.call(3, 'echo', { text: 'after' }), 3), 'after');
});

gatewayTest('fault: a 100 MB line on the child\'s stdout → reason "protocol"; the next call works', async (scope, t) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', call_timeout: 10 } });
  const one = await scope.client(server);
  await whoami(one.client);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(server.pid));
  }, 50);
  try {
    const error = await errorOf(one.client.callTool({ name: 'huge_line', arguments: {} }, undefined, SDK_REQUEST));
    assertBackendError(error, 'protocol', 'huge_line');
  } finally {
    clearInterval(sampler);
  }
  t.diagnostic(`gatehouse peak RSS during the 100 MB line: ${(peak / 1048576).toFixed(1)} MB`);
  assert.equal(textOf(await one.client.callTool({ name: 'echo', arguments: { text: 'after the line' } }, undefined, SDK_REQUEST)), 'after the line');
});

gatewayTest('fault: a child that exits at start → reason "start_failed", naming its exit status', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'session', start_timeout: 10, env: { PROBE_EXIT_AT_START: '1' } } });
  const { client, transport } = await scope.client(server, { connect: false });
  // The child may be started for the session (initialize) or for the first call.
  let error;
  try {
    await client.connect(transport, SDK_REQUEST);
  } catch (err) {
    error = { code: err.code, message: String(err.message).replace(/^MCP error -?\d+: /, ''), data: err.data };
  }
  error ??= await errorOf(client.callTool({ name: 'whoami', arguments: {} }, undefined, SDK_REQUEST));
  assertBackendError(error, 'start_failed', 'PROBE_EXIT_AT_START=1');
  assert.match(error.message, /exit/i, `mentions the exit: ${error.message}`);
  assert.match(error.message, /\b5\b/, `mentions exit status 5: ${error.message}`);
  // The child's last stderr line is logged with the reason.
  await waitFor(() => server.logs().includes('PROBE_EXIT_AT_START=1, exiting with status 5'), 5_000, 'the child\'s stderr is in the log');
  const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  await health.arrayBuffer();
  assert.equal(health.status, 200, 'gatehouse is still up');
});

gatewayTest('a child that writes 1000 lines on stderr at start is served normally', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', env: { PROBE_STDERR_SPAM: '1' } } });
  const one = await scope.client(server);
  const { pid } = await whoami(one.client);
  assert.equal(textOf(await one.client.callTool({ name: 'echo', arguments: { text: 'not blocked' } }, undefined, SDK_REQUEST)), 'not blocked');
  // What the child writes on stderr goes to Gatehouse's log (rate-limited).
  await waitFor(() => server.logs().includes(`backend probe [${pid}]: probe-server: stderr line`), 5_000, 'the child\'s stderr lines are in the log');
});

gatewayTest('fault: max_processes = 1 with a call in flight for one user → reason "process_cap" for another', async (scope) => {
  const { server, users } = await scope.gateway({
    auth: 'oauth',
    users: ['alice', 'bob'],
    backend: { isolation: 'user', max_processes: 1, call_timeout: 3 },
  });
  const alice = await scope.client(server, { token: await tokenFor(server, users[0]) });
  const bob = await scope.client(server, { token: await tokenFor(server, users[1]) });
  await whoami(alice.client); // alice's child is running
  const hanging = errorOf(alice.client.callTool({ name: 'hang', arguments: {} }, undefined, SDK_REQUEST));
  await sleep(200);
  const error = await errorOf(bob.client.callTool({ name: 'whoami', arguments: {} }, undefined, SDK_REQUEST));
  assertBackendError(error, 'process_cap', 'bob while alice holds the only process');
  assertBackendError(await hanging, 'timeout', 'alice\'s hang');
});

// ---------------------------------------------------------------------------
// JSON-RPC ids

gatewayTest('the same JSON-RPC id in two sessions, and twice in one session, each gets its own answer', async (scope) => {
  const { server } = await scope.gateway({ backend: { isolation: 'shared', call_timeout: 10 } });
  const one = await scope.session(server);
  const two = await scope.session(server);
  const pidOne = JSON.parse(toolTextIn(await one.call(50, 'whoami'), 50)).pid;
  const pidTwo = JSON.parse(toolTextIn(await two.call(50, 'whoami'), 50)).pid;
  assert.equal(pidOne, pidTwo, 'both sessions reach the same child');

  // Both in flight at the child together; the first is answered last.
  const [a, b] = await Promise.all([
    one.call(1, 'echo', { text: 'session one', delay_ms: 400 }),
    two.call(1, 'echo', { text: 'session two', delay_ms: 50 }),
  ]);
  assert.equal(toolTextIn(a, 1), 'session one');
  assert.equal(toolTextIn(b, 1), 'session two');

  const [c, d] = await Promise.all([
    one.call(7, 'echo', { text: 'first of two', delay_ms: 400 }),
    one.call(7, 'echo', { text: 'second of two', delay_ms: 50 }),
  ]);
  assert.equal(toolTextIn(c, 7), 'first of two');
  assert.equal(toolTextIn(d, 7), 'second of two');
});

// ---------------------------------------------------------------------------
// --check-config

const CONFIG_HEAD = '[server]\nauth = "oauth"\n\n'; // lines 1-3
const PROBE_TABLE = `[[backend]]\nname = "probe"\ncommand = ${tomlValue([NODE, PROBE])}\n`; // lines 4-6

// Each: the text, the lines the error may point at (its [[backend]] table or
// the key), and what it must name.
const BROKEN_CONFIGS = [
  { what: 'isolation "users"', text: `${CONFIG_HEAD}${PROBE_TABLE}isolation = "users"\n`, lines: [4, 7], names: 'isolation' },
  { what: 'an unknown key', text: `${CONFIG_HEAD}${PROBE_TABLE}call_timout = 3\n`, lines: [4, 7], names: 'call_timout' },
  { what: 'an unknown template variable', text: `${CONFIG_HEAD}${PROBE_TABLE}[backend.env]\nPROBE_USER = "{user.nmae}"\n`, lines: [4, 7, 8], names: 'user.nmae' },
  { what: 'both command and url', text: `${CONFIG_HEAD}${PROBE_TABLE}url = "http://127.0.0.1:9/mcp"\n`, lines: [4, 6, 7], names: 'url' },
  { what: 'neither command nor url', text: `${CONFIG_HEAD}[[backend]]\nname = "probe"\ncall_timeout = 3\n`, lines: [4, 5], names: 'command' },
  { what: 'two backends named "probe"', text: `${CONFIG_HEAD}${PROBE_TABLE}\n${PROBE_TABLE}`, lines: [8, 9], names: 'probe' },
  { what: 'a prefix with "__"', text: `${CONFIG_HEAD}${PROBE_TABLE}prefix = "p__q"\n`, lines: [4, 7], names: 'prefix' },
];

gatewayTest('serve --check-config: 0 for a valid config; 2 and FILE:LINE and the key for broken ones', async (scope) => {
  const dir = scope.scratch();
  const file = path.join(dir, 'gatehouse.toml');
  const check = (text) => {
    writeFileSync(file, text);
    return run(['serve', '--check-config', '--config', file], { cwd: dir, env: { PROBE_KEY_SOURCE: 'from-the-environment' } });
  };

  const valid = await check(
    configText('oauth', {
      isolation: 'user',
      call_timeout: 3,
      start_timeout: 10,
      idle_timeout: 600,
      max_processes: 2,
      prefix: 'p',
      allow_tools: ['whoami'],
      max_result_chars: 150000,
      env: { PROBE_USER: '{user.subject}', PROBE_LITERAL: 'literal-value', PROBE_KEY: '{env.PROBE_KEY_SOURCE}' },
    }),
  );
  assert.equal(valid.code, 0, `a valid config: exit ${valid.code}\nstdout: ${valid.stdout}\nstderr: ${valid.stderr}`);

  for (const broken of BROKEN_CONFIGS) {
    const r = await check(broken.text);
    const shown = `${broken.what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nconfig:\n${broken.text}`;
    assert.equal(r.code, 2, shown);
    assert.equal(r.stdout, '', `nothing on stdout: ${shown}`);
    const at = /gatehouse\.toml:(\d+)/.exec(r.stderr.split('\n')[0]);
    assert.ok(at, `the first line on stderr names the file and a line: ${shown}`);
    assert.ok(broken.lines.includes(Number(at[1])), `points at line ${broken.lines.join(' or ')}: ${shown}`);
    assert.ok(r.stderr.includes(broken.names), `names ${broken.names}: ${shown}`);
  }
});
