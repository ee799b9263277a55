import {
  DataSourceApi,
  type AnnotationEvent,
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
  JVM_API_PATHS,
  type HealthResponse,
  type HeapHistogramListResponse,
  type HeapHistogramResponse,
  type HistogramDiff,
  type JvmInstancesResponse,
  type JvmInstance,
  type JvmRequest,
  type JvmRequestKind,
  type ThreadDumpDiff,
  type ThreadDumpListResponse,
  type ThreadDumpResponse,
  type ServicesResponse,
  type Trace,
  type TransactionsResponse,
} from '@osprey/model';
import { forkJoin, from as fromPromise, lastValueFrom, map, of, type Observable } from 'rxjs';

import { traceToFrame, transactionsToFrame } from './frames';
import { diffPath, instanceParams, jvmTarget, oneCapturePath, type JvmTarget } from './jvm/api';
import {
  heapHistogramDiffToFrame,
  heapHistogramToFrame,
  JVM_FRAME_NAMES,
  threadDumpDiffToFrame,
  threadDumpEvents,
  threadDumpListToFrame,
  threadDumpToFrame,
} from './jvm/frames';
import { DEFAULT_QUERY, isJvmQueryType, ROUTE_PATH, type OspreyOptions, type OspreyQuery } from './types';

/** How long `requestCapture` waits for an agent to fulfil a request, and how often it asks. */
export const CAPTURE_TIMEOUT_MS = 15_000;
export const CAPTURE_POLL_MS = 500;

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
    // Annotations: thread dumps taken and deadlocks found, from a `threadDumps` query of the range.
    this.annotations = {
      getDefaultQuery: () => ({ queryType: 'threadDumps' }),
      processEvents: (_anno, frames: DataFrame[]) =>
        of(
          frames
            .filter((f) => f.name === JVM_FRAME_NAMES.threadDumps)
            .flatMap((f): AnnotationEvent[] => threadDumpEvents(f))
        ),
    };
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

  private async getJson<T>(path: string, params?: Record<string, string>): Promise<T> {
    return (await lastValueFrom(this.get<T>(path, params))).data;
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
      if (isJvmQueryType(q.queryType)) {
        const target = jvmTarget(q, (v) => replace(v, request.scopedVars));
        return fromPromise(this.jvmFrame(q, target, from, to));
      }
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

  private async jvmFrame(q: OspreyQuery, t: JvmTarget, from: number, to: number): Promise<DataFrame> {
    const { threadDumps, heapHistograms } = JVM_API_PATHS;
    switch (q.queryType) {
      case 'threadDumps': {
        const params = { ...instanceParams(t), from: String(from), to: String(to), limit: String(q.limit ?? 500) };
        const res = await this.getJson<ThreadDumpListResponse>(threadDumps, params);
        return threadDumpListToFrame(q.refId, res.threadDumps);
      }
      case 'threadDump': {
        const { path, params } = oneCapturePath(threadDumps, t, 'thread dump');
        return threadDumpToFrame(q.refId, await this.getJson<ThreadDumpResponse>(path, params));
      }
      case 'threadDumpDiff': {
        const [a, b] = await this.pairOfIds(
          t,
          async () =>
            (await this.getJson<ThreadDumpListResponse>(threadDumps, { ...instanceParams(t), limit: '2' })).threadDumps
        );
        const diff = await this.getJson<ThreadDumpDiff>(diffPath(threadDumps, a, b));
        return threadDumpDiffToFrame(q.refId, diff, { a, b, service: t.service, instance: t.instance });
      }
      case 'heapHistogram': {
        const { path, params } = oneCapturePath(heapHistograms, t, 'heap histogram');
        return heapHistogramToFrame(q.refId, await this.getJson<HeapHistogramResponse>(path, params));
      }
      case 'heapHistogramDiff': {
        const [a, b] = await this.pairOfIds(
          t,
          async () =>
            (await this.getJson<HeapHistogramListResponse>(heapHistograms, { ...instanceParams(t), limit: '2' }))
              .heapHistograms
        );
        return heapHistogramDiffToFrame(q.refId, await this.getJson<HistogramDiff>(diffPath(heapHistograms, a, b)), {
          a,
          b,
        });
      }
      default:
        throw new Error(`Unknown Osprey query type "${q.queryType}"`);
    }
  }

  /** The two ids to compare: both given (older first), or the latest two of the instance. */
  private async pairOfIds(t: JvmTarget, latest: () => Promise<Array<{ id: string }>>): Promise<[string, string]> {
    if (t.dumpId && t.otherId) {
      return [t.dumpId, t.otherId];
    }
    if (!t.service || !t.instance) {
      throw new Error('Choose a service and an instance, or give both ids to compare');
    }
    const newestFirst = await latest();
    if (newestFirst.length < 2) {
      throw new Error(`${t.service}/${t.instance} has ${newestFirst.length} capture(s); a comparison needs two`);
    }
    return [newestFirst[1].id, newestFirst[0].id];
  }

  /** JVMs that sent dumps or histograms, for the query editor's selects. */
  async jvmInstances(service?: string): Promise<JvmInstance[]> {
    const params: Record<string, string> = service ? { service } : {};
    return (await this.getJson<JvmInstancesResponse>(JVM_API_PATHS.instances, params)).instances;
  }

  /**
   * Asks the agent watching a JVM for a capture now and waits until it is done (→ the request, with
   * `resultId`) or failed / not done in time (→ an error saying which).
   */
  async requestCapture(
    service: string,
    instance: string,
    kind: JvmRequestKind,
    timeoutMs = CAPTURE_TIMEOUT_MS
  ): Promise<JvmRequest> {
    const created = await lastValueFrom(
      getBackendSrv().fetch<JvmRequest>({
        url: `${this.baseUrl}${JVM_API_PATHS.requests}`,
        method: 'POST',
        data: { service, instance, kind },
      })
    );
    const deadline = Date.now() + timeoutMs;
    let request = created.data;
    while (request.status !== 'done' && request.status !== 'failed') {
      if (Date.now() >= deadline) {
        throw new Error(
          `No ${kind} from ${service}/${instance} within ${timeoutMs / 1000} s (request ${request.id} is ${request.status}): is an Osprey JVM agent watching it?`
        );
      }
      await new Promise((resolve) => setTimeout(resolve, CAPTURE_POLL_MS));
      request = await this.getJson<JvmRequest>(`${JVM_API_PATHS.requests}/${encodeURIComponent(request.id)}`);
    }
    if (request.status === 'failed') {
      throw new Error(`The ${kind} request for ${service}/${instance} failed: ${request.error ?? 'no reason given'}`);
    }
    return request;
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
