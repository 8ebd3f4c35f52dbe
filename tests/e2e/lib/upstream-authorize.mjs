// A headless "browser" for authorization flows that cross hosts: Gatehouse on
// http://127.0.0.1:PORT sends the user to an upstream identity provider on
// https://127.0.0.1:PORT (fixtures/oidc-provider.mjs, fixtures/oauth2-provider.mjs),
// which sends them back to Gatehouse, which finally redirects to the MCP
// client's redirect_uri.
//
//   import { browse, gatehousePages } from './lib/upstream-authorize.mjs';
//   const end = await browse(authorizationUrl, {
//     ca: idp.ca,                                  // the fixture's CA file
//     login: 'alice',                              // account at the upstream provider
//     stopAt: ['http://127.0.0.1:33418'],          // the MCP client's redirect_uri origin
//     decide: gatehousePages({ username, password }), // Gatehouse's own forms, if any
//   });
//   end.location  // 'http://127.0.0.1:33418/callback?code=...&state=...&iss=...' (not requested)
//   const res = await loopbackRequest(idp.issuer + '/token', { method: 'POST', ca: idp.ca, headers, body });
//   res.status, res.json()
//
// It GETs the URL and follows 301/302/303 (as GET) and 307/308 (same method
// and body) Location headers between hosts, with one cookie jar keyed by
// host:port (CookieJar from lib/authorize.mjs; pass `jar` again to act as
// the same browser, e.g. to reuse the upstream session). Node's fetch cannot
// trust a CA per request, so requests go through node:http / node:https,
// trusting only `ca` for https. Only loopback hosts (127.0.0.1, localhost,
// [::1]) are ever contacted.
//
// When an answer is an HTML page with a <form> (read with parseForm from
// lib/authorize.mjs):
//   - the fixtures' login page (hidden field fixture_page=login): posts
//     login = options.login and password = options.password;
//   - the fixtures' consent page (fixture_page=consent): posts
//     decision = options.consent ('approve' by default);
//   - any other form (Gatehouse's pages): calls options.decide(page) with
//     page = {url, status, html, form}; it returns the fields to submit,
//     merged over the form's hidden fields, or null to stop there and
//     return the page. Without decide, the page is returned.
// Only the first <form> of a page is seen (parseForm). To go on from a
// returned page some other way (a link, another form), call browse again
// with the next URL and the same `jar`.
// A page without a form, or any status other than 200 or a redirect, is
// returned as is.
//
// It returns {location, url, status, html, hops}: for a redirect to an
// origin in options.stopAt, location is that redirect's absolute URL (which
// is not requested) and url/status/html are those of the answer carrying
// it; for a page, location is null. hops lists "METHOD URL -> status" lines.
// Bounded: at most options.maxHops (30) requests, options.timeoutMs (10 s)
// each.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { CookieJar, parseForm } from './authorize.mjs';

export { CookieJar };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_HOPS = 30;
const MAX_BODY = 4 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** One request; resolves to {status, headers, setCookies, body}. */
function request(url, { method = 'GET', headers = {}, body, ca, timeoutMs }) {
  const target = new URL(url);
  if (!LOOPBACK.has(target.hostname)) return Promise.reject(new Error(`refusing to leave the loopback interface: ${url}`));
  const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!transport) return Promise.reject(new Error(`unsupported scheme: ${url}`));
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method,
        headers: { 'User-Agent': 'gatehouse-e2e-browse', ...headers },
        ...(target.protocol === 'https:' ? { ca, agent: false } : { agent: false }),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        let size = 0;
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size > MAX_BODY) req.destroy(new Error(`answer from ${url} larger than ${MAX_BODY} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            setCookies: res.headers['set-cookie'] ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${method} ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One request to a loopback URL, redirects not followed, e.g. a token
 * request to a fixture: {status, headers, body, json()}.
 *
 * @param {string|URL} url
 * @param {{method?: string, headers?: object, body?: string, ca?: string, timeoutMs?: number}} [init]  ca: a CA file (PEM)
 */
export async function loopbackRequest(url, { method = 'GET', headers = {}, body, ca, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const res = await request(String(url), { method, headers, body, ca: ca ? readFileSync(ca) : undefined, timeoutMs });
  return { status: res.status, headers: res.headers, body: res.body, json: () => JSON.parse(res.body) };
}

/**
 * Follows the authorization flow from `url`; see the header comment.
 *
 * @param {string|URL} url
 * @param {object} options
 * @param {string} [options.ca]  CA file (PEM) trusted for https
 * @param {CookieJar} [options.jar]  a new one when absent (returned as `jar`)
 * @param {string} [options.login]  account for the fixture login page
 * @param {string} [options.password='']
 * @param {'approve'|'deny'} [options.consent='approve']  decision on the fixture consent page
 * @param {(page: {url: string, status: number, html: string, form: object}) => (object|null|Promise<object|null>)} [options.decide]
 * @param {Array<string|URL>} [options.stopAt=[]]  origins not to follow redirects into
 * @param {number} [options.maxHops=30]
 * @param {number} [options.timeoutMs=10000]  per request
 * @param {(msg: string) => void} [options.log]
 * @returns {Promise<{location: string|null, url: string, status: number, html: string, hops: string[], jar: CookieJar}>}
 */
export async function browse(url, options = {}) {
  const {
    login,
    password = '',
    consent = 'approve',
    decide,
    maxHops = DEFAULT_MAX_HOPS,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    log = () => {},
  } = options;
  const jar = options.jar ?? new CookieJar();
  const ca = options.ca ? readFileSync(options.ca) : undefined;
  const stopAt = new Set((options.stopAt ?? []).map((o) => new URL(String(o)).origin));
  const hops = [];

  let current = { url: String(url), method: 'GET', body: undefined, contentType: undefined };
  while (hops.length < maxHops) {
    const headers = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const cookie = jar.header(current.url);
    if (cookie) headers.Cookie = cookie;
    if (current.body !== undefined) {
      headers['Content-Type'] = current.contentType;
      headers.Origin = current.origin;
    }
    const res = await request(current.url, { method: current.method, headers, body: current.body, ca, timeoutMs });
    jar.store(current.url, { headers: { getSetCookie: () => res.setCookies } });
    const hop = `${current.method} ${current.url} -> ${res.status}`;
    hops.push(hop);
    log(hop);

    const answer = { url: current.url, status: res.status, html: res.body };
    if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.location) {
      const location = new URL(res.headers.location, current.url).href;
      if (stopAt.has(new URL(location).origin)) return { location, ...answer, hops, jar };
      current = [307, 308].includes(res.status) ? { ...current, url: location } : { url: location, method: 'GET' };
      continue;
    }
    const page = { location: null, ...answer, hops, jar };
    if (res.status !== 200 || !/html/i.test(res.headers['content-type'] ?? '')) return page;
    const form = parseForm(res.body);
    if (!form) return page;

    let fields;
    if (form.hidden.fixture_page === 'login') {
      if (login === undefined) throw new Error(`browse: the provider's login page at ${current.url} needs options.login`);
      fields = { ...form.hidden, login, password };
    } else if (form.hidden.fixture_page === 'consent') {
      fields = { ...form.hidden, decision: consent };
    } else {
      const chosen = decide ? await decide({ url: current.url, status: res.status, html: res.body, form }) : null;
      if (!chosen) return page;
      fields = { ...form.hidden, ...chosen };
    }
    const action = new URL(form.action || current.url, current.url);
    const encoded = new URLSearchParams(fields).toString();
    if (form.method === 'get') {
      action.search = encoded;
      current = { url: action.href, method: 'GET' };
    } else {
      current = {
        url: action.href,
        method: 'POST',
        body: encoded,
        contentType: 'application/x-www-form-urlencoded',
        origin: new URL(current.url).origin,
      };
    }
  }
  throw new Error(`browse: no end after ${maxHops} requests:\n  ${hops.join('\n  ')}`);
}

/**
 * A `decide` for Gatehouse's own sign-in and consent forms (hidden field
 * step = login | consent, see lib/authorize.mjs); any other form stops.
 */
export function gatehousePages({ username, password, decision = 'approve', remember = false }) {
  return ({ form }) => {
    if (form.hidden.step === 'login') return { username, password };
    if (form.hidden.step === 'consent') return { decision, ...(remember ? { remember: '1' } : {}) };
    return null;
  };
}
