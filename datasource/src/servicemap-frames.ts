import { createDataFrame, FieldType, type DataFrame, type FieldConfig } from '@grafana/data';
import { SERVICE_MAP_FRAMES, type ServiceMapResponse } from '@osprey/model';

import { type DatasourceRef, fixedColor, redLink } from './frames';

/**
 * The part of a service map around the chosen services: their edges in and out and the nodes at the
 * other ends. The backend serves the whole map, so a service filter is applied here.
 */
export function focusServiceMap(map: ServiceMapResponse, services: string[] | undefined): ServiceMapResponse {
  if (!services) {
    return map;
  }
  const chosen = new Set(services);
  const edges = map.edges.filter((e) => chosen.has(e.source) || chosen.has(e.target));
  const keep = new Set([...chosen, ...edges.flatMap((e) => [e.source, e.target])]);
  return { ...map, nodes: map.nodes.filter((n) => keep.has(n.id)), edges };
}

const N = SERVICE_MAP_FRAMES.nodes.fields;
const E = SERVICE_MAP_FRAMES.edges.fields;

/** A number field as the Node Graph and its details pane show it: always under a display name. */
const stat = (name: string, values: Array<number | null>, displayName: string, config: FieldConfig = {}) => ({
  name,
  type: FieldType.number,
  values,
  config: { ...config, displayName },
});

const fraction = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * Service map → the `nodes` and `edges` frames of Grafana's Node Graph panel. Node main stat is
 * requests per second (a service's own transactions, otherwise the calls it receives), secondary the
 * p95; the arcs are the success / error fractions; a service carries its Apdex at the answer's T.
 */
export function serviceMapToFrames(refId: string, map: ServiceMapResponse, ds: DatasourceRef): DataFrame[] {
  return [nodesFrame(refId, map, ds), edgesFrame(refId, map)];
}

function nodesFrame(refId: string, map: ServiceMapResponse, ds: DatasourceRef): DataFrame {
  const seconds = Math.max((map.to - map.from) / 1000, 1e-3);
  const inbound = new Map<string, { calls: number; errors: number }>();
  for (const e of map.edges) {
    const acc = inbound.get(e.target) ?? { calls: 0, errors: 0 };
    inbound.set(e.target, { calls: acc.calls + e.calls, errors: acc.errors + e.errors });
  }
  const load = map.nodes.map((n) =>
    n.type === 'service' && n.transactions > 0
      ? { calls: n.transactions, errors: n.errors }
      : (inbound.get(n.id) ?? { calls: 0, errors: 0 })
  );
  const rate = load.map((l) => l.calls / seconds);
  const errorRatio = load.map((l) => fraction(l.errors, l.calls));
  const p95 = map.nodes.map((n) => n.p95 ?? null);
  return createDataFrame({
    refId,
    name: SERVICE_MAP_FRAMES.nodes.name,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      { name: N.id, type: FieldType.string, values: map.nodes.map((n) => n.id), config: { links: [redLink(ds)] } },
      { name: N.title, type: FieldType.string, values: map.nodes.map((n) => n.name) },
      {
        name: N.subtitle,
        type: FieldType.string,
        values: map.nodes.map((n) => (n.type === 'database' ? (n.dbSystem ?? 'database') : n.type)),
      },
      stat(N.mainStat, rate, 'Requests', { unit: 'reqps' }),
      stat(N.secondaryStat, p95, 'p95', { unit: 'ms' }),
      stat(
        N.arcSuccess,
        load.map((l) => fraction(l.calls - l.errors, l.calls)),
        'Success',
        fixedColor('green')
      ),
      stat(N.arcErrors, errorRatio, 'Errors', fixedColor('red')),
      { name: N.type, type: FieldType.string, values: map.nodes.map((n) => n.type), config: { displayName: 'Type' } },
      stat(
        N.requests,
        load.map((l) => l.calls),
        'Requests in window'
      ),
      // The trace-map panel reads health from these.
      stat(N.rate, rate, 'Requests/s', { unit: 'reqps' }),
      stat(N.errorRatio, errorRatio, 'Error ratio', { unit: 'percentunit' }),
      stat(N.p95, p95, 'p95', { unit: 'ms' }),
      stat(
        N.apdex,
        map.nodes.map((n) => n.apdex ?? null),
        `Apdex (T = ${map.apdexT} ms)`,
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
        }
      ),
      stat(
        N.errors,
        load.map((l) => l.errors),
        'Errors in window'
      ),
    ],
  });
}

function edgesFrame(refId: string, map: ServiceMapResponse): DataFrame {
  const edges = map.edges;
  const rate = edges.map((e) => e.rate);
  const p95 = edges.map((e) => e.p95);
  return createDataFrame({
    refId,
    name: SERVICE_MAP_FRAMES.edges.name,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      { name: E.id, type: FieldType.string, values: edges.map((e) => e.id) },
      { name: E.source, type: FieldType.string, values: edges.map((e) => e.source) },
      { name: E.target, type: FieldType.string, values: edges.map((e) => e.target) },
      stat(E.mainStat, rate, 'Calls', { unit: 'reqps' }),
      stat(E.secondaryStat, p95, 'p95', { unit: 'ms' }),
      stat(
        E.calls,
        edges.map((e) => e.calls),
        'Calls in window'
      ),
      stat(
        E.errors,
        edges.map((e) => e.errors),
        'Errors'
      ),
      // calls/s, error ratio and p95 again under the names the trace-map panel reads (EDGE_FIELDS).
      stat(E.rate, rate, 'Calls/s', { unit: 'reqps' }),
      stat(
        E.errorRatio,
        edges.map((e) => fraction(e.errors, e.calls)),
        'Error ratio',
        { unit: 'percentunit' }
      ),
      stat(
        E.p50,
        edges.map((e) => e.p50),
        'p50',
        { unit: 'ms' }
      ),
      stat(E.p95, p95, 'p95', { unit: 'ms' }),
      stat(
        E.p99,
        edges.map((e) => e.p99),
        'p99',
        { unit: 'ms' }
      ),
    ],
  });
}
