import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { type DecodedBatch, itemCount, mergeBatches, otherRowsOf } from '../store/shared/batch';
import { IngestLog, type LogCut } from '../store/shared/ingest-log';
import { Loader, type LoggedBatch } from '../store/shared/loader';
import type { Backlog } from '../store/overload';
import type { Store } from '../store/store';
import { decodePayload } from './log-payload';

/** What the API documents of an ingest batch's 2xx (the OpenAPI summary of the routes that log it). */
export const DURABLE_SUMMARY =
  'Answered 2xx once the batch is durable: fsynced to the ingest log (with a data dir) and loaded into the store ' +
  'within --load-interval-ms (default 1000); a query made after the 2xx waits up to that long for the load, so ' +
  'it sees the batch. Without a data dir: committed by the store. ' +
  '503 + Retry-After when the backlog is full; 507 when the disk is.';

/** A decoded ingest batch and, made only when it is logged, its log payload (log-payload.ts). */
export type IngestBatch = DecodedBatch & {
  payload: () => Buffer;
};

/**
 * Where the ingest routes put an accepted batch (spans, native transactions, OTLP metrics and logs,
 * JVM and host uploads); `write` resolves once it is durable.
 */
export interface IngestWriter {
  write(batch: IngestBatch): Promise<void>;
  /** Resolves once what was acknowledged before the call is in the store, or the wait is over (the read routes' barrier). */
  caughtUp(): Promise<void>;
  /** What is acknowledged and not yet in the store (the log path), or waits for the store's commit. */
  backlog(): Backlog;
  /** The ingest log's figures for /metrics; absent without a log. */
  logStats?(): IngestLogStats;
  close(): Promise<void>;
}

export interface IngestLogStats {
  appends: number;
  syncs: number;
  bytes: number;
  segments: number;
  loads: number;
  loadFailures: number;
  /** Damaged records cut off the log's tail at start. */
  cuts: number;
}

/** Straight to the store: acknowledged once the store committed (no log; the ClickHouse default, tests). */
export const directWriter = (store: Store): IngestWriter => ({
  write: (batch) => {
    const rows = mergeBatches([batch]);
    return store.insertBatch(rows.spans, rows.transactions, undefined, otherRowsOf(rows));
  },
  caughtUp: () => Promise.resolve(),
  backlog: () => store.backlog(),
  close: async () => undefined,
});

export interface LoggedIngestOptions {
  /** Bound of acknowledged but unloaded items: spans, rows, points, log records, uploads (--max-queued-spans). */
  maxItems: number;
  loadIntervalMs: number;
  segmentBytes?: number;
  onCut: (cut: LogCut) => void;
  onLoadError: (err: unknown) => void;
}

/** The log's id in the store's position table: made once, kept beside the segments. */
function logIdOf(dir: string): string {
  const file = path.join(dir, 'id');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomUUID()}\n`, { flush: true });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The durable write path: a batch is appended to `<dataDir>/ingest-log` (group-committed, see
 * ingest-log.ts) and acknowledged after that fsync; the Loader moves it into the store later, in
 * large groups. Opening replays, before it resolves, every record the store has not loaded.
 */
export async function openLoggedIngest(
  store: Store,
  dataDir: string,
  options: LoggedIngestOptions
): Promise<IngestWriter> {
  const dir = path.join(dataDir, 'ingest-log');
  mkdirSync(dir, { recursive: true });
  const logId = logIdOf(dir);
  let log: IngestLog<DecodedBatch> | undefined;
  const loader = new Loader({
    store,
    logId,
    maxItems: options.maxItems,
    intervalMs: options.loadIntervalMs,
    onLoaded: (end) => log?.release(end),
    onError: options.onLoadError,
  });
  const opened = await IngestLog.open<DecodedBatch>(dir, await store.loadedLogPosition(logId), {
    segmentBytes: options.segmentBytes,
    onDurable: (records) => loader.add(records.map(({ end, value }) => ({ ...value, end }))),
  });
  const ingestLog = opened.log;
  log = ingestLog;
  ingestLog.cuts.forEach(options.onCut);
  const replayed: LoggedBatch[] = opened.unloaded.map(({ end, payload }) => ({ ...decodePayload(payload), end }));
  loader.add(replayed, true);
  await loader.drain();
  return {
    async write({ payload, ...rows }) {
      const items = itemCount(rows);
      if (items === 0) {
        return;
      }
      loader.admit(items);
      try {
        await ingestLog.append(payload(), rows);
      } catch (err) {
        loader.withdraw(items);
        throw err;
      }
    },
    caughtUp: () => loader.caughtUp(options.loadIntervalMs),
    backlog: () => loader.backlog(),
    logStats: () => {
      const { loads, failures } = loader.stats();
      return { ...ingestLog.stats(), loads, loadFailures: failures, cuts: ingestLog.cuts.length };
    },
    async close() {
      await ingestLog.close();
      await loader.close();
    },
  };
}
