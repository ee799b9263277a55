import type { RedQuery, RedResponse } from '@osprey/model';

import { BAND_HISTORY_MS, withBands } from '../derive/red-band';
import { MINUTE_MS } from '../store/duckdb/red';
import type { Store } from '../store/store';

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

/**
 * RED with its anomaly band: the window and the weeks before it, both from the rollups at the
 * window's step in whole minutes (the history is past the raw transactions' retention anyway, and
 * the band compares like with like: bucket-bound percentiles on both sides).
 */
export async function bandedRed(store: Store, query: RedQuery): Promise<RedResponse> {
  const step = Math.ceil(query.step / MINUTE_MS) * MINUTE_MS;
  const historyRange = { from: query.from - BAND_HISTORY_MS, to: query.from };
  const [current, history] = await Promise.all([
    store.red({ ...query, step }, 'rollup'),
    store.red({ ...query, ...historyRange, step }, 'rollup'),
  ]);
  return withBands(current, history, historyRange);
}
