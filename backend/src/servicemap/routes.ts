import { API_PATHS, ServiceMapQuerySchema, ServiceMapResponseSchema } from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { answers } from '../server/schema';
import type { Store } from '../store/store';
import { checkServiceMapWindow } from './params';

/** `GET /api/v1/servicemap?from=&to=`: nodes and edges of settled traces. Needs the read scope. */
export async function serviceMapRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    API_PATHS.serviceMap,
    {
      config: { scope: 'read' },
      schema: { querystring: ServiceMapQuerySchema, response: answers(ServiceMapResponseSchema) },
    },
    async (request) => {
      checkServiceMapWindow(request.query);
      return options.store.serviceMap(request.query.from, request.query.to);
    }
  );
}
