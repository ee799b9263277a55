import {
  DataSourceApi,
  LoadingState,
  type AdHocVariableFilter,
  type AnnotationEvent,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, type BackendSrv, type TemplateSrv } from '@grafana/runtime';
import {
  JVM_FRAME_NAMES,
  type JvmInstance,
  type JvmRequest,
  type JvmRequestKind,
  type ListQueryType,
  type OspreyQueryType,
} from '@osprey/model';
import { catchError, defer, lastValueFrom, map, merge, type Observable, of } from 'rxjs';

import { errorBurstEvents } from './annotations';
import {
  backendStatus,
  DEFAULT_TIMEOUT_SECONDS,
  describeBackendStatus,
  describeFetchError,
  OspreyClient,
} from '@osprey/plugin-kit';
import { snapshotOptionText } from './hosts/frames';
import { threadDumpEvents } from './jvm/frames';
import { ADHOC_KEYS, adhocFilters } from './params';
import { active } from './queries/active';
import { logs, otelMetrics, runtime } from './queries/otel';
import { capacity } from './queries/capacity';
import { checkRuns, checks } from './queries/checks';
import { errorTypes } from './queries/errors';
import { hierarchy } from './queries/hierarchy';
import type { QueryContext, QueryHandler } from './queries/context';
import { HOST_HANDLERS } from './queries/hosts';
import { JVM_HANDLERS } from './queries/jvm';
import { LIST_HANDLERS, listValues } from './queries/lists';
import { red } from './queries/red';
import { serviceMap } from './queries/servicemap';
import { slos } from './queries/slos';
import { profile } from './queries/profile';
import { sqlStatistics } from './queries/sql';
import { summary } from './queries/summary';
import { trace } from './queries/trace';
import { liveXlog, xlog } from './queries/xlog';
import { interpolateQuery } from './template';
import { DEFAULT_QUERY, ROUTE_PATH, type OspreyOptions, type OspreyQuery } from './types';
import { OspreyVariableSupport } from './variables';

/** How long `requestCapture` waits for an agent to fulfil a request, and how often it asks. */
export const CAPTURE_TIMEOUT_MS = 15_000;
export const CAPTURE_POLL_MS = 500;

/** Snapshots a `hostSnapshots` variable offers, newest first. */
const HOST_SNAPSHOT_OPTIONS = 200;

/** Each query type's handler (a live XLOG query streams instead, see liveXlog). */
const QUERY_HANDLERS: Record<OspreyQueryType, QueryHandler> = {
  xlog,
  red,
  trace,
  serviceMap,
  active,
  checks,
  checkRuns,
  hierarchy,
  capacity,
  slos,
  sqlStatistics,
  profile,
  errorTypes,
  summary,
  ...LIST_HANDLERS,
  ...JVM_HANDLERS,
  ...HOST_HANDLERS,
  otelMetrics,
  runtime,
  logs,
};

export class OspreyDataSource extends DataSourceApi<OspreyQuery, OspreyOptions> {
  private readonly client: OspreyClient;

  constructor(
    instanceSettings: DataSourceInstanceSettings<OspreyOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv(),
    backendSrv: BackendSrv = getBackendSrv()
  ) {
    super(instanceSettings);
    this.client = new OspreyClient(
      `${instanceSettings.url ?? ''}/${ROUTE_PATH}`,
      (instanceSettings.jsonData.timeout || DEFAULT_TIMEOUT_SECONDS) * 1000,
      backendSrv
    );
    this.variables = new OspreyVariableSupport(this);
    // Annotations: error bursts (RED or XLOG queries) and thread dumps / deadlocks (a `threadDumps` query).
    this.annotations = {
      getDefaultQuery: () => ({ queryType: 'red', groupBy: 'service', redMetrics: ['errorPercent'] }),
      processEvents: (_anno, frames: DataFrame[]) =>
        of([
          ...errorBurstEvents(frames),
          ...frames
            .filter((f) => f.name === JVM_FRAME_NAMES.threadDumps)
            .flatMap((f): AnnotationEvent[] => threadDumpEvents(f)),
        ]),
    };
  }

  override getDefaultQuery(): Partial<OspreyQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: OspreyQuery): boolean {
    return !query.hide;
  }

  /**
   * The query with its dashboard variables and the request's ad hoc filters applied, as query() runs
   * it (see template.ts): Grafana's query inspector, Explore and alerting read queries this way.
   */
  applyTemplateVariables(query: OspreyQuery, scopedVars: ScopedVars, filters?: AdHocVariableFilter[]): OspreyQuery {
    return interpolateQuery(this.templateSrv, query, scopedVars, filters);
  }

  override interpolateVariablesInQueries(
    queries: OspreyQuery[],
    scopedVars: ScopedVars,
    filters?: AdHocVariableFilter[]
  ): OspreyQuery[] {
    return queries.map((q) => ({ ...this.applyTemplateVariables(q, scopedVars, filters), datasource: this.getRef() }));
  }

  override query(request: DataQueryRequest<OspreyQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.filter((q) => !q.hide);
    if (targets.length === 0) {
      return of({ data: [], state: LoadingState.Done });
    }
    // Each query answers under its own key, so Grafana keeps every query's frames and errors apart
    // and a live query's later packets replace only its own frames.
    return merge(...targets.map((q) => this.answer(q, request)));
  }

  private answer(q: OspreyQuery, request: DataQueryRequest<OspreyQuery>): Observable<DataQueryResponse> {
    const failed = (err: unknown) => {
      const error = { refId: q.refId, message: `Query ${q.refId}: ${describeFetchError(err, 'the Osprey request')}` };
      // `error` as well as `errors`: older runners and panels read only the former.
      return of<DataQueryResponse>({ data: [], key: q.refId, state: LoadingState.Error, error, errors: [error] });
    };
    return defer(() => {
      const query = this.applyTemplateVariables(q, request.scopedVars ?? {}, request.filters);
      const context: QueryContext = {
        client: this.client,
        ref: { uid: this.uid, type: this.type },
        from: request.range.from.valueOf(),
        to: request.range.to.valueOf(),
        intervalMs: request.intervalMs,
        maxDataPoints: request.maxDataPoints,
        status: adhocFilters(request.filters).status,
      };
      if (query.queryType === 'xlog' && query.live) {
        return liveXlog(query, context);
      }
      return QUERY_HANDLERS[query.queryType](query, context).pipe(
        map((data): DataQueryResponse => ({ data, key: q.refId, state: LoadingState.Done }))
      );
    }).pipe(catchError(failed));
  }

  /** Values for the query editor's selects, variables and ad hoc filters; `service` may hold variables. */
  async listValues(type: ListQueryType, service?: string, scopedVars: ScopedVars = {}): Promise<string[]> {
    const q = this.applyTemplateVariables({ refId: 'list', queryType: type, service }, scopedVars);
    return lastValueFrom(listValues(this.client, type, q));
  }

  /** Hosts that sent a snapshot, by name (the query editor's host select, the `hosts` variable). */
  async hostNames(): Promise<string[]> {
    return (await lastValueFrom(this.client.hosts())).hosts.map((h) => h.host);
  }

  /**
   * The newest snapshots of `host` as variable options, id as the value, newest first; with
   * `olderThan` (a snapshot id), those older than it. Both may hold variables.
   */
  async hostSnapshotOptions(
    host: string,
    olderThan = '',
    scopedVars: ScopedVars = {}
  ): Promise<Array<{ text: string; value: string }>> {
    const name = this.templateSrv.replace(host, scopedVars).trim();
    if (name === '') {
      return [];
    }
    const { snapshots } = await lastValueFrom(this.client.hostSnapshots(name, HOST_SNAPSHOT_OPTIONS));
    const newer = this.templateSrv.replace(olderThan, scopedVars).trim();
    const at = snapshots.findIndex((s) => s.id === newer);
    // An unknown newer id (not among these) offers nothing rather than snapshots that may be newer.
    const older = newer === '' ? snapshots : at < 0 ? [] : snapshots.slice(at + 1);
    return older.map((s) => ({ text: snapshotOptionText(s.takenAt), value: s.id }));
  }

  /** JVMs that sent dumps or histograms, for the query editor's selects. */
  async jvmInstances(service?: string): Promise<JvmInstance[]> {
    return (await lastValueFrom(this.client.jvmInstances(service))).instances;
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
    let request = await lastValueFrom(this.client.createCaptureRequest({ service, instance, kind }));
    const deadline = Date.now() + timeoutMs;
    while (request.status !== 'done' && request.status !== 'failed') {
      if (Date.now() >= deadline) {
        throw new Error(
          `No ${kind} from ${service}/${instance} within ${timeoutMs / 1000} s (request ${request.id} is ${request.status}): is an Osprey JVM agent watching it?`
        );
      }
      await new Promise((resolve) => setTimeout(resolve, CAPTURE_POLL_MS));
      request = await lastValueFrom(this.client.captureRequest(request.id));
    }
    if (request.status === 'failed') {
      throw new Error(`The ${kind} request for ${service}/${instance} failed: ${request.error ?? 'no reason given'}`);
    }
    return request;
  }

  /** Variable query `services` (the legacy text form; the variable editor uses OspreyVariableSupport). */
  override async metricFindQuery(query: string): Promise<MetricFindValue[]> {
    if (query.trim() !== 'services') {
      throw new Error(`Unknown Osprey variable query "${query}"; supported: services`);
    }
    return (await this.services()).map((text) => ({ text, value: text }));
  }

  async services(): Promise<string[]> {
    return this.listValues('services');
  }

  override async getTagKeys(): Promise<MetricFindValue[]> {
    return ADHOC_KEYS.map((text) => ({ text }));
  }

  override async getTagValues(options: { key: string }): Promise<MetricFindValue[]> {
    const values =
      options.key === 'status'
        ? ['ok', 'error']
        : options.key === 'service'
          ? await this.listValues('services')
          : options.key === 'instance'
            ? await this.listValues('instances')
            : options.key === 'endpoint'
              ? await this.listValues('endpoints')
              : [];
    return values.map((text) => ({ text }));
  }

  override async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      return { status: 'success', message: describeBackendStatus(await backendStatus(this.client)) };
    } catch (err) {
      return { status: 'error', message: err instanceof Error ? err.message : String(err) };
    }
  }
}
