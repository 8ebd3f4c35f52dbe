// A TCP port nothing listens on right now on 127.0.0.1 (the kernel picks
// it; the probe listener is closed again before the port is returned), for
// a peer that must be told its port before it starts.
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
