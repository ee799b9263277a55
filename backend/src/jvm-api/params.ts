import {
  JVM_REQUEST_KINDS,
  type JvmLatestQuerySchema,
  type JvmListQuery,
  type JvmRequestCreate,
  type JvmRequestResult,
  type Static,
} from '@osprey/model';

import { bad, checkTimeRange } from '../query/params';
import { HttpError } from '../server/errors';
import { isSortableId } from '../store/ids';

/**
 * What the JVM routes check past their schemas (`@osprey/model` jvm/api.ts): `latest` and its
 * query, list ranges, and the capture bodies, whose `body field "x"` wording agents already parse.
 */

/** Longest service or instance name accepted. */
const MAX_NAME = 256;

/** A list query's `to` not before its `from`, when both are given. */
export function checkListQuery(query: JvmListQuery): JvmListQuery {
  if (query.from !== undefined && query.to !== undefined) {
    checkTimeRange({ from: query.from, to: query.to });
  }
  return query;
}

/**
 * `{id}` of a dump or histogram read: a stored id, or `latest`, which needs `?service=&instance=`.
 * Query parameters with a stored id are refused so a typo does not silently pick another dump.
 */
export function readTarget(
  id: string,
  query: Static<typeof JvmLatestQuerySchema>
): { id: string } | { service: string; instance: string } {
  const given = Object.keys(query);
  if (id !== 'latest') {
    if (given.length > 0) {
      throw new HttpError(400, 'bad_request', `query parameters are only for "latest" (got ${given.join(', ')})`);
    }
    return { id };
  }
  if (query.service === undefined) {
    throw bad('service', 'required');
  }
  if (query.instance === undefined) {
    throw bad('instance', 'required');
  }
  return { service: query.service, instance: query.instance };
}

function badBody(field: string, reason: string): HttpError {
  return new HttpError(400, 'bad_request', `body field "${field}": ${reason}`);
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'bad_request', 'body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function bodyName(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw badBody(field, 'required, a non-empty string');
  }
  if (value.length > MAX_NAME) {
    throw badBody(field, `must be at most ${MAX_NAME} characters`);
  }
  return value;
}

/** Body of `POST /api/v1/jvm/requests` (schema: `JvmRequestCreateSchema`). */
export function parseRequestCreate(raw: unknown): JvmRequestCreate {
  const body = asObject(raw);
  for (const field of Object.keys(body)) {
    if (!['service', 'instance', 'kind'].includes(field)) {
      throw badBody(field, 'unknown field');
    }
  }
  const kind = body.kind;
  if (typeof kind !== 'string' || !(JVM_REQUEST_KINDS as readonly string[]).includes(kind)) {
    throw badBody('kind', `must be one of ${JVM_REQUEST_KINDS.join(', ')}`);
  }
  return {
    service: bodyName(body, 'service'),
    instance: bodyName(body, 'instance'),
    kind: kind as JvmRequestCreate['kind'],
  };
}

/** Body of `POST /api/v1/jvm/requests/{id}/result`: `{resultId}` or `{error}` (schema: `JvmRequestResultSchema`). */
export function parseRequestResult(raw: unknown): JvmRequestResult {
  const body = asObject(raw);
  const keys = Object.keys(body);
  if (keys.length !== 1 || (keys[0] !== 'resultId' && keys[0] !== 'error')) {
    throw new HttpError(400, 'bad_request', 'body must be {"resultId": "<id>"} or {"error": "<message>"}');
  }
  if (keys[0] === 'resultId') {
    const resultId = body.resultId;
    if (typeof resultId !== 'string' || !isSortableId(resultId)) {
      throw badBody('resultId', 'must be 24 lowercase hex digits');
    }
    return { resultId };
  }
  const error = body.error;
  if (typeof error !== 'string' || error === '' || error.length > 4096) {
    throw badBody('error', 'must be a non-empty string of at most 4096 characters');
  }
  return { error };
}
