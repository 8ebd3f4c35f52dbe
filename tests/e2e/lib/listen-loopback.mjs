// Preloaded with `node --import ./lib/listen-loopback.mjs SERVER.js` to keep
// a test server that listens on every interface on the loopback interface.
//
// @modelcontextprotocol/server-everything (streamableHttp) calls
// app.listen(PORT) with no host and reads no HOST variable, so on its own it
// accepts connections from the network. This module makes every
// net.Server.listen(PORT[, callback]) that names no host listen on 127.0.0.1,
// and prints the address each server really listens on to stderr:
//
//   listen-loopback: listening on 127.0.0.1:PORT
//
// which is how a caller that passed PORT=0 (a free port the kernel picks)
// learns the port.
import net from 'node:net';

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if ((typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) &&
      typeof second !== 'string') {
    args.splice(1, 0, '127.0.0.1'); // listen(port, host, ...rest)
  } else if (first !== null && typeof first === 'object' && 'port' in first &&
             first.host === undefined && first.path === undefined) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  this.once('listening', () => {
    const address = this.address();
    if (address !== null && typeof address === 'object') {
      process.stderr.write(`listen-loopback: listening on ${address.address}:${address.port}\n`);
    }
  });
  return listen.apply(this, args);
};
