import { RED_BAND_METRICS, type RedBandMetric, type RedPoint, type RedResponse, type RedSeries } from '@osprey/model';

import { bandAt, type BandOptions, DEFAULT_BAND, seasonalBaselines, WEEK_MS } from './anomaly-band';

/** Weeks of history before the query's `from` that the band is learnt from. */
export const BAND_HISTORY_WEEKS = 4;
export const BAND_HISTORY_MS = BAND_HISTORY_WEEKS * WEEK_MS;

/**
 * Per metric: the error ratio's spread is at least half a percentage point, so a service that never
 * failed is not anomalous at its first error in a thousand, and at least the binomial noise of the
 * step's own count (ratioNoise). The rollups' p95 is a latency-bucket bound, and the next bucket is
 * 19 % up: a spread of at least 10 % of the median (a band of ± 30 %) lets a step move one bucket
 * either way, not two.
 */
export const BAND_OPTIONS: Record<RedBandMetric, BandOptions> = {
  rate: DEFAULT_BAND,
  errorRatio: { ...DEFAULT_BAND, absoluteFloor: 0.005 },
  p95: { ...DEFAULT_BAND, relativeFloor: 0.1 },
};

/**
 * The standard deviation of an error ratio p measured over n transactions, √(p(1−p)/n), p at least
 * the floor: at 45 transactions a step, one error is 2.2 %, and a baseline median of 0 (most steps
 * had none) must not make that an anomaly.
 */
export function ratioNoise(median: number, count: number, floor: number): number {
  const p = Math.min(1, Math.max(median, floor));
  return count > 0 ? Math.sqrt((p * (1 - p)) / count) : 0;
}

const seriesKey = (s: RedSeries): string => JSON.stringify([s.service, s.instance, s.endpoint]);

/**
 * The history values a metric's baseline learns from: the rate on every step of the history's grid
 * (a step without transactions had rate 0: the RED answer leaves it out), the error ratio and p95
 * only where there were transactions to have them.
 */
function historyValues(
  series: RedSeries | undefined,
  metric: RedBandMetric,
  range: { from: number; to: number },
  step: number
): Array<{ time: number; value: number }> {
  const points = series?.points ?? [];
  if (metric !== 'rate') {
    return points.map((p) => ({ time: p.time, value: p[metric] }));
  }
  const byTime = new Map(points.map((p) => [p.time, p.rate]));
  const values: Array<{ time: number; value: number }> = [];
  for (let time = Math.floor(range.from / step) * step; time < range.to; time += step) {
    values.push({ time, value: byTime.get(time) ?? 0 });
  }
  return values;
}

/**
 * The RED answer with each point's band (`rateLower`/`rateUpper`, `errorRatio…`, `p95…`) from the
 * same series' answer over the history before it (same step, groupBy and filters). A series or an
 * hour of the week without enough history gets no band fields there.
 */
export function withBands(
  current: RedResponse,
  history: RedResponse,
  historyRange: { from: number; to: number }
): RedResponse {
  const past = new Map(history.series.map((s) => [seriesKey(s), s]));
  return {
    ...current,
    series: current.series.map((series) => {
      const baselines = RED_BAND_METRICS.map(
        (metric) =>
          [
            metric,
            seasonalBaselines(historyValues(past.get(seriesKey(series)), metric, historyRange, history.step)),
          ] as const
      );
      return {
        ...series,
        points: series.points.map((point) => {
          const banded: RedPoint = { ...point };
          for (const [metric, baseline] of baselines) {
            const options = BAND_OPTIONS[metric];
            const noise =
              metric === 'errorRatio' ? (m: number) => ratioNoise(m, point.count, options.absoluteFloor) : undefined;
            const band = bandAt(baseline, point.time, options, noise);
            if (band !== undefined) {
              banded[`${metric}Lower`] = band.lower;
              banded[`${metric}Upper`] = band.upper;
            }
          }
          return banded;
        }),
      };
    }),
  };
}
