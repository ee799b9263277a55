import type { TransactionDensity, TransactionQuery } from '@osprey/model';

import { DEFAULT_ELAPSED_BUCKETS, DEFAULT_TIME_BUCKETS } from './store';
import { transactionsAnswer, windowAnswer } from './transaction-answers';

const grid = { timeBuckets: 1, elapsedBuckets: 1 } as unknown as TransactionDensity;

function row(i: number): Record<string, unknown> {
  return {
    end_time: 1_000 + i,
    elapsed: 5,
    service: 'cart',
    instance: 'cart-1',
    endpoint: 'GET /cart',
    status: 'ok',
    trace_id: `${i}`.padStart(32, '0'),
    span_id: `${i}`.padStart(16, '0'),
    sql_count: 0,
    sql_time: 0,
    api_call_count: 0,
    api_call_time: 0,
    kind: 'server',
  };
}

describe('transactionsAnswer', () => {
  it.each([
    // mode, rows the store holds, limit → rows answered, truncated, density answered, rows read
    [undefined, 3, 5, 3, false, false, true],
    ['rows', 5, 5, 5, false, false, true],
    ['rows', 6, 5, 5, true, false, true],
    ['auto', 5, 5, 5, false, false, true],
    ['auto', 6, 5, 0, true, true, true],
    ['density', 6, 5, 0, false, true, false],
  ] as const)(
    'mode %s, %i stored, limit %i: %i rows, truncated %s, density %s',
    async (mode, stored, limit, answered, truncated, withDensity, read) => {
      const limits: number[] = [];
      const query: TransactionQuery & { limit: number } = { from: 0, to: 1, limit, ...(mode ? { mode } : {}) };
      const answer = await transactionsAnswer(
        query,
        () => Promise.resolve(grid),
        (readLimit) => {
          limits.push(readLimit);
          return Promise.resolve(Array.from({ length: Math.min(stored, readLimit) }, (_, i) => row(i)));
        }
      );
      expect(answer.transactions).toHaveLength(answered);
      expect(answer.truncated).toBe(truncated);
      expect(answer.density).toBe(withDensity ? grid : undefined);
      // One past the limit, so a window cut at the limit is told apart from one that fits.
      expect(limits).toEqual(read ? [limit + 1] : []);
    }
  );

  it('answers the rows as Transactions, in the order read', async () => {
    const answer = await transactionsAnswer(
      { from: 0, to: 1, limit: 2 },
      () => Promise.resolve(grid),
      () => Promise.resolve([row(2), row(1)])
    );
    expect(answer.transactions.map((tx) => tx.endTime)).toEqual([1_002, 1_001]);
    expect(answer.transactions[0]).toMatchObject({ service: 'cart', status: 'ok', traceId: '2'.padStart(32, '0') });
  });

  it.each([
    [{}, [DEFAULT_TIME_BUCKETS, DEFAULT_ELAPSED_BUCKETS]],
    [{ timeBuckets: 40 }, [40, DEFAULT_ELAPSED_BUCKETS]],
    [{ timeBuckets: 40, elapsedBuckets: 12 }, [40, 12]],
  ])('asks the store for the grid at the size the query names (%j), the default otherwise', async (size, asked) => {
    const sizes: number[][] = [];
    const density = (time: number, elapsed: number) => {
      sizes.push([time, elapsed]);
      return Promise.resolve(grid);
    };
    const query = { from: 0, to: 1, limit: 5, mode: 'density' as const, ...size };
    await transactionsAnswer(query, density, () => Promise.resolve([]));
    await windowAnswer(query, density, () => Promise.reject(new Error('a density query reads no rows')));
    expect(sizes).toEqual([asked, asked]);
  });

  it('windowAnswer: the rows a read found, or the grid when mode=auto found the window over the limit', async () => {
    const query = { from: 0, to: 1, limit: 5, mode: 'auto' as const };
    const over = await windowAnswer(
      query,
      () => Promise.resolve(grid),
      () => Promise.resolve({ kind: 'over-limit' as const, matched: 9 })
    );
    expect(over).toEqual({ kind: 'density', density: grid });
  });
});
