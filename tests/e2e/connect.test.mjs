// End-to-end tests of Gatehouse's connect form (Claude's custom_connection)
// and of the gateway templates that carry a grant's values to a backend:
//
//   [connect] title, description, check_url, [connect.check_headers]
//   [[connect.field]] name, label, kind = url | text | secret, hosts, schemes,
//                     pattern, max_length, required, help
//   [backend.env] / [backend.headers] with {connection.NAME} and
//                 {upstream.access_token}
//
// After signing in and before consent, /authorize shows a form (hidden
// request, csrf_token, step=connect; inputs field_NAME). Gatehouse checks
// the values itself (a 400 page naming each wrong field, secrets never sent
// back), then GETs check_url with check_headers (templates over the values)
// through its SSRF-guarded https client; a 2xx accepts. The values are
// sealed in the vault under the grant the code becomes, and a gateway
// backend whose templates use them gets a process of that grant's own.
//
// The backends are fixtures/probe-server.mjs: `whoami` reports the
// environment (PROBE_USER, PROBE_LITERAL, PROBE_KEY) and, over --http, the
// request headers it got. The check_url target is an https server on
// 127.0.0.1 with the throwaway CA of lib/document-host.mjs (Gatehouse trusts
// it with --insecure-dev --ca-file). The upstream provider (B tests) is the
// oidc-provider fixture of upstream.test.mjs, driven by `browse` of
// lib/upstream-authorize.mjs.
//
//   cd tests/e2e && node --test connect.test.mjs
//
// Two Gatehouse processes: `local` (password sign-in, connect form with
// check_url, one stdio probe backend) for the A tests, `upstream` (method
// "upstream", connect form, a stdio and an --http probe backend) for B1
// and B2; B3 starts Gatehouse with broken configurations. The upstream
// access tokens live ACCESS_TTL = 65 s: Gatehouse refreshes 60 s ahead, so
// a token is due 5 s after it was issued (5 s leave room for the first
// calls to see the token they were given).
//
//   A1  sign-in → connect form → check_url → consent → token → whoami
//   A2  wrong values: 400, per-field messages, refill, secrets never echoed
//   A3  check_url answers 401 / 500 / is unreachable
//   A4  "Not you?" on the consent page, then bob: his values only
//   A5  remembered consent: the connect form first; two grants, two sets
//   A7  without --insecure-dev check_url cannot reach 127.0.0.1 (SSRF guard)
//   A8  `gatehouse keys rotate-vault` while a Gatehouse of its own runs: the
//       old token and a new grant without a restart, both grants after one;
//       with GATEHOUSE_SECRET_KEY the key files are left alone
//   B1  {upstream.access_token} (stdio env, HTTP header) across a refresh
//   B2  "Not you?" after an upstream sign-in: the next person's own values
//   B3  {upstream.*} with method "local", {connection.NAME} of no field
//   A6  (last) no value in any log, nor unsealed in the data directories
//
// The whole file runs in about 30 s.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS, startOidcProvider } from './fixtures/oidc-provider.mjs';
import { CookieJar } from './lib/authorize.mjs';
import {
  authorizationRequest,
  connectSection,
  formsOf,
  getPage,
  mcpClient,
  postForm,
  readConnectPage,
  redeemCode,
  startCheckHost,
  textOf,
  toml,
  tomlValue,
  upstreamLogin,
  whoami,
} from './lib/connect-flow.mjs';
import { makeCertificates } from './lib/document-host.mjs';
import { startNodeServer } from './lib/node-server.mjs';
import { refusedStart, runGatehouse } from './lib/run.mjs';
import { startServer, withLogs } from './lib/server.mjs';
import { browse, loopbackRequest } from './lib/upstream-authorize.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;
const PROBE = path.join(here, 'fixtures', 'probe-server.mjs');

const CLIENT_REDIRECT = 'http://127.0.0.1:9/callback'; // port 9: nobody listens; never requested
const SECRET_ENV = 'GATEHOUSE_LOGIN_CLIENT_SECRET';
const TITLE = 'Connect your Acme account';
const DESCRIPTION = 'Gatehouse keeps these for this connection only.';
const ACCESS_TTL = 65;
const REFRESH_AHEAD = 60;
const DUE_AFTER_MS = (ACCESS_TTL - REFRESH_AHEAD) * 1000;

const ACCOUNTS = {
  ...DEFAULT_ACCOUNTS,
  carol: { sub: 'carol', email: 'carol@example.com', email_verified: true, name: 'Carol Example', preferred_username: 'carol' },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const delta = (later, earlier) =>
  Object.fromEntries(Object.keys(later).map((k) => [k, later[k] - (earlier[k] ?? 0)]).filter(([, v]) => v !== 0));
const rand = (n = 8) => randomBytes(16).toString('hex').slice(0, n);
const apiKey = () => `ak_${rand(8)}`; // matches the field's pattern ak_[a-z0-9]{8}

// ---------------------------------------------------------------------------
// Shared state.

let workDir;
let certs;
let checkHost; // the check_url target
let idp; // the oidc-provider (B tests)
let local; // Gatehouse, password sign-in, connect form with check_url
let upstreamGh; // Gatehouse, method "upstream", connect form, two probe backends
let webProbe; // the --http probe behind upstreamGh
const users = {}; // name -> password
const servers = []; // every Gatehouse started, for the log scan
// Every connect value a test submitted that must never reach a log: [what, value].
const submitted = [];
const remember = (what, value) => {
  submitted.push([what, value]);
  return value;
};

// A loopback port nobody listens on (bound, then closed).
async function closedPort() {
  const s = createNetServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A user's connect values: an instance URL with a path of its own, an accepted API key, a team. */
function valuesFor(who) {
  const key = remember(`${who}'s API key`, apiKey());
  checkHost.accept(key);
  const tenant = remember(`${who}'s tenant`, `t-${who}-${rand(10)}`);
  return { instance: `${checkHost.origin}/${tenant}`, api_key: key, team: `team-${who}` };
}

/** Whether process `pid` still exists. */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const fieldsOf = (values) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`field_${k}`, v]));

// ---------------------------------------------------------------------------
// Configuration.

const CONNECT_FIELDS = [
  {
    name: 'instance',
    label: 'Instance URL',
    kind: 'url',
    hosts: ['127.0.0.1'],
    schemes: ['https'],
    help: 'The address of your Acme instance, e.g. https://127.0.0.1:8443/acme',
  },
  { name: 'api_key', label: 'API key', kind: 'secret', pattern: 'ak_[a-z0-9]{8}', max_length: 64, required: true, help: 'ak_ and 8 letters or digits' },
  { name: 'team', label: 'Team', kind: 'text', required: false, max_length: 16 },
];

function backendTable({ name = 'probe', command, url, env = {}, headers = {} }) {
  const lines = ['[[backend]]', `name = ${toml(name)}`];
  if (command) lines.push(`command = ${tomlValue(command)}`);
  if (url) lines.push(`url = ${toml(url)}`);
  if (Object.keys(env).length) lines.push('[backend.env]', ...Object.entries(env).map(([k, v]) => `${k} = ${toml(v)}`));
  if (Object.keys(headers).length) lines.push('[backend.headers]', ...Object.entries(headers).map(([k, v]) => `${k} = ${toml(v)}`));
  return `${lines.join('\n')}\n`;
}

function localConfig() {
  return `[server]
auth = "oauth"

[oauth]
access_token_lifetime = 300

${connectSection({
  title: TITLE,
  description: DESCRIPTION,
  checkUrl: '{connection.instance}/api/check',
  checkHeaders: { Authorization: 'Bearer {connection.api_key}' },
  fields: CONNECT_FIELDS,
})}
${backendTable({
  command: [NODE, PROBE],
  env: { PROBE_KEY: '{connection.api_key}', PROBE_LITERAL: '{connection.instance}', PROBE_USER: '{user.name}/{connection.team}' },
})}`;
}

function upstreamConfig(webUrl) {
  return `${upstreamLogin(idp)}
${connectSection({
  title: TITLE,
  fields: [{ name: 'api_key', label: 'API key', kind: 'secret', pattern: 'ak_[a-z0-9]{8}' }],
})}
${backendTable({
  name: 'probe',
  command: [NODE, PROBE],
  env: { PROBE_USER: '{upstream.access_token}', PROBE_KEY: '{connection.api_key}', PROBE_LITERAL: '{upstream.email}' },
})}
${backendTable({
  name: 'web',
  url: webUrl,
  headers: { Authorization: 'Bearer {upstream.access_token}', 'X-Probe-User': '{connection.api_key}' },
})}`;
}

function writeConfig(name, text) {
  const file = path.join(workDir, name);
  writeFileSync(file, text);
  return file;
}

/**
 * Gatehouse with `configFile` on a new data directory with `users`, or (a
 * restart) on `dataDir` at `listen`, the address it had.
 */
async function startGatehouse(configFile, { env = {}, users: accounts = {}, insecureDev = true, dataDir: given, listen } = {}) {
  const dataDir = given ?? mkdtempSync(path.join(workDir, 'data-'));
  for (const [name, password] of Object.entries(accounts)) {
    const r = await runGatehouse(['users', 'add', name, '--password-stdin', '--data-dir', dataDir], { input: `${password}\n` });
    assert.equal(r.code, 0, `gatehouse users add ${name}: ${r.stderr}`);
  }
  const server = await startServer({
    args: ['--config', configFile, '--data-dir', dataDir, ...(insecureDev ? ['--insecure-dev', '--ca-file', certs.ca] : [])],
    env,
    ...(listen ? { listen } : {}),
  });
  servers.push(server);
  return server;
}

// ---------------------------------------------------------------------------
// Flows at the local Gatehouse.

/**
 * /authorize at `server` as `user` (password sign-in unless the browser in
 * `jar` is signed in already): returns {request, jar, page} where page is
 * the answer after sign-in (the connect page, if Gatehouse works).
 */
async function signInLocal(server, user, { jar = new CookieJar(), client } = {}) {
  const request = await authorizationRequest(server, { redirectUri: CLIENT_REDIRECT, clientName: 'Connect Test Client', client });
  let page = await getPage(request.url, jar);
  const login = formsOf(page.html).find((f) => f.hidden.step === 'login');
  if (page.status === 200 && login) page = await postForm(server, jar, login, { username: user, password: users[user] });
  return { request, jar, page };
}

/** The connect page of `page` (asserted: 200 and a step=connect form). */
function connectPageOf(page, what) {
  const connect = readConnectPage(page.html);
  assert.equal(page.status, 200, `${what}: HTTP ${page.status} ${page.location ?? ''} ${textOf(page.html).slice(0, 600)}`);
  assert.ok(connect, `${what}: the connect form (step=connect): ${textOf(page.html).slice(0, 600)}`);
  return connect;
}

/** The consent form of `page` (asserted: 200 and a step=consent form). */
function consentFormOf(page, what) {
  const form = formsOf(page.html).find((f) => f.hidden.step === 'consent');
  assert.equal(page.status, 200, `${what}: HTTP ${page.status} ${page.location ?? ''} ${textOf(page.html).slice(0, 600)}`);
  assert.ok(form, `${what}: the consent page (step=consent): ${textOf(page.html).slice(0, 600)}`);
  return form;
}

/** Signs `user` in, fills the connect form with `values`, approves: {tokens, request, jar}. */
async function connectLocal(server, user, values, { jar, client, rememberConsent = false } = {}) {
  const flow = await signInLocal(server, user, { jar, client });
  const connect = connectPageOf(flow.page, `${user}: after signing in`);
  const consentPage = await postForm(server, flow.jar, connect.form, fieldsOf(values));
  const consent = consentFormOf(consentPage, `${user}: after the connect form`);
  const approved = await postForm(server, flow.jar, consent, { decision: 'approve', ...(rememberConsent ? { remember: '1' } : {}) });
  assert.equal(approved.status, 302, `${user}: approve → ${approved.status} ${textOf(approved.html).slice(0, 400)}`);
  const tokens = await redeemCode(server, flow.request, approved.location);
  return { tokens, request: flow.request, jar: flow.jar, consentHtml: consentPage.html };
}

/** What a 400 connect page must never contain: the secret, and any value attribute on a password input. */
function assertNoSecretEchoed(page, secret, what) {
  if (secret) assert.ok(!page.html.includes(secret), `${what}: the secret is not in the page`);
  const connect = readConnectPage(page.html);
  for (const input of connect?.inputs ?? [])
    if (input.type === 'password') assert.equal(input.value, undefined, `${what}: a password input has no value attribute: ${input.tag}`);
}

// ---------------------------------------------------------------------------

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-connect-'));
  certs = makeCertificates(workDir);
  checkHost = await startCheckHost(certs);
  users.alice = randomBytes(12).toString('base64url');
  users.bob = randomBytes(12).toString('base64url');
  local = await startGatehouse(writeConfig('local.toml', localConfig()), { users });
});

after(async () => {
  for (const server of servers) await server.stop();
  await webProbe?.stop();
  await idp?.close();
  await checkHost?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

let aliceGrant; // test A1's: {tokens, values}

test('A1. password sign-in → connect form → check_url (expanded Authorization) → consent → token; whoami sees the values', { timeout: 20_000 }, () =>
  withLogs(local, async () => {
    const values = valuesFor('alice');
    const flow = await signInLocal(local, 'alice');
    const connect = connectPageOf(flow.page, 'after signing in');

    // The page.
    assert.match(connect.title, new RegExp(TITLE), `the page title: ${connect.title}`);
    assert.match(connect.text, new RegExp(TITLE));
    assert.match(connect.text, new RegExp(DESCRIPTION));
    assert.match(connect.text, /Connect Test Client/, 'names the client');
    assert.match(connect.text, /alice/, 'names the signed-in user');
    assert.equal(connect.form.method, 'post');
    assert.equal(new URL(connect.form.action, local.url).pathname, '/authorize');
    assert.ok(connect.form.hidden.request, 'hidden request');
    assert.ok(connect.form.hidden.csrf_token, 'hidden csrf_token');
    const byName = Object.fromEntries(connect.inputs.map((i) => [i.name, i]));
    assert.deepEqual(Object.keys(byName).sort(), ['field_api_key', 'field_instance', 'field_team'], JSON.stringify(connect.inputs));
    assert.equal(byName.field_instance.type, 'url');
    assert.equal(byName.field_api_key.type, 'password');
    assert.equal(byName.field_team.type, 'text');
    for (const input of connect.inputs) {
      assert.equal(input.id, input.name, `id = name: ${input.tag}`);
      assert.equal(input.value, undefined, `an empty form: ${input.tag}`);
      assert.match(flow.page.html, new RegExp(`<label for="${input.id}">`), `a label for ${input.id}`);
    }
    assert.match(connect.text, /Instance URL/);
    assert.match(connect.text, /API key/);
    assert.match(connect.text, /Team \(optional\)/);
    assert.deepEqual(connect.problems, {}, 'no problems yet');
    assert.match(flow.page.headers.get('content-security-policy') ?? '', /form-action 'self'/);

    // Submitted: the check, then consent.
    const checksBefore = checkHost.requests.length;
    const consentPage = await postForm(local, flow.jar, connect.form, fieldsOf(values));
    const consent = consentFormOf(consentPage, 'after the connect form');
    const checks = checkHost.requests.slice(checksBefore);
    assert.equal(checks.length, 1, `one check request: ${JSON.stringify(checks)}`);
    assert.equal(checks[0].method, 'GET');
    assert.equal(checks[0].path, `${new URL(values.instance).pathname}/api/check`, 'check_url expanded with {connection.instance}');
    assert.equal(checks[0].authorization, `Bearer ${values.api_key}`, 'check_headers expanded with {connection.api_key}');
    assert.ok(!consentPage.html.includes(values.api_key), 'the consent page does not show the secret');

    const approved = await postForm(local, flow.jar, consent, { decision: 'approve' });
    assert.equal(approved.status, 302, `approve → ${approved.status} ${textOf(approved.html).slice(0, 400)}`);
    const tokens = await redeemCode(local, flow.request, approved.location);
    aliceGrant = { tokens, values };

    const seen = await whoami({ server: local, accessToken: tokens.access_token });
    assert.equal(seen.env.PROBE_KEY, values.api_key, `{connection.api_key}: ${JSON.stringify(seen.env)}`);
    assert.equal(seen.env.PROBE_LITERAL, values.instance, '{connection.instance}');
    assert.equal(seen.env.PROBE_USER, `alice/${values.team}`, '{user.name}/{connection.team}');
    aliceGrant.pid = seen.pid;
  }));

test('A2. invalid values → 400, the same page with the wrong field named, non-secret values refilled, the secret never echoed; no check request', { timeout: 20_000 }, () =>
  withLogs(local, async () => {
    const good = valuesFor('alice2');
    const badKey = (s) => remember('a refused API key', s);
    const port = new URL(checkHost.origin).port;
    const cases = [
      { what: 'missing API key', values: { ...good, api_key: '' }, field: 'api_key', message: /API key is required/ },
      { what: 'missing instance', values: { ...good, instance: '' }, field: 'instance', message: /Instance URL is required/ },
      { what: 'not a URL', values: { ...good, instance: 'acme instance' }, field: 'instance', message: /full URL/ },
      { what: 'http URL', values: { ...good, instance: `http://127.0.0.1:${port}/x` }, field: 'instance', message: /https:\/\// },
      { what: 'host not allowed', values: { ...good, instance: `https://localhost:${port}/x` }, field: 'instance', message: /only addresses at 127\.0\.0\.1/ },
      { what: 'user info in the URL', values: { ...good, instance: `https://u:p@127.0.0.1:${port}/x` }, field: 'instance', message: /user name and password/ },
      { what: 'pattern mismatch', values: { ...good, api_key: badKey(`sk_${rand(8)}`) }, field: 'api_key', message: /API key is not in the expected form/ },
      { what: 'oversize secret', values: { ...good, api_key: badKey(`ak_${rand(8)}${'z'.repeat(60)}`) }, field: 'api_key', message: /too long: at most 64/ },
      { what: 'oversize text', values: { ...good, team: `team-${'x'.repeat(20)}` }, field: 'team', message: /Team is too long: at most 16/ },
      { what: 'control character', values: { ...good, team: 'a\u0007b' }, field: 'team', message: /control character/ },
      { what: 'two at once', values: { instance: 'nope', api_key: badKey('ak_UPPER123') }, field: ['api_key', 'instance'], message: /./ },
    ];

    const flow = await signInLocal(local, 'alice');
    let connect = connectPageOf(flow.page, 'after signing in');
    const checksBefore = checkHost.requests.length;
    const failures = [];
    for (const c of cases) {
      const page = await postForm(local, flow.jar, connect.form, fieldsOf(c.values));
      const again = readConnectPage(page.html);
      const shown = `${c.what}: HTTP ${page.status} ${textOf(page.html).slice(0, 500)}`;
      try {
        assert.equal(page.status, 400, shown);
        assert.ok(again, `${c.what}: the connect page again: ${shown}`);
        const expected = [c.field].flat().sort();
        assert.deepEqual(Object.keys(again.problems).sort(), expected, `${c.what}: the field(s) named: ${JSON.stringify(again.problems)}`);
        for (const f of expected) assert.match(again.problems[f], c.message, `${c.what}: ${JSON.stringify(again.problems)}`);
        assert.match(again.notice ?? '', /Check the fields/, `${c.what}: the page-wide notice`);
        const input = (name) => again.inputs.find((i) => i.name === `field_${name}`);
        for (const f of expected) {
          assert.match(input(f).tag, /aria-invalid="true"/, `${c.what}: ${input(f).tag}`);
          assert.match(input(f).tag, new RegExp(`aria-describedby="field_${f}_problem"`), `${c.what}: ${input(f).tag}`);
        }
        // Non-secret values come back as typed; the secret never.
        if (c.values.instance) assert.equal(input('instance').value, c.values.instance, `${c.what}: instance refilled`);
        if (c.values.team && !/[\u0000-\u001f]/.test(c.values.team)) assert.equal(input('team').value, c.values.team, `${c.what}: team refilled`);
        assertNoSecretEchoed(page, c.values.api_key, c.what);
        connect = again;
      } catch (err) {
        failures.push(err.message);
      }
    }
    assert.equal(checkHost.requests.length, checksBefore, 'values that fail the form are never sent to check_url');
    assert.deepEqual(failures, []);

    // Corrected on the same page: the consent page.
    const fixed = await postForm(local, flow.jar, connect.form, fieldsOf(good));
    consentFormOf(fixed, 'after correcting the values');
  }));

test('A3. check_url refuses (401) → 400 "refused these credentials"; 500 → "did not accept"; unreachable → "could not be reached"; the secret never echoed', { timeout: 25_000 }, () =>
  withLogs(local, async () => {
    const good = valuesFor('alice3');
    const refusedKey = remember('a key the check refuses', apiKey());
    const flow = await signInLocal(local, 'alice');
    let connect = connectPageOf(flow.page, 'after signing in');

    const cases = [
      { what: 'refused (401)', values: { ...good, api_key: refusedKey }, notice: /refused these credentials \(HTTP 401\)/, checked: true },
      { what: 'server error (500)', values: { ...good, instance: `${checkHost.origin}/broken` }, notice: /did not accept the check \(HTTP 500\)/, checked: true },
      { what: 'unreachable', values: { ...good, instance: `https://127.0.0.1:${await closedPort()}/acme` }, notice: /could not be reached/, checked: false },
    ];
    for (const c of cases) {
      const before = checkHost.requests.length;
      const page = await postForm(local, flow.jar, connect.form, fieldsOf(c.values));
      const again = readConnectPage(page.html);
      const shown = `${c.what}: HTTP ${page.status} ${textOf(page.html).slice(0, 600)}`;
      assert.equal(page.status, 400, shown);
      assert.ok(again, `the connect page again: ${shown}`);
      assert.match(again.notice ?? '', c.notice, shown);
      assert.deepEqual(again.problems, {}, `${c.what}: no field is blamed: ${JSON.stringify(again.problems)}`);
      assert.equal(again.inputs.find((i) => i.name === 'field_instance').value, c.values.instance, `${c.what}: instance refilled`);
      assertNoSecretEchoed(page, c.values.api_key, c.what);
      const made = checkHost.requests.slice(before);
      if (c.checked) {
        assert.equal(made.length, 1, `${c.what}: one check request: ${JSON.stringify(made)}`);
        assert.equal(made[0].authorization, `Bearer ${c.values.api_key}`);
      }
      connect = again;
    }

    // Accepted: consent.
    const accepted = await postForm(local, flow.jar, connect.form, fieldsOf(good));
    consentFormOf(accepted, 'after the check accepted');
  }));

test('A4. "Not you?" on the consent page discards what was entered: bob signs in next, gets an empty connect form, and his grant has his values only', { timeout: 20_000 }, () =>
  withLogs(local, async () => {
    const aliceValues = valuesFor('alice4');
    const bobValues = valuesFor('bob');
    const flow = await signInLocal(local, 'alice');
    const connect = connectPageOf(flow.page, 'alice signed in');
    const consentPage = await postForm(local, flow.jar, connect.form, fieldsOf(aliceValues));
    const aliceConsent = consentFormOf(consentPage, 'alice connected');
    const signout = formsOf(consentPage.html).find((f) => f.hidden.step === 'signout');
    assert.ok(signout, 'the consent page has a "Not you?" sign-out form');

    const loginPage = await postForm(local, flow.jar, signout, {});
    assert.equal(loginPage.status, 200, `sign out → ${loginPage.status} ${textOf(loginPage.html).slice(0, 400)}`);
    const login = formsOf(loginPage.html).find((f) => f.hidden.step === 'login');
    assert.ok(login, `the sign-in page after signing out: ${textOf(loginPage.html).slice(0, 400)}`);

    const bobPage = await postForm(local, flow.jar, login, { username: 'bob', password: users.bob });
    const bobConnect = connectPageOf(bobPage, 'bob signed in after alice signed out');
    assert.match(bobConnect.text, /bob/);
    for (const input of bobConnect.inputs) assert.equal(input.value, undefined, `nothing of alice's is filled in: ${input.tag}`);
    assert.ok(!bobPage.html.includes(aliceValues.api_key) && !bobPage.html.includes(aliceValues.instance), 'alice\'s values are not on bob\'s page');

    // Alice's consent form, replayed now that bob is signed in, does not
    // give bob a code carrying alice's values.
    const replay = await postForm(local, flow.jar, aliceConsent, { decision: 'approve' });
    assert.notEqual(replay.status, 302, `alice's old consent form with bob signed in must not issue a code: ${replay.location}`);
    assert.ok([400, 403].includes(replay.status), `alice's old consent form → ${replay.status} ${textOf(replay.html).slice(0, 400)}`);

    const bobConsentPage = await postForm(local, flow.jar, bobConnect.form, fieldsOf(bobValues));
    const bobConsent = consentFormOf(bobConsentPage, 'bob connected');
    assert.match(textOf(bobConsentPage.html), /as bob/, 'the consent page names bob');
    const approved = await postForm(local, flow.jar, bobConsent, { decision: 'approve' });
    assert.equal(approved.status, 302, `bob approves → ${approved.status} ${textOf(approved.html).slice(0, 400)}`);
    const tokens = await redeemCode(local, flow.request, approved.location);
    const seen = await whoami({ server: local, accessToken: tokens.access_token });
    assert.equal(seen.env.PROBE_KEY, bobValues.api_key, `bob's key: ${JSON.stringify(seen.env)}`);
    assert.equal(seen.env.PROBE_LITERAL, bobValues.instance);
    assert.equal(seen.env.PROBE_USER, `bob/${bobValues.team}`);

    // Two users at once: each process has its own user's values.
    assert.ok(aliceGrant, 'A1 connected alice');
    const [a, b] = await Promise.all([
      whoami({ server: local, accessToken: aliceGrant.tokens.access_token }),
      whoami({ server: local, accessToken: tokens.access_token }),
    ]);
    assert.equal(a.env.PROBE_KEY, aliceGrant.values.api_key);
    assert.equal(b.env.PROBE_KEY, bobValues.api_key);
    assert.notEqual(a.pid, b.pid, 'a process per user');
  }));

test('A5. remembered consent: the connect form is still shown first, then straight to the client; two grants of one user keep their own values', { timeout: 20_000 }, () =>
  withLogs(local, async () => {
    const first = valuesFor('alice5');
    const second = valuesFor('alice6');
    const one = await connectLocal(local, 'alice', first, { rememberConsent: true });

    // The same browser and client again: no sign-in, the connect form, then the code.
    const request = await authorizationRequest(local, { redirectUri: CLIENT_REDIRECT, client: one.request.client });
    const page = await getPage(request.url, one.jar);
    assert.notEqual(page.status, 302, `with remembered consent the connect form comes first, not a redirect: ${page.location}`);
    const connect = connectPageOf(page, 'with remembered consent');
    assert.ok(!formsOf(page.html).some((f) => f.hidden.step === 'login'), 'still signed in');
    const done = await postForm(local, one.jar, connect.form, fieldsOf(second));
    assert.equal(done.status, 302, `remembered consent: the connect form leads to the client: ${done.status} ${textOf(done.html).slice(0, 400)}`);
    const two = await redeemCode(local, request, done.location);

    const [seenOne, seenTwo] = await Promise.all([
      whoami({ server: local, accessToken: one.tokens.access_token }),
      whoami({ server: local, accessToken: two.access_token }),
    ]);
    assert.equal(seenOne.env.PROBE_KEY, first.api_key, 'the first grant keeps its values');
    assert.equal(seenOne.env.PROBE_LITERAL, first.instance);
    assert.equal(seenTwo.env.PROBE_KEY, second.api_key, 'the second grant has the new values');
    assert.equal(seenTwo.env.PROBE_LITERAL, second.instance);
    assert.notEqual(seenOne.pid, seenTwo.pid, 'a process per grant');
  }));

// The upstream Gatehouse of the B tests (started by the first that needs it):
// the oidc-provider, the --http probe, and Gatehouse with method "upstream",
// a connect form and both probes as backends.
async function startUpstream() {
  if (upstreamGh) return upstreamGh;
  idp = await startOidcProvider({ certs, accessTokenTtl: ACCESS_TTL, accounts: ACCOUNTS });
  webProbe = await startNodeServer('probe --http', [PROBE, '--http'], { portRe: /probe-http: listening on 127\.0\.0\.1:(\d+)/ });
  upstreamGh = await startGatehouse(writeConfig('upstream.toml', upstreamConfig(`http://127.0.0.1:${webProbe.port}/mcp`)), {
    env: { [SECRET_ENV]: idp.clientSecret },
  });
  idp.setRedirectUris([`${upstreamGh.url}/oauth/upstream/callback`]);
  return upstreamGh;
}

test('A7. without --insecure-dev the SSRF guard keeps check_url off loopback: 400 "cannot be used", nothing reaches the check host', { timeout: 20_000 }, async () => {
  const guarded = await startGatehouse(writeConfig('guarded.toml', localConfig()), { users: { alice: users.alice }, insecureDev: false });
  await withLogs(guarded, async () => {
    const values = valuesFor('alice7');
    const flow = await signInLocal(guarded, 'alice');
    const connect = connectPageOf(flow.page, 'after signing in');
    const before = checkHost.requests.length;
    const page = await postForm(guarded, flow.jar, connect.form, fieldsOf(values));
    const again = readConnectPage(page.html);
    const shown = `HTTP ${page.status} ${textOf(page.html).slice(0, 600)}`;
    assert.equal(page.status, 400, shown);
    assert.ok(again, `the connect page again: ${shown}`);
    assert.match(again.notice ?? '', /cannot be used/, shown);
    assertNoSecretEchoed(page, values.api_key, 'SSRF refusal');
    assert.equal(checkHost.requests.length, before, 'no request reached the loopback check host');
  });
});

/** The vault's key files in `dataDir`/keys (upstream-vault.*): {name: {mode, mtimeMs, bytes}}. */
function keyFiles(dataDir) {
  const dir = path.join(dataDir, 'keys');
  return Object.fromEntries(readdirSync(dir).filter((name) => name.startsWith('upstream-vault.')).map((name) => {
    const file = path.join(dir, name);
    const st = statSync(file);
    return [name, { mode: st.mode & 0o777, mtimeMs: st.mtimeMs, bytes: readFileSync(file, 'utf8') }];
  }));
}

/** `gatehouse keys rotate-vault --data-dir dataDir` (asserted: exit 0): its stdout. */
async function rotateVault(dataDir, env = {}) {
  const r = await runGatehouse(['keys', 'rotate-vault', '--data-dir', dataDir], { env });
  assert.equal(r.code, 0, `gatehouse keys rotate-vault: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('A8. vault key rotation while the server runs: keys rotate-vault seals the record anew; the old token and a new grant work without a restart, both grants after one; with GATEHOUSE_SECRET_KEY the key files stay', { timeout: 30_000 }, async () => {
  const configFile = writeConfig('rotate.toml', localConfig());
  let server = await startGatehouse(configFile, { users: { alice: users.alice } });
  const { dataDir, port } = server;
  const READ_AGAIN = /upstream token vault: keys read again/;
  // What Gatehouse does differently from docs/upstream.md ("The token
  // vault"), collected so that every later step is still checked.
  const discrepancies = [];
  const grants = []; // [{tokens, values}]

  await withLogs(server, async () => {
    // 1. A grant whose values are sealed in the vault.
    const values = valuesFor('alice8');
    const { tokens } = await connectLocal(server, 'alice', values);
    grants.push({ tokens, values });
    const seen = await whoami({ server, accessToken: tokens.access_token });
    assert.equal(seen.env.PROBE_KEY, values.api_key, `before the rotation: ${JSON.stringify(seen.env)}`);
    assert.equal(seen.env.PROBE_LITERAL, values.instance);

    // 2. The rotation, the server running.
    const before = keyFiles(dataDir);
    assert.deepEqual(Object.keys(before), ['upstream-vault.key'], 'one vault key file before the rotation');
    const out = await rotateVault(dataDir);
    const sealed = /(\d+) records? sealed anew/.exec(out);
    assert.ok(sealed && Number(sealed[1]) >= 1, `at least the grant's record is sealed anew: ${out}`);
    assert.match(out, /running servers pick up the new key/, out);
    const after = keyFiles(dataDir);
    assert.ok(after['upstream-vault.previous'], `upstream-vault.previous exists: ${Object.keys(after)}`);
    assert.equal(after['upstream-vault.previous'].mode, 0o600, `upstream-vault.previous is 0600, not ${after['upstream-vault.previous'].mode.toString(8)}`);
    assert.equal(after['upstream-vault.key'].mode, 0o600, 'upstream-vault.key is still 0600');
    assert.ok(after['upstream-vault.key'].bytes !== before['upstream-vault.key'].bytes, 'upstream-vault.key holds a new key');
    assert.ok(after['upstream-vault.previous'].bytes.split(/\r?\n/).includes(before['upstream-vault.key'].bytes.trim()),
      'the old key is kept in upstream-vault.previous');

    // The running server notices the new key files within its 5-second housekeeping tick.
    const deadline = Date.now() + 8_000;
    while (!READ_AGAIN.test(server.logs()) && Date.now() < deadline) await sleep(100);
    if (!READ_AGAIN.test(server.logs()))
      discrepancies.push('within 8 s of the rotation the server never logged "upstream token vault: keys read again"; ' +
        'its vault log lines: ' + JSON.stringify(server.logs().split('\n').filter((l) => /token vault/.test(l))));

    // 3. No restart: the same access token still works, and so does a new grant's sign-in.
    const again = await whoami({ server, accessToken: tokens.access_token });
    assert.equal(again.env.PROBE_KEY, values.api_key, `the old token after the rotation: ${JSON.stringify(again.env)}`);
    const newValues = valuesFor('alice9');
    const next = await connectLocal(server, 'alice', newValues);
    grants.push({ tokens: next.tokens, values: newValues });
    const seenNew = await whoami({ server, accessToken: next.tokens.access_token });
    assert.equal(seenNew.env.PROBE_KEY, newValues.api_key, `a grant made after the rotation: ${JSON.stringify(seenNew.env)}`);
    assert.equal(seenNew.env.PROBE_LITERAL, newValues.instance);
    assert.notEqual(seenNew.pid, again.pid, 'a process per grant');
  });

  // 4. A restart on the same data directory and address: every grant's values open.
  await server.stop();
  server = await startGatehouse(configFile, { dataDir, listen: `127.0.0.1:${port}` });
  await withLogs(server, async () => {
    for (const [i, { tokens, values }] of grants.entries()) {
      const seen = await whoami({ server, accessToken: tokens.access_token });
      assert.equal(seen.env.PROBE_KEY, values.api_key, `grant ${i + 1} after the restart: ${JSON.stringify(seen.env)}`);
      assert.equal(seen.env.PROBE_LITERAL, values.instance);
    }
  });

  // 5. With GATEHOUSE_SECRET_KEY (a throwaway data directory with key files
  // of its own): the command seals under the environment's key and leaves the files.
  const spare = mkdtempSync(path.join(workDir, 'vault-env-'));
  await rotateVault(spare); // creates upstream-vault.key
  await rotateVault(spare); // and upstream-vault.previous
  const files = keyFiles(spare);
  assert.deepEqual(Object.keys(files).sort(), ['upstream-vault.key', 'upstream-vault.previous']);
  await sleep(20); // an mtime written now would differ
  const out = await rotateVault(spare, { GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64') });
  assert.match(out, /\(GATEHOUSE_SECRET_KEY\)/, `seals under the environment's key: ${out}`);
  assert.match(out, /servers must run with this GATEHOUSE_SECRET_KEY/, out);
  const unchanged = keyFiles(spare);
  assert.deepEqual(Object.keys(unchanged).sort(), Object.keys(files).sort(), 'no vault key file added or removed');
  for (const [name, f] of Object.entries(files)) {
    assert.ok(unchanged[name].bytes === f.bytes, `${name}: content unchanged`);
    assert.equal(unchanged[name].mtimeMs, f.mtimeMs, `${name}: not written again`);
  }

  assert.deepEqual(discrepancies, []);
});

test('B1. {upstream.access_token} in a stdio env and an HTTP header: the current upstream token; after the upstream refresh a new process / backend session carries the new one; connect values survive the refresh', { timeout: 40_000 }, async () => {
  const server = await startUpstream();
  await withLogs(server, async () => {
    const key = remember('the upstream user\'s API key', apiKey());
    const request = await authorizationRequest(server, { redirectUri: CLIENT_REDIRECT, clientName: 'Upstream Connect Client' });
    const jar = new CookieJar();
    const first = await getPage(request.url, jar);
    assert.equal(first.status, 302, `GET /authorize → ${first.status}: to the provider`);
    const pages = [];
    const end = await browse(first.location, {
      ca: idp.ca,
      jar,
      login: 'alice',
      stopAt: [CLIENT_REDIRECT],
      decide: ({ form, html }) => {
        pages.push(form.hidden.step);
        if (form.hidden.step === 'connect') {
          assert.match(textOf(html), new RegExp(TITLE));
          return { field_api_key: key };
        }
        if (form.hidden.step === 'consent') return { decision: 'approve' };
        return null;
      },
    });
    const issuedBy = Date.now();
    assert.deepEqual(pages, ['connect', 'consent'], `Gatehouse's pages after the provider: ${pages}; ended at ${end.status} ${end.url} ${textOf(end.html).slice(0, 400)}`);
    const tokens = await redeemCode(server, request, end.location);

    const client = await mcpClient(server, tokens.access_token);
    try {
      const { tools } = await client.listTools(undefined, { timeout: 15_000 });
      const names = tools.map((t) => t.name);
      assert.ok(names.includes('probe__whoami') && names.includes('web__whoami'), `both backends' tools: ${names}`);

      // Within the token's fresh time: one process, one backend session, the token just issued.
      const before = idp.counts();
      const s1 = await whoami({ client, tool: 'probe__whoami' });
      const s1again = await whoami({ client, tool: 'probe__whoami' });
      const w1 = await whoami({ client, tool: 'web__whoami' });
      const elapsed = Date.now() - issuedBy;
      assert.equal(delta(idp.counts(), before).token_refresh_token ?? 0, 0,
        `no refresh yet (${elapsed} ms after sign-in; the token is due after ${DUE_AFTER_MS} ms)`);
      const token1 = s1.env.PROBE_USER;
      assert.ok(token1, `PROBE_USER = {upstream.access_token}: ${JSON.stringify(s1.env)}`);
      assert.notEqual(token1, tokens.access_token, 'the upstream token, not Gatehouse\'s');
      const me1 = await loopbackRequest(`${idp.issuer}/me`, { ca: idp.ca, headers: { Authorization: `Bearer ${token1}` } });
      assert.equal(me1.status, 200, `the provider's userinfo takes it: ${me1.status} ${me1.body}`);
      assert.equal(me1.json().sub, 'alice');
      assert.equal(s1.env.PROBE_KEY, key, '{connection.api_key} after an upstream sign-in');
      assert.equal(s1.env.PROBE_LITERAL, 'alice@example.com', '{upstream.email}');
      assert.equal(s1again.pid, s1.pid, 'the same process while the token is unchanged');
      assert.equal(s1again.env.PROBE_USER, token1);
      assert.equal(w1.headers?.authorization, `Bearer ${token1}`, `the HTTP backend's Authorization header: ${JSON.stringify(w1.headers)}`);
      assert.equal(w1.headers?.['x-probe-user'], key, 'X-Probe-User = {connection.api_key}');
      remember('upstream access token 1', token1);

      // Due: the next call refreshes once and is served by a new process.
      await sleep(Math.max(0, issuedBy + DUE_AFTER_MS + 700 - Date.now()));
      const middle = idp.counts();
      const s2 = await whoami({ client, tool: 'probe__whoami' });
      assert.equal(delta(idp.counts(), middle).token_refresh_token ?? 0, 1, `one upstream refresh: ${JSON.stringify(delta(idp.counts(), middle))}`);
      const token2 = s2.env.PROBE_USER;
      remember('upstream access token 2', token2);
      assert.ok(token2 && token2 !== token1, `a new upstream token in the new process: ${token2 === token1 ? 'unchanged' : token2}`);
      assert.notEqual(s2.pid, s1.pid, `a new process carries the new token (pid ${s1.pid} → ${s2.pid})`);
      assert.equal(s2.env.PROBE_KEY, key, 'the connect values survive the refresh');
      const me2 = await loopbackRequest(`${idp.issuer}/me`, { ca: idp.ca, headers: { Authorization: `Bearer ${token2}` } });
      assert.equal(me2.status, 200, `the new token is a live one: ${me2.status} ${me2.body}`);
      const w2 = await whoami({ client, tool: 'web__whoami' });
      assert.equal(w2.headers?.authorization, `Bearer ${token2}`, `the HTTP backend gets the new token: ${JSON.stringify(w2.headers)}`);
      assert.notEqual(w2.headers?.['mcp-session-id'], w1.headers?.['mcp-session-id'], 'in a new backend session');
      const s3 = await whoami({ client, tool: 'probe__whoami' });
      assert.equal(s3.pid, s2.pid, 'and kept while the token stays');
      assert.equal(s3.env.PROBE_USER, token2);

      // The replaced process is stopped.
      const deadline = Date.now() + 5_000;
      while (isAlive(s1.pid) && Date.now() < deadline) await sleep(100);
      assert.equal(isAlive(s1.pid), false, `the replaced process ${s1.pid} was stopped`);
    } finally {
      await client.close().catch(() => {});
    }
  });
});

/** A new cookie jar holding only `jar`'s cookies for `url`'s host (a browser whose provider session is gone). */
function onlyCookiesOf(jar, url) {
  const fresh = new CookieJar();
  const pairs = (jar.header(url) ?? '').split('; ').filter(Boolean);
  fresh.store(url, { headers: { getSetCookie: () => pairs } });
  return fresh;
}

test('B2. upstream sign-in: "Not you?" on the consent page discards the connect values; the next person signs in at the provider and fills in the form anew', { timeout: 30_000 }, async () => {
  const server = await startUpstream();
  await withLogs(server, async () => {
    const aliceKey = remember('alice\'s API key (upstream)', apiKey());
    const carolKey = remember('carol\'s API key (upstream)', apiKey());
    const request = await authorizationRequest(server, { redirectUri: CLIENT_REDIRECT, clientName: 'Upstream Connect Client' });
    const jar = new CookieJar();
    const first = await getPage(request.url, jar);
    assert.equal(first.status, 302, `GET /authorize → ${first.status}: to the provider`);
    const atConsent = await browse(first.location, {
      ca: idp.ca,
      jar,
      login: 'alice',
      decide: ({ form }) => (form.hidden.step === 'connect' ? { field_api_key: aliceKey } : null),
    });
    consentFormOf(atConsent, 'alice connected after the provider');
    assert.match(textOf(atConsent.html), /alice/);
    const signout = formsOf(atConsent.html).find((f) => f.hidden.step === 'signout');
    assert.ok(signout, 'the consent page has a "Not you?" sign-out form');

    // Another person at this browser: Gatehouse's cookies stay, the provider's session is not theirs.
    const browser = onlyCookiesOf(jar, server.url);
    const out = await postForm(server, browser, signout, {}).catch((err) => ({ error: err }));
    assert.ok(!out.error, `"Not you?" (POST /authorize step=signout) got no answer: ${out.error?.cause?.code ?? out.error?.message}; ` +
      `Gatehouse ${isAlive(server.pid) ? 'is still running' : 'has exited'}`);
    assert.equal(out.status, 302, `"Not you?" → ${out.status} ${textOf(out.html).slice(0, 400)}`);
    assert.ok(out.location.startsWith(`${idp.issuer}/auth?`), `back to the provider: ${out.location}`);
    const pages = [];
    const end = await browse(out.location, {
      ca: idp.ca,
      jar: browser,
      login: 'carol',
      stopAt: [CLIENT_REDIRECT],
      decide: ({ form, html }) => {
        pages.push(form.hidden.step);
        if (form.hidden.step === 'connect') {
          for (const [, tag] of html.matchAll(/(<input\b[^>]*name="field_[^"]*"[^>]*>)/g)) assert.doesNotMatch(tag, /\svalue=/, `nothing filled in for carol: ${tag}`);
          return { field_api_key: carolKey };
        }
        if (form.hidden.step === 'consent') return { decision: 'approve' };
        return null;
      },
    });
    let seen = null;
    if (end.location) {
      const tokens = await redeemCode(server, request, end.location);
      seen = await whoami({ server, accessToken: tokens.access_token, tool: 'probe__whoami' }).catch((err) => ({ error: err.message }));
    }
    const outcome = `Gatehouse's pages for carol: ${JSON.stringify(pages)}; ended ${end.location ?? `${end.status} ${end.url}`}; whoami: ${JSON.stringify(seen?.env ?? seen)}`;
    assert.deepEqual(pages, ['connect', 'consent'], `after "Not you?" the next person is asked for their own values: ${outcome}`);
    assert.equal(seen?.env?.PROBE_LITERAL, 'carol@example.com', outcome);
    assert.equal(seen?.env?.PROBE_KEY, carolKey, `carol's grant carries carol's key: ${outcome}`);
  });
});

/** `gatehouse serve` with `configFile`, expected to refuse to start: {code, stdout, stderr} (lib/run.mjs). */
const refusedStartWith = (configFile, env = {}) =>
  refusedStart(['--config', configFile, '--data-dir', mkdtempSync(path.join(workDir, 'refused-')), '--insecure-dev', '--ca-file', certs.ca], { env });

test('B3. configurations refused at start: {upstream.access_token} with [login] method "local"; {connection.NAME} naming no [[connect.field]]', { timeout: 40_000 }, async () => {
  const probe = (env) => backendTable({ command: [NODE, PROBE], env });
  const cases = [
    {
      what: '{upstream.access_token} with method "local"',
      text: `[server]\nauth = "oauth"\n\n[login]\nmethod = "local"\n\n${probe({ PROBE_USER: '{upstream.access_token}' })}`,
      stderr: [/\{upstream\.access_token\}/, /upstream sign-in/],
    },
    {
      what: '{connection.nope} next to a connect form without that field',
      text: `[server]\nauth = "oauth"\n\n${connectSection({ title: TITLE, fields: [{ name: 'api_key', label: 'API key', kind: 'secret' }] })}\n${probe({ PROBE_KEY: '{connection.nope}' })}`,
      stderr: [/\{connection\.nope\}/, /names no \[\[connect\.field\]\]/],
    },
    {
      what: '{connection.api_kee}: a near miss is spelled out',
      text: `[server]\nauth = "oauth"\n\n${connectSection({ title: TITLE, fields: [{ name: 'api_key', label: 'API key', kind: 'secret' }] })}\n${probe({ PROBE_KEY: '{connection.api_kee}' })}`,
      stderr: [/names no \[\[connect\.field\]\]/, /did you mean \{connection\.api_key\}/],
    },
    {
      what: '{connection.api_key} without any connect form',
      text: `[server]\nauth = "oauth"\n\n${probe({ PROBE_KEY: '{connection.api_key}' })}`,
      stderr: [/\{connection\.api_key\}/, /names no \[\[connect\.field\]\]/],
    },
  ];
  const results = await Promise.all(cases.map((c, i) => refusedStartWith(writeConfig(`refused-${i}.toml`, c.text))));
  const failures = [];
  cases.forEach((c, i) => {
    const { code, stdout, stderr } = results[i];
    try {
      assert.ok(code !== null && code !== 0, `${c.what}: exit code ${code}`);
      assert.doesNotMatch(stdout, /listening on/, `${c.what}: never listened`);
      for (const re of c.stderr) assert.match(stderr, re, `${c.what}: stderr names the problem: ${stderr.slice(-1500)}`);
    } catch (err) {
      failures.push(err.message);
    }
  });
  assert.deepEqual(failures, []);
});

test('A6. no connect value, API key or upstream token appears in any Gatehouse log, nor unsealed in its data directory', { timeout: 10_000 }, () => {
  assert.ok(submitted.length >= 10, `values were submitted: ${submitted.length}`);
  assert.ok(servers.length >= 1);
  const leaks = [];
  for (const [i, server] of servers.entries()) {
    const logs = server.logs();
    assert.ok(logs.length > 0, `Gatehouse #${i} logged something`);
    // Every file of its data directory (the SQLite database and its WAL among them).
    const files = readdirSync(server.dataDir, { recursive: true })
      .map((name) => path.join(server.dataDir, String(name)))
      .filter((file) => statSync(file).isFile());
    const stored = files.map((file) => [file, readFileSync(file).toString('latin1')]);
    assert.ok(stored.some(([, bytes]) => bytes.includes('alice')), `the scan sees Gatehouse #${i}'s database (user names are stored as they are): ${files}`);
    for (const [what, value] of submitted) {
      if (!value) continue;
      const piece = value.length > 24 ? value.slice(0, 24) : value;
      if (logs.includes(piece)) leaks.push(`Gatehouse #${i}: ${what} in the log: ${logs.split('\n').find((l) => l.includes(piece))?.slice(0, 300)}`);
      for (const [file, bytes] of stored)
        if (bytes.includes(piece)) leaks.push(`Gatehouse #${i}: ${what} unsealed in ${path.relative(server.dataDir, file)}`);
    }
  }
  assert.deepEqual(leaks, []);
});
