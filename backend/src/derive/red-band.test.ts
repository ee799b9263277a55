import type { RedPoint, RedResponse } from '@osprey/model';

import { HOUR_MS, WEEK_MS } from './anomaly-band';
import { BAND_HISTORY_MS, ratioNoise, withBands } from './red-band';

const MONDAY = Date.UTC(2026, 11, 7);
const HISTORY = { from: MONDAY - BAND_HISTORY_MS, to: MONDAY };

const point = (time: number, rate: number, errorRatio = 0, p95 = 100): RedPoint => ({
  time,
  count: rate * 3600,
  rate,
  errors: errorRatio * rate * 3600,
  errorRatio,
  p50: p95 / 2,
  p90: p95,
  p95,
  p99: p95 * 2,
});

/** Hourly history of the four weeks: Mondays 10:00 at `rate10` (one week `odd`), every other hour of the week absent. */
function history(values: Array<[weeksBefore: number, rate: number, errorRatio: number, p95: number]>): RedResponse {
  return {
    step: HOUR_MS,
    tier: 'rollup',
    series: [
      {
        service: 'shop',
        points: values.map(([weeks, rate, ratio, p95]) =>
          point(MONDAY - weeks * WEEK_MS + 10 * HOUR_MS, rate, ratio, p95)
        ),
      },
    ],
  };
}

const current = (points: RedPoint[], service = 'shop'): RedResponse => ({
  step: HOUR_MS,
  tier: 'rollup',
  series: [{ service, points }],
});

describe('withBands', () => {
  const past = history([
    [4, 10, 0.01, 100],
    [3, 11, 0.01, 110],
    [2, 9, 0.01, 90],
    [1, 100, 0.5, 5000], // last Monday's incident: the median ignores it
  ]);

  it.each<[string, RedPoint, Partial<RedPoint>]>([
    // medians 10.5, 0.01, 105; spreads 1.4826·MAD, floored at 5 % (rate, p95) or 0.005 (error ratio)
    [
      'Monday 10:00: the four Mondays’ band',
      point(MONDAY + 10 * HOUR_MS, 10),
      {
        rateLower: 10.5 - 3 * 1.4826 * 1,
        rateUpper: 10.5 + 3 * 1.4826 * 1,
        errorRatioLower: 0,
        errorRatioUpper: 0.01 + 3 * 0.005,
        p95Lower: 105 - 3 * 1.4826 * 10,
        p95Upper: 105 + 3 * 1.4826 * 10,
      },
    ],
  ])('%s', (_name, now, band) => {
    const [got] = withBands(current([now]), past, HISTORY).series[0].points;
    expect(Object.keys(got).sort()).toEqual([...Object.keys(now), ...Object.keys(band)].sort());
    for (const [key, value] of Object.entries(band)) {
      expect(got[key as keyof RedPoint]).toBeCloseTo(value, 9);
    }
  });

  it('counts the hours of the history grid without transactions as rate 0, for the rate only', () => {
    // Monday 11:00 never had a transaction: rate band [0, 0]; error ratio and p95 no band (no values).
    const [got] = withBands(current([point(MONDAY + 11 * HOUR_MS, 3)]), past, HISTORY).series[0].points;
    expect([got.rateLower, got.rateUpper]).toEqual([0, 0]);
    expect([got.errorRatioLower, got.p95Lower, got.p95Upper]).toEqual([undefined, undefined, undefined]);
  });

  it('gives a series without history, or an hour with under 4 values, no band', () => {
    const other = withBands(current([point(MONDAY + 10 * HOUR_MS, 10)], 'cart'), past, HISTORY);
    expect(other.series[0].points[0].p95Lower).toBeUndefined();
    const short = withBands(current([point(MONDAY + 10 * HOUR_MS, 10)]), history([[1, 10, 0, 100]]), HISTORY);
    expect(short.series[0].points[0].p95Upper).toBeUndefined();
    expect(short.step).toBe(HOUR_MS);
  });
});

describe('ratioNoise', () => {
  it.each<[number, number, number, number]>([
    // median, count, floor → √(p(1−p)/n)
    [0.01, 10_000, 0.005, Math.sqrt((0.01 * 0.99) / 10_000)],
    [0, 45, 0.005, Math.sqrt((0.005 * 0.995) / 45)],
    [0.5, 100, 0.005, 0.05],
    [1, 100, 0.005, 0],
    [0.01, 0, 0.005, 0],
  ])('median %d over %d transactions (floor %d) → %d', (m, n, floor, expected) => {
    expect(ratioNoise(m, n, floor)).toBeCloseTo(expected, 12);
  });

  it('widens the error-ratio band of a step with few transactions', () => {
    // 45 transactions: the 0.025 upper bound of the busy Monday becomes 0.01 + 3·√(0.01·0.99/45).
    const past = history([
      [4, 10, 0.01, 100],
      [3, 11, 0.01, 110],
      [2, 9, 0.01, 90],
      [1, 10, 0.01, 100],
    ]);
    const few = { ...point(MONDAY + 10 * HOUR_MS, 10), count: 45 };
    const [got] = withBands(current([few]), past, HISTORY).series[0].points;
    expect(got.errorRatioUpper).toBeCloseTo(0.01 + 3 * Math.sqrt((0.01 * 0.99) / 45), 12);
  });
});
