/**
 * The ingest log under `kill -9`: the real `osprey serve` (loading every 200 ms, so kills land
 * inside appends, fsyncs and loads alike) is killed at random moments while senders keep posting
 * OTLP protobuf traces, metrics and logs (serialised by the OTel JS SDK), and restarted on the same
 * data dir. Every acknowledged span, data point and log record must be queryable afterwards and
 * none stored twice (replay starts past the position committed with the rows); a torn record left
 * at the log's tail before one restart is cut, reported on /metrics, and not loaded.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { LogsResponse, MetricSeriesResponse, TransactionsResponse } from '@osprey/model';

import { sdkGaugeBody, sdkLogsBody } from '../../backend/src/testing/otel-sdk';

import {
  type Backend,
  buildBackend,
  forEachTrace,
  killAll,
  killHard,
  makeTrace,
  otlpProtobuf,
  postOtlp,
  sleep,
  startBackend,
  storedSpans,
  TOKENS,
} from './osprey-cli';

jest.setTimeout(120_000);

const SERVICE = 'ingest-log-orders';
const RESOURCE = { 'service.name': SERVICE, 'service.instance.id': `${SERVICE}-1` };
/** Data points per metrics batch and records per logs batch, each named `<batch>.<item>`. */
const ITEMS = 3;
const itemsOf = (batch: number) => Array.from({ length: ITEMS }, (_, item) => `${batch}.${item}`);

/** One metrics batch: the gauge `durability.points` once per item, its `item` attribute naming it. */
const metricsBatch = (batch: number) =>
  sdkGaugeBody(
    'durability.points',
    itemsOf(batch).map((item) => ({ value: batch, attributes: { item } })),
    RESOURCE
  );

/** One logs batch: a record per item, whose body names it. */
const logsBatch = (batch: number) =>
  sdkLogsBody(
    itemsOf(batch).map((item) => ({ body: `record ${item}` })),
    RESOURCE
  );

/** POSTs one OTLP protobuf body; the status, or 0 when the connection failed (backend down). */
async function postSignal(url: string, signal: 'metrics' | 'logs', body: Uint8Array): Promise<number> {
  try {
    const res = await fetch(`${url}/v1/${signal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
      body: new Uint8Array(body),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Items acknowledged that are not stored exactly once: `<item> ×<times stored>`. */
function notOnce(acked: ReadonlySet<string>, stored: readonly string[]): string[] {
  const times = new Map<string, number>();
  stored.forEach((item) => times.set(item, (times.get(item) ?? 0) + 1));
  const twice = [...times].filter(([, n]) => n > 1).map(([item, n]) => `${item} ×${n}`);
  return [...[...acked].filter((item) => !times.has(item)).map((item) => `${item} ×0`), ...twice];
}

async function read(url: string, route: string): Promise<Response> {
  return fetch(`${url}${route}`, { headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` } });
}

/** A record header promising 4 KiB, and only 10 bytes of it: what a kill inside a write leaves. */
function tearTheTail(logDir: string): void {
  const newest = readdirSync(logDir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .at(-1)!;
  const header = Buffer.alloc(8);
  header.writeUInt32LE(4096, 0);
  header.writeUInt32LE(0xdeadbeef, 4);
  appendFileSync(path.join(logDir, newest), Buffer.concat([header, Buffer.alloc(10, 1)]));
  expect(statSync(path.join(logDir, newest)).size).toBeGreaterThanOrEqual(18);
}

describe('the ingest log across kill -9 of the real osprey process', () => {
  let dataDir = '';
  beforeAll(() => {
    buildBackend();
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-ingest-log-'));
  });
  afterAll(() => {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged span, point and log record exactly once across 6 kills, and cuts a torn tail', async () => {
    const args = ['--load-interval-ms', '200', '--settle-ms', '500'];
    let backend: Backend = await startBackend(dataDir, args);
    const acked = new Map<string, string[]>();
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const spans = makeTrace(SERVICE, 3);
        const { status } = await postOtlp(backend.url, otlpProtobuf(spans));
        if (status === 200) {
          acked.set(
            spans[0].spanContext().traceId,
            spans.map((s) => s.spanContext().spanId)
          );
        } else {
          await sleep(30);
        }
      }
    };
    const ackedItems = { metrics: new Set<string>(), logs: new Set<string>() };
    let batches = 0;
    const signalSender = async (signal: 'metrics' | 'logs') => {
      while (!stop) {
        const batch = (batches += 1);
        const body = signal === 'metrics' ? await metricsBatch(batch) : logsBatch(batch);
        if ((await postSignal(backend.url, signal, body)) === 200) {
          itemsOf(batch).forEach((item) => ackedItems[signal].add(item));
        } else {
          await sleep(30);
        }
      }
    };
    const senders = [sender(), sender(), signalSender('metrics'), signalSender('logs')];

    const kills = 6;
    for (let i = 0; i < kills; i++) {
      const target = acked.size + 5 + Math.floor(Math.random() * 10);
      while (acked.size < target) {
        await sleep(5);
      }
      await sleep(Math.random() * 400);
      await killHard(backend);
      if (i === kills - 1) {
        tearTheTail(path.join(dataDir, 'ingest-log'));
      }
      backend = await startBackend(dataDir, args);
    }
    const metrics = await (await read(backend.url, '/metrics')).text();
    expect(metrics).toMatch(/^osprey_ingest_log_cut_tails 1$/m);
    await sleep(300);
    stop = true;
    await Promise.all(senders);
    // Once more right after the last acknowledgements: these may still be only in the log.
    await killHard(backend);
    backend = await startBackend(dataDir, args);

    expect(acked.size).toBeGreaterThanOrEqual(5 * kills);
    const problems: string[] = [];
    const traces = [...acked.keys()];
    await forEachTrace(traces, async (traceId) => {
      const stored = (await storedSpans(backend.url, traceId)).map((id) => id.split('/')[1]);
      const expected = acked.get(traceId)!;
      if (stored.length !== expected.length || expected.some((id) => !stored.includes(id))) {
        problems.push(`${traceId}: acknowledged ${expected.length} spans, stored ${stored.join(',')}`);
      }
    });
    expect(problems).toEqual([]);

    // The derived rows too: one transaction per acknowledged server span, none twice.
    const res = await read(
      backend.url,
      `/api/v1/transactions?from=0&to=${Date.now() + 60_000}&service=${SERVICE}&limit=100000&mode=rows`
    );
    const { transactions } = (await res.json()) as TransactionsResponse;
    const keys = transactions.map((tx) => `${tx.traceId}/${tx.spanId}`);
    expect(new Set(keys).size).toBe(keys.length);
    const byTrace = new Set(transactions.map((tx) => tx.traceId));
    expect(traces.filter((traceId) => !byTrace.has(traceId))).toEqual([]);

    // Metric points and log records: every acknowledged one once, none twice.
    const window = `from=0&to=${Date.now() + 60_000}&service=${SERVICE}`;
    const series = (await (
      await read(backend.url, `/api/v1/otel-metrics?${window}&name=durability.points&limit=1000000`)
    ).json()) as MetricSeriesResponse;
    expect(series.truncated).toBe(false);
    const points = series.series.flatMap((s) => s.points.map(() => String(s.attributes.item)));
    const logs = (await (await read(backend.url, `/api/v1/logs?${window}&limit=50000`)).json()) as LogsResponse;
    expect(logs.truncated).toBe(false);
    const records = logs.logs.map((record) => record.body.replace('record ', ''));
    expect(ackedItems.metrics.size).toBeGreaterThanOrEqual(ITEMS * kills);
    expect(ackedItems.logs.size).toBeGreaterThanOrEqual(ITEMS * kills);
    expect(notOnce(ackedItems.metrics, points)).toEqual([]);
    expect(notOnce(ackedItems.logs, records)).toEqual([]);
    console.log(
      `ingest log: ${acked.size} traces, ${ackedItems.metrics.size} points and ${ackedItems.logs.size} log records ` +
        `acknowledged over ${kills + 1} kills; ${keys.length} transactions, ${points.length} points, ${records.length} records stored`
    );
    await killHard(backend);
  });
});
