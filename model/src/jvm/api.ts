import type { AnalyzedThreadDump, ThreadDumpSummary } from './threaddump';
import type { HeapHistogram } from './histogram';

/** What the backend keeps about one uploaded dump, without its threads: the list view. */
export interface ThreadDumpListItem {
  id: string;
  service: string;
  instance: string;
  /** Epoch ms: the dump's own timestamp, or the upload time when the dump has none. */
  takenAt: number;
  receivedAt: number;
  format: 'text' | 'json';
  jvmVersion?: string;
  summary: ThreadDumpSummary;
}

/** `POST /api/v1/jvm/threaddumps?service=&instance=` → 201. */
export interface ThreadDumpCreated {
  id: string;
  summary: ThreadDumpSummary;
}

/** `GET /api/v1/jvm/threaddumps?service=&instance=&from=&to=&limit=`, newest first. */
export interface ThreadDumpListResponse {
  threadDumps: ThreadDumpListItem[];
}

/** `GET /api/v1/jvm/threaddumps/{id}` (`id` may be `latest` with `?service=&instance=`). */
export type ThreadDumpResponse = AnalyzedThreadDump & {
  id: string;
  service: string;
  instance: string;
  takenAt: number;
};

export interface HeapHistogramListItem {
  id: string;
  service: string;
  instance: string;
  takenAt: number;
  receivedAt: number;
  totalBytes: number;
  totalInstances: number;
  classes: number;
}

/** `GET /api/v1/jvm/heaphistograms?service=&instance=&from=&to=&limit=`, newest first. */
export interface HeapHistogramListResponse {
  heapHistograms: HeapHistogramListItem[];
}

/** `POST /api/v1/jvm/heaphistograms?service=&instance=` → 201. */
export interface HeapHistogramCreated {
  id: string;
}

export type JvmRequestKind = 'threaddump' | 'heaphistogram' | 'hostsnapshot';
export type JvmRequestStatus = 'pending' | 'taken' | 'done' | 'failed';

/**
 * An on-demand capture asked for from Grafana (`POST /api/v1/jvm/requests`, read scope) and fulfilled
 * by the agent watching that JVM (`GET /api/v1/jvm/requests?service=&instance=&status=pending`, then
 * `POST /api/v1/jvm/requests/{id}/result`, ingest scope).
 */
export interface JvmRequest {
  id: string;
  service: string;
  instance: string;
  kind: JvmRequestKind;
  status: JvmRequestStatus;
  requestedAt: number;
  updatedAt: number;
  /** Id of the thread dump or heap histogram that fulfilled it. */
  resultId?: string;
  error?: string;
}

/** Paths of the JVM API (all under the bearer-token scopes the backend README lists). */
export const JVM_API_PATHS = {
  threadDumps: '/api/v1/jvm/threaddumps',
  heapHistograms: '/api/v1/jvm/heaphistograms',
  instances: '/api/v1/jvm/instances',
  requests: '/api/v1/jvm/requests',
} as const;

/** `GET /api/v1/jvm/heaphistograms/{id}` (`id` may be `latest` with `?service=&instance=`). */
export type HeapHistogramResponse = HeapHistogram & {
  id: string;
  service: string;
  instance: string;
  takenAt: number;
};

/** One JVM that sent a dump or a histogram. */
export interface JvmInstance {
  service: string;
  instance: string;
  lastThreadDumpAt?: number;
  lastHeapHistogramAt?: number;
}

/** `GET /api/v1/jvm/instances?service=`, sorted by service then instance. */
export interface JvmInstancesResponse {
  instances: JvmInstance[];
}

/** Body of `POST /api/v1/jvm/requests` → 202 JvmRequest (status pending). */
export interface JvmRequestCreate {
  service: string;
  instance: string;
  kind: JvmRequestKind;
}

/** `GET /api/v1/jvm/requests?service=&instance=&status=`, oldest first. */
export interface JvmRequestsResponse {
  requests: JvmRequest[];
}

/** Body of `POST /api/v1/jvm/requests/{id}/result`: exactly one of the two. */
export type JvmRequestResult = { resultId: string } | { error: string };

/** Pending requests older than this become 'failed' with error 'no agent took it'. */
export const JVM_REQUEST_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Body of `POST /api/v1/jvm/threaddumps` (as `application/json`) for a JVM with Thread.dump_to_file
 * (JDK 21+): its `Thread.print -l` text, which has lock owners, ownable synchronizers and the JVM's
 * deadlock report, and a `Thread.dump_to_file` (JSON or text) taken right after, which adds the
 * virtual threads. Stored as one dump, `source: 'merged'`. `osprey` comes first, so the backend tells
 * it from a jcmd JSON dump by its opening bytes.
 */
export interface MergedThreadDumpUpload {
  osprey: typeof MERGED_THREAD_DUMP_TAG;
  threadPrint: string;
  dumpToFile: string;
}

export const MERGED_THREAD_DUMP_TAG = 'merged-thread-dump/1';
