// A local HTTPS host for Client ID Metadata Documents, for the CIMD tests and
// the CIMD benchmark: a throwaway certificate authority and a certificate
// for localhost / 127.0.0.1 made with the openssl command, and a Node https
// server on 127.0.0.1 that serves documents from a table and counts requests.
//
//   const certs = makeCertificates(dir);     // { ca, key, cert }
//   const host = await startDocumentHost(certs, {
//     '/client.json': (origin) => ({ status: 200, headers: {...}, body: '...', delayMs, chunked }),
//   });
//   host.origin, host.port, host.count('/client.json'), host.headers('/client.json'), await host.close();
//   const https = await listenHttps(handler, { certs, prefix: 'gatehouse-e2e-x-', log });  // for the fixtures
//   https.server, https.port, https.origin, https.ca, await https.close();
//
// Gatehouse trusts the CA with `--insecure-dev --ca-file <certs.ca>`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes ca.pem, host.key and host.pem into `dir`; returns the CA path and the host's key and certificate. */
export function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=gatehouse test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', ...ec, '-keyout', 'host.key', '-out', 'host.csr', '-subj', '/CN=localhost');
  writeFileSync(path.join(dir, 'host.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'host.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'host.pem',
    '-days', '2', '-extfile', 'host.ext');
  return { ca: path.join(dir, 'ca.pem'), key: readFileSync(path.join(dir, 'host.key')), cert: readFileSync(path.join(dir, 'host.pem')) };
}

/**
 * An https server for `handler` on 127.0.0.1:<free port> (the upstream
 * provider fixtures' server) with `certs` or, without them, new ones from
 * makeCertificates() in `dir` or in a new temporary directory (its name
 * starting with `prefix`) that close() removes. TLS client errors go to `log`. Returns {server,
 * port, origin, ca (the CA file), close()}.
 */
export async function listenHttps(handler, { certs, dir, prefix = 'gatehouse-e2e-https-', log = () => {} } = {}) {
  let tempDir;
  if (!certs) certs = makeCertificates(dir ?? (tempDir = mkdtempSync(path.join(tmpdir(), prefix))));
  const server = createServer({ key: certs.key, cert: certs.cert }, handler);
  server.on('tlsClientError', (err) => log('TLS client error:', err.message));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  return {
    server,
    port,
    origin: `https://127.0.0.1:${port}`,
    ca: certs.ca,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (tempDir) rmSync(tempDir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** A JSON document answer: 200, application/json, `headers` added. */
export function jsonAnswer(body, headers = {}) {
  return { status: 200, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Serves `documents` (path -> (origin, path) => answer; a function under the
 * key '*' answers every other path) on https://127.0.0.1:<free port>.
 */
export async function startDocumentHost({ key, cert }, documents) {
  const counts = new Map();
  const seenHeaders = new Map();
  const timers = new Set();
  const server = createServer({ key, cert }, (req, res) => {
    const { pathname } = new URL(req.url, 'https://127.0.0.1');
    counts.set(pathname, (counts.get(pathname) ?? 0) + 1);
    seenHeaders.set(pathname, req.headers);
    const make = documents[pathname] ?? documents['*'];
    const answer = make?.(`https://127.0.0.1:${server.address().port}`, pathname);
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    const send = () => {
      if (res.destroyed) return;
      if (answer.chunked) {
        res.writeHead(answer.status, answer.headers);
        for (let i = 0; i < answer.body.length; i += 1000) res.write(answer.body.slice(i, i + 1000));
        res.end();
      } else {
        res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) }).end(answer.body);
      }
    };
    if (answer.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, answer.delayMs);
      timers.add(t);
    } else {
      send();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    count: (p) => counts.get(p) ?? 0,
    headers: (p) => seenHeaders.get(p),
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
