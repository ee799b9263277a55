import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RedGroupBy, RedPoint, RedQuery, RedSeries, Transaction } from '@osprey/model';

import { bucketOf, quantileMs } from '../stats/latency-buckets';
import { generateTransactions } from '../testing/generate';
import { DuckDbStore } from './duckdb';
import { MINUTE_MS, rollupRows } from './duckdb-red';

const BASE = Date.UTC(2026, 0, 1, 12, 0, 0);

/** What the RED answer must be, computed here from the generated transactions themselves. */
function expectedRed(transactions: Transaction[], query: RedQuery, tier: 'raw' | 'rollup'): RedSeries[] {
  const columns: Record<RedGroupBy, Array<'service' | 'instance' | 'endpoint'>> = {
    service: ['service'],
    instance: ['service', 'instance'],
    endpoint: ['service', 'endpoint'],
  };
  const lo = tier === 'raw' ? query.from : Math.floor(query.from / MINUTE_MS) * MINUTE_MS;
  const groups = new Map<string, Map<number, Transaction[]>>();
  for (const tx of transactions) {
    const at = tier === 'raw' ? tx.endTime : Math.floor(tx.endTime / MINUTE_MS) * MINUTE_MS;
    if (at < lo || at >= query.to) {
      continue;
    }
    if (
      ['service', 'instance', 'endpoint'].some(
        (f) => query[f as 'service'] !== undefined && query[f as 'service'] !== tx[f as 'service']
      )
    ) {
      continue;
    }
    const key = JSON.stringify(columns[query.groupBy].map((c) => tx[c]));
    const time = Math.floor(at / query.step) * query.step;
    const steps = groups.get(key) ?? new Map<number, Transaction[]>();
    groups.set(key, steps);
    steps.set(time, [...(steps.get(time) ?? []), tx]);
  }
  return [...groups.keys()].sort().map((key) => {
    const values = JSON.parse(key) as string[];
    const series: RedSeries = { service: values[0], points: [] };
    columns[query.groupBy].slice(1).forEach((c, i) => (series[c] = values[i + 1]));
    series.points = [...groups.get(key)!.entries()]
      .sort(([a], [b]) => a - b)
      .map(([time, txs]): RedPoint => {
        const n = txs.length;
        const errors = txs.filter((tx) => tx.status === 'error').length;
        let quantile: (q: number) => number;
        if (tier === 'raw') {
          const sorted = txs.map((tx) => tx.elapsed).sort((a, b) => a - b);
          quantile = (q) => sorted[Math.max(1, Math.ceil(q * n)) - 1];
        } else {
          const counts = new Map<number, number>();
          txs.forEach((tx) => counts.set(bucketOf(tx.elapsed), (counts.get(bucketOf(tx.elapsed)) ?? 0) + 1));
          quantile = (q) => quantileMs([...counts.entries()], q);
        }
        return {
          time,
          count: n,
          rate: n / (query.step / 1000),
          errors,
          errorRatio: errors / n,
          p50: quantile(0.5),
          p90: quantile(0.9),
          p99: quantile(0.99),
        };
      });
    return series;
  });
}

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
