import { SLO_API_PATH, type SloDefinition, SloQuerySchema, type SlosResponse, SlosResponseSchema } from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { sloStatus } from '../derive/slo-budget';
import { answers } from '../server/schema';
import type { Store } from '../store/store';

/**
 * `GET /api/v1/slos` (read): each configured SLO with its error budget over its window ending at
 * `to` (default now). SLOs of one window length share one read of the rollups.
 */
export async function sloRoutes(
  fastify: FastifyInstance,
  options: { store: Store; slos: readonly SloDefinition[]; now?: () => number }
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    SLO_API_PATH,
    { config: { scope: 'read' }, schema: { querystring: SloQuerySchema, response: answers(SlosResponseSchema) } },
    async (request): Promise<SlosResponse> => {
      const to = request.query.to ?? (options.now ?? Date.now)();
      const windows = [...new Set(options.slos.map((slo) => slo.windowMs))];
      const buckets = new Map(
        await Promise.all(
          windows.map(async (ms) => [ms, await options.store.health.endpointLatency(to - ms, to)] as const)
        )
      );
      return {
        slos: options.slos.map((slo) => sloStatus(slo, buckets.get(slo.windowMs)!, { from: to - slo.windowMs, to })),
      };
    }
  );
}
