import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ActiveSnapshot, Transaction } from '@osprey/model';

import { DuckDbStore } from './store';
import { OverloadedError } from '../overload';

function tx(n: number): Transaction {
  return {
    endTime: 1763800000000 + n,
    elapsed: 5,
    service: 'cart',
    instance: 'cart-1',
    endpoint: 'GET /x',
    status: 'ok',
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, '0'),
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
  };
}

const batch = (from: number, size: number) => Array.from({ length: size }, (_, i) => tx(from + i + 1));

describe('DuckDbStore writer queue bound', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-queue-'));
    store = await DuckDbStore.open(dir, { maxQueuedItems: 10 });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async () => (await store.transactions({ from: 0, to: 2e12, limit: 1000 })).transactions.length;

  it('refuses a batch that would pass the bound, storing none of it, and takes it again once drained', async () => {
    const first = store.insertBatch([], batch(0, 6));
    expect(store.backlog()).toEqual({ batches: 1, items: 6, maxItems: 10 });
    const second = store.insertBatch([], batch(6, 4));
    const refused = store.insertBatch([], batch(10, 1));
    await expect(refused).rejects.toBeInstanceOf(OverloadedError);
    await expect(refused).rejects.toThrow('ingest queue is full (10 of 10 spans/rows waiting for commit)');
    await Promise.all([first, second]);
    expect(store.backlog()).toEqual({ batches: 0, items: 0, maxItems: 10 });
    expect(await count()).toBe(10);
    await store.insertBatch([], batch(10, 1));
    expect(await count()).toBe(11);
  });

  it('takes a batch larger than the whole bound when nothing waits', async () => {
    await store.insertBatch([], batch(0, 25));
    expect(await count()).toBe(25);
  });

  it('counts snapshot writes against the bound too', async () => {
    const first = store.insertBatch([], batch(0, 10));
    const snapshot: ActiveSnapshot = { service: 'cart', instance: 'cart-1', takenAt: 1, requests: [] };
    await expect(store.insertActiveSnapshot(snapshot, 1)).rejects.toBeInstanceOf(OverloadedError);
    await first;
    await store.insertActiveSnapshot(snapshot, 1);
  });

  it('releases the backlog of a failed batch', async () => {
    const bad = { ...tx(1), sqlCount: 2 ** 40 };
    await expect(store.insertBatch([], [bad])).rejects.toThrow();
    expect(store.backlog()).toEqual({ batches: 0, items: 0, maxItems: 10 });
  });
});

describe('DuckDbStore active snapshots', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-active-'));
    store = await DuckDbStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const snap = (instance: string, takenAt: number, endpoint = 'GET /x', service = 'cart'): ActiveSnapshot => ({
    service,
    instance,
    takenAt,
    requests: [{ endpoint, elapsed: 4200, traceId: 'ab'.repeat(16), threadName: 'http-1', userId: "o'brien" }],
  });

  it('keeps each instance newest snapshot, also when an older one arrives late', async () => {
    await store.insertActiveSnapshot(snap('a', 2000, 'new'), 10_000);
    await store.insertActiveSnapshot(snap('a', 1000, 'late old one'), 10_001);
    await store.insertActiveSnapshot(snap('b', 500), 9_000);
    await store.insertActiveSnapshot(snap('c', 500, 'x', 'other'), 10_000);
    expect(await store.activeSnapshots({ service: 'cart', receivedSince: 0 })).toEqual([
      snap('a', 2000, 'new'),
      snap('b', 500),
    ]);
    await store.insertActiveSnapshot(snap('b', 600, 'newer'), 11_000);
    expect((await store.activeSnapshots({ receivedSince: 0 })).map((s) => [s.service, s.instance, s.takenAt])).toEqual([
      ['cart', 'a', 2000],
      ['cart', 'b', 600],
      ['other', 'c', 500],
    ]);
  });

  it('leaves out snapshots received before receivedSince', async () => {
    await store.insertActiveSnapshot(snap('a', 1), 10_000);
    await store.insertActiveSnapshot(snap('b', 1), 20_000);
    expect((await store.activeSnapshots({ receivedSince: 15_000 })).map((s) => s.instance)).toEqual(['b']);
  });

  it('takes two snapshots of one instance in one group commit', async () => {
    await Promise.all([store.insertActiveSnapshot(snap('a', 1), 1), store.insertActiveSnapshot(snap('a', 2), 2)]);
    expect((await store.activeSnapshots({ receivedSince: 0 })).map((s) => s.takenAt)).toEqual([2]);
  });
});
