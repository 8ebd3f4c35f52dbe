// Upstream sign-in plus the connect form in a real browser: Debian's
// Chromium, headless, driven by playwright-core (lib/chromium.mjs).
//
// Gatehouse runs with [login] method = "upstream" (the oidc-provider fixture
// of upstream.test.mjs, https://127.0.0.1 with a throwaway CA: Gatehouse
// trusts it with --ca-file, the browser with ignoreHTTPSErrors) and a
// [connect] form with check_url (an https server of the test, same CA). A
// client registered with DCR sends the browser to /authorize:
//
//   1. Gatehouse → the provider's sign-in page (fixture form: login alice)
//      → the provider's consent page → Gatehouse's callback, which shows
//   2. the connect form: first a wrong API key (400, the field named, the
//      secret field empty), then good values (check_url accepts) →
//   3. Gatehouse's consent page → Allow (remember ticked) →
//   4. the client's redirect_uri (a small server of the test) with code,
//      state and iss; the code redeems; the probe backend sees the values.
//   Then the same browser and client again: the provider lets alice through,
//   the connect form comes first, and with the remembered consent its
//   submission goes straight to the redirect_uri.
//
// Screenshots (tests/e2e/artifacts/, gitignored): upstream-connect-desktop.png,
// upstream-connect-375.png, upstream-connect-error-375.png,
// upstream-consent-desktop.png, upstream-consent-375.png (375 px: a phone).
// Gatehouse's pages must log no console error, throw nothing and have no
// failed request or unexpected HTTP error.
//
//   cd tests/e2e && node --test upstream-browser.test.mjs
//
// Skipped when Chromium is missing (CHROMIUM_BIN overrides /usr/bin/chromium).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startOidcProvider } from './fixtures/oidc-provider.mjs';
import { chromiumMissing, launchChromium, startCallbackServer, watchProblems } from './lib/chromium.mjs';
import { authorizationRequest, connectSection, redeemCode, startCheckHost, tomlValue, upstreamLogin, whoami } from './lib/connect-flow.mjs';
import { makeCertificates } from './lib/document-host.mjs';
import { startServer } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(here, 'artifacts');
const PROBE = path.join(here, 'fixtures', 'probe-server.mjs');
const TITLE = 'Connect your Acme account';
const DESCRIPTION = 'Gatehouse keeps these for this connection only.';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const SKIP = chromiumMissing();

let workDir;
let certs;
let idp;
let checkHost;
let gatehouse;
let callback;
let browser; // {context, page, close}
let problems; // watchProblems on Gatehouse's pages
let firstRun = null; // test 1's client, for test 2

const rand = (n = 8) => randomBytes(16).toString('hex').slice(0, n);

function config() {
  return `${upstreamLogin(idp)}
${connectSection({
  title: TITLE,
  description: DESCRIPTION,
  checkUrl: '{connection.instance}/api/check',
  checkHeaders: { Authorization: 'Bearer {connection.api_key}' },
  fields: [
    { name: 'instance', label: 'Instance URL', kind: 'url', hosts: ['127.0.0.1'], schemes: ['https'], help: 'The address of your Acme instance' },
    { name: 'api_key', label: 'API key', kind: 'secret', pattern: 'ak_[a-z0-9]{8}', max_length: 64, help: 'ak_ and 8 letters or digits' },
    { name: 'team', label: 'Team', kind: 'text', required: false, max_length: 16 },
  ],
})}
[[backend]]
name = "probe"
command = ${tomlValue([process.execPath, PROBE])}
[backend.env]
PROBE_KEY = "{connection.api_key}"
PROBE_LITERAL = "{connection.instance}"
PROBE_USER = "{upstream.email}/{connection.team}"
`;
}

/** Values the check host accepts. */
function newValues(team) {
  const key = `ak_${rand(8)}`;
  checkHost.accept(key);
  return { instance: `${checkHost.origin}/t-${rand(10)}`, api_key: key, team };
}

const describeState = () =>
  `\n  page: ${browser?.page.url()}\n  problems: ${JSON.stringify(problems?.list ?? [], null, 2)}` +
  `\n  callback requests: ${JSON.stringify(callback?.requests ?? [])}` +
  `\n--- gatehouse stderr (tail) ---\n${gatehouse?.logs().slice(-3000) ?? ''}`;

async function withContext(name, fn) {
  try {
    return await fn();
  } catch (err) {
    err.message += describeState();
    await browser?.page.screenshot({ path: path.join(ARTIFACTS, `upstream-browser-failure-${name}.png`), fullPage: true }).catch(() => {});
    throw err;
  }
}

async function screenshots(page, name, sizes) {
  for (const [suffix, viewport] of sizes) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${suffix}.png`), fullPage: true });
    if (viewport.width <= 400) {
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `${name}: no horizontal scrolling at ${viewport.width} px: scrollWidth ${widths.scroll} > clientWidth ${widths.client}`);
    }
  }
  await page.setViewportSize(DESKTOP);
}

const isGatehouse = (url) => Boolean(gatehouse) && String(url).startsWith(`${gatehouse.url}/`);

before(async () => {
  if (SKIP) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-upstream-browser-'));
  certs = makeCertificates(workDir);
  idp = await startOidcProvider({ certs, accessTokenTtl: 300 });
  checkHost = await startCheckHost(certs);
  const configFile = path.join(workDir, 'gatehouse.toml');
  writeFileSync(configFile, config());
  gatehouse = await startServer({
    args: ['--config', configFile, '--insecure-dev', '--ca-file', certs.ca],
    env: { GATEHOUSE_LOGIN_CLIENT_SECRET: idp.clientSecret },
  });
  idp.setRedirectUris([`${gatehouse.url}/oauth/upstream/callback`]);
  callback = await startCallbackServer();
  browser = await launchChromium({ viewport: DESKTOP, ignoreHTTPSErrors: true });
  // The deliberate wrong API key of test 1 is answered 400.
  let expect400 = false;
  problems = watchProblems(browser.page, isGatehouse, {
    expected: ({ url, status, method }) => expect400 && status === 400 && (method ?? 'POST') === 'POST' && new URL(url).pathname === '/authorize',
  });
  problems.expect400 = (on) => {
    expect400 = on;
  };
});

after(async () => {
  await browser?.close();
  await callback?.close();
  await gatehouse?.stop();
  await checkHost?.close();
  await idp?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('Chromium: provider sign-in → connect form (a mistake, then good values) → consent → the client\'s redirect_uri; screenshots at 375 px and desktop', { timeout: 90_000, skip: SKIP }, () =>
  withContext('first', async () => {
    const { page } = browser;
    const request = await authorizationRequest(gatehouse, { redirectUri: callback.url, clientName: 'Browser Connect Client' });

    // 1. To the provider: its sign-in and consent pages.
    problems.on('provider');
    await page.goto(request.url, { waitUntil: 'load' });
    assert.ok(page.url().startsWith(`${idp.issuer}/interaction/`), `the provider's sign-in page: ${page.url()}`);
    assert.match(await page.title(), /Sign in to the test OpenID provider/);
    await page.fill('input[name="login"]', 'alice');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type="submit"]')]);
    assert.match(await page.title(), /Authorize access/, `the provider's consent page (got "${await page.title()}")`);
    await Promise.all([
      page.waitForURL((u) => isGatehouse(u.href), { waitUntil: 'load' }),
      page.click('button[name="decision"][value="approve"]'),
    ]);

    // 2. Gatehouse's connect form.
    problems.on('connect');
    assert.ok(page.url().startsWith(`${gatehouse.url}/oauth/upstream/callback?`), `back at Gatehouse's callback: ${page.url()}`);
    assert.match(await page.title(), new RegExp(TITLE), `the connect page (got "${await page.title()}")`);
    const main = await page.locator('main').innerText();
    assert.match(main, new RegExp(DESCRIPTION));
    assert.match(main, /Browser Connect Client/);
    assert.match(main, /upstream:alice|alice/);
    assert.equal(await page.getAttribute('#field_instance', 'type'), 'url');
    assert.equal(await page.getAttribute('#field_api_key', 'type'), 'password');
    assert.equal(await page.getAttribute('#field_team', 'type'), 'text');
    assert.ok(await page.evaluate(() => [...document.styleSheets].some((s) => s.cssRules.length > 0)), 'the stylesheet loaded');
    // How each kind of input looks (url, password, text), compared at the end.
    const looks = await page.evaluate(() =>
      Object.fromEntries(['field_instance', 'field_api_key', 'field_team'].map((id) => {
        const element = document.getElementById(id);
        const style = getComputedStyle(element);
        return [id, { padding: style.padding, borderRadius: style.borderRadius, height: Math.round(element.getBoundingClientRect().height) }];
      })));
    await screenshots(page, 'upstream-connect', [['desktop', DESKTOP], ['375', PHONE]]);

    // A wrong API key: the same page again, the field named, the secret gone.
    const good = newValues('team-a');
    const wrongKey = `sk_${rand(8)}`;
    await page.fill('#field_instance', good.instance);
    await page.fill('#field_api_key', wrongKey);
    await page.fill('#field_team', good.team);
    problems.on('connect-error');
    problems.expect400(true);
    const [answer] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('form:has(input[name="step"][value="connect"]) button[type="submit"]'),
    ]);
    assert.equal(answer?.status(), 400, 'a wrong value → 400');
    problems.expect400(false);
    assert.match(await page.locator('#field_api_key_problem').innerText(), /API key is not in the expected form/);
    assert.equal(await page.getAttribute('#field_api_key', 'aria-describedby'), 'field_api_key_problem');
    assert.equal(await page.inputValue('#field_api_key'), '', 'the secret is not filled in again');
    assert.equal(await page.getAttribute('#field_api_key', 'value'), null, 'no value attribute on the secret');
    assert.equal(await page.inputValue('#field_instance'), good.instance, 'the instance URL is kept');
    assert.equal(await page.inputValue('#field_team'), good.team, 'the team is kept');
    assert.ok(!(await page.content()).includes(wrongKey), 'the wrong key is not in the page');
    await screenshots(page, 'upstream-connect-error', [['375', PHONE]]);

    // Good values: the check, then consent.
    problems.on('connect');
    const checksBefore = checkHost.requests.length;
    await page.fill('#field_api_key', good.api_key);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('form:has(input[name="step"][value="connect"]) button[type="submit"]'),
    ]);
    problems.on('consent');
    assert.match(await page.title(), /Allow access/, `the consent page after the connect form (got "${await page.title()}")`);
    const checks = checkHost.requests.slice(checksBefore);
    assert.equal(checks.length, 1, `one check request: ${JSON.stringify(checks)}`);
    assert.equal(checks[0].authorization, `Bearer ${good.api_key}`);
    assert.match(await page.locator('main').innerText(), /Browser Connect Client/);
    await screenshots(page, 'upstream-consent', [['desktop', DESKTOP], ['375', PHONE]]);

    // 3. Allow (remembered): the browser arrives at the redirect_uri.
    await page.check('input[name="remember"]');
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${callback.url}?`), { waitUntil: 'load' }),
      page.click('button[name="decision"][value="approve"]'),
    ]);
    problems.on('callback');
    const arrived = new URL(page.url());
    assert.equal(arrived.searchParams.get('state'), request.state);
    assert.equal(arrived.searchParams.get('iss'), gatehouse.url);
    assert.equal(callback.requests.filter((r) => r.url.startsWith('/callback?')).length, 1, 'the redirect_uri got the code once');
    const tokens = await redeemCode(gatehouse, request, arrived.href);
    const seen = await whoami({ server: gatehouse, accessToken: tokens.access_token });
    assert.equal(seen.env.PROBE_KEY, good.api_key, JSON.stringify(seen.env));
    assert.equal(seen.env.PROBE_LITERAL, good.instance);
    assert.equal(seen.env.PROBE_USER, `alice@example.com/${good.team}`);
    firstRun = { client: request.client, tokens };

    // 4. Gatehouse's pages were clean, and every kind of field is styled alike (checked last).
    assert.deepEqual(problems.list, [], 'no console errors, exceptions or failed requests on Gatehouse\'s pages');
    assert.deepEqual(looks.field_instance, looks.field_team, `the url input is styled like the text input: ${JSON.stringify(looks)}`);
    assert.deepEqual(looks.field_api_key, looks.field_team, `the password input is styled like the text input: ${JSON.stringify(looks)}`);
  }));

test('Chromium: again with remembered consent: the provider lets alice through, the connect form comes first, its submission reaches the redirect_uri', { timeout: 60_000, skip: SKIP }, () =>
  withContext('remembered', async () => {
    assert.ok(firstRun, 'the first test approved with "remember"');
    const { page } = browser;
    const seenBefore = problems.list.length;
    const request = await authorizationRequest(gatehouse, { redirectUri: callback.url, client: firstRun.client });
    problems.on('provider (again)');
    await page.goto(request.url, { waitUntil: 'load' });
    problems.on('connect (remembered consent)');
    assert.ok(page.url().startsWith(`${gatehouse.url}/oauth/upstream/callback?`), `straight back from the provider to Gatehouse: ${page.url()}`);
    assert.match(await page.title(), new RegExp(TITLE), `the connect form first (got "${await page.title()}")`);
    assert.equal(await page.inputValue('#field_api_key'), '', 'an empty form');

    const values = newValues('team-b');
    await page.fill('#field_instance', values.instance);
    await page.fill('#field_api_key', values.api_key);
    await page.fill('#field_team', values.team);
    const arrivedAt = page
      .waitForURL((u) => u.href.startsWith(`${callback.url}?`), { waitUntil: 'load', timeout: 10_000 })
      .then(() => null, (err) => err);
    await page.click('form:has(input[name="step"][value="connect"]) button[type="submit"]');
    const failed = await arrivedAt;
    const where = `${page.url()} "${await page.title().catch(() => '')}"`;
    assert.equal(failed, null, `with remembered consent, submitting the connect form must bring the browser to the redirect_uri; it is at ${where}; ` +
      `problems: ${JSON.stringify(problems.list.slice(seenBefore))}`);
    const tokens = await redeemCode(gatehouse, request, page.url());
    const seen = await whoami({ server: gatehouse, accessToken: tokens.access_token });
    assert.equal(seen.env.PROBE_KEY, values.api_key, 'the new grant has the new values');
    const old = await whoami({ server: gatehouse, accessToken: firstRun.tokens.access_token });
    assert.notEqual(old.env.PROBE_KEY, values.api_key, 'the first grant keeps its own');
    assert.deepEqual(problems.list.slice(seenBefore), [], 'no console errors, exceptions or failed requests on Gatehouse\'s pages');
  }));
