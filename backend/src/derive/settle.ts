import type { Attributes, AttributeValue, Span } from '@osprey/model';

import { type EdgeRollup, edgeRollups } from './servicemap';
import { SQL_ATTRIBUTES, type SqlRollup, sqlRollups } from './sqlstats';
import { childrenIndex, type ClientCalls, clientCalls, isEntry, nanosToMillis, spanKey } from './transactions';

/** Recomputed sql/api figures of the transaction of one entry span. */
export interface SettledTransaction extends ClientCalls {
  traceId: string;
  spanId: string;
  /** The transaction's endTime (epoch ms), as deriving gave it: lets the store find its row by time. */
  endTime: number;
}

export interface Settlement {
  transactions: SettledTransaction[];
  edges: EdgeRollup[];
  /** SQL statistics of the db client spans in `fresh`, and the moves of earlier ones (sqlstats.ts). */
  sql: SqlRollup[];
}

/**
 * What settling some traces yields, given every stored span of those traces: the figures of each
 * entry span's transaction (from all its same-service client descendants, whichever batch brought
 * them), and the service-map rollups of the client spans in `fresh` (keys `spanKey(trace, span)`)
 * — the spans not counted by an earlier settlement, so a trace that settles twice (a straggler
 * arrived late) adds each call once. `'all'`: every span is fresh (no earlier settlement).
 */
export function settle(spans: Span[], fresh: ReadonlySet<string> | 'all'): Settlement {
  const children = childrenIndex(spans);
  const transactions = spans.filter(isEntry).map((entry) => ({
    traceId: entry.traceId,
    spanId: entry.spanId,
    endTime: nanosToMillis(BigInt(entry.startTimeUnixNano) + BigInt(entry.durationNano)),
    ...clientCalls(entry, children),
  }));
  const counted = fresh === 'all' ? spans : spans.filter((span) => fresh.has(spanKey(span.traceId, span.spanId)));
  const byId = new Map(spans.map((span) => [spanKey(span.traceId, span.spanId), span]));
  return { transactions, edges: edgeRollups(counted, children), sql: sqlRollups(spans, fresh, byId) };
}

/** Spans of one trace start within this much of each other (as in DuckDbStore's parent linking). */
export const TRACE_SPREAD_NS = BigInt(3600) * BigInt(1_000_000_000);
const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);

/** Start times (ns) settling looks at for a trace whose unsettled spans start in [lo, hi]. */
export function settleWindow(lo: bigint, hi: bigint): { from: bigint; to: bigint } {
  return {
    from: lo > TRACE_SPREAD_NS ? lo - TRACE_SPREAD_NS : BigInt(0),
    to: hi < UINT64_MAX - TRACE_SPREAD_NS ? hi + TRACE_SPREAD_NS : UINT64_MAX,
  };
}

/**
 * The attributes settling reads: clientCalls (transactions.ts), callTarget/callFailed
 * (servicemap.ts) and the statement of SQL statistics (sqlstats.ts). A span held in memory until
 * its trace settles keeps only these.
 */
export const SETTLE_ATTRIBUTES = [
  ...SQL_ATTRIBUTES,
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'server.address',
  'server.port',
  'peer.service',
  'net.peer.name',
  'net.peer.port',
  'url.full',
  'http.url',
  'http.response.status_code',
  'http.status_code',
];

const NO_RESOURCE: Attributes = Object.freeze({}) as Attributes;
const NO_EVENTS: Span['events'] = Object.freeze([]) as unknown as Span['events'];

/**
 * What settling needs of a span, as the store would give it back: name, resource, events and
 * status message dropped, only SETTLE_ATTRIBUTES kept, each value as its JSON round trip (the
 * `attributes` column is JSON: NaN comes back null, an array a fresh copy).
 */
export function leanSpan(span: Span): Span {
  const attributes: Attributes = {};
  for (const key of SETTLE_ATTRIBUTES) {
    const value = span.attributes[key];
    if (value !== undefined) {
      attributes[key] = asStored(value);
    }
  }
  const lean: Span = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: '',
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    durationNano: span.durationNano,
    status: span.status,
    service: span.service,
    resource: NO_RESOURCE,
    attributes,
    events: NO_EVENTS,
  };
  if (span.parentSpanId !== undefined) {
    lean.parentSpanId = span.parentSpanId;
  }
  return lean;
}

function asStored(value: AttributeValue): AttributeValue {
  if (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  ) {
    return value;
  }
  return JSON.parse(JSON.stringify(value)) as AttributeValue;
}
