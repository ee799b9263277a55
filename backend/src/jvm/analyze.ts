import {
  JVM_THREAD_STATES,
  type AnalyzedThreadDump,
  type CpuThread,
  type Deadlock,
  type DeadlockEdge,
  type JvmThread,
  type JvmThreadState,
  type StackGroup,
  type ThreadDump,
  type ThreadDumpSummary,
} from '@osprey/model';
import { deadlockKind } from './threads';

/**
 * Each waiting thread's lock owner from the other threads' `locksHeld` (monitors from `- locked`,
 * synchronizers from "Locked ownable synchronizers"). A thread never owns what it waits on: an
 * Object.wait() thread released that monitor. Owners given by the dump itself (JSON) are kept.
 */
export function resolveOwners(threads: JvmThread[], jvmDeadlocks: Deadlock[] = []): JvmThread[] {
  const holders = lockHolders(threads, jvmDeadlocks);
  return threads.map((t, i) => {
    if (!t.waitingOn) {
      return t;
    }
    const holder = holders.get(t.waitingOn.id);
    if (holder === undefined || holder === i) {
      return t;
    }
    return { ...t, waitingOn: { ...t.waitingOn, owner: threads[holder].name } };
  });
}

/**
 * Lock id → index of the thread holding it. The JVM's deadlock section names holders too, which
 * matters for `jstack` without `-l`: it prints no "Locked ownable synchronizers".
 */
function lockHolders(threads: JvmThread[], jvmDeadlocks: Deadlock[]): Map<string, number> {
  const holders = new Map<string, number>();
  threads.forEach((t, i) => {
    for (const l of t.locksHeld) {
      if (!holders.has(l.id)) {
        holders.set(l.id, i);
      }
    }
  });
  if (jvmDeadlocks.length > 0) {
    const byName = new Map<string, number>();
    threads.forEach((t, i) => byName.has(t.name) || byName.set(t.name, i));
    for (const e of jvmDeadlocks.flatMap((d) => d.edges)) {
      const i = byName.get(e.heldBy);
      if (i !== undefined && !holders.has(e.lock.id)) {
        holders.set(e.lock.id, i);
      }
    }
  }
  return holders;
}

/**
 * Deadlocks by cycle search over the wait-for graph: thread → holder of the lock it is blocked on
 * (monitor entry or parked on an ownable synchronizer; Object.wait() waits for a notify, not for a
 * holder, so it is no edge). Every thread has at most one outgoing edge, so one colouring walk per
 * thread finds every cycle in O(threads).
 */
export function findDeadlocks(threads: JvmThread[], jvmDeadlocks: Deadlock[] = []): Deadlock[] {
  const holders = lockHolders(threads, jvmDeadlocks);
  const next = threads.map((t, i) => {
    const w = t.waitingOn;
    if (!w || w.kind === 'wait') {
      return -1;
    }
    const h = holders.get(w.id);
    return h === undefined || h === i ? -1 : h;
  });
  const colour = new Int32Array(threads.length); // 0 unseen, k = visited by walk k
  const deadlocks: Deadlock[] = [];
  for (let start = 0; start < threads.length; start++) {
    if (colour[start] !== 0) {
      continue;
    }
    const walk = start + 1;
    let i = start;
    while (i >= 0 && colour[i] === 0) {
      colour[i] = walk;
      i = next[i];
    }
    if (i < 0 || colour[i] !== walk) {
      continue; // ended at a runnable thread, or joined a path already explored
    }
    const cycle: number[] = [];
    let j = i;
    do {
      cycle.push(j);
      j = next[j];
    } while (j !== i);
    // Start at the thread listed first in the dump, as the JVM's own report does.
    const first = cycle.indexOf(Math.min(...cycle));
    const ordered = [...cycle.slice(first), ...cycle.slice(0, first)];
    const edges: DeadlockEdge[] = ordered.map((k) => {
      const w = threads[k].waitingOn!;
      return {
        thread: threads[k].name,
        lock: { id: w.id, className: w.className, kind: w.kind === 'monitor' ? 'monitor' : 'synchronizer' },
        heldBy: threads[next[k]].name,
      };
    });
    deadlocks.push({ threads: edges.map((e) => e.thread), kind: deadlockKind(edges), edges });
  }
  return deadlocks;
}

/** Same cycles (as sets of threads) of the same kind, in any order or rotation. */
export function sameDeadlocks(a: Deadlock[], b: Deadlock[]): boolean {
  const key = (d: Deadlock) => `${d.kind}:${[...d.threads].sort().join('\u0000')}`;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/** Threads with identical state and non-empty stack, most common first (ties: first seen first). */
export function groupStacks(threads: JvmThread[]): StackGroup[] {
  const groups = new Map<string, StackGroup>();
  for (const t of threads) {
    if (t.stack.length === 0) {
      continue;
    }
    const key = `${t.state}\n${t.stack.join('\n')}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.threads.push(t.name);
    } else {
      groups.set(key, { count: 1, state: t.state, threads: [t.name], stack: t.stack });
    }
  }
  // Array.prototype.sort is stable, so equal counts keep first-seen order.
  return [...groups.values()].sort((x, y) => y.count - x.count);
}

export function summarize(threads: JvmThread[], deadlocks: Deadlock[]): ThreadDumpSummary {
  const byState = Object.fromEntries(JVM_THREAD_STATES.map((s) => [s, 0])) as Record<JvmThreadState, number>;
  let daemon = 0;
  let virtual = 0;
  for (const t of threads) {
    byState[t.state]++;
    daemon += t.daemon ? 1 : 0;
    virtual += t.virtual ? 1 : 0;
  }
  const deadlocked = new Set(deadlocks.flatMap((d) => d.threads));
  return { total: threads.length, byState, daemon, virtual, deadlockedThreads: deadlocked.size };
}

export function topCpuThreads(threads: JvmThread[], limit = 10): CpuThread[] {
  return threads
    .filter((t): t is JvmThread & { cpuMs: number } => t.cpuMs !== undefined)
    .sort((a, b) => b.cpuMs - a.cpuMs)
    .slice(0, limit)
    .map((t) => {
      const c: CpuThread = { name: t.name, state: t.state, cpuMs: t.cpuMs };
      if (t.id !== undefined) {
        c.id = t.id;
      }
      if (t.elapsedMs !== undefined) {
        c.elapsedMs = t.elapsedMs;
      }
      return c;
    });
}

/** Owners, deadlocks (ours, and whether they agree with the JVM's), stack groups, top CPU. */
export function analyzeThreadDump(dump: ThreadDump): AnalyzedThreadDump {
  const threads = resolveOwners(dump.threads, dump.jvmDeadlocks);
  const deadlocks = findDeadlocks(threads, dump.jvmDeadlocks);
  const analyzed: AnalyzedThreadDump = {
    ...dump,
    threads,
    summary: summarize(threads, deadlocks),
    deadlocks,
    stackGroups: groupStacks(threads),
    topCpu: topCpuThreads(threads),
  };
  // A text dump carries the JVM's own deadlock section whenever the JVM found one.
  if (dump.jvmDeadlocks.length > 0 || (dump.format === 'text' && deadlocks.length > 0)) {
    analyzed.deadlocksAgree = sameDeadlocks(deadlocks, dump.jvmDeadlocks);
  }
  return analyzed;
}
