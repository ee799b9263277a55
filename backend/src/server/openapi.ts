import swagger from '@fastify/swagger';
import { API_PATHS, HealthResponseSchema, NoQuerySchema } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import type { Store } from '../store/store';
import { answers } from './schema';
import { VERSION } from './version';

const SCOPES: Record<string, string> = {
  ingest: 'an ingest token',
  read: 'a read token',
  admin: 'an admin token',
};

/** The scope sentence a route's `config.scope` (one scope, or several any of which will do) asks for. */
function needs(scope: unknown): string {
  const scopes = Array.isArray(scope) ? (scope as string[]) : [String(scope)];
  return `Needs ${scopes.map((s) => SCOPES[s] ?? s).join(' or ')} (an admin token does too).`;
}

/**
 * Registers @fastify/swagger, which builds the OpenAPI document from every route's schema as the
 * routes register (so it must come before them). Each authenticated route is marked with the
 * bearer scheme and the scope its `config.scope` declares.
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Osprey backend API',
        version: VERSION,
        description:
          'Ingest (OTLP/HTTP, Zipkin v2, native transactions, active snapshots, JVM dumps) and the read API ' +
          'the Grafana plugins query. Generated from the route schemas (`@osprey/model`); errors are `{error, message}`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: ({ schema, url, route }) => {
      const scope = (route.config as { scope?: unknown } | undefined)?.scope;
      const security = scope === undefined ? [] : [{ bearer: [] }];
      const description = scope === undefined ? 'Open: no token.' : needs(scope);
      return { url, schema: { ...schema, security, description } as typeof schema };
    },
  });
}

/** The routes outside authentication: health and this API's own description. */
export async function openRoutes(app: FastifyInstance, options: { store: Pick<Store, 'kind'> }): Promise<void> {
  const health = { querystring: NoQuerySchema, response: answers(HealthResponseSchema) };
  app.get(API_PATHS.health, { schema: health }, async () => ({
    status: 'ok' as const,
    version: VERSION,
    store: options.store.kind,
  }));

  const document = { type: 'object', additionalProperties: true, description: 'an OpenAPI 3.1 document' };
  app.get(
    API_PATHS.openapi,
    { schema: { querystring: NoQuerySchema, response: answers(document as never) } },
    async () => app.swagger()
  );
}
