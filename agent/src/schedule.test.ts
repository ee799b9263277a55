import { msUntilDue, nextDue } from './schedule';

describe('nextDue', () => {
  it.each([
    ['on time: one period after it was due', 1000, 500, 1010, 1500],
    ['late but within the period: keeps the cadence', 1000, 500, 1400, 1500],
    ['late by more than a period: no burst of catch-up runs', 1000, 500, 2600, 3100],
    ['exactly at the next slot: moves a full period on', 1000, 500, 1500, 2000],
  ])('%s', (_name, due, period, now, expected) => {
    expect(nextDue(due, period, now)).toBe(expected);
  });
});

describe('msUntilDue', () => {
  it.each([
    ['earliest of the three', { poll: 2000, threaddump: 1500, heaphistogram: 9000 }, 1000, 500],
    ['already due', { poll: 900, threaddump: 1500, heaphistogram: 9000 }, 1000, 0],
    ['poll next', { poll: 1200, threaddump: 1500, heaphistogram: 9000 }, 1000, 200],
  ])('%s', (_name, schedule, now, expected) => {
    expect(msUntilDue(schedule, now)).toBe(expected);
  });
});
