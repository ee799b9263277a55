/**
 * The JVM frames' contract between the datasource, which builds them (datasource/src/jvm/frames.ts),
 * and the thread-dump panel, which reads them back by name and `meta.custom`.
 */
import type { Deadlock, StackGroup, ThreadDumpSummary } from './threaddump';

/** Frame names the thread-dump panel and the datasource's annotations recognise. */
export const JVM_FRAME_NAMES = {
  threadDumps: 'threadDumps',
  threadDump: 'threadDump',
  threadDumpDiff: 'threadDumpDiff',
  heapHistogram: 'heapHistogram',
  heapHistogramDiff: 'heapHistogramDiff',
} as const;

/** `meta.custom` of the one-dump frame: what is about the dump rather than one thread. */
export interface ThreadDumpFrameMeta {
  dumpId: string;
  service: string;
  instance: string;
  takenAt: number;
  jvmVersion?: string;
  summary: ThreadDumpSummary;
  deadlocks: Deadlock[];
  stackGroups: StackGroup[];
}

/** `meta.custom` of the diff frame. */
export interface ThreadDumpDiffFrameMeta {
  /** Older dump. */
  a: string;
  /** Newer dump. */
  b: string;
  service?: string;
  instance?: string;
  intervalMs?: number;
  counts: { new: number; gone: number; changed: number; stuck: number };
}

/** What happened to a thread between the two dumps of a diff frame (its `change` field). */
export type ThreadChange = 'new' | 'gone' | 'changed' | 'same';
