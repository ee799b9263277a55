import type { Span, Transaction } from '@osprey/model';

import { spanKey } from './transactions';

/**
 * A transaction whose entry span names a parent span that has not been seen yet. Services export
 * separately, and a callee's server span usually ends, and is exported, before the caller's client
 * span, so the caller's service becomes the transaction's parentService only when that span comes.
 */
export interface PendingLink {
  traceId: string;
  /** The entry span, which is also the transaction's spanId. */
  spanId: string;
  parentSpanId: string;
  service: string;
  /** Entry span start (ns): bounds how long the link waits and where to look for the parent. */
  start: bigint;
  /** Transaction end (epoch ms): bounds the rows an update has to scan. */
  endTime: number;
}

/** A stored transaction that gets its parentService. */
export interface ParentUpdate {
  traceId: string;
  spanId: string;
  parentService: string;
  endTime: number;
}

/** A span's identity and service: all a parent contributes to a link. */
export type ParentSpan = Pick<Span, 'traceId' | 'spanId' | 'service'>;

/**
 * Links the transactions of a commit group to parents in the same group (whichever batch brought
 * them) by setting their parentService, and returns the links of those whose parent span is not
 * in the group. A parent in the same service is no caller: such a transaction stays unlinked.
 */
export function linkWithinGroup(spans: readonly Span[], transactions: readonly Transaction[]): PendingLink[] {
  const byKey = new Map<string, Span>();
  for (const span of spans) {
    byKey.set(spanKey(span.traceId, span.spanId), span);
  }
  const unresolved: PendingLink[] = [];
  for (const tx of transactions) {
    const entry = byKey.get(spanKey(tx.traceId, tx.spanId));
    if (tx.parentService !== undefined || entry?.parentSpanId === undefined) {
      continue;
    }
    const parent = byKey.get(spanKey(entry.traceId, entry.parentSpanId));
    if (parent === undefined) {
      unresolved.push({
        traceId: entry.traceId,
        spanId: entry.spanId,
        parentSpanId: entry.parentSpanId,
        service: entry.service,
        start: BigInt(entry.startTimeUnixNano),
        endTime: tx.endTime,
      });
    } else if (parent.service !== entry.service) {
      tx.parentService = parent.service;
    }
  }
  return unresolved;
}

/**
 * Matches pending links against parent spans: `linked` are the links whose parent is in another
 * service, `resolved` every link whose parent was found (linked or not), so it stops waiting.
 */
export function resolvePending(
  pending: Iterable<PendingLink>,
  parents: Iterable<ParentSpan>
): { linked: ParentUpdate[]; resolved: Set<PendingLink> } {
  const waiting = new Map<string, PendingLink[]>();
  for (const link of pending) {
    const key = spanKey(link.traceId, link.parentSpanId);
    const list = waiting.get(key);
    if (list) {
      list.push(link);
    } else {
      waiting.set(key, [link]);
    }
  }
  const linked: ParentUpdate[] = [];
  const resolved = new Set<PendingLink>();
  for (const parent of parents) {
    for (const link of waiting.get(spanKey(parent.traceId, parent.spanId)) ?? []) {
      if (resolved.has(link)) {
        continue;
      }
      resolved.add(link);
      if (parent.service !== link.service) {
        linked.push({
          traceId: link.traceId,
          spanId: link.spanId,
          parentService: parent.service,
          endTime: link.endTime,
        });
      }
    }
  }
  return { linked, resolved };
}
