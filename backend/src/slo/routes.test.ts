/**
 * `GET /api/v1/slos` over a real DuckDB store: the error budgets of configured SLOs against the
 * truth of the transactions stored, each window ending at `to`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { SLO_API_PATH, type SloDefinition, type SlosResponse, type Transaction } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { generateTransactions } from '../testing/generate';
import { parseSloList } from './config';

jest.setTimeout(30_000);

const DAY = 86_400_000;
const TO = Date.UTC(2026, 2, 1);
const SLOS = parseSloList([
  { name: 'pay-up', service: 'pay', endpoint: 'POST /c', objective: 'availability', target: 99, window: '30d' },
  { name: 'cart-up', service: 'cart', objective: 'availability', target: 99.9, window: '7d' },
  { name: 'cart-fast', service: 'cart', objective: 'latency', target: 95, window: '30d', thresholdMs: 250 },
]);

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let stored: Transaction[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-slos-'));
  store = await DuckDbStore.open(dir);
  // 20 days of traffic: the 7-day SLO sees the last third of it, the 30-day ones all; plus one day after `to`.
  stored = generateTransactions({ seed: 21, count: 6000, from: TO - 20 * DAY, spanMs: 21 * DAY, errorRatio: 0.05 });
  await store.insertBatch([], stored);
  app = buildServer({ store, tokens: { read: 'rd' }, slos: SLOS, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(query: string, token?: string): Promise<Response> {
  const { port } = app.server.address() as AddressInfo;
  return fetch(`http://127.0.0.1:${port}${SLO_API_PATH}${query}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

const of = (slo: SloDefinition) =>
  stored.filter(
    (tx) =>
      tx.service === slo.service &&
      (slo.endpoint === undefined || tx.endpoint === slo.endpoint) &&
      tx.endTime >= TO - slo.windowMs &&
      tx.endTime < TO
  );

describe('GET /api/v1/slos', () => {
  it('answers each SLO’s window, counts and budget from the rollups', async () => {
    const res = await get(`?to=${TO}`, 'rd');
    expect(res.status).toBe(200);
    const { slos } = (await res.json()) as SlosResponse;
    expect(slos.map((s) => [s.definition.name, s.from, s.to])).toEqual(SLOS.map((s) => [s.name, TO - s.windowMs, TO]));
    const [pay, cart, fast] = slos;
    for (const status of [pay, cart]) {
      const truth = of(status.definition);
      expect(truth.length).toBeGreaterThan(100);
      expect([status.total, status.bad]).toEqual([truth.length, truth.filter((tx) => tx.status === 'error').length]);
      const allowed = 1 - status.definition.target / 100;
      expect(status.budgetRemaining).toBeCloseTo(100 * (1 - status.bad / (allowed * status.total)), 9);
    }
    // Latency from buckets: never lenient, strict by at most the bucket that straddles 250 ms (bounds 231.7-275.5 ms).
    const truth = of(fast.definition);
    const slow = truth.filter((tx) => tx.elapsed > 250).length;
    const straddling = truth.filter((tx) => tx.elapsed > 231.7 && tx.elapsed <= 250).length;
    expect(fast.total).toBe(truth.length);
    expect(fast.bad).toBeGreaterThanOrEqual(slow);
    expect(fast.bad).toBeLessThanOrEqual(slow + straddling);
    expect(fast.sli).toBeCloseTo((100 * fast.good) / fast.total, 9);
  });

  it('needs the read scope, and refuses a bad `to`', async () => {
    expect((await get('')).status).toBe(401);
    const bad = await get('?to=yesterday', 'rd');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('to');
  });
});
