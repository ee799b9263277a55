import type { ChangedThread, CpuDelta, JvmThread, ThreadDump, ThreadDumpDiff, ThreadRef } from '@osprey/model';
import { resolveOwners } from './analyze';

/**
 * Compares two dumps of one JVM, `a` taken before `b`. Threads match by name + Java id (pools reuse
 * names, ids are never reused within a JVM). CPU % of one core uses each thread's own `elapsed=`
 * delta when both dumps print it (10 ms resolution) and the dumps' timestamps otherwise (1 s).
 */
export function diffThreadDumps(a: ThreadDump, b: ThreadDump): ThreadDumpDiff {
  const before = new Map<string, JvmThread>();
  for (const t of resolveOwners(a.threads)) {
    const k = threadKey(t);
    if (!before.has(k)) {
      before.set(k, t);
    }
  }
  const diff: ThreadDumpDiff = { newThreads: [], goneThreads: [], changed: [], cpu: [], stuck: [] };
  if (a.takenAt !== undefined && b.takenAt !== undefined) {
    diff.intervalMs = b.takenAt - a.takenAt;
  }
  const seen = new Set<string>();
  for (const t of resolveOwners(b.threads)) {
    const k = threadKey(t);
    const old = before.get(k);
    if (!old || seen.has(k)) {
      if (!old) {
        diff.newThreads.push(ref(t));
      }
      continue;
    }
    seen.add(k);
    const top = t.stack[0];
    const oldTop = old.stack[0];
    if (old.state !== t.state || oldTop !== top) {
      const changed: ChangedThread = {
        name: t.name,
        before: withTop({ state: old.state }, oldTop),
        after: withTop({ state: t.state }, top),
      };
      if (t.id !== undefined) {
        changed.id = t.id;
      }
      diff.changed.push(changed);
    } else if (top !== undefined && isStuck(t)) {
      diff.stuck.push(ref(t));
    }
    if (old.cpuMs !== undefined && t.cpuMs !== undefined) {
      diff.cpu.push(cpuDelta(old, t, diff.intervalMs));
    }
  }
  for (const [k, t] of before) {
    if (!seen.has(k)) {
      diff.goneThreads.push(ref(t));
    }
  }
  diff.cpu.sort((x, y) => y.cpuDeltaMs - x.cpuDeltaMs);
  return diff;
}

/**
 * Same top frame and state in both dumps counts as stuck when the thread is doing or waiting for
 * something: running, blocked on a monitor, or parked/waiting behind a lock another thread holds.
 * Idle pool threads parked on their queue are not stuck.
 */
function isStuck(t: JvmThread): boolean {
  return t.state === 'RUNNABLE' || t.state === 'BLOCKED' || t.waitingOn?.owner !== undefined;
}

function cpuDelta(old: JvmThread, t: JvmThread, intervalMs: number | undefined): CpuDelta {
  const cpuDeltaMs = Math.round(((t.cpuMs ?? 0) - (old.cpuMs ?? 0)) * 1000) / 1000;
  const d: CpuDelta = { name: t.name, cpuDeltaMs };
  if (t.id !== undefined) {
    d.id = t.id;
  }
  const wall =
    old.elapsedMs !== undefined && t.elapsedMs !== undefined && t.elapsedMs > old.elapsedMs
      ? t.elapsedMs - old.elapsedMs
      : intervalMs;
  if (wall !== undefined && wall > 0) {
    d.cpuPercent = Math.round((cpuDeltaMs / wall) * 1000) / 10;
  }
  return d;
}

function threadKey(t: JvmThread): string {
  return `${t.name}\u0000${t.id ?? ''}`;
}

function withTop<T extends object>(o: T, top: string | undefined): T & { topFrame?: string } {
  return top === undefined ? o : { ...o, topFrame: top };
}

function ref(t: JvmThread): ThreadRef {
  const r: ThreadRef = withTop({ name: t.name, state: t.state }, t.stack[0]);
  if (t.id !== undefined) {
    r.id = t.id;
  }
  return r;
}
