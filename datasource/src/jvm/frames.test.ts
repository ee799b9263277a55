import { readFileSync } from 'node:fs';
import path from 'node:path';

import { FieldType, type DataFrame } from '@grafana/data';
import type {
  ThreadDumpDiffFrameMeta,
  ThreadDumpFrameMeta,
  ThreadDumpListItem,
  ThreadDumpResponse,
} from '@osprey/model';

// The backend's own parser and analysis turn the real JVM fixtures into what the API answers.
import { diffThreadDumps, diffHistograms, parseClassHistogram, parseThreadDump } from '../../../backend/src/jvm';
import { analyzeThreadDump } from '../../../backend/src/jvm/analyze';
import {
  heapHistogramDiffToFrame,
  heapHistogramToFrame,
  threadDumpDiffToFrame,
  threadDumpEvents,
  threadDumpListToFrame,
  threadDumpToFrame,
} from './frames';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/jvm', name), 'utf8');

function apiDump(name: string, id: string): ThreadDumpResponse {
  const dump = analyzeThreadDump(parseThreadDump(fixture(name)));
  return { ...dump, id, service: 'shop', instance: 'shop-1', takenAt: dump.takenAt ?? 0 };
}

const column = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;
const row = (frame: DataFrame, name: string) => {
  const i = column(frame, 'name').indexOf(name);
  expect(i).toBeGreaterThanOrEqual(0);
  return Object.fromEntries(frame.fields.map((f) => [f.name, f.values[i]]));
};

describe('threadDumpToFrame (jdk17/jstack-l.txt)', () => {
  const dump = apiDump('jdk17/jstack-l.txt', 'td-1');
  const frame = threadDumpToFrame('A', dump);

  it('has one row per thread with the named fields and types', () => {
    expect(frame.refId).toBe('A');
    expect(frame.name).toBe('threadDump');
    expect(frame.length).toBe(dump.threads.length);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['name', FieldType.string],
      ['threadId', FieldType.number],
      ['state', FieldType.string],
      ['daemon', FieldType.boolean],
      ['virtual', FieldType.boolean],
      ['cpuMs', FieldType.number],
      ['elapsedMs', FieldType.number],
      ['waitingOnLock', FieldType.string],
      ['waitingOnClass', FieldType.string],
      ['waitingOnKind', FieldType.string],
      ['waitingOnOwner', FieldType.string],
      ['locksHeld', FieldType.other],
      ['stack', FieldType.other],
    ]);
  });

  it.each([
    [
      'cart-worker',
      { state: 'BLOCKED', threadId: 12, cpuMs: 2.61, waitingOnKind: 'monitor', waitingOnOwner: 'payment-worker' },
    ],
    ['payment-worker', { state: 'BLOCKED', cpuMs: 0.56, waitingOnOwner: 'shipping-worker' }],
    ['shipping-worker', { state: 'BLOCKED', cpuMs: 0.69, waitingOnOwner: 'cart-worker' }],
  ])('%s', (name, expected) => {
    const r = row(frame, name);
    expect(r).toMatchObject(expected);
    expect(r.waitingOnLock).toMatch(/^0x[0-9a-f]+$/);
    expect(r.stack.length).toBeGreaterThan(0);
    // The owner holds the very lock the waiter wants.
    const owner = row(frame, r.waitingOnOwner);
    expect(owner.locksHeld.map((l: { id: string }) => l.id)).toContain(r.waitingOnLock);
  });

  it('keeps the dump facts in meta.custom', () => {
    const custom = frame.meta?.custom as ThreadDumpFrameMeta;
    expect(custom).toMatchObject({ dumpId: 'td-1', service: 'shop', instance: 'shop-1' });
    expect(custom.jvmVersion).toMatch(/^17\./);
    expect(custom.deadlocks.map((d) => [d.kind, [...d.threads].sort()])).toEqual([
      ['monitor', ['cart-worker', 'payment-worker', 'shipping-worker']],
    ]);
    expect(custom.summary.total).toBe(dump.threads.length);
    expect(custom.stackGroups[0].count).toBe(200);
  });
});

describe('threadDumpDiffToFrame (LockWorkload jstack then jcmd 1 s later)', () => {
  const a = parseThreadDump(fixture('jdk17/lock-jstack-l.txt'));
  const b = parseThreadDump(fixture('jdk17/lock-jcmd-thread-print.txt'));
  const diff = diffThreadDumps(a, b);
  const frame = threadDumpDiffToFrame('B', diff, { a: 'x', b: 'y', service: 'lock', instance: 'lock-1' });

  it('has the diff fields and one row per new, gone, changed or CPU-using thread', () => {
    expect(frame.name).toBe('threadDumpDiff');
    expect(frame.fields.map((f) => f.name)).toEqual([
      'name',
      'threadId',
      'change',
      'stateBefore',
      'stateAfter',
      'cpuDeltaMs',
      'cpuPercent',
      'topFrameBefore',
      'topFrameAfter',
      'stuck',
    ]);
    const changes = column(frame, 'change');
    expect(changes.filter((c) => c === 'new').length).toBe(diff.newThreads.length);
    expect(changes.filter((c) => c === 'gone').length).toBe(diff.goneThreads.length);
    expect(changes.filter((c) => c === 'changed').length).toBe(diff.changed.length);
    expect(new Set(column(frame, 'name')).size).toBe(frame.length);
  });

  it('gives the busy thread its CPU delta and percent', () => {
    const busy = row(frame, 'busy-hasher');
    const expected = diff.cpu.find((c) => c.name === 'busy-hasher')!;
    expect(busy.cpuDeltaMs).toBe(expected.cpuDeltaMs);
    expect(busy.cpuDeltaMs).toBeGreaterThan(100);
    expect(busy.cpuPercent).toBeGreaterThan(50);
  });

  it('counts the changes in meta.custom', () => {
    const custom = frame.meta?.custom as ThreadDumpDiffFrameMeta;
    expect(custom).toMatchObject({ a: 'x', b: 'y', service: 'lock', instance: 'lock-1', intervalMs: diff.intervalMs });
    expect(custom.counts.stuck).toBe(diff.stuck.length);
  });
});

describe('threadDumpListToFrame and threadDumpEvents', () => {
  const item = (id: string, takenAt: number, deadlockedThreads: number): ThreadDumpListItem => ({
    id,
    service: 'shop',
    instance: 'shop-1',
    takenAt,
    receivedAt: takenAt + 5,
    format: 'text',
    jvmVersion: '17.0.15',
    summary: {
      total: 10,
      byState: { RUNNABLE: 4, BLOCKED: 3, WAITING: 2, TIMED_WAITING: 1, NEW: 0, TERMINATED: 0 },
      daemon: 5,
      virtual: 0,
      deadlockedThreads,
    },
  });
  const frame = threadDumpListToFrame('C', [item('b', 2000, 3), item('a', 1000, 0)]);

  it('is a table with a time field', () => {
    expect(frame.fields[0]).toMatchObject({ name: 'takenAt', type: FieldType.time, values: [2000, 1000] });
    expect(column(frame, 'blocked')).toEqual([3, 3]);
    expect(column(frame, 'deadlockedThreads')).toEqual([3, 0]);
  });

  it.each([
    [0, { time: 2000, tags: ['threaddump', 'shop', 'shop-1'] }],
    [1, { time: 2000, tags: ['deadlock', 'shop', 'shop-1'], text: '3 threads deadlocked (thread dump b)' }],
    [2, { time: 1000, tags: ['threaddump', 'shop', 'shop-1'] }],
  ])('event %i', (i, expected) => {
    const events = threadDumpEvents(frame);
    expect(events).toHaveLength(3);
    expect(events[i]).toMatchObject(expected);
  });
});

describe('heap histogram frames (jdk17 vs jdk25 class_histogram)', () => {
  const h17 = parseClassHistogram(fixture('jdk17/class_histogram.txt'));
  const h25 = parseClassHistogram(fixture('jdk25/class_histogram.txt'));

  it('one row per class, ranked', () => {
    const frame = heapHistogramToFrame('D', { ...h17, id: 'h1', service: 'shop', instance: 'shop-1', takenAt: 1 });
    expect(frame.length).toBe(h17.rows.length);
    expect(column(frame, 'rank')[0]).toBe(1);
    expect(column(frame, 'class')[0]).toBe(h17.rows[0].class);
    expect(frame.fields.find((f) => f.name === 'bytes')?.config.unit).toBe('bytes');
  });

  it('diff rows keep the ranking by byte growth', () => {
    const d = diffHistograms(h17, h25);
    const frame = heapHistogramDiffToFrame('E', d, { a: 'h1', b: 'h2' });
    const deltas = column(frame, 'bytesDelta') as number[];
    expect(deltas).toEqual(d.rows.map((r) => r.bytesDelta));
    expect(deltas[0]).toBeGreaterThanOrEqual(deltas[deltas.length - 1]);
    expect(frame.meta?.custom).toMatchObject({ totalBytesDelta: d.totalBytesDelta });
  });
});
