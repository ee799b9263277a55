import { toDataFrame } from '@grafana/data';

import { readGraph } from './graph';
import { groupLeaves } from './grouping';
import { EDGE_LABEL_SIZE, LARGE_GRAPH_NODES, layoutGraph, nodeSize, overlappingPairs } from './layout';
import { generateTopology, topologyFrames } from './testTopology';

describe('overlappingPairs', () => {
  const box = (id: string, x: number, y: number, width = 10, height = 10) => ({ id, x, y, width, height });
  it.each([
    ['apart', [box('a', 0, 0), box('b', 20, 0)], []],
    ['touching edges', [box('a', 0, 0), box('b', 10, 0), box('c', 0, 10)], []],
    ['overlapping', [box('a', 0, 0), box('b', 5, 5)], [['a', 'b']]],
    ['one inside another', [box('big', 0, 0, 100, 100), box('small', 40, 40)], [['big', 'small']]],
    ['same x, apart in y', [box('a', 0, 0), box('b', 0, 30)], []],
  ])('%s', (_name, boxes, pairs) => {
    expect(overlappingPairs(boxes)).toEqual(pairs);
  });
});

describe('layoutGraph on a generated 300-service topology', () => {
  const topology = generateTopology({ services: 300, failing: ['payments.svc-041'] });
  const graph = groupLeaves(readGraph(topologyFrames(topology).map((f) => toDataFrame(f)))!);
  const laid = layoutGraph(graph, 'LR', true);

  it('places every node once, with its shape’s size', () => {
    expect(graph.nodes.filter((n) => n.kind === 'service')).toHaveLength(300);
    expect(laid.nodes).toHaveLength(graph.nodes.length);
    for (const n of laid.nodes) {
      expect(n).toMatchObject(nodeSize(n));
      expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
    }
  });

  it('has no overlapping node boxes', () => {
    expect(overlappingPairs(laid.nodes)).toEqual([]);
  });

  it('keeps edge label slots off the nodes', () => {
    const labels = laid.edges.map((e) => ({
      id: `label ${e.id}`,
      x: e.label!.x - EDGE_LABEL_SIZE.width / 2,
      y: e.label!.y - EDGE_LABEL_SIZE.height / 2,
      ...EDGE_LABEL_SIZE,
    }));
    const pairs = overlappingPairs([...laid.nodes, ...labels]).filter(
      ([a, b]) => a.startsWith('label ') !== b.startsWith('label ')
    );
    expect(pairs).toEqual([]);
  });

  it('puts callers before callees (left to right) and keeps everything inside the reported size', () => {
    const at = new Map(laid.nodes.map((n) => [n.id, n]));
    for (const e of laid.edges) {
      expect(at.get(e.source)!.x + at.get(e.source)!.width).toBeLessThan(at.get(e.target)!.x);
      expect(e.points.length).toBeGreaterThanOrEqual(2);
    }
    for (const n of laid.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(laid.width);
      expect(n.y + n.height).toBeLessThanOrEqual(laid.height);
    }
  });

  it('lays out top to bottom on request, also without overlaps (60 services, full crossing reduction)', () => {
    const small = groupLeaves(
      readGraph(topologyFrames(generateTopology({ services: 60 })).map((f) => toDataFrame(f)))!
    );
    expect(small.nodes.length).toBeLessThanOrEqual(LARGE_GRAPH_NODES);
    const tb = layoutGraph(small, 'TB', false);
    const at = new Map(tb.nodes.map((n) => [n.id, n]));
    for (const e of tb.edges) {
      expect(at.get(e.source)!.y + at.get(e.source)!.height).toBeLessThan(at.get(e.target)!.y);
      expect(e.label).toBeUndefined();
    }
    expect(overlappingPairs(tb.nodes)).toEqual([]);
  });
});
