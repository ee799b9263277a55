import { FieldType, NodeGraphDataFrameFieldNames } from '@grafana/data';
import {
  type ActiveResponse,
  type RedResponse,
  SERVICE_MAP_FRAMES,
  type ServiceMapResponse,
  type Trace,
} from '@osprey/model';

import {
  activeToFrame,
  densityToFrame,
  fillSteps,
  focusServiceMap,
  listToFrame,
  nanosToMillis,
  redToFrames,
  serviceMapToFrames,
  traceToFrame,
} from './frames';
import { EDGE_PANEL_FIELDS, NODE_PANEL_FIELDS, TRACE_PANEL_FIELDS } from './panel-contracts.fixture';

const ds = { uid: 'osprey-uid', type: 'osprey-apm-datasource' };

describe('nanosToMillis', () => {
  it.each([
    ['1763800000123456789', 1_763_800_000_123.456],
    ['1500000', 1.5],
    ['999', 0],
  ])('%p ns → %p ms', (ns, ms) => {
    expect(nanosToMillis(ns)).toBe(ms);
  });
});

describe('traceToFrame', () => {
  const trace: Trace = {
    traceId: 't1',
    spans: [
      {
        traceId: 't1',
        spanId: 's1',
        name: 'GET /orders',
        kind: 'server',
        startTimeUnixNano: '1763800000000000000',
        durationNano: '25000000',
        status: 'error',
        service: 'orders',
        resource: { 'service.name': 'orders' },
        attributes: { 'http.response.status_code': 500 },
        events: [{ name: 'exception', timeUnixNano: '1763800000002500000', attributes: { 'exception.type': 'E' } }],
        statusMessage: 'boom',
      },
      {
        traceId: 't1',
        spanId: 's2',
        parentSpanId: 's1',
        name: 'SELECT orders',
        kind: 'client',
        startTimeUnixNano: '1763800000001000000',
        durationNano: '3000000',
        status: 'unset',
        service: 'orders',
        resource: {},
        attributes: {},
        events: [],
      },
    ],
  };

  it("has every field the Traces panel reads, with the types of Tempo's conversion", () => {
    const frame = traceToFrame('A', trace);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual(TRACE_PANEL_FIELDS);
  });

  it('gives Grafana trace fields with ms times and parent links', () => {
    const frame = traceToFrame('A', trace);
    expect(frame.refId).toBe('A');
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    const byName = Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
    expect(byName.spanID).toEqual(['s1', 's2']);
    expect(byName.parentSpanID).toEqual([null, 's1']);
    expect(byName.startTime).toEqual([1_763_800_000_000, 1_763_800_000_001]);
    expect(byName.duration).toEqual([25, 3]);
    expect(byName.statusCode).toEqual([2, 0]);
    expect(byName.tags[0]).toEqual([{ key: 'http.response.status_code', value: 500 }]);
    expect(byName.serviceTags).toEqual([[{ key: 'service.name', value: 'orders' }], []]);
    expect(byName.traceID).toEqual(['t1', 't1']);
    expect(byName.operationName).toEqual(['GET /orders', 'SELECT orders']);
    expect(byName.serviceName).toEqual(['orders', 'orders']);
    expect(byName.kind).toEqual(['server', 'client']);
    expect(byName.statusMessage).toEqual(['boom', null]);
  });

  it('turns span events into logs with ms timestamps and {key, value} fields', () => {
    const logs = traceToFrame('A', trace).fields.find((f) => f.name === 'logs')!.values;
    expect(logs).toEqual([
      [{ timestamp: 1_763_800_000_002.5, name: 'exception', fields: [{ key: 'exception.type', value: 'E' }] }],
      [],
    ]);
  });
});

const values = (frame: { fields: Array<{ name: string; values: unknown[] }> }) =>
  Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));

describe('densityToFrame', () => {
  const frame = densityToFrame('A', {
    from: 1000,
    to: 5000,
    timeStep: 1000,
    elapsedEdges: [0, 10, 100, 1000],
    cells: [
      { t: 0, e: 1, count: 5, errors: 1 },
      { t: 3, e: 2, count: 2, errors: 0 },
    ],
    total: 7,
  });

  it('is marked as density for the XLOG panel, with the grid in meta', () => {
    expect(frame.name).toBe('transactions-density');
    expect(frame.meta?.custom).toEqual({ density: true, timeStep: 1000, elapsedEdges: [0, 10, 100, 1000], total: 7 });
  });

  it('has one row per non-empty cell with its time span and elapsed band', () => {
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['time', FieldType.time],
      ['timeEnd', FieldType.time],
      ['elapsedLow', FieldType.number],
      ['elapsedHigh', FieldType.number],
      ['count', FieldType.number],
      ['errors', FieldType.number],
    ]);
    expect(values(frame)).toEqual({
      time: [1000, 4000],
      timeEnd: [2000, 5000],
      elapsedLow: [10, 100],
      elapsedHigh: [100, 1000],
      count: [5, 2],
      errors: [1, 0],
    });
  });
});

describe('fillSteps', () => {
  const point = (time: number, count = 1) => ({
    time,
    count,
    rate: count,
    errors: 1,
    errorRatio: 1 / count,
    p50: 5,
    p90: 9,
    p95: 10,
    p99: 12,
  });
  it.each([
    ['fills idle steps with 0 rate, 0 % errors and no latency', [point(2000)], 1000, 4000, 1000, [1000, 2000, 3000]],
    ['keeps points off the step grid as they are', [point(1500)], 1000, 4000, 1000, [1500]],
    ['starts at the step containing from', [point(60_000)], 90_000, 180_000, 60_000, [60_000, 120_000]],
  ])('%s', (_name, points, from, to, step, times) => {
    const rows = fillSteps({ service: 's', points }, from, to, step);
    expect(rows.map((r) => r.time)).toEqual(times);
  });

  it('idle steps say "nothing happened", not "unknown" for rate and errors', () => {
    const rows = fillSteps({ service: 's', points: [point(2000, 4)] }, 1000, 3000, 1000);
    expect(rows).toEqual([
      { time: 1000, rate: 0, errorPercent: 0, p50: null, p90: null, p95: null, p99: null, apdex: null },
      { time: 2000, rate: 4, errorPercent: 25, p50: 5, p90: 9, p95: 10, p99: 12, apdex: null },
    ]);
  });
});

describe('redToFrames', () => {
  const res: RedResponse = {
    step: 60_000,
    tier: 'rollup',
    series: [
      {
        service: 'orders',
        endpoint: 'GET /orders',
        points: [{ time: 0, count: 120, rate: 2, errors: 6, errorRatio: 0.05, p50: 10, p90: 40, p95: 60, p99: 90 }],
      },
      {
        service: 'orders',
        endpoint: 'POST /orders',
        points: [{ time: 60_000, count: 60, rate: 1, errors: 0, errorRatio: 0, p50: 20, p90: 50, p95: 60, p99: 70 }],
      },
    ],
  };
  const frames = redToFrames('R', res, { from: 0, to: 120_000 });

  it('gives one time-series frame per group, labelled with the group', () => {
    expect(frames.map((f) => f.name)).toEqual(['orders GET /orders', 'orders POST /orders']);
    expect(frames[0].refId).toBe('R');
    expect(frames[0].fields.map((f) => [f.name, f.type, f.labels])).toEqual([
      ['time', FieldType.time, undefined],
      ...['rate', 'errorPercent', 'p50', 'p90', 'p99'].map((n) => [
        n,
        FieldType.number,
        { service: 'orders', endpoint: 'GET /orders' },
      ]),
    ]);
  });

  it('converts the error ratio to percent and fills idle steps on the step grid', () => {
    expect(values(frames[0])).toEqual({
      time: [0, 60_000],
      rate: [2, 0],
      errorPercent: [5, 0],
      p50: [10, null],
      p90: [40, null],
      p99: [90, null],
    });
  });

  it('sets units, legend names and the step for Grafana', () => {
    const config = Object.fromEntries(frames[1].fields.map((f) => [f.name, f.config]));
    expect(config.time.interval).toBe(60_000);
    expect(config.rate).toEqual({ unit: 'reqps', displayNameFromDS: 'rate orders POST /orders' });
    expect(config.errorPercent.unit).toBe('percent');
    expect(config.p99).toEqual({ unit: 'ms', displayNameFromDS: 'p99 orders POST /orders' });
    expect(frames[1].meta?.custom).toEqual({ step: 60_000, tier: 'rollup' });
  });

  it('keeps only the chosen metrics', () => {
    const [only] = redToFrames('R', res, { from: 0, to: 120_000 }, ['errorPercent', 'p99']);
    expect(only.fields.map((f) => f.name)).toEqual(['time', 'errorPercent', 'p99']);
  });

  it('gives no frames for no series', () => {
    expect(redToFrames('R', { ...res, series: [] }, { from: 0, to: 1 })).toEqual([]);
  });
});

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

describe('activeToFrame', () => {
  const res: ActiveResponse = {
    thresholds: { slow: 3000, verySlow: 8000 },
    instances: [
      {
        service: 'orders',
        instance: 'orders-1',
        takenAt: 1000,
        requests: [
          { endpoint: 'GET /a', elapsed: 100 },
          { endpoint: 'GET /b', elapsed: 9000 },
        ],
        source: 'snapshot',
        buckets: { fast: 1, slow: 0, verySlow: 1, unknownAge: 0 },
      },
      {
        service: 'orders',
        instance: 'orders-2',
        takenAt: 900,
        requests: [],
        source: 'metric',
        buckets: { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 },
      },
    ],
  };

  it('gives one row per instance with its equalizer buckets and source', () => {
    const frame = activeToFrame('E', res);
    expect(frame.name).toBe('active');
    expect(frame.meta?.custom).toEqual({ thresholds: { slow: 3000, verySlow: 8000 } });
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['takenAt', FieldType.time],
      ['service', FieldType.string],
      ['instance', FieldType.string],
      ['source', FieldType.string],
      ['fast', FieldType.number],
      ['slow', FieldType.number],
      ['verySlow', FieldType.number],
      ['unknownAge', FieldType.number],
      ['total', FieldType.number],
    ]);
    expect(values(frame)).toEqual({
      takenAt: [1000, 900],
      service: ['orders', 'orders'],
      instance: ['orders-1', 'orders-2'],
      source: ['snapshot', 'metric'],
      fast: [1, 0],
      slow: [0, 0],
      verySlow: [1, 0],
      unknownAge: [0, 3],
      total: [2, 3],
    });
  });
});

describe('listToFrame', () => {
  it.each([
    ['services', 'service'],
    ['instances', 'instance'],
    ['endpoints', 'endpoint'],
  ] as const)('%s → one %s column', (type, field) => {
    const frame = listToFrame('L', type, ['a', 'b']);
    expect(frame.name).toBe(type);
    expect(frame.fields.map((f) => [f.name, f.type, f.values])).toEqual([[field, FieldType.string, ['a', 'b']]]);
  });
});
