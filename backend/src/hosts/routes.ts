import {
  HOST_API_PATHS,
  type HostSnapshot,
  type HostSnapshotCompare,
  type HostSnapshotCreated,
  type HostSnapshotListResponse,
  type HostSnapshotResponse,
  type HostsResponse,
  NoQuerySchema,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { hostSnapshotPayload } from '../ingest/log-payload';
import { DURABLE_SUMMARY, type IngestWriter } from '../ingest/writer';
import { HttpError } from '../server/errors';
import { sortableId } from '../store/ids';
import type { Store } from '../store/store';
import { compareHostSnapshots } from './compare';
import { compareParams, hostSnapshotBody, latestQuery, listQuery, oneParams } from './schema';

interface Options {
  store: Store;
  /** Where uploads go: the ingest log, or the store (writer.ts). */
  writer: IngestWriter;
}

const DEFAULT_LIMIT = 100;

/** Host snapshots: upload (ingest), list, one, latest, compare two (read). */
export async function hostRoutes(app: FastifyInstance, { store, writer }: Options): Promise<void> {
  /** A stored id, or `latest` with `?host=`. */
  const resolve = async (value: string, host: string | undefined): Promise<HostSnapshotResponse> => {
    let id = value;
    if (value === 'latest') {
      if (host === undefined) {
        throw new HttpError(400, 'bad_request', 'query parameter "host": required with "latest"');
      }
      const latest = await store.captures.latestHostSnapshotId(host);
      if (latest === undefined) {
        throw new HttpError(404, 'not_found', `no host snapshot stored for host "${host}"`);
      }
      id = latest;
    }
    const found = await store.captures.hostSnapshot(id);
    if (!found) {
      throw new HttpError(404, 'not_found', `no host snapshot with id ${id}`);
    }
    return found;
  };

  app.post<{ Body: HostSnapshot }>(
    HOST_API_PATHS.snapshots,
    { config: { scope: 'ingest' }, schema: { summary: DURABLE_SUMMARY, body: hostSnapshotBody } },
    async (request, reply): Promise<HostSnapshotCreated> => {
      const receivedAt = Date.now();
      const id = sortableId(receivedAt);
      const snapshot = { id, receivedAt, snapshot: request.body };
      await writer.write({ hostSnapshots: [snapshot], payload: () => hostSnapshotPayload(snapshot) });
      reply.status(201);
      return { id };
    }
  );

  app.get<{ Querystring: { host?: string; from?: number; to?: number; limit?: number } }>(
    HOST_API_PATHS.snapshots,
    { config: { scope: 'read' }, schema: { querystring: listQuery } },
    async (request): Promise<HostSnapshotListResponse> => {
      const { limit = DEFAULT_LIMIT, ...filters } = request.query;
      return { snapshots: await store.captures.hostSnapshots({ ...filters, limit }) };
    }
  );

  app.get(
    HOST_API_PATHS.hosts,
    { config: { scope: 'read' }, schema: { querystring: NoQuerySchema } },
    async (): Promise<HostsResponse> => {
      return { hosts: await store.captures.hosts() };
    }
  );

  app.get<{ Params: { id: string }; Querystring: { host?: string } }>(
    `${HOST_API_PATHS.snapshots}/:id`,
    { config: { scope: 'read' }, schema: { params: oneParams, querystring: latestQuery } },
    (request): Promise<HostSnapshotResponse> => resolve(request.params.id, request.query.host)
  );

  app.get<{ Params: { a: string; b: string }; Querystring: { host?: string } }>(
    `${HOST_API_PATHS.snapshots}/:a/compare/:b`,
    { config: { scope: 'read' }, schema: { params: compareParams, querystring: latestQuery } },
    async (request): Promise<HostSnapshotCompare> => {
      const [a, b] = await Promise.all([
        resolve(request.params.a, request.query.host),
        resolve(request.params.b, request.query.host),
      ]);
      if (a.host !== b.host) {
        throw new HttpError(400, 'bad_request', `snapshots of two hosts ("${a.host}", "${b.host}") do not compare`);
      }
      return a.takenAt <= b.takenAt ? compareHostSnapshots(a, b) : compareHostSnapshots(b, a);
    }
  );
}
