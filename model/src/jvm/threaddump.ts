/**
 * Thread dumps of one JVM as the backend parses and analyses them (DESIGN.md "ThreadDump JSON names").
 * Parsed from `jstack [-l]` / `jcmd Thread.print [-l]` text (JDK 8 → 25) or
 * `jcmd Thread.dump_to_file -format=json` (JDK 21+). Schemas, so the routes' answers are documented
 * and serialised by them: a field missing here is missing from the answer.
 */
import { type Static, Type } from '@sinclair/typebox';

import { StringEnum } from '../schema';

export const JVM_THREAD_STATES = ['RUNNABLE', 'BLOCKED', 'WAITING', 'TIMED_WAITING', 'NEW', 'TERMINATED'] as const;
export type JvmThreadState = (typeof JVM_THREAD_STATES)[number];

const State = () => StringEnum(JVM_THREAD_STATES);
const Opt = Type.Optional;

/** A monitor (`- locked`) or an ownable synchronizer ("Locked ownable synchronizers") a thread holds. */
export const LockRefSchema = Type.Object({
  /** Object address as printed (`0x000000069dc00a50`), or `Class@identityHash` from the JSON form. */
  id: Type.String(),
  className: Type.String(),
  kind: Opt(StringEnum(['monitor', 'synchronizer'] as const)),
});
export type LockRef = Static<typeof LockRefSchema>;

/**
 * What a thread waits for: `monitor` = BLOCKED entering a synchronized block (`- waiting to lock`),
 * `park` = LockSupport.park on a blocker (`- parking to wait for`), `wait` = Object.wait() (`- waiting on`).
 */
export const WaitingOnSchema = Type.Object({
  id: Type.String(),
  className: Type.String(),
  kind: StringEnum(['monitor', 'park', 'wait'] as const),
  /** Name of the thread holding the lock, when another thread in the dump holds it. */
  owner: Opt(Type.String()),
});
export type WaitingOn = Static<typeof WaitingOnSchema>;

/** The lock lines under a frame, in the order a parser must try them (no one is a prefix of a later one). */
export const FRAME_LOCK_ACTIONS = [
  'locked',
  'waiting to lock',
  'waiting to re-lock',
  'waiting on',
  'parking to wait for',
  'eliminated',
] as const;

/** A lock annotation line under a frame, kept so a stack can be shown as the JVM printed it. */
export const FrameLockSchema = Type.Object({
  /** Index into `stack` of the frame the line follows. */
  frame: Type.Number(),
  action: StringEnum(FRAME_LOCK_ACTIONS),
  id: Opt(Type.String()),
  className: Opt(Type.String()),
});
export type FrameLock = Static<typeof FrameLockSchema>;

const Strings = () => Type.Array(Type.String());

export const JvmThreadSchema = Type.Object({
  name: Type.String(),
  /** Java thread id (`#12`); absent for VM-internal threads. */
  id: Opt(Type.Number()),
  /** Native thread id as printed (`nid=0x16b6` on JDK ≤ 18, decimal on 19+). */
  nid: Opt(Type.String()),
  /** Native id as a number (from `nid` or the JDK 19+ `[osid]`). */
  osId: Opt(Type.Number()),
  daemon: Type.Boolean(),
  priority: Opt(Type.Number()),
  osPriority: Opt(Type.Number()),
  state: State(),
  /** Text in parentheses after the state, e.g. `parking`, `on object monitor`, `sleeping`. */
  stateDetail: Opt(Type.String()),
  /** True when the dump printed no `java.lang.Thread.State` (VM threads) or the JSON form had no state. */
  stateInferred: Opt(Type.Boolean()),
  cpuMs: Opt(Type.Number()),
  elapsedMs: Opt(Type.Number()),
  /** `jstack -e` / `Thread.print -e`: bytes allocated by the thread (`allocated=1110K`). */
  allocatedBytes: Opt(Type.Number()),
  /** `jstack -e`: classes the thread defined. */
  definedClasses: Opt(Type.Number()),
  virtual: Type.Boolean(),
  /** VM-internal thread (GC, compiler, VM Thread): header only, no Java state or stack. */
  vmInternal: Opt(Type.Boolean()),
  stack: Strings(),
  frameLocks: Opt(Type.Array(FrameLockSchema)),
  locksHeld: Type.Array(LockRefSchema),
  waitingOn: Opt(WaitingOnSchema),
  /** Carrier thread of a mounted virtual thread ("Carrying virtual thread #N"). */
  carryingVirtualThread: Opt(Type.Number()),
  /** Stack of the mounted virtual thread ("Mounted virtual thread #N"). */
  mountedStack: Opt(Strings()),
  /** JSON form: the carrier's tid of a mounted virtual thread. */
  carrierId: Opt(Type.Number()),
  /** JSON form: thread container (executor, ForkJoinPool, `<root>`). */
  container: Opt(Type.String()),
  /** Extra indented lines inside the thread block (e.g. `No compile task`). */
  notes: Opt(Strings()),
});
export type JvmThread = Static<typeof JvmThreadSchema>;

/** One edge of a deadlock cycle: `thread` waits for `lock`, which `heldBy` holds. */
export const DeadlockEdgeSchema = Type.Object({ thread: Type.String(), lock: LockRefSchema, heldBy: Type.String() });
export type DeadlockEdge = Static<typeof DeadlockEdgeSchema>;

export const DeadlockSchema = Type.Object({
  /** Thread names in cycle order: each waits for a lock held by the next; the last waits on the first. */
  threads: Strings(),
  /** `mixed`: the cycle has both monitor and ownable-synchronizer edges. */
  kind: StringEnum(['monitor', 'synchronizer', 'mixed'] as const),
  edges: Type.Array(DeadlockEdgeSchema),
});
export type Deadlock = Static<typeof DeadlockSchema>;

const THREAD_DUMP_PROPERTIES = {
  format: StringEnum(['text', 'json'] as const),
  /**
   * The jcmd command behind it, when known: `Thread.print` (or jstack), `Thread.dump_to_file` (JDK 21+,
   * lists virtual threads, text or JSON), or `merged` — the agent's Thread.print -l with the virtual
   * threads of a Thread.dump_to_file taken right after it.
   */
  source: Opt(StringEnum(['thread-print', 'dump-to-file', 'merged'] as const)),
  /** Epoch ms: the dump's own timestamp line / JSON `time` when present (JVM local time read as UTC). */
  takenAt: Opt(Type.Number()),
  service: Opt(Type.String()),
  instance: Opt(Type.String()),
  /** e.g. `17.0.15+6-Debian-1deb12u1`. */
  jvmVersion: Opt(Type.String()),
  /** e.g. `OpenJDK 64-Bit Server VM`. */
  vmName: Opt(Type.String()),
  pid: Opt(Type.Number()),
  threads: Type.Array(JvmThreadSchema),
  /** Deadlocks as the JVM itself reported them ("Found one Java-level deadlock"), text form only. */
  jvmDeadlocks: Type.Array(DeadlockSchema),
  /** `length=` of the SMR `_java_thread_list`. */
  smrThreadCount: Opt(Type.Number()),
  jniGlobalRefs: Opt(Type.Number()),
  jniWeakRefs: Opt(Type.Number()),
  /** JSON form: thread containers and their thread counts. */
  containers: Opt(
    Type.Array(
      Type.Object({
        name: Type.String(),
        parent: Opt(Type.String()),
        owner: Opt(Type.String()),
        threadCount: Type.Number(),
      })
    )
  ),
  /** Lines the parser did not recognise, as `line N: text`; kept, never fatal. */
  unparsed: Strings(),
};
export const ThreadDumpSchema = Type.Object(THREAD_DUMP_PROPERTIES);
export type ThreadDump = Static<typeof ThreadDumpSchema>;

export const ThreadDumpSummarySchema = Type.Object({
  total: Type.Number(),
  byState: Type.Object(
    Object.fromEntries(JVM_THREAD_STATES.map((s) => [s, Type.Number()])) as Record<
      JvmThreadState,
      ReturnType<typeof Type.Number>
    >
  ),
  daemon: Type.Number(),
  virtual: Type.Number(),
  deadlockedThreads: Type.Number(),
});
export type ThreadDumpSummary = Static<typeof ThreadDumpSummarySchema>;

/** Threads sharing one identical stack (and state). */
export const StackGroupSchema = Type.Object({
  count: Type.Number(),
  state: State(),
  threads: Strings(),
  stack: Strings(),
});
export type StackGroup = Static<typeof StackGroupSchema>;

export const CpuThreadSchema = Type.Object({
  name: Type.String(),
  id: Opt(Type.Number()),
  state: State(),
  cpuMs: Type.Number(),
  elapsedMs: Opt(Type.Number()),
});
export type CpuThread = Static<typeof CpuThreadSchema>;

/** What the analysis adds to a parsed dump: owners resolved on `threads[].waitingOn`, deadlocks, groups. */
const ANALYSIS_PROPERTIES = {
  summary: ThreadDumpSummarySchema,
  /** Cycles found in the wait-for graph by Osprey (independent of the JVM's own section). */
  deadlocks: Type.Array(DeadlockSchema),
  /**
   * Whether `deadlocks` are the JVM's own (`jvmDeadlocks`) as sets of threads and kind. Set when the JVM
   * printed a deadlock section, and for text dumps where Osprey found one (the JVM always prints it).
   */
  deadlocksAgree: Opt(Type.Boolean()),
  /** Identical stacks, most common first (only stacks of at least one frame). */
  stackGroups: Type.Array(StackGroupSchema),
  topCpu: Type.Array(CpuThreadSchema),
};
/** A parsed dump plus its analysis. */
export const AnalyzedThreadDumpSchema = Type.Object({ ...THREAD_DUMP_PROPERTIES, ...ANALYSIS_PROPERTIES });
export type AnalyzedThreadDump = Static<typeof AnalyzedThreadDumpSchema>;

const TopFrame = () => Opt(Type.String());

export const ThreadRefSchema = Type.Object({
  name: Type.String(),
  id: Opt(Type.Number()),
  state: State(),
  topFrame: TopFrame(),
});
export type ThreadRef = Static<typeof ThreadRefSchema>;

export const ChangedThreadSchema = Type.Object({
  name: Type.String(),
  id: Opt(Type.Number()),
  before: Type.Object({ state: State(), topFrame: TopFrame() }),
  after: Type.Object({ state: State(), topFrame: TopFrame() }),
});
export type ChangedThread = Static<typeof ChangedThreadSchema>;

export const CpuDeltaSchema = Type.Object({
  name: Type.String(),
  id: Opt(Type.Number()),
  cpuDeltaMs: Type.Number(),
  /**
   * CPU % of one core: delta over the thread's own `elapsed=` delta when both dumps print it (10 ms
   * resolution), else over `intervalMs` (the dumps' timestamps have 1 s resolution).
   */
  cpuPercent: Opt(Type.Number()),
});
export type CpuDelta = Static<typeof CpuDeltaSchema>;

/** Two dumps of one JVM, `a` older than `b`; threads matched by name + Java id. */
export const ThreadDumpDiffSchema = Type.Object({
  intervalMs: Opt(Type.Number()),
  newThreads: Type.Array(ThreadRefSchema),
  goneThreads: Type.Array(ThreadRefSchema),
  changed: Type.Array(ChangedThreadSchema),
  /** Threads present in both with CPU times, largest delta first. */
  cpu: Type.Array(CpuDeltaSchema),
  /** Same non-empty top frame and state in both dumps (a possible hang). */
  stuck: Type.Array(ThreadRefSchema),
});
export type ThreadDumpDiff = Static<typeof ThreadDumpDiffSchema>;

/** Stack-frame frequency (Scouter SFA) across the dumps of one instance. */
export interface FrameFrequency {
  frame: string;
  /** Thread samples (one thread in one dump) whose stack contains the frame. */
  count: number;
  /** Thread samples with the frame on top. */
  topCount: number;
  /** Distinct thread names it was seen in. */
  threads: number;
  /** Dumps it appeared in. */
  dumps: number;
}

export interface StackFrameFrequency {
  dumps: number;
  threadSamples: number;
  /** Most frequent first. */
  frames: FrameFrequency[];
}
