import type { Span, Transaction, TransactionQuery, TransactionsResponse } from '@osprey/model';

/** Where spans and derived transactions live. Every backend (DuckDB now, ClickHouse later) implements this. */
export interface Store {
  /** Short name reported by /health, e.g. "duckdb". */
  readonly kind: string;
  /** Stores one ingest batch atomically; resolves only once it is committed durably. */
  insertBatch(spans: Span[], transactions: Transaction[]): Promise<void>;
  /** Names of every service that sent spans, sorted. */
  services(): Promise<string[]>;
  /** Transactions ending in [from, to], newest first; `limit` must already be validated. */
  transactions(query: TransactionQuery & { limit: number }): Promise<TransactionsResponse>;
  /** Every stored span of a trace, by start time. */
  trace(traceId: string): Promise<Span[]>;
  close(): Promise<void>;
}
