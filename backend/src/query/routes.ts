import {
  API_PATHS,
  ARROW_STREAM_MEDIA_TYPE,
  EndpointsResponseSchema,
  InstancesResponseSchema,
  NoQuerySchema,
  RedQuerySchema,
  RedResponseSchema,
  ServiceFilterQuerySchema,
  ServicesResponseSchema,
  TRANSACTION_COLUMN_NAMES,
  TraceParamsSchema,
  TraceSchema,
  type Transaction,
  type TransactionColumn,
  TransactionQueryStringSchema,
  type TransactionsResponse,
  TransactionsResponseSchema,
} from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { DEFAULT_RETENTION } from '../retention/policy';
import { HttpError } from '../server/errors';
import { answers, RAW_BODY } from '../server/schema';
import type { Store } from '../store/store';
import { windowToArrow } from './arrow';
import { parseRedQuery, parseTransactionQuery } from './params';
import { bandedRed, redTier } from './red-tier';

export interface QueryRoutesOptions {
  store: Store;
  /** How long raw transactions are kept, ms: RED ranges inside it may use them. */
  transactionsRetentionMs?: number;
  now?: () => number;
}

/** The media types an Accept header lists, without parameters. */
function accepted(request: FastifyRequest): string[] {
  return (request.headers.accept ?? '').split(',').map((type) => type.split(';')[0].trim().toLowerCase());
}

/**
 * Arrow when asked for; JSON when asked for, for any type, or with no Accept; anything else is
 * refused (406) rather than answered in a format the client said it cannot read.
 */
function transactionsFormat(request: FastifyRequest): 'arrow' | 'json' {
  const types = accepted(request).filter((type) => type !== '');
  if (types.includes(ARROW_STREAM_MEDIA_TYPE)) {
    return 'arrow';
  }
  if (types.length === 0 || types.some((type) => JSON_TYPES.has(type))) {
    return 'json';
  }
  throw new HttpError(
    406,
    'not_acceptable',
    `the transactions answer is application/json or ${ARROW_STREAM_MEDIA_TYPE}; Accept was ${JSON.stringify(request.headers.accept)}`
  );
}

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*']);

/** A row answer keeping only the asked fields (`columns=` on the JSON form). */
function pickColumns(response: TransactionsResponse, columns: readonly TransactionColumn[]): TransactionsResponse {
  const transactions = response.transactions.map(
    (tx) =>
      Object.fromEntries(columns.filter((c) => tx[c] !== undefined).map((c) => [c, tx[c]])) as unknown as Transaction
  );
  return { ...response, transactions };
}

/**
 * Read API: services, instances, endpoints, the XLOG transaction window (JSON or Arrow IPC), RED
 * series, one trace. Needs the read scope.
 */
export async function queryRoutes(fastify: FastifyInstance, options: QueryRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = options;
  const now = options.now ?? Date.now;
  const transactionsRetentionMs = options.transactionsRetentionMs ?? DEFAULT_RETENTION.transactions;
  const config = { scope: 'read' } as const;

  app.get(
    API_PATHS.services,
    { config, schema: { querystring: NoQuerySchema, response: answers(ServicesResponseSchema) } },
    async () => {
      return { services: await store.services() };
    }
  );

  const lists = { querystring: ServiceFilterQuerySchema };
  app.get(
    API_PATHS.instances,
    { config, schema: { ...lists, response: answers(InstancesResponseSchema) } },
    async (request) => ({ instances: await store.instances(request.query.service) })
  );

  app.get(
    API_PATHS.endpoints,
    { config, schema: { ...lists, response: answers(EndpointsResponseSchema) } },
    async (request) => ({ endpoints: await store.endpoints(request.query.service) })
  );

  // The Arrow form is the columnar window (store.transactionWindow): typed columns straight from the
  // store, streamed in batches. A density answer (mode=auto over the limit) stays JSON, which the
  // client tells by the Content-Type.
  app.get(
    API_PATHS.transactions,
    {
      config,
      schema: {
        querystring: TransactionQueryStringSchema,
        produces: ['application/json', ARROW_STREAM_MEDIA_TYPE],
        response: {
          ...answers(TransactionsResponseSchema),
          200: {
            description: `rows or a density grid as JSON; with Accept: ${ARROW_STREAM_MEDIA_TYPE}, the window as an Arrow IPC stream`,
            content: {
              'application/json': { schema: TransactionsResponseSchema },
              [ARROW_STREAM_MEDIA_TYPE]: { schema: RAW_BODY },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { columns, ...query } = parseTransactionQuery(request.query);
      if (transactionsFormat(request) === 'json') {
        const response = await store.transactions(query);
        return columns ? pickColumns(response, columns) : response;
      }
      if (query.mode === 'density') {
        throw new HttpError(406, 'not_acceptable', `mode=density has no ${ARROW_STREAM_MEDIA_TYPE} form; ask for JSON`);
      }
      const answer = await store.transactionWindow(query, columns ?? TRANSACTION_COLUMN_NAMES);
      if (answer.kind === 'density') {
        return { transactions: [], truncated: true, density: answer.density } satisfies TransactionsResponse;
      }
      return reply.type(ARROW_STREAM_MEDIA_TYPE).send(windowToArrow(answer));
    }
  );

  app.get(
    API_PATHS.red,
    { config, schema: { querystring: RedQuerySchema, response: answers(RedResponseSchema) } },
    async (request) => {
      const { band, ...query } = parseRedQuery(request.query);
      if (band === true) {
        return bandedRed(store, query);
      }
      const { tier, step } = redTier(query, now(), transactionsRetentionMs);
      return store.red({ ...query, step }, tier);
    }
  );

  app.get(
    `${API_PATHS.traces}/:traceId`,
    { config, schema: { params: TraceParamsSchema, response: answers(TraceSchema) } },
    async (request) => {
      const traceId = request.params.traceId.toLowerCase();
      const spans = await store.trace(traceId);
      if (spans.length === 0) {
        throw new HttpError(404, 'not_found', `no spans stored for trace ${traceId}`);
      }
      return { traceId, spans };
    }
  );
}
