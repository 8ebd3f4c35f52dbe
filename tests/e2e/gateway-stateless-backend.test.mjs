// End-to-end tests of backends that speak 2026-07-28 themselves: over HTTP,
// Gatehouse in front of another Gatehouse (`--backend builtin:everything`,
// which serves both eras); over stdio, fixtures/stateless-server.mjs (which
// speaks 2026-07-28 only).
//
// What is checked:
//   - the front finds out the backend's era with server/discover and then
//     sends every request on its own (_meta, MCP-Protocol-Version,
//     Mcp-Method, Mcp-Name; no session);
//   - a 2025-11-25 client (SDK 1.x) lists and calls the backend's tools, and
//     answers the backend's input-required question as an ordinary
//     elicitation request: the front turns the round into a server→client
//     request and sends the backend request again with the answer;
//   - a 2026-07-28 client (SDK 2.x, automatic negotiation) answers the same
//     question in rounds of the front's own.
//
// Run: cd tests/e2e && node --test gateway-stateless-backend.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const STATELESS = path.join(here, 'fixtures', 'stateless-server.mjs');

const TEST_TIMEOUT_MS = 60_000;
const SDK_REQUEST = { timeout: 15_000 };

let back;
let front;
before(async () => {
  back = await startServer({ args: ['--auth', 'none', '--backend', 'builtin:everything'] });
  front = await startServer({ args: ['--auth', 'none', '--backend', back.mcpUrl] });
});
after(async () => {
  await front?.stop();
  await back?.stop();
});

test('a 2025-11-25 client reaches a 2026-07-28 backend; its question arrives as an elicitation request', { timeout: TEST_TIMEOUT_MS }, async () => {
  const client = new Client({ name: 'stateless-backend-e2e', version: '0.0.0' }, { capabilities: { elicitation: {} } });
  const asked = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params);
    return { action: 'accept', content: { name: 'Ada' } };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(front.mcpUrl)));
  try {
    const tools = await client.listTools(undefined, SDK_REQUEST);
    assert.ok(tools.tools.some((t) => t.name === 'test_simple_text'), JSON.stringify(tools.tools.map((t) => t.name)));
    const simple = await client.callTool({ name: 'test_simple_text', arguments: {} }, undefined, SDK_REQUEST);
    assert.equal(simple.isError, undefined, JSON.stringify(simple));
    assert.equal(simple.content[0].type, 'text');
    const greeted = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }, undefined, SDK_REQUEST);
    assert.equal(greeted.content[0].text, 'Hello, Ada!', JSON.stringify(greeted));
    assert.equal(asked.length, 1, 'one question, asked as a request');
    assert.equal(asked[0].message, 'What is your name?');
  } finally {
    await client.close();
  }
  // The front found the backend's era by server/discover.
  assert.match(front.logs(), /backend http: http:\/\/127\.0\.0\.1:\d+\/mcp ready \(protocol version 2026-07-28\)/);
  // The back saw stateless requests only: no session was opened there.
  assert.doesNotMatch(back.logs(), /session [0-9a-f]+ opened/);
});

test('a 2026-07-28 client answers the same question in rounds of the front', { timeout: TEST_TIMEOUT_MS }, async () => {
  const client = new ClientV2(
    { name: 'stateless-backend-e2e-v2', version: '0.0.0' },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } },
  );
  const asked = [];
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push(request.params);
    return { action: 'accept', content: { name: 'Grace' } };
  });
  await client.connect(new TransportV2(new URL(front.mcpUrl)), SDK_REQUEST);
  try {
    const greeted = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }, SDK_REQUEST);
    assert.equal(greeted.content[0].text, 'Hello, Grace!', JSON.stringify(greeted));
    assert.equal(asked.length, 1);
  } finally {
    await client.close();
  }
});

test('a stdio backend of 2026-07-28 is found by server/discover; a 2025-11-25 client answers its question', { timeout: TEST_TIMEOUT_MS }, async () => {
  const gateway = await startServer({ args: ['--auth', 'none', '--backend', `stdio:'${process.execPath}' '${STATELESS}'`] });
  const client = new Client({ name: 'stateless-stdio-e2e', version: '0.0.0' }, { capabilities: { elicitation: {} } });
  const asked = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params);
    return { action: 'accept', content: { name: 'Ada' } };
  });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl)));
    const tools = await client.listTools(undefined, SDK_REQUEST);
    assert.deepEqual(tools.tools.map((t) => t.name), ['greet']);
    const greeted = await client.callTool({ name: 'greet', arguments: {} }, undefined, SDK_REQUEST);
    assert.equal(greeted.content[0].text, 'Hello, Ada!', JSON.stringify(greeted));
    assert.equal(asked.length, 1);
    assert.equal(asked[0].message, 'Who should be greeted?');
    assert.match(gateway.logs(), /backend node: process \d+ ready \(protocol version 2026-07-28\)/);
  } finally {
    await client.close();
    await gateway.stop();
  }
});
