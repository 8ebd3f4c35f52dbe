// End-to-end regression tests for findings of the security review, against
// the real binary on 127.0.0.1:
//
//   H1  a per-tool scope (`tool_scopes = ["save_note=notes:write"]`) holds for
//       a token with scope `mcp` whatever the path: a call in a session, the
//       same call inside a 2025-03-26 batch, and a single call to a server in
//       stateless mode (`MCP-Protocol-Version: 2025-06-18`) — each 403
//       insufficient_scope, and no note is saved.
//   H2  streamed (SSE) answers all arrive: 16 concurrent clients make 800
//       tool calls in sessions and 800 on the stateless 2026-07-28 revision,
//       each answered over SSE (log notifications first, then the result);
//       every result is counted.
//
// Run: cd tests/e2e && node --test hardening.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accessToken } from './lib/token.mjs';
import { startServer } from './lib/server.mjs';

const TEST_TIMEOUT_MS = 120_000;
const HTTP_TIMEOUT_MS = 15_000;

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

// A server with --auth oauth, the demo backend and the given [mcp] settings;
// `save_note` needs the scope notes:write.
async function scopedServer(mcpSection = '') {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-hardening-'));
  const config = path.join(dir, 'gatehouse.toml');
  writeFileSync(
    config,
    `[mcp]\n${mcpSection}\n[oauth]\nscopes = ["mcp", "notes:write"]\ntool_scopes = ["save_note=notes:write"]\n`,
  );
  const server = await startServer({
    args: ['--config', config, '--auth', 'oauth', '--backend', 'builtin:demo', '--data-dir', path.join(dir, 'var')],
  });
  cleanups.push(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

// An access token of the first user granted only `scope`.
const tokenFor = (server, scope) =>
  accessToken(server, { username: server.adminUser, password: server.adminPassword, scope, clientName: 'hardening e2e' });

async function post(server, body, headers = {}) {
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const initialize = (version) => ({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'hardening-e2e', version: '0' } },
});
const saveNote = (id) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'save_note', arguments: { title: `h1-${id}`, body: 'must not be saved' } },
});
const listNotes = { jsonrpc: '2.0', id: 99, method: 'tools/call', params: { name: 'list_notes', arguments: {} } };

function assertInsufficientScope(r, what) {
  assert.equal(r.status, 403, `${what}: HTTP ${r.status} ${r.text}`);
  const challenge = r.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /error="insufficient_scope"/, `${what}: ${challenge}`);
  assert.match(challenge, /notes:write/, `${what}: ${challenge}`);
}

test('H1: a per-tool scope holds in sessions, in 2025-03-26 batches and in stateless mode', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await scopedServer();
  const token = await tokenFor(server, 'mcp');
  const auth = { Authorization: `Bearer ${token}` };

  const opened = await post(server, initialize('2025-11-25'), auth);
  assert.equal(opened.status, 200, opened.text);
  const session = { ...auth, 'Mcp-Session-Id': opened.headers.get('mcp-session-id'), 'MCP-Protocol-Version': '2025-11-25' };
  assertInsufficientScope(await post(server, saveNote(1), session), 'a call in a session');

  const old = await post(server, initialize('2025-03-26'), auth);
  assert.equal(old.status, 200, old.text);
  const oldSession = { ...auth, 'Mcp-Session-Id': old.headers.get('mcp-session-id') };
  assertInsufficientScope(
    await post(server, [{ jsonrpc: '2.0', id: 2, method: 'ping' }, saveNote(3)], oldSession),
    'the call inside a 2025-03-26 batch',
  );

  // Nothing was saved by either attempt.
  const listed = await post(server, listNotes, session);
  assert.equal(listed.status, 200, listed.text);
  assert.doesNotMatch(listed.text, /h1-/, listed.text);

  const stateless = await scopedServer('stateless = true');
  const statelessToken = await tokenFor(stateless, 'mcp');
  assertInsufficientScope(
    await post(stateless, saveNote(4), { Authorization: `Bearer ${statelessToken}`, 'MCP-Protocol-Version': '2025-06-18' }),
    'a single call to a stateless server',
  );
  const allowedToken = await tokenFor(stateless, 'mcp notes:write');
  const allowed = await post(stateless, saveNote(5), { Authorization: `Bearer ${allowedToken}`, 'MCP-Protocol-Version': '2025-06-18' });
  assert.equal(allowed.status, 200, allowed.text);
  assert.match(allowed.text, /Saved note/);
});

// The JSON-RPC result for `id` in an SSE body, or null.
function resultIn(text, id) {
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line.length <= 6) continue;
    const message = JSON.parse(line.slice(6));
    if (message.id === id && message.result) return message.result;
  }
  return null;
}

test('H2: every streamed answer arrives, in sessions and on the stateless revision', { timeout: TEST_TIMEOUT_MS }, async () => {
  const server = await startServer({ args: ['--auth', 'none', '--backend', 'builtin:everything'] });
  cleanups.push(() => server.stop());
  const WORKERS = 16;
  const CALLS = 100;
  const missing = [];

  const sessionWorker = async (w) => {
    const opened = await post(server, initialize('2025-11-25'));
    const headers = { 'Mcp-Session-Id': opened.headers.get('mcp-session-id'), 'MCP-Protocol-Version': '2025-11-25' };
    for (let i = 0; i < CALLS; i++) {
      const id = w * 1000 + i + 1;
      const r = await post(server, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'test_tool_with_logging', arguments: {} } }, headers);
      assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/, 'answered over SSE');
      if (!resultIn(r.text, id)) missing.push(`session ${w} call ${i}: ${r.text.slice(-200)}`);
    }
  };
  const statelessWorker = async (w) => {
    for (let i = 0; i < CALLS; i++) {
      const id = w * 1000 + i + 1;
      const r = await post(
        server,
        {
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: {
            name: 'test_tool_with_logging',
            arguments: {},
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientCapabilities': {},
              'io.modelcontextprotocol/logLevel': 'info',
            },
          },
        },
        { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'test_tool_with_logging' },
      );
      assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/, `answered over SSE: ${r.text.slice(0, 200)}`);
      if (!resultIn(r.text, id)) missing.push(`stateless ${w} call ${i}: ${r.text.slice(-200)}`);
    }
  };
  const workers = [];
  for (let w = 0; w < WORKERS / 2; w++) workers.push(sessionWorker(w), statelessWorker(w + 100));
  await Promise.all(workers);
  assert.deepEqual(missing, [], `${missing.length} of ${WORKERS * CALLS} answers ended without their result`);
});
