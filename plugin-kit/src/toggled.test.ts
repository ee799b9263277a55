import { toggled } from './toggled';

describe('toggled', () => {
  it.each([
    [[], 'a', ['a']],
    [['a'], 'a', []],
    [['a', 'b'], 'c', ['a', 'b', 'c']],
    [['a', 'b'], 'a', ['b']],
  ])('%j toggling %s gives %j and leaves the input alone', (before, item, after) => {
    const set = new Set(before);
    expect([...toggled(set, item)]).toEqual(after);
    expect([...set]).toEqual(before);
  });
});
