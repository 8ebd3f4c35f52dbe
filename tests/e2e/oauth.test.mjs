// End-to-end tests of gatehouse's built-in OAuth 2.1 authorization server
// (`gatehouse serve --auth oauth --backend builtin:demo`), with the official
// MCP TypeScript SDK (@modelcontextprotocol/sdk 1.32.2) as the client:
//
//   (a) StreamableHTTPClientTransport with an OAuthClientProvider written
//       here: the first connect fails with UnauthorizedError after dynamic
//       client registration (/register) and a redirect to /authorize; the
//       provider signs in and approves consent headlessly (lib/authorize.mjs)
//       and keeps the code; transport.finishAuth(code) exchanges it; a new
//       connection lists tools and calls `echo`.
//   (b) refresh-token rotation by hand at /token: the refresh token of (a)
//       rotates, the new one rotates again, and revoking the newest at
//       /revoke ends the grant, so its access token gets 401 invalid_token.
//   (c) persistence: a grant made by hand (register, authorize, token) keeps
//       working after the server is stopped and started again on the same
//       --data-dir: the access token is accepted at /mcp and the refresh
//       token rotates; (b)'s revocation stays in force.
//
// Run: cd tests/e2e && node --test oauth.test.mjs   (GATEHOUSE_BIN overrides the binary)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { authorizeHeadless, CookieJar, parseForm } from './lib/authorize.mjs';
import { startServer } from './lib/server.mjs';
import { authorizationRequest, exchangeCode } from './lib/token.mjs';
import { freePort } from './lib/free-port.mjs';

const TEST_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_MS = 10_000; // per raw fetch
const SDK_REQUEST = { timeout: 15_000 }; // per SDK request
const PROTOCOL_VERSION = '2025-11-25';

// ---------------------------------------------------------------------------
// One server (and one data directory) for the whole file; (c) restarts it.

let dataDir;
let server;
let admin; // { username, password }

const serverArgs = () => ['--auth', 'oauth', '--backend', 'builtin:demo', '--data-dir', dataDir];

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-oauth-'));
  server = await startServer({ args: serverArgs() });
  assert.ok(server.adminPassword, 'the first start printed "created user admin with password ..." on stdout');
  admin = { username: server.adminUser, password: server.adminPassword };
  assert.equal(admin.username, 'admin');
});

after(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// Appends the server's log tail to a failing test's message.
async function withLogs(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err && typeof err === 'object' && server) err.message += `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-3000)}`;
    throw err;
  }
}

// A fetch that records method, URL and status of every request.
function recordingFetch() {
  const log = [];
  const fetchFn = async (input, init = {}) => {
    const entry = { method: init.method ?? (input instanceof Request ? input.method : 'GET'), url: String(input instanceof Request ? input.url : input) };
    log.push(entry);
    const res = await fetch(input, init);
    entry.status = res.status;
    return res;
  };
  return { fetchFn, log };
}

// POSTs an OAuth form (application/x-www-form-urlencoded) to `endpoint`.
async function postForm(endpoint, fields) {
  const res = await fetch(`${server.url}${endpoint}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined)).toString(),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, text };
}

const show = (r) => `HTTP ${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`;

// Client authentication fields for a registered client (public or confidential).
const clientAuth = (client) => ({ client_id: client.client_id, client_secret: client.client_secret });

// POST /mcp initialize with a bearer token; returns {status, wwwAuthenticate, body}.
async function mcpInitialize(accessToken) {
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      Authorization: `Bearer ${accessToken}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'gatehouse-e2e-oauth', version: '0.0.0' } },
    }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an SSE answer, or not JSON: keep the text
  }
  const sessionId = res.headers.get('mcp-session-id');
  if (sessionId && res.status === 200) {
    // Do not leave sessions behind.
    await fetch(server.mcpUrl, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${accessToken}`, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': PROTOCOL_VERSION },
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    })
      .then((r) => r.arrayBuffer())
      .catch(() => {});
  }
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body, text };
}

// Asserts an access token is accepted at /mcp (initialize answers 200).
async function assertAccepted(accessToken, what) {
  const r = await mcpInitialize(accessToken);
  assert.equal(r.status, 200, `${what}: POST /mcp initialize with the bearer token → ${r.status} ${r.text.slice(0, 500)} (WWW-Authenticate: ${r.wwwAuthenticate})`);
  assert.match(r.text, /"protocolVersion"/, `${what}: an initialize result`);
}

// Asserts an access token is refused at /mcp with 401 invalid_token.
async function assertRefused(accessToken, what) {
  const r = await mcpInitialize(accessToken);
  assert.equal(r.status, 401, `${what}: expected 401, got ${r.status} ${r.text.slice(0, 500)}`);
  assert.match(r.wwwAuthenticate ?? '', /^Bearer\b/i, `${what}: WWW-Authenticate: ${r.wwwAuthenticate}`);
  assert.match(r.wwwAuthenticate ?? '', /error="invalid_token"/, `${what}: WWW-Authenticate carries error="invalid_token": ${r.wwwAuthenticate}`);
  if (typeof r.body === 'object') assert.equal(r.body.error, 'invalid_token', `${what}: body ${r.text}`);
}

// ---------------------------------------------------------------------------
// The OAuthClientProvider of (a): everything in memory.

class MemoryOAuthProvider {
  constructor({ redirectUrl, credentials }) {
    this._redirectUrl = redirectUrl;
    this._credentials = credentials;
    this._clientInformation = undefined;
    this._tokens = undefined;
    this._codeVerifier = undefined;
    this._discovery = undefined;
    this.lastState = undefined;
    this.authorizationUrls = []; // every URL redirectToAuthorization() got
    this.redirects = []; // what authorizeHeadless() returned for each
    this.savedTokens = []; // every saveTokens() argument
    this.registered = 0; // saveClientInformation() calls
  }

  get redirectUrl() {
    return this._redirectUrl;
  }

  get clientMetadata() {
    return {
      client_name: 'gatehouse-e2e SDK client',
      redirect_uris: [this._redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }

  clientInformation() {
    return this._clientInformation;
  }

  saveClientInformation(info) {
    this.registered++;
    this._clientInformation = info;
  }

  tokens() {
    return this._tokens;
  }

  saveTokens(tokens) {
    this.savedTokens.push(tokens);
    this._tokens = tokens;
  }

  saveCodeVerifier(verifier) {
    this._codeVerifier = verifier;
  }

  codeVerifier() {
    if (!this._codeVerifier) throw new Error('no code verifier saved');
    return this._codeVerifier;
  }

  saveDiscoveryState(state) {
    this._discovery = state;
  }

  discoveryState() {
    return this._discovery;
  }

  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this._clientInformation = undefined;
    if (scope === 'all' || scope === 'tokens') this._tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this._codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') this._discovery = undefined;
  }

  // "Opens the browser": signs in and approves consent with fetch, and keeps
  // the redirect (the code is read from its Location, never delivered).
  async redirectToAuthorization(authorizationUrl) {
    this.authorizationUrls.push(new URL(authorizationUrl));
    const redirect = await authorizeHeadless(authorizationUrl, { ...this._credentials, timeoutMs: HTTP_TIMEOUT_MS });
    this.redirects.push(redirect);
  }
}

// State shared by the tests, in order.
const shared = {};

// ---------------------------------------------------------------------------
// (a)

test('(a) SDK client: DCR, headless sign-in and consent, finishAuth, then tools', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withLogs(async () => {
    const redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
    const provider = new MemoryOAuthProvider({ redirectUrl, credentials: admin });
    const recorder = recordingFetch();

    // 1. The first connection is refused: the SDK registers, redirects, and throws.
    const transport1 = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider, fetch: recorder.fetchFn });
    const client1 = new Client({ name: 'gatehouse-e2e-oauth', version: '0.0.0' }, { capabilities: {} });
    t.after(() => client1.close().catch(() => {}));
    await assert.rejects(client1.connect(transport1, SDK_REQUEST), UnauthorizedError, 'the first connect fails with UnauthorizedError');

    // Dynamic client registration was used.
    const registration = recorder.log.find((e) => e.method === 'POST' && new URL(e.url).pathname === '/register');
    assert.ok(registration, `the SDK POSTed to /register: ${JSON.stringify(recorder.log)}`);
    assert.equal(registration.status, 201, `POST /register answered 201: ${JSON.stringify(registration)}`);
    assert.equal(provider.registered, 1, 'the SDK saved the client information once');
    const clientInfo = provider.clientInformation();
    assert.equal(typeof clientInfo?.client_id, 'string', `a client_id from /register: ${JSON.stringify(clientInfo)}`);
    assert.ok(clientInfo.client_id.length > 0);
    assert.deepEqual(clientInfo.redirect_uris, [redirectUrl], 'the registration echoes the redirect URI');

    // The authorization request the SDK built, and the headless walk through it.
    assert.equal(provider.authorizationUrls.length, 1, 'redirectToAuthorization() was called once');
    const authUrl = provider.authorizationUrls[0];
    assert.equal(`${authUrl.origin}${authUrl.pathname}`, `${server.url}/authorize`);
    assert.equal(authUrl.searchParams.get('client_id'), clientInfo.client_id);
    assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authUrl.searchParams.get('resource'), server.mcpUrl);
    const redirect = provider.redirects[0];
    assert.deepEqual(redirect.pages, ['login', 'consent'], 'the sign-in page, then the consent page');
    assert.ok(redirect.location.startsWith(`${redirectUrl}?`), `redirected to the client's redirect URI: ${redirect.location}`);
    assert.equal(redirect.error, null, `no error in the redirect: ${redirect.location}`);
    assert.ok(redirect.code, `a code in the redirect: ${redirect.location}`);
    assert.equal(redirect.state, provider.lastState, 'state comes back unchanged');
    assert.equal(redirect.iss, server.url, 'iss is the issuer (RFC 9207)');

    // 2. finishAuth exchanges the code.
    await transport1.finishAuth(redirect.code);
    const tokens = provider.tokens();
    assert.equal(typeof tokens?.access_token, 'string', `tokens saved: ${JSON.stringify(tokens)}`);
    assert.match(tokens.token_type, /^bearer$/i);
    assert.equal(typeof tokens.refresh_token, 'string', `a refresh token was issued: ${JSON.stringify(tokens)}`);
    assert.ok(tokens.expires_in > 0, `expires_in: ${tokens.expires_in}`);
    const tokenRequest = recorder.log.find((e) => e.method === 'POST' && new URL(e.url).pathname === '/token');
    assert.equal(tokenRequest?.status, 200, `POST /token: ${JSON.stringify(tokenRequest)}`);

    // 3. A new connection with the same provider works.
    const transport2 = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider, fetch: recorder.fetchFn });
    const client2 = new Client({ name: 'gatehouse-e2e-oauth', version: '0.0.0' }, { capabilities: {} });
    t.after(() => client2.close().catch(() => {}));
    await client2.connect(transport2, SDK_REQUEST);
    const { tools } = await client2.listTools({}, SDK_REQUEST);
    const names = tools.map((tool) => tool.name);
    assert.ok(names.includes('echo'), `tools/list has echo: ${names}`);
    const call = await client2.callTool({ name: 'echo', arguments: { text: 'hello through OAuth' } }, undefined, SDK_REQUEST);
    assert.ok(!call.isError, JSON.stringify(call));
    assert.equal(call.content?.[0]?.text, 'hello through OAuth', JSON.stringify(call));
    assert.equal(provider.authorizationUrls.length, 1, 'no second authorization was needed');
    await client2.close();

    shared.sdk = { client: clientInfo, tokens };
  });
});

// ---------------------------------------------------------------------------
// (b)

test('(b) refresh tokens rotate; revoking the newest ends the access token', { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(shared.sdk, 'needs (a)');
  await withLogs(async () => {
    const { client, tokens } = shared.sdk;
    await assertAccepted(tokens.access_token, 'the access token from (a)');

    // First refresh: a new refresh token (rotation) and a new access token.
    const first = await postForm('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...clientAuth(client) });
    assert.equal(first.status, 200, `first refresh: ${show(first)}`);
    assert.equal(first.headers.get('cache-control'), 'no-store', 'token responses are not cached');
    assert.equal(typeof first.body.access_token, 'string', show(first));
    assert.equal(typeof first.body.refresh_token, 'string', `first refresh returns a refresh token: ${show(first)}`);
    assert.notEqual(first.body.refresh_token, tokens.refresh_token, 'the refresh token rotated');
    assert.notEqual(first.body.access_token, tokens.access_token, 'a new access token');
    await assertAccepted(first.body.access_token, 'the access token of the first refresh');

    // The NEW refresh token refreshes again.
    const second = await postForm('/token', { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, ...clientAuth(client) });
    assert.equal(second.status, 200, `second refresh (with the rotated token): ${show(second)}`);
    assert.equal(typeof second.body.refresh_token, 'string', show(second));
    assert.notEqual(second.body.refresh_token, first.body.refresh_token, 'rotated again');
    assert.notEqual(second.body.refresh_token, tokens.refresh_token);
    const current = second.body.access_token;
    await assertAccepted(current, 'the access token of the second refresh');

    // Revoking the newest refresh token ends the grant.
    const revoke = await postForm('/revoke', { token: second.body.refresh_token, token_type_hint: 'refresh_token', ...clientAuth(client) });
    assert.equal(revoke.status, 200, `POST /revoke: ${show(revoke)}`);
    await assertRefused(current, 'the current access token after its refresh token was revoked');
    await assertRefused(tokens.access_token, 'the first access token of the revoked grant');

    const after = await postForm('/token', { grant_type: 'refresh_token', refresh_token: second.body.refresh_token, ...clientAuth(client) });
    assert.equal(after.status, 400, `the revoked refresh token is refused: ${show(after)}`);
    assert.equal(after.body.error, 'invalid_grant', show(after));

    shared.revoked = { accessToken: current, refreshToken: second.body.refresh_token, client };
  });
});

// ---------------------------------------------------------------------------
// (c)

// A grant by hand: register, authorize (headless), exchange the code.
async function grantByHand() {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  const request = await authorizationRequest(server, {
    redirectUri,
    clientName: 'gatehouse-e2e restart client',
    metadata: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
  });
  const { client } = request;
  assert.ok(client.client_id);
  const redirect = await authorizeHeadless(request.url, { ...admin, timeoutMs: HTTP_TIMEOUT_MS });
  assert.ok(redirect.code, `a code: ${redirect.location}`);
  assert.equal(redirect.state, request.state);

  const tokens = await exchangeCode(server, request, redirect.code);
  assert.equal(typeof tokens.refresh_token, 'string', JSON.stringify(tokens));
  return { client, tokens };
}

test('(c) tokens survive a restart on the same --data-dir', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withLogs(async () => {
    const { client, tokens } = await grantByHand();
    await assertAccepted(tokens.access_token, 'the access token before the restart');

    // Restart on the same data directory and the same address: the issuer
    // and the resource (the token's audience) are http://127.0.0.1:PORT[/mcp].
    const oldUrl = server.url;
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, `the server exits 0 on SIGTERM: ${JSON.stringify(stopped)}`);
    server = await startServer({ args: serverArgs(), listen: `127.0.0.1:${server.port}` });
    assert.equal(server.url, oldUrl, 'the restarted server listens on the same address (so the same issuer and resource)');
    assert.equal(server.adminPassword, null, 'no new first user on a restart');

    await assertAccepted(tokens.access_token, 'the access token after the restart');
    const refreshed = await postForm('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...clientAuth(client) });
    assert.equal(refreshed.status, 200, `the refresh token after the restart: ${show(refreshed)}`);
    assert.notEqual(refreshed.body.refresh_token, tokens.refresh_token, 'rotated');
    await assertAccepted(refreshed.body.access_token, 'the access token refreshed after the restart');

    // What was revoked before the restart stays revoked.
    if (shared.revoked) {
      await assertRefused(shared.revoked.accessToken, 'the access token revoked in (b), after the restart');
      const again = await postForm('/token', {
        grant_type: 'refresh_token',
        refresh_token: shared.revoked.refreshToken,
        ...clientAuth(shared.revoked.client),
      });
      assert.equal(again.body.error, 'invalid_grant', `the refresh token revoked in (b), after the restart: ${show(again)}`);
    }
  });
});

// ---------------------------------------------------------------------------
// Sign-in limits over real HTTP (unit tests: src/oauth/sign_in_test.cpp).

// The sign-in page of a fresh authorization request, in a fresh browser.
async function signInPage() {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  const reg = await fetch(`${server.url}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'gatehouse-e2e sign-in limits', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const client = await reg.json();
  assert.equal(reg.status, 201, JSON.stringify(client));
  const url = new URL(`${server.url}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
    code_challenge_method: 'S256',
    scope: 'mcp',
  }).toString();
  const jar = new CookieJar();
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  jar.store(url.href, res);
  const form = parseForm(await res.text());
  assert.equal(form?.hidden.step, 'login');
  // Submits the sign-in form with `username` and `password`.
  return async (username, password) => {
    const action = `${server.url}/authorize`;
    const r = await fetch(action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header(action) },
      body: new URLSearchParams({ ...form.hidden, username, password }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return { status: r.status, headers: r.headers, text: await r.text() };
  };
}

test('M1: a 3 MiB user name gets the sign-in page back and reaches neither the log nor the store', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withLogs(async () => {
    const submit = await signInPage();
    const db = path.join(dataDir, 'gatehouse.db');
    const storeSize = () => statSync(db).size + (() => { try { return statSync(`${db}-wal`).size; } catch { return 0; } })();
    const logBefore = server.logs().length;
    const storeBefore = storeSize();
    for (let i = 0; i < 3; i++) {
      const r = await submit('u'.repeat(3 << 20), 'whatever');
      assert.equal(r.status, 400);
      assert.match(r.text, /at most 64 bytes/);
      assert.ok(r.text.length < 16 * 1024, `the name is not echoed back (${r.text.length} bytes)`);
    }
    assert.ok(server.logs().length - logBefore < 4096, `the log grew by ${server.logs().length - logBefore} bytes`);
    assert.ok(storeSize() - storeBefore < 256 * 1024, `the store grew by ${storeSize() - storeBefore} bytes`);
  });
});

test('M4: repeated failures earn a wait the page states, for that name only', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withLogs(async () => {
    const submit = await signInPage();
    for (let i = 1; i <= 5; i++) assert.equal((await submit('mallory', `guess ${i}`)).status, 401, `failure ${i}`);
    const held = await submit('mallory', 'guess 6');
    assert.equal(held.status, 429);
    assert.match(held.text, /Try again in [0-9]+ seconds/);
    assert.ok(Number(held.headers.get('retry-after')) > 0, `Retry-After: ${held.headers.get('retry-after')}`);
    // Another account from the same address is not held up.
    const other = await submit(admin.username, 'not the password');
    assert.equal(other.status, 401);
  });
});
