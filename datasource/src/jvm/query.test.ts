/**
 * OspreyDataSource.query() for the five JVM query types, and the capture request, against a fake
 * backend answering what the backend's own parsers make of the real JVM fixtures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { LoadingState, type DataFrame } from '@grafana/data';
import type { HeapHistogramResponse, JvmRequest, ThreadDumpListItem, ThreadDumpResponse } from '@osprey/model';

import { diffHistograms, diffThreadDumps, parseClassHistogram, parseThreadDump } from '../../../backend/src/jvm';
import { analyzeThreadDump } from '../../../backend/src/jvm/analyze';
import { answer, queryRequest, RANGE, testDataSource } from '../testing/query-request';

const DUMPS = '/api/v1/jvm/threaddumps';
const HISTOGRAMS = '/api/v1/jvm/heaphistograms';
const jvm = { service: 'shop', instance: 'shop-1' };

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/jvm', name), 'utf8');
const dump: ThreadDumpResponse = (() => {
  const analyzed = analyzeThreadDump(parseThreadDump(fixture('jdk17/jstack-l.txt')));
  return { ...analyzed, id: 'td-2', ...jvm, takenAt: analyzed.takenAt ?? RANGE.to };
})();
const listItem = (id: string, takenAt: number): ThreadDumpListItem => ({
  id,
  ...jvm,
  takenAt,
  receivedAt: takenAt,
  format: 'text',
  summary: dump.summary,
});
const histogram = (id: string, file: string): HeapHistogramResponse => ({
  ...parseClassHistogram(fixture(file)),
  id,
  ...jvm,
  takenAt: RANGE.to,
});

const frameOf = async (ds: ReturnType<typeof testDataSource>['ds'], query: object) => {
  const res = await answer(ds, queryRequest([query]));
  expect(res.errors).toBeUndefined();
  expect(res.data).toHaveLength(1);
  return res.data[0] as DataFrame;
};

it('threadDumps: the range of dumps of the instance, 500 at most unless the query says', async () => {
  const { ds, backend } = testDataSource({ svc: 'shop' });
  backend.on(DUMPS, { json: { threadDumps: [listItem('td-2', RANGE.to - 10), listItem('td-1', RANGE.to - 20)] } });
  const frame = await frameOf(ds, { queryType: 'threadDumps', service: '$svc', instance: 'shop-1' });
  expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
    [DUMPS, { ...jvm, from: String(RANGE.from), to: String(RANGE.to), limit: '500' }],
  ]);
  expect(frame.name).toBe('threadDumps');
  expect(frame.fields.find((f) => f.name === 'id')?.values).toEqual(['td-2', 'td-1']);
});

describe('threadDump', () => {
  it('the latest of service + instance: one row per thread', async () => {
    const { ds, backend } = testDataSource();
    backend.on(`${DUMPS}/latest`, { json: dump });
    const frame = await frameOf(ds, { queryType: 'threadDump', ...jvm });
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([[`${DUMPS}/latest`, jvm]]);
    expect(frame.name).toBe('threadDump');
    expect(frame.length).toBe(dump.threads.length);
    expect(frame.meta?.custom).toMatchObject({ dumpId: 'td-2', ...jvm });
  });

  it('by id, encoded into the path', async () => {
    const { ds, backend } = testDataSource();
    backend.on(`${DUMPS}/td%202`, { json: dump });
    await frameOf(ds, { queryType: 'threadDump', dumpId: ' td 2 ' });
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([[`${DUMPS}/td%202`, {}]]);
  });

  it('neither an id nor an instance: says what to choose and asks nothing', async () => {
    const { ds, backend } = testDataSource();
    const res = await answer(ds, queryRequest([{ queryType: 'threadDump', service: 'shop' }]));
    expect(res.state).toBe(LoadingState.Error);
    expect(res.errors?.[0].message).toBe(
      'Query A: the Osprey request failed: Choose a service and an instance, or give a thread dump id'
    );
    expect(backend.requests).toEqual([]);
  });
});

describe('threadDumpDiff', () => {
  const diff = diffThreadDumps(
    parseThreadDump(fixture('jdk17/lock-jstack-l.txt')),
    parseThreadDump(fixture('jdk17/lock-jcmd-thread-print.txt'))
  );

  it('no ids: the latest two of the instance, older first', async () => {
    const { ds, backend } = testDataSource();
    backend.on(DUMPS, { json: { threadDumps: [listItem('td-2', 20), listItem('td-1', 10)] } });
    backend.on(`${DUMPS}/td-1/diff/td-2`, { json: diff });
    const frame = await frameOf(ds, { queryType: 'threadDumpDiff', ...jvm });
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
      [DUMPS, { ...jvm, limit: '2' }],
      [`${DUMPS}/td-1/diff/td-2`, {}],
    ]);
    expect(frame.name).toBe('threadDumpDiff');
    expect(frame.meta?.custom).toMatchObject({ a: 'td-1', b: 'td-2', ...jvm });
  });

  it('one dump only: says a comparison needs two', async () => {
    const { ds, backend } = testDataSource();
    backend.on(DUMPS, { json: { threadDumps: [listItem('td-1', 10)] } });
    const res = await answer(ds, queryRequest([{ queryType: 'threadDumpDiff', ...jvm }]));
    expect(res.errors?.[0].message).toMatch(/shop\/shop-1 has 1 capture\(s\); a comparison needs two$/);
    expect(backend.paths()).toEqual([DUMPS]);
  });
});

it('heapHistogram: one row per class', async () => {
  const { ds, backend } = testDataSource();
  const h = histogram('h-1', 'jdk17/class_histogram.txt');
  backend.on(`${HISTOGRAMS}/h-1`, { json: h });
  const frame = await frameOf(ds, { queryType: 'heapHistogram', dumpId: 'h-1' });
  expect(backend.paths()).toEqual([`${HISTOGRAMS}/h-1`]);
  expect(frame.name).toBe('heapHistogram');
  expect(frame.length).toBe(h.rows.length);
});

it('heapHistogramDiff: both ids given, only the diff is asked for', async () => {
  const { ds, backend } = testDataSource();
  const d = diffHistograms(
    parseClassHistogram(fixture('jdk17/class_histogram.txt')),
    histogram('h-2', 'jdk25/class_histogram.txt')
  );
  backend.on(`${HISTOGRAMS}/h-1/diff/h-2`, { json: d });
  const frame = await frameOf(ds, { queryType: 'heapHistogramDiff', ...jvm, dumpId: 'h-1', otherId: 'h-2' });
  expect(backend.paths()).toEqual([`${HISTOGRAMS}/h-1/diff/h-2`]);
  expect(frame.name).toBe('heapHistogramDiff');
  expect(frame.length).toBe(d.rows.length);
});

describe('requestCapture', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const request = (status: JvmRequest['status'], extra: Partial<JvmRequest> = {}): JvmRequest => ({
    id: 'r 1',
    ...jvm,
    kind: 'threaddump',
    status,
    requestedAt: 1,
    updatedAt: 1,
    ...extra,
  });

  it('posts the request, then reads it until the agent is done', async () => {
    const { ds, backend } = testDataSource();
    backend.on('/api/v1/jvm/requests', { json: request('pending') }, 'POST');
    let reads = 0;
    backend.on('/api/v1/jvm/requests/r%201', () => ({
      json: ++reads < 2 ? request('taken') : request('done', { resultId: 'td-9' }),
    }));
    const done = ds.requestCapture('shop', 'shop-1', 'threaddump');
    await jest.advanceTimersByTimeAsync(1000);
    expect(await done).toMatchObject({ status: 'done', resultId: 'td-9' });
    expect(backend.requests.map((r) => [r.method, r.path, r.data])).toEqual([
      ['POST', '/api/v1/jvm/requests', { ...jvm, kind: 'threaddump' }],
      ['GET', '/api/v1/jvm/requests/r%201', undefined],
      ['GET', '/api/v1/jvm/requests/r%201', undefined],
    ]);
  });

  it('a failed request says why', async () => {
    const { ds, backend } = testDataSource();
    backend.on('/api/v1/jvm/requests', { json: request('failed', { error: 'no agent took it' }) }, 'POST');
    await expect(ds.requestCapture('shop', 'shop-1', 'threaddump')).rejects.toThrow(
      'The threaddump request for shop/shop-1 failed: no agent took it'
    );
  });
});
