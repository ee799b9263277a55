/**
 * JVM API answers → data frames. Pure: the datasource fetches, these shape; the thread-dump panel reads
 * the frames back by field name and `meta.custom`.
 */
import { createDataFrame, FieldType, type AnnotationEvent, type DataFrame } from '@grafana/data';
import {
  JVM_FRAME_NAMES,
  type HeapHistogramResponse,
  type HistogramDiff,
  type ThreadChange,
  type ThreadDumpDiff,
  type ThreadDumpDiffFrameMeta,
  type ThreadDumpFrameMeta,
  type ThreadDumpListItem,
  type ThreadDumpResponse,
} from '@osprey/model';

/** One dump: one row per thread (VM-internal threads included: they have CPU time too). */
export function threadDumpToFrame(refId: string, dump: ThreadDumpResponse): DataFrame {
  const t = dump.threads;
  const custom: ThreadDumpFrameMeta = {
    dumpId: dump.id,
    service: dump.service,
    instance: dump.instance,
    takenAt: dump.takenAt,
    jvmVersion: dump.jvmVersion,
    summary: dump.summary,
    deadlocks: dump.deadlocks,
    stackGroups: dump.stackGroups,
  };
  return createDataFrame({
    refId,
    name: JVM_FRAME_NAMES.threadDump,
    meta: { custom },
    fields: [
      { name: 'name', type: FieldType.string, values: t.map((x) => x.name) },
      { name: 'threadId', type: FieldType.number, values: t.map((x) => x.id ?? null) },
      { name: 'state', type: FieldType.string, values: t.map((x) => x.state) },
      { name: 'daemon', type: FieldType.boolean, values: t.map((x) => x.daemon) },
      { name: 'virtual', type: FieldType.boolean, values: t.map((x) => x.virtual) },
      { name: 'cpuMs', type: FieldType.number, values: t.map((x) => x.cpuMs ?? null), config: { unit: 'ms' } },
      {
        name: 'elapsedMs',
        type: FieldType.number,
        values: t.map((x) => x.elapsedMs ?? null),
        config: { unit: 'ms' },
      },
      { name: 'waitingOnLock', type: FieldType.string, values: t.map((x) => x.waitingOn?.id ?? null) },
      { name: 'waitingOnClass', type: FieldType.string, values: t.map((x) => x.waitingOn?.className ?? null) },
      { name: 'waitingOnKind', type: FieldType.string, values: t.map((x) => x.waitingOn?.kind ?? null) },
      { name: 'waitingOnOwner', type: FieldType.string, values: t.map((x) => x.waitingOn?.owner ?? null) },
      { name: 'locksHeld', type: FieldType.other, values: t.map((x) => x.locksHeld) },
      { name: 'stack', type: FieldType.other, values: t.map((x) => x.stack) },
    ],
  });
}

interface DiffRow {
  name: string;
  threadId: number | null;
  change: ThreadChange;
  stateBefore: string | null;
  stateAfter: string | null;
  topFrameBefore: string | null;
  topFrameAfter: string | null;
  cpuDeltaMs: number | null;
  cpuPercent: number | null;
  stuck: boolean;
}

const threadKey = (name: string, id?: number) => `${name}#${id ?? ''}`;

/**
 * Two dumps: one row per thread that is new, gone, changed state/top frame, or used CPU in between;
 * changes first (new, changed, gone), then by CPU delta, largest first.
 */
export function threadDumpDiffToFrame(
  refId: string,
  diff: ThreadDumpDiff,
  meta: { a: string; b: string; service?: string; instance?: string }
): DataFrame {
  const cpu = new Map(diff.cpu.map((c) => [threadKey(c.name, c.id), c]));
  const stuck = new Set(diff.stuck.map((s) => threadKey(s.name, s.id)));
  const rows: DiffRow[] = [];
  const seen = new Set<string>();
  const cpuOf = (key: string) => ({
    cpuDeltaMs: cpu.get(key)?.cpuDeltaMs ?? null,
    cpuPercent: cpu.get(key)?.cpuPercent ?? null,
  });
  for (const t of diff.newThreads) {
    const key = threadKey(t.name, t.id);
    seen.add(key);
    rows.push({
      name: t.name,
      threadId: t.id ?? null,
      change: 'new',
      stateBefore: null,
      stateAfter: t.state,
      topFrameBefore: null,
      topFrameAfter: t.topFrame ?? null,
      cpuDeltaMs: null,
      cpuPercent: null,
      stuck: false,
    });
  }
  for (const t of diff.changed) {
    const key = threadKey(t.name, t.id);
    seen.add(key);
    rows.push({
      name: t.name,
      threadId: t.id ?? null,
      change: 'changed',
      stateBefore: t.before.state,
      stateAfter: t.after.state,
      topFrameBefore: t.before.topFrame ?? null,
      topFrameAfter: t.after.topFrame ?? null,
      ...cpuOf(key),
      stuck: stuck.has(key),
    });
  }
  for (const t of diff.goneThreads) {
    seen.add(threadKey(t.name, t.id));
    rows.push({
      name: t.name,
      threadId: t.id ?? null,
      change: 'gone',
      stateBefore: t.state,
      stateAfter: null,
      topFrameBefore: t.topFrame ?? null,
      topFrameAfter: null,
      cpuDeltaMs: null,
      cpuPercent: null,
      stuck: false,
    });
  }
  const stuckByKey = new Map(diff.stuck.map((s) => [threadKey(s.name, s.id), s]));
  const unchanged = diff.cpu.filter((c) => !seen.has(threadKey(c.name, c.id)));
  for (const c of unchanged) {
    const key = threadKey(c.name, c.id);
    const s = stuckByKey.get(key);
    rows.push({
      name: c.name,
      threadId: c.id ?? null,
      change: 'same',
      stateBefore: s?.state ?? null,
      stateAfter: s?.state ?? null,
      topFrameBefore: s?.topFrame ?? null,
      topFrameAfter: s?.topFrame ?? null,
      cpuDeltaMs: c.cpuDeltaMs,
      cpuPercent: c.cpuPercent ?? null,
      stuck: stuck.has(key),
    });
  }
  const custom: ThreadDumpDiffFrameMeta = {
    ...meta,
    intervalMs: diff.intervalMs,
    counts: {
      new: diff.newThreads.length,
      gone: diff.goneThreads.length,
      changed: diff.changed.length,
      stuck: diff.stuck.length,
    },
  };
  const col = <K extends keyof DiffRow>(k: K) => rows.map((r) => r[k]);
  return createDataFrame({
    refId,
    name: JVM_FRAME_NAMES.threadDumpDiff,
    meta: { custom },
    fields: [
      { name: 'name', type: FieldType.string, values: col('name') },
      { name: 'threadId', type: FieldType.number, values: col('threadId') },
      { name: 'change', type: FieldType.string, values: col('change') },
      { name: 'stateBefore', type: FieldType.string, values: col('stateBefore') },
      { name: 'stateAfter', type: FieldType.string, values: col('stateAfter') },
      { name: 'cpuDeltaMs', type: FieldType.number, values: col('cpuDeltaMs'), config: { unit: 'ms' } },
      { name: 'cpuPercent', type: FieldType.number, values: col('cpuPercent'), config: { unit: 'percent' } },
      { name: 'topFrameBefore', type: FieldType.string, values: col('topFrameBefore') },
      { name: 'topFrameAfter', type: FieldType.string, values: col('topFrameAfter') },
      { name: 'stuck', type: FieldType.boolean, values: col('stuck') },
    ],
  });
}

/** The list of dumps of a time range: a table, and the source of the annotations. */
export function threadDumpListToFrame(refId: string, items: ThreadDumpListItem[]): DataFrame {
  const col = <T>(f: (i: ThreadDumpListItem) => T) => items.map(f);
  return createDataFrame({
    refId,
    name: JVM_FRAME_NAMES.threadDumps,
    fields: [
      { name: 'takenAt', type: FieldType.time, values: col((i) => i.takenAt) },
      { name: 'id', type: FieldType.string, values: col((i) => i.id) },
      { name: 'service', type: FieldType.string, values: col((i) => i.service) },
      { name: 'instance', type: FieldType.string, values: col((i) => i.instance) },
      { name: 'threads', type: FieldType.number, values: col((i) => i.summary.total) },
      { name: 'runnable', type: FieldType.number, values: col((i) => i.summary.byState.RUNNABLE) },
      { name: 'blocked', type: FieldType.number, values: col((i) => i.summary.byState.BLOCKED) },
      { name: 'waiting', type: FieldType.number, values: col((i) => i.summary.byState.WAITING) },
      { name: 'timedWaiting', type: FieldType.number, values: col((i) => i.summary.byState.TIMED_WAITING) },
      { name: 'virtual', type: FieldType.number, values: col((i) => i.summary.virtual) },
      { name: 'deadlockedThreads', type: FieldType.number, values: col((i) => i.summary.deadlockedThreads) },
      { name: 'jvmVersion', type: FieldType.string, values: col((i) => i.jvmVersion ?? null) },
    ],
  });
}

/**
 * Annotation events from the list frame (the annotation path gets its data from `query`): every dump
 * taken, and a second, red event when a dump holds a deadlock.
 */
export function threadDumpEvents(frame: DataFrame): AnnotationEvent[] {
  const f = Object.fromEntries(frame.fields.map((x) => [x.name, x.values]));
  const events: AnnotationEvent[] = [];
  for (let r = 0; r < frame.length; r++) {
    const [service, instance, id, time] = [f.service[r], f.instance[r], f.id[r], f.takenAt[r]];
    events.push({
      time,
      title: `Thread dump ${service}/${instance}`,
      text: `${f.threads[r]} threads: ${f.runnable[r]} runnable, ${f.blocked[r]} blocked, ${f.waiting[r]} waiting, ${f.timedWaiting[r]} timed waiting (id ${id})`,
      tags: ['threaddump', service, instance],
    });
    if (f.deadlockedThreads[r] > 0) {
      events.push({
        time,
        title: `Deadlock in ${service}/${instance}`,
        text: `${f.deadlockedThreads[r]} threads deadlocked (thread dump ${id})`,
        tags: ['deadlock', service, instance],
        color: 'red',
      });
    }
  }
  return events;
}

export function heapHistogramToFrame(refId: string, h: HeapHistogramResponse): DataFrame {
  const rows = h.rows;
  return createDataFrame({
    refId,
    name: JVM_FRAME_NAMES.heapHistogram,
    meta: {
      custom: {
        id: h.id,
        service: h.service,
        instance: h.instance,
        takenAt: h.takenAt,
        totalBytes: h.totalBytes,
        totalInstances: h.totalInstances,
      },
    },
    fields: [
      { name: 'rank', type: FieldType.number, values: rows.map((r) => r.rank) },
      { name: 'class', type: FieldType.string, values: rows.map((r) => r.class) },
      { name: 'instances', type: FieldType.number, values: rows.map((r) => r.instances) },
      { name: 'bytes', type: FieldType.number, values: rows.map((r) => r.bytes), config: { unit: 'bytes' } },
      { name: 'module', type: FieldType.string, values: rows.map((r) => r.module ?? null) },
    ],
  });
}

export function heapHistogramDiffToFrame(refId: string, d: HistogramDiff, meta: { a: string; b: string }): DataFrame {
  const rows = d.rows;
  const col = <T>(f: (r: HistogramDiff['rows'][number]) => T) => rows.map(f);
  return createDataFrame({
    refId,
    name: JVM_FRAME_NAMES.heapHistogramDiff,
    meta: {
      custom: {
        ...meta,
        intervalMs: d.intervalMs,
        totalBytesDelta: d.totalBytesDelta,
        totalInstancesDelta: d.totalInstancesDelta,
      },
    },
    fields: [
      { name: 'class', type: FieldType.string, values: col((r) => r.class) },
      { name: 'bytesDelta', type: FieldType.number, values: col((r) => r.bytesDelta), config: { unit: 'bytes' } },
      { name: 'instancesDelta', type: FieldType.number, values: col((r) => r.instancesDelta) },
      { name: 'bytesBefore', type: FieldType.number, values: col((r) => r.bytesBefore), config: { unit: 'bytes' } },
      { name: 'bytesAfter', type: FieldType.number, values: col((r) => r.bytesAfter), config: { unit: 'bytes' } },
      { name: 'instancesBefore', type: FieldType.number, values: col((r) => r.instancesBefore) },
      { name: 'instancesAfter', type: FieldType.number, values: col((r) => r.instancesAfter) },
      { name: 'module', type: FieldType.string, values: col((r) => r.module ?? null) },
    ],
  });
}
