/** Host queries: the hosts that sent snapshots, one snapshot's tables, the compare of two. */
import { map, type Observable, of, switchMap, throwError } from 'rxjs';

import type { OspreyClient } from '@osprey/plugin-kit';
import { hostCompareToFrame, hostsToFrame, hostSnapshotToFrame } from '../hosts/frames';
import {
  HOST_COMPARE_TABLES,
  HOST_SNAPSHOT_TABLES,
  type HostCompareTable,
  type HostQueryType,
  type HostSnapshotTable,
} from '@osprey/model';
import type { OspreyQuery } from '../types';
import type { QueryHandler } from './context';

/** How far back a compare looks for the snapshot before the newer one. */
const PREVIOUS_SEARCH_LIMIT = 1000;

/** The id the backend reads as the host's latest snapshot (with `?host=`). */
const LATEST = 'latest';

const value = (v?: string) => v?.trim() || undefined;

function requireHost(q: OspreyQuery, what: string): string {
  const host = value(q.host);
  if (!host) {
    throw new Error(`Choose a host, or give the ${what} id`);
  }
  return host;
}

/** The older and newer ids: both given, or the newer (default the latest) and the snapshot before it. */
export function comparePair(client: OspreyClient, q: OspreyQuery): Observable<[string, string]> {
  const older = value(q.snapshotId);
  const newer = value(q.otherSnapshotId);
  if (older && newer) {
    return of([older, newer]);
  }
  const host = value(q.host);
  if (!host) {
    return throwError(() => new Error('Choose a host, or give both snapshot ids to compare'));
  }
  if (older) {
    return of([older, LATEST]);
  }
  return client.hostSnapshots(host, PREVIOUS_SEARCH_LIMIT).pipe(
    map(({ snapshots }): [string, string] => {
      const at = newer === undefined ? 0 : snapshots.findIndex((s) => s.id === newer);
      const previous = at < 0 ? undefined : snapshots[at + 1];
      if (previous === undefined) {
        throw new Error(
          at < 0
            ? `Snapshot ${newer} is not among the ${PREVIOUS_SEARCH_LIMIT} newest of ${host}; give the older id too`
            : `${host} has ${snapshots.length} snapshot(s) up to the newer one; a comparison needs two`
        );
      }
      return [previous.id, snapshots[at].id];
    })
  );
}

const snapshotTable = (q: OspreyQuery): HostSnapshotTable =>
  HOST_SNAPSHOT_TABLES.find((t) => t === q.hostTable) ?? HOST_SNAPSHOT_TABLES[0];
const compareTable = (q: OspreyQuery): HostCompareTable =>
  HOST_COMPARE_TABLES.find((t) => t === q.hostTable) ?? HOST_COMPARE_TABLES[0];

export const HOST_HANDLERS: Record<HostQueryType, QueryHandler> = {
  hosts: (q, { client }) => client.hosts().pipe(map((res) => [hostsToFrame(q.refId, res.hosts)])),

  hostSnapshot: (q, { client }) => {
    const id = value(q.snapshotId);
    const host = id ? undefined : requireHost(q, 'snapshot');
    return client
      .hostSnapshot(id ?? LATEST, host)
      .pipe(map((snapshot) => [hostSnapshotToFrame(q.refId, snapshot, snapshotTable(q))]));
  },

  hostCompare: (q, { client }) =>
    comparePair(client, q).pipe(
      switchMap(([older, newer]) =>
        client
          .hostCompare(older, newer, value(q.host))
          .pipe(map((diff) => [hostCompareToFrame(q.refId, diff, compareTable(q), [older, newer])]))
      )
    ),
};
