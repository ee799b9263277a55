/**
 * Must-show 2 of issue 21: a workload on 2 clusters, 3 nodes, 5 workloads and 12 pods (plus a VM
 * outside Kubernetes), sent through the real OpenTelemetry SDK with the k8s resource attributes a
 * pod's SDK reports, one pod sick (half its requests fail). `GET /api/v1/health/hierarchy` of
 * `osprey serve` on DuckDB and on ClickHouse (Debian's clickhouse-server) must give the tree the
 * workload defines — every level's children, their counts and their worst-first order — computed
 * here from the sent transactions alone, and the same answer on both stores.
 */
import type { HierarchyNode, HierarchyResponse } from '@osprey/model';

import { sendWithSdk, type SentTransaction } from './otel-sender';
import { type Osprey, startClickHouse, startOsprey, stopAll, TOKENS } from './real-servers';

jest.setTimeout(120_000);

interface Pod {
  cluster: string;
  node: string;
  namespace: string;
  workload: string;
  kind: 'deployment' | 'statefulset';
  pod: string;
  ms: number;
  /** Failed requests of 10. */
  errors: number;
}

const pods: Pod[] = [];
const add = (cluster: string, namespace: string, workload: string, kind: Pod['kind'], nodes: string[], ms: number) =>
  nodes.forEach((node, i) =>
    pods.push({ cluster, node, namespace, workload, kind, pod: `${workload}-${cluster}-${i}`, ms, errors: 0 })
  );
add('prod-a', 'shop', 'frontend', 'deployment', ['node-a1', 'node-a2', 'node-a1'], 20);
add('prod-a', 'shop', 'cart', 'deployment', ['node-a2', 'node-a1', 'node-a2'], 30);
add('prod-a', 'shop', 'db', 'statefulset', ['node-a1', 'node-a2'], 60);
add('prod-b', 'shop', 'frontend', 'deployment', ['node-b1', 'node-b1'], 25);
add('prod-b', 'batch', 'worker', 'deployment', ['node-b1', 'node-b1'], 45);
// The sick pod: half its requests fail.
pods.find((p) => p.pod === 'cart-prod-a-1')!.errors = 5;

const PER_POD = 10;

function transactions(): SentTransaction[] {
  const sent: SentTransaction[] = pods.flatMap((p) =>
    Array.from({ length: PER_POD }, (_, i) => ({
      service: p.workload,
      instance: p.pod,
      name: 'GET /',
      ms: p.ms,
      error: i < p.errors,
      resource: {
        'k8s.cluster.name': p.cluster,
        'k8s.node.name': p.node,
        'k8s.namespace.name': p.namespace,
        [`k8s.${p.kind}.name`]: p.workload,
        'k8s.pod.name': p.pod,
        'host.name': p.node,
      },
    }))
  );
  return [
    ...sent,
    ...Array.from({ length: 4 }, () => ({
      service: 'legacy',
      instance: 'vm-1',
      name: 'GET /',
      ms: 80,
      resource: { 'host.name': 'vm-1' },
    })),
  ];
}

/** The tree as names, children and order only: what the truth below states. */
interface Shape {
  name: string;
  errorPercent: number;
  children: Shape[];
}

const shape = (node: HierarchyNode): Shape => ({
  name: `${node.level}:${node.name}`,
  errorPercent: node.errorPercent,
  children: node.children.map(shape),
});

/**
 * The truth from the pods: group by the view's levels; a node's error share is its pods' failed
 * requests over theirs; worst first by error share, then by latency (every pod of a group here has
 * one latency, so the slowest pod's decides), then by name.
 */
function truth(levels: Array<(p: Pod) => string>): Shape[] {
  const build = (group: Pod[], depth: number): Shape[] => {
    const keys = [...new Set(group.map(levels[depth]))];
    return keys
      .map((key) => {
        const members = group.filter((p) => levels[depth](p) === key);
        const errorPercent = (100 * members.reduce((n, p) => n + p.errors, 0)) / (members.length * PER_POD);
        const slowest = Math.max(...members.map((p) => p.ms));
        const children =
          depth + 1 < levels.length
            ? build(members, depth + 1)
            : [{ name: `instance:${members[0].workload}`, errorPercent, children: [] }];
        return { shape: { name: key, errorPercent, children }, slowest };
      })
      .sort(
        (a, b) =>
          b.shape.errorPercent - a.shape.errorPercent ||
          b.slowest - a.slowest ||
          a.shape.name.localeCompare(b.shape.name)
      )
      .map((entry) => entry.shape);
  };
  return build(pods, 0);
}

const VM: Shape = {
  name: 'host:vm-1',
  errorPercent: 0,
  children: [{ name: 'instance:legacy', errorPercent: 0, children: [] }],
};

let duck: Osprey;
let house: Osprey;
let from: number;

beforeAll(async () => {
  const clickhouse = await startClickHouse();
  duck = await startOsprey();
  house = await startOsprey(['--store', 'clickhouse', '--clickhouse-url', clickhouse.url]);
  from = Date.now() - 60_000;
  to = Date.now() + 60_000;
  for (const osprey of [duck, house]) {
    sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, transactions());
  }
});

afterAll(stopAll);

let to: number;
const hierarchy = (osprey: Osprey, by: string) =>
  osprey.get<HierarchyResponse>(`/api/v1/health/hierarchy?from=${from}&to=${to}&by=${by}`);

describe('health hierarchy of a Kubernetes workload sent through the OpenTelemetry SDK', () => {
  it('has 2 clusters, 3 nodes, 5 workloads, 12 pods, the sick pod first at every level (workload view)', async () => {
    const expected = [
      ...truth([
        (p) => `cluster:${p.cluster}`,
        (p) => `namespace:${p.namespace}`,
        (p) => `workload:${p.workload}`,
        (p) => `pod:${p.pod}`,
      ]),
      VM,
    ];
    for (const osprey of [duck, house]) {
      const answer = await hierarchy(osprey, 'workload');
      expect(answer.roots.map(shape)).toEqual(expected);
      const clusters = answer.roots.filter((r) => r.level === 'cluster');
      const workloads = clusters.flatMap((c) => c.children.flatMap((n) => n.children));
      const podNodes = workloads.flatMap((w) => w.children);
      expect([clusters.length, workloads.length, podNodes.length]).toEqual([2, 5, 12]);
      // The sick pod leads every list it is in: its cluster, namespace, workload, itself.
      const first = [
        clusters[0],
        clusters[0].children[0],
        clusters[0].children[0].children[0],
        clusters[0].children[0].children[0].children[0],
      ];
      expect(first.map((n) => n.name)).toEqual(['prod-a', 'shop', 'cart', 'cart-prod-a-1']);
      expect(podNodes.find((p) => p.name === 'cart-prod-a-1')).toMatchObject({
        requests: 10,
        errors: 5,
        errorPercent: 50,
      });
      expect(clusters[0]).toMatchObject({ requests: 80, errors: 5 });
    }
  });

  it('has the 3 nodes in the node view, the sick pod’s node first; both stores answer alike', async () => {
    const expected = [...truth([(p) => `cluster:${p.cluster}`, (p) => `node:${p.node}`, (p) => `pod:${p.pod}`]), VM];
    const answers = await Promise.all([duck, house].map((osprey) => hierarchy(osprey, 'node')));
    for (const answer of answers) {
      expect(answer.roots.map(shape)).toEqual(expected);
      const nodes = answer.roots.filter((r) => r.level === 'cluster').flatMap((c) => c.children);
      expect(nodes.map((n) => n.name).sort()).toEqual(['node-a1', 'node-a2', 'node-b1']);
      expect(nodes[0].name).toBe('node-a1');
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('refuses bad parameters with 400', async () => {
    for (const query of ['from=2&to=1', 'to=1', 'from=0&to=1&by=rack', 'from=0&to=1&extra=1']) {
      const res = await fetch(`${duck.url}/api/v1/health/hierarchy?${query}`, {
        headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
      });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });
});
