// Pieces of the wire that several end-to-end tests read or write by hand:
// the params._meta keys of a 2026-07-28 request, and the JSON-RPC messages
// of an SSE response body.
//
//   import { META, eventStreamMessages } from './lib/stateless.mjs';
//   params._meta = { [META.version]: '2026-07-28', [META.capabilities]: {} };
//   for (const message of eventStreamMessages(await response.text())) ...

export const META = {
  version: 'io.modelcontextprotocol/protocolVersion',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
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
