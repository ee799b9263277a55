/** What every query handler gets: the query with its variables applied, and the request around it. */
import type { DataFrame } from '@grafana/data';
import type { AdhocField } from '@osprey/model';
import type { Observable } from 'rxjs';

import type { OspreyClient } from '@osprey/plugin-kit';
import type { DatasourceRef } from '../frames';
import { combinations, filterValues } from '../params';
import type { OspreyQuery } from '../types';

export interface QueryContext {
  client: OspreyClient;
  /** The datasource, for the links frames carry. */
  ref: DatasourceRef;
  /** The request's time range, epoch ms. */
  from: number;
  to: number;
  /** The panel's interval and max data points (RED steps). */
  intervalMs?: number;
  maxDataPoints?: number;
  /** The dashboard's ad hoc `status` filter (the others are in the query, see template.ts). */
  status?: 'ok' | 'error';
}

/** One query type's answer: the query (variables applied, see template.ts) → its frames. */
export type QueryHandler = (query: OspreyQuery, context: QueryContext) => Observable<DataFrame[]>;

/** One filter set per combination of the values the query's filters select (at most MAX_FAN_OUT). */
export function fanOut(query: OspreyQuery, keys: readonly AdhocField[]): Array<Partial<Record<AdhocField, string>>> {
  return combinations(Object.fromEntries(keys.map((k) => [k, filterValues(query[k])])));
}
