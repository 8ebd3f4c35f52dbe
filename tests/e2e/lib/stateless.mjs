// Pieces of the wire that several end-to-end tests read or write by hand:
// the params._meta keys of a 2026-07-28 request, and the JSON-RPC messages
// of an SSE response body.
//
//   import { META, eventStreamMessages } from './lib/stateless.mjs';
//   params._meta = { [META.version]: '2026-07-28', [META.capabilities]: {} };
//   for (const message of eventStreamMessages(await response.text())) ...
//   const messages = sseMessages(response);   // a stream still open
//   const first = await nextMessage(messages, 'the acknowledgement');
import assert from 'node:assert/strict';

export const META = {
  version: 'io.modelcontextprotocol/protocolVersion',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
};

/** The parsed `data:` of each event of an SSE body, in order (events without data are skipped). */
export function eventStreamMessages(text) {
  const messages = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) messages.push(JSON.parse(data));
  }
  return messages;
}

// Reads SSE `data:` events from a response body as parsed JSON messages.
export async function* sseMessages(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop();
      for (const line of lines) {
        if (line === '') {
          if (data.length) {
            const text = data.join('\n');
            data = [];
            yield JSON.parse(text);
          }
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
        // `id:`, `event:`, `retry:` and `:` comments (keepalives) are ignored
      }
    }
  } finally {
    reader.releaseLock();
  }
}

// The next message from an sseMessages() iterator, or a rejection after `ms`.
export async function nextMessage(iterator, what, ms = 10_000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no SSE message in ${ms} ms while waiting for ${what}`)), ms);
  });
  try {
    const { value, done } = await Promise.race([iterator.next(), timeout]);
    assert.ok(!done, `the SSE stream ended while waiting for ${what}`);
    return value;
  } finally {
    clearTimeout(timer);
  }
}
