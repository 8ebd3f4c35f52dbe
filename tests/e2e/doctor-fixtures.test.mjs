// End-to-end tests of `gatehouse doctor` against fixtures/doctor-server.mjs:
// the well-behaved fixture passes every check, and each broken fixture
// (one rule of docs/doctor.md broken) makes exactly its check fail, or warn
// for the checks the page says only warn, with a fix that names the problem.
//
// The checks of a whole sign-in (flow.*) run with --interactive: the test
// reads the sign-in address the doctor prints on stderr, loads the
// fixture's sign-in page, posts its form (approved without a password) and
// takes the redirect to the doctor's loopback callback, as a browser would.
//
// deploy.https, deploy.port and deploy.address only warn here
// (--insecure-dev, a loopback http URL); their failures are unit-tested in
// C++. deploy.certificate runs against an https fixture whose certificate
// names another host.
//
// The well-behaved fixture is first checked with the MCP SDKs' own clients,
// so that a doctor verdict on it is a verdict on the doctor.
//
// Run: cd tests/e2e && node --test doctor-fixtures.test.mjs   (GATEHOUSE_BIN overrides the binary)
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDoctorFixture } from './fixtures/doctor-server.mjs';
import { makeCertificates } from './lib/document-host.mjs';
import { gatehouseBin } from './lib/server.mjs';

const DOCTOR_TIMEOUT_MS = 30_000; // the doctor is killed after this
const TEST_TIMEOUT_MS = 40_000;
const HTTP_TIMEOUT_MS = 10_000; // each request the test makes as the browser
const CONCURRENCY = 8; // doctor runs at a time
const SIGN_IN_LINE = /Open this address in a browser to sign in: (\S+)/;
// Under --insecure-dev, against http://127.0.0.1:PORT, the deployment checks
// Claude's infrastructure imposes warn instead of failing (docs/doctor.md).
const DEV_WARNINGS = ['deploy.address', 'deploy.https', 'deploy.port'];

// ---------------------------------------------------------------------------
// Running the doctor.

/**
 * Runs `gatehouse doctor URL --json --insecure-dev ...args`. With
 * `interactive`, signs in through the fixture's page when the doctor prints
 * the address. Resolves to {code, stdout, stderr, report (parsed stdout, or
 * null), signedIn}; the doctor is killed (by its pid) when it runs longer than
 * DOCTOR_TIMEOUT_MS or when the test ends early.
 */
async function runDoctor(url, { args = [], interactive = false } = {}) {
  const fullArgs = ['doctor', url, '--json', '--insecure-dev', ...args];
  if (interactive) fullArgs.push('--interactive');
  const child = spawn(gatehouseBin, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signIn = null;
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    const match = interactive && !signIn ? SIGN_IN_LINE.exec(stderr) : null;
    // A sign-in that fails leaves the doctor waiting: it is stopped at once.
    if (match)
      signIn = signInAsBrowser(match[1]).catch((err) => {
        child.kill('SIGKILL');
        return err;
      });
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, DOCTOR_TIMEOUT_MS);
  try {
    const code = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve); // 'close': stdout and stderr are read to the end
    });
    const signInError = signIn ? await signIn : null;
    let report = null;
    try {
      report = JSON.parse(stdout);
    } catch {
      // reported by the caller's assertions, with the output
    }
    const run = { code, stdout, stderr, report, signedIn: signIn !== null };
    assert.equal(timedOut, false, `the doctor did not finish within ${DOCTOR_TIMEOUT_MS} ms${describeRun(run)}`);
    // A run that never got to the sign-in is judged by its checks.
    assert.ok(!(signInError instanceof Error), `signing in failed: ${signInError?.stack}${describeRun(run)}`);
    return run;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** What a failed assertion shows of a run: the checks that did not pass, and stderr's tail. */
function describeRun({ code, report, stdout, stderr }) {
  const notPassed = report?.checks
    ?.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip')
    .map((c) => `  ${c.verdict} ${c.id}: ${c.detail}\n    evidence: ${JSON.stringify(c.evidence)}\n    fix: ${c.fix}`);
  return (
    `\n--- exit code ${code}, result ${report?.result}` +
    (notPassed ? `\n--- checks not passed:\n${notPassed.join('\n')}` : `\n--- stdout:\n${stdout.slice(0, 3000)}`) +
    `\n--- stderr (tail):\n${stderr.slice(-2000)}`
  );
}

const verdicts = (report, verdict) => report.checks.filter((c) => c.verdict === verdict).map((c) => c.id).sort();
const check = (report, id) => report.checks.find((c) => c.id === id);

// ---------------------------------------------------------------------------
// The browser's part of an interactive run.

const decodeHtml = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/**
 * Loads the sign-in page at `address`, posts its form with decision=approve,
 * and returns the Location of the redirect that answers it (the client's
 * redirect_uri with code, state and iss), without requesting it.
 */
async function approveSignIn(address) {
  const signal = () => AbortSignal.timeout(HTTP_TIMEOUT_MS);
  const page = await fetch(address, { redirect: 'manual', signal: signal() });
  const html = await page.text();
  assert.equal(page.status, 200, `sign-in page ${address}: ${page.status} ${html.slice(0, 500)}`);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, `no form on the sign-in page: ${html.slice(0, 500)}`);
  const fields = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], decodeHtml(m[2])]),
  );
  const approved = await fetch(new URL(decodeHtml(action), address), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, decision: 'approve' }),
    redirect: 'manual',
    signal: signal(),
  });
  const location = approved.headers.get('location');
  assert.ok(location, `the approval was not redirected: ${approved.status} ${await approved.text()}`);
  return new URL(location, address).href;
}

/** approveSignIn(), then the browser follows the redirect to the doctor's loopback callback. */
async function signInAsBrowser(address) {
  const callback = await fetch(await approveSignIn(address), { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  await callback.arrayBuffer();
  return callback.status;
}

// ---------------------------------------------------------------------------
// The broken fixtures: which check each one must make fail or warn, and what
// that check's fix must mention.

const CASES = [
  // Deployment. deploy.latency first: it is the slowest run.
  { break: 'deploy.latency', warns: 'deploy.latency', fix: /fast|cold start|warm/i },
  { break: 'deploy.redirect', fails: 'deploy.redirect', fix: /redirect/i },
  { break: 'deploy.user_agent', fails: 'deploy.user_agent', fix: /Claude-User|python-httpx|user agent/i },

  // Transport, on a server without authorization (the MCP calls run
  // without --interactive).
  { break: 'transport.discover', auth: 'none', fails: 'transport.discover', fix: /server\/discover/ },
  { break: 'transport.initialize', auth: 'none', fails: 'transport.initialize', fix: /protocolVersion/ },
  { break: 'transport.initialize:session_id', auth: 'none', fails: 'transport.initialize', fix: /Mcp-Session-Id|visible ASCII/i },
  { break: 'transport.protocol_version', auth: 'none', fails: 'transport.protocol_version', fix: /MCP-Protocol-Version/ },
  { break: 'transport.protocol_version:lenient', auth: 'none', warns: 'transport.protocol_version', fix: /400/ },
  { break: 'transport.origin', auth: 'none', fails: 'transport.origin', fix: /Origin/ },
  // The same rule on an OAuth server: its Origin check comes before the
  // bearer check, so the unauthenticated first request gets 403, not 401.
  { break: 'transport.origin', interactive: true, fails: 'transport.origin', fix: /Origin/ },
  { break: 'transport.session', auth: 'none', fails: 'transport.session', fix: /404/ },
  { break: 'transport.errors', auth: 'none', fails: 'transport.errors', fix: /HTML|JSON-RPC/ },

  // Authorization discovery.
  { break: 'auth.challenge', fails: 'auth.challenge', fix: /WWW-Authenticate/ },
  { break: 'auth.challenge:relative', fails: 'auth.challenge', fix: /absolute/ },
  { break: 'auth.challenge:scope', warns: 'auth.challenge', fix: /scope/ },
  { break: 'auth.challenge:error', warns: 'auth.challenge', fix: /\berror\b/ },
  { break: 'auth.prm', fails: 'auth.prm', fix: /oauth-protected-resource/ },
  { break: 'auth.prm:root', warns: 'auth.prm', fix: /oauth-protected-resource/ },
  { break: 'auth.prm_public', fails: 'auth.prm_public', fix: /credentials|bearer|well-known/i },
  { break: 'auth.prm_resource', fails: 'auth.prm_resource', fix: /resource/ },
  { break: 'auth.as_metadata', warns: 'auth.as_metadata', fix: /oauth-authorization-server/ },
  { break: 'auth.as_metadata:fail', fails: 'auth.as_metadata', fix: /oauth-authorization-server/ },
  { break: 'auth.as_issuer', fails: 'auth.as_issuer', fix: /issuer/ },
  { break: 'auth.as_pkce', fails: 'auth.as_pkce', fix: /S256/ },
  { break: 'auth.as_fields', fails: 'auth.as_fields', fix: /response_types_supported|code/ },
  { break: 'auth.as_fields:refresh', warns: 'auth.as_fields', fix: /refresh_token/ },
  { break: 'auth.as_fields:iss', warns: 'auth.as_fields', fix: /authorization_response_iss_parameter_supported/ },
  { break: 'auth.client_type', fails: 'auth.client_type', authType: 'unusable', fix: /client_id_metadata_document_supported|registration_endpoint/ },
  { break: 'auth.client_type:manual', warns: 'auth.client_type', authType: 'oauth_anthropic_creds', fix: /client_id_metadata_document_supported|registration_endpoint/ },

  // Registration, authorization and token endpoint probes.
  { break: 'dcr.register', fails: 'dcr.register', fix: /null/ },
  { break: 'dcr.register:time', fails: 'dcr.register', fix: /integer/ },
  { break: 'dcr.claude_com', fails: 'dcr.claude_com', fix: /claude\.com/ },
  { break: 'dcr.delete', warns: 'dcr.delete', fix: /RFC 7592|delete/i },
  { break: 'authorize.client', fails: 'authorize.client', fix: /claude\.ai\/oauth\/mcp-oauth-client-metadata|Client ID Metadata/ },
  { break: 'authorize.redirect_status', fails: 'authorize.redirect_status', fix: /302|303/ },
  { break: 'authorize.open_redirect', fails: 'authorize.open_redirect', fix: /redirect_uri/ },
  { break: 'authorize.pkce', warns: 'authorize.pkce', fix: /code_challenge/ },
  { break: 'token.grant_type', fails: 'token.grant_type', fix: /application\/json|JSON/ },
  { break: 'token.grant_type:code', warns: 'token.grant_type', fix: /unsupported_grant_type/ },
  { break: 'token.invalid_client', fails: 'token.invalid_client', fix: /401/ },
  { break: 'token.no_store', warns: 'token.no_store', fix: /no-store/ },
  { break: 'revoke.unknown', warns: 'revoke.unknown', fix: /200/ },

  // The whole flow.
  { break: 'flow.authorize', interactive: true, fails: 'flow.authorize', fix: /iss/ },
  { break: 'flow.authorize:state', interactive: true, fails: 'flow.authorize', fix: /state/ },
  { break: 'flow.token', interactive: true, fails: 'flow.token', fix: /expires_in/ },
  { break: 'flow.offline_access', interactive: true, fails: 'flow.offline_access', fix: /refresh token/i },
  { break: 'flow.audience', interactive: true, fails: 'flow.audience', fix: /aud/ },
  { break: 'flow.mcp', interactive: true, fails: 'flow.mcp', fix: /Bearer|token/ },
  { break: 'flow.mcp:rpc_error', interactive: true, fails: 'flow.mcp', fix: /Bearer|token/ },
  { break: 'flow.refresh', interactive: true, fails: 'flow.refresh', fix: /refresh token/i },
  { break: 'flow.refresh:reuse', interactive: true, fails: 'flow.refresh', fix: /old one|refuse the old/i },
  { break: 'flow.revoke', interactive: true, fails: 'flow.revoke', fix: /revo/i },
];

/** Asserts that `run` failed `id` and nothing else (exit code 1). */
function assertFailsOnly(run, id, fix) {
  const { code, report } = run;
  assert.ok(report, `no JSON report${describeRun(run)}`);
  assert.deepEqual(verdicts(report, 'fail'), [id], `exactly ${id} fails${describeRun(run)}`);
  assert.equal(code, 1, `exit code 1 when a check fails${describeRun(run)}`);
  assert.equal(report.result, 'fail');
  assert.match(check(report, id).fix, fix, `the fix of ${id} names the problem${describeRun(run)}`);
}

/** Asserts that `run` failed nothing and warned for exactly `warnings` (exit code 0). */
function assertPasses(run, warnings = DEV_WARNINGS) {
  const { code, report } = run;
  assert.ok(report, `no JSON report${describeRun(run)}`);
  assert.deepEqual(verdicts(report, 'fail'), [], `no check fails${describeRun(run)}`);
  assert.deepEqual(verdicts(report, 'warn'), [...warnings].sort(), `warnings${describeRun(run)}`);
  assert.equal(code, 0, `exit code 0 with warnings only${describeRun(run)}`);
  assert.equal(report.result, 'pass');
}

/** Asserts that `run` failed nothing and warned for `id` besides `otherWarnings` (exit code 0). */
function assertWarnsOnly(run, id, fix, otherWarnings = DEV_WARNINGS) {
  assertPasses(run, [...otherWarnings, id]);
  assert.match(check(run.report, id).fix, fix, `the fix of ${id} names the problem${describeRun(run)}`);
}

async function withFixture(options, fn) {
  const fixture = await startDoctorFixture(options);
  try {
    return await fn(fixture);
  } finally {
    await fixture.stop();
  }
}

// ---------------------------------------------------------------------------

describe('the well-behaved fixture with the MCP SDKs', () => {
  test('SDK 1.x: discovery, registration and a PKCE sign-in, then a session with the token', { timeout: TEST_TIMEOUT_MS }, () =>
    withFixture({}, async (fixture) => {
      // The SDK's OAuth client; the redirect to its callback is read, never requested.
      const redirectUrl = 'http://127.0.0.1:9/callback';
      const saved = {};
      let code;
      const authProvider = {
        redirectUrl,
        clientMetadata: {
          client_name: 'doctor-fixtures test',
          redirect_uris: [redirectUrl],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        clientInformation: () => saved.client,
        saveClientInformation: (client) => (saved.client = client),
        tokens: () => saved.tokens,
        saveTokens: (tokens) => (saved.tokens = tokens),
        codeVerifier: () => saved.verifier,
        saveCodeVerifier: (verifier) => (saved.verifier = verifier),
        redirectToAuthorization: async (url) => (code = new URL(await approveSignIn(url.href)).searchParams.get('code')),
      };
      const signIn = new StreamableHTTPClientTransport(new URL(fixture.url), { authProvider });
      await assert.rejects(new Client({ name: 'doctor-fixtures', version: '0.0.0' }).connect(signIn), /Unauthorized/);
      assert.ok(code, 'the sign-in came back with a code');
      await signIn.finishAuth(code);
      assert.ok(saved.tokens?.refresh_token, `a refresh token without offline_access: ${JSON.stringify(Object.keys(saved.tokens ?? {}))}`);

      const client = new Client({ name: 'doctor-fixtures', version: '0.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(fixture.url), { authProvider });
      await client.connect(transport, { timeout: HTTP_TIMEOUT_MS });
      try {
        assert.equal(transport.protocolVersion, '2025-11-25');
        assert.ok(transport.sessionId, 'a session');
        const answer = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
        assert.deepEqual(answer.content, [{ type: 'text', text: 'hello' }]);
        await transport.terminateSession();
      } finally {
        await client.close();
      }
      const seen = fixture.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`);
      for (const step of ['POST /mcp 401', 'GET /.well-known/oauth-protected-resource/mcp 200', 'GET /.well-known/oauth-authorization-server 200', 'POST /register 201', 'POST /token 200', 'DELETE /mcp 204'])
        assert.ok(seen.includes(step), `${step} in ${seen.join(', ')}`);
    }));

  test('client 2.x: 2026-07-28 through server/discover, stateless (no authorization)', { timeout: TEST_TIMEOUT_MS }, () =>
    withFixture({ auth: 'none' }, async (fixture) => {
      const client = new ClientV2({ name: 'doctor-fixtures', version: '0.0.0' }, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
      await client.connect(new TransportV2(new URL(fixture.url)), { timeout: HTTP_TIMEOUT_MS });
      try {
        assert.equal(client.getProtocolEra(), 'modern');
        assert.equal(client.getServerVersion()?.name, 'doctor-fixture');
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name), ['echo']);
        const answer = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
        assert.equal(answer.content?.[0]?.text, 'hello');
      } finally {
        await client.close();
      }
      assert.ok(!fixture.requests.some((r) => r.headers['mcp-session-id']), 'no request carried a session');
    }));
});

describe('gatehouse doctor against the fixtures', { concurrency: CONCURRENCY }, () => {
  test('--help names the doctor', { timeout: TEST_TIMEOUT_MS }, () => {
    const help = execFileSync(gatehouseBin, ['doctor', '--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.match(help, /--interactive/);
  });

  test('a URL that answers nothing: exit code 2 and result "error"', { timeout: TEST_TIMEOUT_MS }, async () => {
    const fixture = await startDoctorFixture();
    const url = fixture.url;
    await fixture.stop(); // the port is free again: connections are refused
    const run = await runDoctor(url);
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.report?.result, 'error', describeRun(run));
    assert.equal(typeof run.report.error, 'string');
  });

  test('the well-behaved fixture: no check fails, Claude would use CIMD', { timeout: TEST_TIMEOUT_MS }, () =>
    withFixture({}, async (fixture) => {
      const run = await runDoctor(fixture.url);
      assertPasses(run);
      const { report } = run;
      assert.equal(report.url, fixture.url);
      assert.equal(report.claude_auth_type, 'oauth_cimd', describeRun(run));
      for (const id of ['auth.challenge', 'auth.prm', 'auth.prm_resource', 'auth.as_issuer', 'dcr.register', 'dcr.delete', 'authorize.client', 'token.invalid_client'])
        assert.equal(check(report, id)?.verdict, 'pass', `${id} passes${describeRun(run)}`);
      // Without --interactive the doctor never signs in (docs/doctor.md).
      for (const id of ['flow.token', 'flow.mcp', 'flow.refresh'])
        assert.equal(check(report, id)?.verdict, 'skip', `${id} is skipped${describeRun(run)}`);
      assert.ok(!fixture.requests.some((r) => r.method === 'POST' && r.path.startsWith('/authorize')), 'no sign-in was posted');
      const counts = Object.fromEntries(['pass', 'warn', 'fail', 'skip'].map((v) => [v, verdicts(report, v).length]));
      assert.deepEqual(report.counts, counts);
    }));

  test('the well-behaved fixture without authorization: the transport checks pass', { timeout: TEST_TIMEOUT_MS }, () =>
    withFixture({ auth: 'none' }, async (fixture) => {
      const run = await runDoctor(fixture.url);
      assertPasses(run);
      assert.equal(run.report.claude_auth_type, 'none', describeRun(run));
      for (const id of ['transport.discover', 'transport.initialize', 'transport.protocol_version', 'transport.origin', 'transport.session', 'transport.errors'])
        assert.equal(check(run.report, id)?.verdict, 'pass', `${id} passes${describeRun(run)}`);
    }));

  test('the well-behaved fixture without CIMD: Claude would register (DCR), and that client is probed', { timeout: TEST_TIMEOUT_MS }, () =>
    withFixture({ cimd: false }, async (fixture) => {
      const run = await runDoctor(fixture.url);
      assertPasses(run);
      assert.equal(run.report.claude_auth_type, 'oauth_dcr', describeRun(run));
      assert.equal(check(run.report, 'authorize.client').verdict, 'pass', describeRun(run));
      const probed = fixture.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/authorize?'));
      assert.ok(probed.length > 0 && probed.every((r) => new URL(r.path, fixture.origin).searchParams.get('client_id').startsWith('dfc_')),
        `/authorize probed with the registered client: ${probed.map((r) => r.path).join(', ')}`);
    }));

  test('the well-behaved fixture, --interactive: the whole flow passes', { timeout: TEST_TIMEOUT_MS }, () =>
    withFixture({}, async (fixture) => {
      const run = await runDoctor(fixture.url, { interactive: true });
      assertPasses(run);
      for (const id of ['flow.authorize', 'flow.token', 'flow.offline_access', 'flow.audience', 'flow.mcp', 'flow.refresh', 'flow.revoke', 'transport.initialize', 'transport.discover'])
        assert.equal(check(run.report, id)?.verdict, 'pass', `${id} passes${describeRun(run)}`);
      // RFC 7592: the client the doctor registered for the sign-in is gone.
      const deletes = fixture.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/register/'));
      assert.ok(deletes.length > 0 && deletes.every((r) => r.status === 204), `registrations deleted: ${JSON.stringify(deletes.map((r) => r.status))}`);
    }));

  for (const c of CASES) {
    const verdict = c.fails ? 'fails' : 'warns';
    const id = c.fails ?? c.warns;
    const how = [c.auth === 'none' ? 'no authorization' : 'OAuth', c.interactive ? '--interactive' : ''].filter(Boolean).join(', ');
    test(`${c.break} (${how}): ${id} ${verdict}`, { timeout: TEST_TIMEOUT_MS }, () =>
      withFixture({ break: c.break, auth: c.auth ?? 'oauth' }, async (fixture) => {
        const run = await runDoctor(fixture.url, { interactive: Boolean(c.interactive) });
        if (c.fails) assertFailsOnly(run, id, c.fix);
        else assertWarnsOnly(run, id, c.fix);
        if (c.authType) assert.equal(run.report.claude_auth_type, c.authType, describeRun(run));
      }));
  }

  describe('deploy.certificate (https fixtures, a private CA given with --ca-file)', () => {
    let dir;
    let certs;

    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-doctor-'));
      certs = makeCertificates(dir);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('a certificate for another name fails', { timeout: TEST_TIMEOUT_MS }, () =>
      withFixture({ tls: certificateFor(dir, 'DNS:other.example') }, async (fixture) => {
        const run = await runDoctor(fixture.url, { args: ['--ca-file', certs.ca] });
        assertFailsOnly(run, 'deploy.certificate', /host name|certificate/i);
      }));

    test('a certificate from a private CA only warns', { timeout: TEST_TIMEOUT_MS }, () =>
      withFixture({ tls: { key: certs.key, cert: certs.cert } }, async (fixture) => {
        const run = await runDoctor(fixture.url, { args: ['--ca-file', certs.ca] });
        assertWarnsOnly(run, 'deploy.certificate', /public CA/i, ['deploy.address', 'deploy.port']);
      }));
  });
});

/**
 * A key and a certificate for `subjectAltName` (e.g. DNS:other.example),
 * issued by the CA makeCertificates() left in `dir`.
 */
function certificateFor(dir, subjectAltName) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other.key', '-out', 'other.csr', '-subj', '/CN=other.example');
  writeFileSync(path.join(dir, 'other.ext'), `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  run('x509', '-req', '-in', 'other.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'other.pem', '-days', '2', '-extfile', 'other.ext');
  return { key: readFileSync(path.join(dir, 'other.key')), cert: readFileSync(path.join(dir, 'other.pem')) };
}

// "Every known Claude failure cause has a check with a fixture proving that
// it fires": each check docs/doctor.md lists is broken by a case above, or
// by the https fixtures (deploy.certificate), or is one of the three rules
// an address alone decides, which the C++ unit tests cover
// (DoctorDeployment.NET1_* in src/doctor/deployment_checks_test.cpp).
test('every check of docs/doctor.md has a fixture', () => {
  const doc = readFileSync(new URL('../../docs/doctor.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(documented.length > 30, 'docs/doctor.md lists the checks in tables');
  const covered = new Set(['deploy.https', 'deploy.port', 'deploy.address', 'deploy.certificate']);
  for (const c of CASES) covered.add(c.fails ?? c.warns);
  assert.deepEqual(documented.filter((id) => !covered.has(id)), [], 'checks without a fixture');
});
