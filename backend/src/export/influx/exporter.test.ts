import { retryDelay, writeRequest } from './exporter';

describe('retryDelay', () => {
  it.each([
    [0, 10_000, 10_000],
    [1, 10_000, 20_000],
    [3, 10_000, 80_000],
    [5, 10_000, 300_000],
    [50, 10_000, 300_000],
    [0, 600_000, 600_000],
    [4, 600_000, 600_000],
  ])('after %i failures at a %i ms interval: %i ms', (failures, interval, expected) => {
    expect(retryDelay(failures, interval)).toBe(expected);
  });
});

describe('writeRequest', () => {
  it.each<[string, string, string, string | undefined]>([
    ['http://influx:8086', 'osprey', 'http://influx:8086/write?db=osprey&precision=ms', undefined],
    ['http://influx:8086/', 'a b&c', 'http://influx:8086/write?db=a+b%26c&precision=ms', undefined],
    ['https://proxy/influx', 'x', 'https://proxy/influx/write?db=x&precision=ms', undefined],
    [
      'http://admin:p%40ss@influx:8086',
      'x',
      'http://influx:8086/write?db=x&precision=ms',
      `Basic ${Buffer.from('admin:p@ss').toString('base64')}`,
    ],
  ])('%s db %s', (base, db, url, authorization) => {
    const request = writeRequest(base, db);
    expect(request.url).toBe(url);
    expect(request.headers.authorization).toBe(authorization);
    expect(request.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});
