import { microsAtLeast, microsAtMost, msToMicros } from './micros';

describe('msToMicros', () => {
  it.each([
    [0, 0],
    [1, 1000],
    [1.0004, 1000],
    [1.0005, 1001],
    [14.001, 14001],
    [1763800000137.457, 1763800000137457],
    [1763800000137.4571, 1763800000137457],
  ])('%p ms → %p µs', (ms, us) => {
    expect(msToMicros(ms)).toBe(us);
  });
});

describe('window bounds in microseconds', () => {
  it.each([
    [0, 0, 0],
    [1, 1000, 1000],
    [0.0005, 1, 0],
    [1.005, 1005, 1005],
    [1763800000123, 1763800000123000, 1763800000123000],
    [1763800000123.4567, 1763800000123457, 1763800000123456],
    [Number.MAX_SAFE_INTEGER, 2 ** 62, 2 ** 62],
    [1e300, 2 ** 62, 2 ** 62],
    [-1e300, -(2 ** 62), -(2 ** 62)],
    [Infinity, 2 ** 62, 2 ** 62],
  ])('from/to %p ms: at least %p µs, at most %p µs', (ms, atLeast, atMost) => {
    expect(microsAtLeast(ms)).toBe(atLeast);
    expect(microsAtMost(ms)).toBe(atMost);
  });

  it('agrees with comparing the ends the API returns (µs / 1000) against the bound in ms', () => {
    const bounds = [0.1, 0.7, 1.005, 2.675, 1e3 / 3, 1763800000123.0004, 1763800000123.9996, 1763800059999.9995];
    for (const ms of bounds) {
      const stored = [-2, -1, 0, 1, 2].map((d) => msToMicros(ms) + d);
      for (const u of stored) {
        expect([u, u >= microsAtLeast(ms)]).toEqual([u, u / 1000 >= ms]);
        expect([u, u <= microsAtMost(ms)]).toEqual([u, u / 1000 <= ms]);
      }
    }
  });
});
