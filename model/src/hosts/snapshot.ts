/**
 * A snapshot of one Linux host as the Osprey agent reads it from /proc (DESIGN.md "HostSnapshot"):
 * processes, TCP connections, open files, load, memory and disks at one moment.
 */

/** Linux TCP states as /proc/net/tcp numbers them (01 … 0B). */
export const TCP_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

export interface HostProcess {
  pid: number;
  ppid: number;
  /** User name from /etc/passwd, else the uid as text. */
  user: string;
  uid: number;
  /** /proc/<pid>/stat state letter: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle. */
  state: string;
  /** User + system CPU time since the process started (ms). */
  cpuMs: number;
  /** CPU time over the process's lifetime, % of one core (as `ps` computes %CPU). */
  cpuPercent: number;
  rssBytes: number;
  threads: number;
  /** Epoch ms. */
  startTime: number;
  /** `comm`: the executable name, at most 15 characters. */
  name: string;
  /** The command line, arguments joined by spaces; empty for kernel threads. */
  cmdline: string;
  /** Open file descriptors, by what they point at; absent when /proc/<pid>/fd was not readable. */
  fds?: FdCounts;
  /** Soft limit on open files (`Max open files`). */
  fdLimit?: number;
  /** What the descriptors point at (`/path`, `socket:[inode]`, `pipe:[inode]`, `anon_inode:…`), at most {@link OPEN_FILES_LISTED}. */
  openFiles?: string[];
}

export interface FdCounts {
  total: number;
  files: number;
  sockets: number;
  pipes: number;
  other: number;
}

/** How many descriptor targets a process lists in `openFiles`; `fds.total` counts them all. */
export const OPEN_FILES_LISTED = 256;

/** Connections in one state between one pair of groupings. */
export interface TcpCount {
  state: TcpState;
  count: number;
}

export interface TcpByLocalPort extends TcpCount {
  port: number;
}

export interface TcpByRemote extends TcpCount {
  /** `address:port` (IPv6 in brackets). */
  remote: string;
}

export interface ListeningSocket {
  address: string;
  port: number;
  /** The processes holding the socket, when their fds were readable. */
  pids: number[];
}

export interface HostTcp {
  /** Every TCP socket of /proc/net/tcp and tcp6, by state. */
  states: Partial<Record<TcpState, number>>;
  listening: ListeningSocket[];
  byLocalPort: TcpByLocalPort[];
  /** Connections with a remote end (not LISTEN), by remote endpoint and state. */
  byRemote: TcpByRemote[];
}

export interface HostDisk {
  mount: string;
  device: string;
  fsType: string;
  totalBytes: number;
  freeBytes: number;
  /** Free to unprivileged users (`df`'s Avail). */
  availableBytes: number;
}

export interface HostSnapshot {
  host: string;
  /** Epoch ms. */
  takenAt: number;
  kernel?: string;
  bootTime: number;
  cpus: number;
  load: { one: number; five: number; fifteen: number; runnable: number; threads: number };
  memory: {
    totalBytes: number;
    freeBytes: number;
    availableBytes: number;
    buffersBytes: number;
    cachedBytes: number;
    swapTotalBytes: number;
    swapFreeBytes: number;
  };
  /** /proc/sys/fs/file-nr: descriptors allocated on the host and the system-wide maximum. */
  files: { allocated: number; max: number };
  disks: HostDisk[];
  processes: HostProcess[];
  tcp: HostTcp;
}
