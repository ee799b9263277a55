import type { Transaction } from '@osprey/model';
import { Counter, Histogram, type LabelValues, Registry, type RegistryContentType } from 'prom-client';

import { EndpointCap } from '../export/endpoint-cap';
import { INGEST_REJECT_STATUSES, INGEST_SOURCES, type IngestObserver, type IngestSource } from '../ingest/observer';

/** Exemplar label carrying the trace id; Grafana's Prometheus datasource links it by this name. */
export const EXEMPLAR_TRACE_ID_LABEL = 'trace_id';

/**
 * Transaction latency buckets, seconds: web-request scale from 5 ms to a minute, with Scouter's
 * active-service edges (3 s, 8 s) so alert rules can count "slow" and "very slow" exactly, and
 * 0.5 s and 2 s so the Apdex at the summary's default T of 500 ms (tolerating up to 4T) is exact too
 * (the recording rule service:osprey_apdex_500ms:ratio_rate5m).
 */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5, 8, 10, 30, 60];
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry's copy of the counters (see IngestMetrics for why there are two). */
class RegistryMetrics {
  readonly duration: Histogram<'service' | 'endpoint' | 'status'>;
  readonly transactions: Counter<'service' | 'endpoint'>;
  readonly errors: Counter<'service' | 'endpoint'>;
  readonly items: Counter<'source'>;
  readonly rejectedBatches: Counter<'source' | 'status'>;
  readonly rejectedItems: Counter<'source' | 'status'>;
  readonly commit: Histogram<'source'>;
  readonly exemplars: boolean;

  constructor(registry: Registry<RegistryContentType>) {
    const registers = [registry];
    this.exemplars = registry.contentType === Registry.OPENMETRICS_CONTENT_TYPE;
    this.duration = new Histogram({
      name: 'osprey_transaction_duration_seconds',
      help: 'Transaction (XLOG) duration; in OpenMetrics each bucket carries the trace_id of a recent transaction as exemplar.',
      labelNames: ['service', 'endpoint', 'status'],
      buckets: DURATION_BUCKETS,
      enableExemplars: this.exemplars,
      registers,
    });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.transactions = counter('osprey_transactions_total', 'Transactions committed, by service and endpoint.', [
      'service',
      'endpoint',
    ]);
    this.errors = counter(
      'osprey_transaction_errors_total',
      'Transactions committed with status error, by service and endpoint.',
      ['service', 'endpoint']
    );
    this.items = counter(
      'osprey_ingest_received_items_total',
      'Items (spans, transactions, dumps) in committed batches, by ingest source.',
      ['source']
    );
    this.rejectedBatches = counter(
      'osprey_ingest_rejected_batches_total',
      'Batches refused whole, by ingest source and HTTP status.',
      ['source', 'status']
    );
    this.rejectedItems = counter(
      'osprey_ingest_rejected_items_total',
      'Items (spans, transactions) in batches refused whole, by ingest source and HTTP status; 0 when the body could not be decoded.',
      ['source', 'status']
    );
    this.commit = new Histogram({
      name: 'osprey_ingest_commit_seconds',
      help: 'Time from handing a batch to the store to its durable commit, by ingest source.',
      labelNames: ['source'],
      buckets: COMMIT_BUCKETS,
      registers,
    });
    // Every ingest series exists at 0 from the start: a series that first appears at 1 gives
    // increase() and rate() nothing to compare with, so the first refusal would go unseen.
    for (const source of INGEST_SOURCES) {
      this.items.inc({ source }, 0);
      this.commit.zero({ source });
      for (const status of INGEST_REJECT_STATUSES) {
        const labels = { source, status: String(status) };
        this.rejectedBatches.inc(labels, 0);
        this.rejectedItems.inc(labels, 0);
      }
    }
  }
}

/**
 * The RED and ingest counters of /metrics, fed by the ingest routes with what they committed or
 * refused. Each registry (Prometheus text, OpenMetrics) gets its own metric objects: prom-client
 * refuses exemplars outside OpenMetrics, and its OpenMetrics writer renames a counter object in
 * place (drops `_total`), which would leak into the other registry's text if they shared one.
 * Counters start at zero with the process; Prometheus' rate() handles the reset. The ingest series
 * (per source, per refusal status) exist from the start; the per-service ones from a service's first batch.
 */
export class IngestMetrics implements IngestObserver {
  private readonly cap: EndpointCap;
  private readonly sets: RegistryMetrics[];

  constructor(registries: Array<Registry<RegistryContentType>>, maxEndpoints: number) {
    this.cap = new EndpointCap(maxEndpoints);
    this.sets = registries.map((registry) => new RegistryMetrics(registry));
  }

  committed(source: IngestSource, items: number, transactions: readonly Transaction[], commitMs: number): void {
    const groups = labelGroups(transactions, this.cap);
    for (const set of this.sets) {
      set.items.inc({ source }, items);
      set.commit.observe({ source }, commitMs / 1000);
      for (const group of groups) {
        const labels = { service: group.service, endpoint: group.endpoint };
        const histogramLabels = { ...labels, status: group.status };
        group.seconds.forEach((value, i) => {
          const traceId = group.exemplars.get(i);
          if (set.exemplars && traceId !== undefined) {
            set.duration.observe({
              labels: histogramLabels,
              value,
              // prom-client types exemplar labels as the metric's own label names; they are free-form.
              exemplarLabels: { [EXEMPLAR_TRACE_ID_LABEL]: traceId } as LabelValues<string>,
            });
          } else if (set.exemplars) {
            set.duration.observe({ labels: histogramLabels, value });
          } else {
            set.duration.observe(histogramLabels, value);
          }
        });
        set.transactions.inc(labels, group.seconds.length);
        // Adding 0 still creates the series, so an error ratio reads 0 rather than no data.
        set.errors.inc(labels, group.status === 'error' ? group.seconds.length : 0);
      }
    }
  }

  rejected(source: IngestSource, status: number, items: number): void {
    const labels = { source, status: String(status) };
    for (const set of this.sets) {
      set.rejectedBatches.inc(labels);
      set.rejectedItems.inc(labels, items);
    }
  }
}

/** One label set's share of a committed batch. */
export interface LabelGroup {
  service: string;
  /** After the endpoint cap. */
  endpoint: string;
  status: Transaction['status'];
  /** Durations in seconds, in batch order. */
  seconds: number[];
  /**
   * Index in `seconds` → trace id, for the last transaction of each histogram bucket: a bucket keeps
   * only its newest exemplar, so setting the earlier ones would be overwritten work.
   */
  exemplars: Map<number, string>;
}

/** Index of the histogram bucket a duration falls in (prom-client's `le` rule); the last is +Inf. */
export function durationBucket(seconds: number): number {
  const index = DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
  return index === -1 ? DURATION_BUCKETS.length : index;
}

/**
 * A batch's transactions grouped by (service, capped endpoint, status), so the counters move once
 * per label set rather than once per transaction: each prom-client call validates and hashes its labels.
 */
export function labelGroups(transactions: readonly Transaction[], cap: EndpointCap): LabelGroup[] {
  const groups = new Map<string, LabelGroup & { lastInBucket: Map<number, number>; traceIds: string[] }>();
  for (const tx of transactions) {
    const endpoint = cap.label(tx.service, tx.endpoint);
    const key = `${tx.service}\u0000${endpoint}\u0000${tx.status}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        service: tx.service,
        endpoint,
        status: tx.status,
        seconds: [],
        exemplars: new Map(),
        lastInBucket: new Map(),
        traceIds: [],
      };
      groups.set(key, group);
    }
    const seconds = tx.elapsed / 1000;
    group.lastInBucket.set(durationBucket(seconds), group.seconds.length);
    group.seconds.push(seconds);
    group.traceIds.push(tx.traceId);
  }
  return [...groups.values()].map(({ lastInBucket, traceIds, ...group }) => {
    for (const index of lastInBucket.values()) {
      group.exemplars.set(index, traceIds[index]);
    }
    return group;
  });
}
