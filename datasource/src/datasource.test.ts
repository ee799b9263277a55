import { createDataFrame } from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { OspreyDataSource } from './datasource';
import { describeFetchError, expectShape, TimeoutError } from '@osprey/plugin-kit';
import { threadDumpListToFrame } from './jvm/frames';
import { TEST_SETTINGS } from './testing/query-request';
import { normaliseQuery, type OspreyQuery } from './types';
import { toVariableQuery } from './variable-query';

describe('describeFetchError', () => {
  const fetchError = (status: number, data?: unknown) => ({ status, data: data ?? {}, config: {} });
  it.each([
    [fetchError(401, { message: 'unknown token' }), /401.*token is missing or unknown.*unknown token/],
    [fetchError(403), /403.*read scope/],
    [fetchError(502), /unreachable.*Check the URL/],
    [fetchError(500, { message: 'boom' }), /HTTP 500: boom/],
    [fetchError(500, 'Internal Server Error'), /HTTP 500$/],
    [new Error('socket hang up'), /failed: socket hang up/],
    [new TimeoutError('no answer from /x within 30 s'), /failed: no answer from \/x within 30 s/],
  ])('%p → %p', (err, pattern) => {
    expect(describeFetchError(err, 'Health check')).toMatch(pattern);
  });
});

describe('expectShape', () => {
  it('passes an object with the key', () => {
    const data = { services: [] };
    expect(expectShape(data, 'services', '/api/v1/services')).toBe(data);
  });
  it.each([
    [
      'text that is not JSON (Grafana hands it over as a string)',
      '<html>oops',
      /not the JSON Osprey sends.*"<html>oops"/,
    ],
    ['JSON without the key', { other: 1 }, /\/api\/v1\/services is not the JSON Osprey sends \(no "services"\)/],
    ['null', null, /no "services"/],
  ])('%s → readable error', (_name, data, pattern) => {
    expect(() => expectShape(data, 'services', '/api/v1/services')).toThrow(pattern);
  });
});

describe('normaliseQuery', () => {
  it.each([
    [
      'an exemplar link (Prometheus exemplarTraceIdDestinations) becomes a trace query',
      { refId: 'A', query: ' abc ' } as unknown as OspreyQuery,
      { refId: 'A', queryType: 'trace', traceId: 'abc' },
    ],
    ['no type is XLOG', { refId: 'A' } as OspreyQuery, { refId: 'A', queryType: 'xlog' }],
    ['a typed query is kept', { refId: 'A', queryType: 'red' } as OspreyQuery, { refId: 'A', queryType: 'red' }],
  ])('%s', (_name, query, expected) => {
    expect(normaliseQuery(query)).toEqual(expected);
  });
});

describe('toVariableQuery', () => {
  it.each([
    ['nothing yet', undefined, { refId: 'variable', type: 'services' }],
    ['legacy text', 'services', { refId: 'variable', type: 'services' }],
    ['legacy text endpoints', 'endpoints', { refId: 'variable', type: 'endpoints' }],
    [
      'instances of $service',
      { refId: 'V', type: 'instances', service: '$service' },
      { refId: 'V', type: 'instances', service: '$service' },
    ],
    ['services ignore a service', { refId: 'V', type: 'services', service: 'x' }, { refId: 'V', type: 'services' }],
    ['unknown type falls back to services', { refId: 'V', type: 'pods' }, { refId: 'V', type: 'services' }],
    ['hosts ignore a service', { refId: 'V', type: 'hosts', service: 'x' }, { refId: 'V', type: 'hosts' }],
    [
      'snapshots of $host, no service',
      { refId: 'V', type: 'hostSnapshots', host: '$host', service: 'x' },
      { refId: 'V', type: 'hostSnapshots', host: '$host' },
    ],
    ['instances ignore a host', { refId: 'V', type: 'instances', host: 'h' }, { refId: 'V', type: 'instances' }],
  ])('%s', (_name, raw, expected) => {
    expect(toVariableQuery(raw)).toEqual(expected);
  });
});

describe('annotations', () => {
  const ds = new OspreyDataSource(TEST_SETTINGS);

  it('defaults to error bursts from RED error percentages', () => {
    expect(ds.annotations?.getDefaultQuery?.()).toEqual({
      queryType: 'red',
      groupBy: 'service',
      redMetrics: ['errorPercent'],
    });
  });

  it('offers the four ad hoc keys, status with its two values', async () => {
    expect((await ds.getTagKeys()).map((k) => k.text)).toEqual(['service', 'instance', 'endpoint', 'status']);
    expect((await ds.getTagValues({ key: 'status' })).map((k) => k.text)).toEqual(['ok', 'error']);
  });

  it('turns the list frame into dump and deadlock events, ignoring other frames', async () => {
    const summary = (deadlockedThreads: number) => ({
      total: 7,
      byState: { RUNNABLE: 2, BLOCKED: 3, WAITING: 1, TIMED_WAITING: 1, NEW: 0, TERMINATED: 0 },
      daemon: 1,
      virtual: 0,
      deadlockedThreads,
    });
    const list = threadDumpListToFrame('Anno', [
      { id: 'd2', service: 'shop', instance: 'i1', takenAt: 20, receivedAt: 21, format: 'text', summary: summary(3) },
      { id: 'd1', service: 'shop', instance: 'i1', takenAt: 10, receivedAt: 11, format: 'json', summary: summary(0) },
    ]);
    const other = createDataFrame({ name: 'transactions', fields: [] });
    const events = await lastValueFrom(ds.annotations!.processEvents!({} as never, [other, list])!);
    expect(events?.map((e) => [e.time, e.tags?.[0], e.title])).toEqual([
      [20, 'threaddump', 'Thread dump shop/i1'],
      [20, 'deadlock', 'Deadlock in shop/i1'],
      [10, 'threaddump', 'Thread dump shop/i1'],
    ]);
  });
});
