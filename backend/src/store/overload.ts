/**
 * The store's writer queue is full: the batch was not taken. Routes answer 503 with Retry-After so
 * senders back off and retry (OTLP exporters do), instead of the backend growing its memory until
 * it dies and loses everything queued.
 */
export class OverloadedError extends Error {
  override readonly name: string = 'OverloadedError';

  constructor(
    readonly queuedItems: number,
    readonly maxQueuedItems: number
  ) {
    super(`ingest queue is full (${queuedItems} of ${maxQueuedItems} spans/rows waiting for commit), retry later`);
  }
}

/** What is waiting for (or in) a commit: batches and their spans + rows, and the bound on the latter. */
export interface Backlog {
  batches: number;
  items: number;
  /** Spans + rows the queue takes before ingest is refused with 503. */
  maxItems: number;
}

/** Default bound of the writer queue: roughly 200 MB of spans in memory at worst. */
export const DEFAULT_MAX_QUEUED_ITEMS = 200_000;
