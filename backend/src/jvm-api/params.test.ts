import {
  JvmLatestQuerySchema,
  JvmListQuerySchema,
  JvmRequestQuerySchema,
  JvmServiceFilterQuerySchema,
  JvmTargetQuerySchema,
} from '@osprey/model';

import { checkedQuery } from '../testing/schema';
import { checkListQuery, parseRequestCreate, parseRequestResult, readTarget } from './params';

// Each runs the route's query schema first, as Fastify does, then the checks it cannot express.
const parseJvmListQuery = (raw: Record<string, unknown>) => checkListQuery(checkedQuery(JvmListQuerySchema, raw));
const parseTarget = (raw: Record<string, unknown>) => checkedQuery(JvmTargetQuerySchema, raw);
const parseServiceFilter = (raw: Record<string, unknown>) => checkedQuery(JvmServiceFilterQuerySchema, raw).service;
const parseRequestQuery = (raw: Record<string, unknown>) => checkedQuery(JvmRequestQuerySchema, raw);
const parseRead = (id: string, raw: Record<string, unknown>) => readTarget(id, checkedQuery(JvmLatestQuerySchema, raw));

const ID = '019aaf00c0de0123456789ab';

describe('parseJvmListQuery', () => {
  it.each([
    [{}, { limit: 100 }],
    [
      { service: 's', instance: 'i', from: '5', to: '9', limit: '3' },
      { service: 's', instance: 'i', from: 5, to: 9, limit: 3 },
    ],
    [{ from: '0' }, { from: 0, limit: 100 }],
  ])('%j → %j', (raw, query) => {
    expect(parseJvmListQuery(raw)).toEqual(query);
  });

  it.each([
    [{ limit: '0' }, 'query parameter "limit": must be an integer from 1 to 10000'],
    [{ limit: '1.5' }, '"limit"'],
    [{ from: 'x' }, 'query parameter "from": must be a number, got "x"'],
    [{ from: '9', to: '5' }, 'query parameter "to": must not be before from (9)'],
    [{ service: '' }, 'query parameter "service": must not be empty'],
    [{ service: 'x'.repeat(257) }, 'query parameter "service": must be at most 256 characters'],
    [{ service: ['a', 'b'] }, 'query parameter "service": must be given once'],
    [{ serivce: 'a' }, 'query parameter "serivce": unknown parameter'],
  ])('%j → 400 %s', (raw, message) => {
    expect(() => parseJvmListQuery(raw)).toThrow(message);
  });
});

describe('parseTarget, parseServiceFilter, parseRequestQuery', () => {
  it('needs both service and instance for an upload', () => {
    expect(parseTarget({ service: 's', instance: 'i' })).toEqual({ service: 's', instance: 'i' });
    expect(() => parseTarget({ service: 's' })).toThrow('query parameter "instance": required');
    expect(() => parseTarget({ instance: 'i' })).toThrow('query parameter "service": required');
    expect(() => parseTarget({ service: 's', instance: 'i', limit: '1' })).toThrow('"limit": unknown parameter');
  });

  it('filters instances by service only', () => {
    expect(parseServiceFilter({})).toBeUndefined();
    expect(parseServiceFilter({ service: 's' })).toBe('s');
    expect(() => parseServiceFilter({ instance: 'i' })).toThrow('"instance": unknown parameter');
  });

  it.each([
    [{}, {}],
    [
      { service: 's', instance: 'i', status: 'pending' },
      { service: 's', instance: 'i', status: 'pending' },
    ],
  ])('request query %j → %j', (raw, query) => {
    expect(parseRequestQuery(raw)).toEqual(query);
  });

  it('refuses an unknown status', () => {
    expect(() => parseRequestQuery({ status: 'lost' })).toThrow(
      'query parameter "status": must be one of pending, taken, done, failed'
    );
  });
});

describe('readTarget', () => {
  it('takes a stored id alone, or latest with service and instance', () => {
    expect(parseRead(ID, {})).toEqual({ id: ID });
    expect(parseRead('latest', { service: 's', instance: 'i' })).toEqual({ service: 's', instance: 'i' });
    expect(() => parseRead(ID, { service: 's' })).toThrow('query parameters are only for "latest" (got service)');
    expect(() => parseRead('latest', { service: 's' })).toThrow('query parameter "instance": required');
    expect(() => parseRead('latest', { service: 's', instance: 'i', at: '1' })).toThrow('"at": unknown parameter');
  });
});

describe('request bodies', () => {
  it.each([
    [{ service: 's', instance: 'i', kind: 'threaddump' }, undefined],
    [{ service: 's', instance: 'i', kind: 'heaphistogram' }, undefined],
    [{ service: 's', instance: 'i' }, 'body field "kind": must be one of threaddump, heaphistogram'],
    [{ service: 1, instance: 'i', kind: 'threaddump' }, 'body field "service": required, a non-empty string'],
    [{ service: 's', instance: 'i', kind: 'threaddump', when: 'now' }, 'body field "when": unknown field'],
    [null, 'body must be a JSON object'],
    ['threaddump', 'body must be a JSON object'],
  ])('create %j', (body, message) => {
    if (message === undefined) {
      expect(parseRequestCreate(body)).toEqual(body);
    } else {
      expect(() => parseRequestCreate(body)).toThrow(message);
    }
  });

  it.each([
    [{ resultId: ID }, undefined],
    [{ error: 'jcmd failed' }, undefined],
    [{ resultId: 'latest' }, 'body field "resultId": must be 24 lowercase hex digits'],
    [{ error: '' }, 'body field "error": must be a non-empty string'],
    [{ resultId: ID, error: 'x' }, 'body must be {"resultId": "<id>"} or {"error": "<message>"}'],
    [{}, 'body must be {"resultId"'],
    [undefined, 'body must be a JSON object'],
  ])('result %j', (body, message) => {
    if (message === undefined) {
      expect(parseRequestResult(body)).toEqual(body);
    } else {
      expect(() => parseRequestResult(body)).toThrow(message);
    }
  });
});
