import { DurationError, formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    [' 2s ', 2000],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '30', 's', '-1s', '0s', '0ms', '1d', '5 m', '1e3ms', 'fast', '0.0001ms'])('rejects %p', (input) => {
    expect(() => parseDuration(input)).toThrow(DurationError);
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [1500, '1500ms'],
    [30_000, '30s'],
    [300_000, '5m'],
    [7_200_000, '2h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
