import { interpolateQuery } from '../template';
import type { OspreyQuery } from '../types';
import { jvmTarget } from './api';

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
