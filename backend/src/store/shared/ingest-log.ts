import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';

import { HEADER_BYTES, parseRecords, recordHeader, type SegmentEnd } from './record';

/**
 * Osprey's own append-only log of accepted ingest requests, the thing a 2xx is answered after.
 *
 * A position is a byte offset into the log as a whole: segment files are named by the position of
 * their first byte (`00000000000000012345.log`), so a record's end position is its segment's name
 * plus its end offset in it, and "everything up to position P is loaded" needs one number.
 *
 * Appends are group-committed: records that arrive while a write + fdatasync is running wait and go
 * in the next one, together. Each append resolves only after the fdatasync that covers it; its
 * position is given to `onDurable` (in log order, before any of the group's appends resolve), so
 * whoever loads the records sees them in the order they are on disk.
 */
export interface IngestLogOptions<T> {
  /** A segment is closed and a new one started once it holds this many bytes. */
  segmentBytes?: number;
  /** Records of every group that reached the disk, in log order, before their appends resolve. */
  onDurable: (records: ReadonlyArray<{ end: number; value: T }>) => void;
}

/** A damaged tail cut off a segment at open: where, why, and how many bytes were dropped. */
export interface LogCut {
  segment: string;
  offset: number;
  droppedBytes: number;
  reason: Exclude<SegmentEnd['kind'], 'end'>;
}

/** A record found at open that the store has not loaded yet. */
export interface UnloadedRecord {
  end: number;
  payload: Buffer;
}

/** Writing or syncing the log failed: the records of that group were not acknowledged. */
export class LogWriteError extends Error {
  override readonly name: string = 'LogWriteError';

  constructor(
    readonly code: string | undefined,
    cause: unknown
  ) {
    super(`writing the ingest log failed (${code ?? String(cause)}): the batch was not stored`, { cause });
  }
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

interface Waiting<T> {
  payload: Buffer;
  value: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Segment {
  start: number;
  end: number;
  file: string;
}

const SEGMENT = /^(\d{20})\.log$/;
const segmentName = (start: number) => `${String(start).padStart(20, '0')}.log`;

/** Makes a created or deleted file name durable, not only its contents. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads every segment of `dir`: cuts damaged tails (truncating the file to its last whole record),
 * deletes segments entirely at or below `loaded`, and returns the records past `loaded` plus the
 * position the log continues at.
 */
function scan(
  dir: string,
  loaded: number
): { closed: Segment[]; unloaded: UnloadedRecord[]; cuts: LogCut[]; next: number } {
  const starts = readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const closed: Segment[] = [];
  const unloaded: UnloadedRecord[] = [];
  const cuts: LogCut[] = [];
  let next = loaded;
  for (const start of starts) {
    const file = path.join(dir, segmentName(start));
    const bytes = readFileSync(file);
    const { records, validBytes, stop } = parseRecords(bytes);
    if (stop.kind !== 'end') {
      truncateSync(file, validBytes);
      cuts.push({
        segment: segmentName(start),
        offset: validBytes,
        droppedBytes: bytes.length - validBytes,
        reason: stop.kind,
      });
    }
    const end = start + validBytes;
    next = Math.max(next, end);
    if (validBytes === 0 || end <= loaded) {
      unlinkSync(file);
      continue;
    }
    closed.push({ start, end, file });
    unloaded.push(
      ...records.filter((r) => start + r.end > loaded).map((r) => ({ end: start + r.end, payload: r.payload }))
    );
  }
  return { closed, unloaded, cuts, next };
}

export class IngestLog<T> {
  private waiting: Array<Waiting<T>> = [];
  private flushing: Promise<void> | undefined;
  private readonly counts = { appends: 0, syncs: 0, bytes: 0 };

  private constructor(
    private readonly dir: string,
    private readonly closedSegments: Segment[],
    private active: { handle: FileHandle; start: number; length: number },
    private readonly options: IngestLogOptions<T>,
    readonly cuts: readonly LogCut[]
  ) {}

  /**
   * Opens (creating) the log in `dir`, the store having loaded everything up to `loaded`. Returns
   * the records to replay before taking new ones; new appends go to a fresh segment.
   */
  static async open<T>(
    dir: string,
    loaded: number,
    options: IngestLogOptions<T>
  ): Promise<{ log: IngestLog<T>; unloaded: UnloadedRecord[] }> {
    mkdirSync(dir, { recursive: true });
    const { closed, unloaded, cuts, next } = scan(dir, loaded);
    const handle = await open(path.join(dir, segmentName(next)), 'w');
    syncDir(dir);
    return { log: new IngestLog(dir, closed, { handle, start: next, length: 0 }, options, cuts), unloaded };
  }

  /** Position just past the last durable record. */
  get position(): number {
    return this.active.start + this.active.length;
  }

  /** Appends, syncs and bytes written since open (syncs < appends when group commit grouped them). */
  stats(): { appends: number; syncs: number; bytes: number; segments: number } {
    return { ...this.counts, segments: this.closedSegments.length + 1 };
  }

  /** Resolves once `payload` is on disk (fdatasync'ed); rejects with LogWriteError if it is not. */
  append(payload: Buffer, value: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, value, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Deletes the closed segments whose every record is at or below `loaded` (the store has them). */
  release(loaded: number): void {
    const done = this.closedSegments.filter((segment) => segment.end <= loaded);
    if (done.length === 0) {
      return;
    }
    done.forEach((segment) => unlinkSync(segment.file));
    this.closedSegments.splice(0, done.length);
    syncDir(this.dir);
  }

  /** Waits for the appends in flight, then closes the active segment. */
  async close(): Promise<void> {
    await this.flushing;
    await this.active.handle.close();
  }

  /** Clears `flushing` in the same tick it finds nothing waiting, so no append is left behind. */
  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting;
        this.waiting = [];
        const buffers: Buffer[] = [];
        const records: Array<{ end: number; value: T }> = [];
        const bytes = group.reduce((sum, { payload }) => sum + HEADER_BYTES + payload.length, 0);
        let end = this.position;
        for (const { payload, value } of group) {
          buffers.push(recordHeader(payload), payload);
          end += HEADER_BYTES + payload.length;
          records.push({ end, value });
        }
        try {
          await this.write(buffers, bytes);
        } catch (err) {
          group.forEach((waiting) => waiting.reject(err));
          continue;
        }
        this.active.length = end - this.active.start;
        this.counts.appends += group.length;
        this.counts.syncs += 1;
        this.counts.bytes += bytes;
        this.options.onDurable(records);
        group.forEach((waiting) => waiting.resolve());
        if (this.active.length >= (this.options.segmentBytes ?? DEFAULT_SEGMENT_BYTES)) {
          await this.roll();
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * One write and one fdatasync for the group. On failure (ENOSPC, EIO) the segment is cut back to
   * where the group began, so the next group does not land after half a record.
   */
  private async write(buffers: Buffer[], bytes: number): Promise<void> {
    const { handle, length } = this.active;
    try {
      const { bytesWritten } = await handle.writev(buffers, length);
      if (bytesWritten !== bytes) {
        throw Object.assign(new Error(`short write: ${bytesWritten} of ${bytes} bytes`), { code: 'ENOSPC' });
      }
      await handle.datasync();
    } catch (err) {
      await handle.truncate(length).catch(() => undefined);
      throw new LogWriteError((err as NodeJS.ErrnoException).code, err);
    }
  }

  private async roll(): Promise<void> {
    const { handle, start } = this.active;
    const next = this.position;
    try {
      const fresh = await open(path.join(this.dir, segmentName(next)), 'w');
      syncDir(this.dir);
      await handle.close();
      this.closedSegments.push({ start, end: next, file: path.join(this.dir, segmentName(start)) });
      this.active = { handle: fresh, start: next, length: 0 };
    } catch {
      // No room for a new segment: keep appending to this one, the next roll tries again.
    }
  }
}
