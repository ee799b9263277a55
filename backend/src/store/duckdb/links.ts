import { BIGINT, type DuckDBConnection, LIST, listValue, UBIGINT, VARCHAR } from '@duckdb/node-api';
import type { Span, Transaction } from '@osprey/model';

import {
  linkWithinGroup,
  type ParentSpan,
  type ParentUpdate,
  type PendingLink,
  resolvePending,
} from '../../derive/parent-links';
import { appendRows } from './append';
import { msToMicros } from '../micros';

/**
 * Transactions still waiting for their parent span, kept in the same transaction as the rows they
 * belong to so that a link waits across a restart too. Only transactions whose parent was in no
 * commit so far are here: in steady traffic a few seconds' worth, not the spans of the last hour.
 */
export const LINK_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS link_pending (
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    parent_span_id VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    start_ns UBIGINT NOT NULL,
    end_time DOUBLE NOT NULL
  )`,
];

/** How far apart a parent and child span may start and still be linked across commits. */
export const LINK_WINDOW_NS = BigInt(3600) * BigInt(1_000_000_000);
/**
 * Most links that wait at once: a service behind an uninstrumented proxy has a parent span id on
 * every request that will never come, and must not grow memory without bound. The oldest go first.
 */
export const MAX_PENDING_LINKS = 100_000;

const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);

/**
 * Sets parentService on transactions whose parent span is in another service, whichever commit
 * brought which span. A group's own spans are matched in memory; the stored spans are searched only
 * for the group's transactions whose parent is not in the group (caller exported first), and stored
 * transactions are updated only when a group brings the parent they wait for (callee first).
 * Joining every commit's traces against the spans table made each commit as slow as the hour of
 * spans behind it.
 *
 * The waiting links live in memory (by trace, oldest first) mirrored by `link_pending`; `link()`
 * writes inside the group's transaction and returns what to apply to memory once it committed, so a
 * rolled-back group leaves both as they were.
 */
export class ParentLinker {
  private readonly pending = new Map<string, PendingLink[]>();
  private size = 0;

  static async load(connection: DuckDBConnection): Promise<ParentLinker> {
    const linker = new ParentLinker();
    const rows = await connection.runAndReadAll(
      'SELECT trace_id, span_id, parent_span_id, service, start_ns, end_time FROM link_pending ORDER BY start_ns'
    );
    for (const [traceId, spanId, parentSpanId, service, start, endTime] of rows.getRowsJS()) {
      linker.add({
        traceId: String(traceId),
        spanId: String(spanId),
        parentSpanId: String(parentSpanId),
        service: String(service),
        start: BigInt(start as bigint),
        endTime: Number(endTime),
      });
    }
    return linker;
  }

  /** Links waiting now. */
  waiting(): number {
    return this.size;
  }

  /**
   * Links the group's transactions (setting parentService before they are appended) and the stored
   * ones whose parent the group brings; must run inside the group's transaction, before the
   * transactions are appended. Returns the change to apply to memory after COMMIT.
   */
  async link(
    writer: DuckDBConnection,
    spans: readonly Span[],
    transactions: readonly Transaction[]
  ): Promise<() => void> {
    const unresolved = linkWithinGroup(spans, transactions);
    let fresh: PendingLink[] = [];
    if (unresolved.length > 0) {
      const found = resolvePending(unresolved, await storedParents(writer, unresolved));
      const txByKey = new Map(transactions.map((tx) => [`${tx.traceId}/${tx.spanId}`, tx]));
      for (const update of found.linked) {
        const tx = txByKey.get(`${update.traceId}/${update.spanId}`);
        if (tx !== undefined) {
          tx.parentService = update.parentService;
        }
      }
      fresh = unresolved.filter((link) => !found.resolved.has(link));
    }

    const waitingInGroup: PendingLink[] = [];
    for (const span of spans) {
      waitingInGroup.push(...(this.pending.get(span.traceId) ?? []));
    }
    const { linked, resolved } = resolvePending(new Set(waitingInGroup), spans);
    const dropped = [...resolved, ...this.expired(spans, fresh.length)];

    await updateStored(writer, linked);
    await deletePending(writer, dropped);
    await appendPending(writer, fresh);
    return () => {
      dropped.forEach((link) => this.remove(link));
      fresh.forEach((link) => this.add(link));
    };
  }

  /** Links older than the window before the group's newest span, and the oldest beyond the bound. */
  private expired(spans: readonly Span[], adding: number): PendingLink[] {
    let newest = BigInt(0);
    for (const span of spans) {
      const start = BigInt(span.startTimeUnixNano);
      newest = start > newest ? start : newest;
    }
    const cutoff = newest > LINK_WINDOW_NS ? newest - LINK_WINDOW_NS : BigInt(0);
    let over = this.size + adding - MAX_PENDING_LINKS;
    const out: PendingLink[] = [];
    // Traces are kept in arrival order, so the oldest come first; a late old one waits for the bound.
    for (const links of this.pending.values()) {
      const tooOld = links.every((link) => link.start < cutoff);
      if (!tooOld && over <= 0) {
        break;
      }
      out.push(...links);
      over -= links.length;
    }
    return out;
  }

  private add(link: PendingLink): void {
    const list = this.pending.get(link.traceId);
    if (list) {
      list.push(link);
    } else {
      this.pending.set(link.traceId, [link]);
    }
    this.size += 1;
  }

  private remove(link: PendingLink): void {
    const list = this.pending.get(link.traceId);
    const index = list?.indexOf(link) ?? -1;
    if (list === undefined || index < 0) {
      return;
    }
    list.splice(index, 1);
    this.size -= 1;
    if (list.length === 0) {
      this.pending.delete(link.traceId);
    }
  }
}

/** The stored spans that may be the parents of `links` (their traces, within the link window). */
async function storedParents(writer: DuckDBConnection, links: readonly PendingLink[]): Promise<ParentSpan[]> {
  let lo = links[0].start;
  let hi = links[0].start;
  for (const link of links) {
    lo = link.start < lo ? link.start : lo;
    hi = link.start > hi ? link.start : hi;
  }
  const result = await writer.runAndReadAll(
    `SELECT trace_id, span_id, service FROM spans
     WHERE start_ns BETWEEN $from AND $to
       AND trace_id IN (SELECT unnest($traceIds)) AND span_id IN (SELECT unnest($spanIds))`,
    {
      from: lo > LINK_WINDOW_NS ? lo - LINK_WINDOW_NS : BigInt(0),
      to: hi < UINT64_MAX - LINK_WINDOW_NS ? hi + LINK_WINDOW_NS : UINT64_MAX,
      traceIds: listValue([...new Set(links.map((link) => link.traceId))]),
      spanIds: listValue([...new Set(links.map((link) => link.parentSpanId))]),
    },
    { from: UBIGINT, to: UBIGINT, traceIds: LIST(VARCHAR), spanIds: LIST(VARCHAR) }
  );
  return result.getRowsJS().map(([traceId, spanId, service]) => ({
    traceId: String(traceId),
    spanId: String(spanId),
    service: String(service),
  }));
}

async function updateStored(writer: DuckDBConnection, updates: readonly ParentUpdate[]): Promise<void> {
  if (updates.length === 0) {
    return;
  }
  // The end-time range lets zonemaps skip every row group outside it.
  await writer.run(
    `UPDATE transactions AS t SET parent_service = u.parent_service
     FROM (SELECT unnest($traceIds) AS trace_id, unnest($spanIds) AS span_id,
                  unnest($parents) AS parent_service) AS u
     WHERE t.end_us BETWEEN $fromUs AND $toUs AND t.parent_service IS NULL
       AND t.trace_id = hex_trace_id(u.trace_id) AND t.span_id = hex_span_id(u.span_id)`,
    {
      traceIds: listValue(updates.map((u) => u.traceId)),
      spanIds: listValue(updates.map((u) => u.spanId)),
      parents: listValue(updates.map((u) => u.parentService)),
      fromUs: msToMicros(updates.reduce((min, u) => Math.min(min, u.endTime), Infinity)),
      toUs: msToMicros(updates.reduce((max, u) => Math.max(max, u.endTime), -Infinity)),
    },
    { traceIds: LIST(VARCHAR), spanIds: LIST(VARCHAR), parents: LIST(VARCHAR), fromUs: BIGINT, toUs: BIGINT }
  );
}

async function deletePending(writer: DuckDBConnection, links: readonly PendingLink[]): Promise<void> {
  if (links.length === 0) {
    return;
  }
  await writer.run(
    `DELETE FROM link_pending AS l
     USING (SELECT unnest($traceIds) AS trace_id, unnest($spanIds) AS span_id) AS d
     WHERE l.trace_id = d.trace_id AND l.span_id = d.span_id`,
    { traceIds: listValue(links.map((l) => l.traceId)), spanIds: listValue(links.map((l) => l.spanId)) },
    { traceIds: LIST(VARCHAR), spanIds: LIST(VARCHAR) }
  );
}

async function appendPending(writer: DuckDBConnection, links: readonly PendingLink[]): Promise<void> {
  if (links.length === 0) {
    return;
  }
  await appendRows(writer, 'link_pending', links, (appender, link) => {
    appender.appendVarchar(link.traceId);
    appender.appendVarchar(link.spanId);
    appender.appendVarchar(link.parentSpanId);
    appender.appendVarchar(link.service);
    appender.appendUBigInt(link.start);
    appender.appendDouble(link.endTime);
  });
}
