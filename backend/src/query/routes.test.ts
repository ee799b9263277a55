import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  ARROW_STREAM_MEDIA_TYPE,
  MAX_TRANSACTION_LIMIT,
  TRANSACTION_COLUMN_NAMES,
  TRANSACTION_COLUMNS,
  type RedResponse,
  type Transaction,
  type TransactionsResponse,
} from '@osprey/model';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { generateTransactions } from '../testing/generate';

// DuckDB files with thousands of rows: a loaded machine can need more than jest's 5 s default.
jest.setTimeout(30_000);

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 1);
const RETENTION = {
  spans: HOUR,
  transactions: 6 * HOUR,
  rollups: 48 * HOUR,
  jvm: 48 * HOUR,
  metrics: 48 * HOUR,
  logs: 48 * HOUR,
};
const READ = { authorization: 'Bearer rd' };
const arrowAccept = { ...READ, accept: ARROW_STREAM_MEDIA_TYPE };

/** An Arrow row back as a Transaction: nulls are absent fields, like the JSON answer. */
function arrowRowToTransaction(row: Record<string, unknown>): Transaction {
  const tx: Record<string, unknown> = {};
  for (const name of TRANSACTION_COLUMN_NAMES) {
    if (row[name] !== null) {
      tx[name] = row[name];
    }
  }
  return tx as unknown as Transaction;
}

/** A JSON row as the Arrow form carries it: durations as float32. */
function asSent(tx: Transaction): Transaction {
  const out: Record<string, unknown> = { ...tx };
  for (const name of TRANSACTION_COLUMN_NAMES) {
    if (TRANSACTION_COLUMNS[name].wire === 'float32' && typeof out[name] === 'number') {
      out[name] = Math.fround(out[name] as number);
    }
  }
  return out as unknown as Transaction;
}

const byIds = (a: Transaction, b: Transaction) =>
  a.traceId.localeCompare(b.traceId) || a.spanId.localeCompare(b.spanId);

describe('query routes', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  // Two hours ago to now, plus ten hours ago (outside the transactions tier).
  const txs = [
    ...generateTransactions({ seed: 5, count: 1500, from: NOW - 2 * HOUR, spanMs: 2 * HOUR }),
    ...generateTransactions({ seed: 6, count: 100, from: NOW - 10 * HOUR, spanMs: HOUR }),
  ];

  let base: string;

  /** Status, content type and body of a GET (fetch over loopback: jest cannot load light-my-request's ESM cookie parser). */
  async function get(url: string, headers: Record<string, string> = READ) {
    const res = await fetch(`${base}${url}`, { headers });
    const body = new Uint8Array(await res.arrayBuffer());
    return {
      statusCode: res.status,
      contentType: res.headers.get('content-type') ?? '',
      rawPayload: body,
      json: <T = unknown>() => JSON.parse(new TextDecoder().decode(body)) as T,
    };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-query-'));
    store = await DuckDbStore.open(dir);
    await store.insertBatch([], txs);
    app = buildServer({ store, tokens: { read: 'rd' }, retention: RETENTION, now: () => NOW });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['inside the transactions tier, step under a minute', NOW - HOUR, 30_000, 'raw', 30_000],
    ['step of a minute', NOW - HOUR, 60_000, 'rollup', 60_000],
    ['step rounded up to whole minutes', NOW - HOUR, 90_000, 'rollup', 120_000],
    ['range reaching past the transactions tier', NOW - 7 * HOUR, 30_000, 'rollup', 60_000],
  ])('RED %s (from %d, step %d) → %s tier, step %d', async (_, from, step, tier, usedStep) => {
    const res = await get(`/api/v1/metrics/red?from=${from}&to=${NOW}&step=${step}&groupBy=instance&service=cart`);
    expect(res.statusCode).toBe(200);
    const body = res.json<RedResponse>();
    expect(body).toMatchObject({ tier, step: usedStep });
    expect(body).toEqual(
      await store.red(
        { from, to: NOW, step: usedStep, groupBy: 'instance', service: 'cart' },
        tier as RedResponse['tier']
      )
    );
    expect(body.series.map((s) => s.instance)).toEqual(['cart-1', 'cart-2']);
  });

  it.each([
    ['from=0&to=1', '"step": required'],
    [`from=0&to=1000&step=0`, '"step": must be a whole number'],
    [`from=0&to=${NOW}&step=1000`, '"step": too small for the range'],
    [`from=0&to=1000&step=10&groupBy=host`, '"groupBy": must be one of service, instance, endpoint'],
    [`from=5&to=5&step=10`, '"to": must be after from'],
  ])('RED %s → 400 %s', async (query, message) => {
    const res = await get(`/api/v1/metrics/red?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: expect.stringContaining(message) });
  });

  it('lists instances and endpoints', async () => {
    expect((await get('/api/v1/instances?service=pay')).json()).toEqual({ instances: ['pay-1', 'pay-2'] });
    expect((await get('/api/v1/endpoints')).json()).toEqual({ endpoints: ['GET /a', 'GET /b', 'POST /c'] });
    expect((await get('/api/v1/endpoints?service=')).statusCode).toBe(400);
    expect((await get('/api/v1/instances', {})).statusCode).toBe(401);
  });

  it('answers Arrow IPC with the same rows as JSON', async () => {
    const url = `/api/v1/transactions?from=${NOW - HOUR}&to=${NOW}&userId=user-2&limit=100`;
    const json = (await get(url)).json<TransactionsResponse>();
    expect(json.transactions.length).toBe(100);
    expect(json.truncated).toBe(true);
    const res = await get(url, { ...READ, accept: `${ARROW_STREAM_MEDIA_TYPE}, application/json;q=0.5` });
    expect(res.statusCode).toBe(200);
    expect(res.contentType).toBe(ARROW_STREAM_MEDIA_TYPE);
    const table = tableFromIPC(res.rawPayload);
    expect(table.schema.fields.map((f) => f.name)).toEqual(TRANSACTION_COLUMN_NAMES);
    expect(table.schema.metadata.get('osprey.truncated')).toBe('true');
    expect(table.toArray().map((row) => arrowRowToTransaction(row.toJSON()))).toEqual(json.transactions.map(asSent));
  });

  it('sends a window that fits the limit whole, in any order, with only the asked columns', async () => {
    const range = `from=${NOW - 2 * HOUR}&to=${NOW}`;
    const json = (await get(`/api/v1/transactions?${range}&limit=5000`)).json<TransactionsResponse>();
    expect(json.truncated).toBe(false);
    const all = tableFromIPC((await get(`/api/v1/transactions?${range}&limit=5000`, arrowAccept)).rawPayload);
    const rows = all.toArray().map((row) => arrowRowToTransaction(row.toJSON()));
    expect(rows.sort(byIds)).toEqual(json.transactions.map(asSent).sort(byIds));

    const url = `/api/v1/transactions?${range}&limit=5000&columns=status,elapsed,endTime,service`;
    const dots = tableFromIPC((await get(url, arrowAccept)).rawPayload);
    expect(dots.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['endTime', 'Float64'],
      ['elapsed', 'Float32'],
      ['service', 'Dictionary<Int8, Utf8>'],
      ['status', 'Dictionary<Int8, Utf8>'],
    ]);
    expect(dots.numRows).toBe(json.transactions.length);
    expect(dots.schema.metadata.get('osprey.matched')).toBe(String(json.transactions.length));
    const errors = (dots.getChild('status')!.toArray() as string[]).filter((s) => s === 'error').length;
    expect(errors).toBe(json.transactions.filter((t) => t.status === 'error').length);

    const picked = (
      await get(`/api/v1/transactions?${range}&limit=3&columns=endTime,traceId`)
    ).json<TransactionsResponse>();
    expect(picked.transactions).toEqual(
      json.transactions.slice(0, 3).map(({ endTime, traceId }) => ({ endTime, traceId }))
    );
  });

  it.each([
    ['columns=endTime,bogus', 'unknown column(s) bogus'],
    ['columns=endTime,endTime', 'a column named twice'],
    ['columns=', 'must not be empty'],
    [`limit=${MAX_TRANSACTION_LIMIT + 1}`, `from 1 to ${MAX_TRANSACTION_LIMIT}`],
    ['minElapsed=10&maxElapsed=5', 'must be >= 10'],
  ])('refuses %s with a 400 saying why, in either format', async (param, message) => {
    for (const headers of [READ, arrowAccept]) {
      const res = await get(`/api/v1/transactions?from=0&to=${NOW}&${param}`, headers);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'bad_request', message: expect.stringContaining(message) });
    }
  });

  it('refuses an Accept it does not speak with a 406', async () => {
    const res = await get(`/api/v1/transactions?from=0&to=${NOW}`, { ...READ, accept: 'text/csv' });
    expect(res.statusCode).toBe(406);
    expect(res.json<{ message: string }>().message).toContain(ARROW_STREAM_MEDIA_TYPE);
    expect((await get(`/api/v1/transactions?from=0&to=${NOW}&limit=1`, { ...READ, accept: '*/*' })).statusCode).toBe(
      200
    );
  });

  it('narrows to an elapsed range with minElapsed and maxElapsed', async () => {
    const range = `from=${NOW - 2 * HOUR}&to=${NOW}&limit=5000`;
    const all = (await get(`/api/v1/transactions?${range}`)).json<TransactionsResponse>().transactions;
    const inside = all.filter((t) => t.elapsed >= 20 && t.elapsed <= 200);
    expect(inside.length).toBeGreaterThan(0);
    const box = (await get(`/api/v1/transactions?${range}&minElapsed=20&maxElapsed=200`)).json<TransactionsResponse>();
    expect(box.transactions.sort(byIds)).toEqual(inside.sort(byIds));
  });

  it('answers an empty Arrow table when nothing matches', async () => {
    const res = await get(`/api/v1/transactions?from=0&to=1`, { ...READ, accept: ARROW_STREAM_MEDIA_TYPE });
    const table = tableFromIPC(res.rawPayload);
    expect(table.numRows).toBe(0);
    expect(table.schema.metadata.get('osprey.truncated')).toBe('false');
  });

  it('keeps density answers JSON', async () => {
    const arrow = { ...READ, accept: ARROW_STREAM_MEDIA_TYPE };
    const density = await get(`/api/v1/transactions?from=0&to=${NOW}&mode=density`, arrow);
    expect(density.statusCode).toBe(406);
    const auto = await get(`/api/v1/transactions?from=0&to=${NOW}&mode=auto&limit=10&timeBuckets=4`, arrow);
    expect(auto.contentType).toMatch(/^application\/json/);
    expect(auto.json<TransactionsResponse>().density).toMatchObject({ total: txs.length, timeStep: NOW / 4 });
  });
});
