/**
 * The two stores on the same data in one run (issue 9): durable OTLP/HTTP protobuf ingest in
 * spans/s into `osprey serve --store clickhouse` (Debian's clickhouse-server, started here on
 * temp dirs and free loopback ports) and into `osprey serve` on DuckDB, then the RED p99 query
 * (`GET /api/v1/metrics/red`, raw tier 10 s steps and rollup tier 1 min steps, by service) on each.
 *
 *   npm run bench:clickhouse        (BENCH_TX, BENCH_SENDERS, BENCH_QUERIES)
 *
 * Batches are encoded before the clock starts. The stores run one after the other, never at once.
 * A span counts only once its request got 200. Query times are medians after 2 warm-ups; the
 * answers of the two stores are compared (transaction counts per step must be equal).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { startClickHouseServer } from '@osprey/backend/testing';
import type { RedResponse } from '@osprey/model';

import { type OtlpBatch, ShopRecorder } from './otlp-batches';
import { BENCH_TOKEN, startOsprey, startOspreyOnClickHouse } from './osprey-process';
import { shopTransactions } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 50_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20);
const BATCH_TX = 170;

/** `SENDERS` loops posting the next batch until none is left; spans of 200-answered batches per second. */
async function ingest(
  url: string,
  batches: OtlpBatch[]
): Promise<{ spans: number; seconds: number; failures: number }> {
  let next = 0;
  let spans = 0;
  let failures = 0;
  const started = performance.now();
  const loop = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const res = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${BENCH_TOKEN}` },
        body: batch.body,
      });
      await res.arrayBuffer();
      if (res.status === 200) {
        spans += batch.spans;
      } else {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, loop));
  return { spans, seconds: (performance.now() - started) / 1000, failures };
}

async function red(url: string, query: string): Promise<{ ms: number; answer: RedResponse }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/metrics/red?${query}`, {
    headers: { authorization: `Bearer ${BENCH_TOKEN}` },
  });
  const answer = (await res.json()) as RedResponse;
  if (res.status !== 200) {
    throw new Error(`red ${query}: ${res.status} ${JSON.stringify(answer)}`);
  }
  return { ms: performance.now() - started, answer };
}

/** Median time of `QUERIES` runs after 2 warm-ups, and the last answer's counts per series and step. */
async function timeRed(url: string, query: string): Promise<{ medianMs: number; counts: string }> {
  let last: RedResponse | undefined;
  const times: number[] = [];
  for (let i = 0; i < QUERIES + 2; i++) {
    const { ms, answer } = await red(url, query);
    if (i >= 2) {
      times.push(ms);
    }
    last = answer;
  }
  times.sort((a, b) => a - b);
  const counts = JSON.stringify(last!.series.map((s) => [s.service, s.points.map((p) => [p.time, p.count])]));
  return { medianMs: times[Math.floor(times.length / 2)], counts };
}

interface StoreFigures {
  ingest: { spans: number; seconds: number; failures: number };
  raw: { medianMs: number; counts: string };
  rollup: { medianMs: number; counts: string };
}

async function measure(url: string, batches: OtlpBatch[], from: number, to: number): Promise<StoreFigures> {
  const ingested = await ingest(url, batches);
  const window = `from=${from}&to=${to}&groupBy=service`;
  return {
    ingest: ingested,
    raw: await timeRed(url, `${window}&step=10000`),
    rollup: await timeRed(url, `${window}&step=60000`),
  };
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'osprey-bench-clickhouse-'));
  try {
    const now = Date.now();
    const from = now - 3_600_000;
    const recorder = new ShopRecorder();
    const batches: OtlpBatch[] = [];
    let inBatch = 0;
    for (const tx of shopTransactions(TRANSACTIONS, from, now)) {
      recorder.record(tx);
      if (++inBatch === BATCH_TX) {
        batches.push(recorder.take(inBatch));
        inBatch = 0;
      }
    }
    if (inBatch > 0) {
      batches.push(recorder.take(inBatch));
    }
    const load = loadavg()[0];

    const duckOsprey = await startOsprey(path.join(scratch, 'duckdb'));
    let duck: StoreFigures;
    try {
      duck = await measure(duckOsprey.url, batches, from, now + 1);
    } finally {
      await duckOsprey.stop();
    }

    const chDir = path.join(scratch, 'clickhouse');
    mkdirSync(chDir);
    const server = await startClickHouseServer(chDir, freePort);
    let ch: StoreFigures;
    try {
      const chOsprey = await startOspreyOnClickHouse(scratch, server.url);
      try {
        ch = await measure(chOsprey.url, batches, from, now + 1);
      } finally {
        await chOsprey.stop();
      }
    } finally {
      await server.stop();
    }

    const rate = (f: StoreFigures) => Math.round(f.ingest.spans / f.ingest.seconds);
    console.log(
      `bench:clickhouse ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ` +
        `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average before ${load.toFixed(1)}`
    );
    const rows: Array<[string, string]> = [
      ['transactions / spans', `${TRANSACTIONS} / ${batches.reduce((sum, b) => sum + b.spans, 0)}`],
      ['ingest DuckDB', `${rate(duck)} spans/s (${duck.ingest.seconds.toFixed(1)} s, ${duck.ingest.failures} failed)`],
      ['ingest ClickHouse', `${rate(ch)} spans/s (${ch.ingest.seconds.toFixed(1)} s, ${ch.ingest.failures} failed)`],
      ['ClickHouse vs DuckDB ingest', `${(rate(ch) / rate(duck)).toFixed(2)}×`],
      [
        'RED p99 raw, 10 s steps',
        `DuckDB ${duck.raw.medianMs.toFixed(1)} ms, ClickHouse ${ch.raw.medianMs.toFixed(1)} ms`,
      ],
      [
        'RED p99 rollup, 1 min',
        `DuckDB ${duck.rollup.medianMs.toFixed(1)} ms, ClickHouse ${ch.rollup.medianMs.toFixed(1)} ms`,
      ],
      [
        'counts equal (raw, rollup)',
        `${duck.raw.counts === ch.raw.counts}, ${duck.rollup.counts === ch.rollup.counts}`,
      ],
    ];
    for (const [name, value] of rows) {
      console.log(`  ${name.padEnd(28)} ${value}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
