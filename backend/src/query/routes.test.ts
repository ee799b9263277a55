import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ARROW_STREAM_MEDIA_TYPE, type RedResponse, type Transaction, type TransactionsResponse } from '@osprey/model';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb';
import { generateTransactions } from '../testing/generate';
import { TRANSACTION_COLUMNS } from './arrow';

// DuckDB files with thousands of rows: a loaded machine can need more than jest's 5 s default.
jest.setTimeout(30_000);

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 1);
const RETENTION = { spans: HOUR, transactions: 6 * HOUR, rollups: 48 * HOUR, jvm: 48 * HOUR };
const READ = { authorization: 'Bearer rd' };

/** An Arrow row back as a Transaction: nulls are absent fields, like the JSON answer. */
function arrowRowToTransaction(row: Record<string, unknown>): Transaction {
  const tx: Record<string, unknown> = {};
  for (const [name] of TRANSACTION_COLUMNS) {
    if (row[name] !== null) {
      tx[name] = row[name];
    }
  }
  return tx as unknown as Transaction;
}

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
    expect(table.schema.fields.map((f) => f.name)).toEqual(TRANSACTION_COLUMNS.map(([name]) => name));
    expect(table.schema.metadata.get('osprey.truncated')).toBe('true');
    expect(table.toArray().map((row) => arrowRowToTransaction(row.toJSON()))).toEqual(json.transactions);
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
