import {
  ActiveQuerySchema,
  ActiveResponseSchema,
  ActiveSnapshotSchema,
  API_PATHS,
  NoContentSchema,
} from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { jsonBodies } from '../ingest/body';
import { type IngestRouteOptions, reportOutcomes } from '../ingest/outcome';
import { answers, schemaErrorFormatter } from '../server/schema';
import { type ActiveOptions, activeAnswer } from './answer';
import { normaliseSnapshot } from './snapshot';

/**
 * Active services: agents POST what runs on their instance right now (204 once committed); Grafana
 * GETs each instance's in-flight requests from its best fresh source (answer.ts), counted into
 * equalizer buckets.
 */
export async function activeRoutes(
  fastify: FastifyInstance,
  options: IngestRouteOptions & { active: ActiveOptions }
): Promise<void> {
  // Two contexts: only the POST is an ingest batch whose refusals the observer counts.
  await fastify.register(async (ingest) => {
    jsonBodies(ingest, options.maxBodyBytes);
    const commit = reportOutcomes(ingest, 'active', options.observer);
    ingest.withTypeProvider<TypeBoxTypeProvider>().post(
      API_PATHS.active,
      {
        config: { scope: 'ingest' },
        schema: { body: ActiveSnapshotSchema, response: answers(NoContentSchema, 204) },
        schemaErrorFormatter: schemaErrorFormatter(''),
      },
      async (request, reply) => {
        const snapshot = normaliseSnapshot(request.body);
        await commit(request, 1, [], () => options.store.insertActiveSnapshot(snapshot, Date.now()));
        return reply.status(204).send();
      }
    );
  });

  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    API_PATHS.active,
    {
      config: { scope: 'read' },
      schema: { querystring: ActiveQuerySchema, response: answers(ActiveResponseSchema) },
    },
    async (request) => activeAnswer(options.store, options.active, request.query.service)
  );
}
