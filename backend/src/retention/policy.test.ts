import { parseDuration } from './policy';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['36h', 129_600_000],
    ['90d', 7_776_000_000],
    ['2w', 1_209_600_000],
    ['1.5h', 5_400_000],
    [' 3d ', 259_200_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '3', 'd', '3 days', '-1d', '0d', '3D', '1e3s', 'abc'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
