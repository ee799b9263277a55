import { graphlib, layout } from '@dagrejs/dagre';

import type { MapEdge, MapGraph, MapNode } from './graph';
import type { NodeKind, TraceMapOptions } from './types';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A node with its box in layout units (top-left corner). */
export type PlacedNode = MapNode & Box;

export interface Point {
  x: number;
  y: number;
}

export interface PlacedEdge extends MapEdge {
  points: Point[];
  /** Centre of the label slot dagre kept free for this edge, when labels are laid out. */
  label?: Point;
}

export interface MapLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Node box sizes by shape; a group is drawn as a stack, so it gets a few more units for the offset copy. */
export const NODE_SIZE: Record<NodeKind, { width: number; height: number }> = {
  service: { width: 168, height: 44 },
  database: { width: 140, height: 52 },
  external: { width: 150, height: 44 },
};
export const GROUP_OFFSET = 5;
export const EDGE_LABEL_SIZE = { width: 150, height: 14 };
/** Above this many nodes dagre keeps its first crossing-reduction pass (see layoutGraph). */
export const LARGE_GRAPH_NODES = 250;

export function nodeSize(n: Pick<MapNode, 'kind' | 'group'>): { width: number; height: number } {
  const base = NODE_SIZE[n.kind];
  return n.group ? { width: base.width + GROUP_OFFSET, height: base.height + GROUP_OFFSET } : base;
}

/**
 * Layered layout by dagre (network-simplex ranking, crossing reduction, Brandes–Köpf placement): callers
 * before callees along `direction`. With `edgeLabels`, dagre keeps a slot for every edge label too, so
 * labels do not sit on nodes.
 */
export function layoutGraph(
  graph: Pick<MapGraph, 'nodes' | 'edges'>,
  direction: TraceMapOptions['direction'] = 'LR',
  edgeLabels = true
): MapLayout {
  const g = new graphlib.Graph({ multigraph: false, directed: true });
  // tight-tree ranks ~5× faster than network-simplex on a 300-service map at nearly the same quality.
  g.setGraph({
    rankdir: direction,
    ranker: 'tight-tree',
    nodesep: 18,
    ranksep: 70,
    edgesep: 10,
    marginx: 16,
    marginy: 16,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    g.setNode(n.id, { ...nodeSize(n) });
  }
  for (const e of graph.edges) {
    g.setEdge(e.source, e.target, edgeLabels ? { ...EDGE_LABEL_SIZE, labelpos: 'c' } : {});
  }
  // The crossing-reduction sweeps grow with nodes × layers; past a few hundred nodes they cost seconds
  // of a frozen panel for a map that is read zoomed in anyway.
  layout(g, { disableOptimalOrderHeuristic: graph.nodes.length > LARGE_GRAPH_NODES });
  const nodes = graph.nodes.map((n): PlacedNode => {
    const { x, y, width, height } = g.node(n.id);
    return { ...n, x: x - width / 2, y: y - height / 2, width, height };
  });
  const edges = graph.edges.map((e): PlacedEdge => {
    const laid = g.edge(e.source, e.target);
    return {
      ...e,
      points: laid.points.map((p: Point) => ({ x: p.x, y: p.y })),
      label: edgeLabels && laid.x !== undefined ? { x: laid.x, y: laid.y } : undefined,
    };
  });
  const { width = 0, height = 0 } = g.graph();
  return { nodes, edges, width, height };
}

/** Pairs of boxes that overlap by more than `tolerance` units on both axes (what the layout must never produce). */
export function overlappingPairs(boxes: Array<Box & { id: string }>, tolerance = 0.5): Array<[string, string]> {
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length && sorted[j].x < a.x + a.width - tolerance; j++) {
      const b = sorted[j];
      const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (dy > tolerance) {
        pairs.push([a.id, b.id]);
      }
    }
  }
  return pairs;
}
