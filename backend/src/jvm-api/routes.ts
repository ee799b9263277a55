import {
  type HeapHistogramCreated,
  type HeapHistogramListResponse,
  type HeapHistogramResponse,
  type HistogramDiff,
  JVM_API_PATHS,
  type JvmInstancesResponse,
  type JvmRequest,
  type JvmRequestKind,
  type JvmRequestsResponse,
  type ThreadDumpCreated,
  type ThreadDumpDiff,
  type ThreadDumpListResponse,
  type ThreadDumpResponse,
} from '@osprey/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { inflate, rawBodies } from '../ingest/body';
import { type IngestObserver, NO_INGEST_OBSERVER } from '../ingest/observer';
import { reportOutcomes } from '../ingest/outcome';
import {
  analyzeThreadDump,
  diffHistograms,
  diffThreadDumps,
  JvmParseError,
  parseClassHistogram,
  parseThreadDump,
} from '../jvm';
import { HttpError } from '../server/errors';
import { sortableId } from '../store/ids';
import type { JvmRequestUpdate, Store } from '../store/store';
import {
  parseId,
  parseJvmListQuery,
  parseRequestCreate,
  parseRequestQuery,
  parseRequestResult,
  parseServiceFilter,
  parseTarget,
} from './params';

/** What fulfils a capture request of each kind, and how to find it. */
const RESULT_OF: Record<JvmRequestKind, { what: string; read: (store: Store, id: string) => Promise<unknown> }> = {
  threaddump: { what: 'thread dump', read: (store, id) => store.threadDump(id) },
  heaphistogram: { what: 'heap histogram', read: (store, id) => store.heapHistogram(id) },
  hostsnapshot: { what: 'host snapshot', read: (store, id) => store.hostSnapshot(id) },
};

interface Options {
  store: Store;
  maxBodyBytes: number;
  observer?: IngestObserver;
}

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

/** Runs a parser; a JvmParseError (the body is not what it claims) becomes a 400 with its message. */
function parseBody<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof JvmParseError) {
      throw new HttpError(400, 'bad_request', err.message);
    }
    throw err;
  }
}

/**
 * A path id: a stored id, or `latest` with `?service=&instance=` (resolved by `latestOf`).
 * Other query parameters are refused so a typo does not silently pick another dump.
 */
async function resolveId(
  request: IdRequest,
  value: string,
  latestOf: (service: string, instance: string) => Promise<string | undefined>,
  what: string
): Promise<string> {
  if (value === 'latest') {
    const { service, instance } = parseTarget(request.query);
    const id = await latestOf(service, instance);
    if (id === undefined) {
      throw new HttpError(404, 'not_found', `no ${what} stored for service "${service}" instance "${instance}"`);
    }
    return id;
  }
  if (Object.keys(request.query).length > 0) {
    throw new HttpError(
      400,
      'bad_request',
      `query parameters are only for "latest" (got ${Object.keys(request.query).join(', ')})`
    );
  }
  return parseId(value);
}

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) {
    throw new HttpError(404, 'not_found', `no ${what} with id ${id}`);
  }
  return value;
}

/** Uploads: the body is kept byte for byte, so both types arrive as a Buffer (gzip allowed). */
async function uploadRoutes(app: FastifyInstance, options: Options): Promise<void> {
  const { store, maxBodyBytes } = options;
  rawBodies(app, ['text/plain', 'application/json']);
  const commit = reportOutcomes(app, 'jvm', options.observer ?? NO_INGEST_OBSERVER);

  app.post(
    JVM_API_PATHS.threadDumps,
    { config: { scope: 'ingest' } },
    async (request, reply): Promise<ThreadDumpCreated> => {
      const { service, instance } = parseTarget(request.query as Record<string, unknown>);
      const raw = inflate(request, request.body as Buffer, maxBodyBytes);
      const analysed = parseBody(() => analyzeThreadDump(parseThreadDump(raw.toString('utf8'))));
      const receivedAt = Date.now();
      const takenAt = analysed.takenAt ?? receivedAt;
      const id = sortableId(receivedAt);
      await commit(request, 1, [], () =>
        store.insertThreadDump({
          id,
          service,
          instance,
          takenAt,
          receivedAt,
          dump: { ...analysed, service, instance, takenAt },
          raw,
          contentType: request.headers['content-type'] ?? 'text/plain',
        })
      );
      request.log.debug({ id, service, instance, threads: analysed.summary.total }, 'thread dump stored');
      reply.status(201);
      return { id, summary: analysed.summary };
    }
  );

  app.post(
    JVM_API_PATHS.heapHistograms,
    { config: { scope: 'ingest' } },
    async (request, reply): Promise<HeapHistogramCreated> => {
      const { service, instance } = parseTarget(request.query as Record<string, unknown>);
      const raw = inflate(request, request.body as Buffer, maxBodyBytes);
      const histogram = parseBody(() => parseClassHistogram(raw.toString('utf8')));
      const receivedAt = Date.now();
      const takenAt = histogram.takenAt ?? receivedAt;
      const id = sortableId(receivedAt);
      await commit(request, 1, [], () =>
        store.insertHeapHistogram({
          id,
          service,
          instance,
          takenAt,
          receivedAt,
          histogram: { ...histogram, service, instance, takenAt },
          raw,
        })
      );
      request.log.debug({ id, service, instance, classes: histogram.rows.length }, 'heap histogram stored');
      reply.status(201);
      return { id };
    }
  );
}

/** Reading dumps and histograms: lists, one, `latest`, raw body, diffs. */
async function readRoutes(app: FastifyInstance, options: Options): Promise<void> {
  const { store } = options;
  const latestDump = (service: string, instance: string) => store.latestThreadDumpId(service, instance);
  const latestHistogram = (service: string, instance: string) => store.latestHeapHistogramId(service, instance);

  app.get(
    JVM_API_PATHS.threadDumps,
    { config: { scope: 'read' } },
    async (request): Promise<ThreadDumpListResponse> => ({
      threadDumps: await store.threadDumps(parseJvmListQuery(request.query as Record<string, unknown>)),
    })
  );

  app.get(
    `${JVM_API_PATHS.threadDumps}/:id`,
    { config: { scope: 'read' } },
    async (request): Promise<ThreadDumpResponse> => {
      const req = request as IdRequest;
      const id = await resolveId(req, req.params.id, latestDump, 'thread dump');
      return found(await store.threadDump(id), 'thread dump', id);
    }
  );

  app.get(`${JVM_API_PATHS.threadDumps}/:id/raw`, { config: { scope: 'read' } }, async (request, reply) => {
    const req = request as IdRequest;
    const id = await resolveId(req, req.params.id, latestDump, 'thread dump');
    const raw = found(await store.threadDumpRaw(id), 'thread dump', id);
    return reply
      .header('content-type', raw.contentType)
      .header(
        'content-disposition',
        `attachment; filename="threaddump-${id}.${raw.format === 'json' ? 'json' : 'txt'}"`
      )
      .send(Buffer.from(raw.body));
  });

  app.get<{ Params: { a: string; b: string } }>(
    `${JVM_API_PATHS.threadDumps}/:a/diff/:b`,
    { config: { scope: 'read' } },
    async (request): Promise<ThreadDumpDiff> => {
      const a = parseId(request.params.a, 'a');
      const b = parseId(request.params.b, 'b');
      const [older, newer] = await Promise.all([store.threadDump(a), store.threadDump(b)]);
      return diffThreadDumps(found(older, 'thread dump', a), found(newer, 'thread dump', b));
    }
  );

  app.get(
    JVM_API_PATHS.heapHistograms,
    { config: { scope: 'read' } },
    async (request): Promise<HeapHistogramListResponse> => ({
      heapHistograms: await store.heapHistograms(parseJvmListQuery(request.query as Record<string, unknown>)),
    })
  );

  app.get(
    `${JVM_API_PATHS.heapHistograms}/:id`,
    { config: { scope: 'read' } },
    async (request): Promise<HeapHistogramResponse> => {
      const req = request as IdRequest;
      const id = await resolveId(req, req.params.id, latestHistogram, 'heap histogram');
      return found(await store.heapHistogram(id), 'heap histogram', id);
    }
  );

  app.get<{ Params: { a: string; b: string } }>(
    `${JVM_API_PATHS.heapHistograms}/:a/diff/:b`,
    { config: { scope: 'read' } },
    async (request): Promise<HistogramDiff> => {
      const a = parseId(request.params.a, 'a');
      const b = parseId(request.params.b, 'b');
      const [older, newer] = await Promise.all([store.heapHistogram(a), store.heapHistogram(b)]);
      return diffHistograms(found(older, 'heap histogram', a), found(newer, 'heap histogram', b));
    }
  );

  app.get(JVM_API_PATHS.instances, { config: { scope: 'read' } }, async (request): Promise<JvmInstancesResponse> => ({
    instances: await store.jvmInstances(parseServiceFilter(request.query as Record<string, unknown>)),
  }));
}

function updated(update: JvmRequestUpdate, id: string, action: string): JvmRequest {
  if (update.outcome === 'missing') {
    throw new HttpError(404, 'not_found', `no capture request with id ${id}`);
  }
  if (update.outcome === 'conflict') {
    throw new HttpError(409, 'conflict', `capture request ${id} is ${update.request.status}, cannot ${action} it`);
  }
  return update.request;
}

/**
 * On-demand capture. Grafana asks with its read token (asking is harmless); the agent of that JVM
 * lists pending requests, claims one (pending → taken once: see duckdb-jvm.ts and
 * clickhouse/jvm-requests.ts for how), uploads, and reports the result.
 */
async function requestRoutes(app: FastifyInstance, options: Options): Promise<void> {
  const { store } = options;
  // Claims carry no body, and HTTP clients often still say application/json: an empty body is no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new HttpError(400, 'bad_request', `body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  app.post(JVM_API_PATHS.requests, { config: { scope: 'read' } }, async (request, reply): Promise<JvmRequest> => {
    const body = parseRequestCreate(request.body);
    const now = Date.now();
    const created = await store.createJvmRequest({ ...body, id: sortableId(now), now });
    reply.status(202);
    return created;
  });

  app.get(
    JVM_API_PATHS.requests,
    { config: { scope: ['read', 'ingest'] } },
    async (request): Promise<JvmRequestsResponse> => ({
      requests: await store.jvmRequests(parseRequestQuery(request.query as Record<string, unknown>), Date.now()),
    })
  );

  app.get<{ Params: { id: string } }>(
    `${JVM_API_PATHS.requests}/:id`,
    { config: { scope: ['read', 'ingest'] } },
    async (request): Promise<JvmRequest> => {
      const id = parseId(request.params.id);
      return found(await store.jvmRequest(id, Date.now()), 'capture request', id);
    }
  );

  app.post<{ Params: { id: string } }>(
    `${JVM_API_PATHS.requests}/:id/claim`,
    { config: { scope: 'ingest' } },
    async (request): Promise<JvmRequest> => {
      const id = parseId(request.params.id);
      return updated(await store.claimJvmRequest(id, Date.now()), id, 'claim');
    }
  );

  app.post<{ Params: { id: string } }>(
    `${JVM_API_PATHS.requests}/:id/result`,
    { config: { scope: 'ingest' } },
    async (request): Promise<JvmRequest> => {
      const id = parseId(request.params.id);
      const result = parseRequestResult(request.body);
      if ('resultId' in result) {
        const current = found(await store.jvmRequest(id, Date.now()), 'capture request', id);
        const fulfilment = RESULT_OF[current.kind];
        if ((await fulfilment.read(store, result.resultId)) === undefined) {
          throw new HttpError(
            400,
            'bad_request',
            `body field "resultId": no ${fulfilment.what} with id ${result.resultId}`
          );
        }
      }
      return updated(await store.finishJvmRequest(id, result, Date.now()), id, 'finish');
    }
  );
}

/** The JVM API (`/api/v1/jvm/*`). Registered inside the authenticated context; each route names its scope. */
export async function jvmRoutes(app: FastifyInstance, options: Options): Promise<void> {
  await app.register(uploadRoutes, options);
  await app.register(readRoutes, options);
  await app.register(requestRoutes, options);
}
