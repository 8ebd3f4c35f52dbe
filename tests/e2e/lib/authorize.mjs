// Drives gatehouse's /authorize pages headlessly, the way a person in a
// browser would: GET the authorization URL (the sign-in page), POST the
// sign-in form, POST the consent form, and return the redirect (302 Location)
// to the client's redirect_uri without following it.
//
//   import { authorizeHeadless } from './lib/authorize.mjs';
//   const { location, code, state, iss } = await authorizeHeadless(url, { username, password });
//
// The pages are plain HTML forms posting back to /authorize with hidden fields
// `request`, `csrf_token` and `step` (login | consent), plus `username` and
// `password` (step=login) or `decision` = approve | deny and optional
// `remember` = 1 (step=consent). Cookies carry the sign-in and the CSRF
// identity, so a small cookie jar is kept across the requests (pass the same
// jar again to act as the same browser).
//
// Node's fetch only; nothing here spawns a process.

const DEFAULT_TIMEOUT_MS = 10_000;

/** A minimal cookie jar: name=value pairs per host, no paths or expiry. */
export class CookieJar {
  #cookies = new Map(); // host -> Map(name -> value)

  /** Stores the Set-Cookie headers of `response` (from `url`). */
  store(url, response) {
    const host = new URL(url).host;
    const lines = response.headers.getSetCookie?.() ?? [];
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!this.#cookies.has(host)) this.#cookies.set(host, new Map());
      const maxAge = attributes.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
      if (value === '' || (maxAge && Number(maxAge.split('=')[1]) <= 0)) this.#cookies.get(host).delete(name);
      else this.#cookies.get(host).set(name, value);
    }
  }

  /** The Cookie header for `url`, or undefined. */
  header(url) {
    const cookies = this.#cookies.get(new URL(url).host);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The names of the cookies held for `url`'s host. */
  names(url) {
    return [...(this.#cookies.get(new URL(url).host)?.keys() ?? [])];
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'" };
const decodeHtml = (s) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (ENTITIES[e.toLowerCase()]) return ENTITIES[e.toLowerCase()];
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return m;
  });

/**
 * The first <form> of `html`: its method, action and hidden inputs, and the
 * values of its submit buttons named `decision`.
 */
export function parseForm(html) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const attr = (tag, name) => {
    const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    return m ? decodeHtml(m[2] ?? m[3] ?? m[4] ?? '') : undefined;
  };
  const hidden = {};
  for (const [tag] of form[2].matchAll(/<input\b[^>]*>/gi)) {
    if ((attr(tag, 'type') ?? '').toLowerCase() !== 'hidden') continue;
    const name = attr(tag, 'name');
    if (name) hidden[name] = attr(tag, 'value') ?? '';
  }
  const decisions = [];
  for (const [tag] of form[2].matchAll(/<button\b[^>]*>/gi)) {
    if (attr(tag, 'name') === 'decision') decisions.push(attr(tag, 'value'));
  }
  return {
    method: (attr(form[1], 'method') ?? 'get').toLowerCase(),
    action: attr(form[1], 'action') ?? '',
    hidden,
    decisions,
  };
}

function describePage(what, url, res, body) {
  return `${what}\n  ${url} → HTTP ${res.status}\n  Location: ${res.headers.get('location')}\n  body: ${String(body).slice(0, 1500)}`;
}

/**
 * Walks the sign-in and consent pages for `authorizationUrl` and returns the
 * final redirect.
 *
 * @param {string|URL} authorizationUrl  the /authorize URL a client built
 * @param {object} options
 * @param {string} options.username
 * @param {string} options.password
 * @param {'approve'|'deny'} [options.decision='approve']
 * @param {boolean} [options.remember=false]  tick "remember this decision"
 * @param {CookieJar} [options.jar]  reuse a browser's cookies
 * @param {number} [options.timeoutMs]  per request
 * @param {(msg: string) => void} [options.log]
 * @returns {Promise<{location: string, code: string|null, state: string|null,
 *          iss: string|null, error: string|null, pages: string[], html: object, jar: CookieJar}>}
 *          pages lists the steps seen, e.g. ['login', 'consent']
 */
export async function authorizeHeadless(authorizationUrl, options) {
  const { username, password, decision = 'approve', remember = false, timeoutMs = DEFAULT_TIMEOUT_MS, log = () => {} } = options;
  const jar = options.jar ?? new CookieJar();
  const pages = [];
  const html = {};

  const request = async (url, init = {}) => {
    const headers = { ...(init.headers ?? {}) };
    const cookie = jar.header(url);
    if (cookie) headers.Cookie = cookie;
    const res = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    jar.store(url, res);
    const body = await res.text();
    log(`${init.method ?? 'GET'} ${url} → ${res.status}`);
    return { res, body };
  };

  let url = String(authorizationUrl);
  let { res, body } = await request(url);
  for (let step = 0; step < 4; step++) {
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location'), url).href;
      const params = new URL(location).searchParams;
      return {
        location,
        code: params.get('code'),
        state: params.get('state'),
        iss: params.get('iss'),
        error: params.get('error'),
        pages,
        html,
        jar,
      };
    }
    if (res.status !== 200) throw new Error(describePage('the authorization page did not answer 200 or a redirect', url, res, body));
    const form = parseForm(body);
    if (!form || !form.hidden.step) throw new Error(describePage('no form with a hidden "step" field on the page', url, res, body));
    const kind = form.hidden.step;
    pages.push(kind);
    html[kind] = body;
    const fields = new URLSearchParams(form.hidden);
    if (kind === 'login') {
      fields.set('username', username);
      fields.set('password', password);
    } else if (kind === 'consent') {
      if (!form.decisions.includes(decision))
        throw new Error(describePage(`the consent form has no "${decision}" button`, url, res, body));
      fields.set('decision', decision);
      if (remember) fields.set('remember', '1');
    } else {
      throw new Error(describePage(`unknown step "${kind}"`, url, res, body));
    }
    const action = new URL(form.action || url, url).href;
    ({ res, body } = await request(action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(action).origin },
      body: fields.toString(),
    }));
    url = action;
  }
  throw new Error(`no redirect after ${pages.join(' → ')}`);
}
