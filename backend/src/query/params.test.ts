import { parseRedQuery, parseServiceFilter, parseTraceId, parseTransactionQuery } from './params';

describe('parseTransactionQuery', () => {
  it('parses every filter', () => {
    expect(
      parseTransactionQuery({
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
      parseTransactionQuery({
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
    expect(parseTransactionQuery({ from: '0', to: '1' })).toEqual({ from: 0, to: 1, limit: 10_000 });
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
    expect(() => parseTransactionQuery(raw)).toThrow(message);
    try {
      parseTransactionQuery(raw);
    } catch (err) {
      expect(err).toMatchObject({ statusCode: 400, code: 'bad_request' });
    }
  });
});

describe('parseTraceId', () => {
  it('lowercases a valid id and rejects others', () => {
    expect(parseTraceId('ABCDEF0123456789ABCDEF0123456789')).toBe('abcdef0123456789abcdef0123456789');
    expect(() => parseTraceId('nope')).toThrow('must be 32 hex digits');
  });
});

describe('parseRedQuery', () => {
  it('parses every parameter and defaults groupBy to service', () => {
    expect(
      parseRedQuery({
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
    expect(parseRedQuery({ from: '0', to: '60000', step: '60000' })).toEqual({
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
  ] as Array<[Record<string, unknown>, string]>)('%j → 400 %s', (raw, message) => {
    expect(() => parseRedQuery(raw)).toThrow(message);
  });
});

describe('parseServiceFilter', () => {
  it.each([
    [{}, undefined],
    [{ service: 'cart' }, 'cart'],
  ])('%j → %s', (raw, service) => {
    expect(parseServiceFilter(raw)).toBe(service);
  });

  it.each([
    [{ service: '' }, '"service": must not be empty'],
    [{ service: ['a', 'b'] }, '"service": must be given once'],
    [{ svc: 'a' }, '"svc": unknown parameter'],
  ] as Array<[Record<string, unknown>, string]>)('%j → 400 %s', (raw, message) => {
    expect(() => parseServiceFilter(raw)).toThrow(message);
  });
});
