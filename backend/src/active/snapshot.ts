import type { ActiveSnapshot } from '@osprey/model';

/** A snapshot its schema (`ActiveSnapshotSchema`) accepted, trace ids lowercased as stored and answered. */
export function normaliseSnapshot(snapshot: ActiveSnapshot): ActiveSnapshot {
  return {
    ...snapshot,
    requests: snapshot.requests.map((request) =>
      request.traceId === undefined ? request : { ...request, traceId: request.traceId.toLowerCase() }
    ),
  };
}
