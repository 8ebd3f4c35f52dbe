// Helpers for tests of Gatehouse's connect form ([connect], [[connect.field]]:
// Claude's custom_connection): fields the user fills in after signing in and
// before consent, sealed per grant, handed to gateway backends as
// {connection.NAME}. Used by connect.test.mjs and upstream-browser.test.mjs.
//
//   import { authorizationRequest, connectSection, getPage, postForm, readConnectPage,
//            redeemCode, startCheckHost, whoami } from './lib/connect-flow.mjs';
//   const check = await startCheckHost(certs);  check.accept(key);  check.requests
//   const head = upstreamLogin(idp);   // [server], [oauth], [login], [login.provider] for the oidc-provider fixture
//   const toml = connectSection({ title, description, checkUrl, checkHeaders, fields: [{ name, label, kind, ... }] });
//   const request = await authorizationRequest(server, { redirectUri });   // DCR + PKCE S256 (lib/token.mjs)
//   const page = await getPage(request.url, jar);                           // {status, location, html, ...}
//   const connect = readConnectPage(page.html);   // {form, inputs, problems, notice, text}
//   const next = await postForm(server, jar, connect.form, { field_api_key: '...' });
//   const tokens = await redeemCode(server, request, next.location);
//   const seen = await whoami({ server, accessToken: tokens.access_token }); // the probe's whoami, parsed
//
// The connect page (web/connect.html): a form POST /authorize with hidden
// `request`, `csrf_token` and `step=connect`, one <input> per field named and
// id'd `field_NAME` (type url, text or password), and after a mistake a
// `<p class="notice error small" id="field_NAME_problem">` per field.
//
// startCheckHost() is a check_url target: an https server on 127.0.0.1 that
// accepts the API keys it is told to and records every request.
//
// authorizationRequest and registerClient are lib/token.mjs's, passed on.
// Only Node's fetch (Gatehouse is plain http on 127.0.0.1), node:https for
// the check host, and the MCP SDK client; nothing here starts a process.
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseForm } from './authorize.mjs';
import { authorizationRequest, exchangeCode, registerClient } from './token.mjs';

export { authorizationRequest, registerClient };

const HTTP_TIMEOUT_MS = 10_000;
const SDK_REQUEST = { timeout: 15_000 };

/** A TOML string literal (JSON's escapes are TOML's). */
export const toml = (s) => JSON.stringify(String(s));
/** A TOML value: strings, numbers, booleans and arrays of those. */
export const tomlValue = (v) => (Array.isArray(v) ? `[${v.map(tomlValue).join(', ')}]` : typeof v === 'string' ? toml(v) : String(v));

/**
 * The configuration's start for Gatehouse with sign-in at `provider` (the
 * oidc-provider fixture: issuer, clientId): [server] auth oauth, [oauth]
 * access tokens of 300 s, [login] method "upstream" for example.com
 * addresses, [login.provider] "Test IdP" with openid email profile
 * offline_access. The client secret comes from the environment.
 */
export const upstreamLogin = (provider) => `[server]
auth = "oauth"

[oauth]
access_token_lifetime = 300

[login]
method = "upstream"
allow_email_domains = ["example.com"]

[login.provider]
issuer = ${toml(provider.issuer)}
client_id = ${toml(provider.clientId)}
display_name = "Test IdP"
scopes = ["openid", "email", "profile", "offline_access"]
`;

/**
 * The [connect] section with its [connect.check_headers] and one
 * [[connect.field]] table per entry of `fields` (keys as Gatehouse spells
 * them: name, label, kind, hosts, schemes, pattern, max_length, required,
 * help, placeholder).
 */
export function connectSection({ title, description, checkUrl, checkHeaders = {}, fields = [] }) {
  const lines = ['[connect]'];
  if (title !== undefined) lines.push(`title = ${toml(title)}`);
  if (description !== undefined) lines.push(`description = ${toml(description)}`);
  if (checkUrl !== undefined) lines.push(`check_url = ${toml(checkUrl)}`);
  if (Object.keys(checkHeaders).length > 0) {
    lines.push('', '[connect.check_headers]');
    for (const [name, value] of Object.entries(checkHeaders)) lines.push(`${name} = ${toml(value)}`);
  }
  for (const field of fields) {
    lines.push('', '[[connect.field]]');
    for (const [key, value] of Object.entries(field)) lines.push(`${key} = ${tomlValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A request with cookies from `jar` (lib/authorize.mjs CookieJar), no redirects followed: {status, location, headers, setCookies, html}. */
export async function getPage(url, jar, init = {}) {
  const headers = { Accept: 'text/html', ...(init.headers ?? {}) };
  const cookie = jar?.header(url);
  if (cookie) headers.Cookie = cookie;
  const res = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  jar?.store(url, res);
  const location = res.headers.get('location');
  return {
    status: res.status,
    location: location ? new URL(location, url).href : null,
    headers: res.headers,
    setCookies: res.headers.getSetCookie(),
    html: await res.text(),
  };
}

/** Submits `form` (parseForm's result) of a Gatehouse page: its hidden fields, then `fields`, with Origin as a browser sends it. */
export function postForm(server, jar, form, fields = {}) {
  const action = new URL(form.action || '/authorize', server.url).href;
  return getPage(action, jar, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
    body: new URLSearchParams({ ...form.hidden, ...fields }).toString(),
  });
}

/** Every <form> of a page, parsed (parseForm sees the first only). */
export const formsOf = (html) =>
  String(html ?? '')
    .split(/(?=<form\b)/i)
    .slice(1)
    .map(parseForm)
    .filter(Boolean);

/** The visible text of an HTML page, entities decoded, blanks collapsed. */
export const textOf = (html) =>
  String(html ?? '')
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

const attribute = (tag, name) => {
  const m = new RegExp(`\\s${name}(?:\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+)))?(?=[\\s>/])`, 'i').exec(tag);
  if (!m) return undefined;
  return m[1] === undefined ? '' : (m[2] ?? m[3] ?? m[4] ?? '');
};

/**
 * The connect page's parts: `form` (the step=connect form, parseForm), the
 * visible `inputs` of that form ({name, id, type, value (undefined when the
 * tag has no value attribute), tag}), `problems` ({FIELD: message} from the
 * field_FIELD_problem paragraphs), `notice` (the page-wide error, or null),
 * `title` and `text` (the visible text). null when the page has no
 * step=connect form.
 */
export function readConnectPage(html) {
  const form = formsOf(html).find((f) => f.hidden.step === 'connect');
  if (!form) return null;
  const body = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let inner = '';
  for (const [, content] of String(html).matchAll(body)) if (/name="step"\s+value="connect"/.test(content)) inner = content;
  const inputs = [];
  for (const [tag] of inner.matchAll(/<input\b[^>]*>/gi)) {
    const type = (attribute(tag, 'type') ?? 'text').toLowerCase();
    if (type === 'hidden') continue;
    inputs.push({ name: attribute(tag, 'name'), id: attribute(tag, 'id'), type, value: attribute(tag, 'value'), tag });
  }
  const problems = {};
  for (const [, field, message] of String(html).matchAll(/<p\b[^>]*\bid="field_([a-z0-9_]+)_problem"[^>]*>([\s\S]*?)<\/p>/gi))
    problems[field] = textOf(message);
  const alert = /<p\b[^>]*class="notice error"[^>]*>([\s\S]*?)<\/p>/i.exec(String(html));
  return {
    form,
    inputs,
    problems,
    notice: alert ? textOf(alert[1]) : null,
    title: /<title>([^<]*)<\/title>/i.exec(String(html))?.[1] ?? '',
    text: textOf(html),
  };
}

/**
 * POST /token with the code the redirect `location` carries: the token
 * response (asserted: 200, an access and a refresh token, state and iss).
 */
export async function redeemCode(server, request, location) {
  assert.ok(location, 'a redirect to the client');
  assert.ok(location.startsWith(`${request.redirectUri}?`), `to the client's redirect_uri: ${location}`);
  const params = new URL(location).searchParams;
  assert.equal(params.get('error'), null, `no error: ${location}`);
  assert.ok(params.get('code'), `a code: ${location}`);
  assert.equal(params.get('state'), request.state, 'state unchanged');
  assert.equal(params.get('iss'), server.url, 'RFC 9207 iss');
  const tokens = await exchangeCode(server, request, params.get('code'));
  assert.ok(tokens.access_token, 'an access token');
  return tokens;
}

/** An SDK 1.x client connected to `server`'s /mcp with `accessToken`. */
export async function mcpClient(server, accessToken, name = 'gatehouse-e2e-connect') {
  const client = new Client({ name, version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
    requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
  });
  await client.connect(transport, SDK_REQUEST);
  return client;
}

/**
 * Calls fixtures/probe-server.mjs's `whoami` (named `tool`, e.g. with a
 * backend prefix) with `client` (or a client made for `server` +
 * `accessToken` and closed again) and returns its parsed answer: {pid, env,
 * names, headers?}.
 */
export async function whoami({ client, server, accessToken, tool = 'whoami' }) {
  const own = client ? null : await mcpClient(server, accessToken);
  try {
    const result = await (client ?? own).callTool({ name: tool, arguments: {} }, undefined, SDK_REQUEST);
    assert.notEqual(result.isError, true, `${tool}: a tool error: ${JSON.stringify(result).slice(0, 800)}`);
    return JSON.parse(result.content?.[0]?.text ?? 'null');
  } finally {
    await own?.close().catch(() => {});
  }
}

/**
 * A check_url target on https://127.0.0.1:<free port> with the certificate
 * of makeCertificates() (lib/document-host.mjs): GET /<tenant>/api/check
 * (any path) answers 200 when the Authorization header is "Bearer KEY" for
 * a KEY given to accept(KEY), 500 under /broken/, 401 otherwise. Every
 * request is recorded: requests = [{method, path, authorization, headers}].
 * Returns {origin, requests, accept(key), close()}.
 */
export async function startCheckHost({ key, cert }) {
  const requests = [];
  const accepted = new Set();
  const server = createServer({ key, cert }, (req, res) => {
    const authorization = req.headers.authorization ?? null;
    requests.push({ method: req.method, path: req.url, authorization, headers: { ...req.headers } });
    const status = req.url.startsWith('/broken/') ? 500 : accepted.has(authorization?.replace(/^Bearer /, '')) ? 200 : 401;
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${server.address().port}`;
  return {
    origin,
    requests,
    accept: (k) => accepted.add(k),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
