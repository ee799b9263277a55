import { API_PATHS, DEFAULT_METRIC_POINT_LIMIT, type MetricSeriesResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { otlpSignalRoute } from '../ingest/otlp/signal-route';
import type { IngestRouteOptions } from '../ingest/outcome';
import { HttpError } from '../server/errors';
import { convertMetricsRequest } from './convert';

const MAX_NAMES = 50;

/** Query string of `GET /api/v1/otel-metrics`: `name` repeated or comma-separated. */
const SERIES_QUERY_SCHEMA = {
  type: 'object',
  required: ['from', 'to', 'name'],
  properties: {
    from: { type: 'number' },
    to: { type: 'number' },
    name: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: MAX_NAMES },
    service: { type: 'string', minLength: 1 },
    instance: { type: 'string', minLength: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  },
} as const;

const NAMES_QUERY_SCHEMA = {
  type: 'object',
  properties: { service: { type: 'string', minLength: 1 } },
} as const;

interface SeriesQueryString {
  from: number;
  to: number;
  name: string[];
  service?: string;
  instance?: string;
  limit?: number;
}

/**
 * OTLP metrics: `POST /v1/metrics` (protobuf or JSON, gzip) validated whole and answered 200 only
 * once durable (in the ingest log, as spans); `GET /api/v1/otel-metrics` the points of metrics by name as series, and
 * `/names` the names stored. Summary points are not kept: the answer counts them in
 * `partialSuccess.rejectedDataPoints`, as OTLP asks.
 */
export async function otelMetricsRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { store } = options;
  await otlpSignalRoute(app, options, 'metrics', convertMetricsRequest, ({ points, rejectedSummaryPoints }) => ({
    rows: { metricPoints: points },
    partialSuccess:
      rejectedSummaryPoints === 0
        ? {}
        : {
            rejectedDataPoints: rejectedSummaryPoints,
            errorMessage: 'Summary metrics are not stored by Osprey; send histograms instead',
          },
  }));

  app.get<{ Querystring: SeriesQueryString }>(
    API_PATHS.otelMetrics,
    { config: { scope: 'read' }, schema: { querystring: SERIES_QUERY_SCHEMA } },
    async (request): Promise<MetricSeriesResponse> => {
      const { from, to, service, instance } = request.query;
      if (from > to) {
        throw new HttpError(400, 'bad_request', `from (${from}) is after to (${to})`);
      }
      const names = [...new Set(request.query.name.flatMap((n) => n.split(',')).filter((n) => n !== ''))];
      if (names.length === 0 || names.length > MAX_NAMES) {
        throw new HttpError(400, 'bad_request', `name: give 1 to ${MAX_NAMES} metric names`);
      }
      return store.otel.metricSeries({
        from,
        to,
        names,
        service,
        instance,
        limit: request.query.limit ?? DEFAULT_METRIC_POINT_LIMIT,
      });
    }
  );

  app.get<{ Querystring: { service?: string } }>(
    API_PATHS.otelMetricNames,
    { config: { scope: 'read' }, schema: { querystring: NAMES_QUERY_SCHEMA } },
    async (request): Promise<{ names: string[] }> => ({ names: await store.otel.metricNames(request.query.service) })
  );
}
