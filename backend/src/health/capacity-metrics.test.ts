/** /metrics' capacity gauges over a real DuckDB store holding transactions of known rate and latency. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Registry } from 'prom-client';

import { DuckDbStore } from '../store/duckdb/store';
import { webTransaction } from '../testing/generate';
import { CAPACITY_METRICS_WINDOW_MS, registerCapacityGauges } from './capacity-metrics';

jest.setTimeout(30_000);

const NOW = Date.UTC(2026, 11, 7, 12);
const SECONDS = CAPACITY_METRICS_WINDOW_MS / 1000;

let dir: string;
let store: DuckDbStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-capacity-metrics-'));
  store = await DuckDbStore.open(dir);
  // shop: 2 a second for the window, 150 and 350 ms in turn (mean 250 ms); cart: 30 in the window at
  // 100 ms; both also an hour before, which the window leaves out.
  const shop = Array.from({ length: 2 * SECONDS }, (_, i) =>
    webTransaction(i + 1, NOW - CAPACITY_METRICS_WINDOW_MS + i * 500 + 250, i % 2 ? 350 : 150, 'ok', 'shop')
  );
  const cart = Array.from({ length: 30 }, (_, i) =>
    webTransaction(10_000 + i, NOW - 1000 * (i + 1), 100, 'ok', 'cart')
  );
  const old = [
    webTransaction(20_000, NOW - 3_600_000, 5000, 'ok', 'shop'),
    webTransaction(20_001, NOW - 3_600_000, 5000, 'ok', 'cart'),
  ];
  await store.insertBatch([], [...shop, ...cart, ...old]);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each sample `name{labels} value` of the exposition, by its name and labels. */
async function samples(limit: number): Promise<Record<string, number>> {
  const registry = new Registry();
  registerCapacityGauges(registry, store, { concurrencyLimit: limit, now: () => NOW });
  const text = await registry.metrics();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith('osprey_capacity_'))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))];
      })
  );
}

describe('capacity gauges', () => {
  it.each([
    // limit, shop's max (limit / 0.25 s), cart's (limit / 0.1 s)
    [200, 800, 2000],
    [50, 200, 500],
  ])(
    'at a limit of %d: throughput over the last 5 minutes, max = limit / mean response time',
    async (limit, shopMax, cartMax) => {
      const got = await samples(limit);
      expect(Object.keys(got).sort()).toEqual([
        'osprey_capacity_concurrency_limit',
        'osprey_capacity_max_throughput_per_second{service="cart",instance="cart-1"}',
        'osprey_capacity_max_throughput_per_second{service="shop",instance="shop-1"}',
        'osprey_capacity_throughput_per_second{service="cart",instance="cart-1"}',
        'osprey_capacity_throughput_per_second{service="shop",instance="shop-1"}',
      ]);
      expect(got['osprey_capacity_concurrency_limit']).toBe(limit);
      expect(got['osprey_capacity_throughput_per_second{service="shop",instance="shop-1"}']).toBeCloseTo(2, 9);
      expect(got['osprey_capacity_throughput_per_second{service="cart",instance="cart-1"}']).toBeCloseTo(
        30 / SECONDS,
        9
      );
      expect(got['osprey_capacity_max_throughput_per_second{service="shop",instance="shop-1"}']).toBeCloseTo(
        shopMax,
        6
      );
      expect(got['osprey_capacity_max_throughput_per_second{service="cart",instance="cart-1"}']).toBeCloseTo(
        cartMax,
        6
      );
    }
  );

  it('reads the store once a scrape, for both gauges, and again at the next scrape', async () => {
    const reads = jest.spyOn(store.health, 'instanceThroughput');
    try {
      const registry = new Registry();
      registerCapacityGauges(registry, store, { concurrencyLimit: 200, now: () => NOW });
      await registry.metrics();
      expect(reads).toHaveBeenCalledTimes(1);
      await registry.metrics();
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
    }
  });

  it('has no series for an instance without transactions in the window', async () => {
    const registry = new Registry();
    registerCapacityGauges(registry, store, { concurrencyLimit: 200, now: () => NOW + 3_600_000 });
    expect((await registry.metrics()).split('\n').filter((l) => /^osprey_capacity_\w+\{/.test(l))).toEqual([]);
  });
});
