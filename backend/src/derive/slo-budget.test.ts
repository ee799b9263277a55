import type { SloDefinition } from '@osprey/model';

import { bucketOf } from '../stats/latency-buckets';
import type { EndpointBucket } from '../store/store';
import { sloStatus } from './slo-budget';

const WINDOW = { from: 0, to: 30 * 86_400_000 };
const availability: SloDefinition = {
  name: 'pay-availability',
  service: 'shop',
  endpoint: 'POST /pay',
  objective: 'availability',
  target: 99.9,
  window: '30d',
  windowMs: WINDOW.to,
};
const latency: SloDefinition = {
  ...availability,
  name: 'pay-latency',
  objective: 'latency',
  target: 99,
  thresholdMs: 500,
};

/** Rollup rows of `count` transactions of `elapsedMs`, `errors` of them failed. */
const row = (endpoint: string, elapsedMs: number, count: number, errors = 0, service = 'shop'): EndpointBucket => ({
  service,
  endpoint,
  bucket: bucketOf(elapsedMs),
  count,
  errors,
});

describe('sloStatus', () => {
  it.each<[string, SloDefinition, EndpointBucket[], number, number, number | null, number | null, number | null]>([
    // name, definition, rows → total, bad, sli %, budget remaining %, burn rate
    ['untouched', availability, [row('POST /pay', 20, 10_000)], 10_000, 0, 100, 100, 0],
    [
      'a quarter spent',
      availability,
      [row('POST /pay', 20, 9_998, 0), row('POST /pay', 30, 2, 2)],
      10_000,
      2,
      99.98,
      80,
      0.2,
    ],
    ['spent exactly', availability, [row('POST /pay', 20, 10_000, 10)], 10_000, 10, 99.9, 0, 1],
    ['overspent threefold', availability, [row('POST /pay', 20, 10_000, 30)], 10_000, 30, 99.7, -200, 3],
    [
      'other endpoints and services do not count',
      availability,
      [row('POST /pay', 20, 1000, 1), row('GET /', 20, 1000, 1000), row('POST /pay', 20, 1000, 1000, 'cart')],
      1000,
      1,
      99.9,
      0,
      1,
    ],
    ['no traffic: nothing to say', availability, [row('GET /', 20, 5)], 0, 0, null, null, null],
    // 400 ms sits in a bucket wholly under 500 ms; 600 ms over it; errors do not count for latency.
    [
      'latency: fast errors are good',
      latency,
      [row('POST /pay', 400, 990, 990), row('POST /pay', 600, 10)],
      1000,
      10,
      99,
      0,
      1,
    ],
    [
      'latency: half the budget',
      latency,
      [row('POST /pay', 100, 995), row('POST /pay', 2000, 5)],
      1000,
      5,
      99.5,
      50,
      0.5,
    ],
    // 490 ms shares its bucket (upper bound 551 ms) with 510 ms: the rollups cannot tell, so it counts bad.
    ['latency: the straddling bucket counts bad', latency, [row('POST /pay', 490, 100)], 100, 100, 0, -9900, 100],
  ])('%s', (_name, definition, rows, total, bad, sli, remaining, burn) => {
    const status = sloStatus(definition, rows, WINDOW);
    expect([status.total, status.bad, status.good]).toEqual([total, bad, total - bad]);
    for (const [got, want] of [
      [status.sli, sli],
      [status.budgetRemaining, remaining],
      [status.burnRate, burn],
    ] as const) {
      if (want === null) {
        expect(got).toBeNull();
      } else {
        expect(got).toBeCloseTo(want, 6);
      }
    }
    expect(status.budget).toBeCloseTo(total * (1 - definition.target / 100), 9);
    expect([status.from, status.to, status.definition]).toEqual([WINDOW.from, WINDOW.to, definition]);
  });

  it('takes every endpoint of the service when the SLO names none', () => {
    const { endpoint: _all, ...whole } = availability;
    const status = sloStatus(whole, [row('POST /pay', 20, 500, 1), row('GET /', 20, 500, 0)], WINDOW);
    expect([status.total, status.bad]).toEqual([1000, 1]);
  });
});
