import type { Attributes } from '@osprey/model';

import { resourcePath } from '../derive/resource-path';
import { bucketOf, bucketUpperMs } from '../stats/latency-buckets';
import type { InstanceBucket } from '../store/store';
import { buildHierarchy } from './hierarchy';

describe('resourcePath', () => {
  const pod: Attributes = {
    'service.name': 'cart',
    'k8s.cluster.name': 'prod',
    'k8s.namespace.name': 'shop',
    'k8s.node.name': 'node-1',
    'k8s.statefulset.name': 'cart-db',
    'k8s.pod.name': 'cart-db-0',
  };
  it.each<[string, Attributes | undefined, 'workload' | 'node', string]>([
    ['a pod by workload', pod, 'workload', 'cluster:prod/namespace:shop/workload:cart-db/pod:cart-db-0'],
    ['a pod by node', pod, 'node', 'cluster:prod/node:node-1/pod:cart-db-0'],
    [
      'a deployment before a statefulset',
      { ...pod, 'k8s.deployment.name': 'cart' },
      'workload',
      'cluster:prod/namespace:shop/workload:cart/pod:cart-db-0',
    ],
    [
      'a pod without cluster, namespace or workload',
      { 'k8s.pod.name': 'p' },
      'workload',
      'cluster:(unknown cluster)/namespace:(unknown namespace)/workload:(unknown workload)/pod:p',
    ],
    ['a host', { 'host.name': 'vm-1' }, 'workload', 'host:vm-1'],
    ['a host in the node view', { 'host.name': 'vm-1' }, 'node', 'host:vm-1'],
    ['no resource (a native agent)', undefined, 'workload', 'host:(unknown host)'],
  ])('%s', (_what, resource, by, path) => {
    expect(
      resourcePath(resource, by)
        .map((s) => `${s.level}:${s.name}`)
        .join('/')
    ).toBe(path);
  });
});

/** Rollup rows of one instance: `ms` latencies, the first `errors` of them failed. */
function rows(service: string, instance: string, ms: number[], errors = 0): InstanceBucket[] {
  const byBucket = new Map<number, InstanceBucket>();
  ms.forEach((m, i) => {
    const bucket = bucketOf(m);
    const row = byBucket.get(bucket) ?? { service, instance, bucket, count: 0, errors: 0 };
    row.count += 1;
    row.errors += i < errors ? 1 : 0;
    byBucket.set(bucket, row);
  });
  return [...byBucket.values()];
}

const k8s = (service: string, pod: string, node: string, workload = service): Attributes => ({
  'service.name': service,
  'service.instance.id': pod,
  'k8s.cluster.name': 'prod',
  'k8s.namespace.name': 'shop',
  'k8s.node.name': node,
  'k8s.deployment.name': workload,
  'k8s.pod.name': pod,
});

describe('buildHierarchy', () => {
  const tens = (n: number, ms: number) => Array.from({ length: n }, () => ms);
  const buckets = [
    ...rows('cart', 'cart-1', tens(10, 20)),
    ...rows('cart', 'cart-2', tens(10, 20), 5),
    ...rows('web', 'web-1', [...tens(19, 10), 900]),
    ...rows('legacy', 'vm-1', tens(4, 50)),
    ...rows('osprey-checks', 'osprey-1', tens(4, 5), 4),
  ];
  const resources = [
    k8s('cart', 'cart-1', 'n1'),
    k8s('cart', 'cart-2', 'n2'),
    k8s('web', 'web-1', 'n1'),
    { 'service.name': 'legacy', 'host.name': 'vm-1' },
    // Less about its place than the one above: loses.
    { 'service.name': 'cart', 'service.instance.id': 'cart-1' },
  ];
  const answer = buildHierarchy(buckets, resources, { from: 0, to: 10_000, by: 'workload' });

  it('rolls requests, errors and the merged histogram up every level, worst first, hosts after clusters', () => {
    const [prod, vm] = answer.roots;
    expect([prod.level, prod.name, prod.requests, prod.errors, vm.level, vm.name]).toEqual([
      'cluster',
      'prod',
      40,
      5,
      'host',
      'vm-1',
    ]);
    const [shop] = prod.children;
    // cart (25 % errors) before web (none); within cart the sick pod first.
    expect(shop.children.map((w) => [w.name, w.requests, w.errorPercent])).toEqual([
      ['cart', 20, 25],
      ['web', 20, 0],
    ]);
    expect(shop.children[0].children.map((p) => [p.name, p.errorPercent])).toEqual([
      ['cart-2', 50],
      ['cart-1', 0],
    ]);
    const instance = shop.children[0].children[0].children[0];
    expect(instance).toMatchObject({ level: 'instance', name: 'cart', service: 'cart', instance: 'cart-2', rate: 1 });
    // 19 requests of 10 ms and one of 900: the 95th of 20 is the 19th, 10 ms (its bucket's bound).
    expect(shop.children[1].p95).toBe(bucketUpperMs(bucketOf(10)));
    // Of all 40 under the namespace the 38th: 20 ms.
    expect(shop.p95).toBe(bucketUpperMs(bucketOf(20)));
    expect(vm.children.map((c) => [c.name, c.instance, c.requests])).toEqual([['legacy', 'vm-1', 4]]);
  });

  it('leaves the backend’s own check runs out', () => {
    const names = JSON.stringify(answer);
    expect(names).not.toContain('osprey-checks');
  });

  it('orders by p95 when error shares tie, then by name; the node view groups by node', () => {
    const byNode = buildHierarchy(buckets, resources, { from: 0, to: 10_000, by: 'node' });
    const nodes = byNode.roots[0].children;
    expect(nodes.map((n) => [n.level, n.name, n.children.map((p) => p.name)])).toEqual([
      ['node', 'n2', ['cart-2']],
      ['node', 'n1', ['cart-1', 'web-1']],
    ]);
    const calm = buildHierarchy(
      [...rows('a', 'a-1', tens(5, 10)), ...rows('b', 'b-1', tens(5, 80)), ...rows('c', 'c-1', tens(5, 10))],
      [],
      { from: 0, to: 1000, by: 'workload' }
    );
    expect(calm.roots[0].children.map((c) => c.instance)).toEqual(['b-1', 'a-1', 'c-1']);
  });
});
