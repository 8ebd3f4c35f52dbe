// An OAuth client at Gatehouse, the way a public MCP client is one: dynamic
// registration, /authorize with PKCE S256, /token. accessToken() does all of
// it (signed in headlessly) for tests that just need a token; the steps are
// here for tests that drive /authorize themselves (lib/connect-flow.mjs,
// upstream.test.mjs, oauth.test.mjs, browser.test.mjs).
//
//   const token = await accessToken(server, { username, password, scope: 'mcp' });
//   const client = await registerClient(server, { redirectUri, name, metadata });  // POST /register, 201
//   const request = await authorizationRequest(server, { redirectUri });  // {url, verifier, state, client, redirectUri}
//   const tokens = await exchangeCode(server, request, code);             // POST /token, 200
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { authorizeHeadless } from './authorize.mjs';

const HTTP_TIMEOUT_MS = 10_000;
const ACCESS_TOKEN_TIMEOUT_MS = 15_000;

/**
 * POST /register: a public client (token_endpoint_auth_method none) with
 * `redirectUri`, `name` and any further client `metadata`; asserts 201 and
 * returns the registration response.
 */
export async function registerClient(server, { redirectUri, name = 'gatehouse e2e', metadata = {}, timeoutMs = HTTP_TIMEOUT_MS }) {
  const res = await fetch(`${server.url}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ client_name: name, redirect_uris: [redirectUri], ...metadata, token_endpoint_auth_method: 'none' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const client = await res.json();
  assert.equal(res.status, 201, `POST /register: ${JSON.stringify(client)}`);
  return client;
}

/**
 * An authorization request at `server` (PKCE S256, state, `scope`, resource
 * = server.mcpUrl) for `client` (by default a new one, registered with
 * registerClient as `clientName` with `metadata`): {url, verifier, state,
 * client, redirectUri}.
 */
export async function authorizationRequest(
  server,
  { redirectUri, clientName, metadata, client: known, scope = 'mcp', state = randomBytes(12).toString('base64url'), timeoutMs = HTTP_TIMEOUT_MS },
) {
  const client = known ?? (await registerClient(server, { redirectUri, name: clientName, metadata, timeoutMs }));
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${server.url}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    scope,
    resource: server.mcpUrl,
  }).toString();
  return { url: url.href, verifier, state, client, redirectUri };
}

/**
 * POST /token: exchanges `code` for `request` (authorizationRequest's
 * result) with its verifier; asserts 200 and returns the token response.
 */
export async function exchangeCode(server, request, code, { timeoutMs = HTTP_TIMEOUT_MS } = {}) {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: request.redirectUri,
      client_id: request.client.client_id,
      code_verifier: request.verifier,
      resource: server.mcpUrl,
    }).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const tokens = await res.json();
  assert.equal(res.status, 200, `POST /token: ${JSON.stringify(tokens)}`);
  return tokens;
}

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
  const timeoutMs = ACCESS_TOKEN_TIMEOUT_MS;
  const redirectUri = 'http://127.0.0.1:9/callback'; // never contacted
  const request = await authorizationRequest(server, { redirectUri, clientName, scope, state: 's', timeoutMs });
  const redirect = await authorizeHeadless(request.url, { username, password, timeoutMs });
  assert.ok(redirect.code, `a code for ${username}: ${redirect.location}`);
  const tokens = await exchangeCode(server, request, redirect.code, { timeoutMs });
  assert.equal(tokens.scope, scope);
  return tokens.access_token;
}
