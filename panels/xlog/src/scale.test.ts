import {
  formatMs,
  linearDomain,
  linearScale,
  logDomain,
  logScale,
  niceStep,
  stepTicks,
  timeFormat,
  timeStep,
} from './scale';

describe('niceStep', () => {
  it.each([
    [100, 5, 20],
    [1000, 5, 200],
    [7, 5, 2],
    [0.9, 3, 0.5],
    [12, 4, 5],
    [0, 5, 1],
  ])('span %p over %p ticks → step %p', (span, ticks, step) => {
    expect(niceStep(span, ticks)).toBe(step);
  });
});

describe('stepTicks', () => {
  it.each([
    [0, 100, 20, [0, 20, 40, 60, 80, 100]],
    [5, 55, 20, [20, 40]],
    [0, 0.3, 0.1, [0, 0.1, 0.2, 0.3]],
  ])('[%p, %p] by %p', (min, max, step, ticks) => {
    expect(stepTicks(min, max, step)).toEqual(ticks);
  });
});

describe('linearScale', () => {
  const s = linearScale([0, 200], [300, 100]);
  it.each([
    [0, 300],
    [100, 200],
    [200, 100],
  ])('maps %p to pixel %p (y grows downwards)', (v, px) => {
    expect(s.toPixel(v)).toBe(px);
  });
  it('labels round values', () => {
    expect(s.ticks()).toEqual([0, 50, 100, 150, 200]);
  });
});

describe('logScale', () => {
  const s = logScale([1, 1000], [300, 0]);
  it.each([
    [1, 300],
    [10, 200],
    [100, 100],
    [1000, 0],
    [0, 300],
    [0.001, 300],
  ])('maps %p to pixel %p, clamping below the domain', (v, px) => {
    expect(s.toPixel(v)).toBeCloseTo(px, 9);
  });
  it('ticks at each power of ten', () => {
    expect(s.ticks()).toEqual([1, 10, 100, 1000]);
    expect(logScale([0.1, 10], [0, 1]).ticks()).toEqual([0.1, 1, 10]);
  });
});

describe('domains', () => {
  it.each([
    [
      [3, 40, 950],
      [1, 1000],
    ],
    [
      [0, 0.02, 5],
      [0.1, 10],
    ],
    [[10], [10, 100]],
    [
      [0, 0],
      [1, 10],
    ],
    [[], [1, 10]],
  ])('log domain of %p is %p', (values, domain) => {
    expect(logDomain(values)).toEqual(domain);
  });
  it('log domain reads only the first count values of a typed array', () => {
    expect(logDomain(new Float64Array([5, 50, 1e9]), 2)).toEqual([1, 100]);
  });
  it.each([
    [
      [3, 40, 950],
      [0, 1000],
    ],
    [
      [0, 7],
      [0, 8],
    ],
    [[], [0, 1]],
  ])('linear domain of %p is %p', (values, domain) => {
    expect(linearDomain(values)).toEqual(domain);
  });
});

describe('time axis', () => {
  it.each([
    [60_000, 6, 10_000],
    [15 * 60_000, 6, 5 * 60_000],
    [3_600_000, 5, 15 * 60_000],
    [24 * 3_600_000, 6, 6 * 3_600_000],
    [5_000, 10, 1_000],
  ])('span %p ms with %p labels → step %p ms', (span, ticks, step) => {
    expect(timeStep(0, span, ticks)).toBe(step);
  });
  it.each([
    [10_000, 'HH:mm:ss'],
    [60_000, 'HH:mm'],
    [86_400_000, 'MM-DD'],
  ])('step %p formats as %p', (step, format) => {
    expect(timeFormat(step)).toBe(format);
  });
});

describe('formatMs', () => {
  it.each([
    [0.1, '0.1ms'],
    [10, '10ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [120_000, '2m'],
  ])('%p → %p', (v, text) => {
    expect(formatMs(v)).toBe(text);
  });
});
