// Self-test of the upstream identity provider fixtures used by the tests of
// Gatehouse's upstream sign-in: fixtures/oidc-provider.mjs (a real
// oidc-provider), fixtures/oauth2-provider.mjs (a GitHub-shaped OAuth 2.0
// provider) and the cross-host headless browser lib/upstream-authorize.mjs.
// No Gatehouse here: a plain OAuth client written below (PKCE S256, state,
// nonce) plays Gatehouse's part, with a redirect_uri on a loopback port
// nobody listens on, where browse() stops without requesting it.
//
//   cd tests/e2e && node --test upstream-fixtures.test.mjs
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOAuth2Provider } from './fixtures/oauth2-provider.mjs';
import { startOidcProvider } from './fixtures/oidc-provider.mjs';
import { makeCertificates } from './lib/document-host.mjs';
import { browse, CookieJar, gatehousePages, loopbackRequest } from './lib/upstream-authorize.mjs';

/** A loopback port nothing listens on (bound, then released). */
async function unusedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** A fresh PKCE pair, state and nonce. */
function newRequestSecrets() {
  const verifier = b64url(randomBytes(32));
  return {
    verifier,
    challenge: b64url(createHash('sha256').update(verifier).digest()),
    state: b64url(randomBytes(12)),
    nonce: b64url(randomBytes(12)),
  };
}

const form = (fields) => new URLSearchParams(fields).toString();
const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** POSTs a form to a token-like endpoint; returns {status, body (parsed JSON or text)}. */
async function postForm(url, ca, fields, headers = {}) {
  const res = await loopbackRequest(url, {
    method: 'POST',
    ca,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...headers },
    body: form(fields),
  });
  let body = res.body;
  try {
    body = res.json();
  } catch {}
  return { status: res.status, body };
}

/** The (unverified) header and payload of a JWS, and its parts. */
function decodeJwt(jwt) {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url')),
    payload: JSON.parse(Buffer.from(p, 'base64url')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

const delta = (after, before) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]).filter(([, v]) => v !== 0));

describe('oidc-provider fixture', { timeout: 20_000 }, () => {
  let idp;
  let redirectUri;
  let discovery;

  before(async () => {
    idp = await startOidcProvider();
    redirectUri = `http://127.0.0.1:${await unusedPort()}/upstream/callback`;
    discovery = (await loopbackRequest(`${idp.issuer}/.well-known/openid-configuration`, { ca: idp.ca })).json();
  });
  after(() => idp?.close());

  /** Builds an authorization request; returns {url, secrets}. */
  const authorizationRequest = (extra = {}) => {
    const secrets = newRequestSecrets();
    const url = new URL(discovery.authorization_endpoint);
    url.search = form({
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: redirectUri,
      scope: 'openid email profile offline_access',
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: secrets.challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    return { url, secrets };
  };

  /** Signs in as `login` and exchanges the code; returns {tokens, secrets, end}. */
  const signIn = async (login, { jar, extra } = {}) => {
    const { url, secrets } = authorizationRequest(extra);
    const end = await browse(url, { ca: idp.ca, login, jar, stopAt: [redirectUri] });
    assert.ok(end.location, `no redirect to the client: ${end.status} ${end.hops.join(' | ')}\n${end.html}`);
    const params = new URL(end.location).searchParams;
    assert.equal(params.get('state'), secrets.state);
    assert.equal(params.get('iss'), idp.issuer, 'RFC 9207 iss');
    assert.ok(params.get('code'), `no code: ${end.location}`);
    const res = await postForm(discovery.token_endpoint, idp.ca,
      { grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri, code_verifier: secrets.verifier },
      { Authorization: basic(idp.clientId, idp.clientSecret) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { tokens: res.body, secrets, end, code: params.get('code') };
  };

  const refresh = (refreshToken) =>
    postForm(discovery.token_endpoint, idp.ca, { grant_type: 'refresh_token', refresh_token: refreshToken },
      { Authorization: basic(idp.clientId, idp.clientSecret) });

  test('discovery answers at once with the issuer, RFC 9207 iss, S256 and two signing keys', async () => {
    assert.equal(idp.issuer, `https://127.0.0.1:${idp.port}`);
    assert.equal(discovery.issuer, idp.issuer);
    assert.equal(discovery.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.ok(discovery.grant_types_supported.includes('refresh_token'));
    assert.ok(discovery.revocation_endpoint && discovery.userinfo_endpoint && discovery.introspection_endpoint);
    assert.equal(discovery.pushed_authorization_request_endpoint, undefined);
    const jwks = (await loopbackRequest(discovery.jwks_uri, { ca: idp.ca })).json();
    assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'RS256']);
    assert.ok(jwks.keys.every((k) => !k.d), 'public keys only');
  });

  test('a redirect_uri set after start is accepted, not before', async () => {
    const early = await browse(authorizationRequest().url, { ca: idp.ca, login: 'alice', stopAt: [redirectUri] });
    assert.equal(early.location, null, 'no redirect to an unregistered redirect_uri');
    assert.equal(early.status, 400);
    assert.match(early.html, /redirect_uri/);

    idp.setRedirectUris([redirectUri]);
    const { tokens } = await signIn('alice');
    assert.ok(tokens.access_token);
  });

  test('code -> tokens (ID token, RS256) -> userinfo -> refresh with rotation', async () => {
    const before = idp.counts();
    const { tokens, secrets, end } = await signIn('alice', { extra: { login_hint: 'alice', ui_locales: 'en' } });

    const sent = idp.lastAuthorizationParams();
    assert.equal(sent.code_challenge, secrets.challenge);
    assert.equal(sent.code_challenge_method, 'S256');
    assert.equal(sent.nonce, secrets.nonce);
    assert.equal(sent.state, secrets.state);
    assert.equal(sent.scope, 'openid email profile offline_access');
    assert.equal(sent.login_hint, 'alice');
    assert.ok(end.hops.some((h) => /\/interaction\/.*\/login -> 303/.test(h)), 'signed in on the login page');
    assert.ok(end.hops.some((h) => /\/interaction\/.*\/confirm -> 303/.test(h)), 'approved on the consent page');

    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 5);
    assert.equal(tokens.scope, 'openid email profile', 'oidc-provider lists offline_access only after prompt=consent');
    assert.ok(tokens.refresh_token, 'refresh token for offline_access');

    // The ID token: RS256, signed by the JWKS key, claims for alice.
    const jwks = (await loopbackRequest(discovery.jwks_uri, { ca: idp.ca })).json();
    const idToken = decodeJwt(tokens.id_token);
    assert.equal(idToken.header.alg, 'RS256');
    const jwk = jwks.keys.find((k) => k.kid === idToken.header.kid);
    assert.ok(verify('sha256', Buffer.from(idToken.signingInput), createPublicKey({ key: jwk, format: 'jwk' }), idToken.signature));
    assert.equal(idToken.payload.iss, idp.issuer);
    assert.equal(idToken.payload.aud, idp.clientId);
    assert.equal(idToken.payload.nonce, secrets.nonce);
    assert.equal(idToken.payload.sub, 'alice');
    assert.equal(idToken.payload.email, 'alice@example.com');
    assert.equal(idToken.payload.email_verified, true);

    const userinfo = await loopbackRequest(discovery.userinfo_endpoint, { ca: idp.ca, headers: { Authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.status, 200);
    assert.deepEqual(userinfo.json(), { sub: 'alice', email: 'alice@example.com', email_verified: true, name: 'Alice Example', preferred_username: 'alice' });

    // Rotation: every refresh returns a new refresh token.
    const r1 = await refresh(tokens.refresh_token);
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.ok(r1.body.access_token && r1.body.refresh_token);
    assert.notEqual(r1.body.refresh_token, tokens.refresh_token);
    assert.notEqual(r1.body.access_token, tokens.access_token);
    const r2 = await refresh(r1.body.refresh_token);
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    // The consumed one is refused...
    const reused = await refresh(tokens.refresh_token);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    // ...and its reuse revoked the whole grant (reuse detection).
    const afterReuse = await refresh(r2.body.refresh_token);
    assert.equal(afterReuse.body.error, 'invalid_grant');

    assert.deepEqual(delta(idp.counts(), before), {
      authorization: 1,
      resume: 2, // back to /auth/<uid> after the login and the consent page
      jwks: 1,
      token_authorization_code: 1,
      token_refresh_token: 4,
      userinfo: 1,
    });
  });

  test('a code is single use; replaying it revokes what it gave', async () => {
    const { tokens, secrets, code } = await signIn('alice');
    const again = await postForm(discovery.token_endpoint, idp.ca,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: secrets.verifier },
      { Authorization: basic(idp.clientId, idp.clientSecret) });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
    assert.equal((await refresh(tokens.refresh_token)).body.error, 'invalid_grant');
  });

  test('revokeRefreshTokens(account) makes only that account\'s refresh fail with invalid_grant', async () => {
    const alice = await signIn('alice'); // a fresh browser: login + consent again
    const bob = await signIn('bob');
    const bobRefreshed = await refresh(bob.tokens.refresh_token);
    assert.equal(bobRefreshed.status, 200);

    assert.ok(idp.revokeRefreshTokens('bob') >= 1);
    const refused = await refresh(bobRefreshed.body.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    const aliceRefreshed = await refresh(alice.tokens.refresh_token);
    assert.equal(aliceRefreshed.status, 200, 'alice is not affected');

    idp.revokeRefreshTokens();
    assert.equal((await refresh(aliceRefreshed.body.refresh_token)).body.error, 'invalid_grant');
  });

  test('RFC 7009 revocation and RFC 7662 introspection of a refresh token', async () => {
    const before = idp.counts();
    const { tokens } = await signIn('bob');
    const introspect = () => postForm(discovery.introspection_endpoint, idp.ca, { token: tokens.refresh_token },
      { Authorization: basic(idp.clientId, idp.clientSecret) });
    const active = await introspect();
    assert.equal(active.body.active, true);
    assert.equal(active.body.sub, 'bob');
    const res = await postForm(discovery.revocation_endpoint, idp.ca, { token: tokens.refresh_token, token_type_hint: 'refresh_token' },
      { Authorization: basic(idp.clientId, idp.clientSecret) });
    assert.equal(res.status, 200);
    assert.equal((await introspect()).body.active, false);
    assert.equal((await refresh(tokens.refresh_token)).body.error, 'invalid_grant');
    const counted = delta(idp.counts(), before);
    assert.equal(counted.revocation, 1);
    assert.equal(counted.introspection, 2);
  });

  test('refresh tokens: offline_access is needed, prompt=consent is not', async () => {
    const jar = new CookieJar(); // one browser: the later requests reuse the provider's session
    const online = await signIn('alice', { jar, extra: { scope: 'openid email' } });
    assert.equal(online.tokens.refresh_token, undefined);
    for (const prompt of [undefined, 'login', 'consent']) {
      const { tokens, end } = await signIn('alice', { jar, extra: prompt ? { prompt } : {} });
      assert.ok(tokens.refresh_token, `refresh token with prompt=${prompt}`);
      assert.equal((await refresh(tokens.refresh_token)).status, 200, `refresh with prompt=${prompt}`);
      assert.equal(end.hops.some((h) => /\/login -> /.test(h)), prompt === 'login', `login page only for prompt=login (${prompt})`);
      if (prompt === 'consent') assert.match(tokens.scope, /offline_access/);
    }
  });

  test('PKCE is required and checked', async () => {
    const { url } = authorizationRequest();
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const end = await browse(url, { ca: idp.ca, login: 'alice', stopAt: [redirectUri] });
    assert.equal(new URL(end.location).searchParams.get('error'), 'invalid_request');

    const { url: url2, secrets } = authorizationRequest();
    const end2 = await browse(url2, { ca: idp.ca, login: 'alice', stopAt: [redirectUri] });
    const res = await postForm(discovery.token_endpoint, idp.ca,
      { grant_type: 'authorization_code', code: new URL(end2.location).searchParams.get('code'), redirect_uri: redirectUri, code_verifier: `${secrets.verifier}x` },
      { Authorization: basic(idp.clientId, idp.clientSecret) });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_grant');
  });

  test('an unknown login is refused with access_denied', async () => {
    const { url, secrets } = authorizationRequest();
    const end = await browse(url, { ca: idp.ca, login: 'eve', stopAt: [redirectUri] });
    const params = new URL(end.location).searchParams;
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), secrets.state);
    assert.equal(params.get('code'), null);
  });

  test('client authentication: basic (as registered) and post both work, tokenRequests() tells which', async () => {
    const inBody = await postForm(discovery.token_endpoint, idp.ca,
      { grant_type: 'refresh_token', refresh_token: 'x', client_id: idp.clientId, client_secret: idp.clientSecret });
    assert.equal(inBody.body.error, 'invalid_grant', 'oidc-provider takes client_secret_post for a client_secret_basic client');
    assert.deepEqual(idp.tokenRequests().at(-1), { grant_type: 'refresh_token', client_auth: 'client_secret_post', status: 400, error: 'invalid_grant' });
    const wrong = await postForm(discovery.token_endpoint, idp.ca, { grant_type: 'refresh_token', refresh_token: 'x' },
      { Authorization: basic(idp.clientId, 'wrong') });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.ok(idp.tokenRequests().filter((r) => r.status === 200).every((r) => r.client_auth === 'client_secret_basic'));
  });

  test('browse: a relying party\'s own forms (decide), its cookies, and the provider, across hosts', async () => {
    // A stand-in for Gatehouse on plain http: a sign-in page, a consent page,
    // then off to the provider; its callback exchanges the code and redirects
    // to the MCP client with the upstream subject.
    const clientRedirect = `http://127.0.0.1:${await unusedPort()}/client/callback`;
    const flows = new Map(); // state -> {verifier, nonce}
    const rp = createHttpServer(async (req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const page = (html, headers = {}) => res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end(html);
      try {
        if (req.method === 'GET' && url.pathname === '/authorize') {
          return page(`<form method="post" action="/authorize"><input type="hidden" name="step" value="login">
            <input type="hidden" name="csrf_token" value="t0k"><input name="username"><input type="password" name="password"></form>`,
          { 'Set-Cookie': 'rp_csrf=t0k; HttpOnly; Path=/' });
        }
        if (req.method === 'POST' && url.pathname === '/authorize') {
          let body = '';
          for await (const chunk of req) body += chunk;
          const f = new URLSearchParams(body);
          if (!/rp_csrf=t0k/.test(req.headers.cookie ?? '') || f.get('csrf_token') !== 't0k') return res.writeHead(403).end('csrf');
          if (f.get('step') === 'login') {
            if (f.get('username') !== 'ann' || f.get('password') !== 'pw') return res.writeHead(401).end('bad password');
            return page(`<form method="post" action="/authorize"><input type="hidden" name="step" value="consent">
              <input type="hidden" name="csrf_token" value="t0k"><button name="decision" value="approve">OK</button></form>`);
          }
          assert.equal(f.get('decision'), 'approve');
          const secrets = newRequestSecrets();
          flows.set(secrets.state, secrets);
          const up = new URL(discovery.authorization_endpoint);
          up.search = form({ response_type: 'code', client_id: idp.clientId, redirect_uri: `http://127.0.0.1:${rp.address().port}/upstream/callback`,
            scope: 'openid email offline_access', state: secrets.state, nonce: secrets.nonce, code_challenge: secrets.challenge, code_challenge_method: 'S256' });
          return res.writeHead(302, { Location: up.href, 'Set-Cookie': `rp_flow=${secrets.state}; HttpOnly; Path=/` }).end();
        }
        if (req.method === 'GET' && url.pathname === '/upstream/callback') {
          const state = url.searchParams.get('state');
          const secrets = flows.get(state);
          if (!secrets || !(req.headers.cookie ?? '').includes(`rp_flow=${state}`) || url.searchParams.get('iss') !== idp.issuer)
            return res.writeHead(400).end('bad callback');
          const tokens = await postForm(discovery.token_endpoint, idp.ca,
            {
              grant_type: 'authorization_code',
              code: url.searchParams.get('code'),
              redirect_uri: `http://127.0.0.1:${rp.address().port}/upstream/callback`,
              code_verifier: secrets.verifier,
            },
            { Authorization: basic(idp.clientId, idp.clientSecret) });
          const { sub, nonce } = decodeJwt(tokens.body.id_token).payload;
          assert.equal(nonce, secrets.nonce);
          return res.writeHead(302, { Location: `${clientRedirect}?code=final&sub=${sub}&refresh=${Boolean(tokens.body.refresh_token)}` }).end();
        }
        res.writeHead(404).end();
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
    await new Promise((resolve) => rp.listen(0, '127.0.0.1', resolve));
    try {
      idp.setRedirectUris([redirectUri, `http://127.0.0.1:${rp.address().port}/upstream/callback`]);
      const end = await browse(`http://127.0.0.1:${rp.address().port}/authorize`, {
        ca: idp.ca,
        login: 'bob',
        stopAt: [clientRedirect],
        decide: gatehousePages({ username: 'ann', password: 'pw' }),
      });
      assert.equal(end.location, `${clientRedirect}?code=final&sub=bob&refresh=true`, end.hops.join('\n'));
      const shape = (hop) => {
        const [method, url, , status] = hop.split(' ');
        const { protocol, pathname } = new URL(url);
        return `${method} ${protocol} ${pathname.replace(/^\/(interaction|auth)\/[^/]+/, '/$1/:uid')} ${status}`;
      };
      assert.deepEqual(end.hops.map(shape), [
        'GET http: /authorize 200', // the relying party's sign-in page (decide)
        'POST http: /authorize 200', // its consent page (decide)
        'POST http: /authorize 302',
        'GET https: /auth 303',
        'GET https: /interaction/:uid 200', // the provider's login page
        'POST https: /interaction/:uid/login 303',
        'GET https: /auth/:uid 303',
        'GET https: /interaction/:uid 200', // the provider's consent page
        'POST https: /interaction/:uid/confirm 303',
        'GET https: /auth/:uid 303',
        'GET http: /upstream/callback 302', // -> the MCP client, not requested
      ]);
      // Without decide, the relying party's first page is returned.
      const stopped = await browse(`http://127.0.0.1:${rp.address().port}/authorize`, { ca: idp.ca, stopAt: [clientRedirect] });
      assert.equal(stopped.location, null);
      assert.equal(stopped.status, 200);
      assert.match(stopped.html, /name="step" value="login"/);
    } finally {
      idp.setRedirectUris([redirectUri]);
      rp.closeAllConnections();
      await new Promise((resolve) => rp.close(resolve));
    }
  });

  test('short access token lifetime', async () => {
    const short = await startOidcProvider({ accessTokenTtl: 1, redirectUris: [redirectUri] });
    try {
      const secrets = newRequestSecrets();
      const url = new URL(`${short.issuer}/auth`);
      url.search = form({
        response_type: 'code', client_id: short.clientId, redirect_uri: redirectUri, scope: 'openid',
        state: secrets.state, code_challenge: secrets.challenge, code_challenge_method: 'S256',
      });
      const end = await browse(url, { ca: short.ca, login: 'mallory', stopAt: [redirectUri] });
      const res = await postForm(`${short.issuer}/token`, short.ca,
        { grant_type: 'authorization_code', code: new URL(end.location).searchParams.get('code'), redirect_uri: redirectUri, code_verifier: secrets.verifier },
        { Authorization: basic(short.clientId, short.clientSecret) });
      assert.equal(res.body.expires_in, 1);
      const me = () => loopbackRequest(`${short.issuer}/me`, { ca: short.ca, headers: { Authorization: `Bearer ${res.body.access_token}` } });
      assert.deepEqual((await me()).json(), { sub: 'mallory' });
      await new Promise((resolve) => setTimeout(resolve, 1600));
      assert.equal((await me()).status, 401);
    } finally {
      await short.close();
    }
  });
});

describe('oauth2-provider fixture (GitHub-shaped)', { timeout: 20_000 }, () => {
  let gh;
  let redirectUri;

  before(async () => {
    gh = await startOAuth2Provider({ refresh: true });
    redirectUri = `http://127.0.0.1:${await unusedPort()}/upstream/callback`;
  });
  after(() => gh?.close());

  const authorizationRequest = (extra = {}) => {
    const secrets = newRequestSecrets();
    const url = new URL(gh.authorizationEndpoint);
    url.search = form({
      client_id: gh.clientId,
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      state: secrets.state,
      code_challenge: secrets.challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    return { url, secrets };
  };

  const exchange = (code, verifier) =>
    postForm(gh.tokenEndpoint, gh.ca, {
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
      client_id: gh.clientId, client_secret: gh.clientSecret, // client_secret_post
    });

  const signIn = async (login) => {
    const { url, secrets } = authorizationRequest();
    const end = await browse(url, { ca: gh.ca, login, stopAt: [redirectUri] });
    assert.ok(end.location, `no redirect: ${end.status} ${end.html}`);
    const params = new URL(end.location).searchParams;
    assert.equal(params.get('state'), secrets.state);
    const res = await exchange(params.get('code'), secrets.verifier);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { tokens: res.body, secrets };
  };

  const refresh = (refreshToken) =>
    postForm(gh.tokenEndpoint, gh.ca, { grant_type: 'refresh_token', refresh_token: refreshToken }, { Authorization: basic(gh.clientId, gh.clientSecret) });

  const api = (url, accessToken) => loopbackRequest(url, { ca: gh.ca, headers: { Authorization: `Bearer ${accessToken}` } });

  test('a redirect_uri set after start is accepted, not before', async () => {
    const early = await browse(authorizationRequest().url, { ca: gh.ca, login: 'octo', stopAt: [redirectUri] });
    assert.equal(early.location, null);
    assert.equal(early.status, 400);
    gh.setRedirectUris([redirectUri]);
    assert.ok((await signIn('octo')).tokens.access_token);
  });

  test('code -> token -> user API -> refresh with rotation -> revokeRefreshTokens', async () => {
    const before = gh.counts();
    const { tokens, secrets } = await signIn('octo');
    const sent = gh.lastAuthorizationParams();
    assert.equal(sent.code_challenge, secrets.challenge);
    assert.equal(sent.state, secrets.state);
    assert.equal(sent.scope, 'read:user user:email');

    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'read:user,user:email');
    assert.equal(tokens.expires_in, 5);
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.id_token, undefined);

    assert.deepEqual((await api(gh.userEndpoint, tokens.access_token)).json(), { id: 1234, login: 'octo', name: 'Octo Cat', email: 'octo@example.com' });
    assert.deepEqual((await api(gh.emailsEndpoint, tokens.access_token)).json(), [{ email: 'octo@example.com', verified: true, primary: true }]);
    assert.deepEqual((await api(gh.orgsEndpoint, tokens.access_token)).json(), [{ login: 'acme' }]);
    assert.equal((await api(gh.userEndpoint, 'nope')).status, 401);

    const r1 = await refresh(tokens.refresh_token);
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.notEqual(r1.body.refresh_token, tokens.refresh_token);
    assert.equal((await api(gh.userEndpoint, r1.body.access_token)).status, 200);
    const reused = await refresh(tokens.refresh_token);
    assert.equal(reused.status, 400);
    assert.deepEqual(Object.keys(reused.body).sort(), ['error', 'error_description']);
    assert.equal(reused.body.error, 'invalid_grant');

    assert.equal(gh.revokeRefreshTokens('octo'), 2, 'this one and the first test\'s');
    assert.equal((await refresh(r1.body.refresh_token)).body.error, 'invalid_grant');
    assert.deepEqual(gh.tokenRequests().slice(-4), [
      { grant_type: 'authorization_code', client_auth: 'client_secret_post', status: 200 },
      { grant_type: 'refresh_token', client_auth: 'client_secret_basic', status: 200 },
      { grant_type: 'refresh_token', client_auth: 'client_secret_basic', status: 400 },
      { grant_type: 'refresh_token', client_auth: 'client_secret_basic', status: 400 },
    ]);

    assert.deepEqual(delta(gh.counts(), before), {
      authorization: 1,
      token_authorization_code: 1,
      token_refresh_token: 3,
      userinfo: 3,
      emails: 1,
      orgs: 1,
    });
  });

  test('PKCE is required and checked; codes are single use; client auth is checked', async () => {
    const { url } = authorizationRequest();
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const missing = await browse(url, { ca: gh.ca, login: 'octo', stopAt: [redirectUri] });
    assert.equal(new URL(missing.location).searchParams.get('error'), 'invalid_request');

    const { url: url2, secrets } = authorizationRequest();
    const end = await browse(url2, { ca: gh.ca, login: 'octo', stopAt: [redirectUri] });
    const code = new URL(end.location).searchParams.get('code');
    const wrong = await exchange(code, `${secrets.verifier}x`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    assert.equal((await exchange(code, secrets.verifier)).body.error, 'invalid_grant', 'the code was used up');

    const badClient = await postForm(gh.tokenEndpoint, gh.ca, { grant_type: 'refresh_token', refresh_token: 'x' }, { Authorization: basic(gh.clientId, 'wrong') });
    assert.equal(badClient.status, 401);
    assert.equal(badClient.body.error, 'invalid_client');
  });

  test('an unknown login is refused with access_denied', async () => {
    const { url, secrets } = authorizationRequest();
    const end = await browse(url, { ca: gh.ca, login: 'eve', stopAt: [redirectUri] });
    const params = new URL(end.location).searchParams;
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), secrets.state);
    assert.equal(params.get('code'), null);
  });

  test('POST /applications/revoke revokes an access token', async () => {
    const { tokens } = await signIn('hubot');
    assert.equal((await api(gh.userEndpoint, tokens.access_token)).json().login, 'hubot');
    const res = await loopbackRequest(gh.revocationEndpoint, {
      method: 'POST',
      ca: gh.ca,
      headers: { Authorization: basic(gh.clientId, gh.clientSecret), 'Content-Type': 'application/json' },
      body: JSON.stringify({ access_token: tokens.access_token }),
    });
    assert.equal(res.status, 204);
    assert.equal((await api(gh.userEndpoint, tokens.access_token)).status, 401);
    assert.deepEqual(gh.revocations().at(-1), { token: tokens.access_token, kind: 'access_token' });
    assert.equal(gh.counts().revocation, 1);
  });

  test('without options.refresh: no refresh token, no expiry, refresh grant unsupported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-upstream-'));
    const plain = await startOAuth2Provider({ certs: makeCertificates(dir), redirectUris: [redirectUri], clientId: 'other' });
    try {
      const secrets = newRequestSecrets();
      const url = new URL(plain.authorizationEndpoint);
      url.search = form({ client_id: 'other', state: secrets.state, code_challenge: secrets.challenge, code_challenge_method: 'S256' });
      const end = await browse(url, { ca: plain.ca, login: 'octo', stopAt: [redirectUri] });
      assert.ok(end.location.startsWith(redirectUri), 'redirect_uri omitted: the first registered one');
      const res = await postForm(plain.tokenEndpoint, plain.ca,
        { code: new URL(end.location).searchParams.get('code'), code_verifier: secrets.verifier },
        { Authorization: basic('other', plain.clientSecret) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'scope', 'token_type']);
      const refused = await postForm(plain.tokenEndpoint, plain.ca, { grant_type: 'refresh_token', refresh_token: 'x' },
        { Authorization: basic('other', plain.clientSecret) });
      assert.equal(refused.body.error, 'unsupported_grant_type');
    } finally {
      await plain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
