import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { LogRecord, MetricPoint, Span, Transaction } from '@osprey/model';

import { analyzeThreadDump, parseClassHistogram, parseThreadDump } from '../jvm';
import { DuckDbStore } from '../store/duckdb/store';
import { MINUTE_MS } from '../store/duckdb/red';
import { generateTransactions } from '../testing/generate';
import { RetentionJob } from './job';
import type { Retention } from './policy';

// Many small writer transactions (chunks, compaction slices): slow on a loaded machine, not a speed test.
jest.setTimeout(60_000);

const HOUR = 3_600_000;

/** What a run that deleted nothing reports. */
const NONE_DELETED = { spans: 0, transactions: 0, rollups: 0, jvm: 0, metrics: 0, logs: 0 };

/** Every tier kept for `ms`, but those given. */
function keepFor(ms: number, tiers: Partial<Retention> = {}): Retention {
  return { spans: ms, transactions: ms, rollups: ms, jvm: ms, metrics: ms, logs: ms, ...tiers };
}

const NOW = Date.UTC(2026, 5, 1);

function spanOf(tx: Transaction): Span {
  const startNs = BigInt(Math.round((tx.endTime - tx.elapsed) * 1000)) * BigInt(1000);
  return {
    traceId: tx.traceId,
    spanId: tx.spanId,
    name: tx.endpoint,
    kind: 'server',
    startTimeUnixNano: startNs.toString(),
    durationNano: String(Math.round(tx.elapsed * 1e6)),
    status: 'unset',
    service: tx.service,
    resource: {},
    attributes: {},
    events: [],
  };
}

function startMs(span: Span): number {
  return Number(BigInt(span.startTimeUnixNano) / BigInt(1_000_000));
}

describe('RetentionJob on DuckDbStore', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-retention-'));
    store = await DuckDbStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes exactly the rows older than each tier, in bounded chunks', async () => {
    // 10 hours of traffic ending at NOW; tiers of 2 h (spans), 5 h (transactions), 8 h (rollups).
    const txs = generateTransactions({ seed: 3, count: 3000, from: NOW - 10 * HOUR, spanMs: 10 * HOUR });
    const spans = txs.map(spanOf);
    // Two commits over the same hours, so their minutes hold rows for compaction to merge.
    await store.insertBatch(spans.slice(0, 1500), txs.slice(0, 1500));
    await store.insertBatch(spans.slice(1500), txs.slice(1500));
    const retention = keepFor(HOUR, { spans: 2 * HOUR, transactions: 5 * HOUR, rollups: 8 * HOUR });
    const deletes: number[] = [];
    const job = new RetentionJob({
      store: {
        deleteOlderThan: async (tier, cutoff, limit) => {
          const n = await store.deleteOlderThan(tier, cutoff, limit);
          deletes.push(n);
          return n;
        },
        compactRollups: (before) => store.compactRollups(before),
      },
      retention,
      now: () => NOW,
      chunkRows: 250,
    });

    const run = await job.runOnce();

    const keptSpans = spans.filter((s) => startMs(s) >= NOW - 2 * HOUR);
    const keptTxs = txs.filter((tx) => tx.endTime >= NOW - 5 * HOUR);
    expect(run.deleted.spans).toBe(spans.length - keptSpans.length);
    expect(run.deleted.transactions).toBe(txs.length - keptTxs.length);
    expect(Math.max(...deletes)).toBe(250);
    const everything = { from: 0, to: NOW + HOUR, limit: 1_000_000 };
    const stored = (await store.transactions(everything)).transactions;
    expect(stored.map((tx) => tx.traceId).sort()).toEqual(keptTxs.map((tx) => tx.traceId).sort());
    const oldest = keptSpans.reduce((a, b) => (startMs(a) < startMs(b) ? a : b));
    expect(await store.trace(oldest.traceId)).toHaveLength(1);
    const gone = spans.find((s) => startMs(s) < NOW - 2 * HOUR)!;
    expect(await store.trace(gone.traceId)).toEqual([]);

    // Rollups: every minute before NOW - 8 h is gone, everything after is counted.
    const rollupCount = async (from: number, to: number) =>
      (await store.red({ from, to, step: 60 * MINUTE_MS, groupBy: 'service' }, 'rollup')).series
        .flatMap((s) => s.points)
        .reduce((sum, p) => sum + p.count, 0);
    expect(await rollupCount(0, NOW - 8 * HOUR)).toBe(0);
    expect(await rollupCount(NOW - 8 * HOUR, NOW + HOUR)).toBe(
      txs.filter((tx) => Math.floor(tx.endTime / MINUTE_MS) * MINUTE_MS >= NOW - 8 * HOUR).length
    );

    // Compaction walked the 8 kept hours in bounded slices up to two minutes before now.
    expect(run.compactedRows).toBeGreaterThan(0);
    expect(await store.compactRollups(NOW - 2 * MINUTE_MS)).toMatchObject({ rowsBefore: 0, from: NOW - 2 * MINUTE_MS });

    // A second run at the same time finds nothing more.
    expect((await job.runOnce()).deleted).toEqual(NONE_DELETED);
  });

  it('deletes thread dumps, heap histograms and capture requests past the jvm tier, keeping newer ones', async () => {
    const fixtures = path.resolve(__dirname, '../../../test/fixtures/jvm/jdk17');
    const dumpText = readFileSync(path.join(fixtures, 'lock-jstack-l.txt'));
    const histogramText = readFileSync(path.join(fixtures, 'class_histogram.txt'));
    const analysed = analyzeThreadDump(parseThreadDump(dumpText.toString('utf8')));
    const histogram = parseClassHistogram(histogramText.toString('utf8'));
    const target = { service: 'shop', instance: 'shop-1' };
    for (const [id, takenAt] of [
      ['dump-old', NOW - 3 * HOUR],
      ['dump-new', NOW - HOUR / 2],
    ] as const) {
      await store.insertThreadDump({
        id,
        ...target,
        takenAt,
        receivedAt: takenAt,
        dump: { ...analysed, ...target, takenAt },
        raw: dumpText,
        contentType: 'text/plain',
      });
      await store.insertHeapHistogram({
        id: id.replace('dump', 'histogram'),
        ...target,
        takenAt,
        receivedAt: takenAt,
        histogram: { ...histogram, ...target, takenAt },
        raw: histogramText,
      });
    }
    await store.createJvmRequest({ id: 'request-old', ...target, kind: 'threaddump', now: NOW - 2 * HOUR });
    await store.createJvmRequest({ id: 'request-new', ...target, kind: 'threaddump', now: NOW - HOUR / 2 });
    const job = new RetentionJob({
      store,
      retention: keepFor(10 * HOUR, { jvm: HOUR }),
      now: () => NOW,
    });

    expect((await job.runOnce()).deleted).toEqual({ ...NONE_DELETED, jvm: 3 });
    const everything = { ...target, from: 0, to: NOW, limit: 100 };
    expect((await store.captures.threadDumps(everything)).map((d) => d.id)).toEqual(['dump-new']);
    expect((await store.captures.heapHistograms(everything)).map((h) => h.id)).toEqual(['histogram-new']);
    expect((await store.jvmRequests({ ...target }, NOW)).map((r) => r.id)).toEqual(['request-new']);
    expect(await store.captures.threadDump('dump-old')).toBeUndefined();
  });

  it('deletes OTLP metric points and log records past their tiers, keeping newer ones', async () => {
    const at = (time: number, name: string): MetricPoint => ({
      service: 'shop',
      instance: 'shop-1',
      name,
      unit: '',
      kind: 'gauge',
      time,
      temporality: 'unspecified',
      attributes: {},
      value: 1,
    });
    await store.insertMetricPoints([at(NOW - 3 * HOUR, 'old'), at(NOW - HOUR / 2, 'new')]);
    const log = (time: number, id: string): LogRecord => ({
      id,
      time,
      service: 'shop',
      instance: 'shop-1',
      severityNumber: 9,
      severityText: 'info',
      body: id,
      attributes: {},
    });
    await store.insertLogRecords([
      log(NOW - 3 * HOUR, 'old'),
      log(NOW - 90 * 60_000, 'middle'),
      log(NOW - HOUR / 2, 'new'),
    ]);
    const job = new RetentionJob({
      store,
      retention: keepFor(10 * HOUR, { metrics: 2 * HOUR, logs: HOUR }),
      now: () => NOW,
    });

    expect((await job.runOnce()).deleted).toEqual({ ...NONE_DELETED, metrics: 1, logs: 2 });
    const points = await store.otel.metricSeries({ from: 0, to: NOW, names: ['old', 'new'], limit: 10 });
    expect(points.series.map((s) => s.name)).toEqual(['new']);
    expect((await store.otel.logRecords({ from: 0, to: NOW, limit: 10 })).logs.map((l) => l.id)).toEqual(['new']);
  });

  it('runs on start and stops cleanly', async () => {
    await store.insertBatch([], generateTransactions({ seed: 4, count: 10, from: NOW - 2 * HOUR, spanMs: HOUR }));
    const runs: number[] = [];
    const job = new RetentionJob({
      store,
      retention: keepFor(HOUR),
      now: () => NOW,
      intervalMs: 10,
      onRun: (run) => runs.push(run.deleted.transactions),
    });
    job.start();
    for (let waited = 0; runs.length < 2 && waited < 5000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await job.stop();
    expect(runs.slice(0, 2)).toEqual([10, 0]);
  });
});
