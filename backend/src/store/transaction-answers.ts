import type { TransactionDensity, TransactionQuery, TransactionsResponse } from '@osprey/model';

import { DEFAULT_ELAPSED_BUCKETS, DEFAULT_TIME_BUCKETS } from './store';
import { rowToTransaction } from './transaction-row';
import type { OverLimit, TransactionWindow, WindowAnswer, WindowQuery } from './window';

/**
 * The answers both stores give around their own reads of the `transactions` table, so the rules
 * of a query's mode, limit and grid size are written once.
 */

/** A store's density grid read of the query's window. */
export type DensityRead = (timeBuckets: number, elapsedBuckets: number) => Promise<TransactionDensity>;

/** The grid at the query's size, or the default size where it names none. */
function densityOf(query: TransactionQuery, read: DensityRead): Promise<TransactionDensity> {
  return read(query.timeBuckets ?? DEFAULT_TIME_BUCKETS, query.elapsedBuckets ?? DEFAULT_ELAPSED_BUCKETS);
}

/**
 * `transactions()`: mode=density answers the grid without reading rows; rows are read one past
 * the limit, so a cut window says it is truncated, and mode=auto over the limit answers the grid
 * instead.
 */
export async function transactionsAnswer(
  query: WindowQuery,
  density: DensityRead,
  read: (limit: number) => Promise<Array<Record<string, unknown>>>
): Promise<TransactionsResponse> {
  const mode = query.mode ?? 'rows';
  if (mode === 'density') {
    return { transactions: [], truncated: false, density: await densityOf(query, density) };
  }
  const rows = await read(query.limit + 1);
  const truncated = rows.length > query.limit;
  if (truncated && mode === 'auto') {
    return { transactions: [], truncated: true, density: await densityOf(query, density) };
  }
  return { transactions: rows.slice(0, query.limit).map(rowToTransaction), truncated };
}

/**
 * `transactionWindow()`: mode=density answers the grid without reading rows, and so does a read
 * that found mode=auto over the limit.
 */
export async function windowAnswer(
  query: WindowQuery,
  density: DensityRead,
  read: () => Promise<TransactionWindow | OverLimit>
): Promise<WindowAnswer> {
  if (query.mode === 'density') {
    return { kind: 'density', density: await densityOf(query, density) };
  }
  const answer = await read();
  return answer.kind === 'rows' ? answer : { kind: 'density', density: await densityOf(query, density) };
}
