/**
 * Anomaly bands: what a metric usually does at this hour of the week. Traffic repeats daily and
 * weekly (Monday 10:00 is busy, Sunday 04:00 is not), so one static threshold is either too loose
 * for the night or too tight for the peak. The baseline of an hour of the week is the median of the
 * values the same hour held in the weeks of history, its spread the median absolute deviation
 * (MAD) scaled by 1.4826 (the factor that makes it the standard deviation of normal data): both
 * ignore the odd outlier in the history — an incident last Monday does not widen this Monday's
 * band, as it would a mean ± k·σ band. The band is median ± k·spread, the lower bound never under 0.
 */

export const HOUR_MS = 3_600_000;
export const WEEK_MS = 7 * 24 * HOUR_MS;
const HOURS_PER_WEEK = 168;
/** 1970-01-01 was a Thursday, 3 days after a Monday: adding them makes slot 0 Monday 00:00 UTC. */
const MONDAY_OFFSET_MS = 3 * 24 * HOUR_MS;
/** MAD → standard deviation of a normal distribution. */
export const MAD_TO_SIGMA = 1.4826;

export interface BandOptions {
  /** Width in spreads; 3 leaves ~0.3 % of normal data outside. */
  k: number;
  /** Fewest history values an hour of the week needs for a band (fewer: no band, no verdict). */
  minSamples: number;
  /**
   * Narrowest spread, as a share of the median and as an absolute value: a metric that held one
   * value all history (0 errors) has MAD 0, and without a floor any change would be outside.
   */
  relativeFloor: number;
  absoluteFloor: number;
}

export const DEFAULT_BAND: BandOptions = { k: 3, minSamples: 4, relativeFloor: 0.05, absoluteFloor: 0 };

export interface Baseline {
  median: number;
  /** 1.4826 · MAD. */
  spread: number;
  samples: number;
}

export interface Band {
  lower: number;
  upper: number;
}

/** UTC hour of the week, 0 (Monday 00:00–01:00) to 167 (Sunday 23:00–24:00). */
export function hourOfWeek(time: number): number {
  const hours = Math.floor((time + MONDAY_OFFSET_MS) / HOUR_MS);
  return ((hours % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/** The median of a non-empty list (mean of the middle two for an even length). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and scaled MAD of a non-empty list. */
export function robustBaseline(values: readonly number[]): Baseline {
  const m = median(values);
  return { median: m, spread: MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - m))), samples: values.length };
}

/** History values grouped by their hour of the week → each hour's baseline. */
export function seasonalBaselines(history: ReadonlyArray<{ time: number; value: number }>): Map<number, Baseline> {
  const bySlot = new Map<number, number[]>();
  for (const { time, value } of history) {
    const slot = hourOfWeek(time);
    const values = bySlot.get(slot);
    if (values === undefined) {
      bySlot.set(slot, [value]);
    } else {
      values.push(value);
    }
  }
  return new Map([...bySlot].map(([slot, values]) => [slot, robustBaseline(values)]));
}

/**
 * The band at `time` from the baselines; undefined when its hour of the week has too little history.
 * `noise` gives the spread the value itself must be allowed from the baseline's median (a ratio of
 * few transactions jumps by 1/n at each one), the narrowest the band gets then.
 */
export function bandAt(
  baselines: ReadonlyMap<number, Baseline>,
  time: number,
  options: BandOptions,
  noise: (median: number) => number = () => 0
): Band | undefined {
  const baseline = baselines.get(hourOfWeek(time));
  if (baseline === undefined || baseline.samples < options.minSamples) {
    return undefined;
  }
  const spread = Math.max(
    baseline.spread,
    options.relativeFloor * Math.abs(baseline.median),
    options.absoluteFloor,
    noise(baseline.median)
  );
  return { lower: Math.max(0, baseline.median - options.k * spread), upper: baseline.median + options.k * spread };
}

/** Outside the band: an anomaly. No band, no verdict. */
export function outside(band: Band | undefined, value: number): boolean {
  return band !== undefined && (value < band.lower || value > band.upper);
}
