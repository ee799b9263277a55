import { createDataFrame, FieldType, type DataFrame, type DataLink, type FieldConfig } from '@grafana/data';
import type { ActiveResponse, ListQueryType, TransactionDensity } from '@osprey/model';

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

/** A field drawn in one colour, whatever its value (node arcs, equalizer bars). */
export const fixedColor = (color: string): FieldConfig => ({ color: { mode: 'fixed', fixedColor: color } });

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
