import type { DataQuery, DataSourceJsonData } from '@grafana/data';
import type { OspreyQueryFields, OspreyQueryType } from '@osprey/model';

/**
 * One panel query: Grafana's DataQuery with the fields and query types of the contract
 * (model/src/query.ts). `trace` is what the traceId data link opens in Explore.
 */
export interface OspreyQuery extends DataQuery, OspreyQueryFields {
  queryType: OspreyQueryType;
}

/** A query as saved or linked → one with a type; an exemplar link becomes a trace query. */
export function normaliseQuery(q: OspreyQuery): OspreyQuery {
  if (!q.queryType && typeof q.query === 'string' && q.query.trim() !== '') {
    return { refId: q.refId, queryType: 'trace', traceId: q.query.trim() };
  }
  return q.queryType ? q : { ...q, queryType: 'xlog' };
}

/** Settings stored in plain jsonData: the backend URL the data proxy route forwards to. */
export interface OspreyOptions extends DataSourceJsonData {
  url?: string;
  /** Seconds a single backend request may take before the query fails (default 30). */
  timeout?: number;
}

/** Settings Grafana keeps server-side; the route injects the token as a bearer header. */
export interface OspreySecureOptions {
  token?: string;
}

export const DEFAULT_QUERY: Partial<OspreyQuery> = {
  queryType: 'xlog',
  errorsOnly: false,
};

/** Path below the datasource's proxy URL that plugin.json's route forwards to the backend. */
export const ROUTE_PATH = 'osprey';
