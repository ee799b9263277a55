import {
  type FdCounts,
  type HostDisk,
  type HostProcess,
  type HostSnapshot,
  type HostTcp,
  OPEN_FILES_LISTED,
  type TcpState,
} from '@osprey/model';

import type { ProcStat, TcpSocket } from './proc';

/** What was read of one process; `fdLinks` undefined when its fd folder was not readable. */
export interface ProcessInput {
  stat: ProcStat;
  uid: number;
  cmdline: string;
  fdLinks?: string[];
  fdLimit?: number;
}

/** Everything a snapshot is made of, as read from /proc (read.ts) — the snapshot is a pure function of it. */
export interface HostInputs {
  host: string;
  takenAt: number;
  kernel?: string;
  bootTimeS: number;
  cpus: number;
  /** USER_HZ: /proc's clock ticks per second. */
  clockTicks: number;
  pageSize: number;
  load: HostSnapshot['load'];
  meminfo: Map<string, number>;
  files: HostSnapshot['files'];
  disks: HostDisk[];
  processes: ProcessInput[];
  tcp: TcpSocket[];
  users: Map<number, string>;
}

export function buildSnapshot(input: HostInputs): HostSnapshot {
  const mem = (key: string) => input.meminfo.get(key) ?? 0;
  const snapshot: HostSnapshot = {
    host: input.host,
    takenAt: input.takenAt,
    bootTime: input.bootTimeS * 1000,
    cpus: input.cpus,
    load: input.load,
    memory: {
      totalBytes: mem('MemTotal'),
      freeBytes: mem('MemFree'),
      availableBytes: mem('MemAvailable'),
      buffersBytes: mem('Buffers'),
      cachedBytes: mem('Cached'),
      swapTotalBytes: mem('SwapTotal'),
      swapFreeBytes: mem('SwapFree'),
    },
    files: input.files,
    disks: input.disks,
    processes: input.processes.map((p) => toProcess(p, input)).sort((a, b) => a.pid - b.pid),
    tcp: tcpSummary(input.tcp, input.processes),
  };
  if (input.kernel !== undefined) {
    snapshot.kernel = input.kernel;
  }
  return snapshot;
}

function toProcess(p: ProcessInput, input: HostInputs): HostProcess {
  const { stat } = p;
  const tickMs = 1000 / input.clockTicks;
  const cpuMs = (stat.utimeTicks + stat.stimeTicks) * tickMs;
  const startTime = Math.round(input.bootTimeS * 1000 + stat.startTicks * tickMs);
  const lifetime = input.takenAt - startTime;
  const proc: HostProcess = {
    pid: stat.pid,
    ppid: stat.ppid,
    user: input.users.get(p.uid) ?? String(p.uid),
    uid: p.uid,
    state: stat.state,
    cpuMs,
    cpuPercent: lifetime > 0 ? Math.round((cpuMs / lifetime) * 1000) / 10 : 0,
    rssBytes: stat.rssPages * input.pageSize,
    threads: stat.threads,
    startTime,
    name: stat.comm,
    cmdline: p.cmdline,
  };
  if (p.fdLinks !== undefined) {
    proc.fds = countFds(p.fdLinks);
    proc.openFiles = p.fdLinks.slice(0, OPEN_FILES_LISTED);
  }
  if (p.fdLimit !== undefined) {
    proc.fdLimit = p.fdLimit;
  }
  return proc;
}

/** Descriptors by target: `/…` a file (or device), `socket:[n]`, `pipe:[n]`, anything else (anon_inode:…). */
export function countFds(links: string[]): FdCounts {
  const c: FdCounts = { total: links.length, files: 0, sockets: 0, pipes: 0, other: 0 };
  for (const l of links) {
    if (l.startsWith('/')) {
      c.files++;
    } else if (l.startsWith('socket:')) {
      c.sockets++;
    } else if (l.startsWith('pipe:')) {
      c.pipes++;
    } else {
      c.other++;
    }
  }
  return c;
}

const endpoint = (address: string, port: number) =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

/**
 * TCP counts: per state over every socket; listening sockets with the pids holding them (by socket
 * inode in their fd links); per local port only for ports something listens on (connections to this
 * host's servers — an ephemeral port says nothing); per remote endpoint for every connection.
 */
export function tcpSummary(sockets: TcpSocket[], processes: ProcessInput[]): HostTcp {
  const holders = new Map<number, number[]>();
  for (const p of processes) {
    for (const l of p.fdLinks ?? []) {
      const m = /^socket:\[(\d+)\]$/.exec(l);
      if (m) {
        const list = holders.get(Number(m[1])) ?? [];
        if (!list.includes(p.stat.pid)) {
          list.push(p.stat.pid);
        }
        holders.set(Number(m[1]), list);
      }
    }
  }
  const states: Partial<Record<TcpState, number>> = {};
  const listening = new Map<string, { address: string; port: number; pids: number[] }>();
  const byLocal = new Map<string, { port: number; state: TcpState; count: number }>();
  const byRemote = new Map<string, { remote: string; state: TcpState; count: number }>();
  for (const s of sockets) {
    states[s.state] = (states[s.state] ?? 0) + 1;
    if (s.state === 'LISTEN') {
      const key = endpoint(s.localAddress, s.localPort);
      const entry = listening.get(key) ?? { address: s.localAddress, port: s.localPort, pids: [] };
      for (const pid of holders.get(s.inode) ?? []) {
        if (!entry.pids.includes(pid)) {
          entry.pids.push(pid);
        }
      }
      listening.set(key, entry);
    }
  }
  const listenPorts = new Set([...listening.values()].map((l) => l.port));
  for (const s of sockets) {
    if (s.state === 'LISTEN') {
      continue;
    }
    if (listenPorts.has(s.localPort)) {
      const key = `${s.localPort} ${s.state}`;
      const e = byLocal.get(key) ?? { port: s.localPort, state: s.state, count: 0 };
      e.count++;
      byLocal.set(key, e);
    }
    const remote = endpoint(s.remoteAddress, s.remotePort);
    const key = `${remote} ${s.state}`;
    const e = byRemote.get(key) ?? { remote, state: s.state, count: 0 };
    e.count++;
    byRemote.set(key, e);
  }
  return {
    states,
    listening: [...listening.values()]
      .map((l) => ({ ...l, pids: l.pids.sort((a, b) => a - b) }))
      .sort((a, b) => a.port - b.port || a.address.localeCompare(b.address)),
    byLocalPort: [...byLocal.values()].sort((a, b) => a.port - b.port || a.state.localeCompare(b.state)),
    byRemote: [...byRemote.values()].sort((a, b) => b.count - a.count || a.remote.localeCompare(b.remote)),
  };
}
