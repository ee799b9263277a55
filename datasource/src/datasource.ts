import {
  DataSourceApi,
  LoadingState,
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
import { getBackendSrv, getTemplateSrv, type BackendSrvRequest, type FetchResponse } from '@grafana/runtime';
import {
  API_PATHS,
  ARROW_STREAM_MEDIA_TYPE,
  JVM_API_PATHS,
  XLOG_COLUMN_SETS,
  type ActiveResponse,
  type HealthResponse,
  type HeapHistogramListResponse,
  type HeapHistogramResponse,
  type HistogramDiff,
  type JvmInstancesResponse,
  type JvmInstance,
  type JvmRequest,
  type JvmRequestKind,
  type RedResponse,
  type ServiceMapResponse,
  type ThreadDumpDiff,
  type ThreadDumpListResponse,
  type ThreadDumpResponse,
  type Trace,
  type TransactionColumn,
  type TransactionDensity,
  type TransactionsResponse,
} from '@osprey/model';
import {
  catchError,
  defer,
  exhaustMap,
  forkJoin,
  lastValueFrom,
  map,
  merge,
  Observable,
  of,
  throwError,
  timeout,
  timer,
} from 'rxjs';

import { errorBurstEvents } from './annotations';
import { describeFetchError, expectShape, TimeoutError } from './errors';
import {
  activeToFrame,
  densityToFrame,
  focusServiceMap,
  listToFrame,
  redToFrames,
  serviceMapToFrames,
  traceToFrame,
} from './frames';
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
import { LIVE_MAX_ROWS, LIVE_POLL_MS, LiveWindow } from './live';
import {
  ADHOC_KEYS,
  adhocFilters,
  combinations,
  filterValues,
  MULTI_SEPARATOR,
  redStep,
  transactionParams,
  type AdhocFilters,
} from './params';
import {
  DEFAULT_QUERY,
  DEFAULT_TIMEOUT_SECONDS,
  isJvmQueryType,
  isListQueryType,
  normaliseQuery,
  ROUTE_PATH,
  type ListQueryType,
  type OspreyOptions,
  type OspreyQuery,
} from './types';
import { OspreyVariableSupport } from './variables';
import { keepRows, textAt, windowToFrame } from './window-frame';

/** How long `requestCapture` waits for an agent to fulfil a request, and how often it asks. */
export const CAPTURE_TIMEOUT_MS = 15_000;
export const CAPTURE_POLL_MS = 500;

/** What one query of a request filters by, once variables and ad hoc filters are applied. */
interface Scope {
  from: number;
  to: number;
  scopedVars: ScopedVars;
  adhoc: AdhocFilters;
}

const LIST_PATHS: Record<ListQueryType, { path: string; key: string }> = {
  services: { path: API_PATHS.services, key: 'services' },
  instances: { path: API_PATHS.instances, key: 'instances' },
  endpoints: { path: API_PATHS.endpoints, key: 'endpoints' },
};

/** Bytes of a JSON answer as its value, or as the text when it is not JSON (errors quote it). */
function jsonOf(bytes: ArrayBuffer): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A variable referenced in `text` (as $x, ${x...} or [[x]]) whose current value is "All". */
function refersToAll(text: string, scopedVars: ScopedVars): boolean {
  return getTemplateSrv()
    .getVariables()
    .some((v) => {
      const used = new RegExp(`\\$${v.name}\\b|\\$\\{${v.name}[}:]|\\[\\[${v.name}\\]\\]`).test(text);
      if (!used || scopedVars[v.name] || !('current' in v)) {
        return false;
      }
      const value = (v.current as { value?: string | string[] } | undefined)?.value;
      return Array.isArray(value) ? value.includes('$__all') : value === '$__all';
    });
}

export class OspreyDataSource extends DataSourceApi<OspreyQuery, OspreyOptions> {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(instanceSettings: DataSourceInstanceSettings<OspreyOptions>) {
    super(instanceSettings);
    this.baseUrl = `${instanceSettings.url ?? ''}/${ROUTE_PATH}`;
    this.timeoutMs = (instanceSettings.jsonData.timeout || DEFAULT_TIMEOUT_SECONDS) * 1000;
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

  private get<T>(
    path: string,
    params?: Record<string, string>,
    options: Pick<BackendSrvRequest, 'headers' | 'responseType'> = {}
  ): Observable<FetchResponse<T>> {
    const seconds = this.timeoutMs / 1000;
    return getBackendSrv()
      .fetch<T>({ url: `${this.baseUrl}${path}`, method: 'GET', params, showErrorAlert: false, ...options })
      .pipe(
        timeout({
          first: this.timeoutMs,
          with: () => throwError(() => new TimeoutError(`no answer from ${path} within ${seconds} s`)),
        })
      );
  }

  /**
   * The XLOG window: Arrow IPC bytes (the columnar answer), or the density grid when mode=auto found
   * more transactions than the limit (the backend answers that one as JSON).
   */
  private getWindow(
    params: Record<string, string>
  ): Observable<{ bytes: ArrayBuffer } | { density: TransactionDensity }> {
    const path = API_PATHS.transactions;
    return this.get<ArrayBuffer>(path, params, {
      headers: { Accept: ARROW_STREAM_MEDIA_TYPE },
      responseType: 'arraybuffer',
    }).pipe(
      map((res) => {
        if ((res.headers.get('content-type') ?? '').startsWith(ARROW_STREAM_MEDIA_TYPE)) {
          return { bytes: res.data };
        }
        const answer = expectShape<TransactionsResponse>(jsonOf(res.data), 'transactions', path);
        if (!answer.density) {
          throw new Error(`${path} answered JSON rows where Arrow was asked for`);
        }
        return { density: answer.density };
      }),
      // Error bodies arrive as bytes too; the messages read them as the JSON they are.
      catchError((err: unknown) => {
        const data = (err as { data?: unknown } | undefined)?.data;
        // (By tag, not instanceof: the buffer may come from another realm, e.g. a test's fetch.)
        const bytes = Object.prototype.toString.call(data) === '[object ArrayBuffer]';
        return throwError(() => (bytes ? { ...(err as object), data: jsonOf(data as ArrayBuffer) } : err));
      })
    );
  }

  /** GET of a JSON answer that must carry `key` (see expectShape). */
  private getShaped<T>(path: string, key: string, params?: Record<string, string>): Observable<T> {
    return this.get<unknown>(path, params).pipe(map((res) => expectShape<T>(res.data, key, path)));
  }

  private async getJson<T>(path: string, params?: Record<string, string>): Promise<T> {
    return (await lastValueFrom(this.get<T>(path, params))).data;
  }

  private ref() {
    return { uid: this.uid, type: this.type };
  }

  /** A string field with variables replaced; several values of a multi-value variable are joined by MULTI_SEPARATOR. */
  private interpolate(text: string | undefined, scopedVars: ScopedVars): string {
    if (!text) {
      return '';
    }
    return getTemplateSrv().replace(text, scopedVars, (value: string | string[]) =>
      Array.isArray(value) ? value.join(MULTI_SEPARATOR) : value
    );
  }

  /** The values a filter field selects (undefined = no filter), an ad hoc filter on the same key winning. */
  private filter(q: OspreyQuery, key: 'service' | 'instance' | 'endpoint', scope: Scope): string[] | undefined {
    const adhoc = scope.adhoc[key];
    if (adhoc) {
      return [adhoc];
    }
    const text = q[key];
    if (!text || refersToAll(text, scope.scopedVars)) {
      return undefined;
    }
    return filterValues(this.interpolate(text, scope.scopedVars));
  }

  /** One request per combination of the multi-value filters this query type uses. */
  private fanOut(q: OspreyQuery, scope: Scope, keys: Array<'service' | 'instance' | 'endpoint'>) {
    return combinations(Object.fromEntries(keys.map((k) => [k, this.filter(q, k, scope)])));
  }

  override query(request: DataQueryRequest<OspreyQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.filter((q) => !q.hide);
    if (targets.length === 0) {
      return of({ data: [], state: LoadingState.Done });
    }
    // Each query answers under its own key, so Grafana keeps every query's frames and errors apart
    // and a live query's later packets replace only its own frames.
    return merge(...targets.map((q) => this.answer(normaliseQuery(q), request)));
  }

  private answer(q: OspreyQuery, request: DataQueryRequest<OspreyQuery>): Observable<DataQueryResponse> {
    const failed = (err: unknown) => {
      const error = { refId: q.refId, message: `Query ${q.refId}: ${describeFetchError(err, 'the Osprey request')}` };
      // `error` as well as `errors`: older runners and panels read only the former.
      return of<DataQueryResponse>({ data: [], key: q.refId, state: LoadingState.Error, error, errors: [error] });
    };
    return defer(() => {
      const scope: Scope = {
        from: request.range.from.valueOf(),
        to: request.range.to.valueOf(),
        scopedVars: request.scopedVars ?? {},
        adhoc: adhocFilters(request.filters),
      };
      if (q.queryType === 'xlog' && q.live) {
        return this.liveXlog(q, scope);
      }
      const step = redStep(scope.from, scope.to, request.intervalMs, request.maxDataPoints);
      return this.frames(q, scope, step).pipe(
        map((data): DataQueryResponse => ({ data, key: q.refId, state: LoadingState.Done }))
      );
    }).pipe(catchError(failed));
  }

  private frames(q: OspreyQuery, scope: Scope, step: number): Observable<DataFrame[]> {
    const { from, to } = scope;
    const type = q.queryType ?? 'xlog';
    if (isJvmQueryType(type)) {
      const target = jvmTarget(q, (v) => getTemplateSrv().replace(v, scope.scopedVars));
      return defer(() => this.jvmFrame(q, target, from, to)).pipe(map((f) => [f]));
    }
    if (isListQueryType(type)) {
      return this.list(type, q, scope).pipe(map((values) => [listToFrame(q.refId, type, values)]));
    }
    switch (type) {
      case 'trace': {
        const ids = filterValues(this.interpolate(q.traceId, scope.scopedVars));
        if (!ids) {
          throw new Error('a trace query needs a trace id');
        }
        return forkJoin(
          ids.map((id) =>
            this.getShaped<Trace>(`${API_PATHS.traces}/${encodeURIComponent(id)}`, 'spans').pipe(
              map((trace) => traceToFrame(q.refId, trace))
            )
          )
        );
      }
      case 'red': {
        const groupBy = q.groupBy ?? 'service';
        return forkJoin(
          this.fanOut(q, scope, ['service', 'instance', 'endpoint']).map((filters) =>
            this.getShaped<RedResponse>(API_PATHS.red, 'series', {
              from: String(from),
              to: String(to),
              step: String(step),
              groupBy,
              ...filters,
            }).pipe(map((res) => redToFrames(q.refId, res, { from, to }, q.redMetrics)))
          )
        ).pipe(map((parts) => parts.flat()));
      }
      case 'serviceMap': {
        const services = this.filter(q, 'service', scope);
        return this.getShaped<ServiceMapResponse>(API_PATHS.serviceMap, 'nodes', {
          from: String(from),
          to: String(to),
        }).pipe(map((res) => serviceMapToFrames(q.refId, focusServiceMap(res, services), this.ref())));
      }
      case 'active':
        return forkJoin(
          this.fanOut(q, scope, ['service']).map((filters) =>
            this.getShaped<ActiveResponse>(API_PATHS.active, 'instances', filters).pipe(
              map((res) => activeToFrame(q.refId, res))
            )
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
    const base = this.windowParams(q, scope.from, scope.to, scope);
    const requests = this.fanOut(q, scope, ['service', 'instance', 'endpoint']).map((filters) =>
      this.getWindow({ ...base, ...filters })
    );
    return forkJoin(requests).pipe(
      map((answers) => {
        const densities = answers.flatMap((a) => ('density' in a ? [a.density] : []));
        if (densities.length > 0) {
          return densities.map((density) => densityToFrame(q.refId, density));
        }
        return answers.map((a) =>
          this.keepStatus(windowToFrame(q.refId, (a as { bytes: ArrayBuffer }).bytes, this.ref()), scope.adhoc)
        );
      })
    );
  }

  /** The query string of a window request: the query's filters and its column set. */
  private windowParams(q: OspreyQuery, from: number, to: number, scope: Scope, extra: TransactionColumn[] = []) {
    const params = transactionParams(q, from, to, (v) => getTemplateSrv().replace(v, scope.scopedVars));
    const set = XLOG_COLUMN_SETS[q.columns ?? 'dots'];
    if (q.columns !== 'all' || extra.length > 0) {
      params.columns = [...new Set([...set, ...extra])].join(',');
    }
    return params;
  }

  /** `status = ok` has no backend filter (errorsOnly covers `error`), so it is applied to the rows. */
  private keepStatus(frame: DataFrame, adhoc: AdhocFilters): DataFrame {
    if (adhoc.status !== 'ok') {
      return frame;
    }
    const status = frame.fields.find((f) => f.name === 'status');
    return keepRows(frame, (i) => textAt(status, i) === 'ok');
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
    const combos = this.fanOut(q, scope, ['service', 'instance', 'endpoint']);
    const packet = (error?: DataQueryError): DataQueryResponse => ({
      data: live.data(),
      key: q.refId,
      state: LoadingState.Streaming,
      ...(error ? { error, errors: [error] } : {}),
    });
    return timer(0, LIVE_POLL_MS).pipe(
      exhaustMap(() => {
        const to = Math.max(Date.now(), live.cursor());
        const base = this.windowParams(q, live.cursor(), to, scope, ['endTime', 'spanId']);
        return forkJoin(combos.map((filters) => this.getWindow({ ...base, ...filters }))).pipe(
          map((answers) => {
            for (const answer of answers) {
              if ('bytes' in answer) {
                live.add(this.keepStatus(windowToFrame(q.refId, answer.bytes, this.ref()), scope.adhoc));
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
  private list(type: ListQueryType, q: OspreyQuery, scope: Scope): Observable<string[]> {
    const { path, key } = LIST_PATHS[type];
    const services = type === 'services' ? undefined : this.filter(q, 'service', scope);
    return forkJoin(
      (services ?? [undefined]).map((service) =>
        this.getShaped<Record<string, string[]>>(path, key, service ? { service } : {}).pipe(map((res) => res[key]))
      )
    ).pipe(map((lists) => [...new Set(lists.flat())].sort()));
  }

  /** Values for the query editor's selects, variables and ad hoc filters; `service` may hold variables. */
  async listValues(type: ListQueryType, service?: string, scopedVars: ScopedVars = {}): Promise<string[]> {
    const q: OspreyQuery = { refId: 'list', queryType: type, service };
    return lastValueFrom(this.list(type, q, { from: 0, to: 0, scopedVars, adhoc: {} }));
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
    let health: HealthResponse;
    try {
      health = await lastValueFrom(this.getShaped<HealthResponse>(API_PATHS.health, 'version'));
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
