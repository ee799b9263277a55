/**
 * Thread dumps of one JVM as the backend parses and analyses them (DESIGN.md "ThreadDump JSON names").
 * Parsed from `jstack [-l]` / `jcmd Thread.print [-l]` text (JDK 8 → 25) or
 * `jcmd Thread.dump_to_file -format=json` (JDK 21+).
 */

export type JvmThreadState = 'RUNNABLE' | 'BLOCKED' | 'WAITING' | 'TIMED_WAITING' | 'NEW' | 'TERMINATED';

export const JVM_THREAD_STATES: readonly JvmThreadState[] = [
  'RUNNABLE',
  'BLOCKED',
  'WAITING',
  'TIMED_WAITING',
  'NEW',
  'TERMINATED',
];

/** A monitor (`- locked`) or an ownable synchronizer ("Locked ownable synchronizers") a thread holds. */
export interface LockRef {
  /** Object address as printed (`0x000000069dc00a50`), or `Class@identityHash` from the JSON form. */
  id: string;
  className: string;
  kind?: 'monitor' | 'synchronizer';
}

/**
 * What a thread waits for: `monitor` = BLOCKED entering a synchronized block (`- waiting to lock`),
 * `park` = LockSupport.park on a blocker (`- parking to wait for`), `wait` = Object.wait() (`- waiting on`).
 */
export interface WaitingOn {
  id: string;
  className: string;
  kind: 'monitor' | 'park' | 'wait';
  /** Name of the thread holding the lock, when another thread in the dump holds it. */
  owner?: string;
}

/** A lock annotation line under a frame, kept so a stack can be shown as the JVM printed it. */
export interface FrameLock {
  /** Index into `stack` of the frame the line follows. */
  frame: number;
  action: 'locked' | 'waiting to lock' | 'waiting to re-lock' | 'waiting on' | 'parking to wait for' | 'eliminated';
  id?: string;
  className?: string;
}

export interface JvmThread {
  name: string;
  /** Java thread id (`#12`); absent for VM-internal threads. */
  id?: number;
  /** Native thread id as printed (`nid=0x16b6` on JDK ≤ 18, decimal on 19+). */
  nid?: string;
  /** Native id as a number (from `nid` or the JDK 19+ `[osid]`). */
  osId?: number;
  daemon: boolean;
  priority?: number;
  osPriority?: number;
  state: JvmThreadState;
  /** Text in parentheses after the state, e.g. `parking`, `on object monitor`, `sleeping`. */
  stateDetail?: string;
  /** True when the dump printed no `java.lang.Thread.State` (VM threads) or the JSON form had no state. */
  stateInferred?: boolean;
  cpuMs?: number;
  elapsedMs?: number;
  /** `jstack -e` / `Thread.print -e`: bytes allocated by the thread (`allocated=1110K`). */
  allocatedBytes?: number;
  /** `jstack -e`: classes the thread defined. */
  definedClasses?: number;
  virtual: boolean;
  /** VM-internal thread (GC, compiler, VM Thread): header only, no Java state or stack. */
  vmInternal?: boolean;
  stack: string[];
  frameLocks?: FrameLock[];
  locksHeld: LockRef[];
  waitingOn?: WaitingOn;
  /** Carrier thread of a mounted virtual thread ("Carrying virtual thread #N"). */
  carryingVirtualThread?: number;
  /** Stack of the mounted virtual thread ("Mounted virtual thread #N"). */
  mountedStack?: string[];
  /** JSON form: the carrier's tid of a mounted virtual thread. */
  carrierId?: number;
  /** JSON form: thread container (executor, ForkJoinPool, `<root>`). */
  container?: string;
  /** Extra indented lines inside the thread block (e.g. `No compile task`). */
  notes?: string[];
}

/** One edge of a deadlock cycle: `thread` waits for `lock`, which `heldBy` holds. */
export interface DeadlockEdge {
  thread: string;
  lock: LockRef;
  heldBy: string;
}

export interface Deadlock {
  /** Thread names in cycle order: each waits for a lock held by the next; the last waits on the first. */
  threads: string[];
  /** `mixed`: the cycle has both monitor and ownable-synchronizer edges. */
  kind: 'monitor' | 'synchronizer' | 'mixed';
  edges: DeadlockEdge[];
}

export interface ThreadDump {
  format: 'text' | 'json';
  /**
   * The jcmd command behind it, when known: `Thread.print` (or jstack), `Thread.dump_to_file` (JDK 21+,
   * lists virtual threads, text or JSON), or `merged` — the agent's Thread.print -l with the virtual
   * threads of a Thread.dump_to_file taken right after it.
   */
  source?: 'thread-print' | 'dump-to-file' | 'merged';
  /** Epoch ms: the dump's own timestamp line / JSON `time` when present (JVM local time read as UTC). */
  takenAt?: number;
  service?: string;
  instance?: string;
  /** e.g. `17.0.15+6-Debian-1deb12u1`. */
  jvmVersion?: string;
  /** e.g. `OpenJDK 64-Bit Server VM`. */
  vmName?: string;
  pid?: number;
  threads: JvmThread[];
  /** Deadlocks as the JVM itself reported them ("Found one Java-level deadlock"), text form only. */
  jvmDeadlocks: Deadlock[];
  /** `length=` of the SMR `_java_thread_list`. */
  smrThreadCount?: number;
  jniGlobalRefs?: number;
  jniWeakRefs?: number;
  /** JSON form: thread containers and their thread counts. */
  containers?: Array<{ name: string; parent?: string; owner?: string; threadCount: number }>;
  /** Lines the parser did not recognise, as `line N: text`; kept, never fatal. */
  unparsed: string[];
}

export interface ThreadDumpSummary {
  total: number;
  byState: Record<JvmThreadState, number>;
  daemon: number;
  virtual: number;
  deadlockedThreads: number;
}

/** Threads sharing one identical stack (and state). */
export interface StackGroup {
  count: number;
  state: JvmThreadState;
  threads: string[];
  stack: string[];
}

export interface CpuThread {
  name: string;
  id?: number;
  state: JvmThreadState;
  cpuMs: number;
  elapsedMs?: number;
}

/** A parsed dump plus its analysis: owners resolved on `threads[].waitingOn`, deadlocks, groups. */
export interface AnalyzedThreadDump extends ThreadDump {
  summary: ThreadDumpSummary;
  /** Cycles found in the wait-for graph by Osprey (independent of the JVM's own section). */
  deadlocks: Deadlock[];
  /**
   * Whether `deadlocks` are the JVM's own (`jvmDeadlocks`) as sets of threads and kind. Set when the JVM
   * printed a deadlock section, and for text dumps where Osprey found one (the JVM always prints it).
   */
  deadlocksAgree?: boolean;
  /** Identical stacks, most common first (only stacks of at least one frame). */
  stackGroups: StackGroup[];
  topCpu: CpuThread[];
}

export interface ThreadRef {
  name: string;
  id?: number;
  state: JvmThreadState;
  topFrame?: string;
}

export interface ChangedThread {
  name: string;
  id?: number;
  before: { state: JvmThreadState; topFrame?: string };
  after: { state: JvmThreadState; topFrame?: string };
}

export interface CpuDelta {
  name: string;
  id?: number;
  cpuDeltaMs: number;
  /**
   * CPU % of one core: delta over the thread's own `elapsed=` delta when both dumps print it (10 ms
   * resolution), else over `intervalMs` (the dumps' timestamps have 1 s resolution).
   */
  cpuPercent?: number;
}

/** Two dumps of one JVM, `a` older than `b`; threads matched by name + Java id. */
export interface ThreadDumpDiff {
  intervalMs?: number;
  newThreads: ThreadRef[];
  goneThreads: ThreadRef[];
  changed: ChangedThread[];
  /** Threads present in both with CPU times, largest delta first. */
  cpu: CpuDelta[];
  /** Same non-empty top frame and state in both dumps (a possible hang). */
  stuck: ThreadRef[];
}

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
