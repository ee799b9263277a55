import type { RedQuery } from '@osprey/model';

import { redTier } from './red-tier';

const NOW = 1_000_000_000_000;
const KEEP = 7 * 24 * 3600 * 1000;

describe('redTier', () => {
  it.each([
    ['recent range, 10 s step', NOW - 3600_000, 10_000, { tier: 'raw', step: 10_000 }],
    ['range starting exactly at the retention edge', NOW - KEEP, 59_999, { tier: 'raw', step: 59_999 }],
    ['range starting before the retention edge', NOW - KEEP - 1, 10_000, { tier: 'rollup', step: 60_000 }],
    ['one-minute step', NOW - 3600_000, 60_000, { tier: 'rollup', step: 60_000 }],
    ['step just over a minute', NOW - 3600_000, 60_001, { tier: 'rollup', step: 120_000 }],
    ['five-minute step', NOW - 30 * KEEP, 300_000, { tier: 'rollup', step: 300_000 }],
  ])('%s', (_, from, step, expected) => {
    const query: RedQuery = { from, to: NOW, step, groupBy: 'service' };
    expect(redTier(query, NOW, KEEP)).toEqual(expected);
  });
});
