// End-to-end tests of Gatehouse's upstream sign-in: during its /authorize
// flow the user signs in at an upstream OpenID Connect / OAuth 2.0 provider;
// Gatehouse keeps the user's upstream tokens sealed per Gatehouse grant,
// refreshes them, and hands them to tools (builtin:demo `upstream_profile`
// asks the provider's userinfo endpoint with them).
//
// The providers are the fixtures of upstream-fixtures.test.mjs: a real
// oidc-provider (fixtures/oidc-provider.mjs) and a GitHub-shaped OAuth 2.0
// stub (fixtures/oauth2-provider.mjs), both on https://127.0.0.1 with a
// throwaway CA that Gatehouse trusts with --ca-file. The browser is the
// cross-host headless `browse` of lib/upstream-authorize.mjs; the MCP client's
// redirect_uri is on a loopback port nobody listens on (browse stops there).
//
//   cd tests/e2e && node --test upstream.test.mjs
//
// One oidc-provider (access tokens live 63 s, so Gatehouse, which refreshes
// 60 s ahead, finds a token due 3 s after it was issued) and one Gatehouse
// (method "upstream") serve tests 1-7 (4b runs `gatehouse grants list` on
// its database while it runs; 6b forges RFC 9207 `iss` at its callback);
// tests 8 and 9 start their own Gatehouse, test 9 its own provider. The
// whole file runs in about 20 s.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOAuth2Provider } from './fixtures/oauth2-provider.mjs';
import { DEFAULT_ACCOUNTS, startOidcProvider } from './fixtures/oidc-provider.mjs';
import { parseForm } from './lib/authorize.mjs';
import { authorizationRequest as requestAt, getPage, mcpClient as connectedClient } from './lib/connect-flow.mjs';
import { makeCertificates } from './lib/document-host.mjs';
import { refusedStart, runGatehouse } from './lib/run.mjs';
import { startServer, withLogs } from './lib/server.mjs';
import { exchangeCode as postToken } from './lib/token.mjs';
import { browse, CookieJar, gatehousePages, loopbackRequest } from './lib/upstream-authorize.mjs';

const HTTP_TIMEOUT_MS = 10_000;
const SDK_REQUEST = { timeout: 15_000 };
const PROTOCOL_VERSION = '2025-11-25';
const CLIENT_REDIRECT = 'http://127.0.0.1:9/callback'; // port 9: nobody listens; browse stops before it
const DISPLAY_NAME = 'Test IdP';
const SECRET_ENV = 'GATEHOUSE_LOGIN_CLIENT_SECRET';

// The provider's access tokens live ACCESS_TTL s; Gatehouse refreshes them
// REFRESH_AHEAD s before they expire, so one is due DUE_AFTER_MS after it
// was issued (and Gatehouse keeps it in memory until then).
const ACCESS_TTL = 63;
const REFRESH_AHEAD = 60;
const DUE_AFTER_MS = (ACCESS_TTL - REFRESH_AHEAD) * 1000;

const ACCOUNTS = {
  ...DEFAULT_ACCOUNTS,
  // A second allowed user, for the revocation test (revokeRefreshTokens
  // works per account, so alice's grant stays alive for the restart test).
  carol: { sub: 'carol', email: 'carol@example.com', email_verified: true, name: 'Carol Example', preferred_username: 'carol' },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const delta = (after, before) =>
  Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
const titleOf = (html) => /<title>([^<]*)<\/title>/i.exec(html ?? '')?.[1] ?? '';
const textOf = (html) => String(html ?? '').replace(/<[^>]+>/g, ' ').replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

// ---------------------------------------------------------------------------
// Shared state.

let workDir; // certificates, configuration files, the restartable data dir
let certs;
let idp; // the oidc-provider
let gh; // the GitHub-shaped provider (test 9)
let main; // Gatehouse, method "upstream", OpenID Connect (tests 1-7)
let mainDataDir;
let mainConfig;
const servers = []; // every Gatehouse started, for the log scan
const callbacks = new Set(); // Gatehouse callback URLs registered at idp
let grantA; // alice's grant from test 1: {tokens, issuedAt}
let clientA; // the SDK client on grantA
let lastRefreshAt = 0; // when an upstream token of grantA was last (possibly) issued
let carolGrants; // test 4's: {ended, again}, each signIn()'s result

// Every token the fixtures hand out in a JSON token response, read off their
// responses in this process (both fixtures run here), for the log scan.
const upstreamTokens = { access_token: new Set(), refresh_token: new Set(), id_token: new Set() };
const fixturePorts = new Set();
const originalEnd = ServerResponse.prototype.end;

function sniffFixtureTokens() {
  ServerResponse.prototype.end = function end(chunk, ...rest) {
    try {
      if (chunk && fixturePorts.has(this.req?.socket?.localPort)) {
        const text = String(chunk);
        if (text.startsWith('{') && text.includes('_token')) {
          const body = JSON.parse(text);
          for (const kind of Object.keys(upstreamTokens)) if (typeof body[kind] === 'string') upstreamTokens[kind].add(body[kind]);
        }
      }
    } catch {
      // not JSON: not a token response
    }
    return originalEnd.call(this, chunk, ...rest);
  };
}

/** Every upstream token the fixtures issued so far, and the client secrets: [what, value]. */
const upstreamSecrets = () => [
  ...[...upstreamTokens.access_token].map((v) => ['upstream access token', v]),
  ...[...upstreamTokens.refresh_token].map((v) => ['upstream refresh token', v]),
  ...[...upstreamTokens.id_token].map((v) => ['upstream ID token', v]),
  ['oidc client secret', idp.clientSecret],
  ...(gh ? [['oauth2 client secret', gh.clientSecret]] : []),
];

/** The `secrets` ([what, value]) found in `text`, each as "what in: the line" (a long piece of a value counts: a truncated token is still a leak). */
function leaksIn(text, secrets) {
  const leaks = [];
  for (const [what, value] of secrets) {
    const piece = value.length > 24 ? value.slice(0, 24) : value;
    if (text.includes(value) || text.includes(piece)) leaks.push(`${what} in: ${text.split('\n').find((l) => l.includes(piece))?.slice(0, 300)}`);
  }
  return leaks;
}

/** A TOML string literal. */
const toml = (s) => JSON.stringify(String(s));
const tomlList = (items) => `[${items.map(toml).join(', ')}]`;

function oidcConfig({ method = 'upstream', allowDomains = ['example.com'], scopes = ['openid', 'email', 'profile', 'offline_access'] } = {}) {
  return `[server]
auth = "oauth"

[oauth]
access_token_lifetime = 300

[login]
method = ${toml(method)}
allow_email_domains = ${tomlList(allowDomains)}

[login.provider]
issuer = ${toml(idp.issuer)}
client_id = ${toml(idp.clientId)}
display_name = ${toml(DISPLAY_NAME)}
scopes = ${tomlList(scopes)}
`;
}

function writeConfig(name, text) {
  const file = path.join(workDir, name);
  writeFileSync(file, text);
  return file;
}

const gatehouseArgs = (configFile, ca, extra = []) => [
  '--config', configFile, '--auth', 'oauth', '--backend', 'builtin:demo', '--insecure-dev', '--ca-file', ca, ...extra,
];

/** Starts a Gatehouse, remembers it for the log scan, and registers its callback at `provider`. */
async function startGatehouse({ configFile, ca, provider, env = {}, listen, extraArgs = [] }) {
  const server = await startServer({ args: gatehouseArgs(configFile, ca, extraArgs), env, listen });
  servers.push(server);
  const callback = `${server.url}/oauth/upstream/callback`;
  if (provider === idp) {
    callbacks.add(callback);
    idp.setRedirectUris([...callbacks]);
  } else if (provider) {
    provider.setRedirectUris([callback]);
  }
  return server;
}

// ---------------------------------------------------------------------------
// OAuth at Gatehouse.

/** A new MCP authorization request at `server`: {url, verifier, state, client, redirectUri}. */
const authorizationRequest = (server) => requestAt(server, { redirectUri: CLIENT_REDIRECT, clientName: 'gatehouse e2e upstream' });

/**
 * Runs the authorization at `server` through the upstream provider as
 * `login`: /authorize (302 to the provider) -> provider login + consent ->
 * Gatehouse callback -> Gatehouse consent -> the MCP client's redirect_uri.
 * Returns {request, first (the /authorize answer), end (browse's result), jar}.
 */
async function authorizeUpstream(server, { login, ca = idp.ca, consent = 'approve', stopAt = [CLIENT_REDIRECT] } = {}) {
  const request = await authorizationRequest(server);
  const jar = new CookieJar();
  const first = await getPage(request.url, jar);
  assert.equal(first.status, 302, `GET /authorize → ${first.status}, expected a redirect to the provider: ${first.html.slice(0, 800)}`);
  const end = await browse(first.location, {
    ca,
    jar,
    login,
    consent,
    stopAt,
    decide: gatehousePages({ decision: 'approve' }),
  });
  return { request, first, end, jar };
}

/** POST /token at `server` with the code `end.location` carries; returns the token response. */
async function exchangeCode(server, request, end) {
  assert.ok(end.location, `no redirect to the MCP client: ${end.status} ${titleOf(end.html)} ${textOf(end.html).slice(0, 600)}\n  ${end.hops.join('\n  ')}`);
  const params = new URL(end.location).searchParams;
  assert.ok(end.location.startsWith(`${CLIENT_REDIRECT}?`), end.location);
  assert.ok(params.get('code'), `a code: ${end.location}`);
  assert.equal(params.get('state'), request.state);
  assert.equal(params.get('iss'), server.url, 'RFC 9207 iss of Gatehouse');
  const tokens = await postToken(server, request, params.get('code'));
  assert.ok(tokens.access_token, 'an access token');
  assert.ok(tokens.refresh_token, 'a refresh token');
  assert.equal(tokens.scope, 'mcp');
  return tokens;
}

/** Signs `login` in at `server` and returns Gatehouse's tokens and when the upstream tokens were (at the latest) issued. */
async function signIn(server, login, options = {}) {
  const flow = await authorizeUpstream(server, { login, ...options });
  const issuedAt = Date.now(); // the upstream code exchange happened during the callback, before this
  const tokens = await exchangeCode(server, flow.request, flow.end);
  return { tokens, issuedAt, flow };
}

// ---------------------------------------------------------------------------
// MCP.

const mcpClient = (server, accessToken) => connectedClient(server, accessToken, 'gatehouse-e2e-upstream');

const callProfile = (client) => client.callTool({ name: 'upstream_profile', arguments: {} }, undefined, SDK_REQUEST);

const describeResult = (result) => JSON.stringify(result).slice(0, 1000);

/** POST /mcp initialize with a bearer token, raw: {status, wwwAuthenticate, text}. */
async function rawInitialize(server, accessToken) {
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
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'gatehouse-e2e-upstream-raw', version: '0.0.0' } },
    }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  const sessionId = res.headers.get('mcp-session-id');
  if (sessionId && res.status === 200) {
    await fetch(server.mcpUrl, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${accessToken}`, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': PROTOCOL_VERSION },
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    })
      .then((r) => r.arrayBuffer())
      .catch(() => {});
  }
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), text };
}

/** Waits until an upstream access token issued at `issuedAt` is due for refresh at Gatehouse. */
async function waitUntilDue(issuedAt) {
  const wait = issuedAt + DUE_AFTER_MS + 700 - Date.now();
  if (wait > 0) await sleep(wait);
}

function assertAliceProfile(result, what) {
  assert.notEqual(result.isError, true, `${what}: a tool error: ${describeResult(result)}`);
  assert.equal(result.structuredContent?.sub, 'alice', `${what}: ${describeResult(result)}`);
  assert.equal(result.structuredContent?.email, 'alice@example.com', `${what}: ${describeResult(result)}`);
}

// ---------------------------------------------------------------------------

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-upstream-'));
  certs = makeCertificates(workDir);
  idp = await startOidcProvider({ certs, accessTokenTtl: ACCESS_TTL, accounts: ACCOUNTS });
  fixturePorts.add(idp.port);
  sniffFixtureTokens();
  mainDataDir = path.join(workDir, 'main-data');
  mkdirSync(mainDataDir);
  mainConfig = writeConfig('main.toml', oidcConfig());
  main = await startGatehouse({
    configFile: mainConfig,
    ca: idp.ca,
    provider: idp,
    env: { [SECRET_ENV]: idp.clientSecret },
    extraArgs: ['--data-dir', mainDataDir],
  });
});

after(async () => {
  ServerResponse.prototype.end = originalEnd;
  await clientA?.close().catch(() => {});
  for (const server of servers) await server.stop();
  await idp?.close();
  await gh?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('1. OpenID Connect end to end: /authorize → provider → callback → consent → code → token; upstream_profile through the SDK client', { timeout: 30_000 }, () =>
  withLogs(main, async () => {
    const before = idp.counts();
    const flow = await authorizeUpstream(main, { login: 'alice' });
    const issuedAt = Date.now();

    // Method "upstream": /authorize goes straight to the provider, with an
    // HttpOnly cookie holding this sign-in.
    assert.ok(flow.first.location.startsWith(`${idp.issuer}/auth?`), `redirect to the provider's authorization endpoint: ${flow.first.location}`);
    const pending = flow.first.setCookies.find((c) => /^gh_upstream_[A-Za-z0-9]+=/.test(c));
    assert.ok(pending, `a gh_upstream_… cookie: ${JSON.stringify(flow.first.setCookies)}`);
    assert.match(pending, /;\s*HttpOnly/i, pending);

    // What the provider was asked for.
    const sent = idp.lastAuthorizationParams();
    assert.equal(sent.client_id, idp.clientId);
    assert.equal(sent.response_type, 'code');
    assert.equal(sent.redirect_uri, `${main.url}/oauth/upstream/callback`);
    assert.equal(sent.code_challenge_method, 'S256');
    assert.match(sent.code_challenge ?? '', /^[A-Za-z0-9_-]{43}$/, 'an S256 challenge');
    assert.ok(sent.nonce && sent.nonce.length >= 16, `a nonce: ${sent.nonce}`);
    assert.ok(sent.state && sent.state.length >= 16, `a state: ${sent.state}`);
    assert.deepEqual(new Set(sent.scope.split(' ')), new Set(['openid', 'email', 'profile', 'offline_access']), `scope ${sent.scope}`);

    // The flow: provider login and consent, then Gatehouse's consent page.
    const shape = (hop) => {
      const [method, url, , status] = hop.split(' ');
      const { origin, pathname } = new URL(url);
      const where = origin === main.url ? 'gatehouse' : origin === idp.issuer ? 'idp' : origin;
      return `${method} ${where} ${pathname.replace(/^\/(interaction|auth)\/[^/]+/, '/$1/:uid')} ${status}`;
    };
    assert.deepEqual(flow.end.hops.map(shape), [
      'GET idp /auth 303',
      'GET idp /interaction/:uid 200',
      'POST idp /interaction/:uid/login 303',
      'GET idp /auth/:uid 303',
      'GET idp /interaction/:uid 200',
      'POST idp /interaction/:uid/confirm 303',
      'GET idp /auth/:uid 303',
      'GET gatehouse /oauth/upstream/callback 200', // Gatehouse's consent page
      'POST gatehouse /authorize 302', // approved: to the MCP client
    ]);
    assert.equal(flow.jar.names(main.url).filter((n) => n.startsWith('gh_upstream_')).length, 0, 'the pending sign-in cookie is cleared at the callback');

    const tokens = await exchangeCode(main, flow.request, flow.end);
    const counted = delta(idp.counts(), before);
    assert.equal(counted.token_authorization_code, 1, `one code exchange at the provider: ${JSON.stringify(counted)}`);
    assert.equal(idp.tokenRequests().at(-1).client_auth, 'client_secret_basic');
    grantA = { tokens, issuedAt };
    lastRefreshAt = issuedAt;

    clientA = await mcpClient(main, tokens.access_token);
    const { tools } = await clientA.listTools(undefined, SDK_REQUEST);
    assert.ok(tools.some((t) => t.name === 'upstream_profile'), `upstream_profile is listed: ${tools.map((t) => t.name)}`);
    const result = await callProfile(clientA);
    lastRefreshAt = Date.now();
    assertAliceProfile(result, 'upstream_profile');
    assert.equal(result.structuredContent.email_verified, true);
    assert.ok(delta(idp.counts(), before).userinfo >= 1, 'the provider\'s userinfo endpoint was asked');

    // No token passthrough: Gatehouse's token is its own, not the provider's.
    assert.equal(tokens.access_token.split('.').length, 3, 'Gatehouse access tokens are JWTs');
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url'));
    assert.equal(claims.iss, main.url);
    assert.ok(!upstreamTokens.access_token.has(tokens.access_token), 'not an upstream access token');
    const atProvider = await loopbackRequest(`${idp.issuer}/me`, { ca: idp.ca, headers: { Authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(atProvider.status, 401, `the provider's userinfo refuses Gatehouse's token: ${atProvider.status} ${atProvider.body}`);
  }));

test('2. transparent refresh: once the upstream token is due, a tool call refreshes it once and succeeds; the next call uses the cached token', { timeout: 20_000 }, () =>
  withLogs(main, async () => {
    assert.ok(clientA, 'test 1 signed alice in');
    await waitUntilDue(lastRefreshAt);
    const before = idp.counts();
    const result = await callProfile(clientA);
    lastRefreshAt = Date.now();
    assertAliceProfile(result, 'after the upstream token was due');
    assert.equal(delta(idp.counts(), before).token_refresh_token ?? 0, 1, `one upstream refresh: ${JSON.stringify(delta(idp.counts(), before))}`);
    const last = idp.tokenRequests().at(-1);
    assert.equal(last.grant_type, 'refresh_token');
    assert.equal(last.status, 200, JSON.stringify(last));

    const middle = idp.counts();
    assertAliceProfile(await callProfile(clientA), 'right after the refresh');
    assert.equal(delta(idp.counts(), middle).token_refresh_token ?? 0, 0, 'the fresh token is used from memory');
  }));

test('3. 20 concurrent tool calls with a due upstream token cause exactly one upstream refresh', { timeout: 20_000 }, () =>
  withLogs(main, async () => {
    assert.ok(clientA, 'test 1 signed alice in');
    await waitUntilDue(lastRefreshAt);
    const before = idp.counts();
    const results = await Promise.all(Array.from({ length: 20 }, () => callProfile(clientA)));
    lastRefreshAt = Date.now();
    results.forEach((r, i) => assertAliceProfile(r, `concurrent call ${i}`));
    const counted = delta(idp.counts(), before);
    assert.equal(counted.token_refresh_token ?? 0, 1, `single flight: ${JSON.stringify(counted)}`);
    assert.equal(counted.userinfo, 20, `every call asked userinfo: ${JSON.stringify(counted)}`);
  }));

test('4. the provider refuses the refresh: tool error, then 401 invalid_token on /mcp, the Gatehouse grant is revoked; a new authorization works', { timeout: 30_000 }, () =>
  withLogs(main, async () => {
    const carol = await signIn(main, 'carol');
    const client = await mcpClient(main, carol.tokens.access_token);
    let lastIssue = carol.issuedAt;
    try {
      const first = await callProfile(client);
      lastIssue = Date.now();
      assert.notEqual(first.isError, true, describeResult(first));
      assert.equal(first.structuredContent?.sub, 'carol', describeResult(first));

      assert.ok(idp.revokeRefreshTokens('carol') >= 1, 'carol has a refresh token at the provider');
      await waitUntilDue(lastIssue);
      const before = idp.counts();
      const refused = await callProfile(client);
      assert.equal(refused.isError, true, `a tool error: ${describeResult(refused)}`);
      const text = (refused.content ?? []).map((c) => c.text ?? '').join(' ');
      assert.match(text, /connect again/i, `the error says to connect again: ${text}`);
      assert.doesNotMatch(text, /eyJ|[A-Za-z0-9_-]{40,}/, `no token in the error: ${text}`);
      assert.equal(delta(idp.counts(), before).token_refresh_token ?? 0, 1, 'one refresh attempt');
      assert.equal(idp.tokenRequests().at(-1).error, 'invalid_grant');
    } finally {
      await client.close().catch(() => {});
    }

    // The grant is revoked: the same Gatehouse access token gets 401.
    const r = await rawInitialize(main, carol.tokens.access_token);
    assert.equal(r.status, 401, `POST /mcp with the old token → ${r.status} ${r.text.slice(0, 400)}`);
    assert.match(r.wwwAuthenticate ?? '', /^Bearer\b/i, `WWW-Authenticate: ${r.wwwAuthenticate}`);
    assert.match(r.wwwAuthenticate ?? '', /error="invalid_token"/, `WWW-Authenticate: ${r.wwwAuthenticate}`);
    assert.match(r.wwwAuthenticate ?? '', /error_description="[^"]*sign-in at Test IdP has ended[^"]*"/, `WWW-Authenticate: ${r.wwwAuthenticate}`);
    // ...and so does its Gatehouse refresh token.
    const refreshed = await fetch(`${main.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: carol.tokens.refresh_token, client_id: carol.flow.request.client.client_id }).toString(),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const refreshedBody = await refreshed.text();
    assert.equal(refreshed.status, 400, `refresh at Gatehouse after the grant was revoked: ${refreshed.status} ${refreshedBody}`);
    assert.match(refreshedBody, /invalid_grant/);

    // A new authorization works again.
    const again = await signIn(main, 'carol');
    carolGrants = { ended: carol, again };
    const client2 = await mcpClient(main, again.tokens.access_token);
    try {
      const result = await callProfile(client2);
      assert.notEqual(result.isError, true, describeResult(result));
      assert.equal(result.structuredContent?.sub, 'carol', describeResult(result));
    } finally {
      await client2.close().catch(() => {});
    }
  }));

test('4b. gatehouse grants list on the running server\'s database: carol\'s ended grant is revoked "(needs re-authorization)", her new one active; no token is printed', { timeout: 20_000 }, async () => {
  assert.ok(carolGrants, 'test 4 ended carol\'s first grant');
  const listed = await runGatehouse(['grants', 'list', '--data-dir', mainDataDir]);
  const shown = `exit ${listed.code}\n--- stdout ---\n${listed.stdout}\n--- stderr ---\n${listed.stderr}`;
  assert.equal(listed.code, 0, shown);
  const carols = listed.stdout.split('\n').filter((line) => /\buser \S*carol\b/.test(line));
  assert.equal(carols.length, 2, `carol's two grants: ${shown}`);
  const ended = carols.filter((line) => /\brevoked\b/.test(line));
  assert.equal(ended.length, 1, `one of them revoked: ${shown}`);
  assert.match(ended[0], /\(needs re-authorization\)/, `the ended grant says why: ${ended[0]}`);
  assert.match(ended[0], /\bupstream upstream\b/, `and names the provider: ${ended[0]}`);
  const active = carols.find((line) => line !== ended[0]);
  assert.doesNotMatch(active, /revoked|needs re-authorization/, `the new grant is live: ${active}`);
  assert.match(active, /\(active\)/, `the new grant's vault record is active: ${active}`);

  assert.ok(upstreamTokens.refresh_token.size > 0, 'the upstream tokens issued so far are known');
  const gatehouseTokens = [carolGrants.ended, carolGrants.again].flatMap(({ tokens }) => [
    ['Gatehouse access token', tokens.access_token],
    ['Gatehouse refresh token', tokens.refresh_token],
  ]);
  assert.deepEqual(leaksIn(`${listed.stdout}\n${listed.stderr}`, [...upstreamSecrets(), ...gatehouseTokens]), []);
});

test('5. users outside the allowlist are refused with a 403 "Not allowed" page and nothing is issued: bob (other domain), mallory (unverified email)', { timeout: 20_000 }, () =>
  withLogs(main, async () => {
    for (const login of ['bob', 'mallory']) {
      const before = idp.counts();
      const { end } = await authorizeUpstream(main, { login });
      assert.equal(end.location, null, `${login}: the MCP client's redirect_uri is never reached: ${end.location}`);
      assert.equal(end.status, 403, `${login}: ${end.status} ${titleOf(end.html)} ${textOf(end.html).slice(0, 500)}`);
      assert.match(`${titleOf(end.html)} ${textOf(end.html)}`, /Not allowed/, `${login}: ${textOf(end.html).slice(0, 500)}`);
      assert.match(textOf(end.html), new RegExp(login), `${login}: the page names the account: ${textOf(end.html).slice(0, 500)}`);
      assert.ok(end.url.startsWith(`${main.url}/oauth/upstream/callback?`), `${login}: refused at the callback: ${end.url}`);
      assert.equal(delta(idp.counts(), before).token_authorization_code, 1, `${login}: the code was exchanged (to learn who it is)`);
    }
  }));

test('6. callback errors: a replayed callback (400 "already used"), an unknown state (400), access_denied at the provider (403)', { timeout: 20_000 }, () =>
  withLogs(main, async () => {
    // Stop at Gatehouse's callback, then present it twice with the same cookie.
    const request = await authorizationRequest(main);
    const jar = new CookieJar();
    const first = await getPage(request.url, jar);
    assert.equal(first.status, 302);
    const toCallback = await browse(first.location, { ca: idp.ca, jar, login: 'alice', stopAt: [main.url] });
    const callbackUrl = toCallback.location;
    assert.ok(callbackUrl?.startsWith(`${main.url}/oauth/upstream/callback?`), `the provider sends the browser back: ${callbackUrl}`);
    const cookie = jar.header(callbackUrl);
    assert.match(cookie ?? '', /gh_upstream_/, `the browser holds the pending sign-in cookie: ${cookie}`);

    const once = await getPage(callbackUrl, null, { headers: { Cookie: cookie } });
    assert.equal(once.status, 200, `the first callback → ${once.status} ${textOf(once.html).slice(0, 400)}`);
    assert.equal(parseForm(once.html)?.hidden.step, 'consent', 'Gatehouse\'s consent page');
    const codesBefore = idp.counts().token_authorization_code;
    const replay = await getPage(callbackUrl, null, { headers: { Cookie: cookie } });
    assert.equal(replay.status, 400, `the replayed callback → ${replay.status} ${textOf(replay.html).slice(0, 400)}`);
    assert.match(textOf(replay.html), /already used/i, textOf(replay.html).slice(0, 400));
    assert.equal(replay.location, null);
    assert.equal(idp.counts().token_authorization_code, codesBefore, 'a replay redeems nothing');

    // A state nobody started.
    const unknown = new URL(`${main.url}/oauth/upstream/callback`);
    unknown.search = new URLSearchParams({ code: 'made-up', state: randomBytes(24).toString('base64url'), iss: idp.issuer }).toString();
    const stranger = await getPage(unknown.href, null, { headers: { Cookie: cookie } });
    assert.equal(stranger.status, 400, `unknown state → ${stranger.status} ${textOf(stranger.html).slice(0, 400)}`);
    assert.match(stranger.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(idp.counts().token_authorization_code, codesBefore, 'an unknown state redeems nothing');

    // The user declines at the provider.
    const declined = await authorizeUpstream(main, { login: 'alice', consent: 'deny' });
    assert.equal(declined.end.location, null, `nothing reaches the MCP client: ${declined.end.location}`);
    assert.ok(declined.end.url.startsWith(`${main.url}/oauth/upstream/callback?`), declined.end.url);
    assert.equal(new URL(declined.end.url).searchParams.get('error'), 'access_denied');
    assert.equal(declined.end.status, 403, `access_denied → ${declined.end.status} ${textOf(declined.end.html).slice(0, 400)}`);
    assert.match(textOf(declined.end.html), /access_denied|declined/i, textOf(declined.end.html).slice(0, 400));
    assert.equal(idp.counts().token_authorization_code, codesBefore, 'nothing redeemed after access_denied');
  }));

test('6b. RFC 9207: the provider promises iss; a callback with another issuer\'s iss, or none, gets 400 "did not come from Test IdP" and nothing is issued', { timeout: 20_000 }, () =>
  withLogs(main, async () => {
    const discovery = await loopbackRequest(`${idp.issuer}/.well-known/openid-configuration`, { ca: idp.ca });
    assert.equal(discovery.json().authorization_response_iss_parameter_supported, true, 'the provider promises iss');
    const cases = [
      ['another issuer', (params) => params.set('iss', 'https://issuer.attacker.example')],
      ['no iss', (params) => params.delete('iss')],
    ];
    for (const [what, tamper] of cases) {
      // A fresh authorization each time: a state is single use.
      const request = await authorizationRequest(main);
      const jar = new CookieJar();
      const first = await getPage(request.url, jar);
      assert.equal(first.status, 302, `${what}: GET /authorize → ${first.status}`);
      const toCallback = await browse(first.location, { ca: idp.ca, jar, login: 'alice', stopAt: [main.url] });
      assert.ok(toCallback.location?.startsWith(`${main.url}/oauth/upstream/callback?`), `${what}: the provider sends the browser back: ${toCallback.location}`);
      const genuine = new URL(toCallback.location);
      assert.equal(genuine.searchParams.get('iss'), idp.issuer, `${what}: the provider's answer carries its iss`);
      const cookie = jar.header(genuine.href);
      const forged = new URL(genuine);
      tamper(forged.searchParams);

      const codesBefore = idp.counts().token_authorization_code;
      const res = await loopbackRequest(forged.href, { headers: { Cookie: cookie, Accept: 'text/html' } });
      const shown = `${what}: GET ${forged.pathname}?${[...forged.searchParams.keys()].join('&')} → ${res.status} ${textOf(res.body).slice(0, 400)}`;
      assert.equal(res.status, 400, shown);
      assert.match(textOf(res.body), /did not come from Test IdP/, shown);
      assert.equal(res.headers.location, undefined, `${what}: no redirect: ${res.headers.location}`);
      assert.equal(parseForm(res.body)?.hidden.step, undefined, `${what}: no consent page`);
      assert.equal(idp.counts().token_authorization_code, codesBefore, `${what}: the code is not redeemed`);
      // The sign-in is spent: the provider's genuine answer redeems nothing afterwards either.
      const late = await loopbackRequest(genuine.href, { headers: { Cookie: cookie, Accept: 'text/html' } });
      assert.equal(late.status, 400, `${what}: the genuine callback afterwards → ${late.status} ${textOf(late.body).slice(0, 400)}`);
      assert.match(textOf(late.body), /already used/i, textOf(late.body).slice(0, 400));
      assert.equal(idp.counts().token_authorization_code, codesBefore, `${what}: still nothing redeemed`);
    }
  }));

test('7. restart on the same data directory: the old Gatehouse access token still works and upstream_profile still answers for alice', { timeout: 30_000 }, async () => {
  assert.ok(grantA, 'test 1 signed alice in');
  await clientA?.close().catch(() => {});
  clientA = null;
  const port = main.port;
  const exit = await main.stop();
  assert.ok(exit, 'the first Gatehouse stopped');
  main = await startGatehouse({
    configFile: mainConfig,
    ca: idp.ca,
    provider: idp,
    env: { [SECRET_ENV]: idp.clientSecret },
    listen: `127.0.0.1:${port}`,
    extraArgs: ['--data-dir', mainDataDir],
  });
  await withLogs(main, async () => {
    assert.equal(main.port, port, 'the same address: the same issuer and callback');
    const client = await mcpClient(main, grantA.tokens.access_token);
    try {
      const result = await callProfile(client);
      assertAliceProfile(result, 'after the restart');
    } finally {
      await client.close().catch(() => {});
    }
  });
});

test('8. method "both": the sign-in page has the password form and "Continue with Test IdP"; step=upstream goes to the provider; both ways give tokens', { timeout: 30_000 }, async () => {
  const configFile = writeConfig('both.toml', oidcConfig({ method: 'both' }));
  const both = await startGatehouse({ configFile, ca: idp.ca, provider: idp, env: { [SECRET_ENV]: idp.clientSecret } });
  await withLogs(both, async () => {
    assert.ok(both.adminPassword, 'a local admin user is created with method "both"');
    const request = await authorizationRequest(both);
    const jar = new CookieJar();
    const page = await getPage(request.url, jar);
    assert.equal(page.status, 200, `the sign-in page: ${page.status} ${page.location}`);
    assert.match(textOf(page.html), /Continue with Test IdP/, textOf(page.html).slice(0, 800));
    const forms = page.html.split(/(?=<form\b)/i).slice(1).map(parseForm).filter(Boolean);
    const upstreamForm = forms.find((f) => f.hidden.step === 'upstream');
    const loginForm = forms.find((f) => f.hidden.step === 'login');
    assert.ok(upstreamForm, `a form with step=upstream: ${JSON.stringify(forms)}`);
    assert.ok(loginForm, `the password form (step=login): ${JSON.stringify(forms)}`);
    assert.match(page.html, /type="password"/);

    // step=upstream → the provider.
    const post = (form, fields) =>
      getPage(new URL(form.action || '/authorize', both.url).href, jar, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: both.url },
        body: new URLSearchParams({ ...form.hidden, ...fields }).toString(),
      });
    const toProvider = await post(upstreamForm, {});
    assert.equal(toProvider.status, 302, `step=upstream → ${toProvider.status} ${textOf(toProvider.html).slice(0, 400)}`);
    assert.ok(toProvider.location.startsWith(`${idp.issuer}/auth?`), toProvider.location);
    assert.ok(toProvider.setCookies.some((c) => /^gh_upstream_/.test(c)), JSON.stringify(toProvider.setCookies));
    const end = await browse(toProvider.location, { ca: idp.ca, jar, login: 'alice', stopAt: [CLIENT_REDIRECT], decide: gatehousePages({}) });
    const tokens = await exchangeCode(both, request, end);
    const client = await mcpClient(both, tokens.access_token);
    try {
      assertAliceProfile(await callProfile(client), 'method both, upstream sign-in');
    } finally {
      await client.close().catch(() => {});
    }

    // The password form still signs the local admin in.
    const local = await authorizationRequest(both);
    const localJar = new CookieJar();
    const localPage = await getPage(local.url, localJar);
    const localForm = localPage.html.split(/(?=<form\b)/i).slice(1).map(parseForm).find((f) => f?.hidden.step === 'login');
    const consent = await getPage(new URL(localForm.action || '/authorize', both.url).href, localJar, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: both.url },
      body: new URLSearchParams({ ...localForm.hidden, username: both.adminUser ?? 'admin', password: both.adminPassword }).toString(),
    });
    assert.equal(consent.status, 200, `password sign-in → ${consent.status} ${textOf(consent.html).slice(0, 400)}`);
    const consentForm = parseForm(consent.html);
    assert.equal(consentForm?.hidden.step, 'consent');
    const approved = await getPage(new URL(consentForm.action || '/authorize', both.url).href, localJar, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: both.url },
      body: new URLSearchParams({ ...consentForm.hidden, decision: 'approve' }).toString(),
    });
    assert.equal(approved.status, 302);
    await exchangeCode(both, local, { location: approved.location, hops: [] });
  });
});

test('9. a plain OAuth 2.0 provider (GitHub-shaped, kind = "oauth2"): sign-in, allow_subjects, upstream_profile answers with its /api/user', { timeout: 30_000 }, async () => {
  gh = await startOAuth2Provider({ certs, refresh: true, accessTokenTtl: 3600 });
  fixturePorts.add(gh.port);
  const configFile = writeConfig('oauth2.toml', `[server]
auth = "oauth"

[oauth]
access_token_lifetime = 300

[login]
method = "upstream"
allow_subjects = ["1234"]

[login.provider]
kind = "oauth2"
display_name = "Stub Hub"
client_id = ${toml(gh.clientId)}
authorization_endpoint = ${toml(gh.authorizationEndpoint)}
token_endpoint = ${toml(gh.tokenEndpoint)}
userinfo_endpoint = ${toml(gh.userEndpoint)}
revocation_endpoint = ${toml(gh.revocationEndpoint)}
subject_claim = "id"
username_claim = "login"
token_endpoint_auth_method = "client_secret_post"
scopes = ["read:user", "user:email"]
`);
  const hub = await startGatehouse({ configFile, ca: gh.ca, provider: gh, env: { [SECRET_ENV]: gh.clientSecret } });
  await withLogs(hub, async () => {
    const { tokens, flow } = await signIn(hub, 'octo', { ca: gh.ca });
    assert.ok(flow.first.location.startsWith(`${gh.authorizationEndpoint}?`), flow.first.location);
    const sent = gh.lastAuthorizationParams();
    assert.equal(sent.redirect_uri, `${hub.url}/oauth/upstream/callback`);
    assert.equal(sent.code_challenge_method, 'S256');
    assert.ok(sent.state);
    assert.deepEqual(new Set(sent.scope.split(/[ ,]+/)), new Set(['read:user', 'user:email']));
    assert.deepEqual(gh.tokenRequests().at(-1), { grant_type: 'authorization_code', client_auth: 'client_secret_post', status: 200 });

    const client = await mcpClient(hub, tokens.access_token);
    try {
      const result = await callProfile(client);
      assert.notEqual(result.isError, true, describeResult(result));
      assert.deepEqual(result.structuredContent, { id: 1234, login: 'octo', name: 'Octo Cat', email: 'octo@example.com' }, describeResult(result));
    } finally {
      await client.close().catch(() => {});
    }

    // hubot (id 5678) is not in allow_subjects.
    const refused = await authorizeUpstream(hub, { login: 'hubot', ca: gh.ca });
    assert.equal(refused.end.location, null, refused.end.location);
    assert.equal(refused.end.status, 403, `${refused.end.status} ${textOf(refused.end.html).slice(0, 400)}`);
    assert.match(textOf(refused.end.html), /Not allowed/);
    assert.match(textOf(refused.end.html), /hubot/);
    // Nothing is kept: the tokens just issued to hubot are given back.
    assert.deepEqual(gh.revocations().map((r) => r.kind).sort(), ['access_token', 'refresh_token'], JSON.stringify(gh.revocations()));
  });
});

test(`10. without ${SECRET_ENV} set, gatehouse serve refuses to start and names the variable`, { timeout: 20_000 }, async () => {
  const configFile = writeConfig('nosecret.toml', oidcConfig());
  const dataDir = mkdtempSync(path.join(workDir, 'nosecret-'));
  const { code, stdout, stderr } = await refusedStart([...gatehouseArgs(configFile, idp.ca), '--data-dir', dataDir], { env: { [SECRET_ENV]: undefined } });
  assert.notEqual(code, 0, `exit code ${code}; stdout: ${stdout}`);
  assert.ok(code !== null, 'it exited by itself');
  assert.doesNotMatch(stdout, /listening on/);
  assert.match(stderr, new RegExp(SECRET_ENV), `stderr names the variable: ${stderr}`);
});

test('11. no upstream token, refresh token or client secret appears in any Gatehouse log', { timeout: 10_000 }, () => {
  assert.ok(upstreamTokens.access_token.size >= 5, `upstream access tokens were seen: ${upstreamTokens.access_token.size}`);
  assert.ok(upstreamTokens.refresh_token.size >= 5, `upstream refresh tokens were seen: ${upstreamTokens.refresh_token.size}`);
  assert.ok(servers.length >= 4, `${servers.length} Gatehouse processes`);
  const secrets = upstreamSecrets();
  const leaks = [];
  for (const [i, server] of servers.entries()) {
    const logs = server.logs();
    assert.ok(logs.length > 0, `Gatehouse #${i} logged something`);
    leaks.push(...leaksIn(logs, secrets).map((leak) => `Gatehouse #${i}: ${leak}`));
  }
  assert.deepEqual(leaks, []);
});
