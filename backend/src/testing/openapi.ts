import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { API_PATHS } from '@osprey/model';
import type { RouteOptions } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';

/**
 * The OpenAPI document a server builds from its route schemas (a throwaway DuckDB store behind it:
 * no route is called), the routes it registered and the document it serves, for `npm run openapi`
 * and its test.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  return (await describeServer()).document;
}

export async function describeServer(): Promise<{
  document: Record<string, unknown>;
  routes: RouteOptions[];
  /** What `GET /api/docs/openapi.json` answers, without a token. */
  served: unknown;
}> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-openapi-'));
  const store = await DuckDbStore.open(dir, { autoSettle: false });
  const app = buildServer({ store, tokens: { read: 'openapi' } });
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  try {
    // listen + fetch, not inject: light-my-request's cookie module is ESM, which jest cannot load.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const served: unknown = await (await fetch(`http://127.0.0.1:${port}${API_PATHS.openapi}`)).json();
    return { document: app.swagger() as unknown as Record<string, unknown>, routes, served };
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
