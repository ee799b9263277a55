/**
 * A generated service topology as the Node Graph frames the Osprey datasource returns, for the unit,
 * component and browser tests. Deterministic (seeded), so a test can name the nodes it looks for.
 */
import type { DataFrameDTO, FieldType } from '@grafana/data';

import type { NodeKind } from './types';

export interface TopologyNode {
  id: string;
  title: string;
  subtitle?: string;
  type: NodeKind;
  errorRatio?: number;
  p95?: number;
  rate?: number;
  apdex?: number;
}

export interface TopologyEdge {
  source: string;
  target: string;
  calls: number;
  errors: number;
  rate: number;
  p95: number;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

export interface TopologySpec {
  services: number;
  /** Tiers the services are split into; a service calls into the next tier. */
  tiers?: number;
  seed?: number;
  /** Services drawn as failing: error ratio 25 %. */
  failing?: string[];
  namespaces?: string[];
}

const NAMESPACES = ['shop', 'payments', 'search', 'users', 'shipping', 'catalog', 'ads', 'billing'];

/** mulberry32: a small seeded PRNG, so the topology is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Service name `i`: `<namespace>.svc-<i>`, namespaces taken round-robin. */
export function serviceName(i: number, namespaces = NAMESPACES): string {
  return `${namespaces[i % namespaces.length]}.svc-${String(i).padStart(3, '0')}`;
}

/**
 * `services` services in `tiers` tiers, each calling one to three services of the next tier, most
 * with private databases and external peers (leaves) and a few databases shared between services.
 */
export function generateTopology(spec: TopologySpec): Topology {
  const { services, tiers = 5, seed = 7, failing = [], namespaces = NAMESPACES } = spec;
  const rnd = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const edge = (source: string, target: string, errorShare = rnd() * 0.004) => {
    const calls = 600 + Math.floor(rnd() * 60_000);
    edges.push({
      source,
      target,
      calls,
      errors: Math.round(calls * errorShare),
      rate: calls / 3600,
      p95: 2 + rnd() * 400,
    });
  };
  const names = Array.from({ length: services }, (_, i) => serviceName(i, namespaces));
  const tierOf = (i: number) => Math.floor((i * tiers) / services);
  for (let i = 0; i < services; i++) {
    const fails = failing.includes(names[i]);
    nodes.push({
      id: names[i],
      title: names[i],
      subtitle: `tier ${tierOf(i) + 1}`,
      type: 'service',
      errorRatio: fails ? 0.25 : rnd() * 0.004,
      p95: 5 + rnd() * 300,
      rate: 1 + rnd() * 50,
    });
  }
  const byTier = Array.from({ length: tiers }, (_, t) => names.filter((_n, i) => tierOf(i) === t));
  for (let i = 0; i < services; i++) {
    const next = byTier[tierOf(i) + 1];
    if (next?.length) {
      const callees = new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(next)));
      for (const callee of callees) {
        edge(names[i], callee, failing.includes(callee) ? 0.25 : undefined);
      }
    }
  }
  const shared = Array.from({ length: Math.max(1, Math.floor(services / 30)) }, (_, k) => `db:postgresql:shared-${k}`);
  for (const id of shared) {
    nodes.push({ id, title: id.split(':')[2], subtitle: 'postgresql', type: 'database' });
  }
  for (let i = 0; i < services; i++) {
    const dbs = Math.floor(rnd() * 4);
    for (let d = 0; d < dbs; d++) {
      const system = pick(['postgresql', 'redis', 'mysql', 'mongodb']);
      const id = `db:${system}:${names[i]}-${d}`;
      nodes.push({ id, title: `${names[i]}-${system}-${d}`, subtitle: system, type: 'database' });
      edge(names[i], id);
    }
    const exts = rnd() < 0.3 ? 1 + Math.floor(rnd() * 2) : 0;
    for (let x = 0; x < exts; x++) {
      const id = `ext:api-${i}-${x}.example.com:443`;
      nodes.push({ id, title: `api-${i}-${x}.example.com`, subtitle: 'external', type: 'external' });
      edge(names[i], id);
    }
    if (rnd() < 0.2) {
      edge(names[i], pick(shared));
    }
  }
  return { nodes, edges };
}

const str = 'string' as FieldType;
const num = 'number' as FieldType;

/** The topology as the two Node Graph frames (field names of README.md / types.ts). */
export function topologyFrames({ nodes, edges }: Topology): DataFrameDTO[] {
  const col = <T>(pick: (n: T) => unknown, list: T[]) => list.map((n) => pick(n) ?? null);
  return [
    {
      name: 'nodes',
      refId: 'A',
      meta: { preferredVisualisationType: 'nodeGraph' },
      fields: [
        { name: 'id', type: str, values: col((n) => n.id, nodes) },
        { name: 'title', type: str, values: col((n) => n.title, nodes) },
        { name: 'subtitle', type: str, values: col((n) => n.subtitle, nodes) },
        { name: 'mainstat', type: num, values: col((n) => n.rate, nodes), config: { unit: 'reqps' } },
        { name: 'secondarystat', type: num, values: col((n) => n.p95, nodes), config: { unit: 'ms' } },
        {
          name: 'arc__errors',
          type: num,
          values: col((n) => n.errorRatio, nodes),
          config: { color: { mode: 'fixed', fixedColor: 'red' } },
        },
        {
          name: 'arc__ok',
          type: num,
          values: col((n) => (n.errorRatio === undefined ? undefined : 1 - n.errorRatio), nodes),
          config: { color: { mode: 'fixed', fixedColor: 'green' } },
        },
        { name: 'detail__type', type: str, values: col((n) => n.type, nodes) },
        { name: 'detail__errorRatio', type: num, values: col((n) => n.errorRatio, nodes) },
        { name: 'detail__p95', type: num, values: col((n) => n.p95, nodes), config: { unit: 'ms' } },
        { name: 'detail__rate', type: num, values: col((n) => n.rate, nodes), config: { unit: 'reqps' } },
        { name: 'detail__apdex', type: num, values: col((n) => n.apdex, nodes) },
      ],
    },
    {
      name: 'edges',
      refId: 'A',
      meta: { preferredVisualisationType: 'nodeGraph' },
      fields: [
        { name: 'id', type: str, values: edges.map((e) => `${e.source}->${e.target}`) },
        { name: 'source', type: str, values: edges.map((e) => e.source) },
        { name: 'target', type: str, values: edges.map((e) => e.target) },
        { name: 'mainstat', type: num, values: edges.map((e) => e.rate), config: { unit: 'reqps' } },
        { name: 'secondarystat', type: num, values: edges.map((e) => e.p95), config: { unit: 'ms' } },
        { name: 'detail__calls', type: num, values: edges.map((e) => e.calls) },
        { name: 'detail__errors', type: num, values: edges.map((e) => e.errors) },
        { name: 'detail__rate', type: num, values: edges.map((e) => e.rate), config: { unit: 'reqps' } },
        { name: 'detail__errorRatio', type: num, values: edges.map((e) => (e.calls ? e.errors / e.calls : 0)) },
        { name: 'detail__p95', type: num, values: edges.map((e) => e.p95), config: { unit: 'ms' } },
      ],
    },
  ];
}
