import type { Transaction } from '@osprey/model';

/** Which ingest route a batch came through; a label on the ingest self-metrics. */
export const INGEST_SOURCES = ['otlp', 'otlp_metrics', 'otlp_logs', 'zipkin', 'native', 'active', 'jvm'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/**
 * Every status an ingest route refuses a batch with, so /metrics can show each at 0 before the first:
 * 400 a body that does not decode or validate (gzip included); 401 / 403 a missing or unknown token,
 * or one without the ingest scope (auth/plugin.ts); 413 a body over --max-body-bytes, 415 a content
 * type or encoding the route does not take (ingest/body.ts or the error handler in server/app.ts);
 * 500 an unexpected failure and 503 the writer queue full (that error handler).
 */
export const INGEST_REJECT_STATUSES = [400, 401, 403, 413, 415, 500, 503] as const;

/**
 * What the ingest routes tell the exports about each batch: /metrics and the InfluxDB export count
 * committed transactions and rejected batches from here, so they see exactly what was acknowledged.
 */
export interface IngestObserver {
  /** A batch was committed: `items` spans (or rows) and the transactions derived from them. */
  committed(source: IngestSource, items: number, transactions: readonly Transaction[], commitMs: number): void;
  /** A batch was refused whole with `status` (one of INGEST_REJECT_STATUSES). */
  rejected(source: IngestSource, status: number, items: number): void;
}

export const NO_INGEST_OBSERVER: IngestObserver = {
  committed: () => undefined,
  rejected: () => undefined,
};

/**
 * Tells every observer, each in isolation: the batch is already committed when `committed` runs,
 * so an observer that throws must neither fail the acknowledgement nor starve the others.
 */
export function fanOutObserver(observers: IngestObserver[], onError: (err: unknown) => void): IngestObserver {
  const each = (call: (observer: IngestObserver) => void) => {
    for (const observer of observers) {
      try {
        call(observer);
      } catch (err) {
        onError(err);
      }
    }
  };
  return {
    committed: (source, items, transactions, commitMs) =>
      each((observer) => observer.committed(source, items, transactions, commitMs)),
    rejected: (source, status, items) => each((observer) => observer.rejected(source, status, items)),
  };
}
