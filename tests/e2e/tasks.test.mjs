// End-to-end tests of tools that run as tasks:
//
//   1. @modelcontextprotocol/sdk 1.x over Streamable HTTP (2025-11-25
//      sessions, task-augmented tools/call) with the SDK's experimental tasks
//      API: callToolStream, getTask, listTasks, cancelTask, getTaskResult.
//   2. Raw stateless requests (2026-07-28, Tasks extension): a CreateTaskResult,
//      tasks/get polled at pollIntervalMs, the result inlined; without the
//      extension the same call answers its result directly.
//   3. Durability: tasks live in <data-dir>/gatehouse.db. A task running when
//      the server is killed, or stopped, is `failed` after the next start; a
//      completed one keeps its result.
//   4. Ownership and bounds with --auth api-key: each key is its own
//      principal; another key's task id is unknown (-32602), and the bound on
//      running tasks is counted per key.
//   5. builtin:everything: confirm_delete asks a question while it runs
//      (input_required), answered with tasks/update.
//   6. Status notifications: notifications/tasks on a subscriptions/listen
//      stream naming the task (2026-07-28), notifications/tasks/status on a
//      2025-11-25 session's stream.
//
// Every server listens on 127.0.0.1 and is stopped in a finally block (or an
// after hook); temporary data directories are removed.
//
// Run: cd tests/e2e && node --test tasks.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema, ElicitRequestSchema, ErrorCode, McpError, TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { runGatehouse } from './lib/run.mjs';
import { startServer, withLogs } from './lib/server.mjs';
import { META, nextMessage, sseMessages } from './lib/stateless.mjs';
import {
  MODERN, RELATED_TASK, TASKS_EXTENSION, assertError, createTask, getTask, modernMeta, modernRequest, pollTask, show,
  sleep, textOf,
} from './lib/tasks.mjs';

const LEGACY_LATEST = '2025-11-25';
const INTERNAL_ERROR = -32603;
const INVALID_PARAMS = -32602;

const TEST_TIMEOUT = { timeout: 45_000 };
const HTTP_TIMEOUT_MS = 10_000; // per raw request
const SDK_REQUEST = { timeout: 15_000 }; // per SDK request

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function tempDataDir() {
  return mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-tasks-'));
}

async function withServer(options, fn) {
  const server = await startServer(options);
  try {
    return await withLogs(server, () => fn(server));
  } finally {
    await server.stop();
  }
}

// ===========================================================================
// 1. @modelcontextprotocol/sdk 1.x, 2025-11-25 sessions

describe('TA1/TA5: @modelcontextprotocol/sdk 1.x experimental tasks (2025-11-25, builtin:demo)', () => {
  let server;
  let client;

  before(async () => {
    server = await startServer({ args: ['--backend', 'builtin:demo'] });
    client = new Client({ name: 'gatehouse-e2e-tasks', version: '0.0.0' }, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl));
    await withLogs(server, () => client.connect(transport, SDK_REQUEST));
    assert.equal(transport.protocolVersion, LEGACY_LATEST);
  });

  after(async () => {
    await client?.close();
    await server?.stop();
  });

  test('TA1: capabilities.tasks and write_report execution.taskSupport "optional"', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const tasks = client.getServerCapabilities()?.tasks;
      assert.ok(tasks?.list, `capabilities.tasks.list: ${JSON.stringify(tasks)}`);
      assert.ok(tasks.cancel, `capabilities.tasks.cancel: ${JSON.stringify(tasks)}`);
      assert.ok(tasks.requests?.tools?.call, `capabilities.tasks.requests.tools.call: ${JSON.stringify(tasks)}`);

      const { tools } = await client.listTools(undefined, SDK_REQUEST);
      const writeReport = tools.find((t) => t.name === 'write_report');
      assert.ok(writeReport, `tools/list has write_report: ${tools.map((t) => t.name)}`);
      assert.equal(writeReport.execution?.taskSupport, 'optional', JSON.stringify(writeReport));
      const echo = tools.find((t) => t.name === 'echo');
      assert.ok(!['optional', 'required'].includes(echo?.execution?.taskSupport), `echo is no task: ${JSON.stringify(echo)}`);
    }));

  test('TA1: callToolStream: taskCreated, status updates, then the result; getTask and listTasks', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const messages = [];
      const stream = client.experimental.tasks.callToolStream(
        { name: 'write_report', arguments: { topic: 'owls', seconds: 3 } },
        CallToolResultSchema,
        { ...SDK_REQUEST, task: { ttl: 60_000 } },
      );
      for await (const message of stream) messages.push(message);
      const types = messages.map((m) => m.type);

      assert.equal(types[0], 'taskCreated', `messages: ${JSON.stringify(messages)}`);
      const created = messages[0].task;
      assert.equal(created.status, 'working', JSON.stringify(created));
      assert.equal(created.ttl, 60_000, `the requested ttl is kept: ${JSON.stringify(created)}`);
      assert.equal(typeof created.pollInterval, 'number', JSON.stringify(created));
      assert.match(created.createdAt, ISO_MS);
      assert.match(created.lastUpdatedAt, ISO_MS);
      const { taskId } = created;

      const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
      assert.ok(statuses.length >= 2, `status updates: ${statuses}`);
      assert.ok(statuses.includes('working'), `seen working: ${statuses}`);
      assert.equal(statuses.at(-1), 'completed', `statuses: ${statuses}`);
      for (const m of messages.filter((m) => m.type === 'taskStatus')) assert.equal(m.task.taskId, taskId);

      assert.equal(types.at(-1), 'result', `messages: ${JSON.stringify(messages)}`);
      const result = messages.at(-1).result;
      assert.ok(!result.isError, JSON.stringify(result));
      assert.match(textOf(result), /^Report on owls/, JSON.stringify(result));
      assert.deepEqual(result._meta?.[RELATED_TASK], { taskId }, `tasks/result names its task: ${JSON.stringify(result)}`);

      const task = await client.experimental.tasks.getTask(taskId, SDK_REQUEST);
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.equal(task.taskId, taskId);

      const again = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, SDK_REQUEST);
      assert.match(textOf(again), /^Report on owls/, 'tasks/result answers again once completed');

      const listed = await client.experimental.tasks.listTasks(undefined, SDK_REQUEST);
      const entry = listed.tasks.find((t) => t.taskId === taskId);
      assert.equal(entry?.status, 'completed', `tasks/list: ${JSON.stringify(listed)}`);
    }));

  test('TA1: cancelTask → cancelled; tasks/result of it is -32602 "was cancelled"', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const messages = [];
      let cancelled = null;
      const stream = client.experimental.tasks.callToolStream(
        { name: 'write_report', arguments: { topic: 'badgers', seconds: 60 } },
        CallToolResultSchema,
        { ...SDK_REQUEST, task: { ttl: 60_000 } },
      );
      for await (const message of stream) {
        messages.push(message);
        if (message.type === 'taskCreated') cancelled = await client.experimental.tasks.cancelTask(message.task.taskId, SDK_REQUEST);
      }
      assert.ok(cancelled, `a task was created: ${JSON.stringify(messages)}`);
      const taskId = messages[0].task.taskId;
      assert.equal(cancelled.taskId, taskId, JSON.stringify(cancelled));
      assert.equal(cancelled.status, 'cancelled', `tasks/cancel answers the cancelled task: ${JSON.stringify(cancelled)}`);

      // The stream's next poll sees the cancellation and ends with an error.
      const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
      assert.equal(statuses.at(-1), 'cancelled', `statuses: ${statuses}`);
      const last = messages.at(-1);
      assert.equal(last.type, 'error', `messages: ${JSON.stringify(messages)}`);
      assert.match(last.error.message, /cancelled/);

      const task = await client.experimental.tasks.getTask(taskId, SDK_REQUEST);
      assert.equal(task.status, 'cancelled', JSON.stringify(task));

      await assert.rejects(
        client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, SDK_REQUEST),
        (err) => {
          assert.ok(err instanceof McpError, String(err));
          assert.equal(err.code, ErrorCode.InvalidParams, err.message);
          assert.match(err.message, /was cancelled/);
          return true;
        },
      );
      // A terminal task cannot be cancelled again.
      await assert.rejects(client.experimental.tasks.cancelTask(taskId, SDK_REQUEST), (err) => {
        assert.equal(err.code, ErrorCode.InvalidParams, err.message);
        assert.match(err.message, /terminal status 'cancelled'/);
        return true;
      });

      const listed = await client.experimental.tasks.listTasks(undefined, SDK_REQUEST);
      assert.equal(listed.tasks.find((t) => t.taskId === taskId)?.status, 'cancelled', JSON.stringify(listed));
    }));

  test('TA1: a plain callTool of write_report (no params.task) answers the result directly', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const started = Date.now();
      const result = await client.callTool({ name: 'write_report', arguments: { topic: 'moles', seconds: 1 } }, undefined, SDK_REQUEST);
      assert.ok(!result.isError, JSON.stringify(result));
      assert.equal(result.task, undefined, `no task: ${JSON.stringify(result)}`);
      assert.match(textOf(result), /^Report on moles/, JSON.stringify(result));
      assert.ok(Date.now() - started >= 900, 'the call waited for the tool');
    }));
});

// ===========================================================================
// 2. Raw stateless requests, 2026-07-28

describe('TA1/TA5: stateless tasks (2026-07-28, builtin:demo)', () => {
  let server;

  before(async () => {
    server = await startServer({ args: ['--backend', 'builtin:demo'] });
  });

  after(async () => {
    await server?.stop();
  });

  test('TA1: write_report → CreateTaskResult; tasks/get polled at pollIntervalMs shows progress, then the result', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      // A task's statusMessage follows the tool's progress, whether or not
      // the call carried a progressToken (a polling client rarely does).
      const created = await createTask(server, 'write_report', { topic: 'owls', seconds: 3 });
      assert.equal(created.status, 'working', JSON.stringify(created));
      assert.match(created.createdAt, ISO_MS);
      assert.match(created.lastUpdatedAt, ISO_MS);
      assert.equal(typeof created.ttlMs, 'number', JSON.stringify(created));
      assert.ok(created.ttlMs > 0, JSON.stringify(created));
      assert.ok(Number.isInteger(created.pollIntervalMs) && created.pollIntervalMs > 0, JSON.stringify(created));
      assert.equal(created.ttl, undefined, '2026-07-28 names it ttlMs');
      assert.equal(created.task, undefined, 'flat, not wrapped in {task}');

      const { task, seen } = await pollTask(server, created.taskId);
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.ok(!task.result?.isError, JSON.stringify(task));
      assert.match(textOf(task.result), /^Report on owls/, JSON.stringify(task));
      assert.equal(task.error, undefined, JSON.stringify(task));
      assert.equal(task.statusMessage, undefined, `the last progress line goes with completion: ${JSON.stringify(task)}`);
      assert.ok(seen.length >= 3, `polled ${seen.length} times over 3 s at ${created.pollIntervalMs} ms`);

      const progress = seen.filter((t) => t.status === 'working' && t.statusMessage).map((t) => t.statusMessage);
      assert.ok(progress.length >= 1, `a statusMessage while working: ${JSON.stringify(seen)}`);
      for (const message of progress) assert.match(message, /\(\d of 3 s\)$/, message);
      for (const t of seen) {
        assert.equal(t.createdAt, created.createdAt);
        assert.ok(t.lastUpdatedAt >= created.lastUpdatedAt, JSON.stringify(t));
      }
    }));

  test('TA5: without the extension declared, the same call answers its result directly', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const started = Date.now();
      const r = await modernRequest(server, 'tools/call', { name: 'write_report', arguments: { topic: 'owls', seconds: 2 } }, { tasks: false });
      assert.equal(r.status, 200, show(r));
      assert.equal(r.body.result?.resultType, 'complete', show(r));
      assert.equal(r.body.result.taskId, undefined, show(r));
      assert.match(textOf(r.body.result), /^Report on owls/, show(r));
      assert.ok(Date.now() - started >= 1_900, 'the call waited for the tool');
    }));

  test('TA5: tasks/get needs the extension; an unknown task id is -32602', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const created = await createTask(server, 'write_report', { topic: 'voles', seconds: 1 });
      const without = await modernRequest(server, 'tasks/get', { taskId: created.taskId }, { tasks: false });
      assert.ok(without.body.error, `expected an error: ${show(without)}`);
      assert.deepEqual(without.body.error.data?.requiredCapabilities, { extensions: { [TASKS_EXTENSION]: {} } }, show(without));

      const unknown = await modernRequest(server, 'tasks/get', { taskId: 'no-such-task' });
      assertError(unknown, INVALID_PARAMS, 'tasks/get of an unknown id');
      await pollTask(server, created.taskId);
    }));
});

// ===========================================================================
// 3. Durability across restarts

test('TA3/TA6: tasks survive in gatehouse.db: killed → failed "restarted"; completed keeps its result; stopped → failed', { timeout: 60_000 }, async () => {
  const dataDir = tempDataDir();
  const args = ['--backend', 'builtin:demo', '--data-dir', dataDir];
  try {
    // First run: one long task, one that completes; then SIGKILL.
    let longId;
    let shortId;
    let shortText;
    const first = await startServer({ args });
    try {
      await withLogs(first, async () => {
        longId = (await createTask(first, 'write_report', { topic: 'long', seconds: 120 })).taskId;
        shortId = (await createTask(first, 'write_report', { topic: 'short', seconds: 1 })).taskId;
        const { task } = await pollTask(first, shortId);
        assert.equal(task.status, 'completed', JSON.stringify(task));
        shortText = textOf(task.result);
        assert.match(shortText, /^Report on short/);
        assert.equal((await getTask(first, longId)).status, 'working');
      });
      process.kill(first.pid, 'SIGKILL');
      const exit = await first.stop();
      assert.equal(exit.signal, 'SIGKILL', `killed: ${JSON.stringify(exit)}`);
    } finally {
      await first.stop();
    }

    // Second run on the same data directory.
    let stoppedId;
    const second = await startServer({ args });
    try {
      await withLogs(second, async () => {
        const lost = await getTask(second, longId);
        assert.equal(lost.status, 'failed', JSON.stringify(lost));
        assert.equal(lost.error?.code, INTERNAL_ERROR, JSON.stringify(lost));
        assert.match(lost.error.message, /restarted/, JSON.stringify(lost));
        assert.equal(lost.result, undefined, JSON.stringify(lost));
        assert.match(second.logs(), /task\(s\) were running when the server last stopped/);

        const kept = await getTask(second, shortId);
        assert.equal(kept.status, 'completed', JSON.stringify(kept));
        assert.equal(textOf(kept.result), shortText, 'the same result after the restart');

        // A task running at a graceful stop.
        stoppedId = (await createTask(second, 'write_report', { topic: 'stopped', seconds: 120 })).taskId;
        assert.equal((await getTask(second, stoppedId)).status, 'working');
      });
      const exit = await second.stop(); // SIGTERM
      assert.equal(exit.code, 0, `SIGTERM ends the server cleanly: ${JSON.stringify(exit)}\n${second.logs().slice(-2000)}`);
    } finally {
      await second.stop();
    }

    // Third run: the stopped task says why.
    await withServer({ args }, async (third) => {
      const stopped = await getTask(third, stoppedId);
      assert.equal(stopped.status, 'failed', JSON.stringify(stopped));
      assert.equal(stopped.error?.code, INTERNAL_ERROR, JSON.stringify(stopped));
      assert.match(stopped.error.message, /server stopped/, JSON.stringify(stopped));
      assert.equal((await getTask(third, longId)).status, 'failed', 'still failed on a later start');
      assert.equal(textOf((await getTask(third, shortId)).result), shortText);
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// ===========================================================================
// 4. Ownership and per-user bounds with --auth api-key

describe('TA4/TA6: --auth api-key, two keys (two principals)', () => {
  let dataDir;
  let server;
  const keys = {};

  before(async () => {
    dataDir = tempDataDir();
    for (const name of ['alice', 'bob']) {
      const { code, stdout, stderr } = await runGatehouse(['clients', 'add', name, '--api-key', '--data-dir', dataDir]);
      assert.equal(code, 0, stderr);
      const key = /^api_key: (\S+)$/m.exec(stdout)?.[1];
      assert.ok(key, `an API key for ${name}: ${stdout}`);
      keys[name] = key;
    }
    server = await startServer({
      args: ['--backend', 'builtin:demo', '--auth', 'api-key', '--data-dir', dataDir],
      env: { GATEHOUSE_TASKS_MAX_RUNNING_PER_USER: '1' },
    });
  });

  after(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('TA4: another key\'s task id is unknown to tasks/get, tasks/cancel and tasks/update (-32602)', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const alice = { apiKey: keys.alice };
      const bob = { apiKey: keys.bob };
      const created = await createTask(server, 'write_report', { topic: 'secrets', seconds: 60 }, alice);
      const { taskId } = created;

      const unknownToBob = await modernRequest(server, 'tasks/get', { taskId: 'no-such-task' }, bob);
      const unknownError = assertError(unknownToBob, INVALID_PARAMS, 'bob: tasks/get of an unknown id');
      const got = assertError(await modernRequest(server, 'tasks/get', { taskId }, bob), INVALID_PARAMS, "bob: tasks/get of alice's task");
      assert.equal(got.message, unknownError.message, "alice's task reads exactly like an unknown one");
      assertError(await modernRequest(server, 'tasks/cancel', { taskId }, bob), INVALID_PARAMS, "bob: tasks/cancel of alice's task");
      assertError(
        await modernRequest(server, 'tasks/update', { taskId, inputResponses: { anything: { action: 'decline' } } }, bob),
        INVALID_PARAMS,
        "bob: tasks/update of alice's task",
      );
      const noKey = await fetch(server.mcpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      await noKey.arrayBuffer();
      assert.equal(noKey.status, 401, 'no key, no answer');

      // Bob's attempts changed nothing; alice still reads and cancels her task.
      const mine = await getTask(server, taskId, alice);
      assert.equal(mine.status, 'working', JSON.stringify(mine));
      const cancel = await modernRequest(server, 'tasks/cancel', { taskId }, alice);
      assert.equal(cancel.body.result?.resultType, 'complete', show(cancel));
      assert.equal((await getTask(server, taskId, alice)).status, 'cancelled');
    }));

  test('TA6: the bound on running tasks is per key: at it, an optional task runs as an ordinary call', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const alice = { apiKey: keys.alice };
      const bob = { apiKey: keys.bob };
      const running = await createTask(server, 'write_report', { topic: 'first', seconds: 60 }, alice);
      let bobs = null;
      try {
        const second = await modernRequest(server, 'tools/call', { name: 'write_report', arguments: { topic: 'second', seconds: 1 } }, alice);
        assert.equal(second.status, 200, show(second));
        assert.equal(second.body.result?.resultType, 'complete', `at the bound: an ordinary call: ${show(second)}`);
        assert.match(textOf(second.body.result), /^Report on second/, show(second));

        bobs = await createTask(server, 'write_report', { topic: 'bob', seconds: 60 }, bob);
        assert.equal(bobs.status, 'working', JSON.stringify(bobs));
      } finally {
        await modernRequest(server, 'tasks/cancel', { taskId: running.taskId }, alice);
        if (bobs) await modernRequest(server, 'tasks/cancel', { taskId: bobs.taskId }, bob);
      }
      // Cancelled, a slot is free again.
      const next = await createTask(server, 'write_report', { topic: 'third', seconds: 1 }, alice);
      const { task } = await pollTask(server, next.taskId, { options: alice });
      assert.equal(task.status, 'completed', JSON.stringify(task));
    }));
});

// ===========================================================================
// 5. A question while the task runs (builtin:everything)

test('TA1: confirm_delete → input_required with one elicitation/create; tasks/update accepts → completed "Deleted"', TEST_TIMEOUT, () =>
  withServer({ args: ['--backend', 'builtin:everything'] }, async (server) => {
    const created = await createTask(server, 'confirm_delete', { filename: 'notes.txt' });
    const { task: asking } = await pollTask(server, created.taskId, { statuses: new Set(['input_required']) });
    const keys = Object.keys(asking.inputRequests ?? {});
    assert.equal(keys.length, 1, `one question: ${JSON.stringify(asking)}`);
    const question = asking.inputRequests[keys[0]];
    assert.equal(question.method, 'elicitation/create', JSON.stringify(question));
    assert.equal(question.params?.message, 'Delete notes.txt?', JSON.stringify(question));
    assert.ok(question.params?.requestedSchema?.properties?.confirm, JSON.stringify(question));

    const update = await modernRequest(server, 'tasks/update', {
      taskId: created.taskId,
      inputResponses: { [keys[0]]: { action: 'accept', content: { confirm: true } } },
    });
    assert.equal(update.status, 200, show(update));
    assert.equal(update.body.result?.resultType, 'complete', show(update));

    const { task } = await pollTask(server, created.taskId);
    assert.equal(task.status, 'completed', JSON.stringify(task));
    assert.equal(task.inputRequests, undefined, JSON.stringify(task));
    assert.match(textOf(task.result), /^Deleted notes\.txt/, JSON.stringify(task));
  }));

// ---------------------------------------------------------------------------
// Through the gateway: a backend tool listed in task_tools runs as a task that
// Gatehouse keeps, while the backend (the reference server-everything, over
// stdio) sees an ordinary call. Its progress notifications become the task's
// statusMessage.

test('TA1: a 2025-11-25 task that asks: the SDK 1.x client answers the elicitation tied to the task, the task completes', TEST_TIMEOUT, () =>
  withServer({ args: ['--backend', 'builtin:everything'] }, async (server) => {
    const client = new Client({ name: 'tasks-elicitation-e2e', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    const asked = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { confirm: true } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl)));
    try {
      const messages = [];
      const stream = client.experimental.tasks.callToolStream(
        { name: 'confirm_delete', arguments: { filename: 'notes.txt' } },
        CallToolResultSchema,
        { ...SDK_REQUEST, task: { ttl: 60_000 } },
      );
      for await (const message of stream) messages.push(message);
      assert.equal(messages[0]?.type, 'taskCreated', JSON.stringify(messages));
      const { taskId } = messages[0].task;
      assert.equal(asked.length, 1, `one question: ${JSON.stringify(asked)}`);
      assert.match(asked[0].message, /notes\.txt/);
      assert.deepEqual(asked[0]._meta?.[RELATED_TASK], { taskId }, `the question names its task: ${JSON.stringify(asked[0])}`);
      assert.equal(messages.at(-1)?.type, 'result', JSON.stringify(messages));
      assert.match(textOf(messages.at(-1).result), /^Deleted notes\.txt/, JSON.stringify(messages.at(-1)));
    } finally {
      await client.close();
    }
  }));

describe('through the gateway (task_tools)', () => {
  const EVERYTHING = path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules', '@modelcontextprotocol',
    'server-everything', 'dist', 'index.js');
  const LONG = 'trigger-long-running-operation';
  let dir;
  let server;

  before(async () => {
    dir = tempDataDir();
    const config = path.join(dir, 'gatehouse.toml');
    writeFileSync(config, [
      '[server]',
      'auth = "none"',
      '',
      '[[backend]]',
      'name = "everything"',
      `command = ${JSON.stringify([process.execPath, EVERYTHING, 'stdio'])}`,
      `task_tools = ["${LONG}"]`,
      '',
    ].join('\n'));
    server = await startServer({ args: ['--config', config, '--data-dir', path.join(dir, 'data')] });
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('TA2: a task_tools backend tool answers with a task; its progress is the statusMessage; the result comes inline', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const created = await createTask(server, LONG, { duration: 3, steps: 3 });
      assert.equal(created.status, 'working', JSON.stringify(created));
      const { task, seen } = await pollTask(server, created.taskId);
      assert.equal(task.status, 'completed', JSON.stringify(task));
      assert.match(textOf(task.result), /Long running operation completed/, JSON.stringify(task));
      const progress = seen.filter((t) => t.status === 'working' && t.statusMessage).map((t) => t.statusMessage);
      assert.ok(progress.some((m) => /^progress \d of 3$/.test(m)), `progress while working: ${JSON.stringify(seen)}`);
    }));

  test('TA2: other backend tools, and clients without the extension, get ordinary calls', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const echo = await modernRequest(server, 'tools/call', { name: 'echo', arguments: { message: 'hi' } });
      assert.equal(echo.body.result?.resultType, 'complete', show(echo));
      assert.equal(echo.body.result.taskId, undefined, show(echo));
      const direct = await modernRequest(server, 'tools/call', { name: LONG, arguments: { duration: 1, steps: 1 } }, { tasks: false });
      assert.equal(direct.body.result?.resultType, 'complete', show(direct));
      assert.match(textOf(direct.body.result), /Long running operation completed/, show(direct));
    }));

  test('TA1: a 2025-11-25 session sees execution.taskSupport on the task tools only', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const client = new Client({ name: 'gateway-tasks-e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl)));
      try {
        assert.ok(client.getServerCapabilities()?.tasks?.requests?.tools?.call, 'capabilities.tasks');
        const { tools } = await client.listTools(undefined, SDK_REQUEST);
        const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
        assert.equal(byName[LONG]?.execution?.taskSupport, 'optional', JSON.stringify(byName[LONG]));
        // The backend's own word for the others (the reference server says "forbidden").
        assert.notEqual(byName.echo?.execution?.taskSupport, 'optional', JSON.stringify(byName.echo));
        assert.notEqual(byName.echo?.execution?.taskSupport, 'required', JSON.stringify(byName.echo));
      } finally {
        await client.close();
      }
    }));
});

// ===========================================================================
// 6. Status notifications

describe('TA1: status notifications (builtin:demo)', () => {
  let server;

  before(async () => {
    server = await startServer({ args: ['--backend', 'builtin:demo'] });
  });

  after(async () => {
    await server?.stop();
  });

  // Opens subscriptions/listen for `notifications`; returns {messages, close}.
  async function listen(notifications, { tasks = true } = {}) {
    const controller = new AbortController();
    const params = { notifications, _meta: modernMeta({ tasks }) };
    const res = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': MODERN,
        'Mcp-Method': 'subscriptions/listen',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'listen-tasks', method: 'subscriptions/listen', params }),
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const messages = sseMessages(res);
    return {
      messages,
      close: async () => {
        controller.abort();
        await messages.return?.().catch(() => {});
      },
    };
  }

  test('TA1: subscriptions/listen naming a task: notifications/tasks with each status change, the outcome inlined', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const created = await createTask(server, 'write_report', { topic: 'herons', seconds: 2 });
      const { messages, close } = await listen({ taskIds: [created.taskId] });
      try {
        const ack = await nextMessage(messages, 'the acknowledgement');
        assert.equal(ack.method, 'notifications/subscriptions/acknowledged', JSON.stringify(ack));
        assert.deepEqual(ack.params?.notifications, { taskIds: [created.taskId] }, JSON.stringify(ack));
        let last;
        do {
          last = await nextMessage(messages, 'notifications/tasks');
          assert.equal(last.method, 'notifications/tasks', JSON.stringify(last));
          assert.equal(last.params?.taskId, created.taskId, JSON.stringify(last));
          assert.equal(last.params?._meta?.[META.subscriptionId], 'listen-tasks', JSON.stringify(last));
        } while (last.params.status !== 'completed');
        assert.match(textOf(last.params.result), /^Report on herons/, JSON.stringify(last));
        assert.equal(last.params.resultType, undefined, 'a notification, not a result');
      } finally {
        await close();
      }
    }));

  test('TA1: without the extension declared, taskIds are not acknowledged', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const { messages, close } = await listen({ taskIds: ['any'], toolsListChanged: true }, { tasks: false });
      try {
        const ack = await nextMessage(messages, 'the acknowledgement');
        assert.deepEqual(ack.params?.notifications, { toolsListChanged: true }, JSON.stringify(ack));
      } finally {
        await close();
      }
    }));

  test('TA1: a 2025-11-25 session hears notifications/tasks/status of its task on its stream (SDK 1.x)', TEST_TIMEOUT, () =>
    withLogs(server, async () => {
      const client = new Client({ name: 'tasks-status-e2e', version: '1.0.0' });
      const heard = [];
      client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => heard.push(notification.params));
      await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl)), SDK_REQUEST);
      try {
        const messages = [];
        const stream = client.experimental.tasks.callToolStream(
          { name: 'write_report', arguments: { topic: 'egrets', seconds: 2 } },
          CallToolResultSchema,
          { ...SDK_REQUEST, task: { ttl: 60_000 } },
        );
        for await (const message of stream) messages.push(message);
        const { taskId } = messages[0].task;
        const deadline = Date.now() + 5_000;
        while (!heard.some((n) => n.status === 'completed') && Date.now() < deadline) await sleep(100);
        const mine = heard.filter((n) => n.taskId === taskId);
        assert.ok(mine.some((n) => n.status === 'completed'), `a completed status: ${JSON.stringify(heard)}`);
        for (const n of mine) assert.equal(typeof n.createdAt, 'string', JSON.stringify(n));
      } finally {
        await client.close();
      }
    }));
});
