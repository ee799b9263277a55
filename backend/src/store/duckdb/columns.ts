import type { Attributes, Span, Transaction } from '@osprey/model';

import type { ColumnValue } from './chunks';
import { msToMicros } from '../micros';

/**
 * The `spans` columns in the table's order (store/duckdb/store.ts SCHEMA), read straight off the
 * decoded spans; `resourceIds` holds the id ResourceDictionary gave each span's resource.
 */
export function spanColumns(resourceIds: ReadonlyMap<Attributes, bigint>): Array<ColumnValue<Span>> {
  return [
    (s) => s.traceId,
    (s) => s.spanId,
    (s) => s.parentSpanId ?? null,
    (s) => s.service,
    (s) => s.name,
    (s) => s.kind,
    (s) => BigInt(s.startTimeUnixNano),
    (s) => BigInt(s.durationNano),
    (s) => s.status,
    (s) => s.statusMessage ?? null,
    (s) => resourceIds.get(s.resource)!,
    (s) => JSON.stringify(s.attributes),
    (s) => JSON.stringify(s.events),
  ];
}

/** The `transactions` columns in the table's order: ids as the integers their hex spells, the end in µs. */
export const TRANSACTION_COLUMNS: ReadonlyArray<ColumnValue<Transaction>> = [
  (t) => BigInt(msToMicros(t.endTime)),
  (t) => t.elapsed,
  (t) => t.service,
  (t) => t.instance,
  (t) => t.endpoint,
  (t) => t.status,
  (t) => t.httpStatus ?? null,
  (t) => t.errorType ?? null,
  (t) => t.errorMessage ?? null,
  (t) => BigInt(`0x${t.traceId}`),
  (t) => BigInt(`0x${t.spanId}`),
  (t) => t.parentService ?? null,
  (t) => t.userId ?? null,
  (t) => t.clientIp ?? null,
  (t) => t.sqlCount,
  (t) => t.sqlTime,
  (t) => t.apiCallCount,
  (t) => t.apiCallTime,
  (t) => t.kind,
  (t) => t.threadName ?? null,
  (t) => t.cpuTime ?? null,
];
