import {
  HeapHistogramCreatedSchema,
  HeapHistogramListResponseSchema,
  HeapHistogramResponseSchema,
  HistogramDiffSchema,
  JVM_API_PATHS,
  JvmDiffParamsSchema,
  JvmIdParamsSchema,
  JvmInstancesResponseSchema,
  JvmLatestQuerySchema,
  JvmListQuerySchema,
  type JvmRequest,
  JvmRequestCreateSchema,
  JvmRequestQuerySchema,
  JvmRequestResultSchema,
  JvmRequestSchema,
  JvmRequestsResponseSchema,
  JvmServiceFilterQuerySchema,
  JvmReadParamsSchema,
  JvmTargetQuerySchema,
  type Static,
  type JvmRequestKind,
  ThreadDumpCreatedSchema,
  ThreadDumpDiffSchema,
  ThreadDumpListResponseSchema,
  ThreadDumpResponseSchema,
} from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { inflate, rawBodies } from '../ingest/body';
import { uploadPayload } from '../ingest/log-payload';
import { type IngestObserver, NO_INGEST_OBSERVER } from '../ingest/observer';
import { reportOutcomes } from '../ingest/outcome';
import { DURABLE_SUMMARY, type IngestWriter } from '../ingest/writer';
import { diffHistograms, diffThreadDumps } from '../jvm';
import { HttpError } from '../server/errors';
import { answers, CHECKED_BY_ROUTE, RAW_BODY } from '../server/schema';
import { sortableId } from '../store/ids';
import type { JvmRequestUpdate, Store } from '../store/store';
import { checkListQuery, parseRequestCreate, parseRequestResult, readTarget } from './params';
import { heapHistogramUpload, threadDumpUpload, type UploadMeta } from './uploads';

/** What fulfils a capture request of each kind, and how to find it. */
const RESULT_OF: Record<JvmRequestKind, { what: string; read: (store: Store, id: string) => Promise<unknown> }> = {
  threaddump: { what: 'thread dump', read: (store, id) => store.threadDump(id) },
  heaphistogram: { what: 'heap histogram', read: (store, id) => store.heapHistogram(id) },
  hostsnapshot: { what: 'host snapshot', read: (store, id) => store.hostSnapshot(id) },
};

interface Options {
  store: Store;
  /** Where uploads go: the ingest log, or the store (writer.ts). */
  writer: IngestWriter;
  maxBodyBytes: number;
  observer?: IngestObserver;
}

/** A read's `{id}`, `latest` resolved through `latestOf` (see readTarget). */
async function resolveId(
  id: string,
  query: Static<typeof JvmLatestQuerySchema>,
  latestOf: (service: string, instance: string) => Promise<string | undefined>,
  what: string
): Promise<string> {
  const target = readTarget(id, query);
  if ('id' in target) {
    return target.id;
  }
  const latest = await latestOf(target.service, target.instance);
  if (latest === undefined) {
    throw new HttpError(
      404,
      'not_found',
      `no ${what} stored for service "${target.service}" instance "${target.instance}"`
    );
  }
  return latest;
}

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) {
    throw new HttpError(404, 'not_found', `no ${what} with id ${id}`);
  }
  return value;
}

/**
 * Uploads: the body is kept byte for byte, so both types arrive as a Buffer (gzip allowed). Parsed
 * before anything is written (a body that is not a dump is a 400, nothing stored), then logged as
 * meta + body (log-payload.ts) and answered 201 once durable, like a span batch.
 */
async function uploadRoutes(fastify: FastifyInstance, options: Options): Promise<void> {
  const { writer, maxBodyBytes } = options;
  rawBodies(fastify, ['text/plain', 'application/json']);
  const commit = reportOutcomes(fastify, 'jvm', options.observer ?? NO_INGEST_OBSERVER);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const upload = (ok: Parameters<typeof answers>[0]) => ({
    config: { scope: 'ingest' as const },
    schema: { summary: DURABLE_SUMMARY, querystring: JvmTargetQuerySchema, body: RAW_BODY, response: answers(ok, 201) },
  });
  const metaOf = (
    { service, instance }: Static<typeof JvmTargetQuerySchema>,
    contentType = 'text/plain'
  ): UploadMeta => {
    const receivedAt = Date.now();
    return { id: sortableId(receivedAt), service, instance, receivedAt, contentType };
  };

  app.post(JVM_API_PATHS.threadDumps, upload(ThreadDumpCreatedSchema), async (request, reply) => {
    const raw = inflate(request, request.body as unknown as Buffer, maxBodyBytes);
    const meta = metaOf(request.query, request.headers['content-type']);
    const dump = threadDumpUpload(meta, raw);
    const payload = () => uploadPayload('thread-dump', meta, raw);
    await commit(request, 1, [], () => writer.write({ threadDumps: [dump], payload }));
    const { summary } = dump.dump;
    request.log.debug({ id: meta.id, service: meta.service, threads: summary.total }, 'thread dump stored');
    reply.status(201);
    return { id: meta.id, summary };
  });

  app.post(JVM_API_PATHS.heapHistograms, upload(HeapHistogramCreatedSchema), async (request, reply) => {
    const raw = inflate(request, request.body as unknown as Buffer, maxBodyBytes);
    const meta = metaOf(request.query, request.headers['content-type']);
    const histogram = heapHistogramUpload(meta, raw);
    const payload = () => uploadPayload('heap-histogram', meta, raw);
    await commit(request, 1, [], () => writer.write({ heapHistograms: [histogram], payload }));
    const classes = histogram.histogram.rows.length;
    request.log.debug({ id: meta.id, service: meta.service, classes }, 'heap histogram stored');
    reply.status(201);
    return { id: meta.id };
  });
}

/** Reading dumps and histograms: lists, one, `latest`, raw body, diffs. */
async function readRoutes(fastify: FastifyInstance, options: Options): Promise<void> {
  const { store } = options;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const config = { scope: 'read' } as const;
  const latestDump = (service: string, instance: string) => store.latestThreadDumpId(service, instance);
  const latestHistogram = (service: string, instance: string) => store.latestHeapHistogramId(service, instance);
  const list = { querystring: JvmListQuerySchema };
  const one = { params: JvmReadParamsSchema, querystring: JvmLatestQuerySchema };
  const diff = { params: JvmDiffParamsSchema };

  app.get(
    JVM_API_PATHS.threadDumps,
    { config, schema: { ...list, response: answers(ThreadDumpListResponseSchema) } },
    async (request) => ({ threadDumps: await store.threadDumps(checkListQuery(request.query)) })
  );

  app.get(
    `${JVM_API_PATHS.threadDumps}/:id`,
    { config, schema: { ...one, response: answers(ThreadDumpResponseSchema) } },
    async (request) => {
      const id = await resolveId(request.params.id, request.query, latestDump, 'thread dump');
      return found(await store.threadDump(id), 'thread dump', id);
    }
  );

  app.get(
    `${JVM_API_PATHS.threadDumps}/:id/raw`,
    {
      config,
      schema: {
        ...one,
        produces: ['text/plain', 'application/json'],
        response: answers({ ...RAW_BODY, description: 'the dump as uploaded' } as never),
      },
    },
    async (request, reply) => {
      const id = await resolveId(request.params.id, request.query, latestDump, 'thread dump');
      const raw = found(await store.threadDumpRaw(id), 'thread dump', id);
      return reply
        .header('content-type', raw.contentType)
        .header(
          'content-disposition',
          `attachment; filename="threaddump-${id}.${raw.format === 'json' ? 'json' : 'txt'}"`
        )
        .send(Buffer.from(raw.body));
    }
  );

  app.get(
    `${JVM_API_PATHS.threadDumps}/:a/diff/:b`,
    { config, schema: { ...diff, response: answers(ThreadDumpDiffSchema) } },
    async (request) => {
      const { a, b } = request.params;
      const [older, newer] = await Promise.all([store.threadDump(a), store.threadDump(b)]);
      return diffThreadDumps(found(older, 'thread dump', a), found(newer, 'thread dump', b));
    }
  );

  app.get(
    JVM_API_PATHS.heapHistograms,
    { config, schema: { ...list, response: answers(HeapHistogramListResponseSchema) } },
    async (request) => ({ heapHistograms: await store.heapHistograms(checkListQuery(request.query)) })
  );

  app.get(
    `${JVM_API_PATHS.heapHistograms}/:id`,
    { config, schema: { ...one, response: answers(HeapHistogramResponseSchema) } },
    async (request) => {
      const id = await resolveId(request.params.id, request.query, latestHistogram, 'heap histogram');
      return found(await store.heapHistogram(id), 'heap histogram', id);
    }
  );

  app.get(
    `${JVM_API_PATHS.heapHistograms}/:a/diff/:b`,
    { config, schema: { ...diff, response: answers(HistogramDiffSchema) } },
    async (request) => {
      const { a, b } = request.params;
      const [older, newer] = await Promise.all([store.heapHistogram(a), store.heapHistogram(b)]);
      return diffHistograms(found(older, 'heap histogram', a), found(newer, 'heap histogram', b));
    }
  );

  app.get(
    JVM_API_PATHS.instances,
    { config, schema: { querystring: JvmServiceFilterQuerySchema, response: answers(JvmInstancesResponseSchema) } },
    async (request) => ({ instances: await store.jvmInstances(request.query.service) })
  );
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
async function requestRoutes(fastify: FastifyInstance, options: Options): Promise<void> {
  const { store, writer } = options;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
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
  const agents = { scope: ['read', 'ingest'] } as const;
  const byId = { params: JvmIdParamsSchema, response: answers(JvmRequestSchema) };
  // The capture bodies are checked by parseRequestCreate / parseRequestResult, whose `body field "x"`
  // wording agents read; the schemas document them (CHECKED_BY_ROUTE keeps Ajv out).
  const checkedBy = (schema: object) => ({ ...schema, [CHECKED_BY_ROUTE]: true });

  app.post(
    JVM_API_PATHS.requests,
    {
      config: { scope: 'read' },
      schema: { body: checkedBy(JvmRequestCreateSchema), response: answers(JvmRequestSchema, 202) },
    },
    async (request, reply) => {
      const body = parseRequestCreate(request.body);
      const now = Date.now();
      const created = await store.createJvmRequest({ ...body, id: sortableId(now), now });
      reply.status(202);
      return created;
    }
  );

  app.get(
    JVM_API_PATHS.requests,
    { config: agents, schema: { querystring: JvmRequestQuerySchema, response: answers(JvmRequestsResponseSchema) } },
    async (request) => ({ requests: await store.jvmRequests(request.query, Date.now()) })
  );

  app.get(`${JVM_API_PATHS.requests}/:id`, { config: agents, schema: byId }, async (request) => {
    const { id } = request.params;
    return found(await store.jvmRequest(id, Date.now()), 'capture request', id);
  });

  app.post(`${JVM_API_PATHS.requests}/:id/claim`, { config: { scope: 'ingest' }, schema: byId }, async (request) => {
    const { id } = request.params;
    return updated(await store.claimJvmRequest(id, Date.now()), id, 'claim');
  });

  app.post(
    `${JVM_API_PATHS.requests}/:id/result`,
    { config: { scope: 'ingest' }, schema: { ...byId, body: checkedBy(JvmRequestResultSchema) } },
    async (request) => {
      const { id } = request.params;
      const result = parseRequestResult(request.body);
      if ('resultId' in result) {
        // The agent uploaded the result just before: read it as the read routes would, once loaded.
        await writer.caughtUp();
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
