import { Gauge, type OpenMetricsContentType, Registry, type RegistryContentType } from 'prom-client';

import type { CheckStatus } from '@osprey/model';

import { type ActiveOptions, activeAnswer } from '../active/answer';
import { registerCheckGauges } from '../checks/metrics';
import { registerCapacityGauges } from '../health/capacity-metrics';
import { VERSION } from '../server/version';
import type { IngestWriter } from '../ingest/writer';
import type { Store } from '../store/store';
import { registerIngestLogGauges } from './ingest-log-metrics';
import { IngestMetrics } from './ingest-metrics';
import type { Exposition } from './negotiate';

/** Both text formats of /metrics and the ingest observer that feeds their counters. */
export interface MetricsExposition {
  registries: Record<Exposition, Registry<RegistryContentType>>;
  ingest: IngestMetrics;
}

/**
 * A registry per server and format, not prom-client's global one: two servers in one process stay
 * apart. Gauges are read from the store at scrape time: nothing to keep in sync.
 */
export function createMetricsExposition(
  store: Store,
  options: {
    writer: IngestWriter;
    maxEndpoints: number;
    active: ActiveOptions;
    checks?: () => CheckStatus[];
    concurrencyLimit: number;
  }
): MetricsExposition {
  const openmetrics = new Registry<OpenMetricsContentType>();
  openmetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registries: Record<Exposition, Registry<RegistryContentType>> = { prometheus: new Registry(), openmetrics };
  for (const registry of Object.values(registries)) {
    registerStoreGauges(registry, store, options.writer, options.active);
    registerIngestLogGauges(registry, options.writer);
    registerCheckGauges(registry, options.checks ?? (() => []));
    registerCapacityGauges(registry, store, { concurrencyLimit: options.concurrencyLimit });
  }
  return { registries, ingest: new IngestMetrics(Object.values(registries), options.maxEndpoints) };
}

function registerStoreGauges(
  registry: Registry<RegistryContentType>,
  store: Store,
  writer: IngestWriter,
  active: ActiveOptions
): void {
  const registers = [registry];
  new Gauge({
    name: 'osprey_build_info',
    help: 'Osprey backend version and store, always 1.',
    labelNames: ['version', 'store'],
    registers,
  }).set({ version: VERSION, store: store.kind }, 1);

  new Gauge({
    name: 'osprey_jvm_deadlocked_threads',
    help: 'Threads in a deadlock cycle in the newest thread dump of each JVM instance.',
    labelNames: ['service', 'instance'],
    registers,
    async collect() {
      this.reset();
      for (const { service, instance } of await store.captures.jvmInstances()) {
        const [latest] = await store.captures.threadDumps({ service, instance, limit: 1 });
        if (latest) {
          this.set({ service, instance }, latest.summary.deadlockedThreads);
        }
      }
    },
  });

  // GET /api/v1/active's answer itself, so an alert on very slow requests and the equalizer panel
  // agree; every bucket is set, a zero included, so "none stuck" is a value, not no data.
  new Gauge({
    name: 'osprey_active_requests',
    help: 'In-flight requests of each instance as the equalizer counts them, by the source that saw them and equalizer bucket (elapsed when seen; unknownAge: a count without ages).',
    labelNames: ['service', 'instance', 'source', 'bucket'],
    registers,
    async collect() {
      this.reset();
      for (const { service, instance, source, buckets } of (await activeAnswer(store, active, undefined)).instances) {
        for (const [bucket, count] of Object.entries(buckets)) {
          this.set({ service, instance, source, bucket }, count);
        }
      }
    },
  });

  const thresholds = new Gauge({
    name: 'osprey_active_threshold_seconds',
    help: 'Elapsed time from which an in-flight request counts in the slow and verySlow buckets of osprey_active_requests.',
    labelNames: ['bucket'],
    registers,
  });
  thresholds.set({ bucket: 'slow' }, active.thresholds.slow / 1000);
  thresholds.set({ bucket: 'verySlow' }, active.thresholds.verySlow / 1000);

  new Gauge({
    name: 'osprey_ingest_queue_batches',
    help: 'Batches acknowledged and not yet loaded into the store (ingest log), or without a log handed to the store and not yet committed.',
    registers,
    collect() {
      this.set(writer.backlog().batches);
    },
  });

  new Gauge({
    name: 'osprey_ingest_queue_items',
    help: 'Spans and transactions in the batches not yet loaded or committed.',
    registers,
    collect() {
      this.set(writer.backlog().items);
    },
  });

  new Gauge({
    name: 'osprey_ingest_queue_max_items',
    help: 'Spans and transactions the queue holds before ingest is refused with 503 (--max-queued-spans).',
    registers,
    collect() {
      this.set(writer.backlog().maxItems);
    },
  });
}
