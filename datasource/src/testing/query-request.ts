/** An OspreyDataSource over a FakeBackend and a TestTemplateSrv, and the requests Grafana sends it. */
import {
  dateTime,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
} from '@grafana/data';
import { lastValueFrom, toArray } from 'rxjs';

import { OspreyDataSource } from '../datasource';
import type { OspreyOptions, OspreyQuery } from '../types';
import { FakeBackend } from '@osprey/plugin-kit/testing';
import { TestTemplateSrv, type TestVariable } from './template-srv';

const PROXY_URL = '/api/datasources/proxy/uid/osprey';

/** The range every request asks for: one hour, epoch ms. */
export const RANGE = { from: 1_763_800_000_000, to: 1_763_803_600_000 };

/** The settings Grafana gives a proxy-mode Osprey datasource with default options. */
export const TEST_SETTINGS = {
  id: 1,
  uid: 'osprey',
  type: 'osprey-apm-datasource',
  name: 'Osprey',
  url: PROXY_URL,
  jsonData: {},
  access: 'proxy',
  readOnly: false,
  meta: { id: 'osprey-apm-datasource' },
} as unknown as DataSourceInstanceSettings<OspreyOptions>;

export function testDataSource(variables: Record<string, TestVariable> = {}) {
  const backend = new FakeBackend(`${PROXY_URL}/osprey`);
  return { ds: new OspreyDataSource(TEST_SETTINGS, new TestTemplateSrv(variables), backend.backendSrv), backend };
}

/** A dashboard's request: targets A, B, … (XLOG unless they say otherwise) over RANGE. */
export function queryRequest(
  targets: Array<Partial<OspreyQuery>>,
  extra: Partial<DataQueryRequest<OspreyQuery>> & { scopedVars?: ScopedVars } = {}
): DataQueryRequest<OspreyQuery> {
  return {
    requestId: 'Q1',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 100,
    range: { from: dateTime(RANGE.from), to: dateTime(RANGE.to), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), queryType: 'xlog', ...t }) as OspreyQuery),
    timezone: 'utc',
    app: 'dashboard',
    startTime: RANGE.to,
    ...extra,
  };
}

/** Every packet of a finite answer, by query key (the last one of each). */
export async function answers(ds: OspreyDataSource, request: DataQueryRequest<OspreyQuery>) {
  const packets: DataQueryResponse[] = await lastValueFrom(ds.query(request).pipe(toArray()));
  return new Map(packets.map((p) => [p.key as string, p]));
}

/** The one answer of a request with one query. */
export async function answer(ds: OspreyDataSource, request: DataQueryRequest<OspreyQuery>) {
  const all = await answers(ds, request);
  expect(all.size).toBe(1);
  return [...all.values()][0];
}
