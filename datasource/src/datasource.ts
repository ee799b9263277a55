import {
  DataSourceApi,
  LoadingState,
  type AdHocVariableFilter,
  type AnnotationEvent,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, type BackendSrv, type TemplateSrv } from '@grafana/runtime';
import {
  XLOG_COLUMN_SETS,
  type JvmInstance,
  type JvmRequest,
  type JvmRequestKind,
  type TransactionColumn,
} from '@osprey/model';
import { catchError, defer, exhaustMap, forkJoin, lastValueFrom, map, merge, Observable, of, timer } from 'rxjs';

import { errorBurstEvents } from './annotations';
import { backendStatus, describeBackendStatus, OspreyClient } from './client';
import { describeFetchError } from './errors';
import {
  activeToFrame,
  densityToFrame,
  focusServiceMap,
  listToFrame,
  redToFrames,
  serviceMapToFrames,
  traceToFrame,
} from './frames';
import { instanceParams, jvmTarget, type JvmTarget } from './jvm/api';
import {
  heapHistogramDiffToFrame,
  heapHistogramToFrame,
  JVM_FRAME_NAMES,
  threadDumpDiffToFrame,
  threadDumpEvents,
  threadDumpListToFrame,
  threadDumpToFrame,
} from './jvm/frames';
import { LIVE_MAX_ROWS, LIVE_POLL_MS, LiveWindow } from './live';
import { ADHOC_KEYS, adhocFilters, combinations, filterValues, redStep, transactionParams } from './params';
import {
  DEFAULT_QUERY,
  DEFAULT_TIMEOUT_SECONDS,
  isJvmQueryType,
  isListQueryType,
  ROUTE_PATH,
  type ListQueryType,
  type OspreyOptions,
  type OspreyQuery,
} from './types';
import { interpolateQuery } from './template';
import { OspreyVariableSupport } from './variables';
import { keepRows, textAt, windowToFrame } from './window-frame';

/** How long `requestCapture` waits for an agent to fulfil a request, and how often it asks. */
export const CAPTURE_TIMEOUT_MS = 15_000;
export const CAPTURE_POLL_MS = 500;

/** What one query of a request reads besides its fields. */
interface Scope {
  from: number;
  to: number;
  /** The ad hoc `status` filter. */
  status?: 'ok' | 'error';
}

type FilterKey = 'service' | 'instance' | 'endpoint';

/** One filter set per combination of the values the (interpolated) query's filters select. */
function fanOut(q: OspreyQuery, keys: FilterKey[]) {
  return combinations(Object.fromEntries(keys.map((k) => [k, filterValues(q[k])])));
}

/** The backend's answer to a services / instances / endpoints list request. */
const LISTS: Record<ListQueryType, (client: OspreyClient, service?: string) => Observable<string[]>> = {
  services: (client) => client.services().pipe(map((res) => res.services)),
  instances: (client, service) => client.instances(service).pipe(map((res) => res.instances)),
  endpoints: (client, service) => client.endpoints(service).pipe(map((res) => res.endpoints)),
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

  private ref() {
    return { uid: this.uid, type: this.type };
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
      const scope: Scope = {
        from: request.range.from.valueOf(),
        to: request.range.to.valueOf(),
        status: adhocFilters(request.filters).status,
      };
      if (query.queryType === 'xlog' && query.live) {
        return this.liveXlog(query, scope);
      }
      const step = redStep(scope.from, scope.to, request.intervalMs, request.maxDataPoints);
      return this.frames(query, scope, step).pipe(
        map((data): DataQueryResponse => ({ data, key: q.refId, state: LoadingState.Done }))
      );
    }).pipe(catchError(failed));
  }

  private frames(q: OspreyQuery, scope: Scope, step: number): Observable<DataFrame[]> {
    const { from, to } = scope;
    const type = q.queryType ?? 'xlog';
    if (isJvmQueryType(type)) {
      const target = jvmTarget(q);
      return defer(() => this.jvmFrame(q, target, from, to)).pipe(map((f) => [f]));
    }
    if (isListQueryType(type)) {
      return this.list(type, q).pipe(map((values) => [listToFrame(q.refId, type, values)]));
    }
    switch (type) {
      case 'trace': {
        const ids = filterValues(q.traceId);
        if (!ids) {
          throw new Error('a trace query needs a trace id');
        }
        return forkJoin(ids.map((id) => this.client.trace(id).pipe(map((trace) => traceToFrame(q.refId, trace)))));
      }
      case 'red': {
        const groupBy = q.groupBy ?? 'service';
        return forkJoin(
          fanOut(q, ['service', 'instance', 'endpoint']).map((filters) =>
            this.client
              .red({ from, to, step, groupBy, ...filters })
              .pipe(map((res) => redToFrames(q.refId, res, { from, to }, q.redMetrics)))
          )
        ).pipe(map((parts) => parts.flat()));
      }
      case 'serviceMap': {
        const services = filterValues(q.service);
        return this.client
          .serviceMap(from, to)
          .pipe(map((res) => serviceMapToFrames(q.refId, focusServiceMap(res, services), this.ref())));
      }
      case 'active':
        return forkJoin(
          fanOut(q, ['service']).map((filters) =>
            this.client.active(filters.service).pipe(map((res) => activeToFrame(q.refId, res)))
          )
        );
      default:
        return this.xlog(q, scope);
    }
  }

  /**
   * The XLOG window as Arrow frames (one per combination of multi-value filters: the panel joins
   * frames), or density grids when the backend chose them.
   */
  private xlog(q: OspreyQuery, scope: Scope): Observable<DataFrame[]> {
    const base = this.windowParams(q, scope.from, scope.to);
    const requests = fanOut(q, ['service', 'instance', 'endpoint']).map((filters) =>
      this.client.window({ ...base, ...filters })
    );
    return forkJoin(requests).pipe(
      map((answers) => {
        const densities = answers.flatMap((a) => ('density' in a ? [a.density] : []));
        if (densities.length > 0) {
          return densities.map((density) => densityToFrame(q.refId, density));
        }
        return answers.map((a) =>
          this.keepStatus(windowToFrame(q.refId, (a as { bytes: ArrayBuffer }).bytes, this.ref()), scope.status)
        );
      })
    );
  }

  /** The query string of a window request: the query's filters and its column set. */
  private windowParams(q: OspreyQuery, from: number, to: number, extra: TransactionColumn[] = []) {
    const params = transactionParams(q, from, to);
    const set = XLOG_COLUMN_SETS[q.columns ?? 'dots'];
    if (q.columns !== 'all' || extra.length > 0) {
      params.columns = [...new Set([...set, ...extra])].join(',');
    }
    return params;
  }

  /** `status = ok` has no backend filter (errorsOnly covers `error`), so it is applied to the rows. */
  private keepStatus(frame: DataFrame, status: Scope['status']): DataFrame {
    if (status !== 'ok') {
      return frame;
    }
    const field = frame.fields.find((f) => f.name === 'status');
    return keepRows(frame, (i) => textAt(field, i) === 'ok');
  }

  /**
   * Live XLOG (query option `live`): the range's transactions first, then every LIVE_POLL_MS the ones
   * that ended since the newest seen (less the overlap, see live.ts), until the panel unsubscribes.
   * Each poll's new rows are a frame of their own, so the panel reads only what is new; packets
   * carry the window's frames under the query's key, with LoadingState.Streaming. A failed poll
   * is reported and the next poll tries again.
   */
  private liveXlog(q: OspreyQuery, scope: Scope): Observable<DataQueryResponse> {
    const maxRows = Math.min(q.limit && q.limit > 0 ? q.limit : LIVE_MAX_ROWS, LIVE_MAX_ROWS);
    const live = new LiveWindow(maxRows, scope.from);
    const combos = fanOut(q, ['service', 'instance', 'endpoint']);
    const packet = (error?: DataQueryError): DataQueryResponse => ({
      data: live.data(),
      key: q.refId,
      state: LoadingState.Streaming,
      ...(error ? { error, errors: [error] } : {}),
    });
    return timer(0, LIVE_POLL_MS).pipe(
      exhaustMap(() => {
        const to = Math.max(Date.now(), live.cursor());
        const base = this.windowParams(q, live.cursor(), to, ['endTime', 'spanId']);
        return forkJoin(combos.map((filters) => this.client.window({ ...base, ...filters }))).pipe(
          map((answers) => {
            for (const answer of answers) {
              if ('bytes' in answer) {
                live.add(this.keepStatus(windowToFrame(q.refId, answer.bytes, this.ref()), scope.status));
              }
            }
            return packet();
          }),
          catchError((err: unknown) =>
            of(packet({ refId: q.refId, message: `Query ${q.refId}: ${describeFetchError(err, 'live XLOG poll')}` }))
          )
        );
      })
    );
  }

  /** A services / instances / endpoints list; instances and endpoints per selected service. */
  private list(type: ListQueryType, q: OspreyQuery): Observable<string[]> {
    const services = type === 'services' ? undefined : filterValues(q.service);
    return forkJoin((services ?? [undefined]).map((service) => LISTS[type](this.client, service))).pipe(
      map((lists) => [...new Set(lists.flat())].sort())
    );
  }

  /** Values for the query editor's selects, variables and ad hoc filters; `service` may hold variables. */
  async listValues(type: ListQueryType, service?: string, scopedVars: ScopedVars = {}): Promise<string[]> {
    const q = this.applyTemplateVariables({ refId: 'list', queryType: type, service }, scopedVars);
    return lastValueFrom(this.list(type, q));
  }

  private async jvmFrame(q: OspreyQuery, t: JvmTarget, from: number, to: number): Promise<DataFrame> {
    const { client } = this;
    switch (q.queryType) {
      case 'threadDumps': {
        const res = await lastValueFrom(client.threadDumps({ ...instanceParams(t), from, to, limit: q.limit ?? 500 }));
        return threadDumpListToFrame(q.refId, res.threadDumps);
      }
      case 'threadDump':
        return threadDumpToFrame(q.refId, await lastValueFrom(client.threadDump(t)));
      case 'threadDumpDiff': {
        const [a, b] = await this.pairOfIds(
          t,
          async () => (await lastValueFrom(client.threadDumps({ ...instanceParams(t), limit: 2 }))).threadDumps
        );
        const diff = await lastValueFrom(client.threadDumpDiff(a, b));
        return threadDumpDiffToFrame(q.refId, diff, { a, b, service: t.service, instance: t.instance });
      }
      case 'heapHistogram':
        return heapHistogramToFrame(q.refId, await lastValueFrom(client.heapHistogram(t)));
      case 'heapHistogramDiff': {
        const [a, b] = await this.pairOfIds(
          t,
          async () => (await lastValueFrom(client.heapHistograms({ ...instanceParams(t), limit: 2 }))).heapHistograms
        );
        return heapHistogramDiffToFrame(q.refId, await lastValueFrom(client.heapHistogramDiff(a, b)), { a, b });
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
