import { API_PATHS, type ServiceMapResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import type { Store } from '../store/store';
import { parseServiceMapQuery } from './params';

/** `GET /api/v1/servicemap?from=&to=`: nodes and edges of settled traces. Needs the read scope. */
export async function serviceMapRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.get(API_PATHS.serviceMap, { config: { scope: 'read' } }, async (request): Promise<ServiceMapResponse> => {
    const { from, to } = parseServiceMapQuery(request.query as Record<string, unknown>);
    return options.store.serviceMap(from, to);
  });
}
