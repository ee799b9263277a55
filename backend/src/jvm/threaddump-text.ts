import {
  FRAME_LOCK_ACTIONS,
  JVM_THREAD_STATES,
  type Deadlock,
  type DeadlockEdge,
  type FrameLock,
  type JvmThread,
  type JvmThreadState,
  type LockRef,
  type ThreadDump,
} from '@osprey/model';
import { ThreadDumpParseError, preview } from './errors';
import { deadlockKind, inferState } from './threads';

/**
 * Parses `jstack [-l]` / `jcmd <pid> Thread.print [-l]` output, JDK 8 → 25, in one pass over the lines.
 * Dispatch is on the first characters of each line (quote, tab, indent, keyword), so no regex ever
 * scans a whole line speculatively; lines it does not know are kept in `unparsed`, never fatal.
 */
export function parseThreadDumpText(text: string): ThreadDump {
  const dump: ThreadDump = { format: 'text', source: 'thread-print', threads: [], jvmDeadlocks: [], unparsed: [] };
  const lines = text.split('\n');
  let sawDumpHeader = false;
  let mode: 'top' | 'smr' | 'deadlock' | 'deadlockStacks' = 'top';
  let cur: ThreadBuilder | undefined;
  let deadlock: DeadlockBuilder | undefined;

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) {
      line = line.slice(0, -1);
    }
    if (mode === 'smr') {
      // `_java_thread_list=0x…, length=224, elements={`, rows of addresses, `}`, optional
      // `_to_delete_list` blocks; the block ends at the first blank line.
      if (line.trim() === '') {
        mode = 'top';
      } else if (line.startsWith('_java_thread_list=')) {
        const length = numberAfter(line, 'length=');
        if (length !== undefined) {
          dump.smrThreadCount = length;
        }
      }
      continue;
    }
    if (mode === 'deadlock' || mode === 'deadlockStacks') {
      const handled = deadlockLine(line, mode, deadlock);
      if (handled === 'stacks') {
        mode = 'deadlockStacks';
        continue;
      }
      if (handled === true) {
        continue;
      }
      if (deadlock) {
        dump.jvmDeadlocks.push(finishDeadlock(deadlock));
        deadlock = undefined;
      }
      mode = 'top';
      if (line.startsWith('Found ') && line.includes(' deadlock') && !line.includes('Java-level')) {
        continue;
      }
    }
    if (line.trim() === '') {
      continue;
    }
    const c0 = line.charCodeAt(0);
    if (c0 === QUOTE) {
      const thread = parseThreadHeader(line);
      if (thread) {
        cur = { thread, section: 'stack' };
        dump.threads.push(thread);
        continue;
      }
    } else if (c0 === TAB) {
      if (cur && threadTabLine(cur, line)) {
        continue;
      }
    } else if (c0 === SPACE) {
      if (cur) {
        threadIndentedLine(cur, line.trim());
        continue;
      }
    } else {
      cur = undefined;
      if (topLevelLine(dump, line, dump.threads.length === 0)) {
        if (line.startsWith('Full thread dump')) {
          sawDumpHeader = true;
        } else if (line === 'Threads class SMR info:') {
          mode = 'smr';
        }
        continue;
      }
      if (line.startsWith('Found one Java-level deadlock')) {
        mode = 'deadlock';
        deadlock = { edges: [] };
        continue;
      }
    }
    dump.unparsed.push(`line ${i + 1}: ${line}`);
  }
  if (deadlock) {
    dump.jvmDeadlocks.push(finishDeadlock(deadlock));
  }
  if (dump.threads.length === 0 && !sawDumpHeader) {
    throw new ThreadDumpParseError(
      `not a thread dump: no "Full thread dump" header and no thread entries (starts with ${preview(text)})`
    );
  }
  for (const t of dump.threads) {
    finishThread(t);
  }
  return dump;
}

const QUOTE = 34;
const TAB = 9;
const SPACE = 32;

interface ThreadBuilder {
  thread: JvmThread;
  section: 'stack' | 'synchronizers' | 'mounted';
}

interface DeadlockBuilder {
  edges: DeadlockEdge[];
  thread?: string;
  lock?: LockRef;
}

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

function toInt(s: string): number | undefined {
  const n = parseInt(s, 10);
  return Number.isFinite(n) ? n : undefined;
}

function numberAfter(line: string, key: string): number | undefined {
  const at = line.indexOf(key);
  return at < 0 ? undefined : toInt(line.slice(at + key.length));
}

/** `\tat frame` and `\t- lock line` inside a thread block. */
function threadTabLine(b: ThreadBuilder, line: string): boolean {
  const t = b.thread;
  if (line.startsWith('\tat ')) {
    const frame = line.slice(4);
    if (b.section === 'mounted') {
      (t.mountedStack ??= []).push(frame);
    } else {
      t.stack.push(frame);
    }
    return true;
  }
  if (!line.startsWith('\t- ')) {
    return false;
  }
  const body = line.slice(3);
  if (b.section === 'synchronizers') {
    if (body !== 'None') {
      const ref = lockRef(body);
      if (ref.id) {
        t.locksHeld.push({ id: ref.id, className: ref.className ?? '', kind: 'synchronizer' });
      }
    }
    return true;
  }
  const action = lockAction(body);
  if (!action) {
    return false;
  }
  if (b.section === 'mounted') {
    // Lock lines of the mounted virtual thread: the carrier neither holds nor waits for them.
    return true;
  }
  const ref = lockRef(body.slice(action.length));
  const frameLock: FrameLock = { frame: Math.max(0, t.stack.length - 1), action };
  if (ref.id) {
    frameLock.id = ref.id;
  }
  if (ref.className) {
    frameLock.className = ref.className;
  }
  (t.frameLocks ??= []).push(frameLock);
  if (!ref.id) {
    return true;
  }
  const lock = { id: ref.id, className: ref.className ?? '' };
  switch (action) {
    case 'locked':
      if (!t.locksHeld.some((l) => l.id === lock.id)) {
        t.locksHeld.push({ ...lock, kind: 'monitor' });
      }
      break;
    case 'waiting to lock':
    case 'waiting to re-lock':
      t.waitingOn ??= { ...lock, kind: 'monitor' };
      break;
    case 'waiting on':
      // JDK 8 prints `waiting on` also for a notified thread re-acquiring the monitor (BLOCKED).
      t.waitingOn ??= { ...lock, kind: t.state === 'BLOCKED' ? 'monitor' : 'wait' };
      break;
    case 'parking to wait for':
      t.waitingOn ??= { ...lock, kind: 'park' };
      break;
    default:
      break;
  }
  return true;
}

function lockAction(body: string): FrameLock['action'] | undefined {
  return FRAME_LOCK_ACTIONS.find((a) => body.startsWith(a));
}

/** `<0x000000069dc00a50> (a java.lang.Object)`; `<no object reference available>` has no id. */
function lockRef(s: string): { id?: string; className?: string } {
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

/** Indented lines inside a thread block: the state line, section titles, carrier lines, notes. */
function threadIndentedLine(b: ThreadBuilder, line: string): void {
  const t = b.thread;
  if (line.startsWith('java.lang.Thread.State: ')) {
    const rest = line.slice('java.lang.Thread.State: '.length);
    const sp = rest.indexOf(' ');
    const state = (sp < 0 ? rest : rest.slice(0, sp)) as JvmThreadState;
    if (JVM_THREAD_STATES.includes(state)) {
      t.state = state;
      delete t.stateInferred;
    }
    const open = rest.indexOf('(');
    if (open >= 0 && rest.endsWith(')')) {
      t.stateDetail = rest.slice(open + 1, -1);
    }
  } else if (line === 'Locked ownable synchronizers:') {
    b.section = 'synchronizers';
  } else if (line.startsWith('Carrying virtual thread #')) {
    t.carryingVirtualThread = toInt(line.slice('Carrying virtual thread #'.length));
  } else if (line.startsWith('Mounted virtual thread #')) {
    b.section = 'mounted';
  } else {
    (t.notes ??= []).push(line);
  }
}

/** Timestamp, `<pid>:`, "Full thread dump …", SMR title, JNI footer. */
function topLevelLine(dump: ThreadDump, line: string, beforeThreads: boolean): boolean {
  if (beforeThreads && line.endsWith(':') && /^\d+:$/.test(line)) {
    dump.pid = toInt(line);
    return true;
  }
  if (beforeThreads && line.length === 19 && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(line)) {
    // The JVM prints its local time without a zone; read as UTC (agents pass the real time).
    dump.takenAt = Date.parse(`${line.replace(' ', 'T')}Z`);
    return true;
  }
  if (line.startsWith('Full thread dump ')) {
    const open = line.indexOf(' (');
    const close = line.lastIndexOf(')');
    if (open > 0 && close > open) {
      dump.vmName = line.slice('Full thread dump '.length, open);
      dump.jvmVersion = line.slice(open + 2, close).split(' ')[0];
    }
    return true;
  }
  if (line === 'Threads class SMR info:') {
    return true;
  }
  if (line.startsWith('JNI global ref')) {
    // JDK 11+: `JNI global refs: 4, weak refs: 0`; JDK 8: `JNI global references: 7`.
    dump.jniGlobalRefs = numberAfter(line, ': ');
    const weak = numberAfter(line, 'weak refs: ');
    if (weak !== undefined) {
      dump.jniWeakRefs = weak;
    }
    return true;
  }
  return false;
}

/**
 * One line of the JVM's "Found one Java-level deadlock:" section. Returns true when consumed,
 * 'stacks' at "Java stack information…", false when the line belongs to the top level again.
 */
function deadlockLine(
  line: string,
  mode: 'deadlock' | 'deadlockStacks',
  d: DeadlockBuilder | undefined
): boolean | 'stacks' {
  if (line.startsWith('Found ')) {
    return false;
  }
  if (line.trim() === '' || line.startsWith('=')) {
    return true;
  }
  if (mode === 'deadlockStacks') {
    // The repeated stacks of the deadlocked threads: already known from their own entries.
    return line.charCodeAt(0) === QUOTE || line.charCodeAt(0) === TAB;
  }
  if (line.startsWith('Java stack information')) {
    return 'stacks';
  }
  if (!d) {
    return false;
  }
  if (line.charCodeAt(0) === QUOTE && line.endsWith('":')) {
    d.thread = line.slice(1, -2);
    return true;
  }
  const s = line.trim();
  if (s.startsWith('waiting to lock monitor ')) {
    // `waiting to lock monitor 0x…7f56 (object 0x000000069dc00a50, a java.lang.Object),`
    const obj = s.indexOf('(object ');
    const comma = s.indexOf(', a ', obj);
    const end = s.lastIndexOf(')');
    if (obj >= 0 && comma > obj && end > comma) {
      d.lock = { id: s.slice(obj + 8, comma), className: s.slice(comma + 4, end), kind: 'monitor' };
    }
    return true;
  }
  if (s.startsWith('waiting for ownable synchronizer ')) {
    // `waiting for ownable synchronizer 0x000000069ec18668, (a java.util.concurrent.locks.ReentrantLock$NonfairSync),`
    const rest = s.slice('waiting for ownable synchronizer '.length);
    const comma = rest.indexOf(',');
    const ref = lockRef(rest);
    d.lock = { id: rest.slice(0, comma < 0 ? undefined : comma), className: ref.className ?? '', kind: 'synchronizer' };
    return true;
  }
  if (s.startsWith('which is held by ')) {
    const held = s.slice('which is held by '.length);
    const heldBy = held.startsWith('"') ? held.slice(1, held.lastIndexOf('"')) : held;
    if (d.thread !== undefined && d.lock) {
      d.edges.push({ thread: d.thread, lock: d.lock, heldBy });
    }
    d.thread = undefined;
    d.lock = undefined;
    return true;
  }
  return false;
}

function finishDeadlock(d: DeadlockBuilder): Deadlock {
  return { threads: d.edges.map((e) => e.thread), kind: deadlockKind(d.edges), edges: d.edges };
}

/** A thread in Object.wait() released the monitor its `- locked` line still shows. */
function finishThread(t: JvmThread): void {
  if (!t.waitingOn && t.frameLocks) {
    // `- waiting on <no object reference available>` (printed while the wait is in transition):
    // the monitor waited on is the one locked by the nearest caller frame.
    const waitAt = t.frameLocks.findIndex((l) => l.action === 'waiting on');
    const locked = waitAt < 0 ? undefined : t.frameLocks.slice(waitAt + 1).find((l) => l.action === 'locked');
    if (locked?.id) {
      t.waitingOn = {
        id: locked.id,
        className: locked.className ?? '',
        kind: t.state === 'BLOCKED' ? 'monitor' : 'wait',
      };
    }
  }
  const w = t.waitingOn;
  if (w) {
    t.locksHeld = t.locksHeld.filter((l) => l.id !== w.id);
  }
  if (t.stateInferred && t.stack.length > 0 && !t.carryingVirtualThread) {
    t.state = inferState(t.stack[0]) ?? t.state;
  }
  if (t.stateInferred && t.stack.length === 0 && t.id === undefined) {
    t.vmInternal = true;
  }
}
