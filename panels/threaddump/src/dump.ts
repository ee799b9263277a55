/**
 * Reads the datasource's thread-dump frames back into rows the panel draws, and the pure view logic
 * (state counts, filter and search, deadlock cycles). Field names are the datasource's (jvm/frames.ts); frame names and meta are model's (jvm/frames.ts).
 */
import type { DataFrame } from '@grafana/data';
import {
  JVM_FRAME_NAMES,
  JVM_THREAD_STATES,
  type Deadlock,
  type JvmThreadState,
  type LockRef,
  type ThreadChange,
  type ThreadDumpDiffFrameMeta,
  type ThreadDumpFrameMeta,
} from '@osprey/model';

export interface ThreadRow {
  name: string;
  threadId?: number;
  state: JvmThreadState;
  daemon: boolean;
  virtual: boolean;
  cpuMs?: number;
  elapsedMs?: number;
  waitingOn?: { lock: string; className?: string; kind?: string; owner?: string };
  locksHeld: LockRef[];
  stack: string[];
}

export interface DiffRow {
  name: string;
  threadId?: number;
  change: ThreadChange;
  stateBefore?: JvmThreadState;
  stateAfter?: JvmThreadState;
  cpuDeltaMs?: number;
  cpuPercent?: number;
  topFrameBefore?: string;
  topFrameAfter?: string;
  stuck: boolean;
}

export type PanelView =
  | { kind: 'dump'; meta: ThreadDumpFrameMeta; threads: ThreadRow[] }
  | { kind: 'diff'; meta: ThreadDumpDiffFrameMeta; rows: DiffRow[] }
  | { kind: 'none' };

type Columns = Record<string, unknown[]>;

const columns = (frame: DataFrame): Columns => Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

function readThreads(c: Columns, length: number): ThreadRow[] {
  const rows: ThreadRow[] = [];
  for (let i = 0; i < length; i++) {
    const lock = opt<string>(c.waitingOnLock?.[i]);
    rows.push({
      name: String(c.name[i]),
      threadId: opt(c.threadId?.[i]),
      state: c.state[i] as JvmThreadState,
      daemon: Boolean(c.daemon?.[i]),
      virtual: Boolean(c.virtual?.[i]),
      cpuMs: opt(c.cpuMs?.[i]),
      elapsedMs: opt(c.elapsedMs?.[i]),
      waitingOn: lock
        ? {
            lock,
            className: opt(c.waitingOnClass?.[i]),
            kind: opt(c.waitingOnKind?.[i]),
            owner: opt(c.waitingOnOwner?.[i]),
          }
        : undefined,
      locksHeld: (c.locksHeld?.[i] as LockRef[] | undefined) ?? [],
      stack: (c.stack?.[i] as string[] | undefined) ?? [],
    });
  }
  return rows;
}

function readDiff(c: Columns, length: number): DiffRow[] {
  const rows: DiffRow[] = [];
  for (let i = 0; i < length; i++) {
    rows.push({
      name: String(c.name[i]),
      threadId: opt(c.threadId?.[i]),
      change: c.change[i] as ThreadChange,
      stateBefore: opt(c.stateBefore?.[i]),
      stateAfter: opt(c.stateAfter?.[i]),
      cpuDeltaMs: opt(c.cpuDeltaMs?.[i]),
      cpuPercent: opt(c.cpuPercent?.[i]),
      topFrameBefore: opt(c.topFrameBefore?.[i]),
      topFrameAfter: opt(c.topFrameAfter?.[i]),
      stuck: Boolean(c.stuck?.[i]),
    });
  }
  return rows;
}

/** The first thread-dump or diff frame among the panel's series. */
export function readView(series: DataFrame[]): PanelView {
  for (const frame of series) {
    if (frame.name === JVM_FRAME_NAMES.threadDump && frame.meta?.custom) {
      return {
        kind: 'dump',
        meta: frame.meta.custom as ThreadDumpFrameMeta,
        threads: readThreads(columns(frame), frame.length),
      };
    }
    if (frame.name === JVM_FRAME_NAMES.threadDumpDiff && frame.meta?.custom) {
      return {
        kind: 'diff',
        meta: frame.meta.custom as ThreadDumpDiffFrameMeta,
        rows: readDiff(columns(frame), frame.length),
      };
    }
  }
  return { kind: 'none' };
}

export function stateCounts(threads: ThreadRow[]): Array<{ state: JvmThreadState; count: number }> {
  return JVM_THREAD_STATES.map((state) => ({ state, count: threads.filter((t) => t.state === state).length })).filter(
    (s) => s.count > 0
  );
}

export interface ThreadFilter {
  /** Empty = every state. */
  states: ReadonlySet<JvmThreadState>;
  /** Case-insensitive, matched against the name and every frame. */
  search: string;
}

export function filterThreads(threads: ThreadRow[], filter: ThreadFilter): ThreadRow[] {
  const needle = filter.search.trim().toLowerCase();
  return threads.filter(
    (t) =>
      (filter.states.size === 0 || filter.states.has(t.state)) &&
      (needle === '' ||
        t.name.toLowerCase().includes(needle) ||
        t.stack.some((frame) => frame.toLowerCase().includes(needle)))
  );
}

/** `A → B → C → A`: each thread waits for a lock the next one holds. */
export function cycleText(deadlock: Deadlock): string {
  return [...deadlock.threads, deadlock.threads[0]].join(' → ');
}

/** The lock's simple class name for a compact label (`java.lang.Object` → `Object`). */
export function shortClass(className?: string): string {
  return className ? className.slice(className.lastIndexOf('.') + 1) : '';
}

/** A CPU time as the panel shows it: ms below a second, s above; '' when the dump has none. */
export const formatMs = (ms?: number) =>
  ms === undefined ? '' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`;
