import {
  JVM_THREAD_STATES,
  type FrameLock,
  type JvmThread,
  type JvmThreadState,
  type LockRef,
  type ThreadDump,
  type WaitingOn,
} from '@osprey/model';
import { ThreadDumpParseError, preview } from './errors';
import { inferState } from './threads';

/**
 * Parses `jcmd <pid> Thread.dump_to_file -format=json`. JDK 21 writes every value as a string and
 * only `tid`, `name`, `stack` per thread; later JDKs add `state`, `virtual`, `carrier`, and lock
 * fields (`blockedOn`, `waitingOn`, `parkBlocker`, `monitorsOwned`) which are used when present.
 */
export function parseThreadDumpJson(text: string): ThreadDump {
  const root = parseJson(text);
  const td = isObject(root) ? root.threadDump : undefined;
  if (!isObject(td) || !Array.isArray(td.threadContainers)) {
    throw new ThreadDumpParseError(
      `not a jcmd JSON thread dump: expected {"threadDump":{"threadContainers":[…]}} (starts with ${preview(text)})`
    );
  }
  const dump: ThreadDump = {
    format: 'json',
    source: 'dump-to-file',
    threads: [],
    jvmDeadlocks: [],
    containers: [],
    unparsed: [],
  };
  const takenAt = typeof td.time === 'string' ? Date.parse(td.time) : NaN;
  if (Number.isFinite(takenAt)) {
    dump.takenAt = takenAt;
  }
  if (typeof td.runtimeVersion === 'string') {
    dump.jvmVersion = td.runtimeVersion;
  }
  const pid = num(td.processId);
  if (pid !== undefined) {
    dump.pid = pid;
  }
  const parkOwners: Array<{ thread: JvmThread; ownerId: number }> = [];
  td.threadContainers.forEach((c: unknown, ci: number) => {
    if (!isObject(c)) {
      dump.unparsed.push(`threadContainers[${ci}]: not an object`);
      return;
    }
    const name = str(c.container) ?? `container-${ci}`;
    const threads = Array.isArray(c.threads) ? c.threads : [];
    const container: NonNullable<ThreadDump['containers']>[number] = {
      name,
      threadCount: num(c.threadCount) ?? threads.length,
    };
    const parent = str(c.parent);
    if (parent !== undefined) {
      container.parent = parent;
    }
    const owner = str(c.owner);
    if (owner !== undefined) {
      container.owner = owner;
    }
    dump.containers?.push(container);
    threads.forEach((raw: unknown, ti: number) => {
      const thread = isObject(raw) ? jsonThread(raw, name) : undefined;
      if (!thread) {
        dump.unparsed.push(`threadContainers[${ci}].threads[${ti}]: no name or stack`);
        return;
      }
      dump.threads.push(thread);
      const blocker = isObject(raw) && isObject(raw.parkBlocker) ? num(raw.parkBlocker.owner) : undefined;
      if (blocker !== undefined) {
        parkOwners.push({ thread, ownerId: blocker });
      }
    });
  });
  // The JSON names a park blocker's owner by tid; the model names owners by thread name.
  const byId = new Map(dump.threads.map((t) => [t.id, t.name]));
  for (const { thread, ownerId } of parkOwners) {
    const ownerName = byId.get(ownerId);
    if (thread.waitingOn && ownerName !== undefined) {
      thread.waitingOn.owner = ownerName;
    }
  }
  return dump;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    // Some JDK builds leave a comma before a closing bracket; strip those and try once more.
    try {
      return JSON.parse(text.replace(/,(\s*[\]}])/g, '$1'));
    } catch {
      throw new ThreadDumpParseError(
        `not a jcmd JSON thread dump: ${(first as Error).message} (starts with ${preview(text)})`
      );
    }
  }
}

function jsonThread(raw: Record<string, unknown>, container: string): JvmThread | undefined {
  const name = str(raw.name);
  if (name === undefined || !Array.isArray(raw.stack)) {
    return undefined;
  }
  const stack = raw.stack.filter((f): f is string => typeof f === 'string');
  const stated = str(raw.state) as JvmThreadState | undefined;
  const known = stated !== undefined && JVM_THREAD_STATES.includes(stated);
  const thread: JvmThread = {
    name,
    daemon: raw.daemon === true || raw.daemon === 'true',
    state: known ? stated : (inferState(stack[0]) ?? 'RUNNABLE'),
    // JDK 21 has no `virtual` flag; a virtual thread's stack bottoms out in VirtualThread.run.
    virtual:
      raw.virtual === true ||
      raw.virtual === 'true' ||
      (raw.virtual === undefined && (stack[stack.length - 1] ?? '').includes('java.lang.VirtualThread.run')),
    stack,
    locksHeld: [],
    container,
  };
  if (!known) {
    thread.stateInferred = true;
  }
  const id = num(raw.tid);
  if (id !== undefined) {
    thread.id = id;
  }
  const carrier = num(raw.carrier);
  if (carrier !== undefined) {
    thread.carrierId = carrier;
  }
  const frameLocks: FrameLock[] = [];
  if (Array.isArray(raw.monitorsOwned)) {
    for (const m of raw.monitorsOwned) {
      if (!isObject(m) || !Array.isArray(m.locks)) {
        continue;
      }
      const depth = num(m.depth) ?? 0;
      for (const l of m.locks) {
        const ref = typeof l === 'string' ? identityRef(l) : undefined;
        if (ref && !thread.locksHeld.some((h) => h.id === ref.id)) {
          thread.locksHeld.push({ ...ref, kind: 'monitor' });
          frameLocks.push({ frame: depth, action: 'locked', ...ref });
        }
      }
    }
  }
  const waitingOn = jsonWaitingOn(raw) ?? inWait(thread, frameLocks);
  if (waitingOn) {
    thread.waitingOn = waitingOn;
    // Object.wait() released the monitor that monitorsOwned still lists at a lower frame.
    thread.locksHeld = thread.locksHeld.filter((l) => l.id !== waitingOn.id);
  }
  if (frameLocks.length > 0) {
    thread.frameLocks = frameLocks;
  }
  return thread;
}

function jsonWaitingOn(raw: Record<string, unknown>): WaitingOn | undefined {
  const blocked = typeof raw.blockedOn === 'string' ? identityRef(raw.blockedOn) : undefined;
  if (blocked) {
    return { ...blocked, kind: 'monitor' };
  }
  const waiting = typeof raw.waitingOn === 'string' ? identityRef(raw.waitingOn) : undefined;
  if (waiting) {
    return { ...waiting, kind: 'wait' };
  }
  const parked = isObject(raw.parkBlocker) && typeof raw.parkBlocker.object === 'string';
  const park = parked ? identityRef((raw.parkBlocker as { object: string }).object) : undefined;
  return park ? { ...park, kind: 'park' } : undefined;
}

/**
 * A thread inside Object.wait() with no `waitingOn`/`blockedOn` (JDK 25 writes neither for a thread
 * notified and BLOCKED re-entering): the monitor is the one its nearest caller frame owns.
 */
export function inWait(t: JvmThread, frameLocks: FrameLock[]): WaitingOn | undefined {
  if (!(t.stack[0] ?? '').includes('java.lang.Object.wait')) {
    return undefined;
  }
  const nearest = [...frameLocks].sort((a, b) => a.frame - b.frame)[0];
  return nearest?.id === undefined
    ? undefined
    : { id: nearest.id, className: nearest.className ?? '', kind: t.state === 'BLOCKED' ? 'monitor' : 'wait' };
}

/** `java.lang.Object@683366c` → id is the whole identity string (unique per object), class before `@`. */
export function identityRef(s: string): LockRef | undefined {
  const at = s.lastIndexOf('@');
  return at > 0 ? { id: s, className: s.slice(0, at) } : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** JDK 21 writes numbers as strings (`"tid": "3"`); newer builds may write plain numbers. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : undefined;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
