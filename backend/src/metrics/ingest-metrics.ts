import type { Transaction } from '@osprey/model';
import { Counter, Histogram, type LabelValues, Registry, type RegistryContentType } from 'prom-client';

import { EndpointCap } from '../export/endpoint-cap';
import type { IngestObserver, IngestSource } from '../ingest/observer';

/** Exemplar label carrying the trace id; Grafana's Prometheus datasource links it by this name. */
export const EXEMPLAR_TRACE_ID_LABEL = 'trace_id';

/**
 * Transaction latency buckets, seconds: web-request scale from 5 ms to a minute, with Scouter's
 * active-service edges (3 s, 8 s) so alert rules can count "slow" and "very slow" exactly.
 */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 8, 10, 30, 60];
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
    this.transactions = new Counter({
      name: 'osprey_transactions_total',
      help: 'Transactions committed, by service and endpoint.',
      labelNames: ['service', 'endpoint'],
      registers,
    });
    this.errors = new Counter({
      name: 'osprey_transaction_errors_total',
      help: 'Transactions committed with status error, by service and endpoint.',
      labelNames: ['service', 'endpoint'],
      registers,
    });
    this.items = new Counter({
      name: 'osprey_ingest_received_items_total',
      help: 'Items (spans, transactions, dumps) in committed batches, by ingest source.',
      labelNames: ['source'],
      registers,
    });
    this.rejectedBatches = new Counter({
      name: 'osprey_ingest_rejected_batches_total',
      help: 'Batches refused whole, by ingest source and HTTP status.',
      labelNames: ['source', 'status'],
      registers,
    });
    this.rejectedItems = new Counter({
      name: 'osprey_ingest_rejected_items_total',
      help: 'Items (spans, transactions) in batches refused whole, by ingest source and HTTP status; 0 when the body could not be decoded.',
      labelNames: ['source', 'status'],
      registers,
    });
    this.commit = new Histogram({
      name: 'osprey_ingest_commit_seconds',
      help: 'Time from handing a batch to the store to its durable commit, by ingest source.',
      labelNames: ['source'],
      buckets: COMMIT_BUCKETS,
      registers,
    });
  }
}

/**
 * The RED and ingest counters of /metrics, fed by the ingest routes with what they committed or
 * refused. Each registry (Prometheus text, OpenMetrics) gets its own metric objects: prom-client
 * refuses exemplars outside OpenMetrics, and its OpenMetrics writer renames a counter object in
 * place (drops `_total`), which would leak into the other registry's text if they shared one.
 * Counters start at zero with the process; Prometheus' rate() handles the reset.
 */
export class IngestMetrics implements IngestObserver {
  private readonly cap: EndpointCap;
  private readonly sets: RegistryMetrics[];

  constructor(registries: Array<Registry<RegistryContentType>>, maxEndpoints: number) {
    this.cap = new EndpointCap(maxEndpoints);
    this.sets = registries.map((registry) => new RegistryMetrics(registry));
  }

  committed(source: IngestSource, items: number, transactions: readonly Transaction[], commitMs: number): void {
    const labelled = transactions.map((tx) => ({ tx, endpoint: this.cap.label(tx.service, tx.endpoint) }));
    for (const set of this.sets) {
      set.items.inc({ source }, items);
      set.commit.observe({ source }, commitMs / 1000);
      for (const { tx, endpoint } of labelled) {
        const labels = { service: tx.service, endpoint };
        const seconds = tx.elapsed / 1000;
        if (set.exemplars) {
          set.duration.observe({
            labels: { ...labels, status: tx.status },
            value: seconds,
            // prom-client types exemplar labels as the metric's own label names; they are free-form.
            exemplarLabels: { [EXEMPLAR_TRACE_ID_LABEL]: tx.traceId } as LabelValues<string>,
          });
        } else {
          set.duration.observe({ ...labels, status: tx.status }, seconds);
        }
        set.transactions.inc(labels);
        // Adding 0 still creates the series, so an error ratio reads 0 rather than no data.
        set.errors.inc(labels, tx.status === 'error' ? 1 : 0);
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
