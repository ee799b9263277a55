import type { Transaction } from '@osprey/model';

import type { IngestObserver, IngestSource } from '../../ingest/observer';
import { EndpointCap } from '../endpoint-cap';
import { formatPoint } from './line-protocol';
import { MinuteCounters } from './minute-counters';

export const MEASUREMENT = 'osprey_red';
/** How long a minute can still be updated by late transactions (and resent). */
export const RETAIN_MS = 60 * 60_000;
const MAX_RETRY_DELAY_MS = 5 * 60_000;
/** InfluxDB's recommended batch size for one /write. */
const LINES_PER_WRITE = 5000;
const WRITE_TIMEOUT_MS = 10_000;

export interface InfluxExportOptions {
  /** Base URL of InfluxDB 1.x, e.g. http://influxdb:8086; user:password in it become Basic auth. */
  url: string;
  db: string;
  intervalMs: number;
  maxEndpoints: number;
  log: ExportLog;
  /** Clock, for tests that write minutes of a chosen time. */
  now?: () => number;
}

/** The part of fastify's pino logger the export uses. */
export interface ExportLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Wait before the next write: the interval, doubled per consecutive failure, at most 5 minutes. */
export function retryDelay(failures: number, intervalMs: number): number {
  return Math.min(intervalMs * 2 ** Math.min(failures, 20), Math.max(intervalMs, MAX_RETRY_DELAY_MS));
}

/** `/write` URL and headers for a base URL; credentials in the URL move to a Basic auth header. */
export function writeRequest(baseUrl: string, db: string): { url: string; headers: Record<string, string> } {
  const base = new URL(baseUrl);
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (base.username !== '' || base.password !== '') {
    const credentials = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const url = new URL('write', base.href.endsWith('/') ? base.href : `${base.href}/`);
  url.searchParams.set('db', db);
  url.searchParams.set('precision', 'ms');
  return { url: url.href, headers };
}

class WriteError extends Error {
  constructor(
    message: string,
    /** A 400 means InfluxDB refused the points themselves: sending them again cannot help. */
    readonly refused: boolean
  ) {
    super(message);
  }
}

/**
 * The Scouter→InfluxDB path: per-minute RED counters of every committed transaction, written as
 * line protocol to an InfluxDB 1.x every interval. Ingest only adds to in-memory counters; the
 * writes run on a timer, so a slow or down InfluxDB never delays an acknowledgement. A failed write
 * is retried with backoff (the counters keep accumulating and are resent whole); the first failure
 * is logged, then nothing until it recovers.
 */
export class InfluxExporter implements IngestObserver {
  private readonly counters = new MinuteCounters(MEASUREMENT, RETAIN_MS);
  private readonly cap: EndpointCap;
  private readonly write: { url: string; headers: Record<string, string> };
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;
  private tooOld = 0;
  private tooOldLoggedAt = -Infinity;

  constructor(private readonly options: InfluxExportOptions) {
    this.cap = new EndpointCap(options.maxEndpoints);
    this.write = writeRequest(options.url, options.db);
    this.now = options.now ?? Date.now;
  }

  committed(_source: IngestSource, _items: number, transactions: readonly Transaction[]): void {
    const now = this.now();
    for (const tx of transactions) {
      if (!this.counters.add(tx, this.cap.label(tx.service, tx.endpoint), now)) {
        this.tooOld += 1;
      }
    }
  }

  rejected(): void {}

  start(): void {
    this.schedule(this.options.intervalMs);
  }

  /** Writes what changed; resolves once done (or failed) and never rejects. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timer and makes one last attempt to write what is pending. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flushing;
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      void this.flush().then(() => this.schedule(retryDelay(this.failures, this.options.intervalMs)));
    }, delayMs);
    // The export must not keep a stopping process alive; close() does the last write.
    this.timer.unref();
  }

  private async flushOnce(): Promise<void> {
    const { points, versions } = this.counters.pending();
    // A steady stream of such transactions (a skewed clock) must not write a line every interval.
    if (this.tooOld > 0 && this.now() - this.tooOldLoggedAt >= RETAIN_MS) {
      this.options.log.warn(
        { transactions: this.tooOld, retainMinutes: RETAIN_MS / 60_000 },
        'influx export skipped transactions ending more than an hour away from now (logged at most hourly)'
      );
      this.tooOld = 0;
      this.tooOldLoggedAt = this.now();
    }
    try {
      for (let start = 0; start < points.length; start += LINES_PER_WRITE) {
        const lines = points.slice(start, start + LINES_PER_WRITE).map(formatPoint);
        await this.post(lines.join('\n'));
        this.counters.acknowledge(versions.slice(start, start + LINES_PER_WRITE));
      }
      if (this.failures > 0) {
        this.options.log.info({ failures: this.failures, url: this.write.url }, 'influx export recovered');
      }
      this.failures = 0;
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof WriteError && err.refused) {
        // Resending the same lines would be refused forever: drop them, loudly, and go on.
        this.counters.acknowledge(versions);
        this.options.log.error({ url: this.write.url, err: message }, 'influxdb refused the export points');
      } else {
        if (this.failures === 0) {
          this.options.log.warn(
            { url: this.write.url, err: message },
            'influx export failed; retrying with backoff (logged once until it recovers)'
          );
        }
        this.failures += 1;
      }
    }
    const lost = this.counters.evict(this.now());
    if (lost > 0) {
      this.options.log.error({ points: lost }, 'influx export dropped minutes it could not write within an hour');
    }
  }

  private async post(body: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.write.url, {
        method: 'POST',
        headers: this.write.headers,
        body,
        signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      throw new WriteError(cause ? `${(err as Error).message}: ${cause.message}` : (err as Error).message, false);
    }
    if (res.status === 204 || res.status === 200) {
      await res.arrayBuffer();
      return;
    }
    const detail = (await res.text()).trim().slice(0, 500);
    throw new WriteError(`HTTP ${res.status} from InfluxDB: ${detail}`, res.status === 400);
  }
}
