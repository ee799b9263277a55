import { hostname } from 'node:os';

import { type CheckDefinition, DEFAULT_CONCURRENCY_LIMIT, type SloDefinition } from '@osprey/model';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';

import type { ActiveOptions } from '../active/answer';
import { activeRoutes } from '../active/routes';
import { DEFAULT_ACTIVE_STALE_MS, DEFAULT_THRESHOLDS } from '../active/equalizer';
import { requireTokens } from '../auth/plugin';
import { checkRoutes } from '../checks/routes';
import { CheckScheduler } from '../checks/scheduler';
import { TokenRegistry, type TokenConfig } from '../auth/tokens';
import { DEFAULT_MAX_ENDPOINTS } from '../export/endpoint-cap';
import { healthRoutes } from '../health/routes';
import { fanOutObserver, type IngestObserver } from '../ingest/observer';
import { nativeRoutes } from '../ingest/native/route';
import { otlpRoutes } from '../ingest/otlp/route';
import { zipkinRoutes } from '../ingest/zipkin/route';
import { directWriter, type IngestWriter } from '../ingest/writer';
import { hostRoutes } from '../hosts/routes';
import { incidentRoutes, type IncidentOptions } from '../incidents/routes';
import { jvmRoutes } from '../jvm-api/routes';
import { logsRoutes } from '../logs/routes';
import { createMetricsExposition } from '../metrics/exposition';
import { metricsRoutes } from '../metrics/routes';
import { otelMetricsRoutes } from '../otel-metrics/routes';
import { queryRoutes } from '../query/routes';
import { serviceMapRoutes } from '../servicemap/routes';
import { profileRoutes } from '../profile/routes';
import { sloRoutes } from '../slo/routes';
import { sqlStatisticsRoutes } from '../sqlstats/routes';
import { errorTypesRoutes } from '../errorstats/routes';
import { summaryRoutes } from '../summary/routes';
import type { Retention } from '../retention/policy';
import { OverloadedError } from '../store/overload';
import { LogWriteError } from '../store/shared/ingest-log';
import type { Store } from '../store/store';
import { codeFor, HttpError } from './errors';
import { openRoutes, registerOpenApi } from './openapi';
import { schemaErrorFormatter, validatorCompiler } from './schema';
import { VERSION } from './version';

export interface ServerOptions {
  store: Store;
  /** Where the span routes write: the ingest log (writer.ts); default straight to the store. */
  writer?: IngestWriter;
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
  /** In-flight requests an instance holds at most, for /metrics' capacity projection (default 200). */
  concurrencyLimit?: number;
  /** fastify/pino logger options; false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
  /** Equalizer thresholds and staleness of `GET /api/v1/active` (defaults 3000/8000 ms, 30 s). */
  active?: Partial<ActiveOptions>;
  /** Synthetic checks run from the server's start to its close (more come through the admin API). */
  checks?: CheckDefinition[];
  /** Service level objectives `GET /api/v1/slos` answers the error budgets of. */
  slos?: SloDefinition[];
  /** Recorded on each check run as where it ran; default the host name. */
  checkLocation?: string;
  /** Incident bundles: where they are kept and how long their captures may take. */
  incidents?: IncidentOptions;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Seconds a sender is told to wait after a 503 (queue full). One commit takes milliseconds, so a
 * second is enough to drain a full queue; OTLP exporters add their own jittered backoff.
 */
export const RETRY_AFTER_SECONDS = 1;

export { VERSION };

/**
 * The HTTP app. `/health` and the OpenAPI document are open; every other route lives in one encapsulated context whose
 * onRequest hook checks the bearer token against the scope the route declares.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const registry = new TokenRegistry(options.tokens);
  if (!options.insecure && registry.size === 0) {
    throw new Error('no tokens configured: set OSPREY_INGEST_TOKEN / OSPREY_READ_TOKEN / OSPREY_ADMIN_TOKEN');
  }
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: maxBodyBytes,
    schemaErrorFormatter: schemaErrorFormatter(),
  });
  app.setValidatorCompiler(validatorCompiler);

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof OverloadedError) {
      request.log.warn({ queued: error.queuedItems }, 'ingest refused: queue full');
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: codeFor(503), message: error.message });
    }
    if (error instanceof LogWriteError) {
      // Not acknowledged: the sender keeps the batch. A full disk is 507; other I/O errors may pass.
      request.log.error({ err: error }, 'ingest refused: the ingest log could not be written');
      const full = error.code === 'ENOSPC' || error.code === 'EDQUOT';
      return reply
        .status(full ? 507 : 503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: codeFor(full ? 507 : 503), message: error.message });
    }
    if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({
        error: codeFor(413),
        message: `request body exceeds ${maxBodyBytes} bytes (--max-body-bytes)`,
      });
    }
    if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const where = `${request.method} ${request.url.split('?')[0]}`;
      return reply.status(415).send({
        error: codeFor(415),
        message: `Content-Type "${request.headers['content-type'] ?? ''}" is not supported by ${where}`,
      });
    }
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

  registerOpenApi(app);
  app.register(openRoutes, { store: options.store });

  const active: ActiveOptions = {
    thresholds: options.active?.thresholds ?? DEFAULT_THRESHOLDS,
    staleAfterMs: options.active?.staleAfterMs ?? DEFAULT_ACTIVE_STALE_MS,
  };
  const scheduler = new CheckScheduler({
    store: options.store,
    location: options.checkLocation ?? hostname(),
    onError: (err, check) => app.log.error({ err, check }, 'storing a check run failed'),
  });
  (options.checks ?? []).forEach((definition) => scheduler.set(definition));
  app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => scheduler.stop());
  const writer = options.writer ?? directWriter(options.store);
  const metrics = createMetricsExposition(options.store, {
    writer,
    maxEndpoints: options.metricsMaxEndpoints ?? DEFAULT_MAX_ENDPOINTS,
    active,
    checks: () => scheduler.list(),
    concurrencyLimit: options.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT,
  });
  const observer = fanOutObserver(options.observer ? [metrics.ingest, options.observer] : [metrics.ingest], (err) =>
    app.log.error({ err }, 'ingest observer failed')
  );

  app.register(async (authenticated) => {
    if (!options.insecure) {
      requireTokens(authenticated, registry);
    }
    // Read-your-writes: a query first waits (boundedly) for the loads of every acknowledged batch.
    authenticated.addHook('preHandler', async (request) => {
      if ((request.routeOptions.config as { scope?: unknown }).scope === 'read') {
        await writer.caughtUp();
      }
    });
    const ingest = { store: options.store, writer, maxBodyBytes, observer };
    await authenticated.register(otlpRoutes, ingest);
    await authenticated.register(otelMetricsRoutes, ingest);
    await authenticated.register(logsRoutes, ingest);
    await authenticated.register(zipkinRoutes, ingest);
    await authenticated.register(nativeRoutes, ingest);
    await authenticated.register(activeRoutes, { ...ingest, active });
    await authenticated.register(queryRoutes, {
      store: options.store,
      transactionsRetentionMs: options.retention?.transactions,
      now: options.now,
    });
    await authenticated.register(serviceMapRoutes, { store: options.store });
    await authenticated.register(sqlStatisticsRoutes, { store: options.store });
    await authenticated.register(profileRoutes, { store: options.store });
    await authenticated.register(errorTypesRoutes, { store: options.store });
    await authenticated.register(summaryRoutes, { store: options.store });
    await authenticated.register(jvmRoutes, ingest);
    await authenticated.register(hostRoutes, ingest);
    await authenticated.register(incidentRoutes, { ...ingest, incidents: options.incidents ?? {} });
    await authenticated.register(metricsRoutes, { metrics });
    await authenticated.register(checkRoutes, { store: options.store, scheduler });
    await authenticated.register(sloRoutes, { store: options.store, slos: options.slos ?? [], now: options.now });
    await authenticated.register(healthRoutes, {
      store: options.store,
      active,
      now: options.now,
    });
  });

  return app;
}
