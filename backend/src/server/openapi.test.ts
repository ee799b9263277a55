import { readFileSync } from 'node:fs';
import path from 'node:path';

import SwaggerParser from '@apidevtools/swagger-parser';
import type { RouteOptions } from 'fastify';

import { describeServer } from '../testing/openapi';

const COMMITTED = path.resolve(__dirname, '..', '..', '..', 'docs', 'api', 'openapi.json');

type Operation = { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; responses?: object };

describe('the OpenAPI document', () => {
  let document: Record<string, unknown>;
  let routes: RouteOptions[];
  let served: unknown;

  beforeAll(async () => {
    ({ document, routes, served } = await describeServer());
  });

  it('is served at /api/docs/openapi.json without a token', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(document)));
    expect(Object.keys((served as { paths: object }).paths)).toContain('/api/v1/transactions');
  });

  it('is what docs/api/openapi.json holds (run `npm run openapi` after changing a route)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('is valid OpenAPI 3.1', async () => {
    await expect(SwaggerParser.validate(JSON.parse(JSON.stringify(document)))).resolves.toBeDefined();
  });

  it('lists every route the server registers, each with its request and response schema', () => {
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const registered = routes.flatMap((route) =>
      [route.method]
        .flat()
        .filter((method) => method !== 'HEAD')
        .map((method) => ({ route, method }))
    );
    expect(registered.length).toBeGreaterThan(20);
    for (const { route, method } of registered) {
      const where = `${method} ${route.url}`;
      const operation = paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect({ where, documented: operation !== undefined }).toEqual({ where, documented: true });
      const schema = route.schema as Record<string, { properties?: object } | undefined>;
      expect({ where, request: ['querystring', 'params', 'body'].some((part) => schema?.[part]) }).toEqual({
        where,
        request: true,
      });
      const statuses = Object.keys(operation!.responses ?? {});
      expect({ where, success: statuses.some((status) => /^2\d\d$/.test(status)) }).toEqual({ where, success: true });
      for (const name of Object.keys(schema.querystring?.properties ?? {})) {
        expect(operation!.parameters).toContainEqual(expect.objectContaining({ name, in: 'query' }));
      }
      for (const name of Object.keys(schema.params?.properties ?? {})) {
        expect(operation!.parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }));
      }
      if (schema.body) {
        expect({ where, body: operation!.requestBody !== undefined }).toEqual({ where, body: true });
      }
    }
  });
});
