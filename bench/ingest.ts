/**
 * Durable ingest: OTLP/HTTP protobuf spans per second into a real `osprey serve` (every span
 * counted only after its 200, i.e. after the group commit), against the same transactions written
 * as line protocol to Debian's InfluxDB 1.x and the same spans as JSONEachRow inserts into Debian's
 * ClickHouse in the same run; then bytes on disk per transaction.
 *
 *   npm run bench:ingest            (BENCH_TX, BENCH_SENDERS, BENCH_BATCH_TX, BENCH_SECONDS)
 *   BENCH_CPU_PROFILE=1 npm run bench:ingest     (+ the server's CPU per span by step, from --cpu-prof)
 *
 * Batches are encoded before the clock starts, so the senders only send. The peers run one after
 * the other, not at once: on a 2-core machine they would otherwise share the cores. The profiler
 * slows the server down, so the spans/s of a profiled run are not the bench's figure.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { DuckDBInstance } from '@duckdb/node-api';

import { clickHouseJsonEachRow } from './clickhouse-peer';
import { profileDirSteps } from './cpu-steps';
import { startInfluxd } from './influxdb';
import { type OtlpBatch, ShopRecorder } from './otlp-batches';
import { cpuSeconds } from './process-cpu';
import { BENCH_TOKEN, startOsprey } from './osprey-process';
import { type SendResult, sendAll } from './send-all';
import { lineProtocol, shopTransactions } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 200_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
/** 170 transactions = 510 spans, the OTel SDK's default maxExportBatchSize (512). */
const BATCH_TX = Number(process.env.BENCH_BATCH_TX ?? 170);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const INFLUX_BATCH = 5000;
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE === '1';

function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/** Bytes one table takes when copied alone into a fresh, checkpointed DuckDB file. */
async function tableBytes(database: string, table: string, scratch: string): Promise<{ rows: number; bytes: number }> {
  const target = path.join(scratch, `${table}.duckdb`);
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  try {
    await connection.run(`ATTACH '${target}' AS copy`);
    await connection.run(`CREATE TABLE copy.${table} AS SELECT * FROM main.${table}`);
    const rows = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM main.${table}`)).getRows()[0][0]);
    await connection.run('DETACH copy');
    return { rows, bytes: statSync(target).size };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'osprey-bench-ingest-'));
  try {
    const now = Date.now();
    const recorder = new ShopRecorder();
    const batches: OtlpBatch[] = [];
    const lines: string[] = [];
    let inBatch = 0;
    const encodeStarted = performance.now();
    for (const tx of shopTransactions(TRANSACTIONS, now - 3_600_000, now)) {
      lines.push(lineProtocol(tx, recorder.record(tx)));
      if (++inBatch === BATCH_TX) {
        batches.push(recorder.take(inBatch));
        inBatch = 0;
      }
    }
    if (inBatch > 0) {
      batches.push(recorder.take(inBatch));
    }
    const encodeSeconds = (performance.now() - encodeStarted) / 1000;
    const spansOffered = batches.reduce((sum, b) => sum + b.spans, 0);
    const otlpBytes = batches.reduce((sum, b) => sum + b.body.length, 0);
    const influxBatches: string[] = [];
    for (let i = 0; i < lines.length; i += INFLUX_BATCH) {
      influxBatches.push(lines.slice(i, i + INFLUX_BATCH).join('\n'));
    }

    const ospreyDir = path.join(scratch, 'osprey');
    const profileDir = path.join(scratch, 'profile');
    const osprey = await startOsprey(
      ospreyDir,
      [],
      CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined
    );
    let ospreyResult: SendResult;
    let ospreyCpu: number;
    let txStored = 0;
    try {
      const cpuBefore = cpuSeconds(osprey.child.pid!);
      ospreyResult = await sendAll(
        SENDERS,
        SECONDS,
        batches,
        (b) => b.spans,
        async (batch) => {
          const res = await fetch(`${osprey.url}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${BENCH_TOKEN}` },
            body: batch.body,
          });
          if (res.status !== 200) {
            throw new Error(`osprey ${res.status} ${await res.text()}`);
          }
          txStored += batch.transactions;
          await res.arrayBuffer();
        }
      );
      ospreyCpu = cpuSeconds(osprey.child.pid!) - cpuBefore;
    } finally {
      await osprey.stop();
    }
    const database = path.join(ospreyDir, 'osprey.duckdb');
    const fileBytes = directoryBytes(ospreyDir);
    const txTable = await tableBytes(database, 'transactions', scratch);
    const spanTable = await tableBytes(database, 'spans', scratch);

    const influxDir = path.join(scratch, 'influxdb');
    const influx = await startInfluxd(mkdtempSync(influxDir));
    let influxResult: SendResult;
    let influxPoints: number;
    let influxBytes: number;
    let influxCpu: number;
    try {
      await influx.query('', 'CREATE DATABASE bench');
      const cpuBefore = cpuSeconds(influx.child.pid!);
      influxResult = await sendAll(
        SENDERS,
        SECONDS,
        influxBatches,
        (b) => b.split('\n').length,
        (b) => influx.write('bench', b)
      );
      influxCpu = cpuSeconds(influx.child.pid!) - cpuBefore;
      const counted = await influx.query('bench', 'SELECT count("elapsed") FROM transactions');
      influxPoints = Number(counted.results[0].series?.[0].values[0][1] ?? 0);
    } finally {
      await influx.stop();
      influxBytes = directoryBytes(influx.dir);
    }

    const clickhouse = await clickHouseJsonEachRow(path.join(scratch, 'clickhouse'), batches, SENDERS, SECONDS);

    const ospreySpansPerSecond = ospreyResult.items / ospreyResult.seconds;
    const ospreyTxPerSecond = txStored / ospreyResult.seconds;
    const influxTxPerSecond = influxResult.items / influxResult.seconds;
    const rows: Array<[string, string]> = [
      ['workload', `${TRANSACTIONS.toLocaleString()} transactions × 3 spans, ${SENDERS} senders, ≤ ${SECONDS} s each`],
      [
        'OTLP batches',
        `${batches.length} × ${BATCH_TX} tx (${(otlpBytes / batches.length / 1024).toFixed(0)} KiB), encoded in ${encodeSeconds.toFixed(1)} s`,
      ],
      [
        'osprey ingest',
        `${Math.round(ospreySpansPerSecond).toLocaleString()} spans/s = ${Math.round(ospreyTxPerSecond).toLocaleString()} tx/s ` +
          `(${ospreyResult.items.toLocaleString()} spans acknowledged in ${ospreyResult.seconds.toFixed(1)} s, ${ospreyResult.failures.length} failed batches)`,
      ],
      [
        'influxdb 1.x ingest',
        `${Math.round(influxTxPerSecond).toLocaleString()} tx/s (${influxResult.items.toLocaleString()} points in ` +
          `${influxResult.seconds.toFixed(1)} s, ${influxResult.failures.length} failed, ${influxPoints.toLocaleString()} counted back)`,
      ],
      ['osprey ÷ influxdb (tx/s)', `${(ospreyTxPerSecond / influxTxPerSecond).toFixed(2)}×`],
      [
        'osprey CPU',
        `${ospreyCpu.toFixed(1)} CPU-s = ${Math.round(ospreyResult.items / ospreyCpu).toLocaleString()} spans ` +
          `= ${Math.round(txStored / ospreyCpu).toLocaleString()} tx per CPU-second (server process, all threads)`,
      ],
      [
        'influxdb CPU',
        `${influxCpu.toFixed(1)} CPU-s = ${Math.round(influxResult.items / influxCpu).toLocaleString()} tx per CPU-second`,
      ],
      ['osprey ÷ influxdb (tx per CPU-s)', `${(txStored / ospreyCpu / (influxResult.items / influxCpu)).toFixed(2)}×`],
      [
        'clickhouse JSONEachRow',
        `${Math.round(clickhouse.result.items / clickhouse.result.seconds).toLocaleString()} spans/s ` +
          `(${clickhouse.result.items.toLocaleString()} in ${clickhouse.result.seconds.toFixed(1)} s, ` +
          `${clickhouse.result.failures.length} failed, ${clickhouse.counted.toLocaleString()} counted back), ` +
          `${Math.round(clickhouse.result.items / clickhouse.cpuSeconds).toLocaleString()} spans per CPU-second`,
      ],
      [
        'osprey ÷ clickhouse (spans/s)',
        `${(ospreySpansPerSecond / (clickhouse.result.items / clickhouse.result.seconds)).toFixed(2)}×`,
      ],
      [
        'osprey on disk',
        `${(fileBytes / 1e6).toFixed(1)} MB = ${(fileBytes / txStored).toFixed(0)} B/transaction incl. its 3 spans`,
      ],
      [
        '  transactions table',
        `${(txTable.bytes / 1e6).toFixed(1)} MB / ${txTable.rows.toLocaleString()} rows = ${(txTable.bytes / txTable.rows).toFixed(1)} B/transaction`,
      ],
      [
        '  spans table',
        `${(spanTable.bytes / 1e6).toFixed(1)} MB / ${spanTable.rows.toLocaleString()} rows = ${(spanTable.bytes / spanTable.rows).toFixed(1)} B/span`,
      ],
      [
        'clickhouse on disk',
        `${(clickhouse.diskBytes / 1e6).toFixed(1)} MB = ${(clickhouse.diskBytes / clickhouse.counted).toFixed(1)} B/span (after OPTIMIZE FINAL)`,
      ],
      [
        'influxdb on disk',
        `${(influxBytes / 1e6).toFixed(1)} MB = ${(influxBytes / influxPoints).toFixed(0)} B/transaction (data + wal + meta)`,
      ],
    ];
    console.log(
      `ingest: ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, ` +
        `${Math.round(totalmem() / 2 ** 30)} GiB, spans offered ${spansOffered.toLocaleString()}`
    );
    for (const [name, value] of rows) {
      console.log(`  ${name.padEnd(26)} ${value}`);
    }
    if (CPU_PROFILE) {
      // The profile covers the server's whole run (start, ingest, the last load and checkpoint at
      // stop) on its main thread; the CPU-s above count only the sending, on every thread.
      console.log('  main-thread CPU per acknowledged span by step, whole server run (profiled)');
      for (const [step, ms] of [...profileDirSteps(profileDir)].sort((a, b) => b[1] - a[1])) {
        console.log(`    ${step.padEnd(40)} ${((ms * 1000) / ospreyResult.items).toFixed(2)} µs`);
      }
    }
    const failures = [...ospreyResult.failures, ...influxResult.failures, ...clickhouse.result.failures];
    for (const failure of [...new Set(failures)].slice(0, 5)) {
      console.log(`  failure: ${failure}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
