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
  type JvmListQuery,
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
  type TSchema,
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
  threaddump: { what: 'thread dump', read: (store, id) => store.captures.threadDump(id) },
  heaphistogram: { what: 'heap histogram', read: (store, id) => store.captures.heapHistogram(id) },
  hostsnapshot: { what: 'host snapshot', read: (store, id) => store.captures.hostSnapshot(id) },
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

/** One kind of JVM capture as the read routes serve it: its reads from the store, its diff. */
interface CaptureReads<L, T, D> {
  /** Its path in JVM_API_PATHS, and its list answer's key. */
  kind: CaptureKind;
  responses: { list: TSchema; one: TSchema; diff: TSchema };
  list: (query: JvmListQuery) => Promise<L[]>;
  one: (id: string) => Promise<T | undefined>;
  /** The capture as uploaded, where the store keeps it. */
  raw?: (id: string) => Promise<{ body: Uint8Array; contentType: string; format: 'text' | 'json' } | undefined>;
  latest: (service: string, instance: string) => Promise<string | undefined>;
  diff: (older: T, newer: T) => D;
}

type CaptureKind = 'threadDumps' | 'heapHistograms';

/** What the 404s call each kind. */
const CAPTURE_NAMES: Record<CaptureKind, string> = { threadDumps: 'thread dump', heapHistograms: 'heap histogram' };

const READ = { scope: 'read' } as const;
const ONE = { params: JvmReadParamsSchema, querystring: JvmLatestQuerySchema };

/** The list of a capture kind, one capture by id or `latest` (and its raw body), and the diff of two. */
function captureReadRoutes<L, T, D>(fastify: FastifyInstance, c: CaptureReads<L, T, D>): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = JVM_API_PATHS[c.kind];
  const what = CAPTURE_NAMES[c.kind];
  app.get(
    base,
    { config: READ, schema: { querystring: JvmListQuerySchema, response: answers(c.responses.list) } },
    async (request) => ({ [c.kind]: await c.list(checkListQuery(request.query)) })
  );
  app.get(`${base}/:id`, { config: READ, schema: { ...ONE, response: answers(c.responses.one) } }, async (request) => {
    const id = await resolveId(request.params.id, request.query, c.latest, what);
    return found(await c.one(id), what, id);
  });
  const { raw } = c;
  if (raw) {
    app.get(
      `${base}/:id/raw`,
      {
        config: READ,
        schema: {
          ...ONE,
          produces: ['text/plain', 'application/json'],
          response: answers({ ...RAW_BODY, description: `the ${what} as uploaded` } as never),
        },
      },
      async (request, reply) => {
        const id = await resolveId(request.params.id, request.query, c.latest, what);
        const { body, contentType, format } = found(await raw(id), what, id);
        const file = `${what.replace(' ', '')}-${id}.${format === 'json' ? 'json' : 'txt'}`;
        return reply
          .header('content-type', contentType)
          .header('content-disposition', `attachment; filename="${file}"`)
          .send(Buffer.from(body));
      }
    );
  }
  app.get(
    `${base}/:a/diff/:b`,
    { config: READ, schema: { params: JvmDiffParamsSchema, response: answers(c.responses.diff) } },
    async (request) => {
      const { a, b } = request.params;
      const [older, newer] = await Promise.all([c.one(a), c.one(b)]);
      return c.diff(found(older, what, a), found(newer, what, b));
    }
  );
}

/** Reading dumps and histograms: lists, one, `latest`, raw body, diffs. */
async function readRoutes(fastify: FastifyInstance, options: Options): Promise<void> {
  const { store } = options;
  captureReadRoutes(fastify, {
    kind: 'threadDumps',
    responses: { list: ThreadDumpListResponseSchema, one: ThreadDumpResponseSchema, diff: ThreadDumpDiffSchema },
    list: (query) => store.captures.threadDumps(query),
    one: (id) => store.captures.threadDump(id),
    raw: (id) => store.captures.threadDumpRaw(id),
    latest: (service, instance) => store.captures.latestThreadDumpId(service, instance),
    diff: diffThreadDumps,
  });
  captureReadRoutes(fastify, {
    kind: 'heapHistograms',
    responses: { list: HeapHistogramListResponseSchema, one: HeapHistogramResponseSchema, diff: HistogramDiffSchema },
    list: (query) => store.captures.heapHistograms(query),
    one: (id) => store.captures.heapHistogram(id),
    latest: (service, instance) => store.captures.latestHeapHistogramId(service, instance),
    diff: diffHistograms,
  });
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    JVM_API_PATHS.instances,
    {
      config: READ,
      schema: { querystring: JvmServiceFilterQuerySchema, response: answers(JvmInstancesResponseSchema) },
    },
    async (request) => ({ instances: await store.captures.jvmInstances(request.query.service) })
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
 * lists pending requests, claims one (pending → taken once: see duckdb/jvm.ts and
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
