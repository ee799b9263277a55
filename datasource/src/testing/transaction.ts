import type { Transaction } from '@osprey/model';

/** A transaction of the `orders` service ending at `endTime`, its ids made from it; `over` changes fields. */
export const transaction = (endTime: number, over: Partial<Transaction> = {}): Transaction => ({
  endTime,
  elapsed: 120,
  service: 'orders',
  instance: 'orders-1',
  endpoint: 'GET /orders',
  status: 'ok',
  traceId: `t${endTime}`,
  spanId: `s${endTime}`,
  sqlCount: 1,
  sqlTime: 8,
  apiCallCount: 0,
  apiCallTime: 0,
  kind: 'web',
  ...over,
});
