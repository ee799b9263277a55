/**
 * The Osprey backend's HTTP API as the plugins reach it: below a Grafana proxy URL (the datasource's
 * data proxy route, or the app's plugin route), one method per call, each answering the model's
 * type. Every call is shaped the same way: a GET with Grafana's own error toast off (the callers say
 * what failed), no answer within the timeout fails with TimeoutError, and a JSON answer must carry
 * the key its type promises (see expectShape).
 */
import { getBackendSrv, type BackendSrv, type BackendSrvRequest, type FetchResponse } from '@grafana/runtime';
import {
  API_PATHS,
  ARROW_STREAM_MEDIA_TYPE,
  CAPACITY_API_PATH,
  type CapacityQuery,
  type CapacityResponse,
  CHECK_API_PATHS,
  HIERARCHY_API_PATH,
  type HierarchyQuery,
  type HierarchyResponse,
  type CheckRunQuery,
  type CheckRunsResponse,
  type ChecksResponse,
  JVM_API_PATHS,
  type ActiveResponse,
  type EndpointsResponse,
  type HealthResponse,
  HOST_API_PATHS,
  type HostSnapshotCompare,
  type HostSnapshotListResponse,
  type HostSnapshotResponse,
  type HostsResponse,
  INCIDENT_API_PATH,
  type Incident,
  type IncidentCreate,
  type IncidentListResponse,
  type HeapHistogramListResponse,
  type HeapHistogramResponse,
  type HistogramDiff,
  type InstancesResponse,
  type ErrorTypesQuery,
  type ErrorTypesResponse,
  type JvmInstancesResponse,
  type JvmRequest,
  type JvmRequestCreate,
  type LogQuery,
  type LogsResponse,
  type MetricSeriesQuery,
  type MetricSeriesResponse,
  PROFILE_PATH,
  type RedQuery,
  type RedResponse,
  type ServiceMapQuery,
  type ServiceMapResponse,
  type SqlStatisticsQuery,
  type SqlStatisticsResponse,
  type SummaryQuery,
  type SummaryResponse,
  type ServicesResponse,
  SLO_API_PATH,
  type SloQuery,
  type SlosResponse,
  type ThreadDumpDiff,
  type ThreadDumpListResponse,
  type ThreadDumpResponse,
  type Trace,
  type TransactionDensity,
  type TransactionProfile,
  type TransactionsResponse,
} from '@osprey/model';
import { catchError, defer, lastValueFrom, map, type Observable, throwError, timeout } from 'rxjs';

import { describeFetchError, expectShape, TimeoutError } from './errors';
import { diffPath, oneCapturePath, type JvmTarget } from './capture-paths';

/** Seconds a backend request may take before it fails, unless the datasource's settings say otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** A query string as the backend reads it. */
export type Params = Record<string, string>;

/** The XLOG window: Arrow IPC bytes, or the density grid when mode=auto found more than the limit. */
export type WindowAnswer = { bytes: ArrayBuffer } | { density: TransactionDensity };

/** The thread dumps or heap histograms of a JVM, or of every JVM when service/instance are left out. */
export interface CaptureListQuery {
  service?: string;
  instance?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** Query values to their text, the undefined ones left out. */
function toParams(values: Record<string, string | number | boolean | undefined>): Params {
  const params: Params = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) {
      params[key] = String(value);
    }
  }
  return params;
}

/** Bytes of a JSON answer as its value, or as the text when it is not JSON (errors quote it). */
function jsonOf(bytes: ArrayBuffer): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class OspreyClient {
  /**
   * @param baseUrl the proxy URL the backend's paths go below
   * @param timeoutMs how long one request may take before it fails
   */
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly backendSrv: BackendSrv = getBackendSrv()
  ) {}

  private fetch<T>(path: string, options: Omit<BackendSrvRequest, 'url'> = {}): Observable<FetchResponse<T>> {
    const seconds = this.timeoutMs / 1000;
    return this.backendSrv
      .fetch<T>({ url: `${this.baseUrl}${path}`, method: 'GET', showErrorAlert: false, ...options })
      .pipe(
        timeout({
          first: this.timeoutMs,
          with: () => throwError(() => new TimeoutError(`no answer from ${path} within ${seconds} s`)),
        })
      );
  }

  /** A JSON answer that must carry `key`. */
  private json<T>(path: string, key: string, options: Omit<BackendSrvRequest, 'url'> = {}): Observable<T> {
    return this.fetch<unknown>(path, options).pipe(map((res) => expectShape<T>(res.data, key, path)));
  }

  private get<T>(path: string, key: string, params?: Params): Observable<T> {
    return this.json<T>(path, key, { params });
  }

  /** One dump or histogram (below `base`); a target naming neither an id nor a JVM fails unasked. */
  private oneCapture<T>(base: string, key: string, target: JvmTarget, what: string): Observable<T> {
    return defer(() => {
      const { path, params } = oneCapturePath(base, target, what);
      return this.get<T>(path, key, params);
    });
  }

  health(): Observable<HealthResponse> {
    return this.get(API_PATHS.health, 'version');
  }

  services(): Observable<ServicesResponse> {
    return this.get(API_PATHS.services, 'services');
  }

  instances(service?: string): Observable<InstancesResponse> {
    return this.get(API_PATHS.instances, 'instances', toParams({ service }));
  }

  endpoints(service?: string): Observable<EndpointsResponse> {
    return this.get(API_PATHS.endpoints, 'endpoints', toParams({ service }));
  }

  /**
   * The XLOG window (`params` as transactionParams builds them, with the filters and columns): Arrow
   * IPC bytes (the columnar answer), or the density grid when mode=auto found more transactions than
   * the limit (the backend answers that one as JSON).
   */
  window(params: Params): Observable<WindowAnswer> {
    const path = API_PATHS.transactions;
    return this.fetch<ArrayBuffer>(path, {
      params,
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

  red(query: RedQuery): Observable<RedResponse> {
    return this.get(API_PATHS.red, 'series', toParams({ ...query }));
  }

  trace(traceId: string): Observable<Trace> {
    return this.get(`${API_PATHS.traces}/${encodeURIComponent(traceId)}`, 'spans');
  }

  profile(traceId: string, spanId?: string): Observable<TransactionProfile> {
    return this.get(PROFILE_PATH(encodeURIComponent(traceId)), 'steps', toParams({ spanId }));
  }

  serviceMap(query: ServiceMapQuery): Observable<ServiceMapResponse> {
    return this.get(API_PATHS.serviceMap, 'nodes', toParams({ ...query }));
  }

  sqlStatistics(query: SqlStatisticsQuery): Observable<SqlStatisticsResponse> {
    return this.get(API_PATHS.sqlStatistics, 'statements', toParams({ ...query }));
  }

  errorTypes(query: ErrorTypesQuery): Observable<ErrorTypesResponse> {
    return this.get(API_PATHS.errorTypes, 'errorTypes', toParams({ ...query }));
  }

  summary(query: SummaryQuery): Observable<SummaryResponse> {
    return this.get(API_PATHS.summary, 'summaries', toParams({ ...query }));
  }

  active(service?: string): Observable<ActiveResponse> {
    return this.get(API_PATHS.active, 'instances', toParams({ service }));
  }

  /** OTLP metric points of the named metrics as series. */
  otelMetrics(query: MetricSeriesQuery): Observable<MetricSeriesResponse> {
    const { names, ...rest } = query;
    return this.get(API_PATHS.otelMetrics, 'series', toParams({ ...rest, name: names.join(',') }));
  }

  /** OTLP log records, newest first. */
  logs(query: LogQuery): Observable<LogsResponse> {
    return this.get(API_PATHS.logs, 'logs', toParams({ ...query }));
  }

  /** Synthetic checks with their newest run. */
  checks(): Observable<ChecksResponse> {
    return this.get(CHECK_API_PATHS.checks, 'checks');
  }

  /** Stored check runs, newest first. */
  checkRuns(query: CheckRunQuery): Observable<CheckRunsResponse> {
    return this.get(CHECK_API_PATHS.runs, 'runs', toParams({ ...query }));
  }

  /** The health hierarchy (cluster > … > instance, or host > instance) of a window. */
  hierarchy(query: HierarchyQuery): Observable<HierarchyResponse> {
    return this.get(HIERARCHY_API_PATH, 'roots', toParams({ ...query }));
  }

  /** Little's law per instance of a window. */
  capacity(query: CapacityQuery): Observable<CapacityResponse> {
    return this.get(CAPACITY_API_PATH, 'instances', toParams({ ...query }));
  }

  /** Each configured SLO's error budget over its window ending at `to`. */
  slos(query: SloQuery): Observable<SlosResponse> {
    return this.get(SLO_API_PATH, 'slos', toParams({ ...query }));
  }

  /** JVMs that sent dumps or histograms. */
  jvmInstances(service?: string): Observable<JvmInstancesResponse> {
    return this.get(JVM_API_PATHS.instances, 'instances', toParams({ service }));
  }

  /** Newest first. */
  threadDumps(query: CaptureListQuery): Observable<ThreadDumpListResponse> {
    return this.get(JVM_API_PATHS.threadDumps, 'threadDumps', toParams({ ...query }));
  }

  /** One dump by id, or the latest of service + instance. */
  threadDump(target: JvmTarget): Observable<ThreadDumpResponse> {
    return this.oneCapture(JVM_API_PATHS.threadDumps, 'threads', target, 'thread dump');
  }

  threadDumpDiff(older: string, newer: string): Observable<ThreadDumpDiff> {
    return this.get(diffPath(JVM_API_PATHS.threadDumps, older, newer), 'changed');
  }

  /** Newest first. */
  heapHistograms(query: CaptureListQuery): Observable<HeapHistogramListResponse> {
    return this.get(JVM_API_PATHS.heapHistograms, 'heapHistograms', toParams({ ...query }));
  }

  /** One histogram by id, or the latest of service + instance. */
  heapHistogram(target: JvmTarget): Observable<HeapHistogramResponse> {
    return this.oneCapture(JVM_API_PATHS.heapHistograms, 'rows', target, 'heap histogram');
  }

  heapHistogramDiff(older: string, newer: string): Observable<HistogramDiff> {
    return this.get(diffPath(JVM_API_PATHS.heapHistograms, older, newer), 'rows');
  }

  /** Hosts that sent a snapshot, by name. */
  hosts(): Observable<HostsResponse> {
    return this.get(HOST_API_PATHS.hosts, 'hosts');
  }

  /** Snapshots of a host, newest first, without their tables. */
  hostSnapshots(host: string, limit: number): Observable<HostSnapshotListResponse> {
    return this.get(HOST_API_PATHS.snapshots, 'snapshots', toParams({ host, limit }));
  }

  /** One snapshot by id, or `latest` of `host`. */
  hostSnapshot(id: string, host?: string): Observable<HostSnapshotResponse> {
    return this.get(`${HOST_API_PATHS.snapshots}/${encodeURIComponent(id)}`, 'processes', toParams({ host }));
  }

  /** What changed from one snapshot to another (either may be `latest` of `host`). */
  hostCompare(older: string, newer: string, host?: string): Observable<HostSnapshotCompare> {
    const path = `${HOST_API_PATHS.snapshots}/${encodeURIComponent(older)}/compare/${encodeURIComponent(newer)}`;
    return this.get(path, 'tcpRemotes', toParams({ host }));
  }

  /** Incident bundles, newest first. */
  incidents(): Observable<IncidentListResponse> {
    return this.get(INCIDENT_API_PATH, 'incidents');
  }

  /** Asks for an incident bundle of an instance; the answer is the incident, still collecting. */
  createIncident(body: IncidentCreate): Observable<Incident> {
    return this.json(INCIDENT_API_PATH, 'captures', { method: 'POST', data: body });
  }

  /** Asks the agent watching a JVM for a capture; the answer is the pending request. */
  createCaptureRequest(body: JvmRequestCreate): Observable<JvmRequest> {
    return this.json(JVM_API_PATHS.requests, 'status', { method: 'POST', data: body });
  }

  captureRequest(id: string): Observable<JvmRequest> {
    return this.get(`${JVM_API_PATHS.requests}/${encodeURIComponent(id)}`, 'status');
  }
}

/** What the app and the datasource's health check say about the backend. */
export interface BackendStatus {
  health: HealthResponse;
  services: string[];
}

/** Health, then services with the token: the first proves the URL, the second the token's read scope. */
export async function backendStatus(client: OspreyClient): Promise<BackendStatus> {
  let health: HealthResponse;
  try {
    health = await lastValueFrom(client.health());
  } catch (err) {
    throw new Error(describeFetchError(err, 'Health check'));
  }
  try {
    const { services } = await lastValueFrom(client.services());
    return { health, services };
  } catch (err) {
    throw new Error(describeFetchError(err, 'Reading services with the token'));
  }
}

export function describeBackendStatus({ health, services }: BackendStatus): string {
  return `Osprey ${health.version} (${health.store}) is up; the token can read ${services.length} service(s).`;
}
