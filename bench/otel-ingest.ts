/**
 * Durable OTLP metrics and logs ingest: metric data points/s and log records/s as OTLP/HTTP
 * protobuf into a real `osprey serve` on a data dir (counted only after each batch's 200, i.e.
 * after the ingest log's fsync; the run fails unless /metrics shows every acknowledged batch as an
 * ingest-log append), against the same points and records as line protocol into Debian's
 * InfluxDB 1.x in the same run.
 *
 *   npm run bench:otel-ingest    (BENCH_POINTS, BENCH_LOGS, BENCH_BATCH, BENCH_SENDERS, BENCH_SECONDS)
 *
 * Bodies are encoded before the clock starts (with the OTLP protobuf code the backend decodes with),
 * so the senders only send; the two peers run one after the other, not sharing the cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startInfluxd } from './influxdb';
import { BENCH_TOKEN, startOsprey } from './osprey-process';
import { type SendResult, sendAll } from './send-all';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const LOGS = Number(process.env.BENCH_LOGS ?? 500_000);
/** Items per OTLP batch and per line-protocol write. */
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const INSTANCES = 20;
const METRICS = ['jvm.memory.used', 'jvm.thread.count', 'jvm.cpu.recent_utilization', 'http.server.active_requests'];

interface Encoder {
  encode(message: object): { finish(): Uint8Array };
}
const collector = (
  require(
    require.resolve('@opentelemetry/otlp-transformer/build/src/generated/root', {
      paths: [path.dirname(require.resolve('@osprey/backend/package.json'))],
    })
  ) as { opentelemetry: { proto: { collector: Record<'metrics' | 'logs', { v1: Record<string, Encoder> }> } } }
).opentelemetry.proto.collector;

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const resource = (i: number) => ({
  attributes: [attr('service.name', `svc-${i % 4}`), attr('service.instance.id', `svc-${i}`)],
});

interface Batch {
  body: Uint8Array;
  lines: string;
  items: number;
}

/** `count` gauge points in batches of BATCH, one per (instance, metric) series and second. */
function metricBatches(count: number, start: number): Batch[] {
  const batches: Batch[] = [];
  for (let first = 0; first < count; first += BATCH) {
    const n = Math.min(BATCH, count - first);
    const points = Array.from({ length: n }, (_, k) => {
      const i = first + k;
      return {
        instance: i % INSTANCES,
        metric: METRICS[Math.floor(i / INSTANCES) % METRICS.length],
        time: start + Math.floor(i / (INSTANCES * METRICS.length)) * 1000,
        value: i % 977,
      };
    });
    const body = collector.metrics.v1.ExportMetricsServiceRequest.encode({
      resourceMetrics: Array.from({ length: INSTANCES }, (_, instance) => ({
        resource: resource(instance),
        scopeMetrics: [
          {
            metrics: METRICS.map((name) => ({
              name,
              gauge: {
                dataPoints: points
                  .filter((p) => p.instance === instance && p.metric === name)
                  .map((p) => ({ timeUnixNano: p.time * 1e6, asDouble: p.value, attributes: [attr('pool', 'heap')] })),
              },
            })).filter((m) => m.gauge.dataPoints.length > 0),
          },
        ],
      })),
    }).finish();
    const lines = points
      .map(
        (p) =>
          `${p.metric},service=svc-${p.instance % 4},instance=svc-${p.instance},pool=heap value=${p.value} ${p.time}`
      )
      .join('\n');
    batches.push({ body, lines, items: n });
  }
  return batches;
}

/** `count` log records in batches of BATCH, each with a trace id and a sentence of body. */
function logBatches(count: number, start: number): Batch[] {
  const batches: Batch[] = [];
  for (let first = 0; first < count; first += BATCH) {
    const n = Math.min(BATCH, count - first);
    const records = Array.from({ length: n }, (_, k) => {
      const i = first + k;
      return {
        instance: i % INSTANCES,
        time: start + i,
        traceId: (i + 1).toString(16).padStart(32, '0'),
        body: `GET /orders/${i} answered ${i % 50 === 0 ? 500 : 200} in ${i % 300} ms`,
      };
    });
    const body = collector.logs.v1.ExportLogsServiceRequest.encode({
      resourceLogs: Array.from({ length: INSTANCES }, (_, instance) => ({
        resource: resource(instance),
        scopeLogs: [
          {
            logRecords: records
              .filter((r) => r.instance === instance)
              .map((r) => ({
                timeUnixNano: r.time * 1e6,
                severityNumber: 9,
                body: { stringValue: r.body },
                traceId: Buffer.from(r.traceId, 'hex'),
              })),
          },
        ],
      })),
    }).finish();
    const lines = records
      .map(
        (r) =>
          `logs,service=svc-${r.instance % 4},instance=svc-${r.instance},severity=info body="${r.body}",trace_id="${r.traceId}" ${r.time}`
      )
      .join('\n');
    batches.push({ body, lines, items: n });
  }
  return batches;
}

/** The ingest log's counters on the server's /metrics: appends, syncs (group commits) and loads. */
async function ingestLogCounters(url: string): Promise<Record<'appends' | 'syncs' | 'loads', number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })).text();
  const counter = (name: string) =>
    Number(new RegExp(`^osprey_ingest_log_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { appends: counter('appends'), syncs: counter('syncs'), loads: counter('loads') };
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'osprey-bench-otel-'));
  try {
    const start = Date.now() - 3_600_000;
    const signals = { metrics: metricBatches(POINTS, start), logs: logBatches(LOGS, start) };
    const osprey = await startOsprey(path.join(scratch, 'osprey'));
    const ospreyResults: Record<string, SendResult> = {};
    let acknowledged = 0;
    let log: Awaited<ReturnType<typeof ingestLogCounters>>;
    try {
      for (const [signal, batches] of Object.entries(signals)) {
        ospreyResults[signal] = await sendAll(
          SENDERS,
          SECONDS,
          batches,
          (b) => b.items,
          async (batch) => {
            const res = await fetch(`${osprey.url}/v1/${signal}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${BENCH_TOKEN}` },
              body: Buffer.from(batch.body),
            });
            await res.arrayBuffer();
            if (res.status !== 200) {
              throw new Error(`osprey ${res.status}`);
            }
            acknowledged += 1;
          }
        );
      }
      log = await ingestLogCounters(osprey.url);
    } finally {
      await osprey.stop();
    }
    if (!(log.appends >= acknowledged)) {
      throw new Error(
        `${acknowledged} batches acknowledged but ${log.appends} ingest-log appends: not the logged path`
      );
    }
    const influx = await startInfluxd(mkdtempSync(path.join(scratch, 'influxdb')));
    const influxResults: Record<string, SendResult> = {};
    try {
      await influx.query('', 'CREATE DATABASE bench');
      for (const [signal, batches] of Object.entries(signals)) {
        influxResults[signal] = await sendAll(
          SENDERS,
          SECONDS,
          batches,
          (b) => b.items,
          (b) => influx.write('bench', b.lines)
        );
      }
    } finally {
      await influx.stop();
    }
    const rate = (r: SendResult) => r.items / r.seconds;
    console.log(
      `workload: ${POINTS.toLocaleString()} metric points, ${LOGS.toLocaleString()} log records, batches of ${BATCH}, ${SENDERS} senders, ≤ ${SECONDS} s each`
    );
    console.log(
      `osprey ingest log: ${acknowledged.toLocaleString()} batches acknowledged after ${log.syncs.toLocaleString()} fsyncs ` +
        `(${log.appends.toLocaleString()} appends), ${log.loads.toLocaleString()} loads into the store`
    );
    for (const [signal, unit] of [
      ['metrics', 'points/s'],
      ['logs', 'records/s'],
    ] as const) {
      const [o, i] = [ospreyResults[signal], influxResults[signal]];
      console.log(
        `${signal}: osprey ${Math.round(rate(o)).toLocaleString()} ${unit} (${o.items.toLocaleString()} acknowledged, ${o.failures.length} failed batches)` +
          ` · influxdb ${Math.round(rate(i)).toLocaleString()} ${unit} (${i.failures.length} failed) · osprey ÷ influxdb ${(rate(o) / rate(i)).toFixed(2)}×`
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
