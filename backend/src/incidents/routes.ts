import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type Incident,
  INCIDENT_API_PATH,
  IncidentCreateSchema,
  IncidentIdParamsSchema,
  IncidentListResponseSchema,
  IncidentSchema,
  NoQuerySchema,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { HttpError } from '../server/errors';
import { answers, RAW_BODY } from '../server/schema';
import type { Store } from '../store/store';
import { finishIncident, startIncident } from './collect';
import { IncidentFiles } from './files';

export interface IncidentOptions {
  /** Where records and archives are kept (`<data dir>/incidents`); without it the routes answer 503. */
  dir?: string;
  /** How long the agents have for the captures (default 60 s). */
  captureTimeoutMs?: number;
  pollMs?: number;
}

interface Options {
  store: Store;
  incidents: IncidentOptions;
}

const DEFAULT_CAPTURE_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_MS = 500;

/**
 * Incident bundles: POST asks for the captures and answers 202 at once; the collection goes on in
 * the background (the record says how far), and GET …/bundle downloads the archive once ready.
 * Asking takes the read scope, as Grafana's capture requests do.
 */
export async function incidentRoutes(fastify: FastifyInstance, { store, incidents }: Options): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const files = incidents.dir === undefined ? undefined : new IncidentFiles(incidents.dir);
  const stop = new AbortController();
  const collecting = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    stop.abort();
    await Promise.allSettled(collecting);
  });
  const kept = (): IncidentFiles => {
    if (!files) {
      throw new HttpError(503, 'unavailable', 'incident bundles need a data directory; this backend has none');
    }
    return files;
  };
  const one = async (id: string): Promise<Incident> => {
    const incident = await kept().get(id);
    if (!incident) {
      throw new HttpError(404, 'not_found', `no incident with id ${id}`);
    }
    return incident;
  };
  const config = { scope: 'read' } as const;

  app.post(
    INCIDENT_API_PATH,
    { config, schema: { body: IncidentCreateSchema, response: answers(IncidentSchema, 202) } },
    async (request, reply) => {
      const where = kept();
      const incident = await startIncident(store, where, request.body, Date.now());
      const done = finishIncident(store, where, incident, {
        timeoutMs: incidents.captureTimeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS,
        pollMs: incidents.pollMs ?? DEFAULT_POLL_MS,
        now: Date.now,
        signal: stop.signal,
      })
        .catch((err: unknown) => request.log.error({ err, incident: incident.id }, 'incident collection failed'))
        .finally(() => collecting.delete(done));
      collecting.add(done);
      reply.status(202);
      return incident;
    }
  );

  app.get(
    INCIDENT_API_PATH,
    { config, schema: { querystring: NoQuerySchema, response: answers(IncidentListResponseSchema) } },
    async () => ({ incidents: await kept().list() })
  );

  app.get(
    `${INCIDENT_API_PATH}/:id`,
    { config, schema: { params: IncidentIdParamsSchema, response: answers(IncidentSchema) } },
    (request) => one(request.params.id)
  );

  app.get(
    `${INCIDENT_API_PATH}/:id/bundle`,
    {
      config,
      schema: {
        params: IncidentIdParamsSchema,
        produces: ['application/zip'],
        response: answers({ ...RAW_BODY, description: 'the bundle: manifest.json and the files it lists' } as never),
      },
    },
    async (request, reply) => {
      const incident = await one(request.params.id);
      if (incident.status !== 'ready') {
        throw new HttpError(409, 'conflict', `incident ${incident.id} is ${incident.status}, it has no bundle`);
      }
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="incident-${incident.id}.zip"`)
        .send(await kept().archive(incident.id));
    }
  );
}
