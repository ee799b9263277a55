import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { FastifyInstance } from 'fastify';

import { diffHistograms, diffThreadDumps } from '../jvm';
import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'jvm');
const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));
const TD = '/api/v1/jvm/threaddumps';
const HH = '/api/v1/jvm/heaphistograms';
const RQ = '/api/v1/jvm/requests';
const target = (service = 'shop', instance = 'shop-1') => `?service=${service}&instance=${instance}`;

interface Answer {
  statusCode: number;
  headers: Headers;
  body: Buffer;
  json(): any;
}

/** A real HTTP request against the listening app (see server/app.test.ts for why not inject()). */
async function call(
  app: FastifyInstance,
  url: string,
  options: { method?: string; token?: string; type?: string; body?: string | Buffer; gzip?: boolean } = {}
): Promise<Answer> {
  const address = app.server.address() as AddressInfo;
  const headers: Record<string, string> = {};
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.type !== undefined) {
    headers['content-type'] = options.type;
  }
  if (options.gzip) {
    headers['content-encoding'] = 'gzip';
  }
  const res = await fetch(`http://127.0.0.1:${address.port}${url}`, {
    method: options.method ?? 'GET',
    headers,
    body: typeof options.body === 'string' || options.body === undefined ? options.body : new Uint8Array(options.body),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { statusCode: res.status, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) };
}

describe('JVM API routes', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;

  const upload = (body: string | Buffer, type = 'text/plain', query = target(), token = 'in') =>
    call(app, `${TD}${query}`, { method: 'POST', token, type, body });
  const uploadHistogram = (body: string | Buffer, query = target(), token = 'in') =>
    call(app, `${HH}${query}`, { method: 'POST', token, type: 'text/plain', body });
  const read = (url: string, token = 'rd') => call(app, url, { token });
  const dumpCount = async () => (await read(`${TD}?limit=10000`)).json().threadDumps.length;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-jvm-api-'));
    store = await DuckDbStore.open(dir);
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd', admin: 'ad' }, maxBodyBytes: 1024 * 1024 });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['POST', TD, undefined, 401],
    ['POST', TD, 'rd', 403],
    ['POST', HH, 'rd', 403],
    ['GET', TD, 'in', 403],
    ['GET', HH, 'in', 403],
    ['GET', '/api/v1/jvm/instances', 'in', 403],
    ['GET', '/api/v1/jvm/instances', 'rd', 200],
    ['GET', RQ, undefined, 401],
    ['GET', RQ, 'in', 200],
    ['GET', RQ, 'rd', 200],
    ['POST', RQ, 'in', 403],
    ['POST', `${RQ}/${'0'.repeat(24)}/claim`, 'rd', 403],
    ['POST', `${RQ}/${'0'.repeat(24)}/result`, 'rd', 403],
  ] as const)('%s %s with token %j → %d', async (method, url, token, status) => {
    const res = await call(app, url, { method, token, type: 'text/plain', body: method === 'POST' ? 'x' : undefined });
    expect(res.statusCode).toBe(status);
    if (status === 403) {
      expect(res.json()).toEqual({ error: 'forbidden', message: expect.stringContaining('scope') });
    }
  });

  it('stores a jcmd text dump and answers it analysed, listed, as latest, raw and diffed', async () => {
    const first = fixture('jdk17/lock-jstack-l.txt');
    const second = fixture('jdk17/lock-jcmd-thread-print.txt');
    const a = await upload(first, 'text/plain; charset=utf-8', target('lock', 'lock-17'));
    expect(a.statusCode).toBe(201);
    const created = a.json();
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.summary).toEqual(expect.objectContaining({ deadlockedThreads: 4, virtual: 0 }));
    const b = await call(app, `${TD}${target('lock', 'lock-17')}`, {
      method: 'POST',
      token: 'in',
      type: 'text/plain',
      body: gzipSync(second),
      gzip: true,
    });
    expect(b.statusCode).toBe(201);
    const bId = b.json().id as string;
    expect(bId > created.id).toBe(true);

    const dump = (await read(`${TD}/${created.id}`)).json();
    expect(dump).toEqual(
      expect.objectContaining({ id: created.id, service: 'lock', instance: 'lock-17', format: 'text' })
    );
    expect(dump.deadlocks.map((d: { threads: string[]; kind: string }) => [[...d.threads].sort(), d.kind])).toEqual(
      expect.arrayContaining([
        [['audit-writer', 'ledger-writer'], 'synchronizer'],
        [['price-updater', 'stock-updater'], 'mixed'],
      ])
    );
    const relock = dump.threads.find((t: { name: string }) => t.name === 'relock-waiter');
    expect(relock.waitingOn.owner).toBe('relock-notifier');

    const list = (await read(`${TD}?service=lock&instance=lock-17`)).json().threadDumps;
    expect(list.map((d: { id: string }) => d.id)).toEqual([bId, created.id]);
    expect(list[0]).toEqual(
      expect.objectContaining({
        format: 'text',
        jvmVersion: expect.stringContaining('17.0'),
        summary: expect.any(Object),
      })
    );
    expect((await read(`${TD}?service=lock&from=0&to=1`)).json().threadDumps).toEqual([]);

    expect((await read(`${TD}/latest${target('lock', 'lock-17')}`)).json().id).toBe(bId);

    const raw = await read(`${TD}/${created.id}/raw`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename="threaddump-${created.id}.txt"`);
    expect(raw.body.equals(first)).toBe(true);
    expect((await read(`${TD}/${bId}/raw`)).body.equals(second)).toBe(true);

    const diff = (await read(`${TD}/${created.id}/diff/${bId}`)).json();
    const busy = diff.cpu.find((c: { name: string }) => c.name === 'busy-hasher');
    expect(busy.cpuDeltaMs).toBeGreaterThan(0);
  });

  it('stores a jcmd JSON dump with its virtual threads', async () => {
    const body = fixture('jdk25/lock-thread-dump.json');
    const res = await upload(body, 'application/json', target('lock', 'lock-25'));
    expect(res.statusCode).toBe(201);
    expect(res.json().summary.virtual).toBeGreaterThan(0);
    const dump = (await read(`${TD}/${res.json().id}`)).json();
    expect(dump.format).toBe('json');
    expect(dump.threads).toContainEqual(expect.objectContaining({ name: 'vt-spinner', virtual: true }));
    const raw = await read(`${TD}/${res.json().id}/raw`);
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(raw.body.equals(body)).toBe(true);
  });

  it('stores a Thread.dump_to_file text dump (JDK 21+) and a merged Thread.print + dump_to_file upload', async () => {
    const text = await upload(fixture('jdk25/vt-thread-dump.txt'), 'text/plain', target('vt', 'vt-25'));
    expect(text.statusCode).toBe(201);
    expect(text.json().summary).toMatchObject({ total: 23, virtual: 8, deadlockedThreads: 2 });
    const merged = JSON.stringify({
      osprey: 'merged-thread-dump/1',
      threadPrint: fixture('jdk25/vt-jcmd-thread-print.txt').toString('utf8'),
      dumpToFile: fixture('jdk25/vt-thread-dump.json').toString('utf8'),
    });
    const res = await upload(merged, 'application/json', target('vt', 'vt-25'));
    expect(res.statusCode).toBe(201);
    const dump = (await read(`${TD}/${res.json().id}`)).json();
    expect(dump).toMatchObject({ source: 'merged', format: 'text', deadlocksAgree: true });
    expect(dump.summary.virtual).toBe(8);
    expect(dump.threads).toContainEqual(expect.objectContaining({ name: 'vt-gate-0', virtual: true }));
  });

  it.each([
    ['garbage text', 'hello world', 'text/plain', target(), 400, 'not a thread dump'],
    ['empty body', '', 'text/plain', target(), 400, 'empty'],
    ['JSON that is no dump', '{"a":1}', 'application/json', target(), 400, ''],
    [
      'merged upload, half missing',
      '{"osprey":"merged-thread-dump/1"}',
      'application/json',
      target(),
      400,
      'must be strings',
    ],
    [
      'dump_to_file header, no threads',
      '12\n2026-12-06T22:52:51Z\n25\n\nnothing',
      'text/plain',
      target(),
      400,
      'no thread entries',
    ],
    ['missing service', 'x', 'text/plain', '?instance=i', 400, 'query parameter "service": required'],
    ['missing instance', 'x', 'text/plain', '?service=s', 400, 'query parameter "instance": required'],
    ['empty service', 'x', 'text/plain', '?service=&instance=i', 400, '"service": must not be empty'],
    ['unknown parameter', 'x', 'text/plain', `${target()}&foo=1`, 400, '"foo": unknown parameter'],
    ['unsupported type', 'x', 'application/xml', target(), 415, ''],
    ['too large', 'x'.repeat(1024 * 1024 + 1), 'text/plain', target(), 413, ''],
  ])('refuses a thread dump upload: %s', async (_name, body, type, query, status, message) => {
    const before = await dumpCount();
    const res = await upload(body, type, query);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: expect.any(String), message: expect.stringContaining(message) });
    expect(await dumpCount()).toBe(before);
  });

  it('answers 404 for unknown ids and 400 for malformed ones, naming the parameter', async () => {
    const unknown = await read(`${TD}/${'f'.repeat(24)}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('no thread dump with id');
    expect((await read(`${TD}/nope`)).json()).toEqual({
      error: 'bad_request',
      message: 'path parameter "id": must be 24 lowercase hex digits',
    });
    expect((await read(`${TD}/latest?service=none&instance=none`)).statusCode).toBe(404);
    expect((await read(`${TD}/latest?service=none`)).json().message).toContain('"instance": required');
    expect((await read(`${TD}/${'f'.repeat(24)}/diff/zz`)).json().message).toContain('"b"');
    expect((await read(`${HH}/${'f'.repeat(24)}`)).statusCode).toBe(404);
    expect((await read(`${TD}?limit=0`)).json().message).toContain('"limit"');
  });

  // Answers are serialised by their response schemas (model/src/jvm), which drop what they do not list.
  it.each([
    ['jdk17/lock-jstack-e.txt', 'jdk17/lock-jcmd-thread-print.txt'],
    ['jdk17/object-wait-no-reference.txt', 'jdk17/jstack-l.txt'],
    ['jdk25/lock-thread-dump.json', 'jdk25/thread-dump.json'],
    ['jdk25/vt-thread-dump.txt', 'jdk25/vt-thread-dump.json'],
  ])('answers every field the store holds of dumps %s and %s, and of their diff', async (...names) => {
    const type = (name: string) => (name.endsWith('.json') ? 'application/json' : 'text/plain');
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await upload(fixture(name), type(name), target('fields', 'f-1'))).json().id);
    }
    const stored = await Promise.all(ids.map(async (id) => (await store.captures.threadDump(id))!));
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));
    expect(await Promise.all(ids.map(async (id) => (await read(`${TD}/${id}`)).json()))).toEqual(asJson(stored));
    expect((await read(`${TD}/${ids[0]}/diff/${ids[1]}`)).json()).toEqual(
      asJson(diffThreadDumps(stored[0], stored[1]))
    );
  });

  it('answers every field the store holds of a heap histogram and of a diff', async () => {
    const ids: string[] = [];
    for (const name of ['jdk17/class_histogram.txt', 'jdk25/class_histogram.txt']) {
      ids.push((await uploadHistogram(fixture(name), target('fields', 'h-2'))).json().id);
    }
    const stored = await Promise.all(ids.map(async (id) => (await store.captures.heapHistogram(id))!));
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));
    expect((await read(`${HH}/${ids[0]}`)).json()).toEqual(asJson(stored[0]));
    expect((await read(`${HH}/${ids[0]}/diff/${ids[1]}`)).json()).toEqual(asJson(diffHistograms(stored[0], stored[1])));
  });

  it('stores heap histograms: list, one, latest, diff', async () => {
    const older = await uploadHistogram(fixture('jdk17/class_histogram.txt'), target('heap', 'h-1'));
    const newer = await uploadHistogram(fixture('jdk25/class_histogram.txt'), target('heap', 'h-1'));
    expect(older.statusCode).toBe(201);
    expect(newer.statusCode).toBe(201);
    const [a, b] = [older.json().id as string, newer.json().id as string];
    const list = (await read(`${HH}?service=heap`)).json().heapHistograms;
    expect(list.map((h: { id: string }) => h.id)).toEqual([b, a]);
    const one = (await read(`${HH}/${a}`)).json();
    expect(one).toEqual(expect.objectContaining({ id: a, service: 'heap', instance: 'h-1' }));
    expect(one.rows[0]).toEqual(expect.objectContaining({ rank: 1, class: '[B', instances: 57699, bytes: 1952480 }));
    expect(list[1]).toEqual(
      expect.objectContaining({
        totalBytes: one.totalBytes,
        totalInstances: one.totalInstances,
        classes: one.rows.length,
      })
    );
    expect((await read(`${HH}/latest${target('heap', 'h-1')}`)).json().id).toBe(b);
    const diff = (await read(`${HH}/${a}/diff/${b}`)).json();
    expect(diff.totalBytesDelta).toBe((await read(`${HH}/${b}`)).json().totalBytes - one.totalBytes);
    expect(diff.rows.length).toBeGreaterThan(0);

    const bad = await uploadHistogram('no histogram here', target('heap', 'h-1'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('not a class histogram');
    expect((await read(`${HH}?service=heap`)).json().heapHistograms).toHaveLength(2);

    const instances = (await read('/api/v1/jvm/instances?service=heap')).json().instances;
    expect(instances).toEqual([{ service: 'heap', instance: 'h-1', lastHeapHistogramAt: expect.any(Number) }]);
  });

  it('runs the capture request lifecycle', async () => {
    const dumpId = (await upload(fixture('jdk17/lock-jstack.txt'), 'text/plain', target('cap', 'c-1'))).json().id;
    const create = await call(app, RQ, {
      method: 'POST',
      token: 'rd',
      type: 'application/json',
      body: JSON.stringify({ service: 'cap', instance: 'c-1', kind: 'threaddump' }),
    });
    expect(create.statusCode).toBe(202);
    const request = create.json();
    expect(request).toEqual(expect.objectContaining({ service: 'cap', instance: 'c-1', status: 'pending' }));

    const pending = (await read(`${RQ}?service=cap&instance=c-1&status=pending`, 'in')).json().requests;
    expect(pending.map((r: { id: string }) => r.id)).toEqual([request.id]);

    const claims = await Promise.all(
      [1, 2, 3].map(() => call(app, `${RQ}/${request.id}/claim`, { method: 'POST', token: 'in' }))
    );
    expect(claims.map((c) => c.statusCode).sort()).toEqual([200, 409, 409]);
    expect(claims.find((c) => c.statusCode === 409)!.json()).toEqual({
      error: 'conflict',
      message: `capture request ${request.id} is taken, cannot claim it`,
    });

    const finish = (body: unknown) =>
      call(app, `${RQ}/${request.id}/result`, {
        method: 'POST',
        token: 'in',
        type: 'application/json',
        body: JSON.stringify(body),
      });
    expect((await finish({ resultId: 'f'.repeat(24) })).json().message).toContain('no thread dump with id');
    expect((await finish({ resultId: dumpId, error: 'x' })).statusCode).toBe(400);
    const done = await finish({ resultId: dumpId });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual(expect.objectContaining({ id: request.id, status: 'done', resultId: dumpId }));
    expect((await finish({ error: 'late' })).statusCode).toBe(409);
    expect((await read(`${RQ}/${request.id}`)).json().status).toBe('done');

    const failed = await call(app, RQ, {
      method: 'POST',
      token: 'ad',
      type: 'application/json',
      body: JSON.stringify({ service: 'cap', instance: 'c-1', kind: 'heaphistogram' }),
    });
    const failure = await call(app, `${RQ}/${failed.json().id}/result`, {
      method: 'POST',
      token: 'in',
      type: 'application/json',
      body: JSON.stringify({ error: 'jcmd: attach failed' }),
    });
    expect(failure.json()).toEqual(expect.objectContaining({ status: 'failed', error: 'jcmd: attach failed' }));
    expect((await read(`${RQ}?service=cap`)).json().requests.map((r: { status: string }) => r.status)).toEqual([
      'done',
      'failed',
    ]);
  });

  it('takes a claim whose client says application/json with no body, and names malformed JSON', async () => {
    const created = await call(app, RQ, {
      method: 'POST',
      token: 'rd',
      type: 'application/json',
      body: JSON.stringify({ service: 'cap', instance: 'c-2', kind: 'heaphistogram' }),
    });
    const claim = await call(app, `${RQ}/${created.json().id}/claim`, {
      method: 'POST',
      token: 'in',
      type: 'application/json',
    });
    expect(claim.statusCode).toBe(200);
    expect(claim.json().status).toBe('taken');
    const broken = await call(app, RQ, { method: 'POST', token: 'rd', type: 'application/json', body: '{"service":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: 'bad_request', message: expect.stringContaining('body is not valid JSON') });
  });

  it.each([
    [{ service: 'a', instance: 'b', kind: 'coredump' }, '"kind": must be one of threaddump, heaphistogram'],
    [{ instance: 'b', kind: 'threaddump' }, '"service": required'],
    [{ service: 'a', instance: '', kind: 'threaddump' }, '"instance": required'],
    [{ service: 'a', instance: 'b', kind: 'threaddump', extra: 1 }, '"extra": unknown field'],
    [[1], 'body must be a JSON object'],
  ])('refuses capture request %j', async (body, message) => {
    const res = await call(app, RQ, {
      method: 'POST',
      token: 'rd',
      type: 'application/json',
      body: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(message);
  });
});
