import {
  CAPACITY_API_PATH,
  type CapacityResponse,
  DEFAULT_CONCURRENCY_LIMIT,
  HIERARCHY_API_PATH,
  HIERARCHY_VIEWS,
  type HierarchyResponse,
  type HierarchyView,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { type ActiveOptions, activeAnswer } from '../active/answer';
import { HttpError } from '../server/errors';
import { windowQuerystring } from '../server/schema';
import type { Store } from '../store/store';
import { capacityRows } from './capacity';
import { buildHierarchy } from './hierarchy';

/** Longest window: the rollups' default retention. */
export const MAX_HIERARCHY_WINDOW_MS = 90 * 86_400_000;

const HIERARCHY_QUERY = windowQuerystring({ by: { type: 'string', enum: HIERARCHY_VIEWS, default: 'workload' } });

const CAPACITY_QUERY = windowQuerystring({
  service: { type: 'string', minLength: 1 },
  concurrencyLimit: { type: 'integer', minimum: 1, maximum: 1_000_000, default: DEFAULT_CONCURRENCY_LIMIT },
});

function checkWindow(from: number, to: number): void {
  if (!(from < to) || to - from > MAX_HIERARCHY_WINDOW_MS) {
    throw new HttpError(400, 'bad_request', 'query parameters "from", "to": need from < to, at most 90 days apart');
  }
}

/**
 * The health hierarchy (health/hierarchy.ts) and capacity by Little's law (health/capacity.ts) of a
 * window, read scope. The measured concurrency is the equalizer's answer (active/answer.ts).
 */
export async function healthRoutes(
  app: FastifyInstance,
  options: { store: Store; active: ActiveOptions; now?: () => number }
): Promise<void> {
  app.get<{ Querystring: { from: number; to: number; by: HierarchyView } }>(
    HIERARCHY_API_PATH,
    { config: { scope: 'read' }, schema: { querystring: HIERARCHY_QUERY } },
    async (request): Promise<HierarchyResponse> => {
      const { from, to, by } = request.query;
      checkWindow(from, to);
      const [buckets, resources] = await Promise.all([
        options.store.health.instanceLatency(from, to),
        options.store.health.spanResources(from, to),
      ]);
      return buildHierarchy(buckets, resources, { from, to, by });
    }
  );

  app.get<{ Querystring: { from: number; to: number; service?: string; concurrencyLimit: number } }>(
    CAPACITY_API_PATH,
    { config: { scope: 'read' }, schema: { querystring: CAPACITY_QUERY } },
    async (request): Promise<CapacityResponse> => {
      const { from, to, service, concurrencyLimit } = request.query;
      checkWindow(from, to);
      const now = (options.now ?? Date.now)();
      const [throughput, equalizer] = await Promise.all([
        options.store.health.instanceThroughput(from, to, service),
        activeAnswer(options.store, options.active, service || undefined, now),
      ]);
      const instances = capacityRows(throughput, equalizer.instances, (to - from) / 1000, concurrencyLimit);
      return { from, to, concurrencyLimit, instances };
    }
  );
}
