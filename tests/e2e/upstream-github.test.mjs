// End-to-end tests of Gatehouse's GitHub preset ([login.provider] preset =
// "github") against the GitHub-shaped stub of fixtures/oauth2-provider.mjs,
// reached through `api_url` (GitHub Enterprise Server: the API base; the
// preset then reads api_url + "/user", "/user/emails" and "/user/orgs"), and
// of the throttle on Gatehouse's upstream callback (30 a minute per source
// address).
//
//   cd tests/e2e && node --test upstream-github.test.mjs
//
//   G1  allow_organizations = ["acme"]: octo (org acme) signs in as user
//       "github:octo" (gatehouse grants list), upstream_profile is octo's
//       /api/user; hubot (no orgs) gets 403 "Not allowed", and his new
//       access token is deleted through GitHub's API
//   G2  allow_emails: hubot's verified email (from /api/user/emails; his
//       /api/user email is null) lets him in, his unverified one does not
//   G3  preset "github" without any allow rule: gatehouse refuses to start
//   G4  the 31st request to /oauth/upstream/callback within a minute from
//       one address gets 429 with Retry-After (a Gatehouse of its own)
//
// One stub provider serves every Gatehouse of the file (each registers its
// callback there); the MCP client's redirect_uri is on a loopback port
// nobody listens on (browse stops there). The whole file runs in a few
// seconds (G4 waits up to 6 s when a minute is about to turn).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_OAUTH2_ACCOUNTS, startOAuth2Provider } from './fixtures/oauth2-provider.mjs';
import { CookieJar, parseForm } from './lib/authorize.mjs';
import { authorizationRequest, getPage, mcpClient, redeemCode, textOf, toml, tomlValue } from './lib/connect-flow.mjs';
import { makeCertificates } from './lib/document-host.mjs';
import { refusedStart, runGatehouse } from './lib/run.mjs';
import { startServer, withLogs } from './lib/server.mjs';
import { browse, gatehousePages } from './lib/upstream-authorize.mjs';

const CLIENT_REDIRECT = 'http://127.0.0.1:9/callback'; // port 9: nobody listens; browse stops before it
const SECRET_ENV = 'GATEHOUSE_LOGIN_CLIENT_SECRET';
const SDK_REQUEST = { timeout: 15_000 };
const CALLBACKS_PER_MINUTE = 30;
const { octo, hubot } = DEFAULT_OAUTH2_ACCOUNTS;

let workDir;
let certs;
let gh; // the GitHub-shaped stub
const servers = []; // every Gatehouse started
const callbacks = new Set(); // Gatehouse callback URLs registered at gh

/** The configuration of a Gatehouse behind the stub with the GitHub preset; `allow` is the [login] allow rules. */
function githubConfig(allow) {
  const rules = Object.entries(allow).map(([key, value]) => `${key} = ${tomlValue(value)}`);
  return `[server]
auth = "oauth"

[login]
method = "upstream"
${rules.join('\n')}

[login.provider]
preset = "github"
client_id = ${toml(gh.clientId)}
authorization_endpoint = ${toml(gh.authorizationEndpoint)}
token_endpoint = ${toml(gh.tokenEndpoint)}
api_url = ${toml(`${gh.origin}/api`)}
`;
}

function writeConfig(name, text) {
  const file = path.join(workDir, name);
  writeFileSync(file, text);
  return file;
}

const gatehouseArgs = (configFile) => ['--config', configFile, '--backend', 'builtin:demo', '--insecure-dev', '--ca-file', gh.ca];

/** A Gatehouse with githubConfig(allow) (its own data directory: server.dataDir), its callback registered at the stub. */
async function startHub(name, allow) {
  const server = await startServer({ args: gatehouseArgs(writeConfig(`${name}.toml`, githubConfig(allow))), env: { [SECRET_ENV]: gh.clientSecret } });
  servers.push(server);
  callbacks.add(`${server.url}/oauth/upstream/callback`);
  gh.setRedirectUris([...callbacks]);
  return server;
}

/** /authorize at `server`, then the stub's sign-in as `login`, then Gatehouse's consent: {request, first, end}. */
async function authorizeAs(server, login) {
  const request = await authorizationRequest(server, { redirectUri: CLIENT_REDIRECT, clientName: 'gatehouse e2e github' });
  const jar = new CookieJar();
  const first = await getPage(request.url, jar);
  assert.equal(first.status, 302, `GET /authorize → ${first.status}, expected a redirect to the provider: ${textOf(first.html).slice(0, 400)}`);
  assert.ok(first.location.startsWith(`${gh.authorizationEndpoint}?`), `to the stub's authorization endpoint: ${first.location}`);
  const end = await browse(first.location, { ca: gh.ca, jar, login, stopAt: [CLIENT_REDIRECT], decide: gatehousePages({}) });
  return { request, first, end };
}

/** The end of a flow refused at Gatehouse's callback: 403 "Not allowed" naming `login`. */
function assertNotAllowed(server, end, login) {
  const shown = `${login}: ${end.status} ${end.url} ${textOf(end.html).slice(0, 500)}`;
  assert.equal(end.location, null, `${login}: the MCP client's redirect_uri is never reached: ${end.location}`);
  assert.ok(end.url.startsWith(`${server.url}/oauth/upstream/callback?`), `refused at the callback: ${shown}`);
  assert.equal(end.status, 403, shown);
  assert.match(textOf(end.html), /Not allowed/, shown);
  assert.match(textOf(end.html), new RegExp(`\\b${login}\\b`), `the page names the account: ${shown}`);
}

/** Signs `login` in at `server` and calls upstream_profile: its structuredContent. */
async function profileOf(server, login) {
  const { request, end } = await authorizeAs(server, login);
  assert.ok(end.location, `${login} reaches the MCP client: ${end.status} ${end.url} ${textOf(end.html).slice(0, 500)}\n  ${end.hops.join('\n  ')}`);
  const tokens = await redeemCode(server, request, end.location);
  const client = await mcpClient(server, tokens.access_token, 'gatehouse-e2e-github');
  try {
    const result = await client.callTool({ name: 'upstream_profile', arguments: {} }, undefined, SDK_REQUEST);
    assert.notEqual(result.isError, true, `upstream_profile: ${JSON.stringify(result).slice(0, 800)}`);
    return result.structuredContent;
  } finally {
    await client.close().catch(() => {});
  }
}

const delta = (later, earlier) =>
  Object.fromEntries(Object.keys(later).map((k) => [k, later[k] - (earlier[k] ?? 0)]).filter(([, v]) => v !== 0));

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-github-'));
  certs = makeCertificates(workDir);
  gh = await startOAuth2Provider({ certs });
});

after(async () => {
  for (const server of servers) await server.stop();
  await gh?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('G1. preset "github" with api_url, allow_organizations = ["acme"]: octo signs in as "github:octo", upstream_profile is his /api/user; hubot (no orgs) gets 403 "Not allowed"', { timeout: 30_000 }, async () => {
  const hub = await startHub('orgs', { allow_organizations: ['acme'] });
  await withLogs(hub, async () => {
    const before = gh.counts();
    const profile = await profileOf(hub, 'octo');
    assert.deepEqual(profile, octo.user, 'upstream_profile answers with octo\'s /api/user');
    const sent = gh.lastAuthorizationParams();
    assert.equal(sent.redirect_uri, `${hub.url}/oauth/upstream/callback`);
    assert.equal(sent.code_challenge_method, 'S256');
    assert.deepEqual(new Set(sent.scope.split(/[ ,]+/)), new Set(['read:user', 'user:email', 'read:org']), `the preset's scopes: ${sent.scope}`);
    const asked = delta(gh.counts(), before);
    assert.ok(asked.userinfo >= 1 && asked.emails >= 1 && asked.orgs >= 1, `api_url + /user, /user/emails and /user/orgs were asked: ${JSON.stringify(asked)}`);

    // The Gatehouse user, as the operator sees it (the running server's database).
    const listed = await runGatehouse(['grants', 'list', '--data-dir', hub.dataDir]);
    const shown = `exit ${listed.code}\n${listed.stdout}\n${listed.stderr}`;
    assert.equal(listed.code, 0, shown);
    const lines = listed.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `octo's grant only: ${shown}`);
    assert.match(lines[0], /\buser github:octo\s/, shown);
    assert.match(lines[0], /\bupstream github\b/, shown);

    // Nothing is kept of hubot: his new access token is deleted through
    // GitHub's API (the preset has no RFC 7009 endpoint).
    const deletedBefore = gh.apiRevocations().length;
    assertNotAllowed(hub, (await authorizeAs(hub, 'hubot')).end, 'hubot');
    const deleted = gh.apiRevocations().slice(deletedBefore);
    assert.deepEqual(deleted.map((r) => r.kind), ['access_token'], `hubot's access token deleted: ${JSON.stringify(deleted)}`);
  });
});

test('G2. allow_emails: hubot\'s verified email (from /api/user/emails; his /api/user email is null) lets him in; his unverified one does not', { timeout: 30_000 }, async () => {
  const verified = hubot.emails.find((e) => e.verified)?.email;
  const unverified = hubot.emails.find((e) => !e.verified)?.email;
  assert.ok(verified && unverified && hubot.user.email === null, `the stub's hubot: ${JSON.stringify(hubot)}`);
  const [byVerified, byUnverified] = await Promise.all([
    startHub('verified-email', { allow_emails: [verified] }),
    startHub('unverified-email', { allow_emails: [unverified] }),
  ]);
  await withLogs(byVerified, async () => {
    const before = gh.counts();
    assert.deepEqual(await profileOf(byVerified, 'hubot'), hubot.user, 'upstream_profile answers with hubot\'s /api/user');
    assert.ok(delta(gh.counts(), before).emails >= 1, 'his emails were read from /api/user/emails');
    assert.deepEqual(new Set(gh.lastAuthorizationParams().scope.split(/[ ,]+/)), new Set(['read:user', 'user:email']), 'no read:org without allow_organizations');
  });
  await withLogs(byUnverified, async () => {
    assertNotAllowed(byUnverified, (await authorizeAs(byUnverified, 'hubot')).end, 'hubot');
  });
});

test('G3. preset "github" without any allow rule: gatehouse serve refuses to start and points at allow_everyone', { timeout: 20_000 }, async () => {
  const configFile = writeConfig('no-rule.toml', githubConfig({}));
  const dataDir = mkdtempSync(path.join(workDir, 'no-rule-'));
  const { code, stdout, stderr } = await refusedStart([...gatehouseArgs(configFile), '--data-dir', dataDir], { env: { [SECRET_ENV]: gh.clientSecret } });
  assert.ok(code !== null && code !== 0, `exit code ${code}; stderr: ${stderr.slice(-1500)}`);
  assert.doesNotMatch(stdout, /listening on/);
  assert.match(stderr, /allow_everyone/, `stderr: ${stderr.slice(-1500)}`);
});

test(`G4. the ${CALLBACKS_PER_MINUTE + 1}st request to /oauth/upstream/callback within a minute from one address gets 429 with Retry-After`, { timeout: 30_000 }, async () => {
  const hub = await startHub('throttle', { allow_organizations: ['acme'] });
  await withLogs(hub, async () => {
    // The limit counts per wall-clock minute: keep clear of its turn.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 54_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 300));
    const garbage = () => {
      const url = new URL(`${hub.url}/oauth/upstream/callback`);
      url.search = new URLSearchParams({ code: randomBytes(12).toString('base64url'), state: randomBytes(24).toString('base64url') }).toString();
      return getPage(url.href, null);
    };
    const codesBefore = gh.counts().token_authorization_code;
    const statuses = [];
    for (let i = 0; i < CALLBACKS_PER_MINUTE; i++) statuses.push((await garbage()).status);
    assert.deepEqual(statuses, Array(CALLBACKS_PER_MINUTE).fill(400), `the first ${CALLBACKS_PER_MINUTE}: 400 (unknown sign-in)`);
    const refused = await garbage();
    const shown = `${refused.status} Retry-After: ${refused.headers.get('retry-after')} ${textOf(refused.html).slice(0, 400)}`;
    assert.equal(refused.status, 429, shown);
    const retryAfter = refused.headers.get('retry-after');
    assert.match(retryAfter ?? '', /^\d+$/, shown);
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, shown);
    assert.match(textOf(refused.html), /Too many/i, shown);
    assert.equal(parseForm(refused.html), null, 'no form on the 429 page');
    assert.equal(gh.counts().token_authorization_code, codesBefore, 'nothing reached the provider');
  });
});
