/**
 * Store conformance (issue 9): the same real OpenTelemetry workload (workload/store-workload.ts),
 * sent as the same OTLP batches in the same order to one backend on the DuckDB store and one on
 * the ClickHouse store (Debian's clickhouse-server, started here), must give identical answers on
 * every read route the ClickHouse store supports — and those answers must hold the workload's
 * known counts, so two empty answers cannot pass.
 *
 * Not covered because the ClickHouse store answers 501 for them yet: JVM capture requests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ServicesResponse, Span, TransactionsResponse } from '@osprey/model';

import { type Backend, buildBackend, killAll, postOtlp, startBackend, TOKENS } from './osprey-cli';
import { type ClickHouse, startClickHouse, stopAll } from './real-servers';
import { conformanceCases, get, roundFloats, waitSettled } from './store-compare';
import { makeWorkload, SERVICES } from './workload/store-workload';

jest.setTimeout(180_000);

/** Longer than sending the whole workload takes, so each trace settles once, with all its spans, on both stores. */
const SETTLE_MS = 4000;
const JVM_FIXTURES = path.join(__dirname, '..', 'fixtures', 'jvm', 'jdk17');
/** Set by the receiving backend's clock (or its id generator), so they differ between the two. */
const VOLATILE = new Set(['id', 'receivedAt', 'takenAt', 'lastThreadDumpAt', 'lastHeapHistogramAt']);

function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutVolatile);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !VOLATILE.has(key))
        .map(([key, inner]) => [key, withoutVolatile(inner)])
    );
  }
  return value;
}

describe('store conformance: DuckDB and ClickHouse answer alike', () => {
  const workload = makeWorkload();
  let dataDir: string;
  let clickhouse: ClickHouse;
  let duck: Backend;
  let ch: Backend;

  beforeAll(async () => {
    buildBackend();
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-conformance-'));
    clickhouse = await startClickHouse();
    duck = await startBackend(path.join(dataDir, 'duck'), ['--settle-ms', String(SETTLE_MS)]);
    ch = await startBackend(path.join(dataDir, 'unused'), [
      '--store',
      'clickhouse',
      '--clickhouse-url',
      clickhouse.url,
      '--clickhouse-database',
      'conformance',
      '--settle-ms',
      String(SETTLE_MS),
    ]);
    for (const batch of workload.batches) {
      for (const backend of [duck, ch]) {
        expect((await postOtlp(backend.url, batch.body)).status).toBe(200);
      }
    }
    // Active snapshots, the older one of an instance arriving last (a retry after a 503).
    const now = Date.now();
    const snapshot = (instance: string, takenAt: number, elapsed: number) => ({
      service: 'cart',
      instance,
      takenAt,
      requests: [{ endpoint: 'GET /cart', elapsed, traceId: workload.traceIds[0], threadName: 'http-1' }],
    });
    for (const body of [
      snapshot('cart-1', now, 4200),
      snapshot('cart-2', now - 10, 9000),
      snapshot('cart-1', now - 5, 100),
    ]) {
      for (const backend of [duck, ch]) {
        const res = await fetch(`${backend.url}/api/v1/active`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(204);
      }
    }
    for (const backend of [duck, ch]) {
      for (const [route, file] of [
        ['threaddumps', 'jcmd-thread-print.txt'],
        ['threaddumps', 'lock-jstack-l.txt'],
        ['heaphistograms', 'class_histogram.txt'],
      ]) {
        const res = await fetch(`${backend.url}/api/v1/jvm/${route}?service=cart&instance=cart-1`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: readFileSync(path.join(JVM_FIXTURES, file)),
        });
        expect(res.status).toBe(201);
      }
    }
    await waitSettled(duck, workload, 'the DuckDB backend');
    await waitSettled(ch, workload, 'the ClickHouse backend');
  });

  afterAll(async () => {
    killAll();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('both stores hold the whole workload', async () => {
    for (const backend of [duck, ch]) {
      expect((await get<ServicesResponse>(backend, '/api/v1/services')).services).toEqual([...SERVICES]);
      const rows = await get<TransactionsResponse>(
        backend,
        `/api/v1/transactions?from=${workload.from}&to=${workload.to}&limit=1000`
      );
      expect(rows.transactions).toHaveLength(workload.transactions);
      // Settled figures: every successful checkout's cart transaction counted both of its queries.
      const carts = rows.transactions.filter((tx) => tx.service === 'cart');
      expect(carts.every((tx) => tx.sqlCount === 2 && tx.parentService === 'frontend')).toBe(true);
      const trace = await get<{ spans: Span[] }>(backend, `/api/v1/traces/${workload.traceIds[0]}`);
      expect(new Set(trace.spans.map((span) => span.service))).toEqual(new Set(['frontend', 'cart', 'payment']));
      const active = await get<{ instances: Array<{ instance: string; requests: Array<{ elapsed: number }> }> }>(
        backend,
        '/api/v1/active'
      );
      expect(active.instances.map((i) => [i.instance, i.requests[0].elapsed])).toEqual([
        ['cart-1', 4200],
        ['cart-2', 9000],
      ]);
    }
  });

  it.each(conformanceCases(workload))('%s: %s', async (_, route) => {
    const [expected, actual] = await Promise.all([get(duck, route), get(ch, route)]);
    expect(roundFloats(actual)).toEqual(roundFloats(expected));
  });

  it.each([
    ['thread dumps', '/api/v1/jvm/threaddumps?service=cart'],
    ['heap histograms', '/api/v1/jvm/heaphistograms'],
    ['JVM instances', '/api/v1/jvm/instances'],
  ])('%s: same content, ids and receive times aside', async (_, route) => {
    const [expected, actual] = await Promise.all([get(duck, route), get(ch, route)]);
    expect(JSON.stringify(expected).length).toBeGreaterThan(100);
    expect(withoutVolatile(actual)).toEqual(withoutVolatile(expected));
  });

  it('answers each stored dump and histogram by id, raw text included', async () => {
    for (const backend of [duck, ch]) {
      const dumps = await get<{ threadDumps: Array<{ id: string }> }>(backend, '/api/v1/jvm/threaddumps');
      expect(dumps.threadDumps).toHaveLength(2);
      const raw = await fetch(`${backend.url}/api/v1/jvm/threaddumps/${dumps.threadDumps[1].id}/raw`, {
        headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
      });
      expect(await raw.text()).toBe(readFileSync(path.join(JVM_FIXTURES, 'jcmd-thread-print.txt'), 'utf8'));
    }
    const [duckDump, chDump] = await Promise.all(
      [duck, ch].map(async (backend) => {
        const list = await get<{ threadDumps: Array<{ id: string }> }>(backend, '/api/v1/jvm/threaddumps');
        return get(backend, `/api/v1/jvm/threaddumps/${list.threadDumps[0].id}`);
      })
    );
    expect(withoutVolatile(chDump)).toEqual(withoutVolatile(duckDump));
  });

  it('answers 501 naming the feature for what the ClickHouse store lacks', async () => {
    const res = await fetch(`${ch.url}/api/v1/jvm/requests`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.status).toBe(501);
    expect(await res.json()).toEqual({
      error: 'not_implemented',
      message: 'JVM capture requests is not supported by the clickhouse store yet',
    });
  });

  it('keeps injection attempts inside their literals', async () => {
    for (const service of ["x' OR '1'='1", "\\' OR 1=1 --", 'nul\0byte', 'ünï 🦅']) {
      const rows = await get<TransactionsResponse>(
        ch,
        `/api/v1/transactions?from=${workload.from}&to=${workload.to}&service=${encodeURIComponent(service)}`
      );
      expect(rows.transactions).toEqual([]);
    }
    const tables = await clickhouse.query("SELECT count() FROM system.tables WHERE database = 'conformance'");
    expect(Number(tables.trim())).toBe(9);
  });
});
