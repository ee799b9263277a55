import {
  CHECK_API_PATHS,
  type CheckDefinition,
  type CheckRunsResponse,
  type CheckStatus,
  type ChecksResponse,
  NoQuerySchema,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { HttpError } from '../server/errors';
import { windowQuerystring } from '../server/schema';
import type { Store } from '../store/store';
import { CHECK_BODY_SCHEMA, CHECK_NAME, CheckDefinitionError, checkDefinition } from './definition';
import type { CheckScheduler } from './scheduler';

export const MAX_CHECK_RUNS = 10_000;

const NAME_PARAMS = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: CHECK_NAME.source } },
} as const;

const RUNS_QUERY = windowQuerystring({
  check: { type: 'string', minLength: 1 },
  limit: { type: 'integer', minimum: 1, maximum: MAX_CHECK_RUNS, default: 1000 },
});

/**
 * Synthetic checks: the list with each check's newest run and the stored runs (read scope);
 * defining and removing checks (admin scope). Definitions made here last until the backend stops;
 * those meant to stay belong in the config file's `checks`.
 */
export async function checkRoutes(
  app: FastifyInstance,
  options: { store: Store; scheduler: CheckScheduler }
): Promise<void> {
  const { scheduler } = options;

  app.get(
    CHECK_API_PATHS.checks,
    { config: { scope: 'read' }, schema: { querystring: NoQuerySchema } },
    async (): Promise<ChecksResponse> => ({
      checks: scheduler.list(),
    })
  );

  app.put<{ Params: { name: string }; Body: Omit<CheckDefinition, 'name'> }>(
    `${CHECK_API_PATHS.checks}/:name`,
    { config: { scope: 'admin' }, schema: { params: NAME_PARAMS, body: CHECK_BODY_SCHEMA } },
    async (request, reply): Promise<CheckStatus> => {
      let definition: CheckDefinition;
      try {
        definition = checkDefinition(request.params.name, request.body);
      } catch (err) {
        if (err instanceof CheckDefinitionError) {
          throw new HttpError(400, 'bad_request', err.message);
        }
        throw err;
      }
      const created = scheduler.set(definition);
      reply.status(created ? 201 : 200);
      return { definition };
    }
  );

  app.delete<{ Params: { name: string } }>(
    `${CHECK_API_PATHS.checks}/:name`,
    { config: { scope: 'admin' }, schema: { params: NAME_PARAMS } },
    async (request, reply) => {
      if (!scheduler.delete(request.params.name)) {
        throw new HttpError(404, 'not_found', `no check named ${JSON.stringify(request.params.name)}`);
      }
      return reply.status(204).send();
    }
  );

  app.get<{ Querystring: { from: number; to: number; check?: string; limit: number } }>(
    CHECK_API_PATHS.runs,
    { config: { scope: 'read' }, schema: { querystring: RUNS_QUERY } },
    async (request): Promise<CheckRunsResponse> => {
      const { from, to, check, limit } = request.query;
      if (from > to) {
        throw new HttpError(400, 'bad_request', 'query parameter "from": must not be after "to"');
      }
      return { runs: await options.store.checkRuns({ from, to, limit, ...(check === undefined ? {} : { check }) }) };
    }
  );
}
