import { TCP_STATES, type TcpState } from '@osprey/model';

/**
 * Pure parsers of Linux /proc text (proc(5)); the reads are in read.ts. Each takes the file's text
 * as the kernel wrote it and throws ProcParseError naming the file when it is not that file.
 */
export class ProcParseError extends Error {
  override readonly name = 'ProcParseError';
}

/** The fields of /proc/<pid>/stat the snapshot uses; times in clock ticks, rss in pages. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utimeTicks: number;
  stimeTicks: number;
  threads: number;
  /** Ticks after boot. */
  startTicks: number;
  rssPages: number;
}

/**
 * `/proc/<pid>/stat`: `pid (comm) state ppid …`. comm may hold spaces and parentheses, so the
 * fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) {
    throw new ProcParseError(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 60))}`);
  }
  // After ")": state(3) ppid(4) … utime(14) stime(15) … num_threads(20) … starttime(22) vsize(23) rss(24).
  const f = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => {
    const v = Number(f[n - 3]);
    if (!Number.isFinite(v)) {
      throw new ProcParseError(`/proc/<pid>/stat field ${n} is not a number: ${JSON.stringify(f[n - 3])}`);
    }
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0] ?? '?',
    ppid: field(4),
    utimeTicks: field(14),
    stimeTicks: field(15),
    threads: field(20),
    startTicks: field(22),
    rssPages: field(24),
  };
}

/** `/proc/<pid>/status`: the real uid (first number of `Uid:`). */
export function parseStatusUid(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('Uid:'));
  const uid = line === undefined ? NaN : Number(line.slice(4).trim().split(/\s+/)[0]);
  if (!Number.isInteger(uid)) {
    throw new ProcParseError('/proc/<pid>/status has no Uid: line');
  }
  return uid;
}

/** `/proc/<pid>/cmdline`: NUL-separated arguments (a trailing NUL), joined by spaces. */
export function parseCmdline(raw: string): string {
  return raw.replace(/\0+$/, '').split('\0').join(' ');
}

/** `/proc/<pid>/limits`: the soft limit of `Max open files`, undefined when unlimited or absent. */
export function parseOpenFilesLimit(text: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  const n = Number(soft);
  return Number.isFinite(n) ? n : undefined;
}

/** `/proc/loadavg`: `0.52 0.58 0.59 2/274 19922`. */
export function parseLoadavg(text: string): {
  one: number;
  five: number;
  fifteen: number;
  runnable: number;
  threads: number;
} {
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)\/(\d+)/.exec(text.trim());
  if (!m) {
    throw new ProcParseError(`not /proc/loadavg: ${JSON.stringify(text.slice(0, 60))}`);
  }
  return { one: +m[1], five: +m[2], fifteen: +m[3], runnable: +m[4], threads: +m[5] };
}

/** `/proc/meminfo`: every `Key: N kB` line as bytes. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)(?: kB)?$/.exec(line.trim());
    if (m) {
      out.set(m[1], line.trim().endsWith('kB') ? Number(m[2]) * 1024 : Number(m[2]));
    }
  }
  if (!out.has('MemTotal')) {
    throw new ProcParseError('not /proc/meminfo: no MemTotal');
  }
  return out;
}

/** `/proc/stat`: `btime`, boot time in epoch seconds. */
export function parseBootTime(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('btime '));
  const s = Number(line?.slice(6));
  if (!Number.isInteger(s)) {
    throw new ProcParseError('/proc/stat has no btime line');
  }
  return s;
}

/** `/proc/sys/fs/file-nr`: allocated, unused (always 0 since 2.6), max. */
export function parseFileNr(text: string): { allocated: number; max: number } {
  const [allocated, , max] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(allocated) || !Number.isFinite(max)) {
    throw new ProcParseError(`not /proc/sys/fs/file-nr: ${JSON.stringify(text)}`);
  }
  return { allocated, max };
}

/** `/proc/mounts`: device, mount point, type; `\040`-style escapes decoded. */
export function parseMounts(text: string): Array<{ device: string; mount: string; fsType: string }> {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [device, mount, fsType] = l.split(' ');
      return { device: unescape(device), mount: unescape(mount ?? ''), fsType: fsType ?? '' };
    });
}

export interface TcpSocket {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpState;
  uid: number;
  inode: number;
}

/**
 * `/proc/net/tcp` or `tcp6`: one socket a line, addresses as hex in the kernel's byte order
 * (little-endian 32-bit words on x86), ports as big-endian hex.
 */
export function parseNetTcp(text: string): TcpSocket[] {
  const lines = text.split('\n');
  if (!/^\s*sl\s+local_address/.test(lines[0] ?? '')) {
    throw new ProcParseError(`not /proc/net/tcp: ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`);
  }
  const sockets: TcpSocket[] = [];
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) {
      continue;
    }
    const [local, remote] = [f[1], f[2]].map(hexEndpoint);
    const state = TCP_STATES[parseInt(f[3], 16) - 1];
    if (!local || !remote || state === undefined) {
      throw new ProcParseError(`/proc/net/tcp line not understood: ${JSON.stringify(line.trim().slice(0, 80))}`);
    }
    sockets.push({
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state,
      uid: Number(f[7]),
      inode: Number(f[9]),
    });
  }
  return sockets;
}

function hexEndpoint(s: string): { address: string; port: number } | undefined {
  const [hex, port] = s.split(':');
  if (port === undefined || !/^[0-9A-F]+$/i.test(hex) || (hex.length !== 8 && hex.length !== 32)) {
    return undefined;
  }
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse());
  const bytes = Buffer.concat(words);
  return { address: hex.length === 8 ? [...bytes].join('.') : ipv6(bytes), port: parseInt(port, 16) };
}

/** IPv6 text; an IPv4-mapped address (`::ffff:a.b.c.d`) as its IPv4 form, so both tables group together. */
function ipv6(b: Buffer): string {
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return [...b.subarray(12)].join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(b.readUInt16BE(i).toString(16));
  }
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** `/etc/passwd`: uid → user name. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid) && !users.has(Number(uid))) {
      users.set(Number(uid), name);
    }
  }
  return users;
}
