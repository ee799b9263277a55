import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { SummaryResponse, SummaryRow, Transaction } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { apdexZone } from '../derive/apdex';
import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { generateTransactions } from '../testing/generate';
import { type Answer, listenOnLoopback } from '../testing/http';

const FROM = 1763800000000;
const SPAN_MS = 600_000;

/** The summary of `transactions` worked out plainly, one group per distinct `key`. */
function expected(transactions: Transaction[], key: (tx: Transaction) => string, t: number) {
  const groups = new Map<string, Transaction[]>();
  for (const tx of transactions) {
    groups.set(key(tx), [...(groups.get(key(tx)) ?? []), tx]);
  }
  const mean = (txs: Transaction[], f: (tx: Transaction) => number) => txs.reduce((s, tx) => s + f(tx), 0) / txs.length;
  return new Map(
    [...groups].map(([group, txs]) => {
      const sorted = txs.map((tx) => tx.elapsed).sort((a, b) => a - b);
      const zones = txs.map((tx) => apdexZone(tx.elapsed, t));
      const satisfied = zones.filter((z) => z === 'satisfied').length;
      const tolerating = zones.filter((z) => z === 'tolerating').length;
      return [
        group,
        {
          count: txs.length,
          errors: txs.filter((tx) => tx.status === 'error').length,
          avgElapsed: mean(txs, (tx) => tx.elapsed),
          p95: sorted[Math.ceil(0.95 * sorted.length) - 1],
          maxElapsed: sorted[sorted.length - 1],
          avgSqlCount: mean(txs, (tx) => tx.sqlCount),
          avgSqlTime: mean(txs, (tx) => tx.sqlTime),
          avgApiCallCount: mean(txs, (tx) => tx.apiCallCount),
          users: new Set(txs.map((tx) => tx.userId).filter((u) => u !== undefined)).size,
          satisfied,
          tolerating,
          apdex: (satisfied + tolerating / 2) / txs.length,
        },
      ];
    })
  );
}

function expectClose(got: SummaryRow, want: Record<string, number>): void {
  for (const [field, value] of Object.entries(want)) {
    expect([field, got[field as keyof SummaryRow]]).toEqual([field, expect.closeTo(value, 9)]);
  }
}

describe('GET /api/v1/statistics/summary', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let request: (url: string, headers?: Record<string, string>) => Promise<Answer>;
  const transactions = generateTransactions({ seed: 19, count: 800, from: FROM, spanMs: SPAN_MS }).map((tx, i) => ({
    ...tx,
    apiCallCount: i % 3,
    ...(i % 10 === 0 ? { userId: undefined } : {}),
  }));
  const window = `from=${FROM}&to=${FROM + SPAN_MS}`;
  const summaries = async (q: string) => {
    const res = await request(`/api/v1/statistics/summary?${q}`);
    expect(res.statusCode).toBe(200);
    return res.body as SummaryResponse;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-summary-'));
    store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false });
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
    const fetchOf = await listenOnLoopback(app);
    request = (url, headers = { authorization: 'Bearer rd' }) => fetchOf('GET', url, { headers });
    await store.insertBatch([], transactions);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('summarises each endpoint of each service by default, Apdex at 500 ms, most requests first', async () => {
    const answer = await summaries(window);
    expect(answer).toMatchObject({ groupBy: 'endpoint', apdexT: 500, sort: 'count' });
    const want = expected(transactions, (tx) => `${tx.service} ${tx.endpoint}`, 500);
    expect(answer.summaries).toHaveLength(want.size);
    const counts = answer.summaries.map((s) => s.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    for (const row of answer.summaries) {
      expect(row.instance).toBeUndefined();
      const truth = want.get(`${row.service} ${row.endpoint}`)!;
      expectClose(row, truth);
      expect(row.errorRate).toBeCloseTo(truth.errors / truth.count, 12);
    }
    expect(answer.summaries.some((s) => s.tolerating > 0 && s.satisfied > 0 && s.apdex < 1)).toBe(true);
  });

  it('groups by service or instance, filters, and counts Apdex at the asked T', async () => {
    const byService = await summaries(`${window}&groupBy=service&apdexT=40`);
    const want = expected(transactions, (tx) => tx.service, 40);
    expect(byService.summaries.map((s) => s.service).sort()).toEqual([...want.keys()].sort());
    for (const row of byService.summaries) {
      expect(row.endpoint).toBeUndefined();
      expectClose(row, want.get(row.service)!);
    }
    const cart = transactions.filter((tx) => tx.service === 'cart' && tx.endpoint === 'GET /a');
    const byInstance = await summaries(`${window}&groupBy=instance&service=cart&endpoint=GET%20%2Fa&apdexT=7.5`);
    const wantInstances = expected(cart, (tx) => tx.instance, 7.5);
    expect(byInstance.summaries).toHaveLength(wantInstances.size);
    for (const row of byInstance.summaries) {
      expectClose(row, wantInstances.get(row.instance!)!);
    }
  });

  it.each([
    ['apdex', (a: SummaryRow, b: SummaryRow) => a.apdex <= b.apdex],
    ['p95', (a: SummaryRow, b: SummaryRow) => a.p95 >= b.p95],
    ['errorRate', (a: SummaryRow, b: SummaryRow) => a.errorRate >= b.errorRate],
  ])('sorts by %s and cuts at the limit', async (sort, inOrder) => {
    const all = (await summaries(`${window}&sort=${sort}`)).summaries;
    expect(all.every((row, i) => i === 0 || inOrder(all[i - 1], row))).toBe(true);
    expect((await summaries(`${window}&sort=${sort}&limit=2`)).summaries).toEqual(all.slice(0, 2));
  });

  it('answers an empty list for a window without transactions', async () => {
    expect((await summaries(`from=${FROM - 2 * SPAN_MS}&to=${FROM - SPAN_MS}`)).summaries).toEqual([]);
  });

  it.each([
    ['an unknown sort key', `${window}&sort=slowest`, '"sort": must be one of count, errorRate, avgElapsed, p95'],
    ['a negative top-N', `${window}&limit=-5`, '"limit": must be an integer from 1 to 1000'],
    ['an Apdex T of 0', `${window}&apdexT=0`, '"apdexT": must be > 0'],
    ['a negative Apdex T', `${window}&apdexT=-100`, '"apdexT": must be > 0'],
    ['an Apdex T that is no number', `${window}&apdexT=fast`, '"apdexT": must be a number'],
    ['an unknown groupBy', `${window}&groupBy=user`, '"groupBy": must be one of service, instance, endpoint'],
    ['to before from', `from=${FROM}&to=${FROM - 1}`, '"to": must not be before from'],
    ['a window past 90 days', `from=0&to=${91 * 86_400_000}`, '"to": the window must not exceed 90 days'],
  ])('answers 400 for %s', async (_, q, message) => {
    const res = await request(`/api/v1/statistics/summary?${q}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining(message) });
  });

  it('needs the read scope', async () => {
    const res = await request(`/api/v1/statistics/summary?${window}`, { authorization: 'Bearer in' });
    expect(res.statusCode).toBe(403);
  });
});
