/**
 * Check runs on both stores (DuckDB, and ClickHouse on Debian's clickhouse-server): the same runs
 * stored through `insertCheckRun` answer identically on every query shape, equal to what was
 * stored, and each run's synthetic transaction is on the XLOG of both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CHECK_SERVICE, type CheckRun, type CheckRunQuery } from '@osprey/model';

import { checkTransaction } from '../../backend/src/derive/check-transaction';
import { ClickHouseStore } from '../../backend/src/store/clickhouse/store';
import { DuckDbStore } from '../../backend/src/store/duckdb/store';
import type { Store } from '../../backend/src/store/store';
import { type ClickHouse, startClickHouse, stopAll } from './real-servers';

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

/** Every optional field present and absent somewhere; two checks, 10 s apart, one failing. */
const RUNS: CheckRun[] = Array.from({ length: 6 }, (_, i): CheckRun[] => [
  {
    check: 'shop',
    kind: 'http',
    url: 'https://shop.example/health',
    location: 'osprey-1',
    startedAt: T0 + i * 10_000,
    durationMs: 12.5 + i,
    up: true,
    phases: { dns: 1.25, connect: 2.5, tls: 7.125, firstByte: 11 + i },
    httpStatus: 200,
  },
  {
    check: 'db',
    kind: 'tcp',
    url: 'tcp://db:5432',
    location: 'osprey-1',
    startedAt: T0 + i * 10_000 + 5,
    durationMs: i % 2 === 0 ? 1000 : 0.75,
    up: i % 2 === 1,
    phases: i % 2 === 0 ? {} : { connect: 0.5 },
    ...(i % 2 === 0
      ? { failure: 'timeout' as const, message: 'no answer within 1000 ms (waiting for the connection)' }
      : {}),
  },
]).flat();

const newestFirst = (runs: CheckRun[]) =>
  [...runs].sort((a, b) => b.startedAt - a.startedAt || a.check.localeCompare(b.check));

const QUERIES: Array<[CheckRunQuery, CheckRun[]]> = [
  [{ from: 0, to: T0 + 3600_000, limit: 1000 }, newestFirst(RUNS)],
  [
    { from: T0 + 20_000, to: T0 + 40_000, limit: 1000 },
    newestFirst(RUNS.filter((r) => r.startedAt >= T0 + 20_000 && r.startedAt <= T0 + 40_000)),
  ],
  [
    { from: 0, to: T0 + 3600_000, check: 'db', limit: 2 },
    newestFirst(RUNS.filter((r) => r.check === 'db')).slice(0, 2),
  ],
  [{ from: 0, to: T0 - 1, limit: 1000 }, []],
];

let clickhouse: ClickHouse;
let dir: string;
const stores: Store[] = [];

beforeAll(async () => {
  clickhouse = await startClickHouse();
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-check-runs-'));
  stores.push(await DuckDbStore.open(dir, { autoSettle: false }));
  stores.push(
    await ClickHouseStore.open({ url: clickhouse.url, database: 'checks' }, { settleMs: 1000, autoSettle: false })
  );
  for (const store of stores) {
    for (const run of RUNS) {
      await store.insertCheckRun(run, checkTransaction(run));
    }
  }
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  rmSync(dir, { recursive: true, force: true });
  await stopAll();
});

describe('check runs on both stores', () => {
  it.each(QUERIES.map(([query, expected], i) => [i, query, expected] as const))(
    'query %d answers the stored runs, the same on DuckDB and ClickHouse',
    async (_i, query, expected) => {
      const [duck, house] = await Promise.all(stores.map((store) => store.checkRuns(query)));
      expect(duck).toEqual(expected);
      expect(house).toEqual(expected);
    }
  );

  it('puts every run on the XLOG as a synthetic transaction of its check, red when down', async () => {
    for (const store of stores) {
      const { transactions } = await store.transactions({
        from: 0,
        to: T0 + 3600_000,
        service: CHECK_SERVICE,
        limit: 100,
      });
      const seen = transactions
        .map((t) => [t.endpoint, t.kind, t.status, t.elapsed, t.errorType ?? null])
        .sort((a, b) => String(a).localeCompare(String(b)));
      const truth = RUNS.map((r) => [
        r.check,
        'synthetic',
        r.up ? 'ok' : 'error',
        r.durationMs,
        r.failure ?? null,
      ]).sort((a, b) => String(a).localeCompare(String(b)));
      expect({ store: store.kind, seen }).toEqual({ store: store.kind, seen: truth });
    }
  });
});
