import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';

import { isEdgesFrame, isNodesFrame, readGraph } from './graph';
import { generateTopology, topologyFrames } from './testTopology';

const nodesFrame = (fields: Record<string, unknown[]>): DataFrame =>
  toDataFrame({ name: 'nodes', fields: Object.entries(fields).map(([name, values]) => ({ name, values })) });
const edgesFrame = nodesFrame;

describe('frame kinds', () => {
  it.each([
    ['nodes frame', { id: ['a'], title: ['A'] }, true, false],
    ['edges frame', { id: ['a->b'], source: ['a'], target: ['b'] }, false, true],
    ['a time series', { time: [1], value: [2] }, false, false],
  ])('%s', (_name, fields, nodes, edges) => {
    const frame = nodesFrame(fields);
    expect(isNodesFrame(frame)).toBe(nodes);
    expect(isEdgesFrame(frame)).toBe(edges);
  });

  it('does not take a numeric id column for a nodes frame', () => {
    const frame = toDataFrame({ fields: [{ name: 'id', type: FieldType.number, values: [1] }] });
    expect(isNodesFrame(frame)).toBe(false);
  });
});

describe('readGraph', () => {
  it('is undefined without node graph frames', () => {
    expect(readGraph([nodesFrame({ time: [1], value: [1] })])).toBeUndefined();
  });

  it('reads kinds, ratios, p95 and rate from the documented fields', () => {
    const graph = readGraph([
      nodesFrame({
        id: ['shop', 'db:postgresql:orders', 'ext:pay.example.com:443', 'odd'],
        title: ['shop', 'orders', 'pay.example.com', 'odd'],
        subtitle: [null, 'postgresql', null, null],
        detail__type: ['service', 'database', 'external', 'queue'],
        detail__errorRatio: [0.02, null, null, null],
        detail__p95: [120, null, null, null],
        detail__rate: [3.5, null, null, null],
      }),
      edgesFrame({
        id: ['e1', 'e2'],
        source: ['shop', 'shop'],
        target: ['db:postgresql:orders', 'ext:pay.example.com:443'],
        detail__calls: [200, 10],
        detail__errors: [4, 0],
        detail__p95: [8, 300],
      }),
    ])!;
    expect(graph.nodes.map((n) => [n.id, n.kind, n.subtitle])).toEqual([
      ['shop', 'service', undefined],
      ['db:postgresql:orders', 'database', 'postgresql'],
      ['ext:pay.example.com:443', 'external', undefined],
      // An unknown kind is drawn as a service rather than dropped.
      ['odd', 'service', undefined],
    ]);
    expect(graph.nodes[0]).toMatchObject({ errorRatio: 0.02, p95: 120, rate: 3.5, row: 0 });
    // A database has no transactions of its own: its ratio is the share of failed calls into it.
    expect(graph.nodes[1].errorRatio).toBeCloseTo(0.02);
    expect(graph.nodes[2].errorRatio).toBe(0);
    expect(graph.nodes[3].errorRatio).toBeUndefined();
    expect(graph.edges[0]).toMatchObject({ id: 'e1', calls: 200, errors: 4, errorRatio: 0.02, p95: 8 });
  });

  it('falls back to arc__failed (Tempo service graph) when detail__errorRatio is absent', () => {
    const graph = readGraph([nodesFrame({ id: ['a'], arc__failed: [0.3], arc__success: [0.7] })])!;
    expect(graph.nodes[0].errorRatio).toBe(0.3);
  });

  it('makes services of nodes only the edges name, and drops self-calls', () => {
    const graph = readGraph([edgesFrame({ id: ['1', '2'], source: ['a', 'b'], target: ['b', 'b'] })])!;
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['a', 'service'],
      ['b', 'service'],
    ]);
    expect(graph.edges.map((e) => e.id)).toEqual(['1']);
    expect(graph.nodesFrame).toBeUndefined();
  });

  it('reads the generated frames whole', () => {
    const topology = generateTopology({ services: 40 });
    const graph = readGraph(topologyFrames(topology).map((f) => toDataFrame(f)))!;
    expect(graph.nodes).toHaveLength(topology.nodes.length);
    expect(graph.edges).toHaveLength(topology.edges.length);
    expect(new Set(graph.nodes.map((n) => n.kind))).toEqual(new Set(['service', 'database', 'external']));
  });
});
