/**
 * A DuckDB store holding a million transactions, made in seconds: the store creates its schema,
 * then SQL generates the rows (seeded) straight into its tables — each transaction and the entry
 * span it was derived from, what a week of inserts would leave, without a week. The XLOG window
 * tests read it back through `osprey serve` and compare with the SQL counts taken here.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';

import { DuckDbStore } from '../../backend/src/store/duckdb/store';

export interface WindowStore {
  dataDir: string;
  from: number;
  to: number;
  /** SQL truths over [from, to]. */
  count: number;
  errors: number;
  minEndTime: number;
  maxEndTime: number;
}

export const WINDOW_SERVICES = ['cart', 'pay', 'search', 'stock', 'auth'];

/** `count` transactions ending evenly over [from, from + spanMs), elapsed log-uniform 0.05 ms – 5 s, 2 % errors. */
export async function windowStore(count: number, from: number, spanMs: number): Promise<WindowStore> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'osprey-e2e-window-'));
  await (await DuckDbStore.open(dataDir, { autoSettle: false })).close();
  const instance = await DuckDBInstance.create(path.join(dataDir, 'osprey.duckdb'));
  const db = await instance.connect();
  try {
    await db.run('SELECT setseed(0.16)');
    await db.run(
      `INSERT INTO transactions (end_us, elapsed, service, instance, endpoint, status, trace_id, span_id,
                                 sql_count, sql_time, api_call_count, api_call_time, kind)
       SELECT (${from * 1000} + i * ${(spanMs * 1000) / count})::BIGINT,
              0.05 * pow(1e5, random()),
              ['cart', 'pay', 'search', 'stock', 'auth'][1 + i % 5],
              ['cart', 'pay', 'search', 'stock', 'auth'][1 + i % 5] || '-' || (1 + i % 3),
              ['GET /a', 'GET /b', 'POST /c', 'GET /d'][1 + (i // 7) % 4],
              CASE WHEN random() < 0.02 THEN 'error' ELSE 'ok' END,
              (i + 1)::UHUGEINT << 64 | (i + 1)::UHUGEINT, (i + 1)::UBIGINT,
              0, 0, 0, 0, 'web'
       FROM range(${count}) r(i)`
    );
    await db.run(
      `INSERT INTO span_resources
       SELECT hash(service), json_object('service.name', service) FROM (SELECT DISTINCT service FROM transactions)`
    );
    // The trace view a selected row opens reads these: one SERVER span a trace, ending with its transaction.
    await db.run(
      `INSERT INTO spans
       SELECT lpad(lower(hex(trace_id)), 32, '0'), lpad(lower(hex(span_id)), 16, '0'), NULL, service, endpoint,
              'server', (end_us * 1000 - round(elapsed * 1e6))::UBIGINT, round(elapsed * 1e6)::UBIGINT,
              CASE WHEN status = 'error' THEN 'error' ELSE 'unset' END, NULL, hash(service), '{}', '[]'
       FROM transactions`
    );
    const [truth] = (
      await db.runAndReadAll(
        `SELECT count(*)::BIGINT AS n, (count(*) FILTER (WHERE status = 'error'))::BIGINT AS errors,
                min(end_us)::BIGINT AS lo, max(end_us)::BIGINT AS hi FROM transactions`
      )
    ).getRowObjectsJS();
    return {
      dataDir,
      from,
      to: from + spanMs,
      count: Number(truth.n),
      errors: Number(truth.errors),
      minEndTime: Number(truth.lo) / 1000,
      maxEndTime: Number(truth.hi) / 1000,
    };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
