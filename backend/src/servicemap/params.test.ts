import { ServiceMapQuerySchema } from '@osprey/model';

import { checkedQuery } from '../testing/schema';
import { checkServiceMapWindow } from './params';

function parseServiceMapQuery(raw: Record<string, unknown>): { from: number; to: number } {
  const query = checkedQuery(ServiceMapQuerySchema, raw);
  checkServiceMapWindow(query);
  return query;
}

describe('parseServiceMapQuery', () => {
  it('parses the window', () => {
    expect(parseServiceMapQuery({ from: '1000', to: '61000.5' })).toEqual({ from: 1000, to: 61000.5 });
  });

  it.each([
    [{ to: '1' }, '"from": required'],
    [{ from: '1' }, '"to": required'],
    [{ from: 'x', to: '1' }, '"from": must be a number'],
    [{ from: '0', to: '' }, '"to": must be a number'],
    [{ from: '5', to: '1' }, '"to": must not be before from (5)'],
    [{ from: ['1', '2'], to: '3' }, '"from": must be given once'],
    [{ from: '0', to: String(90 * 86_400_000 + 1) }, '"to": the window must not exceed 90 days'],
    [{ from: '0', to: '1', service: 'x' }, '"service": unknown parameter'],
  ] as Array<[Record<string, unknown>, string]>)('%j → 400 %s', (raw, message) => {
    expect(() => parseServiceMapQuery(raw)).toThrow(message);
    expect(() => parseServiceMapQuery(raw)).toThrow(expect.objectContaining({ statusCode: 400, code: 'bad_request' }));
  });
});
