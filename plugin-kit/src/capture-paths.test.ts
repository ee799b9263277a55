import { diffPath, instanceParams, oneCapturePath } from './capture-paths';

describe('oneCapturePath', () => {
  const base = '/api/v1/jvm/threaddumps';
  it.each([
    [{ dumpId: 'a/b' }, { path: `${base}/a%2Fb`, params: {} }],
    [
      { service: 'shop', instance: 'shop-1' },
      { path: `${base}/latest`, params: { service: 'shop', instance: 'shop-1' } },
    ],
  ])('%p', (t, expected) => {
    expect(oneCapturePath(base, t, 'thread dump')).toEqual(expected);
  });

  it('says what is missing for "latest"', () => {
    expect(() => oneCapturePath(base, { service: 'shop' }, 'thread dump')).toThrow(
      'Choose a service and an instance, or give a thread dump id'
    );
  });
});

it('instanceParams leaves blanks out and diffPath puts the older first', () => {
  expect(instanceParams({ service: 'shop' })).toEqual({ service: 'shop' });
  expect(diffPath('/x', 'old', 'new')).toBe('/x/old/diff/new');
});
