/** The hierarchy query through query() against the fake backend: the flattened tree and its drill-down focus. */
import type { DataFrame } from '@grafana/data';
import { HIERARCHY_FRAME, type HierarchyNode, type HierarchyResponse } from '@osprey/model';

import { answer, queryRequest, RANGE, testDataSource } from './testing/query-request';

const node = (level: HierarchyNode['level'], name: string, errorPercent: number, children: HierarchyNode[] = []) => ({
  level,
  name,
  requests: 10,
  errors: errorPercent / 10,
  rate: 1,
  errorPercent,
  p95: 20,
  children,
});

const TREE: HierarchyResponse = {
  from: RANGE.from,
  to: RANGE.to,
  by: 'workload',
  roots: [
    node('cluster', 'prod', 50, [
      node('namespace', 'shop', 50, [
        node('workload', 'cart', 50, [
          node('pod', 'cart-1', 50, [{ ...node('instance', 'cart', 50), service: 'cart', instance: 'cart-1' }]),
        ]),
      ]),
    ]),
    node('host', 'vm-1', 0, [{ ...node('instance', 'legacy', 0), service: 'legacy', instance: 'vm-1' }]),
  ],
};

const byName = (frame: DataFrame) => Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));

it('hierarchy: the tree depth first with paths, the view asked for', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/health/hierarchy', { json: TREE });
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'hierarchy', hierarchyBy: 'node' }])))
    .data as DataFrame[];
  expect(backend.requests[0].params).toEqual({ from: String(RANGE.from), to: String(RANGE.to), by: 'node' });
  expect(frame.name).toBe(HIERARCHY_FRAME);
  const fields = byName(frame);
  expect(fields.path).toEqual([
    'cluster:prod',
    'cluster:prod/namespace:shop',
    'cluster:prod/namespace:shop/workload:cart',
    'cluster:prod/namespace:shop/workload:cart/pod:cart-1',
    'cluster:prod/namespace:shop/workload:cart/pod:cart-1/instance:cart@cart-1',
    'host:vm-1',
    'host:vm-1/instance:legacy@vm-1',
  ]);
  expect(fields.depth).toEqual([0, 1, 2, 3, 4, 0, 1]);
  expect(fields.children).toEqual([1, 1, 1, 1, 0, 1, 0]);
  expect(fields.service).toEqual([null, null, null, null, 'cart', null, 'legacy']);
  expect(fields.name[2]).toBe('\u2007\u2007\u2007\u2007cart');
});

it('hierarchy focused by a variable: that node and below, depth from it; an unknown focus is empty', async () => {
  const { ds, backend } = testDataSource({ focus: 'cluster:prod/namespace:shop/workload:cart' });
  backend.on('/api/v1/health/hierarchy', { json: TREE });
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'hierarchy', focus: '$focus' }]))).data as DataFrame[];
  expect(byName(frame).level).toEqual(['workload', 'pod', 'instance']);
  expect(byName(frame).depth).toEqual([0, 1, 2]);

  const stale = testDataSource({ focus: 'cluster:gone' });
  stale.backend.on('/api/v1/health/hierarchy', { json: TREE });
  const [empty] = (await answer(stale.ds, queryRequest([{ queryType: 'hierarchy', focus: '$focus' }])))
    .data as DataFrame[];
  expect(empty.length).toBe(0);
});
