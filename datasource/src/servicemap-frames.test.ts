import { NodeGraphDataFrameFieldNames } from '@grafana/data';
import { SERVICE_MAP_FRAMES, type ServiceMapResponse } from '@osprey/model';

import { focusServiceMap, serviceMapToFrames } from './servicemap-frames';
import { EDGE_PANEL_FIELDS, NODE_PANEL_FIELDS } from './panel-contracts.fixture';

const ds = { uid: 'osprey-uid', type: 'osprey-apm-datasource' };

const values = (frame: { fields: Array<{ name: string; values: unknown[] }> }) =>
  Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));

describe('serviceMapToFrames', () => {
  const map: ServiceMapResponse = {
    from: 0,
    to: 10_000,
    apdexT: 250,
    nodes: [
      { id: 'frontend', type: 'service', name: 'frontend', transactions: 100, errors: 10, p95: 80, apdex: 0.875 },
      { id: 'orders', type: 'service', name: 'orders', transactions: 50, errors: 0, p95: 30, apdex: 1 },
      { id: 'db:postgresql:shop', type: 'database', name: 'shop', dbSystem: 'postgresql', transactions: 0, errors: 0 },
    ],
    edges: [
      {
        id: 'frontend->orders',
        source: 'frontend',
        target: 'orders',
        calls: 50,
        errors: 0,
        rate: 5,
        p50: 10,
        p95: 25,
        p99: 40,
      },
      {
        id: 'orders->db:postgresql:shop',
        source: 'orders',
        target: 'db:postgresql:shop',
        calls: 200,
        errors: 20,
        rate: 20,
        p50: 1,
        p95: 3,
        p99: 8,
      },
    ],
  };
  const [nodes, edges] = serviceMapToFrames('M', map, ds);

  it('names the frames nodes and edges for the Node Graph panel', () => {
    expect([nodes.name, edges.name]).toEqual(['nodes', 'edges']);
    expect(nodes.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(edges.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect([nodes.refId, edges.refId]).toEqual(['M', 'M']);
  });

  it('has the node fields the panel reads', () => {
    expect(nodes.fields.map((f) => [f.name, f.type])).toEqual(NODE_PANEL_FIELDS);
  });

  it('has the edge fields the panel reads', () => {
    expect(edges.fields.map((f) => [f.name, f.type])).toEqual(EDGE_PANEL_FIELDS);
  });

  it('fills node stats: own transactions for services, inbound calls for databases', () => {
    expect(values(nodes)).toEqual({
      id: ['frontend', 'orders', 'db:postgresql:shop'],
      title: ['frontend', 'orders', 'shop'],
      subtitle: ['service', 'service', 'postgresql'],
      mainstat: [10, 5, 20],
      secondarystat: [80, 30, null],
      arc__success: [0.9, 1, 0.9],
      arc__errors: [0.1, 0, 0.1],
      detail__type: ['service', 'service', 'database'],
      detail__requests: [100, 50, 200],
      detail__rate: [10, 5, 20],
      detail__errorRatio: [0.1, 0, 0.1],
      detail__p95: [80, 30, null],
      detail__apdex: [0.875, 1, null],
      detail__errors: [10, 0, 20],
    });
  });

  it('names the Apdex field by the T it was computed at', () => {
    const apdex = nodes.fields.find((f) => f.name === SERVICE_MAP_FRAMES.nodes.fields.apdex)!;
    expect(apdex.config).toMatchObject({ displayName: 'Apdex (T = 250 ms)', unit: 'percentunit', min: 0, max: 1 });
  });

  it('spells Grafana’s Node Graph field names as the model does', () => {
    const N = SERVICE_MAP_FRAMES.nodes.fields;
    const E = SERVICE_MAP_FRAMES.edges.fields;
    expect([N.id, N.title, N.subtitle, N.mainStat, N.secondaryStat]).toEqual([
      NodeGraphDataFrameFieldNames.id,
      NodeGraphDataFrameFieldNames.title,
      NodeGraphDataFrameFieldNames.subTitle,
      NodeGraphDataFrameFieldNames.mainStat,
      NodeGraphDataFrameFieldNames.secondaryStat,
    ]);
    expect([E.source, E.target]).toEqual([NodeGraphDataFrameFieldNames.source, NodeGraphDataFrameFieldNames.target]);
    const prefixed = [N.arcSuccess, N.arcErrors, ...Object.values(N).filter((name) => name.includes('__'))];
    expect(
      prefixed.every(
        (name) =>
          name.startsWith(NodeGraphDataFrameFieldNames.arc) || name.startsWith(NodeGraphDataFrameFieldNames.detail)
      )
    ).toBe(true);
  });

  it('arcs of a node add up to 1, or are both 0 for a node without traffic', () => {
    const [idle] = serviceMapToFrames('M', { ...map, nodes: [{ ...map.nodes[2], id: 'ext:x' }], edges: [] }, ds);
    expect(values(idle).arc__success).toEqual([0]);
    expect(values(idle).arc__errors).toEqual([0]);
  });

  it('colours the arcs and links nodes to the service RED query', () => {
    const config = Object.fromEntries(nodes.fields.map((f) => [f.name, f.config]));
    expect(config.arc__success.color).toEqual({ mode: 'fixed', fixedColor: 'green' });
    expect(config.arc__errors.color).toEqual({ mode: 'fixed', fixedColor: 'red' });
    expect(config.id.links?.[0].internal).toMatchObject({
      datasourceUid: 'osprey-uid',
      query: { queryType: 'red', service: '${__data.fields.id}', groupBy: 'endpoint' },
    });
  });

  it('fills edge stats', () => {
    expect(values(edges)).toEqual({
      id: ['frontend->orders', 'orders->db:postgresql:shop'],
      source: ['frontend', 'orders'],
      target: ['orders', 'db:postgresql:shop'],
      mainstat: [5, 20],
      secondarystat: [25, 3],
      detail__calls: [50, 200],
      detail__errors: [0, 20],
      detail__rate: [5, 20],
      detail__errorRatio: [0, 0.1],
      detail__p50: [10, 1],
      detail__p95: [25, 3],
      detail__p99: [40, 8],
    });
  });
});

describe('focusServiceMap', () => {
  const node = (id: string) => ({ id, type: 'service' as const, name: id, transactions: 1, errors: 0 });
  const edge = (source: string, target: string) => ({
    id: `${source}->${target}`,
    source,
    target,
    calls: 1,
    errors: 0,
    rate: 1,
    p50: 1,
    p95: 1,
    p99: 1,
  });
  const map: ServiceMapResponse = {
    from: 0,
    to: 1,
    apdexT: 500,
    nodes: ['a', 'b', 'c', 'd'].map(node),
    edges: [edge('a', 'b'), edge('b', 'c'), edge('c', 'd')],
  };
  it.each([
    ['no filter keeps the whole map', undefined, ['a', 'b', 'c', 'd'], ['a->b', 'b->c', 'c->d']],
    ['a service with its callers and callees', ['b'], ['a', 'b', 'c'], ['a->b', 'b->c']],
    ['several services', ['a', 'd'], ['a', 'b', 'c', 'd'], ['a->b', 'c->d']],
    ['an unknown service gives an empty map', ['x'], [], []],
  ])('%s', (_name, services, nodes, edges) => {
    const focused = focusServiceMap(map, services);
    expect(focused.nodes.map((n) => n.id)).toEqual(nodes);
    expect(focused.edges.map((e) => e.id)).toEqual(edges);
  });
});
