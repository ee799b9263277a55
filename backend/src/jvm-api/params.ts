import type { JvmRequestCreate, JvmRequestKind, JvmRequestResult, JvmRequestStatus } from '@osprey/model';

import { bad, number as numberParam, text } from '../query/params';
import { HttpError } from '../server/errors';
import { isSortableId } from '../store/ids';
import type { JvmListQuery, JvmRequestQuery } from '../store/store';

type RawQuery = Record<string, unknown>;

export const DEFAULT_JVM_LIST_LIMIT = 100;
export const MAX_JVM_LIST_LIMIT = 10_000;
/** Longest service or instance name accepted. */
const MAX_NAME = 256;

const KINDS: readonly JvmRequestKind[] = ['threaddump', 'heaphistogram', 'hostsnapshot'];
const STATUSES: readonly JvmRequestStatus[] = ['pending', 'taken', 'done', 'failed'];

function onlyKnown(raw: RawQuery, known: readonly string[]): void {
  for (const param of Object.keys(raw)) {
    if (!known.includes(param)) {
      throw bad(param, 'unknown parameter');
    }
  }
}

function name(raw: RawQuery, param: string): string | undefined {
  const value = text(raw, param);
  if (value !== undefined && value.length > MAX_NAME) {
    throw bad(param, `must be at most ${MAX_NAME} characters`);
  }
  return value;
}

function requiredName(raw: RawQuery, param: 'service' | 'instance'): string {
  const value = name(raw, param);
  if (value === undefined) {
    throw bad(param, 'required');
  }
  return value;
}

/** `?service=&instance=` of an upload or of `latest`: both required. */
export function parseTarget(raw: RawQuery): { service: string; instance: string } {
  onlyKnown(raw, ['service', 'instance']);
  return { service: requiredName(raw, 'service'), instance: requiredName(raw, 'instance') };
}

/** `?service=&instance=&from=&to=&limit=` of the dump and histogram lists. */
export function parseJvmListQuery(raw: RawQuery): JvmListQuery {
  onlyKnown(raw, ['service', 'instance', 'from', 'to', 'limit']);
  const limit = numberParam(raw, 'limit') ?? DEFAULT_JVM_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_JVM_LIST_LIMIT) {
    throw bad('limit', `must be an integer from 1 to ${MAX_JVM_LIST_LIMIT}`);
  }
  const query: JvmListQuery = { limit };
  const service = name(raw, 'service');
  const instance = name(raw, 'instance');
  const from = numberParam(raw, 'from');
  const to = numberParam(raw, 'to');
  if (from !== undefined && to !== undefined && to < from) {
    throw bad('to', `must not be before from (${from})`);
  }
  Object.assign(
    query,
    service === undefined ? {} : { service },
    instance === undefined ? {} : { instance },
    from === undefined ? {} : { from },
    to === undefined ? {} : { to }
  );
  return query;
}

/** `?service=` of the instances list. */
export function parseServiceFilter(raw: RawQuery): string | undefined {
  onlyKnown(raw, ['service']);
  return name(raw, 'service');
}

/** `?service=&instance=&status=` of the request list. */
export function parseRequestQuery(raw: RawQuery): JvmRequestQuery {
  onlyKnown(raw, ['service', 'instance', 'status']);
  const query: JvmRequestQuery = {};
  const service = name(raw, 'service');
  const instance = name(raw, 'instance');
  const status = text(raw, 'status');
  if (service !== undefined) {
    query.service = service;
  }
  if (instance !== undefined) {
    query.instance = instance;
  }
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw bad('status', `must be one of ${STATUSES.join(', ')}`);
    }
    query.status = status as JvmRequestStatus;
  }
  return query;
}

/** A stored id in the path: 24 lowercase hex digits (see `sortableId`). */
export function parseId(value: string, param = 'id'): string {
  if (!isSortableId(value)) {
    throw new HttpError(400, 'bad_request', `path parameter "${param}": must be 24 lowercase hex digits`);
  }
  return value;
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

/** Body of `POST /api/v1/jvm/requests`. */
export function parseRequestCreate(raw: unknown): JvmRequestCreate {
  const body = asObject(raw);
  for (const field of Object.keys(body)) {
    if (!['service', 'instance', 'kind'].includes(field)) {
      throw badBody(field, 'unknown field');
    }
  }
  const kind = body.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    throw badBody('kind', `must be one of ${KINDS.join(', ')}`);
  }
  return { service: bodyName(body, 'service'), instance: bodyName(body, 'instance'), kind: kind as JvmRequestKind };
}

/** Body of `POST /api/v1/jvm/requests/{id}/result`: `{resultId}` or `{error}`. */
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
