import type { Span } from '@osprey/model';

import { leanSpan, TRACE_SPREAD_NS } from '../derive/settle';
import type { SettleRule } from './shared/settle-loop';

/**
 * The unsettled traces, kept in memory so that a settle run needs neither `settle_pending`'s
 * GROUP BY to find the due traces nor the `spans` table to settle them.
 *
 * Every trace with unsettled spans has an entry (arrival times, start range); while the bound
 * allows, the entry also holds the lean form (derive/settle.ts `leanSpan`) of each of its spans
 * stored since the entry was made. `settle_pending` stays the durable record: entries are made
 * from it at open, and it decides nothing a restart could not rebuild.
 *
 * A trace settles from memory only when memory holds every stored span the database path would
 * read, i.e. every stored span of the trace starting within TRACE_SPREAD_NS of its unsettled
 * spans (see `fromMemory`). Where memory and the database may differ, and how it is known:
 * - spans stored before this process opened the store start at or before the largest start_ns
 *   stored then, which becomes the `floor`;
 * - spans of a trace settled earlier (its entry is dropped when it settles): the trace id goes
 *   into a filter of settled traces (`SettledTraces`); when the filter forgets a generation, the
 *   floor rises to the latest start of its traces' spans;
 * - spans deleted by retention start before its cutoff, and the floor rises to it;
 * - past the bound an entry stops holding spans at all (`spans` undefined), so its trace settles
 *   from the database.
 * A trace with a span starting more than TRACE_SPREAD_NS after the clock (a client clock ahead)
 * would raise the floor past every other trace: such traces are remembered exactly instead, and
 * always settle from the database.
 */
export interface TraceEntry {
  traceId: string;
  /** Epoch ms of the first and the last arrival of an unsettled span. */
  first: number;
  last: number;
  /** Range of start_ns of the spans this process stored since the entry was made. */
  minStart: bigint;
  maxStart: bigint;
  /** Every span of the trace this process stored since the entry was made, or undefined when not all are held. */
  spans: Span[] | undefined;
}

/** Inputs of the memory-or-database decision for one due trace. */
export interface MemoryRuleInput {
  /** The entry holds every span stored since it was made. */
  held: boolean;
  /** Earliest start_ns among the entry's spans. */
  minStart: bigint;
  /** Spans stored but not in memory start at or before this (undefined: there are none). */
  floor: bigint | undefined;
  /** The trace may have settled before in this process (the filter says maybe). */
  maybeSettled: boolean;
}

/**
 * Settle this trace from memory? The database path reads the trace's stored spans starting within
 * TRACE_SPREAD_NS of its unsettled ones; memory gives the same spans when it holds all it was
 * given, the trace was never settled before (its older spans would be gone from memory), and the
 * spans memory never had or no longer matches (before open, forgotten by the filter, deleted) all
 * start more than TRACE_SPREAD_NS before the trace's earliest span.
 */
export function fromMemory(input: MemoryRuleInput): boolean {
  return (
    input.held && !input.maybeSettled && (input.floor === undefined || input.minStart > input.floor + TRACE_SPREAD_NS)
  );
}

export interface DueTraces {
  fromMemory: TraceEntry[];
  fromDatabase: TraceEntry[];
}

export interface SettleMemoryOptions {
  /** Most lean spans held at once. */
  maxSpans: number;
  /** Bits of each of the settled-trace filter's two generations. */
  filterBits: number;
  /** Traces per filter generation before the older one is forgotten. */
  filterTraces: number;
}

/**
 * 500k lean spans, ~400 B each (~300 B measured beyond the ids, shared with the decoded batch):
 * ~200 MB, ten seconds of unsettled traces at 50k spans/s. The filter: 2 × 32 MB, 20M traces
 * per generation (13 bits a trace: ~0.2 % false positives, each settling from the database), so
 * at least an hour of settled traces is remembered up to ~5,500 traces/s; beyond that the floor
 * rises faster and more traces settle from the database.
 */
export const DEFAULT_SETTLE_MEMORY: SettleMemoryOptions = {
  maxSpans: 500_000,
  filterBits: 2 ** 28,
  filterTraces: 20_000_000,
};

/** Most traces remembered exactly for a clock ahead; past it they raise the floor instead. */
export const MAX_AHEAD_TRACES = 100_000;
const NANOS_PER_MS = BigInt(1_000_000);

export class SettleMemory {
  private readonly entries = new Map<string, TraceEntry>();
  /**
   * Entries were made in order of first arrival (the clock never went back between two), so a scan
   * for due traces may stop at the first entry that arrived after the quiet window began.
   */
  private ordered = true;
  private newestFirst = -Infinity;
  private held = 0;
  private readonly settled: SettledTraces;
  /** Stored spans start at or before this unless memory knows them (undefined: no such spans). */
  private floor: bigint | undefined;
  /**
   * Traces with a span stored that starts after the clock plus TRACE_SPREAD_NS (a client clock
   * ahead): they always settle from the database, so their spans need not raise the floor.
   */
  private readonly ahead: Set<string>;

  constructor(
    /** Largest start_ns stored when the store was opened, leaving out the traces `ahead` (undefined: none). */
    openedMax: bigint | undefined,
    private readonly options: SettleMemoryOptions = DEFAULT_SETTLE_MEMORY,
    ahead: Iterable<string> = []
  ) {
    this.floor = openedMax;
    this.settled = new SettledTraces(options.filterBits, options.filterTraces);
    this.ahead = new Set(ahead);
  }

  /** Traces settled so far, by where from. */
  readonly settledFrom = { memory: 0, database: 0 };

  /** Spans held now. */
  heldSpans(): number {
    return this.held;
  }

  /**
   * The lean spans held of the traces with an arrival at or after `since` (epoch ms): a read for
   * in-flight inference, which the settle runs never see. Traces past the bound hold none.
   */
  heldSpansArrivedSince(since: number): Span[] {
    const spans: Span[] = [];
    for (const entry of this.entries.values()) {
      if (entry.last >= since && entry.spans !== undefined) {
        spans.push(...entry.spans);
      }
    }
    return spans;
  }

  /** Unsettled traces known. */
  traces(): number {
    return this.entries.size;
  }

  /** An unsettled trace found in `settle_pending` at open: its spans are not held. */
  restore(traceId: string, first: number, last: number, minStart: bigint, maxStart: bigint): void {
    this.make({ traceId, first, last, minStart, maxStart, spans: undefined });
  }

  /** Spans a commit stored (arrived at `arrived`, epoch ms); call only once the commit succeeded. */
  add(spans: readonly Span[], arrived: number): void {
    for (const span of spans) {
      const start = BigInt(span.startTimeUnixNano);
      let entry = this.entries.get(span.traceId);
      if (entry === undefined) {
        entry = { traceId: span.traceId, first: arrived, last: arrived, minStart: start, maxStart: start, spans: [] };
        this.make(entry);
      } else {
        entry.last = arrived;
        entry.minStart = start < entry.minStart ? start : entry.minStart;
        entry.maxStart = start > entry.maxStart ? start : entry.maxStart;
      }
      if (entry.spans === undefined) {
        continue;
      }
      if (this.held < this.options.maxSpans) {
        entry.spans.push(leanSpan(span));
        this.held += 1;
      } else {
        // Past the bound the trace settles from the database, which has every span.
        this.held -= entry.spans.length;
        entry.spans = undefined;
      }
    }
  }

  /**
   * The traces due as of `now` (epoch ms), oldest first arrival first, at most `rule.maxTraces`,
   * split by where they settle from.
   */
  due(now: number, rule: SettleRule): DueTraces {
    const quietBefore = now - rule.settleMs;
    const overdueBefore = now - rule.maxWaitMs;
    const due: DueTraces = { fromMemory: [], fromDatabase: [] };
    let count = 0;
    for (const entry of this.entries.values()) {
      if (count === rule.maxTraces || (this.ordered && entry.first > Math.max(quietBefore, overdueBefore))) {
        break;
      }
      if (entry.last > quietBefore && entry.first > overdueBefore) {
        continue;
      }
      count += 1;
      const memory = fromMemory({
        held: entry.spans !== undefined,
        minStart: entry.minStart,
        floor: this.floor,
        maybeSettled: this.ahead.has(entry.traceId) || this.settled.has(entry.traceId),
      });
      (memory ? due.fromMemory : due.fromDatabase).push(entry);
    }
    return due;
  }

  /** The traces of `due` settled (call once the settle run committed): their entries go, the filter notes them. */
  forget(due: DueTraces, now = Date.now()): void {
    const aheadOf = BigInt(Math.floor(now)) * NANOS_PER_MS + TRACE_SPREAD_NS;
    this.settledFrom.memory += due.fromMemory.length;
    this.settledFrom.database += due.fromDatabase.length;
    for (const entry of [...due.fromMemory, ...due.fromDatabase]) {
      this.entries.delete(entry.traceId);
      if (this.entries.size === 0) {
        this.ordered = true;
        this.newestFirst = -Infinity;
      }
      this.held -= entry.spans?.length ?? 0;
      if (entry.maxStart > aheadOf) {
        if (this.ahead.size < MAX_AHEAD_TRACES) {
          this.ahead.add(entry.traceId);
        } else {
          this.raiseFloor(entry.maxStart);
        }
        continue;
      }
      const forgotten = this.settled.add(entry.traceId, entry.maxStart);
      if (forgotten !== undefined) {
        this.raiseFloor(forgotten);
      }
    }
  }

  private make(entry: TraceEntry): void {
    this.ordered &&= entry.first >= this.newestFirst;
    this.newestFirst = Math.max(this.newestFirst, entry.first);
    this.entries.set(entry.traceId, entry);
  }

  /** Retention deleted (or will delete) stored spans starting before `cutoffNs`. */
  spansDeletedBefore(cutoffNs: bigint): void {
    this.raiseFloor(cutoffNs);
  }

  private raiseFloor(to: bigint): void {
    this.floor = this.floor === undefined || to > this.floor ? to : this.floor;
  }
}

/**
 * Trace ids settled in this process, with false positives but no false negatives while they are
 * remembered: two generations of a Bloom filter (7 hashes). When the newer one is full the older
 * is forgotten, and `add` returns the largest start_ns of the spans of the traces it held.
 */
export class SettledTraces {
  private generations: BloomGeneration[] = [];

  constructor(
    private readonly bits: number,
    private readonly capacity: number
  ) {}

  has(traceId: string): boolean {
    if (this.generations.length === 0) {
      return false;
    }
    const [h1, h2] = hashes(traceId);
    return this.generations.some((generation) => generation.has(h1, h2));
  }

  add(traceId: string, maxStart: bigint): bigint | undefined {
    let forgotten: bigint | undefined;
    let current = this.generations[this.generations.length - 1];
    if (current === undefined || current.count >= this.capacity) {
      if (this.generations.length === 2) {
        forgotten = this.generations.shift()!.maxStart;
      }
      current = new BloomGeneration(this.bits);
      this.generations.push(current);
    }
    const [h1, h2] = hashes(traceId);
    current.add(h1, h2, maxStart);
    return forgotten;
  }
}

const HASHES = 7;

class BloomGeneration {
  private readonly words: Uint32Array;
  private readonly mask: number;
  count = 0;
  maxStart = BigInt(0);

  constructor(bits: number) {
    // A power of two of at least 32 bits, so a hash masks to a bit index.
    const size = 2 ** Math.max(5, Math.ceil(Math.log2(bits)));
    this.words = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  add(h1: number, h2: number, maxStart: bigint): void {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.words[bit >>> 5] |= 1 << (bit & 31);
    }
    this.count += 1;
    this.maxStart = maxStart > this.maxStart ? maxStart : this.maxStart;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if ((this.words[bit >>> 5] & (1 << (bit & 31))) === 0) {
        return false;
      }
    }
    return true;
  }
}

/** Two 32-bit FNV-1a hashes (different offset bases) for double hashing; the second is odd. */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [a >>> 0, (b | 1) >>> 0];
}
