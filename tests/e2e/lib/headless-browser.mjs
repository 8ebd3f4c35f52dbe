// A stand-in for a web browser, for programs that "open the browser" at an
// OAuth authorization URL (e.g. mcp-remote, through the `open` package and
// xdg-open, which runs $BROWSER with the URL when no desktop is detected):
//
//   BROWSER=<wrapper that runs: node lib/headless-browser.mjs URL>
//
// It signs in and approves consent on gatehouse's /authorize pages with fetch
// (lib/authorize.mjs), then GETs the redirect to the client's callback, the
// way a browser would follow the 302. Settings come from the environment:
//
//   GATEHOUSE_E2E_USERNAME, GATEHOUSE_E2E_PASSWORD  the account to sign in as
//   GATEHOUSE_E2E_BROWSER_LOG  file to append one JSON line per event to
//                              (start, authorized, callback, error)
//   GATEHOUSE_E2E_BROWSER_TIMEOUT_MS  overall deadline (default 30000)
//
// Its stdio is usually ignored by whoever launched it, so everything worth
// knowing goes to the log file. It always exits 0 (a failure is logged): a
// non-zero exit makes xdg-open and mcp-remote retry with other "browsers".
import { appendFileSync } from 'node:fs';
import { authorizeHeadless } from './authorize.mjs';

const url = process.argv[2];
const logFile = process.env.GATEHOUSE_E2E_BROWSER_LOG;
const deadlineMs = Number(process.env.GATEHOUSE_E2E_BROWSER_TIMEOUT_MS || 30_000);

function record(event, fields = {}) {
  const line = JSON.stringify({ event, pid: process.pid, time: new Date().toISOString(), ...fields });
  if (logFile) appendFileSync(logFile, line + '\n');
  else process.stderr.write(line + '\n');
}

const watchdog = setTimeout(() => {
  record('error', { message: `gave up after ${deadlineMs} ms` });
  process.exit(0);
}, deadlineMs);

try {
  record('start', { url });
  if (!url) throw new Error('no URL argument');
  const redirect = await authorizeHeadless(url, {
    username: process.env.GATEHOUSE_E2E_USERNAME ?? 'admin',
    password: process.env.GATEHOUSE_E2E_PASSWORD ?? '',
    timeoutMs: Math.min(10_000, deadlineMs),
  });
  record('authorized', {
    pages: redirect.pages,
    location: redirect.location,
    code: redirect.code,
    state: redirect.state,
    iss: redirect.iss,
    error: redirect.error,
  });
  const res = await fetch(redirect.location, { redirect: 'manual', signal: AbortSignal.timeout(Math.min(20_000, deadlineMs)) });
  const body = await res.text();
  record('callback', { status: res.status, location: res.headers.get('location'), body: body.slice(0, 2000) });
} catch (err) {
  record('error', { message: String(err?.stack ?? err) });
}
clearTimeout(watchdog);
process.exit(0);
