// The sign-in and consent pages of `gatehouse serve --auth oauth` in a real
// browser: Debian's Chromium (/usr/bin/chromium), driven headless by
// playwright-core with a new, empty user data directory (lib/chromium.mjs).
//
//   1. The test registers a client (/register, lib/token.mjs) whose redirect
//      URI is a tiny HTTP server it runs on 127.0.0.1, which records what it
//      receives.
//   2. Chromium opens /authorize (PKCE S256, state, resource), the test fills
//      the sign-in form, then approves on the consent page.
//   3. The browser must arrive at the callback with code, state and iss; the
//      code must redeem at /token.
//   4. Neither page may log a console error or throw (CSP violations, for
//      one, are console errors).
//
// Screenshots go to tests/e2e/artifacts/ (gitignored): browser-login.png,
// browser-consent.png and browser-consent-375px.png (a 375 px wide phone
// viewport).
//
// Run: cd tests/e2e && node --test browser.test.mjs
// CHROMIUM_BIN overrides /usr/bin/chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumMissing, launchChromium, startCallbackServer, watchProblems } from './lib/chromium.mjs';
import { startServer } from './lib/server.mjs';
import { authorizationRequest, exchangeCode } from './lib/token.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(here, 'artifacts');

const TEST_TIMEOUT_MS = 120_000;

test('Chromium: sign in, approve, arrive at the callback with code, state and iss', { timeout: TEST_TIMEOUT_MS, skip: chromiumMissing() }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });

  const server = await startServer({ args: ['--auth', 'oauth', '--backend', 'builtin:demo'] });
  t.after(() => server.stop());
  assert.ok(server.adminPassword, 'the first start printed the admin password');
  const callback = await startCallbackServer();
  t.after(() => callback.close());

  // 1. A client, registered like any MCP client.
  const request = await authorizationRequest(server, {
    redirectUri: callback.url,
    clientName: 'Browser Test Client',
    metadata: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
  });

  // 2. Chromium, headless, with a new empty profile.
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page } = browser;
  // Problems, by the page they happened on ("login", "consent", "callback").
  // Only Gatehouse's pages count (the callback page is ours).
  const problems = watchProblems(page, (url) => url.startsWith(server.url));
  problems.on('login');

  const context_ = () =>
    `\n  page: ${page.url()}\n  problems: ${JSON.stringify(problems.list, null, 2)}` +
    `\n  callback requests: ${JSON.stringify(callback.requests)}` +
    `\n--- gatehouse stderr (tail) ---\n${server.logs().slice(-3000)}`;

  try {
    // The sign-in page.
    const first = await page.goto(request.url, { waitUntil: 'load' });
    assert.equal(first.status(), 200, 'GET /authorize → 200');
    assert.match(await page.title(), /Sign in/, 'the sign-in page');
    await page.locator('#username').waitFor({ state: 'visible' });
    assert.ok(await page.evaluate(() => document.styleSheets.length > 0 && [...document.styleSheets].some((s) => s.cssRules.length > 0)), 'the stylesheet loaded');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-login.png'), fullPage: true });

    await page.fill('#username', server.adminUser);
    await page.fill('#password', server.adminPassword);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type="submit"]')]);

    // The consent page.
    problems.on('consent');
    assert.match(await page.title(), /Allow access/, `the consent page after signing in (got "${await page.title()}")`);
    const text = await page.locator('main').innerText();
    assert.match(text, /Browser Test Client/, 'the consent page names the client');
    assert.match(text, /admin/, 'the consent page names the signed-in user');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-consent.png'), fullPage: true });

    // The same page on a 375 px wide phone screen.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-consent-375px.png'), fullPage: true });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `no horizontal scrolling at 375 px: scrollWidth ${widths.scroll} > clientWidth ${widths.client}`);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Approve: the browser follows the 302 to the callback.
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${callback.url}?`), { waitUntil: 'load' }),
      page.click('button[name="decision"][value="approve"]'),
    ]);
    problems.on('callback');
    const arrived = new URL(page.url());
    assert.equal(`${arrived.origin}${arrived.pathname}`, callback.url);
    const code = arrived.searchParams.get('code');
    assert.ok(code, `code in the callback URL: ${arrived.href}`);
    assert.equal(arrived.searchParams.get('state'), request.state, 'state comes back unchanged');
    assert.equal(arrived.searchParams.get('iss'), server.url, 'iss is the issuer');
    assert.equal(arrived.searchParams.get('error'), null);
    const hits = callback.requests.filter((r) => r.url.startsWith('/callback?'));
    assert.equal(hits.length, 1, 'the callback server received the redirect once');
    assert.equal(new URL(hits[0].url, callback.url).searchParams.get('code'), code);

    // 3. The code redeems.
    const tokens = await exchangeCode(server, request, code);
    assert.equal(typeof tokens.access_token, 'string');

    // 4. No console errors, exceptions or failed requests on either page
    //    (checked last, so that everything above is known to work even when
    //    this fails).
    assert.deepEqual(problems.list.filter((p) => p.page === 'login'), [], 'the sign-in page logged no errors');
    assert.deepEqual(problems.list.filter((p) => p.page === 'consent'), [], 'the consent page logged no errors');
  } catch (err) {
    err.message += context_();
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-failure.png'), fullPage: true }).catch(() => {});
    throw err;
  }
});
