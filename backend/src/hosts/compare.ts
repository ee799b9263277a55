import {
  type FdGrowth,
  type HostProcess,
  type HostSnapshot,
  type HostSnapshotCompare,
  type ProcessMove,
  type ProcessRef,
  processKey,
  TCP_STATES,
  type TcpRemoteDelta,
} from '@osprey/model';

const ref = (p: HostProcess): ProcessRef => ({
  pid: p.pid,
  name: p.name,
  cmdline: p.cmdline,
  user: p.user,
  startTime: p.startTime,
});

/**
 * What changed on a host from snapshot `a` to the later `b`. Processes are matched by pid and start
 * time (a reused pid is a new process); CPU % is the CPU time a process used between the two over
 * the time between them, so it says what ran then, not over its life.
 */
export function compareHostSnapshots(a: HostSnapshot, b: HostSnapshot): HostSnapshotCompare {
  const intervalMs = b.takenAt - a.takenAt;
  const before = new Map(a.processes.map((p) => [processKey(p), p]));
  const after = new Map(b.processes.map((p) => [processKey(p), p]));
  const both: Array<[HostProcess, HostProcess]> = [];
  for (const [key, p] of after) {
    const old = before.get(key);
    if (old) {
      both.push([old, p]);
    }
  }
  const moves: ProcessMove[] = both.map(([o, n]) => {
    const cpuDeltaMs = Math.max(0, n.cpuMs - o.cpuMs);
    return {
      ...ref(n),
      cpuDeltaMs,
      cpuPercent: intervalMs > 0 ? Math.round((cpuDeltaMs / intervalMs) * 1000) / 10 : 0,
      rssBefore: o.rssBytes,
      rssAfter: n.rssBytes,
      rssDeltaBytes: n.rssBytes - o.rssBytes,
    };
  });
  const fds: FdGrowth[] = both.flatMap(([o, n]) => {
    if (!o.fds || !n.fds || o.fds.total === n.fds.total) {
      return [];
    }
    return [
      {
        ...ref(n),
        before: o.fds.total,
        after: n.fds.total,
        delta: n.fds.total - o.fds.total,
        filesDelta: n.fds.files - o.fds.files,
        socketsDelta: n.fds.sockets - o.fds.sockets,
        pipesDelta: n.fds.pipes - o.fds.pipes,
      },
    ];
  });
  return {
    host: b.host,
    intervalMs,
    started: b.processes.filter((p) => !before.has(processKey(p))).map(ref),
    ended: a.processes.filter((p) => !after.has(processKey(p))).map(ref),
    cpu: moves.filter((m) => m.cpuDeltaMs > 0).sort((x, y) => y.cpuDeltaMs - x.cpuDeltaMs || x.pid - y.pid),
    rss: moves
      .filter((m) => m.rssDeltaBytes !== 0)
      .sort((x, y) => Math.abs(y.rssDeltaBytes) - Math.abs(x.rssDeltaBytes) || x.pid - y.pid),
    fds: fds.sort((x, y) => y.delta - x.delta || x.pid - y.pid),
    tcpStates: TCP_STATES.flatMap((state) => {
      const [x, y] = [a.tcp.states[state] ?? 0, b.tcp.states[state] ?? 0];
      return x === y ? [] : [{ state, before: x, after: y, delta: y - x }];
    }),
    tcpRemotes: remoteDeltas(a, b),
  };
}

function remoteDeltas(a: HostSnapshot, b: HostSnapshot): TcpRemoteDelta[] {
  const counts = new Map<string, TcpRemoteDelta>();
  const add = (s: HostSnapshot, side: 'before' | 'after') => {
    for (const r of s.tcp.byRemote) {
      const key = `${r.remote} ${r.state}`;
      const e = counts.get(key) ?? { remote: r.remote, state: r.state, before: 0, after: 0, delta: 0 };
      e[side] += r.count;
      counts.set(key, e);
    }
  };
  add(a, 'before');
  add(b, 'after');
  return [...counts.values()]
    .map((e) => ({ ...e, delta: e.after - e.before }))
    .filter((e) => e.delta !== 0)
    .sort((x, y) => y.delta - x.delta || x.remote.localeCompare(y.remote) || x.state.localeCompare(y.state));
}
