import type { RedQuery, RedResponse } from '@osprey/model';

import { MINUTE_MS } from '../store/duckdb-red';

/**
 * Which tier answers a RED query: raw transactions (exact percentiles) when the whole range is
 * still inside the transactions' retention and the step is under a minute; the per-minute rollups
 * otherwise, with the step rounded up to whole minutes.
 */
export function redTier(
  query: RedQuery,
  now: number,
  transactionsRetentionMs: number
): { tier: RedResponse['tier']; step: number } {
  if (query.step < MINUTE_MS && query.from >= now - transactionsRetentionMs) {
    return { tier: 'raw', step: query.step };
  }
  return { tier: 'rollup', step: Math.ceil(query.step / MINUTE_MS) * MINUTE_MS };
}
