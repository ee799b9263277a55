/**
 * Live XLOG: the window's frames so far, polled with a since-cursor. Each poll's answer becomes a
 * frame of its own (the panel reads a frame once and keeps it), so a poll costs what its new rows
 * cost. Polls re-read an overlap before the newest end time seen, because a transaction can reach
 * the backend after later-ending ones did (the OpenTelemetry SDK exports every 5 s by default);
 * the re-read rows are dropped by span id. The overlap follows the lateness the stream shows:
 * it starts at LIVE_OVERLAP_MS, stays at twice the latest arrival seen, and shrinks by a third
 * per poll down to MIN_OVERLAP_MS while rows arrive in order — so a poll of in-order traffic
 * re-reads about a second, not ten.
 */
import type { DataFrame } from '@grafana/data';

import { concatFrames } from './concat-frames';
import { keepRows } from './window-frame';

/** How often a live XLOG query asks for new transactions. */
export const LIVE_POLL_MS = 2000;

/** How far before the newest end time seen the polls read again at first, and at most. */
export const LIVE_OVERLAP_MS = 10_000;
/** The least overlap: rows of one commit can straddle the cursor by the time a commit takes. */
export const MIN_OVERLAP_MS = 1000;

/** Rows a live query keeps at most (its `limit` when smaller). */
export const LIVE_MAX_ROWS = 1_000_000;

/** Frames a live answer carries at most: older small poll frames are joined into one. */
export const LIVE_MAX_FRAMES = 8;

const fieldValues = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)?.values;

export class LiveWindow {
  private frames: DataFrame[] = [];
  /** Span ids of the rows inside the overlap, with their end times (older ones are forgotten). */
  private recent = new Map<string, number>();
  private newest = -Infinity;
  private overlap = LIVE_OVERLAP_MS;

  constructor(
    private readonly maxRows: number,
    private readonly start: number
  ) {}

  /** Adds a poll's frame (it must carry endTime and spanId); returns how many rows were new. */
  add(frame: DataFrame): number {
    const time = fieldValues(frame, 'endTime');
    const spans = fieldValues(frame, 'spanId');
    if (!time || !spans) {
      throw new Error('a live XLOG frame needs endTime and spanId');
    }
    const fresh = keepRows(frame, (i) => !this.recent.has(String(spans[i])));
    const freshTime = fieldValues(fresh, 'endTime')!;
    const freshSpans = fieldValues(fresh, 'spanId')!;
    const before = this.newest;
    let latest = 0;
    for (let i = 0; i < fresh.length; i++) {
      const t = Number(freshTime[i]);
      latest = Math.max(latest, before - t);
      this.newest = Math.max(this.newest, t);
      this.recent.set(String(freshSpans[i]), t);
    }
    if (Number.isFinite(before)) {
      this.overlap = Math.min(LIVE_OVERLAP_MS, Math.max(MIN_OVERLAP_MS, 2 * latest, (this.overlap * 2) / 3));
    }
    // Ids are kept for the largest overlap, so one that grows again finds the rows it re-reads.
    const keepFrom = this.newest - LIVE_OVERLAP_MS;
    for (const [span, t] of this.recent) {
      if (t < keepFrom) {
        this.recent.delete(span);
      }
    }
    if (fresh.length > 0) {
      this.frames.push(fresh);
      this.trim();
    }
    return fresh.length;
  }

  /** `from` of the next poll: the overlap before the newest end time seen, or the range's start. */
  cursor(): number {
    return Number.isFinite(this.newest) ? Math.max(this.start, Math.floor(this.newest - this.overlap)) : this.start;
  }

  /** The frames to show, oldest poll first (a copy: a packet keeps what it carried). */
  data(): DataFrame[] {
    return [...this.frames];
  }

  rows(): number {
    return this.frames.reduce((sum, f) => sum + f.length, 0);
  }

  /** Drops the oldest whole frames beyond maxRows; joins the small newer ones beyond LIVE_MAX_FRAMES. */
  private trim(): void {
    while (this.frames.length > 1 && this.rows() - this.frames[0].length >= this.maxRows) {
      this.frames.shift();
    }
    if (this.frames.length > LIVE_MAX_FRAMES) {
      // The first frame (the range's answer, the large one) stays as it is; the poll frames after it join.
      const [first, ...polls] = this.frames;
      this.frames = [first, concatFrames(polls)];
    }
  }
}
