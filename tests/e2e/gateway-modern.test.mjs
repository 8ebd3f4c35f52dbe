// End-to-end tests of the gateway with clients of the stateless revision
// 2026-07-28 in front of 2025-era backends, and of per-tool scopes of
// backend tools. The backends are fixtures/probe-server.mjs over stdio and
// @modelcontextprotocol/server-everything over Streamable HTTP (PORT=0,
// lib/listen-loopback.mjs preloaded), all on 127.0.0.1.
//
// What is checked:
//   1. @modelcontextprotocol/client 2.x with versionNegotiation "auto" ends
//      up on 2026-07-28 (server/discover, no initialize, every request with
//      MCP-Protocol-Version 2026-07-28) and, through Gatehouse, lists tools,
//      calls echo, gets the progress of a slow tool and answers a backend's
//      elicitation/create with its own handler: Gatehouse turns the backend's
//      question into an input-required result keyed "gw-...", the client
//      repeats the call with inputResponses and requestState, and the
//      backend's answer comes back. Against the stdio probe (ask_name →
//      "hello Ada") and server-everything over HTTP
//      (trigger-elicitation-request). The SDK drives the rounds itself; the
//      recorded requests show the two rounds. server-everything also asks
//      roots/list on its own right after it starts (on its GET stream, in no
//      request): a 2026-07-28 call in flight at that moment is not the one
//      asking and must still get its own result.
//   2. The same bridge by hand with raw fetch against the stdio probe:
//      round 1 is input_required with one gw- key; round 2 with the answer
//      gives "hello Ada"; the same round 2 again gives JSON-RPC error -32603
//      with data.reason "round_lost"; a client that does not declare the
//      elicitation capability is not asked: the backend's question gets an
//      error answer naming the capability, and its tool decides
//      and the backend's call does not stay behind (the next echo
//      is answered, and the idle process is stopped after idle_timeout,
//      which a call still waiting for its round would prevent); with
//      call_timeout = 3, a round 1 left unanswered past call_timeout and
//      Gatehouse's sweep (every 5 s) is answered with round_lost, by the same
//      process.
//   3. OAuth: [oauth] scopes = ["mcp", "probe:write"] and a [[backend]] with
//      tool_scopes = ["echo=probe:write"]: a token with only "mcp" lists
//      tools and calls whoami, slow_progress (progress arrives) and ask_name
//      (elicitation in a 2025-11-25 session) with the SDK 1.x client, but its
//      echo gets HTTP 403 with WWW-Authenticate error="insufficient_scope"
//      naming probe:write (raw fetch: in a session and stateless); a token
//      with "mcp probe:write" can call echo.
//
// Run: cd tests/e2e && node --test gateway-modern.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { accessToken } from './lib/token.mjs';
import { startNodeServer } from './lib/node-server.mjs';
import { startServer } from './lib/server.mjs';
import { META, eventStreamMessages } from './lib/stateless.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;
const PROBE = path.join(here, 'fixtures', 'probe-server.mjs');
const EVERYTHING = path.join(here, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const LOOPBACK = pathToFileURL(path.join(here, 'lib', 'listen-loopback.mjs')).href;

const MODERN = '2026-07-28';
const SESSION_VERSION = '2025-11-25';
const PROBE_TOOLS = ['ask_name', 'bad_json', 'big_result', 'crash', 'echo', 'flood', 'hang', 'huge_line', 'notify_self', 'slow_progress', 'whoami'];

const TEST_TIMEOUT_MS = 40_000;
const HTTP_TIMEOUT_MS = 15_000; // per raw fetch
const SDK_REQUEST = { timeout: 15_000 }; // per SDK request
const SWEEP_MS = 5_000; // Gatehouse looks for expired rounds and idle processes this often

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `predicate` (may be async) every 100 ms until it holds or `ms` have passed.
async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

// `--backend 'stdio:...'` is split like a shell would: each word in single quotes.
const stdioBackend = (...words) => `stdio:${words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ')}`;

// ---------------------------------------------------------------------------
// Backend processes (node): lib/node-server.mjs starts them and stops them
// by PID.

// ---------------------------------------------------------------------------
// Config files

// A TOML value: strings and arrays as JSON writes them (valid TOML too).
const tomlValue = (v) => (Array.isArray(v) ? `[${v.map(tomlValue).join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v));

// [server] auth, [oauth] scopes when given, and one [[backend]] table of the
// stdio probe with `settings`.
function configText({ auth, scopes, backend = {} }) {
  const lines = ['[server]', `auth = ${tomlValue(auth)}`, ''];
  if (scopes) lines.push('[oauth]', `scopes = ${tomlValue(scopes)}`, '');
  const { name = 'probe', command = [NODE, PROBE], ...settings } = backend;
  lines.push('[[backend]]', `name = ${tomlValue(name)}`, `command = ${tomlValue(command)}`);
  for (const [key, value] of Object.entries(settings)) lines.push(`${key} = ${tomlValue(value)}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// Recorded fetch: what an SDK client really sent

function recordingFetch() {
  const log = [];
  const fetchFn = async (input, init = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)));
    let body = init.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // keep the text
      }
    }
    const entry = { method: init.method ?? 'GET', headers, body };
    log.push(entry);
    const res = await fetch(input, init);
    entry.status = res.status;
    entry.responseHeaders = Object.fromEntries(res.headers);
    return res;
  };
  return { fetchFn, log };
}

// The JSON-RPC messages (not batches) a recorded client POSTed, each with
// its HTTP exchange as `_http`.
const postedMessages = (log) =>
  log.filter((e) => e.method === 'POST' && e.body && typeof e.body === 'object' && !Array.isArray(e.body)).map((e) => ({ ...e.body, _http: e }));

// ---------------------------------------------------------------------------
// Raw requests

// The JSON-RPC messages of a response body: JSON, or the `data:` of each SSE event.
function messagesIn(contentType, text) {
  if (!contentType.includes('text/event-stream')) {
    if (text.trim() === '') return [];
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  return eventStreamMessages(text);
}

async function post(server, body, headers = {}) {
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  let messages;
  try {
    messages = messagesIn(res.headers.get('content-type') ?? '', text);
  } catch {
    messages = [];
  }
  const response = messages.find((m) => m.id === body.id && ('result' in m || 'error' in m));
  return { status: res.status, headers: res.headers, text, messages, response };
}

const show = (r) => `HTTP ${r.status} ${r.text}`.slice(0, 1500);

let nextId = 1;

/**
 * One stateless (2026-07-28) request by hand.
 *
 * @param {object} server
 * @param {string} method
 * @param {object} params        without _meta
 * @param {object} [opts]
 * @param {object} [opts.capabilities] the client capabilities in _meta
 * @param {string} [opts.token]        a bearer token
 */
function stateless(server, method, params = {}, { capabilities = { elicitation: { form: {} } }, token } = {}) {
  const headers = { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': method };
  if (method === 'tools/call') headers['Mcp-Name'] = params.name;
  if (token) headers.Authorization = `Bearer ${token}`;
  const _meta = {
    [META.version]: MODERN,
    [META.capabilities]: capabilities,
    [META.clientInfo]: { name: 'gatehouse-e2e-gateway-modern', version: '0.0.0' },
  };
  return post(server, { jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta } }, headers);
}

const callTool = (server, name, args = {}, extra = {}, opts = {}) =>
  stateless(server, 'tools/call', { name, arguments: args, ...extra }, opts);

// The complete result of a stateless tools/call, checked.
function completeResult(r, what) {
  assert.equal(r.status, 200, `${what}: ${show(r)}`);
  const result = r.response?.result;
  assert.ok(result, `${what}: a result: ${show(r)}`);
  assert.equal(result.resultType, 'complete', `${what}: ${show(r)}`);
  assert.ok(!result.isError, `${what}: not an error result: ${show(r)}`);
  return result;
}

// Round 1 of ask_name: the input-required result, checked; returns its key
// and requestState.
function askedRound(r, what) {
  assert.equal(r.status, 200, `${what}: ${show(r)}`);
  const result = r.response?.result;
  assert.equal(result?.resultType, 'input_required', `${what}: ${show(r)}`);
  const keys = Object.keys(result.inputRequests ?? {});
  assert.equal(keys.length, 1, `${what}: one input request: ${show(r)}`);
  const [key] = keys;
  assert.match(key, /^gw-[A-Za-z0-9_-]+$/, `${what}: the key is Gatehouse's: ${show(r)}`);
  const question = result.inputRequests[key];
  assert.equal(question.method, 'elicitation/create', `${what}: ${show(r)}`);
  assert.equal(question.params?.message, 'What is your name?', `${what}: ${show(r)}`);
  assert.deepEqual(question.params?.requestedSchema?.required, ['name'], `${what}: ${show(r)}`);
  assert.equal(typeof result.requestState, 'string', `${what}: ${show(r)}`);
  assert.ok(result.requestState.length > 0, `${what}: ${show(r)}`);
  return { key, requestState: result.requestState };
}

// The answer to round 1 of ask_name: the extra params of round 2.
const answerRound = ({ key, requestState }, name = 'Ada') => ({
  inputResponses: { [key]: { action: 'accept', content: { name } } },
  requestState,
});

// A backend failure as Gatehouse reports it: -32603, "backend probe: ...", data.reason.
function assertBackendError(r, reason, what) {
  const error = r.response?.error;
  assert.ok(error, `${what}: a JSON-RPC error: ${show(r)}`);
  assert.equal(error.code, -32603, `${what}: ${show(r)}`);
  assert.match(error.message, /^backend probe: /, `${what}: ${show(r)}`);
  assert.equal(error.data?.reason, reason, `${what}: ${show(r)}`);
}

// A gauge of GET /metrics for backend `name` (null when not there).
async function backendGauge(server, series, name = 'probe') {
  const res = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const text = await res.text();
  assert.equal(res.status, 200, `GET /metrics: ${text.slice(0, 300)}`);
  const match = new RegExp(`^${series}\\{[^}]*backend="${name}"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

// ---------------------------------------------------------------------------
// SDK results

const textOf = (result) => {
  assert.ok(!result.isError, `not an error result: ${JSON.stringify(result).slice(0, 500)}`);
  return result.content?.map((c) => c.text ?? '').join('\n');
};

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
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-gateway-modern-'));
    this.#dirs.push(dir);
    return dir;
  }

  async start(options) {
    const server = await startServer(options);
    this.#gatehouses.push(server);
    return server;
  }

  // gatehouse serve --config FILE (see configText). With auth "oauth" the
  // first start creates the user admin (server.adminUser/adminPassword).
  gateway({ auth = 'none', scopes, backend } = {}) {
    const config = path.join(this.scratch(), 'gatehouse.toml');
    writeFileSync(config, configText({ auth, scopes, backend }));
    return this.start({ args: ['--config', config] });
  }

  // server-everything over Streamable HTTP: {mcpUrl, port, pid, ...}.
  async everything() {
    const proc = await startNodeServer('server-everything streamableHttp', ['--import', LOOPBACK, EVERYTHING, 'streamableHttp'], {
      env: { PORT: '0' },
      portRe: /^listen-loopback: listening on 127\.0\.0\.1:(\d+)$/m,
    });
    this.#backends.push(proc);
    return { ...proc, mcpUrl: `http://127.0.0.1:${proc.port}/mcp` };
  }

  // An SDK 2.x client with automatic version negotiation; `answer(params)`
  // answers elicitation/create. Returns {client, recorder, asked}.
  async modernClient(server, answer) {
    const recorder = recordingFetch();
    const client = new ClientV2(
      { name: 'gatehouse-e2e-gateway-modern', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } },
    );
    const asked = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params);
      return answer(request.params);
    });
    const transport = new TransportV2(new URL(server.mcpUrl), { fetch: recorder.fetchFn });
    this.#closers.push(() => Promise.race([client.close().catch(() => {}), sleep(2_000)]));
    await client.connect(transport, SDK_REQUEST);
    return { client, recorder, asked };
  }

  // An SDK 1.x client (a 2025-11-25 session) with a bearer token.
  async sessionClient(server, { token, capabilities = {} } = {}) {
    const transport = new TransportV1(new URL(server.mcpUrl), {
      requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
    });
    const client = new ClientV1({ name: 'gatehouse-e2e-gateway-modern', version: '0.0.0' }, { capabilities });
    this.#closers.push(async () => {
      await Promise.race([transport.terminateSession().catch(() => {}), sleep(2_000)]);
      await Promise.race([client.close().catch(() => {}), sleep(2_000)]);
    });
    await client.connect(transport, SDK_REQUEST);
    return { client, transport };
  }

  logTails() {
    return [
      ...this.#gatehouses.map((s, i) => `\n--- gatehouse #${i + 1} stderr (tail) ---\n${s.logs().slice(-4000)}`),
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

function modernTest(name, fn) {
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

// What an SDK 2.x client negotiated and sent: 2026-07-28 from server/discover
// on, never a session.
function assertStatelessClient(client, recorder) {
  assert.equal(client.getNegotiatedProtocolVersion(), MODERN, 'negotiated 2026-07-28');
  const posted = postedMessages(recorder.log);
  assert.equal(posted[0]?.method, 'server/discover', `first request: ${JSON.stringify(posted[0]?.method)}`);
  const methods = posted.map((m) => m.method);
  assert.ok(!methods.includes('initialize'), `no initialize: ${methods}`);
  for (const message of posted) {
    const h = message._http.headers;
    assert.equal(h['mcp-protocol-version'], MODERN, `${message.method}: MCP-Protocol-Version header`);
    assert.equal(h['mcp-session-id'], undefined, `${message.method}: no session id sent`);
    assert.equal(message._http.responseHeaders?.['mcp-session-id'], undefined, `${message.method}: no session id issued`);
    if (message.id !== undefined) assert.equal(message.params?._meta?.[META.version], MODERN, `${message.method}: _meta protocolVersion`);
  }
}

// The tools/call requests an SDK 2.x client sent for one call that took an
// input-required round: two, the second answering one gw- key.
function assertTwoRounds(posted, name, answer) {
  const calls = posted.filter((m) => m.method === 'tools/call');
  const shown = JSON.stringify(calls.map((c) => c.params));
  assert.equal(calls.length, 2, `two rounds of ${name}: ${shown}`);
  assert.equal(calls[0].params.name, name);
  assert.equal(calls[0].params.inputResponses, undefined, shown);
  assert.equal(calls[1].params.name, name);
  const keys = Object.keys(calls[1].params.inputResponses ?? {});
  assert.equal(keys.length, 1, `round 2 answers one question: ${shown}`);
  assert.match(keys[0], /^gw-/, `the question's key is Gatehouse's: ${shown}`);
  assert.deepEqual(calls[1].params.inputResponses[keys[0]], answer, shown);
  assert.equal(typeof calls[1].params.requestState, 'string', shown);
  assert.notEqual(calls[0].id, calls[1].id, 'round 2 is a request of its own');
  for (const call of calls) assert.equal(call._http.status, 200, shown);
}

// ===========================================================================
// 1. @modelcontextprotocol/client 2.x, automatic negotiation → 2026-07-28

modernTest('SDK 2.x (auto → 2026-07-28) through --backend stdio:probe: tools, echo, progress, ask_name answered by its handler', async (scope) => {
  const server = await scope.start({ args: ['--backend', stdioBackend(NODE, PROBE), '--auth', 'none'] });
  const { client, recorder, asked } = await scope.modernClient(server, () => ({ action: 'accept', content: { name: 'Ada' } }));

  const { tools } = await client.listTools(undefined, SDK_REQUEST);
  assert.deepEqual(tools.map((tool) => tool.name).sort(), PROBE_TOOLS, 'the probe\'s tools, under their own names');

  const echoed = await client.callTool({ name: 'echo', arguments: { text: 'stateless through the gateway' } }, SDK_REQUEST);
  assert.equal(textOf(echoed), 'stateless through the gateway');

  const progress = [];
  const slow = await client.callTool({ name: 'slow_progress', arguments: {} }, { ...SDK_REQUEST, onprogress: (p) => progress.push(p) });
  assert.equal(textOf(slow), 'done');
  assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 3], [2, 3], [3, 3]], `progress: ${JSON.stringify(progress)}`);

  const before = recorder.log.length;
  const hello = await client.callTool({ name: 'ask_name', arguments: {} }, SDK_REQUEST);
  assert.equal(textOf(hello), 'hello Ada');
  assert.equal(asked.length, 1, `the handler was asked once: ${JSON.stringify(asked)}`);
  assert.equal(asked[0].message, 'What is your name?');
  assert.deepEqual(asked[0].requestedSchema?.required, ['name']);
  assertTwoRounds(postedMessages(recorder.log.slice(before)), 'ask_name', { action: 'accept', content: { name: 'Ada' } });

  assertStatelessClient(client, recorder);
});

modernTest('SDK 2.x (auto → 2026-07-28) through server-everything over HTTP: echo, progress, trigger-elicitation-request', async (scope) => {
  const everything = await scope.everything();
  const server = await scope.start({ args: ['--backend', everything.mcpUrl, '--auth', 'none'] });
  const { client, recorder, asked } = await scope.modernClient(server, () => ({ action: 'accept', content: { name: 'Ada Lovelace' } }));

  const { tools } = await client.listTools(undefined, SDK_REQUEST);
  const names = tools.map((tool) => tool.name);
  for (const name of ['echo', 'trigger-long-running-operation', 'trigger-elicitation-request'])
    assert.ok(names.includes(name), `tools/list has ${name}: ${names}`);

  const echoed = await client.callTool({ name: 'echo', arguments: { message: 'hello stateless' } }, SDK_REQUEST);
  assert.equal(textOf(echoed), 'Echo: hello stateless');

  // Three steps 0.5 s apart; the last notification goes out right before the
  // result, so only the first two are sure to arrive before it.
  const progress = [];
  const long = await client.callTool(
    { name: 'trigger-long-running-operation', arguments: { duration: 1.5, steps: 3 } },
    { ...SDK_REQUEST, onprogress: (p) => progress.push(p) },
  );
  assert.match(textOf(long), /Long running operation completed/);
  assert.ok(progress.length >= 2, `at least 2 progress notifications: ${JSON.stringify(progress)}`);
  assert.deepEqual(progress.slice(0, 2).map((p) => [p.progress, p.total]), [[1, 3], [2, 3]], `progress: ${JSON.stringify(progress)}`);

  const before = recorder.log.length;
  const elicited = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, SDK_REQUEST);
  const said = textOf(elicited);
  assert.match(said, /Name: Ada Lovelace/, `the backend got the name: ${said.slice(0, 500)}`);
  assert.equal(asked.length, 1, `the handler was asked once: ${JSON.stringify(asked).slice(0, 500)}`);
  assert.deepEqual(asked[0].requestedSchema?.required, ['name']);
  assertTwoRounds(postedMessages(recorder.log.slice(before)), 'trigger-elicitation-request', { action: 'accept', content: { name: 'Ada Lovelace' } });

  assertStatelessClient(client, recorder);
});

// server-everything asks roots/list on its own 350 ms after
// notifications/initialized (Gatehouse declares roots), on its GET stream:
// a question of no request. A 2026-07-28 call that happens to be in flight
// then is not the one asking, and must not end because of it.
modernTest('server-everything over HTTP: its roots/list of no request does not end a 2026-07-28 call in flight', async (scope) => {
  const everything = await scope.everything();
  const server = await scope.start({ args: ['--backend', everything.mcpUrl, '--auth', 'none'] });
  // The first request starts the backend session; the call runs 1.5 s, over
  // the moment the backend asks.
  const started = Date.now();
  const r = await callTool(server, 'trigger-long-running-operation', { duration: 1.5, steps: 3 });
  const result = completeResult(r, `trigger-long-running-operation (answered after ${Date.now() - started} ms)`);
  assert.match(result.content?.[0]?.text ?? '', /Long running operation completed/, show(r));
});

// ===========================================================================
// 2. The bridge by hand (raw fetch, stdio probe)

modernTest('by hand: round 1 input_required (gw- key), round 2 → "hello Ada", round 2 again → round_lost', async (scope) => {
  const server = await scope.gateway({ backend: { isolation: 'shared' } });

  const round1 = await callTool(server, 'ask_name');
  const asked = askedRound(round1, 'round 1');

  const round2 = await callTool(server, 'ask_name', {}, answerRound(asked));
  const result = completeResult(round2, 'round 2');
  assert.equal(result.content?.[0]?.text, 'hello Ada', show(round2));

  const replay = await callTool(server, 'ask_name', {}, answerRound(asked));
  assertBackendError(replay, 'round_lost', 'round 2 again');

  // A second, independent call works through the same process.
  const again = askedRound(await callTool(server, 'ask_name'), 'a new round 1');
  assert.notEqual(again.key, asked.key, 'a new key for a new question');
  const grace = completeResult(await callTool(server, 'ask_name', {}, answerRound(again, 'Grace')), 'a new round 2');
  assert.equal(grace.content?.[0]?.text, 'hello Grace');
  assert.equal(completeResult(await callTool(server, 'echo', { text: 'still fine' }), 'echo').content?.[0]?.text, 'still fine');
});

modernTest('by hand: a client without the elicitation capability is not asked; the backend hears so and the call ends', async (scope) => {
  // idle_timeout = 1: a process with nothing in flight and no call waiting
  // for a round is stopped at the next sweep.
  const server = await scope.gateway({ backend: { isolation: 'shared', idle_timeout: 1 } });
  const first = JSON.parse(completeResult(await callTool(server, 'whoami'), 'whoami').content[0].text);

  // The backend's question is answered with an error (the client lacks the
  // capability); the probe's tool turns that into its own error result.
  const answer = await callTool(server, 'ask_name', {}, {}, { capabilities: {} });
  assert.equal(answer.status, 200, show(answer));
  const refused = answer.response?.result;
  assert.equal(refused?.resultType, 'complete', show(answer));
  assert.equal(refused.isError, true, show(answer));
  assert.match(refused.content?.[0]?.text ?? '', /elicitation failed: .*did not declare the elicitation capability/, show(answer));

  // The process still serves, and nothing of the call is left waiting.
  const echoed = completeResult(await callTool(server, 'echo', { text: 'after the refusal' }), 'echo');
  assert.equal(echoed.content?.[0]?.text, 'after the refusal');
  const same = JSON.parse(completeResult(await callTool(server, 'whoami'), 'whoami').content[0].text);
  assert.equal(same.pid, first.pid, 'the same process');
  assert.equal(await backendGauge(server, 'gatehouse_backend_calls_in_flight'), 0, 'no call in flight');
  await waitFor(
    async () => (await backendGauge(server, 'gatehouse_backend_live')) === 0,
    1_000 + 2 * SWEEP_MS + 2_000,
    'the idle process is stopped (gatehouse_backend_live{backend="probe"} 0)',
  );

  // A capable client is asked as usual afterwards.
  const asked = askedRound(await callTool(server, 'ask_name'), 'round 1 of a capable client');
  const hello = completeResult(await callTool(server, 'ask_name', {}, answerRound(asked)), 'round 2 of a capable client');
  assert.equal(hello.content?.[0]?.text, 'hello Ada');
});

modernTest('by hand: max_waiting_calls = 1, a second call waiting for its round → waiting_cap; the first still completes', async (scope) => {
  const server = await scope.gateway({ backend: { isolation: 'shared', max_waiting_calls: 1 } });
  const first = askedRound(await callTool(server, 'ask_name'), 'round 1 of the first call');
  const second = await callTool(server, 'ask_name');
  assertBackendError(second, 'waiting_cap', 'round 1 of a second call while the first waits');
  const hello = completeResult(await callTool(server, 'ask_name', {}, answerRound(first)), 'round 2 of the first call');
  assert.equal(hello.content?.[0]?.text, 'hello Ada');
  // With the first call done there is room again.
  askedRound(await callTool(server, 'ask_name'), 'round 1 of a third call');
});

modernTest('by hand: call_timeout = 3, round 1 left unanswered past it and the sweep → round_lost', async (scope) => {
  const server = await scope.gateway({ backend: { isolation: 'shared', call_timeout: 3 } });
  const first = JSON.parse(completeResult(await callTool(server, 'whoami'), 'whoami').content[0].text);

  const asked = askedRound(await callTool(server, 'ask_name'), 'round 1');
  const parkedAt = Date.now();
  await sleep(3_000 + SWEEP_MS + 1_000 + 500);
  const late = await callTool(server, 'ask_name', {}, answerRound(asked));
  assertBackendError(late, 'round_lost', `round 2 after ${Date.now() - parkedAt} ms`);
  assert.match(late.response.error.message, /again/i, `tells the client to call again: ${show(late)}`);

  // The same process serves on: the call expired, the process did not end.
  const same = JSON.parse(completeResult(await callTool(server, 'whoami'), 'whoami').content[0].text);
  assert.equal(same.pid, first.pid, 'the same process');
  const fresh = askedRound(await callTool(server, 'ask_name'), 'a new round 1');
  const hello = completeResult(await callTool(server, 'ask_name', {}, answerRound(fresh)), 'a new round 2 in time');
  assert.equal(hello.content?.[0]?.text, 'hello Ada');
});

// ===========================================================================
// 3. OAuth, per-tool scopes of a backend tool, SDK 1.x sessions

function assertInsufficientScope(r, what) {
  assert.equal(r.status, 403, `${what}: ${show(r)}`);
  const challenge = r.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer /, `${what}: ${challenge}`);
  assert.match(challenge, /error="insufficient_scope"/, `${what}: ${challenge}`);
  const scope = /scope="([^"]*)"/.exec(challenge);
  assert.ok(scope, `${what}: the challenge names a scope: ${challenge}`);
  assert.ok(scope[1].split(' ').includes('probe:write'), `${what}: the scope includes probe:write: ${challenge}`);
}

modernTest('OAuth: tool_scopes ["echo=probe:write"] — "mcp" lists, whoami, progress, elicitation; echo → 403 insufficient_scope; "mcp probe:write" calls echo', async (scope) => {
  const server = await scope.gateway({
    auth: 'oauth',
    scopes: ['mcp', 'probe:write'],
    backend: { tool_scopes: ['echo=probe:write'] },
  });
  assert.ok(server.adminPassword, 'the first start created the user admin');
  const user = { username: server.adminUser, password: server.adminPassword, clientName: 'gateway modern e2e' };
  const narrow = await accessToken(server, { ...user, scope: 'mcp' });
  const wide = await accessToken(server, { ...user, scope: 'mcp probe:write' });

  // SDK 1.x with "mcp" only.
  const { client, transport } = await scope.sessionClient(server, { token: narrow, capabilities: { elicitation: {} } });
  assert.equal(transport.protocolVersion, SESSION_VERSION, 'a 2025-11-25 session');
  const elicitations = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params);
    return { action: 'accept', content: { name: 'Ada' } };
  });
  const { tools } = await client.listTools({}, SDK_REQUEST);
  assert.deepEqual(tools.map((tool) => tool.name).sort(), PROBE_TOOLS, 'every tool is listed');
  const me = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }, undefined, SDK_REQUEST)));
  assert.equal(typeof me.pid, 'number');

  const progress = [];
  const slow = await client.callTool({ name: 'slow_progress', arguments: {} }, undefined, { ...SDK_REQUEST, onprogress: (p) => progress.push(p) });
  assert.equal(textOf(slow), 'done');
  assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 3], [2, 3], [3, 3]], `progress: ${JSON.stringify(progress)}`);

  const hello = await client.callTool({ name: 'ask_name', arguments: {} }, undefined, SDK_REQUEST);
  assert.equal(textOf(hello), 'hello Ada');
  assert.equal(elicitations.length, 1, `one elicitation/create: ${JSON.stringify(elicitations)}`);
  assert.equal(elicitations[0].message, 'What is your name?');

  // echo without probe:write: 403 with a step-up challenge, in the session...
  const session = {
    Authorization: `Bearer ${narrow}`,
    'Mcp-Session-Id': transport.sessionId,
    'MCP-Protocol-Version': SESSION_VERSION,
  };
  const echoCall = (id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: 'scoped' } } });
  assertInsufficientScope(await post(server, echoCall(nextId++), session), 'echo in a session with "mcp"');
  // ...and stateless.
  assertInsufficientScope(await callTool(server, 'echo', { text: 'scoped' }, {}, { token: narrow }), 'stateless echo with "mcp"');
  // Other tools of the same session are still served.
  const whoamiAgain = await post(server, { jsonrpc: '2.0', id: nextId, method: 'tools/call', params: { name: 'whoami', arguments: {} } }, session);
  assert.equal(whoamiAgain.status, 200, show(whoamiAgain));
  assert.ok(whoamiAgain.response?.result && !whoamiAgain.response.result.isError, show(whoamiAgain));
  nextId++;

  // With probe:write: echo is served, by the SDK 1.x client and stateless.
  const { client: writer } = await scope.sessionClient(server, { token: wide });
  assert.equal(textOf(await writer.callTool({ name: 'echo', arguments: { text: 'allowed' } }, undefined, SDK_REQUEST)), 'allowed');
  const allowed = completeResult(await callTool(server, 'echo', { text: 'allowed stateless' }, {}, { token: wide }), 'stateless echo with "mcp probe:write"');
  assert.equal(allowed.content?.[0]?.text, 'allowed stateless');
});
