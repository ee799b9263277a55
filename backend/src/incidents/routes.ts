import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type Incident,
  INCIDENT_API_PATH,
  INCIDENT_IMPORT_PATH,
  IncidentImportedSchema,
  IncidentCreateSchema,
  IncidentIdParamsSchema,
  IncidentListResponseSchema,
  IncidentSchema,
  NoQuerySchema,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { inflate, rawBodies } from '../ingest/body';
import { bundlePayload } from '../ingest/log-payload';
import { DURABLE_SUMMARY, type IngestWriter } from '../ingest/writer';
import { HttpError } from '../server/errors';
import { answers, RAW_BODY } from '../server/schema';
import type { Store } from '../store/store';
import { sha256 } from './bundle';
import { finishIncident, startIncident } from './collect';
import { IncidentFiles } from './files';
import { unpackBundle } from './unpack';

export interface IncidentOptions {
  /** Where records and archives are kept (`<data dir>/incidents`); without it the routes answer 503. */
  dir?: string;
  /** How long the agents have for the captures (default 60 s). */
  captureTimeoutMs?: number;
  pollMs?: number;
}

interface Options {
  store: Store;
  /** Where an import's rows go: the ingest log, or the store (writer.ts). */
  writer: IngestWriter;
  maxBodyBytes: number;
  incidents: IncidentOptions;
}

const DEFAULT_CAPTURE_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_MS = 500;

/**
 * Incident bundles: POST asks for the captures and answers 202 at once; the collection goes on in
 * the background (the record says how far), and GET …/bundle downloads the archive once ready.
 * Asking takes the read scope, as Grafana's capture requests do.
 */
export async function incidentRoutes(fastify: FastifyInstance, options: Options): Promise<void> {
  const { store, incidents } = options;
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
  await app.register(importRoute, { ...options, kept });

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

/** One import at a time, so two of the same bundle cannot both pass the "already here" check. */
function serially(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = last.then(work, work);
    last = run.catch(() => undefined);
    return run;
  };
}

/**
 * `POST …/import` (admin: it writes every kind of row): the bundle is verified whole and its rows
 * made before anything is written, so a refused bundle changes nothing; then the rows go through
 * the ingest writer as one batch (the zip is its log record), and the incident is recorded with the
 * archive, marked imported. Its own context: the zip body arrives raw, the other routes take JSON.
 */
async function importRoute(
  fastify: FastifyInstance,
  { writer, maxBodyBytes, kept }: Options & { kept: () => IncidentFiles }
): Promise<void> {
  rawBodies(fastify, ['application/zip']);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const oneAtATime = serially();
  app.post(
    INCIDENT_IMPORT_PATH,
    {
      config: { scope: 'admin' },
      schema: {
        summary: DURABLE_SUMMARY,
        consumes: ['application/zip'],
        body: RAW_BODY,
        response: answers(IncidentImportedSchema, 201),
      },
    },
    async (request, reply) => {
      const files = kept();
      const archive = inflate(request, request.body as Buffer, maxBodyBytes);
      const { manifest, batch, loaded } = unpackBundle(archive);
      const { id } = manifest.incident;
      return oneAtATime(async () => {
        const here = await files.get(id);
        if (here) {
          const how =
            here.importedAt === undefined ? 'collected here' : `imported at ${new Date(here.importedAt).toISOString()}`;
          throw new HttpError(409, 'conflict', `incident ${id} is already here (${how}); nothing loaded`);
        }
        await writer.write({ ...batch, payload: () => bundlePayload(archive) });
        const bundle = { bytes: archive.length, sha256: sha256(archive), files: manifest.files };
        const incident: Incident = { ...manifest.incident, bundle, importedAt: Date.now() };
        await files.saveReady(incident, archive);
        reply.status(201);
        return { incident, loaded };
      });
    }
  );
}
