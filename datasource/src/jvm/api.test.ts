import { interpolateQuery } from '../template';
import type { OspreyQuery } from '../types';
import { diffPath, instanceParams, jvmTarget, oneCapturePath } from './api';

const vars: Record<string, string> = { $service: 'shop', $instance: 'shop-1', $none: '' };
const interpolate = (v: string) => v.replace(/\$\w+/g, (n) => vars[n] ?? n);
const templateSrv = {
  replace: (v = '') => interpolate(v),
  getVariables: () => [],
  containsTemplate: () => false,
  updateTimeRange: () => {},
};
const q = (over: Partial<OspreyQuery>): OspreyQuery => ({ refId: 'A', queryType: 'threadDump', ...over });

describe('jvmTarget', () => {
  it.each([
    [q({ service: '$service', instance: '$instance' }), { service: 'shop', instance: 'shop-1' }],
    [q({ service: '$none', instance: ' ' }), {}],
    [q({ dumpId: ' td1 ', otherId: 'td2' }), { dumpId: 'td1', otherId: 'td2' }],
  ])('%p', (query, expected) => {
    const t = jvmTarget(interpolateQuery(templateSrv, query, {}));
    expect(Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined))).toEqual(expected);
  });
});

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
