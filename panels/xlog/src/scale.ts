/** A mapping from data values to pixels, with the tick values worth labelling. */
export interface Scale {
  readonly domain: readonly [number, number];
  toPixel(value: number): number;
  /** The inverse of toPixel. */
  fromPixel(pixel: number): number;
  ticks(): number[];
}

/** Steps of 1, 2 and 5 times a power of ten, so labels read 0, 200, 400 … rather than 0, 173, 346. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || maxTicks < 1) {
    return 1;
  }
  const raw = span / maxTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Multiples of `step` within [min, max]. */
export function stepTicks(min: number, max: number, step: number): number[] {
  const ticks: number[] = [];
  // The epsilon keeps 0.3 / 0.1 = 2.9999999999999996 from dropping the last tick.
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last; i++) {
    // Rounding to the step's precision keeps 0.1 * 3 from printing as 0.30000000000000004.
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

export function linearScale(domain: [number, number], range: [number, number], maxTicks = 5): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return {
    domain,
    toPixel: (v) => r0 + (v - d0) * k,
    fromPixel: (p) => (k === 0 ? d0 : d0 + (p - r0) / k),
    ticks: () => stepTicks(d0, d1, niceStep(d1 - d0, maxTicks)),
  };
}

/** Log10 scale; values at or below the domain's lower end sit on it (an elapsed of 0 ms stays visible). */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  return {
    domain,
    toPixel: (v) => r0 + (Math.log10(Math.max(v, d0)) - l0) * k,
    fromPixel: (p) => (k === 0 ? d0 : 10 ** (l0 + (p - r0) / k)),
    ticks: () => {
      const ticks: number[] = [];
      for (let p = Math.ceil(l0 - 1e-9); p <= Math.floor(l1 + 1e-9); p++) {
        ticks.push(Number((10 ** p).toPrecision(12)));
      }
      return ticks;
    },
  };
}

/** Powers of ten around the data, never below 0.1 ms (the finest duration worth a decade on screen). */
export function logDomain(values: ArrayLike<number>, count = values.length): [number, number] {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v > 0 && v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
  }
  if (max <= 0) {
    return [1, 10];
  }
  const lo = 10 ** Math.floor(Math.log10(Math.max(min, 0.1)));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi <= lo) {
    hi = lo * 10;
  }
  return [lo, hi];
}

/** From zero to a round number at or above the largest value. */
export function linearDomain(values: ArrayLike<number>, count = values.length, maxTicks = 5): [number, number] {
  let max = 0;
  for (let i = 0; i < count; i++) {
    if (values[i] > max) {
      max = values[i];
    }
  }
  if (max <= 0) {
    return [0, 1];
  }
  const step = niceStep(max, maxTicks);
  return [0, Math.ceil(max / step) * step];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/** A clock-friendly step (10 s, 5 min, 1 h …) giving at most `maxTicks` labels over [from, to]. */
export function timeStep(from: number, to: number, maxTicks: number): number {
  const span = to - from;
  return TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
}

/** Label format for a time step: seconds only when steps are shorter than a minute. */
export function timeFormat(step: number): string {
  if (step < MINUTE) {
    return 'HH:mm:ss';
  }
  return step < DAY ? 'HH:mm' : 'MM-DD';
}

/** Tick label for a duration in milliseconds. */
export function formatMs(v: number): string {
  if (v >= 60_000) {
    return `${Number((v / 60_000).toPrecision(3))}m`;
  }
  if (v >= 1000) {
    return `${Number((v / 1000).toPrecision(3))}s`;
  }
  return `${Number(v.toPrecision(3))}ms`;
}
