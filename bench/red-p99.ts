/**
 * RED p99 by service per minute over 10M transactions: Osprey's `GET /api/v1/metrics/red` (rollup
 * tier) against InfluxDB 1.x `percentile("elapsed", 99) … GROUP BY time(1m), "service"` on the same
 * points, and whether the two answers agree within one latency bucket (2^(1/4)).
 *
 *   npm run bench:red               (BENCH_TX, default 10,000,000; BENCH_HOURS, default 24)
 *
 * Loading is not what this measures, so Osprey is filled through its store directly: the bench
 * opens the data directory with DuckDbStore and calls insertBatch (the path every ingest route
 * ends in) with 50k transactions at a time, closes it, then starts `osprey serve` on that directory.
 * InfluxDB gets the same transactions over /write in line-protocol batches of 5000.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import type { RedResponse, Transaction } from '@osprey/model';
import { DuckDbStore } from '@osprey/backend';

import { startInfluxd } from './influxdb';
import { BENCH_TOKEN, startOsprey } from './osprey-process';
import { lineProtocol, shopTransactions, toTransaction, traceIdOf } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 10_000_000);
const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const STORE_BATCH = 50_000;
const INFLUX_BATCH = 5000;
const INFLUX_SENDERS = 4;
const RUNS = 3;
const MINUTE = 60_000;
/** One latency bucket: a p99 read from the histogram is within this factor of the exact one. */
const BUCKET_FACTOR = 2 ** (1 / 4);

function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const samples: number[] = [];
  let value = await run();
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    value = await run();
    samples.push(performance.now() - started);
  }
  return { value, ms: samples.sort((a, b) => a - b)[Math.floor(RUNS / 2)] };
}

/** service → minute → value */
type Grid = Map<string, Map<number, number>>;

function put(grid: Grid, service: string, time: number, value: number): void {
  let row = grid.get(service);
  if (!row) {
    row = new Map();
    grid.set(service, row);
  }
  row.set(time, value);
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'osprey-bench-red-'));
  try {
    const to = Math.floor(Date.now() / MINUTE) * MINUTE;
    const from = to - HOURS * 3_600_000;
    const workload = () => shopTransactions(TRANSACTIONS, from, to);

    const ospreyDir = path.join(scratch, 'osprey');
    let started = performance.now();
    const store = await DuckDbStore.open(ospreyDir);
    let batch: Transaction[] = [];
    let index = 0;
    for (const tx of workload()) {
      batch.push(toTransaction(tx, index++));
      if (batch.length === STORE_BATCH) {
        await store.insertBatch([], batch);
        batch = [];
      }
    }
    await store.insertBatch([], batch);
    await store.close();
    const ospreyLoadSeconds = (performance.now() - started) / 1000;
    const bytesPerTransaction = directoryBytes(ospreyDir) / TRANSACTIONS;
    console.error(
      `osprey store loaded in ${ospreyLoadSeconds.toFixed(1)} s, ${bytesPerTransaction.toFixed(1)} B/transaction on disk`
    );

    const influx = await startInfluxd(mkdtempSync(path.join(scratch, 'influxdb')));
    const osprey = await startOsprey(ospreyDir);
    try {
      await influx.query('', 'CREATE DATABASE bench');
      started = performance.now();
      const points = workload();
      let next = 0;
      const sender = async () => {
        for (;;) {
          const lines: string[] = [];
          for (let r = points.next(); !r.done; r = points.next()) {
            lines.push(lineProtocol(r.value, traceIdOf(next++)));
            if (lines.length === INFLUX_BATCH) {
              break;
            }
          }
          if (lines.length === 0) {
            return;
          }
          await influx.write('bench', lines.join('\n'));
        }
      };
      await Promise.all(Array.from({ length: INFLUX_SENDERS }, sender));
      const influxLoadSeconds = (performance.now() - started) / 1000;
      console.error(`influxdb loaded in ${influxLoadSeconds.toFixed(1)} s`);

      const redQuery = `/api/v1/metrics/red?from=${from}&to=${to - 1}&step=${MINUTE}&groupBy=service`;
      const readRed = async (): Promise<RedResponse> => {
        const res = await fetch(`${osprey.url}${redQuery}`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
        if (res.status !== 200) {
          throw new Error(`GET ${redQuery} → ${res.status} ${await res.text()}`);
        }
        return (await res.json()) as RedResponse;
      };
      // Rollups may be built behind the writes: wait (≤ 5 min) until they hold every transaction.
      const total = (red: RedResponse) =>
        red.series.reduce((sum, s) => sum + s.points.reduce((n, p) => n + p.count, 0), 0);
      const settleStarted = performance.now();
      while (total(await readRed()) < TRANSACTIONS && performance.now() - settleStarted < 300_000) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const settleSeconds = (performance.now() - settleStarted) / 1000;

      const influxql =
        `SELECT percentile("elapsed", 99) FROM transactions WHERE time >= ${from}ms AND time < ${to}ms ` +
        `GROUP BY time(1m), "service" fill(none)`;
      const ospreyRed = await timed(readRed);
      const influxRed = await timed(() => influx.query('bench', influxql));

      const ospreyP99: Grid = new Map();
      const ospreyCounts: Grid = new Map();
      for (const series of ospreyRed.value.series) {
        for (const point of series.points) {
          put(ospreyP99, series.service, point.time, point.p99);
          put(ospreyCounts, series.service, point.time, point.count);
        }
      }
      const influxP99: Grid = new Map();
      for (const series of influxRed.value.results[0].series ?? []) {
        for (const [time, value] of series.values) {
          put(influxP99, series.tags!.service, Date.parse(String(time)), Number(value));
        }
      }
      const counted = await influx.query(
        'bench',
        `SELECT count("elapsed") FROM transactions WHERE time >= ${from}ms AND time < ${to}ms GROUP BY time(1m), "service" fill(none)`
      );
      let cells = 0;
      let withinBucket = 0;
      let countsEqual = 0;
      let worst = 1;
      for (const series of counted.results[0].series ?? []) {
        const service = series.tags!.service;
        for (const [time, count] of series.values) {
          const minute = Date.parse(String(time));
          cells += 1;
          countsEqual += ospreyCounts.get(service)?.get(minute) === Number(count) ? 1 : 0;
          const ours = ospreyP99.get(service)?.get(minute);
          const theirs = influxP99.get(service)?.get(minute);
          if (ours !== undefined && theirs !== undefined) {
            const ratio = Math.max(ours / theirs, theirs / ours);
            worst = Math.max(worst, ratio);
            withinBucket += ratio <= BUCKET_FACTOR * (1 + 1e-9) ? 1 : 0;
          }
        }
      }

      const rows: Array<[string, string]> = [
        [
          'workload',
          `${TRANSACTIONS.toLocaleString()} transactions over ${HOURS} h, ${ospreyP99.size} services, p99 per service per minute`,
        ],
        [
          'osprey load (store)',
          `${ospreyLoadSeconds.toFixed(1)} s, rollups complete ${settleSeconds.toFixed(1)} s later`,
        ],
        ['influxdb load (/write)', `${influxLoadSeconds.toFixed(1)} s`],
        [
          'osprey GET metrics/red',
          `${ospreyRed.ms.toFixed(1)} ms (tier ${ospreyRed.value.tier}, step ${ospreyRed.value.step} ms)`,
        ],
        ['influxdb percentile()', `${influxRed.ms.toFixed(1)} ms`],
        ['influxdb ÷ osprey', `${(influxRed.ms / ospreyRed.ms).toFixed(1)}× faster`],
        ['(service, minute) cells', `${cells.toLocaleString()}, counts equal in ${countsEqual.toLocaleString()}`],
        [
          'p99 within one bucket',
          `${withinBucket.toLocaleString()} of ${cells.toLocaleString()} (worst ratio ${worst.toFixed(3)}, bucket ${BUCKET_FACTOR.toFixed(3)})`,
        ],
      ];
      console.log(
        `red-p99: ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, ` +
          `${Math.round(totalmem() / 2 ** 30)} GiB; medians of ${RUNS} runs after a warm-up`
      );
      for (const [name, value] of rows) {
        console.log(`  ${name.padEnd(26)} ${value}`);
      }
    } finally {
      await osprey.stop();
      await influx.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
