import type { DataQuery, DataSourceJsonData } from '@grafana/data';

export type OspreyQueryType = 'xlog' | 'trace';

/** One panel query. `trace` is what the traceId data link opens in Explore. */
export interface OspreyQuery extends DataQuery {
  queryType: OspreyQueryType;
  service?: string;
  endpoint?: string;
  /** Only transactions at least this slow, milliseconds. */
  minElapsed?: number;
  errorsOnly?: boolean;
  limit?: number;
  traceId?: string;
}

/** Settings stored in plain jsonData: the backend URL the data proxy route forwards to. */
export interface OspreyOptions extends DataSourceJsonData {
  url?: string;
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
