import { parseActiveQuery } from './params';

describe('parseActiveQuery', () => {
  it.each([
    [{}, {}],
    [{ service: 'cart' }, { service: 'cart' }],
    [{ service: "' OR 1=1 --" }, { service: "' OR 1=1 --" }],
  ])('%j → %j', (raw, query) => {
    expect(parseActiveQuery(raw)).toEqual(query);
  });

  it.each([
    [{ service: '' }, '"service": must not be empty'],
    [{ service: ['a', 'b'] }, '"service": must be given once'],
    [{ instance: 'i' }, '"instance": unknown parameter'],
  ])('%j → 400 %s', (raw, message) => {
    expect(() => parseActiveQuery(raw)).toThrow(message);
  });
});
