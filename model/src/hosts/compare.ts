import type { HostProcess, TcpState } from './snapshot';

export interface ProcessRef {
  pid: number;
  name: string;
  cmdline: string;
  user: string;
  startTime: number;
}

/** A process in both snapshots (same pid and start time), with what moved. */
export interface ProcessMove extends ProcessRef {
  /** CPU % of one core between the two snapshots. */
  cpuPercent: number;
  cpuDeltaMs: number;
  rssBefore: number;
  rssAfter: number;
  rssDeltaBytes: number;
}

export interface FdGrowth extends ProcessRef {
  before: number;
  after: number;
  delta: number;
  filesDelta: number;
  socketsDelta: number;
  pipesDelta: number;
}

export interface TcpDelta {
  state: TcpState;
  before: number;
  after: number;
  delta: number;
}

export interface TcpRemoteDelta extends TcpDelta {
  remote: string;
}

/** `GET /api/v1/hosts/snapshots/{a}/compare/{b}`: from `a` (older) to `b`. */
export interface HostSnapshotCompare {
  host: string;
  intervalMs: number;
  started: ProcessRef[];
  ended: ProcessRef[];
  /** Processes in both, largest CPU % first. */
  cpu: ProcessMove[];
  /** Processes in both, largest RSS change (either way) first. */
  rss: ProcessMove[];
  /** Processes in both whose descriptor count changed, largest growth first. */
  fds: FdGrowth[];
  /** Host-wide counts per state that changed. */
  tcpStates: TcpDelta[];
  /** Per remote endpoint and state, only those that changed, largest growth first. */
  tcpRemotes: TcpRemoteDelta[];
}

/** Identity of a process across snapshots: a pid is reused, a pid with its start time is not. */
export const processKey = (p: Pick<HostProcess, 'pid' | 'startTime'>): string => `${p.pid}@${p.startTime}`;
