/** Single lines of a `jstack` / `Thread.print` dump: the thread header and lock references. */
import { FRAME_LOCK_ACTIONS, type FrameLock, type JvmThread, type JvmThreadState } from '@osprey/model';

export const QUOTE = 34;
export const TAB = 9;
export const SPACE = 32;

/** `"name" #12 [6144] daemon prio=5 os_prio=0 cpu=2.61ms elapsed=5.52s tid=0x… nid=0x16b6 waiting on condition  [0x…]` */
export function parseThreadHeader(line: string): JvmThread | undefined {
  const close = line.lastIndexOf('"');
  if (close <= 0) {
    return undefined;
  }
  const thread: JvmThread = {
    name: line.slice(1, close),
    daemon: false,
    state: 'RUNNABLE',
    virtual: false,
    stack: [],
    locksHeld: [],
  };
  let known = false;
  const status: string[] = [];
  for (const token of line.slice(close + 1).split(' ')) {
    if (token === '') {
      continue;
    }
    const c0 = token.charCodeAt(0);
    const eq = token.indexOf('=');
    if (c0 === 35 /* # */) {
      thread.id = toInt(token.slice(1));
    } else if (c0 === 91 /* [ */) {
      // `[6144]` is the JDK 19+ OS thread id; `[0x00007f…]` is the last Java stack pointer.
      if (!token.startsWith('[0x')) {
        thread.osId = toInt(token.slice(1, -1));
      }
    } else if (token === 'daemon') {
      thread.daemon = true;
    } else if (eq > 0) {
      const key = token.slice(0, eq);
      const value = token.slice(eq + 1);
      known = true;
      switch (key) {
        case 'prio':
          thread.priority = toInt(value);
          break;
        case 'os_prio':
          thread.osPriority = toInt(value);
          break;
        case 'cpu':
          thread.cpuMs = duration(value);
          break;
        case 'elapsed':
          thread.elapsedMs = duration(value);
          break;
        case 'nid':
          thread.nid = value;
          thread.osId ??= value.startsWith('0x') ? parseInt(value.slice(2), 16) : toInt(value);
          break;
        case 'allocated':
          thread.allocatedBytes = byteSize(value);
          break;
        case 'defined_classes':
          thread.definedClasses = toInt(value);
          break;
        default:
          // tid= (the JavaThread address) carries nothing we keep.
          break;
      }
    } else {
      status.push(token);
    }
  }
  if (!known) {
    return undefined;
  }
  // VM-internal threads print no `java.lang.Thread.State:` line; until one arrives, take the
  // header's status words (`runnable`, `waiting on condition`, …) as the best available state.
  thread.state = statusState(status.join(' '));
  thread.stateInferred = true;
  return thread;
}

function statusState(status: string): JvmThreadState {
  if (status.includes('monitor entry')) {
    return 'BLOCKED';
  }
  if (status === 'sleeping') {
    return 'TIMED_WAITING';
  }
  if (status.startsWith('waiting') || status.startsWith('in Object.wait')) {
    return 'WAITING';
  }
  return 'RUNNABLE';
}

/** `cpu=2.61ms`, `elapsed=5.52s`, locale forms `cpu=1,5ms` → milliseconds. */
function duration(value: string): number | undefined {
  const seconds = value.endsWith('s') && !value.endsWith('ms');
  const n = Number(value.slice(0, seconds ? -1 : -2).replace(',', '.'));
  if (!Number.isFinite(n)) {
    return undefined;
  }
  return seconds ? Math.round(n * 1000) : Math.round(n * 1000) / 1000;
}

/** HotSpot's byte sizes: `64B`, `1110K`, `12M`, `2G`. */
function byteSize(value: string): number | undefined {
  const unit = UNITS[value.slice(-1)];
  const n = unit === undefined ? Number(value) : Number(value.slice(0, -1));
  return Number.isFinite(n) ? n * (unit ?? 1) : undefined;
}

const UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

export function toInt(s: string): number | undefined {
  const n = parseInt(s, 10);
  return Number.isFinite(n) ? n : undefined;
}

export function numberAfter(line: string, key: string): number | undefined {
  const at = line.indexOf(key);
  return at < 0 ? undefined : toInt(line.slice(at + key.length));
}

export function lockAction(body: string): FrameLock['action'] | undefined {
  return FRAME_LOCK_ACTIONS.find((a) => body.startsWith(a));
}

/** `<0x000000069dc00a50> (a java.lang.Object)`; `<no object reference available>` has no id. */
export function lockRef(s: string): { id?: string; className?: string } {
  const open = s.indexOf('<');
  const close = s.indexOf('>', open + 1);
  const out: { id?: string; className?: string } = {};
  if (open >= 0 && close > open && s.startsWith('0x', open + 1)) {
    out.id = s.slice(open + 1, close);
  }
  const a = s.indexOf('(a ', close + 1);
  const end = s.lastIndexOf(')');
  if (a >= 0 && end > a) {
    out.className = s.slice(a + 3, end);
  }
  return out;
}
