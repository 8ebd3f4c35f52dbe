// End-to-end tests of a gateway backend's own tasks, followed by Gatehouse
// for tasks of its own (docs/tasks.md "Through the gateway"):
//
//   1. A 2025-11-25 backend: the reference server-everything over stdio,
//      whose simulate-research-query runs only as a task (execution.
//      taskSupport "required") and, for an ambiguous topic, asks a question
//      tied to its task (delivered through tasks/result). Clients: raw
//      2026-07-28 requests with the Tasks extension, and the SDK 1.x client
//      (2025-11-25 session, experimental tasks API). Two API keys: the
//      tasks are each key's own.
//   2. A 2026-07-28 backend: a second Gatehouse serving builtin:everything
//      over HTTP, whose tools become tasks when the request declares the
//      extension. Its questions (inputRequests) are answered through the
//      front's tasks/update; a cancelled front task cancels the backend's;
//      a 2025-11-25 session (SDK 1.x) gets its tasks too.
//
// In every case the client holds the id of Gatehouse's task, never the
// backend's. Servers listen on 127.0.0.1 and are stopped in after hooks.
//
// Run: cd tests/e2e && node --test gateway-tasks.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { runGatehouse } from './lib/run.mjs';
import { startServer, withLogs } from './lib/server.mjs';
import {
  RELATED_TASK, assertError, createTask, getTask, modernRequest, pollTask, show, sleep, textOf,
} from './lib/tasks.mjs';

const INVALID_PARAMS = -32602;
const TEST_TIMEOUT = { timeout: 45_000 };
const SDK_REQUEST = { timeout: 15_000 };
// The form of the task ids the reference server (SDK 1.x InMemoryTaskStore)
// makes: 32 hexadecimal digits. Gatehouse's never have it.
const BACKEND_ID = /^[0-9a-f]{32}$/;

const EVERYTHING = path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules', '@modelcontextprotocol',
  'server-everything', 'dist', 'index.js');
const RESEARCH = 'simulate-research-query';

function statusMessages(seen) {
  return seen.filter((t) => t.statusMessage).map((t) => t.statusMessage);
}

// ===========================================================================
// 1. A 2025-11-25 backend's tasks

describe('a 2025-11-25 backend\'s own tasks (server-everything over stdio)', () => {
  let dir;
  let server;
  const keys = {};

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-gateway-tasks-'));
    const dataDir = path.join(dir, 'data');
    for (const name of ['alice', 'bob']) {
      const { code, stdout, stderr } = await runGatehouse(['clients', 'add', name, '--api-key', '--data-dir', dataDir]);
      assert.equal(code, 0, stderr);
      keys[name] = /^api_key: (\S+)$/m.exec(stdout)?.[1];
      assert.ok(keys[name], `an API key for ${name}: ${stdout}`);
    }
    const config = path.join(dir, 'gatehouse.toml');
    writeFileSync(config, [
      '[server]',
      'auth = "api-key"',
      '',
      '[[backend]]',
      'name = "everything"',
      `command = ${JSON.stringify([process.execPath, EVERYTHING, 'stdio'])}`,
      '',
    ].join('\n'));
    server = await startServer({ args: ['--config', config, '--data-dir', dataDir] });
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('TA7: a 2026-07-28 client gets a Gatehouse task; the backend\'s statusMessage shows through; the result comes inline', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const alice = { apiKey: keys.alice };
      const created = await createTask(server, RESEARCH, { topic: 'owls' }, alice);
      assert.doesNotMatch(created.taskId, BACKEND_ID, `the id is Gatehouse's, not the backend's: ${created.taskId}`);
      assert.equal(created.status, 'working', JSON.stringify(created));
      const { task, seen } = await pollTask(server, created.taskId, { options: alice });
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.match(textOf(task.result), /# Research Report: owls/, JSON.stringify(task));
      assert.equal(task.result._meta?.[RELATED_TASK], undefined, `no tie to the backend's task: ${JSON.stringify(task.result._meta)}`);
      const messages = statusMessages(seen);
      assert.ok(messages.some((m) => /Gathering sources|Analyzing content|Synthesizing findings|Generating report/.test(m)),
        `the backend's stages as statusMessage: ${JSON.stringify(messages)}`);
    }));

  test('TA7: the backend\'s question waits in the task (inputRequests); tasks/update answers it and the report uses the answer', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const alice = { apiKey: keys.alice };
      const created = await createTask(server, RESEARCH, { topic: 'python', ambiguous: true }, alice);
      const { task: asking } = await pollTask(server, created.taskId, { statuses: new Set(['input_required']), options: alice });
      const entries = Object.entries(asking.inputRequests ?? {});
      assert.equal(entries.length, 1, `one question: ${JSON.stringify(asking)}`);
      const [key, question] = entries[0];
      assert.equal(question.method, 'elicitation/create', JSON.stringify(question));
      assert.match(question.params?.message, /multiple interpretations/, JSON.stringify(question));
      assert.equal(question.params?._meta?.[RELATED_TASK], undefined, `the backend's task id is not passed on: ${JSON.stringify(question)}`);

      const update = await modernRequest(server, 'tasks/update', {
        taskId: created.taskId,
        inputResponses: { [key]: { action: 'accept', content: { interpretation: 'snake' } } },
      }, alice);
      assert.equal(update.body.result?.resultType, 'complete', show(update));

      const { task } = await pollTask(server, created.taskId, { options: alice });
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.match(textOf(task.result), /# Research Report: python \(snake\)/, JSON.stringify(task));
    }));

  test('TA4: another key\'s tasks/get, tasks/cancel and tasks/update of the task are -32602, as for an unknown id', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const alice = { apiKey: keys.alice };
      const bob = { apiKey: keys.bob };
      const created = await createTask(server, RESEARCH, { topic: 'secrets' }, alice);
      const { taskId } = created;
      const unknown = assertError(await modernRequest(server, 'tasks/get', { taskId: 'no-such-task' }, bob), INVALID_PARAMS, 'unknown id');
      const got = assertError(await modernRequest(server, 'tasks/get', { taskId }, bob), INVALID_PARAMS, "bob: alice's task");
      assert.equal(got.message, unknown.message);
      assertError(await modernRequest(server, 'tasks/cancel', { taskId }, bob), INVALID_PARAMS, "bob: cancel alice's task");
      assertError(await modernRequest(server, 'tasks/update', { taskId, inputResponses: { q: { action: 'decline' } } }, bob),
        INVALID_PARAMS, "bob: update alice's task");
      const { task } = await pollTask(server, taskId, { options: alice });
      assert.equal(task.status, 'completed', `bob changed nothing: ${JSON.stringify(task)}`);
    }));

  test('TA7: tasks/cancel ends the Gatehouse task at once and cancels the backend\'s task', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const alice = { apiKey: keys.alice };
      const created = await createTask(server, RESEARCH, { topic: 'cancelled' }, alice);
      // Once the backend has made its task (the first status message).
      await pollTask(server, created.taskId, { statuses: new Set(['working']), options: alice });
      await sleep(300);
      const cancel = await modernRequest(server, 'tasks/cancel', { taskId: created.taskId }, alice);
      assert.equal(cancel.body.result?.resultType, 'complete', show(cancel));
      assert.equal((await getTask(server, created.taskId, alice)).status, 'cancelled');
      const deadline = Date.now() + 10_000;
      while (!/backend everything: its task \S+ cancelled/.test(server.logs()) && Date.now() < deadline) await sleep(100);
      assert.match(server.logs(), /backend everything: its task [0-9a-f]{32} cancelled/, 'the backend was asked to cancel its task');
      await sleep(1_000);
      assert.equal((await getTask(server, created.taskId, alice)).status, 'cancelled', 'still cancelled');
    }));

  test('TA7: the SDK 1.x client (2025-11-25): taskSupport "required" listed; callToolStream answers the question tied to Gatehouse\'s task', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const client = new Client({ name: 'gateway-tasks-e2e', version: '1.0.0' }, { capabilities: { elicitation: {} } });
      const asked = [];
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params);
        return { action: 'accept', content: { interpretation: 'comedy' } };
      });
      const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
        requestInit: { headers: { Authorization: `Bearer ${keys.alice}` } },
      });
      await client.connect(transport, SDK_REQUEST);
      try {
        assert.ok(client.getServerCapabilities()?.tasks?.requests?.tools?.call, 'capabilities.tasks');
        const { tools } = await client.listTools(undefined, SDK_REQUEST);
        assert.equal(tools.find((t) => t.name === RESEARCH)?.execution?.taskSupport, 'required');

        const messages = [];
        const stream = client.experimental.tasks.callToolStream(
          { name: RESEARCH, arguments: { topic: 'python', ambiguous: true } },
          CallToolResultSchema,
          { ...SDK_REQUEST, task: { ttl: 60_000 } },
        );
        for await (const message of stream) messages.push(message);
        assert.equal(messages[0]?.type, 'taskCreated', JSON.stringify(messages));
        const { taskId } = messages[0].task;
        assert.doesNotMatch(taskId, BACKEND_ID, `the id is Gatehouse's: ${taskId}`);
        assert.equal(asked.length, 1, `one question: ${JSON.stringify(asked)}`);
        assert.match(asked[0].message, /multiple interpretations/);
        assert.deepEqual(asked[0]._meta?.[RELATED_TASK], { taskId }, `tied to Gatehouse's task: ${JSON.stringify(asked[0])}`);
        assert.equal(messages.at(-1)?.type, 'result', JSON.stringify(messages.at(-1)));
        assert.match(textOf(messages.at(-1).result), /# Research Report: python \(comedy\)/);

        // tasks/list is Gatehouse's: this key's tasks, by Gatehouse's ids.
        const listed = await client.experimental.tasks.listTasks(undefined, SDK_REQUEST);
        assert.ok(listed.tasks.some((t) => t.taskId === taskId), JSON.stringify(listed));
        for (const t of listed.tasks) assert.doesNotMatch(t.taskId, BACKEND_ID, `only Gatehouse's ids: ${JSON.stringify(listed)}`);

        // params.task on a tool that does not run as a task: -32601, never forwarded.
        await assert.rejects(
          client.callTool({ name: 'echo', arguments: { message: 'hi' }, task: { ttl: 1000 } }, undefined, SDK_REQUEST),
          (err) => {
            assert.equal(err.code, ErrorCode.MethodNotFound, err.message);
            return true;
          },
        );
      } finally {
        await client.close();
      }
    }));

  test('TA2: a client that cannot take a task gets the backend\'s own refusal of a task-only tool', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const r = await modernRequest(server, 'tools/call', { name: RESEARCH, arguments: { topic: 'owls' } },
        { tasks: false, apiKey: keys.alice });
      assert.ok(r.body.error || r.body.result?.isError, `refused: ${show(r)}`);
      assert.equal(r.body.result?.taskId, undefined, show(r));
    }));
});

// ===========================================================================
// 2. A 2026-07-28 backend's tasks

describe('a 2026-07-28 backend\'s own tasks (Gatehouse builtin:everything over HTTP)', () => {
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

  const both = (fn) => withLogs(front, () => withLogs(back, fn));

  test('TA2: slow_compute becomes the backend\'s task; the front\'s task mirrors its progress and inlines its result', TEST_TIMEOUT, () =>
    both(async () => {
      const created = await createTask(front, 'slow_compute', { seconds: 3, label: 'primes' });
      const { task, seen } = await pollTask(front, created.taskId);
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.match(textOf(task.result), /^Computed primes in 3 s/, JSON.stringify(task));
      assert.ok(statusMessages(seen).some((m) => /computing primes: \d of 3 s/.test(m)), JSON.stringify(seen));
      // The front's id is its own: the backend does not know it.
      assertError(await modernRequest(back, 'tasks/get', { taskId: created.taskId }), INVALID_PARAMS, 'the front id at the back');
    }));

  test('TA2: the backend decides: a call it answers at once stays an ordinary call at the front', TEST_TIMEOUT, () =>
    both(async () => {
      const r = await modernRequest(front, 'tools/call', { name: 'greet', arguments: { name: 'Ada' } });
      assert.equal(r.body.result?.resultType, 'complete', `no task for an answer at once: ${show(r)}`);
      assert.equal(r.body.result.taskId, undefined, show(r));
      assert.equal(textOf(r.body.result), 'Hello, Ada!', show(r));
    }));

  test('TA2: input first, then a task (SEP-2322 with SEP-2663): the backend\'s round is the call\'s own, then the task', TEST_TIMEOUT, () =>
    both(async () => {
      const first = await modernRequest(front, 'tools/call', { name: 'test_tool_with_task', arguments: {} });
      assert.equal(first.body.result?.resultType, 'input_required', show(first));
      const [key] = Object.keys(first.body.result.inputRequests ?? {});
      assert.ok(key, show(first));
      assert.equal(first.body.result.inputRequests[key].method, 'elicitation/create', show(first));
      const second = await modernRequest(front, 'tools/call', {
        name: 'test_tool_with_task',
        arguments: {},
        inputResponses: { [key]: { action: 'accept', content: { name: 'Grace' } } },
        requestState: first.body.result.requestState,
      });
      const created = second.body.result;
      assert.equal(created?.resultType, 'task', `then a task: ${show(second)}`);
      const { task } = await pollTask(front, created.taskId);
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.equal(textOf(task.result), 'Hello, Grace!', JSON.stringify(task));
    }));

  test('TA2: the backend task\'s question (inputRequests) is answered through the front\'s tasks/update', TEST_TIMEOUT, () =>
    both(async () => {
      const created = await createTask(front, 'confirm_delete', { filename: 'notes.txt' });
      const { task: asking } = await pollTask(front, created.taskId, { statuses: new Set(['input_required']) });
      const entries = Object.entries(asking.inputRequests ?? {});
      assert.equal(entries.length, 1, JSON.stringify(asking));
      const [key, question] = entries[0];
      assert.equal(question.params?.message, 'Delete notes.txt?', JSON.stringify(question));
      const update = await modernRequest(front, 'tasks/update', {
        taskId: created.taskId,
        inputResponses: { [key]: { action: 'accept', content: { confirm: true } } },
      });
      assert.equal(update.body.result?.resultType, 'complete', show(update));
      const { task } = await pollTask(front, created.taskId);
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.match(textOf(task.result), /^Deleted notes\.txt/, JSON.stringify(task));
    }));

  test('TA2: a task-required tool\'s tool error and a protocol error come through as the backend task ended', TEST_TIMEOUT, () =>
    both(async () => {
      const failing = await createTask(front, 'failing_job', {});
      const { task: toolError } = await pollTask(front, failing.taskId);
      assert.equal(toolError.status, 'completed', JSON.stringify(toolError));
      assert.equal(toolError.result?.isError, true, JSON.stringify(toolError));
      assert.match(textOf(toolError.result), /input data is incomplete/);

      const broken = await createTask(front, 'protocol_error_job', {});
      const { task: protocolError } = await pollTask(front, broken.taskId);
      assert.equal(protocolError.status, 'failed', JSON.stringify(protocolError));
      assert.equal(protocolError.error?.code, -32603, JSON.stringify(protocolError));
      assert.match(protocolError.error?.message, /worker stopped unexpectedly/, JSON.stringify(protocolError));
    }));

  test('TA1: a 2025-11-25 session (SDK 1.x) sees the backend\'s tools as taskSupport "optional" and gets a task through the front', TEST_TIMEOUT, () =>
    both(async () => {
      const client = new Client({ name: 'gateway-tasks-cross-era', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(front.mcpUrl)), SDK_REQUEST);
      try {
        const { tools } = await client.listTools(undefined, SDK_REQUEST);
        assert.equal(tools.find((t) => t.name === 'slow_compute')?.execution?.taskSupport, 'optional', JSON.stringify(tools));
        const messages = [];
        const stream = client.experimental.tasks.callToolStream(
          { name: 'slow_compute', arguments: { seconds: 1, label: 'eras' } },
          CallToolResultSchema,
          { ...SDK_REQUEST, task: { ttl: 60_000 } },
        );
        for await (const message of stream) messages.push(message);
        assert.equal(messages[0]?.type, 'taskCreated', JSON.stringify(messages));
        assert.equal(messages.at(-1)?.type, 'result', JSON.stringify(messages.at(-1)));
        assert.match(textOf(messages.at(-1).result), /^Computed eras in 1 s/);
      } finally {
        await client.close();
      }
    }));

  test('TA7: tasks/cancel at the front cancels the backend\'s task', TEST_TIMEOUT, () =>
    both(async () => {
      const created = await createTask(front, 'slow_compute', { seconds: 60, label: 'forever' });
      await pollTask(front, created.taskId, { statuses: new Set(['working']) });
      await sleep(500);
      const cancel = await modernRequest(front, 'tasks/cancel', { taskId: created.taskId });
      assert.equal(cancel.body.result?.resultType, 'complete', show(cancel));
      let backendId;
      const deadline = Date.now() + 10_000;
      while (!backendId && Date.now() < deadline) {
        backendId = /backend \S+: its task (\S+) cancelled/.exec(front.logs())?.[1];
        if (!backendId) await sleep(100);
      }
      assert.ok(backendId, 'the front cancelled the backend\'s task');
      assert.notEqual(backendId, created.taskId);
      // With auth none both share one owner, so the test may look at the back.
      assert.equal((await getTask(back, backendId)).status, 'cancelled');
    }));
});
