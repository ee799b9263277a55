/**
 * OspreyDataSource.query() for the host query types, and the host variables, against a fake backend
 * answering what the backend makes of the agent's real /proc snapshot (test/fixtures/hosts) and the
 * backend's own compare of it with a later one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { type DataFrame, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import {
  HOST_COMPARE_TABLES,
  type HostSnapshot,
  type HostSnapshotListItem,
  type HostSnapshotResponse,
} from '@osprey/model';
import { lastValueFrom } from 'rxjs';

import { compareHostSnapshots } from '../../../backend/src/hosts/compare';
import { answer, queryRequest, testDataSource } from '../testing/query-request';
import type { OspreyVariableQuery } from '../variable-query';
import type { OspreyVariableSupport } from '../variables';

const SNAPSHOTS = '/api/v1/hosts/snapshots';
const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../../../test/fixtures/hosts/snapshot.json'), 'utf8')
) as HostSnapshot;
const HOST = fixture.host;
const older: HostSnapshotResponse = { ...fixture, id: 'hs-1', receivedAt: fixture.takenAt };
const newer: HostSnapshotResponse = (() => {
  const s = structuredClone(older);
  s.id = 'hs-2';
  s.takenAt += 10_000;
  s.processes[0].fds!.total += 3;
  s.processes[0].fds!.files += 3;
  s.processes[0].rssBytes += 1 << 20;
  s.processes.push({ ...fixture.processes[0], pid: 4242, name: 'worker', startTime: s.takenAt - 1000 });
  s.tcp.byRemote.push({ remote: '10.0.0.9:5432', state: 'CLOSE_WAIT', count: 4 });
  return s;
})();
const listItem = (s: HostSnapshotResponse): HostSnapshotListItem => ({
  id: s.id,
  host: s.host,
  takenAt: s.takenAt,
  receivedAt: s.receivedAt,
  processes: s.processes.length,
  tcpConnections: 0,
  load1: s.load.one,
  memoryAvailableBytes: s.memory.availableBytes,
});

const column = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)?.values;

const frameOf = async (ds: ReturnType<typeof testDataSource>['ds'], query: object) => {
  const res = await answer(ds, queryRequest([query]));
  expect(res.errors).toBeUndefined();
  expect(res.data).toHaveLength(1);
  return res.data[0] as DataFrame;
};

const errorOf = async (ds: ReturnType<typeof testDataSource>['ds'], query: object) =>
  (await answer(ds, queryRequest([query]))).errors?.[0].message;

it('hosts: one row per host with its last snapshot time and count', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/hosts', { json: { hosts: [{ host: HOST, lastSnapshotAt: newer.takenAt, snapshots: 2 }] } });
  const frame = await frameOf(ds, { queryType: 'hosts' });
  expect(frame.fields.map((f) => [f.name, f.type, f.values])).toEqual([
    ['host', 'string', [HOST]],
    ['lastSnapshotAt', 'time', [newer.takenAt]],
    ['snapshots', 'number', [2]],
  ]);
});

describe('hostSnapshot', () => {
  it('the latest of the host ($host applied): processes by CPU, with their /proc figures', async () => {
    const { ds, backend } = testDataSource({ host: HOST });
    backend.on(`${SNAPSHOTS}/latest`, { json: newer });
    const frame = await frameOf(ds, { queryType: 'hostSnapshot', host: '$host' });
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([[`${SNAPSHOTS}/latest`, { host: HOST }]]);
    expect(frame.name).toBe('hostSnapshot.processes');
    expect(frame.meta?.custom).toEqual({ host: HOST, snapshotIds: ['hs-2'], table: 'processes' });
    const [captured] = fixture.processes;
    const row = column(frame, 'pid')!.indexOf(captured.pid);
    expect(row).toBeGreaterThanOrEqual(0);
    expect(column(frame, 'rss')![row]).toBe(captured.rssBytes + (1 << 20));
    expect(column(frame, 'fds')![row]).toBe(captured.fds!.total + 3);
    expect(column(frame, 'cmdline')![row]).toBe(captured.cmdline);
    expect(frame.fields.find((f) => f.name === 'rss')?.config.unit).toBe('bytes');
  });

  it.each([
    ['connections', 'remote', () => fixture.tcp.byRemote.map((r) => r.remote)],
    ['ports', 'port', () => fixture.tcp.byLocalPort.map((r) => r.port)],
    ['listening', 'port', () => fixture.tcp.listening.map((l) => l.port)],
    ['openFiles', 'target', () => fixture.processes.flatMap((p) => p.openFiles ?? [])],
    ['disks', 'mount', () => fixture.disks.map((d) => d.mount)],
  ] as const)('by id, table %s: the snapshot’s rows as the agent listed them', async (table, field, expected) => {
    const { ds, backend } = testDataSource();
    backend.on(`${SNAPSHOTS}/hs-1`, { json: older });
    const frame = await frameOf(ds, { queryType: 'hostSnapshot', snapshotId: 'hs-1', hostTable: table });
    expect(backend.requests[0].params).toEqual({});
    expect(frame.name).toBe(`hostSnapshot.${table}`);
    expect(column(frame, field)).toEqual(expected());
  });

  it('open files say what each descriptor points at', async () => {
    const { ds, backend } = testDataSource();
    backend.on(`${SNAPSHOTS}/hs-1`, { json: older });
    const frame = await frameOf(ds, { queryType: 'hostSnapshot', snapshotId: 'hs-1', hostTable: 'openFiles' });
    const kinds = column(frame, 'kind')!;
    const counts = fixture.processes[0].fds!;
    expect(kinds.filter((k) => k === 'socket')).toHaveLength(counts.sockets);
    expect(kinds.filter((k) => k === 'pipe')).toHaveLength(counts.pipes);
    expect(kinds.filter((k) => k === 'file')).toHaveLength(counts.files);
  });

  it('says what is missing when neither a host nor an id is given, asking nothing', async () => {
    const { ds, backend } = testDataSource();
    expect(await errorOf(ds, { queryType: 'hostSnapshot' })).toMatch(/: Choose a host, or give the snapshot id$/);
    expect(backend.requests).toEqual([]);
  });
});

describe('hostCompare', () => {
  const compare = compareHostSnapshots(older, newer);

  it('only a host: the latest against the one before it, every table of the compare', async () => {
    for (const table of HOST_COMPARE_TABLES) {
      const { ds, backend } = testDataSource({ host: HOST });
      backend.on(SNAPSHOTS, { json: { snapshots: [listItem(newer), listItem(older)] } });
      backend.on(`${SNAPSHOTS}/hs-1/compare/hs-2`, { json: compare });
      const frame = await frameOf(ds, { queryType: 'hostCompare', host: '$host', hostTable: table });
      expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
        [SNAPSHOTS, { host: HOST, limit: '1000' }],
        [`${SNAPSHOTS}/hs-1/compare/hs-2`, { host: HOST }],
      ]);
      expect(frame.meta?.custom).toEqual({ host: HOST, snapshotIds: ['hs-1', 'hs-2'], table });
      const rows = { connections: compare.tcpRemotes }[table as 'connections'] ?? compare[table as 'cpu'];
      expect(frame.length).toBe(rows.length);
    }
  });

  it('shows what moved: the started process, the RSS and descriptor growth, the CLOSE_WAIT endpoint', async () => {
    const { ds, backend } = testDataSource();
    backend.on(`${SNAPSHOTS}/hs-1/compare/hs-2`, { json: compare });
    const frame = (table: string) =>
      frameOf(ds, { queryType: 'hostCompare', snapshotId: 'hs-1', otherSnapshotId: 'hs-2', hostTable: table });
    expect(column(await frame('started'), 'pid')).toEqual([4242]);
    expect(column(await frame('rss'), 'rssDelta')).toEqual([1 << 20]);
    const fds = await frame('fds');
    expect([column(fds, 'delta'), column(fds, 'filesDelta')]).toEqual([[3], [3]]);
    const connections = await frame('connections');
    expect([column(connections, 'remote'), column(connections, 'state'), column(connections, 'delta')]).toEqual([
      ['10.0.0.9:5432'],
      ['CLOSE_WAIT'],
      [4],
    ]);
    expect(backend.paths().every((p) => p === `${SNAPSHOTS}/hs-1/compare/hs-2`)).toBe(true);
  });

  it('a newer id without the older: the snapshot before that one', async () => {
    const third = { ...listItem(newer), id: 'hs-3', takenAt: newer.takenAt + 1 };
    const { ds, backend } = testDataSource();
    backend.on(SNAPSHOTS, { json: { snapshots: [third, listItem(newer), listItem(older)] } });
    backend.on(`${SNAPSHOTS}/hs-1/compare/hs-2`, { json: compare });
    await frameOf(ds, { queryType: 'hostCompare', host: HOST, otherSnapshotId: 'hs-2' });
    expect(backend.paths()).toEqual([SNAPSHOTS, `${SNAPSHOTS}/hs-1/compare/hs-2`]);
  });

  it.each([
    [{}, /: Choose a host, or give both snapshot ids to compare$/],
    [{ snapshotId: 'hs-1' }, /: Choose a host, or give both snapshot ids to compare$/],
    [{ host: HOST }, /: fixture-host has 1 snapshot\(s\) up to the newer one; a comparison needs two$/],
    [{ host: HOST, otherSnapshotId: 'gone' }, /: Snapshot gone is not among the 1000 newest of fixture-host; give/],
  ])('%j: an error that says what to choose', async (fields, message) => {
    const { ds, backend } = testDataSource();
    backend.on(SNAPSHOTS, { json: { snapshots: [listItem(older)] } });
    expect(await errorOf(ds, { queryType: 'hostCompare', ...fields })).toMatch(message);
    expect(backend.paths().filter((p) => p.includes('/compare/'))).toEqual([]);
  });
});

describe('host variables', () => {
  const variable = async (ds: ReturnType<typeof testDataSource>['ds'], query: OspreyVariableQuery) => {
    const request = { targets: [query], scopedVars: {} } as unknown as DataQueryRequest<OspreyVariableQuery>;
    const support = ds.variables as unknown as OspreyVariableSupport;
    const res: DataQueryResponse = await lastValueFrom(support.query(request));
    const [frame] = res.data as DataFrame[];
    expect(frame.fields.map((f) => f.name)).toEqual(['value', 'text']);
    return [column(frame, 'text'), column(frame, 'value')];
  };

  it('hosts: the host names', async () => {
    const { ds, backend } = testDataSource();
    backend.on('/api/v1/hosts', { json: { hosts: [{ host: HOST, lastSnapshotAt: 1, snapshots: 1 }] } });
    expect(await variable(ds, { refId: 'v', type: 'hosts' })).toEqual([[HOST], [HOST]]);
  });

  it('hostSnapshots of $host: each snapshot’s time in UTC as the text, its id as the value', async () => {
    const { ds, backend } = testDataSource({ host: HOST });
    backend.on(SNAPSHOTS, { json: { snapshots: [listItem(newer), listItem(older)] } });
    const time = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    expect(await variable(ds, { refId: 'v', type: 'hostSnapshots', host: '$host' })).toEqual([
      [time(newer.takenAt), time(older.takenAt)],
      ['hs-2', 'hs-1'],
    ]);
    expect(backend.requests[0].params).toEqual({ host: HOST, limit: '200' });
  });

  it.each([
    ['hs-2', ['hs-1']],
    ['hs-1', []],
    ['gone', []],
  ])('hostSnapshots older than %s ($after): %j', async (after, expected) => {
    const { ds, backend } = testDataSource({ host: HOST, after });
    backend.on(SNAPSHOTS, { json: { snapshots: [listItem(newer), listItem(older)] } });
    const [, values] = await variable(ds, { refId: 'v', type: 'hostSnapshots', host: '$host', olderThan: '$after' });
    expect(values).toEqual(expected);
  });

  it('hostSnapshots with no host: no options, nothing asked', async () => {
    const { ds, backend } = testDataSource();
    expect(await variable(ds, { refId: 'v', type: 'hostSnapshots' })).toEqual([[], []]);
    expect(backend.requests).toEqual([]);
  });
});
