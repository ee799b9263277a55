import type { Transaction } from '@osprey/model';

/** Which ingest route a batch came through; a label on the ingest self-metrics. */
export type IngestSource = 'otlp' | 'zipkin' | 'native' | 'active' | 'jvm';

/**
 * What the ingest routes tell the exports about each batch: /metrics and the InfluxDB export count
 * committed transactions and rejected batches from here, so they see exactly what was acknowledged.
 */
export interface IngestObserver {
  /** A batch was committed: `items` spans (or rows) and the transactions derived from them. */
  committed(source: IngestSource, items: number, transactions: readonly Transaction[], commitMs: number): void;
  /** A batch was refused whole with `status` (4xx bad input, 413, 429/503 overload). */
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
