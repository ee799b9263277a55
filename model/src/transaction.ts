/** Statuses and kinds of a Transaction (`transaction-columns.ts` holds its fields and schema). */
export const TRANSACTION_STATUSES = ['ok', 'error'] as const;
export const TRANSACTION_KINDS = ['web', 'app', 'background', 'async', 'synthetic'] as const;

export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];
/** `synthetic`: a run of a synthetic check (checks.ts), made by the backend itself. */
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];
