import type { Transaction } from '@osprey/model';

import { MINUTE_MS, MinuteCounters } from './minute-counters';

const T0 = 1_764_000_000_000; // a minute boundary
const HOUR = 60 * MINUTE_MS;

function tx(endTime: number, elapsed: number, overrides: Partial<Transaction> = {}): Transaction {
  return {
    endTime,
    elapsed,
    service: 'cart',
    instance: 'cart-1',
    endpoint: 'GET /cart',
    status: 'ok',
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
    ...overrides,
  };
}

describe('MinuteCounters', () => {
  it('sums one point per minute, service, instance and endpoint at the minute start', () => {
    const counters = new MinuteCounters('osprey_red', HOUR);
    const now = T0 + 2 * MINUTE_MS;
    const adds = [
      tx(T0 + 1, 10),
      tx(T0 + 59_999, 30.5, { status: 'error' }),
      tx(T0 + 60_000, 7),
      tx(T0 + 5, 1, { endpoint: 'POST /pay' }),
      tx(T0 + 6, 2, { instance: 'cart-2' }),
    ];
    adds.forEach((t) => expect(counters.add(t, t.endpoint, now)).toBe(true));
    const { points } = counters.pending();
    expect(points).toHaveLength(4);
    expect(points[0]).toEqual({
      measurement: 'osprey_red',
      tags: { service: 'cart', instance: 'cart-1', endpoint: 'GET /cart' },
      fields: { count: { int: 2 }, errors: { int: 1 }, elapsed_sum: 40.5, elapsed_max: 30.5, p90: expect.any(Number) },
      timestamp: T0,
    });
    // p90 of {10, 30.5} is the upper edge of 30.5's latency bucket: within 19% above it.
    const p90 = points[0].fields.p90 as number;
    expect(p90).toBeGreaterThanOrEqual(30.5);
    expect(p90).toBeLessThan(30.5 * 1.19);
    expect(points.map((p) => [p.timestamp, p.tags.instance, p.tags.endpoint, p.fields.count])).toEqual([
      [T0, 'cart-1', 'GET /cart', { int: 2 }],
      [T0, 'cart-1', 'POST /pay', { int: 1 }],
      [T0, 'cart-2', 'GET /cart', { int: 1 }],
      [T0 + MINUTE_MS, 'cart-1', 'GET /cart', { int: 1 }],
    ]);
  });

  it('uses the endpoint label it is given (the capped one), not the transaction field', () => {
    const counters = new MinuteCounters('m', HOUR);
    counters.add(tx(T0, 1, { endpoint: '/users/1' }), '__other__', T0);
    counters.add(tx(T0, 1, { endpoint: '/users/2' }), '__other__', T0);
    expect(counters.pending().points.map((p) => [p.tags.endpoint, p.fields.count])).toEqual([
      ['__other__', { int: 2 }],
    ]);
  });

  it('resends a minute whole after a late transaction, and nothing that is unchanged', () => {
    const counters = new MinuteCounters('m', HOUR);
    counters.add(tx(T0 + 10, 5), 'e', T0 + MINUTE_MS);
    const first = counters.pending();
    counters.acknowledge(first.versions);
    expect(counters.pending().points).toEqual([]);

    counters.add(tx(T0 + 20, 9), 'e', T0 + 10 * MINUTE_MS);
    expect(counters.pending().points.map((p) => [p.fields.count, p.fields.elapsed_sum])).toEqual([[{ int: 2 }, 14]]);
  });

  it('keeps a minute pending when it changed while its write was in flight, or the write failed', () => {
    const counters = new MinuteCounters('m', HOUR);
    counters.add(tx(T0, 1), 'e', T0);
    const inFlight = counters.pending();
    counters.add(tx(T0, 2), 'e', T0);
    counters.acknowledge(inFlight.versions);
    expect(counters.pending().points.map((p) => p.fields.count)).toEqual([{ int: 2 }]);

    // A failed write acknowledges nothing: the same minute stays pending.
    expect(counters.pending().points).toHaveLength(1);
  });

  it('refuses transactions outside the kept window and evicts minutes past it', () => {
    const counters = new MinuteCounters('m', HOUR);
    const now = T0 + 2 * HOUR;
    expect(counters.add(tx(now - HOUR - MINUTE_MS - 1, 1), 'e', now)).toBe(false);
    expect(counters.add(tx(now - HOUR, 1), 'e', now)).toBe(true);
    expect(counters.add(tx(now + HOUR, 1), 'e', now)).toBe(false);
    expect(counters.add(tx(now + HOUR - MINUTE_MS, 1), 'e', now)).toBe(true);
    expect(counters.size).toBe(2);

    // Written or not, a minute past retention goes; the unwritten ones are counted.
    counters.acknowledge(counters.pending().versions.slice(0, 1));
    expect(counters.evict(now + 2 * HOUR)).toBe(1);
    expect(counters.size).toBe(0);
  });

  it('rounds sums to microseconds', () => {
    const counters = new MinuteCounters('m', HOUR);
    counters.add(tx(T0, 0.1), 'e', T0);
    counters.add(tx(T0, 0.2), 'e', T0);
    expect(counters.pending().points[0].fields.elapsed_sum).toBe(0.3);
  });
});
