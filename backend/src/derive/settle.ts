import type { Span } from '@osprey/model';

import { type EdgeRollup, edgeRollups } from './servicemap';
import { childrenIndex, type ClientCalls, clientCalls, isEntry, spanKey } from './transactions';

/** Recomputed sql/api figures of the transaction of one entry span. */
export interface SettledTransaction extends ClientCalls {
  traceId: string;
  spanId: string;
}

export interface Settlement {
  transactions: SettledTransaction[];
  edges: EdgeRollup[];
}

/**
 * What settling some traces yields, given every stored span of those traces: the figures of each
 * entry span's transaction (from all its same-service client descendants, whichever batch brought
 * them), and the service-map rollups of the client spans in `fresh` (keys `spanKey(trace, span)`)
 * — the spans not counted by an earlier settlement, so a trace that settles twice (a straggler
 * arrived late) adds each call once.
 */
export function settle(spans: Span[], fresh: ReadonlySet<string>): Settlement {
  const children = childrenIndex(spans);
  const transactions = spans
    .filter(isEntry)
    .map((entry) => ({ traceId: entry.traceId, spanId: entry.spanId, ...clientCalls(entry, children) }));
  const counted = spans.filter((span) => fresh.has(spanKey(span.traceId, span.spanId)));
  return { transactions, edges: edgeRollups(counted, children) };
}
