/**
 * Acknowledged means durable: the real `osprey serve` process is killed with SIGKILL at random
 * moments while a client keeps sending OTLP batches, restarted on the same data directory, and
 * every span, OTLP log record and metric point that was answered 2xx must be there at the end. Then overload: a tiny writer queue and
 * many concurrent senders get only 200 or 503 + Retry-After, and with retries nothing is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { LogsResponse, MetricSeriesResponse } from '@osprey/model';

import {
  type Backend,
  buildBackend,
  forEachTrace,
  killAll,
  killHard,
  makeTrace,
  otlpProtobuf,
  postOtlp,
  type SdkSpan,
  sleep,
  startBackend,
  storedSpans,
  TOKENS,
} from './osprey-cli';

// Each test finishes in well under a minute on an idle machine (most of it is ten process starts);
// the margin is for a shared CI box (at load average 25, each start took 7-16 s).
jest.setTimeout(300_000);

const ids = (spans: SdkSpan[]) => spans.map((s) => `${s.spanContext().traceId}/${s.spanContext().spanId}`);

/** Checks every acknowledged span against the read API, a few traces at a time. */
async function missingSpans(url: string, acked: Map<string, string[]>): Promise<string[]> {
  const missing: string[] = [];
  await forEachTrace([...acked.keys()], async (traceId) => {
    const stored = new Set(await storedSpans(url, traceId));
    missing.push(...acked.get(traceId)!.filter((id) => !stored.has(id)));
  });
  return missing;
}

/** One OTLP/JSON logs batch of one record whose body names it. */
function logsBatch(n: number): string {
  const record = { timeUnixNano: `${Date.now()}000000`, severityNumber: 9, body: { stringValue: `durable ${n}` } };
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
}

/** One OTLP/JSON metrics batch: one gauge point whose `batch` attribute names it. */
function metricsBatch(n: number): string {
  const point = {
    timeUnixNano: `${Date.now()}000000`,
    asInt: String(n),
    attributes: [{ key: 'batch', value: { intValue: n } }],
  };
  return JSON.stringify({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'durability.batch', gauge: { dataPoints: [point] } }] }] }],
  });
}

async function postJson(url: string, route: string, body: string): Promise<number> {
  try {
    const res = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0; // killed mid-request: not acknowledged
  }
}

async function readJson<T>(url: string, route: string): Promise<T> {
  const res = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` } });
  return (await res.json()) as T;
}

describe('durability and backpressure of the real osprey process', () => {
  const dirs: string[] = [];

  beforeAll(() => buildBackend());

  afterAll(() => {
    killAll();
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'osprey-durability-'));
    dirs.push(dir);
    return dir;
  };

  it('keeps every acknowledged span across 10 kill -9 and restarts', async () => {
    const dataDir = tempDir();
    let backend: Backend = await startBackend(dataDir);
    const acked = new Map<string, string[]>();
    let sent = 0;
    let refused = 0;
    let stop = false;

    const sender = async () => {
      while (!stop) {
        const spans = makeTrace('orders', 4);
        sent += 1;
        const { status } = await postOtlp(backend.url, otlpProtobuf(spans));
        if (status >= 200 && status < 300) {
          acked.set(spans[0].spanContext().traceId, ids(spans));
        } else {
          refused += 1;
          await sleep(50);
        }
      }
    };
    // OTLP logs and metrics beside the spans: every acknowledged record and point must survive too.
    const ackedLogs = new Set<number>();
    const ackedPoints = new Set<number>();
    let otherBatches = 0;
    const otherSender = async (route: string, body: (n: number) => string, acks: Set<number>) => {
      while (!stop) {
        const n = (otherBatches += 1);
        if ((await postJson(backend.url, route, body(n))) === 200) {
          acks.add(n);
        } else {
          await sleep(50);
        }
      }
    };
    const senders = [
      sender(),
      sender(),
      otherSender('/v1/logs', logsBatch, ackedLogs),
      otherSender('/v1/metrics', metricsBatch, ackedPoints),
    ];

    const kills = 10;
    const restartMs: number[] = [];
    for (let i = 0; i < kills; i++) {
      // Kill amid traffic: after a few acknowledgements on this run, at a random moment after them.
      const target = acked.size + 3 + Math.floor(Math.random() * 8);
      while (acked.size < target) {
        await sleep(5);
      }
      await sleep(Math.random() * 200);
      await killHard(backend);
      const restarting = Date.now();
      backend = await startBackend(dataDir);
      restartMs.push(Date.now() - restarting);
    }
    await sleep(300);
    stop = true;
    await Promise.all(senders);

    // Once more without warning, right after the last acknowledgements.
    await killHard(backend);
    backend = await startBackend(dataDir);

    expect(acked.size).toBeGreaterThanOrEqual(3 * kills);
    expect(await missingSpans(backend.url, acked)).toEqual([]);
    const window = `from=0&to=${Date.now() + 60_000}`;
    const logs = await readJson<LogsResponse>(backend.url, `/api/v1/logs?${window}&limit=50000`);
    const storedLogs = new Set(logs.logs.map((l) => Number(l.body.split(' ')[1])));
    expect(ackedLogs.size).toBeGreaterThan(kills);
    expect([...ackedLogs].filter((n) => !storedLogs.has(n))).toEqual([]);
    const series = await readJson<MetricSeriesResponse>(
      backend.url,
      `/api/v1/otel-metrics?${window}&name=durability.batch`
    );
    const storedPoints = new Set(series.series.map((x) => Number(x.attributes.batch)));
    expect(ackedPoints.size).toBeGreaterThan(kills);
    expect([...ackedPoints].filter((n) => !storedPoints.has(n))).toEqual([]);
    // Figures for the report: how much traffic the kills cut into.
    console.log(
      `durability: ${sent} batches sent, ${acked.size} acknowledged, ${refused} refused/cut, ` +
        `${ackedLogs.size} log and ${ackedPoints.size} metric batches acknowledged, ` +
        `${kills + 1} kills, restarts took ${restartMs.join('/')} ms`
    );
    await killHard(backend);
  });

  it('answers only 200 or 503 with Retry-After under overload, and retried batches are all stored', async () => {
    const backend = await startBackend(tempDir(), ['--max-queued-spans', '20']);
    const statuses = new Map<number, number>();
    const acked = new Map<string, string[]>();
    let retryAfterMissing = 0;

    const sender = async () => {
      for (let batch = 0; batch < 5; batch++) {
        const spans = makeTrace('checkout', 9);
        const body = otlpProtobuf(spans);
        for (;;) {
          const { status, retryAfter } = await postOtlp(backend.url, body);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200) {
            acked.set(spans[0].spanContext().traceId, ids(spans));
            break;
          }
          if (status !== 503) {
            return;
          }
          if (retryAfter === null) {
            retryAfterMissing += 1;
          }
          // What the OTLP exporters do: wait as told (Retry-After is in seconds), plus jitter.
          await sleep(Number(retryAfter ?? '1') * 1000 * (0.5 + Math.random()));
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, sender));

    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(retryAfterMissing).toBe(0);
    expect(acked.size).toBe(30 * 5);
    expect(await missingSpans(backend.url, acked)).toEqual([]);
    console.log(`overload: ${JSON.stringify(Object.fromEntries(statuses))} in ${Date.now() - started} ms`);
    await killHard(backend);
  });
});
