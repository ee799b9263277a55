import { readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import { cpus, release } from 'node:os';

import type { HostDisk, HostSnapshot } from '@osprey/model';

import {
  parseBootTime,
  parseCmdline,
  parseFileNr,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetTcp,
  parseOpenFilesLimit,
  parsePasswd,
  parseProcStat,
  parseStatusUid,
} from './proc';
import { buildSnapshot, type ProcessInput } from './snapshot';

/** USER_HZ, which /proc's tick counts use: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

/** Filesystems that hold no disk space of their own. */
const PSEUDO_FS = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'tmpfs',
  'cgroup',
  'cgroup2',
  'mqueue',
  'securityfs',
  'debugfs',
  'tracefs',
  'pstore',
  'bpf',
  'autofs',
  'hugetlbfs',
  'fusectl',
  'configfs',
  'binfmt_misc',
  'nsfs',
  'rpc_pipefs',
  'ramfs',
  'efivarfs',
  'squashfs',
]);

/**
 * The I/O edge of the host snapshot: reads /proc (and statfs for disks) and hands the text to the
 * pure parsers. A process that ends while it is read is left out; one whose fds are not ours to
 * read (another user, without root) is listed without `fds`.
 */
export function readHostSnapshot(host: string, proc = '/proc', now = Date.now): HostSnapshot {
  const text = (path: string) => readFileSync(`${proc}/${path}`, 'utf8');
  const takenAt = now();
  const processes: ProcessInput[] = [];
  for (const entry of readdirSync(proc)) {
    if (/^\d+$/.test(entry)) {
      const p = readProcess(proc, entry);
      if (p) {
        processes.push(p);
      }
    }
  }
  return buildSnapshot({
    host,
    takenAt,
    kernel: release(),
    bootTimeS: parseBootTime(text('stat')),
    cpus: cpus().length,
    clockTicks: CLOCK_TICKS,
    pageSize: PAGE_SIZE,
    load: parseLoadavg(text('loadavg')),
    meminfo: parseMeminfo(text('meminfo')),
    files: parseFileNr(text('sys/fs/file-nr')),
    disks: readDisks(text('mounts')),
    processes,
    tcp: [...parseNetTcp(text('net/tcp')), ...optional(() => parseNetTcp(text('net/tcp6')), [])],
    users: optional(() => parsePasswd(readFileSync('/etc/passwd', 'utf8')), new Map()),
  });
}

function readProcess(proc: string, pid: string): ProcessInput | undefined {
  const dir = `${proc}/${pid}`;
  try {
    const input: ProcessInput = {
      stat: parseProcStat(readFileSync(`${dir}/stat`, 'utf8')),
      uid: parseStatusUid(readFileSync(`${dir}/status`, 'utf8')),
      cmdline: parseCmdline(readFileSync(`${dir}/cmdline`, 'latin1')),
    };
    const limit = optional(() => parseOpenFilesLimit(readFileSync(`${dir}/limits`, 'utf8')), undefined);
    if (limit !== undefined) {
      input.fdLimit = limit;
    }
    const links = optional(() => fdLinks(`${dir}/fd`), undefined);
    if (links !== undefined) {
      input.fdLinks = links;
    }
    return input;
  } catch (err) {
    if (gone(err)) {
      return undefined;
    }
    throw err;
  }
}

/** The target of every open descriptor; one closed between the listing and its readlink is skipped. */
function fdLinks(dir: string): string[] {
  const links: string[] = [];
  for (const fd of readdirSync(dir)) {
    try {
      links.push(readlinkSync(`${dir}/${fd}`));
    } catch (err) {
      if (!gone(err)) {
        throw err;
      }
    }
  }
  return links;
}

function readDisks(mounts: string): HostDisk[] {
  const seen = new Set<string>();
  const disks: HostDisk[] = [];
  for (const m of parseMounts(mounts)) {
    if (PSEUDO_FS.has(m.fsType) || seen.has(m.mount)) {
      continue;
    }
    seen.add(m.mount);
    const s = optional(() => statfsSync(m.mount), undefined);
    if (s && s.blocks > 0) {
      disks.push({
        mount: m.mount,
        device: m.device,
        fsType: m.fsType,
        totalBytes: s.blocks * s.bsize,
        freeBytes: s.bfree * s.bsize,
        availableBytes: s.bavail * s.bsize,
      });
    }
  }
  return disks;
}

function gone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** A read that may be refused (permissions, a file this kernel lacks): the fallback then. */
function optional<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'ESRCH') {
      return fallback;
    }
    throw err;
  }
}
