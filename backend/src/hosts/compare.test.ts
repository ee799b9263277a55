import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { HostSnapshot } from '@osprey/model';

import { compareHostSnapshots } from './compare';

/** A real snapshot (test/fixtures/hosts/build.js); the later ones are made from it by the edits each case names. */
const base = JSON.parse(
  readFileSync(path.join(__dirname, '../../../test/fixtures/hosts/snapshot.json'), 'utf8')
) as HostSnapshot;
const later = (edit: (s: HostSnapshot) => void, ms = 10_000): HostSnapshot => {
  const s = structuredClone(base);
  s.takenAt += ms;
  edit(s);
  return s;
};
const [proc] = base.processes;

describe('compareHostSnapshots', () => {
  it('finds nothing between a snapshot and itself', () => {
    expect(compareHostSnapshots(base, base)).toEqual({
      host: 'fixture-host',
      intervalMs: 0,
      started: [],
      ended: [],
      cpu: [],
      rss: [],
      fds: [],
      tcpStates: [],
      tcpRemotes: [],
    });
  });

  it.each([
    [
      'a process started',
      (s: HostSnapshot) => s.processes.push({ ...proc, pid: 99, startTime: s.takenAt - 1 }),
      { started: [expect.objectContaining({ pid: 99 })], ended: [] },
    ],
    [
      'a pid reused by a new process: one ended, one started',
      (s: HostSnapshot) => (s.processes[0] = { ...proc, startTime: proc.startTime + 5000 }),
      { started: [expect.objectContaining({ pid: proc.pid })], ended: [expect.objectContaining({ pid: proc.pid })] },
    ],
    [
      '2 s of CPU in 10 s: 20 %, and RSS up 1 MiB',
      (s: HostSnapshot) => {
        s.processes[0].cpuMs += 2000;
        s.processes[0].rssBytes += 1 << 20;
      },
      {
        cpu: [expect.objectContaining({ pid: proc.pid, cpuDeltaMs: 2000, cpuPercent: 20 })],
        rss: [expect.objectContaining({ rssDeltaBytes: 1 << 20, rssBefore: proc.rssBytes })],
      },
    ],
    [
      'five more descriptors: three files and two sockets',
      (s: HostSnapshot) => {
        const f = s.processes[0].fds!;
        s.processes[0].fds = { ...f, total: f.total + 5, files: f.files + 3, sockets: f.sockets + 2 };
      },
      {
        fds: [
          expect.objectContaining({
            pid: proc.pid,
            before: proc.fds!.total,
            delta: 5,
            filesDelta: 3,
            socketsDelta: 2,
            pipesDelta: 0,
          }),
        ],
      },
    ],
    [
      'the three CLOSE_WAIT connections closed, four to a new endpoint',
      (s: HostSnapshot) => {
        s.tcp.byRemote = s.tcp.byRemote.filter((r) => r.state !== 'CLOSE_WAIT');
        s.tcp.byRemote.push({ remote: '10.0.0.9:5432', state: 'ESTABLISHED', count: 4 });
        s.tcp.states = { ...s.tcp.states, CLOSE_WAIT: 0, ESTABLISHED: (s.tcp.states.ESTABLISHED ?? 0) + 4 };
      },
      {
        tcpRemotes: [
          { remote: '10.0.0.9:5432', state: 'ESTABLISHED', before: 0, after: 4, delta: 4 },
          { remote: '127.0.0.1:33929', state: 'CLOSE_WAIT', before: 3, after: 0, delta: -3 },
        ],
        tcpStates: [
          expect.objectContaining({ state: 'ESTABLISHED', delta: 4 }),
          { state: 'CLOSE_WAIT', before: base.tcp.states.CLOSE_WAIT, after: 0, delta: -base.tcp.states.CLOSE_WAIT! },
        ],
      },
    ],
  ])('%s', (_name, edit, expected) => {
    expect(compareHostSnapshots(base, later(edit))).toMatchObject({ intervalMs: 10_000, ...expected });
  });
});
