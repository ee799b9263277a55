import {
  RedQuerySchema,
  ServiceFilterQuerySchema,
  TraceParamsSchema,
  TransactionQueryStringSchema,
} from '@osprey/model';

import { checkedQuery } from '../testing/schema';
import { parseRedQuery, parseTransactionQuery } from './params';

// Each table runs the route's schema first, as Fastify does, then the checks it cannot express.
const transactions = (raw: Record<string, unknown>) =>
  parseTransactionQuery(checkedQuery(TransactionQueryStringSchema, raw));
const red = (raw: Record<string, unknown>) => parseRedQuery(checkedQuery(RedQuerySchema, raw));
const serviceFilter = (raw: Record<string, unknown>) => checkedQuery(ServiceFilterQuerySchema, raw).service;

describe('GET /api/v1/transactions parameters', () => {
  it('parses every filter', () => {
    expect(
      transactions({
        from: '1000',
        to: '2000.5',
        service: 'cart',
        instance: 'i-1',
        endpoint: 'GET /x',
        minElapsed: '250',
        errorsOnly: 'true',
        traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
        limit: '5',
      })
    ).toEqual({
      from: 1000,
      to: 2000.5,
      service: 'cart',
      instance: 'i-1',
      endpoint: 'GET /x',
      minElapsed: 250,
      errorsOnly: true,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      limit: 5,
    });
  });

  it('parses userId and the density options', () => {
    expect(
      transactions({
        from: '0',
        to: '1',
        userId: 'u-7',
        mode: 'auto',
        timeBuckets: '300',
        elapsedBuckets: '40',
      })
    ).toEqual({ from: 0, to: 1, limit: 10_000, userId: 'u-7', mode: 'auto', timeBuckets: 300, elapsedBuckets: 40 });
  });

  it('defaults limit to 10000', () => {
    expect(transactions({ from: '0', to: '1' })).toEqual({ from: 0, to: 1, limit: 10_000 });
  });

  it.each([
    [{ to: '1' }, '"from": required'],
    [{ from: '1' }, '"to": required'],
    [{ from: 'abc', to: '1' }, '"from": must be a number'],
    [{ from: '', to: '1' }, '"from": must be a number'],
    [{ from: '0', to: 'NaN' }, '"to": must be a number'],
    [{ from: '5', to: '1' }, '"to": must not be before from'],
    [{ from: ['1', '2'], to: '3' }, '"from": must be given once'],
    [{ from: '0', to: '1', limit: '0' }, '"limit": must be an integer from 1 to 1000000'],
    [{ from: '0', to: '1', limit: '1000001' }, '"limit"'],
    [{ from: '0', to: '1', limit: '2.5' }, '"limit"'],
    [{ from: '0', to: '1', minElapsed: '-1' }, '"minElapsed": must be >= 0'],
    [{ from: '0', to: '1', errorsOnly: 'yes' }, '"errorsOnly": must be true or false'],
    [{ from: '0', to: '1', traceId: 'abc' }, '"traceId": must be 32 hex digits'],
    [{ from: '0', to: '1', service: '' }, '"service": must not be empty'],
    [{ from: '0', to: '1', sevrice: 'x' }, '"sevrice": unknown parameter'],
    [{ from: '0', to: '1', userId: '' }, '"userId": must not be empty'],
    [{ from: '0', to: '1', mode: 'dots' }, '"mode": must be one of rows, density, auto'],
    [{ from: '0', to: '1', mode: 'density', timeBuckets: '0' }, '"timeBuckets": must be an integer from 1 to 5000'],
    [
      { from: '0', to: '1', mode: 'density', elapsedBuckets: '501' },
      '"elapsedBuckets": must be an integer from 1 to 500',
    ],
    [{ from: '0', to: '1', timeBuckets: '10' }, '"timeBuckets": needs mode=density or mode=auto'],
  ] as Array<[Record<string, unknown>, string]>)('%j → 400 %s', (raw, message) => {
    expect(() => transactions(raw)).toThrow(message);
    try {
      transactions(raw);
    } catch (err) {
      expect(err).toMatchObject({ statusCode: 400, code: 'bad_request' });
    }
  });
});

describe('the trace id path parameter', () => {
  it('takes 32 hex digits in any case and rejects others', () => {
    const id = 'ABCDEF0123456789ABCDEF0123456789';
    expect(checkedQuery(TraceParamsSchema, { traceId: id })).toEqual({ traceId: id });
    expect(() => checkedQuery(TraceParamsSchema, { traceId: 'nope' })).toThrow('must be 32 hex digits');
  });
});

describe('GET /api/v1/metrics/red parameters', () => {
  it('parses every parameter and defaults groupBy to service', () => {
    expect(
      red({
        from: '1000',
        to: '61000',
        step: '10000',
        service: 'cart',
        instance: 'i-1',
        endpoint: 'GET /x',
        groupBy: 'endpoint',
      })
    ).toEqual({
      from: 1000,
      to: 61000,
      step: 10000,
      service: 'cart',
      instance: 'i-1',
      endpoint: 'GET /x',
      groupBy: 'endpoint',
    });
    expect(red({ from: '0', to: '60000', step: '60000', apdexT: '250' })).toMatchObject({ apdexT: 250 });
    expect(red({ from: '0', to: '60000', step: '60000' })).toEqual({
      from: 0,
      to: 60000,
      step: 60000,
      groupBy: 'service',
    });
  });

  it.each([
    [{ to: '1', step: '1' }, '"from": required'],
    [{ from: '0', to: '1' }, '"step": required'],
    [{ from: '0', to: '10', step: '1.5' }, '"step": must be a whole number of milliseconds'],
    [{ from: '0', to: '10', step: '-5' }, '"step": must be a whole number'],
    [{ from: '0', to: '11001', step: '1' }, '"step": too small for the range: more than 11000 points'],
    [{ from: '7', to: '7', step: '1' }, '"to": must be after from'],
    [{ from: '0', to: '10', step: '1', groupBy: 'user' }, '"groupBy": must be one of service, instance, endpoint'],
    [{ from: '0', to: '10', step: '1', service: '' }, '"service": must not be empty'],
    [{ from: '0', to: '10', step: '1', limit: '5' }, '"limit": unknown parameter'],
    [{ from: '0', to: '10', step: '1', apdexT: '0' }, '"apdexT": must be > 0'],
    [{ from: '0', to: '10', step: '1', apdexT: '-250' }, '"apdexT": must be > 0'],
    [{ from: '0', to: '10', step: '1', apdexT: 'soon' }, '"apdexT": must be a number'],
  ] as Array<[Record<string, unknown>, string]>)('%j → 400 %s', (raw, message) => {
    expect(() => red(raw)).toThrow(message);
  });
});

describe('?service= of the instances and endpoints lists', () => {
  it.each([
    [{}, undefined],
    [{ service: 'cart' }, 'cart'],
  ])('%j → %s', (raw, service) => {
    expect(serviceFilter(raw)).toBe(service);
  });

  it.each([
    [{ service: '' }, '"service": must not be empty'],
    [{ service: ['a', 'b'] }, '"service": must be given once'],
    [{ svc: 'a' }, '"svc": unknown parameter'],
  ] as Array<[Record<string, unknown>, string]>)('%j → 400 %s', (raw, message) => {
    expect(() => serviceFilter(raw)).toThrow(message);
  });
});
