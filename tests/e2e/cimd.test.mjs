// Client ID Metadata Documents end to end (INTEROP CI1–CI5, AS3, AZ3, AZ6).
//
// A local HTTPS document host (a throwaway CA and certificate made with the
// openssl command, the CA passed to gatehouse with --ca-file) serves good
// and bad client documents. Gatehouse runs with --auth oauth --insecure-dev
// (so it may fetch from 127.0.0.1) and the host's port allowed:
//   (a) the @modelcontextprotocol/sdk client with clientMetadataUrl signs in
//       through CIMD, with no /register request, and calls a tool;
//   (b) every bad document (redirecting, slow, huge, wrong content type,
//       wrong client_id, with a secret, ...) ends on an error page naming
//       the reason, never a redirect;
//   (c) Claude's pinned client ids: claude.ai's obtains a code for its
//       callback (read from the Location header, never followed) and
//       exchanges it; Claude Code's works with http://localhost:<any port>/callback.
//       The pins are served "always" here so that nothing contacts claude.ai;
//   (d) without --insecure-dev, document URLs on loopback, private and
//       link-local addresses are refused before any connection is made.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { authorizeHeadless } from './lib/authorize.mjs';
import { jsonAnswer, makeCertificates, startDocumentHost } from './lib/document-host.mjs';
import { repoRoot, startServer } from './lib/server.mjs';

const TEST_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_MS = 10_000;
const SDK_REQUEST = { timeout: 15_000 };
const CLAUDE_ID = 'https://claude.ai/oauth/mcp-oauth-client-metadata';
const CLAUDE_CALLBACK = 'https://claude.ai/api/mcp/auth_callback';
const CLAUDE_CODE_ID = 'https://claude.ai/oauth/claude-code-client-metadata';

let dir;
let host; // lib/document-host.mjs
let server;
let strictServer;
let admin;

// ---------------------------------------------------------------------------
// The documents

// Documents by path; each a function of the host's origin returning
// { status, headers, body, delayMs }.
const documents = {
  '/sdk-client.json': (origin) => json(document(`${origin}/sdk-client.json`, { redirect_uris: [sdkRedirect] })),
  '/good.json': (origin) => json(document(`${origin}/good.json`), { 'Cache-Control': 'max-age=600' }),
  '/redirecting.json': (origin) => ({ status: 302, headers: { Location: `${origin}/good.json` }, body: '' }),
  '/slow.json': (origin) => ({ ...json(document(`${origin}/slow.json`)), delayMs: 4_000 }),
  '/huge.json': (origin) => json({ ...document(`${origin}/huge.json`), padding: 'x'.repeat(8_000) }),
  '/huge-chunked.json': (origin) => ({ ...json({ ...document(`${origin}/huge-chunked.json`), padding: 'x'.repeat(8_000) }), chunked: true }),
  '/html.json': (origin) => ({ ...json(document(`${origin}/html.json`)), headers: { 'Content-Type': 'text/html' } }),
  '/mismatch.json': (origin) => json(document(`${origin}/other.json`)),
  '/secret.json': (origin) => json({ ...document(`${origin}/secret.json`), client_secret: 'not-allowed' }),
  '/not-json.json': () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"client_id":' }),
  '/missing.json': () => ({ status: 404, headers: { 'Content-Type': 'application/json' }, body: '{}' }),
  '/loopback-only.json': (origin) => json(document(`${origin}/loopback-only.json`, { redirect_uris: ['http://127.0.0.1/callback'] })),
};
let sdkRedirect = 'http://127.0.0.1:1/callback'; // set before the SDK test

function document(clientId, extra = {}) {
  return {
    client_id: clientId,
    client_name: 'CIMD e2e client',
    redirect_uris: ['https://app.example.com/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  };
}

const json = jsonAnswer;

// Claude's shipped pins, rewritten with "use": "always" so that no test
// contacts claude.ai.
function alwaysPins(into) {
  return ['claude-ai.json', 'claude-code.json'].map((name) => {
    const pin = JSON.parse(readFileSync(path.join(repoRoot, 'pinned', name), 'utf8'));
    pin.use = 'always';
    const file = path.join(into, `always-${name}`);
    writeFileSync(file, JSON.stringify(pin));
    return file;
  });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-cimd-'));
  const certs = makeCertificates(dir);
  host = await startDocumentHost(certs, documents);
  const env = {
    GATEHOUSE_OAUTH_CIMD_ALLOWED_PORTS: `443,${host.port}`,
    GATEHOUSE_OAUTH_CIMD_FETCH_TIMEOUT: '1',
  };
  server = await startServer({
    args: ['--auth', 'oauth', '--backend', 'builtin:demo', '--insecure-dev', '--ca-file', certs.ca],
    env: { ...env, GATEHOUSE_OAUTH_PINNED_CLIENT_DOCUMENTS: alwaysPins(dir).join(',') },
  });
  admin = { username: server.adminUser, password: server.adminPassword };
  assert.ok(admin.password, 'the first start printed the admin password');
  strictServer = await startServer({ args: ['--auth', 'oauth', '--backend', 'builtin:demo'], env });
});

after(async () => {
  await server?.stop();
  await strictServer?.stop();
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function withLogs(s, fn) {
  try {
    await fn();
  } catch (e) {
    e.message += `\n--- gatehouse log (tail) ---\n${s.logs().slice(-3000)}`;
    throw e;
  }
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(s, clientId, redirectUri, challenge) {
  const u = new URL(`${s.url}/authorize`);
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'e2e-state',
    scope: 'mcp',
    resource: s.mcpUrl,
  }).toString();
  return u.href;
}

async function getPage(url) {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

async function exchange(s, clientId, code, redirectUri, verifier) {
  const res = await fetch(`${s.url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId, resource: s.mcpUrl }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.json() };
}

// ---------------------------------------------------------------------------

test('AS3: the metadata advertises client ID metadata documents with the none method', async () => {
  const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
  const metadata = await res.json();
  assert.equal(metadata.client_id_metadata_document_supported, true);
  assert.ok(metadata.token_endpoint_auth_methods_supported.includes('none'));
  assert.ok(metadata.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
});

test('(a) SDK client with clientMetadataUrl: CIMD sign-in without /register, then a tool call', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withLogs(server, async () => {
    const callbackPort = 20000 + Math.floor(Math.random() * 20000);
    sdkRedirect = `http://127.0.0.1:${callbackPort}/callback`;
    const clientMetadataUrl = `${host.origin}/sdk-client.json`;
    const calls = [];
    const recording = async (url, init) => {
      const res = await fetch(url, init);
      calls.push({ method: init?.method ?? 'GET', path: new URL(String(url)).pathname, status: res.status });
      return res;
    };
    const provider = {
      _tokens: undefined,
      _verifier: undefined,
      _client: undefined,
      redirects: [],
      clientMetadataUrl,
      get redirectUrl() {
        return sdkRedirect;
      },
      get clientMetadata() {
        return { client_name: 'CIMD e2e client', redirect_uris: [sdkRedirect], token_endpoint_auth_method: 'none' };
      },
      clientInformation() {
        return this._client;
      },
      saveClientInformation(info) {
        this._client = info;
      },
      tokens() {
        return this._tokens;
      },
      saveTokens(tokens) {
        this._tokens = tokens;
      },
      saveCodeVerifier(v) {
        this._verifier = v;
      },
      codeVerifier() {
        return this._verifier;
      },
      async redirectToAuthorization(url) {
        this.redirects.push(await authorizeHeadless(url, { ...admin, timeoutMs: HTTP_TIMEOUT_MS }));
      },
    };

    const transport1 = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider, fetch: recording });
    const client1 = new Client({ name: 'gatehouse-e2e-cimd', version: '0.0.0' }, { capabilities: {} });
    t.after(() => client1.close().catch(() => {}));
    await assert.rejects(client1.connect(transport1, SDK_REQUEST), UnauthorizedError);
    assert.equal(provider.redirects.length, 1, 'the SDK sent the browser to /authorize once');
    const redirect = provider.redirects[0];
    assert.deepEqual(redirect.pages, ['login', 'consent']);
    assert.match(redirect.html.consent, /Verified domain/);
    assert.match(redirect.html.consent, /127\.0\.0\.1/);
    assert.ok(redirect.code, `a code: ${redirect.location}`);
    assert.ok(redirect.location.startsWith(`${sdkRedirect}?`), redirect.location);

    await transport1.finishAuth(redirect.code);
    assert.ok(provider.tokens()?.access_token, 'tokens were issued');

    const transport2 = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider, fetch: recording });
    const client2 = new Client({ name: 'gatehouse-e2e-cimd', version: '0.0.0' }, { capabilities: {} });
    t.after(() => client2.close().catch(() => {}));
    await client2.connect(transport2, SDK_REQUEST);
    const call = await client2.callTool({ name: 'echo', arguments: { text: 'hello through CIMD' } }, undefined, SDK_REQUEST);
    assert.equal(call.content?.[0]?.text, 'hello through CIMD', JSON.stringify(call));

    // No registration anywhere: not by the client, not in the server log.
    assert.ok(!calls.some((c) => c.path === '/register'), `no /register request: ${JSON.stringify(calls)}`);
    assert.ok(!/\/register|registered client/.test(server.logs()), 'the server log shows no registration');
    assert.match(server.logs(), /fetched client metadata document https:\/\/127\.0\.0\.1:\d+\/sdk-client\.json/);
    // CI2: what the fetch looked like.
    const headers = host.headers('/sdk-client.json');
    assert.match(headers.accept ?? '', /application\/json/);
    assert.equal(headers.cookie, undefined);
    assert.equal(headers.authorization, undefined);
    assert.match(headers['user-agent'] ?? '', /Gatehouse/i);
  });
});

const badDocuments = [
  ['/redirecting.json', /redirect/i, 'CI2: a redirect is not followed'],
  ['/slow.json', /did not answer in time/i, 'CI2: a slow host times out'],
  ['/huge.json', /too large/i, 'CI2: an oversized document (Content-Length)'],
  ['/huge-chunked.json', /too large/i, 'CI2: an oversized document (chunked)'],
  ['/html.json', /content type/i, 'CI2: a document that is not application/json'],
  ['/mismatch.json', /client_id/i, 'CI4: a client_id that is not the URL'],
  ['/secret.json', /client_secret/i, 'CI4: a document with a client secret'],
  ['/not-json.json', /not valid JSON/i, 'CI4: a body that is not JSON'],
  ['/missing.json', /HTTP 404/i, 'CI2: a 404'],
];

for (const [docPath, reason, what] of badDocuments) {
  test(`(b) ${what} ends on an error page naming the reason`, { timeout: TEST_TIMEOUT_MS }, async () => {
    await withLogs(server, async () => {
      const before = host.count(docPath);
      const page = await getPage(authorizeUrl(server, `${host.origin}${docPath}`, 'https://app.example.com/callback', pkce().challenge));
      assert.equal(page.status, 400, page.body);
      assert.equal(page.location, null, 'never a redirect');
      assert.match(page.body, /could not be verified/);
      assert.match(page.body, reason);
      assert.equal(host.count(docPath) - before, 1, 'fetched exactly once (no redirect followed, no retry)');
      assert.match(server.logs(), new RegExp(`client metadata document https://127\\.0\\.0\\.1:${host.port}${docPath.replace('.', '\\.')} refused`));
    });
  });
}

test('(b) CI4: a redirect_uri the document does not list ends on an error page', async () => {
  const page = await getPage(authorizeUrl(server, `${host.origin}/good.json`, 'https://evil.example/callback', pkce().challenge));
  assert.equal(page.status, 400);
  assert.equal(page.location, null);
  assert.match(page.body, /does not list/);
});

test('(b) CI5: a good document is fetched once and then reused', async () => {
  const before = host.count('/good.json');
  for (let i = 0; i < 3; i++) {
    const page = await getPage(authorizeUrl(server, `${host.origin}/good.json`, 'https://app.example.com/callback', pkce().challenge));
    assert.equal(page.status, 200, page.body);
    assert.match(page.body, /name="step" value="login"/);
  }
  // The redirect_uri test above may have fetched it already.
  assert.ok(host.count('/good.json') - before <= 1, 'at most one fetch for three authorizations');
});

test('(b) AZ6: the consent page warns when every redirect is loopback', async () => {
  const redirect = await authorizeHeadless(authorizeUrl(server, `${host.origin}/loopback-only.json`, 'http://127.0.0.1:4567/callback', pkce().challenge), {
    ...admin,
    timeoutMs: HTTP_TIMEOUT_MS,
  });
  assert.match(redirect.html.consent, /only send its access to a program on this computer/);
  assert.ok(redirect.code);
});

test('(c) Claude.ai pinned client id obtains a code for its callback and exchanges it', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withLogs(server, async () => {
    const { verifier, challenge } = pkce();
    const redirect = await authorizeHeadless(authorizeUrl(server, CLAUDE_ID, CLAUDE_CALLBACK, challenge), { ...admin, timeoutMs: HTTP_TIMEOUT_MS });
    assert.ok(redirect.location.startsWith(`${CLAUDE_CALLBACK}?`), redirect.location);
    assert.equal(redirect.state, 'e2e-state');
    assert.equal(redirect.iss, server.url);
    assert.match(redirect.html.consent, /Verified domain/);
    assert.match(redirect.html.consent, /claude\.ai/);
    const tokens = await exchange(server, CLAUDE_ID, redirect.code, CLAUDE_CALLBACK, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.ok(tokens.body.access_token && tokens.body.refresh_token);
  });
});

test('(c) Claude Code pinned client id works with http://localhost:<any port>/callback', { timeout: TEST_TIMEOUT_MS }, async () => {
  for (const port of [33418, 61000]) {
    const callback = `http://localhost:${port}/callback`;
    const { verifier, challenge } = pkce();
    const redirect = await authorizeHeadless(authorizeUrl(server, CLAUDE_CODE_ID, callback, challenge), { ...admin, timeoutMs: HTTP_TIMEOUT_MS });
    assert.ok(redirect.location.startsWith(`${callback}?`), redirect.location);
    const tokens = await exchange(server, CLAUDE_CODE_ID, redirect.code, callback, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  }
  const wrongPath = await getPage(authorizeUrl(server, CLAUDE_CODE_ID, 'http://localhost:33418/elsewhere', pkce().challenge));
  assert.equal(wrongPath.status, 400);
  assert.equal(wrongPath.location, null);
});

test('(d) CI3: without --insecure-dev, loopback, private and link-local document URLs are refused before connecting', async () => {
  await withLogs(strictServer, async () => {
    const before = host.count('/good.json');
    for (const id of [
      `https://127.0.0.1:${host.port}/good.json`,
      `https://localhost:${host.port}/good.json`,
      'https://10.0.0.1/client.json',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/client.json',
      'https://2130706433/client.json',
    ]) {
      const page = await getPage(authorizeUrl(strictServer, id, 'https://app.example.com/callback', pkce().challenge));
      assert.equal(page.status, 400, `${id}: ${page.body}`);
      assert.equal(page.location, null, id);
      assert.match(page.body, /not a public internet address/, id);
    }
    assert.equal(host.count('/good.json') - before, 0, 'the document host was never contacted');
  });
});
