import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { DensityCell, Transaction, TransactionQuery } from '@osprey/model';

import { generateTransactions } from '../../testing/generate';
import { DuckDbStore } from './store';
import { elapsedEdges } from './transactions';

// DuckDB files with thousands of rows: a loaded machine can need more than jest's 5 s default.
jest.setTimeout(30_000);

const BASE = Date.UTC(2026, 0, 1);
const txs = generateTransactions({ seed: 11, count: 4000, from: BASE, spanMs: 600_000 });

function matches(tx: Transaction, query: TransactionQuery): boolean {
  return (
    tx.endTime >= query.from &&
    tx.endTime <= query.to &&
    (query.service === undefined || tx.service === query.service) &&
    (query.userId === undefined || tx.userId === query.userId) &&
    (!query.errorsOnly || tx.status === 'error')
  );
}

describe('elapsedEdges', () => {
  it.each([
    [1, 1000, 3, [1, 10, 100, 1000]],
    [0, 8, 3, [0.01, 0.01 * 800 ** (1 / 3), 0.01 * 800 ** (2 / 3), 8]],
    [5, 5, 1, [5, 10]],
  ])('from %d to %d in %d buckets', (lo, hi, n, edges) => {
    const got = elapsedEdges(lo, hi, n);
    expect(got).toHaveLength(n + 1);
    got.forEach((edge, i) => expect(edge).toBeCloseTo(edges[i], 9));
  });
});

describe('DuckDbStore transactions: userId, density, auto', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-density-'));
    store = await DuckDbStore.open(dir);
    await store.insertBatch([], txs.slice(0, 2000));
    await store.insertBatch([], txs.slice(2000));
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('filters by userId', async () => {
    const query = { from: BASE, to: BASE + 600_000, userId: 'user-3', limit: 100_000 };
    const answer = await store.transactions(query);
    expect(answer.transactions.length).toBe(txs.filter((tx) => matches(tx, query)).length);
    expect(answer.transactions.every((tx) => tx.userId === 'user-3')).toBe(true);
  });

  it.each([
    [{ from: BASE, to: BASE + 600_000 }, 60, 20],
    [{ from: BASE + 100_000, to: BASE + 350_000, service: 'cart', errorsOnly: true }, 7, 5],
  ] as Array<[TransactionQuery, number, number]>)(
    'density of %j equals the rows, cell by cell',
    async (filter, timeBuckets, elapsedBuckets) => {
      const query = { ...filter, mode: 'density' as const, timeBuckets, elapsedBuckets, limit: 10 };
      const answer = await store.transactions(query);
      expect(answer.transactions).toEqual([]);
      const density = answer.density!;
      const expected = txs.filter((tx) => matches(tx, query));
      const rows = await store.transactions({ ...filter, limit: 100_000 });
      expect(density.total).toBe(rows.transactions.length);
      expect(density.total).toBe(expected.length);
      expect(density.timeStep).toBe((query.to - query.from) / timeBuckets);
      expect(density.elapsedEdges).toEqual(
        elapsedEdges(
          Math.min(...expected.map((t) => t.elapsed)),
          Math.max(...expected.map((t) => t.elapsed)),
          elapsedBuckets
        )
      );
      const edges = density.elapsedEdges;
      const cells = new Map<string, DensityCell>();
      for (const tx of expected) {
        const t = Math.min(timeBuckets - 1, Math.floor((tx.endTime - query.from) / density.timeStep));
        let e = edges.findIndex((edge, i) => i > 0 && tx.elapsed < edge) - 1;
        e = e < 0 ? elapsedBuckets - 1 : e;
        const cell = cells.get(`${t}:${e}`) ?? { t, e, count: 0, errors: 0 };
        cell.count += 1;
        cell.errors += tx.status === 'error' ? 1 : 0;
        cells.set(`${t}:${e}`, cell);
      }
      const sorted = [...cells.values()].sort((a, b) => a.t - b.t || a.e - b.e);
      expect(density.cells).toEqual(sorted);
    }
  );

  it('auto answers rows up to the limit and the density grid above it', async () => {
    const small = { from: BASE, to: BASE + 5_000, mode: 'auto' as const, limit: 1000 };
    const rows = await store.transactions(small);
    expect(rows.density).toBeUndefined();
    expect(rows.transactions.length).toBe(txs.filter((tx) => matches(tx, small)).length);

    const big = { from: BASE, to: BASE + 600_000, mode: 'auto' as const, limit: 1000 };
    const grid = await store.transactions(big);
    expect(grid).toMatchObject({ transactions: [], truncated: true });
    expect(grid.density!.total).toBe(4000);
  });
});
