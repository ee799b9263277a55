import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ErrorTypesResponse, Transaction } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';

const HOUR = 1763798400000;
const MINUTE = 60_000;

let seq = 0;
/** An error transaction of `service` ending `at` ms after HOUR. */
function failed(at: number, service: string, endpoint: string, errorType?: string, errorMessage?: string): Transaction {
  seq += 1;
  return {
    endTime: HOUR + at,
    elapsed: 12,
    service,
    instance: `${service}-1`,
    endpoint,
    status: 'error',
    httpStatus: 500,
    ...(errorType === undefined ? {} : { errorType }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
    traceId: seq.toString(16).padStart(32, 'a'),
    spanId: seq.toString(16).padStart(16, 'b'),
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
  };
}

describe('GET /api/v1/statistics/errors', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let base: string;
  // The window is the second half hour; the first holds the errors that make a type old.
  const window = `from=${HOUR + 30 * MINUTE}&to=${HOUR + 60 * MINUTE}`;
  const early = failed(5 * MINUTE, 'shop', 'GET /product/:id', 'NotFound', 'no product 3');
  const transactions: Transaction[] = [
    early,
    failed(31 * MINUTE, 'shop', 'GET /product/:id', 'NotFound', 'no product 42'),
    failed(32 * MINUTE, 'shop', 'GET /cart', 'NotFound', 'no product 7'),
    failed(45 * MINUTE + 10, 'shop', 'GET /product/:id', 'NotFound', 'no product 9'),
    failed(33 * MINUTE, 'shop', 'POST /checkout', 'PaymentFailed', 'payment failed: status 503'),
    failed(50 * MINUTE, 'shop', 'POST /checkout', 'PaymentFailed', 'payment failed: status 500'),
    failed(40 * MINUTE, 'pay', 'POST /charge'),
    { ...failed(41 * MINUTE, 'shop', 'GET /cart', 'NotFound', 'no product 1'), status: 'ok' },
    failed(61 * MINUTE, 'shop', 'GET /cart', 'Timeout', 'after the window'),
  ];

  const get = (q: string) =>
    fetch(`${base}/api/v1/statistics/errors?${q}`, { headers: { authorization: 'Bearer rd' } });
  const answer = async (q: string) => {
    const res = await get(q);
    expect(res.status).toBe(200);
    return (await res.json()) as ErrorTypesResponse;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-errortypes-'));
    store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false });
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await store.insertBatch([], transactions);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('groups by service, type and message template, most first; a type seen before the window is not new', async () => {
    const { step, errorTypes } = await answer(window);
    expect(step).toBe(MINUTE);
    expect(errorTypes.map((t) => [t.service, t.errorType, t.template, t.count, t.isNew])).toEqual([
      ['shop', 'NotFound', 'no product <n>', 3, false],
      ['shop', 'PaymentFailed', 'payment failed: status <n>', 2, true],
      ['pay', '', '', 1, true],
    ]);
    const [notFound, payment] = errorTypes;
    expect(notFound).toMatchObject({
      firstSeen: early.endTime,
      lastSeen: HOUR + 45 * MINUTE + 10,
      message: 'no product 9',
      endpoints: ['GET /cart', 'GET /product/:id'],
      exampleTraceId: transactions[3].traceId,
      counts: [
        { time: HOUR + 31 * MINUTE, count: 1 },
        { time: HOUR + 32 * MINUTE, count: 1 },
        { time: HOUR + 45 * MINUTE, count: 1 },
      ],
    });
    expect(payment).toMatchObject({ firstSeen: HOUR + 33 * MINUTE, message: 'payment failed: status 500' });
    expect(notFound.key).toMatch(/^[0-9a-f]{16}$/);
  });

  it('counts per asked step, filters by service and endpoint, cuts at the limit', async () => {
    const { errorTypes } = await answer(`${window}&step=${30 * MINUTE}&service=shop&limit=1`);
    expect(errorTypes).toHaveLength(1);
    expect(errorTypes[0].counts).toEqual([{ time: HOUR + 30 * MINUTE, count: 3 }]);
    const cart = await answer(`${window}&endpoint=${encodeURIComponent('GET /cart')}`);
    expect(cart.errorTypes.map((t) => [t.template, t.count, t.endpoints, t.isNew])).toEqual([
      // Before the window this type failed only GET /product/:id: new for GET /cart.
      ['no product <n>', 1, ['GET /cart'], true],
    ]);
    expect((await answer(`${window}&service=nobody`)).errorTypes).toEqual([]);
  });

  it('calls every type new when the window starts before all of them', async () => {
    const { errorTypes } = await answer(`from=${HOUR}&to=${HOUR + 60 * MINUTE}`);
    expect(errorTypes.map((t) => [t.template, t.count, t.isNew])).toEqual([
      ['no product <n>', 4, true],
      ['payment failed: status <n>', 2, true],
      ['', 1, true],
    ]);
  });

  it.each([
    ['a negative top-N', `${window}&limit=-5`, '"limit": must be an integer from 1 to 1000'],
    ['an unknown parameter', `${window}&sort=count`, '"sort": unknown parameter'],
    ['a step under a second', `${window}&step=10`, '"step"'],
    ['too many steps', `from=0&to=${86_400_000}&step=1000`, '"step": gives more than 1000 steps'],
    ['no from', `to=${HOUR}`, '"from": required'],
    ['to before from', `from=${HOUR}&to=${HOUR - 1}`, '"to": must not be before from'],
    ['a window past 90 days', `from=0&to=${91 * 86_400_000}`, '"to": the window must not exceed 90 days'],
    ['an empty service', `${window}&service=`, '"service": must not be empty'],
  ])('answers 400 for %s', async (_, q, message) => {
    const res = await get(q);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(body.message).toContain(message);
  });

  it('needs the read scope', async () => {
    const res = await fetch(`${base}/api/v1/statistics/errors?${window}`, { headers: { authorization: 'Bearer in' } });
    expect(res.status).toBe(403);
  });
});
