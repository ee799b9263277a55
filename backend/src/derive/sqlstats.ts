import type { Span } from '@osprey/model';

import { normalizeStatement, statementKey } from '../sqlstats/normalize';
import { bucketOf } from '../stats/latency-buckets';
import { callFailed } from './servicemap';
import { int, isDbClient, isEntry, nanosToMillis, spanKey, str } from './transactions';

/**
 * One minute of one statement's calls in one latency bucket, within one transaction: the entry
 * span of the same service the db span ran under (`entrySpanId`; absent when that span is not
 * stored), so the store can file the calls under that transaction's instance and endpoint.
 */
export interface SqlRollup {
  traceId: string;
  entrySpanId?: string;
  /** The entry span's end (epoch ms), where its transaction row is found. */
  entryEnd?: number;
  /** Start of the minute the calls ended in, epoch ms. */
  minute: number;
  service: string;
  key: string;
  dbSystem: string;
  dbName: string;
  statement: string;
  bucket: number;
  calls: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  /** Rows returned, summed over `rowCalls` calls that reported them. */
  rows: number;
  rowCalls: number;
}

/** Statement attributes: the current semantic convention first, then the older names. */
export const STATEMENT_ATTRIBUTES = ['db.query.text', 'db.statement'] as const;
const OPERATION_ATTRIBUTES = ['db.operation.name', 'db.operation'] as const;
const COLLECTION_ATTRIBUTES = ['db.collection.name', 'db.mongodb.collection', 'db.sql.table'] as const;
const ROWS_ATTRIBUTES = ['db.response.returned_rows'] as const;
/** What SQL statistics read of a span beyond what the service map reads (derive/settle.ts keeps them). */
export const SQL_ATTRIBUTES = [
  ...STATEMENT_ATTRIBUTES,
  ...OPERATION_ATTRIBUTES,
  ...COLLECTION_ATTRIBUTES,
  ...ROWS_ATTRIBUTES,
];

const MINUTE_MS = 60_000;

function firstOf(span: Span, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = str(span.attributes[name]);
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/**
 * The normalised statement of a db client span: its query text, or, for a client that sends
 * none (Redis, some document stores), its operation and collection. Undefined for other spans.
 */
export function spanStatement(span: Span): { dbSystem: string; dbName: string; statement: string } | undefined {
  if (span.kind !== 'client' || !isDbClient(span)) {
    return undefined;
  }
  const dbSystem = str(span.attributes['db.system']) ?? str(span.attributes['db.system.name'])!;
  const dbName = str(span.attributes['db.namespace']) ?? str(span.attributes['db.name']) ?? '';
  const text = firstOf(span, STATEMENT_ATTRIBUTES);
  if (text !== undefined) {
    return { dbSystem, dbName, statement: normalizeStatement(text, dbSystem) };
  }
  const operation = firstOf(span, OPERATION_ATTRIBUTES);
  if (operation === undefined) {
    return undefined;
  }
  const collection = firstOf(span, COLLECTION_ATTRIBUTES);
  return { dbSystem, dbName, statement: collection === undefined ? operation : `${operation} ${collection}` };
}

/** The entry span a span ran under in its own service, walking up through `byId`. */
export function entryOf(span: Span, byId: ReadonlyMap<string, Span>): Span | undefined {
  let current: Span | undefined = span;
  while (current !== undefined) {
    if (current !== span && isEntry(current)) {
      return current.service === span.service ? current : undefined;
    }
    if (current.service !== span.service || current.parentSpanId === undefined) {
      return undefined;
    }
    current = byId.get(spanKey(current.traceId, current.parentSpanId));
  }
  return undefined;
}

/**
 * SQL rollups of a settle run over every stored span of its traces. Each db client span in `fresh`
 * (keys `spanKey`; `'all'`: every span) counts under its entry span. A span counted by an earlier
 * run whose entry span has changed since (it was not stored then, so the calls went under no
 * endpoint) moves: a negative rollup takes it off the entry it had, a positive one files it
 * under the entry it has now, so a long request whose entry span came last still ends up
 * under its endpoint.
 */
export function sqlRollups(
  spans: Span[],
  fresh: ReadonlySet<string> | 'all',
  byId: ReadonlyMap<string, Span>
): SqlRollup[] {
  const isFresh = (span: Span) => fresh === 'all' || fresh.has(spanKey(span.traceId, span.spanId));
  let before: Map<string, Span> | undefined;
  const rollups = new Map<string, SqlRollup & { nanos: bigint }>();
  for (const span of spans) {
    const statement = spanStatement(span);
    if (statement === undefined) {
      continue;
    }
    const entry = entryOf(span, byId);
    if (isFresh(span)) {
      add(rollups, span, statement, entry, 1);
      continue;
    }
    before ??= new Map([...byId].filter(([, stored]) => !isFresh(stored)));
    const earlier = entryOf(span, before);
    if (earlier?.spanId !== entry?.spanId) {
      add(rollups, span, statement, earlier, -1);
      add(rollups, span, statement, entry, 1);
    }
  }
  // Summed as nanoseconds and converted once: adding float milliseconds drifts.
  return [...rollups.values()].map(({ nanos, ...rollup }) => ({ ...rollup, totalMs: nanosToMillis(nanos) }));
}

/** Adds one call (`sign` 1) or takes one off (-1; the maximum stays, a maximum cannot be undone). */
function add(
  rollups: Map<string, SqlRollup & { nanos: bigint }>,
  span: Span,
  statement: NonNullable<ReturnType<typeof spanStatement>>,
  entry: Span | undefined,
  sign: 1 | -1
): void {
  const duration = BigInt(span.durationNano);
  const endMs = nanosToMillis(BigInt(span.startTimeUnixNano) + duration);
  const minute = Math.floor(endMs / MINUTE_MS) * MINUTE_MS;
  const ms = nanosToMillis(duration);
  const bucket = bucketOf(ms);
  const key = statementKey(span.service, statement.dbSystem, statement.dbName, statement.statement);
  const id = JSON.stringify([span.traceId, entry?.spanId, minute, key, bucket]);
  let rollup = rollups.get(id);
  if (rollup === undefined) {
    rollup = {
      traceId: span.traceId,
      minute,
      service: span.service,
      key,
      ...statement,
      bucket,
      calls: 0,
      errors: 0,
      totalMs: 0,
      maxMs: 0,
      rows: 0,
      rowCalls: 0,
      nanos: BigInt(0),
    };
    if (entry !== undefined) {
      rollup.entrySpanId = entry.spanId;
      rollup.entryEnd = nanosToMillis(BigInt(entry.startTimeUnixNano) + BigInt(entry.durationNano));
    }
    rollups.set(id, rollup);
  }
  rollup.calls += sign;
  rollup.errors += callFailed(span) ? sign : 0;
  rollup.nanos += sign === 1 ? duration : -duration;
  if (sign === 1) {
    rollup.maxMs = Math.max(rollup.maxMs, ms);
  }
  const rows = int(span.attributes[ROWS_ATTRIBUTES[0]]);
  if (rows !== undefined) {
    rollup.rows += sign * rows;
    rollup.rowCalls += sign;
  }
}
