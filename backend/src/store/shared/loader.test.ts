import type { LogPosition } from '../store';
import { Loader } from './loader';
import { webTransaction } from '../../testing/generate';

describe('Loader', () => {
  it('retries a failed load after the interval, even while a query waits for it, and loads it once it succeeds', async () => {
    const attempts: Array<{ at: number; rows: number; position?: LogPosition }> = [];
    const errors: unknown[] = [];
    const loaded: number[] = [];
    const started = Date.now();
    const loader = new Loader({
      store: {
        insertBatch: (_spans, transactions, position) => {
          attempts.push({ at: Date.now() - started, rows: transactions.length, position });
          return attempts.length < 3 ? Promise.reject(new Error('store down')) : Promise.resolve();
        },
      },
      logId: 'test',
      maxItems: 100,
      intervalMs: 200,
      onLoaded: (end) => loaded.push(end),
      onError: (err) => errors.push(err),
    });
    loader.admit(1);
    loader.add([{ spans: [], transactions: [webTransaction(1, 0, 5, 'ok')], end: 64 }]);
    const first = loader.caughtUp(2000);
    // A second query during the backoff does not start a retry of its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = loader.caughtUp(2000);
    await Promise.all([first, second]);

    expect(attempts.map((a) => a.rows)).toEqual([1, 1, 1]);
    expect(attempts.map((a) => a.position)).toEqual(Array(3).fill({ logId: 'test', end: 64 }));
    // A query waiting (caughtUp) asks for a load at once; the retries after a failure wait the interval.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(190);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(190);
    expect(errors.map((e) => (e as Error).message)).toEqual(['store down', 'store down']);
    expect(loaded).toEqual([64]);
    expect(loader.stats()).toEqual({ loads: 1, loadedItems: 1, failures: 2 });
    expect(loader.backlog().items).toBe(0);
    await loader.close();
  });
});
