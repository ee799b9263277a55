// Copies real /proc text into this folder while this process holds known sockets and files, for
// the parser tests (node capture.js). What it holds is written to facts.json beside the copies.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const out = (name, text) => fs.writeFileSync(path.join(__dirname, name), text);
const read = (p) => fs.readFileSync(p);

async function main() {
  // A listener that stays open, and three connections whose far end the server closes: each client
  // socket of ours is then in CLOSE_WAIT (we never close it).
  const listener = net.createServer(() => {});
  await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  const closer = net.createServer({ allowHalfOpen: true }, (s) => s.destroy());
  await new Promise((r) => closer.listen(0, '127.0.0.1', r));
  const closerPort = closer.address().port;
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const c = net.connect({ port: closerPort, host: '127.0.0.1', allowHalfOpen: true });
    c.on('error', () => {});
    await new Promise((r) => c.once('connect', r));
    clients.push(c);
  }
  await new Promise((r) => setTimeout(r, 300));
  closer.close();
  const files = [0, 1].map((i) => fs.openSync(__filename, 'r'));
  for (const f of ['net/tcp', 'net/tcp6', 'loadavg', 'meminfo', 'stat', 'mounts', 'sys/fs/file-nr', 'uptime']) {
    out(f.replace(/\//g, '-'), read(`/proc/${f}`));
  }
  for (const f of ['stat', 'status', 'cmdline', 'limits']) {
    out(`self-${f}`, read(`/proc/self/${f}`));
  }
  const fds = fs.readdirSync('/proc/self/fd').map((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
  out('self-fd-links.txt', fds.join('\n') + '\n');
  out(
    'facts.json',
    JSON.stringify(
      {
        pid: process.pid,
        ppid: process.ppid,
        uid: process.getuid(),
        listenPort: listener.address().port,
        closeWaitRemotePort: closerPort,
        closeWaitCount: clients.length,
        clientLocalPorts: clients.map((c) => c.localPort),
        filesOpened: files.length,
      },
      null,
      2
    ) + '\n'
  );
  process.exit(0);
}
main();
