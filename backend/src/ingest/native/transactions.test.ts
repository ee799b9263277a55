import { type Transaction, TransactionBatchSchema } from '@osprey/model';

import { HttpError } from '../../server/errors';
import { checkedBody } from '../../testing/schema';
import { normaliseTransactions } from './transactions';

// The route's body schema, then its normalisation, as POST /api/v1/transactions runs them.
const parseTransactions = (body: unknown) =>
  normaliseTransactions(checkedBody(TransactionBatchSchema, 'transactions', body));

const full: Transaction = {
  endTime: 1763800000123.456,
  elapsed: 87.5,
  service: 'billing',
  instance: 'billing-7',
  endpoint: 'POST /invoice',
  status: 'error',
  httpStatus: 500,
  errorType: 'SQLException',
  errorMessage: 'deadlock detected',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentService: 'frontend',
  userId: 'u-42',
  clientIp: '10.0.0.1',
  sqlCount: 3,
  sqlTime: 41.25,
  apiCallCount: 1,
  apiCallTime: 12,
  kind: 'web',
  threadName: 'http-nio-8080-exec-3',
  cpuTime: 9.5,
};

const minimal: Transaction = {
  endTime: 1,
  elapsed: 0,
  service: 's',
  instance: 'i',
  endpoint: 'e',
  status: 'ok',
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  sqlCount: 0,
  sqlTime: 0,
  apiCallCount: 0,
  apiCallTime: 0,
  kind: 'background',
};

describe('POST /api/v1/transactions body', () => {
  it('keeps every field of valid transactions and lowercases ids', () => {
    expect(parseTransactions([full, { ...minimal, traceId: 'A'.repeat(32) }, { ...minimal, userId: null }])).toEqual([
      full,
      minimal,
      minimal,
    ]);
    expect(parseTransactions([])).toEqual([]);
  });

  it.each([
    [{ transactions: [] }, 'transactions: must be an array, got an object'],
    [[minimal, 7], 'transactions[1]: must be an object, got number 7'],
    [[{ ...minimal, endTime: '1' }], 'transactions[0].endTime: must be a number, got "1"'],
    [[{ ...minimal, endTime: -1 }], 'transactions[0].endTime: must be >= 0, got -1'],
    [[{ ...minimal, endTime: 18446744073709551616 }], 'transactions[0].endTime: must be <= 8640000000000000'],
    [[{ ...minimal, elapsed: null }], 'transactions[0].elapsed: must be a number, got nothing'],
    [[{ ...minimal, service: '' }], 'transactions[0].service: must not be empty'],
    [[{ ...minimal, instance: ['i'] }], 'transactions[0].instance: must be a string, got an array'],
    [[{ ...minimal, endpoint: undefined }], 'transactions[0].endpoint: must be a string, got nothing'],
    [[{ ...minimal, status: 'OK' }], 'transactions[0].status: must be one of ok, error, got "OK"'],
    [[{ ...minimal, kind: 'batch' }], 'transactions[0].kind: must be one of web, app, background, async'],
    [
      [{ ...minimal, traceId: 'a'.repeat(16) }],
      'transactions[0].traceId: must be 32 hex digits, not all zeros, got "aaaaaaaaaaaaaaaa"',
    ],
    [[{ ...minimal, traceId: 'g'.repeat(32) }], 'transactions[0].traceId: must be 32 hex digits'],
    [
      [{ ...minimal, spanId: '0'.repeat(16) }],
      'transactions[0].spanId: must be 16 hex digits, not all zeros, got "0000000000000000"',
    ],
    [[{ ...minimal, sqlCount: 1.5 }], 'transactions[0].sqlCount: must be an integer from 0 to 2147483647'],
    [[{ ...minimal, apiCallCount: 2 ** 31 }], 'transactions[0].apiCallCount: must be an integer from 0'],
    [[{ ...minimal, sqlTime: -0.1 }], 'transactions[0].sqlTime: must be >= 0'],
    [[{ ...minimal, httpStatus: 999 }], 'transactions[0].httpStatus: must be an integer from 100 to 599'],
    [[{ ...minimal, cpuTime: 'fast' }], 'transactions[0].cpuTime: must be a number, got "fast"'],
    [[{ ...minimal, threadName: 3 }], 'transactions[0].threadName: must be a string'],
    [[{ ...minimal, elapsd: 3 }], 'transactions[0].elapsd: unknown field'],
  ] as Array<[unknown, string]>)('%j → %s', (body, message) => {
    expect(() => parseTransactions(body)).toThrow(HttpError);
    expect(() => parseTransactions(body)).toThrow(message);
  });
});
