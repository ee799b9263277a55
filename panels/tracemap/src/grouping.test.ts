import type { MapGraph, MapNode } from './graph';
import { collapseNamespaces, groupLeaves, mergeEdges, namespaceOf } from './grouping';

const svc = (id: string, extra: Partial<MapNode> = {}): MapNode => ({ id, name: id, kind: 'service', ...extra });
const db = (id: string, extra: Partial<MapNode> = {}): MapNode => ({ id, name: id, kind: 'database', ...extra });
const ext = (id: string): MapNode => ({ id, name: id, kind: 'external' });
const edge = (source: string, target: string, calls = 100, errors = 0, p95 = 10, rate = 1) => ({
  id: `${source}->${target}`,
  source,
  target,
  calls,
  errors,
  rate,
  errorRatio: errors / calls,
  p95,
});

describe('mergeEdges', () => {
  it('adds counts and rates, recomputes the ratio, keeps the largest p95, drops inner edges', () => {
    const merged = mergeEdges(
      [edge('a', 'x', 100, 10, 5, 2), edge('a', 'y', 300, 0, 50, 3), edge('x', 'y'), edge('b', 'c')],
      (id) => (id === 'x' || id === 'y' ? 'g' : id)
    );
    expect(merged).toEqual([
      { id: 'a->g', source: 'a', target: 'g', calls: 400, errors: 10, rate: 5, errorRatio: 0.025, p95: 50 },
      edge('b', 'c'),
    ]);
  });

  it('takes the worst ratio when counts are missing', () => {
    const [m] = mergeEdges(
      [
        { id: '1', source: 'a', target: 'x', errorRatio: 0.1 },
        { id: '2', source: 'a', target: 'y', errorRatio: 0.3 },
      ],
      (id) => (id === 'a' ? 'a' : 'g')
    );
    expect(m.errorRatio).toBe(0.3);
    expect(m.calls).toBeUndefined();
  });
});

describe('groupLeaves', () => {
  const graph: MapGraph = {
    nodes: [
      svc('shop'),
      svc('cart'),
      db('db1', { errorRatio: 0.01 }),
      db('db2', { errorRatio: 0.2 }),
      db('db3'),
      ext('ext1'),
      db('shared'),
      db('lonely'),
      ext('e2'),
      ext('e3'),
    ],
    edges: [
      edge('shop', 'cart'),
      edge('shop', 'db1'),
      edge('shop', 'db2'),
      edge('shop', 'db3'),
      edge('shop', 'ext1'),
      edge('shop', 'shared'),
      edge('cart', 'shared'),
      edge('cart', 'lonely'),
      edge('cart', 'e2'),
      edge('cart', 'e3'),
    ],
  };

  it('folds the private leaves of a caller per kind, leaving shared and single ones', () => {
    const grouped = groupLeaves(graph);
    const ids = grouped.nodes.map((n) => n.id).sort();
    expect(ids).toEqual(
      ['shop', 'cart', 'ext1', 'shared', 'lonely', 'group:shop:database', 'group:cart:external'].sort()
    );
    const dbs = grouped.nodes.find((n) => n.id === 'group:shop:database')!;
    expect(dbs).toMatchObject({ kind: 'database', name: '3 databases', errorRatio: 0.2 });
    expect(dbs.group).toEqual({ by: 'leaves', key: 'shop', members: ['db1', 'db2', 'db3'] });
    expect(grouped.edges.find((e) => e.target === 'group:shop:database')).toMatchObject({ calls: 300, rate: 3 });
    expect(grouped.edges).toHaveLength(7);
  });

  it('leaves the graph alone when nothing reaches the minimum', () => {
    expect(groupLeaves(graph, 5)).toBe(graph);
  });
});

describe('namespaces', () => {
  it.each([
    ['payments.api', '.', 'payments'],
    ['payments', '.', undefined],
    ['.hidden', '.', undefined],
    ['team/a/b', '/', 'team'],
    ['x.y', '', undefined],
  ])('namespaceOf(%s, %s) = %s', (name, sep, ns) => {
    expect(namespaceOf(name, sep)).toBe(ns);
  });

  const graph: MapGraph = {
    nodes: [
      svc('pay.api', { rate: 2, errorRatio: 0.01, p95: 30 }),
      svc('pay.worker', { rate: 3, errorRatio: 0.07, p95: 90 }),
      svc('shop.web'),
      svc('gateway'),
      db('pay-db'),
    ],
    edges: [
      edge('gateway', 'pay.api'),
      edge('gateway', 'shop.web'),
      edge('pay.api', 'pay.worker'),
      edge('pay.worker', 'pay-db'),
    ],
  };

  it('collapses namespaces with two or more services into one node', () => {
    const collapsed = collapseNamespaces(graph, '.', new Set());
    expect(collapsed.nodes.map((n) => n.id)).toEqual(['shop.web', 'gateway', 'pay-db', 'namespace:pay']);
    expect(collapsed.nodes[3]).toMatchObject({
      name: 'pay.*',
      subtitle: '2 services',
      rate: 5,
      errorRatio: 0.07,
      p95: 90,
    });
    expect(collapsed.edges.map((e) => e.id)).toEqual([
      'gateway->namespace:pay',
      'gateway->shop.web',
      'namespace:pay->pay-db',
    ]);
  });

  it('keeps expanded namespaces as they are', () => {
    expect(collapseNamespaces(graph, '.', new Set(['pay']))).toBe(graph);
  });
});
