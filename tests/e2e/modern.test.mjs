// End-to-end tests of the two MCP protocol eras gatehouse serves on ONE
// Streamable HTTP endpoint, against ONE `gatehouse serve` process:
//
//   1. @modelcontextprotocol/client 2.x with automatic version negotiation:
//      it must pick the stateless revision 2026-07-28 (server/discover, no
//      initialize, `_meta` envelope on every request), list tools, call
//      tools, answer an input-required elicitation, and open a
//      subscriptions/listen stream.
//   2. @modelcontextprotocol/sdk 1.x: still connects through `initialize`
//      (a session) and answers a server→client elicitation/create request.
//   3. Raw fetch, stateless: server/discover, the version and header checks,
//      a hand-driven input-required (MRTR) round trip, requestState
//      tampering, and subscriptions/listen over SSE.
//
// Run: cd tests/e2e && node --test modern.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { startServer } from './lib/server.mjs';
import { META, nextMessage, sseMessages } from './lib/stateless.mjs';

const MODERN = '2026-07-28';
const LEGACY_LATEST = '2025-11-25';

const TEST_TIMEOUT_MS = 30_000;
const HTTP_TIMEOUT_MS = 10_000; // per raw fetch
const SDK_REQUEST = { timeout: 10_000 }; // per SDK request

// ---------------------------------------------------------------------------
// One server for the whole file.

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

// Appends the server's log tail to a failing test's message.
async function withLogs(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err && typeof err === 'object' && server) err.message += `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-3000)}`;
    throw err;
  }
}

// ---------------------------------------------------------------------------
// A fetch that records every request and response status (for asserting on
// what an SDK actually sent).

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
    const entry = { method: init.method ?? 'GET', url: String(input instanceof Request ? input.url : input), headers, body };
    log.push(entry);
    const res = await fetch(input, init);
    entry.status = res.status;
    entry.responseHeaders = Object.fromEntries(res.headers);
    return res;
  };
  return { fetchFn, log };
}

// JSON-RPC messages (requests and notifications) a recorded client POSTed.
const postedMessages = (log) =>
  log.filter((e) => e.method === 'POST' && e.body && typeof e.body === 'object' && !Array.isArray(e.body)).map((e) => ({ ...e.body, _http: e }));

// ---------------------------------------------------------------------------
// Raw stateless requests.

let nextId = 1;
const NAME_PARAM = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

function modernMeta(overrides = {}) {
  return {
    [META.version]: MODERN,
    [META.capabilities]: { elicitation: { form: {} } },
    [META.clientInfo]: { name: 'gatehouse-e2e-raw', version: '0.0.0' },
    ...overrides,
  };
}

// Headers of a stateless request for `method`; `overrides` replace headers
// case-insensitively, and an override of `null` removes the header.
function modernHeaders(method, params, overrides = {}) {
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': MODERN,
    'Mcp-Method': method,
  };
  const nameParam = NAME_PARAM[method];
  if (nameParam && typeof params?.[nameParam] === 'string') headers['Mcp-Name'] = params[nameParam];
  for (const [name, value] of Object.entries(overrides)) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/**
 * POSTs one stateless JSON-RPC request. Returns {status, contentType,
 * body (the JSON-RPC response), events (every SSE message, if SSE)}.
 *
 * @param {string} method
 * @param {object} params   without _meta (added from `meta`)
 * @param {object} [opts]
 * @param {object|null} [opts.meta]     params._meta; null leaves it out
 * @param {object} [opts.headers]       header overrides (null removes)
 */
async function modernRequest(method, params = {}, { meta = modernMeta(), headers = {}, id = nextId++ } = {}) {
  const fullParams = meta === null ? params : { ...params, _meta: meta };
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: modernHeaders(method, params, headers),
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: fullParams }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.includes('text/event-stream')) {
    const events = [];
    let body;
    for await (const message of sseMessages(res)) {
      events.push(message);
      if (message.id === id && ('result' in message || 'error' in message)) {
        body = message;
        break;
      }
    }
    return { status: res.status, headers: res.headers, contentType, body, events };
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${method}: HTTP ${res.status} with a non-JSON body (${contentType}): ${text.slice(0, 500)}`);
  }
  return { status: res.status, headers: res.headers, contentType, body, events: [] };
}

const show = (r) => `HTTP ${r.status} ${JSON.stringify(r.body)}`.slice(0, 1500);

// ===========================================================================
// 1. @modelcontextprotocol/client 2.x: automatic negotiation → 2026-07-28

describe('@modelcontextprotocol/client 2.x (automatic version negotiation)', () => {
  let client;
  let recorder;
  const elicitations = [];

  before(async () => {
    recorder = recordingFetch();
    client = new ClientV2(
      { name: 'gatehouse-e2e-v2', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } },
    );
    client.setRequestHandler('elicitation/create', async (request) => {
      elicitations.push(request.params);
      return { action: 'accept', content: { name: 'Alice' } };
    });
    const transport = new TransportV2(new URL(server.mcpUrl), { fetch: recorder.fetchFn });
    await withLogs(() => client.connect(transport, SDK_REQUEST));
  });

  after(async () => {
    await client?.close();
  });

  test('negotiates 2026-07-28 through server/discover, never initialize', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal(client.getProtocolEra(), 'modern');
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
    const discover = client.getDiscoverResult();
    assert.ok(discover?.supportedVersions?.includes(MODERN), `discover result: ${JSON.stringify(discover)}`);
    assert.equal(client.getServerVersion()?.name, 'gatehouse-everything', 'serverInfo from discover _meta');
    assert.ok(client.getServerCapabilities()?.tools, 'server capabilities from discover');

    const posted = postedMessages(recorder.log);
    assert.equal(posted[0]?.method, 'server/discover', `first request: ${JSON.stringify(posted[0])}`);
    assert.equal(posted[0]._http.status, 200);
  });

  test('lists tools and calls test_simple_text', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withLogs(async () => {
      const { tools } = await client.listTools(undefined, SDK_REQUEST);
      const names = tools.map((t) => t.name);
      for (const name of ['test_simple_text', 'test_input_required_result_elicitation', 'test_trigger_tool_change'])
        assert.ok(names.includes(name), `tools/list has ${name}: ${names}`);

      const call = await client.callTool({ name: 'test_simple_text', arguments: {} }, SDK_REQUEST);
      assert.ok(!call.isError, JSON.stringify(call));
      assert.equal(call.content?.[0]?.type, 'text');
      assert.equal(call.content[0].text, 'This is a simple text response for testing.');
    });
  });

  test('answers an input-required elicitation through its handler (Alice)', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withLogs(async () => {
      const before = recorder.log.length;
      const call = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }, SDK_REQUEST);
      assert.ok(!call.isError, JSON.stringify(call));
      const text = call.content?.map((c) => c.text ?? '').join('');
      assert.match(text, /Alice/, `result text contains Alice: ${JSON.stringify(call)}`);
      assert.equal(text, 'Hello, Alice!');

      // The handler saw the server's question...
      assert.equal(elicitations.length, 1, `one elicitation: ${JSON.stringify(elicitations)}`);
      assert.equal(elicitations[0].message, 'What is your name?');
      assert.ok(elicitations[0].requestedSchema?.properties?.name, JSON.stringify(elicitations[0]));

      // ...and the answer went back as a second round of the same request
      // (inputResponses + requestState), not as a JSON-RPC response.
      const calls = postedMessages(recorder.log.slice(before)).filter((m) => m.method === 'tools/call');
      assert.equal(calls.length, 2, `two rounds: ${JSON.stringify(calls.map((c) => c.params))}`);
      assert.equal(calls[0].params.inputResponses, undefined);
      assert.deepEqual(calls[1].params.inputResponses?.user_name, { action: 'accept', content: { name: 'Alice' } });
      assert.equal(typeof calls[1].params.requestState, 'string');
      assert.notEqual(calls[0].id, calls[1].id, 'round 2 is a fresh request id');
    });
  });

  test('mirrors x-mcp-header arguments (test_custom_header_echo)', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withLogs(async () => {
      const before = recorder.log.length;
      const call = await client.callTool({ name: 'test_custom_header_echo', arguments: { region: 'eu-west-1' } }, SDK_REQUEST);
      assert.ok(!call.isError, JSON.stringify(call));
      assert.equal(call.content?.[0]?.text, 'Region: eu-west-1');
      const [sent] = postedMessages(recorder.log.slice(before)).filter((m) => m.method === 'tools/call');
      assert.equal(sent?._http.headers['mcp-param-region'], 'eu-west-1', JSON.stringify(sent?._http.headers));
    });
  });

  test('reports progress of test_tool_with_progress', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withLogs(async () => {
      const progress = [];
      const call = await client.callTool(
        { name: 'test_tool_with_progress', arguments: {} },
        { ...SDK_REQUEST, onprogress: (p) => progress.push(p) },
      );
      assert.ok(!call.isError, JSON.stringify(call));
      assert.ok(progress.length >= 1, `progress notifications arrived: ${JSON.stringify(progress)}`);
      assert.deepEqual(progress.at(-1), { progress: 100, total: 100, message: 'Done' });
    });
  });

  // Kept last in this group: it is the one that exercises subscriptions/listen.
  test('listen(): acknowledged, then tools/list_changed reaches the handler', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withLogs(async () => {
      const changed = [];
      client.setNotificationHandler('notifications/tools/list_changed', (n) => {
        changed.push(n);
      });
      // The client resolves listen() when the acknowledgement carrying the
      // listen request's own JSON-RPC id as subscriptionId arrives.
      let subscription;
      try {
        subscription = await client.listen({ toolsListChanged: true }, { timeout: 5_000 });
      } catch (err) {
        err.message +=
          ' (listen() waits for notifications/subscriptions/acknowledged whose _meta subscriptionId is the' +
          ' listen request\'s JSON-RPC id; see the raw test "subscriptionId is the listen request\'s JSON-RPC id")';
        throw err;
      }
      try {
        assert.deepEqual(subscription.honoredFilter, { toolsListChanged: true });
        await client.callTool({ name: 'test_trigger_tool_change', arguments: {} }, SDK_REQUEST);
        const deadline = Date.now() + 5_000;
        while (changed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal(changed.length, 1, 'notifications/tools/list_changed delivered on the listen stream');
      } finally {
        await subscription.close();
      }
      assert.equal(await subscription.closed, 'local');
    });
  });

  test('every request it sent was stateless 2026-07-28', { timeout: TEST_TIMEOUT_MS }, async () => {
    const posted = postedMessages(recorder.log);
    assert.ok(posted.length >= 4, `requests recorded: ${posted.length}`);
    const methods = posted.map((m) => m.method);
    assert.ok(!methods.includes('initialize'), `no initialize: ${methods}`);
    assert.ok(!methods.includes('notifications/initialized'), `no notifications/initialized: ${methods}`);
    for (const message of posted) {
      const h = message._http.headers;
      assert.equal(h['mcp-protocol-version'], MODERN, `${message.method}: MCP-Protocol-Version header`);
      if (message.id !== undefined) {
        // requests (notifications, e.g. notifications/cancelled, may carry less)
        assert.equal(message.params?._meta?.[META.version], MODERN, `${message.method}: _meta protocolVersion`);
        assert.ok(message.params._meta[META.capabilities], `${message.method}: _meta clientCapabilities`);
        assert.equal(h['mcp-method'], message.method, `${message.method}: Mcp-Method header`);
      }
      assert.equal(h['mcp-session-id'], undefined, `${message.method}: no session id sent`);
      assert.equal(message._http.responseHeaders?.['mcp-session-id'], undefined, `${message.method}: no session id issued`);
    }
  });
});

// ===========================================================================
// 2. @modelcontextprotocol/sdk 1.x: initialize + sessions on the same endpoint

test('@modelcontextprotocol/sdk 1.x: initialize, then a server→client elicitation', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const recorder = recordingFetch();
  const client = new ClientV1({ name: 'gatehouse-e2e-v1', version: '0.0.0' }, { capabilities: { elicitation: {} } });
  const asked = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params);
    return { action: 'accept', content: { username: 'alice', email: 'alice@example.com' } };
  });
  const transport = new TransportV1(new URL(server.mcpUrl), { fetch: recorder.fetchFn });
  t.after(() => client.close());

  await withLogs(async () => {
    await client.connect(transport, SDK_REQUEST);
    assert.ok(transport.sessionId, 'a session was opened');
    assert.equal(transport.protocolVersion, LEGACY_LATEST, 'negotiated the newest session revision');
    assert.equal(client.getServerVersion()?.name, 'gatehouse-everything');

    const posted = postedMessages(recorder.log);
    assert.equal(posted[0]?.method, 'initialize');
    assert.equal(posted[0].params?._meta?.[META.version], undefined, 'no stateless _meta on initialize');

    const call = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } }, undefined, SDK_REQUEST);
    assert.ok(!call.isError, JSON.stringify(call));
    assert.equal(asked.length, 1, 'the server sent one elicitation/create request');
    assert.equal(asked[0].message, 'Who are you?');
    assert.deepEqual(Object.keys(asked[0].requestedSchema?.properties ?? {}).sort(), ['email', 'username']);
    assert.equal(
      call.content?.[0]?.text,
      'User response: action=accept, content={"username":"alice","email":"alice@example.com"}',
    );

    // Everything after initialize rode the session.
    for (const message of postedMessages(recorder.log).slice(1))
      assert.equal(message._http.headers['mcp-session-id'], transport.sessionId, `${message.method ?? 'response'} carries the session`);
  });
});

// ===========================================================================
// 3. Raw stateless requests

describe('raw stateless requests (2026-07-28)', () => {
  test('server/discover', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await modernRequest('server/discover');
    assert.equal(r.status, 200, show(r));
    const result = r.body.result;
    assert.ok(result, show(r));
    assert.equal(result.resultType, 'complete');
    assert.ok(Array.isArray(result.supportedVersions), show(r));
    assert.ok(result.supportedVersions.includes(MODERN), `supportedVersions: ${result.supportedVersions}`);
    assert.ok(result.supportedVersions.includes(LEGACY_LATEST), `supportedVersions: ${result.supportedVersions}`);
    assert.equal(typeof result.ttlMs, 'number');
    assert.ok(result.ttlMs >= 0);
    assert.ok(['public', 'private'].includes(result.cacheScope), `cacheScope: ${result.cacheScope}`);
    assert.equal(typeof result.capabilities, 'object');
    assert.ok(result.capabilities.tools, 'tools capability');
    const info = result._meta?.[META.serverInfo];
    assert.equal(info?.name, 'gatehouse-everything', show(r));
    assert.equal(typeof info.version, 'string');
  });

  test('the Claude pattern (_meta 2026-07-28, header 2025-11-25) is served', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await modernRequest('tools/list', {}, { headers: { 'MCP-Protocol-Version': LEGACY_LATEST } });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.body.error, undefined, show(r));
    assert.equal(r.body.result?.resultType, 'complete', show(r));
    assert.ok(r.body.result.tools.some((tool) => tool.name === 'test_simple_text'), show(r));

    const call = await modernRequest(
      'tools/call',
      { name: 'test_simple_text', arguments: {} },
      { headers: { 'MCP-Protocol-Version': LEGACY_LATEST } },
    );
    assert.equal(call.status, 200, show(call));
    assert.equal(call.body.result?.content?.[0]?.text, 'This is a simple text response for testing.', show(call));
  });

  test('an unsupported version → 400 -32022 with data.supported', { timeout: TEST_TIMEOUT_MS }, async () => {
    const version = '2099-01-01';
    const r = await modernRequest(
      'tools/list',
      {},
      { meta: modernMeta({ [META.version]: version }), headers: { 'MCP-Protocol-Version': version } },
    );
    assert.equal(r.status, 400, show(r));
    assert.equal(r.body.error?.code, -32022, show(r));
    assert.ok(Array.isArray(r.body.error.data?.supported), show(r));
    assert.ok(r.body.error.data.supported.includes(MODERN), show(r));
    assert.ok(r.body.error.data.supported.includes(LEGACY_LATEST), show(r));
  });

  test('a missing Mcp-Method header → 400 -32020', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await modernRequest('tools/list', {}, { headers: { 'Mcp-Method': null } });
    assert.equal(r.status, 400, show(r));
    assert.equal(r.body.error?.code, -32020, show(r));
  });

  test('initialize with header 2026-07-28 → 404 -32601', { timeout: TEST_TIMEOUT_MS }, async () => {
    // A well-formed request of the revision (header, _meta, Mcp-Method), for
    // a method the revision does not have.
    const r = await modernRequest('initialize', {
      protocolVersion: MODERN,
      capabilities: {},
      clientInfo: { name: 'gatehouse-e2e-raw', version: '0.0.0' },
    });
    assert.equal(r.status, 404, show(r));
    assert.equal(r.body.error?.code, -32601, show(r));
  });

  test('input-required round trip by hand (test_input_required_result_elicitation)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const params = { name: 'test_input_required_result_elicitation', arguments: {} };
    const round1 = await modernRequest('tools/call', params);
    assert.equal(round1.status, 200, show(round1));
    const asked = round1.body.result;
    assert.equal(asked?.resultType, 'input_required', show(round1));
    const question = asked.inputRequests?.user_name;
    assert.equal(question?.method, 'elicitation/create', show(round1));
    assert.equal(question.params?.message, 'What is your name?');
    assert.ok(question.params?.requestedSchema?.properties?.name, show(round1));
    assert.equal(typeof asked.requestState, 'string');
    assert.ok(asked.requestState.length > 0);

    const round2 = await modernRequest('tools/call', {
      ...params,
      inputResponses: { user_name: { action: 'accept', content: { name: 'Alice' } } },
      requestState: asked.requestState,
    });
    assert.equal(round2.status, 200, show(round2));
    assert.equal(round2.body.result?.resultType, 'complete', show(round2));
    assert.equal(round2.body.result.isError ?? false, false, show(round2));
    assert.equal(round2.body.result.content?.[0]?.text, 'Hello, Alice!', show(round2));
  });

  test('a tampered requestState → JSON-RPC error', { timeout: TEST_TIMEOUT_MS }, async () => {
    const params = { name: 'test_input_required_result_elicitation', arguments: {} };
    const round1 = await modernRequest('tools/call', params);
    const state = round1.body.result?.requestState;
    assert.equal(typeof state, 'string', show(round1));
    // Flip one character of the payload (before the MAC).
    const i = Math.floor(state.indexOf('.') / 2) || 1;
    const tampered = state.slice(0, i) + (state[i] === 'A' ? 'B' : 'A') + state.slice(i + 1);
    assert.notEqual(tampered, state);

    const r = await modernRequest('tools/call', {
      ...params,
      inputResponses: { user_name: { action: 'accept', content: { name: 'Mallory' } } },
      requestState: tampered,
    });
    assert.ok(r.body.error, `expected a JSON-RPC error, got ${show(r)}`);
    assert.equal(r.body.result, undefined, show(r));
    assert.equal(r.body.error.code, -32602, show(r));
    assert.ok(r.status >= 200 && r.status < 500, show(r));
  });

  // Opens subscriptions/listen, returns {res, messages, controller, id}.
  async function openListen(id) {
    const controller = new AbortController();
    const params = { notifications: { toolsListChanged: true }, _meta: modernMeta() };
    const res = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: modernHeaders('subscriptions/listen', params),
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params }),
      signal: controller.signal,
    });
    return { res, messages: sseMessages(res), controller };
  }

  test('subscriptions/listen: acknowledged, tools/list_changed, abort leaves the server healthy', { timeout: TEST_TIMEOUT_MS }, async () => {
    const listenId = `listen-${nextId++}`;
    const { res, messages, controller } = await openListen(listenId);
    try {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);

      const ack = await nextMessage(messages, 'notifications/subscriptions/acknowledged');
      assert.equal(ack.method, 'notifications/subscriptions/acknowledged', JSON.stringify(ack));
      assert.deepEqual(ack.params?.notifications, { toolsListChanged: true }, JSON.stringify(ack));
      const ackSubscriptionId = ack.params?._meta?.[META.subscriptionId];
      assert.ok(ackSubscriptionId !== undefined && ackSubscriptionId !== null, `ack carries a subscriptionId: ${JSON.stringify(ack)}`);

      const trigger = await modernRequest('tools/call', { name: 'test_trigger_tool_change', arguments: {} });
      assert.equal(trigger.status, 200, show(trigger));
      assert.equal(trigger.body.result?.resultType, 'complete', show(trigger));

      const changed = await nextMessage(messages, 'notifications/tools/list_changed');
      assert.equal(changed.method, 'notifications/tools/list_changed', JSON.stringify(changed));
      const subscriptionId = changed.params?._meta?.[META.subscriptionId];
      assert.ok(subscriptionId !== undefined && subscriptionId !== null, `carries _meta subscriptionId: ${JSON.stringify(changed)}`);
      assert.deepEqual(subscriptionId, ackSubscriptionId, 'the same subscriptionId as the acknowledgement');
    } finally {
      controller.abort();
      await messages.return?.().catch(() => {});
    }

    // The aborted stream leaves the server healthy and serving.
    await new Promise((r) => setTimeout(r, 200));
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    await health.arrayBuffer();
    assert.equal(health.status, 200);
    const after = await modernRequest('tools/call', { name: 'test_simple_text', arguments: {} });
    assert.equal(after.status, 200, show(after));
    assert.equal(after.body.result?.resultType, 'complete', show(after));
  });

  // MCP 2026-07-28 subscriptions: "The value [of io.modelcontextprotocol/
  // subscriptionId] is the JSON-RPC ID of the subscriptions/listen request."
  // Clients (e.g. @modelcontextprotocol/client 2.x listen()) match the
  // acknowledgement by it.
  test('subscriptions/listen: subscriptionId is the listen request\'s JSON-RPC id', { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const listenId of [`listen-${nextId++}`, nextId++]) {
      const { res, messages, controller } = await openListen(listenId);
      try {
        assert.equal(res.status, 200);
        const ack = await nextMessage(messages, 'notifications/subscriptions/acknowledged');
        assert.equal(ack.method, 'notifications/subscriptions/acknowledged', JSON.stringify(ack));
        assert.deepEqual(
          ack.params?._meta?.[META.subscriptionId],
          listenId,
          `acknowledgement's subscriptionId equals the listen request id ${JSON.stringify(listenId)}: ${JSON.stringify(ack)}`,
        );
      } finally {
        controller.abort();
        await messages.return?.().catch(() => {});
      }
    }
  });
});

// Last: the server survived everything above.
test('the server is still healthy', { timeout: TEST_TIMEOUT_MS }, async () => {
  const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  await res.arrayBuffer();
  assert.equal(res.status, 200);
});
