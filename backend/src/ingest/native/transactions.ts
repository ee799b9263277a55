import { TRANSACTION_KINDS, type Transaction, type TransactionStatus } from '@osprey/model';

import {
  asArray,
  asObject,
  finiteNumber,
  hexId,
  integerIn,
  MAX_EPOCH_MS,
  nonEmptyString,
  oneOf,
  onlyKeys,
  optionalString,
} from '../validation';

const STATUSES: readonly TransactionStatus[] = ['ok', 'error'];
const INT32_MAX = 2 ** 31 - 1;

const FIELDS: ReadonlyArray<keyof Transaction> = [
  'endTime',
  'elapsed',
  'service',
  'instance',
  'endpoint',
  'status',
  'httpStatus',
  'errorType',
  'errorMessage',
  'traceId',
  'spanId',
  'parentService',
  'userId',
  'clientIp',
  'sqlCount',
  'sqlTime',
  'apiCallCount',
  'apiCallTime',
  'kind',
  'threadName',
  'cpuTime',
];
const KNOWN = new Set<string>(FIELDS);
const OPTIONAL_TEXT = ['errorType', 'errorMessage', 'parentService', 'userId', 'clientIp', 'threadName'] as const;

/**
 * Body of `POST /api/v1/transactions` (a native agent's XLOG batch) → Transactions. Strict: every
 * field is checked and an unknown one is refused (a misspelt `elapsd` would otherwise vanish),
 * throwing BatchValidationError (from ../validation) at the first bad value so nothing of the batch is stored.
 */
export function parseTransactions(body: unknown): Transaction[] {
  return asArray(body, 'transactions').map((item, i) => parseTransaction(item, `transactions[${i}]`));
}

function parseTransaction(item: unknown, path: string): Transaction {
  const raw = asObject(item, path);
  onlyKeys(raw, path, KNOWN);
  const at = (field: string) => `${path}.${field}`;
  const tx: Transaction = {
    endTime: finiteNumber(raw.endTime, at('endTime'), 0, MAX_EPOCH_MS),
    elapsed: finiteNumber(raw.elapsed, at('elapsed'), 0),
    service: nonEmptyString(raw.service, at('service')),
    instance: nonEmptyString(raw.instance, at('instance')),
    endpoint: nonEmptyString(raw.endpoint, at('endpoint')),
    status: oneOf(raw.status, at('status'), STATUSES),
    traceId: hexId(raw.traceId, at('traceId'), 32),
    spanId: hexId(raw.spanId, at('spanId'), 16),
    sqlCount: integerIn(raw.sqlCount, at('sqlCount'), 0, INT32_MAX),
    sqlTime: finiteNumber(raw.sqlTime, at('sqlTime'), 0),
    apiCallCount: integerIn(raw.apiCallCount, at('apiCallCount'), 0, INT32_MAX),
    apiCallTime: finiteNumber(raw.apiCallTime, at('apiCallTime'), 0),
    kind: oneOf(raw.kind, at('kind'), TRANSACTION_KINDS),
  };
  if (raw.httpStatus !== undefined && raw.httpStatus !== null) {
    tx.httpStatus = integerIn(raw.httpStatus, at('httpStatus'), 100, 599);
  }
  for (const field of OPTIONAL_TEXT) {
    const value = optionalString(raw[field], at(field));
    if (value !== undefined) {
      tx[field] = value;
    }
  }
  if (raw.cpuTime !== undefined && raw.cpuTime !== null) {
    tx.cpuTime = finiteNumber(raw.cpuTime, at('cpuTime'), 0);
  }
  return tx;
}
