import type { RetentionTier } from '../store/store';

/** How long each tier keeps its rows, ms. */
export type Retention = Record<RetentionTier, number>;

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_RETENTION: Retention = {
  spans: 3 * DAY_MS,
  transactions: 7 * DAY_MS,
  rollups: 90 * DAY_MS,
  // Thread dumps and heap histograms: a few MB each, taken every 30 s by the agent.
  jvm: 30 * DAY_MS,
  // OTLP metric points: runtime series a month back, as the thread dumps they sit beside.
  metrics: 30 * DAY_MS,
  // OTLP log records: as long as the spans they link to.
  logs: 3 * DAY_MS,
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/**
 * A duration such as `90d`, `36h`, `15m`, `30s`, `500ms` or `2w` → ms; undefined if it is not one.
 * A unit is required: a bare number is ambiguous between seconds and days.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (match === null) {
    return undefined;
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
