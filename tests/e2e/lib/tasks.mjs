// Tasks (MCP 2026-07-28 Tasks extension) by hand, for end-to-end tests:
// stateless requests that declare the extension, and the task methods
// polled the way a client would.
//
//   import { createTask, pollTask } from './lib/tasks.mjs';
//   const created = await createTask(server, 'slow_compute', { seconds: 2 });
//   const { task, seen } = await pollTask(server, created.taskId);
import assert from 'node:assert/strict';
import { META, eventStreamMessages } from './stateless.mjs';

export const MODERN = '2026-07-28';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
export const RELATED_TASK = 'io.modelcontextprotocol/related-task';
export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const HTTP_TIMEOUT_MS = 10_000; // per raw request
const POLL_DEADLINE_MS = 20_000; // longest wait for a task to reach a status

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const textOf = (result) => result?.content?.find((c) => c.type === 'text')?.text ?? '';
export const show = (r) => `HTTP ${r.status} ${JSON.stringify(r.body)}`.slice(0, 1500);

// ---------------------------------------------------------------------------
// Raw stateless requests (2026-07-28).

let nextId = 1;

/**
 * params._meta of a stateless request. `tasks` declares the Tasks extension;
 * `progressToken` is added when given.
 */
export function modernMeta({ tasks = true, progressToken } = {}) {
  const capabilities = { elicitation: { form: {} } };
  if (tasks) capabilities.extensions = { [TASKS_EXTENSION]: {} };
  const meta = {
    [META.version]: MODERN,
    [META.capabilities]: capabilities,
    [META.clientInfo]: { name: 'gatehouse-e2e-tasks', version: '0.0.0' },
  };
  if (progressToken !== undefined) meta.progressToken = progressToken;
  return meta;
}

// The Mcp-Name header: the tool of tools/call, the task id of the task methods.
function mcpName(method, params) {
  if (method === 'tools/call') return params.name;
  if (['tasks/get', 'tasks/update', 'tasks/cancel'].includes(method)) return params.taskId;
  return undefined;
}

// The JSON-RPC response with `id` in an SSE body (or null).
function responseInEventStream(text, id) {
  return eventStreamMessages(text).find((m) => m.id === id && ('result' in m || 'error' in m)) ?? null;
}

/**
 * POSTs one stateless JSON-RPC request to server.mcpUrl. Resolves {status,
 * body} (body: the JSON-RPC response, from plain JSON or an event stream).
 *
 * @param {object} server       a startServer() result
 * @param {string} method
 * @param {object} params       without _meta
 * @param {object} [options]
 * @param {boolean} [options.tasks]         declare the Tasks extension (default true)
 * @param {string}  [options.progressToken]
 * @param {string}  [options.apiKey]        sent as Authorization: Bearer
 */
export async function modernRequest(server, method, params = {}, { tasks = true, progressToken, apiKey } = {}) {
  const id = nextId++;
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': MODERN,
    'Mcp-Method': method,
  };
  const name = mcpName(method, params);
  if (name !== undefined) headers['Mcp-Name'] = name;
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: modernMeta({ tasks, progressToken }) } }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let body;
  try {
    body = type.includes('text/event-stream') ? responseInEventStream(text, id) : JSON.parse(text);
  } catch {
    assert.fail(`${method}: HTTP ${res.status} with an unreadable body (${type}): ${text.slice(0, 500)}`);
  }
  assert.ok(body, `${method}: no JSON-RPC response in HTTP ${res.status} (${type}): ${text.slice(0, 500)}`);
  return { status: res.status, body };
}

/** tools/call with the Tasks extension; asserts a CreateTaskResult and returns it. */
export async function createTask(server, name, args, options = {}) {
  const r = await modernRequest(server, 'tools/call', { name, arguments: args }, options);
  assert.equal(r.status, 200, show(r));
  const created = r.body.result;
  assert.equal(created?.resultType, 'task', `tools/call ${name} became a task: ${show(r)}`);
  assert.equal(typeof created.taskId, 'string', show(r));
  return created;
}

/** tasks/get; asserts a result and returns it. */
export async function getTask(server, taskId, options = {}) {
  const r = await modernRequest(server, 'tasks/get', { taskId }, options);
  assert.equal(r.status, 200, show(r));
  assert.ok(r.body.result, `tasks/get ${taskId}: ${show(r)}`);
  assert.equal(r.body.result.resultType, 'complete', show(r));
  assert.equal(r.body.result.taskId, taskId, show(r));
  return r.body.result;
}

/**
 * Polls tasks/get, waiting pollIntervalMs between polls, until the task's
 * status is one of `statuses` (by default any terminal one). Returns {task,
 * seen} (seen: every task/get result, in order); fails when the task reaches
 * another terminal status or the deadline passes.
 */
export async function pollTask(server, taskId, { statuses = TERMINAL, options = {}, deadlineMs = POLL_DEADLINE_MS } = {}) {
  const seen = [];
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const task = await getTask(server, taskId, options);
    seen.push(task);
    if (statuses.has(task.status)) return { task, seen };
    assert.ok(!TERMINAL.has(task.status), `task ${taskId} ended ${task.status} while waiting for ${[...statuses]}: ${JSON.stringify(task)}`);
    assert.ok(Date.now() < deadline, `task ${taskId} still ${task.status} after ${deadlineMs} ms: ${JSON.stringify(task)}`);
    assert.equal(typeof task.pollIntervalMs, 'number', JSON.stringify(task));
    await sleep(task.pollIntervalMs);
  }
}

/** Asserts a JSON-RPC error with `code` and returns it. */
export function assertError(r, code, what) {
  assert.ok(r.body.error, `${what}: expected a JSON-RPC error, got ${show(r)}`);
  assert.equal(r.body.result, undefined, `${what}: ${show(r)}`);
  assert.equal(r.body.error.code, code, `${what}: ${show(r)}`);
  return r.body.error;
}
