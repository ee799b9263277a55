import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
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

/**
 * Service map → the `nodes` and `edges` frames of Grafana's Node Graph panel. Node main stat is
 * requests per second (a service's own transactions, otherwise the calls it receives), secondary the
 * p95; the arcs are the success / error fractions; a service carries its Apdex at the answer's T.
 */
export function serviceMapToFrames(refId: string, map: ServiceMapResponse, ds: DatasourceRef): DataFrame[] {
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
  const fraction = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  const nodes = createDataFrame({
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
      {
        name: N.mainStat,
        type: FieldType.number,
        values: load.map((l) => l.calls / seconds),
        config: { unit: 'reqps', displayName: 'Requests' },
      },
      {
        name: N.secondaryStat,
        type: FieldType.number,
        values: map.nodes.map((n) => n.p95 ?? null),
        config: { unit: 'ms', displayName: 'p95' },
      },
      {
        name: N.arcSuccess,
        type: FieldType.number,
        values: load.map((l) => fraction(l.calls - l.errors, l.calls)),
        config: { ...fixedColor('green'), displayName: 'Success' },
      },
      {
        name: N.arcErrors,
        type: FieldType.number,
        values: load.map((l) => fraction(l.errors, l.calls)),
        config: { ...fixedColor('red'), displayName: 'Errors' },
      },
      {
        name: N.type,
        type: FieldType.string,
        values: map.nodes.map((n) => n.type),
        config: { displayName: 'Type' },
      },
      {
        name: N.requests,
        type: FieldType.number,
        values: load.map((l) => l.calls),
        config: { displayName: 'Requests in window' },
      },
      // The trace-map panel reads health from these.
      {
        name: N.rate,
        type: FieldType.number,
        values: load.map((l) => l.calls / seconds),
        config: { unit: 'reqps', displayName: 'Requests/s' },
      },
      {
        name: N.errorRatio,
        type: FieldType.number,
        values: load.map((l) => fraction(l.errors, l.calls)),
        config: { unit: 'percentunit', displayName: 'Error ratio' },
      },
      {
        name: N.p95,
        type: FieldType.number,
        values: map.nodes.map((n) => n.p95 ?? null),
        config: { unit: 'ms', displayName: 'p95' },
      },
      {
        name: N.apdex,
        type: FieldType.number,
        values: map.nodes.map((n) => n.apdex ?? null),
        config: { unit: 'percentunit', displayName: `Apdex (T = ${map.apdexT} ms)`, min: 0, max: 1 },
      },
      {
        name: N.errors,
        type: FieldType.number,
        values: load.map((l) => l.errors),
        config: { displayName: 'Errors in window' },
      },
    ],
  });
  const edges = createDataFrame({
    refId,
    name: SERVICE_MAP_FRAMES.edges.name,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      { name: E.id, type: FieldType.string, values: map.edges.map((e) => e.id) },
      { name: E.source, type: FieldType.string, values: map.edges.map((e) => e.source) },
      { name: E.target, type: FieldType.string, values: map.edges.map((e) => e.target) },
      {
        name: E.mainStat,
        type: FieldType.number,
        values: map.edges.map((e) => e.rate),
        config: { unit: 'reqps', displayName: 'Calls' },
      },
      {
        name: E.secondaryStat,
        type: FieldType.number,
        values: map.edges.map((e) => e.p95),
        config: { unit: 'ms', displayName: 'p95' },
      },
      {
        name: E.calls,
        type: FieldType.number,
        values: map.edges.map((e) => e.calls),
        config: { displayName: 'Calls in window' },
      },
      {
        name: E.errors,
        type: FieldType.number,
        values: map.edges.map((e) => e.errors),
        config: { displayName: 'Errors' },
      },
      // calls/s, error ratio and p95 again under the names the trace-map panel reads (EDGE_FIELDS).
      {
        name: E.rate,
        type: FieldType.number,
        values: map.edges.map((e) => e.rate),
        config: { unit: 'reqps', displayName: 'Calls/s' },
      },
      {
        name: E.errorRatio,
        type: FieldType.number,
        values: map.edges.map((e) => fraction(e.errors, e.calls)),
        config: { unit: 'percentunit', displayName: 'Error ratio' },
      },
      {
        name: E.p50,
        type: FieldType.number,
        values: map.edges.map((e) => e.p50),
        config: { unit: 'ms', displayName: 'p50' },
      },
      {
        name: E.p95,
        type: FieldType.number,
        values: map.edges.map((e) => e.p95),
        config: { unit: 'ms', displayName: 'p95' },
      },
      {
        name: E.p99,
        type: FieldType.number,
        values: map.edges.map((e) => e.p99),
        config: { unit: 'ms', displayName: 'p99' },
      },
    ],
  });
  return [nodes, edges];
}
