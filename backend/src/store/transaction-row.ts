import type { Transaction, TransactionKind, TransactionStatus } from '@osprey/model';

const OPTIONAL_STRINGS: Array<[keyof Transaction, string]> = [
  ['errorType', 'error_type'],
  ['errorMessage', 'error_message'],
  ['parentService', 'parent_service'],
  ['userId', 'user_id'],
  ['clientIp', 'client_ip'],
  ['threadName', 'thread_name'],
];

/** A `transactions` row as either store reads it back (snake_case columns, NULL for absent). */
export function rowToTransaction(row: Record<string, unknown>): Transaction {
  const tx: Transaction = {
    endTime: Number(row.end_time),
    elapsed: Number(row.elapsed),
    service: String(row.service),
    instance: String(row.instance),
    endpoint: String(row.endpoint),
    status: row.status as TransactionStatus,
    traceId: String(row.trace_id),
    spanId: String(row.span_id),
    sqlCount: Number(row.sql_count),
    sqlTime: Number(row.sql_time),
    apiCallCount: Number(row.api_call_count),
    apiCallTime: Number(row.api_call_time),
    kind: row.kind as TransactionKind,
  };
  for (const [field, column] of OPTIONAL_STRINGS) {
    const value = row[column];
    if (value !== null && value !== undefined) {
      (tx as unknown as Record<string, unknown>)[field] = String(value);
    }
  }
  if (row.http_status !== null && row.http_status !== undefined) {
    tx.httpStatus = Number(row.http_status);
  }
  if (row.cpu_time !== null && row.cpu_time !== undefined) {
    tx.cpuTime = Number(row.cpu_time);
  }
  return tx;
}
