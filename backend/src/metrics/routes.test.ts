import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { VERSION } from '../server/version';
import { DuckDbStore } from '../store/duckdb';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'jvm');

describe('/metrics', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let base: string;

  const get = (token?: string) =>
    fetch(`${base}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  async function uploadDump(fixture: string, instance: string): Promise<void> {
    const res = await fetch(`${base}/api/v1/jvm/threaddumps?service=shop&instance=${instance}`, {
      method: 'POST',
      headers: { authorization: 'Bearer in', 'content-type': 'text/plain' },
      body: readFileSync(path.join(FIXTURES, fixture)),
    });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-metrics-'));
    store = await DuckDbStore.open(dir);
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs the read scope', async () => {
    expect((await get()).status).toBe(401);
    expect((await get('in')).status).toBe(403);
  });

  it('exposes the build and no deadlock series before any dump', async () => {
    const res = await get('rd');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain(`osprey_build_info{version="${VERSION}",store="duckdb"} 1`);
    expect(text).toContain('# TYPE osprey_jvm_deadlocked_threads gauge');
    expect(text).not.toMatch(/^osprey_jvm_deadlocked_threads\{/m);
  });

  it('reports the deadlocked threads of the newest dump of each instance', async () => {
    // ShopWorkload: one three-way monitor deadlock. LockWorkload: two two-thread deadlocks.
    await uploadDump('jdk17/jstack-l.txt', 'shop-1');
    await uploadDump('jdk17/lock-jstack-l.txt', 'shop-2');
    let text = await (await get('rd')).text();
    expect(text).toContain('osprey_jvm_deadlocked_threads{service="shop",instance="shop-1"} 3');
    expect(text).toContain('osprey_jvm_deadlocked_threads{service="shop",instance="shop-2"} 4');

    await uploadDump('jdk17/lock-jcmd-thread-print.txt', 'shop-1');
    text = await (await get('rd')).text();
    expect(text).toContain('osprey_jvm_deadlocked_threads{service="shop",instance="shop-1"} 4');
  });

  it('passes promtool check metrics', async () => {
    const text = await (await get('rd')).text();
    // promtool exits non-zero on exposition errors and prints lint problems; both must be absent.
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
  });
});
