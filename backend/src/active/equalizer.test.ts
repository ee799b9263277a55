import { DEFAULT_THRESHOLDS, equalizerBuckets } from './equalizer';

const requests = (...elapsed: number[]) => elapsed.map((e) => ({ endpoint: 'x', elapsed: e }));

describe('equalizerBuckets', () => {
  it.each([
    [[], DEFAULT_THRESHOLDS, { fast: 0, slow: 0, verySlow: 0, unknownAge: 0 }],
    [[0, 2999.9, 3000, 7999, 8000, 60_000], DEFAULT_THRESHOLDS, { fast: 2, slow: 2, verySlow: 2, unknownAge: 0 }],
    [[100, 500, 1000], { slow: 500, verySlow: 1000 }, { fast: 1, slow: 1, verySlow: 1, unknownAge: 0 }],
  ])('%j with %j → %j', (elapsed, thresholds, buckets) => {
    expect(equalizerBuckets(requests(...elapsed), thresholds)).toEqual(buckets);
  });
});
