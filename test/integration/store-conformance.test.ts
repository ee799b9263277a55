/**
 * Store conformance (issue 9): the same real OpenTelemetry workload (workload/store-workload.ts),
 * sent as the same OTLP batches in the same order to one backend on the DuckDB store and one on
 * the ClickHouse store (Debian's clickhouse-server, started here), must give identical answers on
 * every read route the ClickHouse store supports — and those answers must hold the workload's
 * known counts, so two empty answers cannot pass.
 *
 * Not covered because the ClickHouse store answers 501 for them yet: thread dumps, heap
 * histograms, JVM instances and capture requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

  it('answers 501 naming the feature for what the ClickHouse store lacks', async () => {
    const res = await fetch(`${ch.url}/api/v1/jvm/threaddumps`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.status).toBe(501);
    expect(await res.json()).toEqual({
      error: 'not_implemented',
      message: 'thread dumps is not supported by the clickhouse store yet',
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
    expect(Number(tables.trim())).toBe(7);
  });
});
