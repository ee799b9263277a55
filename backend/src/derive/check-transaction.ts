import { randomBytes } from 'node:crypto';

import { CHECK_SERVICE, type CheckRun, type Transaction } from '@osprey/model';

/**
 * A check run as its XLOG dot: service `osprey-checks`, endpoint the check's name, instance the
 * backend that ran it, kind `synthetic`, red when down (the failure as its error type). The ids are
 * random: no trace stands behind a probe.
 */
export function checkTransaction(run: CheckRun): Transaction {
  const transaction: Transaction = {
    endTime: run.startedAt + run.durationMs,
    elapsed: run.durationMs,
    service: CHECK_SERVICE,
    instance: run.location,
    endpoint: run.check,
    status: run.up ? 'ok' : 'error',
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'synthetic',
  };
  if (run.httpStatus !== undefined) {
    transaction.httpStatus = run.httpStatus;
  }
  if (run.failure !== undefined) {
    transaction.errorType = run.failure;
  }
  if (run.message !== undefined) {
    transaction.errorMessage = run.message;
  }
  return transaction;
}
