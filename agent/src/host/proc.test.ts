import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  parseBootTime,
  parseCmdline,
  parseFileNr,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetTcp,
  parseOpenFilesLimit,
  parseProcStat,
  parseStatusUid,
  ProcParseError,
} from './proc';
import { buildSnapshot, countFds } from './snapshot';

/** Real /proc text copied by __fixtures__/proc/capture.js while it held known sockets; facts.json says what. */
const DIR = path.join(__dirname, '..', '__fixtures__', 'proc');
const fixture = (name: string) => readFileSync(path.join(DIR, name), 'latin1');
const facts = JSON.parse(fixture('facts.json')) as {
  pid: number;
  ppid: number;
  uid: number;
  listenPort: number;
  closeWaitRemotePort: number;
  closeWaitCount: number;
  clientLocalPorts: number[];
};

describe('/proc parsers on real text', () => {
  it('reads /proc/<pid>/stat of the capturing node process', () => {
    expect(parseProcStat(fixture('self-stat'))).toEqual({
      pid: facts.pid,
      comm: 'node',
      state: 'R',
      ppid: facts.ppid,
      utimeTicks: 7,
      stimeTicks: 1,
      threads: 7,
      startTicks: 1065294,
      rssPages: 10851,
    });
  });

  it.each([
    [
      'a comm with spaces and parentheses',
      '42 (a b) c)) S 1 42 42 0 -1 0 0 0 0 0 3 4 0 0 20 0 2 0 99 0 5',
      { comm: 'a b) c)', ppid: 1, threads: 2, startTicks: 99, rssPages: 5 },
    ],
  ])('reads %s', (_name, line, expected) => {
    expect(parseProcStat(line)).toMatchObject(expected);
  });

  it.each([
    ['status Uid', () => parseStatusUid(fixture('self-status')), facts.uid],
    ['cmdline', () => parseCmdline(fixture('self-cmdline')), 'node capture.js'],
    ['limits', () => parseOpenFilesLimit(fixture('self-limits')), 20000],
    ['loadavg', () => parseLoadavg(fixture('loadavg')).threads, Number(fixture('loadavg').split('/')[1].split(' ')[0])],
    ['meminfo MemTotal', () => parseMeminfo(fixture('meminfo')).get('MemTotal'), 24683772 * 1024],
    ['stat btime', () => parseBootTime(fixture('stat')), 1796587531],
    [
      'file-nr',
      () => parseFileNr(fixture('sys-fs-file-nr')).max,
      Number(fixture('sys-fs-file-nr').trim().split(/\s+/)[2]),
    ],
    ['mounts', () => parseMounts(fixture('mounts'))[0], { device: 'proc', mount: '/proc', fsType: 'proc' }],
  ])('reads %s', (_name, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it('reads /proc/net/tcp: the three CLOSE_WAIT client sockets and the listener, by address, port and inode', () => {
    const sockets = parseNetTcp(fixture('net-tcp'));
    const closeWait = sockets.filter((s) => s.remotePort === facts.closeWaitRemotePort && s.state === 'CLOSE_WAIT');
    expect(closeWait.map((s) => [s.localAddress, s.localPort, s.remoteAddress]).sort()).toEqual(
      facts.clientLocalPorts.map((p) => ['127.0.0.1', p, '127.0.0.1']).sort()
    );
    expect(sockets.find((s) => s.localPort === facts.listenPort)).toMatchObject({ state: 'LISTEN', remotePort: 0 });
    expect(parseNetTcp(fixture('net-tcp6'))).toEqual([]);
  });

  it.each([
    ['an IPv4-mapped v6 address', '0000000000000000FFFF00000100007F:1F90', '127.0.0.1', 8080],
    ['the v6 loopback', '00000000000000000000000001000000:0050', '::1', 80],
  ])('reads %s in tcp6', (_name, local, address, port) => {
    const text = `  sl  local_address remote_address st tx rx tr tm retr uid timeout inode\n   0: ${local} 00000000000000000000000000000000:0000 0A 0:0 00:0 0 1000 0 77 1\n`;
    expect(parseNetTcp(text)[0]).toMatchObject({
      localAddress: address,
      localPort: port,
      state: 'LISTEN',
      uid: 1000,
      inode: 77,
    });
  });

  it.each([
    ['stat', () => parseProcStat('nothing here')],
    ['net/tcp', () => parseNetTcp('garbage')],
    ['loadavg', () => parseLoadavg('x')],
    ['meminfo', () => parseMeminfo('Foo: 1 kB')],
  ])('refuses text that is not %s', (_name, parse) => {
    expect(parse).toThrow(ProcParseError);
  });
});

describe('buildSnapshot from the captured text', () => {
  const links = fixture('self-fd-links.txt')
    .split('\n')
    .filter((l) => l !== '');
  const snapshot = buildSnapshot({
    host: 'h',
    takenAt: 1796587531_000 + 10653_670,
    bootTimeS: 1796587531,
    cpus: 2,
    clockTicks: 100,
    pageSize: 4096,
    load: parseLoadavg(fixture('loadavg')),
    meminfo: parseMeminfo(fixture('meminfo')),
    files: parseFileNr(fixture('sys-fs-file-nr')),
    disks: [],
    processes: [
      { stat: parseProcStat(fixture('self-stat')), uid: 0, cmdline: 'node capture.js', fdLinks: links, fdLimit: 20000 },
    ],
    tcp: parseNetTcp(fixture('net-tcp')),
    users: new Map([[0, 'root']]),
  });

  it('counts the capturing process: 4 sockets (listener + 3 clients), its files, pipes; rss and start time', () => {
    const [p] = snapshot.processes;
    expect(p.fds).toEqual(countFds(links));
    expect(p.fds?.sockets).toBe(4);
    expect(p.fds?.files).toBe(links.filter((l) => l.startsWith('/')).length);
    expect(p).toMatchObject({ user: 'root', rssBytes: 10851 * 4096, cpuMs: 80, startTime: 1796587531_000 + 10652_940 });
  });

  it('groups the CLOSE_WAIT connections under their remote endpoint, and names the listener pid', () => {
    expect(snapshot.tcp.byRemote).toContainEqual({
      remote: `127.0.0.1:${facts.closeWaitRemotePort}`,
      state: 'CLOSE_WAIT',
      count: facts.closeWaitCount,
    });
    expect(snapshot.tcp.listening).toContainEqual({ address: '127.0.0.1', port: facts.listenPort, pids: [facts.pid] });
    expect(snapshot.tcp.states.CLOSE_WAIT).toBeGreaterThanOrEqual(facts.closeWaitCount);
  });
});
