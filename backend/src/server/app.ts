import { API_PATHS, type HealthResponse } from '@osprey/model';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';

import { requireTokens } from '../auth/plugin';
import { TokenRegistry, type TokenConfig } from '../auth/tokens';
import { DEFAULT_MAX_ENDPOINTS } from '../export/endpoint-cap';
import { fanOutObserver, type IngestObserver } from '../ingest/observer';
import { otlpRoutes } from '../ingest/otlp/route';
import { jvmRoutes } from '../jvm-api/routes';
import { createMetricsExposition } from '../metrics/exposition';
import { metricsRoutes } from '../metrics/routes';
import { queryRoutes } from '../query/routes';
import { serviceMapRoutes } from '../servicemap/routes';
import type { Retention } from '../retention/policy';
import type { Store } from '../store/store';
import { codeFor, HttpError } from './errors';
import { VERSION } from './version';

export interface ServerOptions {
  store: Store;
  tokens: TokenConfig;
  /** Serve without authentication. Only for local experiments; the CLI warns loudly. */
  insecure?: boolean;
  /** Largest request body accepted, compressed or inflated (413 above it). */
  maxBodyBytes?: number;
  /** Retention tiers; the RED route answers from raw transactions only inside theirs. */
  retention?: Retention;
  /** Clock for tier choices (tests inject one). */
  now?: () => number;
  /** Told about every ingest batch committed or refused (the InfluxDB export); /metrics is always told. */
  observer?: IngestObserver;
  /** Distinct endpoint labels per service in /metrics before the rest become `__other__`. */
  metricsMaxEndpoints?: number;
  /** fastify/pino logger options; false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export { VERSION };

/**
 * The HTTP app. `/health` is open; every other route lives in one encapsulated context whose
 * onRequest hook checks the bearer token against the scope the route declares.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const registry = new TokenRegistry(options.tokens);
  if (!options.insecure && registry.size === 0) {
    throw new Error('no tokens configured: set OSPREY_INGEST_TOKEN / OSPREY_READ_TOKEN / OSPREY_ADMIN_TOKEN');
  }
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: maxBodyBytes });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(statusCode).send({ error: codeFor(statusCode), message: 'internal error, see server log' });
    }
    const code = error instanceof HttpError ? error.code : codeFor(statusCode);
    return reply.status(statusCode).send({ error: code, message: error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get(API_PATHS.health, async (): Promise<HealthResponse> => ({
    status: 'ok',
    version: VERSION,
    store: options.store.kind,
  }));

  const metrics = createMetricsExposition(options.store, {
    maxEndpoints: options.metricsMaxEndpoints ?? DEFAULT_MAX_ENDPOINTS,
  });
  const observer = fanOutObserver(options.observer ? [metrics.ingest, options.observer] : [metrics.ingest], (err) =>
    app.log.error({ err }, 'ingest observer failed')
  );

  app.register(async (authenticated) => {
    if (!options.insecure) {
      requireTokens(authenticated, registry);
    }
    await authenticated.register(otlpRoutes, { store: options.store, maxBodyBytes, observer });
    await authenticated.register(queryRoutes, {
      store: options.store,
      transactionsRetentionMs: options.retention?.transactions,
      now: options.now,
    });
    await authenticated.register(serviceMapRoutes, { store: options.store });
    await authenticated.register(jvmRoutes, { store: options.store, maxBodyBytes });
    await authenticated.register(metricsRoutes, { metrics });
  });

  return app;
}
