import type { Transaction } from './transaction';

/** Bearer-token scopes; `admin` implies the other two. */
export type Scope = 'ingest' | 'read' | 'admin';

export const API_PATHS = {
  otlpTraces: '/v1/traces',
  services: '/api/v1/services',
  transactions: '/api/v1/transactions',
  traces: '/api/v1/traces',
  health: '/health',
} as const;

export interface ServicesResponse {
  services: string[];
}

/** Query string of `GET /api/v1/transactions`; times are epoch milliseconds. */
export interface TransactionQuery {
  from: number;
  to: number;
  service?: string;
  instance?: string;
  endpoint?: string;
  minElapsed?: number;
  errorsOnly?: boolean;
  traceId?: string;
  limit?: number;
}

export interface TransactionsResponse {
  transactions: Transaction[];
  /** True when more rows matched than `limit` allowed. */
  truncated: boolean;
}

export interface HealthResponse {
  status: 'ok';
  version: string;
  store: string;
}

export interface IngestResponse {
  /** Spans accepted in this batch. */
  spans: number;
  /** Transactions derived from them. */
  transactions: number;
}

/** Body of every 4xx/5xx answer. */
export interface ErrorResponse {
  error: string;
  message: string;
}

export const DEFAULT_TRANSACTION_LIMIT = 10_000;
export const MAX_TRANSACTION_LIMIT = 1_000_000;
