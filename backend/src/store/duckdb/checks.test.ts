import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { CHECK_SERVICE, type CheckRun } from '@osprey/model';

import { checkTransaction } from '../../derive/check-transaction';
import { DuckDbStore } from './store';

const RUN: CheckRun = {
  check: 'shop',
  kind: 'http',
  url: 'http://shop/',
  location: 'here',
  startedAt: 1_000_000,
  durationMs: 5,
  up: false,
  phases: { connect: 1 },
  httpStatus: 500,
  failure: 'status',
  message: 'HTTP 500, expected 2xx',
};

describe('check runs on a data dir made before the synthetic kind', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'osprey-kinds-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('widens transactions.kind in place, keeping the stored kinds, and stores a check transaction', async () => {
    // The previous layout: the same table with the four-kind ENUM and one stored transaction.
    const first = await DuckDbStore.open(dir, { autoSettle: false });
    await first.close();
    const old = await DuckDBInstance.create(path.join(dir, 'osprey.duckdb'));
    const connection = await old.connect();
    await connection.run("ALTER TABLE transactions ALTER kind TYPE ENUM('web', 'app', 'background', 'async')");
    await connection.run(
      `INSERT INTO transactions (end_us, elapsed, service, instance, endpoint, status, trace_id, span_id, sql_count,
         sql_time, api_call_count, api_call_time, kind)
       VALUES (1000, 1, 'shop', 'i', 'GET /', 'ok', 1, 1, 0, 0, 0, 0, 'background')`
    );
    connection.closeSync();
    old.closeSync();

    const store = await DuckDbStore.open(dir, { autoSettle: false });
    try {
      await store.insertCheckRun(RUN, checkTransaction(RUN));
      const { transactions } = await store.transactions({ from: 0, to: 2_000_000, limit: 10 });
      expect(transactions.map((t) => [t.service, t.kind]).sort()).toEqual([
        [CHECK_SERVICE, 'synthetic'],
        ['shop', 'background'],
      ]);
      expect(await store.checkRuns({ from: 0, to: 2_000_000, limit: 10 })).toEqual([RUN]);
    } finally {
      await store.close();
    }
  });
});
