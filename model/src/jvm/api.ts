import type { AnalyzedThreadDump, ThreadDumpSummary } from './threaddump';

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

export type JvmRequestKind = 'threaddump' | 'heaphistogram';
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
