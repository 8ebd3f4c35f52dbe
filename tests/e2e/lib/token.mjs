// An access token for an e2e test, the way a public client gets one: dynamic
// registration, /authorize with PKCE S256 (signed in headlessly), /token.
//
//   const token = await accessToken(server, { username, password, scope: 'mcp' });
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { authorizeHeadless } from './authorize.mjs';

const HTTP_TIMEOUT_MS = 15_000;

/**
 * @param {{url: string, mcpUrl: string}} server  a startServer() result
 * @param {object} who
 * @param {string} who.username
 * @param {string} who.password
 * @param {string} [who.scope]       the scope asked for (default "mcp"); the
 *        token must be granted exactly this
 * @param {string} [who.clientName]  the registered client's name
 * @returns {Promise<string>} the access token
 */
export async function accessToken(server, { username, password, scope = 'mcp', clientName = 'gatehouse e2e' }) {
  const redirectUri = 'http://127.0.0.1:9/callback'; // never contacted
  const reg = await fetch(`${server.url}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ client_name: clientName, redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const client = await reg.json();
  assert.equal(reg.status, 201, JSON.stringify(client));
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${server.url}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 's',
    scope,
    resource: server.mcpUrl,
  }).toString();
  const redirect = await authorizeHeadless(url, { username, password, timeoutMs: HTTP_TIMEOUT_MS });
  assert.ok(redirect.code, `a code for ${username}: ${redirect.location}`);
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: redirect.code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: client.client_id,
      resource: server.mcpUrl,
    }).toString(),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const tokens = await res.json();
  assert.equal(res.status, 200, JSON.stringify(tokens));
  assert.equal(tokens.scope, scope);
  return tokens.access_token;
}
