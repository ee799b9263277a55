import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Span, SqlStatisticsResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { deriveTransactions } from '../derive/transactions';
import { buildServer } from '../server/app';
import { bucketOf, bucketUpperMs } from '../stats/latency-buckets';
import { DuckDbStore } from '../store/duckdb/store';

const MINUTE = 1763800020000;
const NS = BigInt(1_000_000);

/** A span of trace `trace` starting `at` ms into MINUTE, `ms` long. */
function span(trace: string, spanId: string, at: number, ms: number, fields: Partial<Span>): Span {
  return {
    traceId: trace.repeat(32),
    spanId: spanId.padStart(16, '0'),
    name: 'span',
    kind: 'server',
    startTimeUnixNano: ((BigInt(MINUTE) + BigInt(at)) * NS).toString(),
    durationNano: (BigInt(ms) * NS).toString(),
    status: 'unset',
    service: 'shop',
    resource: { 'service.name': 'shop', 'service.instance.id': `shop-${trace}` },
    attributes: {},
    events: [],
    ...fields,
  };
}

function query(trace: string, spanId: string, at: number, ms: number, sql: string, extra: Partial<Span> = {}): Span {
  return span(trace, spanId, at, ms, {
    kind: 'client',
    parentSpanId: '1'.padStart(16, '0'),
    ...extra,
    attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.query.text': sql, ...extra.attributes },
  });
}

/** Two requests of two instances: GET /cart runs a lookup twice and an update that fails; GET /items a list. */
function workload(): Span[] {
  const cart = (trace: string) => [
    span(trace, '1', 0, 100, { attributes: { 'http.request.method': 'GET', 'http.route': '/cart' } }),
    query(trace, '2', 1, 10, `SELECT * FROM cart WHERE id = ${trace === 'a' ? 1 : 2}`, {
      attributes: { 'db.response.returned_rows': 3 },
    }),
    query(trace, '3', 12, 30, 'select *  from cart where id=7'),
    query(trace, '4', 50, 5, "UPDATE cart SET qty = 2 WHERE id = 'x'", { status: 'error' }),
  ];
  return [
    ...cart('a'),
    ...cart('b'),
    span('c', '1', 0, 300, { attributes: { 'http.request.method': 'GET', 'http.route': '/items' } }),
    query('c', '2', 1, 200, 'SELECT name FROM items LIMIT 50'),
  ];
}

describe('GET /api/v1/statistics/sql', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let base: string;
  const window = `from=${MINUTE}&to=${MINUTE + 60_000}`;

  const get = (q: string) => fetch(`${base}/api/v1/statistics/sql?${q}`, { headers: { authorization: 'Bearer rd' } });
  const statements = async (q: string) => {
    const res = await get(q);
    expect(res.status).toBe(200);
    return ((await res.json()) as SqlStatisticsResponse).statements;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-sqlstats-'));
    store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false });
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const spans = workload();
    // Trace b's db spans settle before their entry span arrives (a long request's spans are exported
    // as they end); the entry span's arrival settles the trace again.
    const early = spans.filter((s) => s.traceId.startsWith('b') && s.kind === 'client');
    const rest = spans.filter((s) => !early.includes(s));
    await store.insertBatch(early, deriveTransactions(early));
    await store.settleDue(Date.now() + 1);
    await store.insertBatch(rest, deriveTransactions(rest));
    await store.settleDue(Date.now() + 2);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds the statements that differ in literals and spacing into one, largest total time first', async () => {
    const top = await statements(window);
    expect(top.map((s) => [s.statement, s.count, s.errors, s.totalTime, s.maxTime])).toEqual([
      ['SELECT name FROM items LIMIT ?', 1, 0, 200, 200],
      ['SELECT * FROM cart WHERE id = ?', 4, 0, 80, 30],
      ['UPDATE cart SET qty = ? WHERE id = ?', 2, 2, 10, 5],
    ]);
    const lookup = top[1];
    expect(lookup).toMatchObject({ service: 'shop', dbSystem: 'postgresql', dbName: 'shop', avgTime: 20, rows: 6 });
    expect(lookup.p95).toBe(bucketUpperMs(bucketOf(30)));
    expect(lookup.key).toMatch(/^[0-9a-f]{16}$/);
    expect(top[2].rows).toBeUndefined();
  });

  it.each([
    [
      'count',
      ['SELECT * FROM cart WHERE id = ?', 'UPDATE cart SET qty = ? WHERE id = ?', 'SELECT name FROM items LIMIT ?'],
    ],
    [
      'p95',
      ['SELECT name FROM items LIMIT ?', 'SELECT * FROM cart WHERE id = ?', 'UPDATE cart SET qty = ? WHERE id = ?'],
    ],
  ])('sorts by %s', async (sort, order) => {
    expect((await statements(`${window}&sort=${sort}`)).map((s) => s.statement)).toEqual(order);
  });

  it('sorts by errors, ties by key so both stores agree', async () => {
    const top = await statements(`${window}&sort=errors`);
    expect(top.map((s) => s.errors)).toEqual([2, 0, 0]);
    expect(top[0].statement).toBe('UPDATE cart SET qty = ? WHERE id = ?');
    expect(top[1].key < top[2].key).toBe(true);
  });

  it('cuts at the limit and filters by the endpoint and instance of the transaction that ran the statement', async () => {
    expect((await statements(`${window}&limit=1&sort=count`)).map((s) => s.count)).toEqual([4]);
    expect((await statements(`${window}&endpoint=GET%20%2Fitems`)).map((s) => s.statement)).toEqual([
      'SELECT name FROM items LIMIT ?',
    ]);
    // Trace b's db spans were settled before their entry span came: moved under its instance since.
    expect((await statements(`${window}&instance=shop-b&sort=count`)).map((s) => [s.statement, s.count])).toEqual([
      ['SELECT * FROM cart WHERE id = ?', 2],
      ['UPDATE cart SET qty = ? WHERE id = ?', 1],
    ]);
    expect(await statements(`${window}&service=other`)).toEqual([]);
    expect(await statements(`from=${MINUTE + 120_000}&to=${MINUTE + 180_000}`)).toEqual([]);
  });

  it.each([
    ['an unknown sort key', `${window}&sort=slowest`, '"sort": must be one of totalTime, count, p95, errors'],
    ['a negative top-N', `${window}&limit=-5`, '"limit": must be an integer from 1 to 1000'],
    ['a top-N of 0', `${window}&limit=0`, '"limit": must be an integer from 1 to 1000'],
    ['a fractional top-N', `${window}&limit=2.5`, '"limit": must be an integer from 1 to 1000'],
    ['no from', `to=${MINUTE}`, '"from": required'],
    ['a from that is no number', `from=soon&to=${MINUTE}`, '"from": must be number'],
    ['to before from', `from=${MINUTE}&to=${MINUTE - 1}`, '"to": must not be before from'],
    ['a window past 90 days', `from=0&to=${91 * 86_400_000}`, '"to": the window must not exceed 90 days'],
  ])('answers 400 for %s', async (_, q, message) => {
    const res = await get(q);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(body.message).toContain(message);
  });

  it('answers the same once the retention job merged the minute', async () => {
    const queries = [window, `${window}&instance=shop-b&sort=count`, `${window}&endpoint=GET%20%2Fcart&sort=p95`];
    const before = await Promise.all(queries.map(statements));
    const compaction = await store.compactRollups(MINUTE + 120_000);
    expect(compaction.to).toBeGreaterThan(MINUTE);
    expect(await Promise.all(queries.map(statements))).toEqual(before);
  });

  it('needs the read scope', async () => {
    const res = await fetch(`${base}/api/v1/statistics/sql?${window}`, { headers: { authorization: 'Bearer in' } });
    expect(res.status).toBe(403);
  });

  it('goes with the rollup tier (runs last: it deletes them)', async () => {
    expect(await statements(window)).toHaveLength(3);
    await store.deleteOlderThan('rollups', MINUTE + 60_000, 10_000);
    expect(await statements(window)).toEqual([]);
  });
});
