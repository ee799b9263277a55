import { apdexScore, apdexZone } from './apdex';

describe('Apdex', () => {
  it.each([
    // [satisfied, tolerating, count, score]
    [10, 0, 10, 1],
    [0, 0, 10, 0],
    [6, 2, 10, 0.7],
    [0, 4, 4, 0.5],
    [3, 1, 5, 0.7],
    [0, 0, 0, 1],
  ])('%d satisfied, %d tolerating of %d: %d', (satisfied, tolerating, count, score) => {
    expect(apdexScore(satisfied, tolerating, count)).toBeCloseTo(score, 12);
  });

  it.each([
    [0, 500, 'satisfied'],
    [500, 500, 'satisfied'],
    [500.001, 500, 'tolerating'],
    [2000, 500, 'tolerating'],
    [2000.001, 500, 'frustrated'],
    [31, 7.5, 'frustrated'],
    [30, 7.5, 'tolerating'],
  ])('%d ms at T = %d ms is %s', (elapsed, t, zone) => {
    expect(apdexZone(elapsed, t)).toBe(zone);
  });
});
