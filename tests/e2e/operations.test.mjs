// End-to-end tests of what an operator watches: GET /metrics (Prometheus
// text) and the request log line, for a gateway with OAuth in front of the
// probe server (fixtures/probe-server.mjs over stdio).
//
// What is checked:
//   - /metrics counts requests by route and status, token verifications by
//     result, OAuth flows by outcome, and the backend's processes and call
//     latencies; route labels are bounded (unknown paths are "other");
//   - /metrics is refused to a request a proxy forwarded ([server] metrics
//     = "local"), and absent with metrics = "off";
//   - every request is logged at info with method, path, status, duration and
//     the client id, a 4xx with the reason the client was told, and no
//     access token, code or password ever appears in the log.
//
// Run: cd tests/e2e && node --test operations.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer } from './lib/server.mjs';
import { accessToken } from './lib/token.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PROBE = path.join(here, 'fixtures', 'probe-server.mjs');
const BACKEND = `stdio:'${process.execPath}' '${PROBE}'`;
const TEST_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_MS = 15_000;

// The value of the series `name{labels}` in a /metrics text, or undefined.
function sample(text, name, labels = '') {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

async function metrics(server, headers = {}) {
  const res = await fetch(`${server.url}/metrics`, { headers, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

test('/metrics and the request log follow requests, sign-ins and backend calls', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startServer({ args: ['--auth', 'oauth', '--backend', BACKEND] });
  try {
    // A request without a token, one for a path nobody serves, then a sign-in and calls.
    const refused = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: '{}',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    assert.equal(refused.status, 401);
    await fetch(`${server.url}/no-such-path-${Date.now()}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    const token = await accessToken(server, { username: server.adminUser, password: server.adminPassword });
    const client = new Client({ name: 'operations-e2e', version: '0.0.0' }, { capabilities: {} });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
    );
    const echoed = await client.callTool({ name: 'echo', arguments: { text: 'metrics' } }, undefined, { timeout: HTTP_TIMEOUT_MS });
    assert.equal(echoed.content[0].text, 'metrics');
    await client.close();

    const m = await metrics(server);
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    const t = m.text;
    assert.equal(sample(t, 'gatehouse_http_requests_total', 'route="/mcp",status="401"'), 1, t);
    assert.ok(sample(t, 'gatehouse_http_requests_total', 'route="/mcp",status="200"') >= 2, t);
    assert.equal(sample(t, 'gatehouse_http_requests_total', 'route="other",status="404"'), 1, 'unknown paths share one label');
    assert.equal(sample(t, 'gatehouse_token_verifications_total', 'result="missing"'), 1, t);
    assert.ok(sample(t, 'gatehouse_token_verifications_total', 'result="valid"') >= 2, t);
    assert.equal(sample(t, 'gatehouse_oauth_registrations_total', 'outcome="registered"'), 1, t);
    assert.equal(sample(t, 'gatehouse_oauth_authorizations_total', 'outcome="approved"'), 1, t);
    assert.equal(sample(t, 'gatehouse_oauth_token_requests_total', 'grant_type="authorization_code",outcome="issued"'), 1, t);
    assert.equal(sample(t, 'gatehouse_backend_started_total', 'backend="node"'), 1, t);
    assert.equal(sample(t, 'gatehouse_backend_live', 'backend="node"'), 1, t);
    assert.equal(sample(t, 'gatehouse_backend_crashed_total', 'backend="node"'), 0, t);
    assert.equal(sample(t, 'gatehouse_backend_calls_in_flight', 'backend="node"'), 0, t);
    assert.equal(sample(t, 'gatehouse_backend_call_duration_seconds_count', 'backend="node"'), 1, t);
    assert.equal(sample(t, 'gatehouse_backend_call_duration_seconds_bucket', 'backend="node",le="+Inf"'), 1, t);
    assert.match(t, /# TYPE gatehouse_http_request_duration_seconds histogram/);

    // A proxied request is not local.
    const forwarded = await metrics(server, { 'X-Forwarded-For': '203.0.113.9' });
    assert.equal(forwarded.status, 403);

    // The log: one line per request, client id on authenticated ones, the
    // reason on refusals, and nothing secret.
    const logs = server.logs();
    const lines = logs.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).msg);
    assert.ok(lines.some((l) => /^POST \/mcp 401 [\d.]+ ms from 127\.0\.0\.1 \(invalid_token: an access token is required\)$/.test(l)), logs);
    assert.ok(lines.some((l) => /^POST \/mcp 200 [\d.]+ ms from 127\.0\.0\.1 client gtc_\S+/.test(l)), logs);
    assert.ok(lines.some((l) => /^POST \/token 200 /.test(l)), logs);
    assert.ok(!logs.includes(token), 'the access token is never logged');
    assert.ok(!logs.includes(server.adminPassword), 'the password is never logged');
    assert.ok(!/code=|gta_/.test(lines.filter((l) => /^(GET|POST) /.test(l)).join('\n')), 'no authorization code in request lines');
  } finally {
    await server.stop();
  }
});

test('[server] metrics = "off" serves no /metrics', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startServer({ args: ['--backend', 'builtin:demo'], env: { GATEHOUSE_SERVER_METRICS: 'off' } });
  try {
    const m = await metrics(server);
    assert.equal(m.status, 404);
  } finally {
    await server.stop();
  }
});
