import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { HostSnapshot } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { tokenFetch } from '../testing/http';

const SNAPSHOTS = '/api/v1/hosts/snapshots';
const base = JSON.parse(
  readFileSync(path.join(__dirname, '../../../test/fixtures/hosts/snapshot.json'), 'utf8')
) as HostSnapshot;

describe('host snapshot routes (DuckDB)', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;

  let call: ReturnType<typeof tokenFetch>;
  const upload = (body: unknown, token = 'in') => call(SNAPSHOTS, { method: 'POST', token, body });
  const stored = async () => (await call(`${SNAPSHOTS}?limit=10000`)).json.snapshots.length as number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-hosts-'));
    store = await DuckDbStore.open(dir);
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd', admin: 'ad' }, maxBodyBytes: 256 * 1024 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    call = tokenFetch(app, 'rd');
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores snapshots, lists them newest first, answers one, latest, hosts and a compare', async () => {
    const a = await upload(base);
    expect(a.status).toBe(201);
    const next = structuredClone(base);
    next.takenAt += 5000;
    next.processes[0].fds!.total += 2;
    next.processes[0].fds!.files += 2;
    const b = await upload(next);
    expect(b.status).toBe(201);

    const list = await call(`${SNAPSHOTS}?host=fixture-host`);
    expect(list.json.snapshots.map((s: { id: string }) => s.id)).toEqual([b.json.id, a.json.id]);
    expect(list.json.snapshots[1]).toMatchObject({ host: 'fixture-host', takenAt: base.takenAt, processes: 1 });
    const one = await call(`${SNAPSHOTS}/${a.json.id}`);
    expect(one.json).toEqual({ ...base, id: a.json.id, receivedAt: expect.any(Number) });
    expect((await call(`${SNAPSHOTS}/latest?host=fixture-host`)).json.id).toBe(b.json.id);
    expect((await call('/api/v1/hosts')).json.hosts).toEqual([
      { host: 'fixture-host', lastSnapshotAt: next.takenAt, snapshots: 2 },
    ]);
    const cmp = await call(`${SNAPSHOTS}/${b.json.id}/compare/${a.json.id}`);
    expect(cmp.status).toBe(200);
    expect(cmp.json).toMatchObject({ intervalMs: 5000, fds: [expect.objectContaining({ delta: 2, filesDelta: 2 })] });
  });

  it.each([
    ['no token', SNAPSHOTS, { method: 'POST', token: '', body: base }, 401],
    ['a read token uploading', SNAPSHOTS, { method: 'POST', token: 'rd', body: base }, 403],
    ['an ingest token reading', SNAPSHOTS, { token: 'in' }, 403],
    ['an unknown id', `${SNAPSHOTS}/nope`, {}, 404],
    ['latest without host', `${SNAPSHOTS}/latest`, {}, 400],
    ['a limit out of range', `${SNAPSHOTS}?limit=0`, {}, 400],
  ])('refuses %s', async (_name, url, init, status) => {
    expect((await call(url, init)).status).toBe(status);
  });

  it.each([
    ['not JSON', '{"host":'],
    ['no processes', { ...base, processes: undefined }],
    ['a pid that is text', { ...base, processes: [{ ...base.processes[0], pid: 'one' }] }],
    ['an unknown TCP state', { ...base, tcp: { ...base.tcp, byRemote: [{ remote: 'x:1', state: 'OPEN', count: 1 }] } }],
    ['a negative RSS', { ...base, processes: [{ ...base.processes[0], rssBytes: -1 }] }],
    ['an empty host', { ...base, host: '' }],
    ['a body over the size cap', { ...base, kernel: 'x'.repeat(300 * 1024) }],
  ])('refuses a malformed snapshot (%s) with a 4xx that says why, storing nothing', async (_name, body) => {
    const before = await stored();
    const res = await upload(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.json).toEqual({ error: expect.any(String), message: expect.any(String) });
    expect(await stored()).toBe(before);
  });
});
