import { createDataFrame, FieldType, type DataFrame, type DataLink, type FieldConfig } from '@grafana/data';
import {
  RED_METRICS,
  SERVICE_MAP_FRAMES,
  type ActiveResponse,
  type AttributeValue,
  type ListQueryType,
  type RedMetric,
  type RedResponse,
  type RedSeries,
  type ServiceMapResponse,
  type Span,
  type Trace,
  type TransactionDensity,
} from '@osprey/model';

import { bandFields } from './red-band';
import type { OspreyQuery } from './types';

export interface DatasourceRef {
  uid: string;
  type: string;
}

/** Frame names other code (annotations, the XLOG panel) tells frames apart by. */
export const FRAME_NAMES = {
  transactions: 'transactions',
  density: 'transactions-density',
  active: 'active',
} as const;

/** Internal link to Explore on this datasource running `query`; `${...}` parts are filled by Grafana per row. */
export function exploreLink(title: string, ds: DatasourceRef, query: Partial<OspreyQuery>): DataLink {
  return {
    title,
    url: '',
    internal: { datasourceUid: ds.uid, datasourceName: '', query: { refId: 'A', datasource: ds, ...query } },
  };
}

/** Data link from a transaction to its trace: Explore on the same datasource with a trace query. */
export function traceLink(ds: DatasourceRef): DataLink {
  return exploreLink('Open trace', ds, { queryType: 'trace', traceId: '${__value.raw}' });
}

/** Data link from a service-map node to the service's RED metrics by endpoint. */
export function redLink(ds: DatasourceRef): DataLink {
  return exploreLink('RED metrics of this service', ds, {
    queryType: 'red',
    service: '${__data.fields.id}',
    groupBy: 'endpoint',
  });
}

/**
 * The density answer (too many transactions to ship as rows) → one row per non-empty cell. The XLOG
 * panel recognises it by `meta.custom.density` and draws cells instead of dots.
 */
export function densityToFrame(refId: string, density: TransactionDensity): DataFrame {
  const { cells, timeStep, elapsedEdges, from } = density;
  return createDataFrame({
    refId,
    name: FRAME_NAMES.density,
    meta: { custom: { density: true, timeStep, elapsedEdges, total: density.total } },
    fields: [
      { name: 'time', type: FieldType.time, values: cells.map((c) => from + c.t * timeStep) },
      { name: 'timeEnd', type: FieldType.time, values: cells.map((c) => from + (c.t + 1) * timeStep) },
      {
        name: 'elapsedLow',
        type: FieldType.number,
        values: cells.map((c) => elapsedEdges[c.e]),
        config: { unit: 'ms' },
      },
      {
        name: 'elapsedHigh',
        type: FieldType.number,
        values: cells.map((c) => elapsedEdges[c.e + 1]),
        config: { unit: 'ms' },
      },
      { name: 'count', type: FieldType.number, values: cells.map((c) => c.count) },
      { name: 'errors', type: FieldType.number, values: cells.map((c) => c.errors) },
    ],
  });
}

const RED_FIELDS: Record<RedMetric, { label: string; unit: string }> = {
  rate: { label: 'rate', unit: 'reqps' },
  errorPercent: { label: 'errors', unit: 'percent' },
  p50: { label: 'p50', unit: 'ms' },
  p90: { label: 'p90', unit: 'ms' },
  p95: { label: 'p95', unit: 'ms' },
  p99: { label: 'p99', unit: 'ms' },
  apdex: { label: 'Apdex', unit: 'none' },
};

/** "orders", "orders shop-1" or "orders GET /orders": how a RED group is named in legends. */
export function groupName(series: RedSeries): string {
  return [series.service, series.instance, series.endpoint].filter(Boolean).join(' ');
}

interface RedRow {
  time: number;
  rate: number;
  errorPercent: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  apdex: number | null;
}

/**
 * `points` on the full step grid of [from, to): a step without a point gets `empty(time)`. Points off
 * the grid (the backend widened the step differently) are kept as they are, without filling.
 */
export function onStepGrid<T extends { time: number }>(
  points: T[],
  window: { from: number; to: number; step: number },
  empty: (time: number) => T
): T[] {
  const { from, to, step } = window;
  const start = Math.floor(from / step) * step;
  if (step <= 0 || points.some((p) => (p.time - start) % step !== 0) || (to - start) / step > 100_000) {
    return points;
  }
  const byTime = new Map(points.map((p) => [p.time, p]));
  const filled: T[] = [];
  for (let time = start; time < to; time += step) {
    filled.push(byTime.get(time) ?? empty(time));
  }
  return filled;
}

/**
 * A series' points on the full step grid of [from, to): steps without transactions become rate 0 and
 * error 0 % (nothing happened) with no latency, so graphs do not draw lines across idle periods.
 */
export function fillSteps(series: RedSeries, from: number, to: number, step: number): RedRow[] {
  const rows = series.points.map((p): RedRow => ({
    time: p.time,
    rate: p.rate,
    errorPercent: p.errorRatio * 100,
    p50: p.p50,
    p90: p.p90,
    p95: p.p95,
    p99: p.p99,
    apdex: p.apdex ?? null,
  }));
  return onStepGrid(rows, { from, to, step }, (time) => ({
    time,
    rate: 0,
    errorPercent: 0,
    p50: null,
    p90: null,
    p95: null,
    p99: null,
    apdex: null,
  }));
}

/** RED answer → one wide time-series frame per group, labelled with the group's service/instance/endpoint. */
export function redToFrames(
  refId: string,
  res: RedResponse,
  range: { from: number; to: number },
  metrics: readonly RedMetric[] = RED_METRICS,
  band = false
): DataFrame[] {
  const chosen = metrics.length > 0 ? metrics : RED_METRICS;
  return res.series.map((series) => {
    const rows = fillSteps(series, range.from, range.to, res.step);
    const labels: Record<string, string> = { service: series.service };
    if (series.instance !== undefined) {
      labels.instance = series.instance;
    }
    if (series.endpoint !== undefined) {
      labels.endpoint = series.endpoint;
    }
    const name = groupName(series);
    const times = rows.map((r) => r.time);
    return createDataFrame({
      refId,
      name,
      meta: { custom: { step: res.step, tier: res.tier } },
      fields: [
        { name: 'time', type: FieldType.time, values: rows.map((r) => r.time), config: { interval: res.step } },
        ...chosen.flatMap((metric) => {
          const { unit, label } = RED_FIELDS[metric];
          const displayName = `${label} ${name}`;
          return [
            {
              name: metric,
              type: FieldType.number,
              labels,
              values: rows.map((r) => r[metric]),
              config: { unit, displayNameFromDS: displayName },
            },
            ...(band ? bandFields(series, times, metric, { labels, unit, displayName }) : []),
          ];
        }),
      ],
    });
  });
}

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

const fixedColor = (color: string): FieldConfig => ({ color: { mode: 'fixed', fixedColor: color } });

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

/**
 * Active services → one row per instance with its equalizer buckets (fast / slow / very slow in
 * flight, and those of unknown age) and the source that saw them: a bar gauge names each bar by
 * the row's text fields, so the source shows beside the instance.
 */
export function activeToFrame(refId: string, res: ActiveResponse): DataFrame {
  const rows = res.instances;
  return createDataFrame({
    refId,
    name: FRAME_NAMES.active,
    meta: { custom: { thresholds: res.thresholds } },
    fields: [
      { name: 'takenAt', type: FieldType.time, values: rows.map((r) => r.takenAt) },
      { name: 'service', type: FieldType.string, values: rows.map((r) => r.service) },
      { name: 'instance', type: FieldType.string, values: rows.map((r) => r.instance) },
      { name: 'source', type: FieldType.string, values: rows.map((r) => r.source) },
      { name: 'fast', type: FieldType.number, values: rows.map((r) => r.buckets.fast), config: fixedColor('green') },
      { name: 'slow', type: FieldType.number, values: rows.map((r) => r.buckets.slow), config: fixedColor('orange') },
      {
        name: 'verySlow',
        type: FieldType.number,
        values: rows.map((r) => r.buckets.verySlow),
        config: fixedColor('red'),
      },
      {
        name: 'unknownAge',
        type: FieldType.number,
        values: rows.map((r) => r.buckets.unknownAge),
        // No displayName: the bar gauge would name the bar by it alone, without instance and source.
        config: fixedColor('blue'),
      },
      {
        name: 'total',
        type: FieldType.number,
        values: rows.map((r) => r.buckets.fast + r.buckets.slow + r.buckets.verySlow + r.buckets.unknownAge),
      },
    ],
  });
}

const LIST_FIELD: Record<ListQueryType, string> = { services: 'service', instances: 'instance', endpoints: 'endpoint' };

/** A services / instances / endpoints list → a one-column table. */
export function listToFrame(refId: string, type: ListQueryType, values: string[]): DataFrame {
  return createDataFrame({
    refId,
    name: type,
    fields: [{ name: LIST_FIELD[type], type: FieldType.string, values }],
  });
}

/** Epoch nanoseconds (decimal string) → epoch milliseconds, keeping microseconds. */
export function nanosToMillis(nanos: string): number {
  const n = BigInt(nanos);
  return Number(n / 1000n) / 1000;
}

const toTags = (attrs: Record<string, AttributeValue>) => Object.entries(attrs).map(([key, value]) => ({ key, value }));

/** OTel status as the number Tempo's conversion gives the Traces panel: 0 unset, 1 ok, 2 error. */
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/**
 * A trace in the shape Grafana's Traces panel reads, with the names and types of Tempo's OTLP
 * conversion: times in ms, tags as {key, value} lists, span events as logs.
 */
export function traceToFrame(refId: string, trace: Trace): DataFrame {
  const column = <T>(f: (s: Span) => T) => trace.spans.map(f);
  return createDataFrame({
    refId,
    name: `trace ${trace.traceId}`,
    meta: { preferredVisualisationType: 'trace', custom: { traceFormat: 'otlp' } },
    fields: [
      { name: 'traceID', type: FieldType.string, values: column((s) => s.traceId) },
      { name: 'spanID', type: FieldType.string, values: column((s) => s.spanId) },
      { name: 'parentSpanID', type: FieldType.string, values: column((s) => s.parentSpanId ?? null) },
      { name: 'operationName', type: FieldType.string, values: column((s) => s.name) },
      { name: 'serviceName', type: FieldType.string, values: column((s) => s.service) },
      { name: 'kind', type: FieldType.string, values: column((s) => s.kind) },
      { name: 'statusCode', type: FieldType.number, values: column((s) => STATUS_CODE[s.status]) },
      { name: 'statusMessage', type: FieldType.string, values: column((s) => s.statusMessage ?? null) },
      { name: 'serviceTags', type: FieldType.other, values: column((s) => toTags(s.resource)) },
      { name: 'startTime', type: FieldType.number, values: column((s) => nanosToMillis(s.startTimeUnixNano)) },
      { name: 'duration', type: FieldType.number, values: column((s) => nanosToMillis(s.durationNano)) },
      {
        name: 'logs',
        type: FieldType.other,
        values: column((s) =>
          s.events.map((e) => ({
            timestamp: nanosToMillis(e.timeUnixNano),
            name: e.name,
            fields: toTags(e.attributes),
          }))
        ),
      },
      { name: 'tags', type: FieldType.other, values: column((s) => toTags(s.attributes)) },
    ],
  });
}
