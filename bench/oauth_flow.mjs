// OAuth driver for bench/run_auth.sh (Node 20, no dependencies; fetch keeps
// connections alive). Talks only to the URLs it is given (127.0.0.1).
//
//   node bench/oauth_flow.mjs gatehouse-token URL USER PASSWORD
//       Registers a public client, signs USER in on /authorize, approves the
//       consent and exchanges the code at /token; prints the access token.
//   node bench/oauth_flow.mjs ts-token AUTH_URL
//       The same against the TypeScript SDK's demo authorization server
//       (demoInMemoryOAuthProvider.js), whose /authorize approves at once.
//   node bench/oauth_flow.mjs gatehouse-flows URL USER PASSWORD SECONDS CONCURRENCY
//       Signs in once and approves with "remember", then runs CONCURRENCY
//       loops for SECONDS of complete authorization-code flows, each with a
//       fresh PKCE pair and state: GET /authorize -> 302 with a code, then
//       POST /token -> 200 with an access token. Every answer is checked.
//       Prints one JSON line: flows, seconds, flows_per_s, p50_ms, p99_ms, errors.
import { createHash, randomBytes } from 'node:crypto';

const REDIRECT = 'http://localhost:3333/cb';

const b64url = buf => buf.toString('base64url');
function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

class Jar {
  constructor() { this.cookies = new Map(); }
  take(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

function fail(message) { throw new Error(message); }

async function register(base) {
  const res = await fetch(`${base}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'bench',
                           grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] })
  });
  const body = await res.json();
  if (res.status !== 201 || !body.client_id) fail(`register: ${res.status} ${JSON.stringify(body)}`);
  return body.client_id;
}

function authorizeUrl(base, clientId, challenge, state) {
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT,
                                  code_challenge: challenge, code_challenge_method: 'S256', state });
  return `${base}/authorize?${q}`;
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : fail(`no hidden field ${name} in the page`);
}

// The code from a 302 to the client, after checking state.
function codeFrom(res, state) {
  if (res.status !== 302) fail(`authorize: expected 302, got ${res.status}`);
  const loc = new URL(res.headers.get('location'));
  if (`${loc.origin}${loc.pathname}` !== REDIRECT) fail(`authorize: redirected to ${loc}`);
  if (loc.searchParams.get('state') !== state) fail('authorize: state differs');
  return loc.searchParams.get('code') ?? fail(`authorize: no code in ${loc}`);
}

async function exchange(base, clientId, code, verifier) {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: REDIRECT,
                                code_verifier: verifier }).toString()
  });
  const body = await res.json();
  if (res.status !== 200 || !body.access_token) fail(`token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

async function form(base, jar, fields) {
  const res = await fetch(`${base}/authorize`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() },
    body: new URLSearchParams(fields).toString()
  });
  jar.take(res);
  return res;
}

// Sign in and approve once (remembering the consent); returns the first
// access token and the jar that now holds the session and the consent.
async function signIn(base, user, password) {
  const clientId = await register(base);
  const jar = new Jar();
  const { verifier, challenge } = pkce();
  const state = b64url(randomBytes(8));
  let res = await fetch(authorizeUrl(base, clientId, challenge, state), { redirect: 'manual' });
  jar.take(res);
  let html = await res.text();
  if (res.status !== 200 || !html.includes('value="login"')) fail(`authorize GET: ${res.status}, no login form`);
  res = await form(base, jar, { request: hidden(html, 'request'), csrf_token: hidden(html, 'csrf_token'), step: 'login',
                                username: user, password });
  html = await res.text();
  if (res.status !== 200 || !html.includes('value="consent"')) fail(`login: ${res.status}, no consent page`);
  res = await form(base, jar, { request: hidden(html, 'request'), csrf_token: hidden(html, 'csrf_token'),
                                step: 'consent', decision: 'approve', remember: '1' });
  await res.arrayBuffer();
  const token = await exchange(base, clientId, codeFrom(res, state), verifier);
  return { clientId, jar, token };
}

async function gatehouseFlows(base, user, password, seconds, concurrency) {
  const { clientId, jar } = await signIn(base, user, password);
  const cookie = jar.header();
  const durations = [];
  let errors = 0;
  let firstError;
  const start = performance.now();
  const end = start + seconds * 1000;
  async function loop() {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const { verifier, challenge } = pkce();
        const state = b64url(randomBytes(8));
        const res = await fetch(authorizeUrl(base, clientId, challenge, state), { redirect: 'manual', headers: { Cookie: cookie } });
        await res.arrayBuffer();
        await exchange(base, clientId, codeFrom(res, state), verifier);
        durations.push(performance.now() - t0);
      } catch (e) {
        errors++;
        firstError ??= String(e.message ?? e);
        if (errors > 100) return;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  durations.sort((a, b) => a - b);
  const pct = p => (durations.length ? durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] : NaN);
  console.log(JSON.stringify({ flows: durations.length, seconds: +elapsed.toFixed(2),
                               flows_per_s: +(durations.length / elapsed).toFixed(1), concurrency,
                               p50_ms: +pct(0.5).toFixed(2), p99_ms: +pct(0.99).toFixed(2), errors,
                               ...(firstError ? { first_error: firstError } : {}) }));
}

async function tsToken(authBase) {
  const clientId = await register(authBase);
  const { verifier, challenge } = pkce();
  const state = b64url(randomBytes(8));
  // The demo provider "signs in" a fixed demo user and redirects at once.
  const res = await fetch(authorizeUrl(authBase, clientId, challenge, state), { redirect: 'manual' });
  await res.arrayBuffer();
  return exchange(authBase, clientId, codeFrom(res, state), verifier);
}

const [mode, ...args] = process.argv.slice(2);
try {
  if (mode === 'gatehouse-token') console.log((await signIn(args[0], args[1], args[2])).token);
  else if (mode === 'ts-token') console.log(await tsToken(args[0]));
  else if (mode === 'gatehouse-flows') await gatehouseFlows(args[0], args[1], args[2], Number(args[3] ?? 20), Number(args[4] ?? 4));
  else fail(`unknown mode ${mode}`);
} catch (e) {
  console.error(`oauth_flow ${mode}: ${e.message ?? e}`);
  process.exit(1);
}
