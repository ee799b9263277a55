/** The dashboard's time range and refresh, as Grafana's time picker and refresh picker offer them. */
import { dateMath, dateTime, type DateTime, rangeUtil, type TimeRange } from '@grafana/data';

export const QUICK_RANGES = [
  { from: 'now-5m', label: 'Last 5 minutes' },
  { from: 'now-15m', label: 'Last 15 minutes' },
  { from: 'now-1h', label: 'Last 1 hour' },
  { from: 'now-6h', label: 'Last 6 hours' },
  { from: 'now-24h', label: 'Last 24 hours' },
] as const;

export interface RawRange {
  from: string;
  to: string;
}

/** One end of a range: relative ones are read against the same `now`, so "last 5 minutes" is exactly 5 minutes. */
function end(text: string, now: DateTime, roundUp: boolean): DateTime | undefined {
  if (text.startsWith('now')) {
    return text === 'now' ? now : dateMath.parseDateMath(text.slice('now'.length), dateTime(now), roundUp);
  }
  return dateMath.toDateTime(text, { roundUp });
}

/** The range as of now: a relative range moves with every refresh, as on a dashboard. */
export function resolveRange(raw: RawRange): TimeRange {
  const now = dateTime();
  const from = end(raw.from, now, false);
  const to = end(raw.to, now, true);
  if (!from?.isValid() || !to?.isValid()) {
    throw new Error(`not a time range: ${raw.from} to ${raw.to}`);
  }
  return { from, to, raw };
}

/** Milliseconds of a refresh interval such as "30s"; undefined when off. */
export function refreshMs(interval: string): number | undefined {
  return interval ? rangeUtil.intervalToMs(interval) : undefined;
}
