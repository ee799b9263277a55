import { JVM_THREAD_STATES, type FrameLock, type JvmThread, type JvmThreadState, type ThreadDump } from '@osprey/model';
import { ThreadDumpParseError, preview } from './errors';
import { identityRef, inWait } from './threaddump-json';
import { inferState } from './threads';

/**
 * Parses `jcmd <pid> Thread.dump_to_file [-format=text] <file>` (JDK 21+), the one text form that
 * lists virtual threads. It opens with three lines (pid, ISO time, runtime version), then one block
 * per thread: `#<tid> "<name>" [virtual] <STATE> <ISO time>` and its frames, each `    at <frame>`
 * with the JSON form's lock lines (`- locked <Class@hash>`, `- waiting to lock`, `- waiting on`,
 * `- parking to wait for`) under them. Lock ids are `Class@identityHash`, as in the JSON form, so a
 * text and a JSON dump of one JVM give the same threads. JDK 21 printed neither state nor time and
 * indented frames by six spaces without `at`; both forms are read.
 */
export function parseThreadDumpToFileText(text: string): ThreadDump {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const header = toFileHeader(lines);
  if (!header) {
    throw new ThreadDumpParseError(
      `not a Thread.dump_to_file text dump: expected pid, time and version lines (starts with ${preview(text)})`
    );
  }
  const dump: ThreadDump = {
    format: 'text',
    source: 'dump-to-file',
    threads: [],
    jvmDeadlocks: [],
    unparsed: [],
    pid: header.pid,
    jvmVersion: header.version,
  };
  if (header.takenAt !== undefined) {
    dump.takenAt = header.takenAt;
  }
  let cur: { thread: JvmThread; frameLocks: FrameLock[] } | undefined;
  const finish = () => {
    if (cur) {
      finishThread(cur.thread, cur.frameLocks);
      cur = undefined;
    }
  };
  for (let i = 3; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (line.startsWith('#')) {
      finish();
      const thread = threadHeader(line);
      if (thread) {
        dump.threads.push(thread);
        cur = { thread, frameLocks: [] };
        continue;
      }
    } else if (cur && line.startsWith(' ')) {
      if (frameLine(cur.thread, cur.frameLocks, line.trim())) {
        continue;
      }
    }
    dump.unparsed.push(`line ${i + 1}: ${line}`);
  }
  finish();
  if (dump.threads.length === 0) {
    throw new ThreadDumpParseError(
      `not a Thread.dump_to_file text dump: no thread entries after its header (starts with ${preview(text)})`
    );
  }
  return dump;
}

/** The three opening lines, or undefined when the text does not start like a dump_to_file dump. */
export function toFileHeader(lines: string[]): { pid: number; takenAt?: number; version: string } | undefined {
  const [pidLine, timeLine, versionLine] = lines.map((l) => l.trim());
  if (!/^\d+$/.test(pidLine ?? '') || !/^\d{4}-\d\d-\d\dT[\d:.]+Z?$/.test(timeLine ?? '') || !versionLine) {
    return undefined;
  }
  const takenAt = Date.parse(timeLine);
  return { pid: Number(pidLine), version: versionLine, ...(Number.isFinite(takenAt) ? { takenAt } : {}) };
}

/** `#25 "vt-gate-0" virtual WAITING 2026-12-06T22:52:51.211189999Z`; the name may hold quotes. */
function threadHeader(line: string): JvmThread | undefined {
  const open = line.indexOf(' "');
  const close = line.lastIndexOf('"');
  const id = Number(line.slice(1, open));
  if (open < 0 || close <= open + 1 || !Number.isInteger(id)) {
    return undefined;
  }
  const rest = line
    .slice(close + 1)
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  const virtual = rest[0] === 'virtual';
  const stated = (virtual ? rest[1] : rest[0]) as JvmThreadState | undefined;
  const thread: JvmThread = {
    name: line.slice(open + 2, close),
    id,
    daemon: false,
    state: 'RUNNABLE',
    virtual,
    stack: [],
    locksHeld: [],
  };
  if (stated !== undefined && JVM_THREAD_STATES.includes(stated)) {
    thread.state = stated;
  } else {
    thread.stateInferred = true;
  }
  return thread;
}

function frameLine(t: JvmThread, frameLocks: FrameLock[], line: string): boolean {
  if (line.startsWith('- ')) {
    const lt = line.indexOf('<');
    const ref = lt > 0 && line.endsWith('>') ? identityRef(line.slice(lt + 1, -1)) : undefined;
    const action = line.slice(2, lt).trim();
    const frame = t.stack.length - 1;
    if (!ref || frame < 0) {
      return false;
    }
    if (action === 'locked') {
      if (!t.locksHeld.some((h) => h.id === ref.id)) {
        t.locksHeld.push({ ...ref, kind: 'monitor' });
      }
      frameLocks.push({ frame, action: 'locked', ...ref });
      return true;
    }
    const kind = LOCK_WAITS[action];
    if (kind === undefined) {
      return false;
    }
    t.waitingOn = { ...ref, kind: kind.kind };
    frameLocks.push({ frame, action: kind.action, ...ref });
    return true;
  }
  // JDK 21 printed the frame alone; later JDKs prefix `at `.
  t.stack.push(line.startsWith('at ') ? line.slice(3) : line);
  return true;
}

const LOCK_WAITS: Record<string, { kind: 'monitor' | 'wait' | 'park'; action: FrameLock['action'] }> = {
  'waiting to lock': { kind: 'monitor', action: 'waiting to lock' },
  'waiting on': { kind: 'wait', action: 'waiting on' },
  'parking to wait for': { kind: 'park', action: 'parking to wait for' },
};

function finishThread(t: JvmThread, frameLocks: FrameLock[]): void {
  if (t.stateInferred) {
    t.state = inferState(t.stack[0]) ?? 'RUNNABLE';
  }
  const waiting = t.waitingOn ?? inWait(t, frameLocks);
  if (waiting) {
    t.waitingOn = waiting;
    // Object.wait() released the monitor its caller frame's `- locked` line still names.
    t.locksHeld = t.locksHeld.filter((l) => l.id !== waiting.id);
  }
  if (frameLocks.length > 0) {
    t.frameLocks = frameLocks;
  }
}
