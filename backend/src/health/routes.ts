import { HIERARCHY_API_PATH, HIERARCHY_VIEWS, type HierarchyResponse, type HierarchyView } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { HttpError } from '../server/errors';
import { strictValidatorCompiler, windowQuerystring } from '../server/strict-validation';
import type { Store } from '../store/store';
import { buildHierarchy } from './hierarchy';

/** Longest window: the rollups' default retention. */
export const MAX_HIERARCHY_WINDOW_MS = 90 * 86_400_000;

const HIERARCHY_QUERY = windowQuerystring({ by: { type: 'string', enum: HIERARCHY_VIEWS, default: 'workload' } });

/** The health hierarchy of a window (read scope): see health/hierarchy.ts. */
export async function healthRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.setValidatorCompiler(strictValidatorCompiler);
  app.get<{ Querystring: { from: number; to: number; by: HierarchyView } }>(
    HIERARCHY_API_PATH,
    { config: { scope: 'read' }, schema: { querystring: HIERARCHY_QUERY } },
    async (request): Promise<HierarchyResponse> => {
      const { from, to, by } = request.query;
      if (!(from < to) || to - from > MAX_HIERARCHY_WINDOW_MS) {
        throw new HttpError(400, 'bad_request', 'query parameters "from", "to": need from < to, at most 90 days apart');
      }
      const [buckets, resources] = await Promise.all([
        options.store.instanceLatency(from, to),
        options.store.spanResources(from, to),
      ]);
      return buildHierarchy(buckets, resources, { from, to, by });
    }
  );
}
