import type { Transaction } from '@osprey/model';

/**
 * A native batch its schema (`TransactionBatchSchema`: every field checked, unknown ones refused so
 * a misspelt `elapsd` does not vanish) accepted, with ids lowercased as the stores keep them.
 */
export function normaliseTransactions(batch: Transaction[]): Transaction[] {
  return batch.map((tx) => ({ ...tx, traceId: tx.traceId.toLowerCase(), spanId: tx.spanId.toLowerCase() }));
}
