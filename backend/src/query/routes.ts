import {
  API_PATHS,
  ARROW_STREAM_MEDIA_TYPE,
  type EndpointsResponse,
  type InstancesResponse,
  type RedResponse,
  type ServicesResponse,
  type Trace,
  type TransactionsResponse,
} from '@osprey/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { DEFAULT_RETENTION } from '../retention/policy';
import { HttpError } from '../server/errors';
import type { Store } from '../store/store';
import { transactionsToArrow } from './arrow';
import { parseRedQuery, parseServiceFilter, parseTraceId, parseTransactionQuery } from './params';
import { redTier } from './red-tier';

export interface QueryRoutesOptions {
  store: Store;
  /** How long raw transactions are kept, ms: RED ranges inside it may use them. */
  transactionsRetentionMs?: number;
  now?: () => number;
}

function wantsArrow(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '')
    .split(',')
    .some((type) => type.split(';')[0].trim() === ARROW_STREAM_MEDIA_TYPE);
}

/**
 * Read API: services, instances, endpoints, the XLOG transaction window (JSON or Arrow IPC), RED
 * series, one trace. Needs the read scope.
 */
export async function queryRoutes(app: FastifyInstance, options: QueryRoutesOptions): Promise<void> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const transactionsRetentionMs = options.transactionsRetentionMs ?? DEFAULT_RETENTION.transactions;

  app.get(API_PATHS.services, { config: { scope: 'read' } }, async (): Promise<ServicesResponse> => {
    return { services: await store.services() };
  });

  app.get(API_PATHS.instances, { config: { scope: 'read' } }, async (request): Promise<InstancesResponse> => {
    return { instances: await store.instances(parseServiceFilter(request.query as Record<string, unknown>)) };
  });

  app.get(API_PATHS.endpoints, { config: { scope: 'read' } }, async (request): Promise<EndpointsResponse> => {
    return { endpoints: await store.endpoints(parseServiceFilter(request.query as Record<string, unknown>)) };
  });

  // Arrow carries rows only: a density answer (mode=auto over the limit) stays JSON, which the
  // client tells by the Content-Type.
  app.get(API_PATHS.transactions, { config: { scope: 'read' } }, async (request, reply) => {
    const query = parseTransactionQuery(request.query as Record<string, unknown>);
    const arrow = wantsArrow(request);
    if (arrow && query.mode === 'density') {
      throw new HttpError(406, 'not_acceptable', `mode=density has no ${ARROW_STREAM_MEDIA_TYPE} form; ask for JSON`);
    }
    const response: TransactionsResponse = await store.transactions(query);
    if (arrow && response.density === undefined) {
      return reply.type(ARROW_STREAM_MEDIA_TYPE).send(Buffer.from(transactionsToArrow(response)));
    }
    return response;
  });

  app.get(API_PATHS.red, { config: { scope: 'read' } }, async (request): Promise<RedResponse> => {
    const query = parseRedQuery(request.query as Record<string, unknown>);
    const { tier, step } = redTier(query, now(), transactionsRetentionMs);
    return store.red({ ...query, step }, tier);
  });

  app.get<{ Params: { traceId: string } }>(
    `${API_PATHS.traces}/:traceId`,
    { config: { scope: 'read' } },
    async (request): Promise<Trace> => {
      const traceId = parseTraceId(request.params.traceId);
      const spans = await store.trace(traceId);
      if (spans.length === 0) {
        throw new HttpError(404, 'not_found', `no spans stored for trace ${traceId}`);
      }
      return { traceId, spans };
    }
  );
}
