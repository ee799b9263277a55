import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEFAULT_APDEX_T_MS, type Span } from '@osprey/model';

import { deriveTransactions } from '../../derive/transactions';
import { DuckDbStore } from './store';
import { endWindowMicros } from './settle';

const TRACE = 'cccccccccccccccccccccccccccccccc';
const SETTLE_MS = 1000;
/** 2025-11-22T08:27:00Z: a minute boundary, in ms. */
const MINUTE = 1763800020000;

function span(spanId: string, service: string, fields: Partial<Span> & { startMs: number; durationMs: number }): Span {
  const { startMs, durationMs, ...rest } = fields;
  return {
    traceId: TRACE,
    spanId,
    name: spanId,
    kind: 'client',
    startTimeUnixNano: (BigInt(MINUTE + startMs) * BigInt(1_000_000)).toString(),
    durationNano: (BigInt(durationMs) * BigInt(1_000_000)).toString(),
    status: 'unset',
    service,
    resource: { 'service.name': service, 'service.instance.id': `${service}-1` },
    attributes: {},
    events: [],
    ...rest,
  };
}

// gateway GET /order → orders GET /create → 2 db queries + a call to stock; stock queries once.
const gatewayServer = span('0000000000000001', 'gateway', {
  kind: 'server',
  name: 'GET /order',
  startMs: 0,
  durationMs: 200,
});
const gatewayCall = span('0000000000000002', 'gateway', {
  parentSpanId: '0000000000000001',
  startMs: 1,
  durationMs: 150,
  attributes: { 'net.peer.name': '127.0.0.1', 'net.peer.port': 4001 },
});
const ordersServer = span('0000000000000003', 'orders', {
  kind: 'server',
  name: 'GET /create',
  parentSpanId: '0000000000000002',
  startMs: 2,
  durationMs: 140,
});
const query1 = span('0000000000000004', 'orders', {
  parentSpanId: '0000000000000003',
  startMs: 3,
  durationMs: 10,
  attributes: { 'db.system': 'duckdb', 'db.name': 'orders' },
});
const query2 = span('0000000000000005', 'orders', {
  parentSpanId: '0000000000000003',
  startMs: 14,
  durationMs: 20,
  status: 'error',
  attributes: { 'db.system': 'duckdb', 'db.name': 'orders' },
});
const stockCall = span('0000000000000006', 'orders', {
  parentSpanId: '0000000000000003',
  startMs: 40,
  durationMs: 80,
  attributes: { 'server.address': 'stock.internal', 'http.response.status_code': 503 },
});
const stockServer = span('0000000000000007', 'stock', {
  kind: 'server',
  name: 'GET /reserve',
  parentSpanId: '0000000000000006',
  startMs: 41,
  durationMs: 78,
  status: 'error',
});

describe('endWindowMicros', () => {
  const settled = (...ends: number[]) =>
    ends.map((endTime, i) => ({
      traceId: 't',
      spanId: String(i),
      endTime,
      sqlCount: 0,
      sqlTime: 0,
      apiCallCount: 0,
      apiCallTime: 0,
    }));
  it.each([
    ['one end', [1000.5], [1000499, 1000501]],
    ['several, out of order', [2000.25, 1000.5, 1500], [1000499, 2000251]],
    ['sub-µs digits rounded as stored', [1.0004, 1.0006], [999, 1002]],
  ])('%s → the stored end_us range ± 1 µs', (_name, ends, [from, to]) => {
    expect(endWindowMicros(settled(...ends))).toEqual({ from: BigInt(from), to: BigInt(to) });
  });
});

describe('DuckDbStore settling', () => {
  let dir: string;
  let store: DuckDbStore;

  /** Ingests one batch the way POST /v1/traces does: spans plus the transactions derived from them alone. */
  const ingest = (spans: Span[]) => store.insertBatch(spans, deriveTransactions(spans));

  const figures = async () =>
    Object.fromEntries(
      (await store.transactions({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 })).transactions.map((tx) => [
        tx.endpoint,
        [tx.sqlCount, tx.sqlTime, tx.apiCallCount, tx.apiCallTime],
      ])
    );

  const edges = async () =>
    (await store.serviceMap(MINUTE, MINUTE + 59_999, DEFAULT_APDEX_T_MS)).edges.map((e) => [e.id, e.calls, e.errors]);

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-settle-'));
    store = await DuckDbStore.open(dir, { settleMs: SETTLE_MS, autoSettle: false });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts children that arrived in a batch before and a batch after their entry span, once the trace is quiet', async () => {
    await ingest([query1, gatewayCall]);
    await ingest([ordersServer, gatewayServer]);
    // The last batch arrives no earlier than this: a settle run just short of a quiet window after
    // it finds the trace still open however long the inserts and reads below take.
    const lastBatchFrom = Date.now();
    await ingest([query2, stockCall, stockServer]);
    const provisional = {
      'GET /order': [0, 0, 0, 0],
      'GET /create': [0, 0, 0, 0],
      'GET /reserve': [0, 0, 0, 0],
    };
    expect(await figures()).toEqual(provisional);

    // Not yet quiet for the whole window: nothing settles.
    expect(await store.settleDue(lastBatchFrom + SETTLE_MS - 1)).toBe(0);
    expect(await figures()).toEqual(provisional);
    expect(await edges()).toEqual([]);

    expect(await store.settleDue(Date.now() + SETTLE_MS + 1)).toBe(1);
    expect(await figures()).toEqual({
      'GET /order': [0, 0, 1, 150],
      'GET /create': [2, 30, 1, 80],
      'GET /reserve': [0, 0, 0, 0],
    });
    expect(await edges()).toEqual([
      ['gateway->orders', 1, 0],
      ['orders->db:duckdb:orders', 2, 1],
      ['orders->stock', 1, 1],
    ]);
    // Settled state is gone: a second run finds nothing and adds nothing.
    expect(await store.settleDue(Date.now() + 10 * SETTLE_MS)).toBe(0);
    expect(await edges()).toHaveLength(3);
  });

  it('a straggler after settling updates the figures and adds only its own call', async () => {
    await ingest([gatewayServer, gatewayCall, ordersServer, query1]);
    expect(await store.settleDue(Date.now() + SETTLE_MS + 1)).toBe(1);
    // The callee's server span was there: gateway→orders is a service edge, not an external.
    expect(await edges()).toEqual([
      ['gateway->orders', 1, 0],
      ['orders->db:duckdb:orders', 1, 0],
    ]);
    await ingest([query2]);
    expect(await store.settleDue(Date.now() + SETTLE_MS + 1)).toBe(1);
    expect((await figures())['GET /create']).toEqual([2, 30, 0, 0]);
    expect(await edges()).toEqual([
      ['gateway->orders', 1, 0],
      ['orders->db:duckdb:orders', 2, 1],
    ]);
  });

  it('settles a trace that never goes quiet once its oldest span waited six windows', async () => {
    await ingest([gatewayServer]);
    const first = Date.now();
    await ingest([gatewayCall]);
    // gatewayCall arrived just now, so the trace is not quiet; its first span is overdue, though.
    expect(await store.settleDue(first + SETTLE_MS - 1)).toBe(0);
    expect(await store.settleDue(first + 6 * SETTLE_MS + 1)).toBe(1);
    expect(await edges()).toEqual([['gateway->ext:127.0.0.1:4001', 1, 0]]);
  });

  it('keeps unsettled traces across a reopen of the data directory', async () => {
    await ingest([gatewayServer, gatewayCall, ordersServer, query1, query2]);
    await store.close();
    store = await DuckDbStore.open(dir, { settleMs: SETTLE_MS, autoSettle: false });
    expect(await store.settleDue(Date.now() + SETTLE_MS + 1)).toBe(1);
    expect((await figures())['GET /create']).toEqual([2, 30, 0, 0]);
  });

  it('settles on its own timer', async () => {
    await store.close();
    store = await DuckDbStore.open(dir, { settleMs: 200 });
    await ingest([gatewayServer, gatewayCall, ordersServer]);
    const deadline = Date.now() + 5000;
    while ((await edges()).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await edges()).toEqual([['gateway->orders', 1, 0]]);
    expect((await figures())['GET /order']).toEqual([0, 0, 1, 150]);
  });

  it('answers the service map with node stats, per-window rates and bucket percentiles', async () => {
    await ingest([gatewayServer, gatewayCall, ordersServer, query1, query2, stockCall, stockServer]);
    await store.settleDue(Date.now() + SETTLE_MS + 1);
    const map = await store.serviceMap(MINUTE, MINUTE + 59_999, DEFAULT_APDEX_T_MS);
    expect(map.nodes).toEqual([
      {
        id: 'db:duckdb:orders',
        type: 'database',
        name: 'orders',
        dbSystem: 'duckdb',
        transactions: 0,
        errors: 1,
      },
      { id: 'gateway', type: 'service', name: 'gateway', transactions: 1, errors: 0, p95: 200, apdex: 1 },
      { id: 'orders', type: 'service', name: 'orders', transactions: 1, errors: 0, p95: 140, apdex: 1 },
      { id: 'stock', type: 'service', name: 'stock', transactions: 1, errors: 1, p95: 78, apdex: 1 },
    ]);
    const db = map.edges.find((e) => e.id === 'orders->db:duckdb:orders')!;
    // Two calls (10 ms, 20 ms) over one minute: p50 is the 10 ms call's bucket, p95 the 20 ms one's.
    expect(db).toMatchObject({ source: 'orders', target: 'db:duckdb:orders', calls: 2, errors: 1, rate: 2 / 60 });
    expect(db.p50).toBeGreaterThanOrEqual(10);
    expect(db.p50).toBeLessThan(10 * 1.19);
    expect(db.p95).toBe(db.p99);
    expect(db.p95).toBeGreaterThanOrEqual(20);
    expect(db.p95).toBeLessThan(20 * 1.19);
    // The minute before and the minute after hold nothing; a two-minute window halves the rate.
    expect((await store.serviceMap(MINUTE - 60_000, MINUTE - 1, DEFAULT_APDEX_T_MS)).edges).toEqual([]);
    expect((await store.serviceMap(MINUTE + 60_000, MINUTE + 60_001, DEFAULT_APDEX_T_MS)).edges).toEqual([]);
    const wide = await store.serviceMap(MINUTE - 30_000, MINUTE + 30_000, DEFAULT_APDEX_T_MS);
    expect(wide.edges.find((e) => e.id === 'orders->db:duckdb:orders')!.rate).toBe(2 / 120);
  });
});

/** The same spans with another trace id, so two traces settle side by side. */
const otherTrace = (spans: Span[]) => spans.map((s) => ({ ...s, traceId: 'dddddddddddddddddddddddddddddddd' }));

/** The spans moved to start `ms` later. */
const shifted = (spans: Span[], ms: number) =>
  spans.map((s) => ({
    ...s,
    startTimeUnixNano: (BigInt(s.startTimeUnixNano) + BigInt(ms) * BigInt(1_000_000)).toString(),
  }));

/** Milliseconds from the fixture's minute to two hours from now: a client clock ahead. */
const AHEAD_MS = Date.now() + 2 * 3600_000 - MINUTE;

type Step = Span[] | 'settle' | 'reopen';

describe('DuckDbStore settling from memory and from the database', () => {
  const dirs: string[] = [];

  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** Runs the steps on a fresh store; answers every transaction and edge, and where traces settled from. */
  async function play(steps: Step[], settleMemorySpans?: number) {
    const dir = mkdtempSync(path.join(tmpdir(), 'osprey-settle-paths-'));
    dirs.push(dir);
    const options = { settleMs: SETTLE_MS, autoSettle: false, settleMemorySpans };
    let store = await DuckDbStore.open(dir, options);
    const settledFrom = { memory: 0, database: 0 };
    const count = () => {
      const now = store.settledFrom();
      settledFrom.memory += now.memory;
      settledFrom.database += now.database;
    };
    try {
      for (const step of steps) {
        if (step === 'settle') {
          await store.settleDue(Date.now() + SETTLE_MS + 1);
        } else if (step === 'reopen') {
          count();
          await store.close();
          store = await DuckDbStore.open(dir, options);
        } else {
          await store.insertBatch(step, deriveTransactions(step));
        }
      }
      count();
      const transactions = (await store.transactions({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 }))
        .transactions;
      const map = await store.serviceMap(MINUTE, MINUTE + 59_999, DEFAULT_APDEX_T_MS);
      return { answer: { transactions, map }, settledFrom };
    } finally {
      await store.close();
    }
  }

  const all = [gatewayServer, gatewayCall, ordersServer, query1, query2, stockCall, stockServer];

  it.each<[string, Step[], number | undefined, { memory: number; database: number }]>([
    [
      'children in batches before and after their entry',
      [[query1, gatewayCall], [ordersServer, gatewayServer], [query2, stockCall, stockServer], 'settle'],
      undefined,
      { memory: 1, database: 0 },
    ],
    [
      'a straggler after the trace settled',
      [[gatewayServer, gatewayCall, ordersServer, query1], 'settle', [query2, stockCall], 'settle'],
      undefined,
      { memory: 1, database: 1 },
    ],
    ['the same batch stored twice (an exporter retry)', [all, all, 'settle'], undefined, { memory: 1, database: 0 }],
    [
      'the memory bound exceeded by the first of two traces, whose spans make room for the second',
      [[...all, ...otherTrace([gatewayServer, gatewayCall])], 'settle'],
      3,
      { memory: 1, database: 1 },
    ],
    [
      'the memory bound exceeded by the second trace only',
      [[...otherTrace([gatewayServer, gatewayCall]), ...all], 'settle'],
      4,
      { memory: 1, database: 1 },
    ],
    [
      'a restart with pending traces',
      [[gatewayServer, gatewayCall, ordersServer, query1], 'reopen', [query2, stockCall, stockServer], 'settle'],
      undefined,
      { memory: 0, database: 1 },
    ],
    [
      'a new trace within the hour after spans stored before a restart, and a straggler',
      [all, 'settle', 'reopen', otherTrace(all), [{ ...query2, spanId: '0000000000000009' }], 'settle'],
      undefined,
      { memory: 1, database: 2 },
    ],
    [
      'a trace from a clock ahead stored before a restart, a new trace and the straggler of the first',
      [
        shifted(otherTrace(all), AHEAD_MS),
        'settle',
        'reopen',
        [...all, ...shifted(otherTrace([{ ...query2, spanId: '0000000000000009' }]), AHEAD_MS)],
        'settle',
      ],
      undefined,
      { memory: 2, database: 1 },
    ],
  ])(
    '%s: the same answer from both',
    async (_name, steps, bound, expected) => {
      const fromDatabase = await play(steps, 0);
      const fromMemory = await play(steps, bound);
      expect(fromDatabase.settledFrom.memory).toBe(0);
      expect(fromMemory.settledFrom).toEqual(expected);
      expect(fromMemory.answer).toEqual(fromDatabase.answer);
      // Settled: some transaction counts a child that reached the store in another batch, or a call was mapped.
      expect(fromMemory.answer.map.edges.length).toBeGreaterThan(0);
    },
    // Two to four opens of a DuckDB file each: slow on a loaded machine.
    30_000
  );
});
