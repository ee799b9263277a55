import { type Static, Type } from '@sinclair/typebox';

import { NonEmpty, Strict, StringEnum } from '../schema';
import { HeapHistogramSchema } from './histogram';
import { AnalyzedThreadDumpSchema, ThreadDumpSchema, ThreadDumpSummarySchema } from './threaddump';

const Epoch = () => Type.Number({ description: 'epoch milliseconds' });

/** Who a stored dump or histogram is of, and when it was taken (the upload time when it says none). */
const STORED_TARGET = { id: Type.String(), service: Type.String(), instance: Type.String(), takenAt: Epoch() };

/** What the backend keeps about one uploaded dump, without its threads: the list view. */
export const ThreadDumpListItemSchema = Type.Object({
  ...STORED_TARGET,
  receivedAt: Epoch(),
  format: ThreadDumpSchema.properties.format,
  jvmVersion: ThreadDumpSchema.properties.jvmVersion,
  summary: ThreadDumpSummarySchema,
});
export type ThreadDumpListItem = Static<typeof ThreadDumpListItemSchema>;

/** `POST /api/v1/jvm/threaddumps?service=&instance=` → 201. */
export const ThreadDumpCreatedSchema = Type.Object({ id: Type.String(), summary: ThreadDumpSummarySchema });
export type ThreadDumpCreated = Static<typeof ThreadDumpCreatedSchema>;

/** `GET /api/v1/jvm/threaddumps?service=&instance=&from=&to=&limit=`, newest first. */
export const ThreadDumpListResponseSchema = Type.Object({ threadDumps: Type.Array(ThreadDumpListItemSchema) });
export type ThreadDumpListResponse = Static<typeof ThreadDumpListResponseSchema>;

/** `GET /api/v1/jvm/threaddumps/{id}` (`id` may be `latest` with `?service=&instance=`). */
export const ThreadDumpResponseSchema = Type.Object({ ...AnalyzedThreadDumpSchema.properties, ...STORED_TARGET });
export type ThreadDumpResponse = Static<typeof ThreadDumpResponseSchema>;

export const JVM_REQUEST_KINDS = ['threaddump', 'heaphistogram', 'hostsnapshot'] as const;
export type JvmRequestKind = (typeof JVM_REQUEST_KINDS)[number];
export const JVM_REQUEST_STATUSES = ['pending', 'taken', 'done', 'failed'] as const;
export type JvmRequestStatus = (typeof JVM_REQUEST_STATUSES)[number];

/** Paths of the JVM API (all under the bearer-token scopes the backend README lists). */
export const JVM_API_PATHS = {
  threadDumps: '/api/v1/jvm/threaddumps',
  heapHistograms: '/api/v1/jvm/heaphistograms',
  instances: '/api/v1/jvm/instances',
  requests: '/api/v1/jvm/requests',
} as const;

/** `GET /api/v1/jvm/heaphistograms/{id}` (`id` may be `latest` with `?service=&instance=`). */
export const HeapHistogramResponseSchema = Type.Object({ ...HeapHistogramSchema.properties, ...STORED_TARGET });
export type HeapHistogramResponse = Static<typeof HeapHistogramResponseSchema>;

/** Pending requests older than this become 'failed' with error 'no agent took it'. */
export const JVM_REQUEST_TIMEOUT_MS = 5 * 60 * 1000;

export const DEFAULT_JVM_LIST_LIMIT = 100;
export const MAX_JVM_LIST_LIMIT = 10_000;

/** A service or instance name: not empty, at most 256 characters. */
const Name = () => NonEmpty({ maxLength: 256 });

/** `?service=&instance=` of an upload: both required. */
export const JvmTargetQuerySchema = Strict({ service: Name(), instance: Name() });

/** `?service=&instance=` of `{id}` reads: only with `id` = `latest`, then both required. */
export const JvmLatestQuerySchema = Strict({ service: Type.Optional(Name()), instance: Type.Optional(Name()) });

/** `?service=&instance=&from=&to=&limit=` of the dump and histogram lists (times on `takenAt`). */
export const JvmListQuerySchema = Strict({
  service: Type.Optional(Name()),
  instance: Type.Optional(Name()),
  from: Type.Optional(Type.Number({ description: 'epoch milliseconds' })),
  to: Type.Optional(Type.Number({ description: 'epoch milliseconds' })),
  limit: Type.Integer({ minimum: 1, maximum: MAX_JVM_LIST_LIMIT, default: DEFAULT_JVM_LIST_LIMIT }),
});
export type JvmListQuery = Static<typeof JvmListQuerySchema>;

export const JvmServiceFilterQuerySchema = Strict({ service: Type.Optional(Name()) });

/** `?service=&instance=&status=` of the capture request list. */
export const JvmRequestQuerySchema = Strict({
  service: Type.Optional(Name()),
  instance: Type.Optional(Name()),
  status: Type.Optional(StringEnum(JVM_REQUEST_STATUSES)),
});
export type JvmRequestQuery = Static<typeof JvmRequestQuerySchema>;

const STORED_ID = { pattern: '^[0-9a-f]{24}$', description: '24 lowercase hex digits' };
/** A stored id in the path (see the backend's `sortableId`). */
export const JvmIdParamsSchema = Type.Object({ id: Type.String(STORED_ID) });
/** A dump or histogram id, or `latest` (with `?service=&instance=`). */
export const JvmReadParamsSchema = Type.Object({
  id: Type.String({ ...STORED_ID, pattern: '^(latest|[0-9a-f]{24})$' }),
});
export const JvmDiffParamsSchema = Type.Object({ a: Type.String(STORED_ID), b: Type.String(STORED_ID) });

export const HeapHistogramListItemSchema = Type.Object({
  ...STORED_TARGET,
  receivedAt: Epoch(),
  totalBytes: Type.Number(),
  totalInstances: Type.Number(),
  classes: Type.Number(),
});
export type HeapHistogramListItem = Static<typeof HeapHistogramListItemSchema>;

/** `GET /api/v1/jvm/heaphistograms?service=&instance=&from=&to=&limit=`, newest first. */
export const HeapHistogramListResponseSchema = Type.Object({ heapHistograms: Type.Array(HeapHistogramListItemSchema) });
export type HeapHistogramListResponse = Static<typeof HeapHistogramListResponseSchema>;

/** `POST /api/v1/jvm/heaphistograms?service=&instance=` → 201. */
export const HeapHistogramCreatedSchema = Type.Object({ id: Type.String() });
export type HeapHistogramCreated = Static<typeof HeapHistogramCreatedSchema>;

/**
 * An on-demand capture asked for from Grafana (`POST /api/v1/jvm/requests`, read scope) and fulfilled
 * by the agent watching that JVM (`GET /api/v1/jvm/requests?service=&instance=&status=pending`, then
 * `POST /api/v1/jvm/requests/{id}/result`, ingest scope).
 */
export const JvmRequestSchema = Type.Object({
  id: Type.String(),
  service: Type.String(),
  instance: Type.String(),
  kind: StringEnum(JVM_REQUEST_KINDS),
  status: StringEnum(JVM_REQUEST_STATUSES),
  requestedAt: Epoch(),
  updatedAt: Epoch(),
  /** Id of the thread dump or heap histogram that fulfilled it. */
  resultId: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});
export type JvmRequest = Static<typeof JvmRequestSchema>;

/** `GET /api/v1/jvm/requests?service=&instance=&status=`, oldest first. */
export const JvmRequestsResponseSchema = Type.Object({ requests: Type.Array(JvmRequestSchema) });
export type JvmRequestsResponse = Static<typeof JvmRequestsResponseSchema>;

/** Body of `POST /api/v1/jvm/requests` → 202 JvmRequest (status pending). */
export const JvmRequestCreateSchema = Strict({
  service: Name(),
  instance: Name(),
  kind: StringEnum(JVM_REQUEST_KINDS),
});
export type JvmRequestCreate = Static<typeof JvmRequestCreateSchema>;

/** Body of `POST /api/v1/jvm/requests/{id}/result`: exactly one of the two. */
export const JvmRequestResultSchema = Type.Union([
  Strict({ resultId: Type.String(STORED_ID) }),
  Strict({ error: NonEmpty({ maxLength: 4096 }) }),
]);
export type JvmRequestResult = Static<typeof JvmRequestResultSchema>;

/** One JVM that sent a dump or a histogram. */
export const JvmInstanceSchema = Type.Object({
  service: Type.String(),
  instance: Type.String(),
  lastThreadDumpAt: Type.Optional(Epoch()),
  lastHeapHistogramAt: Type.Optional(Epoch()),
});
export type JvmInstance = Static<typeof JvmInstanceSchema>;

/** `GET /api/v1/jvm/instances?service=`, sorted by service then instance. */
export const JvmInstancesResponseSchema = Type.Object({ instances: Type.Array(JvmInstanceSchema) });
export type JvmInstancesResponse = Static<typeof JvmInstancesResponseSchema>;

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
