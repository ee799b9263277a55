import { API_PATHS, DEFAULT_APDEX_T_MS, ServiceMapQuerySchema, ServiceMapResponseSchema } from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { answers } from '../server/schema';
import type { Store } from '../store/store';
import { checkServiceMapWindow } from './params';

/**
 * `GET /api/v1/servicemap?from=&to=[&apdexT=]`: nodes and edges of settled traces, each service with
 * its Apdex (T default 500 ms). Needs the read scope.
 */
export async function serviceMapRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    API_PATHS.serviceMap,
    {
      config: { scope: 'read' },
      schema: { querystring: ServiceMapQuerySchema, response: answers(ServiceMapResponseSchema) },
    },
    async (request) => {
      checkServiceMapWindow(request.query);
      const { from, to, apdexT = DEFAULT_APDEX_T_MS } = request.query;
      return options.store.serviceMap(from, to, apdexT);
    }
  );
}
