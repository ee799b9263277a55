import { isSortableId, sortableId } from './ids';

describe('sortableId', () => {
  it('starts with the time in hex and strictly increases, even within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => sortableId(1763800000123));
    expect(ids[0].slice(0, 12)).toBe((1763800000123).toString(16).padStart(12, '0'));
    expect(ids.every(isSortableId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(sortableId(1763800000124) > ids[ids.length - 1]).toBe(true);
  });

  it.each([
    ['0'.repeat(24), true],
    ['0'.repeat(23), false],
    ['A'.repeat(24), false],
    ['latest', false],
  ])('isSortableId(%j) = %s', (value, ok) => {
    expect(isSortableId(value)).toBe(ok);
  });
});
