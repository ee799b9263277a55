/** The JVM's own "Found one Java-level deadlock:" section, line by line. */
import type { Deadlock, DeadlockEdge, LockRef } from '@osprey/model';

import { lockRef, QUOTE, TAB } from './threaddump-lines';
import { deadlockKind } from './threads';

export interface DeadlockBuilder {
  edges: DeadlockEdge[];
  thread?: string;
  lock?: LockRef;
}

/**
 * One line of the JVM's "Found one Java-level deadlock:" section. Returns true when consumed,
 * 'stacks' at "Java stack information…", false when the line belongs to the top level again.
 */
export function deadlockLine(
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

export function finishDeadlock(d: DeadlockBuilder): Deadlock {
  return { threads: d.edges.map((e) => e.thread), kind: deadlockKind(d.edges), edges: d.edges };
}
