// End-to-end tests of the example programs in examples/library, each built
// against the installed library (include/gatehouse/serve.hpp) and run as its
// own process on 127.0.0.1:
//
//   E1  hello: `gatehouse doctor` finds nothing wrong but what --insecure-dev
//       on loopback implies; admin signs in through the OAuth flow and the
//       SDK client calls `hello`.
//   E2  scoped_tools: a token for "mcp" lists tools but read_counter is
//       refused with 403 insufficient_scope naming counter:read; with
//       "mcp counter:read counter:write" the counter adds and reads.
//   E3  ask_client: book_table asks how many people are coming, answered by
//       a 2025-11-25 session client (a server→client elicitation/create) and
//       by a 2026-07-28 stateless client (an input-required round); a client
//       without the elicitation capability gets a tool error.
//
// scripts/package.sh (the package stage) builds the examples against the
// install and names their build directory in EXAMPLES_BUILD_DIR.
// Run: cd tests/e2e && EXAMPLES_BUILD_DIR=/path/to/build node --test package/examples.test.mjs
//      (GATEHOUSE_BIN overrides the gatehouse binary used for `gatehouse doctor`)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { runGatehouse } from '../lib/run.mjs';
import { gatehouseBin, startServing, withLogs } from '../lib/server.mjs';
import { accessToken } from '../lib/token.mjs';

const TEST_TIMEOUT_MS = 30_000;
const SDK_REQUEST = { timeout: 10_000 }; // per SDK request
const CLOSE_TIMEOUT_MS = 2_000;
const SESSION_VERSION = '2025-11-25';
const STATELESS_VERSION = '2026-07-28';

// The warnings docs/doctor.md prescribes for a correct server probed with
// --insecure-dev on 127.0.0.1: Claude's infrastructure needs https, port 443
// and a public address (MCP authorization §2.1), which --insecure-dev
// reports as warnings. Any other warning or any failure is a finding.
const INSECURE_DEV_WARNINGS = ['deploy.address', 'deploy.https', 'deploy.port'];

// ---------------------------------------------------------------------------
// The binaries: missing ones fail the run here, before any test starts.

const buildDir = process.env.EXAMPLES_BUILD_DIR;
if (!buildDir)
  throw new Error('EXAMPLES_BUILD_DIR is not set: it names the build directory of examples/library (holding hello, scoped_tools, ask_client)');
const EXAMPLES = Object.fromEntries(['hello', 'scoped_tools', 'ask_client'].map((name) => [name, path.resolve(buildDir, name)]));
const missing = Object.values(EXAMPLES).filter((binary) => !existsSync(binary));
if (missing.length) throw new Error(`EXAMPLES_BUILD_DIR=${buildDir} lacks the example binaries: ${missing.join(', ')}`);
if (!existsSync(gatehouseBin)) throw new Error(`no gatehouse binary at ${gatehouseBin} (for gatehouse doctor; set GATEHOUSE_BIN)`);

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const bounded = (promise) => Promise.race([promise.catch(() => {}), sleep(CLOSE_TIMEOUT_MS)]);

// Starts the example `name` with `127.0.0.1:0 DATA_DIR` (a fresh temporary
// directory), so its first start creates the user admin.
async function startExample(name) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `gatehouse-example-${name}-`));
  const server = await startServing(EXAMPLES[name], ['127.0.0.1:0', dataDir], { dataDir, removeDataDir: true });
  cleanups.push(() => server.stop());
  assert.equal(server.adminUser, 'admin', `${name}: the first start creates the user admin`);
  assert.ok(server.adminPassword, `${name}: the first start prints admin's password`);
  return server;
}

// include/gatehouse/serve.hpp: on SIGTERM serve() shuts down gracefully and
// the program exits 0, clients still connected or not.
async function assertCleanStop(server) {
  assert.deepEqual(await server.stop(), { code: 0, signal: null }, 'a clean exit on SIGTERM');
}

// An access token for admin, signed in through /authorize (sign-in and
// consent pages) and redeemed at /token, granted exactly `scope`.
const tokenFor = (server, scope) =>
  accessToken(server, { username: server.adminUser, password: server.adminPassword, scope, clientName: 'examples e2e' });

// A fetch that keeps every response it saw (status and headers), for what an
// SDK got back when it only throws a status code.
function recordingFetch() {
  const log = [];
  const fetchFn = async (input, init = {}) => {
    const entry = { method: init.method ?? 'GET', body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined };
    log.push(entry);
    const res = await fetch(input, init);
    entry.status = res.status;
    entry.headers = res.headers;
    return res;
  };
  return { log, fetchFn };
}

// An SDK 1.x client in a 2025-11-25 session with a bearer token.
async function sessionClient(server, { token, capabilities = {}, fetchFn } = {}) {
  const transport = new TransportV1(new URL(server.mcpUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: fetchFn,
  });
  const client = new ClientV1({ name: 'gatehouse-examples-e2e', version: '0.0.0' }, { capabilities });
  cleanups.push(async () => {
    await bounded(transport.terminateSession());
    await bounded(client.close());
  });
  await client.connect(transport, SDK_REQUEST);
  assert.equal(transport.protocolVersion, SESSION_VERSION, 'a 2025-11-25 session');
  return client;
}

// An SDK 2.x client with automatic version negotiation, which picks the
// stateless 2026-07-28 revision (server/discover, no initialize).
async function statelessClient(server, { token, capabilities = {}, fetchFn } = {}) {
  const client = new ClientV2({ name: 'gatehouse-examples-e2e', version: '0.0.0' }, { capabilities, versionNegotiation: { mode: 'auto' } });
  const transport = new TransportV2(new URL(server.mcpUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: fetchFn,
  });
  cleanups.push(() => bounded(client.close()));
  await client.connect(transport, SDK_REQUEST);
  assert.equal(client.getNegotiatedProtocolVersion(), STATELESS_VERSION, 'the stateless revision');
  return client;
}

const textOf = (result) => (result.content ?? []).map((c) => c.text ?? '').join('');

// ---------------------------------------------------------------------------
// E1: hello

test('E1 hello: gatehouse doctor passes; admin signs in and hello greets Ada', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startExample('hello');
  await withLogs(server, async () => {
    // docs/doctor.md: without --interactive the doctor checks discovery,
    // registration, /authorize and /token as Claude's connector would.
    const run = await runGatehouse(['doctor', server.mcpUrl, '--json', '--insecure-dev', '--timeout', '5']);
    const shown = `gatehouse doctor ${server.mcpUrl} → exit ${run.code}\n${run.stdout.slice(0, 8000)}\n${run.stderr.slice(-2000)}`;
    let report;
    try {
      report = JSON.parse(run.stdout);
    } catch {
      assert.fail(`stdout is one JSON document\n${shown}`);
    }
    const idsWith = (verdict) => report.checks.filter((c) => c.verdict === verdict).map((c) => c.id).sort();
    assert.deepEqual(idsWith('fail'), [], shown);
    assert.deepEqual(idsWith('warn'), INSECURE_DEV_WARNINGS, shown);
    assert.equal(run.code, 0, shown);

    const token = await tokenFor(server, 'mcp');
    const client = await sessionClient(server, { token });
    const { tools } = await client.listTools({}, SDK_REQUEST);
    assert.deepEqual(tools.map((tool) => tool.name), ['hello'], 'the one tool the example registers');
    const result = await client.callTool({ name: 'hello', arguments: { name: 'Ada' } }, undefined, SDK_REQUEST);
    assert.ok(!result.isError, JSON.stringify(result));
    assert.ok(textOf(result).startsWith('Hello, Ada!'), JSON.stringify(result));
    // The handler sees the signed-in principal the token was issued for.
    assert.match(textOf(result), /\(asked by \S+\)$/, JSON.stringify(result));
    await assertCleanStop(server);
  });
});

// ---------------------------------------------------------------------------
// E2: scoped_tools

test('E2 scoped_tools: "mcp" lists but read_counter is 403 insufficient_scope; with counter:read counter:write it adds and reads', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startExample('scoped_tools');
  await withLogs(server, async () => {
    const recorder = recordingFetch();
    const narrow = await sessionClient(server, { token: await tokenFor(server, 'mcp'), fetchFn: recorder.fetchFn });
    const { tools } = await narrow.listTools({}, SDK_REQUEST);
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add_to_counter', 'read_counter']);

    // MCP 2025-11-25 authorization, "Scope Challenge Handling": a token
    // without a scope the operation needs gets HTTP 403 with
    // WWW-Authenticate error="insufficient_scope" and the scopes to ask for
    // (RFC 6750 §3.1), so the client can step up. The SDK, given no auth
    // provider, gives up with the status.
    await assert.rejects(
      narrow.callTool({ name: 'read_counter', arguments: {} }, undefined, SDK_REQUEST),
      (err) => err.code === 403,
      'read_counter without counter:read',
    );
    const refused = recorder.log.at(-1);
    assert.equal(refused.body?.method, 'tools/call', JSON.stringify(refused.body));
    assert.equal(refused.status, 403);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /, challenge);
    assert.match(challenge, /error="insufficient_scope"/, challenge);
    const scope = /scope="([^"]*)"/.exec(challenge);
    assert.ok(scope?.[1].split(' ').includes('counter:read'), `the challenge names counter:read: ${challenge}`);

    const wide = await sessionClient(server, { token: await tokenFor(server, 'mcp counter:read counter:write') });
    const added = await wide.callTool({ name: 'add_to_counter', arguments: { amount: 5 } }, undefined, SDK_REQUEST);
    assert.ok(!added.isError, JSON.stringify(added));
    assert.deepEqual(added.structuredContent, { value: 5 }, JSON.stringify(added));
    const read = await wide.callTool({ name: 'read_counter', arguments: {} }, undefined, SDK_REQUEST);
    assert.ok(!read.isError, JSON.stringify(read));
    assert.deepEqual(read.structuredContent, { value: 5 }, JSON.stringify(read));
    await assertCleanStop(server);
  });
});

// ---------------------------------------------------------------------------
// E3: ask_client

const PEOPLE = { action: 'accept', content: { people: 4 } };
const CANNOT_ASK = /cannot answer questions/;

// The question book_table asks (MCP 2025-11-25 elicitation, form mode: a
// message and a flat object schema).
function assertAskedForPeople(asked) {
  assert.equal(asked.length, 1, `one question: ${JSON.stringify(asked)}`);
  assert.equal(asked[0].message, 'How many people are coming?');
  assert.equal(asked[0].requestedSchema?.properties?.people?.type, 'integer', JSON.stringify(asked[0]));
}

test('E3 ask_client: a session client answers the elicitation and books; one without elicitation gets a tool error', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startExample('ask_client');
  await withLogs(server, async () => {
    const token = await tokenFor(server, 'mcp');

    // MCP 2025-11-25 elicitation: in a session the server sends
    // elicitation/create to a client that declared the capability.
    const asking = await sessionClient(server, { token, capabilities: { elicitation: {} } });
    const asked = [];
    asking.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params);
      return PEOPLE;
    });
    const booked = await asking.callTool({ name: 'book_table', arguments: {} }, undefined, SDK_REQUEST);
    assert.ok(!booked.isError, JSON.stringify(booked));
    assert.equal(textOf(booked), 'Booked a table for 4.');
    assertAskedForPeople(asked);

    // A server must not send elicitation/create to a client that did not
    // declare the capability (MCP 2025-11-25 elicitation, "Capabilities");
    // the example answers with a tool error instead.
    const plain = await sessionClient(server, { token });
    const refused = await plain.callTool({ name: 'book_table', arguments: {} }, undefined, SDK_REQUEST);
    assert.equal(refused.isError, true, JSON.stringify(refused));
    assert.match(textOf(refused), CANNOT_ASK);
    await assertCleanStop(server);
  });
});

test('E3 ask_client: the stateless 2026-07-28 client answers an input-required round and books', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startExample('ask_client');
  await withLogs(server, async () => {
    const token = await tokenFor(server, 'mcp');

    // 2026-07-28: no server→client requests; the call ends with an
    // input-required result, and the client repeats it with inputResponses
    // and the requestState it was given.
    const recorder = recordingFetch();
    const asking = await statelessClient(server, { token, capabilities: { elicitation: { form: {} } }, fetchFn: recorder.fetchFn });
    const asked = [];
    asking.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params);
      return PEOPLE;
    });
    const before = recorder.log.length;
    const booked = await asking.callTool({ name: 'book_table', arguments: {} }, SDK_REQUEST);
    assert.ok(!booked.isError, JSON.stringify(booked));
    assert.equal(textOf(booked), 'Booked a table for 4.');
    assertAskedForPeople(asked);
    const rounds = recorder.log.slice(before).filter((entry) => entry.body?.method === 'tools/call').map((entry) => entry.body.params);
    assert.equal(rounds.length, 2, `two rounds of tools/call: ${JSON.stringify(rounds)}`);
    assert.equal(rounds[0].inputResponses, undefined);
    assert.deepEqual(Object.values(rounds[1].inputResponses ?? {}), [PEOPLE], JSON.stringify(rounds[1]));
    assert.equal(typeof rounds[1].requestState, 'string', JSON.stringify(rounds[1]));

    // Without the capability in its _meta, the tool answers with an error.
    const plain = await statelessClient(server, { token });
    const refused = await plain.callTool({ name: 'book_table', arguments: {} }, SDK_REQUEST);
    assert.equal(refused.isError, true, JSON.stringify(refused));
    assert.match(textOf(refused), CANNOT_ASK);
    await assertCleanStop(server);
  });
});
