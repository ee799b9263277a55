import type { ActiveRequest, ActiveSnapshot } from '@osprey/model';

import {
  asArray,
  asObject,
  finiteNumber,
  hexId,
  MAX_EPOCH_MS,
  nonEmptyString,
  onlyKeys,
  optionalString,
} from '../ingest/validation';

const SNAPSHOT_FIELDS = new Set(['service', 'instance', 'takenAt', 'requests']);
const REQUEST_FIELDS = new Set(['endpoint', 'elapsed', 'traceId', 'threadName', 'userId']);

/** Body of `POST /api/v1/active` → ActiveSnapshot; strict like the native transactions. */
export function parseActiveSnapshot(body: unknown): ActiveSnapshot {
  const raw = asObject(body, 'body');
  onlyKeys(raw, '', SNAPSHOT_FIELDS);
  return {
    service: nonEmptyString(raw.service, 'service'),
    instance: nonEmptyString(raw.instance, 'instance'),
    takenAt: finiteNumber(raw.takenAt, 'takenAt', 0, MAX_EPOCH_MS),
    requests: asArray(raw.requests, 'requests').map((item, i) => parseRequest(item, `requests[${i}]`)),
  };
}

function parseRequest(item: unknown, path: string): ActiveRequest {
  const raw = asObject(item, path);
  onlyKeys(raw, path, REQUEST_FIELDS);
  const request: ActiveRequest = {
    endpoint: nonEmptyString(raw.endpoint, `${path}.endpoint`),
    elapsed: finiteNumber(raw.elapsed, `${path}.elapsed`, 0),
  };
  if (raw.traceId !== undefined && raw.traceId !== null) {
    request.traceId = hexId(raw.traceId, `${path}.traceId`, 32);
  }
  const threadName = optionalString(raw.threadName, `${path}.threadName`);
  if (threadName !== undefined) {
    request.threadName = threadName;
  }
  const userId = optionalString(raw.userId, `${path}.userId`);
  if (userId !== undefined) {
    request.userId = userId;
  }
  return request;
}
