import type { MapEdge, MapGraph, MapNode } from './graph';
import type { NodeKind } from './types';

const KIND_PLURAL: Record<NodeKind, string> = { service: 'services', database: 'databases', external: 'externals' };

const maxOf = (values: Array<number | undefined>): number | undefined =>
  values.reduce<number | undefined>((m, v) => (v === undefined ? m : Math.max(m ?? v, v)), undefined);

const minOf = (values: Array<number | undefined>): number | undefined =>
  values.reduce<number | undefined>((m, v) => (v === undefined ? m : Math.min(m ?? v, v)), undefined);

const sumOf = (values: Array<number | undefined>): number | undefined =>
  values.some((v) => v !== undefined) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : undefined;

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * Re-points edges through `mapId` and merges the ones that then join the same two nodes: counts and
 * rates add up; the error ratio is recomputed from counts when all have them; p95 cannot be combined
 * from percentiles, so the merged edge shows the largest. Edges that end up inside one node vanish.
 */
export function mergeEdges(edges: MapEdge[], mapId: (id: string) => string): MapEdge[] {
  const merged = new Map<string, MapEdge[]>();
  for (const e of edges) {
    const source = mapId(e.source);
    const target = mapId(e.target);
    if (source !== target) {
      const moved =
        source === e.source && target === e.target ? e : { ...e, id: `${source}->${target}`, source, target };
      pushTo(merged, `${source}->${target}`, moved);
    }
  }
  return [...merged.entries()].map(([key, list]) => {
    if (list.length === 1) {
      return list[0];
    }
    const calls = sumOf(list.map((e) => e.calls));
    const errors = sumOf(list.map((e) => e.errors));
    const countsKnown = list.every((e) => e.calls !== undefined && e.errors !== undefined);
    return {
      id: key,
      source: list[0].source,
      target: list[0].target,
      calls,
      errors,
      rate: sumOf(list.map((e) => e.rate)),
      errorRatio: countsKnown && calls ? errors! / calls : maxOf(list.map((e) => e.errorRatio)),
      p95: maxOf(list.map((e) => e.p95)),
    };
  });
}

function groupNode(
  id: string,
  kind: NodeKind,
  name: string,
  members: MapNode[],
  by: 'leaves' | 'namespace',
  key: string
): MapNode {
  return {
    id,
    name,
    subtitle: `${members.length} ${KIND_PLURAL[kind]}`,
    kind,
    errorRatio: maxOf(members.map((m) => m.errorRatio)),
    p95: maxOf(members.map((m) => m.p95)),
    rate: sumOf(members.map((m) => m.rate)),
    apdex: minOf(members.map((m) => m.apdex)),
    group: { by, key, members: members.map((m) => m.id) },
  };
}

function replaceNodes(graph: MapGraph, groups: Map<string, MapNode>, memberOf: Map<string, string>): MapGraph {
  const nodes = graph.nodes.filter((n) => !memberOf.has(n.id)).concat([...groups.values()]);
  const edges = mergeEdges(graph.edges, (id) => memberOf.get(id) ?? id);
  return { ...graph, nodes, edges };
}

/**
 * Folds, per calling node, its leaf databases and externals (no outgoing edges, no other caller)
 * into one node per kind, when there are at least `min` of them: a service with twelve caches and
 * queues then takes one slot in its layer instead of twelve.
 */
export function groupLeaves(graph: MapGraph, min = 2): MapGraph {
  const outgoing = new Set(graph.edges.map((e) => e.source));
  const callers = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    callers.set(e.target, (callers.get(e.target) ?? new Set()).add(e.source));
  }
  const buckets = new Map<string, MapNode[]>();
  for (const n of graph.nodes) {
    const from = callers.get(n.id);
    if (n.kind === 'service' || n.group || outgoing.has(n.id) || from?.size !== 1) {
      continue;
    }
    const key = `${[...from][0]}\u0000${n.kind}`;
    pushTo(buckets, key, n);
  }
  const groups = new Map<string, MapNode>();
  const memberOf = new Map<string, string>();
  for (const [key, members] of buckets) {
    if (members.length < min) {
      continue;
    }
    const [caller, kind] = key.split('\u0000') as [string, NodeKind];
    const id = `group:${caller}:${kind}`;
    groups.set(id, groupNode(id, kind, `${members.length} ${KIND_PLURAL[kind]}`, members, 'leaves', caller));
    for (const m of members) {
      memberOf.set(m.id, id);
    }
  }
  return groups.size ? replaceNodes(graph, groups, memberOf) : graph;
}

/** The namespace of a service name: what comes before the first separator, if there is one. */
export function namespaceOf(name: string, separator: string): string | undefined {
  const at = separator ? name.indexOf(separator) : -1;
  return at > 0 ? name.slice(0, at) : undefined;
}

/**
 * Collapses the services of each namespace (name prefix before `separator`) into one node, except
 * the namespaces in `expanded`. A namespace of one service stays as it is.
 */
export function collapseNamespaces(graph: MapGraph, separator: string, expanded: ReadonlySet<string>): MapGraph {
  const buckets = new Map<string, MapNode[]>();
  for (const n of graph.nodes) {
    const ns = n.kind === 'service' && !n.group ? namespaceOf(n.name, separator) : undefined;
    if (ns !== undefined && !expanded.has(ns)) {
      pushTo(buckets, ns, n);
    }
  }
  const groups = new Map<string, MapNode>();
  const memberOf = new Map<string, string>();
  for (const [ns, members] of buckets) {
    if (members.length < 2) {
      continue;
    }
    const id = `namespace:${ns}`;
    groups.set(id, groupNode(id, 'service', `${ns}${separator}*`, members, 'namespace', ns));
    for (const m of members) {
      memberOf.set(m.id, id);
    }
  }
  return groups.size ? replaceNodes(graph, groups, memberOf) : graph;
}
