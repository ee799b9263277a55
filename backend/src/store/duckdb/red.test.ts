import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RedQuery } from '@osprey/model';

import { bucketOf } from '../../stats/latency-buckets';
import { generateTransactions } from '../../testing/generate';
import { expectedRed } from '../../testing/red-expectation';
import { DuckDbStore } from './store';
import { MINUTE_MS, rollupRows } from './red';

// DuckDB files with thousands of rows: a loaded machine can need more than jest's 5 s default.
jest.setTimeout(30_000);

const BASE = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('rollupRows', () => {
  it('counts transactions per key, minute and latency bucket', () => {
    const txs = generateTransactions({ seed: 1, count: 500, from: BASE, spanMs: 3 * MINUTE_MS });
    const rows = rollupRows(txs);
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(500);
    expect(rows.reduce((sum, row) => sum + row.errors, 0)).toBe(txs.filter((tx) => tx.status === 'error').length);
    const one = txs[0];
    const row = rows.find(
      (r) =>
        r.service === one.service &&
        r.instance === one.instance &&
        r.endpoint === one.endpoint &&
        r.minute === Math.floor(one.endTime / MINUTE_MS) * MINUTE_MS &&
        r.bucket === bucketOf(one.elapsed)
    );
    expect(row?.count).toBe(
      txs.filter(
        (tx) =>
          tx.service === one.service &&
          tx.instance === one.instance &&
          tx.endpoint === one.endpoint &&
          Math.floor(tx.endTime / MINUTE_MS) === Math.floor(one.endTime / MINUTE_MS) &&
          bucketOf(tx.elapsed) === bucketOf(one.elapsed)
      ).length
    );
  });
});

describe('DuckDbStore RED', () => {
  let dir: string;
  let store: DuckDbStore;
  // 12 minutes of traffic sent in 7 batches: rollup rows of one minute come from several commits.
  const txs = generateTransactions({ seed: 42, count: 6000, from: BASE, spanMs: 12 * MINUTE_MS });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-red-'));
    store = await DuckDbStore.open(dir);
    for (let i = 0; i < txs.length; i += 900) {
      await store.insertBatch([], txs.slice(i, i + 900));
    }
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: 10_000, groupBy: 'service' }],
    [{ from: BASE + 7_500, to: BASE + 5 * MINUTE_MS + 1234, step: 15_000, groupBy: 'instance', service: 'cart' }],
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: 30_000, groupBy: 'endpoint', endpoint: 'GET /a' }],
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: 60_000, groupBy: 'endpoint', apdexT: 25 }],
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: 20_000, groupBy: 'service', apdexT: 0.7 }],
  ] as Array<[RedQuery]>)('raw tier equals the exact answer for %j', async (query) => {
    const answer = await store.red(query, 'raw');
    expect(answer.tier).toBe('raw');
    expect(answer.series.length).toBeGreaterThan(0);
    expect(answer.series).toEqual(expectedRed(txs, query, 'raw'));
  });

  it.each([
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: MINUTE_MS, groupBy: 'service' }],
    [{ from: BASE + 30_000, to: BASE + 9 * MINUTE_MS, step: 3 * MINUTE_MS, groupBy: 'instance', service: 'pay' }],
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: 5 * MINUTE_MS, groupBy: 'endpoint', instance: 'cart-1' }],
    [{ from: BASE, to: BASE + 12 * MINUTE_MS, step: 2 * MINUTE_MS, groupBy: 'endpoint', apdexT: 25 }],
  ] as Array<[RedQuery]>)('rollup tier equals the bucketed answer for %j', async (query) => {
    const answer = await store.red(query, 'rollup');
    expect(answer.tier).toBe('rollup');
    expect(answer.series.length).toBeGreaterThan(0);
    expect(answer.series).toEqual(expectedRed(txs, query, 'rollup'));
  });

  it('compaction merges a minute into one row per key and bucket without changing answers', async () => {
    const query: RedQuery = { from: BASE, to: BASE + 12 * MINUTE_MS, step: MINUTE_MS, groupBy: 'endpoint' };
    const before = await store.red(query, 'rollup');
    const compaction = await store.compactRollups(BASE + 6 * MINUTE_MS + 5);
    expect(compaction).toMatchObject({ from: BASE, to: BASE + 6 * MINUTE_MS });
    const firstHalf = txs.filter((tx) => tx.endTime < BASE + 6 * MINUTE_MS);
    expect(compaction.rowsBefore).toBeGreaterThan(compaction.rowsAfter);
    expect(compaction.rowsAfter).toBe(rollupRows(firstHalf).length);
    expect(await store.red(query, 'rollup')).toEqual(before);
    // The watermark moved: a second pass over the same minutes finds nothing to do.
    expect(await store.compactRollups(BASE + 6 * MINUTE_MS)).toMatchObject({ rowsBefore: 0, rowsAfter: 0 });
  });

  it('late transactions for a compacted minute still count', async () => {
    const late = generateTransactions({ seed: 7, count: 50, from: BASE, spanMs: MINUTE_MS });
    await store.insertBatch([], late);
    const query: RedQuery = { from: BASE, to: BASE + MINUTE_MS, step: MINUTE_MS, groupBy: 'service' };
    expect((await store.red(query, 'rollup')).series).toEqual(expectedRed([...txs, ...late], query, 'rollup'));
  });

  it('lists instances and endpoints, optionally of one service', async () => {
    expect(await store.instances('cart')).toEqual(['cart-1', 'cart-2']);
    expect(await store.instances()).toEqual(['cart-1', 'cart-2', 'pay-1', 'pay-2']);
    expect(await store.endpoints('pay')).toEqual(['GET /a', 'GET /b', 'POST /c']);
    expect(await store.endpoints('nobody')).toEqual([]);
  });
});
