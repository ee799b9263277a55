import {
  bandAt,
  type BandOptions,
  DEFAULT_BAND,
  HOUR_MS,
  hourOfWeek,
  MAD_TO_SIGMA,
  median,
  outside,
  robustBaseline,
  seasonalBaselines,
  WEEK_MS,
} from './anomaly-band';

const MONDAY = Date.UTC(2026, 11, 7);

describe('hourOfWeek', () => {
  it.each([
    ['Monday 00:00', MONDAY, 0],
    ['Monday 10:30', MONDAY + 10.5 * HOUR_MS, 10],
    ['Tuesday 00:00', Date.UTC(2026, 11, 8), 24],
    ['Sunday 23:59', Date.UTC(2026, 11, 13, 23, 59), 167],
    ['the next Monday', MONDAY + WEEK_MS, 0],
    ['the epoch, a Thursday', 0, 72],
    ['before the epoch: Wednesday 23:00', -HOUR_MS, 71],
  ])('%s', (_name, time, slot) => expect(hourOfWeek(time)).toBe(slot));
});

describe('median and robustBaseline', () => {
  it.each<[number[], number, number]>([
    // values → median, spread (1.4826 · MAD)
    [[7], 7, 0],
    [[3, 1, 2], 2, MAD_TO_SIGMA],
    [[4, 1, 3, 2], 2.5, MAD_TO_SIGMA],
    [[1, 2, 3, 4, 5], 3, MAD_TO_SIGMA],
    // One incident in five weeks moves neither: a mean ± σ band would be 28 ± 36.
    [[10, 10, 10, 10, 100], 10, 0],
    [[100, 110, 90, 105, 95, 1000], 102.5, MAD_TO_SIGMA * 7.5],
  ])('%j → median %d, spread %d', (values, m, spread) => {
    expect(median(values)).toBe(m);
    const baseline = robustBaseline(values);
    expect(baseline.median).toBe(m);
    expect(baseline.spread).toBeCloseTo(spread, 12);
    expect(baseline.samples).toBe(values.length);
  });
});

describe('bandAt', () => {
  const baselines = new Map([
    [0, { median: 100, spread: 10, samples: 4 }],
    [1, { median: 100, spread: 1, samples: 4 }],
    [2, { median: 0, spread: 0, samples: 12 }],
    [3, { median: 10, spread: 5, samples: 4 }],
    [4, { median: 100, spread: 10, samples: 3 }],
  ]);
  it.each<[string, number, Partial<BandOptions>, [number, number] | undefined]>([
    ['median ± 3 spreads', 0, {}, [70, 130]],
    ['k widens it', 0, { k: 2 }, [80, 120]],
    ['a spread under 5 % of the median is raised to it', 1, {}, [85, 115]],
    ['all zeros: the absolute floor', 2, { absoluteFloor: 0.005 }, [0, 0.015]],
    ['all zeros, no floor: only 0 is inside', 2, {}, [0, 0]],
    ['the lower bound stops at 0', 3, {}, [0, 25]],
    ['too few samples: no band', 4, {}, undefined],
    ['an hour without history: no band', 5, {}, undefined],
  ])('%s', (_name, slot, options, expected) => {
    const band = bandAt(baselines, MONDAY + slot * HOUR_MS + 1234, { ...DEFAULT_BAND, ...options });
    expect(band === undefined ? undefined : [band.lower, band.upper]).toEqual(expected);
  });

  it.each<[number, boolean]>([
    [69, true],
    [70, false],
    [130, false],
    [131, true],
  ])('a value of %d is outside the 70-130 band: %s', (value, verdict) => {
    expect(outside({ lower: 70, upper: 130 }, value)).toBe(verdict);
  });

  it('gives no verdict without a band', () => expect(outside(undefined, 1e9)).toBe(false));
});

describe('seasonalBaselines', () => {
  // Four weeks of 5-minute values: 100 by night, 400 from 09:00 to 17:00 on weekdays, with noise of ±5.
  const expected = (time: number) => {
    const slot = hourOfWeek(time);
    const weekday = slot < 120;
    const hour = slot % 24;
    return weekday && hour >= 9 && hour < 17 ? 400 : 100;
  };
  const history = Array.from({ length: (4 * WEEK_MS) / 300_000 }, (_, i) => {
    const time = MONDAY - 4 * WEEK_MS + i * 300_000;
    return { time, value: expected(time) + ((i * 7) % 11) - 5 };
  });
  // An outage last Monday 10:00-11:00 and a spike on Saturday 03:00: each one week of four.
  for (const point of history) {
    const slot = hourOfWeek(point.time);
    if (point.time >= MONDAY - WEEK_MS && (slot === 10 || slot === 123)) {
      point.value = slot === 10 ? 0 : 5000;
    }
  }
  const baselines = seasonalBaselines(history);

  it('has every hour of the week, each from 48 values (4 weeks × 12)', () => {
    expect(baselines.size).toBe(168);
    expect([...baselines.values()].every((b) => b.samples === 48)).toBe(true);
  });

  it.each([
    ['Monday 10:00, an outage in its history', 10, 400],
    ['Monday 03:00', 3, 100],
    ['Friday 16:00', 4 * 24 + 16, 400],
    ['Saturday 03:00, a spike in its history', 123, 100],
    ['Sunday 12:00', 6 * 24 + 12, 100],
  ])('%s: the band holds the usual value, not the incident', (_name, slot, usual) => {
    const band = bandAt(baselines, MONDAY + slot * HOUR_MS, DEFAULT_BAND)!;
    expect(band.lower).toBeLessThan(usual - 5);
    expect(band.upper).toBeGreaterThan(usual + 5);
    expect(outside(band, usual === 400 ? 100 : 400)).toBe(true);
  });
});
