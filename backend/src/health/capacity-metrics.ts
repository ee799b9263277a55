import { Gauge, type Registry, type RegistryContentType } from 'prom-client';

import type { Store } from '../store/store';
import { capacityRows } from './capacity';

/**
 * The window /metrics' capacity gauges are measured over: the 5 minutes the alert rules' rates use,
 * long enough for a steady mean response time, short enough to follow the day's traffic.
 */
export const CAPACITY_METRICS_WINDOW_MS = 5 * 60_000;

/**
 * Little's law per instance at scrape time, over the last CAPACITY_METRICS_WINDOW_MS of raw
 * transactions (as GET /api/v1/health/capacity over that window): its throughput, and the most it
 * serves at the configured concurrency limit. Prometheus keeps the day's peak of the first
 * (max_over_time), which the OspreyCapacityHeadroomLow alert sets against the second. An instance
 * without transactions in the window has no series; one answering in 0 ms has no projection.
 */
export function registerCapacityGauges(
  registry: Registry<RegistryContentType>,
  store: Store,
  options: { concurrencyLimit: number; now?: () => number }
): void {
  const registers = [registry];
  const labelNames = ['service', 'instance'];
  const read = async () => {
    const to = (options.now ?? Date.now)();
    const throughput = await store.health.instanceThroughput(to - CAPACITY_METRICS_WINDOW_MS, to);
    return capacityRows(throughput, [], CAPACITY_METRICS_WINDOW_MS / 1000, options.concurrencyLimit);
  };
  // A scrape starts every gauge's collect at once: both gauges share the read that is in flight,
  // so a scrape reads the store once and both series describe the same moment.
  let inFlight: ReturnType<typeof read> | undefined;
  const rows = () =>
    (inFlight ??= read().finally(() => {
      inFlight = undefined;
    }));
  new Gauge({
    name: 'osprey_capacity_throughput_per_second',
    help: 'Requests per second an instance served over the last 5 minutes (transactions ended / 300 s).',
    labelNames,
    registers,
    async collect() {
      this.reset();
      for (const row of await rows()) {
        this.set({ service: row.service, instance: row.instance }, row.throughput);
      }
    },
  });
  new Gauge({
    name: 'osprey_capacity_max_throughput_per_second',
    help: "Little's law: the requests per second an instance serves at most at --concurrency-limit in flight, that limit / its mean response time over the last 5 minutes.",
    labelNames,
    registers,
    async collect() {
      this.reset();
      for (const row of await rows()) {
        if (row.maxThroughput !== null) {
          this.set({ service: row.service, instance: row.instance }, row.maxThroughput);
        }
      }
    },
  });
  new Gauge({
    name: 'osprey_capacity_concurrency_limit',
    help: 'Requests an instance is taken to hold in flight at most (--concurrency-limit: its thread or connection pool).',
    registers,
  }).set(options.concurrencyLimit);
}
