import type { TransactionDensity, TransactionQuery, TransactionsResponse } from '@osprey/model';

import { rowToTransaction } from './transaction-row';

/**
 * Both stores' `transactions()` around their row read: mode=density answers the grid without
 * reading rows; rows are read one past the limit, so a cut window says it is truncated, and
 * mode=auto over the limit answers the grid instead.
 */
export async function transactionsAnswer(
  query: TransactionQuery & { limit: number },
  density: () => Promise<TransactionDensity>,
  read: (limit: number) => Promise<Array<Record<string, unknown>>>
): Promise<TransactionsResponse> {
  const mode = query.mode ?? 'rows';
  if (mode === 'density') {
    return { transactions: [], truncated: false, density: await density() };
  }
  const rows = await read(query.limit + 1);
  const truncated = rows.length > query.limit;
  if (truncated && mode === 'auto') {
    return { transactions: [], truncated: true, density: await density() };
  }
  return { transactions: rows.slice(0, query.limit).map(rowToTransaction), truncated };
}
