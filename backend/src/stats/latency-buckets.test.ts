import { BUCKET_COUNT, bucketOf, bucketUpperMs, quantileMs } from './latency-buckets';

describe('bucketOf', () => {
  it.each([
    [0, 0],
    [-5, 0],
    [0.01, 0],
    [0.0101, 1],
    [0.02, 4],
    [1, 27],
    [1000, 67],
    [1e9, BUCKET_COUNT - 1],
  ])('%p ms → bucket %p', (ms, bucket) => {
    expect(bucketOf(ms)).toBe(bucket);
  });

  it('puts every duration at or below its bucket upper bound and above the previous one', () => {
    for (const ms of [0.011, 0.5, 3, 17.3, 250, 999.9, 8000, 123456]) {
      const b = bucketOf(ms);
      expect(ms).toBeLessThanOrEqual(bucketUpperMs(b) * (1 + 1e-12));
      expect(ms).toBeGreaterThan(bucketUpperMs(b - 1));
    }
  });
});

describe('quantileMs', () => {
  it('is NaN for an empty histogram', () => {
    expect(quantileMs([], 0.5)).toBeNaN();
    expect(quantileMs([[3, 0]], 0.5)).toBeNaN();
  });

  it('reads the bucket holding the rank, within one bucket width of the exact value', () => {
    const durations = Array.from({ length: 1000 }, (_, i) => (i + 1) * 1.5);
    const counts = new Map<number, number>();
    durations.forEach((d) => counts.set(bucketOf(d), (counts.get(bucketOf(d)) ?? 0) + 1));
    const histogram = [...counts.entries()];
    for (const [q, exact] of [
      [0.5, 750],
      [0.9, 1350],
      [0.99, 1485],
    ] as const) {
      const estimate = quantileMs(histogram, q);
      expect(estimate).toBeGreaterThanOrEqual(exact);
      expect(estimate / exact).toBeLessThan(2 ** (1 / 4));
    }
  });

  it('accepts buckets in any order', () => {
    expect(
      quantileMs(
        [
          [40, 1],
          [10, 9],
        ],
        0.5
      )
    ).toBe(bucketUpperMs(10));
  });
});
