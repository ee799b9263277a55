import type { Span, Transaction } from '@osprey/model';

import type { OtherRows } from '../store';

/** Every kind an ingest batch can hold; `insertBatch` takes spans and transactions apart from the others. */
export type IngestRows = { spans: Span[]; transactions: Transaction[] } & OtherRows;

/** One accepted request's rows, as a route or the replay decoded them: a kind left out has none. */
export type DecodedBatch = Partial<IngestRows>;

const OTHER_KINDS = ['metricPoints', 'logRecords', 'threadDumps', 'heapHistograms', 'hostSnapshots'] as const;
const KINDS = ['spans', 'transactions', ...OTHER_KINDS] as const;

/**
 * Rows of every kind, what the backlog bound (--max-queued-spans) counts: a point, a log record
 * and an upload weigh one, like a span.
 */
export const itemCount = (batch: DecodedBatch): number =>
  KINDS.reduce((sum, kind) => sum + (batch[kind]?.length ?? 0), 0);

/** Concatenates batches kind by kind, in order (a load of several records). */
export function mergeBatches(batches: readonly DecodedBatch[]): IngestRows {
  const merged: Partial<Record<(typeof KINDS)[number], unknown[]>> = {};
  for (const kind of KINDS) {
    merged[kind] = batches.flatMap((batch): readonly unknown[] => batch[kind] ?? []);
  }
  return merged as IngestRows;
}

/** The kinds of `rows` other than spans and transactions, or undefined when it has none of them. */
export function otherRowsOf(rows: IngestRows): OtherRows | undefined {
  return OTHER_KINDS.some((kind) => rows[kind].length > 0)
    ? {
        metricPoints: rows.metricPoints,
        logRecords: rows.logRecords,
        threadDumps: rows.threadDumps,
        heapHistograms: rows.heapHistograms,
        hostSnapshots: rows.hostSnapshots,
      }
    : undefined;
}
