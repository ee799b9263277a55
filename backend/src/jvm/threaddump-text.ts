import { JVM_THREAD_STATES, type FrameLock, type JvmThread, type JvmThreadState, type ThreadDump } from '@osprey/model';

import { ThreadDumpParseError, preview } from './errors';
import { deadlockLine, finishDeadlock, type DeadlockBuilder } from './threaddump-deadlocks';
import { lockAction, lockRef, numberAfter, parseThreadHeader, QUOTE, SPACE, TAB, toInt } from './threaddump-lines';
import { inferState } from './threads';

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

interface ThreadBuilder {
  thread: JvmThread;
  section: 'stack' | 'synchronizers' | 'mounted';
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
