import {
  DataSourceApi,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, isFetchError, type FetchResponse } from '@grafana/runtime';
import {
  API_PATHS,
  DEFAULT_TRANSACTION_LIMIT,
  type HealthResponse,
  type ServicesResponse,
  type Trace,
  type TransactionsResponse,
} from '@osprey/model';
import { forkJoin, lastValueFrom, map, of, type Observable } from 'rxjs';

import { traceToFrame, transactionsToFrame } from './frames';
import { DEFAULT_QUERY, ROUTE_PATH, type OspreyOptions, type OspreyQuery } from './types';

type Interpolate = (value: string, scopedVars?: ScopedVars) => string;

/** Query string for GET /api/v1/transactions; empty filters (e.g. an "All" variable) are left out. */
export function transactionParams(
  query: OspreyQuery,
  from: number,
  to: number,
  interpolate: Interpolate,
  scopedVars?: ScopedVars
): Record<string, string> {
  const params: Record<string, string> = { from: String(from), to: String(to) };
  const service = query.service ? interpolate(query.service, scopedVars).trim() : '';
  const endpoint = query.endpoint ? interpolate(query.endpoint, scopedVars).trim() : '';
  if (service) {
    params.service = service;
  }
  if (endpoint) {
    params.endpoint = endpoint;
  }
  if (query.minElapsed !== undefined && query.minElapsed > 0) {
    params.minElapsed = String(query.minElapsed);
  }
  if (query.errorsOnly) {
    params.errorsOnly = 'true';
  }
  params.limit = String(query.limit && query.limit > 0 ? query.limit : DEFAULT_TRANSACTION_LIMIT);
  return params;
}

/** Turns a failed backend call into a sentence an admin can act on. */
export function describeFetchError(err: unknown, what: string): string {
  if (isFetchError(err)) {
    const body = err.data as { message?: string } | undefined;
    const detail = body?.message ? `: ${body.message}` : '';
    if (err.status === 401) {
      return `${what} was refused (401): the token is missing or unknown to the Osprey backend${detail}`;
    }
    if (err.status === 403) {
      return `${what} was refused (403): the token lacks the read scope${detail}`;
    }
    if (err.status === 502 || err.status === 504 || err.status === 0 || err.status === undefined) {
      return `${what} failed: the Osprey backend is unreachable from Grafana (${err.status ?? 'no answer'}). Check the URL.`;
    }
    return `${what} failed with HTTP ${err.status}${detail}`;
  }
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
}

export class OspreyDataSource extends DataSourceApi<OspreyQuery, OspreyOptions> {
  private readonly baseUrl: string;

  constructor(instanceSettings: DataSourceInstanceSettings<OspreyOptions>) {
    super(instanceSettings);
    this.baseUrl = `${instanceSettings.url ?? ''}/${ROUTE_PATH}`;
  }

  override getDefaultQuery(): Partial<OspreyQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: OspreyQuery): boolean {
    return !query.hide;
  }

  private get<T>(path: string, params?: Record<string, string>): Observable<FetchResponse<T>> {
    return getBackendSrv().fetch<T>({ url: `${this.baseUrl}${path}`, method: 'GET', params });
  }

  private ref() {
    return { uid: this.uid, type: this.type };
  }

  override query(request: DataQueryRequest<OspreyQuery>): Observable<DataQueryResponse> {
    const from = request.range.from.valueOf();
    const to = request.range.to.valueOf();
    const replace: Interpolate = (v, vars) => getTemplateSrv().replace(v, vars);
    const targets = request.targets.filter((q) => !q.hide);
    if (targets.length === 0) {
      return of({ data: [] });
    }
    const frames = targets.map((q): Observable<DataFrame> => {
      if (q.queryType === 'trace') {
        const traceId = replace(q.traceId ?? '', request.scopedVars).trim();
        return this.get<Trace>(`${API_PATHS.traces}/${encodeURIComponent(traceId)}`).pipe(
          map((res) => traceToFrame(q.refId, res.data))
        );
      }
      const params = transactionParams(q, from, to, replace, request.scopedVars);
      return this.get<TransactionsResponse>(API_PATHS.transactions, params).pipe(
        map((res) => transactionsToFrame(q.refId, res.data.transactions, this.ref()))
      );
    });
    return forkJoin(frames).pipe(map((data) => ({ data })));
  }

  /** Variable query `services` lists the services the backend has seen. */
  override async metricFindQuery(query: string): Promise<MetricFindValue[]> {
    if (query.trim() !== 'services') {
      throw new Error(`Unknown Osprey variable query "${query}"; supported: services`);
    }
    return (await this.services()).map((text) => ({ text, value: text }));
  }

  async services(): Promise<string[]> {
    const res = await lastValueFrom(this.get<ServicesResponse>(API_PATHS.services));
    return res.data.services;
  }

  override async testDatasource(): Promise<TestDataSourceResponse> {
    let health: HealthResponse;
    try {
      health = (await lastValueFrom(this.get<HealthResponse>(API_PATHS.health))).data;
    } catch (err) {
      return { status: 'error', message: describeFetchError(err, 'Health check') };
    }
    let services: string[];
    try {
      services = await this.services();
    } catch (err) {
      return { status: 'error', message: describeFetchError(err, 'Reading services with the token') };
    }
    return {
      status: 'success',
      message: `Osprey ${health.version} (${health.store}) is up; the token can read ${services.length} service(s).`,
    };
  }
}
