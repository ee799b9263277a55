/**
 * Live XLOG: the transactions seen so far, polled with a since-cursor. Polls overlap by up to a
 * millisecond (the backend's `from` is whole ms, endTimes are fractional), so rows are keyed by
 * traceId + spanId; memory stays bounded by dropping the oldest rows.
 */
import type { Transaction } from '@osprey/model';

/** How often a live XLOG query asks for new transactions. */
export const LIVE_POLL_MS = 2000;

/** Rows a live query keeps at most (its `limit` when smaller). */
export const LIVE_MAX_ROWS = 10_000;

const key = (t: Transaction) => `${t.traceId}/${t.spanId}`;

export class LiveBuffer {
  private readonly rows = new Map<string, Transaction>();
  private newest = -Infinity;

  constructor(
    private readonly maxRows: number,
    private readonly start: number
  ) {}

  /** Adds a poll's answer; returns how many rows were new. */
  add(transactions: Transaction[]): number {
    let added = 0;
    for (const t of transactions) {
      const k = key(t);
      if (!this.rows.has(k)) {
        this.rows.set(k, t);
        added++;
      }
      this.newest = Math.max(this.newest, t.endTime);
    }
    if (this.rows.size > this.maxRows) {
      const oldestFirst = [...this.rows.entries()].sort((a, b) => a[1].endTime - b[1].endTime);
      for (const [k] of oldestFirst.slice(0, this.rows.size - this.maxRows)) {
        this.rows.delete(k);
      }
    }
    return added;
  }

  /** `from` of the next poll: the newest endTime seen (whole ms, so the overlap is re-read and de-duplicated). */
  cursor(): number {
    return Number.isFinite(this.newest) ? Math.floor(this.newest) : this.start;
  }

  /** Rows oldest first. */
  transactions(): Transaction[] {
    return [...this.rows.values()].sort((a, b) => a.endTime - b.endTime);
  }
}
