/**
 * RED query speed: one day of transactions in the embedded DuckDB store, p50/p90/p99 per service
 * and 5-minute step answered from the per-minute rollups, against the peer in the same run: the
 * same answer computed by DuckDB from the raw transactions with its own exact `quantile_disc`.
 *
 *   npm run bench:red-tiers      (BENCH_RED_TRANSACTIONS=… to change the size, default 1,000,000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbStore } from '@osprey/backend';
import { generateTransactions } from '@osprey/backend/testing';

import { timeMs } from './timing';

const COUNT = Number(process.env.BENCH_RED_TRANSACTIONS ?? 1_000_000);
const DAY = 24 * 3600 * 1000;
const FROM = Date.UTC(2026, 0, 1);
const RUNS = 7;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-red-'));
  try {
    const store = await DuckDbStore.open(dir);
    const ingestStarted = performance.now();
    for (let i = 0; i < COUNT; i += 50_000) {
      const batch = generateTransactions({ seed: i + 1, count: Math.min(50_000, COUNT - i), from: FROM, spanMs: DAY });
      await store.insertBatch([], batch);
    }
    const ingestMs = performance.now() - ingestStarted;
    // What the retention job does once the day is closed: merge it, a bounded slice at a time.
    while ((await store.compactRollups(FROM + DAY)).to < FROM + DAY) {
      continue;
    }
    const query = { from: FROM, to: FROM + DAY, step: 300_000, groupBy: 'service' as const };
    const rollupMs = await timeMs(() => store.red(query, 'rollup'), RUNS);
    await store.close();

    // The peer reads the same file with a connection of its own.
    const instance = await DuckDBInstance.create(path.join(dir, 'osprey.duckdb'));
    const connection = await instance.connect();
    const rawSql = `SELECT service, floor(end_us / 1000 / 300000) * 300000 AS time, count(*) AS n,
        count(*) FILTER (WHERE status = 'error') AS errors,
        quantile_disc(elapsed, [0.5, 0.9, 0.99]) AS p
      FROM transactions WHERE end_us >= ${FROM * 1000} AND end_us < ${(FROM + DAY) * 1000} GROUP BY ALL`;
    const rawMs = await timeMs(() => connection.runAndReadAll(rawSql), RUNS);
    const rollupRows = Number(
      (await connection.runAndReadAll('SELECT count(*) AS n FROM red_rollups')).getRowObjectsJS()[0].n
    );
    connection.closeSync();
    instance.closeSync();

    console.log(
      `transactions                 ${COUNT.toLocaleString('en')} over 24 h (2 services × 2 instances × 3 endpoints)`
    );
    console.log(
      `ingest incl. rollups         ${(ingestMs / 1000).toFixed(1)} s (${Math.round(COUNT / (ingestMs / 1000)).toLocaleString('en')} tx/s)`
    );
    console.log(
      `rollup rows after compaction ${rollupRows.toLocaleString('en')} (${(rollupRows / COUNT).toFixed(3)} per transaction)`
    );
    console.log(`RED 24 h / 5 min, rollups    ${rollupMs.toFixed(1)} ms (median of ${RUNS})`);
    console.log(`peer: DuckDB quantile_disc   ${rawMs.toFixed(1)} ms on the raw transactions`);
    console.log(`rollups vs raw               ${(rollupMs / rawMs).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
