// End-to-end tests of gatehouse with the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk 1.32.2) as the client, over both transports:
//
//   1. stdio:  the SDK spawns `gatehouse serve --stdio --backend builtin:everything`
//   2. stdio, raw: every line gatehouse writes to stdout is a JSON-RPC message,
//      and closing stdin makes it exit
//   3. Streamable HTTP: `gatehouse serve --listen 127.0.0.1:0 --backend builtin:everything`
//
// The builtin:everything backend serves the fixtures of the MCP conformance
// suite (test_simple_text, test://static-text, test_simple_prompt, ...).
//
// Run: node --test tests/e2e/stdio.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { gatehouseBin, startServer } from './lib/server.mjs';

const TEST_TIMEOUT_MS = 60_000;
const REQUEST = { timeout: 15_000 }; // per-request timeout of the SDK calls
// State goes to a directory of the test's own, not the user's data directory.
const stdioDataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-stdio-'));
after(() => rmSync(stdioDataDir, { recursive: true, force: true }));
const STDIO_ARGS = ['serve', '--stdio', '--backend', 'builtin:everything', '--data-dir', stdioDataDir];

// A Client that records every error its transport reports. The stdio
// transport reports any stdout line that is not a JSON-RPC message this way,
// so "no errors" also means "nothing but JSON-RPC on stdout".
function newClient() {
  const client = new Client({ name: 'gatehouse-e2e', version: '0.0.0' }, { capabilities: {} });
  const errors = [];
  client.onerror = (err) => errors.push(err);
  return { client, errors };
}

// The calls both transports must support, against builtin:everything.
async function exerciseEverything(client) {
  const caps = client.getServerCapabilities();
  assert.ok(caps, 'server capabilities after initialize');
  assert.ok(caps.tools, 'server advertises tools');
  assert.ok(caps.resources, 'server advertises resources');
  assert.ok(caps.prompts, 'server advertises prompts');
  assert.ok(client.getServerVersion()?.name, 'serverInfo.name is set');

  // tools
  const { tools } = await client.listTools({}, REQUEST);
  const toolNames = tools.map((t) => t.name);
  assert.ok(toolNames.includes('test_simple_text'), `tools/list has test_simple_text: ${toolNames}`);
  for (const tool of tools) {
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}.inputSchema.type is "object"`);
  }
  const call = await client.callTool({ name: 'test_simple_text', arguments: {} }, undefined, REQUEST);
  assert.ok(!call.isError, `test_simple_text succeeded: ${JSON.stringify(call)}`);
  assert.equal(call.content?.[0]?.type, 'text');
  assert.equal(typeof call.content[0].text, 'string');
  assert.ok(call.content[0].text.length > 0, 'test_simple_text returned some text');

  // resources
  const { resources } = await client.listResources({}, REQUEST);
  const uris = resources.map((r) => r.uri);
  assert.ok(uris.includes('test://static-text'), `resources/list has test://static-text: ${uris}`);
  const read = await client.readResource({ uri: 'test://static-text' }, REQUEST);
  assert.equal(read.contents?.length, 1, 'one content item');
  assert.equal(read.contents[0].uri, 'test://static-text');
  assert.equal(typeof read.contents[0].text, 'string');
  assert.ok(read.contents[0].text.length > 0, 'resource text is not empty');

  // prompts
  const { prompts } = await client.listPrompts({}, REQUEST);
  const promptNames = prompts.map((p) => p.name);
  assert.ok(promptNames.includes('test_simple_prompt'), `prompts/list has test_simple_prompt: ${promptNames}`);
  const prompt = await client.getPrompt({ name: 'test_simple_prompt', arguments: {} }, REQUEST);
  assert.ok(prompt.messages?.length >= 1, 'prompt has messages');
  assert.equal(prompt.messages[0].role, 'user');
  assert.equal(prompt.messages[0].content?.type, 'text');

  // ping answers an empty result
  assert.deepEqual(await client.ping(REQUEST), {});
}

test('stdio: the SDK client talks to gatehouse serve --stdio', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const transport = new StdioClientTransport({ command: gatehouseBin, args: STDIO_ARGS, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-16_384);
  });
  const { client, errors } = newClient();
  t.after(() => client.close()); // also ends the child process

  try {
    await client.connect(transport, REQUEST); // initialize + notifications/initialized
    assert.equal(transport.pid > 0, true, 'the server process was spawned');
    await exerciseEverything(client);
    assert.deepEqual(errors.map(String), [], 'no transport errors (e.g. a non-JSON-RPC line on stdout)');
  } catch (err) {
    err.message += `\n--- gatehouse stderr (tail) ---\n${stderr.slice(-4000)}`;
    throw err;
  }
});

test('stdio: stdout carries only JSON-RPC lines; closing stdin ends the server', { timeout: TEST_TIMEOUT_MS }, async () => {
  const child = spawn(gatehouseBin, STDIO_ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => {
    stderr = (stderr + c).slice(-16_384);
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const lines = [];
  const waiters = new Map(); // JSON-RPC id -> resolve
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    try {
      const msg = JSON.parse(line);
      if (msg && waiters.has(msg.id)) waiters.get(msg.id)(msg);
    } catch {
      // judged below: every line must parse
    }
  });
  const request = (id, method, params) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${method} (id ${id})\nstderr: ${stderr.slice(-2000)}`)), 15_000);
      waiters.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params && { params }) }) + '\n');
    });

  try {
    const init = await request(1, 'initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'gatehouse-e2e-raw', version: '0.0.0' },
    });
    assert.equal(init.result?.protocolVersion, '2025-11-25', JSON.stringify(init));
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    const list = await request(2, 'tools/list', {});
    assert.ok(Array.isArray(list.result?.tools), 'tools/list result has tools');
    const ping = await request('three', 'ping');
    assert.deepEqual(ping.result, {}, 'ping answers {} (string ids work too)');
    const unknown = await request(4, 'no/such_method', {});
    assert.equal(unknown.error?.code, -32601, 'unknown method → -32601');

    for (const line of lines) {
      let msg;
      assert.doesNotThrow(() => (msg = JSON.parse(line)), `stdout line is JSON: ${line.slice(0, 200)}`);
      assert.equal(msg?.jsonrpc, '2.0', `stdout line is JSON-RPC 2.0: ${line.slice(0, 200)}`);
    }

    // MCP stdio shutdown: the client closes the server's stdin, then waits.
    child.stdin.end();
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 5_000).unref());
    const result = await Promise.race([exited, timeout]);
    assert.ok(result, 'gatehouse exits within 5 s of its stdin being closed');
    assert.equal(result.code, 0, `exit status after stdin EOF: ${JSON.stringify(result)}`);
  } catch (err) {
    err.message += `\n--- gatehouse stderr (tail) ---\n${stderr.slice(-4000)}`;
    throw err;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
});

test('streamable HTTP: the SDK client talks to gatehouse serve --listen', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer({ args: ['--backend', 'builtin:everything'] });
  t.after(() => server.stop());
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl));
  const { client, errors } = newClient();
  let closed = false;
  t.after(() => (closed ? undefined : client.close()));

  try {
    await client.connect(transport, REQUEST);
    const sessionId = transport.sessionId;
    assert.ok(sessionId, 'the server issued an Mcp-Session-Id');
    assert.equal(transport.protocolVersion, LATEST_PROTOCOL_VERSION, 'negotiated the SDK\'s latest protocol version');

    await exerciseEverything(client);

    // Progress: the SDK puts a progressToken in _meta because onprogress is set.
    const progress = [];
    const result = await client.callTool(
      { name: 'test_tool_with_progress', arguments: {} },
      undefined,
      { ...REQUEST, onprogress: (p) => progress.push(p) },
    );
    assert.ok(!result.isError, `test_tool_with_progress succeeded: ${JSON.stringify(result)}`);
    assert.ok(progress.length >= 3, `at least 3 progress notifications, got ${JSON.stringify(progress)}`);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i].progress >= progress[i - 1].progress, `progress never goes back: ${JSON.stringify(progress)}`);
    }
    assert.equal(progress.at(-1).progress, progress.at(-1).total ?? progress.at(-1).progress, 'the last notification reports completion');

    assert.deepEqual(errors.map(String), [], 'no transport errors');

    // Closing: DELETE ends the session, after which the server no longer knows it.
    await transport.terminateSession();
    assert.equal(transport.sessionId, undefined, 'the SDK dropped the session after DELETE');
    await client.close();
    closed = true;
    const res = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'Mcp-Session-Id': sessionId,
        'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    assert.equal(res.status, 404, 'a request on the terminated session gets 404');
  } catch (err) {
    err.message += `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-4000)}`;
    throw err;
  }
});
