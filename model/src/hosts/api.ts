import type { HostSnapshot } from './snapshot';

export const HOST_API_PATHS = {
  snapshots: '/api/v1/hosts/snapshots',
  hosts: '/api/v1/hosts',
} as const;

/** `POST /api/v1/hosts/snapshots` (ingest) → 201. */
export interface HostSnapshotCreated {
  id: string;
}

export interface HostSnapshotListItem {
  id: string;
  host: string;
  takenAt: number;
  receivedAt: number;
  processes: number;
  tcpConnections: number;
  load1: number;
  memoryAvailableBytes: number;
}

/** `GET /api/v1/hosts/snapshots?host=&from=&to=&limit=`, newest first. */
export interface HostSnapshotListResponse {
  snapshots: HostSnapshotListItem[];
}

/** `GET /api/v1/hosts/snapshots/{id}` (`latest` with `?host=`). */
export type HostSnapshotResponse = HostSnapshot & { id: string; receivedAt: number };

/** `GET /api/v1/hosts`: every host that sent a snapshot, by name. */
export interface HostsResponse {
  hosts: Array<{ host: string; lastSnapshotAt: number; snapshots: number }>;
}

/**
 * Host snapshots on request ride on the JVM capture requests (`POST /api/v1/jvm/requests`, kind
 * `hostsnapshot`), filed under this service with the host name as the instance: the agent on that
 * host polls for them.
 */
export const HOST_REQUEST_SERVICE = '@host';
