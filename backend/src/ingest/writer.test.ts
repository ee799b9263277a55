/**
 * The logged write path against a real DuckDB store and real files: a batch is acknowledged after
 * the ingest log's fsync, loaded later in few large groups, visible to trace-by-id within the load
 * interval, and replayed exactly once when the store never got it (the process died first).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { Transaction } from '@osprey/model';

import {
  closedAfterEach,
  closeLoggedServer,
  dieBeforeLoading,
  getFrom,
  type LoggedServer,
  itOnFullDisk,
  openLoggedServer,
  postTo as post,
  scratchDirs,
} from '../testing/logged-server';

jest.setTimeout(30_000);

const NOW = Date.now();
const tempDir = scratchDirs('osprey-writer-');

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const traceOf = (n: number) => hex(n + 1, 32);

/** One OTLP/JSON trace of `spans` spans, trace id from `n`. */
function otlpTrace(n: number, spans = 3): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'logged-svc' } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: traceOf(n),
              spanId: hex(n * 16 + i + 1, 16),
              ...(i > 0 ? { parentSpanId: hex(n * 16 + 1, 16) } : {}),
              name: i === 0 ? 'GET /logged' : `SELECT ${i}`,
              kind: i === 0 ? 2 : 3,
              startTimeUnixNano: String((NOW - 5000) * 1e6 + i),
              endTimeUnixNano: String((NOW - 4000) * 1e6),
            })),
          },
        ],
      },
    ],
  });
}

const zipkinTrace = (n: number) =>
  JSON.stringify([
    {
      traceId: traceOf(n),
      id: hex(n + 1, 16),
      name: 'get /zipkin',
      kind: 'SERVER',
      timestamp: (NOW - 5000) * 1000,
      duration: 2500,
      localEndpoint: { serviceName: 'zipkin-logged' },
    },
  ]);

const nativeBatch = (n: number): Transaction[] => [
  {
    endTime: NOW - 3000,
    elapsed: 12.5,
    service: 'native-logged',
    instance: 'n-1',
    endpoint: 'POST /pay',
    status: 'ok',
    traceId: traceOf(n).toUpperCase(),
    spanId: hex(n + 1, 16),
    sqlCount: 1,
    sqlTime: 2,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
  },
];

/** Every stored span id of a trace through the read API; [] while it is not there. */
async function traceSpans(server: LoggedServer, traceId: string): Promise<string[]> {
  const res = await getFrom(server, `/api/v1/traces/${traceId}`);
  return res.statusCode === 404 ? [] : (res.body as { spans: Array<{ spanId: string }> }).spans.map((s) => s.spanId);
}

async function nativeRows({ store }: LoggedServer): Promise<string[]> {
  const { transactions } = await store.transactions({
    from: 0,
    to: NOW + 60_000,
    service: 'native-logged',
    limit: 1000,
  });
  return transactions.map((tx) => tx.traceId);
}

describe('the logged ingest path', () => {
  const keep = closedAfterEach();

  it('acknowledges after the log, loads in few large groups, and a query after the 2xx sees the batch', async () => {
    // An interval far past the test: only the query's own barrier can have loaded the batches.
    const opened = await openLoggedServer(tempDir(), 60_000);
    keep(opened);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => post(opened, '/v1/traces', otlpTrace(n))));
    expect(answers.map((res) => res.statusCode)).toEqual(Array(40).fill(200));
    expect(opened.writer.logStats!().loads).toBe(0);
    const started = performance.now();
    expect(await traceSpans(opened, traceOf(39))).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(10_000);
    const stats = opened.writer.logStats!();
    expect(stats.appends).toBe(40);
    expect(stats.syncs).toBeLessThan(40);
    expect(stats.loads).toBe(1);
    for (let n = 0; n < 40; n++) {
      expect(await traceSpans(opened, traceOf(n))).toHaveLength(3);
    }
    expect(opened.errors).toEqual([]);
  });

  it('loads within the interval when nobody asks', async () => {
    const interval = 300;
    const opened = await openLoggedServer(tempDir(), interval);
    keep(opened);
    expect((await post(opened, '/v1/traces', otlpTrace(1))).statusCode).toBe(200);
    const acknowledged = performance.now();
    while (opened.writer.logStats!().loads === 0 && performance.now() - acknowledged < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The documented bound: the load interval plus one load's commit (generous for a shared machine).
    expect(performance.now() - acknowledged).toBeLessThan(interval + 2000);
    expect(performance.now() - acknowledged).toBeGreaterThanOrEqual(interval - 50);
    expect(opened.writer.backlog().items).toBe(0);
  });

  it('replays, exactly once, what was acknowledged but never loaded, for every format', async () => {
    const dataDir = tempDir();
    const first = await openLoggedServer(dataDir, 60_000);
    const statuses = [
      (await post(first, '/v1/traces', gzipSync(otlpTrace(1)), { 'content-encoding': 'gzip' })).statusCode,
      (await post(first, '/v1/traces', otlpTrace(2))).statusCode,
      (await post(first, '/api/v2/spans', zipkinTrace(3))).statusCode,
      (await post(first, '/api/v1/transactions', JSON.stringify(nativeBatch(4)))).statusCode,
    ];
    expect(statuses).toEqual([200, 200, 202, 200]);
    // No query: a query would load them first (read-your-writes), and the interval is far off.
    expect(first.writer.logStats!().loads).toBe(0);
    expect(first.writer.backlog().items).toBe(11);
    // The process dies before its loader ran: the store is closed under it, the log left as it is.
    await dieBeforeLoading(first);

    const second = await openLoggedServer(dataDir, 60_000);
    expect(await traceSpans(second, traceOf(1))).toHaveLength(3);
    expect(await traceSpans(second, traceOf(2))).toHaveLength(3);
    expect(await traceSpans(second, traceOf(3))).toHaveLength(1);
    expect(await nativeRows(second)).toEqual([traceOf(4)]);
    // One more, loaded at shutdown: its record stays in the active segment, only the position says it is in.
    expect((await post(second, '/v1/traces', otlpTrace(5))).statusCode).toBe(200);
    await closeLoggedServer(second);

    // Loaded and recorded with the rows: a third start replays nothing and has dropped the old segments.
    const third = await openLoggedServer(dataDir, 60_000);
    keep(third);
    expect(await traceSpans(third, traceOf(1))).toHaveLength(3);
    expect(await traceSpans(third, traceOf(5))).toHaveLength(3);
    expect(await nativeRows(third)).toEqual([traceOf(4)]);
    expect(third.writer.logStats!().loads).toBe(0);
    // Every older segment is at or below the stored position, so deleted: only the new, empty one is left.
    expect(readdirSync(path.join(dataDir, 'ingest-log')).filter((f) => f.endsWith('.log'))).toHaveLength(1);
    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
  });

  it('bounds what is acknowledged and not loaded: 503 with Retry-After past it, and a load starts at once', async () => {
    const server = await openLoggedServer(tempDir(), 60_000, 10);
    keep(server);
    expect((await post(server, '/v1/traces', otlpTrace(1, 6))).statusCode).toBe(200);
    const refused = await post(server, '/v1/traces', otlpTrace(2, 6));
    expect(refused.statusCode).toBe(503);
    expect(refused.retryAfter).toBe('1');
    // Not the 60 s timer: the refusal itself started the load.
    const started = performance.now();
    while ((await traceSpans(server, traceOf(1))).length === 0 && performance.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await traceSpans(server, traceOf(1))).toHaveLength(6);
    expect((await post(server, '/v1/traces', otlpTrace(2, 6))).statusCode).toBe(200);
  });

  describe('on a full disk', () => {
    itOnFullDisk(
      'answers 507, acknowledges nothing it could not log, and loses nothing it acknowledged',
      async (opened, free) => {
        // ~30 KB bodies: a few fit beside the filler, then the disk is full.
        const big = (n: number) =>
          otlpTrace(n, 1).replace('"GET /logged"', JSON.stringify(`GET /${'x'.repeat(30_000)}`));
        const statuses = new Map<number, number>();
        for (let n = 0; n < 10; n++) {
          const res = await post(opened, '/v1/traces', big(n));
          statuses.set(n, res.statusCode);
        }
        expect([...new Set(statuses.values())].sort()).toEqual([200, 507]);
        free();
        expect((await post(opened, '/v1/traces', big(20))).statusCode).toBe(200);
        await opened.writer.close();
        for (const [n, status] of statuses) {
          expect([n, await traceSpans(opened, traceOf(n))]).toEqual([n, status === 200 ? [hex(n * 16 + 1, 16)] : []]);
        }
        expect(await traceSpans(opened, traceOf(20))).toHaveLength(1);
        expect(opened.errors).toEqual([]);
      }
    );
  });
});
