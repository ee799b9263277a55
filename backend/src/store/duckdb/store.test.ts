import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import type { Span, Transaction } from '@osprey/model';

import { DuckDbStore } from './store';
import { DEFAULT_MAX_QUEUED_ITEMS } from '../overload';

const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TRACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

function span(traceId: string, spanId: string, service: string, start: string, extra: Partial<Span> = {}): Span {
  return {
    traceId,
    spanId,
    name: 'GET /x',
    kind: 'server',
    startTimeUnixNano: start,
    durationNano: '1500000',
    status: 'unset',
    service,
    resource: { 'service.name': service },
    attributes: { 'http.route': '/x', n: 1, list: [1, 'a'], nested: { k: true } },
    events: [{ name: 'e', timeUnixNano: start, attributes: { a: 'b' } }],
    ...extra,
  };
}

function tx(endTime: number, fields: Partial<Transaction> = {}): Transaction {
  return {
    endTime,
    elapsed: 12.5,
    service: 'cart',
    instance: 'cart-1',
    endpoint: 'GET /api/cart',
    status: 'ok',
    traceId: TRACE_A,
    spanId: '0000000000000001',
    sqlCount: 2,
    sqlTime: 3.25,
    apiCallCount: 1,
    apiCallTime: 4,
    kind: 'web',
    ...fields,
  };
}

describe('DuckDbStore', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-store-'));
    store = await DuckDbStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips spans exactly, including 19-digit nanosecond times and unsigned 64-bit values', async () => {
    const root = span(TRACE_A, '0000000000000001', 'frontend', '1763800000123456789', {
      status: 'error',
      statusMessage: 'boom',
    });
    const leaf = span(TRACE_A, '0000000000000002', 'cart', '18446744073709551000', {
      parentSpanId: '0000000000000001',
      durationNano: '615',
      kind: 'client',
    });
    await store.insertBatch([leaf, root, span(TRACE_B, '0000000000000003', 'other', '5')], []);
    expect(await store.trace(TRACE_A)).toEqual([root, leaf]);
    expect(await store.services()).toEqual(['cart', 'frontend', 'other']);
  });

  it('answers transaction windows newest first with every filter and a truncated flag', async () => {
    const rows = [
      tx(1000, { spanId: '0000000000000001' }),
      tx(2000, {
        spanId: '0000000000000002',
        status: 'error',
        httpStatus: 500,
        errorType: 'TypeError',
        errorMessage: 'x',
        elapsed: 900,
        parentService: 'frontend',
        userId: 'u',
        clientIp: '1.2.3.4',
        threadName: 'main',
        cpuTime: 3,
      }),
      tx(3000, {
        spanId: '0000000000000003',
        service: 'frontend',
        instance: 'fe-1',
        endpoint: 'GET /',
        traceId: TRACE_B,
      }),
      tx(4000.25, { spanId: '0000000000000004' }),
    ];
    await store.insertBatch([], rows);
    const window = await store.transactions({ from: 1000, to: 4000.25, limit: 10 });
    expect(window.truncated).toBe(false);
    expect(window.transactions.map((t) => t.endTime)).toEqual([4000.25, 3000, 2000, 1000]);
    expect(window.transactions[2]).toEqual(rows[1]);
    expect(window.transactions[3]).toEqual(rows[0]);

    const limited = await store.transactions({ from: 0, to: 5000, limit: 2 });
    expect(limited).toEqual({ transactions: [rows[3], rows[2]], truncated: true });
    expect((await store.transactions({ from: 0, to: 5000, limit: 4 })).truncated).toBe(false);

    const ids = async (query: Parameters<DuckDbStore['transactions']>[0]) =>
      (await store.transactions(query)).transactions.map((t) => t.spanId.slice(-1));
    expect(await ids({ from: 1500, to: 3500, limit: 10 })).toEqual(['3', '2']);
    expect(await ids({ from: 0, to: 5000, limit: 10, service: 'frontend' })).toEqual(['3']);
    expect(await ids({ from: 0, to: 5000, limit: 10, instance: 'cart-1' })).toEqual(['4', '2', '1']);
    expect(await ids({ from: 0, to: 5000, limit: 10, endpoint: 'GET /' })).toEqual(['3']);
    expect(await ids({ from: 0, to: 5000, limit: 10, errorsOnly: true })).toEqual(['2']);
    expect(await ids({ from: 0, to: 5000, limit: 10, minElapsed: 100 })).toEqual(['2']);
    expect(await ids({ from: 0, to: 5000, limit: 10, traceId: TRACE_B })).toEqual(['3']);
    // Parameters are bound, never spliced into SQL.
    expect(await ids({ from: 0, to: 5000, limit: 10, service: "cart' OR '1'='1" })).toEqual([]);
  });

  it.each([
    ['leading zeros', '00000000000000000000000000000001', '0000000000000001'],
    ['every bit set', 'ffffffffffffffffffffffffffffffff', 'ffffffffffffffff'],
    ['high halves only', 'f000000000000000ffffffffffffffff', 'f000000000000000'],
  ])('stores ids as integers and answers them as the same hex: %s', async (_, traceId, spanId) => {
    await store.insertBatch([], [tx(1000, { traceId, spanId }), tx(1001, { traceId: TRACE_A })]);
    const found = await store.transactions({ from: 0, to: 2000, limit: 10, traceId });
    expect(found.transactions.map((t) => [t.traceId, t.spanId])).toEqual([[traceId, spanId]]);
  });

  it('commits concurrent batches (group commit) and every one is visible once its promise resolves', async () => {
    const batches = Array.from({ length: 50 }, (_, i) =>
      store.insertBatch(
        [span(TRACE_B, (i + 1).toString(16).padStart(16, '0'), `svc-${i % 3}`, String(1000 + i))],
        [tx(i, { spanId: (i + 1).toString(16).padStart(16, '0') })]
      )
    );
    await Promise.all(batches);
    expect((await store.trace(TRACE_B)).length).toBe(50);
    expect((await store.transactions({ from: 0, to: 100, limit: 1000 })).transactions.length).toBe(50);
  });

  it('reports batches and items waiting for their commit as backlog, and none once committed', async () => {
    expect(store.backlog()).toEqual({ batches: 0, items: 0, maxItems: DEFAULT_MAX_QUEUED_ITEMS });
    const batches = Array.from({ length: 5 }, (_, i) =>
      store.insertBatch(
        [span(TRACE_B, (0x100 + i).toString(16).padStart(16, '0'), 'svc', String(5000 + i))],
        [tx(500 + i, { spanId: (0x100 + i).toString(16).padStart(16, '0') })]
      )
    );
    // insertBatch hands over synchronously; the commit runs on the writer afterwards.
    expect(store.backlog()).toEqual({ batches: 5, items: 10, maxItems: DEFAULT_MAX_QUEUED_ITEMS });
    await Promise.all(batches);
    expect(store.backlog()).toEqual({ batches: 0, items: 0, maxItems: DEFAULT_MAX_QUEUED_ITEMS });
  });

  it('rejects a bad batch alone and stores none of it while its neighbours commit', async () => {
    const good = store.insertBatch([span(TRACE_A, '0000000000000001', 'a', '1')], [tx(1)]);
    // A negative nanosecond time cannot go into UBIGINT: the append throws mid-batch.
    const bad = store.insertBatch(
      [span(TRACE_B, '0000000000000002', 'b', '2'), span(TRACE_B, '0000000000000003', 'b', '-1')],
      [tx(2, { traceId: TRACE_B })]
    );
    const alsoGood = store.insertBatch([span(TRACE_A, '0000000000000004', 'a', '3')], [tx(3)]);
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow();
    await expect(alsoGood).resolves.toBeUndefined();
    expect(await store.trace(TRACE_B)).toEqual([]);
    expect((await store.transactions({ from: 0, to: 10, limit: 10 })).transactions.map((t) => t.endTime)).toEqual([
      3, 1,
    ]);
  });

  it.each([
    ['caller batch first', true],
    ['callee batch first (server span ends, and is exported, before the client span)', false],
  ])('links parentService across batches: %s', async (_name, callerFirst) => {
    const start = BigInt('1763800000000000000');
    const client = span(TRACE_A, '00000000000000c1', 'frontend', start.toString(), { kind: 'client' });
    const server = span(TRACE_A, '0000000000000051', 'cart', (start + BigInt(1000)).toString(), {
      parentSpanId: client.spanId,
    });
    const sameService = span(TRACE_A, '00000000000000d1', 'cart', (start + BigInt(2000)).toString(), {
      parentSpanId: server.spanId,
    });
    const caller = store.insertBatch([client], []);
    const callee = () =>
      store.insertBatch(
        [server, sameService],
        [
          tx(1763800000001, { service: 'cart', spanId: server.spanId }),
          tx(1763800000002, { service: 'cart', spanId: sameService.spanId }),
        ]
      );
    if (callerFirst) {
      await caller;
      await callee();
    } else {
      await callee();
      await caller;
    }
    const txs = (await store.transactions({ from: 0, to: 2e12, limit: 10 })).transactions;
    expect(txs.find((t) => t.spanId === server.spanId)!.parentService).toBe('frontend');
    expect(txs.find((t) => t.spanId === sameService.spanId)!.parentService).toBeUndefined();
  });

  it('links a transaction stored before a restart when its caller span comes after it', async () => {
    const start = BigInt('1763800000000000000');
    const server = span(TRACE_A, '0000000000000051', 'cart', (start + BigInt(1000)).toString(), {
      parentSpanId: '00000000000000c1',
    });
    await store.insertBatch([server], [tx(1763800000001, { service: 'cart', spanId: server.spanId })]);
    await store.close();
    store = await DuckDbStore.open(dir);
    await store.insertBatch([span(TRACE_A, '00000000000000c1', 'frontend', start.toString(), { kind: 'client' })], []);
    const txs = (await store.transactions({ from: 0, to: 2e12, limit: 10 })).transactions;
    expect(txs.map((t) => t.parentService)).toEqual(['frontend']);
  });

  it.each([
    [
      'spans still carry a resource column each',
      'CREATE TABLE spans (trace_id VARCHAR, resource JSON)',
      'span_resources',
    ],
    [
      'transactions still end in epoch-ms DOUBLEs',
      'CREATE TABLE transactions (end_time DOUBLE, elapsed DOUBLE)',
      'end_us',
    ],
    ['transactions keep hex ids', 'CREATE TABLE transactions (end_us BIGINT, trace_id VARCHAR)', 'integer ids'],
  ])('refuses a data dir whose %s', async (_, oldTable, named) => {
    await store.close();
    const old = mkdtempSync(path.join(tmpdir(), 'osprey-store-old-'));
    try {
      const instance = await DuckDBInstance.create(path.join(old, 'osprey.duckdb'));
      const connection = await instance.connect();
      await connection.run(oldTable);
      connection.closeSync();
      instance.closeSync();
      await expect(DuckDbStore.open(old)).rejects.toThrow(`before ${named}`);
      await expect(DuckDbStore.open(old)).rejects.toThrow('start with an empty --data-dir');
    } finally {
      rmSync(old, { recursive: true, force: true });
      store = await DuckDbStore.open(dir);
    }
  });

  it('keeps committed data across close and reopen', async () => {
    await store.insertBatch([span(TRACE_A, '0000000000000001', 'a', '1763800000123456789')], [tx(7)]);
    await store.close();
    store = await DuckDbStore.open(dir);
    expect((await store.trace(TRACE_A))[0].startTimeUnixNano).toBe('1763800000123456789');
    expect((await store.transactions({ from: 0, to: 10, limit: 10 })).transactions).toHaveLength(1);
  });
});
