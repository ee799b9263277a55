import { type ActiveResponse, API_PATHS } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { decodeJsonBody, rawBodies } from '../ingest/body';
import { type IngestRouteOptions, reportOutcomes } from '../ingest/outcome';
import { type EqualizerThresholds, equalizerBuckets } from './equalizer';
import { parseActiveQuery } from './params';
import { parseActiveSnapshot } from './snapshot';

export interface ActiveOptions {
  thresholds: EqualizerThresholds;
  /** Snapshots received longer ago than this are left out of the answer. */
  staleAfterMs: number;
}

/**
 * Active services: agents POST what runs on their instance right now (204 once committed); Grafana
 * GETs each instance's newest snapshot that is not stale, counted into equalizer buckets.
 */
export async function activeRoutes(
  app: FastifyInstance,
  options: IngestRouteOptions & { active: ActiveOptions }
): Promise<void> {
  // Two contexts: only the POST is an ingest batch whose refusals the observer counts.
  await app.register(async (ingest) => {
    rawBodies(ingest, ['application/json']);
    const commit = reportOutcomes(ingest, 'active', options.observer);
    ingest.post(API_PATHS.active, { config: { scope: 'ingest' } }, async (request, reply) => {
      const snapshot = decodeJsonBody(request, options.maxBodyBytes, parseActiveSnapshot);
      await commit(request, 1, [], () => options.store.insertActiveSnapshot(snapshot, Date.now()));
      return reply.status(204).send();
    });
  });

  app.get(API_PATHS.active, { config: { scope: 'read' } }, async (request): Promise<ActiveResponse> => {
    const { thresholds, staleAfterMs } = options.active;
    const query = parseActiveQuery(request.query as Record<string, unknown>);
    const snapshots = await options.store.activeSnapshots({ ...query, receivedSince: Date.now() - staleAfterMs });
    return {
      thresholds,
      instances: snapshots.map((snapshot) => ({
        ...snapshot,
        buckets: equalizerBuckets(snapshot.requests, thresholds),
      })),
    };
  });
}
