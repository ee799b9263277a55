import { API_PATHS, NoQuerySchema } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { answers } from '../server/schema';

import type { MetricsExposition } from './exposition';
import { negotiateExposition } from './negotiate';

/**
 * Prometheus exposition at `/metrics` (read scope) so a Prometheus beside Grafana scrapes Osprey and
 * Grafana-managed alert rules can fire on what the frontend-only datasource cannot be asked by the
 * alerting engine. OpenMetrics (with trace-id exemplars) when the Accept header prefers it, as
 * Prometheus' own scraper does; Prometheus text 0.0.4 otherwise.
 */
export async function metricsRoutes(app: FastifyInstance, options: { metrics: MetricsExposition }): Promise<void> {
  const { registries } = options.metrics;
  const exposition = { type: 'string', description: 'Prometheus text 0.0.4, or OpenMetrics when Accept prefers it' };
  const schema = {
    querystring: NoQuerySchema,
    produces: ['text/plain', 'application/openmetrics-text'],
    response: answers(exposition as never),
  };
  app.get(API_PATHS.metrics, { config: { scope: 'read' }, schema }, async (request, reply) => {
    const registry = registries[negotiateExposition(request.headers.accept)];
    reply.type(registry.contentType).header('vary', 'Accept');
    return registry.metrics();
  });
}
