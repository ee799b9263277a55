/**
 * One finished request as seen by one service: a dot on the XLOG.
 * Derived from an OpenTelemetry/Zipkin entry span or posted by a native agent.
 */
export interface Transaction {
  /** End of the request, epoch milliseconds; the fraction keeps sub-millisecond precision, to the microsecond. */
  endTime: number;
  /** Duration in milliseconds. */
  elapsed: number;
  service: string;
  instance: string;
  endpoint: string;
  status: TransactionStatus;
  httpStatus?: number;
  errorType?: string;
  errorMessage?: string;
  traceId: string;
  spanId: string;
  /** Calling service, when the caller is instrumented. */
  parentService?: string;
  userId?: string;
  clientIp?: string;
  sqlCount: number;
  sqlTime: number;
  apiCallCount: number;
  apiCallTime: number;
  kind: TransactionKind;
  threadName?: string;
  cpuTime?: number;
}

export type TransactionStatus = 'ok' | 'error';
/** `synthetic`: a run of a synthetic check (checks.ts), made by the backend itself. */
export type TransactionKind = 'web' | 'app' | 'background' | 'async' | 'synthetic';

export const TRANSACTION_KINDS: readonly TransactionKind[] = ['web', 'app', 'background', 'async', 'synthetic'];
