/**
 * Must-show 4 of issue 21: a workload with known throughput and latency (native transactions:
 * 20 requests a second for a minute, mean 250 ms) and the equalizer's snapshot of the same
 * instance in steady state; `GET /api/v1/health/capacity` of `osprey serve` on DuckDB and on
 * ClickHouse derives L = λ × W within 5 % of Little's law (5 in flight), puts the measured
 * concurrency beside it (within 10 %), and projects the most the instance serves at its limit.
 */
import { randomBytes } from 'node:crypto';

import type { CapacityResponse, Transaction } from '@osprey/model';

import { type Osprey, startClickHouse, startOsprey, stopAll, TOKENS } from './real-servers';

jest.setTimeout(120_000);

const TPS = 20;
const SECONDS = 60;
const MEAN_MS = 250;
const LITTLE = TPS * (MEAN_MS / 1000);

let duck: Osprey;
let house: Osprey;
let start: number;

/** One per 1/TPS s; elapsed 150…350 ms evenly, so the mean is 250 exactly. */
function workload(service: string, instance: string): Transaction[] {
  return Array.from({ length: TPS * SECONDS }, (_, i) => ({
    endTime: start + (i + 0.5) * (1000 / TPS),
    elapsed: 150 + (i % 21) * 10,
    service,
    instance,
    endpoint: 'POST /pay',
    status: 'ok',
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
  }));
}

async function post(osprey: Osprey, path: string, body: unknown, status: number): Promise<void> {
  const res = await fetch(`${osprey.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
    body: JSON.stringify(body),
  });
  expect({ path, status: res.status }).toEqual({ path, status });
}

beforeAll(async () => {
  const clickhouse = await startClickHouse();
  duck = await startOsprey();
  house = await startOsprey(['--store', 'clickhouse', '--clickhouse-url', clickhouse.url]);
  start = Date.now() - SECONDS * 1000;
  // 21 elapsed values cycle over 1,200 requests: trim to whole cycles so the mean is exactly 250 ms.
  const sent = workload('shop', 'shop-1').slice(0, 21 * Math.floor((TPS * SECONDS) / 21));
  for (const osprey of [duck, house]) {
    await post(osprey, '/api/v1/transactions', sent, 200);
    // The equalizer in steady state: L requests in flight, each somewhere in its 250 ms.
    const requests = Array.from({ length: LITTLE }, (_, i) => ({ endpoint: 'POST /pay', elapsed: 50 * i }));
    await post(osprey, '/api/v1/active', { service: 'shop', instance: 'shop-1', takenAt: Date.now(), requests }, 204);
    await post(osprey, '/api/v1/transactions', workload('other', 'other-1').slice(0, 10), 200);
  }
});

afterAll(stopAll);

describe("capacity by Little's law", () => {
  it('derives the concurrency of known throughput and latency within 5 %, the measured one within 10 %', async () => {
    const answers: CapacityResponse[] = [];
    for (const osprey of [duck, house]) {
      const to = start + SECONDS * 1000;
      const answer = await osprey.get<CapacityResponse>(
        `/api/v1/health/capacity?from=${start}&to=${to}&service=shop&concurrencyLimit=50`
      );
      answers.push(answer);
      expect(answer.instances.map((r) => r.instance)).toEqual(['shop-1']);
      const [row] = answer.instances;
      expect(row.requests).toBe(21 * Math.floor((TPS * SECONDS) / 21));
      const tps = row.requests / SECONDS;
      expect(Math.abs(row.throughput - tps) / tps).toBeLessThan(1e-9);
      expect(Math.abs(row.meanResponseMs - MEAN_MS) / MEAN_MS).toBeLessThan(1e-9);
      expect(Math.abs(row.concurrency - LITTLE) / LITTLE).toBeLessThan(0.05);
      expect(Math.abs(row.measuredConcurrency! - row.concurrency) / row.concurrency).toBeLessThan(0.1);
      // 50 in flight at 250 ms each: 200 requests a second at most, today's ~20 is 10 % of it.
      expect(row.maxThroughput).toBeCloseTo(200, 6);
      expect(row.utilisationPercent!).toBeCloseTo((100 * row.throughput) / 200, 6);
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('answers every instance without a service, and refuses a bad limit', async () => {
    const all = await duck.get<CapacityResponse>(`/api/v1/health/capacity?from=${start}&to=${Date.now()}`);
    expect(all.concurrencyLimit).toBe(200);
    expect(all.instances.map((r) => `${r.service}/${r.instance}`)).toEqual(['other/other-1', 'shop/shop-1']);
    expect(all.instances[0].measuredConcurrency).toBeUndefined();
    const res = await fetch(`${duck.url}/api/v1/health/capacity?from=0&to=1&concurrencyLimit=0`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.status).toBe(400);
  });
});
