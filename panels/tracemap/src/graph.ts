import { FieldType, type DataFrame, type Field } from '@grafana/data';

import { EDGE_FIELDS, NODE_FIELDS, type NodeKind } from './types';

export interface MapNode {
  id: string;
  name: string;
  subtitle?: string;
  kind: NodeKind;
  /** 0..1; for a group, its worst member's. */
  errorRatio?: number;
  /** ms; for a group, its slowest member's. */
  p95?: number;
  /** Transactions per second (services). */
  rate?: number;
  /** Apdex 0..1 (services); for a group, its worst member's. */
  apdex?: number;
  /** Row of this node in the nodes frame, for its data links; groups have none. */
  row?: number;
  /** Set on group nodes: what they stand for. */
  group?: { by: 'leaves' | 'namespace'; key: string; members: string[] };
}

export interface MapEdge {
  id: string;
  source: string;
  target: string;
  calls?: number;
  errors?: number;
  rate?: number;
  /** 0..1 */
  errorRatio?: number;
  /** ms; for merged edges, the largest. */
  p95?: number;
}

export interface MapGraph {
  nodes: MapNode[];
  edges: MapEdge[];
  /** The frame the nodes came from, for data links; absent when nodes were made up from edges alone. */
  nodesFrame?: DataFrame;
}

const KINDS: ReadonlySet<string> = new Set<NodeKind>(['service', 'database', 'external']);

const fieldOf = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);

function numberAt(field: Field | undefined, row: number): number | undefined {
  const v = field?.values[row];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function stringAt(field: Field | undefined, row: number): string | undefined {
  const v = field?.values[row];
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** Node Graph frames are told apart by their fields, as Grafana's node graph does: edges have source and target. */
export function isEdgesFrame(frame: DataFrame): boolean {
  return Boolean(fieldOf(frame, EDGE_FIELDS.source) && fieldOf(frame, EDGE_FIELDS.target));
}

export function isNodesFrame(frame: DataFrame): boolean {
  const id = fieldOf(frame, NODE_FIELDS.id);
  return Boolean(id && id.type !== FieldType.number && !isEdgesFrame(frame));
}

function readNodes(frame: DataFrame): MapNode[] {
  const id = fieldOf(frame, NODE_FIELDS.id)!;
  const title = fieldOf(frame, NODE_FIELDS.title);
  const subtitle = fieldOf(frame, NODE_FIELDS.subtitle);
  const type = fieldOf(frame, NODE_FIELDS.type);
  const errorRatio = fieldOf(frame, NODE_FIELDS.errorRatio);
  const arcErrors = NODE_FIELDS.arcErrors.map((n) => fieldOf(frame, n)).find(Boolean);
  const p95 = fieldOf(frame, NODE_FIELDS.p95);
  const rate = fieldOf(frame, NODE_FIELDS.rate);
  const apdex = fieldOf(frame, NODE_FIELDS.apdex);
  const nodes: MapNode[] = [];
  for (let row = 0; row < frame.length; row++) {
    const nodeId = stringAt(id, row);
    if (!nodeId) {
      continue;
    }
    const kind = stringAt(type, row);
    nodes.push({
      id: nodeId,
      name: stringAt(title, row) ?? nodeId,
      subtitle: stringAt(subtitle, row),
      kind: kind && KINDS.has(kind) ? (kind as NodeKind) : 'service',
      errorRatio: numberAt(errorRatio, row) ?? numberAt(arcErrors, row),
      p95: numberAt(p95, row),
      rate: numberAt(rate, row),
      apdex: numberAt(apdex, row),
      row,
    });
  }
  return nodes;
}

function readEdges(frame: DataFrame): MapEdge[] {
  const f = (name: string) => fieldOf(frame, name);
  const [id, source, target] = [f(EDGE_FIELDS.id), f(EDGE_FIELDS.source), f(EDGE_FIELDS.target)];
  const [calls, errors, rate] = [f(EDGE_FIELDS.calls), f(EDGE_FIELDS.errors), f(EDGE_FIELDS.rate)];
  const [errorRatio, p95] = [f(EDGE_FIELDS.errorRatio), f(EDGE_FIELDS.p95)];
  const edges: MapEdge[] = [];
  for (let row = 0; row < frame.length; row++) {
    const s = stringAt(source, row);
    const t = stringAt(target, row);
    if (!s || !t) {
      continue;
    }
    const c = numberAt(calls, row);
    const e = numberAt(errors, row);
    edges.push({
      id: stringAt(id, row) ?? `${s}->${t}`,
      source: s,
      target: t,
      calls: c,
      errors: e,
      rate: numberAt(rate, row),
      errorRatio: numberAt(errorRatio, row) ?? (c && e !== undefined ? e / c : undefined),
      p95: numberAt(p95, row),
    });
  }
  return edges;
}

/** Share of failed calls into a node, from the edges that reach it (databases and externals have no own transactions). */
function incomingErrorRatio(edges: MapEdge[]): number | undefined {
  let calls = 0;
  let errors = 0;
  let worst: number | undefined;
  for (const e of edges) {
    if (e.calls !== undefined && e.errors !== undefined) {
      calls += e.calls;
      errors += e.errors;
    } else if (e.errorRatio !== undefined) {
      worst = Math.max(worst ?? 0, e.errorRatio);
    }
  }
  if (calls > 0) {
    return Math.max(errors / calls, worst ?? 0);
  }
  return worst;
}

/**
 * Reads the Node Graph frames of a query into the graph the panel draws. Nodes only named by edges
 * become services (as in Grafana's node graph); a node without its own error ratio takes the share of
 * failed calls into it. Undefined when the data holds no node graph frames.
 */
export function readGraph(series: DataFrame[]): MapGraph | undefined {
  const nodesFrame = series.find(isNodesFrame);
  const edgesFrame = series.find(isEdgesFrame);
  if (!nodesFrame && !edgesFrame) {
    return undefined;
  }
  const nodes = nodesFrame ? readNodes(nodesFrame) : [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = (edgesFrame ? readEdges(edgesFrame) : []).filter((e) => e.source !== e.target);
  for (const e of edges) {
    for (const end of [e.source, e.target]) {
      if (!byId.has(end)) {
        const made: MapNode = { id: end, name: end, kind: 'service' };
        byId.set(end, made);
        nodes.push(made);
      }
    }
  }
  const incoming = new Map<string, MapEdge[]>();
  for (const e of edges) {
    const list = incoming.get(e.target);
    if (list) {
      list.push(e);
    } else {
      incoming.set(e.target, [e]);
    }
  }
  for (const n of nodes) {
    if (n.errorRatio === undefined) {
      n.errorRatio = incomingErrorRatio(incoming.get(n.id) ?? []);
    }
  }
  return { nodes, edges, nodesFrame };
}
