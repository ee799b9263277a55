/**
 * The ClickHouse store against Debian's clickhouse-server, below the HTTP API: what the
 * conformance suite cannot force — literals round-tripping through the real SQL parser, a trace
 * settled twice (a callee's span arriving after the first settle), two backends settling the same
 * trace at once, a resent batch, retention by partition drop (spans and JVM captures).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DEFAULT_APDEX_T_MS, JVM_REQUEST_TIMEOUT_MS, type Span } from '@osprey/model';

import { deriveTransactions } from '../../backend/src/derive/transactions';
import { analyzeThreadDump, parseClassHistogram, parseThreadDump } from '../../backend/src/jvm';
import { ClickHouseConnection } from '../../backend/src/store/clickhouse/connection';
import { str } from '../../backend/src/store/clickhouse/sql';
import { ClickHouseStore } from '../../backend/src/store/clickhouse/store';
import { sortableId } from '../../backend/src/store/ids';
import type { WindowAnswer } from '../../backend/src/store/window';
import { generateTransactions } from '../../backend/src/testing/generate';
import { type ClickHouse, startClickHouse, stopAll } from './real-servers';

jest.setTimeout(60_000);

const SETTLE_MS = 1000;
const DAY = 86_400_000;
/** A minute boundary a little in the past, in ms. */
const MINUTE = Math.floor((Date.now() - 3600_000) / 60_000) * 60_000;

let clickhouse: ClickHouse;
let database = 0;
const open: ClickHouseStore[] = [];

/** A store on a database of its own; `shared` opens a second store on the previous one. */
async function store(shared = false): Promise<ClickHouseStore> {
  database += shared ? 0 : 1;
  const opened = await ClickHouseStore.open(
    { url: clickhouse.url, database: `store_${database}` },
    { settleMs: SETTLE_MS, autoSettle: false }
  );
  open.push(opened);
  return opened;
}

function span(traceId: string, spanId: string, service: string, fields: Partial<Span> & { startMs: number }): Span {
  const { startMs, ...rest } = fields;
  return {
    traceId,
    spanId,
    name: spanId,
    kind: 'client',
    startTimeUnixNano: (BigInt(MINUTE + startMs) * BigInt(1_000_000)).toString(),
    durationNano: (BigInt(10) * BigInt(1_000_000)).toString(),
    status: 'unset',
    service,
    resource: { 'service.name': service, 'service.instance.id': `${service}-1` },
    attributes: {},
    events: [],
    ...rest,
  };
}

/** frontend's server span and its client call to cart, cart's server span, cart's db call. */
function checkout(traceId: string): { frontend: Span[]; cart: Span[] } {
  return {
    frontend: [
      span(traceId, 'f1', 'frontend', { startMs: 0, kind: 'server', durationNano: '50000000' }),
      span(traceId, 'f2', 'frontend', { startMs: 1, parentSpanId: 'f1', attributes: { 'server.address': 'cart' } }),
    ],
    cart: [
      span(traceId, 'c1', 'cart', { startMs: 2, kind: 'server', parentSpanId: 'f2' }),
      span(traceId, 'c2', 'cart', { startMs: 3, parentSpanId: 'c1', attributes: { 'db.system.name': 'postgresql' } }),
    ],
  };
}

const insert = (target: ClickHouseStore, spans: Span[]) => target.insertBatch(spans, deriveTransactions(spans));
const edges = async (target: ClickHouseStore) =>
  (await target.serviceMap(MINUTE - 60_000, MINUTE + 120_000, DEFAULT_APDEX_T_MS)).edges.map(
    (edge) => `${edge.id} ${edge.calls}`
  );

beforeAll(async () => {
  clickhouse = await startClickHouse();
});

afterAll(async () => {
  await Promise.all(open.map((opened) => opened.close()));
  await stopAll();
});

describe('literal SQL', () => {
  it.each([
    "it's",
    'back\\slash',
    "\\'; DROP TABLE spans; --",
    "' OR '1'='1",
    'nul\0byte',
    'tab\tnew\nline\r',
    'ünïcødé 🦅 中文',
    '{p:String}',
    '$1 ? %s',
  ])('%j reads back unchanged from the real parser', async (value) => {
    const connection = new ClickHouseConnection({ url: clickhouse.url, database: 'default' });
    try {
      expect(await connection.rows(`SELECT ${str(value)} AS v`)).toEqual([{ v: value }]);
    } finally {
      await connection.close();
    }
  });

  it('stores and finds a service named like an injection', async () => {
    const target = await store();
    const service = "x'); DROP TABLE spans; --\\";
    await insert(target, [span('a'.repeat(32), 's1', service, { startMs: 0, kind: 'server' })]);
    expect(await target.services()).toEqual([service]);
    const rows = await target.transactions({ from: MINUTE - 1000, to: MINUTE + 1000, service, limit: 10 });
    expect(rows.transactions.map((tx) => tx.service)).toEqual([service]);
  });
});

describe('settling', () => {
  it('re-settles a trace whose callee arrived late: the call moves from the external peer to the service', async () => {
    const target = await store();
    const { frontend, cart } = checkout('b'.repeat(32));
    await insert(target, frontend);
    expect(await target.settleDue(Date.now() + SETTLE_MS)).toBe(1);
    expect(await edges(target)).toEqual(['frontend->ext:cart 1']);
    await insert(target, cart);
    expect(await target.settleDue(Date.now() + SETTLE_MS)).toBe(1);
    expect(await edges(target)).toEqual(['cart->db:postgresql:postgresql 1', 'frontend->cart 1']);
    const rows = await target.transactions({ from: MINUTE - 1000, to: MINUTE + 60_000, service: 'cart', limit: 10 });
    expect(rows.transactions.map((tx) => [tx.sqlCount, tx.parentService])).toEqual([[1, 'frontend']]);
    expect(await target.settleDue(Date.now() + SETTLE_MS)).toBe(0);
  });

  it('counts a trace once when two backends settle it at the same time', async () => {
    const first = await store();
    const second = await store(true);
    const { frontend, cart } = checkout('c'.repeat(32));
    await insert(first, frontend);
    await insert(second, cart);
    const now = Date.now() + SETTLE_MS;
    expect(await Promise.all([first.settleDue(now), second.settleDue(now)])).toEqual([1, 1]);
    for (const target of [first, second]) {
      expect(await edges(target)).toEqual(['cart->db:postgresql:postgresql 1', 'frontend->cart 1']);
    }
  });
});

describe('writes', () => {
  it('keeps a resent batch once', async () => {
    const target = await store();
    const { frontend, cart } = checkout('d'.repeat(32));
    for (let i = 0; i < 2; i++) {
      await insert(target, [...frontend, ...cart]);
    }
    expect((await target.trace('d'.repeat(32))).map((s) => s.spanId)).toEqual(['f1', 'f2', 'c1', 'c2']);
    const rows = await target.transactions({ from: MINUTE - 1000, to: MINUTE + 60_000, limit: 10 });
    expect(rows.transactions).toHaveLength(2);
  });

  it('drops whole day partitions older than the cutoff', async () => {
    const target = await store();
    const now = Date.now();
    const old = span('e'.repeat(32), 'old', 'jobs', { startMs: now - 3 * DAY - MINUTE, kind: 'server' });
    const recent = span('f'.repeat(32), 'new', 'jobs', { startMs: 0, kind: 'server' });
    await insert(target, [old, recent]);
    expect(await target.deleteOlderThan('spans', now - 2 * DAY)).toBe(1);
    expect(await target.trace('e'.repeat(32))).toEqual([]);
    expect(await target.trace('f'.repeat(32))).toHaveLength(1);
    expect(await target.deleteOlderThan('spans', now - 2 * DAY)).toBe(0);
  });

  it('drops the day partitions of thread dumps and heap histograms past the jvm tier', async () => {
    const target = await store();
    const fixtures = path.resolve(__dirname, '../fixtures/jvm/jdk17');
    const dumpText = readFileSync(path.join(fixtures, 'lock-jstack-l.txt'));
    const histogramText = readFileSync(path.join(fixtures, 'class_histogram.txt'));
    const analysed = analyzeThreadDump(parseThreadDump(dumpText.toString('utf8')));
    const histogram = parseClassHistogram(histogramText.toString('utf8'));
    const jvm = { service: 'shop', instance: 'shop-1' };
    const now = Date.now();
    for (const [id, takenAt] of [
      ['old', now - 3 * DAY],
      ['new', now],
    ] as const) {
      await target.insertThreadDump({
        id: `dump-${id}`,
        ...jvm,
        takenAt,
        receivedAt: takenAt,
        dump: { ...analysed, ...jvm, takenAt },
        raw: dumpText,
        contentType: 'text/plain',
      });
      await target.insertHeapHistogram({
        id: `histogram-${id}`,
        ...jvm,
        takenAt,
        receivedAt: takenAt,
        histogram: { ...histogram, ...jvm, takenAt },
        raw: histogramText,
      });
    }
    for (const [id, requestedAt] of [
      ['request-old', now - 3 * DAY],
      ['request-new', now],
    ] as const) {
      await target.createJvmRequest({ id, ...jvm, kind: 'threaddump', now: requestedAt });
    }
    // A day-old request's rows go with it: its creation and the failure that expired it.
    expect(await target.jvmRequests({}, now)).toHaveLength(2);
    expect(await target.deleteOlderThan('jvm', now - 2 * DAY)).toBe(4);
    const everything = { ...jvm, from: 0, to: now + DAY, limit: 10 };
    expect((await target.captures.threadDumps(everything)).map((d) => d.id)).toEqual(['dump-new']);
    expect((await target.captures.heapHistograms(everything)).map((h) => h.id)).toEqual(['histogram-new']);
    expect((await target.jvmRequests({}, now)).map((r) => [r.id, r.status])).toEqual([['request-new', 'pending']]);
  });
});

describe('the XLOG window', () => {
  async function rowsOf(answer: WindowAnswer): Promise<Array<Array<string | null>>> {
    if (answer.kind !== 'rows') {
      throw new Error(`a ${answer.kind} answer`);
    }
    const rows: Array<Array<string | null>> = [];
    for await (const batch of answer.batches) {
      for (let i = 0; i < batch.length; i++) {
        rows.push(
          answer.columns.map(({ dictionary }, c) => {
            const value = batch.columns[c].values[i];
            return dictionary ? dictionary[value as number] : (value as string | null);
          })
        );
      }
    }
    return rows.sort();
  }

  it('counts a resent batch once, as transactions() does', async () => {
    const target = await store();
    const { frontend, cart } = checkout('9'.repeat(32));
    for (let i = 0; i < 2; i++) {
      await insert(target, [...frontend, ...cart]);
    }
    const answer = await target.transactionWindow({ from: MINUTE - 1000, to: MINUTE + 60_000, limit: 10 }, [
      'service',
      'spanId',
    ]);
    expect(answer).toMatchObject({ matched: 2, truncated: false });
    expect(await rowsOf(answer)).toEqual([
      ['cart', 'c1'],
      ['frontend', 'f1'],
    ]);
  });

  it('codes a dictionary whose literals outgrow the default 256 KiB max_query_size', async () => {
    const target = await store();
    const endpoints = Array.from({ length: 12_000 }, (_, i) => `GET /catalog/items/${String(i).padStart(5, '0')}`);
    const transactions = generateTransactions({ seed: 3, count: endpoints.length, from: MINUTE, spanMs: 60_000 }).map(
      (tx, i) => ({ ...tx, endpoint: endpoints[i] })
    );
    await target.insertBatch([], transactions);
    const answer = await target.transactionWindow({ from: MINUTE, to: MINUTE + 60_000, limit: 20_000 }, [
      'endpoint',
      'traceId',
    ]);
    expect(answer).toMatchObject({
      matched: endpoints.length,
      columns: [{ kind: 'i16', dictionary: endpoints }, { kind: 'str' }],
    });
    expect(await rowsOf(answer)).toEqual(transactions.map((tx) => [tx.endpoint, tx.traceId]).sort());
  });
});

describe('JVM capture requests (the DuckDB store answers these alike: store/duckdb/jvm.test.ts)', () => {
  const T0 = MINUTE;
  const create = (target: ClickHouseStore, now = T0, instance = 'i-1') =>
    target.createJvmRequest({ id: sortableId(now), service: 's', instance, kind: 'threaddump', now });

  it('fails a pending request nobody claimed within the timeout, and then refuses its claim', async () => {
    const target = await store();
    const old = await create(target, T0);
    const fresh = await create(target, T0 + 60_000);
    const later = T0 + JVM_REQUEST_TIMEOUT_MS + 1;
    expect(await target.jvmRequests({ status: 'pending' }, T0 + JVM_REQUEST_TIMEOUT_MS)).toEqual([old, fresh]);
    const failed = { ...old, status: 'failed', error: 'no agent took it', updatedAt: later };
    expect(await target.jvmRequests({}, later)).toEqual([failed, fresh]);
    // Expired once: a later read keeps the time it failed at.
    expect(await target.jvmRequest(old.id, later + 1000)).toEqual(failed);
    expect(await target.claimJvmRequest(old.id, later)).toEqual({ outcome: 'conflict', request: failed });
    expect(await target.claimJvmRequest(sortableId(), later)).toEqual({ outcome: 'missing' });
    expect(await target.finishJvmRequest(sortableId(), { resultId: 'x' }, later)).toEqual({ outcome: 'missing' });
  });

  it('lets exactly one of many concurrent claims win, and a taken request does not expire', async () => {
    const target = await store();
    const request = await create(target);
    // Later claims carry earlier times: a claim must lose to the one taken before it, not to its clock.
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, k) => target.claimJvmRequest(request.id, T0 + 20 - k))
    );
    const taken = { ...request, status: 'taken', updatedAt: T0 + 20 };
    expect(outcomes[0]).toEqual({ outcome: 'ok', request: taken });
    expect(outcomes.slice(1)).toEqual(Array.from({ length: 19 }, () => ({ outcome: 'conflict', request: taken })));
    expect(await target.jvmRequest(request.id, T0 + 10 * JVM_REQUEST_TIMEOUT_MS)).toEqual(taken);
  });

  it('hands a request from one backend to another: claimed on one, finished once on the other', async () => {
    const first = await store();
    const second = await store(true);
    const request = await create(first);
    const taken = { ...request, status: 'taken', updatedAt: T0 + 1 };
    expect(await first.claimJvmRequest(request.id, T0 + 1)).toEqual({ outcome: 'ok', request: taken });
    expect(await second.claimJvmRequest(request.id, T0 + 2)).toEqual({ outcome: 'conflict', request: taken });
    const done = { ...taken, status: 'done', resultId: 'dump-1', updatedAt: T0 + 3 };
    expect(await second.finishJvmRequest(request.id, { resultId: 'dump-1' }, T0 + 3)).toEqual({
      outcome: 'ok',
      request: done,
    });
    expect(await first.finishJvmRequest(request.id, { error: 'late' }, T0 + 4)).toEqual({
      outcome: 'conflict',
      request: done,
    });
    expect(await first.jvmRequests({ status: 'done' }, T0 + 5)).toEqual([done]);
  });

  it('filters by service, instance and status, oldest first', async () => {
    const target = await store();
    const a = await create(target, T0, 'i-1');
    const b = await create(target, T0 + 1, 'i-2');
    const failed = { ...a, status: 'failed', error: 'attach failed', updatedAt: T0 + 2 };
    expect(await target.finishJvmRequest(a.id, { error: 'attach failed' }, T0 + 2)).toEqual({
      outcome: 'ok',
      request: failed,
    });
    expect(await target.jvmRequests({ instance: 'i-2' }, T0 + 3)).toEqual([b]);
    expect(await target.jvmRequests({ service: 's' }, T0 + 3)).toEqual([failed, b]);
    expect(await target.jvmRequests({ status: 'failed', instance: 'i-2' }, T0 + 3)).toEqual([]);
    expect(await target.jvmRequests({ service: 'other' }, T0 + 3)).toEqual([]);
  });
});
